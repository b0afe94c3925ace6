#include "units/unit_keys.h"

#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include <algorithm>
#include <cctype>
#include <array>
#include <charconv>
#include <climits>
#include <functional>
#include <map>
#include <initializer_list>
#include <set>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/bus_name.h"
#include "units/capability_set.h"
#include "units/credential_name.h"
#include "units/device_policy.h"
#include "units/ip_address_prefix.h"
#include "units/exec_line.h"
#include "units/extract_word.h"
#include "units/syslog_priority.h"
#include "units/unit_condition.h"
#include "common/unit_name.h"
#include "common/utf8.h"
#include "units/value_parsers.h"

namespace vermilion {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while ((pos = s.find_first_not_of(kWhitespace, pos)) != std::string_view::npos) {
    auto end = s.find_first_of(kWhitespace, pos);
    words.emplace_back(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end;
  }
  return words;
}

// The words of a value as systemd's extract_first_word() with `flags`
// splits them; stops at the first word it cannot split.
std::vector<std::string> extract_words(std::string_view s, unsigned flags, bool* failed = nullptr) {
  std::vector<std::string> words;
  while (true) {
    auto w = extract_first_word(s, flags);
    if (w.status == ExtractStatus::word) {
      words.push_back(std::move(w.word));
      continue;
    }
    if (failed) *failed = w.status == ExtractStatus::invalid;
    return words;
  }
}

constexpr std::array<std::string_view, 11> kUnitTypes{"service", "socket", "target", "device", "mount", "automount",
                                                      "swap",    "timer",  "path",   "slice",  "scope"};

bool is_unit_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\';
}

struct ParsedUnitName {
  std::string prefix, instance, type;
  bool is_template = false;
};

// systemd's unit_name_is_valid() for any type: PREFIX[@INSTANCE].TYPE, at
// most 255 bytes, characters from [A-Za-z0-9:_.\\-] ('@' also inside the
// instance), a known type.
std::optional<ParsedUnitName> parse_unit_name(std::string_view name) {
  if (name.size() > kUnitNameMax) return std::nullopt;
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  ParsedUnitName out;
  out.type = std::string(name.substr(dot + 1));
  if (std::find(kUnitTypes.begin(), kUnitTypes.end(), out.type) == kUnitTypes.end()) return std::nullopt;
  std::string_view stem = name.substr(0, dot);
  auto at = stem.find('@');
  std::string_view prefix = stem.substr(0, at);
  if (prefix.empty() || !std::all_of(prefix.begin(), prefix.end(), is_unit_name_char)) return std::nullopt;
  out.prefix = std::string(prefix);
  if (at != std::string_view::npos) {
    std::string_view instance = stem.substr(at + 1);
    if (!std::all_of(instance.begin(), instance.end(), [](char c) { return is_unit_name_char(c) || c == '@'; }))
      return std::nullopt;
    out.instance = std::string(instance);
    out.is_template = instance.empty();
  }
  return out;
}

// One assignment being applied: where it is, and how to report about it.
// Following systemd 252 (src/core/load-fragment.c), most invalid values are
// a warning and leave the setting as it was ("ignoring"); a few make the
// unit bad-setting (fatal) and fewer fail its load (load_error).
class Assignment {
 public:
  Assignment(const UnitAssignment& a, const std::string& path, const ServiceKeyContext& context,
             ServiceConfig& config, Diagnostics& diags)
      : key(a.key), value(a.value), where{path, a.line}, context(context), config(config), diags_(diags) {}

  const std::string& key;
  const std::string& value;
  SourceLocation where;
  const ServiceKeyContext& context;
  ServiceConfig& config;

  void warn(const std::string& message) { diags_.warn(where, message); }
  // A warning: this assignment is ignored, the unit loads.
  void ignore(const std::string& message) { diags_.warn(where, message); }
  // An error: the unit is bad-setting.
  void fatal(const std::string& message) {
    diags_.error(where, message);
    bad_setting = true;
  }
  // An error: the unit fails to load (load state "error").
  void load_error(const std::string& message) {
    diags_.error(where, message);
    failed_load = true;
  }

  // Specifier expansion; on failure reports systemd's message as a warning
  // ("..., ignoring: Invalid slot") and returns nullopt.
  std::optional<std::string> expand(std::string_view text, SpecifierSet set = SpecifierSet::full,
                                    std::size_t max = kMaxValueExpansion, bool quote = true) {
    auto expanded = context.specifiers.expand(text, set, max);
    if (expanded.ok()) return std::move(expanded.text);
    std::string shown = quote ? "'" + std::string(text) + "'" : std::string(text);
    ignore("Failed to resolve unit specifiers in " + shown + ", ignoring: " + expanded.error);
    return std::nullopt;
  }

  bool bad_setting = false;
  bool failed_load = false;

 private:
  Diagnostics& diags_;
};

using Handler = std::function<void(Assignment&)>;

// --- Handler builders -------------------------------------------------------

Handler boolean(bool ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (auto b = parse_boolean(a.value)) a.config.*field = *b;
    else a.ignore("Failed to parse boolean value, ignoring: " + a.value);
  };
}

Handler time_span(usec_t ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (auto t = parse_time_span(a.value)) a.config.*field = *t;
    else a.ignore("Failed to parse sec value, ignoring: " + a.value);
  };
}

// JobTimeoutSec=/JobRunningTimeoutSec= (systemd's
// config_parse_job_timeout_sec(), config_parse_job_running_timeout_sec()):
// 0 means none, as infinity; JobTimeoutSec= also sets JobRunningTimeoutSec=
// unless that was given, for compatibility with older versions.
void set_job_timeout(Assignment& a, bool running) {
  auto t = parse_time_span(a.value);
  if (!t) return a.ignore("Failed to parse " + a.key + "= parameter, ignoring: " + a.value);
  const usec_t value = *t == 0 ? kUsecInfinity : *t;
  if (running) {
    a.config.job_running_timeout = value;
    a.config.job_running_timeout_set = true;
    return;
  }
  if (!a.config.job_running_timeout_set) a.config.job_running_timeout = value;
  a.config.job_timeout = value;
}

// TimeoutStartSec=/TimeoutStopSec=/TimeoutSec=: 0 and infinity both
// disable the timeout (systemd's parse_sec_fix_0).
void set_timeout(Assignment& a, std::initializer_list<usec_t ServiceConfig::*> fields, const std::string& what) {
  auto t = parse_time_span(a.value);
  if (!t) return a.ignore("Failed to parse " + what + ", ignoring: " + a.value);
  for (auto field : fields) {
    a.config.*field = *t == 0 ? kUsecInfinity : *t;
    // A oneshot has no start timeout unless one is given (complete_service_config).
    if (field == &ServiceConfig::timeout_start) a.config.timeout_start_set = true;
  }
}

template <typename Enum>
Handler choice(Enum ServiceConfig::*field, std::string what,
               std::initializer_list<std::pair<std::string_view, Enum>> options) {
  std::vector<std::pair<std::string_view, Enum>> table(options);
  return [field, table, what](Assignment& a) {
    for (auto& [text, e] : table)
      if (a.value == text) {
        a.config.*field = e;
        return;
      }
    a.ignore("Failed to parse " + what + ", ignoring: " + a.value);
  };
}

Handler exec(std::vector<ExecCommand> ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (a.value.empty()) return (a.config.*field).clear();
    Diagnostics diags;
    auto result = parse_exec_line(a.value, a.where, a.context.specifiers, a.config.*field, diags);
    for (const auto& d : diags.items()) {
      if (d.severity == Severity::error) a.fatal(d.message);
      else a.warn(d.message);
    }
    if (result == ExecLineResult::fatal) a.bad_setting = true;
  };
}

enum class NonServiceDependency { drop_silently, drop_with_warning };

// Requires=, Wants=, After=, ... (systemd's config_parse_unit_deps): names
// split keeping backslashes, specifiers of the unit-name set expanded, and
// a template ("postgresql@.service") gets this unit's instance, or its
// prefix when it has none (unit_add_dependency_by_name's resolve_template).
Handler dependency(std::vector<std::string> ServiceConfig::*field, NonServiceDependency non_service) {
  return [field, non_service](Assignment& a) {
    if (a.value.empty()) return (a.config.*field).clear();
    for (auto& word : extract_words(a.value, kExtractRetainEscape)) {
      auto name = a.expand(word, SpecifierSet::unit_name, kMaxUnitNameExpansion);
      if (!name) continue;
      auto parsed = parse_unit_name(*name);
      if (parsed && parsed->is_template) {
        auto self = parse_unit_name(a.config.name);
        std::string instance = self && !self->instance.empty() ? self->instance : (self ? self->prefix : "");
        *name = parsed->prefix + "@" + instance + "." + parsed->type;
        parsed = parse_unit_name(*name);
      }
      if (!parsed) {
        a.ignore("Failed to add dependency on " + *name + ", ignoring: Invalid argument");
        continue;
      }
      // The types Vermilion does not run (.socket .timer .mount .device
      // .path .slice ...): README "Units of other types".
      if (!is_supported_unit_type(parsed->type)) {
        if (non_service == NonServiceDependency::drop_with_warning)
          a.warn(a.key + "=" + *name + " ignored: Vermilion runs only services and targets");
        continue;
      }
      auto& list = a.config.*field;
      if (std::find(list.begin(), list.end(), *name) == list.end()) list.push_back(*name);
    }
  };
}

// [Install] is read by enablement, not when a unit loads: systemd says
// nothing about its values at load time, so problems are only warnings.
Handler install_targets(std::vector<std::string> ServiceConfig::*field) {
  return [field](Assignment& a) {
    if (a.value.empty()) return (a.config.*field).clear();
    auto expanded = a.expand(a.value);
    if (!expanded) return;
    for (auto& name : split_words(*expanded)) {
      if (!parse_unit_name(name)) {
        a.ignore("Invalid unit name '" + name + "' in " + a.key + "=, ignoring.");
        continue;
      }
      auto& list = a.config.*field;
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
  };
}

Handler exit_statuses(LazyValue<ExitStatusSet> ServiceConfig::*field) {
  return [field](Assignment& a) {
    auto parsed = parse_exit_status_list(a.value, (a.config.*field).get());
    for (auto& word : parsed.invalid) a.ignore("Failed to parse value, ignoring: " + word);
    (a.config.*field).mut() = std::move(parsed.set);
  };
}

Handler limit(int resource) {
  return [resource](Assignment& a) {
    auto parsed = parse_resource_limit(a.value, resource);
    if (!parsed.ok()) {
      if (parsed.error == "soft limit is above the hard limit")
        return a.ignore("Soft resource limit chosen higher than hard limit, ignoring: " + a.value);
      return a.ignore("Failed to parse resource value, ignoring: " + a.value);
    }
    a.config.limits[resource] = *parsed.value;
  };
}

Handler not_implemented(std::string how_treated = "ignored") {
  return [how = std::move(how_treated)](Assignment& a) {
    a.warn(a.key + "= is not implemented by Vermilion; " + how + ".");
  };
}

// A key systemd 252 still knows but no longer acts on
// (config_parse_warn_compat(), DISABLED_LEGACY): its own warning.
void removed_key(Assignment& a) { a.warn("Support for option " + a.key + "= has been removed and it is ignored"); }

// --- Handlers with their own rules -------------------------------------------

void set_description(Assignment& a) {
  // Unit files are bytes; the description is shown on D-Bus, whose strings
  // must be UTF-8: escaped once here rather than at every state change.
  if (auto text = a.expand(a.value)) a.config.description = escape_invalid_utf8(*text);
}

// systemd 252's documentation_url_is_valid(): http(s)://, file:/, info: or
// man: followed by something, all ASCII.
bool is_documentation_url(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://", "file:/", "info:", "man:"}) {
    if (!url.starts_with(scheme)) continue;
    std::string_view rest = url.substr(scheme.size());
    return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x80;
    });
  }
  return false;
}

// Documentation= (config_parse_documentation): words unquoted, specifiers
// expanded; an invalid URI is dropped with a warning.
void set_documentation(Assignment& a) {
  auto& list = a.config.documentation;
  if (a.value.empty()) return list.clear();
  for (auto& word : extract_words(a.value, kExtractUnquote)) {
    auto url = a.expand(word);
    if (!url) continue;
    if (!is_documentation_url(*url)) {
      a.ignore("Invalid URL, ignoring: " + escape_invalid_utf8(*url));
      continue;
    }
    list.push_back(std::move(*url));
  }
}

