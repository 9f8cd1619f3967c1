# deb-download.sh - sourced by images/fetch-kernel.sh.
# deb_download PKG DEBDIR: prints the path of PKG's .deb in DEBDIR, fetched
# with `apt-get download` when missing; on failure prints apt-cache's
# policy for PKG on stderr and returns 1 (the caller says what to do).
deb_download() {
	local pkg=$1 debdir=$2 deb
	deb=$(ls "$debdir"/"$pkg"_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		echo "downloading $pkg" >&2
		(cd "$debdir" && apt-get download "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
		deb=$(ls "$debdir"/"$pkg"_*.deb 2>/dev/null | head -n 1 || true)
	fi
	if [ -z "$deb" ]; then
		echo "apt-cache policy $pkg says:" >&2
		apt-cache policy "$pkg" >&2 || true
		return 1
	fi
	echo "$deb"
}
