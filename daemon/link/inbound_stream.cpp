#include "link/inbound_stream.h"

#include <algorithm>

namespace vermilion {
namespace {

constexpr std::size_t kFixedHeaderBytes = 16;
constexpr std::uint8_t kUnixFdsCode = 9;

constexpr std::uint64_t align_up(std::uint64_t n, std::uint64_t to) { return (n + to - 1) / to * to; }

std::uint32_t read_u32(const std::string& bytes, std::size_t at) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
  if (bytes[0] == 'l') return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
  return b(3) | b(2) << 8 | b(1) << 16 | b(0) << 24;
}

}  // namespace

const char* to_string(InboundStream::Fault fault) {
  switch (fault) {
    case InboundStream::Fault::none: return "none";
    case InboundStream::Fault::fds_during_auth: return "file descriptors sent during authentication";
    case InboundStream::Fault::bad_endianness: return "a message with an invalid endianness byte";
    case InboundStream::Fault::header_too_large: return "a message header over 64 KiB";
    case InboundStream::Fault::message_too_large: return "a message over 128 MiB";
    case InboundStream::Fault::bad_header_field: return "a malformed message header field";
  }
  return "?";
}

InboundStream::Fault InboundStream::feed(std::string_view data, bool with_fds, std::string& out,
                                         std::vector<Refusal>& refused) {
  if (fault_ != Fault::none) return fault_;
  bool message_bytes = false;
  // The message under way, or the next one (it begins among these bytes).
  if (with_fds && phase_ != Phase::auth) tainted_ = true;
  while (!data.empty()) {
    switch (phase_) {
      case Phase::auth: {
        std::size_t newline = data.find('\n');
        std::size_t take = newline == std::string_view::npos ? data.size() : newline + 1;
        std::string_view part = data.substr(0, take);
        if (!line_long_) {
          std::size_t room = 8 - std::min<std::size_t>(8, line_.size());
          line_.append(part.substr(0, std::min(room, part.size())));
          line_long_ = part.size() > room;
        }
        out.append(part);
        data.remove_prefix(take);
        if (newline != std::string_view::npos) {
          bool begin = !line_long_ && line_ == "BEGIN\r\n";
          line_.clear();
          line_long_ = false;
          if (begin) phase_ = Phase::header;
        }
        break;
      }
      case Phase::header:
        message_bytes = true;
        if (header_.empty() && with_fds) tainted_ = true;  // a message begins here
        if (Fault f = take_header(data, out, refused); f != Fault::none) return fault_ = f;
        break;
      case Phase::body: {
        message_bytes = true;
        if (tainted_) refuse(refused);
        std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, data.size()));
        out.append(data.substr(0, take));
        data.remove_prefix(take);
        body_left_ -= take;
        if (body_left_ == 0) {
          phase_ = Phase::header;
          tainted_ = false;
          refused_ = false;
        }
        break;
      }
    }
  }
  // fds that came with SASL lines alone belong to no message.
  if (with_fds && !message_bytes) return fault_ = Fault::fds_during_auth;
  return Fault::none;
}

InboundStream::Fault InboundStream::take_header(std::string_view& data, std::string& out,
                                                std::vector<Refusal>& refused) {
  for (;;) {
    std::size_t want = header_size_ ? header_size_ : kFixedHeaderBytes;
    std::size_t take = std::min(want - header_.size(), data.size());
    header_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (header_.size() < want) return Fault::none;
    if (header_size_) break;
    // The fixed part: endianness, type, flags, version, body length,
    // serial, field array length.
    if (header_[0] != 'l' && header_[0] != 'B') return Fault::bad_endianness;
    std::uint32_t fields = read_u32(header_, 12);
    if (fields > kMaxHeaderBytes) return Fault::header_too_large;
    header_size_ = static_cast<std::size_t>(align_up(kFixedHeaderBytes + fields, 8));
    body_left_ = read_u32(header_, 4);
    if (header_size_ + body_left_ > kMaxMessageBytes) return Fault::message_too_large;
    serial_ = read_u32(header_, 8);
    type_ = static_cast<std::uint8_t>(header_[1]);
  }
  bool declared = false;
  if (Fault f = hide_unix_fds(declared); f != Fault::none) return f;
  if (tainted_ || declared) {
    tainted_ = true;
    refuse(refused);
  }
  out += header_;
  header_.clear();
  header_size_ = 0;
  if (body_left_ > 0) {
    phase_ = Phase::body;
  } else {
    tainted_ = false;
    refused_ = false;
  }
  return Fault::none;
}

InboundStream::Fault InboundStream::hide_unix_fds(bool& declared) {
  const std::uint64_t end = kFixedHeaderBytes + read_u32(header_, 12);
  std::uint64_t at = kFixedHeaderBytes;
  auto byte = [&](std::uint64_t i) { return static_cast<unsigned char>(header_[static_cast<std::size_t>(i)]); };
  while (at < end) {
    at = align_up(at, 8);
    if (at >= end) break;
    // A field is a struct (BYTE code, VARIANT value); the variant's signature
    // is one basic type: 1, the type, NUL.
    if (at + 4 > end || byte(at + 1) != 1 || byte(at + 3) != 0) return Fault::bad_header_field;
    std::uint8_t code = byte(at);
    char type = static_cast<char>(byte(at + 2));
    std::uint64_t value = at + 4, size = 0;
    switch (type) {
      case 'y': size = 1; break;
      case 'n': case 'q': value = align_up(value, 2); size = 2; break;
      case 'b': case 'i': case 'u': case 'h': value = align_up(value, 4); size = 4; break;
      case 'x': case 't': case 'd': value = align_up(value, 8); size = 8; break;
      case 's': case 'o':
        value = align_up(value, 4);
        if (value + 4 > end) return Fault::bad_header_field;
        size = std::uint64_t{read_u32(header_, static_cast<std::size_t>(value))} + 1;
        value += 4;
        break;
      case 'g':
        if (value + 1 > end) return Fault::bad_header_field;
        size = std::uint64_t{byte(value)} + 1;
        value += 1;
        break;
      default: return Fault::bad_header_field;
    }
    if (value + size > end) return Fault::bad_header_field;
    if (code == kUnixFdsCode) {
      header_[static_cast<std::size_t>(at)] = static_cast<char>(kHiddenUnixFdsCode);
      declared = true;
    }
    at = value + size;
  }
  return Fault::none;
}

void InboundStream::refuse(std::vector<Refusal>& refused) {
  if (refused_) return;
  refused_ = true;
  refused.push_back({serial_, type_});
}

}  // namespace vermilion
