#include "ctl/ctl_errors.h"

#include <array>
#include <utility>

namespace vermilion::ctl {

namespace {

// systemctl's explanations of a failed service's Result.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kResultExplanations{{
    {"resources", "of unavailable resources or another system error"},
    {"protocol", "the service did not take the steps required by its unit configuration"},
    {"timeout", "a timeout was exceeded"},
    {"exit-code", "the control process exited with error code"},
    {"signal", "a fatal signal was delivered to the control process"},
    {"core-dump", "a fatal signal was delivered causing the control process to dump core"},
    {"watchdog", "the service failed to send watchdog ping"},
    {"start-limit-hit", "start of the service was attempted too often"},
    {"oom-kill", "of an out-of-memory (OOM) situation"},
}};

// Job results that are not about the service's own failure.
constexpr std::array<std::string_view, 3> kJobResults{"canceled", "dependency", "invalid"};

std::optional<std::string_view> explanation_of(std::string_view result) {
  for (const auto& [name, text] : kResultExplanations)
    if (name == result) return text;
  return std::nullopt;
}

bool is_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

std::string message_or_name(const BusError& error) {
  return error.message.empty() ? error.name : error.message;
}

}  // namespace

ErrorKind classify(const BusError& error) {
  const std::string_view name = error.name;
  if (name == bus_error::kNoSuchService || name == bus_error::kUnknownObject) return ErrorKind::no_such_service;
  if (name == bus_error::kAccessDenied) return ErrorKind::access_denied;
  if (name == bus_error::kBadSetting || name == bus_error::kLoadFailed) return ErrorKind::unit_broken;
  if (name == bus_error::kStartFailed || name == bus_error::kJobFailed) return ErrorKind::job_failed;
  if (name == bus_error::kServiceUnknown || name == bus_error::kNameHasNoOwner) return ErrorKind::no_bridge;
  return ErrorKind::other;
}

Failure describe_failure(std::string_view what, std::string_view unit, const BusError& error,
                         std::string_view ctl) {
  const std::string prefix = "Failed to " + std::string(what) + ": ";
  switch (classify(error)) {
    case ErrorKind::no_such_service:
      if (unit.empty()) break;
      // UnknownObject's message names an object path, not a unit.
      if (error.name == bus_error::kNoSuchService && !error.message.empty())
        return {prefix + error.message + "\n", kExitNoSuchUnit};
      return {prefix + "Unit " + std::string(unit) + " not found.\n", kExitNoSuchUnit};
    case ErrorKind::unit_broken: {
      // The unit file's problems (file:line) are in vermiliond's log.
      std::string text = prefix + message_or_name(error) + "\n";
      if (!unit.empty())
        text += "See vermiliond's log and '" + std::string(ctl) + " status " + std::string(unit) + "' for details.\n";
      return {text, kExitFailure};
    }
    case ErrorKind::access_denied: {
      std::string text = prefix + "Access denied";
      if (!error.message.empty() && error.message != "Access denied") text += " (" + error.message + ")";
      return {text + "\n", kExitFailure};
    }
    case ErrorKind::no_bridge:
      return {"Failed to connect to org.vermilion1: " + message_or_name(error) + "\n", kExitFailure};
    case ErrorKind::job_failed:
    case ErrorKind::other:
      break;
  }
  return {prefix + message_or_name(error) + "\n", kExitFailure};
}

std::optional<std::string> result_in_message(std::string_view message, std::string_view unit) {
  std::string text(message);
  if (!unit.empty())
    for (std::size_t at = text.find(unit); at != std::string::npos; at = text.find(unit, at))
      text.replace(at, unit.size(), " ");

  std::optional<std::string> service_result;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_word_char(text[end])) ++end;
    std::string_view word(text.data() + i, end - i);
    for (std::string_view job : kJobResults)
      if (word == job) return std::string(word);
    if (!service_result && explanation_of(word)) service_result = std::string(word);
    i = end;
  }
  return service_result;
}

Failure describe_job_failure(std::string_view unit, const BusError& error,
                             std::optional<std::string> service_result, std::string_view ctl) {
  const std::string u(unit);
  const std::string see = "See '" + std::string(ctl) + " status " + u + "' for details.\n";
  std::optional<std::string> result = result_in_message(error.message, unit);
  if (!result && service_result && explanation_of(*service_result)) result = service_result;

  if (result == "canceled") return {"Job for " + u + " canceled.\n", kExitFailure};
  if (result == "dependency") return {"A dependency job for " + u + " failed. " + see, kExitFailure};
  if (result == "invalid") return {u + " is not active, cannot reload.\n", kExitFailure};
  if (result)
    return {"Job for " + u + " failed because " + std::string(*explanation_of(*result)) + ".\n" + see,
            kExitFailure};
  if (!error.message.empty()) return {"Job for " + u + " failed: " + error.message + "\n" + see, kExitFailure};
  return {"Job for " + u + " failed.\n" + see, kExitFailure};
}

Failure describe_connect_failure(const BusError& error) {
  std::string reason = message_or_name(error);
  // "Failed to open bus (No such file or directory)" -> "No such file or directory"
  if (auto open = reason.rfind(" ("); open != std::string::npos && reason.back() == ')')
    reason = reason.substr(open + 2, reason.size() - open - 3);
  return {"Failed to connect to bus: " + reason + "\n", kExitFailure};
}

}  // namespace vermilion::ctl
