#include "platform/notify_message.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace vermilion {

namespace {

constexpr int kErrnoMax = 4095;  // systemd's ERRNO_MAX
constexpr std::size_t kQuotedValueMax = 64;  // of a bad value, in a reason

// Strict decimal: digits only, no sign, no spaces, fits T.
template <typename T>
std::optional<T> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// systemd 252's safe_atou64(), which WATCHDOG_USEC= and EXTEND_TIMEOUT_USEC=
// go through: leading whitespace, then mangle_base()'s 0b/0B (binary) and
// 0o/0O (octal) prefixes, then what strtoull() reads in that base, or in
// base 0 (an optional sign, 0x for hex, a leading 0 for octal), up to the
// end; a negative value other than 0 is out of range. (Recorded with
// systemd 252: "0x2dc6c0", " 3000000", "+3000000", "0b1011011100011011000000"
// and "0o13343300" are 3 s, "03000000" is octal, "3000000 " is refused.)
std::optional<std::uint64_t> parse_systemd_u64(std::string_view text) {
  const std::string copy(text);  // NUL-terminated for strtoull
  const char* start = copy.c_str();
  start += std::strspn(start, " \t\n\r");
  int base = 0;
  if (start[0] == '0' && (start[1] == 'b' || start[1] == 'B')) {
    base = 2;
    start += 2;
  } else if (start[0] == '0' && (start[1] == 'o' || start[1] == 'O')) {
    base = 8;
    start += 2;
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(start, &end, base);
  if (errno != 0 || end == start || *end != '\0') return std::nullopt;
  if (value != 0 && start[0] == '-') return std::nullopt;
  return value;
}

bool is_valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    char32_t code;
    if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      code = (code << 6) | (s[i + k] & 0x3f);
    }
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

std::string quoted(std::string_view key, std::string_view value) {
  std::string out(key);
  out += '=';
  if (value.size() > kQuotedValueMax) {
    out.append(value.substr(0, kQuotedValueMax));
    out += "...";
  } else {
    out.append(value);
  }
  return out;
}

class Parser {
 public:
  explicit Parser(NotifyMessage& out) : out_(out) {}

  void assignment(std::string_view key, std::string_view value) {
    if (key == "READY") return flag(key, value, out_.ready);
    if (key == "BARRIER") return flag(key, value, out_.barrier);
    if (key == "STOPPING") return flag(key, value, out_.stopping);
    if (key == "RELOADING") return flag(key, value, out_.reloading);
    if (key == "WATCHDOG") {
      if (value == "1") {
        out_.watchdog_ping = true;
      } else if (value == "trigger") {
        out_.watchdog_trigger = true;
      } else {
        ignore(key, value, "only WATCHDOG=1 and WATCHDOG=trigger are understood");
      }
      return;
    }
    if (key == "STATUS") {
      if (!first(seen_status_, key, value)) return;
      if (!is_valid_utf8(value)) return ignore(key, value, "not valid UTF-8");
      out_.status = std::string(value);
      return;
    }
    if (key == "MAINPID") {
      if (!first(seen_main_pid_, key, value)) return;
      const auto pid = parse_decimal<pid_t>(value);
      if (!pid || *pid <= 0) return ignore(key, value, "not a valid PID");
      out_.main_pid = *pid;
      return;
    }
    if (key == "ERRNO") {
      if (!first(seen_errno_, key, value)) return;
      const auto number = parse_decimal<int>(value);
      if (!number || *number > kErrnoMax) return ignore(key, value, "not an errno number (0..4095)");
      out_.errno_value = *number;
      return;
    }
    if (key == "WATCHDOG_USEC") return microseconds(key, value, seen_watchdog_usec_, out_.watchdog_usec);
    if (key == "EXTEND_TIMEOUT_USEC")
      return microseconds(key, value, seen_extend_timeout_usec_, out_.extend_timeout_usec);
    if (key == "FDSTORE") return flag(key, value, out_.fd_store);
    if (key == "FDSTOREREMOVE") return flag(key, value, out_.fd_store_remove);
    if (key == "FDNAME") {
      if (!out_.fd_name) out_.fd_name = std::string(value);  // strv_find_startswith(): the first
      return;
    }
    if (key == "FDPOLL") {
      if (value == "0") out_.fd_poll = false;
      return;
    }
    // Anything else (BUSERROR=, X_*...) is not supported and, as in
    // systemd, silently ignored.
  }

 private:
  void microseconds(std::string_view key, std::string_view value, bool& seen, std::optional<std::uint64_t>& target) {
    if (!first(seen, key, value)) return;
    const auto usec = parse_systemd_u64(value);
    if (!usec) return ignore(key, value, "not a number of microseconds");
    target = *usec;
  }

  void flag(std::string_view key, std::string_view value, bool& target) {
    if (value == "1") {
      target = true;
    } else {
      ignore(key, value, "only " + std::string(key) + "=1 is understood");
    }
  }

  // True for the first occurrence of a key; later ones are reported.
  bool first(bool& seen, std::string_view key, std::string_view value) {
    if (seen) {
      ignore(key, value, "repeated; the first " + std::string(key) + "= counts");
      return false;
    }
    seen = true;
    return true;
  }

  void ignore(std::string_view key, std::string_view value, const std::string& reason) {
    out_.ignored.push_back(quoted(key, value) + ": " + reason);
  }

  NotifyMessage& out_;
  bool seen_status_ = false;
  bool seen_main_pid_ = false;
  bool seen_errno_ = false;
  bool seen_watchdog_usec_ = false;
  bool seen_extend_timeout_usec_ = false;
};

}  // namespace

bool is_valid_fd_name(std::string_view name) {
  if (name.size() > 255) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return c >= ' ' && c < 127 && c != ':'; });
}

NotifyMessage parse_notify_message(std::string_view datagram) {
  NotifyMessage message;
  if (datagram.find('\0') != std::string_view::npos) {
    message.ignored.emplace_back("message contains a NUL byte; ignored as a whole");
    return message;
  }
  Parser parser(message);
  // systemd splits on both '\n' and '\r' and skips empty lines.
  while (!datagram.empty()) {
    const std::size_t end = datagram.find_first_of("\n\r");
    const std::string_view line = datagram.substr(0, end);
    datagram.remove_prefix(end == std::string_view::npos ? datagram.size() : end + 1);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    parser.assignment(line.substr(0, equals), line.substr(equals + 1));
  }
  return message;
}

}  // namespace vermilion
