#include "units/unit_presets.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "common/regular_file.h"
#include "common/unit_name.h"
#include "units/extract_word.h"
#include "units/unit_file_syntax.h"

namespace vermilion {
namespace {

constexpr std::string_view kPresetSuffix = ".preset";

// systemd's first_word(): `line` starts with `word`, followed by its end or
// whitespace; what follows the whitespace.
std::optional<std::string_view> first_word(std::string_view line, std::string_view word) {
  if (!line.starts_with(word)) return std::nullopt;
  std::string_view rest = line.substr(word.size());
  if (rest.empty()) return rest;
  if (kUnitFileWhitespace.find(rest.front()) == std::string_view::npos) return std::nullopt;
  auto next = rest.find_first_not_of(kUnitFileWhitespace);
  return next == std::string_view::npos ? std::string_view() : rest.substr(next);
}

// "foo@.service": a valid unit name with nothing between '@' and the suffix.
bool is_template_name(std::string_view name) {
  if (!is_valid_unit_name(name)) return false;
  auto dot = name.rfind('.');
  return dot != std::string_view::npos && dot > 0 && name[dot - 1] == '@';
}

std::string_view instance_of(std::string_view name) {
  auto at = name.find('@');
  auto dot = name.rfind('.');
  if (at == std::string_view::npos || dot == std::string_view::npos || dot <= at) return {};
  return name.substr(at + 1, dot - at - 1);
}

std::string with_instance(std::string_view template_name, std::string_view instance) {
  auto at = template_name.find('@');
  return std::string(template_name.substr(0, at + 1)) + std::string(instance) +
         std::string(template_name.substr(at + 1));
}

// The template of an instance or a template of any type ("foo@x.target" ->
// "foo@.target"); "" for a plain name.
std::string template_name_of(std::string_view name) {
  auto at = name.find('@');
  auto dot = name.rfind('.');
  if (at == std::string_view::npos || dot == std::string_view::npos || dot <= at) return {};
  return std::string(name.substr(0, at + 1)) + std::string(name.substr(dot));
}

// Splits text into lines as systemd's read_line() does: "\n", "\r", "\r\n"
// and NUL each end one.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\n' && c != '\r' && c != '\0') continue;
    out.push_back(text.substr(start, i - start));
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

bool is_dev_null(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

}  // namespace

const char* to_state_word(PresetAction action) {
  return action == PresetAction::enable ? "enabled" : "disabled";
}

std::optional<PresetMode> parse_preset_mode(std::string_view word) {
  if (word.empty() || word == "full") return PresetMode::full;
  if (word == "enable-only") return PresetMode::enable_only;
  if (word == "disable-only") return PresetMode::disable_only;
  return std::nullopt;
}

void UnitPresets::add_file(const std::string& path, std::string_view text, Diagnostics& diags) {
  unsigned n = 0;
  for (std::string_view raw : lines_of(text)) {
    ++n;
    std::string_view line = trim_whitespace(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto unparsable = [&] {
      diags.warn({path, n}, "Couldn't parse line '" + std::string(raw) + "'. Ignoring.");
    };
    if (auto parameter = first_word(line, "enable")) {
      // split_pattern_into_name_and_instances(): the first word (backslashes
      // kept), then, for a template only, instance names.
      std::string_view rest = *parameter;
      ExtractedWord name = extract_first_word(rest, kExtractRetainEscape);
      if (name.status != ExtractStatus::word || name.word.empty()) {
        unparsable();
        continue;
      }
      PresetRule rule{name.word, PresetAction::enable, {}};
      if (!trim_whitespace(rest).empty()) {
        if (!is_template_name(rule.pattern)) {
          unparsable();
          continue;
        }
        std::string_view list = rest;
        while (!(list = trim_whitespace(list)).empty()) {
          auto end = list.find_first_of(kUnitFileWhitespace);
          rule.instances.emplace_back(list.substr(0, end));
          list = end == std::string_view::npos ? std::string_view() : list.substr(end);
        }
      }
      rules_.push_back(std::move(rule));
      continue;
    }
    if (auto parameter = first_word(line, "disable")) {
      rules_.push_back(PresetRule{std::string(*parameter), PresetAction::disable, {}});
      continue;
    }
    unparsable();
  }
}

UnitPresets UnitPresets::read(const std::vector<std::string>& dirs, Diagnostics& diags) {
  // conf_files_list_strv(): by file name, the first directory's; then in
  // order of the names.
  std::map<std::string, std::string> files;
  for (const std::string& dir : dirs) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
      if (errno != ENOENT && errno != ENOTDIR)
        diags.warn({dir, 0}, std::string("cannot read preset directory: ") + std::strerror(errno));
      continue;
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name.starts_with('.') || !name.ends_with(kPresetSuffix) || name.size() == kPresetSuffix.size()) continue;
      names.emplace_back(name);
    }
    ::closedir(d);
    for (auto& name : names) files.emplace(name, dir + "/" + name);
  }
  UnitPresets presets;
  for (const auto& entry : files) {
    const std::string& path = entry.second;
    std::string text;
    int r = read_regular_file(path, kMaxFileBytes, text);
    if (r == -EISDIR || r == -ENOENT) continue;  // not a file (conf_files skips those); gone meanwhile
    if (r == -EBADFD && is_dev_null(path)) continue;  // masked
    if (r < 0) {
      diags.warn({path, 0}, "cannot read preset file: " + read_error_text(r, kMaxFileBytes) + "; skipped");
      continue;
    }
    presets.add_file(path, text, diags);
  }
  return presets;
}

