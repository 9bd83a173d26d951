// U256: boundary cases at 0 and 2^256-1, text forms, and properties checked against unsigned __int128 (values below
// 2^128) and against algebraic identities (full width).
#include "credence/codec/u256.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <ostream>
#include <string>

namespace credence::codec {

// Readable failures from gtest and rapidcheck.
std::ostream& operator<<(std::ostream& os, const U256& v) { return os << v.to_hex(); }

namespace {

__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using): __extension__ needs typedef

constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
const char* const kMaxDecimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

U256 from_u128(u128 v) {
  return U256::from_limbs({static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(v >> 64), 0, 0});
}

u128 to_u128(const U256& v) { return (u128{v.limbs()[1]} << 64) | v.limbs()[0]; }

// A limb biased towards the edges (0, 1, all ones) where carries and borrows go wrong.
std::uint64_t gen_limb() {
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return kAllOnes;
    case 3:
      return kAllOnes - *rc::gen::inRange<std::uint64_t>(0, 1000);
    default:
      return *rc::gen::arbitrary<std::uint64_t>();
  }
}

U256 gen_u128_value() { return U256::from_limbs({gen_limb(), gen_limb(), 0, 0}); }
U256 gen_u256() {
  // Sometimes narrow the value so that divisions see short divisors too.
  const int width = *rc::gen::inRange(1, 5);
  U256::Limbs l{};
  for (int i = 0; i < width; ++i) l[static_cast<std::size_t>(i)] = gen_limb();
  return U256::from_limbs(l);
}

// ---------------------------------------------------------------------------------------------------------------
// Boundaries

TEST(U256, ConstantsAndBytes) {
  EXPECT_TRUE(U256().is_zero());
  EXPECT_EQ(U256::max().bit_length(), 256U);
  EXPECT_EQ(U256().bit_length(), 0U);
  EXPECT_EQ(U256::from_u64(1).bit_length(), 1U);
  EXPECT_EQ(U256::power_of_two(255).bit_length(), 256U);
  EXPECT_TRUE(U256::power_of_two(200).bit(200));
  EXPECT_FALSE(U256::power_of_two(200).bit(199));
  EXPECT_FALSE(U256::max().bit(256));

  FixedBytes<32> be{};
  be[31] = 0x01;
  be[0] = 0x80;
  const U256 v = U256::from_be_bytes(be);
  EXPECT_EQ(v, U256::power_of_two(255) | U256::from_u64(1));
  EXPECT_EQ(v.to_be_bytes(), be);

  FixedBytes<32> all{};
  all.fill(0xff);
  EXPECT_EQ(U256::from_be_bytes(all), U256::max());
  EXPECT_EQ(U256::max().to_be_bytes(), all);
}

TEST(U256, CheckedArithmeticAtTheTop) {
  const U256 one = U256::from_u64(1);
  EXPECT_EQ(checked_add(U256::max(), one).status().code(), "overflow");
  EXPECT_EQ(*checked_add(U256::max(), U256()), U256::max());
  EXPECT_EQ(checked_sub(U256(), one).status().code(), "underflow");
  EXPECT_EQ(*checked_sub(U256::max(), U256::max()), U256());
  EXPECT_EQ(*checked_mul(U256::max(), one), U256::max());
  EXPECT_EQ(checked_mul(U256::max(), U256::from_u64(2)).status().code(), "overflow");
  EXPECT_EQ(checked_mul(U256::power_of_two(128), U256::power_of_two(128)).status().code(), "overflow");
  EXPECT_EQ(*checked_mul(U256::power_of_two(127), U256::power_of_two(128)), U256::power_of_two(255));
  // A carry out of the top limb with every partial product individually in range.
  EXPECT_EQ(checked_mul(U256::from_limbs({0, 0, 0, kAllOnes}), U256::from_u64(2)).status().code(), "overflow");

  EXPECT_EQ(*checked_div(U256::max(), U256::max()), one);
  EXPECT_EQ(*checked_div(U256::max(), one), U256::max());
  EXPECT_EQ(*checked_mod(U256::max(), std::uint64_t{2}), 1U);
  EXPECT_EQ(*checked_div(U256::max(), U256::power_of_two(255)), one);
  EXPECT_EQ(*checked_mod(U256::max(), U256::power_of_two(255)), wrapping_sub(U256::power_of_two(255), one));
  EXPECT_EQ(checked_div(one, U256()).status().code(), "division_by_zero");
  EXPECT_EQ(checked_mod(one, U256()).status().code(), "division_by_zero");
  EXPECT_EQ(checked_div(one, std::uint64_t{0}).status().code(), "division_by_zero");
  EXPECT_EQ(checked_mod(one, std::uint64_t{0}).status().code(), "division_by_zero");
}

