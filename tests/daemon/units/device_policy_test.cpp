#include "units/device_policy.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(DevicePolicyNames, RoundTrip) {
  for (DevicePolicy p : {DevicePolicy::automatic, DevicePolicy::closed, DevicePolicy::strict})
    EXPECT_EQ(device_policy_from_string(device_policy_to_string(p)), p);
  EXPECT_FALSE(device_policy_from_string(""));
  EXPECT_FALSE(device_policy_from_string("Auto"));
}

// systemd 252's valid_device_node_path() (src/basic/path-util.c).
TEST(DevicePolicyNames, DeviceNodePaths) {
  for (const char* good : {"/dev/null", "/dev", "/dev/block/7:0", "/run/systemd/inaccessible/chr",
                           "/run/systemd/inaccessible"})
    EXPECT_TRUE(is_valid_device_node_path(good)) << good;
  for (const char* bad : {"dev/null", "/devices/x", "/dev/null/", "/dev/../etc/passwd", "/dev//null", "/dev/./null",
                          "/tmp/x", "/run/systemd"})
    EXPECT_FALSE(is_valid_device_node_path(bad)) << bad;
  EXPECT_EQ(device_rights_string(DeviceAllow{"/dev/null", true, false, true}), "rm");
}

}  // namespace
}  // namespace vermilion
