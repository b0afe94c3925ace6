#!/bin/sh
# Issue 12, "Shown by": the real daemons run from their Debian packages' unit
# files, unchanged, under `vermiliond --system --systemd-paths`: the enabled
# ones start and answer on their ports, the disabled ones do not start,
# `vermilionctl enable/disable` (through vermilion-bridge on a private
# system bus, as root, whom policies/00-defaults.policy allows enablement)
# change that at the next start, and a stop of everything leaves no
# process. polkit.service (Type=dbus, static: no [Install]) is started by D-Bus
# activation, as on a systemd machine: a call to org.freedesktop.PolicyKit1
# makes the bus (--systemd-activation) ask org.freedesktop.systemd1 for it.
#
#   real_units.sh VERMILIOND VERMILIONCTL
#
# vermilion-bridge is the one beside VERMILIOND (its default); it runs as
# the user vermilion-bridge (scripts/setup-debian.sh creates it).
# Exit 77 (skipped) without root or without the packages
# (scripts/setup-debian.sh installs them).
#
# Everything runs in private namespaces, so the machine is never touched:
#  - pid: the script is init there; when it exits, for any reason, the
#    kernel kills every process left inside, so no daemon outlives the test;
#  - net: only a loopback of its own, so ports 22, 80, ... are ours;
#  - mount: tmpfs over /run (the private system bus listens there), /tmp,
#    /var/tmp and /dev (with the few device nodes bound in, so rsyslog's
#    /dev/log is ours), and tmpfs copies over
#    /etc/systemd (enable links, masks), /var/log and the daemons' state in
#    /var/lib and /var/spool.
# Like a container image, the private /etc/systemd masks the machine's own
# boot (udev, journald, tmpfiles, getty, ... and every generator but
# postgresql's): on a shared machine they must not run, and they are not
# what is shown here. The seven daemons' unit files are the machine's.
set -eu

daemons="nginx.service ssh.service cron.service rsyslog.service memcached.service postgresql.service redis-server.service"

if [ "${1:-}" != --inner ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "SKIP: needs root (namespaces, system scope)"
    exit 77
  fi
  missing=
  for f in /usr/bin/dbus-daemon /usr/sbin/nginx /usr/sbin/sshd /usr/sbin/cron /usr/sbin/rsyslogd /usr/bin/memcached \
    /usr/bin/redis-server /usr/bin/redis-cli /usr/bin/pg_isready /usr/bin/pg_ctlcluster \
    /lib/systemd/system-generators/postgresql-generator /usr/lib/polkit-1/polkitd; do
    [ -x "$f" ] || missing="$missing $f"
  done
  for u in $daemons postgresql@.service polkit.service; do
    [ -f "/lib/systemd/system/$u" ] || missing="$missing /lib/systemd/system/$u"
  done
  getent passwd vermilion-bridge >/dev/null || missing="$missing (the user vermilion-bridge)"
  if [ -n "$missing" ]; then
    echo "SKIP: the packages are absent (scripts/setup-debian.sh installs them):$missing"
    exit 77
  fi
  exec unshare --mount --net --pid --fork --mount-proc --propagation private sh "$0" --inner "$@"
fi
shift
vermiliond=$(realpath "$1")
ctl=$(realpath "$2")
repo=$(cd "$(dirname "$0")/../.." && pwd)
buspid=

fail() {
  echo "FAIL: $*"
  ps -e -o pid,ppid,stat,wchan:24,args | cut -c1-200
  for f in "$work"/boot*.log; do
    [ -f "$f" ] || continue
    echo "--- $f"
    grep -v "^warning: /" "$f" | uniq -c | head -n 120
  done
  exit 1
}

# --- the private machine -------------------------------------------------
ip link set lo up
# A checkout or build under /tmp, /var/tmp or /run (a CI clone in /tmp) is
# kept: each such directory is held open across the tmpfs mounts and bound
# back at its path (--no-canonicalize: mount would otherwise resolve the
# /proc link to the path, now in the empty tmpfs).
kept=""
fd=3
for dir in "$repo" "$(dirname "$vermiliond")" "$(dirname "$ctl")"; do
  case "$dir" in
    /tmp/* | /var/tmp/* | /run/*)
      eval "exec $fd<\"\$dir\""
      kept="$kept $fd:$dir"
      fd=$((fd + 1)) ;;
  esac
done
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -t tmpfs -o mode=755 tmpfs /run
for entry in $kept; do
  fd=${entry%%:*}
  dir=${entry#*:}
  mkdir -p "$dir" && mount --no-canonicalize --bind "/proc/self/fd/$fd" "$dir"
  eval "exec $fd<&-"
done
work=$(mktemp -d /tmp/realunits.XXXXXX)

mkdir "$work/dev"
mount --bind /dev "$work/dev"
mount -t tmpfs -o mode=755 tmpfs /dev
for n in null zero full random urandom tty; do
  touch "/dev/$n"
  mount --bind "$work/dev/$n" "/dev/$n"
done
mkdir /dev/pts /dev/shm
mount --bind "$work/dev/pts" /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s pts/ptmx /dev/ptmx

copy_over() {  # DIR [--attributes-only]: a private copy of DIR, bound over it
  [ -d "$1" ] || return 0
  copy="$work/copy$(echo "$1" | tr / _)"
  cp -a ${2:-} "$1" "$copy"
  mount --bind "$copy" "$1"
}
copy_over /etc/systemd
copy_over /var/log --attributes-only
for d in /var/lib/postgresql /var/lib/redis /var/lib/nginx /var/spool/rsyslog /var/spool/cron; do
  copy_over "$d"
done

etc=/etc/systemd/system
mkdir -p /etc/systemd/system-generators
for link in /lib/systemd/system/*.wants/* /lib/systemd/system/*.requires/* \
  "$etc"/*.wants/* "$etc"/*.requires/*; do
  [ -e "$link" ] || [ -L "$link" ] || continue
  name=${link##*/}
  case "$name" in *.service) ;; *) continue ;; esac
  case " $daemons " in *" $name "*) continue ;; esac
  ln -sfn /dev/null "$etc/$name"
