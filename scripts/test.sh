#!/bin/sh
# Builds and runs the whole test suite: the debug build, then the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer. ctest prints the count.
# Then every fuzz target runs briefly (10 s each); a crash, leak or
# sanitizer report fails the script, leaving the input under build/fuzz/artifacts.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)
for preset in debug asan; do
  echo "=== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset tests"
  ctest --preset "$preset" -j "$jobs"
done

echo "=== fuzz build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
mkdir -p build/fuzz/artifacts
for target in build/fuzz/tests/fuzz/*_fuzz; do
  name=$(basename "$target")
  echo "=== fuzz $name (10 s)"
  # No pipe here: sh has no pipefail, and the fuzzer's exit status decides.
  if ! "$target" -max_total_time=10 -entropic=0 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/artifacts/$name-" >"build/fuzz/artifacts/$name.log" 2>&1; then
    tail -n 60 "build/fuzz/artifacts/$name.log"
    echo "=== fuzz $name FAILED: input saved under build/fuzz/artifacts/" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units' "build/fuzz/artifacts/$name.log" || true
done
