#!/bin/sh
# L2 benchmark (not part of pass/fail; docs/benchmarks.md, make bench-l2).
# In one appliance boot under QEMU TCG (AMD SVM + NPT, 2 vCPUs, one TCG
# thread), the default L2 guest (128 MiB as defined: Debian's kernel needs
# 63 MiB above its 16 MiB load address, so 64 MiB cannot boot it; 1 vCPU) is started on nhv.ko and
# then, with nhv.ko unloaded, on KVM (kvm_amd), by the same nhv-vm:
#   - boot-to-init: seconds from `nhv vm start` forking nhv-vm boot to the
#     guest's "nhv-l2: init" line (its supervisor's init_s);
#   - exits by reason when init was reached (the VMM's `status` line);
#   - start-up: nhv-vm boot's process start to vCPU 0's first guest entry
#     (the VMM's own clock, `status` startup_ms; the goal is <= 10 ms), and
#     `nhv vm start` until the control socket answers (adds the supervisor);
#   - L1 memory of the idle guest 5 s after init: nhv-vm boot's RSS, and the
#     drop of MemAvailable since before the start (guest RAM it touched, the
#     VMM, and what nhv.ko or KVM allocated);
#   - an idle 64 MiB guest (tests/nhv-vm/guests/idle.elf: multiboot, STI;
#     HLT forever; Debian's kernel cannot boot in 64 MiB) on each: start-up
#     (status startup_ms) and L1 memory beyond the guest RAM it touched:
#     nhv-vm's RSS outside its guest-RAM mapping plus nhv.ko's own (nested
#     tables, the page array), with nhv.ko's pinned pages (status nhv_mem);
#   - network: a throwaway guest on the NAT network (`nhv vm run --accel`)
#     pings L1 20 times (median and least round trip of the 20) and sends
#     8 MiB to a listener in L1 over TCP as 32 connections of 256 KiB (MB/s
#     over the complete ones, by L1's clock, and how many completed); the
#     two backends take turns for NHV_BENCH_ROUNDS rounds (default 3), the
#     order swapped each round, and each round gives its own ratios: the
#     median of the rounds' ratios is the figure.
# Usage: [NHV_BENCH_PARTS=net|vm|net,vm] [NHV_BENCH_ROUNDS=N] [NHV_BENCH_NOPOLL=1]
#        tests/bench/l2-bench.sh [ISO]
set -eu
iso=${1:-build/nhv.iso}
# NHV_BENCH_PARTS=net|vm|net,vm (default both): vm = boot, start-up, exits and
# memory of the default guest; net = ping and TCP of a throwaway guest.
parts=${NHV_BENCH_PARTS:-net,vm}
for p in $(echo "$parts" | tr ',' ' '); do
	case "$p" in net|vm) ;; *) echo "l2-bench: NHV_BENCH_PARTS: unknown part '$p' (net, vm)" >&2; exit 2 ;; esac
done
has() { case ",$parts," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
rounds=${NHV_BENCH_ROUNDS:-3}
case "$rounds" in ''|*[!0-9]*|0) echo "l2-bench: NHV_BENCH_ROUNDS: '$rounds' is not a count of rounds (1 or more)" >&2; exit 2 ;; esac
[ -f "$iso" ] || { echo "l2-bench: no ISO at $iso (run: make iso)" >&2; exit 2; }
NHV_ISO=$(realpath "$iso")
export NHV_ISO
. tests/lib/vm.sh

# --- idle 64 MiB guest (start-up and memory): files onto an extra disk ---
B=${NHV_BUILD:-build}
idle_elf=$B/tests/guests/idle.elf
[ -f "$idle_elf" ] || { echo "l2-bench: no $idle_elf (make tests)" >&2; exit 2; }
idle_work=$(mktemp -d "${TMPDIR:-/tmp}/nhv-l2bench.XXXXXX")
trap 'rm -rf "$idle_work"; vm__cleanup' EXIT
mkdir "$idle_work/d"
cp "$idle_elf" "$idle_work/d/"
for a in nhv kvm; do
	printf 'displayName = "idle%s"\nmemsize = "64"\nnhv.kernel = "idle.elf"\nnhv.accel = "%s"\n' \
		"$a" "$a" > "$idle_work/d/idle$a.vmx"
