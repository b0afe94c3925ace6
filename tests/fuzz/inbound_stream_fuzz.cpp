// Every byte a child writes on its link passes through the gate's framing
// first. The input is split into reads by its own bytes: each read is a
// length byte (low 7 bits, plus one), its top bit saying fds came with it,
// then that many bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "link/inbound_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vermilion::InboundStream stream;
  std::string out;
  std::vector<vermilion::InboundStream::Refusal> refused;
  std::size_t taken = 0;
  for (std::size_t at = 0; at < size;) {
    std::size_t length = (data[at] & 0x7f) + 1u;
    bool with_fds = (data[at] & 0x80) != 0;
    ++at;
    std::string_view part(reinterpret_cast<const char*>(data) + at, std::min(length, size - at));
    at += part.size();
    taken += part.size();
    // What the gate promises sd-bus: bytes pass one for one (only a header
    // field's code may change); a header waits until it is whole.
    bool fault = stream.feed(part, with_fds, out, refused) != vermilion::InboundStream::Fault::none;
    if (out.size() > taken) std::abort();
    if (fault) break;
    if (stream.authenticated() && taken - out.size() > vermilion::InboundStream::kMaxHeaderBytes + 16) std::abort();
  }
  return 0;
}
