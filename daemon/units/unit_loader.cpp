#include "units/unit_loader.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "units/dependency_dirs.h"
#include "units/unit_keys.h"
#include "units/specifiers.h"
#include "common/regular_file.h"
#include "common/unique_fd.h"
#include "units/unit_file_syntax.h"
#include "common/unit_name.h"

namespace vermilion {
namespace {

// Far above any real unit file; keeps a stray huge file from eating memory.
constexpr std::size_t kMaxUnitFileSize = 4 * 1024 * 1024;
// Alias chains longer than this are treated as loops.
constexpr int kMaxAliasDepth = 16;

struct ReadResult {
  std::optional<std::string> text;
  std::string error;  // when text is empty
  int error_number = 0;
};

ReadResult read_unit_file(const std::string& path) {
  std::string text;
  if (int r = read_regular_file(path, kMaxUnitFileSize, text); r < 0)
    return {std::nullopt, read_error_text(r, kMaxUnitFileSize), -r};
  return {std::move(text), {}};
}

usec_t mtime_of(const struct stat& st) {
  return static_cast<usec_t>(st.st_mtim.tv_sec) * 1'000'000 + static_cast<usec_t>(st.st_mtim.tv_nsec) / 1000;
}

// st_mtim in µs; nullopt when it cannot be stat(2)ed.
std::optional<usec_t> modified_at(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) < 0) return std::nullopt;
  return mtime_of(st);
}

// systemd's fragment_mtime_newer(): a file that cannot be stat(2)ed any more
// counts as changed; one loaded with mtime 0 (masked: /dev/null) as changed
// once it is no longer empty.
bool file_newer(const std::string& path, usec_t mtime) {
  struct stat st {};
  if (stat(path.c_str(), &st) < 0) return true;
  if (mtime > 0) return mtime_of(st) > mtime;
  return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) && !(S_ISREG(st.st_mode) && st.st_size == 0);
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

UnitType type_of_name(const std::string& name) {
  return unit_type_of(name) == "target" ? UnitType::target : UnitType::service;
}

std::optional<std::string> real_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return std::nullopt;
  return std::string(resolved);
}

// File names in dir, sorted; empty if dir does not exist.
std::vector<std::string> directory_entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::vector<std::string> default_unit_dirs(RuntimeScope scope, const RuntimeIdentity& identity) {
  if (scope == RuntimeScope::system) return {"/etc/vermilion/system", "/usr/lib/vermilion/system"};
  return {identity.config_home + "/vermilion/user", identity.data_home + "/vermilion/user"};
}

UnitLoader::UnitLoader(std::vector<std::string> search_path, RuntimeIdentity identity)
    : search_path_(search_path), identity_(std::move(identity)), names_(std::move(search_path)) {}

void UnitLoader::add_builtin(std::string name, std::string source_name, std::string text) {
  builtins_[std::move(name)] = Builtin{std::move(source_name), std::move(text)};
}

void UnitLoader::add_builtin_want(std::string unit, std::string wanted) {
  builtin_wants_[std::move(unit)].push_back(std::move(wanted));
}

std::optional<std::string> UnitLoader::find_in_search_path(const std::string& file_name) const {
  const UnitNameMap::Entry* entry = names_.find(file_name);
  if (!entry) return std::nullopt;
  return entry->path;
}

void UnitLoader::refresh() const {
  if (!names_.refresh()) return;
  // Every symlink alias, found once per change of the search path rather
  // than by a scan of it for every unit loaded.
  aliases_.clear();
  for (const auto& [entry, where] : names_.entries()) {
    if (!where.symlink || !split_supported_unit_name(entry)) continue;
    auto fragment = resolve(entry, 0);
    if (fragment && !fragment->masked && fragment->name != entry) aliases_[fragment->name].push_back(entry);
  }
  // In search-path order, then by name, as a scan of the directories lists them.
  for (auto& [_, names] : aliases_) {
    std::stable_sort(names.begin(), names.end(), [this](const std::string& a, const std::string& b) {
      return names_.find(a)->directory < names_.find(b)->directory;
    });
  }
}

