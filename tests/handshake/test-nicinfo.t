#!/bin/sh
exec "${NHV_BUILD:-build}/tests/test-handshake-nicinfo"
