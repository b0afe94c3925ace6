// A service's live resource counters, in systemd's words: MemoryCurrent,
// TasksCurrent and CPUUsageNSec of org.freedesktop.systemd1.Service
// (org.freedesktop.systemd1(5)). Each is kUnknown (UINT64_MAX, what systemd
// answers for -ENODATA) where the kernel does not count it: no cgroup, or
// the controller is not enabled for the service's cgroup.
#pragma once

#include <cstdint>

namespace vermilion {

struct ResourceUsage {
  static constexpr std::uint64_t kUnknown = UINT64_MAX;
  std::uint64_t memory_current_bytes = kUnknown;  // memory.current
  std::uint64_t tasks_current = kUnknown;          // pids.current
  std::uint64_t cpu_usage_nsec = kUnknown;         // cpu.stat usage_usec, in ns
};

}  // namespace vermilion
