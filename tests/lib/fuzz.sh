#!/bin/sh
# fuzz.sh NAME CORPUS-DIR RUNS - run build/fuzz/NAME briefly over the seed
# corpus in CORPUS-DIR (new inputs go to a temporary folder, never into the tree) and print TAP.  A crash, a leak, a sanitizer report, or
# memory above 256 MiB fails the test; the input that did it is kept.
name=$1 corpus=$2 runs=$3
bin=${NHV_BUILD:-build}/fuzz/$name
echo "1..2"
if [ ! -x "$bin" ]; then
	echo "not ok 1 - $name is built ($bin missing: make tests)"
	echo "not ok 2 - $name ran"
	exit 1
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
"$bin" -runs="$runs" -max_total_time=120 -rss_limit_mb=2048 -timeout=10 \
	-artifact_prefix="$work/" "$work" "$corpus" >"$work/log" 2>&1
rc=$?
done_line=$(grep -E '^Done [0-9]+ runs' "$work/log" | tail -1)
if [ $rc -eq 0 ]; then
	echo "ok 1 - $name: no crash, leak or sanitizer report over the corpus and mutations"
	rm -rf "$work"
else
	echo "not ok 1 - $name exited $rc (log and crashing input kept in $work)"
	grep -E 'ERROR|SUMMARY|runtime error|artifact' "$work/log" | head -20 | sed 's/^/# /'
fi
execs=$(echo "$done_line" | sed -n 's/^Done \([0-9]*\) runs.*/\1/p')
if [ -n "$execs" ] && [ "$execs" -ge "$runs" ]; then
	echo "ok 2 - $name ran $execs executions ($done_line)"
else
	echo "not ok 2 - $name ran ${execs:-no} executions, expected $runs"
fi
