#!/bin/sh
exec "$(dirname "$0")/fuzz.sh" fuzz-handshake-nhvconf nhvconf 200000
