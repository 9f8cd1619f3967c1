#!/bin/sh
exec "$(dirname "$0")/fuzz.sh" fuzz-handshake-host host 200000
