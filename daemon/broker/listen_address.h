// The socket addresses systemd.socket(5) accepts in ListenStream= and
// ListenDatagram= (the subset Vermilion opens): a port alone, IPv4:PORT,
// [IPv6]:PORT, an absolute AF_UNIX path, or @name in the abstract namespace.
// Parsing only; the broker binds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "units/value_parsers.h"

namespace vermilion {

struct ListenAddress {
  enum class Family {
    any,            // "8080": every address, IPv6 socket accepting IPv4 too (as systemd)
    ipv4,           // "127.0.0.1:8080"
    ipv6,           // "[::1]:8080"
    unix_path,      // "/run/web.sock"
    unix_abstract,  // "@web": path holds "web", without the '@'
  };
  Family family = Family::any;
  std::string host;  // numeric address for ipv4/ipv6, as written
  std::uint16_t port = 0;  // 1-65535 for any/ipv4/ipv6
  std::string path;  // unix_path / unix_abstract
};

// sun_path holds 108 bytes: paths up to 107 bytes (room for the NUL), abstract
// names up to 107 bytes after the '@'. Host names are not resolved: only
// numeric addresses, so what the policy says is what gets bound.
[[nodiscard]] ParseResult<ListenAddress> parse_listen_address(std::string_view s);

}  // namespace vermilion
