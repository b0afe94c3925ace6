#include "units/unit_install.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>

#include "common/regular_file.h"
#include "common/unit_name.h"

namespace vermilion {
namespace {

constexpr const char* kDevNull = "/dev/null";

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// readlink(2) as a string; nullopt when not a symlink.
std::optional<std::string> read_link(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// mkdir -p, 0755 as systemctl makes them.
int make_dirs(const std::string& dir) {
  if (dir.empty() || dir == "/") return 0;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
  if (int r = make_dirs(dir_name(dir)); r < 0) return r;
  if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) return -errno;
  return 0;
}

struct DirCloser {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};

// Names in `dir` (no . and ..), sorted; empty when it cannot be read.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
  if (!d) return out;
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Every symlink in `dir` and in its NAME.wants/ and NAME.requires/ (where
// install.c puts them), as (path, where it points).
std::vector<std::pair<std::string, std::string>> links_in(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& name : entries(dir)) {
    std::string path = dir + "/" + name;
    if (auto target = read_link(path)) {
      out.emplace_back(path, *target);
    } else if ((name.ends_with(".wants") || name.ends_with(".requires")) && is_dir(path)) {
      for (const std::string& inner : entries(path))
        if (auto inner_target = read_link(path + "/" + inner)) out.emplace_back(path + "/" + inner, *inner_target);
    }
  }
  return out;
}

std::string instance_of(const std::string& name) {
  auto parts = name.find('@');
  auto dot = name.rfind('.');
  if (parts == std::string::npos || dot == std::string::npos || dot < parts) return "";
  return name.substr(parts + 1, dot - parts - 1);
}

bool is_template(const std::string& name) {
  auto at = name.find('@');
  return at != std::string::npos && name.size() > at + 1 && name[at + 1] == '.';
}

// "t@.service" + "x" -> "t@x.service".
std::string with_instance(const std::string& template_name, const std::string& instance) {
  auto at = template_name.find('@');
  return template_name.substr(0, at + 1) + instance + template_name.substr(at + 1);
}

std::string template_name_of(const std::string& name) {
  std::string instance = instance_of(name);
  if (instance.empty()) return name;
  auto at = name.find('@');
  return name.substr(0, at + 1) + name.substr(at + 1 + instance.size());
}

// unlink(2) of a link, reported as systemctl does. 0 or -errno.
int remove_link(const std::string& path, std::vector<InstallChange>& changes, Diagnostics& diags) {
  if (::unlink(path.c_str()) < 0) {
    int r = -errno;
    diags.error({path, 0}, std::string("cannot remove link: ") + std::strerror(-r));
    return r;
  }
  changes.push_back({InstallChange::Kind::unlink, path, {}});
  return 0;
}

// Keeps the first error of several: what systemctl reports.
void keep_first(int& result, int r) {
  if (r < 0 && result == 0) result = r;
}

// 0, or -EINVAL with systemctl's message.
int check_name(const std::string& name, Diagnostics& diags) {
  if (is_valid_unit_name(name)) return 0;
  diags.error({}, "Invalid unit name \"" + name + "\".");
  return -EINVAL;
}

}  // namespace

const char* to_string(UnitFileOperation op) {
  switch (op) {
    case UnitFileOperation::enable: return "enable";
    case UnitFileOperation::disable: return "disable";
    case UnitFileOperation::reenable: return "reenable";
    case UnitFileOperation::mask: return "mask";
    case UnitFileOperation::unmask: return "unmask";
  }
  return "?";
}

int UnitInstaller::change(UnitFileOperation op, const std::vector<std::string>& names,
                          std::vector<InstallChange>& changes, Diagnostics& diags) const {
  switch (op) {
    case UnitFileOperation::enable: return enable(names, changes, diags);
    case UnitFileOperation::disable: return disable(names, changes, diags);
    case UnitFileOperation::reenable: return reenable(names, changes, diags);
    case UnitFileOperation::mask: return mask(names, changes, diags);
    case UnitFileOperation::unmask: return unmask(names, changes, diags);
  }
  return -EINVAL;
}

const char* to_string(UnitFileState state) {
  switch (state) {
    case UnitFileState::enabled: return "enabled";
    case UnitFileState::enabled_runtime: return "enabled-runtime";
    case UnitFileState::linked: return "linked";
    case UnitFileState::linked_runtime: return "linked-runtime";
    case UnitFileState::alias: return "alias";
    case UnitFileState::masked: return "masked";
    case UnitFileState::masked_runtime: return "masked-runtime";
    case UnitFileState::static_: return "static";
    case UnitFileState::indirect: return "indirect";
    case UnitFileState::disabled: return "disabled";
  }
  return "bad";
}

std::string describe(const InstallChange& change) {
  if (change.kind == InstallChange::Kind::symlink)
    return "Created symlink " + change.path + " \u2192 " + change.target + ".";
  return "Removed \"" + change.path + "\".";
}

// Where a name leads in the search path.
struct UnitInstaller::Found {
  std::string dir;         // the unit directory it was found in
  std::string path;        // dir/NAME (or dir/TEMPLATE for an instance)
  std::string file;        // the unit file itself, symlinks followed
  std::string unit_name;   // the unit's own name (an alias's target), with the asked instance
  bool masked = false;     // path is a link to /dev/null
  bool linked = false;     // path is a link to a file of the same name outside the search path
};

std::optional<UnitInstaller::Found> UnitInstaller::find(const std::string& name) const {
  std::string instance = instance_of(name);
  for (const std::string& candidate : {name, template_name_of(name)}) {
    for (const std::string& dir : paths_.search_path) {
      Found f;
      f.dir = dir;
      f.path = dir + "/" + candidate;
      if (!exists(f.path)) continue;
      f.unit_name = name;
      f.file = f.path;
      // Follow links: to /dev/null (masked), to another unit (an alias), or
      // to a file elsewhere (linked). Bounded, as systemd's chase is.
      for (int hops = 0; hops < 32; ++hops) {
        auto target = read_link(f.file);
        if (!target) break;
        std::string absolute = target->starts_with('/') ? *target : dir_name(f.file) + "/" + *target;
        if (absolute == kDevNull) {
          f.masked = true;
          break;
        }
        std::string target_name = base_name(absolute);
        bool inside = std::any_of(paths_.search_path.begin(), paths_.search_path.end(),
                                  [&](const std::string& d) { return dir_name(absolute) == d; });
        if (!inside && hops == 0 && target_name == candidate) f.linked = true;
        if (target_name != base_name(f.file)) {
          f.unit_name = instance.empty() || !is_template(target_name) ? target_name
                                                                         : with_instance(target_name, instance);
        }
        f.file = absolute;
      }
      return f;
    }
    if (instance.empty()) break;
  }
  return std::nullopt;
}

int UnitInstaller::default_target(std::string& out) const {
  auto found = find("default.target");
  if (!found) return -ENOENT;
  if (found->masked) return -ERFKILL;
  out = found->unit_name;
  return 0;
}

InstallSection UnitInstaller::install_section(const Found& found, Diagnostics& diags) const {
  std::string text;
  if (int r = read_regular_file(found.file, kMaxUnitFileBytes, text); r < 0) {
    diags.error({found.file, 0}, "cannot read unit file: " + read_error_text(r, kMaxUnitFileBytes));
    return {};
  }
  return parse_install_section(found.unit_name, text, found.file, diags);
}

int UnitInstaller::link(const std::string& path, const std::string& target, std::vector<InstallChange>& changes,
                        Diagnostics& diags) const {
  if (auto existing = read_link(path)) {
    if (*existing == target) return 0;  // already there
    diags.error({path, 0}, "File " + path + " already exists and is a symlink to " + *existing + ".");
    return -EEXIST;
  }
  if (exists(path)) {
    diags.error({path, 0}, "File " + path + " already exists.");
    return -EEXIST;
  }
  if (int r = make_dirs(dir_name(path)); r < 0) {
    diags.error({dir_name(path), 0}, std::string("cannot create directory: ") + std::strerror(-r));
    return r;
  }
  if (::symlink(target.c_str(), path.c_str()) < 0) {
    int r = -errno;
    diags.error({path, 0}, std::string("cannot create symlink: ") + std::strerror(-r));
    return r;
  }
  changes.push_back({InstallChange::Kind::symlink, path, target});
  return 0;
}

int UnitInstaller::install(const std::string& name, std::vector<std::string>& visited,
                           std::vector<InstallChange>& changes, Diagnostics& diags) const {
  if (std::find(visited.begin(), visited.end(), name) != visited.end()) return 0;
  visited.push_back(name);
  if (int r = check_name(name, diags); r < 0) return r;
  auto found = find(name);
  if (!found) {
    diags.error({}, "Unit file " + name + " does not exist.");
    return -ENOENT;
  }
  if (found->masked) {
    diags.error({found->path, 0}, "Failed to enable unit, unit " + found->path + " is masked.");
    return -ERFKILL;
  }
  InstallSection section = install_section(*found, diags);
  int result = 0;
  auto keep = [&](int r) { keep_first(result, r); };
  const std::string& unit = found->unit_name;
  auto wants = [&](const std::vector<std::string>& targets, const char* suffix) {
    for (const std::string& target : targets) {
      std::string link_name = unit;
      if (is_template(unit)) {
        // A template needs an instance: its own default, or the target's.
        if (!section.default_instance.empty()) {
          link_name = with_instance(unit, section.default_instance);
        } else if (!instance_of(target).empty()) {
          link_name = with_instance(unit, instance_of(target));
        } else if (!is_template(target)) {
          diags.error({found->file, 0}, "Failed to enable " + unit + ", destination unit " + target +
                                            " is a non-template unit.");
          keep(-EINVAL);
          continue;
        }
      }
      keep(link(paths_.config + "/" + target + suffix + "/" + link_name, found->file, changes, diags));
    }
  };
  for (const std::string& alias : section.alias) {
    std::string name_of_link = is_template(alias) && !instance_of(unit).empty()
                                   ? with_instance(alias, instance_of(unit))
                                   : alias;
    keep(link(paths_.config + "/" + name_of_link, found->file, changes, diags));
  }
  wants(section.wanted_by, ".wants");
  wants(section.required_by, ".requires");
  for (const std::string& also : section.also) keep(install(also, visited, changes, diags));
  if (!section.has_rules() && section.also.empty())
    diags.warn({found->file, 0}, "The unit files have no installation config (WantedBy=, RequiredBy=, Also=, "
                                 "Alias= settings in the [Install] section, and DefaultInstance= for template "
                                 "units). This means they are not meant to be enabled using systemctl.");
  return result;
}

void UnitInstaller::collect_names(const std::string& name, std::vector<std::string>& names,
                                  Diagnostics& diags) const {
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  names.push_back(name);
  auto found = find(name);
  if (!found || found->masked) return;
  if (found->unit_name != name) names.push_back(found->unit_name);
  Diagnostics quiet;  // reported by enable; disable must work on a broken unit too
  InstallSection install = install_section(*found, quiet);
  for (const std::string& alias : install.alias) names.push_back(alias);
  for (const std::string& also : install.also) collect_names(also, names, diags);
}

int UnitInstaller::enable(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                          Diagnostics& diags) const {
  std::vector<std::string> visited;
  int result = 0;
  for (const std::string& name : names)
    keep_first(result, install(name, visited, changes, diags));
  return result;
}

int UnitInstaller::links_of(const std::vector<std::string>& names, bool runtime, std::vector<std::string>& out,
                            Diagnostics& diags) const {
  std::vector<std::string> marked;
  for (const std::string& name : names) {
    if (int r = check_name(name, diags); r < 0) return r;
    collect_names(name, marked, diags);
  }
  auto is_marked = [&](const std::string& n) {
    return std::find(marked.begin(), marked.end(), n) != marked.end();
  };
  const std::string& dir = runtime ? paths_.runtime_config : paths_.config;
  if (dir.empty()) return 0;
  for (const auto& [path, target] : links_in(dir)) {
    if (target == kDevNull) continue;  // masks stay: unmask removes them
    std::string link_name = base_name(path), target_name = base_name(target);
    if (!is_marked(link_name) && !is_marked(target_name) && !is_marked(template_name_of(link_name))) continue;
    out.push_back(path);
  }
  return 0;
}

int UnitInstaller::disable(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                           Diagnostics& diags) const {
  std::vector<std::string> links;
  if (int r = links_of(names, false, links, diags); r < 0) return r;
  int result = 0;
  for (const std::string& path : links) keep_first(result, remove_link(path, changes, diags));
  return result;
}

int UnitInstaller::set_default(const std::string& name, bool force, std::vector<InstallChange>& changes,
                               Diagnostics& diags) const {
  // unit_file_set_default(): a target, not default.target itself.
  if (!is_valid_unit_name(name) || !name.ends_with(".target") || name == "default.target") {
    diags.error({}, "Invalid argument");
    return -EINVAL;
  }
  auto found = find(name);
  if (!found) {
    diags.error({}, "Unit file " + name + " does not exist.");
    return -ENOENT;
  }
  if (found->masked) {
    diags.error({found->path, 0}, "Unit file " + found->path + " is masked.");
    return -ERFKILL;
  }
  // create_symlink(): with force (systemctl set-default always passes it)
  // a link elsewhere is replaced, reported as its removal and the new link.
  // The replacement is atomic, as systemd's symlink_atomic(): a new link
  // beside it, renamed over it, so no moment is without a default.target.
  const std::string path = paths_.config + "/default.target";
  if (auto existing = read_link(path); existing && force) {
    if (*existing == found->file) return 0;
    const std::string temporary = path + ".vermilion-new";
    (void)::unlink(temporary.c_str());  // left by a crash
    if (::symlink(found->file.c_str(), temporary.c_str()) < 0 || ::rename(temporary.c_str(), path.c_str()) < 0) {
      int r = -errno;
      (void)::unlink(temporary.c_str());
      diags.error({path, 0}, std::string("cannot replace symlink: ") + std::strerror(-r));
      return r;
    }
    changes.push_back({InstallChange::Kind::unlink, path, {}});
    changes.push_back({InstallChange::Kind::symlink, path, found->file});
    return 0;
  }
  return link(path, found->file, changes, diags);
}

int UnitInstaller::reenable(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                            Diagnostics& diags) const {
  if (int r = disable(names, changes, diags); r < 0) return r;
  return enable(names, changes, diags);
}

int UnitInstaller::mask(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                        Diagnostics& diags) const {
  int result = 0;
  for (const std::string& name : names) {
    if (int r = check_name(name, diags); r < 0) {
      keep_first(result, r);
      continue;
    }
    keep_first(result, link(paths_.config + "/" + name, kDevNull, changes, diags));
  }
  return result;
}

int UnitInstaller::unmask(const std::vector<std::string>& names, std::vector<InstallChange>& changes,
                          Diagnostics& diags) const {
  int result = 0;
  for (const std::string& name : names) {
    if (int r = check_name(name, diags); r < 0) {
      keep_first(result, r);
      continue;
    }
    // Only the persistent mask: systemctl unmask leaves /run's (--runtime).
    std::string path = paths_.config + "/" + name;
    if (read_link(path) != std::optional<std::string>(kDevNull)) continue;
    keep_first(result, remove_link(path, changes, diags));
  }
  return result;
}

// How `dir` (or its .wants/.requires) links `name`: by a link named after
// it (or, for a template, after its DefaultInstance=) pointing at its file,
// or by an Alias= link to it: `exact`; only through links to instances of a
// template: `instances` (systemd calls the template "indirect" then).
UnitInstaller::Linked UnitInstaller::linked_in(const std::string& dir, const Found& found, const std::string& name,
                                               const std::string& default_instance) const {
  if (dir.empty()) return Linked::none;
  std::string file_name = base_name(found.file);
  Linked result = Linked::none;
  for (const auto& [path, target] : links_in(dir)) {
    if (target == kDevNull || base_name(target) != file_name || path == found.path) continue;
    std::string link_name = base_name(path);
    if (dir_name(path) == dir) {  // an Alias= link; one of an instance only enables that instance
      if (is_template(name) && !instance_of(link_name).empty()) {
        result = Linked::instances;
        continue;
      }
      return Linked::exact;
    }
    if (link_name == name || link_name == found.unit_name) return Linked::exact;
    if (is_template(name) && !default_instance.empty() && link_name == with_instance(name, default_instance))
      return Linked::exact;
    if (is_template(name) && template_name_of(link_name) == name) result = Linked::instances;
  }
  return result;
}

std::optional<UnitFileState> UnitInstaller::state(const std::string& name) const {
  if (!is_valid_unit_name(name)) return std::nullopt;
  auto found = find(name);
  if (!found) return std::nullopt;
  bool runtime = !paths_.runtime_config.empty() && found->dir == paths_.runtime_config;
  if (found->masked) return runtime ? UnitFileState::masked_runtime : UnitFileState::masked;
  // Asked by an alias: a name that is a link to another unit's name (not
  // for instances: unit_file_lookup_state() checks their links instead).
  if (found->unit_name != name && instance_of(name).empty()) return UnitFileState::alias;
  Diagnostics quiet;
  InstallSection install = install_section(*found, quiet);
  Linked persistent = linked_in(paths_.config, *found, name, install.default_instance);
  if (persistent == Linked::exact) return UnitFileState::enabled;
  Linked in_runtime = linked_in(paths_.runtime_config, *found, name, install.default_instance);
  if (in_runtime == Linked::exact) return UnitFileState::enabled_runtime;
  if (found->linked) return runtime ? UnitFileState::linked_runtime : UnitFileState::linked;
  if (persistent == Linked::instances || in_runtime == Linked::instances) return UnitFileState::indirect;
  if (install.has_rules()) return UnitFileState::disabled;
  if (!install.also.empty()) return UnitFileState::indirect;
  return UnitFileState::static_;
}

std::map<std::string, UnitFileState> UnitInstaller::list() const {
  std::map<std::string, UnitFileState> out;
  for (const std::string& dir : paths_.search_path) {
    for (const std::string& name : entries(dir)) {
      if (out.count(name) || !is_valid_unit_name(name) || is_dir(dir + "/" + name)) continue;
      if (auto s = state(name)) out.emplace(name, *s);
    }
  }
  return out;
}

std::vector<std::pair<std::string, UnitFileState>> UnitInstaller::list_paths() const {
  std::vector<std::pair<std::string, UnitFileState>> out;
  std::map<std::string, bool> seen;
  for (const std::string& dir : paths_.search_path) {
    for (const std::string& name : entries(dir)) {
      if (seen.count(name) || !is_valid_unit_name(name) || is_dir(dir + "/" + name)) continue;
      seen.emplace(name, true);
      if (auto s = state(name)) out.emplace_back(dir + "/" + name, *s);
    }
  }
  return out;
}

}  // namespace vermilion