done
tar cf "$idle_work/idle.tar" -C "$idle_work/d" .

vm_start --shell --smp 2 --tcg-threads single --disk "$idle_work/idle.tar"
vm_wait_for 'nhv: ready' 600 || { echo "l2-bench: the appliance did not boot" >&2; exit 1; }
vm_wait_for 'console      :' 120 || true
vm_sh 'PS1=""; PS2=""' 20 >/dev/null

# One definition per accelerator, from the default guest's (its memsize).
if has vm; then
vm_sh 'for a in nhv kvm; do sed -e "s/^displayName.*/displayName = \"l2$a\"/" \
	-e "/^nhv.autostart/d" -e "/^uuid.bios/d" /usr/lib/nhv/l2/default.vmx > /tmp/l2$a.vmx &&
	echo "nhv.accel = \"$a\"" >> /tmp/l2$a.vmx && nhv vm define /tmp/l2$a.vmx; done' 60
fi

measure() {	# NAME -> "init_s startup_s rss_kib avail_drop_kib" and the status line
	# In a subshell: `exit` must not end the serial root shell.
	vm_sh "(a0=\$(awk '/MemAvailable/ { print \$2 }' /proc/meminfo); t0=\$(cut -d' ' -f1 /proc/uptime);
		nhv vm start $1 >/dev/null || exit 1; t1=\$(cut -d' ' -f1 /proc/uptime);
		for n in \$(seq 600); do i=\$(nhv vm list --json | grep '\"$1\"' | sed -n 's/.*\"init_s\": \\([0-9.]*\\).*/\\1/p'); [ -n \"\$i\" ] && break;
			nhv vm list | grep -q '^$1 *off' && exit 1; sleep 1; done;
		st=\$(nhv vm status $1); sleep 5;
		pid=\$(sed -n 's/^vmm_pid=//p' /run/nhv/vms/$1/state);
		rss=\$(awk '/VmRSS/ { print \$2 }' /proc/\$pid/status); a1=\$(awk '/MemAvailable/ { print \$2 }' /proc/meminfo);
		echo \"RESULT \$i \$(echo \"\$t1 \$t0\" | awk '{ printf \"%.3f\", \$1 - \$2 }') \$rss \$((a0 - a1))\"; echo \"STATUS \$st\"; grep -h 'start-up' /run/nhv/vms/$1/vmm.log | tail -n 1;
		nhv vm stop $1 --force >/dev/null)" 900
}

