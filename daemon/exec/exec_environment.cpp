#include "exec/exec_environment.h"

#include "units/value_parsers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/regular_file.h"
#include "exec/exec_directories.h"

namespace vermilion {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";
constexpr std::string_view kNewline = "\n\r";

bool is_whitespace(char c) { return kWhitespace.find(c) != std::string_view::npos; }
bool is_newline(char c) { return kNewline.find(c) != std::string_view::npos; }

std::string_view key_of(std::string_view assignment) {
  return assignment.substr(0, assignment.find('='));
}

// One pass over an environment file; a small state machine because quotes,
// escapes and comments interact across lines.
class EnvironmentFileParser {
 public:
  explicit EnvironmentFileParser(std::vector<std::string>& out) : out_(out) {}

  void feed(char c) {
    switch (state_) {
      case State::pre_key:
        if (c == '#' || c == ';') {
          state_ = State::comment;
        } else if (!is_whitespace(c)) {
          state_ = State::key;
          key_.assign(1, c);
        }
        break;
      case State::key:
        if (is_newline(c)) {
          state_ = State::pre_key;  // a name without '=' assigns nothing
        } else if (c == '=') {
          state_ = State::pre_value;
          value_.clear();
          trailing_whitespace_ = std::string::npos;
        } else {
          key_.push_back(c);
        }
        break;
      case State::pre_value:
        if (is_newline(c)) {
          push();
        } else if (c == '\'') {
          state_ = State::single_quoted;
        } else if (c == '"') {
          state_ = State::double_quoted;
        } else if (c == '\\') {
          state_ = State::value_escape;
        } else if (!is_whitespace(c)) {
          state_ = State::value;
          value_.push_back(c);
        }
        break;
      case State::value:
        if (is_newline(c)) {
          push();
        } else if (c == '\\') {
          state_ = State::value_escape;
          trailing_whitespace_ = std::string::npos;
        } else {
          if (!is_whitespace(c)) {
            trailing_whitespace_ = std::string::npos;
          } else if (trailing_whitespace_ == std::string::npos) {
            trailing_whitespace_ = value_.size();
          }
          value_.push_back(c);
        }
        break;
      case State::value_escape:
        state_ = State::value;
        if (!is_newline(c)) value_.push_back(c);  // backslash-newline continues the line
        break;
      case State::single_quoted:
        if (c == '\'') {
          state_ = State::pre_value;
        } else {
          value_.push_back(c);
        }
        break;
      case State::double_quoted:
        if (c == '"') {
          state_ = State::pre_value;
        } else if (c == '\\') {
          state_ = State::double_quoted_escape;
        } else {
          value_.push_back(c);
        }
        break;
      case State::double_quoted_escape:
        state_ = State::double_quoted;
        if (c == '"' || c == '\\' || c == '`' || c == '$') {
          value_.push_back(c);
        } else if (c != '\n') {
          value_.push_back('\\');
          value_.push_back(c);
        }
        break;
      case State::comment:
        if (c == '\\') {
          state_ = State::comment_escape;
        } else if (is_newline(c)) {
          state_ = State::pre_key;
        }
        break;
      case State::comment_escape:
        state_ = State::comment;
        break;
    }
  }

  void finish() {
    switch (state_) {
      case State::pre_value:
      case State::value:
      case State::value_escape:
      case State::single_quoted:
      case State::double_quoted:
      case State::double_quoted_escape:
        push();
        break;
      default:
        break;
    }
  }

 private:
  enum class State {
    pre_key, key, pre_value, value, value_escape, single_quoted, double_quoted,
    double_quoted_escape, comment, comment_escape,
  };

  void push() {
    if (state_ == State::value && trailing_whitespace_ != std::string::npos) {
      value_.resize(trailing_whitespace_);
    }
    state_ = State::pre_key;
    while (!key_.empty() && is_whitespace(key_.back())) key_.pop_back();
    if (is_valid_environment_name(key_)) out_.push_back(key_ + "=" + value_);
    key_.clear();
    value_.clear();
    trailing_whitespace_ = std::string::npos;
  }

  std::vector<std::string>& out_;
  State state_ = State::pre_key;
  std::string key_, value_;
  std::size_t trailing_whitespace_ = std::string::npos;
};

}  // namespace

