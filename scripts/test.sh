#!/bin/sh
# Builds and runs the whole test suite: the debug build, every fuzz target
# briefly (10 s each), then the tests again under AddressSanitizer +
# UndefinedBehaviorSanitizer. It also builds the programs as a Debian package
# would (CMAKE_BUILD_TYPE=Release with dpkg-buildflags' hardening flags),
# where any warning fails the script. ctest prints the count; its summary ends the
# output. A fuzzer's crash, leak or sanitizer report fails the script and
# leaves the input under build/fuzz/artifacts.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

run_tests() {
  echo "=== $1 build"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
  echo "=== $1 tests"
  ctest --preset "$1" -j "$jobs"
}

run_tests debug

echo "=== release build with Debian's packaging flags"
# dpkg-buildflags (dpkg-dev, which build-essential brings) gives the flags
# Debian's packages build with: -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong...
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  cmake -S . -B build/package -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DVERMILION_WERROR=ON -DVERMILION_TESTS=OFF >/dev/null
cmake --build build/package -j "$jobs"

echo "=== fuzz build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
mkdir -p build/fuzz/artifacts
for target in build/fuzz/bin/*_fuzz; do
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

run_tests asan
