#!/bin/sh
# nhv-datadisk check on disk images: only a blank image may be formatted;
# `format` refuses anything else (and anything that is not a block device).
B="${NHV_BUILD:-build}"
DD="$B/bin/nhv-datadisk"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }

img() { rm -f "$T/d.img"; truncate -s 64M "$T/d.img"; }
poke() { printf "$2" | dd of="$T/d.img" bs=1 seek=$1 conv=notrunc status=none; }

img
"$DD" check "$T/d.img" > "$T/out"; ok $? "a zeroed 64 MiB image is blank"
img; poke 510 '\125\252'
"$DD" check "$T/d.img" > "$T/out"; r=$?
[ $r = 1 ] && grep -q 'partition table' "$T/out"; ok $? "an image with an MBR is refused: $(cat "$T/out")"
img; poke 1080 '\123\357'
"$DD" check "$T/d.img" > "$T/out"; r=$?
[ $r = 1 ] && grep -q 'ext2/3/4' "$T/out"; ok $? "an image with an ext superblock is refused"
img; poke 700000 'x'
"$DD" check "$T/d.img" > "$T/out"; r=$?
[ $r = 1 ] && grep -q 'first MiB is not zero' "$T/out"; ok $? "a stray byte in the first MiB is refused"
img; poke $((64 * 1024 * 1024 - 1000)) 'EFI PART'
"$DD" check "$T/d.img" > "$T/out"; r=$?
[ $r = 1 ] && grep -q 'last MiB' "$T/out"; ok $? "a backup GPT at the end is refused"
rm -f "$T/d.img"; truncate -s 4M "$T/d.img"
"$DD" check "$T/d.img" > "$T/out"; r=$?
[ $r = 1 ] && grep -q 'too small' "$T/out"; ok $? "a 4 MiB image is too small"
"$DD" check "$T/none.img" > "$T/out"; r=$?
[ $r = 1 ] && grep -q 'cannot open' "$T/out"; ok $? "a missing device is named"
img
"$DD" format "$T/d.img" > "$T/out" 2>&1; r=$?
[ $r = 1 ] && grep -q 'not a block device' "$T/out" && ! od -An -tx1 -j510 -N2 "$T/d.img" | grep -q 55; ok $? "format refuses a plain file and leaves it untouched"
img; poke 1080 '\123\357'; cp "$T/d.img" "$T/ref.img"
"$DD" format "$T/d.img" > "$T/out" 2>&1; r=$?
[ $r = 1 ] && grep -q 'not blank' "$T/out" && cmp -s "$T/d.img" "$T/ref.img"; ok $? "format refuses a disk that holds data, byte for byte untouched"
"$DD" bogus > /dev/null 2>&1; [ $? = 2 ]; ok $? "an unknown verb is a usage error"
echo "1..$n"
[ $fails -eq 0 ]
