// systemd's unit generators (systemd.generator(7), systemd 252
// src/core/manager.c manager_run_generators, src/shared/path-lookup.c), for
// `vermiliond --systemd-paths`: small programs packages ship (Debian's
// postgresql-generator wants one postgresql@VERSION-CLUSTER.service per
// cluster; systemd-getty-generator, systemd-fstab-generator, ...) that
// write units and .wants links into three output directories before units
// are loaded, at start and at each reload. The output directories join the
// unit search path where systemd puts them. What to run and where it goes
// is here; running them is the supervisor's (asynchronously, with a time
// limit).
#pragma once

#include <string>
#include <vector>

#include "units/runtime_scope.h"

namespace vermilion {

// The three output directories, each passed as an argument (in this order:
// normal, early, late) to every generator.
//   system: /run/systemd/generator, /run/systemd/generator.early,
//           /run/systemd/generator.late
//   user:   RUNTIME_DIR/systemd/generator{,.early,.late}
struct GeneratorOutput {
  std::string normal, early, late;
};
[[nodiscard]] GeneratorOutput generator_output_dirs(RuntimeScope scope, const RuntimeIdentity& identity);

// Where generators are found, first wins for a file name:
//   system: /run/systemd/system-generators, /etc/systemd/system-generators,
//           /usr/local/lib/systemd/system-generators,
//           /lib/systemd/system-generators, /usr/lib/systemd/system-generators
//   user:   the same with user-generators
[[nodiscard]] std::vector<std::string> generator_search_dirs(RuntimeScope scope);

// The generators to run, in file-name order: each name once, from the first
// directory holding it. A name whose first file is a link to /dev/null or
// empty is masked (none of that name runs), as systemd's conf_files_list
// does; names starting with '.', and files that are not executable regular
// files, are skipped. Missing directories are skipped.
[[nodiscard]] std::vector<std::string> find_generators(const std::vector<std::string>& dirs);

// Empties (or creates) the three output directories, as systemd does
// before each run, so that what a generator no longer writes is gone.
// Returns 0 or the first -errno; messages are the caller's.
[[nodiscard]] int reset_generator_output(const GeneratorOutput& out);

// The unit search path with the output directories where systemd 252's
// lookup_paths_init puts them: early before the first directory, normal
// right after /run/systemd/system (or /run/systemd/user; at the end when
// neither is there), late at the end.
[[nodiscard]] std::vector<std::string> with_generator_output(std::vector<std::string> unit_dirs,
                                                             const GeneratorOutput& out);

}  // namespace vermilion
