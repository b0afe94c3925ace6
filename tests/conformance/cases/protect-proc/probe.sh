#!/bin/sh
# What /proc shows: its mount options (hidepid, subset), whether PID 1's
# directory and a kernel file are there.
awk '$2 == "/proc" { print $1, $2, $3, $4 }' /proc/self/mounts | tail -n 1
echo "mounts on /proc: $(awk '$2 == "/proc"' /proc/self/mounts | wc -l)"
if [ -e /proc/1/status ]; then echo "pid 1 visible"; else echo "pid 1 hidden"; fi
if [ -e /proc/cpuinfo ]; then echo "cpuinfo present"; else echo "cpuinfo absent"; fi
