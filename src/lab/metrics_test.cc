// Every metric function on hand-computed cases (docs/lab.md "Metrics").
#include "credence/lab/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace credence::lab {
namespace {

std::vector<codec::U256> u256s(std::initializer_list<std::uint64_t> xs) {
  std::vector<codec::U256> v;
  for (const auto x : xs) v.push_back(codec::U256::from_u64(x));
  return v;
}

TEST(LabMetrics, RatioIsUndefinedOnAnEmptyDenominator) {
  EXPECT_FALSE(ratio(0, 0).has_value());
  EXPECT_DOUBLE_EQ(*ratio(1, 4), 0.25);
  EXPECT_DOUBLE_EQ(*ratio(0, 3), 0.0);
}

TEST(LabMetrics, NearestRankQuantiles) {
  // 10 samples 1..10: p50 = 5th smallest = 5, p90 = 9th = 9, p99 = ⌈9.9⌉ = 10th = 10, p0 = smallest.
  std::vector<double> s = {10, 3, 1, 2, 9, 8, 7, 6, 5, 4};
  EXPECT_DOUBLE_EQ(*quantile(s, 0.5), 5);
  EXPECT_DOUBLE_EQ(*quantile(s, 0.9), 9);
  EXPECT_DOUBLE_EQ(*quantile(s, 0.99), 10);
  EXPECT_DOUBLE_EQ(*quantile(s, 0.0), 1);
  EXPECT_DOUBLE_EQ(*quantile(s, 1.0), 10);
  EXPECT_DOUBLE_EQ(*quantile({7.5}, 0.5), 7.5);
  EXPECT_FALSE(quantile({}, 0.5).has_value());
  // 3 samples: p50 = ⌈1.5⌉ = 2nd.
  EXPECT_DOUBLE_EQ(*quantile({3, 1, 2}, 0.5), 2);
}

TEST(LabMetrics, ExponentialOrderStatistics) {
  // k = 1 of n: minimum, mean/n. k = n: maximum, mean·H_n. 2 of 3: mean·(1/2 + 1/3).
  EXPECT_DOUBLE_EQ(exponential_order_statistic_mean(1, 4, 2.0), 0.5);
  EXPECT_DOUBLE_EQ(exponential_order_statistic_mean(3, 3, 1.0), 1.0 + 0.5 + 1.0 / 3);
  EXPECT_DOUBLE_EQ(exponential_order_statistic_mean(2, 3, 1.0), 0.5 + 1.0 / 3);
  EXPECT_DOUBLE_EQ(exponential_order_statistic_variance(1, 2, 1.0), 0.25);
  EXPECT_DOUBLE_EQ(exponential_order_statistic_variance(2, 2, 1.0), 1.25);
}

TEST(LabMetrics, ConcentrationMatchesTheReferenceCases) {
  // REFERENCES §7 (tokenomics-decentralization tests): [3,2,1] Gini 0.22222, HHI 3888.89, τ_0.5 = 1 (≥ rule).
  auto c = concentration(u256s({3, 2, 1}));
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->gini, 2.0 / 9, 1e-12);
  EXPECT_NEAR(c->hhi, 3888.888888888889, 1e-6);
  EXPECT_EQ(c->nakamoto, 1u);
  EXPECT_EQ(c->holders, 3u);
  EXPECT_DOUBLE_EQ(c->top1_share, 0.5);  // ⌈3/100⌉ = 1 holder: the largest, 3/6
  EXPECT_NEAR(c->population_gini, c->gini, 1e-15);
  // [3,2,1,1,1,1]: Gini 0.24074, τ_0.5 = 2.
  c = concentration(u256s({3, 2, 1, 1, 1, 1}));
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->gini, 0.24074074074, 1e-10);
  EXPECT_EQ(c->nakamoto, 2u);
}

