#!/bin/sh
# Records how systemd 252 loads each unit file of a corpus directory, the
# reference the unit loader's tests compare Vermilion with: for NAME.service
# it writes NAME.systemd holding systemd's messages about the file (its
# directory replaced by nothing, so "NAME.service:3: ..."), the Wants=,
# Requires= and After= that came from the file ("wants: UNIT"), the
# Description= ("description: TEXT") and each ExecStart= command line as
# systemd prints it, each word shell-quoted where needed ("exec-start:
# WORD..."), and "load-state: STATE". A file named as an instance ("echo@x-y\x2dz.service")
# is installed as its template ("echo@.service") and loaded as that instance.
#
#   tests/data/units/record_systemd.sh tests/data/units/broken
#
# Re-run it when a case is added. Needs systemd 252 installed (not running
# as init) and root, to run `systemd --test` as nobody: systemd 252 refuses
# --test --system as root only when it is PID 1, but reading the user's
# configuration as root prints noise, and nobody reads no user config.
set -eu
corpus=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/vermilion-record.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
for file in "$corpus"/*.service; do
  name=$(basename "$file")
  installed=$(printf '%s' "$name" | sed 's/@[^@]*\.service$/@.service/')
  rm -f "$work"/*.service
  cp "$file" "$work/$installed"
  chmod 644 "$work/$installed"
  I=$installed U=$name SYSTEMD_UNIT_PATH="$work:" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    /lib/systemd/systemd --test --system --unit="$name" 2>&1 |
    I=$installed U=$name W="$work/" awk '
      /^\t-> Unit / { mine = ($3 == ENVIRON["U"] ":") }
      mine && /^\t\tUnit Load State:/ { state = $4 }
      mine && /^\t\tDescription: / { sub(/^\t\tDescription: /, ""); print "description: " $0 }
      mine && /^\t\t-> Exec/ { list = $2 }
      mine && list == "ExecStart:" && /^\t\t\tCommand Line: / {
        sub(/^\t\t\tCommand Line: /, ""); print "exec-start: " $0
      }
      mine && /^\t\t(Wants|Requires|After): .* \(origin-file\)$/ {
        key = tolower(substr($1, 1, length($1) - 1)); print key ": " $2
      }
      /^[^\t]/ {
        line = $0
        if (index(line, ENVIRON["W"]) == 1) {
          line = substr(line, length(ENVIRON["W"]) + 1)
          if (index(line, ENVIRON["I"] ":") == 1) line = ENVIRON["U"] substr(line, length(ENVIRON["I"]) + 1)
          print line; next
        }
        if (index(line, ENVIRON["U"] ": ") == 1) print line
      }
      END { print "load-state: " state }' > "$corpus/${name%.service}.systemd"
done
