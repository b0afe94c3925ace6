// What a child writes on its link, split as the D-Bus wire protocol splits
// it: the SASL lines up to BEGIN, then messages (D-Bus specification,
// "Authentication Protocol" and "Message Format"). The link's gate
// (link_gate.h) feeds every byte it reads through this before sd-bus sees
// it, so that it knows which message each byte and each file descriptor
// arrived with.
//
// No method of the link takes a file descriptor from a child, and sd-bus 252
// has no public way to tell how many a message carried: the gate closes
// every fd it receives, and this hides each message's UNIX_FDS header field
// (renaming its code to one sd-bus skips, as the specification says unknown
// fields are) so that sd-bus parses the message fd-less. Every message that
// came with fds or declared some is reported by serial, to be refused.
//
// Pure: no I/O, so that it is tested byte by byte and fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vermilion {

class InboundStream {
 public:
  // The largest header (fixed part plus field array) taken from a child:
  // a link message's header is a path, two names and a signature, a few
  // hundred bytes; this bounds what one half-sent message pins.
  static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
  // The largest message, as sd-bus's BUS_MESSAGE_SIZE_MAX (128 MiB).
  static constexpr std::uint64_t kMaxMessageBytes = 128ull * 1024 * 1024;
  // The header field code a UNIX_FDS field is renamed to (codes above 9 are
  // not defined by the specification; receivers skip them).
  static constexpr std::uint8_t kHiddenUnixFdsCode = 0xf9;

  enum class Fault {
    none,
    fds_during_auth,   // file descriptors before BEGIN
    bad_endianness,    // a message starts with neither 'l' nor 'B'
    header_too_large,  // field array over kMaxHeaderBytes
    message_too_large, // over kMaxMessageBytes
    bad_header_field,  // a header field whose type cannot be walked
  };

  struct Refusal {
    std::uint32_t serial = 0;
    std::uint8_t type = 0;  // SD_BUS_MESSAGE_METHOD_CALL, ...
  };

  // Takes the next bytes the child sent; `with_fds`: file descriptors arrived
  // with them (every message with a byte among them is refused). Appends to
  // `out` what sd-bus may read, and to `refused` each message that is now
  // known to have come with or declared fds (once per message, before `out`
  // holds its last byte). After a fault nothing more is taken: the link must
  // close.
  [[nodiscard]] Fault feed(std::string_view data, bool with_fds, std::string& out, std::vector<Refusal>& refused);

  [[nodiscard]] bool authenticated() const { return phase_ != Phase::auth; }

 private:
  enum class Phase { auth, header, body };
  // Consumes what it can of `data` for the message header; true once the
  // header is complete (and written to `out`).
  Fault take_header(std::string_view& data, std::string& out, std::vector<Refusal>& refused);
  // Walks the header's fields, renaming UNIX_FDS; whether one was there.
  Fault hide_unix_fds(bool& declared);
  void refuse(std::vector<Refusal>& refused);

  Phase phase_ = Phase::auth;
  Fault fault_ = Fault::none;
  // auth: the current line's first bytes (enough to tell "BEGIN\r").
  std::string line_;
  bool line_long_ = false;
  // header: the bytes so far; body: bytes left.
  std::string header_;
  std::size_t header_size_ = 0;  // 0 until the fixed part is in
  std::uint64_t body_left_ = 0;
  bool tainted_ = false;  // the current message came with fds
  bool refused_ = false;  // ... and has been reported
  std::uint32_t serial_ = 0;
  std::uint8_t type_ = 0;
};

[[nodiscard]] const char* to_string(InboundStream::Fault fault);

}  // namespace vermilion
