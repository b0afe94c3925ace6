#include "units/exec_line.h"

#include "units/extract_word.h"

namespace vermilion {
namespace {

// systemd's path_simplify() for an absolute path: "//" and "/./" collapse,
// ".." stays. A bare name is returned as it is.
std::string simplified_path(const std::string& path) {
  if (path.empty() || path[0] != '/') return path;
  std::string out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + pos, end - pos);
    if (!part.empty() && part != ".") {
      out += '/';
      out += part;
    }
    pos = end + 1;
  }
  return out.empty() ? "/" : out;
}

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

// systemd's string_is_safe(): no control characters, no quotes or backslashes.
bool is_safe(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\\' || c == '"' || c == '\'') return false;
  }
  return true;
}

// path_is_valid() for absolute paths (each component at most NAME_MAX, the
// whole at most PATH_MAX), filename_is_valid() for bare names.
bool is_valid_program(std::string_view p) {
  constexpr std::size_t kNameMax = 255, kPathMax = 4096;
  if (p.size() >= kPathMax) return false;
  if (p.front() != '/') return p != "." && p != ".." && p.find('/') == std::string_view::npos && p.size() <= kNameMax;
  std::size_t pos = 0;
  while (pos < p.size()) {
    auto end = p.find('/', pos);
    if (end == std::string_view::npos) end = p.size();
    if (end - pos > kNameMax) return false;
    pos = end + 1;
  }
  return true;
}

// extract_first_word_and_warn(): a word with unknown escapes is taken as
// written (with a warning); unbalanced quoting is reported by the caller.
ExtractedWord next_word(std::string_view& rest, const SourceLocation& where, Diagnostics& diags) {
  std::string_view saved = rest;
  auto w = extract_first_word(rest, kExtractUnquote | kExtractCunescape);
  if (w.status != ExtractStatus::invalid) return w;
  rest = saved;
  w = extract_first_word(rest, kExtractUnquote | kExtractCunescape | kExtractCunescapeRelax);
  if (w.status == ExtractStatus::word) diags.warn(where, "Ignoring unknown escape sequences: \"" + w.word + "\"");
  return w;
}

}  // namespace

ExecLineResult parse_exec_line(std::string_view value, const SourceLocation& where,
                               const SpecifierResolver& specifiers, std::vector<ExecCommand>& out,
                               Diagnostics& diags) {
  const std::string rvalue(value);
  std::string_view rest = value;
  while (true) {
    auto first = next_word(rest, where, diags);
    if (first.status == ExtractStatus::end) return ExecLineResult::ok;
    if (first.status == ExtractStatus::invalid) {
      // systemd logs this at error level but drops only this line.
      diags.warn(where, "Unbalanced quoting, ignoring: \"" + rvalue + "\"");
      return ExecLineResult::ignored;
    }
    if (first.word == ";") continue;  // a stray separator

    Prefixes prefixes;
    std::string_view program = strip_prefixes(first.word, prefixes);
    const bool ignore = prefixes.ignore_failure;
    const std::string ignoring = ignore ? ", ignoring" : "";
    auto problem = [&](const std::string& message) {
      if (ignore) diags.warn(where, message);
      else diags.error(where, message);
      return ignore ? ExecLineResult::ignored : ExecLineResult::fatal;
    };

    auto path = specifiers.expand(program, SpecifierSet::full, kMaxPathExpansion);
    if (!path.ok())
      return problem("Failed to resolve unit specifiers in '" + std::string(program) + "'" + ignoring + ": " + path.error);
    if (path.text.empty()) return problem("Empty path in command line" + ignoring + ": '" + rvalue + "'");
    if (!is_safe(path.text)) return problem("Executable name contains special characters" + ignoring + ": " + path.text);
    if (path.text.back() == '/') return problem("Executable path specifies a directory" + ignoring + ": " + path.text);
    if (!is_valid_program(path.text))
      return problem("Neither a valid executable name nor an absolute path" + ignoring + ": " + path.text);

    ExecCommand command;
    // As systemd's path_simplify(): the path loses repeated slashes and "."
    // components ("/RValue///slashes" runs /RValue/slashes); argv[0] keeps
    // the word as written (test-load-fragment.c).
    command.path = simplified_path(path.text);
    command.ignore_failure = prefixes.ignore_failure;
    command.full_privileges = prefixes.full_privileges;
    command.ambient_privileges = prefixes.no_setuid;
    command.ambient_magic = prefixes.ambient_magic;
    command.expand_environment = !prefixes.no_env_expand;
    command.where = where;
    if (!prefixes.separate_argv0) command.argv.push_back(path.text);

    bool more = false;  // a separator ended this command
    while (!rest.empty()) {
      // An unquoted ";" alone is a separator, "\;" alone a literal ";":
      // checked on the raw text, as extract_first_word() would return ";"
      // for both (and for "\;" inside quotes).
      if (rest[0] == ';' && (rest.size() == 1 || is_unit_whitespace(rest[1]))) {
        rest.remove_prefix(1);
        more = true;
        break;
      }
      if (rest.size() >= 2 && rest[0] == '\\' && rest[1] == ';' && (rest.size() == 2 || is_unit_whitespace(rest[2]))) {
        rest.remove_prefix(2);
        while (!rest.empty() && is_unit_whitespace(rest[0])) rest.remove_prefix(1);
        command.argv.emplace_back(";");
        continue;
      }
      auto w = next_word(rest, where, diags);
      if (w.status == ExtractStatus::end) break;
      if (w.status == ExtractStatus::invalid) {
        if (ignore) diags.warn(where, "Unbalanced quoting, ignoring: \"" + rvalue + "\"");
        else diags.error(where, "Unbalanced quoting, ignoring: \"" + rvalue + "\"");
        return ignore ? ExecLineResult::ignored : ExecLineResult::fatal;
      }
      auto arg = specifiers.expand(w.word);
      if (!arg.ok()) return problem("Failed to resolve unit specifiers in " + w.word + ignoring + ": " + arg.error);
      command.argv.push_back(std::move(arg.text));
    }
    if (command.argv.empty())
      return problem("Empty executable name or zeroeth argument" + ignoring + ": " + rvalue);
    out.push_back(std::move(command));
    if (!more) return ExecLineResult::ok;
  }
}

}  // namespace vermilion
