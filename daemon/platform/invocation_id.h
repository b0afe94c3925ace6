// A unit's invocation ID (systemd.exec(5) "$INVOCATION_ID"): a random
// 128-bit id made fresh at every start of a service (also an automatic
// restart), the same for every command of that activation, written as 32
// lowercase hex digits. As systemd's sd_id128_randomize(), it is a
// version 4 UUID (the version and variant bits are set).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace vermilion {

using InvocationId = std::array<std::uint8_t, 16>;

// Never blocks: getrandom(GRND_INSECURE) where the kernel has it (5.6),
// else GRND_NONBLOCK, and before the entropy pool is ready a value mixed
// from the clocks and a counter (an invocation id identifies, it protects
// nothing, and vermiliond's loop must not wait for entropy at boot).
[[nodiscard]] InvocationId make_invocation_id() noexcept;

// An evenly distributed number in [0, n) (0 for n == 0), from the same
// source, never blocking (systemd's random_u64_range()).
[[nodiscard]] std::uint64_t random_below(std::uint64_t n) noexcept;

// 32 lowercase hex digits, as SD_ID128_FORMAT_STR; "" for the all-zero id
// (none yet).
[[nodiscard]] std::string to_string(const InvocationId& id);

}  // namespace vermilion