void set_type(Assignment& a) {
  static const std::map<std::string_view, ServiceType> kTypes{
      {"simple", ServiceType::simple},   {"exec", ServiceType::exec},
      {"notify", ServiceType::notify},   {"oneshot", ServiceType::oneshot},
      {"forking", ServiceType::forking}, {"idle", ServiceType::idle},
      {"dbus", ServiceType::dbus}};
  if (auto it = kTypes.find(a.value); it != kTypes.end()) {
    a.config.type = it->second;
    a.config.type_explicit = true;
  } else {
    a.ignore("Failed to parse service type, ignoring: " + a.value);
  }
}

// BusName= (systemd 252's config_parse_bus_name()): specifiers expanded up
// to D-Bus's 255 bytes, then a valid bus name or the assignment is ignored
// (an empty value too: it resets nothing).
void set_bus_name(Assignment& a) {
  auto name = a.expand(a.value, SpecifierSet::full, kMaxBusNameLength);
  if (!name) return;
  if (!is_valid_bus_name(*name)) return a.ignore("Invalid bus name, ignoring: " + *name);
  a.config.bus_name.mut() = std::move(*name);
}

void set_kill_signal(Assignment& a) {
  if (auto sig = parse_signal(a.value)) a.config.kill_signal = *sig;
  else a.ignore("Failed to parse signal name, ignoring: " + a.value);
}

void set_optional_signal(Assignment& a, std::optional<int> ServiceConfig::*field) {
  if (auto sig = parse_signal(a.value)) a.config.*field = *sig;
  else a.ignore("Failed to parse signal name, ignoring: " + a.value);
}

void set_signal(Assignment& a, int ServiceConfig::*field) {
  if (auto sig = parse_signal(a.value)) a.config.*field = *sig;
  else a.ignore("Failed to parse signal name, ignoring: " + a.value);
}

// TimeoutAbortSec= (systemd's config_parse_timeout_abort): empty falls back
// to TimeoutStopSec=; 0 is kept as 0 (no parse_sec_fix_0 here).
void set_timeout_abort(Assignment& a) {
  std::string_view text = a.value;
  while (!text.empty() && kWhitespace.find(text.front()) != std::string_view::npos) text.remove_prefix(1);
  if (text.empty()) return a.config.timeout_abort.reset();
  auto t = parse_time_span(text);
  if (!t) return a.ignore("Failed to parse " + a.key + "= setting, ignoring: " + a.value);
  a.config.timeout_abort = *t;
}

// A decimal integer in [low, high], optionally signed, as systemd's safe_atoi.
std::optional<int> parse_int_in(std::string_view text, int low, int high) {
  int value = 0;
  if (text.starts_with('+')) text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
    return std::nullopt;
  return value;
}

// systemd's config_parse_nice/config_parse_exec_oom_score_adjust: an
// invalid value is logged and ignored.
void set_nice(Assignment& a) {
  if (a.value.empty()) return a.config.nice.reset();
  // Messages as systemd 252's (systemd-analyze verify).
  if (!parse_int_in(a.value, INT_MIN, INT_MAX))
    return a.ignore("Failed to parse nice priority '" + a.value + "', ignoring: Invalid argument");
  if (auto n = parse_int_in(a.value, -20, 19)) a.config.nice = *n;
  else a.ignore("Nice priority out of range, ignoring: " + a.value);
}

void set_oom_score_adjust(Assignment& a) {
  if (a.value.empty()) return a.config.oom_score_adjust.reset();
  if (auto n = parse_int_in(a.value, -1000, 1000)) a.config.oom_score_adjust = *n;
  else a.ignore("Failed to parse the OOM score adjust value '" + a.value + "', ignoring");
}

// CPUAffinity= (systemd 252's config_parse_exec_cpu_affinity() and
// parse_cpu_set_extend()): after specifiers, CPU numbers and ranges ("0-3")
// separated by whitespace or commas, added to what is set; a value with
// none (empty, ",") clears it, and so does "numa" (not implemented). A
// word that is no number or range drops the whole assignment; a backwards
// range ("3-1") only itself, yet it makes a set, if an empty one (which
// the kernel then refuses: 215/CPUAFFINITY, as under systemd).
void set_cpu_affinity(Assignment& a) {
  if (a.value == "numa") {
    a.config.cpu_affinity.clear();
    return a.warn("CPUAffinity=numa is not implemented by Vermilion; ignored.");
  }
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  constexpr unsigned kMaxCpus = 8192;  // systemd's CPU_SET_MAX_CPU (src/shared/cpu-set-util.c)
  constexpr unsigned kBits = 8 * sizeof(unsigned long);
  std::vector<unsigned long> parsed;
  std::string_view rest = *expanded;
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(" \t\n\r,");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const std::size_t end = rest.find_first_of(" \t\n\r,");
    const std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    const std::size_t dash = word.find('-');
    auto lower = parse_systemd_unsigned(word.substr(0, dash), UINT_MAX);
    auto upper = dash == std::string_view::npos ? lower : parse_systemd_unsigned(word.substr(dash + 1), UINT_MAX);
    if (!lower || !upper) return a.ignore("Failed to parse CPU affinity '" + std::string(word) + "'");
    if (*lower > *upper) {
      a.ignore("Range '" + std::string(word) + "' is invalid, " + std::to_string(*lower) + " > " +
               std::to_string(*upper) + ", ignoring.");
      if (parsed.empty()) parsed.resize(1);
      continue;
    }
    if (*upper >= kMaxCpus)
      return a.ignore("Cannot add CPU " + std::to_string(*upper) + " to set: Numerical result out of range");
    if (parsed.size() * kBits <= *upper) parsed.resize(*upper / kBits + 1);
    for (auto cpu = *lower; cpu <= *upper; ++cpu) parsed[cpu / kBits] |= 1UL << (cpu % kBits);
  }
  auto& cpus = a.config.cpu_affinity;
  if (parsed.empty()) return cpus.clear();
  if (cpus.size() < parsed.size()) cpus.resize(parsed.size());
  for (std::size_t w = 0; w < parsed.size(); ++w) cpus[w] |= parsed[w];
}

// LogExtraFields= (systemd 252's config_parse_log_extra_fields()): words
// (quotes removed, C escapes resolved, then specifiers), each NAME=value
// with a valid journal field name (journal_field_valid()), added to the
// list; an empty assignment resets it. A bad word is skipped alone; one
// that cannot be split (an open quote) ends the assignment.
void set_log_extra_fields(Assignment& a) {
  if (a.value.empty()) return a.config.log_extra_fields.clear();
  bool failed = false;
  auto words = extract_words(a.value, kExtractUnquote | kExtractCunescape, &failed);
  for (const auto& word : words) {
    auto field = a.expand(word);
    if (!field) continue;
    const std::size_t eq = field->find('=');
    if (eq == std::string::npos) {
      a.ignore("Log field lacks '=' character, ignoring: " + *field);
      continue;
    }
    const std::string_view name = std::string_view(*field).substr(0, eq);
    const bool valid = !name.empty() && name.size() <= 64 && name.front() != '_' &&
                       !(name.front() >= '0' && name.front() <= '9') &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                       });
    if (!valid) {
      a.ignore("Log field name is invalid, ignoring: " + *field);
      continue;
    }
    a.config.log_extra_fields.push_back(std::move(*field));
  }
  // What came before a word that cannot be split stays, as in systemd.
  if (failed) a.ignore("Invalid syntax, ignoring: " + a.value);
}

// ExecSearchPath= (config_parse_colon_separated_paths()): ':'-separated
// absolute paths, each after specifiers, added to the list; an empty
// assignment resets it. A word that is empty, relative or not normalized
// is refused with the rest of its assignment (what came before it stays).
void set_exec_search_path(Assignment& a) {
  if (a.value.empty()) return a.config.exec_search_path.clear();
  std::string_view rest = a.value;
  for (;;) {
    const std::size_t colon = rest.find(':');
    const std::string_view word = rest.substr(0, colon);
    auto expanded = a.expand(word, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) return;
    if (!expanded->starts_with('/')) return a.ignore(a.key + "= path is not absolute, ignoring: " + *expanded);
    std::string simplified = simplify_path(*expanded);
    if (has_dot_dot(simplified)) return a.ignore(a.key + "= path is not normalized, ignoring: " + simplified);
    a.config.exec_search_path.push_back(std::move(simplified));
    if (colon == std::string_view::npos) return;
    rest.remove_prefix(colon + 1);
  }
}

// DeviceAllow= (systemd 252's config_parse_device_allow()): a path (first
// word, unquoted, specifiers expanded) and the rest of the value as rights
// from "rwm" (none: all three). A path that is not "block-..." or
// "char-..." is simplified and must be a normalized device node path. An
// empty value clears the list; entries go to its front, as in systemd.
void add_device_allow(Assignment& a) {
  auto& list = a.config.device_allow;
  if (a.value.empty()) return list.reset();
  std::string_view rest = a.value;
  auto word = extract_first_word(rest, kExtractUnquote);
  if (word.status != ExtractStatus::word)
    return a.ignore("Failed to extract device path and rights from '" + a.value + "', ignoring.");
  auto path = a.expand(word.word, SpecifierSet::full, kMaxPathExpansion);
  if (!path) return;
  if (!path->starts_with("block-") && !path->starts_with("char-")) {
    if (!is_valid_utf8(*path))
      return a.ignore("String is not UTF-8 clean, ignoring assignment: " + escape_invalid_utf8(*path));
    *path = simplify_path(*path);
    if (path->size() >= PATH_MAX)
      return a.ignore(a.key + "= path has invalid length (" + std::to_string(path->size()) + " bytes), ignoring.");
    if (has_dot_dot(*path)) return a.ignore(a.key + "= path is not normalized, ignoring: " + *path);
    if (!is_valid_device_node_path(*path)) return a.ignore("Invalid device node path '" + *path + "', ignoring.");
  }
  if (rest.find_first_not_of("rwm") != std::string_view::npos)
    return a.ignore("Invalid device rights '" + std::string(rest) + "', ignoring.");
  DeviceAllow entry{std::move(*path)};
  const bool all = rest.empty();
  entry.read = all || rest.find('r') != std::string_view::npos;
  entry.write = all || rest.find('w') != std::string_view::npos;
  entry.mknod = all || rest.find('m') != std::string_view::npos;
  list.mut().insert(list.mut().begin(), std::move(entry));
}

// IPAddressAllow=/IPAddressDeny= (config_parse_in_addr_prefixes()): empty
// clears the set; each invalid word is ignored on its own.
Handler ip_address_prefixes(LazyValue<std::vector<IPAddressPrefix>> ServiceConfig::*field) {
  return [field](Assignment& a) {
    auto& set = a.config.*field;
    if (a.value.empty()) return set.reset();
    std::vector<std::string> invalid;
    const bool split = add_ip_address_prefixes(set.mut(), a.value, invalid);
    for (const std::string& word : invalid) a.ignore("Address prefix is invalid, ignoring assignment: " + word);
    if (!split) a.ignore("Invalid syntax, ignoring: " + a.value);
  };
}

// TimerSlackNSec= (config_parse_nsec()): a time span in nanoseconds;
// "infinity" unsets it, and empty is invalid, as in systemd 252.
void set_timer_slack(Assignment& a) {
  auto ns = parse_nsec_span(a.value);
  if (!ns) return a.ignore("Failed to parse nsec value, ignoring: " + a.value);
  if (*ns == UINT64_MAX) a.config.timer_slack_nsec.reset();
  else a.config.timer_slack_nsec = *ns;
}

// Personality= (config_parse_personality(), personality_from_string()):
// the native architecture's name (PER_LINUX) or its secondary one's
// (PER_LINUX32); empty unsets it.
void set_execution_domain(Assignment& a) {
  if (a.value.empty()) return a.config.personality.reset();
  if (!kNativeArchitecture.empty() && a.value == kNativeArchitecture) a.config.personality = PER_LINUX;
  else if (!kSecondaryArchitecture.empty() && a.value == kSecondaryArchitecture) a.config.personality = PER_LINUX32;
  else a.ignore("Failed to parse personality, ignoring: " + a.value);
}

