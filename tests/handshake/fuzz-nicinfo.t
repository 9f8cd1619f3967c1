#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-handshake-nicinfo "$here/corpus/nicinfo" 200000
