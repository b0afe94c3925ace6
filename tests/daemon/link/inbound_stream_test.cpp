#include "link/inbound_stream.h"

#include <gtest/gtest.h>

#include <systemd/sd-bus.h>

#include "dbus_bytes.h"

namespace vermilion {
namespace {

const std::string kAuthText(kAuth, sizeof kAuth - 1);
const std::string kName = "web.service";

std::string call(std::uint32_t serial, std::uint32_t unix_fds = 0) {
  return method_call(serial, "/org/vermilion1/capability/1", "org.vermilion1.ServiceCapability", "Status", &kName,
                     unix_fds);
}

struct Fed {
  InboundStream::Fault fault = InboundStream::Fault::none;
  std::string out;
  std::vector<InboundStream::Refusal> refused;
};

// Feeds `bytes` in pieces of `piece` bytes; fds arrive with the piece that
// holds byte `fds_at` (npos: none).
Fed feed_in_pieces(const std::string& bytes, std::size_t piece, std::size_t fds_at = std::string::npos) {
  InboundStream stream;
  Fed fed;
  for (std::size_t at = 0; at < bytes.size() && fed.fault == InboundStream::Fault::none; at += piece) {
    std::string_view part = std::string_view(bytes).substr(at, piece);
    bool with_fds = fds_at != std::string::npos && fds_at >= at && fds_at < at + part.size();
    fed.fault = stream.feed(part, with_fds, fed.out, fed.refused);
  }
  return fed;
}

TEST(InboundStreamTest, PassesAuthAndMessagesThroughUnchanged) {
  std::string bytes = kAuthText + call(1) + call(2);
  for (std::size_t piece : {1u, 3u, 7u, 16u, 64u, 4096u}) {
    Fed fed = feed_in_pieces(bytes, piece);
    EXPECT_EQ(fed.fault, InboundStream::Fault::none) << piece;
    EXPECT_EQ(fed.out, bytes) << piece;
    EXPECT_TRUE(fed.refused.empty()) << piece;
  }
}

TEST(InboundStreamTest, HidesTheUnixFdsFieldAndRefusesTheMessage) {
  std::string declared = call(5, 3);
  std::string bytes = kAuthText + call(4) + declared + call(6);
  for (std::size_t piece : {1u, 5u, 8u, 4096u}) {
    Fed fed = feed_in_pieces(bytes, piece);
    ASSERT_EQ(fed.fault, InboundStream::Fault::none) << piece;
    ASSERT_EQ(fed.refused.size(), 1u) << piece;
    EXPECT_EQ(fed.refused[0].serial, 5u);
    EXPECT_EQ(fed.refused[0].type, SD_BUS_MESSAGE_METHOD_CALL);
    ASSERT_EQ(fed.out.size(), bytes.size()) << "only one byte changes";
    std::size_t code_at = kAuthText.size() + call(4).size() + declared.find(std::string{9, 1, 'u', '\0'});
    EXPECT_EQ(static_cast<unsigned char>(fed.out[code_at]), InboundStream::kHiddenUnixFdsCode);
    std::string expected = bytes;
    expected[code_at] = static_cast<char>(InboundStream::kHiddenUnixFdsCode);
    EXPECT_EQ(fed.out, expected);
  }
}

// Whichever byte of a message the fds arrive with, that message (and only
// it) is refused; with one-byte reads nothing else shares the read.
TEST(InboundStreamTest, RefusesTheMessageTheFdsArriveWith) {
  std::string first = call(1), second = call(2), third = call(3);
  std::string bytes = kAuthText + first + second + third;
  for (std::size_t at = kAuthText.size() + first.size(); at < kAuthText.size() + first.size() + second.size(); ++at) {
    Fed fed = feed_in_pieces(bytes, 1, at);
    ASSERT_EQ(fed.fault, InboundStream::Fault::none) << at;
    ASSERT_EQ(fed.refused.size(), 1u) << at;
    EXPECT_EQ(fed.refused[0].serial, 2u) << at;
    EXPECT_EQ(fed.out, bytes) << "nothing declared fds: nothing to hide";
  }
}

// In one read, every message with a byte in it is refused.
TEST(InboundStreamTest, RefusesEveryMessageInTheReadThatBroughtFds) {
  InboundStream stream;
  std::string out;
  std::vector<InboundStream::Refusal> refused;
  ASSERT_EQ(stream.feed(kAuthText + call(1).substr(0, 10), false, out, refused), InboundStream::Fault::none);
  std::string rest = call(1).substr(10) + call(2) + call(3).substr(0, 20);
  ASSERT_EQ(stream.feed(rest, true, out, refused), InboundStream::Fault::none);
  ASSERT_EQ(stream.feed(call(3).substr(20) + call(4), false, out, refused), InboundStream::Fault::none);
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(refused[0].serial, 1u);
  EXPECT_EQ(refused[1].serial, 2u);
  EXPECT_EQ(refused[2].serial, 3u);
}

TEST(InboundStreamTest, FdsWithTheSaslLinesAreAFault) {
  InboundStream stream;
  std::string out;
  std::vector<InboundStream::Refusal> refused;
  EXPECT_EQ(stream.feed(kAuthText.substr(0, 4), true, out, refused), InboundStream::Fault::fds_during_auth);
  EXPECT_EQ(stream.feed(kAuthText.substr(4), false, out, refused), InboundStream::Fault::fds_during_auth)
      << "nothing is taken after a fault";
  InboundStream ends_with_begin;
  out.clear();
  EXPECT_EQ(ends_with_begin.feed(kAuthText, true, out, refused), InboundStream::Fault::fds_during_auth);
  // fds in a read that holds BEGIN and the first message go with that message.
  InboundStream pipelined;
  out.clear();
  EXPECT_EQ(pipelined.feed(kAuthText + call(9), true, out, refused), InboundStream::Fault::none);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].serial, 9u);
}