// CoredumpFilter= (config_parse_exec_coredump_filter(),
// coredump_filter_mask_from_string()): names of the mask's bits,
// "default", "all" or hex numbers, or'ed into what is set.
void set_coredump_filter_mask(Assignment& a) {
  if (a.value.empty()) return a.config.coredump_filter.reset();
  static constexpr std::array<std::string_view, 9> kBitNames{
      "private-anonymous", "shared-anonymous", "private-file-backed", "shared-file-backed", "elf-headers",
      "private-huge",      "shared-huge",      "private-dax",         "shared-dax"};
  std::uint64_t mask = 0;
  for (const auto& word : split_words(a.value)) {
    if (word == "default") {
      mask |= 0x33;  // COREDUMP_FILTER_MASK_DEFAULT, the kernel's default
      continue;
    }
    if (word == "all") {
      mask = UINT32_MAX;  // COREDUMP_FILTER_MASK_ALL: the kernel refuses UINT64_MAX
      continue;
    }
    auto bit = std::find(kBitNames.begin(), kBitNames.end(), word);
    if (bit != kBitNames.end()) {
      mask |= 1ULL << (bit - kBitNames.begin());
      continue;
    }
    auto number = parse_hex_u64(word);
    if (!number) return a.ignore("Failed to parse the CoredumpFilter=" + a.value + ", ignoring: Invalid argument");
    mask |= *number;
  }
  a.config.coredump_filter = a.config.coredump_filter.value_or(0) | mask;
}

// CPUSchedulingPolicy= (systemd's config_parse_exec_cpu_sched_policy): a
// name or the policy's number; the priority is clamped into the policy's
// range (moving to or from a real-time policy).
void set_cpu_sched_policy(Assignment& a) {
  if (a.value.empty()) {
    a.config.cpu_sched_set = false;
    a.config.cpu_sched_policy = SCHED_OTHER;
    a.config.cpu_sched_priority = 0;
    return;
  }
  static const std::map<std::string_view, int> kPolicies{
      {"other", SCHED_OTHER}, {"batch", SCHED_BATCH}, {"idle", SCHED_IDLE}, {"fifo", SCHED_FIFO}, {"rr", SCHED_RR}};
  std::optional<int> policy;
  if (auto it = kPolicies.find(a.value); it != kPolicies.end()) policy = it->second;
  else if (auto n = parse_int_in(a.value, 0, SCHED_IDLE); n && *n != 4) policy = *n;  // 4 is no policy
  if (!policy) return a.ignore("Failed to parse CPU scheduling policy, ignoring: " + a.value);
  bool realtime = *policy == SCHED_FIFO || *policy == SCHED_RR;
  a.config.cpu_sched_policy = *policy;
  a.config.cpu_sched_priority = std::clamp(a.config.cpu_sched_priority, realtime ? 1 : 0, realtime ? 99 : 0);
  a.config.cpu_sched_set = true;
}

// CPUSchedulingPriority=: 0..99 whatever the policy (it may come later).
void set_cpu_sched_priority(Assignment& a) {
  int value = 0;
  std::string_view text = a.value;
  if (text.starts_with('+')) text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return a.ignore("Failed to parse CPU scheduling priority, ignoring: " + a.value);
  if (value < 0 || value > 99) return a.ignore("CPU scheduling priority is out of range, ignoring: " + a.value);
  a.config.cpu_sched_priority = value;
  a.config.cpu_sched_set = true;
}

// IOSchedulingClass= (config_parse_exec_io_class): none, realtime,
// best-effort, idle or 0..3; "none" means best-effort 4 (ioprio_normalize()).
int normalize_ioprio(int value) {
  return ioprio_class_of(value) == kIoprioClassNone ? kIoprioDefault : value;
}

void set_io_class(Assignment& a) {
  if (a.value.empty()) {
    a.config.ioprio_set = false;
    a.config.ioprio = kIoprioDefault;
    return;
  }
  static const std::map<std::string_view, int> kClasses{{"none", kIoprioClassNone},
                                                        {"realtime", kIoprioClassRealtime},
                                                        {"best-effort", kIoprioClassBestEffort},
                                                        {"idle", kIoprioClassIdle}};
  std::optional<int> io_class;
  if (auto it = kClasses.find(a.value); it != kClasses.end()) io_class = it->second;
  else io_class = parse_int_in(a.value, kIoprioClassNone, kIoprioClassIdle);
  if (!io_class) return a.ignore("Failed to parse IO scheduling class, ignoring: " + a.value);
  a.config.ioprio = normalize_ioprio(ioprio_value(*io_class, ioprio_level_of(a.config.ioprio)));
  a.config.ioprio_set = true;
}

// IOSchedulingPriority= (config_parse_exec_io_priority): 0..7.
void set_io_priority(Assignment& a) {
  if (a.value.empty()) {
    a.config.ioprio_set = false;
    a.config.ioprio = kIoprioDefault;
    return;
  }
  auto level = parse_int_in(a.value, 0, 7);
  if (!level) return a.ignore("Failed to parse IO priority, ignoring: " + a.value);
  a.config.ioprio = normalize_ioprio(ioprio_value(ioprio_class_of(a.config.ioprio), *level));
  a.config.ioprio_set = true;
}

void set_start_limit_burst(Assignment& a) {
  auto burst = parse_systemd_unsigned(a.value, 0xFFFFFFFFull);
  if (!burst) return a.ignore("Failed to parse unsigned value, ignoring: " + a.value);
  a.config.start_limit_burst = static_cast<unsigned>(*burst);
}

// The enum value whose to_string() is `word`, if any: the words live in
// one place (unit_config.cpp).
template <typename Enum, Enum Last>
std::optional<Enum> enum_from_string(std::string_view word) {
  for (int i = 0; i <= static_cast<int>(Last); ++i)
    if (word == to_string(static_cast<Enum>(i))) return static_cast<Enum>(i);
  return std::nullopt;
}

// KeyringMode= (DEFINE_CONFIG_PARSE_ENUM(config_parse_exec_keyring_mode)).
void set_keyring_mode(Assignment& a) {
  auto mode = enum_from_string<KeyringMode, KeyringMode::shared>(a.value);
  if (!mode) return a.ignore("Failed to parse keyring mode, ignoring: " + a.value);
  a.config.keyring_mode = *mode;
}

// TimeoutStartFailureMode=, TimeoutStopFailureMode=
// (DEFINE_CONFIG_PARSE_ENUM(config_parse_service_timeout_failure_mode)).
void set_timeout_failure_mode(Assignment& a, TimeoutFailureMode ServiceConfig::*field) {
  auto mode = enum_from_string<TimeoutFailureMode, TimeoutFailureMode::kill>(a.value);
  if (!mode) return a.ignore("Failed to parse timeout failure mode, ignoring: " + a.value);
  a.config.*field = *mode;
}

// UtmpMode= (DEFINE_CONFIG_PARSE_ENUM(config_parse_exec_utmp_mode)).
void set_utmp_mode(Assignment& a) {
  auto mode = enum_from_string<UtmpMode, UtmpMode::user>(a.value);
  if (!mode) return a.ignore("Failed to parse utmp mode, ignoring: " + a.value);
  a.config.utmp_mode = *mode;
}

void set_emergency_action(Assignment& a, EmergencyAction ServiceConfig::*field) {
  auto action = enum_from_string<EmergencyAction, EmergencyAction::kexec_force>(a.value);
  if (!action) return a.ignore("Failed to parse " + a.key + "=, ignoring: " + a.value);
  bool user_allowed = *action == EmergencyAction::none || *action == EmergencyAction::exit ||
                      *action == EmergencyAction::exit_force;
  if (a.context.identity.scope == RuntimeScope::user && !user_allowed)
    return a.ignore(a.key + "= setting '" + a.value + "' is not supported for user units, ignoring.");
  // README "SuccessAction= and FailureAction=": vermiliond owns its
  // services, not the machine.
  if (!user_allowed)
    a.warn(a.key + "=" + a.value + ": Vermilion does not reboot, power off or halt the machine; it stops its "
           "services and exits, as for exit");
  a.config.*field = *action;
}

// SuccessActionExitStatus=/FailureActionExitStatus= (config_parse_exit_status):
// 0...255, or empty for the main process's own.
void set_action_exit_status(Assignment& a, int ServiceConfig::*field) {
  if (a.value.empty()) {
    a.config.*field = -1;
    return;
  }
  auto status = parse_int_in(a.value, 0, 255);
  if (!status) return a.ignore("Failed to parse exit status '" + a.value + "', ignoring");
  a.config.*field = *status;
}

// CapabilityBoundingSet=/AmbientCapabilities= (config_parse_capability_set):
// never refused; names no capability has are skipped (capability_set.h).
void set_capabilities(Assignment& a, std::uint64_t ServiceConfig::*field, std::uint64_t initial) {
  a.config.*field = apply_capability_assignment(a.config.*field, initial, a.value);
}

// SystemCallErrorNumber= (config_parse_syscall_errno): empty or "kill"
// kills, an errno name or 1-4095 fails the call with it.
void set_syscall_error_number(Assignment& a) {
  if (a.value.empty() || a.value == "kill") {
    a.config.syscall_error_number = kSyscallKill;
    return;
  }
  const int error = parse_errno_value(a.value);
  if (error < 0) return a.ignore("Failed to parse error number, ignoring: " + a.value);
  if (error == 0) return a.ignore("Invalid error number, ignoring: " + a.value);
  a.config.syscall_error_number = error;
}

// SystemCallArchitectures= (config_parse_syscall_archs): empty resets, each
// word adds one; an unknown name is skipped.
void set_syscall_architectures(Assignment& a) {
  if (a.value.empty()) {
    a.config.syscall_architectures.mut().clear();
    return;
  }
  std::string_view rest = a.value;
  while (true) {
    ExtractedWord word = extract_first_word(rest, kExtractUnquote);
    if (word.status == ExtractStatus::end) return;
    if (word.status == ExtractStatus::invalid) return a.ignore("Invalid syntax, ignoring: " + a.value);
    auto arch = syscall_arch_from_name(word.word);
    if (!arch) {
      a.ignore("Failed to parse system call architecture \"" + word.word + "\", ignoring");
      continue;
    }
    auto& archs = a.config.syscall_architectures.mut();
    if (std::find(archs.begin(), archs.end(), *arch) == archs.end()) archs.push_back(*arch);
  }
}

// OnFailureJobMode=/OnSuccessJobMode= (config_parse_job_mode).
void set_job_mode(Assignment& a, JobMode ServiceConfig::*field) {
  auto mode = job_mode_from_string(a.value);
  if (!mode) return a.ignore("Failed to parse job mode, ignoring: " + a.value);
  a.config.*field = *mode;
}

// Condition*=/Assert*= (systemd 252's config_parse_unit_condition_path()
// and _string()): "|" (trigger) then "!" (negate) prefixes (for a string
// each may be followed by whitespace; a path may not: "| /etc" is not
// absolute), then the parameter with specifiers expanded; a path must be
// absolute and normalized. An empty value resets the whole list
// (every Condition*=, or every Assert*=), not only this key's.
void set_condition(Assignment& a, ConditionKey key) {
  std::vector<UnitCondition>& list = key.is_assert ? a.config.asserts : a.config.conditions;
  if (a.value.empty()) return list.clear();
  std::string_view text = a.value;
  UnitCondition condition;
  condition.type = key.type;
  const bool path = condition_takes_path(key.type);
  auto skip_prefix = [&text, path](char prefix) {
    if (!text.starts_with(prefix)) return false;
    text.remove_prefix(1);
    while (!path && !text.empty() && kWhitespace.find(text.front()) != std::string_view::npos) text.remove_prefix(1);
    return true;
  };
  condition.trigger = skip_prefix('|');
  condition.negate = skip_prefix('!');
  auto expanded = a.expand(text, SpecifierSet::full, path ? kMaxPathExpansion : kMaxValueExpansion, !path);
  if (!expanded) return;
  if (path) {
    if (!expanded->starts_with('/')) return a.ignore(a.key + "= path is not absolute, ignoring: " + *expanded);
    std::string simplified = simplify_path(*expanded);
    if (has_dot_dot(simplified)) return a.ignore(a.key + "= path is not normalized, ignoring: " + simplified);
    condition.parameter = std::move(simplified);
  } else {
    condition.parameter = std::move(*expanded);
  }
  list.push_back(std::move(condition));
}

