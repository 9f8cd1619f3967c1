#!/bin/sh
exec "$(dirname "$0")/fuzz-run.sh" virtio-net
