#include "ctl/ctl_views.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include "ctl/ctl_errors.h"

namespace vermilion::ctl {
namespace {

constexpr std::uint64_t kSec = 1'000'000;
constexpr std::uint64_t kNovember = 1732615546 * kSec;  // Tue 2024-11-26 10:05:46 UTC

class CtlViews : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
  }
};

UnitRow row(std::string name, std::string load, std::string active, std::string sub, std::string description) {
  return {{std::move(name), std::move(description), std::move(active), std::move(sub), "/p"}, std::move(load)};
}

ServiceStatus running_web() {
  ServiceStatus p;
  p.name = "web.service";
  p.description = "Serves the site";
  p.load_state = "loaded";
  p.active_state = "active";
  p.sub_state = "running";
  p.result = "success";
  p.main_pid = 1234;
  p.active_enter_timestamp = kNovember - (2 * 3600 + 3 * 60) * kSec;
  return p;
}

TEST_F(CtlViews, UnitListLikeSystemctlListUnits) {
  std::string text = format_unit_list({row("web.service", "loaded", "active", "running", "Serves the site"),
                                       row("api.service", "loaded", "failed", "failed", "The API"),
                                       row("gone.service", "not-found", "inactive", "dead", "")},
                                      true);
  EXPECT_EQ(text,
            "  UNIT         LOAD      ACTIVE   SUB     DESCRIPTION\n"
            "\u25CF api.service  loaded    failed   failed  The API\n"
            "\u25CF gone.service not-found inactive dead\n"
            "  web.service  loaded    active   running Serves the site\n"
            "\n"
            "LOAD   = Reflects whether the unit definition was properly loaded.\n"
            "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
            "SUB    = The low-level unit activation state, values depend on unit type.\n"
            "3 loaded units listed.\n");
}

TEST_F(CtlViews, UnitListWithoutLegendAndEmpty) {
  EXPECT_EQ(format_unit_list({row("web.service", "loaded", "active", "running", "Web")}, false),
            "  web.service loaded active running Web\n");
  EXPECT_EQ(format_unit_list({}, true), "0 loaded units listed.\n");
  EXPECT_EQ(format_unit_list({}, false), "");
}

TEST_F(CtlViews, StatusOfARunningService) {
  ServiceStatus p = running_web();
  EXPECT_EQ(format_status(p, kNovember, std::string("python3")),
            "\u25CF web.service - Serves the site\n"
            "     Loaded: loaded\n"
            "     Active: active (running) since Tue 2024-11-26 09:02:46 CET; 2h 3min ago\n"
            "   Main PID: 1234 (python3)\n");
  p.n_restarts = 2;
  EXPECT_EQ(format_status(p, kNovember, std::nullopt),
            "\u25CF web.service - Serves the site\n"
            "     Loaded: loaded\n"
            "     Active: active (running) since Tue 2024-11-26 09:02:46 CET; 2h 3min ago\n"
            "   Main PID: 1234\n"
            "   Restarts: 2\n");
  EXPECT_EQ(status_exit_code(p), kExitSuccess);
}

// StatusText as systemctl shows it: quoted, after Main PID. It is the
// service's own text, so it cannot drive the terminal.
TEST_F(CtlViews, StatusShowsWhatTheServiceSaysItDoes) {
  ServiceStatus p = running_web();
  p.status_text = "Serving 3 requests";
  p.n_restarts = 1;
  EXPECT_EQ(format_status(p, kNovember, std::string("python3")),
            "\u25CF web.service - Serves the site\n"
            "     Loaded: loaded\n"
            "     Active: active (running) since Tue 2024-11-26 09:02:46 CET; 2h 3min ago\n"
            "   Main PID: 1234 (python3)\n"
            "     Status: \"Serving 3 requests\"\n"
            "   Restarts: 1\n");
  p.status_text = "done\x1b[2J\tnow \u00e9t\u00e9";
  p.main_pid = 0;
  p.n_restarts = 0;
  std::string out = format_status(p, kNovember, std::nullopt);
  EXPECT_EQ(out.substr(out.find("     Status")), "     Status: \"done\\x1b[2J\tnow \u00e9t\u00e9\"\n");
}

TEST_F(CtlViews, StatusOfAFailedService) {
  ServiceStatus p = running_web();
  p.active_state = "failed";
  p.sub_state = "failed";
  p.result = "exit-code";
  p.main_pid = 0;
  p.inactive_enter_timestamp = kNovember - 5 * kSec;
  EXPECT_EQ(format_status(p, kNovember, std::nullopt),
            "\u00D7 web.service - Serves the site\n"
            "     Loaded: loaded\n"
            "     Active: failed (Result: exit-code) since Tue 2024-11-26 11:05:41 CET; 5s ago\n");
  EXPECT_EQ(status_exit_code(p), kExitNotActive);
}

