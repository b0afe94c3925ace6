#include "common/unit_name.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

TEST(UnitName, NormalizeAddsSuffix) {
  EXPECT_EQ(normalize_service_name("web"), "web.service");
  EXPECT_EQ(normalize_service_name("web.service"), "web.service");
  EXPECT_EQ(normalize_service_name("getty@tty1"), "getty@tty1.service");
  EXPECT_FALSE(normalize_service_name(""));
  EXPECT_FALSE(normalize_service_name("a b"));
  EXPECT_FALSE(normalize_service_name("app.target")) << "a target, not app.target.service";
  EXPECT_FALSE(normalize_service_name("web-1.socket"));
  EXPECT_EQ(normalize_service_name("my.app"), "my.app.service") << "no unit type suffix";
  EXPECT_EQ(normalize_unit_name("app.target"), "app.target");
  EXPECT_EQ(normalize_unit_name("web"), "web.service");
  EXPECT_FALSE(normalize_service_name("../etc/passwd"));
  EXPECT_FALSE(normalize_service_name(std::string(300, 'a')));
}

TEST(UnitName, SplitsTemplatesAndInstances) {
  auto plain = split_service_name("web.service");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->prefix, "web");
  EXPECT_TRUE(plain->instance.empty());
  EXPECT_FALSE(plain->is_template);

  auto tmpl = split_service_name("getty@.service");
  ASSERT_TRUE(tmpl);
  EXPECT_TRUE(tmpl->is_template);

  auto inst = split_service_name("getty@tty1.service");
  ASSERT_TRUE(inst);
  EXPECT_EQ(inst->prefix, "getty");
  EXPECT_EQ(inst->instance, "tty1");
  EXPECT_EQ(template_of("getty@tty1.service"), "getty@.service");
  EXPECT_FALSE(template_of("web.service"));
  EXPECT_FALSE(split_service_name("@x.service"));
  EXPECT_FALSE(split_service_name("web.socket"));
}

TEST(UnitName, BusLabelEscapeMatchesSystemd) {
  EXPECT_EQ(bus_label_escape("web.service"), "web_2eservice");
  EXPECT_EQ(bus_label_escape("getty@tty1.service"), "getty_40tty1_2eservice");
  EXPECT_EQ(bus_label_escape(""), "_");
}

TEST(UnitName, BusLabelUnescapeInvertsEscape) {
  for (std::string name : {"web.service", "getty@tty1.service", "", "a-b_c:d\\x2d.service", "\xff\x01"})
    EXPECT_EQ(bus_label_unescape(bus_label_escape(name)), name) << name;
  EXPECT_EQ(bus_label_unescape("web_2Eservice"), "web.service");
  EXPECT_EQ(bus_label_unescape("_"), "");
  EXPECT_EQ(bus_label_unescape(""), "");
  EXPECT_EQ(bus_label_unescape("web_2"), std::nullopt);
  EXPECT_EQ(bus_label_unescape("web_"), std::nullopt);
  EXPECT_EQ(bus_label_unescape("web_zz"), std::nullopt);
  EXPECT_EQ(bus_label_unescape("web.service"), std::nullopt);
}

TEST(UnitName, UnescapesInstances) {
  EXPECT_EQ(unescape_instance("dev-sda1"), "dev/sda1");
  EXPECT_EQ(unescape_instance("a\\x2db"), "a-b");
  // systemd's unit_name_unescape refuses a backslash that does not start "\\xNN".
  EXPECT_EQ(unescape_instance("trailing\\x2"), std::nullopt);
  EXPECT_EQ(unescape_instance("a\\b"), std::nullopt);
  EXPECT_EQ(unescape_instance("a\\xzz"), std::nullopt);
  EXPECT_EQ(unescape_instance(""), "");
}