# --- idle 64 MiB guest (start-up and memory) ---
# IDLE NAME -> "IDLE startup_ms rss_kib ram_kib nhv_kib pinned_pages": 3 s
# after the guest printed "idle: ready", nhv-vm's RSS and the resident part
# of its 64 MiB guest-RAM mapping (smaps); nhv.ko's own memory from status
# nhv_mem (nested-table pages, 8 bytes of page array per slot page).
idle() {
	vm_sh "(cd /tmp/idle && nhv vm define $1.vmx >/dev/null || exit 1; nhv vm start $1 >/dev/null || exit 1;
		for n in \$(seq 120); do nhv vm log $1 | grep -q 'idle: ready' && break; sleep 1; done; sleep 3;
		st=\$(nhv vm status $1); pid=\$(sed -n 's/^vmm_pid=//p' /run/nhv/vms/$1/state);
		rss=\$(awk '/VmRSS/ { print \$2 }' /proc/\$pid/status);
		ram=\$(awk '/^Size:/ { s = \$2 } /^Rss:/ && s == 65536 { print \$2; exit }' /proc/\$pid/smaps);
		nm=\$(echo \"\$st\" | sed -n 's/.*\"nhv_mem\":{\"pages_pinned\":\([0-9]*\),\"regions_pinned\":[0-9]*,\"slot_pages\":\([0-9]*\),\"pt_pages\":\([0-9]*\)}.*/\1 \2 \3/p');
		set -- \${nm:-0 0 0}; nk=\$(( \$3 * 4 + \$2 * 8 / 1024 ));
		su=\$(echo \"\$st\" | sed -n 's/.*\"startup_ms\":\([0-9.-]*\).*/\1/p');
		echo \"IDLE \$su \$rss \${ram:-0} \$nk \$1\"; nhv vm stop $1 --force >/dev/null; nhv vm rm $1 >/dev/null)" 300
}
# The first VM of a backend in this boot also loads nhv.ko (about 200 ms under
# TCG; `nhv_open`) and reads idle.elf from the disk: one start first, the
# second one measured.
idle_warm() { idle "$1" >/dev/null; idle "$1"; }
idle_report() {	# NHV-LINE KVM-LINE: the table rows
	idf() { printf '%s\n' "$1" | sed -n 's/^IDLE //p' | cut -d' ' -f"$2"; }
	beyond_kib() { r=$(idf "$1" 2); m=$(idf "$1" 3); k=$(idf "$1" 4); [ -n "$r" ] && [ -n "$m" ] && [ -n "$k" ] && echo $((r - m + k)); }
	printf '%-28s %12s %12s\n' "idle 64 MiB: start-up (ms)" "$(idf "$1" 1)" "$(idf "$2" 1)"
	printf '%-28s %12s %12s\n' "idle 64 MiB: RSS (KiB)" "$(idf "$1" 2)" "$(idf "$2" 2)"
	printf '%-28s %12s %12s\n' "idle 64 MiB: RAM used (KiB)" "$(idf "$1" 3)" "$(idf "$2" 3)"
	printf '%-28s %12s %12s\n' "idle 64 MiB: nhv.ko pinned" "$(idf "$1" 5) pages" "-"
	printf '%-28s %12s %12s\n' "idle 64 MiB: beyond RAM (KiB)" "$(beyond_kib "$1")" "$(beyond_kib "$2")"
}
if has vm; then
	vm_sh 'mkdir -p /tmp/idle && cd /tmp/idle && for d in /dev/sd?; do tar xf $d 2>/dev/null && break; done; test -f idle.elf' 60 >/dev/null ||
		echo "l2-bench: the idle guest did not reach the appliance" >&2
	idle_nhv=$(idle_warm idlenhv) || true
fi

# Network (docs/networking.md): a throwaway guest with a NAT NIC pings L1 20
# times and sends 8 MiB to L1 over TCP as 32 separate connections of 256 KiB
# (busybox nc into a persistent listener in L1), one after the other: a guest
# that stalls part-way still leaves a figure from the chunks it completed.
# L1 counts each connection's bytes and times it by its own clock, from its
# first byte to its end: the guest's clock is not trusted.  The guest runs
# without open-vm-tools (nhv.vmtools=off): on nhv.ko vmtoolsd polls the host
# ten times a second through the backdoor, on KVM its port access faults
# (kvm.ko's enable_vmware_backdoor=0) and it never reaches the host, so with tools the two
# guests would not do the same work (4 times the idle timer interrupts on
# nhv.ko: docs/benchmarks.md).
chunks=32 chunk_bytes=262144
net() {	# ACCEL -> "NET rtt_avg_ms mb_per_s complete_chunks bytes_received guest_boots", then the raw lines
	# The guest's command goes base64-encoded: no quoting through two shells.
	# Each part has its own time limit: a stall still leaves the other's figure.
	# The ping's summary also goes to the guest's console, which --verbose
	# shows as it comes: a guest that hangs later does not take it along.
	# The run's output goes through a file: straight to the serial console,
	# a line of it was seen lost (a KVM vCPU's state at the --timeout kill).
	l2cmd="timeout 120 ping -c 20 -i 0.2 10.77.0.1 | tee /dev/console; i=0;
		while [ \$i -lt $chunks ]; do i=\$((i + 1));
			dd if=/dev/zero bs=64k count=$((chunk_bytes / 65536)) 2>/dev/null | timeout 20 nc 10.77.0.1 5001 || echo \"TCP chunk \$i rc \$?\";
		done; echo \"TCP sent \$i chunks\""
	b64=$(printf '%s' "$l2cmd" | base64 -w0)
	# The listener: busybox nc -ll -e runs /tmp/chunk.sh per connection, its
	# stdin the socket; dd takes the first byte alone, then wc counts the
	# rest (each bounded: 60 s), and one "CHUNK bytes t0 t1" line is appended.  The listener's
	# own limit (280 s) covers the guest's boot, ping and transfer; what is
	# left 15 s after the run (a connection of a frozen guest) is killed.
	listen='rm -f /tmp/tcp.res /tmp/tcp.pids /tmp/tcp.first.*;
		printf "%s\n" "#!/bin/sh" "echo \$\$ >> /tmp/tcp.pids; f=/tmp/tcp.first.\$\$" \
			"timeout 60 dd bs=1 count=1 2>/dev/null > \$f; t0=\$(cut -d\" \" -f1 /proc/uptime); n=\$(timeout 60 wc -c)" \
			"t1=\$(cut -d\" \" -f1 /proc/uptime); echo \"CHUNK \$(( \$(wc -c < \$f) + n )) \$t0 \$t1\" >> /tmp/tcp.res; rm -f \$f" \
			> /tmp/chunk.sh && chmod +x /tmp/chunk.sh;
		timeout 280 nc -ll -p 5001 -e /tmp/chunk.sh < /dev/null > /dev/null 2>&1 & lpid=$!;'
	reap="for i in \$(seq 15); do [ \$(cat /tmp/tcp.res 2>/dev/null | wc -l) -ge $chunks ] && break; sleep 1; done;
		kill \$lpid \$(cat /tmp/tcp.pids 2>/dev/null) 2>/dev/null; cat /tmp/tcp.res 2>/dev/null"
	vm_sh "($listen nhv vm run --accel $1 --set displayName=bench$1 --set ethernet0.present=TRUE \
		--set nhv.cmdline='console=ttyS0 quiet panic=-1 nhv.vmtools=off' \
		--timeout 300 --verbose -- \"\$(echo $b64 | base64 -d)\" > /tmp/run.out 2>&1; echo \"RUN rc \$?\";
		cat /tmp/run.out; $reap)" 500 |
		awk -v want=$chunk_bytes '{ print "# " $0 }
			# A reply: "64 bytes from ...: seq=N ttl=64 time=T ms", on
			# stdout and on the console: one time per sequence number.
			/ seq=[0-9]+ .*time=[0-9.]+ ms/ {
				q = $0; sub(/.* seq=/, "", q); sub(/ .*/, "", q)
				t = $0; sub(/.*time=/, "", t); sub(/ ms.*/, "", t)
				if (!(q in rtt)) { rtt[q] = t + 0; n++ }
			}
			/^CHUNK / { b += $2; if ($2 == want && $4 > $3) { c++; s += $4 - $3 } }
			/nhv-l2: init/ { boots++ }
			END {
				m = "failed"; lo = "failed"
				if (n > 0) {	# the median and the least of the replies
					k = 0
					for (q in rtt) v[++k] = rtt[q]
					for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { x = v[j]; v[j] = v[j - 1]; v[j - 1] = x }
					m = sprintf("%.3f", k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2)
					lo = sprintf("%.3f", v[1])
				}
				t = "failed"
				if (c > 0) t = sprintf("%.2f", c * want / 1000000 / s)
				print "NET", m, t, c + 0, b + 0, boots + 0, lo, n + 0
			}'
}

# One backend loaded at a time: nhv.ko and kvm_amd both want SVM.
backend() {	# nhv|kvm
	if [ "$1" = kvm ]; then
		vm_sh 'rmmod nhv 2>/dev/null; modprobe kvm_amd' 60 >/dev/null
	else
		vm_sh 'rmmod kvm_amd 2>/dev/null; modprobe nhv' 60 >/dev/null
	fi || echo "l2-bench: cannot switch to $1" >&2
}

if has vm; then out_nhv=$(measure l2nhv) || true; fi
if has net; then
	polls='cat /sys/module/nhv/parameters/halt_poll_ok /sys/module/nhv/parameters/halt_poll_fail 2>/dev/null | tr "\n" " "; echo'
	# NHV_BENCH_NOPOLL=1: nhv.ko once more with halt polling (kernel-vmm/halt.c) off.
	if [ "${NHV_BENCH_NOPOLL:-0}" = 1 ]; then
		backend nhv
		hp=$(vm_sh 'cat /sys/module/nhv/parameters/halt_poll_ns 2>/dev/null' 20) || hp=""
		if [ -n "$hp" ] && vm_sh 'echo 0 > /sys/module/nhv/parameters/halt_poll_ns' 20 >/dev/null; then
			net_nopoll=$(net nhv) || true
			vm_sh "echo $hp > /sys/module/nhv/parameters/halt_poll_ns" 20 >/dev/null || true
		fi
	fi
	# The backends take turns, the order swapped each round (nhv.ko first in
	# odd rounds), so a change of the machine's load weighs on both alike.
	r=0
	while [ $r -lt "$rounds" ]; do
		r=$((r + 1))
		if [ $((r % 2)) = 1 ]; then order="nhv kvm"; else order="kvm nhv"; fi
		for a in $order; do
			backend $a
			[ $a = nhv ] && { p0=$(vm_sh "$polls" 20) || p0=""; }
			out=$(net $a) || true
			[ $a = nhv ] && { p1=$(vm_sh "$polls" 20) || p1=""; }
			eval "net_${a}_$r=\$out"
			[ $a = nhv ] && eval "polls_$r=\$(echo \"\$p0 \$p1\" | awk '{ print \$3 - \$1, \$4 - \$2 }')"
			printf '%s\n' "$out" | sed -n "s/^NET /round $r $a: /p" >&2
		done
	done
fi
backend kvm
if has vm; then
	idle_kvm=$(idle_warm idlekvm) || true
	out_kvm=$(measure l2kvm) || true
fi

if has vm; then
field() { printf '%s\n' "$1" | sed -n "s/^RESULT //p" | cut -d' ' -f"$2"; }
startup() { printf '%s\n' "$1" | sed -n 's/^STATUS //p' | sed -n 's/.*"startup_ms":\([0-9.-]*\).*/\1/p'; }
beyond() { r=$(field "$1" 3); [ -n "$r" ] && echo $((r / 1024 - 128)); }
exits() { printf '%s\n' "$1" | sed -n 's/^STATUS //p' | sed -n 's/.*"exits": *{\([^}]*\)}.*/\1/p' | tr -d '"' ; }
n_init=$(field "$out_nhv" 1) k_init=$(field "$out_kvm" 1)
printf '%-28s %12s %12s\n' "" "nhv.ko" "KVM (kvm_amd)"
printf '%-28s %12s %12s\n' "boot to init (s)" "${n_init:-failed}" "${k_init:-failed}"
printf '%-28s %12s %12s\n' "start-up to 1st entry (ms)" "$(startup "$out_nhv")" "$(startup "$out_kvm")"
printf '%-28s %12s %12s\n' "start-up to control (s)" "$(field "$out_nhv" 2)" "$(field "$out_kvm" 2)"
printf '%-28s %12s %12s\n' "nhv-vm RSS idle (KiB)" "$(field "$out_nhv" 3)" "$(field "$out_kvm" 3)"
printf '%-28s %12s %12s\n' "RSS beyond 128 MiB (MiB)" "$(beyond "$out_nhv")" "$(beyond "$out_kvm")"
printf '%-28s %12s %12s\n' "MemAvailable drop (KiB)" "$(field "$out_nhv" 4)" "$(field "$out_kvm" 4)"
if [ -n "$n_init" ] && [ -n "$k_init" ]; then
	echo "ratio nhv/KVM boot to init: $(echo "$n_init $k_init" | awk '{ printf "%.2f", $1 / $2 }') (goal <= 0.7)"
fi
idle_report "$idle_nhv" "$idle_kvm"
echo "exits at init, nhv.ko: $(exits "$out_nhv")"
echo "exits at init, KVM:    $(exits "$out_kvm")"
printf '%s\n' "$out_nhv" "$out_kvm" | grep -h 'start-up [0-9]' || true
[ -n "$n_init" ] || printf '%s\n' "$out_nhv" | sed 's/^/# nhv: /'
[ -n "$k_init" ] || printf '%s\n' "$out_kvm" | sed 's/^/# kvm: /'
fi

if has net; then
nf() { printf '%s\n' "$1" | sed -n 's/^NET //p' | cut -d' ' -f"$2"; }
num() { case "$1" in ''|failed) return 1 ;; esac; }
div() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-34s %12s %12s %8s %8s\n' "round (ping: median of 20 replies)" "nhv.ko" "KVM" "ratio" "goal"
ping_r="" tcp_r=""
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	eval "n=\$net_nhv_$r k=\$net_kvm_$r pl=\${polls_$r:-}"
	pr=-; tr=-
	num "$(nf "$n" 1)" && num "$(nf "$k" 1)" && pr=$(div "$(nf "$k" 1)" "$(nf "$n" 1)") && ping_r="$ping_r $pr"
	num "$(nf "$n" 2)" && num "$(nf "$k" 2)" && tr=$(div "$(nf "$n" 2)" "$(nf "$k" 2)") && tcp_r="$tcp_r $tr"
	printf '%-34s %12s %12s %8s %8s\n' "$r: L2->L1 ping RTT (ms)" "$(nf "$n" 1)" "$(nf "$k" 1)" "$pr" ">= 1.0"
	printf '%-34s %12s %12s\n' "$r: L2->L1 ping least (ms)" "$(nf "$n" 6)" "$(nf "$k" 6)"
	printf '%-34s %12s %12s %8s %8s\n' "$r: L2->L1 TCP (MB/s)" "$(nf "$n" 2)" "$(nf "$k" 2)" "$tr" ">= 1.0"
	printf '%-34s %12s %12s\n' "$r: complete chunks of $chunks" "$(nf "$n" 3)" "$(nf "$k" 3)"
	[ -z "$pl" ] || echo "$r: halt polls in the nhv.ko run: ${pl% *} ended a halt, ${pl#* } found nothing"
	# TCP: "KVM: 11 of 32 chunks, then stalled" when a guest did not finish
	# (more than 32: the guest panicked, rebooted (panic=-1) and sent again).
	for x in nhv.ko:"$n" KVM:"$k"; do
		c=$(nf "${x#*:}" 3)
		[ "$c" = "$chunks" ] || echo "$r: TCP ${x%%:*}: ${c:-0} of $chunks chunks, then stalled$(
			[ "$(nf "${x#*:}" 5)" -gt 1 ] 2>/dev/null && echo " (the guest booted $(nf "${x#*:}" 5) times: a panic reboots it, and it sends again)")"
		# The guest's and the listener's own lines, when a figure is missing.
		num "$(nf "${x#*:}" 1)" && [ "$c" = "$chunks" ] || printf '%s\n' "${x#*:}" | grep '^# ' | sed "s/^# /# $r ${x%%:*}: /"
	done
done
echo "ratio KVM/nhv ping RTT, median of $(echo $ping_r | wc -w) rounds ($(echo $ping_r)): $(echo $ping_r | median) (goal >= 1.0)"
echo "ratio nhv/KVM TCP throughput, median of $(echo $tcp_r | wc -w) rounds ($(echo $tcp_r)): $(echo $tcp_r | median) (goal >= 1.0)"
if [ -n "${net_nopoll:-}" ]; then
	echo "nhv.ko with halt_poll_ns=0 (was $hp): ping $(nf "$net_nopoll" 1) ms, TCP $(nf "$net_nopoll" 2) MB/s, $(nf "$net_nopoll" 3) of $chunks chunks"
fi
fi
vm_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
