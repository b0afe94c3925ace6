// What the host says about itself, for the specifiers that name it (%H %l
// %q %m %b %v %a %o %w %W %B %M %A, systemd.unit(5) "Specifiers"). Read
// once at start-up by RuntimeIdentity::current(), so expanding a specifier
// never touches a file or the network later: a host name changed while
// vermiliond runs is seen after a restart (systemd reads it at each use).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vermilion {

struct HostFacts {
  std::string host_name;         // %H: uname's node name; "localhost" if empty or "(none)"
  std::string short_host_name;   // %l: host_name up to the first '.'
  std::string pretty_host_name;  // %q: /etc/machine-info PRETTY_HOSTNAME, else short_host_name
  // nullopt where the source is missing or malformed: a specifier that
  // needs it then fails ("No such file or directory"), as in systemd.
  std::optional<std::string> machine_id;  // %m: /etc/machine-id, 32 lower-case hex digits
  std::optional<std::string> boot_id;     // %b: /proc/sys/kernel/random/boot_id without dashes
  std::string kernel_release;             // %v: uname's release
  std::string architecture;               // %a: systemd's name of uname's machine ("x86-64")
  // %o %w %W %B %M %A: ID, VERSION_ID, VARIANT_ID, BUILD_ID, IMAGE_ID,
  // IMAGE_VERSION of /etc/os-release, else /usr/lib/os-release; nullopt when
  // neither can be read. A field the file lacks expands to "".
  std::optional<std::map<std::string, std::string, std::less<>>> os_release;

  // Reads everything above. Never fails: what cannot be read stays empty.
  [[nodiscard]] static HostFacts read();
};

// systemd's architecture name for a uname(2) machine string ("x86_64" ->
// "x86-64", "aarch64" -> "arm64", "armv7l" -> "arm", ...; src/basic/
// architecture.c); unknown names are returned unchanged.
[[nodiscard]] std::string architecture_name(std::string_view uname_machine);

// KEY=VALUE lines as os-release(5) and machine-info(5) have them: '#'
// comments, values optionally in single or double quotes with \\ \" \$ \`
// escapes. Lines that are not assignments are skipped.
[[nodiscard]] std::map<std::string, std::string, std::less<>> parse_env_file_text(std::string_view text);

}  // namespace vermilion
