#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-handshake-host "$here/corpus/host" 200000
