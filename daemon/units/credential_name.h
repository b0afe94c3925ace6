// Credential names (systemd.exec(5), "Credentials"): the file names under
// $CREDENTIALS_DIRECTORY.
#pragma once

#include <cstddef>
#include <string_view>

namespace vermilion {

// CREDENTIAL_NAME_MAX (= FDNAME_MAX), bytes.
inline constexpr std::size_t kCredentialNameMax = 255;

// systemd 252's credential_name_valid(): a file name (not empty, not "."
// or "..", no '/') that is also a file descriptor name (printable ASCII,
// no ':'), at most kCredentialNameMax bytes.
[[nodiscard]] bool is_valid_credential_name(std::string_view name);

}  // namespace vermilion
