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

// systemd 252 warns and goes on (checked with `systemd --test`).
TEST(UnitFileSyntax, MissingEqualsIsAWarningWithLine) {
  Diagnostics diags;
  auto syntax = parse("[Service]\nExecStart /bin/a\n", diags);
  EXPECT_TRUE(syntax.assignments.empty());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]), "u.service:2: warning: Missing '=', ignoring line.");
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

TEST(UnitFileSyntax, EmptyKeyIsAWarning) {
  Diagnostics diags;
  auto syntax = parse("[Service]\n = x\n", diags);
  EXPECT_TRUE(syntax.assignments.empty());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]), "u.service:2: warning: Missing key name before '=', ignoring line.");
}

// systemd 252 refuses a file with a line that is not UTF-8, comments aside
// (load state "error"); the message shows the line with escapes.
TEST(UnitFileSyntax, InvalidUtf8IsAnError) {
  Diagnostics diags;
  auto syntax = parse("[Unit]\n#x\xff\nDescription=x\n[Service]\nEnvironment=G=\xff\xfe H=ok\n", diags);
  ASSERT_EQ(syntax.assignments.size(), 1u);
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]),
            "u.service:5: error: String is not UTF-8 clean, ignoring assignment: Environment=G=\\xff\\xfe H=ok");
}

// systemd's LONG_LINE_MAX: a line of 1 MiB - 1 bytes loads, one of 1 MiB
// does not; a continued line may be 1 MiB once joined (each checked with
// `systemd --test`).
TEST(UnitFileSyntax, LinesUpTo1MiB) {
  constexpr std::size_t kMiB = 1024 * 1024;
  auto line = [](std::size_t length) { return "Description=" + std::string(length - 12, 'x'); };
  Diagnostics ok;
  auto syntax = parse("[Unit]\n" + line(kMiB - 1) + "\n", ok);
  EXPECT_FALSE(ok.has_errors());
  ASSERT_EQ(syntax.assignments.size(), 1u);
  EXPECT_EQ(syntax.assignments[0].value.size(), kMiB - 1 - 12);

  Diagnostics too_long;
  syntax = parse("[Unit]\n" + line(kMiB) + "\nAfter=x.service\n", too_long);
  EXPECT_TRUE(too_long.has_errors());
  ASSERT_EQ(syntax.assignments.size(), 1u);  // the rest of the file is still read
  EXPECT_EQ(too_long.items()[0].where.line, 2u);

  // Joined: "Description=" + 500000 + ' ' + rest, at most 1 MiB.
  auto continued = [](std::size_t total) {
    std::string first = "Description=" + std::string(500000, 'y');
    return first + "\\\n" + std::string(total - first.size() - 1, 'z') + "\n";
  };
  Diagnostics joined_ok;
  syntax = parse("[Unit]\n" + continued(kMiB), joined_ok);
  EXPECT_FALSE(joined_ok.has_errors());
  EXPECT_EQ(syntax.assignments.size(), 1u);
  Diagnostics joined_too_long;
  syntax = parse("[Unit]\n" + continued(kMiB + 1), joined_too_long);
  EXPECT_TRUE(joined_too_long.has_errors());
  EXPECT_TRUE(syntax.assignments.empty());
}

}  // namespace
}  // namespace vermilion
