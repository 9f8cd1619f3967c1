#!/bin/sh
# nhv-clone on VM folders of real-world shapes (Workstation, a CRLF copy from
# an ESXi datastore with duplicate keys and UTF-8 names, odd spacing and no
# final newline), in a temp folder: what changes, what is kept byte for byte,
# sparse disks, batch mode, MAC ranges, refusals.
B="${NHV_BUILD:-build}"
C="$B/bin/nhv-clone"
D=$(cd "$(dirname "$0")/data" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }
check() { desc=$1; shift; if "$@" >/dev/null 2>&1; then ok 0 "$desc"; else ok 1 "$desc"; fi; }
val() { sed -n "s/^$2 = \"\([^\"]*\)\".*/\1/p" "$1" | tr -d '\r' | tail -n 1; }
# The lines a clone may change; everything else must stay byte for byte.
CHANGED='^(\.encoding|displayName|uuid\.bios|uuid\.location|vhv\.enable|vmci0\.id|sched\.swap\.derivedName|ethernet[0-9]+\.(generatedAddress|generatedAddressOffset|address|addressType)|guestinfo\.nhv\.[a-z]+) *='
kept() { grep -Eiv "$CHANGED" "$1"; }

# A Workstation VM folder: sparse 2 GiB flat disk with two data islands.
W=$T/src/esxi8-template
mkdir -p "$W/esxi8-template.vmx.lck" "$W/caches"
cp "$D/workstation.vmx" "$W/esxi8-template.vmx"
printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\nRW 4194304 FLAT "esxi8-template-flat.vmdk" 0\n' > "$W/esxi8-template.vmdk"
truncate -s 2G "$W/esxi8-template-flat.vmdk"
dd if=/dev/urandom of="$W/esxi8-template-flat.vmdk" bs=1M count=1 seek=0 conv=notrunc status=none
dd if=/dev/urandom of="$W/esxi8-template-flat.vmdk" bs=1M count=2 seek=1500 conv=notrunc status=none
head -c 270336 /dev/urandom > "$W/esxi8-template.nvram"
echo '<?xml version="1.0"?><Foundry><VM><VMId type="string">52 1f</VMId></VM></Foundry>' > "$W/esxi8-template.vmxf"
echo "2024-01-01T00:00:00.000Z In(05) vmx Log for VMware Workstation" > "$W/vmware.log"
echo "old" > "$W/vmware-1.log"
head -c 4096 /dev/zero > "$W/esxi8-template-1a2b3c.vswp"
echo lock > "$W/esxi8-template.vmx.lck/M12345.lck"

