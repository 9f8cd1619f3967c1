#!/bin/sh
# Print the files a set of dynamically linked ELF programs need inside a
# root tree: the programs themselves, their program interpreter (PT_INTERP)
# and the DT_NEEDED closure of shared libraries, each resolved in ROOT's
# library folders (never on the build host), one path relative to ROOT per
# line, each once.  Reads ELF headers with readelf; runs nothing.
# Usage: images/l2/elf-closure.sh ROOT FILE...   (FILE relative to ROOT)
# Exits 1 naming every library that is not in ROOT and who needs it.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 ROOT FILE..." >&2; exit 2; }
root=$1
shift
# Debian's multiarch folders first: its ld.so searches them before /lib and
# /usr/lib when there is no ld.so.cache (the L2 initramfs has none).
libdirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 lib usr/lib"

done_list=""
queue=""
bad=0
seen() { case " $done_list " in *" $1 "*) return 0 ;; esac; return 1; }

for f in "$@"; do
	if [ ! -f "$root/$f" ]; then
		echo "elf-closure: $root/$f: no such file (expected a program or library of the unpacked packages)" >&2
		bad=1
		continue
	fi
	queue="$queue $f"
done

while [ -n "${queue# }" ]; do
	set -- $queue
	f=$1
	shift
	queue=" $*"
	seen "$f" && continue
	done_list="$done_list $f"
	echo "$f"
	if ! hdr=$(readelf -lW "$root/$f" 2>/dev/null); then
		echo "elf-closure: $root/$f: not an ELF file (readelf failed)" >&2
		bad=1
		continue
	fi
	interp=$(printf '%s\n' "$hdr" | sed -n 's/.*\[Requesting program interpreter: \/\(.*\)\]/\1/p')
	needs=$(readelf -dW "$root/$f" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p')
	if [ -n "$interp" ]; then
		# The interpreter path is absolute in the guest; in Debian /lib64's
		# link points into /lib/x86_64-linux-gnu: keep the link and its target.
		if [ -L "$root/$interp" ]; then
			seen "$interp" || { done_list="$done_list $interp"; echo "$interp"; }
			target=$(readlink "$root/$interp")
			case "$target" in
			/*) interp=${target#/} ;;
			*) interp=$(dirname "$interp")/$target ;;
			esac
		fi
		if [ -f "$root/$interp" ]; then
			queue="$queue $interp"
		else
			echo "elf-closure: $f: program interpreter /$interp is not in $root" >&2
			bad=1
		fi
	fi
	for n in $needs; do
		found=""
		for d in $libdirs; do
			if [ -e "$root/$d/$n" ]; then
				found=$d/$n
				break
			fi
		done
		if [ -z "$found" ]; then
			echo "elf-closure: $f needs $n, which is in none of $libdirs under $root (add its Debian package)" >&2
			bad=1
			continue
		fi
		queue="$queue $found"
	done
done
exit $bad
