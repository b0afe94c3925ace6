#include "units/specifiers.h"

#include <limits.h>
#include <stdlib.h>

#include <cctype>

#include "common/unit_name.h"

namespace vermilion {
namespace {

constexpr const char* kNoSuchFile = "No such file or directory";

}  // namespace

void SpecifierResolver::set(char letter, std::optional<std::string> text, bool in_name_set, const char* error) {
  Value& v = values_[static_cast<unsigned char>(letter)];
  v.text = std::move(text);
  v.error = error;
  v.in_name_set = in_name_set;
}

SpecifierResolver::SpecifierResolver(std::string_view unit_name, const RuntimeIdentity& identity,
                                     const std::string& fragment_path) {
  std::string name(unit_name);
  auto dot = name.rfind('.');
  std::string stem = dot == std::string::npos ? name : name.substr(0, dot);  // %N
  auto at = stem.find('@');
  std::string prefix = stem.substr(0, at);
  std::string instance = at == std::string::npos ? std::string() : stem.substr(at + 1);
  std::string last = prefix.substr(prefix.rfind('-') == std::string::npos ? 0 : prefix.rfind('-') + 1);

  constexpr bool kName = true, kFullOnly = false;
  set('n', name, kName);
  set('N', stem, kName);
  set('p', prefix, kName);
  set('P', unescape_instance(prefix), kFullOnly);
  set('i', instance, kName);
  set('I', unescape_instance(instance), kFullOnly);
  set('j', last, kName);
  set('J', unescape_instance(last), kFullOnly);
  set('f', unescape_path(instance.empty() ? prefix : instance), kFullOnly);

  std::optional<std::string> real;
  if (char resolved[PATH_MAX]; !fragment_path.empty() && ::realpath(fragment_path.c_str(), resolved) != nullptr)
    real = resolved;
  set('y', real, kFullOnly, kNoSuchFile);
  set('Y', real ? std::optional<std::string>(real->substr(0, std::max<std::size_t>(real->rfind('/'), 1))) : std::nullopt,
      kFullOnly, kNoSuchFile);

  set('C', identity.cache_dir, kFullOnly);
  set('E', identity.config_dir, kFullOnly);
  set('L', identity.logs_dir, kFullOnly);
  set('S', identity.state_dir, kFullOnly);
  set('t', identity.runtime_dir, kFullOnly);
  set('d', identity.runtime_dir + "/credentials/" + name, kFullOnly);

  set('u', identity.user_name, kName);
  set('U', std::to_string(identity.uid), kName);
  set('g', identity.group_name, kName);
  set('G', std::to_string(identity.gid), kName);
  set('h', identity.home, kFullOnly);
  set('s', identity.shell, kFullOnly);

  const HostFacts& host = identity.host;
  set('H', identity.host_name, kName);
  set('l', host.short_host_name, kName);
  set('q', host.pretty_host_name, kName);
  set('m', host.machine_id, kName, kNoSuchFile);
  set('b', host.boot_id, kName, kNoSuchFile);
  set('v', host.kernel_release, kName);
  set('a', host.architecture, kName);
  for (auto [letter, field] : {std::pair{'o', "ID"}, {'w', "VERSION_ID"}, {'W', "VARIANT_ID"}, {'B', "BUILD_ID"},
                               {'M', "IMAGE_ID"}, {'A', "IMAGE_VERSION"}}) {
    std::optional<std::string> text;
    if (host.os_release) {
      auto it = host.os_release->find(field);
      text = it == host.os_release->end() ? std::string() : it->second;
    }
    set(letter, std::move(text), kName, kNoSuchFile);
  }
  set('T', identity.tmp_dir, kFullOnly);
  set('V', identity.var_tmp_dir, kFullOnly);
}

SpecifierExpansion SpecifierResolver::expand(std::string_view text, SpecifierSet set, std::size_t max_length) const {
  SpecifierExpansion out;
  out.text.reserve(text.size());
  auto too_long = [&] {
    if (out.text.size() <= max_length) return false;
    out.text.clear();
    out.error = "File name too long";
    return true;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.text += text[i];
      if (too_long()) return out;
      continue;
    }
    if (i + 1 == text.size()) {  // a stray '%' at the end stays, as in systemd
      out.text += '%';
      too_long();
      return out;
    }
    auto letter = static_cast<unsigned char>(text[++i]);
    if (letter == '%') {
      out.text += '%';
    } else if (letter < values_.size() && std::isalnum(letter)) {
      const Value& v = values_[letter];
      bool known = v.text || v.error != std::string_view("Invalid slot");
      if (!known || (set == SpecifierSet::unit_name && !v.in_name_set)) {
        out.text.clear();
        out.error = "Invalid slot";
        return out;
      }
      if (!v.text) {
        out.text.clear();
        out.error = v.error;
        return out;
      }
      out.text += *v.text;
    } else {  // not a possible specifier: kept as written
      out.text += '%';
      out.text += static_cast<char>(letter);
    }
    if (too_long()) return out;
  }
  return out;
}

}  // namespace vermilion
