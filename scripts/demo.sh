#!/bin/sh
# The demo: vermiliond supervising the example units in examples/units.
# Shows ordered start (warmup before api), readiness, a crash and its restart,
# a reload on SIGHUP, a crash loop ending at the start limit, and an orderly
# stop of everything on SIGTERM. Needs root (system scope, cgroups).
set -eu
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

work=$(mktemp -d)
log="$work/vermiliond.log"
./build/release/daemon/vermiliond --system --unit-dir examples/units \
  --runtime-dir "$work/run" --log-level debug >"$log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; rm -rf "$work"' EXIT

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
events() { grep -v -E '\| |: job ' "$1"; }

step "starting vermiliond with $(ls examples/units | wc -l) example units"
wait_for "api.service: state active/running"
events "$log"

step "crashing hello.service (SIGKILL to its main process)"
hello=$(grep -o 'hello.service: state active/running result=success main-pid=[0-9]*' "$log" | tail -1 | sed 's/.*=//')
kill -KILL "$hello"
wait_for "hello.service: state active/running .*restarts=1"
grep "hello.service" "$log" | tail -4

step "flaky.service crashes until its start limit stops it"
wait_for "flaky.service: state failed/failed result=start-limit-hit"
grep "flaky.service: state" "$log" | tail -3

step "reloading units (SIGHUP)"
kill -HUP "$daemon"
wait_for "reloading units"
grep -A1 "reloading units" "$log" | tail -2

step "stopping everything (SIGTERM), in reverse dependency order"
before=$(wc -l <"$log")
kill -TERM "$daemon"
wait "$daemon" || true
tail -n +"$((before + 1))" "$log" | events /dev/stdin

step "what the services printed (captured through vermiliond's log pipes)"
grep '| ' "$log" | grep -v 'hello #[3-9]\|hello #[0-9][0-9]'
