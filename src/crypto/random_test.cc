#include "credence/crypto/random.h"

#include <gtest/gtest.h>

namespace credence::crypto {
namespace {

TEST(Random, DeterministicStreamReplaysFromItsSeed) {
  DeterministicRandom a(1234), b(1234), c(1235);
  const auto x = a.bytes<100>();
  EXPECT_EQ(x, b.bytes<100>());
  EXPECT_NE(x, c.bytes<100>());
  // Successive calls continue the stream rather than repeating it.
  EXPECT_NE(a.bytes<100>(), x);
}

TEST(Random, SystemRandomIsNotConstant) {
  SystemRandom r;
  EXPECT_NE(r.bytes<32>(), r.bytes<32>());
}

TEST(Random, EmptyFillIsANoOp) {
  DeterministicRandom a(1), b(1);
  a.fill({});
  EXPECT_EQ(a.bytes<16>(), b.bytes<16>());
}

}  // namespace
}  // namespace credence::crypto
