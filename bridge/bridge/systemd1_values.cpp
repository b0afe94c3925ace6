#include "bridge/systemd1_values.h"

#include <cerrno>
#include <cstdint>
#include <string>

namespace vermilion::bridge::systemd1 {
namespace {

constexpr std::string_view kBasic = "ybnqiuxtdsogh";

// Nesting is bounded as D-Bus bounds it (32 arrays and 32 structs), so a
// signature recursion cannot run away.
constexpr int kMaxDepth = 64;

std::size_t type_length(std::string_view s, int depth) {
  if (s.empty() || depth > kMaxDepth) return 0;
  char c = s[0];
  if (kBasic.find(c) != std::string_view::npos || c == 'v') return 1;
  if (c == 'a') {
    if (s.size() > 1 && s[1] == '{') {
      std::size_t key = s.size() > 2 && kBasic.find(s[2]) != std::string_view::npos ? 1 : 0;
      if (key == 0) return 0;
      std::size_t value = type_length(s.substr(3), depth + 1);
      if (value == 0 || s.size() <= 3 + value || s[3 + value] != '}') return 0;
      return 4 + value;
    }
    std::size_t element = type_length(s.substr(1), depth + 1);
    return element == 0 ? 0 : 1 + element;
  }
  if (c == '(') {
    std::size_t at = 1;
    while (at < s.size() && s[at] != ')') {
      std::size_t member = type_length(s.substr(at), depth + 1);
      if (member == 0) return 0;
      at += member;
    }
    if (at >= s.size() || at == 1) return 0;
    return at + 1;
  }
  return 0;
}

int append_zero(sd_bus_message* m, std::string_view type) {
  char c = type[0];
  switch (c) {
    case 'y': { std::uint8_t v = 0; return sd_bus_message_append_basic(m, c, &v); }
    case 'b': case 'i': case 'u': { std::uint32_t v = 0; return sd_bus_message_append_basic(m, c, &v); }
    case 'n': case 'q': { std::uint16_t v = 0; return sd_bus_message_append_basic(m, c, &v); }
    case 'x': case 't': { std::uint64_t v = 0; return sd_bus_message_append_basic(m, c, &v); }
    case 'd': { double v = 0; return sd_bus_message_append_basic(m, c, &v); }
    case 's': case 'g': return sd_bus_message_append_basic(m, c, "");
    case 'o': return sd_bus_message_append_basic(m, c, "/");
    case 'v': return sd_bus_message_append(m, "v", "s", "");
    case 'a': {
      std::string contents(type.substr(1));
      int r = sd_bus_message_open_container(m, 'a', contents.c_str());
      return r < 0 ? r : sd_bus_message_close_container(m);
    }
    case '(': {
      std::string contents(type.substr(1, type.size() - 2));
      int r = sd_bus_message_open_container(m, 'r', contents.c_str());
      if (r < 0) return r;
      std::string_view rest = contents;
      while (!rest.empty()) {
        std::size_t n = type_length(rest, 0);
        if ((r = append_zero(m, rest.substr(0, n))) < 0) return r;
        rest.remove_prefix(n);
      }
      return sd_bus_message_close_container(m);
    }
    default: return -EINVAL;
  }
}

}  // namespace

std::size_t complete_type_length(std::string_view signature) { return type_length(signature, 0); }

int append_zero_value(sd_bus_message* m, std::string_view signature) {
  if (signature.empty() || complete_type_length(signature) != signature.size()) return -EINVAL;
  if (signature.find('h') != std::string_view::npos) return -EINVAL;
  return append_zero(m, signature);
}

}  // namespace vermilion::bridge::systemd1