// Only a line that is exactly BEGIN ends the SASL phase.
TEST(InboundStreamTest, OnlyAnExactBeginLineEndsAuthentication) {
  InboundStream stream;
  std::string out;
  std::vector<InboundStream::Refusal> refused;
  ASSERT_EQ(stream.feed(std::string("\0AUTH ANONYMOUS\r\nBEGINX\r\nXBEGIN\r\n", 34), false, out, refused),
            InboundStream::Fault::none);
  EXPECT_FALSE(stream.authenticated());
  ASSERT_EQ(stream.feed(std::string(100000, 'A') + "\r\n", false, out, refused), InboundStream::Fault::none);
  EXPECT_FALSE(stream.authenticated());
  ASSERT_EQ(stream.feed("BEGIN\r\n", false, out, refused), InboundStream::Fault::none);
  EXPECT_TRUE(stream.authenticated());
}

TEST(InboundStreamTest, BigEndianMessagesAreFramedToo) {
  std::string m = call(0x01020304, 1);
  // Re-encode the integers the framing reads as big-endian.
  auto swap_at = [&](std::size_t at) { std::swap(m[at], m[at + 3]), std::swap(m[at + 1], m[at + 2]); };
  m[0] = 'B';
  swap_at(4), swap_at(8), swap_at(12);
  // The string lengths inside the fields and the UNIX_FDS value.
  for (std::size_t at = 16; at < m.size();) {
    at = (at + 7) / 8 * 8;
    if (at + 4 > m.size() || m[at + 1] != 1) break;
    char type = m[at + 2];
    std::size_t value = (at + 4 + 3) / 4 * 4;
    if (type == 'g') break;  // the signature field comes after the ones we need
    swap_at(value);
    std::uint32_t len = static_cast<unsigned char>(m[value + 3]);
    at = value + (type == 'u' ? 4 : 4 + len + 1);
  }
  Fed fed = feed_in_pieces(kAuthText + m, 2);
  ASSERT_EQ(fed.fault, InboundStream::Fault::none);
  ASSERT_EQ(fed.refused.size(), 1u);
  EXPECT_EQ(fed.refused[0].serial, 0x01020304u);
}

TEST(InboundStreamTest, MalformedHeadersAreFaults) {
  auto fault_of = [](std::string m) {
    InboundStream stream;
    std::string out;
    std::vector<InboundStream::Refusal> refused;
    return stream.feed(kAuthText + m, false, out, refused);
  };
  std::string m = call(1);
  std::string bad_endian = m;
  bad_endian[0] = 'x';
  EXPECT_EQ(fault_of(bad_endian), InboundStream::Fault::bad_endianness);
  std::string huge_header = m.substr(0, 12);
  put_u32(huge_header, InboundStream::kMaxHeaderBytes + 1);
  EXPECT_EQ(fault_of(huge_header), InboundStream::Fault::header_too_large);
  std::string huge_body = m.substr(0, 4);
  put_u32(huge_body, 0xffffffffu);
  huge_body += m.substr(8);
  EXPECT_EQ(fault_of(huge_body), InboundStream::Fault::message_too_large);
  std::string bad_field = m;
  bad_field[16 + 2] = 'a';  // PATH's type: an array cannot be walked
  EXPECT_EQ(fault_of(bad_field), InboundStream::Fault::bad_header_field);
  std::string overlong = m;
  overlong[16 + 4] = '\x7f';  // PATH's length runs past the field array
  EXPECT_EQ(fault_of(overlong), InboundStream::Fault::bad_header_field);
}

}  // namespace
}  // namespace vermilion
