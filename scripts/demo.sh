#!/bin/bash
# The demo: vermiliond supervising the example units in examples/units, with
# the capabilities of examples/policies. Shows ordered start (warmup before
# api), readiness, socket activation of an unprivileged service, a service
# using (and being refused) capabilities over its private link, a crash and
# its restart, a crash loop ending at the start limit, a reload on SIGHUP,
# the D-Bus bridge (vermilionctl and busctl on a private bus), Debian's own
# systemctl and busctl driving the same services through the
# org.freedesktop.systemd1 compat name, and an orderly stop of everything
# on SIGTERM. Units start at boot because they are enabled (links in
# multi-user.target.wants/), as with systemd. Needs root.
#
# It runs in a mount namespace of its own with a tmpfs on /run/systemd:
# `vermiliond --systemd-compat` creates /run/systemd/system there (what
# systemctl checks before it talks to a service manager), never on the
# machine, and systemctl finds the demo's private bus through
# DBUS_SYSTEM_BUS_ADDRESS, never the machine's.
set -eu
cd "$(dirname "$0")/.."
if [ "${VERMILION_DEMO_NAMESPACE-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "demo: run as root (a mount namespace, the bridge's user)" >&2; exit 1; }
  exec env VERMILION_DEMO_NAMESPACE=1 unshare --mount --propagation private "$0" "$@"
fi
mkdir -p /run/systemd
mount -t tmpfs -o mode=755 tmpfs /run/systemd
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

work=$(mktemp -d)
log="$work/vermiliond.log"

# Two services talk to vermiliond over their private links with the small
# sd-bus client the tests use; their units need its built path, so they are
# written here. Their authority comes from examples/policies only.
client="$PWD/build/release/bin/vermilion-test-link_client"
mkdir -p "$work/units" /run/vermilion-demo
echo "content only root can read" >/run/vermilion-demo/site.txt
chmod 0600 /run/vermilion-demo/site.txt
cat >"$work/units/web.service" <<UNIT
[Unit]
Description=Serves on 127.0.0.1:8080 as nobody, through a socket the broker opened
[Service]
User=nobody
ExecStart=$client env open 3 accept hold
[Install]
WantedBy=multi-user.target
UNIT
cat >"$work/units/admin-panel.service" <<UNIT
[Unit]
Description=May see web.service and restart it, nothing else
Wants=web.service
After=web.service
[Service]
Type=oneshot
ExecStart=$client list status 1 '' restart 1 '' status 1 '' stop 1 '' kill 1 '' 9 status 1 hello
[Install]
WantedBy=multi-user.target
UNIT

# Only enabled units start at boot, as with systemd: examples/units carries
# its links in multi-user.target.wants/ (what `systemctl enable` makes of
# WantedBy=multi-user.target); these two are enabled the same way here.
mkdir -p "$work/units/multi-user.target.wants"
for unit in web.service admin-panel.service; do
  ln -s "../$unit" "$work/units/multi-user.target.wants/$unit"
done

# A private bus configured like the system bus (system.conf's policy plus
# dbus-1/system.d/org.vermilion1.conf), never the machine's own: the bridge
# that vermiliond supervises puts org.vermilion1 there, as the dedicated
# user vermilion-bridge. Session-bus clients (busctl --user) find it too.
cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$work/bus</listen>
  <include>$PWD/tests/data/bus/system.conf</include>
  <includedir>$PWD/dbus-1/system.d</includedir>
</busconfig>
CONF
chmod 0755 "$work"
mkfifo "$work/address"
dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=3 3>"$work/address" 2>/dev/null &
bus=$!
read -r address <"$work/address"
export DBUS_SYSTEM_BUS_ADDRESS="$address" DBUS_SESSION_BUS_ADDRESS="$address"

./build/release/bin/vermiliond --system --systemd-compat --unit-dir "$work/units" --unit-dir "$PWD/examples/units" \
  --policy-dir "$PWD/examples/policies" --policy-dir "$PWD/policies" --runtime-dir "$work/run" --log-level debug >"$log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; kill "$bus" 2>/dev/null || true
      rm -rf "$work" /run/vermilion-demo' EXIT

# Waits (on inotify, through tail -f) until the log shows a line matching $1.
wait_for() {
  if ! timeout 30 tail -n +1 -f "$log" | grep -q -m1 -- "$1"; then
    echo "demo: timed out waiting for: $1" >&2
    cat "$log" >&2
    exit 1
  fi
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# At debug level vermiliond also echoes each service's output as "unit| line".
events() { grep -v -E '\| |: job |^audit: ' "$1"; }

step "starting vermiliond with the example units and policies: default.target and the enabled units"
find "$work/units" examples/units -path '*.wants/*' -printf '%p -> %l\n'
wait_for "api.service: state active/running"
wait_for "default.target: state active/active"
wait_for "admin-panel.service: state inactive/dead"
events "$log"

step "the broker's audit trail: grants from policy, then what admin-panel asked for"
grep "^audit: " "$log"

step "admin-panel.service over its private link: status and restart work; stop, kill and other services are refused"
grep "admin-panel.service| " "$log"

step "web.service runs as nobody and accepts on a socket it could not have opened (LISTEN_FDS)"
wait_for "web.service| accepting"
grep "web.service| " "$log"
exec 3<>/dev/tcp/127.0.0.1/8080
read -r reply <&3
exec 3<&-
echo "a client connected to 127.0.0.1:8080 and read: $reply"

step "org.vermilion1 on the bus: the bridge, running as user vermilion-bridge with only its capabilities"
wait_for "vermilion-bridge.service: state active/running"
ps -o user=,pid=,args= -p "$(grep -o 'vermilion-bridge.service: state active/running result=success main-pid=[0-9]*' "$log" | tail -1 | sed 's/.*=//')"
ctl=./build/release/bin/vermilionctl
step "vermilionctl list"
$ctl list
step "busctl --user tree org.vermilion1"
busctl --user tree org.vermilion1
step "vermilionctl status api"
$ctl status api || true
step "as user nobody: reading works, stopping is refused by the [Bus] rules"
setpriv --reuid=nobody --regid=nogroup --clear-groups $ctl is-active api || true
setpriv --reuid=nobody --regid=nogroup --clear-groups $ctl stop api || true
step "as root: restart api through the bridge (it replies once the job is done)"
$ctl restart api && $ctl is-active api
busctl --user get-property org.vermilion1 /org/vermilion1/service/api_2eservice org.vermilion1.Service MainPID

step "org.freedesktop.systemd1 on the same bus: Debian's systemctl and busctl, unchanged"
wait_for "serving org.freedesktop.systemd1"
sctl() { systemctl --no-pager "$@"; }
step "systemctl list-units --type=service"
sctl list-units --type=service
step "systemctl status api.service"
sctl status api.service || true
step "systemctl restart api.service, then is-active and show"
sctl restart api.service && sctl is-active api.service
sctl show -p MainPID,NRestarts,ControlGroup api.service
step "systemctl list-unit-files and is-enabled (vermiliond's enablement: links in the unit directories)"
sctl list-unit-files --type=service
sctl is-enabled web.service api.service || true
step "as user nobody: systemctl status works, systemctl stop is refused (exit 4, as with systemd)"
setpriv --reuid=nobody --regid=nogroup --clear-groups systemctl --no-pager is-active api.service || true
status=0
setpriv --reuid=nobody --regid=nogroup --clear-groups systemctl --no-pager stop api.service || status=$?
echo "exit status $status"
step "busctl --system call org.freedesktop.systemd1 ... GetUnit s api.service, and its properties"
busctl --system call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager GetUnit s api.service
busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/api_2eservice \
  org.freedesktop.systemd1.Unit Id ActiveState SubState
busctl --system introspect org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/api_2eservice \
  org.freedesktop.systemd1.Unit | head -12

step "crashing hello.service (SIGKILL to its main process)"
hello=$(grep -o 'hello.service: state active/running result=success main-pid=[0-9]*' "$log" | tail -1 | sed 's/.*=//')
kill -KILL "$hello"
wait_for "hello.service: state active/running .*restarts=1"
grep "hello.service: state" "$log" | tail -4

step "flaky.service crashes until its start limit stops it"
# As in systemd 252, the crash's result (exit-code) stays once the limit refuses.
wait_for "flaky.service: start request repeated too quickly"
wait_for "flaky.service: state failed/failed result=exit-code restarts="
grep "flaky.service: st" "$log" | tail -3

step "reloading units and policies (SIGHUP)"
kill -HUP "$daemon"
wait_for "reloaded:"
wait_for "policies: .* grants"
tail -3 "$log" | events /dev/stdin

step "stopping everything (SIGTERM), in reverse dependency order"
before=$(wc -l <"$log")
kill -TERM "$daemon"
wait "$daemon" || true
tail -n +"$((before + 1))" "$log" | events /dev/stdin

step "what the example services printed (captured through vermiliond's log pipes)"
grep '| ' "$log" | grep -v -E 'hello #([3-9]|[0-9][0-9])|(web|admin-panel).service\|'
