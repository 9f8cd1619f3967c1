#!/bin/sh
# nhv-web's request parsing (JSON bodies, API URIs, HTTP Basic) under libFuzzer.
here=$(dirname "$0")
exec "$here/../lib/fuzz.sh" fuzz-web-request "$here/corpus" 200000
