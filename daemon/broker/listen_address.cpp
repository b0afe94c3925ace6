#include "broker/listen_address.h"

#include <arpa/inet.h>
#include <sys/un.h>

#include <charconv>

namespace vermilion {
namespace {

constexpr std::size_t kMaxSunPath = sizeof(sockaddr_un::sun_path) - 1;

constexpr std::string_view kExpected =
    "expected PORT, IPV4:PORT, [IPV6]:PORT, an absolute socket path or @abstract-name";

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool has_control_or_nul(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

ParseResult<ListenAddress> parse_unix(std::string_view s) {
  ListenAddress out;
  bool abstract = s.front() == '@';
  out.family = abstract ? ListenAddress::Family::unix_abstract : ListenAddress::Family::unix_path;
  out.path = std::string(abstract ? s.substr(1) : s);
  if (out.path.empty()) return ParseResult<ListenAddress>::failure("empty abstract socket name");
  if (out.path.size() > kMaxSunPath)
    return ParseResult<ListenAddress>::failure("socket path longer than " + std::to_string(kMaxSunPath) +
                                               " bytes");
  if (has_control_or_nul(out.path))
    return ParseResult<ListenAddress>::failure("control character in socket path");
  if (!abstract && (out.path.back() == '/' || out.path.find("/../") != std::string::npos ||
                    out.path.ends_with("/..")))
    return ParseResult<ListenAddress>::failure("socket path must name a file, without '..'");
  return ParseResult<ListenAddress>::success(std::move(out));
}

}  // namespace

ParseResult<ListenAddress> parse_listen_address(std::string_view s) {
  using Result = ParseResult<ListenAddress>;
  if (s.empty()) return Result::failure("empty address");
  if (s.front() == '/' || s.front() == '@') return parse_unix(s);

  ListenAddress out;
  if (s.find(':') == std::string_view::npos) {
    auto port = parse_port(s);
    if (!port) {
      if (s.find_first_not_of("0123456789") == std::string_view::npos)
        return Result::failure("port must be 1-65535");
      return Result::failure(std::string(kExpected));
    }
    out.family = ListenAddress::Family::any;
    out.port = *port;
    return Result::success(std::move(out));
  }

  std::string_view host;
  std::string_view port_text;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
      return Result::failure(std::string(kExpected));
    host = s.substr(1, close - 1);
    port_text = s.substr(close + 2);
    out.family = ListenAddress::Family::ipv6;
  } else {
    auto colon = s.rfind(':');
    host = s.substr(0, colon);
    port_text = s.substr(colon + 1);
    out.family = ListenAddress::Family::ipv4;
  }
  std::string host_string(host);
  unsigned char buffer[sizeof(in6_addr)];
  int af = out.family == ListenAddress::Family::ipv6 ? AF_INET6 : AF_INET;
  if (host_string.empty() || inet_pton(af, host_string.c_str(), buffer) != 1)
    return Result::failure(out.family == ListenAddress::Family::ipv6
                               ? "'" + host_string + "' is not a numeric IPv6 address"
                               : "'" + host_string + "' is not a numeric IPv4 address (IPv6 needs [brackets])");
  auto port = parse_port(port_text);
  if (!port) return Result::failure("port must be 1-65535");
  out.host = std::move(host_string);
  out.port = *port;
  return Result::success(std::move(out));
}

}  // namespace vermilion
