#!/bin/sh
# toolsd-ntp.t - the nhv-toolsd program on the build machine with
# nhv.guestinfo.ntp and nhv.guestinfo.dns on a test command line, under
# --no-apply (the clock and /etc are never touched; on a host without a
# backdoor it runs the command-line path):
#   --once: the NTP servers are asked in order, one log line each, the
#           result is in RUN_DIR/ntp, and it ends within the time-outs;
#   daemon: it idles between NTP tries and stops at once on SIGTERM.
cd "$(dirname "$0")/../.." || exit 1
bin=${NHV_BUILD:-build}/bin/nhv-toolsd
echo "1..8"
if [ ! -x "$bin" ]; then
	for i in 1 2 3 4 5 6 7 8; do echo "not ok $i - $bin is built (make build/bin/nhv-toolsd)"; done
	exit 1
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
# 127.0.0.1 port 123: normally nothing listens (ICMP: at once); should a
# server answer there, the dry run logs its offset instead.
echo 'quiet nhv.guestinfo.ntp="127.0.0.1, localhost" nhv.guestinfo.dns=10.9.8.7' > "$work/cmdline"
start=$(date +%s)
timeout 30 "$bin" --once --no-apply --log "$work/log" --run-dir "$work" --cmdline "$work/cmdline"
rc=$?
took=$(( $(date +%s) - start ))
ok $rc "--once exits 0 ($rc)"
ok $([ $took -le 10 ]; echo $?) "--once ends within two 2 s time-outs and a margin (${took} s)"
grep -Eq 'NTP 127\.0\.0\.1 \(127\.0\.0\.1:123\): (port unreachable|no answer within 2\.000 s|offset .*dry run)' "$work/log"
ok $? "the first server is asked and its result logged"
grep -Eq 'NTP localhost \(127\.0\.0\.1:123\): |NTP 127\.0\.0\.1 .*dry run' "$work/log"
ok $? "... then the second (unless the first answered)"
grep -q '^servers=127.0.0.1, localhost$' "$work/ntp" && grep -q '^result=' "$work/ntp"
ok $? "RUN_DIR/ntp holds the servers and the result"
grep -q "would write $work/dns-static" "$work/log" && [ ! -e "$work/dns-static" ]
ok $? "--no-apply: the dns-static marker is only logged"
sed 's/^/# /' "$work/log"

# The daemon: idle until the next NTP try (64 s after a failure), SIGTERM ends it.
"$bin" --no-apply --log "$work/log2" --run-dir "$work" --cmdline "$work/cmdline" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q 'NTP: no server\|NTP 127.0.0.1 .*offset' "$work/log2" 2>/dev/null; do
	sleep 0.1; i=$((i + 1))
done
sleep 0.5
cpu=$(awk '{print $14 + $15}' /proc/$pid/stat 2>/dev/null)
ok $([ -n "$cpu" ] && [ "$cpu" -lt 50 ]; echo $?) "daemon: idle between NTP tries (${cpu:-?} clock ticks of CPU)"
kill -TERM $pid
i=0
while [ $i -lt 50 ] && kill -0 $pid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
	kill -KILL $pid
	ok 1 "daemon: stops within 5 s of SIGTERM"
else
	wait $pid
	ok 0 "daemon: stops within 5 s of SIGTERM"
fi
