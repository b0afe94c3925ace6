#include "unit_loader.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vermilion {
namespace {

const std::string kCorpus = std::string(VERMILION_TEST_DATA_DIR) + "/units";

ManagerIdentity test_identity() {
  ManagerIdentity id;
  id.scope = ManagerScope::system;
  id.user_name = "root";
  id.home = "/root";
  id.runtime_dir = "/run";
  id.host_name = "testhost";
  return id;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> files_in(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.ends_with(suffix)) names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string formatted(const Diagnostics& diags) {
  std::string out;
  for (auto& d : diags.items()) out += format_diagnostic(d) + "\n";
  return out;
}

// Each broken/NAME.service has NAME.expected: the exact diagnostics, paths
// relative to the corpus directory.
TEST(UnitLoaderCorpus, BrokenUnitsReportExactly) {
  UnitLoader loader({}, test_identity());
  auto units = files_in(kCorpus + "/broken", ".service");
  ASSERT_GE(units.size(), 15u);
  for (auto& unit : units) {
    SCOPED_TRACE(unit);
    Diagnostics diags;
    auto config = loader.load_text(unit, unit, read_file(kCorpus + "/broken/" + unit), diags);
    std::string expected_path = kCorpus + "/broken/" + unit.substr(0, unit.size() - 8) + ".expected";
    EXPECT_EQ(formatted(diags), read_file(expected_path));
    EXPECT_FALSE(diags.items().empty());
    if (diags.has_errors()) EXPECT_NE(config.load_state, LoadState::loaded);
    else EXPECT_EQ(config.load_state, LoadState::loaded);
  }
}

TEST(UnitLoaderCorpus, GoodUnitsLoadWithOnlyWarnings) {
  UnitLoader loader({kCorpus + "/good"}, test_identity());
  auto units = files_in(kCorpus + "/good", ".service");
  ASSERT_GE(units.size(), 3u);
  for (auto& unit : units) {
    SCOPED_TRACE(unit);
    Diagnostics diags;
    auto config = loader.load_file(kCorpus + "/good/" + unit, diags);
    EXPECT_FALSE(diags.has_errors()) << formatted(diags);
    EXPECT_EQ(config.load_state, LoadState::loaded);
  }
}

}  // namespace
}  // namespace vermilion
