#include "units/unit_loader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace vermilion {
namespace {

const std::string kCorpus = std::string(VERMILION_TEST_DATA_DIR) + "/units";

RuntimeIdentity test_identity() {
  RuntimeIdentity id;
  id.scope = RuntimeScope::system;
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

// Each broken/NAME.service has NAME.expected, Vermilion's exact diagnostics
// (paths relative to the corpus directory), and NAME.systemd, what systemd
// 252 said and its load state (recorded by record_systemd.sh). Vermilion
// must reach systemd's load state and report at every line systemd does.
TEST(UnitLoaderCorpus, BrokenUnitsReportExactlyAndAsSystemd) {
  UnitLoader loader({}, test_identity());
  auto units = files_in(kCorpus + "/broken", ".service");
  ASSERT_GE(units.size(), 15u);
  for (auto& unit : units) {
    SCOPED_TRACE(unit);
    Diagnostics diags;
    auto config = loader.load_text(unit, unit, read_file(kCorpus + "/broken/" + unit), diags);
    std::string stem = kCorpus + "/broken/" + unit.substr(0, unit.size() - 8);
    EXPECT_EQ(formatted(diags), read_file(stem + ".expected"));
    EXPECT_FALSE(diags.items().empty());
    if (diags.has_errors()) EXPECT_NE(config.load_state, LoadState::loaded);
    else EXPECT_EQ(config.load_state, LoadState::loaded);

    std::istringstream systemd(read_file(stem + ".systemd"));
    std::string line, systemd_state;
    while (std::getline(systemd, line)) {
      if (line.starts_with("load-state: ")) {
        systemd_state = line.substr(12);
        continue;
      }
      // "NAME.service:LINE: message": Vermilion reports at that line too.
      auto colon = line.find(':', unit.size() + 1);
      if (!line.starts_with(unit + ":") || colon == std::string::npos) continue;
      std::string place = line.substr(0, colon + 1);
      EXPECT_NE(formatted(diags).find(place), std::string::npos) << "systemd: " << line;
    }
    EXPECT_EQ(to_string(config.load_state), systemd_state);
  }
}

// systemd 252's quote_command_line(): each word as shell_maybe_quote(word,
// SHELL_ESCAPE_EMPTY) gives it (src/basic/escape.c): as it is unless empty
// or holding a control character, whitespace or one of SHELL_NEED_QUOTES;
// else in double quotes with "\`$ escaped by a backslash. (Invalid UTF-8,
// which systemd also quotes and C-escapes, is in no ExecStart= here.)
std::string command_line_as_systemd_prints(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !word.empty() && std::none_of(word.begin(), word.end(), [](char c) {
      auto u = static_cast<unsigned char>(c);
      return u <= ' ' || u == 127 || std::string_view("\"\\`$*?['()<>|&;!").find(c) != std::string_view::npos;
    });
    if (plain) {
      out += word;
      continue;
    }
    out += '"';
    for (char c : word) {
      if (std::string_view("\"\\`$").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

// Each systemd/NAME.service (a file named as an instance loads as that
// instance) against NAME.systemd, recorded from systemd 252: the same load
// state, a message at each line systemd reports one, and the same service
// dependencies from Wants=, Requires=, After=.
TEST(UnitLoaderCorpus, LoadsAsSystemd) {
  UnitLoader loader({}, test_identity());
  auto units = files_in(kCorpus + "/systemd", ".service");
  ASSERT_GE(units.size(), 15u);
  for (auto& unit : units) {
    SCOPED_TRACE(unit);
    Diagnostics diags;
    auto config = loader.load_text(unit, unit, read_file(kCorpus + "/systemd/" + unit), diags);
    std::string stem = kCorpus + "/systemd/" + unit.substr(0, unit.size() - 8);
    std::istringstream systemd(read_file(stem + ".systemd"));
    std::string line, systemd_state;
    std::map<std::string, std::vector<std::string>> systemd_deps;
    std::optional<std::string> systemd_description;
    std::vector<std::string> systemd_exec_start;
    while (std::getline(systemd, line)) {
      if (line.starts_with("load-state: ")) {
        systemd_state = line.substr(12);
      } else if (line.starts_with("description: ")) {
        systemd_description = line.substr(13);
      } else if (line.starts_with("exec-start: ")) {
        systemd_exec_start.push_back(line.substr(12));
      } else if (auto colon = line.find(": "); colon != std::string::npos && (line.ends_with(".service") || line.ends_with(".target")) &&
                 (line.starts_with("wants") || line.starts_with("requires") || line.starts_with("after"))) {
        systemd_deps[line.substr(0, colon)].push_back(line.substr(colon + 2));
      } else if (line.starts_with(unit + ":") && line.find(':', unit.size() + 1) != std::string::npos) {
        std::string place = line.substr(0, line.find(':', unit.size() + 1) + 1);
        EXPECT_NE(formatted(diags).find(place), std::string::npos) << "systemd: " << line;
      }
    }
    EXPECT_EQ(to_string(config.load_state), systemd_state) << formatted(diags);
    if (config.load_state != LoadState::loaded) continue;
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    EXPECT_EQ(sorted(config.wants), sorted(systemd_deps["wants"]));
    EXPECT_EQ(sorted(config.requires_), sorted(systemd_deps["requires"]));
    EXPECT_EQ(sorted(config.after), sorted(systemd_deps["after"]));
    // What specifiers and escapes made of the words (issue 12, items 1
    // and 12): the description (systemd shows the name when none is set)
    // and every ExecStart= argv, quoted as systemd prints them.
    if (systemd_description) {
      EXPECT_EQ(config.description.empty() ? config.name : config.description, *systemd_description);
    }
    std::vector<std::string> ours;
    for (const auto& command : config.exec_start) ours.push_back(command_line_as_systemd_prints(command.argv));
    EXPECT_EQ(ours, systemd_exec_start);
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

// A throwaway pair of search directories ("etc" before "lib").
class SearchPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/vermilion-loader-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    etc_ = root_ + "/etc";
    lib_ = root_ + "/lib";
    ASSERT_EQ(mkdir(etc_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir(lib_.c_str(), 0755), 0);
  }
  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  static void write(const std::string& path, const std::string& text) {
    auto slash = path.rfind('/');
    mkdir(path.substr(0, slash).c_str(), 0755);
    std::ofstream(path) << text;
  }
  static void link(const std::string& target, const std::string& path) {
    ASSERT_EQ(symlink(target.c_str(), path.c_str()), 0);
  }
  UnitLoader loader() const { return UnitLoader({etc_, lib_}, test_identity()); }

  std::string root_, etc_, lib_;
};

// systemd's unit_need_daemon_reload(): the fragment is newer, gone or no
// longer masked; the drop-ins are other files, or one is newer. A fragment
// that would now shadow the loaded one does not count.
TEST_F(SearchPathTest, NeedDaemonReloadWhenTheLoadedFilesChanged) {
  // Files dated in the past, so that any rewrite is newer.
  auto age = [](const std::string& path) {
    timespec times[2] = {{1'600'000'000, 0}, {1'600'000'000, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  };
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\n");
  write(lib_ + "/web.service.d/a.conf", "[Service]\nEnvironment=A=1\n");
  age(lib_ + "/web.service");
  age(lib_ + "/web.service.d/a.conf");
  UnitLoader l = loader();
  Diagnostics diags;
  ServiceConfig loaded = l.load("web.service", diags);
  ASSERT_EQ(loaded.load_state, LoadState::loaded);
  EXPECT_EQ(loaded.fragment_mtime, 1'600'000'000'000'000u);
  EXPECT_EQ(loaded.drop_in_mtime, 1'600'000'000'000'000u);
  EXPECT_FALSE(l.need_daemon_reload(loaded));

  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web2\n");
  EXPECT_TRUE(l.need_daemon_reload(loaded)) << "fragment rewritten";
  age(lib_ + "/web.service");
  EXPECT_FALSE(l.need_daemon_reload(loaded));
  write(etc_ + "/web.service", "[Service]\nExecStart=/bin/etc\n");
  EXPECT_FALSE(l.need_daemon_reload(loaded)) << "a shadowing fragment is not looked for (as systemd)";
  ASSERT_EQ(unlink((etc_ + "/web.service").c_str()), 0);

  write(etc_ + "/web.service.d/b.conf", "[Service]\nEnvironment=B=1\n");
  EXPECT_TRUE(l.need_daemon_reload(loaded)) << "a new drop-in";
  ASSERT_EQ(unlink((etc_ + "/web.service.d/b.conf").c_str()), 0);
  EXPECT_FALSE(l.need_daemon_reload(loaded));
  write(lib_ + "/web.service.d/a.conf", "[Service]\nEnvironment=A=2\n");
  EXPECT_TRUE(l.need_daemon_reload(loaded)) << "a drop-in rewritten";
  ASSERT_EQ(unlink((lib_ + "/web.service.d/a.conf").c_str()), 0);
  EXPECT_TRUE(l.need_daemon_reload(loaded)) << "a drop-in gone";
  ServiceConfig reloaded = l.load("web.service", diags);
  EXPECT_FALSE(l.need_daemon_reload(reloaded));
  ASSERT_EQ(unlink((lib_ + "/web.service").c_str()), 0);
  EXPECT_TRUE(l.need_daemon_reload(reloaded)) << "the fragment gone";

  // Masked: changed once the link no longer points to /dev/null.
  link("/dev/null", etc_ + "/off.service");
  ServiceConfig masked = l.load("off.service", diags);
  EXPECT_EQ(masked.fragment_mtime, 0u);
  EXPECT_FALSE(l.need_daemon_reload(masked));
  ASSERT_EQ(unlink((etc_ + "/off.service").c_str()), 0);
  write(etc_ + "/off.service", "[Service]\nExecStart=/bin/off\n");
  EXPECT_TRUE(l.need_daemon_reload(masked));

  // What to watch: the directories and their drop-in directories.
  auto dirs = l.watched_directories();
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), etc_), dirs.end());
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), lib_ + "/web.service.d"), dirs.end());
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), etc_ + "/web.service.d"), dirs.end());
}

TEST_F(SearchPathTest, FirstDirectoryWinsAndListIsSorted) {
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/lib\n");
  write(etc_ + "/web.service", "[Service]\nExecStart=/bin/etc\n");
  write(lib_ + "/a.service", "[Service]\nExecStart=/bin/a\n");
  write(lib_ + "/getty@.service", "[Service]\nExecStart=/sbin/getty %I\n");
  write(lib_ + "/notes.txt", "");
  Diagnostics diags;
  auto config = loader().load("web.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded);
  EXPECT_EQ(config.fragment_path, etc_ + "/web.service");
  EXPECT_EQ(config.exec_start.at(0).path, "/bin/etc");
  EXPECT_EQ(loader().list_units(), (std::vector<std::string>{"a.service", "web.service"}));
}

TEST_F(SearchPathTest, NotFoundAndInvalidNames) {
  Diagnostics diags;
  EXPECT_EQ(loader().load("missing.service", diags).load_state, LoadState::not_found);
  EXPECT_EQ(loader().load("web", diags).load_state, LoadState::not_found);
  EXPECT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(loader().load_file(root_ + "/nope.service", diags).load_state, LoadState::not_found);
}

// A unit file or drop-in that is a FIFO (or a device) would block or never
// end a read: it fails that unit alone, with the file named, at once.
TEST_F(SearchPathTest, FifoUnitFileAndDropInFailOnlyTheirUnit) {
  alarm(20);  // a blocking open fails the test instead of hanging it
  ASSERT_EQ(mkfifo((etc_ + "/fifo.service").c_str(), 0644), 0);
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\n");
  ASSERT_EQ(mkdir((etc_ + "/web.service.d").c_str(), 0755), 0);
  ASSERT_EQ(mkfifo((etc_ + "/web.service.d/10-fifo.conf").c_str(), 0644), 0);
  write(lib_ + "/ok.service", "[Service]\nExecStart=/bin/ok\n");
  link("/dev/zero", etc_ + "/zero.service");

  Diagnostics diags;
  EXPECT_EQ(loader().load("fifo.service", diags).load_state, LoadState::error);
  EXPECT_EQ(loader().load("zero.service", diags).load_state, LoadState::error);
  auto web = loader().load("web.service", diags);
  EXPECT_NE(web.load_state, LoadState::loaded);
  EXPECT_EQ(loader().load("ok.service", diags).load_state, LoadState::loaded);
  std::string all;
  for (const auto& d : diags.items()) all += format_diagnostic(d) + "\n";
  EXPECT_NE(all.find(etc_ + "/fifo.service: error: Cannot read unit file: not a regular file"), std::string::npos)
      << all;
  EXPECT_NE(all.find(etc_ + "/web.service.d/10-fifo.conf: error: Cannot read drop-in: not a regular file"),
            std::string::npos)
      << all;
  alarm(0);
}

// The loader reads the search path once and again only when it changes
// (UnitNameMap): a unit added or removed later is seen by the next load.
TEST_F(SearchPathTest, FilesAddedOrRemovedLaterAreSeen) {
  UnitLoader units = loader();
  Diagnostics diags;
  EXPECT_EQ(units.load("late.service", diags).load_state, LoadState::not_found);
  write(etc_ + "/late.service", "[Service]\nExecStart=/bin/late\n");
  link("late.service", etc_ + "/alias.service");
  auto late = units.load("late.service", diags);
  EXPECT_EQ(late.load_state, LoadState::loaded);
  EXPECT_EQ(late.aliases, (std::vector<std::string>{"alias.service"}));
  EXPECT_EQ(units.list_units(), (std::vector<std::string>{"late.service"}));
  ASSERT_EQ(unlink((etc_ + "/alias.service").c_str()), 0);
  EXPECT_TRUE(units.load("late.service", diags).aliases.empty());
}

TEST_F(SearchPathTest, InstanceFallsBackToTemplate) {
  write(lib_ + "/getty@.service", "[Unit]\nDescription=Getty on %I\n[Service]\nExecStart=/sbin/agetty %I\n");
  Diagnostics diags;
  auto config = loader().load("getty@tty1.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded);
  EXPECT_EQ(config.name, "getty@tty1.service");
  EXPECT_EQ(config.description, "Getty on tty1");
  EXPECT_EQ(config.exec_start.at(0).argv, (std::vector<std::string>{"/sbin/agetty", "tty1"}));
  EXPECT_EQ(loader().load("getty@.service", diags).load_state, LoadState::error);
}

TEST_F(SearchPathTest, SymlinkAliasesResolveToTheCanonicalUnit) {
  write(lib_ + "/rsyslog.service", "[Service]\nExecStart=/usr/sbin/rsyslogd\n[Install]\nAlias=logger.service\n");
  link(lib_ + "/rsyslog.service", etc_ + "/syslog.service");
  link("rsyslog.service", lib_ + "/klog.service");
  Diagnostics diags;
  auto config = loader().load("syslog.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.name, "rsyslog.service");
  EXPECT_EQ(config.fragment_path, lib_ + "/rsyslog.service");
  EXPECT_EQ(config.aliases, (std::vector<std::string>{"syslog.service", "klog.service", "logger.service"}));
  auto direct = loader().load("rsyslog.service", diags);
  EXPECT_EQ(direct.aliases, config.aliases);
  EXPECT_EQ(loader().list_units(), (std::vector<std::string>{"rsyslog.service"}));
}

TEST_F(SearchPathTest, InstanceSymlinkToTemplateIsListedAndMaskedIsNot) {
  write(lib_ + "/getty@.service", "[Service]\nExecStart=/sbin/agetty %I\n");
  link(lib_ + "/getty@.service", etc_ + "/getty@tty2.service");
  write(lib_ + "/masked.service", "[Service]\nExecStart=/bin/x\n");
  link("/dev/null", etc_ + "/masked.service");
  EXPECT_EQ(loader().list_units(), (std::vector<std::string>{"getty@tty2.service"}));
  Diagnostics diags;
  auto masked = loader().load("masked.service", diags);
  EXPECT_EQ(masked.load_state, LoadState::error);
  auto getty = loader().load("getty@tty2.service", diags);
  EXPECT_EQ(getty.name, "getty@tty2.service");
  EXPECT_EQ(getty.exec_start.at(0).argv.at(1), "tty2");
}

TEST_F(SearchPathTest, DropInsApplyInFileNameOrder) {
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\nRestart=no\nEnvironment=A=lib\n");
  write(lib_ + "/web.service.d/10-restart.conf", "[Service]\nRestart=always\n");
  write(lib_ + "/web.service.d/30-env.conf", "[Service]\nEnvironment=A=lib30\n");
  // Same file name in an earlier directory replaces the later one.
  write(etc_ + "/web.service.d/30-env.conf", "[Service]\nEnvironment=A=etc30\n");
  write(etc_ + "/web.service.d/20-exec.conf", "[Service]\nExecStart=\nExecStart=/bin/web2\n");
  write(etc_ + "/web.service.d/ignored.txt", "[Service]\nRestart=no\n");
  Diagnostics diags;
  auto config = loader().load("web.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.restart, RestartPolicy::always);
  EXPECT_EQ(config.environment, (std::vector<std::string>{"A=etc30"}));
  ASSERT_EQ(config.exec_start.size(), 1u);
  EXPECT_EQ(config.exec_start[0].path, "/bin/web2");
}

TEST_F(SearchPathTest, TemplateDropInsApplyToInstances) {
  write(lib_ + "/getty@.service", "[Service]\nExecStart=/sbin/agetty %I\n");
  write(lib_ + "/getty@.service.d/10-restart.conf", "[Service]\nRestart=always\n");
  write(etc_ + "/getty@tty3.service.d/20-user.conf", "[Service]\nUser=%i\nBogus=1\n");
  Diagnostics diags;
  auto config = loader().load("getty@tty3.service", diags);
  EXPECT_EQ(config.restart, RestartPolicy::always);
  EXPECT_EQ(config.user, "tty3");
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].where.file, etc_ + "/getty@tty3.service.d/20-user.conf");
  EXPECT_EQ(diags.items()[0].where.line, 3u);
  auto other = loader().load("getty@tty4.service", diags);
  EXPECT_EQ(other.user, "");
}

TEST_F(SearchPathTest, BadDropInMakesTheUnitBad) {
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\n");
  write(lib_ + "/web.service.d/x.conf", "[Service]\nUser=bad:name\n");
  Diagnostics diags;
  EXPECT_EQ(loader().load("web.service", diags).load_state, LoadState::bad_setting);
}

const std::string kBuiltinText =
    "[Unit]\nDescription=built in\n[Service]\nExecStart=/bin/builtin\nBogus=1\n"
    "[Install]\nWantedBy=multi-user.target\n";

TEST_F(SearchPathTest, BuiltinUnitLoadsItsTextWithDropInsAndNamesItsSource) {
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\n");
  write(etc_ + "/made.service.d/10-env.conf", "[Service]\nEnvironment=A=1\n");
  UnitLoader l = loader();
  l.add_builtin("made.service", "<built-in>/made.service", kBuiltinText);
  EXPECT_EQ(l.list_units(), (std::vector<std::string>{"made.service", "web.service"}));
  Diagnostics diags;
  auto config = l.load("made.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.fragment_path, "<built-in>/made.service");
  EXPECT_EQ(config.exec_start.at(0).path, "/bin/builtin");
  EXPECT_EQ(config.environment, (std::vector<std::string>{"A=1"}));
  EXPECT_EQ(formatted(diags),
            "<built-in>/made.service:5: warning: Unknown key 'Bogus' in section [Service], ignoring.\n");
}

TEST_F(SearchPathTest, FileOfTheSameNameReplacesABuiltinUnit) {
  write(lib_ + "/made.service", "[Service]\nExecStart=/bin/file\n");
  UnitLoader l = loader();
  l.add_builtin("made.service", "<built-in>/made.service", kBuiltinText);
  EXPECT_EQ(l.list_units(), (std::vector<std::string>{"made.service"}));
  Diagnostics diags;
  auto config = l.load("made.service", diags);
  EXPECT_EQ(config.fragment_path, lib_ + "/made.service");
  EXPECT_EQ(config.exec_start.at(0).path, "/bin/file");
  EXPECT_TRUE(config.wanted_by.empty());
}

TEST_F(SearchPathTest, MaskedBuiltinUnitIsNotListedAndDoesNotLoad) {
  link("/dev/null", etc_ + "/made.service");
  UnitLoader l = loader();
  l.add_builtin("made.service", "<built-in>/made.service", kBuiltinText);
  EXPECT_EQ(l.list_units(), std::vector<std::string>{});
  Diagnostics diags;
  EXPECT_EQ(l.load("made.service", diags).load_state, LoadState::error);
  EXPECT_NE(formatted(diags).find("masked"), std::string::npos) << formatted(diags);
}

TEST(DefaultUnitDirs, SystemAndUser) {
  auto id = test_identity();
  EXPECT_EQ(default_unit_dirs(RuntimeScope::system, id),
            (std::vector<std::string>{"/etc/vermilion/system", "/usr/lib/vermilion/system"}));
  id.config_home = "/home/u/cfg";
  id.data_home = "/home/u/.local/share";
  EXPECT_EQ(default_unit_dirs(RuntimeScope::user, id),
            (std::vector<std::string>{"/home/u/cfg/vermilion/user", "/home/u/.local/share/vermilion/user"}));
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

// systemd-analyze verify on a link to /dev/null: "Unit NAME is masked.", and
// it fails (checked with systemd 252).
TEST_F(SearchPathTest, VerifyOfAMaskedFileSaysMasked) {
  link("/dev/null", etc_ + "/m.service");
  Diagnostics diags;
  auto config = loader().load_file(etc_ + "/m.service", diags);
  EXPECT_EQ(config.load_state, LoadState::error);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]), etc_ + "/m.service: error: Unit m.service is masked.");
}

// systemd-analyze verify 252 loads t@.service as t@i.service (checked:
// "t@i.service: Command /nonexistent-i-t@i.service is not executable").
TEST_F(SearchPathTest, VerifyOfATemplateLoadsInstanceI) {
  write(etc_ + "/t@.service", "[Service]\nExecStart=/bin/echo %i %n\nUser=%i\n");
  Diagnostics diags;
  auto config = loader().load_file(etc_ + "/t@.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.name, "t@i.service");
  EXPECT_EQ(config.exec_start.at(0).argv, (std::vector<std::string>{"/bin/echo", "i", "t@i.service"}));
  EXPECT_EQ(config.user, "i");
}

// A drop-in may set SuccessAction=; the unit then needs no ExecStart= and is
// a oneshot, as in systemd 252.
TEST_F(SearchPathTest, SuccessActionWithoutExecStartLoadsAsOneshot) {
  write(lib_ + "/done.service", "[Service]\n");
  write(etc_ + "/done.service.d/action.conf", "[Unit]\nSuccessAction=exit\n");
  Diagnostics diags;
  auto config = loader().load("done.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.type, ServiceType::oneshot);
  EXPECT_EQ(config.success_action, EmergencyAction::exit);
}

// OnFailureJobMode=isolate with more than one OnFailure= unit is refused
// (bad-setting), as systemd 252's unit_load(); with one it loads.
TEST_F(SearchPathTest, OnFailureIsolateNeedsExactlyOneUnit) {
  write(lib_ + "/two.service",
        "[Unit]\nOnFailure=a.service b.target\nOnFailureJobMode=isolate\n[Service]\nExecStart=/bin/true\n");
  write(lib_ + "/one.target", "[Unit]\nOnFailure=a.service\nOnFailureJobMode=isolate\n");
  Diagnostics diags;
  auto two = loader().load("two.service", diags);
  EXPECT_EQ(two.load_state, LoadState::bad_setting);
  EXPECT_NE(formatted(diags).find(lib_ + "/two.service: error: More than one OnFailure= dependencies specified but "
                                  "OnFailureJobMode=isolate set. Refusing."),
            std::string::npos)
      << formatted(diags);
  Diagnostics one_diags;
  EXPECT_EQ(loader().load("one.target", one_diags).load_state, LoadState::loaded) << formatted(one_diags);
}

// %y names the fragment (its real path) also in drop-ins.
TEST_F(SearchPathTest, FragmentSpecifiers) {
  write(lib_ + "/web.service", "[Unit]\nDescription=%y\n[Service]\nExecStart=/bin/web\n");
  write(etc_ + "/web.service.d/x.conf", "[Service]\nEnvironment=DIR=%Y\n");
  Diagnostics diags;
  auto config = loader().load("web.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  char real[PATH_MAX];
  ASSERT_NE(realpath(lib_.c_str(), real), nullptr);
  EXPECT_EQ(config.description, std::string(real) + "/web.service");
  EXPECT_EQ(config.environment, (std::vector<std::string>{"DIR=" + std::string(real)}));
}

}  // namespace
// Targets load like services, from [Unit] (and [Install]) alone.
TEST_F(SearchPathTest, TargetsAreListedAndLoad) {
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\n");
  write(lib_ + "/app.target", "[Unit]\nDescription=App\nWants=web.service\nDefaultDependencies=no\n");
  write(lib_ + "/t@.target", "[Unit]\nDescription=T %i\n");
  link(lib_ + "/app.target", etc_ + "/alias.target");
  EXPECT_EQ(loader().list_units(), (std::vector<std::string>{"app.target", "web.service"}));
  Diagnostics diags;
  auto config = loader().load("alias.target", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.unit_type, UnitType::target);
  EXPECT_EQ(config.name, "app.target");
  EXPECT_EQ(config.aliases, (std::vector<std::string>{"alias.target"}));
  EXPECT_EQ(config.wants, (std::vector<std::string>{"web.service"}));
  EXPECT_FALSE(config.default_dependencies);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
  auto instance = loader().load("t@x.target", diags);
  EXPECT_EQ(instance.load_state, LoadState::loaded);
  EXPECT_EQ(instance.description, "T x");
  EXPECT_EQ(loader().load("web.service", diags).unit_type, UnitType::service);
}

// What `systemctl enable` writes is what pulls a unit in: NAME.wants/ and
// NAME.requires/ in every directory, for the name, its aliases and its
// template; the first directory holding an entry wins (a link to /dev/null
// masks it); entries that are not symlinks or not unit names are skipped
// with a warning naming the unit and the path.
TEST_F(SearchPathTest, WantsAndRequiresDirectoriesAddDependencies) {
  write(lib_ + "/multi-user.target", "[Unit]\nWants=b.service\n");
  link("multi-user.target", lib_ + "/default.target");
  mkdir((lib_ + "/multi-user.target.wants").c_str(), 0755);
  link("../a.service", lib_ + "/multi-user.target.wants/a.service");
  mkdir((etc_ + "/multi-user.target.wants").c_str(), 0755);
  link("/dev/null", etc_ + "/multi-user.target.wants/masked.service");  // masks the one below
  link("/nowhere/masked.service", lib_ + "/multi-user.target.wants/masked.service");
  link("/nowhere/c.service", etc_ + "/multi-user.target.wants/c.service");  // dangling: the name counts
  write(etc_ + "/multi-user.target.wants/plain.service", "[Unit]\n");      // not a symlink
  link("x", etc_ + "/multi-user.target.wants/bad!name");                    // not a unit name
  link("/x/s.socket", etc_ + "/multi-user.target.wants/s.socket");          // a type not run: dropped
  mkdir((etc_ + "/default.target.requires").c_str(), 0755);
  link("../d.service", etc_ + "/default.target.requires/d.service");  // via the alias
  Diagnostics diags;
  auto config = loader().load("multi-user.target", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded);
  EXPECT_EQ(config.wants, (std::vector<std::string>{"b.service", "a.service", "c.service"}));
  EXPECT_EQ(config.requires_, (std::vector<std::string>{"d.service"}));
  EXPECT_EQ(formatted(diags),
            etc_ + "/multi-user.target.wants/bad!name: warning: multi-user.target: Wants dependency " + etc_ +
                "/multi-user.target.wants/bad!name is not a valid unit name, ignoring.\n" +
            etc_ + "/multi-user.target.wants/plain.service: warning: multi-user.target: Wants dependency " + etc_ +
                "/multi-user.target.wants/plain.service is not a symlink, ignoring.\n");
}

// A template's directories apply to its instances, and a template entry
// takes the instance (systemd's resolve_template()).
TEST_F(SearchPathTest, TemplateWantsDirectoriesApplyToInstances) {
  write(lib_ + "/getty@.service", "[Service]\nExecStart=/sbin/getty %I\n");
  write(lib_ + "/log@.service", "[Service]\nExecStart=/bin/log %I\n");
  mkdir((lib_ + "/getty@.service.wants").c_str(), 0755);
  link("../log@.service", lib_ + "/getty@.service.wants/log@.service");
  Diagnostics diags;
  auto config = loader().load("getty@tty1.service", diags);
  EXPECT_EQ(config.wants, (std::vector<std::string>{"log@tty1.service"}));
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
}

// Issue 11: reading a .wants "directory" never blocks and never fails the
// unit: a FIFO in its place is refused at once, with the unit and path.
TEST_F(SearchPathTest, WantsDirectoryThatIsAFifoDoesNotBlock) {
  write(lib_ + "/web.service", "[Service]\nExecStart=/bin/web\n");
  ASSERT_EQ(mkfifo((etc_ + "/web.service.wants").c_str(), 0644), 0);
  Diagnostics diags;
  auto config = loader().load("web.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded);
  EXPECT_TRUE(config.wants.empty());
  EXPECT_EQ(formatted(diags), etc_ + "/web.service.wants: warning: web.service: cannot read " + etc_ +
                                  "/web.service.wants, ignoring it: Not a directory\n");
}

// vermiliond's own wants (the bridge): whatever loads as the unit, under
// its name or an alias, a file or a built-in, gets them.
TEST_F(SearchPathTest, BuiltinWantFollowsTheUnitWhateverDefinesIt) {
  UnitLoader l = loader();
  l.add_builtin("default.target", "<built-in>/default.target", "[Unit]\nDescription=D\n");
  l.add_builtin_want("default.target", "own.service");
  Diagnostics diags;
  EXPECT_EQ(l.load("default.target", diags).wants, (std::vector<std::string>{"own.service"}));
  write(lib_ + "/graphical.target", "[Unit]\nWants=x.service\n");
  link(lib_ + "/graphical.target", etc_ + "/default.target");
  auto config = l.load("default.target", diags);
  EXPECT_EQ(config.name, "graphical.target");
  EXPECT_EQ(config.wants, (std::vector<std::string>{"x.service", "own.service"}));
  EXPECT_TRUE(l.load("graphical.target", diags).wants.size() == 2u);
  EXPECT_TRUE(diags.items().empty()) << formatted(diags);
}

}  // namespace vermilion

namespace vermilion {
namespace {

// systemd-analyze verify 252 applies the drop-ins beside the file it is
// given (its directory leads the unit path), the template's too, and
// reports their problems with their own file:line; checked with systemd 252:
//   .../v.service.d/10-x.conf:2: Failed to parse nice priority 'abc', ignoring: Invalid argument
//   .../v.service.d/10-x.conf:3: Failed to parse service restart specifier, ignoring: bogus
//   .../t@.service.d/a.conf:2: Nice priority out of range, ignoring: 99
TEST_F(SearchPathTest, VerifyAppliesTheDropInsBesideTheFile) {
  write(etc_ + "/v.service", "[Service]\nExecStart=/bin/true\n");
  write(etc_ + "/v.service.d/10-x.conf", "[Service]\nNice=abc\nRestart=bogus\n");
  write(etc_ + "/v.service.d/20-y.conf", "[Service]\nExecStart=\nExecStart=/bin/false\n");
  write(etc_ + "/v.service.d/ignored.txt", "[Service]\nNice=5\n");
  Diagnostics diags;
  auto config = loader().load_file(etc_ + "/v.service", diags);
  EXPECT_EQ(config.load_state, LoadState::loaded) << formatted(diags);
  EXPECT_EQ(config.exec_start.at(0).path, "/bin/false");
  EXPECT_FALSE(config.nice) << "only *.conf files are drop-ins";
  EXPECT_EQ(config.drop_in_paths,
            (std::vector<std::string>{etc_ + "/v.service.d/10-x.conf", etc_ + "/v.service.d/20-y.conf"}));
  ASSERT_EQ(diags.items().size(), 2u) << formatted(diags);
  EXPECT_EQ(format_diagnostic(diags.items()[0]),
            etc_ + "/v.service.d/10-x.conf:2: warning: Failed to parse nice priority 'abc', ignoring: Invalid argument");
  EXPECT_EQ(format_diagnostic(diags.items()[1]),
            etc_ + "/v.service.d/10-x.conf:3: warning: Failed to parse service restart specifier, ignoring: bogus");

  write(etc_ + "/t@.service", "[Service]\nExecStart=/bin/echo %i\n");
  write(etc_ + "/t@.service.d/a.conf", "[Service]\nNice=99\n");
  Diagnostics template_diags;
  auto instance = loader().load_file(etc_ + "/t@.service", template_diags);
  EXPECT_EQ(instance.load_state, LoadState::loaded);
  ASSERT_EQ(template_diags.items().size(), 1u) << formatted(template_diags);
  EXPECT_EQ(format_diagnostic(template_diags.items()[0]),
            etc_ + "/t@.service.d/a.conf:2: warning: Nice priority out of range, ignoring: 99");

  // A drop-in that makes the unit bad fails the verification, naming it
  // (systemd 252: "b.service: Service has more than one ExecStart= setting,
  // which is only allowed for Type=oneshot services. Refusing.").
  write(etc_ + "/b.service", "[Service]\nExecStart=/bin/true\n");
  write(etc_ + "/b.service.d/a.conf", "[Service]\nExecStart=/bin/false\n");
  Diagnostics bad_diags;
  auto bad = loader().load_file(etc_ + "/b.service", bad_diags);
  EXPECT_NE(bad.load_state, LoadState::loaded);
  EXPECT_NE(formatted(bad_diags).find(etc_ + "/b.service.d/a.conf:2: error: Service has more than one ExecStart="),
            std::string::npos)
      << formatted(bad_diags);
}

}  // namespace
}  // namespace vermilion
