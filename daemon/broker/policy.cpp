#include "broker/policy.h"


#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>

#include "units/unit_file_syntax.h"
#include "common/unit_name.h"
#include "units/value_parsers.h"

namespace vermilion {
namespace {

// Rights as a policy states them: at least one, each allowed for the kind;
// a message lists what the kind allows, so the fix is in the error.
RightsParse parse_granted_rights(CapabilityKind kind, std::string_view value) {
  const std::string allows =
      std::string(" (") + to_string(kind) + " allows: " + rights_to_string(allowed_rights(kind)) + ")";
  RightsParse parsed = parse_rights(kind, value);
  if (!parsed.rights) return {std::nullopt, parsed.error + allows};
  if (*parsed.rights == 0) return {std::nullopt, "no rights given" + allows};
  return parsed;
}

constexpr std::array<std::string_view, 10> kGrantKeys{
    "To", "Capability", "Rights", "Badge", "ListenStream", "ListenDatagram", "File", "Mode",
    "FileDescriptorName", "SocketMode"};
constexpr std::array<std::string_view, 5> kBusKeys{"User", "Group", "Service", "Rights", "ManagerRights"};
constexpr std::array<std::string_view, 3> kFdSourceKeys{"ListenStream", "ListenDatagram", "File"};
constexpr std::size_t kFdNameMax = 255;      // systemd's FDNAME_MAX
constexpr std::size_t kUserNameMax = 32;     // useradd's limit
constexpr std::string_view kSpace = " \t\n\r";

// One "[Name]" header and the assignments under it, in file order.
struct Section {
  std::string name;
  unsigned line = 0;
  std::vector<const UnitAssignment*> assignments;
};

std::vector<Section> group_sections(const UnitFileSyntax& syntax) {
  std::vector<Section> sections;
  for (const auto& header : syntax.sections) sections.push_back({header.name, header.line, {}});
  // Assignments under a section come after its header and before the next.
  std::size_t current = 0;
  for (const auto& assignment : syntax.assignments) {
    while (current + 1 < sections.size() && sections[current + 1].line < assignment.line) ++current;
    if (current < sections.size()) sections[current].assignments.push_back(&assignment);
  }
  return sections;
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while ((pos = s.find_first_not_of(kSpace, pos)) != std::string_view::npos) {
    auto end = s.find_first_of(kSpace, pos);
    words.push_back(s.substr(pos, end == std::string_view::npos ? end : end - pos));
    pos = end;
  }
  return words;
}

template <std::size_t N>
std::string key_list(const std::array<std::string_view, N>& keys) {
  std::string out;
  for (auto key : keys) {
    if (!out.empty()) out += ' ';
    out += std::string(key) + "=";
  }
  return out;
}

bool is_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// systemd's fdname_is_valid, without spaces: printable ASCII but ':', 1-255 bytes.
bool is_valid_fd_name(std::string_view s) {
  if (s.empty() || s.size() > kFdNameMax) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c <= '~' && c != ':'; });
}

// Names as useradd accepts them, or a numeric id that is not (uid_t)-1.
bool is_valid_user_or_group(std::string_view s) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    std::uint64_t id = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    return ec == std::errc() && end == s.data() + s.size() && id < 4294967295u;
  }
  if (s.ends_with('$')) s.remove_suffix(1);  // Samba machine accounts
  if (s.empty() || s.size() > kUserNameMax) return false;
  auto first = static_cast<unsigned char>(s.front());
  if (!(std::isalpha(first) || first == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x80 && (std::isalnum(u) || c == '_' || c == '-' || c == '.');
  });
}

bool is_clean_absolute_path(std::string_view s) {
  if (s.empty() || s.front() != '/' || s.back() == '/' || has_control(s)) return false;
  for (std::size_t pos = 0; pos != std::string_view::npos;) {
    auto next = s.find('/', pos + 1);
    auto component = s.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    if (component.empty() || component == "." || component == "..") return false;
    pos = next;
  }
  return true;
}

struct NameCheck {
  std::optional<std::string> name;
  std::string error;
};

