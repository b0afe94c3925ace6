#include "units/generators.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace vermilion {
namespace {

namespace fs = std::filesystem;

class GeneratorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("generators_test." + std::to_string(::getpid()));
    fs::create_directories(root_ / "etc");
    fs::create_directories(root_ / "lib");
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string exe(const std::string& dir, const std::string& name, const std::string& text = "#!/bin/sh\n") {
    std::string path = (root_ / dir / name).string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0755);
    return path;
  }
  fs::path root_;
};

// systemd.generator(7): one per name, the first directory wins; a link to
// /dev/null (or an empty file) there masks the name; not executable or
// hidden: skipped; file-name order.
TEST_F(GeneratorsTest, FirstDirectoryWinsAndMasks) {
  exe("lib", "b-gen");
  exe("lib", "a-gen");
  std::string etc_b = exe("etc", "b-gen");
  exe("lib", "masked-gen");
  fs::create_symlink("/dev/null", root_ / "etc" / "masked-gen");
  exe("lib", "empty-gen");
  exe("etc", "empty-gen", "");
  exe("lib", ".hidden");
  std::string plain = (root_ / "lib" / "not-exec").string();
  std::ofstream(plain) << "#!/bin/sh\n";
  auto found = find_generators({(root_ / "etc").string(), (root_ / "missing").string(), (root_ / "lib").string()});
  EXPECT_EQ(found, (std::vector<std::string>{(root_ / "lib" / "a-gen").string(), etc_b}));
}

// Where systemd 252's lookup_paths_init puts the output directories.
TEST(GeneratorPaths, SearchPathPlacesOutputAsSystemdDoes) {
  RuntimeIdentity identity;
  GeneratorOutput out = generator_output_dirs(RuntimeScope::system, identity);
  EXPECT_EQ(out.normal, "/run/systemd/generator");
  EXPECT_EQ(out.early, "/run/systemd/generator.early");
  EXPECT_EQ(out.late, "/run/systemd/generator.late");
  std::vector<std::string> dirs{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                                "/lib/systemd/system", "/usr/lib/systemd/system"};
  EXPECT_EQ(with_generator_output(dirs, out),
            (std::vector<std::string>{"/run/systemd/generator.early", "/etc/systemd/system", "/run/systemd/system",
                                      "/run/systemd/generator", "/usr/local/lib/systemd/system",
                                      "/lib/systemd/system", "/usr/lib/systemd/system",
                                      "/run/systemd/generator.late"}));
  identity.runtime_dir = "/run/user/1000";
  EXPECT_EQ(generator_output_dirs(RuntimeScope::user, identity).normal, "/run/user/1000/systemd/generator");
  EXPECT_EQ(generator_search_dirs(RuntimeScope::user).front(), "/run/systemd/user-generators");
}

TEST_F(GeneratorsTest, ResetEmptiesTheOutput) {
  GeneratorOutput out{(root_ / "g").string(), (root_ / "g.early").string(), (root_ / "g.late").string()};
  fs::create_directories(root_ / "g" / "x.service.wants");
  ASSERT_EQ(reset_generator_output(out), 0);
  EXPECT_TRUE(fs::is_empty(root_ / "g"));
  EXPECT_TRUE(fs::is_directory(root_ / "g.early"));
  EXPECT_TRUE(fs::is_directory(root_ / "g.late"));
}

}  // namespace
}  // namespace vermilion
