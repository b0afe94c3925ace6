// The environment and argument vector a service's process is started with,
// built in the supervisor before fork (nothing here is async-signal-safe).
// The rules are systemd's (v252): a fresh environment, never the
// supervisor's own; Environment=, then EnvironmentFile=, later assignments
// win; then $VAR / ${VAR} in the command's words.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "units/unit_config.h"
#include "units/value_parsers.h"

namespace vermilion {

inline constexpr std::string_view kDefaultExecPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// "KEY=VALUE" list helpers. set_environment replaces an earlier KEY in
// place-order-independent fashion (the new value wins, once).
void set_environment(std::vector<std::string>& env, std::string_view key, std::string_view value);
void set_environment(std::vector<std::string>& env, std::string_view assignment);
[[nodiscard]] std::optional<std::string_view> get_environment(const std::vector<std::string>& env,
                                                              std::string_view key);

// Parses the text of an EnvironmentFile= file as systemd does: KEY=VALUE
// lines, '#' or ';' comments, single quotes (literal), double quotes (\ only
// escapes " \ ` $ and newline), backslash escapes and line continuations
// outside quotes, trailing whitespace of unquoted values dropped. Lines with
// an invalid name or without '=' are skipped. Appends "KEY=VALUE" in file
// order.
void parse_environment_file(std::string_view text, std::vector<std::string>& out);

// Who the process runs as, for HOME/USER/LOGNAME/SHELL.
struct LoginIdentity {
  std::string user, home, shell;
};

struct ExecEnvironmentInputs {
  const ServiceConfig* config = nullptr;
  const std::vector<std::string>* manager = nullptr;  // SpawnRequest::manager_environment
  const std::vector<std::string>* extra = nullptr;    // SpawnRequest::extra_environment
  const LoginIdentity* login = nullptr;             // null: no HOME/USER/LOGNAME/SHELL
  std::optional<std::string> lang;                  // the supervisor's own LANG, if set
  // Absolute paths of each ExecDirectoryType, for $RUNTIME_DIRECTORY, ...
  std::array<std::vector<std::string>, kExecDirectoryTypes> directories;
  std::optional<std::string> xdg_runtime_dir;       // --user: the runtime root
  std::optional<std::string> term;                  // $TERM for a service on a terminal (exec/terminal.h)
  std::optional<std::string> credentials_directory;  // $CREDENTIALS_DIRECTORY, if the unit has credentials
  // vermiliond's own environment ("KEY=VALUE"), where PassEnvironment= looks
  // its names up; null: none of them is set.
  const std::vector<std::string>* own = nullptr;
  // A user manager's environment, handed to every service before anything
  // else (user_manager_environment()); null for the system manager.
  const std::vector<std::string>* inherited = nullptr;
};

// What a user manager hands every service of its own environment (systemd
// 252's manager_default_environment() and sanitize_environment()): all of
// `own` ("KEY=VALUE") but the variables the manager sets to talk to its
// clients (INVOCATION_ID, MAINPID, NOTIFY_SOCKET, LISTEN_FDS, EXIT_STATUS,
// CACHE_DIRECTORY, ...), with PATH= kDefaultExecPath; sorted.
[[nodiscard]] std::vector<std::string> user_manager_environment(const std::vector<std::string>& own);

// What every service of the manager starts from, before its own settings
// (systemd's Manager.Environment, `systemctl show-environment`): the user
// manager's `inherited` environment (null for the system manager), PATH=
// kDefaultExecPath, LANG= the supervisor's own when set, in that order
// (a variable already there keeps its place).
[[nodiscard]] std::vector<std::string> manager_environment(const std::vector<std::string>* inherited,
                                                           const std::optional<std::string>& lang);

// The most an EnvironmentFile= may hold (bytes); a larger one fails the start.
inline constexpr std::size_t kEnvironmentFileMaxBytes = 4 * 1024 * 1024;

// Builds the environment, in systemd 252's order (exec_child()): what the
// manager sets, PassEnvironment=, Environment=, EnvironmentFile=, later
// ones winning; UnsetEnvironment= last. Returns 0, or read_regular_file()'s -errno when a
// non-optional EnvironmentFile= cannot be read (missing, not a regular file:
// a FIFO or /dev/zero is refused without blocking, too large); then
// `failure` says which and why: "EnvironmentFile=/etc/x: not a regular file".
// An optional file ("-" prefix) that cannot be read is skipped, whatever the
// reason, as systemd's exec_context_load_environment() does.
[[nodiscard]] int build_exec_environment(const ExecEnvironmentInputs& inputs, std::vector<std::string>& out,
                                         std::string& failure);

// Splits a variable's value into words as systemd does for a word that is
// exactly $VAR: at whitespace, quotes removed, backslash escaping the next
// character, unbalanced quotes tolerated.
[[nodiscard]] std::vector<std::string> split_value_into_words(std::string_view value);

// ${VAR} anywhere in the word becomes the value (empty when unset), $$ a
// literal $; anything else (including $VAR inside a longer word) stays as
// written.
[[nodiscard]] std::string expand_variables_in_word(std::string_view word, const std::vector<std::string>& env);

// Expands a command's argv: a word that is exactly $VAR becomes the value's
// words (none when unset or empty), every other word goes through
// expand_variables_in_word.
[[nodiscard]] std::vector<std::string> expand_exec_arguments(const std::vector<std::string>& argv,
                                                             const std::vector<std::string>& env);

// ExecSearchPath='s paths as a PATH value ("/a:/b").
[[nodiscard]] std::string join_search_path(const std::vector<std::string>& paths);

// Resolves a command name: an absolute path is taken as is, anything
// containing '/' is refused (-EINVAL), a bare name is searched in path_value
// (':'-separated) for an executable regular file. 0 or -ENOENT.
[[nodiscard]] int find_program(std::string_view name, std::string_view path_value, std::string& out);

}  // namespace vermilion