// SyslogIdentifier= (config_parse_unit_string_printf()): specifiers
// expanded; empty: the default again.
void set_syslog_identifier(Assignment& a) {
  if (a.value.empty()) return a.config.syslog.identifier.clear();
  if (auto expanded = a.expand(a.value)) a.config.syslog.identifier = std::move(*expanded);
}

// UtmpIdentifier= (config_parse_unit_string_printf()): empty: none.
void set_utmp_id(Assignment& a) {
  if (a.value.empty()) return a.config.utmp_id.clear();
  if (auto expanded = a.expand(a.value)) a.config.utmp_id = std::move(*expanded);
}

void set_pid_file(Assignment& a) {
  if (a.value.empty()) return a.config.pid_file.clear();
  auto expanded = a.expand(a.value, SpecifierSet::full, kMaxPathExpansion);
  if (!expanded) return;
  std::string path = *expanded;
  // systemd 252: a relative PIDFile= is below the runtime directory (/run).
  if (!path.starts_with('/')) path = a.context.identity.runtime_dir + "/" + path;
  path = simplify_path(path);
  // systemd returns this error from the parser: the unit fails to load.
  if (has_dot_dot(path)) return a.load_error("PIDFile= path is not normalized, ignoring: " + path);
  a.config.pid_file = std::move(path);
}

// User=/Group=: an invalid name or specifier makes the unit bad-setting.
void set_user_or_group(Assignment& a, std::string ServiceConfig::*field) {
  if (a.value.empty()) return (a.config.*field).clear();
  auto expanded = a.context.specifiers.expand(a.value);
  if (!expanded.ok()) return a.fatal("Failed to resolve unit specifiers in " + a.value + ": " + expanded.error);
  if (!is_valid_user_or_group_name(expanded.text))
    return a.fatal("Invalid user/group name or numeric ID: " + expanded.text);
  a.config.*field = std::move(expanded.text);
}

void set_supplementary_groups(Assignment& a) {
  if (a.value.empty()) return a.config.supplementary_groups.clear();
  for (auto& word : extract_words(a.value, kExtractUnquote)) {
    auto expanded = a.context.specifiers.expand(word);
    if (!expanded.ok()) return a.fatal("Failed to resolve unit specifiers in " + word + ": " + expanded.error);
    if (!is_valid_user_or_group_name(expanded.text))
      return a.fatal("Invalid user/group name or numeric ID: " + expanded.text);
    a.config.supplementary_groups.push_back(std::move(expanded.text));
  }
}

// Environment= (systemd's config_parse_environ): words split with quotes
// and C escapes; a word that cannot be split drops it and the rest of the
// line ("Invalid syntax"), an invalid assignment (name, or a value that is
// not UTF-8) drops only itself.
void set_environment(Assignment& a) {
  if (a.value.empty()) return a.config.environment.clear();
  std::string_view rest = a.value;
  while (true) {
    auto word = extract_first_word(rest, kExtractUnquote | kExtractCunescape);
    if (word.status == ExtractStatus::end) return;
    if (word.status == ExtractStatus::invalid) return a.ignore("Invalid syntax, ignoring: " + a.value);
    auto assignment = a.expand(word.word, SpecifierSet::full, kMaxValueExpansion, false);
    if (!assignment) continue;
    auto eq = assignment->find('=');
    if (eq == std::string::npos || !is_valid_environment_name(std::string_view(*assignment).substr(0, eq)) ||
        !is_valid_utf8(*assignment)) {
      a.ignore("Invalid environment assignment, ignoring: " + escape_invalid_utf8(*assignment));
      continue;
    }
    // Later assignments of the same variable win; keep one entry each.
    std::string prefix = assignment->substr(0, eq + 1);
    auto& env = a.config.environment;
    env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.starts_with(prefix); }), env.end());
    env.push_back(std::move(*assignment));
  }
}

// PassEnvironment= and UnsetEnvironment= (systemd 252's config_parse_pass_environ
// and config_parse_unset_environ): words unquoted with C escapes, specifiers
// expanded, each checked on its own (a bad one is skipped with a warning), no
// name twice; trailing garbage drops the rest of the line.
void set_environment_names(Assignment& a, std::vector<std::string> ServiceConfig::*field, bool assignments_too) {
  auto& list = a.config.*field;
  if (a.value.empty()) return list.clear();
  std::string_view rest = a.value;
  while (true) {
    auto word = extract_first_word(rest, kExtractUnquote | kExtractCunescape);
    if (word.status == ExtractStatus::end) return;
    if (word.status == ExtractStatus::invalid) return a.ignore("Trailing garbage in " + a.key + ", ignoring: " + a.value);
    auto expanded = a.expand(word.word, SpecifierSet::full, kMaxValueExpansion, false);
    if (!expanded) continue;
    const std::string_view text = *expanded;
    const auto eq = text.find('=');
    const bool name = eq == std::string_view::npos && is_valid_environment_name(text);
    const bool assignment = assignments_too && eq != std::string_view::npos &&
                            is_valid_environment_name(text.substr(0, eq)) && is_valid_utf8(text);
    if (!name && !assignment) {
      a.ignore(std::string(assignments_too ? "Invalid environment name or assignment " : "Invalid environment name for ") +
               a.key + ", ignoring: " + escape_invalid_utf8(*expanded));
      continue;
    }
    if (std::find(list.begin(), list.end(), *expanded) == list.end()) list.push_back(std::move(*expanded));
  }
}

void set_environment_file(Assignment& a) {
  if (a.value.empty()) return a.config.environment_files.clear();
  auto expanded = a.expand(a.value, SpecifierSet::full, kMaxPathExpansion);
  if (!expanded) return;
  EnvironmentFile file;
  std::string_view path = *expanded;
  if (path.starts_with('-')) {
    file.optional = true;
    path.remove_prefix(1);
  }
  if (!path.starts_with('/')) return a.ignore("EnvironmentFile= path is not absolute, ignoring: " + std::string(path));
  std::string simplified = simplify_path(path);
  if (has_dot_dot(simplified))
    return a.ignore("EnvironmentFile= path is not normalized, ignoring: " + std::string(path));
  file.path = std::move(simplified);
  a.config.environment_files.push_back(std::move(file));
}

// WorkingDirectory=: invalid is fatal, unless '-' makes it a warning.
void set_working_directory(Assignment& a) {
  if (a.value.empty()) {
    a.config.working_directory.clear();
    a.config.working_directory_optional = false;
    return;
  }
  std::string_view text = a.value;
  bool optional = false;
  if (text.starts_with('-')) {
    optional = true;
    text.remove_prefix(1);
  }
  auto problem = [&](const std::string& message) {
    if (optional) a.ignore(message + ", ignoring: " + std::string(text));
    else a.fatal(message + ": " + std::string(text));
  };
  // "~" is the home of User= (resolved at spawn time); otherwise absolute.
  if (text == "~") {
    a.config.working_directory = "~";
    a.config.working_directory_optional = optional;
    return;
  }
  auto expanded = a.context.specifiers.expand(text, SpecifierSet::full, kMaxPathExpansion);
  if (!expanded.ok()) return problem("Failed to resolve unit specifiers in '" + std::string(text) + "': " + expanded.error);
  if (!expanded.text.starts_with('/')) {
    if (optional) return a.ignore("WorkingDirectory= path is not absolute, ignoring: " + expanded.text);
    return a.fatal("WorkingDirectory= path is not absolute: " + expanded.text);
  }
  std::string path = simplify_path(expanded.text);
  if (has_dot_dot(path)) {
    if (optional) return a.ignore("WorkingDirectory= path is not normalized, ignoring: " + expanded.text);
    return a.fatal("WorkingDirectory= path is not normalized: " + expanded.text);
  }
  a.config.working_directory = std::move(path);
  a.config.working_directory_optional = optional;
}

void set_umask(Assignment& a) {
  if (auto mask = parse_umask(a.value)) a.config.umask = *mask;
  else a.ignore("Failed to parse mode value, ignoring: " + a.value);
}

void set_standard_input(Assignment& a) {
  static const std::map<std::string_view, InputKind> kTerminal{
      {"null", InputKind::null}, {"tty", InputKind::tty}, {"tty-force", InputKind::tty_force},
      {"tty-fail", InputKind::tty_fail}};
  if (auto it = kTerminal.find(a.value); it != kTerminal.end()) {
    a.config.standard_input = it->second;
    return;
  }
  if (a.value == "data") {
    a.config.standard_input = InputKind::data;
    return;
  }
  if (a.value.starts_with("file:")) {
    // config_parse_exec_input(): an absolute, normalized path; a bad one
    // leaves StandardInput= as it was.
    auto expanded = a.expand(std::string_view(a.value).substr(5), SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) return;
    if (!expanded->starts_with('/')) return a.ignore("StandardInput= path is not absolute: " + *expanded);
    std::string path = simplify_path(*expanded);
    if (has_dot_dot(path)) return a.ignore("StandardInput= path is not normalized: " + *expanded);
    a.config.standard_input = InputKind::file;
    a.config.standard_input_file = std::move(path);
    return;
  }
  static const std::set<std::string_view> kKnown{"socket"};
  if (kKnown.count(a.value) || a.value.starts_with("fd:") || a.value == "fd") {
    a.warn("StandardInput=" + a.value + " is not implemented by Vermilion; treated as null.");
    a.config.standard_input = InputKind::null;
    return;
  }
  a.ignore("Failed to parse input specifier, ignoring: " + a.value);
}

void set_output(Assignment& a, OutputTarget ServiceConfig::*field) {
  std::string_view v = a.value;
  OutputTarget& target = a.config.*field;
  static const std::map<std::string_view, OutputKind> kPlain{{"inherit", OutputKind::inherit},
                                                             {"null", OutputKind::null},
                                                             {"journal", OutputKind::journal},
                                                             {"tty", OutputKind::tty}};
  // journald's kmsg and console forwarding are not done: the journal alone.
  // (A copy to the console must not be written by vermiliond: closing a
  // serial console waits for it to drain, up to 30 s; it needs a process
  // of its own, as journald is for systemd.)
  static const std::set<std::string_view> kAsJournal{"kmsg", "kmsg+console", "journal+console"};
  static const std::set<std::string_view> kAsInherit{"socket", "fd"};
  // A valid value counts as given (service_fix_stdio() in complete_service_config()).
  auto set = [&](OutputTarget value) {
    target = std::move(value);
    if (field == &ServiceConfig::standard_output) a.config.standard_output_set = true;
  };
  if (auto it = kPlain.find(v); it != kPlain.end()) {
    set({it->second, {}});
  } else if (v == "syslog" || v == "syslog+console") {
    const bool console = v == "syslog+console";
    a.warn("Standard output type " + std::string(v) + " is obsolete, automatically updating to " +
           (console ? "journal+console" : "journal") +
           ". Please update your unit file, and consider removing the setting altogether.");
    set({OutputKind::journal, {}, console});
  } else if (kAsJournal.count(v)) {
    const bool console = v.ends_with("+console");
    a.warn(a.key + "=" + std::string(v) + " is not implemented by Vermilion; treated as journal.");
    set({OutputKind::journal, {}, console});
  } else if (kAsInherit.count(v) || v.starts_with("fd:")) {
    a.warn(a.key + "=" + std::string(v) + " is not implemented by Vermilion; treated as inherit.");
    set({OutputKind::inherit, {}});
  } else {
    static const std::array<std::pair<std::string_view, OutputKind>, 3> kPaths{
        {{"file:", OutputKind::file}, {"truncate:", OutputKind::truncate}, {"append:", OutputKind::append}}};
    for (auto& [prefix, kind] : kPaths) {
      if (!v.starts_with(prefix)) continue;
      auto expanded = a.expand(v.substr(prefix.size()), SpecifierSet::full, kMaxPathExpansion);
      if (!expanded) return;
      // systemd's messages here say no "ignoring", but the unit loads.
      if (!expanded->starts_with('/')) return a.ignore(a.key + "= path is not absolute: " + *expanded);
      std::string path = simplify_path(*expanded);
      if (has_dot_dot(path)) return a.ignore(a.key + "= path is not normalized: " + *expanded);
      set({kind, std::move(path)});
      return;
    }
    a.ignore("Failed to parse output specifier, ignoring: " + a.value);
  }
}

