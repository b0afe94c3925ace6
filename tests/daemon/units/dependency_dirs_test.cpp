#include "units/dependency_dirs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace vermilion {
namespace {

using Names = std::vector<std::string>;

std::string formatted(const Diagnostics& diags) {
  std::string out;
  for (auto& d : diags.items()) out += format_diagnostic(d) + "\n";
  return out;
}

class DependencyDirsTest : public ::testing::Test {
 protected:
  void link(const std::string& target, const std::string& path) {
    std::string full = dir_.path() + "/" + path;
    ::mkdir(full.substr(0, full.rfind('/')).c_str(), 0755);
    ASSERT_EQ(::symlink(target.c_str(), full.c_str()), 0) << full;
  }
  testing::TempDir dir_;
};

TEST_F(DependencyDirsTest, EntriesOfEveryNameAreSortedAndUnique) {
  link("../b.service", "t.target.wants/b.service");
  link("../a.service", "alias.target.wants/a.service");
  link("../b.service", "alias.target.wants/b.service");
  link("../r.service", "t.target.requires/r.service");
  link("../t.target", "t.target.wants/t.target");  // itself: no edge
  Diagnostics diags;
  DependencyDirs dirs = read_dependency_dirs({dir_.path()}, {"t.target", "alias.target"}, "t.target", diags);
  EXPECT_EQ(dirs.wants, (Names{"a.service", "b.service"}));
  EXPECT_EQ(dirs.requires_, (Names{"r.service"}));
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
}

// A template entry gets the instance of the unit, or its prefix.
TEST_F(DependencyDirsTest, TemplateEntriesTakeTheInstance) {
  link("../log@.service", "getty@.service.wants/log@.service");
  Diagnostics diags;
  EXPECT_EQ(read_dependency_dirs({dir_.path()}, {"getty@.service"}, "getty@tty1.service", diags).wants,
            (Names{"log@tty1.service"}));
  link("../log@.service", "web.service.wants/log@.service");
  EXPECT_EQ(read_dependency_dirs({dir_.path()}, {"web.service"}, "web.service", diags).wants,
            (Names{"log@web.service"}));
}

// Types Vermilion does not run are dropped: silently from .wants/, with a
// warning from .requires/ (as Requires= lines).
TEST_F(DependencyDirsTest, TypesNotRunAreDropped) {
  link("/x", "t.target.wants/a.socket");
  link("/x", "t.target.requires/b.timer");
  Diagnostics diags;
  DependencyDirs dirs = read_dependency_dirs({dir_.path()}, {"t.target"}, "t.target", diags);
  EXPECT_TRUE(dirs.wants.empty());
  EXPECT_TRUE(dirs.requires_.empty());
  EXPECT_EQ(formatted(diags), dir_.path() + "/t.target.requires/b.timer: warning: t.target: Requires dependency on "
                                            "b.timer ignored: Vermilion runs only services and targets\n");
}

// Bounded (issue 11): past kMaxDependencyDirEntries, the rest is left out
// with a warning naming the unit and the directory.
TEST_F(DependencyDirsTest, TooManyEntriesAreCutWithAWarning) {
  ::mkdir((dir_.path() + "/t.target.wants").c_str(), 0755);
  for (std::size_t i = 0; i <= kMaxDependencyDirEntries; ++i)
    ASSERT_EQ(::symlink("/x", (dir_.path() + "/t.target.wants/s" + std::to_string(i) + ".service").c_str()), 0);
  Diagnostics diags;
  DependencyDirs dirs = read_dependency_dirs({dir_.path()}, {"t.target"}, "t.target", diags);
  EXPECT_EQ(dirs.wants.size(), kMaxDependencyDirEntries);
  EXPECT_EQ(formatted(diags), dir_.path() + "/t.target.wants: warning: t.target: " + dir_.path() +
                                  "/t.target.wants holds more than 16384 entries; ignoring the rest\n");
}

}  // namespace
}  // namespace vermilion
