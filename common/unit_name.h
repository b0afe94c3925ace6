// Unit names as systemd spells them: "web.service", templates
// "getty@.service" and instances "getty@tty1.service". Shared by the daemon
// and the bridge so both agree on what a name is and how it looks on D-Bus.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

inline constexpr std::string_view kServiceSuffix = ".service";
inline constexpr std::string_view kTargetSuffix = ".target";
inline constexpr std::size_t kUnitNameMax = 255;

struct UnitNameParts {
  std::string prefix;    // "getty" in getty@tty1.service
  std::string instance;  // "tty1"; empty for plain units and templates
  bool is_template = false;  // "getty@.service"
};

// A valid service unit name: [prefix][@instance].service, characters from
// systemd's set (ASCII alphanumerics and ":-_.\@"), at most 255 bytes.
[[nodiscard]] bool is_valid_service_name(std::string_view name);

// A valid unit name of any type systemd knows (systemd.unit(5)): the same
// characters and instance rules as a service name, with one of the suffixes
// .service .socket .device .mount .automount .swap .target .path .timer
// .slice .scope. For [Install] lines, which name targets and other types.
[[nodiscard]] bool is_valid_unit_name(std::string_view name);
// The part after the last '.' ("service", "target"); "" when none.
[[nodiscard]] std::string_view unit_type_of(std::string_view name);

// "web" -> "web.service"; "web.service" stays. Returns nullopt for names that
// are not valid service names even after adding the suffix, and for names of
// other unit types ("app.target", "x.socket"), as systemctl's mangling.
[[nodiscard]] std::optional<std::string> normalize_service_name(std::string_view name);

// Splits a valid service name. nullopt for an invalid one.
[[nodiscard]] std::optional<UnitNameParts> split_service_name(std::string_view name);

// The unit types vermiliond loads and runs: services, and targets
// (systemd.target(5)), which have no processes. Dependencies on the other
// types systemd knows are dropped when a unit loads (units/unit_keys.h).
[[nodiscard]] bool is_supported_unit_type(std::string_view type);
// Splits a valid name of a supported type ("web.service", "getty@tty1.service",
// "multi-user.target"); nullopt for anything else.
[[nodiscard]] std::optional<UnitNameParts> split_supported_unit_name(std::string_view name);
// "web" -> "web.service", "web.service" and "multi-user.target" stay:
// the name of a unit vermiliond can load, or nullopt. Names without a
// supported suffix are taken as services, as systemctl does.
[[nodiscard]] std::optional<std::string> normalize_unit_name(std::string_view name);

// "getty@tty1.service" -> "getty@.service" (any supported type:
// "foo@x.target" -> "foo@.target"); nullopt if not an instance.
[[nodiscard]] std::optional<std::string> template_of(std::string_view name);

// systemd's bus_label_escape: [A-Za-z0-9] stay, every other byte becomes
// _XX (lower-case hex); the empty string becomes "_".
[[nodiscard]] std::string bus_label_escape(std::string_view s);
// Its inverse, systemd's bus_label_unescape: "_" is "", "_XX" (hex, either
// case) the byte XX, anything else itself. A '_' without two hex digits
// after it, or an unescaped byte other than [A-Za-z0-9], is nullopt.
[[nodiscard]] std::optional<std::string> bus_label_unescape(std::string_view label);

// systemd's unit_name_unescape (used by %I %J %P %f): "\xNN" becomes the
// byte and "-" becomes "/". nullopt when a backslash starts anything but
// "\x" and two hex digits (systemd: -EINVAL).
[[nodiscard]] std::optional<std::string> unescape_instance(std::string_view s);

// systemd's unit_name_path_unescape (%f): "-" alone is "/", otherwise the
// unescaped text with a '/' in front; nullopt when s is empty, an escape
// is invalid, the unescaped text starts or ends with '/', or the path is
// not normalized ("//", "." or ".." components).
[[nodiscard]] std::optional<std::string> unescape_path(std::string_view s);

}  // namespace vermilion
