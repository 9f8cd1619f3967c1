#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-sntp "$here/corpus/sntp" 200000
