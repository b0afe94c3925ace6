#!/bin/sh
# Records what systemd 252 does for each enablement case, as the expected
# values of tests/daemon/units/unit_install_test.cpp. systemctl --root=DIR
# runs install.c on a directory tree with no systemd running, so this needs
# only Debian's systemd package. Re-run after adding or changing a case:
#   scripts/record-install-oracle.sh [tests/data/install/NAME.case...]
#
# A case file (NAME.case) lists, one per line:
#   file PATH          the lines up to "end" are a file's text (PATH under the root)
#   link PATH TARGET   a symlink that exists before the commands
#   run VERB UNIT...   systemctl VERB (enable, disable, reenable, mask, unmask)
#   state UNIT...      systemctl is-enabled, one unit at a time
# NAME.expected gets, for each run, its exit status and then every symlink
# under etc/ and run/ ("PATH -> TARGET", sorted); for each state, the
# unit's state or "none" when systemctl finds no unit file.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- tests/data/install/*.case
for case in "$@"; do
  root=$(mktemp -d)
  expected="${case%.case}.expected"
  : >"$expected"
  in_file=""
  while IFS= read -r line || [ -n "$line" ]; do
    if [ -n "$in_file" ]; then
      if [ "$line" = "end" ]; then in_file=""; else printf '%s\n' "$line" >>"$root/$in_file"; fi
      continue
    fi
    set -- $line
    [ $# -gt 0 ] || continue
    verb=$1
    shift
    case "$verb" in
      file) mkdir -p "$(dirname "$root/$1")"; : >"$root/$1"; in_file=$1 ;;
      link) mkdir -p "$(dirname "$root/$1")"; ln -s "$2" "$root/$1" ;;
      run)
        rc=0
        systemctl --root="$root" --no-reload "$@" >/dev/null 2>&1 || rc=$?
        echo "run $* -> $rc" >>"$expected"
        (cd "$root" && find etc run -type l -printf '%p -> %l\n' 2>/dev/null | LC_ALL=C sort) >>"$expected"
        ;;
      state)
        for unit in "$@"; do
          s=$(systemctl --root="$root" is-enabled "$unit" 2>/dev/null) || true
          echo "state $unit ${s:-none}" >>"$expected"
        done
        ;;
      '#'*) ;;
      *) echo "$case: unknown line: $line" >&2; exit 1 ;;
    esac
  done <"$case"
  rm -rf "$root"
  echo "recorded $expected"
done
