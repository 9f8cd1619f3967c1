#!/bin/sh
exec "$(dirname "$0")/fuzz.sh" fuzz-handshake-client client 200000
