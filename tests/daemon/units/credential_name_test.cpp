#include "units/credential_name.h"

#include <gtest/gtest.h>

#include <string>

namespace vermilion {
namespace {

// systemd 252's credential_name_valid() on the same inputs.
TEST(CredentialName, AsSystemdValidatesIt) {
  for (const char* good : {"foo", "passwd.hashed-password.root", "a b", "x=y", ".hidden", "..."})
    EXPECT_TRUE(is_valid_credential_name(good)) << good;
  for (const char* bad : {"", ".", "..", "a/b", "/abs", "a:b", "tab\there", "del\x7f", "caf\xc3\xa9"})
    EXPECT_FALSE(is_valid_credential_name(bad)) << bad;
  EXPECT_TRUE(is_valid_credential_name(std::string(255, 'x')));
  EXPECT_FALSE(is_valid_credential_name(std::string(256, 'x')));
}

}  // namespace
}  // namespace vermilion
