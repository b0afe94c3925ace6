// Enablement against systemd 252 itself: each tests/data/install/NAME.case
// is replayed here on a fresh tree, and what UnitInstaller leaves (links,
// exit status, states) must equal NAME.expected, which
// scripts/record-install-oracle.sh recorded from `systemctl --root`.
#include "units/unit_install.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace vermilion {
namespace {

namespace fs = std::filesystem;
const std::string kCases = std::string(VERMILION_TEST_DATA_DIR) + "/install";

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// What systemd's tree looks like under `root`: its system search path, links
// into /etc/systemd/system, runtime links in /run/systemd/system.
InstallPaths paths_under(const std::string& root) {
  InstallPaths p;
  for (const char* dir : {"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                          "/lib/systemd/system", "/usr/lib/systemd/system"})
    p.search_path.push_back(root + dir);
  p.config = root + "/etc/systemd/system";
  p.runtime_config = root + "/run/systemd/system";
  return p;
}

// Every link under etc/ and run/, as the recorder lists them (targets
// without the test's root, as systemctl --root writes them).
std::string links_under(const std::string& root) {
  std::vector<std::string> lines;
  for (const char* top : {"etc", "run"}) {
    fs::path base = fs::path(root) / top;
    std::error_code ec;
    if (!fs::exists(base, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(base, ec); it != fs::recursive_directory_iterator(); ++it) {
      if (!it->is_symlink()) continue;
      std::string target = fs::read_symlink(it->path()).string();
      if (target.starts_with(root)) target = target.substr(root.size());
      lines.push_back(it->path().lexically_relative(root).string() + " -> " + target);
    }
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string replay(const std::string& case_text, const std::string& root) {
  UnitInstaller installer(paths_under(root));
  std::string out;
  std::istringstream in(case_text);
  std::string line, in_file, file_text;
  while (std::getline(in, line)) {
    if (!in_file.empty()) {
      if (line == "end") {
        fs::create_directories(fs::path(root + "/" + in_file).parent_path());
        std::ofstream(root + "/" + in_file) << file_text;
        in_file.clear();
      } else {
        file_text += line + "\n";
      }
      continue;
    }
    auto w = words_of(line);
    if (w.empty() || w[0].starts_with("#")) continue;
    std::vector<std::string> args(w.begin() + 1, w.end());
    if (w[0] == "file") {
      in_file = w[1];
      file_text.clear();
    } else if (w[0] == "link") {
      fs::create_directories(fs::path(root + "/" + w[1]).parent_path());
      // Absolute targets live under the test's root, except /dev/null.
      std::string target = w[2].starts_with("/") && w[2] != "/dev/null" ? root + w[2] : w[2];
      fs::create_symlink(target, root + "/" + w[1]);
    } else if (w[0] == "run") {
      std::vector<std::string> units(args.begin() + 1, args.end());
      std::vector<InstallChange> changes;
      Diagnostics diags;
      int r = -EINVAL;
      for (auto op : {UnitFileOperation::enable, UnitFileOperation::disable, UnitFileOperation::reenable,
                      UnitFileOperation::mask, UnitFileOperation::unmask})
        if (args[0] == to_string(op)) r = installer.change(op, units, changes, diags);
      std::string joined;
      for (const auto& a : args) joined += (joined.empty() ? "" : " ") + a;
      out += "run " + joined + " -> " + (r < 0 ? "1" : "0") + "\n" + links_under(root);
    } else if (w[0] == "state") {
      for (const auto& unit : args) {
        auto s = installer.state(unit);
        out += "state " + unit + " " + (s ? to_string(*s) : "none") + "\n";
      }
    }
  }
  return out;
}

class UnitInstallOracleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(UnitInstallOracleTest, MatchesSystemctl) {
  testing::TempDir root;
  std::string expected = read_all(kCases + "/" + GetParam() + ".expected");
  ASSERT_FALSE(expected.empty()) << "run scripts/record-install-oracle.sh";
  EXPECT_EQ(replay(read_all(kCases + "/" + GetParam() + ".case"), root.path()), expected);
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kCases))
    if (e.path().extension() == ".case") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, UnitInstallOracleTest, ::testing::ValuesIn(case_names()),
                         [](const auto& param_info) { return param_info.param; });

TEST(UnitInstallTest, DescribesChangesAsSystemctl) {
  EXPECT_EQ(describe({InstallChange::Kind::symlink, "/etc/a", "/usr/b"}), "Created symlink /etc/a \u2192 /usr/b.");
  EXPECT_EQ(describe({InstallChange::Kind::unlink, "/etc/a", ""}), "Removed \"/etc/a\".");
}

// systemctl get-default: default.target's link followed, as
// unit_file_get_default() (Debian links it to graphical.target in /lib).
TEST(UnitInstallTest, DefaultTargetIsWhatTheLinkNames) {
  testing::TempDir root;
  InstallPaths paths = paths_under(root.path());
  for (const auto& dir : paths.search_path) fs::create_directories(dir);
  UnitInstaller installer(paths);
  std::string name = "unchanged";
  EXPECT_EQ(installer.default_target(name), -ENOENT) << "no default.target file";
  EXPECT_EQ(name, "unchanged");

  std::ofstream(root.path() + "/lib/systemd/system/graphical.target") << "[Unit]\nDescription=Graphical\n";
  std::ofstream(root.path() + "/lib/systemd/system/multi-user.target") << "[Unit]\nDescription=Multi-User\n";
  fs::create_symlink("graphical.target", root.path() + "/lib/systemd/system/default.target");
  ASSERT_EQ(installer.default_target(name), 0);
  EXPECT_EQ(name, "graphical.target");

  // An administrator's link in /etc wins over the vendor's.
  fs::create_symlink("/lib/systemd/system/multi-user.target", root.path() + "/etc/systemd/system/default.target");
  ASSERT_EQ(installer.default_target(name), 0);
  EXPECT_EQ(name, "multi-user.target");

  fs::remove(root.path() + "/etc/systemd/system/default.target");
  fs::create_symlink("/dev/null", root.path() + "/etc/systemd/system/default.target");
  EXPECT_EQ(installer.default_target(name), -ERFKILL) << "masked";

  fs::remove(root.path() + "/etc/systemd/system/default.target");
  std::ofstream(root.path() + "/etc/systemd/system/default.target") << "[Unit]\nDescription=Own\n";
  ASSERT_EQ(installer.default_target(name), 0);
  EXPECT_EQ(name, "default.target") << "a file of its own";
}

}  // namespace
}  // namespace vermilion
