#include "credence/crypto/memory.h"

#include <gtest/gtest.h>

namespace credence::crypto {
namespace {

TEST(Memory, ConstantTimeEqual) {
  const Bytes a = {1, 2, 3}, b = {1, 2, 3}, c = {1, 2, 4}, d = {1, 2};
  EXPECT_TRUE(constant_time_equal(a, b));
  EXPECT_FALSE(constant_time_equal(a, c));
  EXPECT_FALSE(constant_time_equal(a, d));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

TEST(Memory, SecureWipeZeroes) {
  Bytes a = {9, 9, 9, 9};
  secure_wipe(a);
  EXPECT_EQ(a, Bytes(4, 0));
}

TEST(Memory, SecretIsWipedWhenMovedFrom) {
  FixedBytes<4> raw = {1, 2, 3, 4};
  Secret<4> s(raw);
  Secret<4> t(std::move(s));
  EXPECT_EQ(FixedBytes<4>({1, 2, 3, 4}), FixedBytes<4>({t.view()[0], t.view()[1], t.view()[2], t.view()[3]}));
  // The moved-from secret holds zeros, not a second copy of the key.
  for (auto byte : s.view()) EXPECT_EQ(byte, 0);  // NOLINT(bugprone-use-after-move): checking the wipe
}

}  // namespace
}  // namespace credence::crypto
