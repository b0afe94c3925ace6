#include "units/namespace_types.h"

#include <sched.h>

#include "units/extract_word.h"
#include "units/value_parsers.h"

namespace vermilion {

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const NamespaceType kNamespaceTypes[8] = {
    {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"net", CLONE_NEWNET},  {"mnt", CLONE_NEWNS},
    {"pid", CLONE_NEWPID},       {"user", CLONE_NEWUSER}, {"uts", CLONE_NEWUTS}, {"time", CLONE_NEWTIME},
};

unsigned long namespace_flags_all() {
  return CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWUTS;
}

std::optional<unsigned long> namespace_flags_from_string(std::string_view text) {
  unsigned long flags = 0;
  while (true) {
    ExtractedWord word = extract_first_word(text, kExtractPlain);
    if (word.status == ExtractStatus::end) return flags;
    if (word.status == ExtractStatus::invalid) return std::nullopt;
    bool known = false;
    for (const auto& type : kNamespaceTypes) {
      if (word.word == type.name) {
        flags |= type.flag;
        known = true;
      }
    }
    if (!known) return std::nullopt;
  }
}

std::string namespace_flags_to_string(unsigned long retained) {
  const unsigned long all = namespace_flags_all();
  if ((retained & all) == all) return "no";
  if ((retained & all) == 0) return "yes";
  std::string out;
  for (const auto& type : kNamespaceTypes) {
    if ((retained & type.flag) != type.flag) continue;
    if (!out.empty()) out += ' ';
    out += type.name;
  }
  return out;
}

bool apply_restrict_namespaces(unsigned long& retained, std::string_view value) {
  if (value.empty()) {
    retained = kNamespaceFlagsInitial;
    return true;
  }
  if (auto b = parse_boolean(value)) {
    retained = *b ? 0 : namespace_flags_all();
    return true;
  }
  const bool invert = value.starts_with('~');
  if (invert) value.remove_prefix(1);
  auto flags = namespace_flags_from_string(value);
  if (!flags) return false;
  if (retained == kNamespaceFlagsInitial)
    retained = invert ? ~*flags & namespace_flags_all() : *flags;
  else if (invert)
    retained &= ~*flags;
  else
    retained |= *flags;
  return true;
}

}  // namespace vermilion