"$C" --no-progress "$W" "$T/out/lab-a" > "$T/log" 2>&1
r=$?
check "clone into a missing parent fails with a message" test $r -ne 0
mkdir -p "$T/out"
"$C" --no-progress "$W" "$T/out/lab-a" > "$T/log" 2>&1
ok $? "Workstation VM cloned ($(cat "$T/log"))"
A=$T/out/lab-a
check "the .vmx is named after the clone" test -f "$A/lab-a.vmx" -a ! -f "$A/esxi8-template.vmx"
check "disks, nvram and vmxf copied byte for byte" sh -c "cmp '$W/esxi8-template-flat.vmdk' '$A/esxi8-template-flat.vmdk' && cmp '$W/esxi8-template.vmdk' '$A/esxi8-template.vmdk' && cmp '$W/esxi8-template.nvram' '$A/esxi8-template.nvram' && cmp '$W/esxi8-template.vmxf' '$A/esxi8-template.vmxf'"
alloc=$(du -k "$A/esxi8-template-flat.vmdk" | cut -f1)
check "the 2 GiB disk stays sparse (${alloc} KiB allocated for 3 MiB of data)" test "$alloc" -lt 16384
check "logs, swap and lock folders are not copied" sh -c "! ls '$A' | grep -Eq 'log|vswp|lck'"
check "displayName is the clone's name" test "$(val "$A/lab-a.vmx" displayName)" = "lab-a"
check "uuid.bios is new, in VMware's form" sh -c "u=\$(sed -n 's/^uuid.bios = \"\(.*\)\"/\1/p' '$A/lab-a.vmx'); test \"\$u\" != '56 4d 5c 0e 3a 9c 27 1b-84 2f 6a 11 9e 40 c3 d7' && echo \"\$u\" | grep -Eqx '([0-9a-f]{2} ){7}[0-9a-f]{2}-([0-9a-f]{2} ){7}[0-9a-f]{2}'"
check "uuid.location is new and differs from uuid.bios" sh -c "test '$(val "$A/lab-a.vmx" uuid.location)' != '56 4d 5c 0e 3a 9c 27 1b-84 2f 6a 11 9e 40 c3 d7' && test '$(val "$A/lab-a.vmx" uuid.location)' != '$(val "$A/lab-a.vmx" uuid.bios)'"
check "generated addresses removed (VMware makes new ones)" sh -c "! grep -Eq 'generatedAddress|ethernet[0-9]\.address' '$A/lab-a.vmx'"
check "vhv.enable FALSE became TRUE, once" sh -c "test \$(grep -c '^vhv.enable = \"TRUE\"$' '$A/lab-a.vmx') = 1 && ! grep -q FALSE.*vhv '$A/lab-a.vmx'"
check "vmci0.id removed" sh -c "! grep -q '^vmci0.id' '$A/lab-a.vmx'"
check "guestinfo.nhv.hostname set to the name" test "$(val "$A/lab-a.vmx" guestinfo.nhv.hostname)" = "lab-a"
kept "$W/esxi8-template.vmx" > "$T/k1"; kept "$A/lab-a.vmx" > "$T/k2"
cmp -s "$T/k1" "$T/k2"; ok $? "every other line kept, in order, byte for byte (direct)"
check "the source folder is untouched" sh -c "cmp '$D/workstation.vmx' '$W/esxi8-template.vmx' && test -f '$W/vmware.log'"