TEST_F(CtlViews, StatusOfOtherStates) {
  ServiceStatus p;
  p.name = "idle.service";
  p.description = "idle.service";  // a description equal to the name is not repeated
  p.load_state = "loaded";
  p.active_state = "inactive";
  p.sub_state = "dead";
  EXPECT_EQ(format_status(p, kNovember, std::nullopt),
            "\u25CB idle.service\n"
            "     Loaded: loaded\n"
            "     Active: inactive (dead)\n");
  EXPECT_EQ(status_exit_code(p), kExitNotActive);

  p.active_state = "reloading";
  p.sub_state = "reload";
  p.active_enter_timestamp = kNovember;
  EXPECT_EQ(format_status(p, kNovember, std::nullopt),
            "\u21BB idle.service\n"
            "     Loaded: loaded\n"
            "     Active: reloading (reload) since Tue 2024-11-26 11:05:46 CET; now\n");
  EXPECT_EQ(status_exit_code(p), kExitSuccess);

  // activating has no timestamp in the API: no "since".
  p.active_state = "activating";
  p.sub_state = "start";
  EXPECT_EQ(format_status(p, kNovember, std::nullopt),
            "\u25CF idle.service\n"
            "     Loaded: loaded\n"
            "     Active: activating (start)\n");
  EXPECT_EQ(status_exit_code(p), kExitNotActive);

  p.load_state = "not-found";
  p.active_state = "inactive";
  EXPECT_EQ(status_exit_code(p), kExitNoSuchUnit);
}

TEST_F(CtlViews, StatusWithNothingKnown) {
  EXPECT_EQ(format_status({}, kNovember, std::nullopt),
            "\u25CB n/a\n"
            "     Loaded: n/a\n"
            "     Active: n/a\n");
}

TEST_F(CtlViews, ActiveMeansActiveOrReloading) {
  EXPECT_TRUE(counts_as_active("active"));
  EXPECT_TRUE(counts_as_active("reloading"));
  EXPECT_FALSE(counts_as_active("activating"));
  EXPECT_FALSE(counts_as_active("deactivating"));
  EXPECT_FALSE(counts_as_active("failed"));
  EXPECT_FALSE(counts_as_active(""));
}

TEST_F(CtlViews, LogLineLikeJournalctlShort) {
  EXPECT_EQ(format_log_line("web.service", {kNovember, "listening on :8080"}),
            "Nov 26 11:05:46 web.service: listening on :8080\n");
  EXPECT_EQ(format_log_line("web.service", {kNovember, ""}), "Nov 26 11:05:46 web.service: \n");
}

TEST_F(CtlViews, LogLineEscapesControlCharacters) {
  EXPECT_EQ(format_log_line("w.service", {kNovember, "a\tb"}), "Nov 26 11:05:46 w.service: a\tb\n");
  EXPECT_EQ(format_log_line("w.service", {kNovember, "\x1b[2Jgotcha\r"}),
            "Nov 26 11:05:46 w.service: \\x1b[2Jgotcha\\x0d\n");
  EXPECT_EQ(format_log_line("w.service", {kNovember, "del\x7f"}), "Nov 26 11:05:46 w.service: del\\x7f\n");
  // U+009B (CSI) is a control character too; other non-ASCII text stays.
  EXPECT_EQ(format_log_line("w.service", {kNovember, "\u009b31m Gr\u00fc\u00dfe"}),
            "Nov 26 11:05:46 w.service: \\xc2\\x9b31m Gr\u00fc\u00dfe\n");
}

TEST_F(CtlViews, CapabilityTable) {
  EXPECT_EQ(format_capabilities({{3, "manager", "", "list,watch", 0},
                                 {1, "service", "web.service", "status,start,restart", 42}},
                                true),
            "SLOT KIND    OBJECT      RIGHTS               BADGE\n"
            "1    service web.service status,start,restart 42\n"
            "3    manager             list,watch           0\n"
            "\n"
            "2 capabilities listed.\n");
  EXPECT_EQ(format_capabilities({{1, "endpoint", "db.service", "connect", 7}}, true),
            "SLOT KIND     OBJECT     RIGHTS  BADGE\n"
            "1    endpoint db.service connect 7\n"
            "\n"
            "1 capability listed.\n");
  EXPECT_EQ(format_capabilities({}, true), "0 capabilities listed.\n");
  EXPECT_EQ(format_capabilities({{1, "fd", "/run/x", "use", 0}}, false), "1 fd /run/x use 0\n");
}

}  // namespace
}  // namespace vermilion::ctl
