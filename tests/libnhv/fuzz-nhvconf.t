#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-nhvconf "$here/corpus/nhvconf" 200000
