#!/bin/sh
# Runs fuzz-virtq briefly over its seed corpus (a copy, so the tree stays clean);
# a crash, a leak, a sanitizer report (UBSan's "runtime error" included) fails.
B="${NHV_BUILD:-build}"
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp "$here"/corpus/virtq/* "$work"/
echo "1..1"
if "$B/fuzz/fuzz-virtq" -max_total_time=10 -max_len=20000 -rss_limit_mb=1024 -artifact_prefix="$work/" "$work" >"$work.log" 2>&1 &&
   ! grep -q 'runtime error' "$work.log"; then
	echo "ok 1 - fuzz-virtq: 10 s without a crash, a hang or a sanitizer report ($(grep -o 'Done [0-9]* runs' "$work.log"))"
else
	grep -m5 -A20 'runtime error\|ERROR' "$work.log" | sed 's/^/# /'
	tail -10 "$work.log" | sed 's/^/# /'
	echo "not ok 1 - fuzz-virtq found a failing input"
fi
