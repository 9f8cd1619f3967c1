#!/bin/sh
# The web UI and JSON API of the appliance (userland/nhv-web), under QEMU
# (tests/lib/vm.sh) with the HTTPS and HTTP ports forwarded to 127.0.0.1.
#  Boot 1 (uuid U1, a blank disk made the data disk): curl API tests (401
#   without a session, login, 403 without CSRF, bad input, path traversal),
#   the certificate's fingerprint against the status block, headless
#   Chromium (tests/nhv-web/browser.js; screenshots in build/web-shots),
#   WebSocket clients that never read (ws-stall.js), then 429 after
#   repeated bad passwords.
#  Boot 2: the same disk and UUID: the same certificate.
#  Boot 3: a copy of the disk and another UUID (a clone): a new certificate.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
B=${NHV_BUILD:-$top/build}
NHV_ISO=${NHV_ISO:-$B/nhv.iso}
if [ ! -f "$NHV_ISO" ] || ! command -v qemu-system-x86_64 >/dev/null || ! command -v curl >/dev/null; then
	echo "1..0 # SKIP no ISO at $NHV_ISO (make iso), no QEMU or no curl"
	exit 0
fi
NHV_ROOT=$top
. "$top/tests/lib/vm.sh"

W=$(mktemp -d)
SHOTS=$B/web-shots
mkdir -p "$SHOTS"
stop_vm() {
	[ -n "${VM_PID:-}" ] && kill -KILL -"$VM_PID" 2>/dev/null
	vm_stop
}
trap 'stop_vm; vm__cleanup; rm -rf "$W"' EXIT
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -f "$W/out" ] && head -c 2000 "$W/out" | sed 's/^/# /'
	fi
}
# A free local port from $1 upwards.
free_port() {
	p=$1
	while ss -ltn 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; do p=$((p + 1)); done
	echo "$p"
}
HTTPS=$(free_port $((20000 + $$ % 5000)))
HTTP=$(free_port $((HTTPS + 1)))
URL=https://127.0.0.1:$HTTPS
U1=564d5eb0-1111-2222-3333-000000000001 U2=564d5eb0-1111-2222-3333-000000000002
truncate -s 64M "$W/disk.img"

