#!/bin/sh
# Runs the replay-parser fuzzer briefly over the seed corpus (real
# cpuinfo/lscpu pastes and captures).  New inputs go to a temporary
# directory, never into the repository.
fuzzer="${NHV_BUILD:-build}/fuzz/fuzz-nhv-check-replay"
corpus="$(dirname "$0")/corpus"
echo "1..1"
if [ ! -x "$fuzzer" ]; then
	echo "not ok 1 - fuzzer $fuzzer is built (make tests)"
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if "$fuzzer" -runs=5000 -max_len=8192 -timeout=10 "$work" "$corpus" >"$work.log" 2>&1; then
	echo "ok 1 - replay parser survives 5000 fuzzed inputs from the seed corpus"
	rm -f "$work.log"
else
	echo "not ok 1 - replay parser fuzzing failed; log follows"
	sed 's/^/# /' "$work.log" | tail -n 40
	rm -f "$work.log"
	exit 1
fi
