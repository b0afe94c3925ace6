// A service's credentials (systemd.exec(5), "Credentials"; systemd 252's
// setup_credentials() and acquire_credentials(), src/core/execute.c): the
// files LoadCredential= and SetCredential= put in
// <runtime root>/credentials/<unit> ($CREDENTIALS_DIRECTORY, %d), one per
// ID, mode 0400 in a directory of mode 0500, both owned by User= where it
// is not the manager's own user.
//
// The store is written by the forked child, never by vermiliond: a source
// may be a FIFO, a slow file system or a socket whose server never answers,
// and only that start waits (until its timeout). As in systemd 252, it is
// written for the first ExecStartPre= and the first ExecStart= of a start;
// where the manager may mount, it is a ramfs of its own (a tmpfs where
// ramfs is refused) remounted read-only once written, else a plain
// directory. vermiliond removes it whenever the service goes down
// (exec_context_destroy_credentials(), whatever RuntimeDirectoryPreserve=
// says), so that each start reads the sources anew.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "units/unit_config.h"

namespace vermilion {

// CREDENTIAL_SIZE_MAX: the most one credential may hold; and
// CREDENTIALS_TOTAL_SIZE_MAX: the most all of a unit's may hold together,
// counting each ID's length. Bytes.
inline constexpr std::size_t kCredentialSizeMax = 1024 * 1024;
inline constexpr std::size_t kCredentialsTotalSizeMax = 1024 * 1024;

// Where a relative LoadCredential= source is looked for after the
// manager's own $CREDENTIALS_DIRECTORY (CONF_PATHS("credstore"), systemd 251+).
[[nodiscard]] std::vector<std::string> default_credential_stores();

// "<runtime_root>/credentials/<unit>".
[[nodiscard]] std::string credential_store_directory(const std::string& runtime_root, const std::string& unit);

struct CredentialStoreRequest {
  const ServiceConfig* config = nullptr;
  std::string directory;  // credential_store_directory()
  // Searched in order for a relative source: the manager's own
  // credentials directory (if it was given one), then the stores.
  std::vector<std::string> search_path;
  // User='s UID; uid_t(-1) or the caller's own UID: nothing to hand over.
  uid_t owner = static_cast<uid_t>(-1);
};

// In the child, before privileges are dropped and before any namespace is
// entered (so that a mount is the manager's, seen by every later command).
// Makes the store if the unit has credentials, replacing what a previous
// command of the same start wrote. Returns 0, or -errno with `what` naming
// the step and the credential:
//   -ENOENT  an absolute source is missing (and no SetCredential= of its ID);
//   -E2BIG   a credential, or all of them, is larger than the limits above;
//   -EINVAL  a file in a source directory would get an invalid ID;
//   -EPERM   the store could not be given to User= (no mount here: systemd
//            would use an ACL, which Vermilion does not write);
//   others   from open(2), read(2), connect(2), mount(2), ...
// A missing relative source is skipped, as systemd does.
[[nodiscard]] int set_up_credential_store(const CredentialStoreRequest& request, std::string& what);

// In vermiliond when the service is down: unmounts and removes the store
// (the directory, if any); errors are not reported.
void remove_credential_store(const std::string& directory);

}  // namespace vermilion
