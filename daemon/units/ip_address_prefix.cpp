#include "units/ip_address_prefix.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "units/extract_word.h"
#include "units/value_parsers.h"

namespace vermilion {
namespace {

IPAddressPrefix masked(IPAddressPrefix p) {
  for (unsigned bit = p.prefixlen; bit < p.address_bytes() * 8; ++bit)
    p.address[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  return p;
}

IPAddressPrefix make(int family, std::initializer_list<std::uint8_t> bytes, std::uint8_t prefixlen) {
  IPAddressPrefix p;
  p.family = family;
  std::copy(bytes.begin(), bytes.end(), p.address.begin());
  p.prefixlen = prefixlen;
  return p;
}

// in_addr_prefix_from_string_auto() with PREFIXLEN_FULL.
bool parse_prefix(std::string_view word, IPAddressPrefix& out) {
  const std::size_t slash = word.find('/');
  const std::string address(word.substr(0, slash));
  IPAddressPrefix p;
  if (inet_pton(AF_INET, address.c_str(), p.address.data()) == 1) p.family = AF_INET;
  else if (inet_pton(AF_INET6, address.c_str(), p.address.data()) == 1) p.family = AF_INET6;
  else return false;
  unsigned length = p.address_bytes() * 8;
  if (slash != std::string_view::npos) {
    // in_addr_parse_prefixlen(): safe_atou8(), so "010" is 8 and "08" nothing.
    auto parsed = parse_systemd_unsigned(word.substr(slash + 1), p.address_bytes() * 8);
    if (!parsed) return false;
    length = static_cast<unsigned>(*parsed);
  }
  p.prefixlen = static_cast<std::uint8_t>(length);
  out = masked(p);
  return true;
}

// systemd's is_localhost().
bool is_localhost(std::string_view name) {
  auto ends_with_ci = [](std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                      [](char lower, char c) { return std::tolower(static_cast<unsigned char>(c)) == lower; });
  };
  auto equals_ci = [&](std::string_view s, std::string_view other) { return s.size() == other.size() && ends_with_ci(s, other); };
  return equals_ci(name, "localhost") || equals_ci(name, "localhost.") || equals_ci(name, "localhost.localdomain") ||
         equals_ci(name, "localhost.localdomain.") || ends_with_ci(name, ".localhost") ||
         ends_with_ci(name, ".localhost.") || ends_with_ci(name, ".localhost.localdomain") ||
         ends_with_ci(name, ".localhost.localdomain.");
}

void insert(std::vector<IPAddressPrefix>& set, const IPAddressPrefix& p) {
  auto it = std::lower_bound(set.begin(), set.end(), p);
  if (it == set.end() || *it != p) set.insert(it, p);
}

}  // namespace

std::string to_string(const IPAddressPrefix& prefix) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(prefix.family, prefix.address.data(), text, sizeof(text));
  return std::string(text) + "/" + std::to_string(prefix.prefixlen);
}

bool add_ip_address_prefixes(std::vector<IPAddressPrefix>& set, std::string_view value,
                             std::vector<std::string>& invalid) {
  static const IPAddressPrefix kNamed[][2] = {
      {make(AF_INET, {}, 0), make(AF_INET6, {}, 0)},
      {make(AF_INET, {127}, 8), make(AF_INET6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128)},
      {make(AF_INET, {169, 254}, 16), make(AF_INET6, {0xfe, 0x80}, 64)},
      {make(AF_INET, {224}, 4), make(AF_INET6, {0xff}, 8)},
  };
  for (;;) {
    auto word = extract_first_word(value, kExtractPlain);
    if (word.status == ExtractStatus::end) return true;
    if (word.status == ExtractStatus::invalid) return false;
    int named = word.word == "any" ? 0 : is_localhost(word.word) ? 1 : word.word == "link-local" ? 2
              : word.word == "multicast" ? 3 : -1;
    if (named >= 0) {
      for (const IPAddressPrefix& p : kNamed[named]) insert(set, p);
      continue;
    }
    IPAddressPrefix p;
    if (parse_prefix(word.word, p)) insert(set, p);
    else invalid.push_back(word.word);
  }
}

void reduce_ip_address_prefixes(std::vector<IPAddressPrefix>& set) {
  std::vector<IPAddressPrefix> kept;
  for (const IPAddressPrefix& p : set) {
    bool covered = false;
    for (unsigned length = 0; length < p.prefixlen && !covered; ++length) {
      IPAddressPrefix shorter = p;
      shorter.prefixlen = static_cast<std::uint8_t>(length);
      covered = std::binary_search(set.begin(), set.end(), masked(shorter));
    }
    if (!covered) kept.push_back(p);
  }
  set = std::move(kept);
}

bool ip_address_prefixes_are_any(const std::vector<IPAddressPrefix>& set) {
  return std::binary_search(set.begin(), set.end(), make(AF_INET, {}, 0)) &&
         std::binary_search(set.begin(), set.end(), make(AF_INET6, {}, 0));
}

}  // namespace vermilion
