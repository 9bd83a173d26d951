// Tests of core/concentration.h: the published cases of tokenomics-decentralization (tests/vectors/core/
// concentration.json), exact edge values, and invariants under random balances (rapidcheck).
#include "credence/core/concentration.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "vectors.h"

namespace credence::core {
namespace {

using codec::U256;

std::vector<U256> parse_balances(const nlohmann::json& j) {
  std::vector<U256> out;
  EXPECT_TRUE(j.is_array());
  for (const auto& e : j) {
    auto v = U256::parse_decimal(e.get<std::string>());
    EXPECT_TRUE(v.ok()) << e.dump();
    out.push_back(v.ok() ? *v : U256());
  }
  return out;
}

// {"value": v, "decimals": d}: the computed value rounded to d places must be v.
void expect_rounded(const Result<double>& got, const nlohmann::json& spec, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_TRUE(spec.is_object() && spec.size() == 2 && spec.contains("value") && spec.contains("decimals"));
  const double value = spec.at("value").get<double>();
  const int decimals = spec.at("decimals").get<int>();
  EXPECT_NEAR(*got, value, 0.5 * std::pow(10.0, -decimals)) << "value " << *got;
}

TEST(Concentration, Vectors) {
  auto cases = test::load_vectors("core/concentration.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::vector<U256> balances = parse_balances(c.raw("balances"));
    if (c.has("error")) {
      const std::string reason = c.str("error");
      EXPECT_EQ(gini(balances).status().code(), reason);
      EXPECT_EQ(hhi(balances).status().code(), reason);
      EXPECT_EQ(hhi_points(balances).status().code(), reason);
      EXPECT_EQ(shannon_entropy(balances).status().code(), reason);
      EXPECT_EQ(top_k_share(balances, 1).status().code(), reason);
      EXPECT_EQ(nakamoto_coefficient(balances).status().code(), reason);
      continue;
    }
    expect_rounded(gini(balances), c.raw("gini"), "gini");
    expect_rounded(hhi_points(balances), c.raw("hhi_points"), "hhi_points");
    expect_rounded(shannon_entropy(balances), c.raw("entropy"), "entropy");
    expect_rounded(top_k_share(balances, 1), c.raw("max_power_ratio"), "max_power_ratio");
    for (const auto& tau : c.raw("tau")) {
      ASSERT_TRUE(tau.is_object() && tau.size() == 2);
      const auto& th = tau.at("threshold");
      const ShareThreshold threshold{th.at(0).get<std::uint64_t>(), th.at(1).get<std::uint64_t>()};
      auto got = nakamoto_coefficient(balances, threshold);
      ASSERT_TRUE(got.ok()) << got.status().to_string();
      EXPECT_EQ(*got, tau.at("count").get<std::size_t>()) << th.dump();
    }
  }
}

std::vector<U256> small(std::initializer_list<std::uint64_t> values) {
  std::vector<U256> out;
  for (auto v : values) out.push_back(U256::from_u64(v));
  return out;
}

TEST(Concentration, HhiOnBothScales) {
  // The published cases as fractions (hhi) and on the 0–10,000 scale (hhi_points): 14/36 and 170/81 / 100.
  EXPECT_NEAR(*hhi(small({3, 2, 1})), 0.3889, 0.00005);
  EXPECT_NEAR(*hhi(small({3, 2, 1})), 14.0 / 36.0, 1e-15);
  EXPECT_NEAR(*hhi_points(small({3, 2, 1})), 3888.89, 0.005);
  EXPECT_NEAR(*hhi(small({3, 2, 1, 1, 1, 1})), 0.2099, 0.00005);
  EXPECT_NEAR(*hhi(small({3, 2, 1, 1, 1, 1})), 17.0 / 81.0, 1e-15);
  EXPECT_NEAR(*hhi_points(small({3, 2, 1, 1, 1, 1})), 2098.77, 0.005);
}

TEST(Concentration, ExactEdgeValues) {
  // Equal balances: Gini exactly 0, HHI exactly 1/n on both scales for n a power of two, entropy log2 n.
  EXPECT_EQ(*gini(small({1, 1, 1})), 0.0);
  EXPECT_EQ(*gini(small({7})), 0.0);
  EXPECT_EQ(*hhi(small({5, 5, 5, 5})), 0.25);
  EXPECT_EQ(*hhi_points(small({5, 5, 5, 5})), 2500.0);
  EXPECT_EQ(*hhi(small({9})), 1.0);
  EXPECT_EQ(*hhi_points(small({9})), 10000.0);
  EXPECT_EQ(*shannon_entropy(small({9})), 0.0);
  EXPECT_EQ(*shannon_entropy(small({3, 3, 3, 3})), 2.0);
  EXPECT_EQ(*top_k_share(small({3, 2, 1}), 0), 0.0);
  EXPECT_EQ(*top_k_share(small({3, 2, 1}), 3), 1.0);
  EXPECT_EQ(*top_k_share(small({3, 2, 1}), 100), 1.0);
  EXPECT_EQ(*top_k_share(small({1, 3, 2}), 1), 0.5);
  // All of it with one holder among n: Gini (n − 1)/n once the others hold almost nothing.
  std::vector<U256> whale = small({1, 1, 1});
  whale.push_back(U256::power_of_two(200));
  EXPECT_NEAR(*gini(whale), 0.75, 1e-15);
  EXPECT_EQ(*nakamoto_coefficient(whale), 1u);
}

TEST(Concentration, NakamotoThresholdBoundaries) {
  const auto b = small({3, 2, 1});
  EXPECT_EQ(*nakamoto_coefficient(b), 1u);  // 3/6 = 1/2 reaches 1/2
  EXPECT_EQ(*nakamoto_coefficient(b, {1, 2}), 1u);
  EXPECT_EQ(*nakamoto_coefficient(b, {500'000'000'000'000'001ULL, 1'000'000'000'000'000'000ULL}), 2u);
  EXPECT_EQ(*nakamoto_coefficient(b, {5, 6}), 2u);
  EXPECT_EQ(*nakamoto_coefficient(b, {5'000'001, 6'000'000}), 3u);
  EXPECT_EQ(*nakamoto_coefficient(b, {1, 1}), 3u);
  EXPECT_EQ(nakamoto_coefficient(b, {0, 1}).status().code(), "bad_threshold");
  EXPECT_EQ(nakamoto_coefficient(b, {3, 2}).status().code(), "bad_threshold");
  EXPECT_EQ(nakamoto_coefficient(b, {1, 0}).status().code(), "bad_threshold");
}

TEST(Concentration, LargestBalancesDoNotLosePrecision) {
  // Two holders of 2^255 − 1 and one of 1: the sum is 2^256 − 1, the largest a U256 holds.
  const std::vector<U256> b{U256::max() >> 1, U256::max() >> 1, U256::from_u64(1)};
  auto g = gini(b);
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_NEAR(*g, 1.0 / 3.0, 1e-15);  // (−2·1 + 0 + 2·(2^255 − 1)) / (3·(2^256 − 1))
  EXPECT_NEAR(*hhi(b), 0.5, 1e-15);
  EXPECT_NEAR(*shannon_entropy(b), 1.0, 1e-15);
  // Thresholds are compared exactly: (2^255 − 1)/(2^256 − 1) is just below 1/2 and just above (2^63 − 1)/(2^64 − 1).
  EXPECT_EQ(*nakamoto_coefficient(b, {1, 2}), 2u);
  EXPECT_EQ(*nakamoto_coefficient(b, {(1ULL << 63) - 1, ~0ULL}), 1u);
  // One more unit overflows the sum.
  const std::vector<U256> over{U256::max() >> 1, U256::max() >> 1, U256::from_u64(2)};
  EXPECT_EQ(gini(over).status().code(), "overflow");
}

// ---- invariants under random balances

std::vector<U256> random_balances() {
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  const auto bits = *rc::gen::inRange<unsigned>(1, 250);
  std::vector<U256> out;
  for (std::size_t i = 0; i < n; ++i) {
    U256::Limbs limbs{};
    for (auto& limb : limbs) limb = *rc::gen::inRange<std::uint64_t>(0, std::numeric_limits<std::uint64_t>::max());
    // Some zeros, some equal balances, the rest random.
    switch (*rc::gen::inRange(0, 8)) {
      case 0:
        out.emplace_back();
        break;
      case 1:
        out.push_back(out.empty() ? U256::from_u64(1) : out.back());
        break;
      default:
        out.push_back(U256::from_limbs(limbs) >> (256 - bits));
    }
  }
  if (out[0].is_zero()) out[0] = U256::from_u64(1);
  return out;
}

RC_GTEST_PROP(ConcentrationProperty, RangesAndInvariance, ()) {
  std::vector<U256> b = random_balances();
  const std::size_t holders =
      static_cast<std::size_t>(std::count_if(b.begin(), b.end(), [](const U256& x) { return !x.is_zero(); }));
  RC_PRE(holders > 0);
  const double n = static_cast<double>(holders);
  const double g = *gini(b);
  const double h = *hhi(b);
  const double e = *shannon_entropy(b);
  RC_ASSERT(g >= 0.0 && g <= (n - 1) / n + 1e-12);
  RC_ASSERT(h >= 1.0 / n - 1e-12 && h <= 1.0 + 1e-12);
  RC_ASSERT(e >= -1e-12 && e <= std::log2(n) + 1e-9);
  // Order does not matter; zeros do not count.
  std::vector<U256> shuffled = b;
  std::reverse(shuffled.begin(), shuffled.end());
  shuffled.push_back(U256());
  RC_ASSERT(*gini(shuffled) == g);
  RC_ASSERT(*hhi(shuffled) == h);
  // The Nakamoto count is monotone in the threshold and the top-k share reaches it.
  std::size_t previous = 0;
  for (std::uint64_t num = 1; num <= 10; ++num) {
    const std::size_t tau = *nakamoto_coefficient(b, {num, 10});
    RC_ASSERT(tau >= previous && tau >= 1 && tau <= holders);
    RC_ASSERT(*top_k_share(b, tau) >= static_cast<double>(num) / 10.0 - 1e-12);
    previous = tau;
  }
  RC_ASSERT(*nakamoto_coefficient(b, {1, 1}) == holders);
}

}  // namespace
}  // namespace credence::core
