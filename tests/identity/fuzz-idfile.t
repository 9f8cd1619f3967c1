#!/bin/sh
# Runs the identity-file fuzzer briefly over its seed corpus (a copy, so the
# tree stays clean).
B="${NHV_BUILD:-build}"
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/corpus/* "$work"/
echo "1..1"
if "$B/fuzz/fuzz-idfile" -max_total_time=10 -rss_limit_mb=1024 "$work" >"$work.log" 2>&1; then
	echo "ok 1 - fuzz-idfile: 10 s without a crash or a round-trip mismatch"
else
	tail -30 "$work.log" | sed 's/^/# /'
	echo "not ok 1 - fuzz-idfile found a failing input"
fi
rm -f "$work.log"