TEST(U256, MulDivUsesA512BitIntermediate) {
  const U256 max = U256::max();
  EXPECT_EQ(*mul_div(max, max, max), max);
  EXPECT_EQ(*mul_div(max, U256::from_u64(7), U256::from_u64(7)), max);
  EXPECT_EQ(*mul_div(max, max, U256::max()), max);
  EXPECT_EQ(mul_div(max, max, U256::from_u64(1)).status().code(), "overflow");
  EXPECT_EQ(mul_div(U256::power_of_two(255), U256::from_u64(4), U256::from_u64(2)).status().code(), "overflow");
  EXPECT_EQ(*mul_div(U256::power_of_two(255), U256::from_u64(4), U256::from_u64(4)), U256::power_of_two(255));
  EXPECT_EQ(mul_div(max, max, U256()).status().code(), "division_by_zero");
  // Vesting-shaped: floor(1e30 * 1 / 3).
  auto amount = U256::parse_decimal("1000000000000000000000000000000");
  ASSERT_TRUE(amount.ok());
  EXPECT_EQ(mul_div(*amount, U256::from_u64(1), U256::from_u64(3))->to_decimal(), "333333333333333333333333333333");
  // (2^256-1)^2 / (2^256-2) = 2^256 exactly plus a remainder: does not fit.
  EXPECT_EQ(mul_div(max, max, wrapping_sub(max, U256::from_u64(1))).status().code(), "overflow");
}

// ---------------------------------------------------------------------------------------------------------------
// Text forms

TEST(U256, Decimal) {
  EXPECT_EQ(U256::max().to_decimal(), kMaxDecimal);
  EXPECT_EQ(*U256::parse_decimal(kMaxDecimal), U256::max());
  EXPECT_EQ(U256().to_decimal(), "0");
  EXPECT_EQ(U256::from_u64(10'000'000'000'000'000'000ULL).to_decimal(), "10000000000000000000");
  EXPECT_EQ(U256::from_u64(kAllOnes).to_decimal(), "18446744073709551615");
  EXPECT_EQ(*U256::parse_decimal("0"), U256());
  EXPECT_EQ(*U256::parse_decimal("007"), U256::from_u64(7));  // leading zeros: accepted, documented
  EXPECT_EQ(U256::parse_decimal("115792089237316195423570985008687907853269984665640564039457584007913129639936")
                .status()
                .code(),
            "overflow");
  EXPECT_EQ(U256::parse_decimal(std::string(200, '9')).status().code(), "overflow");
  EXPECT_EQ(*U256::parse_decimal(std::string(300, '0') + "1"), U256::from_u64(1));
  for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1a", "0x10", "1_000", "１"}) {
    EXPECT_EQ(U256::parse_decimal(bad).status().code(), "bad_number") << bad;
  }
}

TEST(U256, Hex) {
  EXPECT_EQ(U256::max().to_hex(), "0x" + std::string(64, 'f'));
  EXPECT_EQ(U256().to_hex(), "0x0");
  EXPECT_EQ(U256::from_u64(0x123).to_hex(), "0x123");
  EXPECT_EQ(*U256::parse_hex("0x" + std::string(64, 'F')), U256::max());
  EXPECT_EQ(*U256::parse_hex("0X00000000000000000000000000000000000000000000000000000000000000000001"),
            U256::from_u64(1));
  EXPECT_EQ(U256::parse_hex("0x1" + std::string(64, '0')).status().code(), "overflow");
  EXPECT_EQ(*U256::parse_hex("0xDeadBeef"), U256::from_u64(0xdeadbeef));
  for (const char* bad : {"", "0x", "0", "123", "0xg", "0x 1", "x12", "0x-1"}) {
    EXPECT_EQ(U256::parse_hex(bad).status().code(), "bad_number") << bad;
  }
  EXPECT_EQ(*U256::parse("0x10"), U256::from_u64(16));
  EXPECT_EQ(*U256::parse("10"), U256::from_u64(10));
}

