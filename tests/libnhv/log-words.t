#!/bin/sh
# Messages of nhv's programs never look like kernel faults (issue 10, point 5):
# no string in the C sources of userland/ and tools/ holds WARNING:, BUG:,
# Oops, "Call Trace", "general protection" or "Kernel panic", which
# monitoring and the tests that scan dmesg (tests/lib/vm.sh vm_kernel_clean)
# take for the kernel's own.  The level belongs in the "<N>" prefix (userland/lib/log.h).
top=$(cd "$(dirname "$0")/../.." && pwd)
words='WARNING:|BUG:|Oops|Call Trace|general protection|Kernel panic'
# A C string literal on one line that holds one of the words (comment lines
# are passed over: they may name the words, as this one does).
scan() {
	grep -nHE "\"([^\"\\\\]|\\\\.)*($words)([^\"\\\\]|\\\\.)*\"" "$@" |
		grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)'
}
echo "1..2"
sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
printf '%s\n' 'log_at(4, "WARNING: disk gone");' 'puts("fine");' ' * "WARNING:" in a comment' >"$sample"
if [ "$(scan "$sample" | wc -l)" = 1 ]; then
	echo "ok 1 - the scan finds a WARNING: message in a sample (and only that line)"
else
	echo "not ok 1 - the scan finds a WARNING: message in a sample"
	scan "$sample" | sed 's/^/# /'
fi
files=$(cd "$top" && find userland tools -name '*.c' -o -name '*.h' | sort)
found=$(cd "$top" && scan $files)
if [ -z "$found" ]; then
	echo "ok 2 - no message in userland/ or tools/ ($(echo "$files" | wc -l) files) looks like a kernel fault"
else
	echo "not ok 2 - messages that look like kernel faults:"
	printf '%s\n' "$found" | sed 's/^/# /'
fi
