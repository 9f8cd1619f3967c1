#!/bin/sh
# fuzz-run.sh NAME: runs build/fuzz/NAME for 10 s over a copy of its seed
# corpus tests/nhv-vm/corpus/NAME (the tree stays clean) and prints one TAP
# result; a crash, a leak or a sanitizer report (UBSan's "runtime error"
# included) fails.
name=$1
B="${NHV_BUILD:-build}"
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp "$here"/corpus/"$name"/* "$work"/
echo "1..1"
if "$B/fuzz/fuzz-$name" -max_total_time=10 -max_len=20000 -rss_limit_mb=1024 -artifact_prefix="$work/" "$work" >"$work.log" 2>&1 &&
   ! grep -q 'runtime error' "$work.log"; then
	echo "ok 1 - fuzz-$name: 10 s without a crash, a hang or a sanitizer report ($(grep -o 'Done [0-9]* runs' "$work.log"))"
else
	grep -m5 -A20 'runtime error\|ERROR' "$work.log" | sed 's/^/# /'
	tail -10 "$work.log" | sed 's/^/# /'
	echo "not ok 1 - fuzz-$name found a failing input"
fi
