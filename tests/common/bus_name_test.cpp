// Bus names as sd-bus 252 checks them; each case is also asked of sd-bus's
// own sd_bus_service_name_is_valid(), so the two cannot drift apart.
#include "common/bus_name.h"

#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <string>

namespace vermilion {
namespace {

TEST(BusName, AgreesWithSdBus) {
  const std::string long_name = "a." + std::string(253, 'b');
  const std::string too_long = long_name + "c";
  struct Case {
    std::string name;
    bool valid;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"org.example.Name", true}, {"a.b", true}, {"a-b._c.D9", true}, {":1.42", true}, {":1.0a", true},
           {":a.b", true}, {long_name, true},
           {"", false}, {"org", false}, {"org.", false}, {".org.x", false}, {"org..x", false}, {"org.9x", false},
           {"9org.x", false}, {":1", false}, {":", false}, {":1..2", false}, {"org.ex ample", false},
           {"org.ex/ample", false}, {"org.exämple", false}, {too_long, false}}) {
    EXPECT_EQ(is_valid_bus_name(c.name), c.valid) << c.name;
    EXPECT_EQ(sd_bus_service_name_is_valid(c.name.c_str()) > 0, c.valid) << c.name << " (sd-bus)";
  }
}

TEST(BusName, WellKnownAndUnique) {
  EXPECT_TRUE(is_well_known_bus_name("org.example.Name"));
  EXPECT_FALSE(is_well_known_bus_name(":1.5"));
  EXPECT_TRUE(is_unique_bus_name(":1.5"));
  EXPECT_FALSE(is_unique_bus_name("org.example.Name"));
  EXPECT_FALSE(is_unique_bus_name(":"));
  EXPECT_FALSE(is_well_known_bus_name("no-dots"));
}

}  // namespace
}  // namespace vermilion
