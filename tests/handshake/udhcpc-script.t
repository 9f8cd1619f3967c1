#!/bin/sh
# udhcpc-script.t - images/rootfs/usr/share/udhcpc/default.script on the
# build machine, with fake `ip` and `logger` first in PATH and the
# resolv.conf and marker paths moved into a temporary folder
# (NHV_RESOLV_CONF, NHV_DNS_MARKER): a lease writes DHCP's DNS servers
# while there is no static DNS; while nhv-toolsd's dns-static marker exists
# a bound or renew leaves resolv.conf alone (and says so in the log) but
# still configures the address; once the marker is gone DHCP's servers
# apply again.
cd "$(dirname "$0")/../.." || exit 1
script=$PWD/images/rootfs/usr/share/udhcpc/default.script
# A script that does not take its paths from the environment would write
# the build machine's /etc/resolv.conf: it is not run at all.
if ! grep -q 'NHV_RESOLV_CONF' "$script" || ! grep -q 'NHV_DNS_MARKER' "$script"; then
	echo "Bail out! $script does not take NHV_RESOLV_CONF and NHV_DNS_MARKER; not run"
	exit 1
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
# `ip route del` fails as it does when there is no route left (the script
# loops on it); everything else succeeds.  Each call is one line of ip.log.
cat > "$work/bin/ip" <<'FAKE'
#!/bin/sh
echo "ip $*" >> "$FAKE_LOG_DIR/ip.log"
case "$*" in *"route del"*) exit 2 ;; esac
exit 0
FAKE
cat > "$work/bin/logger" <<'FAKE'
#!/bin/sh
echo "logger $*" >> "$FAKE_LOG_DIR/logger.log"
FAKE
chmod +x "$work/bin/ip" "$work/bin/logger"

export FAKE_LOG_DIR="$work" NHV_RESOLV_CONF="$work/resolv.conf" NHV_DNS_MARKER="$work/run/dns-static"
export PATH="$work/bin:$PATH"
lease() {
	: > "$work/ip.log"
	: > "$work/logger.log"
	env interface=eth0 ip=192.0.2.10 mask=24 router=192.0.2.1 dns="$2" domain=lab.test \
		timeout 10 sh "$script" "$1"
}

echo "1..12"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
show() { sed 's/^/# /' "$1"; }

lease bound "192.0.2.53 192.0.2.54"
ok $? "bound without a marker: the script exits 0"
printf 'search lab.test\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n' > "$work/want"
cmp -s "$work/want" "$NHV_RESOLV_CONF"; rc=$?
ok $rc "bound without a marker: resolv.conf holds DHCP's domain and servers"
[ $rc = 0 ] || show "$NHV_RESOLV_CONF"
grep -q 'ip -4 addr add 192.0.2.10/24 dev eth0' "$work/ip.log"
ok $? "bound: the address is added with the fake ip"

# nhv-toolsd applied guestinfo.nhv.dns: resolv.conf and the marker.
mkdir -p "$work/run"
printf 'nameserver 10.0.0.2\n' > "$NHV_RESOLV_CONF"
echo "10.0.0.2" > "$NHV_DNS_MARKER"
cp "$NHV_RESOLV_CONF" "$work/static"
lease renew "192.0.2.99"
ok $? "renew with the marker: the script exits 0"
cmp -s "$work/static" "$NHV_RESOLV_CONF"; rc=$?
ok $rc "renew with the marker: the static resolv.conf is kept"
[ $rc = 0 ] || show "$NHV_RESOLV_CONF"
grep -q 'not used: static DNS from guestinfo' "$work/logger.log"; rc=$?
ok $rc "renew with the marker: the log says DHCP's DNS was not used"
[ $rc = 0 ] || show "$work/logger.log"
grep -q '192.0.2.99' "$work/logger.log"
ok $? "... and names DHCP's servers"
grep -q 'ip -4 addr add 192.0.2.10/24 dev eth0' "$work/ip.log" &&
	grep -q 'ip -4 route add default via 192.0.2.1 dev eth0 metric 0' "$work/ip.log"
ok $? "renew with the marker: address and default route are still applied"
lease bound "192.0.2.98"
cmp -s "$work/static" "$NHV_RESOLV_CONF"
ok $? "bound with the marker: the static resolv.conf is kept"
[ -z "$(find "$work" -maxdepth 1 -name 'resolv.conf.*')" ]
ok $? "no temporary resolv.conf left behind"

rm -f "$NHV_DNS_MARKER"
lease renew "192.0.2.77"
grep -q 'nameserver 192.0.2.77' "$NHV_RESOLV_CONF" && ! grep -q 10.0.0.2 "$NHV_RESOLV_CONF"
ok $? "marker gone: the next renew writes DHCP's servers again"
lease deconfig ""
grep -q 'nameserver 192.0.2.77' "$NHV_RESOLV_CONF" && grep -q 'ip -4 addr flush dev eth0' "$work/ip.log"
ok $? "deconfig flushes the address and leaves resolv.conf alone"
