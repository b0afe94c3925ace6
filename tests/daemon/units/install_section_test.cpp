#include "units/install_section.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

InstallSection parse(const std::string& name, const std::string& text, Diagnostics& diags) {
  return parse_install_section(name, text, "/u/" + name, diags);
}

TEST(InstallSectionTest, ReadsOnlyTheInstallSection) {
  Diagnostics diags;
  InstallSection s = parse("web.service",
                           "[Service]\nWantedBy=nope.target\nExecStart=/bin/true\n"
                           "[Install]\nWantedBy=multi-user.target  graphical.target\nRequiredBy=a.service\n"
                           "Alias=www.service\nAlso=db.service\nDefaultInstance=x\nUnknown=1\n",
                           diags);
  EXPECT_EQ(s.wanted_by, (std::vector<std::string>{"multi-user.target", "graphical.target"}));
  EXPECT_EQ(s.required_by, std::vector<std::string>{"a.service"});
  EXPECT_EQ(s.alias, std::vector<std::string>{"www.service"});
  EXPECT_EQ(s.also, std::vector<std::string>{"db.service"});
  EXPECT_EQ(s.default_instance, "x");
  EXPECT_TRUE(s.has_rules());
  EXPECT_TRUE(diags.items().empty());
}

TEST(InstallSectionTest, EmptyAssignmentResetsAndStaticHasNoRules) {
  Diagnostics diags;
  InstallSection s = parse("a.service", "[Install]\nWantedBy=x.target\nWantedBy=\nAlso=b.service\n", diags);
  EXPECT_TRUE(s.wanted_by.empty());
  EXPECT_FALSE(s.has_rules()) << "Also= alone makes a unit indirect, not enabled";
}

// install.c's install_name_printf: the name specifiers are expanded.
TEST(InstallSectionTest, ExpandsNameSpecifiers) {
  Diagnostics diags;
  InstallSection s = parse("getty-web@tty1.service",
                           "[Install]\nWantedBy=%p.target %N.target %i.target %j.target 100%%.target\n"
                           "Alias=%n\n",
                           diags);
  EXPECT_EQ(s.wanted_by, (std::vector<std::string>{"getty-web.target", "getty-web@tty1.target", "tty1.target",
                                                   "web.target"}))
      << "100%.target is not a valid name: skipped";
  EXPECT_EQ(s.alias, std::vector<std::string>{"getty-web@tty1.service"});
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]),
            "/u/getty-web@tty1.service:2: warning: WantedBy=: invalid unit name \"100%.target\", ignoring");
}

TEST(InstallSectionTest, BadValuesAreReportedWithTheirPlace) {
  Diagnostics diags;
  InstallSection s = parse("a.service", "[Install]\nWantedBy=%H.target\nAlias=a.socket b.service\n", diags);
  EXPECT_TRUE(s.wanted_by.empty());
  EXPECT_EQ(s.alias, std::vector<std::string>{"b.service"});
  ASSERT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(format_diagnostic(diags.items()[0]),
            "/u/a.service:2: error: WantedBy=: specifier %H is not supported in [Install] by Vermilion, ignoring "
            "\"%H.target\"");
  EXPECT_EQ(format_diagnostic(diags.items()[1]),
            "/u/a.service:3: warning: Alias=: \"a.socket\" is not of the same type as a.service, ignoring");
}

}  // namespace
}  // namespace vermilion
