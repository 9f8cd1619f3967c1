#!/bin/sh
# Runs the .vmx fuzzer briefly over its seed corpus (a copy, so the tree stays clean).
B="${NHV_BUILD:-build}"
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp "$here"/corpus/vmx/* "$work"/
echo "1..1"
if "$B/fuzz/fuzz-vmx" -max_total_time=10 -max_len=8192 -rss_limit_mb=1024 "$work" >"$work.log" 2>&1; then
	echo "ok 1 - fuzz-vmx: 10 s without a crash, a leak or a round-trip mismatch"
else
	tail -30 "$work.log" | sed 's/^/# /'
	echo "not ok 1 - fuzz-vmx found a failing input"
fi
