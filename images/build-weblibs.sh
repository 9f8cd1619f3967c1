#!/bin/sh
# Build static musl libraries for nhv-web from Debian's source packages:
# mbedtls (TLS, X.509, ECDSA) and civetweb (HTTP/1.1 + WebSocket server,
# with mbedtls as its TLS back end).  Why these two: docs/web.md.
# Usage: images/build-weblibs.sh BUILD_DIR MUSL_INCLUDE_DIR
# Result: BUILD_DIR/weblibs/lib/{libcivetweb,libmbedtls,libmbedx509,libmbedcrypto}.a
#         and BUILD_DIR/weblibs/include/{civetweb.h,mbedtls/*.h}
set -eu
build=$(realpath "$1")
muslinc=$(realpath "$2")
work=$build/src/weblibs
out=$build/weblibs
"$(dirname "$0")/fetch-debsrc.sh" "$work" mbedtls civetweb

unpack() {	# NAME -> $work/NAME
	tarball=$(ls "$work/$1"_*.orig.tar.* | head -n 1)
	rm -rf "${work:?}/$1"
	mkdir -p "$work/$1"
	tar -xf "$tarball" -C "$work/$1" --strip-components=1 || {
		echo "weblibs: $tarball is corrupt; delete $work and run make again" >&2
		exit 1
	}
}
unpack mbedtls
unpack civetweb
cc="musl-gcc -isystem $muslinc"
log=$work/build.log
: > "$log"

# mbedtls: civetweb's worker threads share one TLS configuration and its
# random generator, so mbedtls's own locking is switched on.
cfg=$work/mbedtls/include/mbedtls/config.h
sed -i -e 's|^//#define MBEDTLS_THREADING_C$|#define MBEDTLS_THREADING_C|' \
	-e 's|^//#define MBEDTLS_THREADING_PTHREAD$|#define MBEDTLS_THREADING_PTHREAD|' "$cfg"
grep -q '^#define MBEDTLS_THREADING_PTHREAD$' "$cfg" || {
	echo "weblibs: cannot switch on MBEDTLS_THREADING_PTHREAD in $cfg" >&2
	exit 1
}
make -C "$work/mbedtls/library" CC="$cc" AR=ar CFLAGS="-O2 -fno-strict-aliasing" \
	-j2 libmbedcrypto.a libmbedx509.a libmbedtls.a >>"$log" 2>&1 || {
	echo "weblibs: the mbedtls build failed; see $log" >&2
	tail -n 20 "$log" >&2
	exit 1
}

# civetweb: one C file.  No CGI, no Lua/JS, no file listing of folders;
# WebSocket on; TLS through mbedtls (USE_MBEDTLS with NO_SSL: no OpenSSL).
cw=$work/civetweb
$cc -O2 -c -o "$work/civetweb.o" "$cw/src/civetweb.c" -I"$cw/include" \
	-I"$work/mbedtls/include" -DUSE_MBEDTLS -DNO_SSL -DUSE_WEBSOCKET -DNO_CGI >>"$log" 2>&1 || {
	echo "weblibs: the civetweb build failed; see $log" >&2
	tail -n 20 "$log" >&2
	exit 1
}
ar rcs "$work/libcivetweb.a" "$work/civetweb.o"

rm -rf "$out.tmp"
mkdir -p "$out.tmp/lib" "$out.tmp/include"
cp "$work/libcivetweb.a" "$work"/mbedtls/library/libmbed*.a "$out.tmp/lib/"
cp "$cw/include/civetweb.h" "$out.tmp/include/"
cp -r "$work/mbedtls/include/mbedtls" "$out.tmp/include/"
# The versions, for docs and the about box.
ver() { ls "$work/$1"_*.orig.tar.* | head -n 1 | sed -e "s|.*/$1_||" -e 's|\.orig\.tar\..*||'; }
printf 'mbedtls %s\ncivetweb %s\n' "$(ver mbedtls)" "$(ver civetweb)" > "$out.tmp/versions"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "weblibs: built $out/lib (mbedtls $(ver mbedtls), civetweb $(ver civetweb))"
