#include "units/specifiers.h"

#include "common/unit_name.h"

namespace vermilion {

SpecifierResolver::SpecifierResolver(std::string_view unit_name, const RuntimeIdentity& identity) {
  std::string name(unit_name);
  std::string stem = name.ends_with(kServiceSuffix) ? name.substr(0, name.size() - kServiceSuffix.size()) : name;
  std::string prefix = stem.substr(0, stem.find('@'));
  std::string instance = stem.find('@') == std::string::npos ? std::string() : stem.substr(stem.find('@') + 1);

  values_['n'] = name;
  values_['N'] = stem;
  values_['p'] = prefix;
  values_['i'] = instance;
  values_['I'] = unescape_instance(instance);
  // systemd's unit_name_path_unescape: "-" alone is "/", otherwise unescape
  // and make absolute.
  std::string path_source = instance.empty() ? prefix : instance;
  std::string unescaped = path_source == "-" ? std::string() : unescape_instance(path_source);
  values_['f'] = unescaped.starts_with('/') ? unescaped : "/" + unescaped;
  values_['u'] = identity.user_name;
  values_['U'] = std::to_string(identity.uid);
  values_['h'] = identity.home;
  values_['t'] = identity.runtime_dir;
  values_['H'] = identity.host_name;
  values_['%'] = std::string(1, '%');  // not = "%": g++ 12 -O2 warns falsely (-Wrestrict)
}

SpecifierExpansion SpecifierResolver::expand(std::string_view text) const {
  SpecifierExpansion out;
  out.text.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.text += text[i];
      continue;
    }
    if (i + 1 == text.size()) {  // a stray '%' at the end stays, as in systemd
      out.text += '%';
      break;
    }
    auto letter = static_cast<unsigned char>(text[++i]);
    if (letter >= values_.size() || !values_[letter]) {
      if (!out.unknown) out.unknown = static_cast<char>(letter);
      continue;
    }
    out.text += *values_[letter];
  }
  return out;
}

}  // namespace vermilion
