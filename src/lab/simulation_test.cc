// The engine on small scenarios: determinism, the stress index, the committee's fault handling, routing, and the
// ledger actions. The validation laws of docs/lab.md are in validation_test.cc.
#include "credence/lab/simulation.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "credence/crypto/self_test.h"
#include "credence/lab/report.h"

namespace credence::lab {
namespace {

const bool kCrypto = crypto::initialize().is_ok();

Scenario small(std::string name = "small") {
  Scenario s;
  s.name = std::move(name);
  s.bucket = 30;
  Phase calm;
  calm.name = "calm";
  calm.duration = 60;
  calm.request_rate = 2;
  Phase shock;
  shock.name = "shock";
  shock.duration = 60;
  shock.price = {1.0, 0.5};
  shock.capital_cost = {0.05, 0.3};
  shock.volatility = {0.2, 1.0};
  shock.request_rate = 3;
  s.phases = {calm, shock};
  s.protocol.n = 7;
  s.protocol.t = 4;
  s.protocol.request_timeout = 60;
  s.protocol.checkpoint_interval = 2;
  s.members.silent = 1;
  s.members.malicious = 1;
  s.members.hesitation = 2;
  s.members.risk_aversion = 4;
  s.network.loss = 0.02;
  s.holders.count = 30;
  s.holders.action_rate = 0.05;
  s.issuers.count = 2;
  s.issuers.rate = 0.5;
  s.issuers.revoke_rate = 0.05;
  return s;
}

TEST(LabSimulation, SameSeedSameBytesOtherSeedOtherRun) {
  ASSERT_TRUE(kCrypto);
  const Scenario s = small();
  RunOptions o;
  o.seed = 5;
  auto a = run(s, o);
  auto b = run(s, o);
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(summary_text(s, *a), summary_text(s, *b));
  EXPECT_EQ(timeseries_csv(*a), timeseries_csv(*b));
  EXPECT_EQ(report_html(s, *a), report_html(s, *b));
  o.seed = 6;
  auto c = run(s, o);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(summary_text(s, *a), summary_text(s, *c));
  EXPECT_NE(timeseries_csv(*a), timeseries_csv(*c));
  EXPECT_GT(a->overall.arrived, 100u);
  EXPECT_GT(a->overall.certified, 0u);
  EXPECT_GT(a->overall.attestations_issued, 0u);
  EXPECT_EQ(a->buckets.size(), 4u);
  ASSERT_EQ(a->phases.size(), 2u);
  EXPECT_EQ(a->phases[0].metrics.arrived + a->phases[1].metrics.arrived, a->overall.arrived);
}

TEST(LabSimulation, StressIndexFollowsItsFormula) {
  Scenario s = small();
  s.stress = {2.0, 1.0, 5.0};
  // t = 90: halfway through the shock: price 0.75, capital cost 0.175, volatility 0.6.
  const Exogenous e = exogenous_at(s, 90);
  EXPECT_EQ(e.phase, 1u);
  EXPECT_DOUBLE_EQ(e.price, 0.75);
  EXPECT_NEAR(e.capital_cost, 0.175, 1e-12);
  EXPECT_NEAR(e.volatility, 0.6, 1e-12);
  // 2·0.25 + 1·0.4 + 5·0.125 = 1.525 → clamped to 1.
  EXPECT_DOUBLE_EQ(e.stress, 1.0);
  s.stress = {0.4, 0.1, 0.2};
  // 0.4·0.25 + 0.1·0.4 + 0.2·0.125 = 0.1 + 0.04 + 0.025.
  EXPECT_NEAR(exogenous_at(s, 90).stress, 0.165, 1e-12);
  EXPECT_DOUBLE_EQ(exogenous_at(s, 10).stress, 0.0);
  EXPECT_EQ(exogenous_at(s, 10).phase, 0u);
}

TEST(LabSimulation, MaliciousMembersAreExcludedAndSilentOnesCostSessions) {
  ASSERT_TRUE(kCrypto);
  Scenario s = small();
  s.members.cooperative = true;
  s.network.loss = 0;
  RunOptions o;
  o.keep_requests = true;
  auto r = run(s, o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::size_t certified = 0, retried = 0;
  std::set<std::uint64_t> batches_with_malicious;  // exclusions are counted once per batch (one coordinator)
  for (const auto& q : r->requests) {
    if (q.route == RequestOutcome::Route::bypassed) continue;
    if (q.certified) {
      ++certified;
      EXPECT_EQ(q.signers.size(), s.protocol.t);
      // Neither the silent member 1 nor the malicious member 2 can be among the signers of a certificate.
      for (const auto m : q.signers) {
        EXPECT_NE(m, 1u);
        EXPECT_NE(m, 2u);
      }
    }
    for (const auto m : q.malicious) EXPECT_EQ(m, 2u);  // never an honest member
    if (!q.malicious.empty()) batches_with_malicious.insert(q.batch);
    retried += q.sessions > 1 ? std::size_t{1} : std::size_t{0};
  }
  EXPECT_GT(certified, 0u);
  EXPECT_GT(batches_with_malicious.size(), 0u);
  EXPECT_GT(retried, 0u);
  EXPECT_EQ(r->overall.malicious_detected, batches_with_malicious.size());
}

// Verdict batches: the requests of a batch share one signing (same signers, same certificate time, one set of
// sessions), but each is measured against its own arrival and deadline; max_batch caps the batch.
TEST(LabSimulation, BatchesShareOneSigningAndKeepPerRequestDeadlines) {
  ASSERT_TRUE(kCrypto);
  Scenario s = small();
  s.members.cooperative = true;
  s.claimants.intermediary_fee_fixed = 1e12;  // nobody bypasses
  s.claimants.deadline_median = 2;            // tight deadlines: some certificates are late
  s.protocol.batch_window = 1.5;
  s.protocol.max_batch = 4;
  RunOptions o;
  o.keep_requests = true;
  auto r = run(s, o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::map<std::uint64_t, std::vector<const RequestOutcome*>> by_batch;
  std::uint64_t late = 0, certified = 0, sessions = 0;
  for (const auto& q : r->requests) {
    ASSERT_NE(q.route, RequestOutcome::Route::bypassed);
    by_batch[q.batch].push_back(&q);
    EXPECT_GE(q.batch_size, 1u);
    EXPECT_LE(q.batch_size, s.protocol.max_batch);
    if (q.certified) {
      ++certified;
      EXPECT_GT(q.certified_at, q.arrival);
      late += q.certified_at > q.deadline ? std::uint64_t{1} : std::uint64_t{0};
    }
  }
  std::size_t shared = 0;
  for (const auto& [key, qs] : by_batch) {
    EXPECT_EQ(qs.front()->index, key);  // a batch is named by its first request
    EXPECT_LE(qs.size(), s.protocol.max_batch);
    // The batch's requests arrived within one window of its first one.
    for (const auto* q : qs) EXPECT_LE(q->arrival - qs.front()->arrival, s.protocol.batch_window + 1e-9);
    for (const auto* q : qs) {
      EXPECT_EQ(q->sessions, qs.front()->sessions);
      if (q->certified && qs.front()->certified) {
        EXPECT_EQ(q->signers, qs.front()->signers);
        EXPECT_EQ(q->certified_at, qs.front()->certified_at);
      }
    }
    shared += qs.size() > 1 ? std::size_t{1} : std::size_t{0};
    sessions += qs.front()->sessions;
  }
  EXPECT_GT(shared, 10u);
  EXPECT_LT(by_batch.size(), r->requests.size());
  EXPECT_EQ(r->overall.sessions, sessions);
  EXPECT_EQ(r->overall.certified, certified);
  EXPECT_EQ(r->overall.certified_late, late);  // lateness per request, not per batch
  EXPECT_GT(late, 0u);
  EXPECT_LT(late, certified);

  // With no window every request is signed on its own.
  s.protocol.batch_window = 0;
  auto single = run(s, o);
  ASSERT_TRUE(single.ok());
  for (const auto& q : single->requests) {
    EXPECT_EQ(q.batch, q.index);
    EXPECT_EQ(q.batch_size, 1u);
  }
}

// A batch's messages are delivered ahead of the global clock (run_batch), but a request that times out sees — and
// records — the batch as it stood at its timeout, and nothing is delivered once every request of the batch is gone.
TEST(LabSimulation, TimeoutsSeeTheBatchAsItStoodThen) {
  ASSERT_TRUE(kCrypto);
  Scenario s = small();
  s.members.cooperative = true;
  s.claimants.intermediary_fee_fixed = 1e12;  // nobody bypasses
  s.holders.count = 0;
  s.issuers.count = 0;
  for (auto& p : s.phases) p.request_rate = 20;
  s.protocol.batch_window = 0.5;  // about ten requests a batch, timing out one after the other
  s.protocol.max_batch = 64;
  s.protocol.request_timeout = 1.2;  // about when the first session's shares come back
  RunOptions o;
  o.keep_requests = true;
  auto r = run(s, o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::map<std::uint64_t, std::vector<const RequestOutcome*>> timed_out;  // by batch, in arrival order
  for (const auto& q : r->requests) {
    if (!q.certified) timed_out[q.batch].push_back(&q);
  }
  std::size_t moved_on = 0;
  for (const auto& [key, qs] : timed_out) {
    for (std::size_t i = 1; i < qs.size(); ++i) {
      // Later timeouts see a later state: never fewer sessions, never fewer members found malicious.
      EXPECT_GE(qs[i]->sessions, qs[i - 1]->sessions) << "batch " << key;
      EXPECT_GE(qs[i]->malicious.size(), qs[i - 1]->malicious.size()) << "batch " << key;
    }
    moved_on += qs.front()->sessions != qs.back()->sessions ? std::size_t{1} : std::size_t{0};
  }
  EXPECT_GT(r->overall.timed_out, 0u);
  EXPECT_GT(r->overall.certified, 0u);
  EXPECT_GT(moved_on, 0u);  // some batches started a session between two of their requests' timeouts

  // Timeouts shorter than any round trip, batches closed at once: no message is ever delivered, no session starts.
  s.protocol.batch_window = 0;
  s.protocol.request_timeout = 0.001;
  auto none = run(s, o);
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_EQ(none->overall.certified, 0u);
  EXPECT_EQ(none->overall.timed_out, none->overall.in_protocol);
  EXPECT_EQ(none->overall.messages, 0u);
  EXPECT_EQ(none->overall.sessions, 0u);
}

TEST(LabSimulation, ClaimantsBypassWhenTheIntermediaryIsCheaper) {
  Scenario s = small();
  s.claimants.intermediary_fee_rate = 0;
  s.claimants.intermediary_fee_fixed = 0.01;  // cheaper than any protocol fee (fee_base = 1)
  auto r = run(s, RunOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->overall.bypassed, r->overall.arrived);
  EXPECT_EQ(r->overall.in_protocol, 0u);
  EXPECT_EQ(*rates(r->overall).drift, 0.0);
}

TEST(LabSimulation, IssuersTurnConservativeUnderStress) {
  Scenario s = small();
  s.issuers.rate = 5;
  s.issuers.conservatism = 0.8;
  s.issuers.strictness = 0.5;
  auto r = run(s, RunOptions{});
  ASSERT_TRUE(r.ok());
  const auto& calm = r->phases[0].metrics;
  const auto& shock = r->phases[1].metrics;
  EXPECT_EQ(calm.attestations_rejected, 0u);  // stress 0: no refusals
  EXPECT_GT(shock.attestations_rejected, 0u);
  EXPECT_LT(shock.issuance_attempts, calm.issuance_attempts);
  EXPECT_EQ(r->overall.ledger_failures, 0u);
}

TEST(LabSimulation, InvalidScenarioIsRefused) {
  Scenario s = small();
  s.protocol.t = 9;
  auto r = run(s, RunOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_scenario");
}

}  // namespace
}  // namespace credence::lab
