#!/bin/sh
# What /dev holds: each entry's type (a symlink's target, a device's mode
# and numbers), /dev's own mode and mount options (sizes left out), and
# whether the devices work. (core, a link to /proc/kcore, is there only where
# the host has that file.)
cd /dev || exit 1
for f in $(ls -A | grep -vx core | sort); do
  if [ -h "$f" ]; then echo "$f -> $(readlink "$f")"
  elif [ -c "$f" ]; then echo "$f $(stat -c 'char %a %t:%T' "$f")"
  elif [ -d "$f" ]; then echo "$f dir"
  else echo "$f $(stat -c %F "$f")"; fi
done
for f in $(ls -A /dev/char | sort); do echo "char/$f -> $(readlink "/dev/char/$f")"; done
stat -c '/dev %a' /dev
awk '$2 == "/dev" { print $1, $2, $3, $4 }' /proc/self/mounts | tail -n 1 | sed 's/,size=[0-9]*k//; s/,nr_inodes=[0-9]*//'
echo "mounts on /dev: $(awk '$2 == "/dev"' /proc/self/mounts | wc -l)"
echo x > /dev/null && echo "null writable"
echo "zero reads $(head -c 4 /dev/zero | wc -c)"
