#!/bin/bash
# Records systemd 252's own introspection of org.freedesktop.systemd1, the
# reference the bridge's compatibility face is generated from and tested
# against (bridge/README.md, "org.freedesktop.systemd1"):
#
#   interfaces/org.freedesktop.systemd1.xml   Manager, Unit, Service, Job as
#                                             systemd serves them (the build
#                                             generates the bridge's vtables
#                                             from it)
#   tests/data/systemd1/{manager,service,job}.busctl
#                                             `busctl introspect` of each
#                                             object as a table (name, type,
#                                             signature, result, flags; values
#                                             left out), which
#                                             systemd1_introspection_test
#                                             compares ours with
#
# tests/data/systemd1/unserved.txt, the reviewed list of the members the
# bridge does not serve, is not recorded: after a new recording,
# systemd1_served_test and bridge_systemd1_signatures_test show each member
# that is new (or gone) as a diff, to be served or reviewed onto the list.
#
# Run as root on a machine with systemd 252 installed (it need not be
# running as init): a `systemd --user` runs inside `unshare --mount` with a
# tmpfs on /run/systemd (so nothing mistakes this machine for a
# systemd-booted one), in a cgroup of its own, on a private session bus,
# with its units, HOME and runtime directory in a scratch directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)

if [ "${1-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root (unshare --mount, cgroups)" >&2; exit 1; }
  systemd --version | head -1 | grep -q '^systemd 252' ||
    echo "warning: this is not systemd 252" >&2
  cgroot=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
  [ -n "$cgroot" ] || { echo "no cgroup2 mount found" >&2; exit 1; }
  cg="$cgroot/vermilion-systemd1-record-$$"
  mkdir "$cg"
  out=$(mktemp -d)
  status=0
  unshare --mount --propagation private "$0" --inside "$cg" "$out" || status=$?
  echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
  for _ in $(seq 100); do
    [ -z "$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break
    sleep 0.05
  done
  find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  if [ $status -ne 0 ]; then
    echo "recording failed" >&2
    rm -rf "$out"
    exit $status
  fi
  python3 - "$out" "$top" <<'PY'
import sys, re
import xml.etree.ElementTree as ET
out, top = sys.argv[1], sys.argv[2]

# The interfaces of systemd's own, in one node.
wanted = {"manager.xml": ["org.freedesktop.systemd1.Manager"],
          "service.xml": ["org.freedesktop.systemd1.Unit", "org.freedesktop.systemd1.Service"],
          "job.xml": ["org.freedesktop.systemd1.Job"]}
parts = []
for f, names in wanted.items():
    text = open(f"{out}/{f}").read()
    for name in names:
        m = re.search(r'( <interface name="%s">.*?</interface>\n)' % re.escape(name), text, re.S)
        parts.append(m.group(1))
header = ('<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
          '"https://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
          '<!-- systemd 252\'s org.freedesktop.systemd1 as it introspects itself: recorded\n'
          '     by tests/data/systemd1/record-systemd.sh, not edited by hand. The build\n'
          '     generates vermilion-bridge\'s sd-bus vtables from this file\n'
          '     (bridge/bridge/systemd1_vtables.py); what the bridge implements is\n'
          '     bridge/README.md\'s "org.freedesktop.systemd1". -->\n<node>\n')
ET.fromstring(header.split("-->", 1)[1] + "".join(parts) + "</node>\n")  # well-formed
open(f"{top}/interfaces/org.freedesktop.systemd1.xml", "w").write(header + "".join(parts) + "</node>\n")

# busctl introspect's columns (by the header's offsets), value left out.
for f in ["manager", "service", "job"]:
    lines = open(f"{out}/{f}.txt").read().splitlines()
    head = lines[0]
    cols = [head.index(c) for c in ["TYPE", "SIGNATURE", "RESULT/VALUE", "FLAGS"]]
    rows = []
    for line in lines[1:]:
        name = line[:cols[0]].strip()
        typ = line[cols[0]:cols[1]].strip()
        sig = line[cols[1]:cols[2]].strip()
        res = line[cols[2]:cols[3]].strip() if typ == "method" else "-"
        flags = line[cols[3]:].strip()
        rows.append("\t".join([name, typ, sig, res, flags]))
    open(f"{top}/tests/data/systemd1/{f}.busctl", "w").write("\n".join(rows) + "\n")
PY
  rm -rf "$out"
  echo "recorded interfaces/org.freedesktop.systemd1.xml and tests/data/systemd1/*.busctl"
  exit 0
fi

# ---- inside the mount namespace ---------------------------------------------
cg=$2
out=$3
echo $$ >"$cg/cgroup.procs"
mount -t tmpfs -o mode=755 tmpfs /run/systemd
mkdir /run/systemd/system

work=$(mktemp -d /tmp/vermilion-systemd1.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/units" "$work/runtime" "$work/home"
chmod 700 "$work/runtime"
for t in default basic shutdown exit; do printf '[Unit]\nDescription=%s\n' $t >"$work/units/$t.target"; done
printf '[Unit]\nDescription=x\n[Service]\nExecStart=/bin/sleep infinity\n' >"$work/units/x.service"
printf '[Service]\nType=oneshot\nExecStart=/bin/sleep 30\n' >"$work/units/slow.service"
# A user manager joins the session bus once dbus.socket and dbus.service run.
printf '[Socket]\nListenStream=%s/unused\n' "$work" >"$work/units/dbus.socket"
printf '[Service]\nExecStart=/bin/sleep infinity\n' >"$work/units/dbus.service"
cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$work/bus</listen>
  <include>$here/../bus/session.conf</include>
</busconfig>
CONF
dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=1 >"$work/address" 2>"$work/bus.log" &
for _ in $(seq 200); do [ -s "$work/address" ] && break; sleep 0.05; done

export DBUS_SESSION_BUS_ADDRESS="unix:path=$work/bus" HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
export SYSTEMD_UNIT_PATH="$work/units"
systemd --user >"$work/systemd.log" 2>&1 &
for _ in $(seq 200); do [ -S "$XDG_RUNTIME_DIR/systemd/private" ] && break; sleep 0.05; done
systemctl --user start dbus.socket dbus.service
for _ in $(seq 200); do busctl --user status org.freedesktop.systemd1 >/dev/null 2>&1 && break; sleep 0.05; done
systemctl --user start x.service
systemctl --user start --no-block slow.service
job=$(busctl --user get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/slow_2eservice \
  org.freedesktop.systemd1.Unit Job | sed -n 's/.*"\(.*\)".*/\1/p')

busctl --user introspect --no-pager org.freedesktop.systemd1 /org/freedesktop/systemd1 >"$out/manager.txt"
busctl --user introspect --no-pager --xml-interface org.freedesktop.systemd1 /org/freedesktop/systemd1 >"$out/manager.xml"
busctl --user introspect --no-pager org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/x_2eservice >"$out/service.txt"
busctl --user introspect --no-pager --xml-interface org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/x_2eservice >"$out/service.xml"
busctl --user introspect --no-pager org.freedesktop.systemd1 "$job" >"$out/job.txt"
busctl --user introspect --no-pager --xml-interface org.freedesktop.systemd1 "$job" >"$out/job.xml"
systemctl --user exit || true
