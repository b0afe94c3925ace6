// What the unit search path holds, read once: for each file name, the first
// directory that has it and whether it is a symlink there. Loading a unit,
// finding its aliases and listing units then cost a map lookup instead of a
// scan of every directory, so loading N units is linear in N. systemd keeps
// the same map (unit_file_build_name_map(), src/shared/unit-file.c) and
// rebuilds it when a directory of the search path changes; so does this,
// by comparing each directory's inode and modification time.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vermilion {

class UnitNameMap {
 public:
  struct Entry {
    std::string path;  // directory + "/" + file name, in the first directory that has it
    bool symlink = false;
    std::size_t directory = 0;  // its directory's place in the search path
  };

  explicit UnitNameMap(std::vector<std::string> search_path) : search_path_(std::move(search_path)) {}

  // Reads the directories again if any changed (an entry added, removed or
  // renamed; a directory that appeared or vanished) since the last read.
  // True when it did. Costs one stat(2) per directory when nothing changed.
  bool refresh();

  // The first directory's entry of that name, or nullptr. As of the last
  // refresh().
  [[nodiscard]] const Entry* find(std::string_view file_name) const;
  // Every file name (not "." or ".."), sorted, with its entry.
  [[nodiscard]] const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }

 private:
  struct Stamp {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    timespec modified{};
  };
  [[nodiscard]] std::vector<Stamp> stamps() const;

  std::vector<std::string> search_path_;
  std::vector<Stamp> stamps_;
  bool read_ = false;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace vermilion
