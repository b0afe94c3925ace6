#include "units/install_section.h"

#include <optional>

#include "common/unit_name.h"
#include "units/extract_word.h"
#include "units/unit_file_syntax.h"

namespace vermilion {
namespace {

// install_name_printf's name specifiers; nullopt names an unsupported one.
std::optional<std::string> expand(std::string_view name, std::string_view word, char& unsupported) {
  std::string_view type = unit_type_of(name);
  std::string_view stem = name.substr(0, name.size() - (type.empty() ? 0 : type.size() + 1));
  std::size_t at = stem.find('@');
  std::string_view prefix = stem.substr(0, at);
  std::string_view instance = at == std::string_view::npos ? std::string_view() : stem.substr(at + 1);
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '%' || i + 1 == word.size()) {
      out += word[i];
      continue;
    }
    switch (word[++i]) {
      case 'n': out += name; break;
      case 'N': out += stem; break;
      case 'p': out += prefix; break;
      case 'i': out += instance; break;
      case 'j': {
        std::size_t dash = prefix.rfind('-');
        out += dash == std::string_view::npos ? prefix : prefix.substr(dash + 1);
        break;
      }
      case '%': out += '%'; break;
      default: unsupported = word[i]; return std::nullopt;
    }
  }
  return out;
}

}  // namespace

InstallSection parse_install_section(std::string_view name, std::string_view text, const std::string& path,
                                     Diagnostics& diags) {
  Diagnostics syntax;  // reported when the unit loads; not twice
  UnitFileSyntax parsed = parse_unit_file_syntax(text, path, syntax);
  InstallSection out;
  for (const UnitAssignment& a : parsed.assignments) {
    if (a.section != "Install") continue;
    SourceLocation where{path, a.line};
    if (a.key == "DefaultInstance") {
      // A template's instance, specifiers expanded; empty resets.
      char unsupported = 0;
      auto value = expand(name, a.value, unsupported);
      if (!value)
        diags.error(where, std::string("DefaultInstance=: specifier %") + unsupported +
                               " is not supported in [Install] by Vermilion, ignoring");
      else if (!value->empty() && !is_valid_service_name("x@" + *value + ".service"))
        diags.warn(where, "DefaultInstance=: invalid instance name \"" + *value + "\", ignoring");
      else
        out.default_instance = *value;
      continue;
    }
    std::vector<std::string>* list = a.key == "Alias"        ? &out.alias
                                     : a.key == "WantedBy"   ? &out.wanted_by
                                     : a.key == "RequiredBy" ? &out.required_by
                                     : a.key == "Also"       ? &out.also
                                                             : nullptr;
    if (!list) continue;  // unknown keys: the unit's loader reports them
    if (a.value.empty()) {
      list->clear();
      continue;
    }
    // As config_parse_strv(): words unquoted, escapes kept for the names.
    std::string_view rest = a.value;
    for (;;) {
      ExtractedWord extracted = extract_first_word(rest, kExtractUnquote | kExtractRetainEscape);
      if (extracted.status == ExtractStatus::end) break;
      if (extracted.status == ExtractStatus::invalid) {
        diags.warn(where, a.key + "=: invalid syntax, ignoring the rest: " + std::string(rest));
        break;
      }
      const std::string& word = extracted.word;
      char unsupported = 0;
      auto value = expand(name, word, unsupported);
      if (!value) {
        diags.error(where, a.key + "=: specifier %" + unsupported +
                               " is not supported in [Install] by Vermilion, ignoring \"" + word + "\"");
        continue;
      }
      if (!is_valid_unit_name(*value)) {
        diags.warn(where, a.key + "=: invalid unit name \"" + *value + "\", ignoring");
        continue;
      }
      if (a.key == "Alias" && unit_type_of(*value) != unit_type_of(name)) {
        diags.warn(where, "Alias=: \"" + *value + "\" is not of the same type as " + std::string(name) +
                              ", ignoring");
        continue;
      }
      list->push_back(*value);
    }
  }
  return out;
}

}  // namespace vermilion
