#!/bin/sh
# `nhv selftest` refuses bad arguments before touching /dev/nhv: exit 2 and a
# line naming what is wrong (runs on the build machine, no nhv.ko needed).
echo "1..3"
st=${NHV_BUILD:-build}/bin/nhv-selftest
t() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; printf '%s\n' "$out" | sed 's/^/# /'; fi; }

out=$("$st" --only "" 2>&1); rc=$?
t 1 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "only needs a group name"' "--only with an empty list is refused"
out=$("$st" --only tlb,bogus 2>&1); rc=$?
t 2 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "unknown group .bogus.; groups: api .* random"' "--only with an unknown group names it and lists the groups"
out=$("$st" --frobnicate 2>&1); rc=$?
t 3 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "unknown argument .--frobnicate."' "an unknown argument is refused and named"
