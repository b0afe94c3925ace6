#include "units/unit_name_map.h"

#include <dirent.h>
#include <sys/stat.h>

namespace vermilion {
namespace {

bool same(const timespec& a, const timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

}  // namespace

std::vector<UnitNameMap::Stamp> UnitNameMap::stamps() const {
  std::vector<Stamp> out;
  out.reserve(search_path_.size());
  for (const auto& dir : search_path_) {
    struct stat st {};
    Stamp stamp;
    if (::stat(dir.c_str(), &st) == 0) stamp = {true, st.st_dev, st.st_ino, st.st_mtim};
    out.push_back(stamp);
  }
  return out;
}

bool UnitNameMap::refresh() {
  std::vector<Stamp> now = stamps();
  if (read_) {
    bool changed = false;
    for (std::size_t i = 0; i < now.size() && !changed; ++i) {
      const Stamp& a = now[i];
      const Stamp& b = stamps_[i];
      changed = a.exists != b.exists || a.device != b.device || a.inode != b.inode || !same(a.modified, b.modified);
    }
    if (!changed) return false;
  }
  std::map<std::string, Entry, std::less<>> entries;
  for (std::size_t index = 0; index < search_path_.size(); ++index) {
    const std::string& dir = search_path_[index];
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) continue;
    while (dirent* entry = ::readdir(d)) {
      std::string name = entry->d_name;
      if (name == "." || name == ".." || entries.count(name)) continue;  // the first directory wins
      std::string path = dir + "/" + name;
      bool symlink = entry->d_type == DT_LNK;
      if (entry->d_type == DT_UNKNOWN) {  // some file systems do not say
        struct stat st {};
        symlink = ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
      }
      entries.emplace(std::move(name), Entry{std::move(path), symlink, index});
    }
    ::closedir(d);
  }
  entries_ = std::move(entries);
  stamps_ = std::move(now);
  read_ = true;
  return true;
}

const UnitNameMap::Entry* UnitNameMap::find(std::string_view file_name) const {
  auto it = entries_.find(file_name);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace vermilion
