#!/bin/sh
# Installs every Debian 12 package that building, testing and the demo need
# (Cockpit and Chromium: tests/integration/bridge_cockpit_test.cpp drives
# Cockpit's Services page in headless Chromium),
# and creates the account vermilion-bridge runs as under `vermiliond --system`.
# Run as root on a fresh machine; safe to run again.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
  build-essential g++ cmake ninja-build pkg-config \
  libsystemd-dev libcap-dev libseccomp-dev libsdbus-c++-dev libsdbus-c++-bin libcli11-dev \
  googletest libgtest-dev libgmock-dev libglib2.0-dev libglib2.0-bin \
  dbus dbus-daemon dbus-bin systemd procps util-linux adduser python3 \
  clang libclang-rt-14-dev \
  cockpit-ws cockpit-bridge cockpit-system chromium

# The real daemons the real-units integration test runs from their packages'
# unit files (tests/integration/real_units_test.cpp; polkitd is started by
# D-Bus activation there), and the clients it
# checks them with. Their maintainer scripts would start them through
# invoke-rc.d: a policy-rc.d that says 101 keeps them down while they install
# (a container image may already ship one; ours is removed afterwards).
policy=/usr/sbin/policy-rc.d
ours=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  ours=1
fi
apt-get install -y -q --no-install-recommends \
  nginx openssh-server cron rsyslog memcached postgresql redis-server \
  redis-tools postgresql-client polkitd
if [ -n "$ours" ]; then rm -f "$policy"; fi

# The D-Bus bridge's system account and group (what sysusers.d/vermilion.conf
# declares for systemd-sysusers): no home, no login.
if ! getent passwd vermilion-bridge >/dev/null; then
  adduser --system --group --no-create-home --home /nonexistent \
    --gecos "Vermilion D-Bus bridge" vermilion-bridge
fi
