#!/bin/sh
# test-sntp-sync.t - see tests/handshake/test-sntp-sync.c
exec "${NHV_BUILD:-build}/tests/test-sntp-sync" "$(dirname "$0")"