done
for g in /lib/systemd/system-generators/*; do
  [ "${g##*/}" = postgresql-generator ] || ln -sfn /dev/null "/etc/systemd/system-generators/${g##*/}"
done

# The system bus: a private dbus-daemon configured as the real one
# (tests/data/bus/system.conf) with the repository's bus policy files and
# the packages' (polkit's), their activatable services, and systemd
# activation, as Debian's dbus.service runs it.
mkdir /run/dbus
printf '%s\n' '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"' \
  ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">' \
  '<busconfig>' \
  '  <listen>unix:path=/run/dbus/system_bus_socket</listen>' \
  "  <include>$repo/tests/data/bus/system.conf</include>" \
  "  <includedir>$repo/dbus-1/system.d</includedir>" \
  '  <includedir>/usr/share/dbus-1/system.d</includedir>' \
  '  <servicedir>/usr/share/dbus-1/system-services</servicedir>' \
  '</busconfig>' >"$work/bus.conf"
dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile --systemd-activation >"$work/bus.log" 2>&1 &
buspid=$!
tries=0
until [ -S /run/dbus/system_bus_socket ]; do
  kill -0 "$buspid" 2>/dev/null || fail "dbus-daemon did not start: $(cat "$work/bus.log")"
  tries=$((tries + 1))
  [ "$tries" -lt 200 ] || fail "dbus-daemon does not listen after 10 s"
  sleep 0.05
done

# --- what "serves" means for each ---------------------------------------
tcp_says() {  # PORT SEND EXPECT: connect, send, and find EXPECT in the answer
  timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1 && printf "$2" >&3 && timeout 2 head -n 1 <&3' \
    sh "$1" "$2" 2>/dev/null | grep -q "$3"
}
serves() {
  case "$1" in
    nginx.service) tcp_says 80 'HEAD / HTTP/1.0\r\n\r\n' '^HTTP/1.1 ' ;;
    ssh.service) tcp_says 22 '' '^SSH-2.0-OpenSSH' ;;
    memcached.service) tcp_says 11211 'version\r\n' '^VERSION ' ;;
    redis-server.service) [ "$(timeout 3 redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ] ;;
    postgresql.service) timeout 3 pg_isready -q -h 127.0.0.1 ;;
    cron.service) pgrep -x cron >/dev/null ;;
    # Its own socket, then a line through it (logger exits 0 either way).
    rsyslog.service) pgrep -x rsyslogd >/dev/null && [ -S /dev/log ] ;;
  esac
}
runs() {  # a process of the daemon, whether or not it answers yet
  case "$1" in
    nginx.service) pgrep -x nginx ;;
    ssh.service) pgrep -x sshd ;;
    memcached.service) pgrep -x memcached ;;
    redis-server.service) pgrep -x redis-server ;;
    postgresql.service) pgrep -x postgres ;;
    cron.service) pgrep -x cron ;;
    rsyslog.service) pgrep -x rsyslogd ;;
    polkit.service) pgrep -x polkitd ;;
  esac >/dev/null
}

