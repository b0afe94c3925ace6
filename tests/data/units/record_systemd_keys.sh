#!/bin/sh
# Writes systemd-252-keys: every [Unit], [Service] and [Install] key systemd
# 252's unit file parser knows ("Service.ReadWriteDirectories"), as its key
# table (load-fragment-gperf) holds them in the installed systemd's core
# library. unit_keys_test checks that Vermilion calls none of them an
# unknown key. Re-run after a systemd upgrade:
#
#   tests/data/units/record_systemd_keys.sh
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
core=$(ls /usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-*.so /lib/systemd/libsystemd-core-*.so 2>/dev/null | head -n 1)
[ -n "$core" ] || { echo "record_systemd_keys: no libsystemd-core found" >&2; exit 1; }
strings -n 6 "$core" | grep -E '^(Unit|Service|Install)\.[A-Z][A-Za-z]+$' | LC_ALL=C sort -u >"$dir/systemd-252-keys"
