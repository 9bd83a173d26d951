// The validation laws of docs/lab.md "Validation": the model against closed forms, the literature and its own
// assumptions. Each law runs over several seeds with the tolerance stated beside it.
#include <gtest/gtest.h>

#include <cmath>

#include "credence/crypto/self_test.h"
#include "credence/lab/metrics.h"
#include "credence/lab/report.h"
#include "credence/lab/simulation.h"

namespace credence::lab {
namespace {

const bool kCrypto = crypto::initialize().is_ok();
constexpr std::uint64_t kSeeds[] = {1, 2, 3, 4};

// A committee-only scenario (no ledger agents) with one phase of `duration` seconds.
Scenario committee_only(std::uint32_t n, std::uint32_t t, double duration, double rate) {
  Scenario s;
  s.name = "validation";
  s.bucket = duration;
  Phase p;
  p.name = "only";
  p.duration = duration;
  p.request_rate = rate;
  s.phases = {p};
  s.protocol.n = n;
  s.protocol.t = t;
  s.protocol.request_timeout = 1000;
  s.holders.count = 0;
  s.issuers.count = 0;
  s.claimants.intermediary_fee_fixed = 1e12;  // nobody bypasses
  return s;
}

// With no stress, zero network delay and zero crypto costs, and exponential member response times of mean μ, a
// request is certified the moment the t-th of the n commitments arrives (answering a session is mechanical: its
// cost is the share's computation, here 0). So the latency is the t-th order statistic X_(t:n) of n exponentials:
//   E[L] = μ·Σ_{i=n−t+1}^{n} 1/i,  Var[L] = μ²·Σ_{i=n−t+1}^{n} 1/i²   (Rényi),
// and the sample mean of N latencies must be within 4.5 standard errors (two-sided, p ≈ 7e-6 of a false failure).
// The sample p50 is checked too, against the exact median of X_(t:n) computed by bisection on its CDF. The batch
// window is 0 (a request does not wait for company), so every request is signed on its own.
// P(X_(t:n) ≤ x) = Σ_{k=t}^{n} C(n,k)·p^k·(1 − p)^(n−k), p = 1 − e^(−x/μ).
double order_statistic_cdf(std::uint32_t t, std::uint32_t n, double mu, double x) {
  const double p = 1 - std::exp(-x / mu);
  double sum = 0;
  for (std::uint32_t k = t; k <= n; ++k) {
    double binom = 1;
    for (std::uint32_t i = 0; i < k; ++i) binom = binom * (n - i) / (i + 1);
    sum += binom * std::pow(p, k) * std::pow(1 - p, n - k);
  }
  return sum;
}

double order_statistic_median(std::uint32_t t, std::uint32_t n, double mu) {
  double lo = 0, hi = 100 * mu;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (order_statistic_cdf(t, n, mu, mid) < 0.5 ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

TEST(LabValidation, CertificationLatencyMatchesTheOrderStatistics) {
  ASSERT_TRUE(kCrypto);
  struct Case {
    std::uint32_t n, t;
  };
  for (const Case c : {Case{10, 7}, Case{5, 3}, Case{20, 14}}) {
    Scenario s = committee_only(c.n, c.t, 1500, 2);
    s.members.cooperative = true;
    s.members.response = "exponential";
    s.members.response_mean = 0.5;
    s.network.latency_median = 0;
    s.costs = {0, 0, 0, 0};
    s.protocol.batch_window = 0;
    const double mu = s.members.response_mean;
    const double mean = exponential_order_statistic_mean(c.t, c.n, mu);
    const double var = exponential_order_statistic_variance(c.t, c.n, mu);
    for (const std::uint64_t seed : {kSeeds[0], kSeeds[1]}) {
      RunOptions o;
      o.seed = seed;
      o.ledger = false;
      auto r = run(s, o);
      ASSERT_TRUE(r.ok()) << r.status().to_string();
      const auto& lat = r->overall.latencies;
      ASSERT_EQ(lat.size(), r->overall.in_protocol);
      ASSERT_GT(lat.size(), 2000u);
      double sum = 0;
      for (const double l : lat) sum += l;
      const double sample_mean = sum / static_cast<double>(lat.size());
      const double se = std::sqrt(var / static_cast<double>(lat.size()));
      EXPECT_NEAR(sample_mean, mean, 4.5 * se) << c.t << "-of-" << c.n << " seed " << seed;
      // The share of latencies at or below the exact median is Binomial(N, 1/2) / N: within 4.5·√(1/(4N)) of 1/2.
      const double median = order_statistic_median(c.t, c.n, mu);
      double below = 0;
      for (const double l : lat) below += l <= median ? 1 : 0;
      const double share = below / static_cast<double>(lat.size());
      EXPECT_NEAR(share, 0.5, 4.5 * std::sqrt(0.25 / static_cast<double>(lat.size()))) << c.t << "-of-" << c.n;
      EXPECT_EQ(r->overall.malicious_detected, 0u);
    }
  }
}

// Dragulescu & Yakovenko's random exchange: 100 agents, 5 units each, 300 steps of 100 unit transfers, through the
// ledger. The stationary distribution is exponential (Gini 1/2); after 300 steps the population Gini (zero balances
// counted) lies in [0.45, 0.65], and the ledger conserves supply after every block.
TEST(LabValidation, RandomExchangeReachesTheLiteratureGini) {
  ASSERT_TRUE(kCrypto);
  for (const std::uint64_t seed : {kSeeds[0], kSeeds[1], kSeeds[2]}) {
    auto balances = random_exchange(100, 5, 300, seed);
    ASSERT_TRUE(balances.ok()) << balances.status().to_string();
    std::uint64_t sum = 0;
    std::vector<codec::U256> u;
    for (const auto b : *balances) {
      sum += b;
      u.push_back(codec::U256::from_u64(b));
    }
    EXPECT_EQ(sum, 500u);
    auto c = concentration(u);
    ASSERT_TRUE(c.ok());
    EXPECT_GE(c->population_gini, 0.45) << "seed " << seed;
    EXPECT_LE(c->population_gini, 0.65) << "seed " << seed;
  }
}

// A stressed scenario for the metamorphic laws: 5 minutes calm, 10 minutes of shock.
Scenario stressed(double depth) {
  Scenario s = committee_only(10, 6, 900, 3);
  s.bucket = 300;
  Phase calm = s.phases[0];
  calm.name = "calm";
  calm.duration = 300;
  Phase shock = calm;
  shock.name = "shock";
  shock.duration = 600;
  shock.price = {1.0, 1.0 - 0.5 * depth};
  shock.capital_cost = {0.05, 0.05 + 0.3 * depth};
  shock.volatility = {0.2, 0.2 + 0.8 * depth};
  s.phases = {calm, shock};
  s.stress = {1.0, 0.3, 1.0};
  s.protocol.request_timeout = 120;
  s.protocol.fee_base = 0.5;
  s.protocol.fee_rate = 0.002;
  s.protocol.dispute_window = 604800;
  s.members.response = "lognormal";
  s.members.response_mean = 0.4;
  s.members.response_sigma = 0.6;
  s.members.hesitation = 4;
  s.members.risk_aversion = 6;
  s.members.silent = 1;
  s.claimants.deadline_median = 20;
  s.claimants.fault_probability[0] = 0.0002;
  s.claimants.fault_probability[1] = 0.0006;
  s.claimants.fault_probability[2] = 0.0015;
  s.claimants.intermediary_fee_rate = 0.01;
  s.claimants.intermediary_fee_fixed = 2;
  s.claimants.estimate_horizon = 120;
  return s;
}

Rates overall(const Scenario& s, std::uint64_t seed) {
  RunOptions o;
  o.seed = seed;
  o.ledger = false;
  auto r = run(s, o);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? rates(r->overall) : Rates{};
}

// More stress never lowers the late-finality or the bypass rate. Tolerance 0.01 (absolute).
TEST(LabValidation, MoreStressNeverLowersLateFinalityOrBypass) {
  for (const std::uint64_t seed : kSeeds) {
    Rates last;
    bool first = true;
    for (const double depth : {0.0, 0.4, 0.8, 1.0}) {
      const Rates r = overall(stressed(depth), seed);
      ASSERT_TRUE(r.late_finality && r.bypass);
      if (!first) {
        EXPECT_GE(*r.late_finality, *last.late_finality - 0.01) << "depth " << depth << " seed " << seed;
        EXPECT_GE(*r.bypass, *last.bypass - 0.01) << "depth " << depth << " seed " << seed;
      }
      last = r;
      first = false;
    }
    EXPECT_GT(*last.late_finality, *overall(stressed(0), seed).late_finality);  // and stress does bite
  }
}

// More slack (n − t) never raises the certification latency quantiles, with the same silent member (member 1).
// Tolerance 2 % (relative) on p50 and p90.
TEST(LabValidation, MoreSlackNeverRaisesLatency) {
  for (const std::uint64_t seed : kSeeds) {
    std::optional<double> last50, last90;
    for (const std::uint32_t n : {6u, 8u, 11u, 15u}) {
      Scenario s = committee_only(n, 5, 600, 3);
      s.members.cooperative = true;
      s.members.silent = 1;
      s.members.response = "lognormal";
      s.members.response_mean = 0.4;
      s.members.response_sigma = 0.6;
      const Rates r = overall(s, seed);
      ASSERT_TRUE(r.latency_p50 && r.latency_p90);
      if (last50) {
        EXPECT_LE(*r.latency_p50, *last50 * 1.02) << "n " << n << " seed " << seed;
        EXPECT_LE(*r.latency_p90, *last90 * 1.02) << "n " << n << " seed " << seed;
      }
      last50 = r.latency_p50;
      last90 = r.latency_p90;
    }
  }
}

// Raising fees never lowers member participation. Tolerance 0.005 (absolute).
TEST(LabValidation, HigherFeesNeverLowerParticipation) {
  for (const std::uint64_t seed : kSeeds) {
    std::optional<double> last;
    for (const double fee_rate : {0.0, 0.0005, 0.001, 0.002, 0.004}) {
      Scenario s = stressed(1.0);
      s.protocol.fee_rate = fee_rate;
      s.claimants.intermediary_fee_fixed = 1e12;  // keep the set of requests fixed: the law is about members
      const Rates r = overall(s, seed);
      ASSERT_TRUE(r.participation);
      if (last) {
        EXPECT_GE(*r.participation, *last - 0.005) << "fee_rate " << fee_rate << " seed " << seed;
      }
      last = r.participation;
    }
  }
}

// Adding underwriting capacity never raises the late-finality rate seen by claimants. Tolerance 0.01 (absolute).
TEST(LabValidation, MoreUnderwritingNeverRaisesClaimantLateFinality) {
  for (const std::uint64_t seed : kSeeds) {
    std::optional<double> last;
    for (const double capacity : {0.0, 1e4, 1e5, 1e6, 1e8}) {
      Scenario s = stressed(1.0);
      s.underwriting.enabled = true;
      s.underwriting.capacity = capacity;
      s.underwriting.fee_rate = 0.004;
      const Rates r = overall(s, seed);
      ASSERT_TRUE(r.claimant_late_finality);
      if (last) {
        EXPECT_LE(*r.claimant_late_finality, *last + 0.01) << "capacity " << capacity << " seed " << seed;
      }
      last = r.claimant_late_finality;
    }
  }
}

// With every agent fully cooperative and zero network delay, late finality and bypass are exactly zero.
TEST(LabValidation, CooperativeAndInstantMeansNothingLate) {
  for (const std::uint64_t seed : kSeeds) {
    Scenario s = stressed(1.0);  // the stress path stays: cooperation must make it irrelevant
    s.members.cooperative = true;
    s.members.silent = 0;
    s.members.hesitation = 0;
    s.members.response_mean = 0;
    s.network.latency_median = 0;
    s.network.loss = 0;
    RunOptions o;
    o.seed = seed;
    auto r = run(s, o);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_GT(r->overall.arrived, 1000u);
    EXPECT_EQ(r->overall.bypassed, 0u);
    EXPECT_EQ(r->overall.certified_late + r->overall.timed_out, 0u);
    EXPECT_EQ(r->overall.claimant_late, 0u);
    EXPECT_EQ(*rates(r->overall).late_finality, 0.0);
    EXPECT_EQ(*rates(r->overall).bypass, 0.0);
  }
}

// --crypto modeled and --crypto real give the same protocol-level outcomes on a small scenario: which requests were
// certified, when, by which members, which members were found malicious, how many sessions it took — and the same
// summary apart from the crypto field. Only the costs differ. Twice: with the node's batch window (batches of one,
// mostly) and with a 2-second window (batches of several statements).
TEST(LabValidation, ModeledAndRealCryptoAgree) {
  ASSERT_TRUE(kCrypto);
  Scenario s = stressed(1.0);
  s.phases[0].duration = 30;
  s.phases[1].duration = 40;
  s.bucket = 30;
  s.protocol.n = 5;
  s.protocol.t = 3;
  s.members.silent = 1;
  s.members.malicious = 1;
  s.network.loss = 0.05;
  s.holders.count = 8;
  s.holders.action_rate = 0.2;
  s.issuers.count = 2;
  s.issuers.rate = 0.5;
  for (const double window : {Protocol{}.batch_window, 2.0}) {
    s.protocol.batch_window = window;
    const std::uint64_t seed = kSeeds[0];
    RunOptions o;
    o.seed = seed;
    o.keep_requests = true;
    o.crypto = CryptoMode::modeled;
    auto modeled = run(s, o);
    o.crypto = CryptoMode::real;
    auto real = run(s, o);
    ASSERT_TRUE(modeled.ok()) << modeled.status().to_string();
    ASSERT_TRUE(real.ok()) << real.status().to_string();
    ASSERT_EQ(modeled->requests.size(), real->requests.size());
    ASSERT_GT(real->overall.certified, 40u);
    if (window > 1) {
      EXPECT_LT(real->overall.sessions * 2, real->overall.in_protocol);  // batches did form
    }
    EXPECT_GT(real->overall.malicious_detected, 0u);
    for (std::size_t i = 0; i < real->requests.size(); ++i) {
      const auto& m = modeled->requests[i];
      const auto& r = real->requests[i];
      EXPECT_EQ(m.route, r.route) << i;
      EXPECT_EQ(m.certified, r.certified) << i;
      EXPECT_EQ(m.certified_at, r.certified_at) << i;
      EXPECT_EQ(m.signers, r.signers) << i;
      EXPECT_EQ(m.malicious, r.malicious) << i;
      EXPECT_EQ(m.sessions, r.sessions) << i;
    }
    codec::Json jm = summary_json(s, *modeled);
    codec::Json jr = summary_json(s, *real);
    EXPECT_EQ(jm["crypto"], "modeled");
    EXPECT_EQ(jr["crypto"], "real");
    jm.erase("crypto");
    jr.erase("crypto");
    EXPECT_EQ(jm.dump(), jr.dump());
  }
}

}  // namespace
}  // namespace credence::lab
