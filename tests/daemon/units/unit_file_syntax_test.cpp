#include "units/unit_file_syntax.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

UnitFileSyntax parse(std::string_view text, Diagnostics& diags) {
  return parse_unit_file_syntax(text, "u.service", diags);
}

TEST(UnitFileSyntax, SectionsKeysAndLineNumbers) {
  Diagnostics diags;
  auto syntax = parse("# comment\n[Unit]\n  Description = A web server  \n\n[Service]\nExecStart=/bin/web\n", diags);
  EXPECT_TRUE(diags.items().empty());
  ASSERT_EQ(syntax.sections.size(), 2u);
  EXPECT_EQ(syntax.sections[0].name, "Unit");
  EXPECT_EQ(syntax.sections[1].line, 5u);
  ASSERT_EQ(syntax.assignments.size(), 2u);
  EXPECT_EQ(syntax.assignments[0].section, "Unit");
  EXPECT_EQ(syntax.assignments[0].key, "Description");
  EXPECT_EQ(syntax.assignments[0].value, "A web server");
  EXPECT_EQ(syntax.assignments[0].line, 3u);
  EXPECT_EQ(syntax.assignments[1].section, "Service");
  EXPECT_EQ(syntax.assignments[1].line, 6u);
}

TEST(UnitFileSyntax, SemicolonCommentsAndEmptyValues) {
  Diagnostics diags;
  auto syntax = parse("[Service]\n; a comment\nExecStart=\nEnvironment=A=b=c\n", diags);
  ASSERT_EQ(syntax.assignments.size(), 2u);
  EXPECT_EQ(syntax.assignments[0].value, "");
  EXPECT_EQ(syntax.assignments[1].value, "A=b=c");  // only the first '=' splits
}

TEST(UnitFileSyntax, ContinuationJoinsWithSpaceAndSkipsComments) {
  Diagnostics diags;
  auto syntax = parse("[Service]\nExecStart=/bin/a \\\n# skipped\n  --flag \\\n; skipped too\n  --other\nUser=x\n", diags);
  EXPECT_TRUE(diags.items().empty());
  ASSERT_EQ(syntax.assignments.size(), 2u);
  EXPECT_EQ(syntax.assignments[0].value, "/bin/a    --flag    --other");
  EXPECT_EQ(syntax.assignments[0].line, 2u);
  EXPECT_EQ(syntax.assignments[1].line, 7u);
}

TEST(UnitFileSyntax, DoubleBackslashIsNotAContinuation) {
  Diagnostics diags;
  auto syntax = parse("[Service]\nA=x\\\\\nB=y\n", diags);
  ASSERT_EQ(syntax.assignments.size(), 2u);
  EXPECT_EQ(syntax.assignments[0].value, "x\\\\");
}

TEST(UnitFileSyntax, ContinuationAtEndOfFile) {
  Diagnostics diags;
  auto syntax = parse("[Service]\nA=x \\", diags);
  ASSERT_EQ(syntax.assignments.size(), 1u);
  EXPECT_EQ(syntax.assignments[0].value, "x");
}

TEST(UnitFileSyntax, CrLfLineEndings) {
  Diagnostics diags;
  auto syntax = parse("[Service]\r\nA=x\r\n", diags);
  ASSERT_EQ(syntax.assignments.size(), 1u);
  EXPECT_EQ(syntax.assignments[0].value, "x");
}

TEST(UnitFileSyntax, MissingEqualsIsAnErrorWithLine) {
  Diagnostics diags;
  auto syntax = parse("[Service]\nExecStart /bin/a\n", diags);
  EXPECT_TRUE(syntax.assignments.empty());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]), "u.service:2: error: Missing '=', ignoring line: ExecStart /bin/a");
}

TEST(UnitFileSyntax, AssignmentBeforeSectionWarns) {
  Diagnostics diags;
  auto syntax = parse("A=b\n[Unit]\n", diags);
  EXPECT_TRUE(syntax.assignments.empty());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].severity, Severity::warning);
  EXPECT_EQ(diags.items()[0].where.line, 1u);
}

TEST(UnitFileSyntax, InvalidSectionHeaderDropsItsKeys) {
  Diagnostics diags;
  auto syntax = parse("[Service\nA=b\n[Unit]\nC=d\n", diags);
  ASSERT_EQ(syntax.assignments.size(), 1u);
  EXPECT_EQ(syntax.assignments[0].key, "C");
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_TRUE(diags.has_errors());
}

TEST(UnitFileSyntax, EmptyKeyIsAnError) {
  Diagnostics diags;
  auto syntax = parse("[Service]\n=x\n", diags);
  EXPECT_TRUE(syntax.assignments.empty());
  EXPECT_TRUE(diags.has_errors());
}

}  // namespace
}  // namespace vermilion
