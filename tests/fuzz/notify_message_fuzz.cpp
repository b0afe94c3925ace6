// Any datagram a service sends to the notify socket ends up in the parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "platform/notify_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const vermilion::NotifyMessage m =
      vermilion::parse_notify_message(std::string_view(reinterpret_cast<const char*>(data), size));
  // What the parser promises the supervisor.
  if (m.main_pid && *m.main_pid <= 0) std::abort();
  if (m.errno_value && (*m.errno_value < 0 || *m.errno_value > 4095)) std::abort();
  if (m.status && m.status->find('\n') != std::string::npos) std::abort();
  return 0;
}