TEST(U256, ShiftsAndBitwise) {
  const U256 one = U256::from_u64(1);
  EXPECT_EQ(one << 255, U256::power_of_two(255));
  EXPECT_EQ((one << 255) >> 255, one);
  EXPECT_EQ(one << 256, U256());
  EXPECT_EQ(U256::max() >> 256, U256());
  EXPECT_EQ(U256::max() >> 192, U256::from_u64(kAllOnes));
  EXPECT_EQ(U256::max() << 64, U256::from_limbs({0, kAllOnes, kAllOnes, kAllOnes}));
  EXPECT_EQ(~U256(), U256::max());
  EXPECT_EQ(U256::max() ^ U256::max(), U256());
  EXPECT_EQ(U256::from_u64(1).wrapping_neg(), U256::max());
  EXPECT_EQ(U256().wrapping_neg(), U256());
  EXPECT_EQ(wrapping_add(U256::max(), one), U256());
  EXPECT_EQ(wrapping_sub(U256(), one), U256::max());
}

TEST(U256, Ordering) {
  EXPECT_LT(U256::from_u64(1), U256::power_of_two(64));
  EXPECT_LT(U256::from_limbs({kAllOnes, kAllOnes, kAllOnes, 0}), U256::power_of_two(192));
  EXPECT_GT(U256::max(), U256::power_of_two(255));
  EXPECT_EQ(U256::from_u64(5), U256::from_u64(5));
  static_assert(U256::from_u64(3) < U256::from_u64(4));
  static_assert(U256::max().bit(255));
}

// ---------------------------------------------------------------------------------------------------------------
// Properties against unsigned __int128 (values < 2^128)

RC_GTEST_PROP(U256Props, AddSubMatchU128, ()) {
  const U256 a = gen_u128_value();
  const U256 b = gen_u128_value();
  const u128 x = to_u128(a);
  const u128 y = to_u128(b);
  const auto sum = checked_add(a, b);
  RC_ASSERT(sum.ok());  // two values below 2^128 never overflow 256 bits
  const u128 low = x + y;
  const bool carry = low < x;
  RC_ASSERT(to_u128(*sum) == low);
  RC_ASSERT(sum->limbs()[2] == (carry ? 1U : 0U));
  const auto diff = checked_sub(a, b);
  if (x >= y) {
    RC_ASSERT(diff.ok());
    RC_ASSERT(*diff == from_u128(x - y));
  } else {
    RC_ASSERT(diff.status().code() == "underflow");
  }
}

RC_GTEST_PROP(U256Props, MulMatchesU128, ()) {
  const std::uint64_t x = gen_limb();
  const std::uint64_t y = gen_limb();
  const auto p = checked_mul(U256::from_u64(x), U256::from_u64(y));
  RC_ASSERT(p.ok());
  RC_ASSERT(*p == from_u128(u128{x} * y));
}

RC_GTEST_PROP(U256Props, DivModMatchU128, ()) {
  const U256 a = gen_u128_value();
  const U256 b = gen_u128_value();
  const u128 x = to_u128(a);
  const u128 y = to_u128(b);
  if (y == 0) {
    RC_ASSERT(checked_div(a, b).status().code() == "division_by_zero");
    return;
  }
  RC_ASSERT(*checked_div(a, b) == from_u128(x / y));
  RC_ASSERT(*checked_mod(a, b) == from_u128(x % y));
  const std::uint64_t d = b.low_u64();
  if (d != 0) {
    RC_ASSERT(*checked_div(a, d) == from_u128(x / d));
    RC_ASSERT(*checked_mod(a, d) == static_cast<std::uint64_t>(x % d));
  }
}

RC_GTEST_PROP(U256Props, MulDivMatchesU128, ()) {
  const std::uint64_t x = gen_limb();
  const std::uint64_t y = gen_limb();
  const U256 c = gen_u128_value();
  const u128 z = to_u128(c);
  const auto r = mul_div(U256::from_u64(x), U256::from_u64(y), c);
  if (z == 0) {
    RC_ASSERT(r.status().code() == "division_by_zero");
    return;
  }
  RC_ASSERT(r.ok());
  RC_ASSERT(*r == from_u128(u128{x} * y / z));
}

