// The part of vermiliond's own environment that means something to it, read
// once by main() from `environ` and passed down as a value: nothing below
// main() calls getenv(), so what a module sees is what main() decided, and a
// test states it as a literal instead of mutating its own environment.
//
// One rule for paths (the XDG Base Directory specification, as systemd's
// sd-path and get_home_dir() apply it): HOME and XDG_* count only when set,
// non-empty and absolute; a relative or empty value is as if unset, and the
// user of the value falls back to its default (RuntimeIdentity::current).
// Other values count when set and non-empty (POSIX: an empty LANG is the
// default locale, an empty bus address is no address).
#pragma once

#include <optional>
#include <string>

namespace vermilion {

struct ProcessEnvironment {
  // Paths: absolute, or nullopt.
  std::optional<std::string> home;             // HOME
  std::optional<std::string> xdg_config_home;  // XDG_CONFIG_HOME
  std::optional<std::string> xdg_data_home;    // XDG_DATA_HOME
  std::optional<std::string> xdg_runtime_dir;  // XDG_RUNTIME_DIR
  std::optional<std::string> xdg_cache_home;   // XDG_CACHE_HOME (%C of a user manager)
  std::optional<std::string> shell;            // SHELL (%s of a user manager)
  // The credentials the manager itself was given (ConditionCredential=).
  std::optional<std::string> credentials_directory;            // CREDENTIALS_DIRECTORY
  std::optional<std::string> encrypted_credentials_directory;  // ENCRYPTED_CREDENTIALS_DIRECTORY
  // TMPDIR, TEMP, TMP in this order (%T, %V): the first that is set and
  // absolute; whether it is a directory is checked by its user.
  std::optional<std::string> tmpdir;
  // Lists of paths, as set (':'-separated; systemd_unit_dirs.h keeps the
  // absolute ones): XDG_CONFIG_DIRS and XDG_DATA_DIRS, for a user manager's
  // systemd unit search path.
  std::optional<std::string> xdg_config_dirs;
  std::optional<std::string> xdg_data_dirs;
  // Values: non-empty, or nullopt.
  std::optional<std::string> lang;                      // LANG, handed on to services
  std::optional<std::string> user;                      // USER (ConditionUser=, as systemd's getusername_malloc())
  std::optional<std::string> journal_stream;            // JOURNAL_STREAM "dev:ino" of our stderr
  std::optional<std::string> dbus_system_bus_address;   // DBUS_SYSTEM_BUS_ADDRESS
  std::optional<std::string> dbus_session_bus_address;  // DBUS_SESSION_BUS_ADDRESS

  // From a "NAME=value" block as `environ` is (null-terminated; null envp
  // reads as empty). Where a name appears twice the first wins, as getenv()
  // finds it. Never fails: what does not follow the rules is left out.
  [[nodiscard]] static ProcessEnvironment parse(const char* const* envp);
};

}  // namespace vermilion