// Which file a name loads from, and under which canonical name. A symlink
// whose target has another service name makes the name an alias of that
// unit, which is then looked up by its own name (an override earlier in the
// search path wins, as in systemd).
std::optional<UnitLoader::Fragment> UnitLoader::resolve(const std::string& name, int depth) const {
  const UnitNameMap::Entry* entry = names_.find(name);
  if (!entry) {
    if (auto builtin = builtins_.find(name); builtin != builtins_.end())
      return Fragment{name, builtin->second.source_name, false, &builtin->second};
    auto template_name = template_of(name);
    if (!template_name) return std::nullopt;
    entry = names_.find(*template_name);
    if (!entry) return std::nullopt;
  }
  const std::string* path = &entry->path;
  if (!entry->symlink) return Fragment{name, *path, false};

  auto target = real_path(*path);
  if (!target) return Fragment{name, *path, false};  // dangling: reading reports it
  if (*target == "/dev/null") return Fragment{name, *path, true};
  std::string target_name = base_name(*target);
  // Same name (a linked unit file), the template of this instance, or a
  // target that is no unit name of the same type: not an alias.
  auto target_parts = split_supported_unit_name(target_name);
  if (target_name == name || template_of(name) == target_name || !target_parts || target_parts->is_template ||
      unit_type_of(target_name) != unit_type_of(name))
    return Fragment{name, *target, false};
  if (depth >= kMaxAliasDepth) return Fragment{name, *target, false};
  auto canonical = resolve(target_name, depth + 1);
  if (canonical) return canonical;
  return Fragment{target_name, *target, false};
}

