// The .wants/ and .requires/ directories of a unit: what `systemctl enable`
// writes (WantedBy=T links T.wants/NAME) and what makes a unit pull another
// in without a line in its file. As systemd 252's process_deps()
// (src/core/load-dropin.c) and unit_file_find_dropin_paths()
// (src/shared/dropin.c): for the unit's name, each alias and its template,
// in every directory of the search path, each entry NAME.wants/X adds
// Wants=X (.requires/: Requires=X). The entry's name is what counts, not
// where it points; the first directory holding a file name wins (a link to
// /dev/null there masks that dependency); an entry that is not a symlink,
// or not a valid unit name, is skipped with a warning; a template entry
// (foo@.service) gets the unit's instance, or its prefix when it has none.
//
// Never blocks and is bounded (issue 11): directories are opened with
// O_NONBLOCK|O_DIRECTORY (a FIFO or device in their place is refused
// without waiting), entries are only lstat'ed and stat'ed, never opened,
// and at most kMaxEntries are read per directory. Every problem names the
// unit and the path.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "units/diagnostics.h"

namespace vermilion {

struct DependencyDirs {
  std::vector<std::string> wants;      // unit names, sorted, no duplicates
  std::vector<std::string> requires_;
};

// Entries past this many in one directory are left out, with an error.
inline constexpr std::size_t kMaxDependencyDirEntries = 16384;

// `unit` is the loaded unit's canonical name (instances resolve template
// entries from it, messages name it); `names` the names whose directories
// apply (the unit's own, aliases, template), each looked for as
// DIR/NAME.wants and DIR/NAME.requires in every directory of `search_path`.
// Problems go to diags as warnings (an unreadable directory, a bad entry,
// too many entries): a unit never fails to load because of them, as in
// systemd, which logs and ignores them.
[[nodiscard]] DependencyDirs read_dependency_dirs(const std::vector<std::string>& search_path,
                                                  const std::vector<std::string>& names,
                                                  const std::string& unit, Diagnostics& diags);

}  // namespace vermilion
