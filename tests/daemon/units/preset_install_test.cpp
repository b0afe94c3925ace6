// systemctl preset and preset-all, against what Debian's systemd 252 did
// with the same files: `systemctl --root=ROOT preset foo@.service`,
// `preset foo@bar1.service foo@zzz.service other.service prefix-1.service`
// and `preset-all` on units with WantedBy=multi-user.target (and
// DefaultInstance=def) in /usr/lib/systemd/system and this policy (the
// vectors of test_preset_order and test_preset_multiple_instances of
// systemd's src/test/test-install-root.c).
#include "units/preset_install.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "temp_dir.h"

namespace vermilion {
namespace {

constexpr const char* kPolicy =
    "enable prefix-1.service\ndisable prefix-*.service\nenable prefix-2.service\n"
    "enable foo@.service bar0 bar1 bartest\nenable emptylist@.service\nenable *-yes.*\ndisable *\n";

class PresetInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* unit : {"prefix-1.service", "prefix-2.service", "foo@.service", "emptylist@.service",
                             "other.service", "x-yes.service"})
      root_.write(std::string("usr/") + unit,
                  "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n");
    root_.write("usr/static.service", "[Service]\nExecStart=/bin/true\n");
    Diagnostics diags;
    presets_.add_file("test.preset", kPolicy, diags);
    ASSERT_TRUE(diags.items().empty());
  }
  UnitInstaller installer() const {
    return UnitInstaller(InstallPaths{{root_.file("etc"), root_.file("usr")}, root_.file("etc"), ""});
  }
  std::set<std::string> wants() const {
    std::set<std::string> out;
    std::error_code ignored;
    for (const auto& e : std::filesystem::directory_iterator(root_.file("etc/multi-user.target.wants"), ignored))
      out.insert(e.path().filename().string());
    return out;
  }

  testing::TempDir root_;
  UnitPresets presets_;
};

TEST_F(PresetInstallTest, ATemplateGetsItsListedInstances) {
  std::vector<InstallChange> changes;
  Diagnostics diags;
  ASSERT_EQ(apply_presets(installer(), presets_, {"foo@.service"}, PresetMode::full, changes, diags), 0);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(describe(changes[0]), "Created symlink " + root_.file("etc/multi-user.target.wants/foo@bar0.service") +
                                      " \u2192 " + root_.file("usr/foo@.service") + ".");
  EXPECT_EQ(wants(), (std::set<std::string>{"foo@bar0.service", "foo@bar1.service", "foo@bartest.service"}));
}

TEST_F(PresetInstallTest, EachNameAsThePolicySays) {
  std::vector<InstallChange> changes;
  Diagnostics diags;
  ASSERT_EQ(apply_presets(installer(), presets_,
                          {"foo@bar1.service", "foo@zzz.service", "other.service", "prefix-1.service"},
                          PresetMode::full, changes, diags),
            0);
  EXPECT_EQ(wants(), (std::set<std::string>{"foo@bar1.service", "prefix-1.service"}));

  // A disabled unit's links go; enable-only leaves them, disable-only adds none.
  changes.clear();
  ASSERT_EQ(installer().enable({"other.service"}, changes, diags), 0);
  changes.clear();
  ASSERT_EQ(apply_presets(installer(), presets_, {"other.service", "x-yes.service"}, PresetMode::enable_only,
                          changes, diags),
            0);
  EXPECT_EQ(wants(), (std::set<std::string>{"foo@bar1.service", "prefix-1.service", "other.service", "x-yes.service"}));
  changes.clear();
  ASSERT_EQ(apply_presets(installer(), presets_, {"other.service", "prefix-2.service", "emptylist@.service"},
                          PresetMode::disable_only, changes, diags),
            0);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(describe(changes[0]),
            "Removed \"" + root_.file("etc/multi-user.target.wants/other.service") + "\".");
}

TEST_F(PresetInstallTest, ErrorsAsEnable) {
  std::vector<InstallChange> changes;
  Diagnostics diags;
  EXPECT_EQ(apply_presets(installer(), presets_, {"nosuch.service"}, PresetMode::full, changes, diags), -ENOENT);
  EXPECT_EQ(diags.items().back().message, "Unit file nosuch.service does not exist.");
  EXPECT_EQ(apply_presets(installer(), presets_, {"bad name"}, PresetMode::full, changes, diags), -EINVAL);
  ASSERT_EQ(installer().mask({"x-yes.service"}, changes, diags), 0);
  EXPECT_EQ(apply_presets(installer(), presets_, {"x-yes.service"}, PresetMode::full, changes, diags), -ERFKILL);
  // An alias is skipped: presets name real unit files.
  std::filesystem::create_symlink(root_.file("usr/other.service"), root_.file("usr/alias.service"));
  changes.clear();
  EXPECT_EQ(apply_presets(installer(), presets_, {"alias.service"}, PresetMode::full, changes, diags), 0);
  EXPECT_TRUE(changes.empty());
}

// preset-all as systemctl --root did it: prefix-1, x-yes, emptylist@def and
// the three foo@ instances enabled, nothing else; a masked unit skipped.
TEST_F(PresetInstallTest, AllUnitFiles) {
  std::vector<InstallChange> changes;
  Diagnostics diags;
  ASSERT_EQ(installer().mask({"prefix-1.service"}, changes, diags), 0);
  changes.clear();
  ASSERT_EQ(installer().enable({"other.service"}, changes, diags), 0);
  changes.clear();
  ASSERT_EQ(apply_presets_to_all(installer(), presets_, PresetMode::full, changes, diags), 0);
  EXPECT_TRUE(diags.items().empty()) << format_diagnostic(diags.items().front());
  EXPECT_EQ(wants(), (std::set<std::string>{"x-yes.service", "emptylist@def.service", "foo@bar0.service",
                                            "foo@bar1.service", "foo@bartest.service"}));
  EXPECT_TRUE(std::filesystem::is_symlink(root_.file("etc/prefix-1.service"))) << "the mask stays";
}

}  // namespace
}  // namespace vermilion
