// What vermiliond allows on one private link by default, where its peers
// must plan around it: the bridge keeps its own job calls within this.
#pragma once

#include <cstddef>

namespace vermilion {

// Job calls (Start/Stop/Restart/Reload) awaiting their result on one link;
// one more is refused with org.vermilion1.Error.LimitsExceeded.
inline constexpr std::size_t kDefaultLinkJobsInFlight = 32;

}  // namespace vermilion