// StandardInputText= (config_parse_exec_input_text()): C escapes resolved,
// specifiers expanded, appended with a newline; empty clears what was given.
void set_standard_input_text(Assignment& a) {
  if (a.value.empty()) return a.config.standard_input_data.clear();
  std::string unescaped;
  if (!cunescape(a.value, unescaped))
    return a.ignore("Failed to decode C escaped text '" + a.value + "', ignoring: Invalid argument");
  auto expanded = a.expand(unescaped, SpecifierSet::full, kStandardInputDataMax);
  if (!expanded) return;
  std::string& data = a.config.standard_input_data;
  if (data.size() + expanded->size() + 1 > kStandardInputDataMax)
    return a.ignore("Standard input data too large (" + std::to_string(data.size() + expanded->size()) +
                    "), maximum of " + std::to_string(kStandardInputDataMax) + " permitted, ignoring.");
  data += *expanded;
  data += '\n';
}

// TTYPath= (config_parse_unit_path_printf(), not fatal): specifiers
// expanded, absolute and normalized; empty: /dev/console again.
void set_tty_path(Assignment& a) {
  if (a.value.empty()) return a.config.terminal.path.clear();
  auto expanded = a.expand(a.value, SpecifierSet::full, kMaxPathExpansion);
  if (!expanded) return;
  if (!expanded->starts_with('/')) return a.ignore("TTYPath= path is not absolute, ignoring: " + *expanded);
  std::string path = simplify_path(*expanded);
  if (has_dot_dot(path)) return a.ignore("TTYPath= path is not normalized, ignoring: " + *expanded);
  a.config.terminal.path = std::move(path);
}

void set_tty_flag(Assignment& a, bool TerminalSettings::*field) {
  if (auto b = parse_boolean(a.value)) a.config.terminal.*field = *b;
  else a.ignore("Failed to parse boolean value, ignoring: " + a.value);
}

// TTYRows=/TTYColumns= (config_parse_tty_size()): empty is unset.
void set_tty_size(Assignment& a, unsigned TerminalSettings::*field) {
  if (a.value.empty()) {
    a.config.terminal.*field = UINT_MAX;
    return;
  }
  // safe_atou(): base 0 (0x.., 0..), as systemd reads it.
  auto value = parse_systemd_unsigned(a.value, UINT_MAX);
  if (!value) return a.ignore("Failed to parse unsigned value, ignoring: " + a.value);
  a.config.terminal.*field = static_cast<unsigned>(*value);
}

// "path:link" as systemd's extract_many_words(":", EXTRACT_CUNESCAPE |
// EXTRACT_UNESCAPE_SEPARATORS) splits it: C escapes resolved, "\:" a
// colon; separators before a word are skipped, anything after the second
// word is ignored. False on an invalid escape or no word at all.
bool split_directory_tuple(std::string_view tuple, std::string& source, std::string& destination) {
  std::string* words[] = {&source, &destination};
  std::size_t pos = 0;
  for (std::string* word : words) {
    while (pos < tuple.size() && tuple[pos] == ':') ++pos;
    while (pos < tuple.size() && tuple[pos] != ':') {
      if (tuple[pos] != '\\') {
        *word += tuple[pos++];
        continue;
      }
      if (++pos >= tuple.size()) return false;
      if (tuple[pos] == ':') {
        *word += tuple[pos++];
        continue;
      }
      std::size_t used = cunescape_one(tuple.substr(pos), *word);
      if (used == 0) return false;
      pos += used;
    }
  }
  return !source.empty();
}

// RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
// ConfigurationDirectory= (systemd 252's config_parse_exec_directories):
// relative paths below the kind's root, each optionally "path:link" making
// `link` (below the same root) a symlink to it; a bad entry is ignored.
void set_exec_directory(Assignment& a, ExecDirectoryType type) {
  ExecDirectory& directory = a.config.directory(type);
  if (a.value.empty()) {
    directory.names.clear();
    directory.symlinks.clear();
    return;
  }
  // A relative, normalized path, specifiers expanded; nullopt (reported) if not.
  auto relative_path = [&](const std::string& text) -> std::optional<std::string> {
    auto expanded = a.expand(text, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) return std::nullopt;
    if (expanded->starts_with('/')) {
      a.ignore(a.key + "= path is absolute, ignoring: " + *expanded);
      return std::nullopt;
    }
    std::string dir = simplify_path(*expanded);
    if (dir.empty() || dir == "." || has_dot_dot(dir)) {
      a.ignore(a.key + "= path is not normalized, ignoring: " + *expanded);
      return std::nullopt;
    }
    return dir;
  };
  for (auto& tuple : extract_words(a.value, kExtractUnquote | kExtractRetainEscape)) {
    std::string source, destination;
    if (!split_directory_tuple(tuple, source, destination)) {
      a.ignore("Invalid syntax in " + a.key + "=, ignoring: " + tuple);
      return;
    }
    auto dir = relative_path(source);
    if (!dir) continue;
    if (*dir == "private" || dir->starts_with("private/")) {
      a.ignore(a.key + "= path can't be 'private', ignoring assignment: " + tuple);
      continue;
    }
    std::optional<std::string> link;
    if (!destination.empty()) {
      if (type == ExecDirectoryType::configuration) {
        a.ignore("Destination parameter is not supported for ConfigurationDirectory, ignoring: " + tuple);
        continue;
      }
      link = relative_path(destination);
      if (!link) continue;
    }
    if (std::find(directory.names.begin(), directory.names.end(), *dir) == directory.names.end())
      directory.names.push_back(*dir);
    if (link) {
      auto& links = directory.symlinks[*dir];
      if (std::find(links.begin(), links.end(), *link) == links.end()) links.push_back(std::move(*link));
    }
  }
}

void set_exec_directory_mode(Assignment& a, ExecDirectoryType type) {
  if (auto mode = parse_umask(a.value)) a.config.directory(type).mode = *mode;
  else a.ignore("Failed to parse mode value, ignoring: " + a.value);
}

// A value that is a boolean or one of a few words (systemd's
// DEFINE_STRING_TABLE_LOOKUP_WITH_BOOLEAN: ProtectSystem=, ProtectHome=,
// RuntimeDirectoryPreserve=); anything else is ignored with `complaint`.
template <typename E>
void set_boolean_or_word(Assignment& a, E ServiceConfig::*field, E no, E yes,
                         std::initializer_list<std::pair<const char*, E>> words, const char* complaint) {
  for (const auto& [word, value] : words)
    if (a.value == word) return void(a.config.*field = value);
  if (auto b = parse_boolean(a.value)) return void(a.config.*field = *b ? yes : no);
  a.ignore(std::string(complaint) + ", ignoring: " + a.value);
}

// systemd's path_simplify_and_warn(PATH_CHECK_ABSOLUTE) for one word of a
// path list: the simplified path, or nothing once the warning that ignores
// the word is given.
std::optional<std::string> absolute_path_or_ignore(Assignment& a, const std::string& expanded) {
  if (!expanded.starts_with('/')) {
    a.ignore(a.key + "= path is not absolute, ignoring: " + expanded);
    return std::nullopt;
  }
  std::string path = simplify_path(expanded);
  if (has_dot_dot(path)) {
    a.ignore(a.key + "= path is not normalized, ignoring: " + expanded);
    return std::nullopt;
  }
  return path;
}

// RequiresMountsFor= (systemd 252's config_parse_unit_requires_mounts_for()):
// specifiers expanded, each path simplified and kept if absolute and
// normalized, else that word is ignored; a path given twice is there once.
// An empty value resets nothing, as in systemd.
void add_requires_mounts_for(Assignment& a) {
  for (auto& word : extract_words(a.value, kExtractUnquote)) {
    auto expanded = a.expand(word, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) continue;
    std::optional<std::string> path = absolute_path_or_ignore(a, *expanded);
    if (!path) continue;
    auto& paths = a.config.requires_mounts_for;
    if (std::find(paths.begin(), paths.end(), *path) == paths.end()) paths.push_back(std::move(*path));
  }
}

// ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=/ExecPaths=/NoExecPaths=
// (config_parse_namespace_path_strv): empty
// resets; each word may start with "-" (missing is fine), its specifiers
// are expanded, and it must be an absolute, normalized path, else that word
// is ignored. "+" (relative to RootDirectory=) is kept; without a root
// directory the path is the host's, as in systemd.
void set_namespace_paths(Assignment& a, std::vector<NamespacePath> ServiceConfig::*field) {
  if (a.value.empty()) return (a.config.*field).clear();
  for (auto& word : extract_words(a.value, kExtractUnquote)) {
    std::string_view w = word;
    NamespacePath entry;
    if (w.starts_with('-')) {
      entry.ignore_missing = true;
      w.remove_prefix(1);
    }
    if (w.starts_with('+')) {
      entry.root_relative = true;
      w.remove_prefix(1);
    }
    auto expanded = a.expand(w, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) continue;
    std::optional<std::string> path = absolute_path_or_ignore(a, *expanded);
    if (!path) continue;
    entry.path = std::move(*path);
    (a.config.*field).push_back(std::move(entry));
  }
}

// One word of a value as extract_first_word(separators,
// [EXTRACT_UNQUOTE|]EXTRACT_DONT_COALESCE_SEPARATORS) takes it: quotes
// removed (if `unquote`), a backslash makes the next character literal,
// every separator ends a word (two in a row give an empty one).
// `separator` is what ended it ('\0': the end of the value). False on an
// unterminated quote or a trailing backslash.
struct SeparatedWord {
  std::string word;
  char separator = '\0';
};
bool take_separated_word(std::string_view& rest, std::string_view separators, SeparatedWord& out,
                         bool unquote = true) {
  out = {};
  char quote = 0;
  while (!rest.empty()) {
    const char c = rest.front();
    rest.remove_prefix(1);
    if (c == '\\') {
      if (rest.empty()) return false;
      out.word += rest.front();
      rest.remove_prefix(1);
    } else if (!unquote) {
      if (separators.find(c) != std::string_view::npos) {
        out.separator = c;
        return true;
      }
      out.word += c;
    } else if (quote != 0) {
      if (c == quote) quote = 0;
      else out.word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (separators.find(c) != std::string_view::npos) {
      out.separator = c;
      return true;
    } else {
      out.word += c;
    }
  }
  return quote == 0;
}

// The ID of LoadCredential=/SetCredential= (unit_cred_printf()): before
// the first unescaped ':', specifiers expanded; nullopt after a warning.
std::optional<std::string> credential_id(Assignment& a, std::string_view& rest, bool& had_separator) {
  SeparatedWord id;
  if (!take_separated_word(rest, ":", id, false)) {
    a.ignore("Invalid syntax, ignoring: " + a.value);
    return std::nullopt;
  }
  had_separator = id.separator == ':';
  auto expanded = a.expand(id.word, SpecifierSet::full, kCredentialNameMax);
  if (!expanded) return std::nullopt;
  if (!is_valid_credential_name(*expanded)) {
    a.ignore("Credential name \"" + *expanded + "\" not valid, ignoring.");
    return std::nullopt;
  }
  return expanded;
}

// systemd's path_is_normalized(): no "." or ".." component, no "//".
bool is_normalized_path(std::string_view path) {
  if (path.empty() || path.size() >= 4096) return false;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    if (part == "." || part == ".." || part.size() > 255) return false;
    if (part.empty() && pos != 0 && end != path.size()) return false;  // "//"
    pos = end + 1;
  }
  return true;
}

// The entry of `id` takes `value` (path or data), where the ID first came;
// a new ID is appended (systemd's hashmap keyed by ID).
template <typename Credential>
void set_credential_entry(std::vector<Credential>& list, std::string id, std::string value) {
  auto same = std::find_if(list.begin(), list.end(), [&](const Credential& c) { return c.id == id; });
  if (same == list.end()) {
    list.push_back({std::move(id), std::move(value)});
  } else if constexpr (std::is_same_v<Credential, LoadCredential>) {
    same->path = std::move(value);
  } else {
    same->data = std::move(value);
  }
}