// A service name or, when allowed, a glob of them; "web" means web.service.
// Where globs are allowed (service capabilities, [Bus] Service=) a name or
// glob may also end in ".target": starting a target is what `systemctl
// start multi-user.target` does, and it is granted as explicitly as a
// service ("*" still means every service, "*.target" every target).
NameCheck check_service_name(std::string_view value, bool glob_allowed) {
  if (value.empty()) return {std::nullopt, "empty service name"};
  const bool target = glob_allowed && value.ends_with(kTargetSuffix);
  if (is_glob(value)) {
    if (!glob_allowed) return {std::nullopt, "globs are not allowed here; name one service"};
    if (value.find('[') != std::string_view::npos)
      return {std::nullopt, "only '*' and '?' may be used in globs"};
    std::string glob(value);
    if (!target && !glob.ends_with(kServiceSuffix)) glob += kServiceSuffix;
    std::string probe = glob;
    std::replace_if(probe.begin(), probe.end(), [](char c) { return c == '*' || c == '?'; }, 'x');
    if (target ? !split_supported_unit_name(probe) : !is_valid_service_name(probe))
      return {std::nullopt, target ? "not a valid glob of target names" : "not a valid glob of service names"};
    return {std::move(glob), {}};
  }
  if (target) {
    auto parts = split_supported_unit_name(value);
    if (!parts) return {std::nullopt, "not a valid target name"};
    if (parts->is_template) return {std::nullopt, "a template names no target; name an instance or use a glob"};
    return {std::string(value), {}};
  }
  auto name = normalize_service_name(value);
  if (!name) return {std::nullopt, "not a valid service name"};
  if (split_service_name(*name)->is_template)
    return {std::nullopt, glob_allowed ? "a template names no service; name an instance or use a glob"
                                       : "a template names no service; name an instance"};
  return {std::move(name), {}};
}

