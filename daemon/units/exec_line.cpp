#include "units/exec_line.h"

#include "units/quoted_words.h"

namespace vermilion {
namespace {

using Commands = ParseResult<std::vector<ExecCommand>>;

struct Prefixes {
  bool ignore_failure = false;
  bool separate_argv0 = false;
  bool no_env_expand = false;
  bool full_privileges = false;
  bool no_setuid = false;       // '!'
  bool ambient_magic = false;   // '!!': credentials applied via ambient caps
};

// Each prefix may appear once, '+' / '!' / '!!' exclude each other; the
// first character that does not fit ends the prefix (systemd's loop).
std::string_view strip_prefixes(std::string_view word, Prefixes& p) {
  std::size_t i = 0;
  for (; i < word.size(); ++i) {
    char c = word[i];
    if (c == '-' && !p.ignore_failure) {
      p.ignore_failure = true;
    } else if (c == '@' && !p.separate_argv0) {
      p.separate_argv0 = true;
    } else if (c == ':' && !p.no_env_expand) {
      p.no_env_expand = true;
    } else if (c == '+' && !p.full_privileges && !p.no_setuid && !p.ambient_magic) {
      p.full_privileges = true;
    } else if (c == '!' && !p.full_privileges && !p.no_setuid && !p.ambient_magic) {
      p.no_setuid = true;
    } else if (c == '!' && !p.full_privileges && !p.ambient_magic) {
      p.no_setuid = false;
      p.ambient_magic = true;
    } else {
      break;
    }
  }
  return word.substr(i);
}

bool has_control_characters(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

ParseResult<std::vector<ExecCommand>> parse_exec_line(std::string_view value,
                                                      const SourceLocation& where) {
  auto split = split_quoted_words(value);
  if (!split.ok()) return Commands::failure(split.error);
  const auto& words = *split.value;

  std::vector<ExecCommand> commands;
  std::size_t i = 0;
  while (i < words.size()) {
    Prefixes prefixes;
    std::string_view path = strip_prefixes(words[i].text, prefixes);
    if (words[i].is_lone_semicolon || path.empty())
      return Commands::failure("empty executable path in command line");
    if (has_control_characters(path))
      return Commands::failure("executable path contains control characters");
    if (path.back() == '/') return Commands::failure("executable path '" + std::string(path) + "' is a directory");
    if (path.front() != '/' && path.find('/') != std::string_view::npos)
      return Commands::failure("'" + std::string(path) +
                               "' is neither a valid executable name nor an absolute path");

    ExecCommand command;
    command.path = std::string(path);
    command.ignore_failure = prefixes.ignore_failure;
    command.full_privileges = prefixes.full_privileges;
    command.ambient_privileges = prefixes.no_setuid;
    command.expand_environment = !prefixes.no_env_expand;
    command.where = where;
    ++i;
    if (prefixes.separate_argv0) {
      if (i >= words.size() || words[i].is_lone_semicolon)
        return Commands::failure("'@' prefix given but no argv[0] word follows the path");
      command.argv.push_back(words[i].text);
      ++i;
    } else {
      command.argv.push_back(command.path);
    }
    while (i < words.size() && !words[i].is_lone_semicolon) command.argv.push_back(words[i++].text);
    if (i < words.size()) ++i;  // the separator
    commands.push_back(std::move(command));
  }
  return Commands::success(std::move(commands));
}

}  // namespace vermilion
