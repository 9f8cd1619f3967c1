#!/bin/sh
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-nhvconf-settings "$here/corpus/nhvconf-settings" 200000
