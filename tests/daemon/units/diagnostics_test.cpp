#include "units/diagnostics.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(FormatDiagnostic, FileLineSeverityMessage) {
  EXPECT_EQ(format_diagnostic({Severity::warning, {"/etc/web.service", 12}, "Unknown key Foo, ignoring"}),
            "/etc/web.service:12: warning: Unknown key Foo, ignoring");
  EXPECT_EQ(format_diagnostic({Severity::error, {"/etc/web.service", 3}, "Invalid value"}),
            "/etc/web.service:3: error: Invalid value");
}

TEST(FormatDiagnostic, WholeFileHasNoLineAndInputWithoutFileIsNamed) {
  EXPECT_EQ(format_diagnostic({Severity::error, {"/etc/p.policy", 0}, "Cannot read"}),
            "/etc/p.policy: error: Cannot read");
  EXPECT_EQ(format_diagnostic({Severity::warning, {"", 2}, "odd"}), "<input>:2: warning: odd");
  EXPECT_EQ(format_diagnostic({Severity::warning, {}, "odd"}), "<input>: warning: odd");
}

TEST(Diagnostics, KeepsOrderAndKnowsWhetherAnyIsAnError) {
  Diagnostics diags;
  EXPECT_FALSE(diags.has_errors());
  EXPECT_TRUE(diags.items().empty());
  diags.warn({"a", 1}, "first");
  EXPECT_FALSE(diags.has_errors()) << "warnings are not errors";
  diags.error({"a", 2}, "second");
  diags.warn({"a", 3}, "third");
  EXPECT_TRUE(diags.has_errors());
  ASSERT_EQ(diags.items().size(), 3u);
  EXPECT_EQ(diags.items()[0].message, "first");
  EXPECT_EQ(diags.items()[1].severity, Severity::error);
  EXPECT_EQ(diags.items()[1].where.line, 2u);
  EXPECT_EQ(diags.items()[2].message, "third");
}

TEST(Diagnostics, AppendAddsTheOthersAfterOurs) {
  Diagnostics ours, theirs;
  ours.warn({"a", 1}, "ours");
  theirs.error({"b", 2}, "theirs");
  ours.append(theirs);
  ASSERT_EQ(ours.items().size(), 2u);
  EXPECT_EQ(format_diagnostic(ours.items()[1]), "b:2: error: theirs");
  EXPECT_TRUE(ours.has_errors());
  EXPECT_EQ(theirs.items().size(), 1u) << "the source is left as it was";
}

}  // namespace
}  // namespace vermilion
