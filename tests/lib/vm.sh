# vm.sh - boot the nhv ISO under an emulated outer host and talk to it over
# its serial console.  Source it from a test (sh): `. tests/lib/vm.sh`.
#
#   vm_start [qemu-vmware-host options...]   boot $NHV_ISO in QEMU (VMware-like
#                     profile; see tools/qemu-vmware-host --help), e.g.
#                     vm_start --shell --uuid U --mac M --firmware uefi -- -cpu max,-svm
#                     --shell adds nhv.shell=serial (a root shell on ttyS0).
#                     The appliance boots with nhv.autostart=0 (no L2 guest before the
#                     status block: boots stay as fast as before L2 existed); --l2
#                     keeps autostart on, for tests of the default L2 guest.
#   vm_start_bochs [--l2] [bochsrc lines...] boot $NHV_ISO in Bochs (Intel VMX + EPT);
#                     nhv.autostart=0 unless --l2, through a GRUB seed disk (ata0-slave)
#   vm_wait_for REGEX [SECONDS]              wait until the serial log matches (grep -E);
#                     returns 1 on time-out or if the emulator died
#   vm_sh 'COMMAND' [SECONDS]                run COMMAND in the serial root shell; its
#                     output (\r removed) goes to stdout, its exit status is returned
#                     (255 on time-out)
#   vm_qmp '{"execute":"system_powerdown"}'  send a QMP command (QEMU only)
#   vm_wait_exit [SECONDS]                   wait for the emulator to exit by itself
#   vm_stop                                  kill the emulator (also done at exit)
#   vm_log                                   path of the serial log
#   vm_kernel_clean                          0 if no kernel line has BUG:/Oops/WARNING: CPU/general protection
#   vm_mini_iso KERNEL ROOTDIR ISO TITLE     build a small serial-only test ISO: KERNEL, an
#                     initramfs of ROOTDIR (its /init runs) and a GRUB menu that boots at
#                     once without probing disks (every instruction counts under Bochs);
#                     on failure prints the last line of grub-mkrescue's log, returns 1
#   vm_need FILE...                          "Bail out!" naming the first missing FILE, exit 1
#   vm_bochs_mini KERNEL ROOTDIR TAG TITLE SECONDS [bochsrc lines...]
#                     end ROOTDIR/init with "=== TAG: END", padding (Bochs may drop what is
#                     still buffered for its serial file at power-off) and poweroff; build
#                     the ISO (vm_mini_iso), boot it in Bochs and wait up to SECONDS for the
#                     END line; if no ISO was built, prints "Bail out! REASON" and returns 1
#
# The functions work under `set -e` and keep their variables local.
# Every VM gets a fresh folder $VM_DIR under ${TMPDIR:-/tmp}; it is removed at exit
# unless NHV_KEEP_VM=1.  Time-outs are generous: the machines are shared and slow.

NHV_ROOT=${NHV_ROOT:-$(pwd)}	# make check runs prove from the top of the tree
NHV_ISO=${NHV_ISO:-$NHV_ROOT/build/nhv.iso}
VM_DIR=""
VM_PID=""
VM_SEQ=0

vm__cleanup() {
	[ -n "$VM_DIR" ] && [ -f "$VM_DIR/qemu.out" ] && [ "${NHV_VM_DEBUG:-0}" = 1 ] && cat "$VM_DIR/qemu.out" >&2
	vm_stop
	if [ -n "$VM_DIR" ] && [ "${NHV_KEEP_VM:-0}" != 1 ]; then
		rm -rf "$VM_DIR"
	fi
}
trap vm__cleanup EXIT
trap 'exit 1' INT TERM

vm__prepare() {
	vm_stop
	[ -n "$VM_DIR" ] && rm -rf "$VM_DIR"
	VM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nhv-vm.XXXXXX")
	: > "$VM_DIR/serial.log"
}

