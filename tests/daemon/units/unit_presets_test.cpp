// Preset files as systemd 252 reads them. The expectations are systemd's:
// the vectors of src/test/test-install-root.c (test_preset_order,
// test_preset_multiple_instances, test_preset_and_list), and answers of
// Debian's `systemctl --root=DIR list-unit-files` (its PRESET column) and
// `systemctl --root=DIR preset` recorded for the same files.
#include "units/unit_presets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "temp_dir.h"

namespace vermilion {
namespace {

std::optional<std::string> preset_of(const UnitPresets& presets, const std::string& name) {
  auto action = presets.query(name);
  if (!action) return std::nullopt;
  return std::string(to_state_word(*action));
}

UnitPresets parse(const std::string& text, Diagnostics& diags) {
  UnitPresets presets;
  presets.add_file("test.preset", text, diags);
  return presets;
}

TEST(UnitPresets, NoRuleMeansEnabled) {
  UnitPresets none;
  EXPECT_EQ(preset_of(none, "anything.service"), "enabled");
  EXPECT_EQ(preset_of(none, "not a unit"), std::nullopt);
}

// test_preset_order(): the first matching line wins.
TEST(UnitPresets, FirstMatchWins) {
  Diagnostics diags;
  UnitPresets presets = parse("enable prefix-1.service\ndisable prefix-*.service\nenable prefix-2.service\n", diags);
  EXPECT_TRUE(diags.items().empty());
  EXPECT_EQ(preset_of(presets, "prefix-1.service"), "enabled");
  EXPECT_EQ(preset_of(presets, "prefix-2.service"), "disabled");
  EXPECT_EQ(preset_of(presets, "other.service"), "enabled");
}

// test_preset_and_list(): globs.
TEST(UnitPresets, GlobsMatchTheWholeName) {
  Diagnostics diags;
  UnitPresets presets = parse("enable *-yes.*\ndisable *\n", diags);
  EXPECT_EQ(preset_of(presets, "preset-yes.service"), "enabled");
  EXPECT_EQ(preset_of(presets, "preset-no.service"), "disabled");
  EXPECT_EQ(preset_of(presets, "preset-yes.socket"), "enabled");
  // FNM_NOESCAPE: a backslash is an ordinary character.
  UnitPresets escaped = parse("disable a\\x2db.service\n", diags);
  EXPECT_EQ(preset_of(escaped, "a\\x2db.service"), "disabled");
}

// test_preset_multiple_instances(), and systemctl --root preset: the
// property looks at the glob only; `preset` enables the listed instances.
TEST(UnitPresets, TemplateInstanceLists) {
  Diagnostics diags;
  UnitPresets presets = parse(
      "enable emptylist@.service\nenable foo@.service bar0 bar1 bartest\ndisable *\n", diags);
  EXPECT_TRUE(diags.items().empty());
  ASSERT_EQ(presets.rules().size(), 3u);
  EXPECT_EQ(presets.rules()[1].instances, (std::vector<std::string>{"bar0", "bar1", "bartest"}));

  EXPECT_EQ(preset_of(presets, "foo@.service"), "enabled");
  EXPECT_EQ(preset_of(presets, "emptylist@.service"), "enabled");
  // unit_file_query_preset() passes no instance list: foo@bar0 meets only
  // the globs, and "foo@.service" is not one that matches it.
  EXPECT_EQ(preset_of(presets, "foo@bar0.service"), "disabled");

  auto all = presets.decide("foo@.service");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->action, PresetAction::enable);
  EXPECT_EQ(all->instances,
            (std::vector<std::string>{"foo@bar0.service", "foo@bar1.service", "foo@bartest.service"}));
  auto listed = presets.decide("foo@bar1.service");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->action, PresetAction::enable);
  EXPECT_TRUE(listed->instances.empty());
  auto unlisted = presets.decide("foo@zzz.service");
  ASSERT_TRUE(unlisted);
  EXPECT_EQ(unlisted->action, PresetAction::disable);
  auto empty = presets.decide("emptylist@.service");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->action, PresetAction::enable);
  EXPECT_TRUE(empty->instances.empty()) << "its DefaultInstance= applies, as with enable";
  EXPECT_FALSE(presets.decide("bad name"));
}

// systemctl --root printed "FILE:7: Couldn't parse line 'bogus line'.
// Ignoring." for these lines, counting comments and blank lines; "ignore"
// is systemd 254's, a line 252 cannot parse.
TEST(UnitPresets, LinesItCannotParseAreWarnedAndSkipped) {
  Diagnostics diags;
  UnitPresets presets = parse(
      "enable prefix-1.service\n\n  # c\n; c\nbogus line\nignore other.service\nenable x.service a b\n"
      "enable\nenabled.service\n  disable   spaced.service  \n",
      diags);
  ASSERT_EQ(diags.items().size(), 5u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]), "test.preset:5: warning: Couldn't parse line 'bogus line'. Ignoring.");
  EXPECT_EQ(diags.items()[1].where.line, 6u);
  EXPECT_EQ(diags.items()[2].where.line, 7u) << "instances for a unit that is no template";
  EXPECT_EQ(diags.items()[3].where.line, 8u) << "enable without a unit";
  EXPECT_EQ(diags.items()[4].where.line, 9u) << "a word that only begins with enable";
  EXPECT_EQ(preset_of(presets, "other.service"), "enabled");
  EXPECT_EQ(preset_of(presets, "spaced.service"), "disabled");
  ASSERT_EQ(presets.rules().size(), 2u);
}

