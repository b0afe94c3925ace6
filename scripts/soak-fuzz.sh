#!/bin/bash
# The soak run of the libFuzzer targets: each build/fuzz/bin/*_fuzz runs
# RUNS executions (default 10 000 000, the issue's soak figure; CI runs each
# for 10 s in scripts/test.sh). Builds the fuzz preset first. JOBS targets
# (default: one per core) run at once, each single-threaded. Prints one row
# per target: executions done, wall time, findings (crash, leak, timeout or
# OOM inputs saved under build/fuzz/artifacts/soak/; a slow input only if it
# is slow again when run alone); exits 1 on a finding.
# Naming targets (e.g. policy_fuzz) soaks only those, so that a soak cut
# short can be finished target by target.
#
#   [JOBS=N] scripts/soak-fuzz.sh [RUNS [TARGET...]]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-10000000}
shift || true
jobs=${JOBS:-$(nproc)}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"
targets=()
if [ "$#" -eq 0 ]; then
  targets=(build/fuzz/bin/*_fuzz)
else
  for name in "$@"; do
    if [ ! -x "build/fuzz/bin/$name" ]; then
      echo "soak-fuzz: no fuzz target build/fuzz/bin/$name" >&2
      exit 2
    fi
    targets+=("build/fuzz/bin/$name")
  done
fi
out=build/fuzz/artifacts/soak
mkdir -p "$out"

# One target's soak; its row goes to $out/NAME.row.
soak_one() {
  name=$(basename "$1")
  rm -f "$out/$name-"* "$out/$name.row"  # findings of an earlier soak are not this one's
  start=$(date +%s)
  status=0
  "$1" -runs="$runs" -entropic=0 -print_final_stats=1 \
    -artifact_prefix="$out/$name-" >"$out/$name.log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - start ))
  # libFuzzer saves an input that took over 10 s as slow-unit-*; beside a
  # build (a niced soak) any input can. It counts only if it is slow again.
  for slow in "$out/$name"-slow-unit-*; do
    [ -e "$slow" ] || continue
    if timeout 10 "$1" "$slow" >/dev/null 2>&1; then
      echo "soak-fuzz: $(basename "$slow") runs in under 10 s when run again: not counted" >>"$out/$name.log"
      mv "$slow" "$out/not-slow-again-$(basename "$slow")"
    fi
  done
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -n 1)
  findings=$(find "$out" -maxdepth 1 -name "$name-*" | wc -l)
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  printf '| %-28s | %12s | %8s | %8s |\n' "$name" "${executions:-?}" "$seconds" "$findings" >"$out/$name.row"
}

running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  soak_one "$target" &
  running=$((running + 1))
done
wait

printf '| %-28s | %12s | %8s | %8s |\n' target executions seconds findings
printf '|%s|%s|%s|%s|\n' ------------------------------ -------------- ---------- ----------
findings_total=0
for target in "${targets[@]}"; do
  name=$(basename "$target")
  cat "$out/$name.row"
  findings_total=$((findings_total + $(awk -F'|' '{gsub(/ /, "", $5); print $5}' "$out/$name.row")))
done
if [ "$findings_total" -ne 0 ]; then
  echo "findings: see $out/" >&2
  exit 1
fi
