#include "common/lazy_value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vermilion {
namespace {

using Names = std::vector<std::string>;

TEST(LazyValueTest, ReadsAsDefaultUntilWritten) {
  LazyValue<Names> v;
  EXPECT_TRUE(v.get().empty());
  const Names* shared_default = &v.get();
  v.mut().push_back("a");
  EXPECT_EQ(v.get(), Names{"a"});
  EXPECT_NE(&v.get(), shared_default) << "written: its own value, not the shared default";
  EXPECT_TRUE(LazyValue<Names>{}.get().empty()) << "the default is never written through";
}

TEST(LazyValueTest, CopiesAreDeepAndMovesTakeTheValue) {
  LazyValue<Names> a;
  a.mut() = {"x", "y"};
  LazyValue<Names> b = a;
  b.mut().push_back("z");
  EXPECT_EQ(a.get(), (Names{"x", "y"}));
  EXPECT_EQ(b.get(), (Names{"x", "y", "z"}));
  LazyValue<Names> empty;
  b = empty;
  EXPECT_TRUE(b.get().empty()) << "assigning an unwritten value empties it";
  LazyValue<Names> c = std::move(a);
  EXPECT_EQ(c.get(), (Names{"x", "y"}));
  b = c;
  const LazyValue<Names>& same = b;
  b = same;  // self-assignment keeps the value
  EXPECT_EQ(b.get(), (Names{"x", "y"}));
}

}  // namespace
}  // namespace vermilion
