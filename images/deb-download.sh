# deb-download.sh - sourced by images/fetch-kernel.sh and images/fetch-debs.sh:
# the one place that downloads Debian packages (never installed on the host).

# deb_of PKG DEBDIR: prints the newest PKG_*_{amd64,all}.deb in DEBDIR, or
# nothing.
deb_of() {
	ls "$2/$1"_*_amd64.deb "$2/$1"_*_all.deb 2>/dev/null | sort -V | tail -n 1
}

# deb_download DEBDIR PKG...: fetches, in one `apt-get download`, every PKG
# that has no .deb in DEBDIR yet (kept there: later builds reuse them).  On
# failure prints, for each PKG still missing, apt-cache's policy on stderr
# and returns 1 (the caller says what to do).
deb_download() {
	local debdir=$1 p missing="" failed=0
	shift
	for p in "$@"; do
		[ -n "$(deb_of "$p" "$debdir")" ] || missing="$missing $p:amd64"
	done
	if [ -n "$missing" ]; then
		echo "downloading$missing" >&2
		# shellcheck disable=SC2086
		(cd "$debdir" && apt-get download $missing 2>&1 |
			grep -v '^W: Download is performed unsandboxed' >&2) || true
	fi
	for p in "$@"; do
		if [ -z "$(deb_of "$p" "$debdir")" ]; then
			echo "could not download $p; apt-cache policy $p says:" >&2
			apt-cache policy "$p" >&2 || true
			failed=1
		fi
	done
	return $failed
}
