#!/bin/sh
# kernel-vmm/ follows the kernel's coding style: checkpatch.pl (from Debian's
# linux-source, fetched by make check) finds no error or warning in any file.
# Ignored: EMBEDDED_FUNCTION_NAME (asm mnemonics such as "vmread" in inline
# assembly strings inside functions of the same name are not function names),
# and "spacing around '%'" on a line with an asm-goto label operand (%l[...]),
# which checkpatch reads as a modulo.
B=${NHV_BUILD:-build}
cp=$B/checkpatch/checkpatch.pl
if [ ! -x "$cp" ]; then
	echo "Bail out! missing $cp (make check fetches it)"
	exit 1
fi
set -- kernel-vmm/*.c kernel-vmm/*.h kernel-vmm/*.S kernel-vmm/include/uapi/nhv.h
echo "1..$#"
n=0
for f in "$@"; do
	n=$((n + 1))
	out=$(perl "$cp" --no-tree --terse --show-types --ignore EMBEDDED_FUNCTION_NAME -f "$f" 2>&1 |
		while IFS= read -r line; do
			case $line in
			*"spacing around '%'"*)
				ln=$(printf '%s\n' "$line" | cut -d: -f2)
				sed -n "${ln}p" "$f" | grep -qF '%l[' && continue ;;
			esac
			printf '%s\n' "$line"
		done)
	if ! printf '%s\n' "$out" | grep -qE ': (ERROR|WARNING):'; then
		echo "ok $n - checkpatch: $f"
	else
		echo "not ok $n - checkpatch: $f"
		printf '%s\n' "$out" | grep -v '^total' | sed 's/^/# /'
	fi
done