// LoadCredential= (systemd 252's config_parse_load_credential()):
// "ID[:PATH]"; a bad ID or source is a warning, the assignment ignored;
// the same ID again replaces its source; empty resets.
void set_load_credential(Assignment& a) {
  auto& list = a.config.load_credentials;
  if (a.value.empty()) return list.clear();
  std::string_view rest = a.value;
  bool had_separator = false;
  auto id = credential_id(a, rest, had_separator);
  if (!id) return;
  std::string path;
  if (rest.empty()) {
    path = *id;  // the manager's credential of that name
  } else {
    auto expanded = a.expand(rest, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) return;
    path = std::move(*expanded);
    if (path.starts_with('/') ? !is_normalized_path(path) : !is_valid_credential_name(path))
      return a.ignore("Credential source \"" + path + "\" not valid, ignoring.");
  }
  set_credential_entry(list, std::move(*id), std::move(path));
}

// SetCredential= (systemd 252's config_parse_set_credential()): "ID:DATA",
// DATA C-unescaped (NUL allowed), not specifier-expanded; DATA may not be
// empty; the same ID again replaces its data; empty resets.
void set_set_credential(Assignment& a) {
  auto& list = a.config.set_credentials;
  if (a.value.empty()) return list.clear();
  std::string_view rest = a.value;
  bool had_separator = false;
  auto id = credential_id(a, rest, had_separator);
  if (!id) return;
  if (!had_separator || rest.empty()) return a.ignore("Invalid syntax, ignoring: " + a.value);
  std::string data;
  if (!cunescape(rest, data, true))
    return a.ignore("Can't unescape \"" + std::string(rest) + "\", ignoring: Invalid argument");
  set_credential_entry(list, std::move(*id), std::move(data));
}

// BindPaths=/BindReadOnlyPaths= (systemd 252's config_parse_bind_paths()):
// "[-]SOURCE[:DESTINATION[:OPTIONS]]" words; empty resets both; a word with
// a path that is not absolute and normalized is skipped with a warning; a
// value that does not parse ends the assignment there.
void set_bind_paths(Assignment& a, bool read_only) {
  if (a.value.empty()) return a.config.bind_mounts.clear();
  static constexpr std::string_view kSeparators = ": \t\n\r";
  std::string_view rest = a.value;
  while (!rest.empty()) {
    SeparatedWord source;
    if (!take_separated_word(rest, kSeparators, source))
      return a.ignore("Failed to parse " + a.key + ", ignoring: " + a.value);
    BindMount bind;
    bind.read_only = read_only;
    auto expanded_source = a.expand(source.word, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded_source) continue;
    std::string_view s = *expanded_source;
    if (s.starts_with('-')) {
      bind.ignore_missing = true;
      s.remove_prefix(1);
    }
    // As systemd: a bad source skips only itself, so what followed its ':'
    // is read as the next word (a source of its own).
    std::optional<std::string> source_path = absolute_path_or_ignore(a, std::string(s));
    if (!source_path) continue;
    if (source.separator == ':') {
      SeparatedWord destination;
      if (!take_separated_word(rest, kSeparators, destination))
        return a.ignore("Failed to parse " + a.key + ", ignoring: " + a.value);
      auto expanded = a.expand(destination.word, SpecifierSet::full, kMaxPathExpansion);
      if (!expanded) continue;
      std::optional<std::string> destination_path = absolute_path_or_ignore(a, *expanded);
      if (!destination_path) continue;
      bind.destination = std::move(*destination_path);
      if (destination.separator == ':') {
        ExtractedWord options = extract_first_word(rest, kExtractUnquote);
        if (options.status == ExtractStatus::invalid)
          return a.ignore("Failed to parse " + a.key + ": " + a.value);
        if (options.word == "norbind") {
          bind.recursive = false;
        } else if (!options.word.empty() && options.word != "rbind") {
          a.ignore("Invalid option string, ignoring setting: " + options.word);
          continue;
        }
      }
    } else {
      bind.destination = *source_path;
    }
    bind.source = std::move(*source_path);
    a.config.bind_mounts.push_back(std::move(bind));
  }
}

// TemporaryFileSystem= (config_parse_temporary_filesystems()): words
// "PATH[:OPTIONS]"; empty resets.
void set_temporary_filesystems(Assignment& a) {
  if (a.value.empty()) return a.config.temporary_filesystems.clear();
  std::string_view rest = a.value;
  for (;;) {
    ExtractedWord word = extract_first_word(rest, kExtractUnquote);
    if (word.status == ExtractStatus::invalid) return a.ignore("Invalid syntax, ignoring: " + a.value);
    if (word.status == ExtractStatus::end) return;
    const auto colon = word.word.find(':');
    const std::string path = word.word.substr(0, colon);
    auto expanded = a.expand(path, SpecifierSet::full, kMaxPathExpansion);
    if (!expanded) continue;
    std::optional<std::string> absolute = absolute_path_or_ignore(a, *expanded);
    if (!absolute) continue;
    a.config.temporary_filesystems.push_back(
        {std::move(*absolute), colon == std::string::npos ? std::string() : word.word.substr(colon + 1)});
  }
}

void set_watchdog(Assignment& a) {
  auto t = parse_time_span(a.value);
  if (!t) return a.ignore("Failed to parse sec value, ignoring: " + a.value);
  // infinity runs no watchdog, but is a value as systemd keeps it: the
  // service is told WATCHDOG_USEC=, and may notify (service_add_extras()).
  a.config.watchdog_usec = *t;
}

void set_notify_access(Assignment& a) {
  static const std::map<std::string_view, NotifyAccess> kModes{
      {"none", NotifyAccess::none}, {"main", NotifyAccess::main}, {"exec", NotifyAccess::exec}, {"all", NotifyAccess::all}};
  if (auto it = kModes.find(a.value); it != kModes.end()) a.config.notify_access = it->second;
  else a.ignore("Failed to parse notify access specifier, ignoring: " + a.value);
}

void add_alias(Assignment& a) {
  if (a.value.empty()) return a.config.aliases.clear();
  auto expanded = a.expand(a.value);
  if (!expanded) return;
  for (auto& name : split_words(*expanded)) {
    auto parts = split_supported_unit_name(name);
    if (!parts || unit_type_of(name) != unit_type_of(a.config.name)) {
      a.ignore("Invalid Alias= name '" + name + "': aliases of a " + to_string(a.config.unit_type) + " must be " +
               to_string(a.config.unit_type) + " names, ignoring.");
      continue;
    }
    auto& aliases = a.config.aliases;
    if (name != a.config.name && std::find(aliases.begin(), aliases.end(), name) == aliases.end())
      aliases.push_back(name);
  }
}

// --- The key tables ------------------------------------------------------------

using KeyTable = std::map<std::string, Handler, std::less<>>;

// Another spelling of a key in the same table (systemd 252's
// load-fragment-gperf.gperf.in gives both one parser): applied as the key's,
// with messages naming the key as written.
void alias_key(KeyTable& table, const char* alias, const char* key) { table.emplace(alias, table.at(key)); }

KeyTable unit_section_keys() {
  using D = NonServiceDependency;
  KeyTable t{
      {"Description", set_description},
      {"Documentation", set_documentation},
      {"Requires", dependency(&ServiceConfig::requires_, D::drop_with_warning)},
      {"Requisite", dependency(&ServiceConfig::requisite, D::drop_with_warning)},
      {"PartOf", dependency(&ServiceConfig::part_of, D::drop_with_warning)},
      {"PropagatesStopTo", dependency(&ServiceConfig::propagates_stop_to, D::drop_with_warning)},
      {"StopPropagatedFrom", dependency(&ServiceConfig::stop_propagated_from, D::drop_with_warning)},
      {"PropagatesReloadTo", dependency(&ServiceConfig::propagates_reload_to, D::drop_with_warning)},
      {"ReloadPropagatedFrom", dependency(&ServiceConfig::reload_propagated_from, D::drop_with_warning)},
      {"BindsTo", dependency(&ServiceConfig::binds_to, D::drop_with_warning)},
      {"Conflicts", dependency(&ServiceConfig::conflicts, D::drop_with_warning)},
      {"Wants", dependency(&ServiceConfig::wants, D::drop_silently)},
      {"Upholds", dependency(&ServiceConfig::upholds, D::drop_silently)},
      {"StopWhenUnneeded", boolean(&ServiceConfig::stop_when_unneeded)},
      {"AllowIsolate", boolean(&ServiceConfig::allow_isolate)},
      {"IgnoreOnIsolate", boolean(&ServiceConfig::ignore_on_isolate)},
      {"After", dependency(&ServiceConfig::after, D::drop_silently)},
      {"Before", dependency(&ServiceConfig::before, D::drop_silently)},
      {"StartLimitIntervalSec", time_span(&ServiceConfig::start_limit_interval)},
      {"StartLimitBurst", set_start_limit_burst},
      {"SuccessAction", [](Assignment& a) { set_emergency_action(a, &ServiceConfig::success_action); }},
      {"FailureAction", [](Assignment& a) { set_emergency_action(a, &ServiceConfig::failure_action); }},
      {"StartLimitAction", [](Assignment& a) { set_emergency_action(a, &ServiceConfig::start_limit_action); }},
      {"JobTimeoutSec", [](Assignment& a) { set_job_timeout(a, false); }},
      {"JobRunningTimeoutSec", [](Assignment& a) { set_job_timeout(a, true); }},
      {"JobTimeoutAction", [](Assignment& a) { set_emergency_action(a, &ServiceConfig::job_timeout_action); }},
      {"DefaultDependencies", boolean(&ServiceConfig::default_dependencies)},
      {"RefuseManualStart", boolean(&ServiceConfig::refuse_manual_start)},
      {"RefuseManualStop", boolean(&ServiceConfig::refuse_manual_stop)},
      {"SuccessActionExitStatus",
       [](Assignment& a) { set_action_exit_status(a, &ServiceConfig::success_action_exit_status); }},
      {"FailureActionExitStatus",
       [](Assignment& a) { set_action_exit_status(a, &ServiceConfig::failure_action_exit_status); }},
      {"RequiresMountsFor", add_requires_mounts_for},
      {"OnFailure", dependency(&ServiceConfig::on_failure, D::drop_with_warning)},
      {"OnSuccess", dependency(&ServiceConfig::on_success, D::drop_with_warning)},
      {"OnFailureJobMode", [](Assignment& a) { set_job_mode(a, &ServiceConfig::on_failure_job_mode); }},
      {"OnSuccessJobMode", [](Assignment& a) { set_job_mode(a, &ServiceConfig::on_success_job_mode); }},
  };
  for (const char* key :
       {"JoinsNamespaceOf",
        "CollectMode",
        "JobTimeoutRebootArgument", "RebootArgument", "SourcePath"})
    t.emplace(key, not_implemented());
  // Old spellings systemd 252 still reads.
  alias_key(t, "BindTo", "BindsTo");
  alias_key(t, "PropagateReloadTo", "PropagatesReloadTo");
  alias_key(t, "PropagateReloadFrom", "ReloadPropagatedFrom");
  alias_key(t, "StartLimitInterval", "StartLimitIntervalSec");
  for (auto [old_key, key] : {std::pair{"RequiresOverridable", "Requires"}, {"RequisiteOverridable", "Requisite"}}) {
    const Handler handler = t.at(key);
    const std::string message = std::string("Unit dependency type ") + old_key + "= is obsolete, replacing by " +
                                key + "=, please update your unit file";
    t.emplace(old_key, [handler, message](Assignment& a) {
      a.warn(message);
      handler(a);
    });
  }
  // config_parse_job_mode_isolate(): yes is OnFailureJobMode=isolate, no replace.
  t.emplace("OnFailureIsolate", [](Assignment& a) {
    auto isolate = parse_boolean(a.value);
    if (!isolate) return a.ignore("Failed to parse boolean, ignoring: " + a.value);
    a.warn("OnFailureIsolate= is deprecated. Please use OnFailureJobMode= instead");
    a.config.on_failure_job_mode = *isolate ? JobMode::isolate : JobMode::replace;
  });
  t.emplace("IgnoreOnSnapshot", removed_key);
  for (int type = 0; type <= static_cast<int>(ConditionType::control_group_controller); ++type)
    for (bool is_assert : {false, true}) {
      const ConditionKey key{static_cast<ConditionType>(type), is_assert};
      t.emplace(condition_key_name(key.type, is_assert), [key](Assignment& a) { set_condition(a, key); });
    }
  return t;
}

