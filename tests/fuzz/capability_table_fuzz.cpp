// The private link hands the table whatever slot numbers and rights a
// service sends. Each 4-byte record of the input is one operation by one of
// four holders. The table's invariants must hold after every operation it
// accepts; one it refuses must leave the table as it was (the counts are
// compared at once, the whole table at the next accepted operation and at the
// end). The full check after a refusal too cost 85 % of the run time (perf),
// most operations being refused, and left the soak at ~400 inputs/s.
// An input is at most kMaxOperations records (the rest is ignored): each
// accepted operation checks the whole table, so an input costs its length
// times the table's size, and libFuzzer's inputs grow to 4 KiB as a soak goes
// on (60 s in, at 1 KiB: 6 000 inputs/s, from 26 000 at 200 bytes). 256
// operations fill every holder's slots many times over.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "broker/capability_table.h"

namespace {

using vermilion::CapabilityKind;
using vermilion::CapabilityTable;
using vermilion::CapError;
using vermilion::Rights;
using vermilion::Slot;

const std::string kHolders[4] = {"a", "b", "c", "d"};
constexpr std::size_t kMaxOperations = 256;

void check(const CapabilityTable& table) {
  const std::string broken = table.check_invariants();
  if (!broken.empty()) {
    std::fprintf(stderr, "%s\n", broken.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CapabilityTable table(8);
  size = std::min(size, kMaxOperations * 4);
  for (std::size_t i = 0; i + 4 <= size; i += 4) {
    const std::uint8_t op = data[i] & 7;
    const std::string& holder = kHolders[data[i] >> 6];
    const Slot x = data[i + 1] & 15;
    const Slot y = data[i + 2] & 15;
    const Rights r = data[i + 3] | ((data[i + 3] & 0xc0u) << 4);  // reaches grant and use
    const std::size_t live = table.capability_count();
    const std::size_t tombstones = table.tombstone_count();
    bool accepted = false;
    switch (op) {
      case 0: {
        const auto kind = static_cast<CapabilityKind>(data[i + 1] % 4);
        const std::string& object = kHolders[data[i + 2] % 4];
        accepted =
            table.install_root(holder, kind, object, r, data[i + 2] >> 4, "fuzz").slot.has_value();
        break;
      }
      case 1:
      case 2:
        accepted = table.derive(holder, x, r).slot.has_value();
        break;
      case 3:
        accepted = table.derive(holder, x, r, y).slot.has_value();
        break;
      case 4:
        accepted = table.grant(holder, x, y, r).receiver.has_value();
        break;
      case 5: {
        CapError error = CapError::ok;
        (void)table.revoke(holder, x, &error);
        accepted = error == CapError::ok;
        break;
      }
      case 6:
        accepted = table.drop(holder, x) == CapError::ok;
        break;
      case 7:
        // Nothing removed (no such root) is a refusal.
        accepted = !table.remove_root(data[i + 1]).empty() || table.tombstone_count() != tombstones;
        break;
    }
    if (accepted) {
      check(table);
    } else if (table.capability_count() != live || table.tombstone_count() != tombstones) {
      std::fprintf(stderr, "operation %zu was refused but changed the table\n", i / 4);
      std::abort();
    }
  }
  check(table);
  return 0;
}