TEST(LabMetrics, PopulationGiniCountsZeroBalances) {
  // [0, 0, 0, 4]: among holders (one) Gini 0; over the 4 accounts Σ|xi − xj| / (2n²μ) = (2·3·4) / (2·16·1) = 0.75.
  auto c = concentration(u256s({0, 0, 0, 4}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->holders, 1u);
  EXPECT_NEAR(c->gini, 0.0, 1e-15);
  EXPECT_NEAR(c->population_gini, 0.75, 1e-15);
  // [0, 1, 1]: holders Gini 0; population: Σ|xi − xj| = 4, n = 3, μ = 2/3 → 4 / (2·9·2/3) = 1/3.
  c = concentration(u256s({0, 1, 1}));
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->population_gini, 1.0 / 3, 1e-15);
  EXPECT_FALSE(concentration(u256s({0, 0})).ok());
}

TEST(LabMetrics, RatesOfAWindow) {
  WindowMetrics w;
  w.start = 0;
  w.end = 10;
  w.arrived = 10;
  w.bypassed = 2;
  w.underwritten = 1;
  w.in_protocol = 8;
  w.certified = 7;
  w.certified_late = 2;
  w.timed_out = 1;
  w.claimant_late = 2;
  w.high_value = 4;
  w.high_value_in_time = 1;
  w.latencies = {1, 2, 3, 4, 5, 6, 7};
  w.deadlines = {10, 20, 30};
  w.certificates_completed = 5;
  w.decisions = 20;
  w.participations = 15;
  w.class_decisions = {10, 6, 4};
  w.class_participations = {9, 5, 1};
  w.issuance_attempts = 4;
  w.attestations_issued = 3;
  const Rates r = rates(w);
  EXPECT_DOUBLE_EQ(*r.late_finality, 3.0 / 8);  // 2 late + 1 never, of 8 in protocol
  EXPECT_DOUBLE_EQ(*r.claimant_late_finality, 2.0 / 8);
  EXPECT_DOUBLE_EQ(*r.bypass, 0.2);
  EXPECT_DOUBLE_EQ(*r.underwritten, 0.1);
  EXPECT_DOUBLE_EQ(*r.participation, 0.75);
  EXPECT_DOUBLE_EQ(*r.abstention, 0.25);
  EXPECT_DOUBLE_EQ(*r.acceptance[0], 0.9);
  EXPECT_DOUBLE_EQ(*r.acceptance[2], 0.25);
  EXPECT_DOUBLE_EQ(*r.selectivity, 0.65);
  EXPECT_DOUBLE_EQ(*r.drift, 0.25);
  EXPECT_DOUBLE_EQ(*r.throughput, 0.5);
  EXPECT_DOUBLE_EQ(*r.latency_p50, 4);
  EXPECT_DOUBLE_EQ(*r.latency_p90, 7);  // ⌈6.3⌉ = 7th
  EXPECT_DOUBLE_EQ(*r.deadline_p50, 20);
  EXPECT_DOUBLE_EQ(*r.issuer_acceptance, 0.75);

  const Rates empty = rates(WindowMetrics{});
  EXPECT_FALSE(empty.late_finality.has_value());
  EXPECT_FALSE(empty.bypass.has_value());
  EXPECT_FALSE(empty.selectivity.has_value());
  EXPECT_FALSE(empty.latency_p50.has_value());
  EXPECT_FALSE(empty.throughput.has_value());
}

TEST(LabMetrics, MergeAddsCountsAndWeighsStress) {
  WindowMetrics a, b;
  a.arrived = 3;
  a.latencies = {1};
  a.stress = 0.2;
  a.stress_samples = 1;
  a.class_decisions = {1, 2, 3};
  b.arrived = 4;
  b.latencies = {2, 3};
  b.stress = 0.6;
  b.stress_samples = 3;
  b.class_decisions = {1, 1, 1};
  b.price = 0.7;
  a.merge(b);
  EXPECT_EQ(a.arrived, 7u);
  EXPECT_EQ(a.latencies.size(), 3u);
  EXPECT_DOUBLE_EQ(a.stress, (0.2 + 3 * 0.6) / 4);
  EXPECT_EQ(a.stress_samples, 4u);
  EXPECT_EQ(a.class_decisions[2], 4u);
  EXPECT_DOUBLE_EQ(a.price, 0.7);
}

}  // namespace
}  // namespace credence::lab