# boot N "ENABLED" "DISABLED": starts vermiliond, waits (at most 60 s) until
# every enabled daemon serves, checks the disabled ones have no process.
boot() {
  log="$work/boot$1.log"
  "$vermiliond" --system --systemd-paths --systemd-compat --policy-dir "$repo/policies" >"$log" 2>&1 &
  vpid=$!
  deadline=$(($(date +%s) + 60))
  for d in $2; do
    until serves "$d"; do
      kill -0 "$vpid" 2>/dev/null || fail "boot $1: vermiliond exited"
      [ "$(date +%s)" -lt "$deadline" ] || fail "boot $1: $d does not serve after 60 s"
      sleep 0.2
    done
    echo "boot $1: $d serves"
  done
  until "$ctl" is-enabled ssh.service >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "boot $1: vermilionctl gets no answer: $("$ctl" is-enabled ssh.service 2>&1)"
    sleep 0.2
  done
  for d in $3; do
    if runs "$d" || grep -q "$d: state activ" "$log"; then fail "boot $1: $d is disabled but started"; fi
    echo "boot $1: $d (disabled) did not start"
  done
}

# Stops everything (SIGTERM) and checks that vermiliond exits 0 and leaves
# no process behind: in this pid namespace only we (init), ps and the bus
# (ours, not vermiliond's) remain.
stop() {
  kill -TERM "$vpid"
  deadline=$(($(date +%s) + 60))
  while kill -0 "$vpid" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "vermiliond did not stop within 60 s"
    sleep 0.1
  done
  rc=0
  wait "$vpid" || rc=$?
  [ "$rc" = 0 ] || fail "vermiliond exited with $rc"
  ps -e -o pid=,args= >"$work/ps"  # no subshell of ours in the list
  left=$(awk -v bus="$buspid" '$1 != 1 && $1 != bus && $2 != "ps"' "$work/ps")
  [ -z "$left" ] || fail "processes left after the stop: $left"
  echo "stopped: no process left"
}

ctl_ok() {  # vermilionctl ARGS... must succeed
  out=$("$ctl" "$@" 2>&1) || fail "vermilionctl $*: $out"
  echo "vermilionctl $*: $out"
}

# 1. As the packages left it: all seven enabled. Disable two.
boot 1 "$daemons" ""
# redis-server.service asks for most of systemd's sandbox (SystemCallFilter=,
# PrivateDevices=, ProtectProc=, MemoryDenyWriteExecute=, PrivateUsers=, ...):
# its process runs under seccomp filters, with a /dev of its own, in a user
# namespace mapping only root and redis, and serves (above).
pid=$(pgrep -x redis-server | head -n 1)
grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" || fail "redis-server runs without a seccomp filter"
grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$pid/status" || fail "redis-server runs without no_new_privs"
[ -c "/proc/$pid/root/dev/null" ] && [ ! -e "/proc/$pid/root/dev/kmsg" ] ||
  fail "redis-server's /dev is not a private one: $(ls "/proc/$pid/root/dev" | tr '\n' ' ')"
redis_uid=$(id -u redis)
uid_map=$(tr -s ' ' <"/proc/$pid/uid_map" | tr '\n' ';')
[ "$uid_map" = " 0 0 1; $redis_uid $redis_uid 1;" ] || fail "redis-server's user namespace maps: $uid_map"
echo "redis-server: seccomp filter, no_new_privs, private /dev, private users"
ctl_ok disable nginx.service memcached.service
for d in nginx memcached; do
  [ ! -e "$etc/multi-user.target.wants/$d.service" ] || fail "vermilionctl disable left $d.service enabled"
done
[ "$("$ctl" is-enabled nginx.service 2>&1)" = disabled ] || fail "nginx.service is not disabled"
stop

# 2. The two disabled ones stay down; enable nginx again, disable redis.
boot 2 "ssh.service cron.service rsyslog.service postgresql.service redis-server.service" \
  "nginx.service memcached.service"
ctl_ok enable nginx.service
ctl_ok disable redis-server.service
stop

# 3. nginx is back, redis and memcached are not.
boot 3 "nginx.service ssh.service cron.service rsyslog.service postgresql.service" \
  "redis-server.service memcached.service"
# 4. polkit is down until a client calls its name.
runs polkit.service && fail "polkit.service runs before anyone called it"
backend=$(timeout 60 busctl --system get-property org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority \
  org.freedesktop.PolicyKit1.Authority BackendName 2>&1) || fail "activating org.freedesktop.PolicyKit1: $backend"
[ "$("$ctl" is-active polkit.service 2>&1)" = active ] || fail "polkit.service is not active after its activation"
echo "polkit.service: started by D-Bus activation, BackendName $backend"
stop
kill "$buspid"
echo "PASS: real units"
