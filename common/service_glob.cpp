#include "common/service_glob.h"

#include <fnmatch.h>

#include <string>

namespace vermilion {

bool service_glob_matches(std::string_view glob, std::string_view name) {
  return ::fnmatch(std::string(glob).c_str(), std::string(name).c_str(), FNM_NOESCAPE) == 0;
}

}  // namespace vermilion