TEST(UnitPresets, LineEndingsAsReadLine) {
  Diagnostics diags;
  UnitPresets presets = parse("disable a.service\r\ndisable b.service\rdisable c.service", diags);
  EXPECT_TRUE(diags.items().empty());
  for (const char* name : {"a.service", "b.service", "c.service"}) EXPECT_EQ(preset_of(presets, name), "disabled");
  // NUL ends a line too.
  UnitPresets with_nul = parse(std::string("disable d.service\0disable e.service\n", 36), diags);
  EXPECT_EQ(preset_of(with_nul, "e.service"), "disabled");
}

class UnitPresetDirs : public ::testing::Test {
 protected:
  void write(const std::string& dir, const std::string& name, const std::string& text) {
    std::filesystem::create_directories(root_.path() + "/" + dir);
    std::ofstream(root_.path() + "/" + dir + "/" + name) << text;
  }
  std::string dir(const std::string& d) const { return root_.path() + "/" + d; }
  testing::TempDir root_;
};

// Sorted by file name across directories; of two files with one name the
// earlier directory's; a link to /dev/null masks (recorded with systemctl
// --root: 10-a.preset masked in /etc left x-yes.service enabled).
TEST_F(UnitPresetDirs, FilesSortedByNameEarlierDirectoryWins) {
  write("usr", "50-test.preset", "enable x-yes.service\ndisable *\n");
  write("usr", "10-a.preset", "disable x-yes.service\n");
  write("usr", "20-b.preset", "disable b.service\n");
  write("etc", "20-b.preset", "enable b.service\n");
  write("run", "05-first.preset", "disable first.service\n");
  write("usr", "not-a-preset.conf", "enable *\n");
  std::filesystem::create_directories(dir("etc"));
  ASSERT_EQ(::symlink("/dev/null", (dir("etc") + "/10-a.preset").c_str()), 0);
  Diagnostics diags;
  UnitPresets presets = UnitPresets::read({dir("etc"), dir("run"), dir("usr"), dir("missing")}, diags);
  EXPECT_TRUE(diags.items().empty()) << format_diagnostic(diags.items().front());
  EXPECT_EQ(preset_of(presets, "x-yes.service"), "enabled");
  EXPECT_EQ(preset_of(presets, "b.service"), "enabled");
  EXPECT_EQ(preset_of(presets, "first.service"), "disabled");
  EXPECT_EQ(preset_of(presets, "c.service"), "disabled");
  ASSERT_EQ(presets.rules().size(), 4u);
  EXPECT_EQ(presets.rules()[0].pattern, "first.service");
}

// What systemd fails on, Vermilion reports and skips: the other files count.
TEST_F(UnitPresetDirs, AFileThatCannotBeReadIsADiagnosticOnly) {
  write("usr", "10-big.preset", std::string(UnitPresets::kMaxFileBytes + 1, '#'));
  write("usr", "20-ok.preset", "disable ok.service\n");
  ASSERT_EQ(::mkfifo((dir("usr") + "/15-fifo.preset").c_str(), 0600), 0);
  std::filesystem::create_directories(dir("usr") + "/12-dir.preset");
  Diagnostics diags;
  UnitPresets presets = UnitPresets::read({dir("usr")}, diags);
  ASSERT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]),
            dir("usr") + "/10-big.preset: warning: cannot read preset file: larger than 1048576 bytes; skipped");
  EXPECT_EQ(format_diagnostic(diags.items()[1]),
            dir("usr") + "/15-fifo.preset: warning: cannot read preset file: not a regular file; skipped");
  EXPECT_EQ(preset_of(presets, "ok.service"), "disabled");
}

TEST(UnitPresetModes, AsSystemdSpellsThem) {
  EXPECT_EQ(parse_preset_mode(""), PresetMode::full);
  EXPECT_EQ(parse_preset_mode("full"), PresetMode::full);
  EXPECT_EQ(parse_preset_mode("enable-only"), PresetMode::enable_only);
  EXPECT_EQ(parse_preset_mode("disable-only"), PresetMode::disable_only);
  EXPECT_EQ(parse_preset_mode("Full"), std::nullopt);
}

TEST(UnitPresetDirectories, SystemdsAndVermilions) {
  EXPECT_EQ(systemd_preset_dirs(RuntimeScope::system),
            (std::vector<std::string>{"/etc/systemd/system-preset", "/run/systemd/system-preset",
                                      "/usr/local/lib/systemd/system-preset", "/usr/lib/systemd/system-preset",
                                      "/lib/systemd/system-preset"}));
  EXPECT_EQ(systemd_preset_dirs(RuntimeScope::user),
            (std::vector<std::string>{"/etc/systemd/user-preset", "/run/systemd/user-preset",
                                      "/usr/local/lib/systemd/user-preset", "/usr/lib/systemd/user-preset"}));
  RuntimeIdentity identity;
  identity.config_home = "/home/u/.config";
  identity.data_home = "/home/u/.local/share";
  EXPECT_EQ(default_preset_dirs(RuntimeScope::user, identity),
            (std::vector<std::string>{"/home/u/.config/vermilion/user-preset",
                                      "/home/u/.local/share/vermilion/user-preset"}));
  EXPECT_EQ(default_preset_dirs(RuntimeScope::system, identity),
            (std::vector<std::string>{"/etc/vermilion/system-preset", "/usr/lib/vermilion/system-preset"}));
}

}  // namespace
}  // namespace vermilion