boot() {	# boot UUID DISK
	vm_start --shell --uuid "$1" --disk "$2" --append nhv.guestinfo.datadisk=format \
		--hostfwd "tcp:127.0.0.1:$HTTPS-:443" --hostfwd "tcp:127.0.0.1:$HTTP-:80"
	if ! vm_wait_for 'nhv: ready' 400; then
		tail -n 30 "$(vm_log)" | sed 's/^/# /'
		echo "Bail out! the appliance did not boot"
		exit 1
	fi
	# The server starts after the status block (busybox init): wait for it.
	for _ in $(seq 1 60); do
		curl -sk -m 5 -o /dev/null "$URL/" && break
		sleep 2
	done
}
# The status block's fingerprint and the one the server presents.
fingerprints() {
	block_fp=$(tr -d '\r' < "$(vm_log)" | sed -n 's/.*web ui .*TLS SHA-256 \([0-9A-F:]*\).*/\1/p' | tail -n 1)
	served_fp=$(echo | openssl s_client -connect "127.0.0.1:$HTTPS" 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//')
}
C="curl -sk -m 60"

boot $U1 "$W/disk.img"
fingerprints
[ -n "$block_fp" ] && [ "$block_fp" = "$served_fp" ]
ok $? "boot 1: the status block shows the fingerprint of the certificate served ($block_fp)"
fp1=$served_fp

# Without a session: pages and assets yes, the API no.
$C -o "$W/out" -w '%{http_code}' "$URL/" > "$W/code"
[ "$(cat "$W/code")" = 200 ] && grep -q '<title>nhv appliance' "$W/out"
ok $? "the login page is served without a session"
[ "$($C -o /dev/null -w '%{http_code}' "$URL/xterm.js")" = 200 ]
ok $? "static assets (xterm.js) are served without a session"
$C -o "$W/out" -w '%{http_code}' "$URL/api/v1/status" > "$W/code"
[ "$(cat "$W/code")" = 401 ] && grep -q '"error"' "$W/out"
ok $? "401 with an {\"error\": ...} for the API without a session ($(cat "$W/code"))"
$C -D "$W/out" -o /dev/null "http://127.0.0.1:$HTTP/dashboard?x=1"
grep -qi "^location: https://127.0.0.1:443/dashboard?x=1" "$W/out" || grep -qi "^location: https://127.0.0.1/dashboard?x=1" "$W/out"
ok $? "port 80 redirects to https with the same path"
$C -D "$W/out" -o /dev/null "$URL/"
grep -qi '^strict-transport-security' "$W/out" && grep -qi "^content-security-policy: default-src 'self'" "$W/out"
ok $? "pages carry HSTS and a same-origin content security policy"

# Log in.
$C -c "$W/jar" -D "$W/hdr" -o "$W/out" -H 'Content-Type: application/json' \
	--data '{"password": "nhv"}' "$URL/api/v1/login" > /dev/null
csrf=$(sed -n 's/.*"csrf": "\([0-9a-f]*\)".*/\1/p' "$W/out")
[ ${#csrf} = 64 ]
ok $? "logging in with the root password gives a CSRF token"
grep -i '^set-cookie: nhv_session=' "$W/hdr" | grep -i httponly | grep -i secure | grep -qi 'samesite=strict'
ok $? "the session cookie is HttpOnly, Secure, SameSite=Strict"
A="$C -b $W/jar"
$A -o "$W/out" "$URL/api/v1/status"
grep -q "\"tls_sha256\": \"$fp1\"" "$W/out" && grep -q '"key": "system uuid", "value": "'$U1'"' "$W/out"
ok $? "GET /api/v1/status: the status block, the system UUID and the fingerprint"
$A -o "$W/out" -w '%{http_code}' "$URL/api/v1/check" > "$W/code"
[ "$(cat "$W/code")" = 200 ] && grep -q '"schema":"nhv-check/1"' "$W/out"
ok $? "GET /api/v1/check is nhv-check --json"
vm_sh 'nhv-check --json' 60 > "$W/cli" 2>/dev/null
grep -o '"verdict":"[a-z-]*"' "$W/cli" > "$W/v1"
grep -o '"verdict":"[a-z-]*"' "$W/out" > "$W/v2"
[ -s "$W/v1" ] && cmp -s "$W/v1" "$W/v2"
ok $? "the API's verdict is the CLI's ($(cat "$W/v2"))"
$A -o "$W/out" "$URL/api/v1/identity"
grep -q '"appliance_uuid"' "$W/out" && grep -q '"decision": "new"' "$W/out"
ok $? "GET /api/v1/identity: a new identity at the first boot"
$A -o "$W/out" "$URL/api/v1/guestinfo"
grep -q '"key": "guestinfo.nhv.datadisk", "value": "format", "source": "kernel command line"' "$W/out"
ok $? "GET /api/v1/guestinfo: the decided settings with their sources"
$A -o "$W/out" -w '%{http_code}' "$URL/api/v1/guestinfo/nhv.password" > "$W/code"
[ "$(cat "$W/code")" = 403 ]
ok $? "the password's guestinfo key is not readable (403)"
$A -o "$W/out" "$URL/api/v1/vms"
vm_sh 'nhv vm list --json' 30 > "$W/cli"
# The same VMs in the same states (uptimes move on between the two calls).
grep -o '"name": "[^"]*", "state": "[^"]*"' "$W/out" > "$W/a"
grep -o '"name": "[^"]*", "state": "[^"]*"' "$W/cli" > "$W/b"
grep -q '"name": "default"' "$W/a" && cmp -s "$W/a" "$W/b"
ok $? "GET /api/v1/vms is nhv vm list --json ($(tr '\n' ' ' < "$W/a"))"

# CSRF.
$A -o "$W/out" -w '%{http_code}' -X POST "$URL/api/v1/vms/default/reset" > "$W/code"
[ "$(cat "$W/code")" = 403 ] && grep -q 'X-CSRF-Token' "$W/out"
ok $? "403 for a state-changing request without the CSRF token"
$A -o "$W/out" -w '%{http_code}' -X POST -H "X-CSRF-Token: $(echo "$csrf" | tr 0-9a-f a-f0-9)" \
	"$URL/api/v1/vms/default/reset" > "$W/code"
[ "$(cat "$W/code")" = 403 ]
ok $? "403 with another session's token"
P="$A -H X-CSRF-Token:$csrf"
$C -u root:nhv -o "$W/out" -w '%{http_code}' -X POST "$URL/api/v1/vms/default/reset" > "$W/code"
[ "$(cat "$W/code")" = 403 ]
ok $? "HTTP Basic also needs its CSRF token (403)"
btok=$($C -u root:nhv "$URL/api/v1/session" | sed -n 's/.*"csrf": "\([0-9a-f]*\)".*/\1/p')
$C -u root:nhv -o "$W/out" -w '%{http_code}' -X POST -H "X-CSRF-Token: $btok" \
	"$URL/api/v1/vms/default/reset" > "$W/code"
[ "$(cat "$W/code")" = 409 ] && grep -q 'not running' "$W/out"
ok $? "with Basic and its token the request reaches nhv vm (409: $(head -c 120 "$W/out"))"

# Bad input.
$P -o "$W/out" -w '%{http_code}' -X POST "$URL/api/v1/vms/nosuch/start" > "$W/code"
[ "$(cat "$W/code")" = 404 ] && grep -q 'no VM named' "$W/out"
ok $? "an unknown VM name: 404"
$P -o "$W/out" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"vmx": "memsize = 16",}' "$URL/api/v1/vms" > "$W/code"
[ "$(cat "$W/code")" = 400 ] && grep -q 'byte 24: expected a member name' "$W/out"
ok $? "malformed JSON: 400 naming where ($(head -c 150 "$W/out"))"
printf '{"name": "lab", "vmx": "displayName = \\"lab\\"\\nmemsize = \\"lots\\"\\n"}' > "$W/body"
$P -o "$W/out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$W/body" \
	"$URL/api/v1/vms" > "$W/code"
[ "$(cat "$W/code")" = 400 ] && grep -q 'lab.vmx:2' "$W/out"
ok $? "a .vmx with an error: 400 with FILE:LINE ($(head -c 200 "$W/out"))"
head -c 300000 /dev/zero | tr '\0' a > "$W/big"
$P -o "$W/out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$W/big" \
	"$URL/api/v1/vms" > "$W/code"
[ "$(cat "$W/code")" = 413 ]
ok $? "an oversized body: 413 ($(cat "$W/code"))"
code=$($C -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)" "$URL/")
[ "$code" = 431 ] || [ "$code" = 413 ] || [ "$code" = 400 ] || [ "$code" = 000 ]
ok $? "an oversized header is refused ($code)"
for u in '/../../etc/shadow' '/%2e%2e/%2e%2e/etc/shadow' '/api/v1/vms/..%2f..%2fetc/log' \
	'/api/v1/vms/%2e%2e/log'; do
	$A --path-as-is -o "$W/out" -w '%{http_code}' "$URL$u" > "$W/code"
	! grep -q 'root:' "$W/out" && [ "$(cat "$W/code")" != 200 ]
	ok $? "path traversal $u: no file outside the web root ($(cat "$W/code"))"
done
printf '{"name": "lab", "vmx": "displayName = \\"lab\\"\\nmemsize = \\"64\\"\\nnhv.kernel = \\"/usr/lib/nhv/l2/vmlinuz\\"\\n"}' > "$W/body"
$P -o "$W/out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$W/body" \
	"$URL/api/v1/vms" > "$W/code"
[ "$(cat "$W/code")" = 201 ] && vm_sh 'nhv vm list' 30 | grep -q '^lab '
ok $? "POST /api/v1/vms defines a VM that nhv vm list shows ($(head -c 150 "$W/out"))"
$A -o "$W/out" "$URL/api/v1/vms/lab"
grep -q 'memsize = \\"64\\"' "$W/out"
ok $? "GET /api/v1/vms/lab: its .vmx"
$P -o "$W/out" -w '%{http_code}' -X DELETE "$URL/api/v1/vms/lab" > "$W/code"
[ "$(cat "$W/code")" = 200 ] && ! vm_sh 'nhv vm list' 30 | grep -q '^lab '
ok $? "DELETE /api/v1/vms/lab removes it"

# The browser.
if command -v chromium >/dev/null && [ -d "$B/web-npm/node_modules/puppeteer-core" ]; then
	NHV_WEB_NPM=$B/web-npm timeout 900 node "$here/browser.js" "$URL" nhv "$SHOTS" "$U1" > "$W/browser" 2>&1
	r=$?
	sed 's/^/# browser: /' "$W/browser"
	ok $r "headless Chromium: log in, dashboard, nhv-check, VMs, start default, nhv-l2: init, stop (screenshots in $SHOTS)"
else
	ok 1 "headless Chromium: chromium or puppeteer-core missing (make tests)"
fi

# WebSocket clients that never read, with the default guest running.
$P -o "$W/out" -w '%{http_code}' -X POST "$URL/api/v1/vms/default/start" > "$W/code"
[ "$(cat "$W/code")" = 200 ]
ok $? "POST /api/v1/vms/default/start ($(head -c 150 "$W/out"))"
cookie="nhv_session=$(awk '$6 == "nhv_session" {print $7}' "$W/jar")"
timeout 600 node "$here/ws-stall.js" 127.0.0.1 "$HTTPS" "$cookie" default > "$W/stall" 2>&1
r=$?
sed 's/^/# ws-stall: /' "$W/stall"
ok $r "WebSocket consoles that never read: the 5th refused, the reader gets all the guest prints, the API still answers"
$P -o "$W/out" -w '%{http_code}' -X POST "$URL/api/v1/vms/default/stop" > "$W/code"
[ "$(cat "$W/code")" = 200 ]
ok $? "POST /api/v1/vms/default/stop"
$A -o "$W/out" -w '%{http_code}' "$URL/api/v1/vms/default/log" > "$W/code"
grep -q 'nhv-l2: init' "$W/out"
ok $? "GET /api/v1/vms/default/log: the serial log"

# Rate limit: 5 bad passwords, then 429 even for the right one.
for i in 1 2 3 4 5; do
	$C -o /dev/null -H 'Content-Type: application/json' --data '{"password": "bad"}' "$URL/api/v1/login"
done
$C -D "$W/hdr" -o "$W/out" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"password": "nhv"}' "$URL/api/v1/login" > "$W/code"
[ "$(cat "$W/code")" = 429 ] && grep -qi '^retry-after: [0-9]' "$W/hdr"
ok $? "429 with Retry-After after 5 bad passwords ($(cat "$W/code"))"
$C -o /dev/null -w '%{http_code}' -u root:nhv "$URL/api/v1/status" > "$W/code"
[ "$(cat "$W/code")" = 429 ]
ok $? "HTTP Basic is limited too ($(cat "$W/code"))"
vm_sh 'cat /run/nhv/web.log; dmesg | grep nhv-web' 30 > "$W/out"
grep -q 'failed login from' "$W/out"
ok $? "failed logins are logged"
vm_sh 'sync' 30 > /dev/null
stop_vm

# Boot 2: the same appliance.
boot $U1 "$W/disk.img"
fingerprints
[ -n "$served_fp" ] && [ "$served_fp" = "$fp1" ] && [ "$block_fp" = "$fp1" ]
ok $? "boot 2 (same UUID and disk): the same certificate ($served_fp)"
vm_sh 'sync' 30 > /dev/null
stop_vm

# Boot 3: a clone (a copy of the disk, another UUID).
cp "$W/disk.img" "$W/clone.img"
boot $U2 "$W/clone.img"
fingerprints
vm_sh 'nhv identity --json' 30 > "$W/out"
[ -n "$served_fp" ] && [ "$served_fp" != "$fp1" ] && [ "$block_fp" = "$served_fp" ] &&
	grep -q '"decision": "cloned"' "$W/out"
ok $? "boot 3 (a clone): a new certificate ($served_fp), shown on the status block"
stop_vm

echo "1..$n"
[ "$fails" = 0 ]