void set_environment(std::vector<std::string>& env, std::string_view key, std::string_view value) {
  std::string assignment(key);
  assignment += '=';
  assignment += value;
  for (auto& existing : env) {
    if (key_of(existing) == key) {
      existing = std::move(assignment);
      return;
    }
  }
  env.push_back(std::move(assignment));
}

void set_environment(std::vector<std::string>& env, std::string_view assignment) {
  auto equals = assignment.find('=');
  if (equals == std::string_view::npos) return;
  set_environment(env, assignment.substr(0, equals), assignment.substr(equals + 1));
}

std::optional<std::string_view> get_environment(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& existing : env) {
    std::string_view view(existing);
    if (key_of(view) == key && view.size() > key.size()) return view.substr(key.size() + 1);
  }
  return std::nullopt;
}

void parse_environment_file(std::string_view text, std::vector<std::string>& out) {
  EnvironmentFileParser parser(out);
  for (char c : text) parser.feed(c);
  parser.finish();
}

std::vector<std::string> user_manager_environment(const std::vector<std::string>& own) {
  static constexpr std::string_view kManagersOwn[] = {
      "CACHE_DIRECTORY", "CONFIGURATION_DIRECTORY", "CREDENTIALS_DIRECTORY", "EXIT_CODE", "EXIT_STATUS",
      "INVOCATION_ID", "JOURNAL_STREAM", "LISTEN_FDNAMES", "LISTEN_FDS", "LISTEN_PID", "LOGS_DIRECTORY",
      "MAINPID", "MANAGERPID", "NOTIFY_SOCKET", "PIDFILE", "REMOTE_ADDR", "REMOTE_PORT", "RUNTIME_DIRECTORY",
      "SERVICE_RESULT", "STATE_DIRECTORY", "WATCHDOG_PID", "WATCHDOG_USEC"};
  std::vector<std::string> env;
  for (const auto& assignment : own) {
    const std::string_view key = key_of(assignment);
    if (assignment.find('=') == std::string::npos) continue;
    if (std::find(std::begin(kManagersOwn), std::end(kManagersOwn), key) != std::end(kManagersOwn)) continue;
    set_environment(env, key, std::string_view(assignment).substr(key.size() + 1));
  }
  set_environment(env, "PATH", kDefaultExecPath);
  std::sort(env.begin(), env.end());
  return env;
}

std::vector<std::string> manager_environment(const std::vector<std::string>* inherited,
                                             const std::optional<std::string>& lang) {
  std::vector<std::string> env;
  if (inherited) env = *inherited;
  set_environment(env, "PATH", kDefaultExecPath);
  if (lang) set_environment(env, "LANG", *lang);
  return env;
}

std::string join_search_path(const std::vector<std::string>& paths) {
  std::string joined;
  for (const auto& path : paths) {
    if (!joined.empty()) joined += ':';
    joined += path;
  }
  return joined;
}

