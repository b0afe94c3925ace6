#include "platform/invocation_id.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace vermilion {
namespace {

#ifndef GRND_INSECURE
constexpr unsigned kGrndInsecure = 0x0004;  // Linux 5.6; glibc 2.36 has it, older headers may not
#else
constexpr unsigned kGrndInsecure = GRND_INSECURE;
#endif

bool fill_random(std::uint8_t* out, std::size_t size) {
  for (unsigned flags : {kGrndInsecure, static_cast<unsigned>(GRND_NONBLOCK)}) {
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = getrandom(out + done, size - done, flags);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    if (done == size) return true;
  }
  return false;
}

// splitmix64: spreads clock readings and a counter over 64 bits.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void fill_fallback(std::uint8_t* out) {
  static std::uint64_t counter = 0;
  timespec mono{}, real{};
  clock_gettime(CLOCK_MONOTONIC, &mono);
  clock_gettime(CLOCK_REALTIME, &real);
  std::uint64_t seed = static_cast<std::uint64_t>(real.tv_sec) * 1'000'000'000ULL +
                       static_cast<std::uint64_t>(real.tv_nsec) + (static_cast<std::uint64_t>(getpid()) << 48);
  std::uint64_t a = mix(seed ^ ++counter);
  std::uint64_t b = mix(a ^ (static_cast<std::uint64_t>(mono.tv_sec) * 1'000'000'000ULL +
                             static_cast<std::uint64_t>(mono.tv_nsec)));
  std::memcpy(out, &a, 8);
  std::memcpy(out + 8, &b, 8);
}

}  // namespace

InvocationId make_invocation_id() noexcept {
  InvocationId id{};
  if (!fill_random(id.data(), id.size())) fill_fallback(id.data());
  // A v4 UUID, as systemd's id128_make_v4_uuid().
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0F) | 0x40);
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3F) | 0x80);
  return id;
}

std::uint64_t random_below(std::uint64_t n) noexcept {
  if (n <= 1) return 0;
  // Rejection sampling: values past the last whole multiple of n would
  // favour the low remainders.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    std::uint8_t bytes[8];
    if (!fill_random(bytes, sizeof bytes)) {
      std::uint8_t fallback[16];
      fill_fallback(fallback);
      std::memcpy(bytes, fallback, sizeof bytes);
    }
    std::uint64_t value = 0;
    std::memcpy(&value, bytes, sizeof value);
    if (value < limit) return value % n;
  }
}

std::string to_string(const InvocationId& id) {
  if (std::all_of(id.begin(), id.end(), [](std::uint8_t b) { return b == 0; })) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (std::uint8_t b : id) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0F];
  }
  return out;
}

}  // namespace vermilion
