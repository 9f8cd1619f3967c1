#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-handshake-client "$here/corpus/client" 200000