KeyTable service_section_keys() {
  using S = ServiceConfig;
  KeyTable t{
      {"Type", set_type},
      {"ExecCondition", exec(&S::exec_condition)},
      {"ExecStartPre", exec(&S::exec_start_pre)},
      {"ExecStart", exec(&S::exec_start)},
      {"ExecStartPost", exec(&S::exec_start_post)},
      {"ExecReload", exec(&S::exec_reload)},
      {"ExecStop", exec(&S::exec_stop)},
      {"ExecStopPost", exec(&S::exec_stop_post)},
      {"Restart", choice(&S::restart, "service restart specifier", {{"no", RestartPolicy::no},
                                       {"on-success", RestartPolicy::on_success},
                                       {"on-failure", RestartPolicy::on_failure},
                                       {"on-abnormal", RestartPolicy::on_abnormal},
                                       {"on-watchdog", RestartPolicy::on_watchdog},
                                       {"on-abort", RestartPolicy::on_abort},
                                       {"always", RestartPolicy::always}})},
      {"RestartSec", time_span(&S::restart_sec)},
      {"TimeoutStartSec", [](Assignment& a) { set_timeout(a, {&S::timeout_start}, "TimeoutStartSec= parameter"); }},
      {"TimeoutStopSec", [](Assignment& a) { set_timeout(a, {&S::timeout_stop}, "time value"); }},
      {"TimeoutSec", [](Assignment& a) { set_timeout(a, {&S::timeout_start, &S::timeout_stop}, "TimeoutSec= parameter"); }},
      {"RemainAfterExit", boolean(&S::remain_after_exit)},
      {"PIDFile", set_pid_file},
      {"BusName", set_bus_name},
      {"KillMode", choice(&S::kill_mode, "kill mode specification", {{"control-group", KillMode::control_group},
                                          {"process", KillMode::process},
                                          {"mixed", KillMode::mixed},
                                          {"none", KillMode::none}})},
      {"KillSignal", set_kill_signal},
      {"RestartKillSignal", [](Assignment& a) { set_optional_signal(a, &S::restart_kill_signal); }},
      {"FinalKillSignal", [](Assignment& a) { set_signal(a, &S::final_kill_signal); }},
      {"WatchdogSignal", [](Assignment& a) { set_signal(a, &S::watchdog_signal); }},
      {"TimeoutAbortSec", set_timeout_abort},
      {"TimeoutStartFailureMode",
       [](Assignment& a) { set_timeout_failure_mode(a, &ServiceConfig::timeout_start_failure_mode); }},
      {"TimeoutStopFailureMode",
       [](Assignment& a) { set_timeout_failure_mode(a, &ServiceConfig::timeout_stop_failure_mode); }},
      {"RuntimeMaxSec", time_span(&S::runtime_max)},
      {"RuntimeRandomizedExtraSec", time_span(&S::runtime_randomized_extra)},
      {"SendSIGKILL", boolean(&S::send_sigkill)},
      {"SendSIGHUP", boolean(&S::send_sighup)},
      {"GuessMainPID", boolean(&S::guess_main_pid)},
      {"PermissionsStartOnly", boolean(&S::permissions_start_only)},
      {"Nice", set_nice},
      {"OOMScoreAdjust", set_oom_score_adjust},
      {"CoredumpFilter", set_coredump_filter_mask},
      {"CPUAffinity", set_cpu_affinity},
      {"TimerSlackNSec", set_timer_slack},
      {"ExecSearchPath", set_exec_search_path},
      {"LogExtraFields", set_log_extra_fields},
      {"Personality", set_execution_domain},
      {"CPUSchedulingPolicy", set_cpu_sched_policy},
      {"CPUSchedulingPriority", set_cpu_sched_priority},
      {"CPUSchedulingResetOnFork", boolean(&S::cpu_sched_reset_on_fork)},
      {"IOSchedulingClass", set_io_class},
      {"IOSchedulingPriority", set_io_priority},
      {"SuccessExitStatus", exit_statuses(&S::success_exit_status)},
      {"RestartPreventExitStatus", exit_statuses(&S::restart_prevent_exit_status)},
      {"RestartForceExitStatus", exit_statuses(&S::restart_force_exit_status)},
      {"User", [](Assignment& a) { set_user_or_group(a, &S::user); }},
      {"Group", [](Assignment& a) { set_user_or_group(a, &S::group); }},
      {"SupplementaryGroups", set_supplementary_groups},
      {"Environment", set_environment},
      {"EnvironmentFile", set_environment_file},
      {"PassEnvironment", [](Assignment& a) { set_environment_names(a, &ServiceConfig::pass_environment, false); }},
      {"UnsetEnvironment", [](Assignment& a) { set_environment_names(a, &ServiceConfig::unset_environment, true); }},
      {"WorkingDirectory", set_working_directory},
      {"UMask", set_umask},
      {"StandardInput", set_standard_input},
      {"StandardInputText", set_standard_input_text},
      {"TTYPath", set_tty_path},
      {"TTYReset", [](Assignment& a) { set_tty_flag(a, &TerminalSettings::reset); }},
      {"TTYVHangup", [](Assignment& a) { set_tty_flag(a, &TerminalSettings::vhangup); }},
      {"TTYVTDisallocate", [](Assignment& a) { set_tty_flag(a, &TerminalSettings::vt_disallocate); }},
      {"TTYRows", [](Assignment& a) { set_tty_size(a, &TerminalSettings::rows); }},
      {"TTYColumns", [](Assignment& a) { set_tty_size(a, &TerminalSettings::columns); }},
      {"StandardOutput", [](Assignment& a) { set_output(a, &S::standard_output); }},
      {"StandardError", [](Assignment& a) { set_output(a, &S::standard_error); }},
      {"NoNewPrivileges", boolean(&S::no_new_privileges)},
      {"RemoveIPC", boolean(&S::remove_ipc)},
      {"IgnoreSIGPIPE", boolean(&S::ignore_sigpipe)},
      {"PrivateTmp", boolean(&S::private_tmp)},
      {"ProtectKernelTunables", boolean(&S::protect_kernel_tunables)},
      {"ProtectControlGroups", boolean(&S::protect_control_groups)},
      {"ProtectHostname", boolean(&S::protect_hostname)},
      {"PrivateNetwork", boolean(&S::private_network)},
      {"PrivateIPC", boolean(&S::private_ipc)},
      {"PrivateUsers", boolean(&S::private_users)},
      {"PrivateMounts", [](Assignment& a) {
         if (auto b = parse_boolean(a.value)) a.config.private_mounts = *b;
         else a.ignore("Failed to parse boolean value, ignoring: " + a.value);
       }},
      {"MountFlags", [](Assignment& a) {
         // config_parse_exec_mount_propagation_flag(): empty is unset.
         static const std::map<std::string_view, unsigned long> kFlags{
             {"", 0}, {"shared", MS_SHARED}, {"slave", MS_SLAVE}, {"private", MS_PRIVATE}};
         if (auto it = kFlags.find(a.value); it != kFlags.end()) a.config.mount_propagation = it->second;
         else a.ignore("Failed to parse mount propagation flags, ignoring: " + a.value);
       }},
      {"LoadCredential", set_load_credential},
      {"KeyringMode", set_keyring_mode},
      {"UtmpIdentifier", set_utmp_id},
      {"UtmpMode", set_utmp_mode},
      {"SetCredential", set_set_credential},
      {"BindPaths", [](Assignment& a) { set_bind_paths(a, false); }},
      {"BindReadOnlyPaths", [](Assignment& a) { set_bind_paths(a, true); }},
      {"TemporaryFileSystem", set_temporary_filesystems},
      {"SyslogIdentifier", set_syslog_identifier},
      {"SyslogFacility", [](Assignment& a) {
         if (auto f = parse_syslog_facility(a.value)) a.config.syslog.facility = *f;
         else a.ignore("Failed to parse log facility, ignoring: " + a.value);
       }},
      {"SyslogLevel", [](Assignment& a) {
         if (auto l = parse_syslog_level(a.value)) a.config.syslog.level = *l;
         else a.ignore("Failed to parse log level, ignoring: " + a.value);
       }},
      {"SyslogLevelPrefix", [](Assignment& a) {
         if (auto b = parse_boolean(a.value)) a.config.syslog.level_prefix = *b;
         else a.ignore("Failed to parse boolean value, ignoring: " + a.value);
       }},
      {"LogLevelMax", [](Assignment& a) {
         // config_parse_log_level(): no empty case, so "" is a bad level.
         if (auto l = parse_syslog_level(a.value)) a.config.syslog.level_max = *l;
         else a.ignore("Failed to parse log level, ignoring: " + a.value);
       }},
      {"ProtectKernelModules", boolean(&S::protect_kernel_modules)},
      {"ProtectKernelLogs", boolean(&S::protect_kernel_logs)},
      {"ProtectClock", boolean(&S::protect_clock)},
      {"PrivateDevices", boolean(&S::private_devices)},
      {"DevicePolicy",
       [](Assignment& a) {
         if (auto policy = device_policy_from_string(a.value)) a.config.device_policy = *policy;
         else a.ignore("Failed to parse device policy, ignoring: " + a.value);
       }},
      {"DeviceAllow", add_device_allow},
      {"FileDescriptorStoreMax",
       [](Assignment& a) {
         auto max = parse_systemd_unsigned(a.value, UINT_MAX);
         if (!max) return a.ignore("Failed to parse unsigned value, ignoring: " + a.value);
         a.config.file_descriptor_store_max = static_cast<unsigned>(*max);
       }},
      {"IPAddressAllow", ip_address_prefixes(&S::ip_address_allow)},
      {"IPAddressDeny", ip_address_prefixes(&S::ip_address_deny)},
      {"MemoryDenyWriteExecute", boolean(&S::memory_deny_write_execute)},
      {"ProtectProc",
       [](Assignment& a) {
         if (auto p = enum_from_string<ProtectProc, ProtectProc::ptraceable>(a.value)) a.config.protect_proc = *p;
         else a.ignore("Failed to parse /proc/ protection mode, ignoring: " + a.value);
       }},
      {"ProcSubset",
       [](Assignment& a) {
         if (auto p = enum_from_string<ProcSubset, ProcSubset::pid>(a.value)) a.config.proc_subset = *p;
         else a.ignore("Failed to parse /proc/ subset mode, ignoring: " + a.value);
       }},
      {"RestrictAddressFamilies",
       [](Assignment& a) {
         apply_address_families_assignment(a.config.restrict_address_families.mut(), a.value,
                                           [&a](const std::string& message) { a.ignore(message); });
       }},
      {"RestrictNamespaces",
       [](Assignment& a) {
         if (!apply_restrict_namespaces(a.config.restrict_namespaces, a.value))
           a.ignore("Failed to parse namespace type string, ignoring: " + a.value);
       }},
      {"RestrictRealtime", boolean(&S::restrict_realtime)},
      {"LockPersonality", boolean(&S::lock_personality)},
      {"RestrictSUIDSGID", boolean(&S::restrict_suid_sgid)},
      {"SystemCallFilter",
       [](Assignment& a) {
         apply_syscall_filter_assignment(a.config.syscall_filter.mut(), a.value,
                                         [&a](const std::string& message) { a.ignore(message); });
       }},
      {"SystemCallErrorNumber", set_syscall_error_number},
      {"SystemCallArchitectures", set_syscall_architectures},
      {"ProtectSystem",
       [](Assignment& a) {
         using P = ProtectSystem;
         set_boolean_or_word(a, &S::protect_system, P::no, P::yes, {{"full", P::full}, {"strict", P::strict}},
                             "Failed to parse protect system value");
       }},
      {"ProtectHome",
       [](Assignment& a) {
         using P = ProtectHome;
         set_boolean_or_word(a, &S::protect_home, P::no, P::yes, {{"read-only", P::read_only}, {"tmpfs", P::tmpfs}},
                             "Failed to parse protect home value");
       }},
      {"ReadWritePaths", [](Assignment& a) { set_namespace_paths(a, &ServiceConfig::read_write_paths); }},
      {"ReadOnlyPaths", [](Assignment& a) { set_namespace_paths(a, &ServiceConfig::read_only_paths); }},
      {"InaccessiblePaths", [](Assignment& a) { set_namespace_paths(a, &ServiceConfig::inaccessible_paths); }},
      {"ExecPaths", [](Assignment& a) { set_namespace_paths(a, &ServiceConfig::exec_paths); }},
      {"NoExecPaths", [](Assignment& a) { set_namespace_paths(a, &ServiceConfig::no_exec_paths); }},
      {"CapabilityBoundingSet", [](Assignment& a) { set_capabilities(a, &ServiceConfig::capability_bounding_set, kAllCapabilities); }},
      {"AmbientCapabilities", [](Assignment& a) { set_capabilities(a, &ServiceConfig::ambient_capabilities, 0); }},
      {"RuntimeDirectoryPreserve",
       [](Assignment& a) {
         using P = DirectoryPreserve;
         set_boolean_or_word(a, &S::runtime_directory_preserve, P::no, P::yes, {{"restart", P::restart}},
                             "Failed to parse RuntimeDirectoryPreserve= value");
       }},
      {"WatchdogSec", set_watchdog},
      {"NotifyAccess", set_notify_access},
      // Compatibility spellings from before these moved to [Unit].
      {"StartLimitInterval", time_span(&S::start_limit_interval)},
      {"StartLimitBurst", set_start_limit_burst},
      {"StartLimitAction", [](Assignment& a) { set_emergency_action(a, &S::start_limit_action); }},
      {"FailureAction", [](Assignment& a) { set_emergency_action(a, &S::failure_action); }},
  };
  static constexpr std::array<std::pair<const char*, int>, 16> kLimits{{
      {"LimitCPU", RLIMIT_CPU},         {"LimitFSIZE", RLIMIT_FSIZE},   {"LimitDATA", RLIMIT_DATA},
      {"LimitSTACK", RLIMIT_STACK},     {"LimitCORE", RLIMIT_CORE},     {"LimitRSS", RLIMIT_RSS},
      {"LimitNOFILE", RLIMIT_NOFILE},   {"LimitAS", RLIMIT_AS},         {"LimitNPROC", RLIMIT_NPROC},
      {"LimitMEMLOCK", RLIMIT_MEMLOCK}, {"LimitLOCKS", RLIMIT_LOCKS},   {"LimitSIGPENDING", RLIMIT_SIGPENDING},
      {"LimitMSGQUEUE", RLIMIT_MSGQUEUE}, {"LimitNICE", RLIMIT_NICE}, {"LimitRTPRIO", RLIMIT_RTPRIO},
      {"LimitRTTIME", RLIMIT_RTTIME},
  }};
  for (auto& [key, resource] : kLimits) t.emplace(key, limit(resource));
  using E = ExecDirectoryType;
  for (auto [key, kind] : {std::pair{"Runtime", E::runtime}, {"State", E::state}, {"Cache", E::cache},
                           {"Logs", E::logs}, {"Configuration", E::configuration}}) {
    const ExecDirectoryType type = kind;  // clang 14 cannot capture a structured binding
    t.emplace(std::string(key) + "Directory", [type](Assignment& a) { set_exec_directory(a, type); });
    t.emplace(std::string(key) + "DirectoryMode", [type](Assignment& a) { set_exec_directory_mode(a, type); });
  }
  for (const char* key :
       {"SystemCallLog", "RestrictFileSystems",
        "MemoryMax", "MemoryHigh", "MemoryLow", "MemoryMin", "MemorySwapMax", "MemoryLimit",
        "MemoryAccounting", "CPUQuota", "CPUWeight", "CPUShares", "CPUAccounting", "IOWeight",
        "IOAccounting", "BlockIOWeight", "BlockIOAccounting", "TasksMax", "TasksAccounting",
        "IPAccounting", "Slice", "Delegate",
        "OOMPolicy",
        "DynamicUser",
        "RootDirectory", "RootImage",
        "LogRateLimitIntervalSec", "LogRateLimitBurst", "LogNamespace",
        "PAMName",
        "SELinuxContext", "AppArmorProfile", "SmackProcessLabel", "SecureBits",
        "USBFunctionDescriptors",
        "USBFunctionStrings", "Sockets", "NonBlocking", "StandardInputData",
        "LoadCredentialEncrypted", "SetCredentialEncrypted",
        "ManagedOOMSwap",
        "ManagedOOMMemoryPressure", "ManagedOOMMemoryPressureLimit", "ManagedOOMPreference",
        "NUMAPolicy", "NUMAMask", "RebootArgument",
        // The rest of systemd 252's [Service] keys: known, so not "Unknown key".
        "AllowedCPUs", "AllowedMemoryNodes", "StartupAllowedCPUs", "StartupAllowedMemoryNodes",
        "CPUQuotaPeriodSec", "StartupCPUWeight", "StartupCPUShares", "StartupIOWeight", "StartupBlockIOWeight",
        "DefaultMemoryLow", "DefaultMemoryMin", "DisableControllers", "IODeviceWeight", "IODeviceLatencyTargetSec",
        "IOReadBandwidthMax", "IOWriteBandwidthMax", "IOReadIOPSMax", "IOWriteIOPSMax", "BlockIODeviceWeight",
        "BlockIOReadBandwidth", "BlockIOWriteBandwidth", "BPFProgram", "IPIngressFilterPath", "IPEgressFilterPath",
        "SocketBindAllow", "SocketBindDeny", "RestrictNetworkInterfaces", "NetworkNamespacePath",
        "IPCNamespacePath", "RootDirectoryStartOnly", "RootImageOptions", "RootHash", "RootHashSignature",
        "RootVerity", "MountAPIVFS", "MountImages", "ExtensionImages", "ExtensionDirectories", "ExitType",
        "TimeoutCleanSec"})
    t.emplace(key, not_implemented());
  for (const char* key : {"Capabilities", "SysVStartPriority", "NetClass", "BusPolicy"}) t.emplace(key, removed_key);
  // Old spellings systemd 252 still reads (ProtectSystem=strict units such
  // as Debian's redis-server.service need ReadWriteDirectories=).
  alias_key(t, "ReadWriteDirectories", "ReadWritePaths");
  alias_key(t, "ReadOnlyDirectories", "ReadOnlyPaths");
  alias_key(t, "InaccessibleDirectories", "InaccessiblePaths");
  return t;
}