int build_exec_environment(const ExecEnvironmentInputs& inputs, std::vector<std::string>& out,
                           std::string& failure) {
  std::vector<std::string> env = manager_environment(inputs.inherited, inputs.lang);
  if (inputs.login) {
    set_environment(env, "HOME", inputs.login->home);
    set_environment(env, "USER", inputs.login->user);
    set_environment(env, "LOGNAME", inputs.login->user);
    set_environment(env, "SHELL", inputs.login->shell);
  }
  if (inputs.xdg_runtime_dir) set_environment(env, "XDG_RUNTIME_DIR", *inputs.xdg_runtime_dir);
  if (inputs.term) set_environment(env, "TERM", *inputs.term);
  for (std::size_t type = 0; type < kExecDirectoryTypes; ++type) {
    if (inputs.directories[type].empty()) continue;
    std::string joined;
    for (const auto& dir : inputs.directories[type]) {
      if (!joined.empty()) joined += ':';
      joined += dir;
    }
    set_environment(env, exec_directory_variable(static_cast<ExecDirectoryType>(type)), joined);
  }
  if (inputs.credentials_directory) set_environment(env, "CREDENTIALS_DIRECTORY", *inputs.credentials_directory);
  // What the manager sets, then the unit's own, which wins (systemd 252:
  // tests/conformance/cases/environment-precedence).
  if (inputs.manager) {
    for (const auto& assignment : *inputs.manager) set_environment(env, assignment);
  }
  // ExecSearchPath= is PATH= unless the unit sets PATH itself (systemd
  // 252's exec_child(): between the manager's variables and PassEnvironment=).
  if (inputs.config && !inputs.config->exec_search_path.empty())
    set_environment(env, "PATH", join_search_path(inputs.config->exec_search_path));
  if (inputs.config && inputs.own) {
    for (const auto& name : inputs.config->pass_environment)
      if (auto value = get_environment(*inputs.own, name)) set_environment(env, name, *value);
  }
  if (inputs.config) {
    for (const auto& assignment : inputs.config->environment) set_environment(env, assignment);
    for (const auto& file : inputs.config->environment_files) {
      std::string text;
      int r = read_regular_file(file.path, kEnvironmentFileMaxBytes, text);
      if (r < 0) {
        if (file.optional) continue;
        failure = "EnvironmentFile=" + file.path + ": " + read_error_text(r, kEnvironmentFileMaxBytes);
        return r;
      }
      std::vector<std::string> assignments;
      parse_environment_file(text, assignments);
      for (const auto& assignment : assignments) set_environment(env, assignment);
    }
  }
  if (inputs.extra) {
    for (const auto& assignment : *inputs.extra) set_environment(env, assignment);
  }
  if (inputs.config) {
    for (const auto& unset : inputs.config->unset_environment) {
      // "NAME" matches any value; "NAME=VALUE" that assignment only.
      const bool exact = unset.find('=') != std::string::npos;
      std::erase_if(env, [&](const std::string& e) {
        return exact ? e == unset : e.size() > unset.size() && e.starts_with(unset) && e[unset.size()] == '=';
      });
    }
  }
  out = std::move(env);
  return 0;
}

std::vector<std::string> split_value_into_words(std::string_view value) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\') {
      in_word = true;
      if (i + 1 < value.size()) {
        word.push_back(value[++i]);
      } else {
        word.push_back(c);
      }
    } else if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word.push_back(c);
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (is_whitespace(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string expand_variables_in_word(std::string_view word, const std::vector<std::string>& env) {
  std::string result;
  std::size_t i = 0;
  while (i < word.size()) {
    if (word[i] != '$' || i + 1 >= word.size()) {
      result.push_back(word[i++]);
      continue;
    }
    if (word[i + 1] == '$') {
      result.push_back('$');
      i += 2;
      continue;
    }
    if (word[i + 1] == '{') {
      auto close = word.find('}', i + 2);
      std::string_view name =
          close == std::string_view::npos ? std::string_view() : word.substr(i + 2, close - i - 2);
      // Unterminated, or ${VAR:-default} style syntax systemd does not
      // support here: left as written.
      if (close == std::string_view::npos || name.find(':') != std::string_view::npos) {
        result.push_back(word[i++]);
        continue;
      }
      if (auto value = get_environment(env, name)) result += *value;
      i = close + 1;
      continue;
    }
    result.push_back(word[i++]);
  }
  return result;
}

std::vector<std::string> expand_exec_arguments(const std::vector<std::string>& argv,
                                               const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (const auto& word : argv) {
    if (word.size() >= 2 && word[0] == '$' && word[1] != '{' && word[1] != '$') {
      // systemd looks the whole rest of the word up as one name, so
      // "$FOO/bar" names no variable and yields no word.
      if (auto value = get_environment(env, std::string_view(word).substr(1))) {
        for (auto& split : split_value_into_words(*value)) out.push_back(std::move(split));
      }
      continue;
    }
    out.push_back(expand_variables_in_word(word, env));
  }
  return out;
}

int find_program(std::string_view name, std::string_view path_value, std::string& out) {
  if (name.empty()) return -ENOENT;
  if (name[0] == '/') {
    out = name;
    return 0;
  }
  if (name.find('/') != std::string_view::npos) return -EINVAL;
  std::size_t start = 0;
  while (start <= path_value.size()) {
    auto end = path_value.find(':', start);
    if (end == std::string_view::npos) end = path_value.size();
    std::string_view dir = path_value.substr(start, end - start);
    if (!dir.empty() && dir[0] == '/') {
      std::string candidate(dir);
      candidate += '/';
      candidate += name;
      struct stat st {};
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
        out = std::move(candidate);
        return 0;
      }
    }
    start = end + 1;
  }
  return -ENOENT;
}

}  // namespace vermilion
