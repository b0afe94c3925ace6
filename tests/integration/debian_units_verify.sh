#!/bin/sh
# Issue 12, "Shown by": every .service and .target file Debian installed on
# this machine (/lib/systemd/system, /usr/lib/systemd/system) loads under
# `vermiliond --verify` with no error that `systemd-analyze verify` (252,
# the reference) does not also give for that file.
#
#   debian_units_verify.sh VERMILIOND
#
# systemd-analyze verify needs no running systemd: it loads the units the way
# the manager would, from the same search path, in about a second for all of
# them (with --man=no, which skips checking that Documentation= man pages
# are installed), so it runs here, on the same files, rather than being
# recorded. Exit 77 (skipped) when systemd-analyze or the directories are
# absent.
set -eu
vermiliond=$1

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is absent (the systemd package; scripts/setup-debian.sh installs it)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each file once, even where /lib is a link to /usr/lib (merged /usr).
for dir in /lib/systemd/system /usr/lib/systemd/system; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*.service "$dir"/*.target; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    echo "$(realpath -m "$(dirname "$f")")/${f##*/} $f"
  done
done | sort -u -k1,1 | cut -d' ' -f2 >"$work/files"
count=$(wc -l <"$work/files")
if [ "$count" = 0 ]; then
  echo "SKIP: no unit files under /lib/systemd/system or /usr/lib/systemd/system"
  exit 77
fi

# Both exit 1 when some unit fails to load (masked ones do); what counts is
# what each says of each file.
# As root, systemd-analyze marks /run/systemd/systemd-units-load as a
# manager would: it runs in a mount namespace of its own with a tmpfs on
# /run, so the machine's /run/systemd is never written.
if [ "$(id -u)" = 0 ]; then
  # shellcheck disable=SC2016
  unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /run && exec systemd-analyze verify --man=no "$@"' \
    sh $(cat "$work/files") >"$work/systemd" 2>&1 || true
else
  # shellcheck disable=SC2046
  systemd-analyze verify --man=no $(cat "$work/files") >"$work/systemd" 2>&1 || true
fi
# shellcheck disable=SC2046
"$vermiliond" --verify $(cat "$work/files") >"$work/vermilion" 2>&1 || true

failed=0
with_errors=0
while read -r path; do
  grep -F -e "$path:" "$work/vermilion" | grep -F ": error:" >"$work/ours" || true
  [ -s "$work/ours" ] || continue
  with_errors=$((with_errors + 1))
  name=${path##*/}
  # systemd-analyze names a template file as its instance "i".
  instance=$(echo "$name" | sed 's/@\./@i./')
  if ! grep -F -e "$path:" -e "Unit $name " -e "Unit $instance " -e "$name:" -e "$instance:" \
    "$work/systemd" >"$work/theirs"; then
    failed=$((failed + 1))
    echo "FAIL: $path: vermiliond --verify gives errors that systemd-analyze verify does not:"
    sed 's/^/  vermiliond: /' "$work/ours"
  fi
done <"$work/files"

echo "$count unit files: vermiliond --verify reports errors for $with_errors," \
  "systemd-analyze verify for $(grep -c . "$work/systemd" || true) message lines"
if [ "$failed" != 0 ]; then
  echo "--- systemd-analyze verify said:"
  cat "$work/systemd"
  echo "$failed file(s) with errors systemd does not give"
  exit 1
fi
echo "PASS: every vermiliond error is also systemd-analyze's"
