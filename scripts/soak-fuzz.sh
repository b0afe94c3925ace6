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
# A soak can be done in installments (the slowest targets need hours of a
# core): each target's corpus is kept in build/fuzz/corpus/soak/NAME, so a
# later installment starts from the coverage found, and each installment
# (date, commit, executions, seconds, findings, how it ended) is a line of
# build/fuzz/artifacts/soak/NAME.ledger. RESUME=1 runs only what the ledger
# still lacks of RUNS and reports the ledger's total; without it the corpus
# and ledger start afresh. SIGINT or SIGTERM ends an installment cleanly:
# libFuzzer stops, and what it did is recorded as "interrupted", not as a
# finding.
#
#   [JOBS=N] [RESUME=1] scripts/soak-fuzz.sh [RUNS [TARGET...]]
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

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Executions the ledger holds for NAME (0 without one).
ledger_total() {
  [ -f "$out/$1.ledger" ] || { echo 0; return; }
  awk '{ sum += $3 } END { print sum + 0 }' "$out/$1.ledger"
}

# One target's installment; its row goes to $out/NAME.row.
soak_one() {
  name=$(basename "$1")
  corpus=build/fuzz/corpus/soak/$name
  if [ "${RESUME:-0}" != 1 ]; then
    rm -rf "$corpus" "$out/$name.ledger"
  fi
  mkdir -p "$corpus"
  rm -f "$out/$name-"* "$out/$name.row"  # findings of an earlier soak are not this one's
  done_before=$(ledger_total "$name")
  left=$(( runs - done_before ))
  start=$(date +%s)
  status=0
  ended=done
  if [ "$left" -gt 0 ]; then
    # This shell outlives a signal to the soak, to record the installment;
    # libFuzzer sets its own handlers (SIGINT, SIGTERM: stop, write stats).
    trap '' INT TERM
    "$1" -runs="$left" -entropic=0 -print_final_stats=1 \
      -artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1 &
    wait $! || status=$?
  else
    : >"$out/$name.log"
  fi
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
  # 72 is libFuzzer's exit status for a run stopped by SIGINT.
  if grep -q 'libFuzzer: run interrupted' "$out/$name.log"; then
    ended=interrupted
  elif [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings=1
  fi
  if [ "$left" -gt 0 ]; then
    echo "$(date -u +%FT%TZ) $commit ${executions:-0} $seconds $findings $ended" >>"$out/$name.ledger"
  fi
  total=$(ledger_total "$name")
  if [ "$total" -lt "$runs" ] && [ "$findings" -eq 0 ]; then ended="short ($total of $runs)"; else ended=""; fi
  printf '| %-28s | %12s | %8s | %8s | %s\n' "$name" "$total" "$seconds" "$findings" "$ended" >"$out/$name.row"
}

# A signal to the script ends every installment cleanly (see above): each
# fuzzer, a child of its soak_one, gets SIGINT and writes its stats. Set
# before the first target starts: with JOBS below the number of targets the
# script also waits inside the loop, and a signal there must not kill it
# (the installments running would go on unrecorded, the rest not start).
rm -f "$out"/*.row  # each row is this run's; a target never started has none
stopping=0
trap 'stopping=1; for job in $(jobs -p); do pkill -INT -P "$job"; done' INT TERM
running=0
for target in "${targets[@]}"; do
  [ "$stopping" = 0 ] || break
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  [ "$stopping" = 0 ] || break
  soak_one "$target" &
  running=$((running + 1))
done
while ! wait; do :; done

printf '| %-28s | %12s | %8s | %8s |\n' target executions seconds findings
# executions: the ledger's total; seconds: this installment's
printf '|%s|%s|%s|%s|\n' ------------------------------ -------------- ---------- ----------
findings_total=0
for target in "${targets[@]}"; do
  name=$(basename "$target")
  [ -f "$out/$name.row" ] || continue  # not started: the soak was stopped first
  cat "$out/$name.row"
  findings_total=$((findings_total + $(awk -F'|' '{gsub(/ /, "", $5); print $5}' "$out/$name.row")))
done
if [ "$findings_total" -ne 0 ]; then
  echo "findings: see $out/" >&2
  exit 1
fi
