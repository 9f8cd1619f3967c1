#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-hexfmt "$here/corpus/hexfmt" 200000
