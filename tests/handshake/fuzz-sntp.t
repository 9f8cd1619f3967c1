#!/bin/sh
exec "$(dirname "$0")/fuzz.sh" fuzz-sntp sntp 200000
