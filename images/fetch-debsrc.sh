#!/bin/sh
# Fetch Debian source packages (the .dsc, .orig and .debian tarballs) into
# WORK_DIR, unless an .orig tarball of each is there already.  A private apt
# configuration with a deb-src line is used, so the host's apt sources are
# never touched.  Used by images/build-libpci.sh and images/build-weblibs.sh.
# Usage: images/fetch-debsrc.sh WORK_DIR PACKAGE...
set -eu
work=$1
shift
mkdir -p "$work/lists/partial"
cat > "$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian bookworm main
LIST
aptopts="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$work/lists"
updated=0
for pkg in "$@"; do
	ls "$work/${pkg}"_*.orig.tar.* >/dev/null 2>&1 && continue
	echo "$pkg: fetching the source package"
	if [ $updated = 0 ]; then
		# shellcheck disable=SC2086
		apt-get $aptopts update -qq
		updated=1
	fi
	# shellcheck disable=SC2086
	(cd "$work" && apt-get $aptopts source --download-only "$pkg" 2>&1 |
		grep -v '^W: Download is performed unsandboxed' || true)
	ls "$work/${pkg}"_*.orig.tar.* >/dev/null 2>&1 || {
		echo "$pkg: the source package could not be fetched" >&2
		exit 1
	}
done
