#include "units/dependency_dirs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "common/unit_name.h"

namespace vermilion {
namespace {

struct Entry {
  std::string path;  // DIR/NAME.wants/ENTRY
  int dir_fd = -1;   // valid while the directories are open
};

struct CloseDir {
  void operator()(DIR* d) const { ::closedir(d); }
};
using OpenDir = std::unique_ptr<DIR, CloseDir>;

// systemd's null_or_empty(): /dev/null itself (a character device with its
// numbers) or an empty regular file. Follows the link with stat(2), which
// opens nothing.
bool masked(int dir_fd, const char* name) {
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, 0) < 0) return false;  // dangling: not a mask
  if (S_ISCHR(st.st_mode)) return major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
  return S_ISREG(st.st_mode) && st.st_size == 0;
}

// A template entry takes the unit's instance, or its prefix (systemd's
// unit_add_dependency_by_name() -> resolve_template()).
std::string resolve_template(const std::string& entry, const std::string& unit) {
  auto parts = split_supported_unit_name(entry);
  if (!parts || !parts->is_template) return entry;
  auto self = split_supported_unit_name(unit);
  std::string instance = self ? (self->instance.empty() ? self->prefix : self->instance) : "";
  return parts->prefix + "@" + instance + "." + std::string(unit_type_of(entry));
}

}  // namespace

DependencyDirs read_dependency_dirs(const std::vector<std::string>& search_path,
                                    const std::vector<std::string>& names, const std::string& unit,
                                    Diagnostics& diags) {
  DependencyDirs out;
  for (auto [suffix, list] : {std::pair{".wants", &out.wants}, {".requires", &out.requires_}}) {
    std::vector<OpenDir> open_dirs;  // open until their entries are checked
    std::map<std::string, Entry> by_name;  // the first directory holding a name wins
    for (const auto& dir : search_path) {
      for (const auto& name : names) {
        std::string path = dir + "/" + name + suffix;
        // O_NONBLOCK: a FIFO put where the directory should be is refused
        // (ENOTDIR) instead of waiting for a writer.
        int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
          if (errno != ENOENT)
            diags.warn({path, 0}, unit + ": cannot read " + path + ", ignoring it: " + std::strerror(errno));
          continue;
        }
        DIR* d = ::fdopendir(fd);
        if (!d) {
          diags.warn({path, 0}, unit + ": cannot read " + path + ", ignoring it: " + std::strerror(errno));
          ::close(fd);
          continue;
        }
        open_dirs.emplace_back(d);
        std::size_t count = 0;
        while (dirent* e = ::readdir(d)) {
          std::string entry = e->d_name;
          if (entry == "." || entry == "..") continue;
          if (++count > kMaxDependencyDirEntries) {
            diags.warn({path, 0}, unit + ": " + path + " holds more than " +
                                      std::to_string(kMaxDependencyDirEntries) +
                                      " entries; ignoring the rest");
            break;
          }
          by_name.emplace(entry, Entry{path + "/" + entry, ::dirfd(d)});
        }
      }
    }
    const char* kind = suffix == std::string_view(".wants") ? "Wants" : "Requires";
    for (const auto& [entry, where] : by_name) {
      if (masked(where.dir_fd, entry.c_str())) continue;  // systemd: "masked by ..., ignoring"
      struct stat st {};
      if (::fstatat(where.dir_fd, entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        diags.warn({where.path, 0}, unit + ": " + kind + " dependency " + where.path +
                                        " unreadable, ignoring: " + std::strerror(errno));
        continue;
      }
      if (!S_ISLNK(st.st_mode)) {
        diags.warn({where.path, 0},
                   unit + ": " + kind + " dependency " + where.path + " is not a symlink, ignoring.");
        continue;
      }
      if (!is_valid_unit_name(entry)) {
        diags.warn({where.path, 0},
                   unit + ": " + kind + " dependency " + where.path + " is not a valid unit name, ignoring.");
        continue;
      }
      if (!is_supported_unit_type(unit_type_of(entry))) {
        // As a Requires= line naming such a unit (units/unit_keys.h).
        if (list == &out.requires_)
          diags.warn({where.path, 0}, unit + ": Requires dependency on " + entry +
                                          " ignored: Vermilion runs only services and targets");
        continue;
      }
      std::string dependency = resolve_template(entry, unit);
      if (dependency != unit && std::find(list->begin(), list->end(), dependency) == list->end())
        list->push_back(std::move(dependency));
    }
    std::sort(list->begin(), list->end());
  }
  return out;
}

}  // namespace vermilion