sum=$(cat "$A"/* | cksum)
"$C" --no-progress "$W" "$A" > "$T/log" 2>&1
r=$?
check "cloning onto an existing folder is refused" sh -c "test $r -ne 0 && grep -q 'exists; nhv-clone never overwrites' '$T/log'"
check "...and the existing clone is untouched" test "$(cat "$A"/* | cksum)" = "$sum"

# ESXi datastore copy: CRLF, comments, duplicate keys, UTF-8 names, vpx MACs.
E=$T/src/Größe-Lab
mkdir -p "$E"
cp "$D/esxi-crlf.vmx" "$E/Größe-Lab.vmx"
printf '# Disk DescriptorFile\r\nRW 8388608 VMFS "Größe-Lab_1-flat.vmdk"\r\n' > "$E/Größe-Lab_1.vmdk"
truncate -s 4G "$E/Größe-Lab_1-flat.vmdk"
printf 'MBR' | dd of="$E/Größe-Lab_1-flat.vmdk" bs=1 seek=510 conv=notrunc status=none
"$C" --no-progress --name "Größe-Lab ☃ Klon" --guestinfo 'note=clone of {name}' "$E/Größe-Lab.vmx" "$T/out/klon" > "$T/log" 2>&1
ok $? "ESXi VM cloned from its .vmx path with a UTF-8 name"
K="$T/out/klon/Größe-Lab ☃ Klon.vmx"
check "the .vmx carries the UTF-8 name" test -f "$K"
check "every line still ends in CR LF" sh -c "test \$(grep -c \"\$(printf '\r')\$\" '$K') = \$(wc -l < '$K')"
check "displayName is the UTF-8 name, byte for byte" sh -c "grep -q '^displayName = \"Größe-Lab ☃ Klon\"' '$K'"
check "both duplicate guestinfo.note lines kept" test "$(grep -c '^guestinfo.note' "$K")" = 2
check "comments kept" test "$(grep -c '^#' "$K")" = 2
check "the vpx address and its type removed" sh -c "! grep -Eq '^ethernet0\.(generatedAddress|addressType|address) ' '$K'"
check "sched.swap.derivedName removed" sh -c "! grep -q derivedName '$K'"
check "vhv.enable added once, with CR LF" sh -c "grep -q \"^vhv.enable = \\\"TRUE\\\"\$(printf '\r')\$\" '$K'"
check "--guestinfo with {name} expanded" sh -c "grep -q '^guestinfo.nhv.note = \"clone of Größe-Lab ☃ Klon\"' '$K'"
check "escaped annotation (|0A |22 |7C) kept as written" grep -q 'annotation = "Line one|0ALine two with a |22quote|22 and a pipe |7C"' "$K"
kept "$E/Größe-Lab.vmx" > "$T/k1"; kept "$K" > "$T/k2"
cmp -s "$T/k1" "$T/k2"; ok $? "ESXi .vmx: every other line kept, in order, byte for byte"
check "vc.uuid and migrate.hostLog kept (unknown to nhv, kept as is)" sh -c "grep -q '^vc.uuid' '$K' && grep -q '^migrate.hostLog' '$K'"

# Odd spacing, unquoted values, static MACs, no final newline, windows-1252.
S=$T/src/static
mkdir -p "$S"
cp "$D/static-nofinalnl.vmx" "$S/static.vmx"
"$C" --no-progress --name "Klon-ä" "$S" "$T/out/s-bad" > "$T/log" 2>&1
r=$?
check "a non-ASCII name in a windows-1252 .vmx is refused" sh -c "test $r -ne 0 && grep -q 'needs UTF-8' '$T/log' && test ! -e '$T/out/s-bad'"
"$C" --no-progress --mac-range 00:50:56:00:10:00-00:50:56:00:10:ff "$S" "$T/out/s1" > "$T/log" 2>&1
ok $? "static-MAC VM cloned with a MAC range"
V=$T/out/s1/s1.vmx
check "NIC 0: static address from the range" sh -c "grep -q '^   ethernet0.present   =   \"TRUE\"   $' '$V' && test '$(val "$V" ethernet0.address)' = 00:50:56:00:10:00 && test '$(val "$V" ethernet0.addressType)' = static"
check "NIC 1: next address, addressType static added" sh -c "test '$(val "$V" ethernet1.address)' = 00:50:56:00:10:01 && test '$(val "$V" ethernet1.addressType)' = static"
check "an absent NIC gets no address, its generated one is removed" sh -c "! grep -q '^ethernet3.address' '$V' && ! grep -q 'ethernet3.generatedAddress' '$V'"
check "unquoted displayName replaced and quoted" grep -q '^displayName = "s1"' "$V"
check "both vhv.enable spellings set to TRUE (keys are case-insensitive)" sh -c "grep -q '^vhv.enable = \"TRUE\"' '$V' && grep -q '^VHV.Enable = \"TRUE\"' '$V'"
check "a line that is not a pair is kept" grep -qx 'this line is not a pair and stays' "$V"
check "memsize without spaces kept as written" grep -qx 'memsize="2048"' "$V"
kept "$S/static.vmx" | sed '$a\' > "$T/k1"; kept "$V" > "$T/k2"
cmp -s "$T/k1" "$T/k2"; ok $? "odd .vmx: every other line kept byte for byte"

# Batch mode.
"$C" --no-progress --count 3 --name 'lab%02d' --ip 10.0.0.11 --mac-range 02:00:00:00:00:01-02:00:00:00:00:06 "$S" "$T/lab" > "$T/log" 2>&1
ok $? "batch: --count 3 --name lab%02d"
check "batch: lab01 lab02 lab03 made" sh -c "test -f '$T/lab/lab01/lab01.vmx' -a -f '$T/lab/lab02/lab02.vmx' -a -f '$T/lab/lab03/lab03.vmx' -a ! -e '$T/lab/lab04'"
check "batch: three different uuid.bios" test "$(for i in 01 02 03; do val "$T/lab/lab$i/lab$i.vmx" uuid.bios; done | sort -u | wc -l)" = 3
check "batch: six different MACs from the range, in order" test "$(for i in 01 02 03; do val "$T/lab/lab$i/lab$i.vmx" ethernet0.address; val "$T/lab/lab$i/lab$i.vmx" ethernet1.address; done | tr '\n' ' ')" = "02:00:00:00:00:01 02:00:00:00:00:02 02:00:00:00:00:03 02:00:00:00:00:04 02:00:00:00:00:05 02:00:00:00:00:06 "
check "batch: per-clone hostname and IP" sh -c "test '$(val "$T/lab/lab03/lab03.vmx" guestinfo.nhv.hostname)' = lab03 && test '$(val "$T/lab/lab03/lab03.vmx" guestinfo.nhv.ipaddress)' = 10.0.0.13"
"$C" --no-progress --count 3 --first 4 --name 'lab%02d' --mac-range 02:00:00:00:01:01-02:00:00:00:01:05 "$S" "$T/lab" > "$T/log" 2>&1
r=$?
check "batch: a range too small fails, naming the clone" sh -c "test $r -ne 0 && grep -q 'MAC range is used up at clone lab06' '$T/log'"
mkdir -p "$T/lab2/lab02"
"$C" --no-progress --count 3 --name 'lab%02d' "$S" "$T/lab2" > "$T/log" 2>&1
r=$?
check "batch: an existing target refuses the whole batch before any copy" sh -c "test $r -ne 0 && test ! -e '$T/lab2/lab01' && grep -q 'lab02 exists' '$T/log'"
for bad in 'lab%s' 'lab%d%d' 'lab' 'lab%n' 'a/%d'; do
	"$C" --no-progress --count 2 --name "$bad" "$S" "$T/lab3" > "$T/log" 2>&1
	r=$?
	check "batch: name format '$bad' refused" sh -c "test $r -ne 0 && test ! -e '$T/lab3/lab1'"
done
"$C" --no-progress --count 2 --name 'x%%%03d' "$S" "$T/lab4" > /dev/null 2>&1
check "batch: %% and %03d" test -f "$T/lab4/x%001/x%001.vmx"

# Refusals and details.
P=$T/src/susp
mkdir -p "$P"
cp "$D/suspended.vmx" "$P/susp.vmx"
"$C" --no-progress "$P" "$T/out/susp" > "$T/log" 2>&1
r=$?
check "a suspended VM is refused" sh -c "test $r -ne 0 && grep -q suspended '$T/log' && test ! -e '$T/out/susp'"
cp "$D/suspended.vmx" "$P/other.vmx"
"$C" --no-progress "$P" "$T/out/two" > "$T/log" 2>&1
check "a folder with two .vmx files is refused" grep -q 'more than one .vmx' "$T/log"
"$C" --no-progress --mac-range 01:00:5e:00:00:01-01:00:5e:00:00:09 "$S" "$T/out/mc" > "$T/log" 2>&1
check "a multicast MAC range is refused" sh -c "grep -q 'expected AA:BB' '$T/log' && test ! -e '$T/out/mc'"
"$C" --no-progress --mac-range 00:50:56:40:00:00-00:50:56:40:00:09 "$S" "$T/out/warn" > "$T/log" 2>&1
check "a MAC range outside VMware's manual range is warned about" grep -q "outside VMware's manual range" "$T/log"
"$C" --progress "$W" "$T/out/prog" > /dev/null 2> "$T/err"
check "--progress draws a bar to 100% on stderr" sh -c "tr '\r' '\n' < '$T/err' | grep -q '\[##############################\] 100%'"
"$C" "$W" "$T/out/quiet" > /dev/null 2> "$T/err"
check "no bar when stderr is not a tty" test ! -s "$T/err"
NHV_FAULT_STEP=clone-staged "$C" --no-progress "$W" "$T/out/killed" > /dev/null 2>&1
check "killed before the final rename: no half-made clone at the target" test ! -e "$T/out/killed"

echo "1..$n"
[ $fails -eq 0 ]
