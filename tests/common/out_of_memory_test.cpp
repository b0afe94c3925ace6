#include "common/out_of_memory.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <new>
#include <stdexcept>

namespace vermilion {
namespace {

TEST(OutOfMemoryTest, EventGuardDropsTheEventAndKeepsTheSource) {
  unsigned long before = out_of_memory_reports();
  EXPECT_EQ(event_guard("a test", []() -> int { throw std::bad_alloc(); }), 0)
      << "a negative return would switch the sd-event source off";
  EXPECT_EQ(event_guard("a test", [] { return 7; }), 7);
  EXPECT_EQ(out_of_memory_reports(), before + 1);
}

TEST(OutOfMemoryTest, CallGuardFailsThatCall) {
  EXPECT_EQ(call_guard("a test", -ENOMEM, []() -> int { throw std::bad_alloc(); }), -ENOMEM);
  EXPECT_EQ(call_guard("a test", -ENOMEM, [] { return 1; }), 1);
}

TEST(OutOfMemoryTest, ListenerGuardDropsTheEvent) {
  bool after = false;
  drop_if_out_of_memory("a test", [&] {
    throw std::bad_alloc();
    after = true;  // never reached
  });
  EXPECT_FALSE(after);
}

// Only allocation failure is caught: a bug's exception still ends the process
// loudly rather than leaving the supervisor in a state nobody checked.
TEST(OutOfMemoryTest, OtherExceptionsAreNotSwallowed) {
  EXPECT_DEATH(event_guard("a test", []() -> int { throw std::logic_error("bug"); }), "");
}

}  // namespace
}  // namespace vermilion
