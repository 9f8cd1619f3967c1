#!/bin/sh
# Install the Debian packages listed in images/packages.list that are missing.
# Idempotent: does nothing (and needs no root) when everything is present.
# Usage: images/deps.sh [packages.list]
set -eu
list=${1:-$(dirname "$0")/packages.list}

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: this is not a Debian-like system (no dpkg-query)." >&2
	echo "deps: install these packages by hand, then run make again:" >&2
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | tr '\n' ' ' >&2
	echo >&2
	exit 1
fi

missing=""
for pkg in $(sed -e 's/#.*//' "$list"); do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: cannot install them here (need root and apt-get). Run as root:" >&2
	echo "    apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
echo "deps: installed:$missing"
