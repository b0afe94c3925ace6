#include "units/credential_name.h"

namespace vermilion {

bool is_valid_credential_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > kCredentialNameMax) return false;
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == ':' || byte < ' ' || byte >= 127) return false;
  }
  return true;
}

}  // namespace vermilion
