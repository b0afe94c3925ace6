// One Condition*= of a unit and how its last test went, as
// org.freedesktop.systemd1.Unit's Conditions carries it (a(sbbsi): type,
// trigger, negate, parameter, state; systemd 252 src/core/dbus-unit.c,
// property_get_conditions()). `systemctl status` names each one that was not
// met under "Condition: start condition failed".
#pragma once

#include <cstdint>
#include <string>

namespace vermilion {

struct ConditionStatus {
  std::string type;       // "ConditionPathExists"
  bool trigger = false;   // "|" prefix
  bool negate = false;    // "!" prefix
  std::string parameter;  // "/etc/foo"
  // 1: met; -1: not met (or could not be tested); 0: not tested (before the
  // first start, or after an earlier condition failed).
  std::int32_t state = 0;

  friend bool operator==(const ConditionStatus&, const ConditionStatus&) = default;
};

}  // namespace vermilion
