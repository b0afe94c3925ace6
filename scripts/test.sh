#!/bin/sh
# Builds and runs the whole test suite: the debug build, then the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer. ctest prints the count.
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
