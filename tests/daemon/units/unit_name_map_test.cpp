#include "units/unit_name_map.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "temp_dir.h"

namespace vermilion {
namespace {

using testing::TempDir;

class UnitNameMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir(etc().c_str(), 0755), 0);
    ASSERT_EQ(mkdir(lib().c_str(), 0755), 0);
  }
  std::string etc() const { return root_.file("etc"); }
  std::string lib() const { return root_.file("lib"); }
  TempDir root_;
};

TEST_F(UnitNameMapTest, FirstDirectoryWinsAndSymlinksAreMarked) {
  root_.write("lib/web.service", "");
  root_.write("etc/web.service", "");
  root_.write("lib/db.service", "");
  ASSERT_EQ(symlink("db.service", (lib() + "/sql.service").c_str()), 0);
  UnitNameMap map({etc(), lib(), root_.file("missing")});
  EXPECT_TRUE(map.refresh());
  ASSERT_NE(map.find("web.service"), nullptr);
  EXPECT_EQ(map.find("web.service")->path, etc() + "/web.service");
  EXPECT_EQ(map.find("web.service")->directory, 0u);
  EXPECT_FALSE(map.find("web.service")->symlink);
  EXPECT_EQ(map.find("db.service")->directory, 1u);
  ASSERT_NE(map.find("sql.service"), nullptr);
  EXPECT_TRUE(map.find("sql.service")->symlink);
  EXPECT_EQ(map.find("nope.service"), nullptr);
  EXPECT_EQ(map.entries().size(), 3u);
}

TEST_F(UnitNameMapTest, ReadsAgainOnlyWhenADirectoryChanged) {
  root_.write("lib/web.service", "");
  UnitNameMap map({etc(), lib(), root_.file("later")});
  EXPECT_TRUE(map.refresh());
  EXPECT_FALSE(map.refresh()) << "nothing changed: no re-read";
  root_.write("lib/web.service", "[Service]\n");  // contents are read at load, not here
  EXPECT_FALSE(map.refresh());

  root_.write("etc/new.service", "");
  EXPECT_TRUE(map.refresh());
  EXPECT_NE(map.find("new.service"), nullptr);

  ASSERT_EQ(unlink((lib() + "/web.service").c_str()), 0);
  EXPECT_TRUE(map.refresh());
  EXPECT_EQ(map.find("web.service"), nullptr);

  ASSERT_EQ(mkdir(root_.file("later").c_str(), 0755), 0);
  EXPECT_TRUE(map.refresh()) << "a directory that appeared";
  root_.write("later/late.service", "");
  EXPECT_TRUE(map.refresh());
  EXPECT_NE(map.find("late.service"), nullptr);

  std::filesystem::remove_all(etc());
  EXPECT_TRUE(map.refresh()) << "a directory that vanished";
  EXPECT_EQ(map.find("new.service"), nullptr);
}

}  // namespace
}  // namespace vermilion
