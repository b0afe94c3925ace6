// TEMPORARY local copy until the logs branch lands (not committed).
#pragma once
#include <sys/types.h>
#include <cstdint>
#include <optional>
#include <string>
namespace vermilion {
struct NotifyMessage {
  bool ready = false, stopping = false, reloading = false, watchdog_ping = false, watchdog_trigger = false;
  std::optional<std::string> status;
  std::optional<pid_t> main_pid;
  std::optional<int> errno_value;
  std::optional<uint64_t> watchdog_usec;
};
}
