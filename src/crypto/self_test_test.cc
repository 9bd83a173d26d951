#include "credence/crypto/self_test.h"

#include <gtest/gtest.h>

namespace credence::crypto {
namespace {

// The installed libsodium / Crypto++ / libsecp256k1 pass the start-up self-test (a Debian 12 libsodium without
// the CVE-2025-69277 fix fails here, loudly, before any test that depends on point validation).
TEST(SelfTest, InstalledLibrariesPass) {
  const Status s = initialize();
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_TRUE(run_self_test().is_ok());
}

}  // namespace
}  // namespace credence::crypto