RC_GTEST_PROP(U256Props, TextMatchesU128, ()) {
  const U256 a = gen_u128_value();
  u128 x = to_u128(a);
  std::string expected;
  do {
    expected.insert(expected.begin(), static_cast<char>('0' + static_cast<int>(x % 10)));
    x /= 10;
  } while (x != 0);
  RC_ASSERT(a.to_decimal() == expected);
}

// ---------------------------------------------------------------------------------------------------------------
// Full-width identities

RC_GTEST_PROP(U256Props, DivModIdentity, ()) {
  const U256 a = gen_u256();
  const U256 b = gen_u256();
  RC_PRE(!b.is_zero());
  const auto qr = checked_div_mod(a, b);
  RC_ASSERT(qr.ok());
  RC_ASSERT(qr->remainder < b);
  const auto qb = checked_mul(qr->quotient, b);
  RC_ASSERT(qb.ok());
  const auto back = checked_add(*qb, qr->remainder);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == a);
}

RC_GTEST_PROP(U256Props, AddSubInverse, ()) {
  const U256 a = gen_u256();
  const U256 b = gen_u256();
  const auto sum = checked_add(a, b);
  if (sum.ok()) {
    RC_ASSERT(*checked_sub(*sum, b) == a);
    RC_ASSERT(*sum >= a);
  } else {
    RC_ASSERT(sum.status().code() == "overflow");
    RC_ASSERT(wrapping_add(a, b) < a);
  }
  RC_ASSERT(wrapping_add(wrapping_sub(a, b), b) == a);
  RC_ASSERT(wrapping_add(a, a.wrapping_neg()).is_zero());
}

RC_GTEST_PROP(U256Props, MulOverflowIsExact, ()) {
  const U256 a = gen_u256();
  const U256 b = gen_u256();
  const auto p = checked_mul(a, b);
  if (p.ok()) {
    if (!a.is_zero()) RC_ASSERT(*checked_div(*p, a) == b);
    RC_ASSERT(*mul_div(a, b, U256::from_u64(1)) == *p);
  } else {
    // Overflow exactly when a*b >= 2^256, i.e. when a > floor((2^256-1)/b).
    RC_ASSERT(!b.is_zero());
    RC_ASSERT(a > *checked_div(U256::max(), b));
    RC_ASSERT(mul_div(a, b, U256::from_u64(1)).status().code() == "overflow");
  }
}

RC_GTEST_PROP(U256Props, MulDivFullWidth, ()) {
  const U256 a = gen_u256();
  const U256 b = gen_u256();
  RC_PRE(!b.is_zero());
  // a*b/b == a and a*b/a == b even when a*b needs 512 bits.
  RC_ASSERT(*mul_div(a, b, b) == a);
  if (!a.is_zero()) RC_ASSERT(*mul_div(a, b, a) == b);
  // floor(a*b/c) with c > a gives a result < b; check the defining inequality q*c <= a*b < (q+1)*c through
  // q == floor(b * a / c) computed the other way round.
  const U256 c = gen_u256();
  RC_PRE(!c.is_zero());
  const auto q1 = mul_div(a, b, c);
  const auto q2 = mul_div(b, a, c);
  RC_ASSERT(q1.ok() == q2.ok());
  if (q1.ok()) RC_ASSERT(*q1 == *q2);
}

RC_GTEST_PROP(U256Props, TextRoundTrips, ()) {
  const U256 a = gen_u256();
  RC_ASSERT(*U256::parse_decimal(a.to_decimal()) == a);
  RC_ASSERT(*U256::parse_hex(a.to_hex()) == a);
  RC_ASSERT(*U256::parse(a.to_hex()) == a);
  RC_ASSERT(U256::from_be_bytes(a.to_be_bytes()) == a);
}

RC_GTEST_PROP(U256Props, ShiftsAreMultiplication, ()) {
  const U256 a = gen_u256();
  const auto s = static_cast<unsigned>(*rc::gen::inRange(0, 256));
  const U256 p = U256::power_of_two(s);
  RC_ASSERT((a >> s) == *checked_div(a, p));
  const auto m = checked_mul(a, p);
  if (m.ok()) RC_ASSERT((a << s) == *m);
  RC_ASSERT(((a << s) >> s) == (a & (U256::max() >> s)));
}

}  // namespace
}  // namespace credence::codec
