#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-cmdline "$here/corpus/cmdline" 200000
