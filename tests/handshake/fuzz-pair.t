#!/bin/sh
exec "$(dirname "$0")/fuzz.sh" fuzz-handshake-pair pair 50000