vm_start() {
	local append="" args="" autostart="nhv.autostart=0"
	vm__prepare
	mkfifo "$VM_DIR/serial.in" "$VM_DIR/serial.out"
	while [ $# -gt 0 ]; do
		case "$1" in
		--shell) append="$append nhv.shell=serial" ;;
		--l2) autostart="" ;;
		--append) append="$append $2"; shift ;;
		--) break ;;
		*) args="$args $(vm__quote "$1")" ;;
		esac
		shift
	done
	append="$append $autostart"
	append=${append% }
	[ -n "$append" ] && args="$args --append $(vm__quote "${append# }")"
	eval "set -- --menu-timeout 0 $args --serial-pipe \"\$VM_DIR/serial\" --qmp \"\$VM_DIR/qmp.sock\" \"\$@\""
	setsid "$NHV_ROOT/tools/qemu-vmware-host/qemu-vmware-host" --iso "$NHV_ISO" "$@" \
		> "$VM_DIR/qemu.out" 2>&1 < /dev/null &
	VM_PID=$!
	VM_SEQ=0
	# QEMU opens both fifos read-write; hold our ends open for the whole run.
	exec 8<>"$VM_DIR/serial.out" 9<>"$VM_DIR/serial.in"
	cat <&8 >> "$VM_DIR/serial.log" &
	VM_CAT=$!
}

vm__quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

vm_start_bochs() {
	local seed="nhv.autostart=0"
	vm__prepare
	[ "${1:-}" = --l2 ] && { seed=""; shift; }
	# GRUB's seed file (images/grub.cfg) on a FAT disk of 2 cylinders of 16
	# heads x 63 sectors, the geometry Bochs derives for a flat image.
	printf 'set nhv_append="%s"\n' "$seed" > "$VM_DIR/nhv-seed.cfg"
	dd if=/dev/zero of="$VM_DIR/seed.img" bs=512 count=2016 2>/dev/null
	mformat -i "$VM_DIR/seed.img" -T 2016 -h 16 -s 63 :: 2>/dev/null &&
		mcopy -i "$VM_DIR/seed.img" "$VM_DIR/nhv-seed.cfg" ::/nhv-seed.cfg ||
		echo "# vm_start_bochs: cannot make the seed disk (mtools)" >&2
	cat > "$VM_DIR/bochsrc" <<BOCHSRC
megs: 1024
cpu: model=corei7_skylake_x, count=1, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$NHV_ISO, status=inserted
ata0-slave: type=disk, path=$VM_DIR/seed.img, mode=flat, cylinders=2, heads=16, spt=63
boot: cdrom
com1: enabled=1, mode=file, dev=$VM_DIR/serial.log
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: driver=dummy
clock: sync=none
log: /dev/null
$(for line in "$@"; do echo "$line"; done)
BOCHSRC
	echo continue > "$VM_DIR/bochs.cmds"
	(cd "$VM_DIR" && setsid bochs -q -f bochsrc -rc bochs.cmds > bochs.out 2>&1 < /dev/null) &
	VM_PID=$!
	VM_CAT=""
}

vm_log() { echo "$VM_DIR/serial.log"; }

vm_alive() { [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; }

vm_wait_for() {
	local pattern=$1 limit=${2:-300} start
	start=$(date +%s)
	while :; do
		if tr -d '\r' < "$VM_DIR/serial.log" | grep -Eq -- "$pattern"; then
			return 0
		fi
		if ! vm_alive; then
			sleep 1	# let the reader drain what the emulator wrote last
			tr -d '\r' < "$VM_DIR/serial.log" | grep -Eq -- "$pattern" && return 0
			echo "# emulator exited before '$pattern' appeared" >&2
			return 1
		fi
		if [ $(( $(date +%s) - start )) -ge "$limit" ]; then
			echo "# no '$pattern' on the serial console after ${limit}s" >&2
			return 1
		fi
		sleep 1
	done
}

# A quiet, plain shell for machines: no echo, no line editing, no prompt.
# Sent until the shell answers (it may still be starting).
vm__shell_setup() {
	local ready="NHVREADY$$" start
	start=$(date +%s)
	while :; do
		printf "stty -echo; set +o emacs 2>/dev/null; set +o vi 2>/dev/null; PS1=''; echo %s\n" \
			"$ready" >&9
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			tr -d '\r' < "$VM_DIR/serial.log" | grep -q "^$ready" && return 0
			sleep 0.5
		done
		if ! vm_alive || [ $(( $(date +%s) - start )) -ge "$1" ]; then
			echo "# vm_sh: the serial shell did not answer within ${1}s" >&2
			return 1
		fi
	done
}

vm_sh() {
	local cmd=$1 limit=${2:-120} mark before start out status
	if [ "$VM_SEQ" = 0 ]; then
		vm__shell_setup "$limit" || return 255
	fi
	VM_SEQ=$((VM_SEQ + 1))
	mark="NHVDONE${VM_SEQ}x$$"
	before=$(wc -c < "$VM_DIR/serial.log")
	printf '%s\necho "%s:$?"\n' "$cmd" "$mark" >&9
	start=$(date +%s)
	while ! tail -c +"$((before + 1))" "$VM_DIR/serial.log" | tr -d '\r' | grep -q "^$mark:"; do
		if ! vm_alive || [ $(( $(date +%s) - start )) -ge "$limit" ]; then
			echo "# vm_sh: no answer to '$cmd' within ${limit}s" >&2
			return 255
		fi
		sleep 0.3
	done
	out=$(tail -c +"$((before + 1))" "$VM_DIR/serial.log" | tr -d '\r')
	printf '%s\n' "$out" | sed -n "/^$mark:/q;p"
	status=$(printf '%s\n' "$out" | sed -n "s/^$mark:\([0-9]*\).*/\1/p" | head -n 1)
	return "${status:-255}"
}

vm_qmp() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "qmp: $!\n";
		<$s>; print $s "{\"execute\":\"qmp_capabilities\"}\n"; <$s>;
		print $s "$ARGV[1]\n"; my $r = <$s>; print $r;' "$VM_DIR/qmp.sock" "$1"
}

