#include "broker/listen_address.h"

#include <gtest/gtest.h>

namespace vermilion {
namespace {

using Family = ListenAddress::Family;

TEST(PolicyListenAddress, PortAlone) {
  auto r = parse_listen_address("8080");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->family, Family::any);
  EXPECT_EQ(r.value->port, 8080);
}

TEST(PolicyListenAddress, Ipv4AndIpv6) {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok()) << v4.error;
  EXPECT_EQ(v4.value->family, Family::ipv4);
  EXPECT_EQ(v4.value->host, "127.0.0.1");
  EXPECT_EQ(v4.value->port, 8080);
  auto v6 = parse_listen_address("[::1]:443");
  ASSERT_TRUE(v6.ok()) << v6.error;
  EXPECT_EQ(v6.value->family, Family::ipv6);
  EXPECT_EQ(v6.value->host, "::1");
  EXPECT_EQ(v6.value->port, 443);
}

TEST(PolicyListenAddress, UnixPathAndAbstract) {
  auto path = parse_listen_address("/run/web.sock");
  ASSERT_TRUE(path.ok()) << path.error;
  EXPECT_EQ(path.value->family, Family::unix_path);
  EXPECT_EQ(path.value->path, "/run/web.sock");
  auto abstract = parse_listen_address("@web");
  ASSERT_TRUE(abstract.ok()) << abstract.error;
  EXPECT_EQ(abstract.value->family, Family::unix_abstract);
  EXPECT_EQ(abstract.value->path, "web");
  EXPECT_TRUE(parse_listen_address("/" + std::string(106, 'a')).ok());
  EXPECT_FALSE(parse_listen_address("/" + std::string(107, 'a')).ok());
}

TEST(PolicyListenAddress, Rejects) {
  for (const char* bad : {"", "0", "65536", "99999999999", "http", "localhost:80", "::1:80", "[::1]80",
                          "[::1]:", "[127.0.0.1]:80", "1.2.3.4:0", "1.2.3.4:-1", ":80", "@", "/run/",
                          "/run/../etc/x", "[::1:80", "1.2.3.4:80x"}) {
    auto r = parse_listen_address(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_FALSE(r.error.empty()) << "'" << bad << "'";
  }
}

TEST(PolicyListenAddress, ErrorsSayWhy) {
  EXPECT_EQ(parse_listen_address("70000").error, "port must be 1-65535");
  EXPECT_EQ(parse_listen_address("localhost:80").error,
            "'localhost' is not a numeric IPv4 address (IPv6 needs [brackets])");
  EXPECT_EQ(parse_listen_address("[zz]:80").error, "'zz' is not a numeric IPv6 address");
}

}  // namespace
}  // namespace vermilion