std::optional<std::uint64_t> parse_badge(std::string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// Parses one file; collects its diagnostics locally so they can be ordered
// by line and the file rejected as a whole.
class PolicyFileParser {
 public:
  explicit PolicyFileParser(const std::string& path) : path_(path) {}

  PolicySet parse(std::string_view text, Diagnostics& out) {
    Diagnostics syntax_diags;
    auto syntax = parse_unit_file_syntax(text, path_, syntax_diags);
    // A line the syntax layer only warns about (an assignment before any
    // section) would be dropped silently: in a policy that is an error.
    for (const auto& d : syntax_diags.items()) diags_.error(d.where, d.message);

    PolicySet set;
    for (const auto& section : group_sections(syntax)) {
      if (section.name.empty()) continue;  // invalid header, already reported
      if (section.name == "Grant") {
        if (auto grant = parse_grant(section)) set.grants.push_back(std::move(*grant));
      } else if (section.name == "Bus") {
        if (auto rule = parse_bus(section)) set.bus_rules.push_back(std::move(*rule));
      } else {
        error(section.line, "Unknown section [" + section.name + "] (policy files have [Grant] and [Bus])");
      }
    }

    auto items = diags_.items();
    std::stable_sort(items.begin(), items.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.where.line < b.where.line; });
    for (auto& d : items) out.error(std::move(d.where), std::move(d.message));
    if (diags_.has_errors()) {
      out.error({path_, 0}, "Policy file has errors; none of its grants or bus rules are in effect");
      return {};
    }
    set.files.push_back(path_);
    return set;
  }

 private:
  using Keys = std::map<std::string, const UnitAssignment*, std::less<>>;

  void error(unsigned line, std::string message) { diags_.error({path_, line}, std::move(message)); }

  // 'Key=value', as the user wrote it.
  static std::string quoted(const UnitAssignment& a) { return "'" + a.key + "=" + a.value + "'"; }

  void invalid(const UnitAssignment& a, const std::string& why) {
    error(a.line, "Invalid " + a.key + "= value '" + a.value + "': " + why);
  }

  template <std::size_t N>
  Keys collect_keys(const Section& section, const std::array<std::string_view, N>& known) {
    Keys keys;
    for (const auto* a : section.assignments) {
      if (std::find(known.begin(), known.end(), a->key) == known.end()) {
        error(a->line, "Unknown key " + quoted(*a) + " in [" + section.name + "] (known keys: " + key_list(known) + ")");
        continue;
      }
      auto [it, inserted] = keys.emplace(a->key, a);
      if (!inserted)
        error(a->line, "Duplicate key " + quoted(*a) + " in [" + section.name + "] (" + a->key +
                           "= already set on line " + std::to_string(it->second->line) + ")");
    }
    return keys;
  }

  bool require(const Section& section, const Keys& keys, std::initializer_list<std::string_view> required) {
    std::string missing;
    for (auto key : required)
      if (keys.find(key) == keys.end()) missing += (missing.empty() ? "" : ", ") + std::string(key) + "=";
    if (missing.empty()) return true;
    error(section.line, "[" + section.name + "] is missing " + missing);
    return false;
  }

  static const UnitAssignment* find(const Keys& keys, std::string_view key) {
    auto it = keys.find(key);
    return it == keys.end() ? nullptr : it->second;
  }

  std::optional<PolicyGrant> parse_grant(const Section& section) {
    Keys keys = collect_keys(section, kGrantKeys);
    bool ok = require(section, keys, {"To", "Capability", "Rights"});
    PolicyGrant grant;
    grant.where = {path_, section.line};

    if (const auto* to = find(keys, "To")) {
      auto name = check_service_name(to->value, false);
      if (name.name) grant.to = *name.name;
      else invalid(*to, name.error), ok = false;
    }

    bool kind_known = false;
    if (const auto* capability = find(keys, "Capability")) {
      kind_known = parse_capability(*capability, grant);
      ok = ok && kind_known;
    }

    if (const auto* badge = find(keys, "Badge")) {
      auto value = parse_badge(badge->value);
      if (value) grant.badge = *value;
      else invalid(*badge, "expected a number 0-18446744073709551615"), ok = false;
    }

    if (!kind_known) return std::nullopt;  // rights and fd keys depend on the kind

    if (const auto* r = find(keys, "Rights")) {
      auto parsed = parse_granted_rights(grant.kind, r->value);
      if (parsed.rights) grant.rights = *parsed.rights;
      else invalid(*r, parsed.error), ok = false;
    }

    if (grant.kind == CapabilityKind::fd) {
      ok = parse_fd(section, keys, grant) && ok;
    } else {
      for (std::string_view key : {"ListenStream", "ListenDatagram", "File", "Mode", "FileDescriptorName",
                                   "SocketMode"})
        if (const auto* a = find(keys, key))
          error(a->line, quoted(*a) + " is only for fd capabilities, not " + to_string(grant.kind)), ok = false;
    }
    if (!ok) return std::nullopt;
    return grant;
  }

  // "kind:object". Returns whether the kind was understood and the object valid.
  bool parse_capability(const UnitAssignment& a, PolicyGrant& grant) {
    std::string_view value = a.value;
    auto colon = value.find(':');
    std::string_view kind_text = value.substr(0, colon);
    std::optional<std::string_view> object;
    if (colon != std::string_view::npos) object = value.substr(colon + 1);
    auto kind = parse_kind(kind_text);
    if (!kind) {
      invalid(a, "unknown kind '" + std::string(kind_text) +
                     "' (expected service:NAME, service:GLOB, manager, endpoint:SERVICE or fd:NAME)");
      return false;
    }
    grant.kind = *kind;
    switch (*kind) {
      case CapabilityKind::manager:
        if (object) return invalid(a, "manager takes no object (write Capability=manager)"), false;
        return true;
      case CapabilityKind::service:
      case CapabilityKind::endpoint: {
        bool glob = *kind == CapabilityKind::service;
        if (!object || object->empty())
          return invalid(a, glob ? "expected service:NAME or service:GLOB" : "expected endpoint:SERVICE"), false;
        auto name = check_service_name(*object, glob);
        if (!name.name) return invalid(a, name.error), false;
        grant.object = *name.name;
        return true;
      }
      case CapabilityKind::fd:
        if (!object || !is_valid_fd_name(*object))
          return invalid(a, "expected fd:NAME, NAME being 1-255 printable characters without ':' or spaces"), false;
        grant.object = std::string(*object);
        return true;
    }
    return false;
  }

  bool parse_fd(const Section& section, const Keys& keys, PolicyGrant& grant) {
    bool ok = true;
    std::vector<const UnitAssignment*> sources;
    for (auto key : kFdSourceKeys)
      if (const auto* a = find(keys, key)) sources.push_back(a);
    std::sort(sources.begin(), sources.end(),
              [](const UnitAssignment* x, const UnitAssignment* y) { return x->line < y->line; });
    if (sources.empty()) {
      error(section.line, "fd grant needs exactly one of ListenStream=, ListenDatagram=, File=");
      return false;
    }
    for (std::size_t i = 1; i < sources.size(); ++i)
      error(sources[i]->line, quoted(*sources[i]) + " conflicts with " + sources[0]->key + "= on line " +
                                  std::to_string(sources[0]->line) + ": an fd grant opens exactly one resource"),
          ok = false;

    FdSpec fd;
    fd.name = grant.object;
    const UnitAssignment& source = *sources[0];
    fd.address = source.value;
    std::optional<bool> unix_path;  // unknown while the address is invalid
    if (source.key == "File") {
      unix_path = false;
      fd.type = FdSpec::Type::file;
      if (!is_clean_absolute_path(source.value))
        invalid(source, "expected an absolute path to a file, without '.', '..' or '//'"), ok = false;
    } else {
      fd.type = source.key == "ListenStream" ? FdSpec::Type::stream : FdSpec::Type::datagram;
      auto address = parse_listen_address(source.value);
      if (!address.ok()) invalid(source, address.error), ok = false;
      else unix_path = address.value->family == ListenAddress::Family::unix_path;
    }

    if (const auto* mode = find(keys, "Mode")) {
      if (fd.type != FdSpec::Type::file) error(mode->line, quoted(*mode) + " is only for File=, not " + source.key + "="), ok = false;
      else if (mode->value == "read") fd.mode = FdSpec::FileMode::read;
      else if (mode->value == "write") fd.mode = FdSpec::FileMode::write;
      else if (mode->value == "read-write") fd.mode = FdSpec::FileMode::read_write;
      else invalid(*mode, "expected read, write or read-write"), ok = false;
    }
    if (const auto* socket_mode = find(keys, "SocketMode")) {
      auto value = parse_umask(socket_mode->value);
      if (unix_path == false)
        error(socket_mode->line, quoted(*socket_mode) + " is only for AF_UNIX sockets with a path, not " +
                                     source.key + "="),
            ok = false;
      else if (!value) invalid(*socket_mode, "expected an octal mode 0-7777"), ok = false;
      else fd.socket_mode = *value;
    }
    if (const auto* name = find(keys, "FileDescriptorName")) {
      if (!is_valid_fd_name(name->value))
        invalid(*name, "expected 1-255 printable characters without ':' or spaces"), ok = false;
      else fd.name = name->value;
    }
    grant.fd = std::move(fd);
    return ok;
  }

  std::optional<BusRule> parse_bus(const Section& section) {
    Keys keys = collect_keys(section, kBusKeys);
    bool ok = true;
    BusRule rule;
    rule.where = {path_, section.line};
    const auto* service = find(keys, "Service");
    const auto* service_rights = find(keys, "Rights");
    const auto* manager_rights = find(keys, "ManagerRights");
    if (!find(keys, "User") && !find(keys, "Group"))
      error(section.line, "[Bus] needs User= or Group= (whom the rule is for)"), ok = false;
    if (!service_rights && !manager_rights)
      error(section.line, "[Bus] needs Rights= or ManagerRights= (what the rule allows)"), ok = false;
    if (service_rights && !service)
      error(section.line, "[Bus] is missing Service= (the services Rights= is for)"), ok = false;
    if (service && !service_rights && manager_rights)
      error(service->line, quoted(*service) + " without Rights= allows nothing on services (ManagerRights= are "
                                              "not per service)"),
          ok = false;
    if (const auto* a = find(keys, "User")) ok = parse_callers(*a, rule.users, true) && ok;
    if (const auto* a = find(keys, "Group")) ok = parse_callers(*a, rule.groups, false) && ok;
    if (service) {
      auto glob = check_service_name(service->value, true);
      if (glob.name) rule.service_glob = *glob.name;
      else invalid(*service, glob.error), ok = false;
    }
    if (service_rights) {
      auto parsed = parse_granted_rights(CapabilityKind::service, service_rights->value);
      if (parsed.rights) rule.rights = *parsed.rights;
      else invalid(*service_rights, parsed.error), ok = false;
    }
    if (manager_rights) {
      auto parsed = parse_granted_rights(CapabilityKind::manager, manager_rights->value);
      if (parsed.rights) rule.manager_rights = *parsed.rights;
      else invalid(*manager_rights, parsed.error), ok = false;
    }
    if (!ok) return std::nullopt;
    return rule;
  }

  // User=/Group=: names or numeric ids; for users, "*" alone is every caller.
  bool parse_callers(const UnitAssignment& a, std::vector<std::string>& out, bool is_user) {
    auto words = split_words(a.value);
    if (words.empty()) return invalid(a, "expected names or numeric ids"), false;
    if (std::find(words.begin(), words.end(), "*") != words.end()) {
      if (!is_user) return invalid(a, "'*' is only for User= (every caller)"), false;
      if (words.size() > 1) return invalid(a, "'*' already means every caller; name nobody beside it"), false;
      out.emplace_back("*");
      return true;
    }
    bool ok = true;
    for (auto word : words) {
      if (is_valid_user_or_group(word)) {
        out.emplace_back(word);
        continue;
      }
      std::string why = "'" + std::string(word) + "' is not a valid name or numeric id";
      if (is_user && word.find('*') != std::string_view::npos) why += " ('*' alone means every caller)";
      invalid(a, why), ok = false;
    }
    return ok;
  }

  const std::string& path_;
  Diagnostics diags_;
};

}  // namespace

PolicySet parse_policy_text(const std::string& path, std::string_view text, Diagnostics& diags) {
  return PolicyFileParser(path).parse(text, diags);
}

}  // namespace vermilion
