#!/bin/sh
# Installs what the `peers_bench` benchmark runs beside vermiliond: s6
# (s6-svscan), runit (runsvdir) and supervisor (supervisord), from Debian 12.
# Not needed to build or test Vermilion (scripts/setup-debian.sh is); without
# these the benchmark prints vermiliond's rows alone. Run as root; safe to
# run again.
#
# The packages' maintainer scripts would start supervisord (and enable
# runit's service) on the machine; the benchmark runs its own instances, so
# a policy-rc.d that refuses every service start is in place while they
# install. --no-install-recommends keeps runit-init (which would replace
# the machine's init) out.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q

policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  own_policy=1
fi
status=0
apt-get install -y -q --no-install-recommends s6 runit supervisor || status=$?
if [ -n "$own_policy" ]; then rm -f "$policy"; fi
exit "$status"