KeyTable install_section_keys() {
  KeyTable t{
      {"WantedBy", install_targets(&ServiceConfig::wanted_by)},
      {"RequiredBy", install_targets(&ServiceConfig::required_by)},
      {"Alias", add_alias},
  };
  // Read by enable and is-enabled (install_section.h), not by a load: as
  // systemd 252's load-fragment table, which gives them no parser.
  for (const char* key : {"Also", "DefaultInstance"}) t.emplace(key, [](Assignment&) {});
  return t;
}

// A target has [Unit] and [Install] only (systemd.target(5)).
const KeyTable* keys_of_section(std::string_view section, UnitType type) {
  // Built once; immutable afterwards (no mutable global state).
  static const KeyTable kUnit = unit_section_keys();
  static const KeyTable kService = service_section_keys();
  static const KeyTable kInstall = install_section_keys();
  if (section == "Unit") return &kUnit;
  if (section == "Service" && type == UnitType::service) return &kService;
  if (section == "Install") return &kInstall;
  return nullptr;
}

}  // namespace

ApplyResult apply_service_assignments(const UnitFileSyntax& syntax, const std::string& path,
                                      const ServiceKeyContext& context, ServiceConfig& config, Diagnostics& diags) {
  for (const auto& header : syntax.sections) {
    // "X-" sections are for other tools; systemd ignores them silently.
    if (!header.name.empty() && !keys_of_section(header.name, config.unit_type) && !header.name.starts_with("X-"))
      diags.warn({path, header.line}, "Unknown section '" + header.name + "'. Ignoring.");
  }
  ApplyResult result;
  for (const auto& assignment : syntax.assignments) {
    const KeyTable* keys = keys_of_section(assignment.section, config.unit_type);
    if (keys == nullptr || assignment.key.starts_with("X-")) continue;
    auto it = keys->find(assignment.key);
    if (it == keys->end()) {
      diags.warn({path, assignment.line},
                 "Unknown key '" + assignment.key + "' in section [" + assignment.section + "], ignoring.");
      continue;
    }
    Assignment a(assignment, path, context, config, diags);
    it->second(a);
    result.bad_setting = result.bad_setting || a.bad_setting;
    result.load_error = result.load_error || a.failed_load;
  }
  return result;
}

void complete_service_config(ServiceConfig& config) {
  // service_add_extras(): without Type=, BusName= makes it dbus, no
  // ExecStart= oneshot.
  if (!config.type_explicit && !config.bus_name.get().empty()) config.type = ServiceType::dbus;
  else if (!config.type_explicit && config.exec_start.empty()) config.type = ServiceType::oneshot;
  // systemd.service(5): TimeoutStartSec= "defaults to infinity for
  // Type=oneshot" unless it (or TimeoutSec=) is given.
  if (config.type == ServiceType::oneshot && !config.timeout_start_set) config.timeout_start = kUsecInfinity;
  // systemd 252's service_fix_stdio(): StandardInputText= without
  // StandardInput= is data; a terminal on stdin is what stdout inherits
  // unless it is given; without one, inherit is the manager's default
  // (DefaultStandardOutput=journal), given or not.
  if (config.standard_input == InputKind::null && !config.standard_input_data.empty())
    config.standard_input = InputKind::data;
  if (is_terminal_input(config.standard_input)) {
    if (!config.standard_output_set) config.standard_output = {OutputKind::inherit, {}};
  } else if (config.standard_output.kind == OutputKind::inherit) {
    config.standard_output = {OutputKind::journal, {}};
  }
  // unit_patch_contexts(): what these keys protect needs these capabilities.
  auto drop = [&config](int capability) { config.capability_bounding_set &= ~(std::uint64_t{1} << capability); };
  if (config.protect_kernel_modules) drop(CAP_SYS_MODULE);
  if (config.private_devices) {
    drop(CAP_MKNOD);
    drop(CAP_SYS_RAWIO);
  }
  if (config.protect_kernel_logs) drop(CAP_SYSLOG);
  if (config.protect_clock) {
    drop(CAP_SYS_TIME);
    drop(CAP_WAKE_ALARM);
  }
  // bpf_firewall_prepare_access_maps() reduces the sets in place before the
  // first start; shown reduced from the start here.
  for (auto* set : {&config.ip_address_allow, &config.ip_address_deny})
    if (!set->get().empty()) reduce_ip_address_prefixes(set->mut());
  // unit_patch_contexts(): PrivateDevices= closes an auto device policy;
  // once anything is filtered, ProtectClock= still lets the RTC be read.
  if (config.private_devices && config.device_policy == DevicePolicy::automatic)
    config.device_policy = DevicePolicy::closed;
  if ((config.device_policy != DevicePolicy::automatic || !config.device_allow.get().empty()) && config.protect_clock) {
    auto& list = config.device_allow.mut();
    list.insert(list.begin(), DeviceAllow{"char-rtc", true, false, false});
  }
}

bool verify_service_config(const ServiceConfig& config, Diagnostics& diags) {
  SourceLocation unit{config.fragment_path, 0};
  auto refuse = [&](const SourceLocation& where, const std::string& message) {
    diags.error(where, message);
    return false;
  };
  const bool no_success_action = config.success_action == EmergencyAction::none;
  if (config.exec_start.empty() && config.exec_stop.empty() && no_success_action)
    return refuse(unit, "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
  if (config.type != ServiceType::oneshot && config.exec_start.empty())
    return refuse(unit, "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
  if (!config.remain_after_exit && config.exec_start.empty() && no_success_action)
    return refuse(unit,
                  "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes "
                  "set. Refusing.");
  if (config.type != ServiceType::oneshot && config.exec_start.size() > 1)
    return refuse(config.exec_start[1].where,
                  "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. "
                  "Refusing.");
  if (config.type == ServiceType::oneshot &&
      (config.restart == RestartPolicy::always || config.restart == RestartPolicy::on_success))
    return refuse(unit,
                  "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot "
                  "services. Refusing.");
  if (config.type == ServiceType::oneshot && !config.restart_force_exit_status.get().empty())
    return refuse(unit, "Service has RestartForceExitStatus= set, which isn't allowed for Type=oneshot services. Refusing.");
  if (config.type == ServiceType::dbus && config.bus_name.get().empty())
    return refuse(unit, "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.");
  return true;
}

}  // namespace vermilion