vm_wait_exit() {
	local limit=${1:-120} start
	start=$(date +%s)
	while vm_alive; do
		[ $(( $(date +%s) - start )) -ge "$limit" ] && return 1
		sleep 1
	done
	VM_PID=""
	return 0
}

vm_stop() {
	if [ -n "${VM_CAT:-}" ]; then
		kill "$VM_CAT" 2>/dev/null || true
		wait "$VM_CAT" 2>/dev/null || true
		VM_CAT=""
	fi
	if [ -n "${VM_PID:-}" ]; then
		kill -TERM "-$VM_PID" 2>/dev/null || kill -TERM "$VM_PID" 2>/dev/null || true
		sleep 0.5
		kill -KILL "-$VM_PID" 2>/dev/null || true
		wait "$VM_PID" 2>/dev/null || true
		VM_PID=""
	fi
	{ exec 8<&- 9>&-; } 2>/dev/null
	return 0
}

# Kernel lines only (they carry a [ seconds] stamp), and a WARN() only in
# its own form ("WARNING: CPU: n PID: p at ..."): nhv's programs and some
# kernel notices ("RETBleed: WARNING: ...") say WARNING for other reasons.
# With `quiet` the console shows messages up to KERN_ERR; tests with a
# shell should also check `dmesg`.
vm_kernel_clean() {
	! tr -d '\r' < "$VM_DIR/serial.log" |
		grep -Eq '^\[ *[0-9]+\.[0-9]+\] .*(BUG:|Oops|WARNING: CPU|general protection)'
}

vm_mini_iso() {
	local kernel=$1 root=$2 iso=$3 title=$4 dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/nhv-miniiso.XXXXXX")
	mkdir -p "$dir/iso/boot/grub"
	cp "$kernel" "$dir/iso/boot/vmlinuz"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip) \
		> "$dir/iso/boot/initrd.gz"
	cat > "$dir/iso/boot/grub/grub.cfg" <<GRUB
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "$title" {
	linux /boot/vmlinuz console=ttyS0,115200 panic=-1 quiet
	initrd /boot/initrd.gz
}
GRUB
	if ! grub-mkrescue -o "$iso" "$dir/iso" --modules="linux normal serial terminal" \
		> "$dir/mkiso.log" 2>&1; then
		echo "cannot build the test ISO $iso: $(tail -n 1 "$dir/mkiso.log")"
		rm -rf "$dir"
		return 1
	fi
	rm -rf "$dir"
}

vm_need() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || { echo "Bail out! missing $f (make, make iso)"; exit 1; }
	done
}

vm_bochs_mini() {
	local kernel=$1 root=$2 tag=$3 title=$4 limit=$5
	shift 5
	cat >> "$root/init" <<TAIL
echo "=== $tag: END"
i=0; while [ \$i -lt 64 ]; do echo "=== $tag: padding \$i ................................................................"; i=\$((i + 1)); done
sleep 1
poweroff -f
TAIL
	chmod +x "$root/init"
	local why
	if ! why=$(vm_mini_iso "$kernel" "$root" "$root.iso" "$title"); then
		echo "Bail out! $why"
		return 1
	fi
	NHV_ISO="$root.iso"
	vm_start_bochs "$@"
	vm_wait_for "=== $tag: END" "$limit" || true
}
