#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-handshake-pair "$here/corpus/pair" 50000