std::optional<PresetAction> UnitPresets::query(std::string_view name) const {
  if (!is_valid_unit_name(name)) return std::nullopt;
  const std::string n(name);
  for (const PresetRule& rule : rules_)
    if (::fnmatch(rule.pattern.c_str(), n.c_str(), FNM_NOESCAPE) == 0) return rule.action;
  return PresetAction::enable;
}

std::optional<PresetDecision> UnitPresets::decide(std::string_view name) const {
  if (!is_valid_unit_name(name)) return std::nullopt;
  const std::string n(name);
  const std::string template_name = template_name_of(name);
  for (const PresetRule& rule : rules_) {
    // pattern_match_multiple_instances(): a rule with instances matches its
    // template (all of them) or an instance it lists.
    if (!rule.instances.empty() && rule.pattern == template_name) {
      if (is_template_name(name)) {
        PresetDecision decision{PresetAction::enable, {}};
        for (const std::string& instance : rule.instances) decision.instances.push_back(with_instance(name, instance));
        return decision;
      }
      if (std::find(rule.instances.begin(), rule.instances.end(), instance_of(name)) != rule.instances.end())
        return PresetDecision{PresetAction::enable, {}};
    }
    if (::fnmatch(rule.pattern.c_str(), n.c_str(), FNM_NOESCAPE) == 0) return PresetDecision{rule.action, {}};
  }
  return PresetDecision{PresetAction::enable, {}};
}

std::vector<std::string> systemd_preset_dirs(RuntimeScope scope) {
  if (scope == RuntimeScope::system)
    return {"/etc/systemd/system-preset", "/run/systemd/system-preset", "/usr/local/lib/systemd/system-preset",
            "/usr/lib/systemd/system-preset", "/lib/systemd/system-preset"};
  return {"/etc/systemd/user-preset", "/run/systemd/user-preset", "/usr/local/lib/systemd/user-preset",
          "/usr/lib/systemd/user-preset"};
}

std::vector<std::string> default_preset_dirs(RuntimeScope scope, const RuntimeIdentity& identity) {
  if (scope == RuntimeScope::system) return {"/etc/vermilion/system-preset", "/usr/lib/vermilion/system-preset"};
  return {identity.config_home + "/vermilion/user-preset", identity.data_home + "/vermilion/user-preset"};
}

}  // namespace vermilion