std::vector<std::string> UnitLoader::symlink_aliases_of(const std::string& canonical) const {
  auto it = aliases_.find(canonical);
  return it == aliases_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> UnitLoader::list_units() const {
  refresh();
  std::vector<std::string> names;
  for (const auto& [entry, where] : names_.entries()) {  // first directory wins, sorted
    auto parts = split_supported_unit_name(entry);
    if (!parts || parts->is_template) continue;
    auto fragment = resolve(entry, 0);
    if (!fragment || fragment->masked || fragment->name != entry) continue;
    names.push_back(entry);
  }
  // A built-in unit is listed unless a file (or a mask) of its name exists.
  for (const auto& [name, builtin] : builtins_)
    if (!find_in_search_path(name)) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> UnitLoader::drop_in_paths(const ServiceConfig& config,
                                                  const std::vector<std::string>& search_path) const {
  std::vector<std::string> names{config.name};
  names.insert(names.end(), config.aliases.begin(), config.aliases.end());
  if (auto template_name = template_of(config.name)) names.push_back(*template_name);

  std::map<std::string, std::string> by_file_name;  // first search directory wins
  for (const auto& dir : search_path) {
    for (const auto& unit_name : names) {
      std::string drop_in_dir = dir + "/" + unit_name + ".d";
      for (const auto& entry : directory_entries(drop_in_dir))
        if (entry.ends_with(".conf")) by_file_name.emplace(entry, drop_in_dir + "/" + entry);
    }
  }
  std::vector<std::string> paths;
  for (auto& [file_name, path] : by_file_name) paths.push_back(path);
  return paths;
}

UnitLoader::FileResult UnitLoader::apply_file(const std::string& path_for_messages, const std::string& text,
                                              ServiceConfig& config, Diagnostics& diags) const {
  FileResult result;
  Diagnostics syntax_diags;
  auto syntax = parse_unit_file_syntax(text, path_for_messages, syntax_diags);
  result.syntax_ok = !syntax_diags.has_errors();
  diags.append(syntax_diags);
  // %y/%Y name the fragment, also in drop-ins.
  SpecifierResolver specifiers(config.name, identity_, config.fragment_path);
  ServiceKeyContext context{specifiers, identity_};
  ApplyResult applied = apply_service_assignments(syntax, path_for_messages, context, config, diags);
  result.values_ok = !applied.bad_setting;
  result.syntax_ok = result.syntax_ok && !applied.load_error;
  return result;
}

ServiceConfig UnitLoader::finish(ServiceConfig config, FileResult result, Diagnostics& diags) const {
  // Whole-unit checks only for units whose lines were all valid: after an
  // invalid ExecStart= line, "no ExecStart=" would only repeat the problem.
  // A target has no [Service] to complete or check.
  const bool service = config.unit_type == UnitType::service;
  if (service) complete_service_config(config);
  bool verified = result.syntax_ok && result.values_ok && (!service || verify_service_config(config, diags));
  // systemd 252's unit_load(), for every unit type: isolate has one unit to
  // isolate to.
  if (verified && config.on_failure_job_mode == JobMode::isolate && config.on_failure.size() > 1) {
    diags.error({config.fragment_path, 0},
                "More than one OnFailure= dependencies specified but OnFailureJobMode=isolate set. Refusing.");
    verified = false;
  }
  if (!result.syntax_ok) config.load_state = LoadState::error;
  else if (!result.values_ok || !verified) config.load_state = LoadState::bad_setting;
  else config.load_state = LoadState::loaded;
  return config;
}

ServiceConfig UnitLoader::load_text(const std::string& name, const std::string& path_for_messages,
                                    const std::string& text, Diagnostics& diags) const {
  ServiceConfig config;
  config.name = name;
  config.unit_type = type_of_name(name);
  config.fragment_path = path_for_messages;
  if (!split_supported_unit_name(name)) {
    diags.error({path_for_messages, 0}, "'" + name + "' is not a valid service or target unit name.");
    config.load_state = LoadState::error;
    return config;
  }
  FileResult result = apply_file(path_for_messages, text, config, diags);
  return finish(std::move(config), result, diags);
}

ServiceConfig UnitLoader::load_file(const std::string& path, Diagnostics& diags) const {
  // A link to /dev/null masks the unit: systemd-analyze verify says so and fails.
  if (auto target = real_path(path); target && *target == "/dev/null") {
    ServiceConfig config;
    config.name = base_name(path);
    config.fragment_path = path;
    config.load_state = LoadState::error;
    diags.error({path, 0}, "Unit " + config.name + " is masked.");
    return config;
  }
  auto read = read_unit_file(path);
  if (!read.text) {
    ServiceConfig config;
    config.name = base_name(path);
    config.load_state = read.error_number == ENOENT ? LoadState::not_found : LoadState::error;
    diags.error({path, 0}, "Cannot read unit file: " + read.error);
    return config;
  }
  // systemd-analyze verify loads a template file as the instance "i"
  // (t@.service as t@i.service), so %i and friends resolve.
  std::string name = base_name(path);
  if (auto parts = split_supported_unit_name(name); parts && parts->is_template)
    name = parts->prefix + "@i." + std::string(unit_type_of(name));
  ServiceConfig config;
  config.name = name;
  config.unit_type = type_of_name(name);
  config.fragment_path = path;
  if (!split_supported_unit_name(name)) {
    diags.error({path, 0}, "'" + name + "' is not a valid service or target unit name.");
    config.load_state = LoadState::error;
    return config;
  }
  FileResult result = apply_file(path, *read.text, config, diags);
  // systemd-analyze verify puts the file's directory first in its unit
  // path, so the drop-ins beside it (NAME.service.d/*.conf, and the
  // template's) apply as they would when the unit loads, and their
  // problems are reported with their own file:line.
  auto slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  config.drop_in_paths = drop_in_paths(config, {directory});
  apply_drop_ins(config, result, diags);
  return finish(std::move(config), result, diags);
}

ServiceConfig UnitLoader::load(const std::string& name, Diagnostics& diags) const {
  refresh();
  ServiceConfig config;
  config.name = name;
  config.unit_type = type_of_name(name);
  auto parts = split_supported_unit_name(name);
  if (!parts) {
    diags.error({name, 0}, "'" + name + "' is not a valid service or target unit name.");
    config.load_state = LoadState::not_found;
    return config;
  }
  if (parts->is_template) {
    diags.error({name, 0}, "Cannot load template unit " + name + " by itself; name an instance such as " +
                               parts->prefix + "@NAME." + std::string(unit_type_of(name)) + ".");
    config.load_state = LoadState::error;
    return config;
  }
  auto fragment = resolve(name, 0);
  if (!fragment) {
    diags.error({name, 0}, "Unit " + name + " not found in the search path.");
    config.load_state = LoadState::not_found;
    return config;
  }
  config.name = fragment->name;
  config.fragment_path = fragment->path;
  if (fragment->masked) {
    diags.error({fragment->path, 0}, "Unit " + name + " is masked (symlinked to /dev/null).");
    config.load_state = LoadState::error;
    return config;
  }
  auto read = fragment->builtin ? ReadResult{fragment->builtin->text, {}} : read_unit_file(fragment->path);
  if (!read.text) {
    diags.error({fragment->path, 0}, "Cannot read unit file: " + read.error);
    config.load_state = LoadState::error;
    return config;
  }
  config.aliases = symlink_aliases_of(config.name);
  if (name != config.name && std::find(config.aliases.begin(), config.aliases.end(), name) == config.aliases.end())
    config.aliases.push_back(name);

  config.fragment_builtin = fragment->builtin != nullptr;
  if (!config.fragment_builtin) config.fragment_mtime = modified_at(fragment->path).value_or(0);
  FileResult result = apply_file(fragment->path, *read.text, config, diags);
  config.drop_in_paths = drop_in_paths(config, search_path_);
  for (const auto& drop_in : config.drop_in_paths)
    config.drop_in_mtime = std::max(config.drop_in_mtime, modified_at(drop_in).value_or(0));
  apply_drop_ins(config, result, diags);
  add_directory_dependencies(config, diags);
  return finish(std::move(config), result, diags);
}

bool UnitLoader::need_daemon_reload(const ServiceConfig& loaded) const {
  // A built-in unit's "path" names no file.
  if (!loaded.fragment_path.empty() && !loaded.fragment_builtin &&
      file_newer(loaded.fragment_path, loaded.fragment_mtime))
    return true;
  // The drop-ins a load would find now (systemd looks only for a loaded unit).
  if (loaded.load_state == LoadState::loaded) {
    refresh();
    if (drop_in_paths(loaded, search_path_) != loaded.drop_in_paths) return true;
  }
  for (const auto& drop_in : loaded.drop_in_paths)
    if (file_newer(drop_in, loaded.drop_in_mtime)) return true;
  return false;
}

std::vector<std::string> UnitLoader::watched_directories() const {
  std::vector<std::string> dirs;
  for (const auto& dir : search_path_) {
    struct stat st {};
    if (stat(dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) continue;
    dirs.push_back(dir);
    for (const auto& entry : directory_entries(dir))
      if (entry.ends_with(".d")) dirs.push_back(dir + "/" + entry);
  }
  return dirs;
}

void UnitLoader::apply_drop_ins(ServiceConfig& config, FileResult& result, Diagnostics& diags) const {
  for (const auto& drop_in : config.drop_in_paths) {
    auto drop_in_text = read_unit_file(drop_in);
    if (!drop_in_text.text) {
      diags.error({drop_in, 0}, "Cannot read drop-in: " + drop_in_text.error);
      result.syntax_ok = false;
      continue;
    }
    FileResult part = apply_file(drop_in, *drop_in_text.text, config, diags);
    result.syntax_ok = result.syntax_ok && part.syntax_ok;
    result.values_ok = result.values_ok && part.values_ok;
  }
}

void UnitLoader::add_directory_dependencies(ServiceConfig& config, Diagnostics& diags) const {
  std::vector<std::string> names{config.name};
  names.insert(names.end(), config.aliases.begin(), config.aliases.end());
  if (auto template_name = template_of(config.name)) names.push_back(*template_name);
  // Only names some directory has a .wants/ or .requires/ for: the name map
  // knows every entry of the search path, so most units cost no system call.
  std::vector<std::string> with_dirs;
  for (const auto& name : names)
    if (names_.find(name + ".wants") || names_.find(name + ".requires")) with_dirs.push_back(name);
  DependencyDirs dirs;
  if (!with_dirs.empty()) dirs = read_dependency_dirs(search_path_, with_dirs, config.name, diags);
  for (const auto& name : names) {
    if (auto it = builtin_wants_.find(name); it != builtin_wants_.end())
      dirs.wants.insert(dirs.wants.end(), it->second.begin(), it->second.end());
  }
  auto add = [&config](std::vector<std::string>& list, const std::vector<std::string>& more) {
    for (const auto& n : more)
      if (n != config.name && std::find(list.begin(), list.end(), n) == list.end()) list.push_back(n);
  };
  add(config.wants, dirs.wants);
  add(config.requires_, dirs.requires_);
}

}  // namespace vermilion