// systemd 252 src/test/test-unit-name.c, test_unit_name_path_unescape.
TEST(UnitName, UnescapePathAsSystemd) {
  EXPECT_EQ(unescape_path("foo"), "/foo");
  EXPECT_EQ(unescape_path("foo-bar"), "/foo/bar");
  EXPECT_EQ(unescape_path("foo-.bar"), "/foo/.bar");
  EXPECT_EQ(unescape_path("foo-bar-baz"), "/foo/bar/baz");
  EXPECT_EQ(unescape_path("-"), "/");
  EXPECT_EQ(unescape_path("x-y\\x2dz"), "/x/y-z");
  for (const char* bad : {"--", "-foo-bar", "foo--bar", "foo-bar-", ".-bar", "foo-..", "", "a\\q"})
    EXPECT_EQ(unescape_path(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

TEST(UnitNameTest, AnyUnitTypeSystemdKnows) {
  for (const char* ok : {"multi-user.target", "getty@tty1.service", "x@.target", "dbus.socket", "-.mount",
                         "sys-kernel.device", "a.timer", "b.path", "c.slice", "d.scope", "e.swap", "f.automount"})
    EXPECT_TRUE(is_valid_unit_name(ok)) << ok;
  for (const char* bad : {"multi-user", "a.nope", ".target", "a b.target", "@x.service", "a.target/",
                          "a%.target"})
    EXPECT_FALSE(is_valid_unit_name(bad)) << bad;
  EXPECT_TRUE(is_valid_unit_name(std::string(249, 'a') + ".scope")) << "255 bytes";
  EXPECT_FALSE(is_valid_unit_name(std::string(250, 'a') + ".scope")) << "256 bytes";
  EXPECT_EQ(unit_type_of("a.b.target"), "target");
  EXPECT_EQ(unit_type_of("none"), "");
}

}  // namespace
}  // namespace vermilion

namespace vermilion {
namespace {

// systemd 252 src/test/test-unit-name.c, TEST(unit_name_is_valid): the
// UNIT_NAME_ANY vectors against is_valid_unit_name, and which of plain,
// instance and template each service name is, against
// split_supported_unit_name.
TEST(UnitNameSystemdVectors, IsValid) {
  for (const char* good : {"foo.service", "foo@bar.service", "foo@bar@bar.service", "foo@.service", ".test.service",
                           ".test@.service", "_strange::::.service", "user@1000.slice"})
    EXPECT_TRUE(is_valid_unit_name(good)) << good;
  for (const char* bad : {".service", "", "foo.waldo", "@.service", "@piep.service", "foo@%i.service",
                          "foo@%%i.service", "foo@%%i%f.service", "foo@%F.service", "foo.target.wants/plain.service",
                          "foo.target.conf/foo.conf", "foo.target.requires/plain.socket"})
    EXPECT_FALSE(is_valid_unit_name(bad)) << bad;

  struct Kind {
    const char* name;
    bool is_template;
    std::string instance;
  };
  for (const Kind& k : {Kind{"foo.service", false, ""}, Kind{"foo@bar.service", false, "bar"},
                        Kind{"foo@bar@bar.service", false, "bar@bar"}, Kind{"foo@.service", true, ""},
                        Kind{".test.service", false, ""}, Kind{".test@.service", true, ""}}) {
    auto parts = split_supported_unit_name(k.name);
    ASSERT_TRUE(parts) << k.name;
    EXPECT_EQ(parts->is_template, k.is_template) << k.name;
    EXPECT_EQ(parts->instance, k.instance) << k.name;
  }
}

// TEST(unit_name_template) of the same file: an instance's template; a
// plain name has none (the instance with an '@' is ours).
TEST(UnitNameSystemdVectors, Template) {
  EXPECT_EQ(template_of("foo@bar.service"), "foo@.service");
  EXPECT_EQ(template_of("foo@bar@bar.service"), "foo@.service");
  EXPECT_EQ(template_of("foo.service"), std::nullopt);
}

// TEST(unit_name_from_dbus_path) of the same file: the last path element
// is the bus label of the unit's name.
TEST(UnitNameSystemdVectors, FromDbusPath) {
  for (auto [label, name] : {std::pair{"getty_40tty1_2eservice", "getty@tty1.service"},
                             {"lm_5fsensors_2eservice", "lm_sensors.service"},
                             {"multi_2duser_2etarget", "multi-user.target"},
                             {"sshd_2dkeygen_40ed25519_2eservice", "sshd-keygen@ed25519.service"},
                             {"sys_2ddevices_2dpci0000_3a00_2d0000_3a00_3a1b_2e0_2dsound_2dcard0_2edevice",
                              "sys-devices-pci0000:00-0000:00:1b.0-sound-card0.device"}}) {
    EXPECT_EQ(bus_label_unescape(label), name) << label;
    EXPECT_EQ(bus_label_escape(name), label) << name;
  }
}

}  // namespace
}  // namespace vermilion
