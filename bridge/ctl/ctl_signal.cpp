#include "ctl/ctl_signal.h"

#include <signal.h>

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <tuple>
#include <utility>

namespace vermilion::ctl {

namespace {

// Linux's standard signals by name, then the aliases (IOT, POLL, CLD).
constexpr std::array<std::pair<std::string_view, int>, 34> kSignals{{
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD},     {"CONT", SIGCONT},     {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},     {"URG", SIGURG},     {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"IO", SIGIO},         {"PWR", SIGPWR},       {"SYS", SIGSYS},     {"IOT", SIGIOT},
    {"POLL", SIGPOLL},     {"CLD", SIGCHLD},
}};

std::optional<int> parse_number(std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

bool valid(int signal) { return signal >= 1 && signal <= SIGRTMAX; }

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    auto number = parse_number(text);
    if (!number || !valid(*number)) return std::nullopt;
    return number;
  }
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);

  for (const auto& [known, number] : kSignals)
    if (name == known) return number;

  // RTMIN, RTMIN+n, RTMAX, RTMAX-n, as systemd spells real-time signals.
  for (auto [base, sign, value] : {std::tuple{std::string_view("RTMIN"), '+', SIGRTMIN},
                                   std::tuple{std::string_view("RTMAX"), '-', SIGRTMAX}}) {
    if (!name.starts_with(base)) continue;
    std::string_view rest = name.substr(base.size());
    if (rest.empty()) return value;
    if (rest.front() != sign) return std::nullopt;
    auto offset = parse_number(rest.substr(1));
    if (!offset || *offset > SIGRTMAX - SIGRTMIN) return std::nullopt;
    int signal = sign == '+' ? value + *offset : value - *offset;
    return valid(signal) ? std::optional<int>(signal) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace vermilion::ctl
