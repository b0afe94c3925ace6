// The private link hands the table whatever slot numbers and rights a
// service sends. Each 4-byte record of the input is one operation by one of
// four holders; the table's invariants must hold after every one.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "broker/capability_table.h"

namespace {

using vermilion::CapabilityKind;
using vermilion::CapabilityTable;
using vermilion::Rights;
using vermilion::Slot;

const std::string kHolders[4] = {"a", "b", "c", "d"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CapabilityTable table(8);
  for (std::size_t i = 0; i + 4 <= size; i += 4) {
    const std::uint8_t op = data[i] & 7;
    const std::string& holder = kHolders[data[i] >> 6];
    const Slot x = data[i + 1] & 15;
    const Slot y = data[i + 2] & 15;
    const Rights r = data[i + 3] | ((data[i + 3] & 0xc0u) << 4);  // reaches grant and use
    switch (op) {
      case 0: {
        const auto kind = static_cast<CapabilityKind>(data[i + 1] % 4);
        const std::string& object = kHolders[data[i + 2] % 4];
        (void)table.install_root(holder, kind, object, r, data[i + 2] >> 4, "fuzz");
        break;
      }
      case 1:
      case 2:
        (void)table.derive(holder, x, r);
        break;
      case 3:
        (void)table.derive(holder, x, r, y);
        break;
      case 4:
        (void)table.grant(holder, x, y, r);
        break;
      case 5:
        (void)table.revoke(holder, x);
        break;
      case 6:
        (void)table.drop(holder, x);
        break;
      case 7:
        (void)table.remove_root(data[i + 1]);
        break;
    }
    const std::string broken = table.check_invariants();
    if (!broken.empty()) {
      std::fprintf(stderr, "%s\n", broken.c_str());
      std::abort();
    }
  }
  return 0;
}
