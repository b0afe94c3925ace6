#include "ctl/ctl_errors.h"

#include <gtest/gtest.h>

namespace vermilion::ctl {
namespace {

BusError error(std::string_view name, std::string message = "") { return {std::string(name), std::move(message)}; }

TEST(CtlErrors, Classifies) {
  EXPECT_EQ(classify(error(bus_error::kNoSuchService)), ErrorKind::no_such_service);
  EXPECT_EQ(classify(error(bus_error::kUnknownObject)), ErrorKind::no_such_service);
  EXPECT_EQ(classify(error(bus_error::kAccessDenied)), ErrorKind::access_denied);
  EXPECT_EQ(classify(error(bus_error::kBadSetting)), ErrorKind::unit_broken);
  EXPECT_EQ(classify(error(bus_error::kLoadFailed)), ErrorKind::unit_broken);
  EXPECT_EQ(classify(error(bus_error::kStartFailed)), ErrorKind::job_failed);
  EXPECT_EQ(classify(error(bus_error::kJobFailed)), ErrorKind::job_failed);
  EXPECT_EQ(classify(error(bus_error::kServiceUnknown)), ErrorKind::no_bridge);
  EXPECT_EQ(classify(error(bus_error::kNameHasNoOwner)), ErrorKind::no_bridge);
  EXPECT_EQ(classify(error(bus_error::kUnavailable)), ErrorKind::other);
  EXPECT_EQ(classify(error("org.freedesktop.DBus.Error.NoReply")), ErrorKind::other);
}

TEST(CtlErrors, NoSuchServiceIsExit4) {
  Failure f = describe_failure("start web.service", "web.service", error(bus_error::kNoSuchService));
  EXPECT_EQ(f.text, "Failed to start web.service: Unit web.service not found.\n");
  EXPECT_EQ(f.exit_code, kExitNoSuchUnit);
  // As systemctl, the server's words: they name the unit at fault.
  f = describe_failure("start web.service", "web.service",
                       error(bus_error::kNoSuchService, "Unit db.service not found."));
  EXPECT_EQ(f.text, "Failed to start web.service: Unit db.service not found.\n");
  EXPECT_EQ(f.exit_code, kExitNoSuchUnit);
  // An object that went away names a path, not a unit.
  f = describe_failure("kill unit web.service", "web.service",
                       error(bus_error::kUnknownObject, "Unknown object '/org/vermilion1/service/web_2eservice'."));
  EXPECT_EQ(f.text, "Failed to kill unit web.service: Unit web.service not found.\n");
  EXPECT_EQ(f.exit_code, kExitNoSuchUnit);
}

TEST(CtlErrors, UnitsThatDoNotLoadAreExit1NotNoSuchUnit) {
  // systemctl start: "Failed to start X: Unit X has a bad unit file setting.",
  // then where to look; exit 1 (BadUnitSetting is no "not installed").
  Failure f = describe_failure("start bad.service", "bad.service",
                               error(bus_error::kBadSetting, "Unit bad.service has a bad unit file setting."),
                               "vermilionctl");
  EXPECT_EQ(f.text,
            "Failed to start bad.service: Unit bad.service has a bad unit file setting.\n"
            "See vermiliond's log and 'vermilionctl status bad.service' for details.\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
  f = describe_failure("restart web.service", "web.service",
                       error(bus_error::kLoadFailed, "Unit db.service failed to load properly, please adjust/correct "
                                                     "and reload service manager."),
                       "vermilionctl --user");
  EXPECT_EQ(f.text,
            "Failed to restart web.service: Unit db.service failed to load properly, please adjust/correct and "
            "reload service manager.\n"
            "See vermiliond's log and 'vermilionctl --user status web.service' for details.\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
}

TEST(CtlErrors, AccessDenied) {
  Failure f = describe_failure("stop web.service", "web.service", error(bus_error::kAccessDenied));
  EXPECT_EQ(f.text, "Failed to stop web.service: Access denied\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
  // The bridge's reason, when it gives one, is kept.
  f = describe_failure("stop web.service", "web.service",
                       error(bus_error::kAccessDenied, "uid 1000 may not stop web.service"));
  EXPECT_EQ(f.text, "Failed to stop web.service: Access denied (uid 1000 may not stop web.service)\n");
  f = describe_failure("stop web.service", "web.service", error(bus_error::kAccessDenied, "Access denied"));
  EXPECT_EQ(f.text, "Failed to stop web.service: Access denied\n");
}

TEST(CtlErrors, NoBridgeOnTheBus) {
  Failure f = describe_failure("list units", "",
                               error(bus_error::kServiceUnknown,
                                     "The name org.vermilion1 was not provided by any .service files"));
  EXPECT_EQ(f.text,
            "Failed to connect to org.vermilion1: The name org.vermilion1 was not provided by any .service files\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
}

TEST(CtlErrors, AnythingElseCarriesTheMessage) {
  Failure f = describe_failure("kill unit web.service", "web.service",
                               error(bus_error::kUnavailable, "not linked to vermiliond"));
  EXPECT_EQ(f.text, "Failed to kill unit web.service: not linked to vermiliond\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
  // No message: the error's name.
  f = describe_failure("list units", "", error("org.example.Odd"));
  EXPECT_EQ(f.text, "Failed to list units: org.example.Odd\n");
  // NoSuchService without a unit to name is nothing special.
  f = describe_failure("reload configuration", "", error(bus_error::kNoSuchService, "gone"));
  EXPECT_EQ(f.text, "Failed to reload configuration: gone\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
}

TEST(CtlErrors, FindsResultsInMessages) {
  EXPECT_EQ(result_in_message("web.service: start failed, result exit-code", "web.service"), "exit-code");
  EXPECT_EQ(result_in_message("start-limit-hit", "web.service"), "start-limit-hit");
  EXPECT_EQ(result_in_message("job for web.service finished: dependency", "web.service"), "dependency");
  // A job result wins over a service result named before it.
  EXPECT_EQ(result_in_message("timeout; job canceled", "x.service"), "canceled");
  EXPECT_FALSE(result_in_message("job for web.service finished: failed", "web.service"));
  // Words inside other words, and the unit's own name, do not count.
  EXPECT_FALSE(result_in_message("exit-codes", "web.service"));
  EXPECT_FALSE(result_in_message("timeout.service failed", "timeout.service"));
  EXPECT_FALSE(result_in_message("", "web.service"));
}

TEST(CtlErrors, JobFailureExplainsTheResultLikeSystemctl) {
  Failure f = describe_job_failure("web.service", error(bus_error::kStartFailed, "exit-code"), std::nullopt,
                                   "vermilionctl");
  EXPECT_EQ(f.text,
            "Job for web.service failed because the control process exited with error code.\n"
            "See 'vermilionctl status web.service' for details.\n");
  EXPECT_EQ(f.exit_code, kExitFailure);

  f = describe_job_failure("web.service", error(bus_error::kStartFailed, "web.service failed (Result: timeout)"),
                           std::nullopt, "vermilionctl --user");
  EXPECT_EQ(f.text,
            "Job for web.service failed because a timeout was exceeded.\n"
            "See 'vermilionctl --user status web.service' for details.\n");
}

TEST(CtlErrors, JobFailureFallsBackToTheResultProperty) {
  Failure f = describe_job_failure("web.service", error(bus_error::kJobFailed, "job for web.service finished: failed"),
                                   "signal", "vermilionctl");
  EXPECT_EQ(f.text,
            "Job for web.service failed because a fatal signal was delivered to the control process.\n"
            "See 'vermilionctl status web.service' for details.\n");
  // "success" explains nothing: the message is shown instead.
  f = describe_job_failure("web.service", error(bus_error::kJobFailed, "job for web.service finished: failed"),
                           "success", "vermilionctl");
  EXPECT_EQ(f.text,
            "Job for web.service failed: job for web.service finished: failed\n"
            "See 'vermilionctl status web.service' for details.\n");
  f = describe_job_failure("web.service", error(bus_error::kJobFailed), std::nullopt, "vermilionctl");
  EXPECT_EQ(f.text, "Job for web.service failed.\nSee 'vermilionctl status web.service' for details.\n");
}

TEST(CtlErrors, JobResultsOfTheirOwn) {
  EXPECT_EQ(describe_job_failure("web.service", error(bus_error::kJobFailed, "canceled"), std::nullopt, "v").text,
            "Job for web.service canceled.\n");
  EXPECT_EQ(describe_job_failure("web.service", error(bus_error::kStartFailed, "dependency"), std::nullopt, "v").text,
            "A dependency job for web.service failed. See 'v status web.service' for details.\n");
  EXPECT_EQ(describe_job_failure("web.service", error(bus_error::kJobFailed, "invalid"), std::nullopt, "v").text,
            "web.service is not active, cannot reload.\n");
}

TEST(CtlErrors, BusUnreachable) {
  Failure f = describe_connect_failure(error("org.freedesktop.DBus.Error.FileNotFound",
                                             "Failed to open bus (No such file or directory)"));
  EXPECT_EQ(f.text, "Failed to connect to bus: No such file or directory\n");
  EXPECT_EQ(f.exit_code, kExitFailure);
  f = describe_connect_failure(error("System.Error.ECONNREFUSED", "Connection refused"));
  EXPECT_EQ(f.text, "Failed to connect to bus: Connection refused\n");
  f = describe_connect_failure(error("System.Error.ENOMEDIUM"));
  EXPECT_EQ(f.text, "Failed to connect to bus: System.Error.ENOMEDIUM\n");
}

}  // namespace
}  // namespace vermilion::ctl
