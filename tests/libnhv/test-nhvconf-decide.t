#!/bin/sh
exec "${NHV_BUILD:-build}/tests/test-nhvconf-decide"
