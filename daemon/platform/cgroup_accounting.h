// Reading a cgroup v2 directory's resource counters, as systemd 252's
// unit_get_memory_current(), unit_get_tasks_current() and
// unit_get_cpu_usage_raw() do (src/core/cgroup.c): memory.current,
// pids.current, and usage_usec of cpu.stat. cgroupfs files are kernel
// pseudo-files: reading them never blocks.
#pragma once

#include <string>
#include <string_view>

#include "common/resource_usage.h"

namespace vermilion {

// The counters of the cgroup at `directory` (an absolute path in the cgroup2
// mount). A counter whose file is missing (its controller is not enabled
// for this cgroup, systemd's -ENODATA) or unreadable stays
// ResourceUsage::kUnknown; so does every counter when the directory is gone.
[[nodiscard]] ResourceUsage read_cgroup_accounting(const std::string& directory);

// The value of `key` in a flat keyed file ("usage_usec 1234\nuser_usec ...",
// cgroup v2's cpu.stat): false if the key is missing or its value is no
// unsigned decimal number.
[[nodiscard]] bool keyed_value(std::string_view text, std::string_view key, std::uint64_t& out);

}  // namespace vermilion
