#!/bin/sh
# nhv.ko's decoders of guest instruction bytes under libFuzzer (ASan+UBSan),
# 2,000,000 executions from an empty corpus in a temporary folder.
B=${NHV_BUILD:-build}
bin=$B/fuzz/fuzz-kvmm-decode
echo "1..1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -x "$bin" ]; then
	echo "not ok 1 - fuzz-kvmm-decode is built ($bin missing: make tests)"
	exit 1
fi
if "$bin" -runs=2000000 -max_len=40 -max_total_time=120 -rss_limit_mb=256 \
	-artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
	echo "ok 1 - fuzz-kvmm-decode: $(grep -E '^Done [0-9]+ runs' "$work/log" | tail -1)"
else
	grep -E 'ERROR|SUMMARY|runtime error|artifact|deadly' "$work/log" | head -20 | sed 's/^/# /'
	cp -r "$work" "${TMPDIR:-/tmp}/fuzz-kvmm-decode.failed" 2>/dev/null
	echo "not ok 1 - fuzz-kvmm-decode found a failing input (kept in ${TMPDIR:-/tmp}/fuzz-kvmm-decode.failed)"
fi
