// RestrictNamespaces= values, as systemd 252's
// config_parse_restrict_namespaces() and namespace_flags_to_string() (the
// conformance case "restrict-namespaces" has what the filter then does).
#include "units/namespace_types.h"

#include <sched.h>

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(NamespaceTypesTest, BooleansReplaceListsSetThenMerge) {
  unsigned long retained = kNamespaceFlagsInitial;
  ASSERT_TRUE(apply_restrict_namespaces(retained, "yes"));
  EXPECT_EQ(retained, 0u);
  ASSERT_TRUE(apply_restrict_namespaces(retained, "no"));
  EXPECT_EQ(retained, namespace_flags_all());

  retained = kNamespaceFlagsInitial;
  ASSERT_TRUE(apply_restrict_namespaces(retained, "~user mnt"));  // the first one sets
  EXPECT_EQ(namespace_flags_to_string(retained), "cgroup ipc net pid uts");
  ASSERT_TRUE(apply_restrict_namespaces(retained, "~net"));  // later ones merge
  EXPECT_EQ(namespace_flags_to_string(retained), "cgroup ipc pid uts");
  ASSERT_TRUE(apply_restrict_namespaces(retained, "user"));
  EXPECT_EQ(namespace_flags_to_string(retained), "cgroup ipc pid user uts");
  ASSERT_TRUE(apply_restrict_namespaces(retained, ""));
  EXPECT_EQ(retained, kNamespaceFlagsInitial);
}

TEST(NamespaceTypesTest, TimeIsANameButNotPartOfAll) {
  unsigned long retained = kNamespaceFlagsInitial;
  ASSERT_TRUE(apply_restrict_namespaces(retained, "time"));
  EXPECT_EQ(namespace_flags_to_string(retained), "yes");
  EXPECT_EQ(namespace_flags_from_string("net time"), static_cast<unsigned long>(CLONE_NEWNET | 0x80));
}

TEST(NamespaceTypesTest, AnUnknownWordRefusesTheAssignment) {
  unsigned long retained = CLONE_NEWNET;
  EXPECT_FALSE(apply_restrict_namespaces(retained, "net bogus"));
  EXPECT_EQ(retained, static_cast<unsigned long>(CLONE_NEWNET));
  EXPECT_EQ(namespace_flags_to_string(namespace_flags_all()), "no");
  EXPECT_EQ(namespace_flags_to_string(kNamespaceFlagsInitial), "no");
}

}  // namespace
}  // namespace vermilion
