// Robust signing: deterministic scenarios, then a property over random faults and random delivery order.
#include "credence/threshold/roast.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <random>
#include <variant>

#include "group.h"

namespace credence::threshold::roast {
namespace {

enum class Behaviour { honest, silent, silent_after_commit, bad_share, bad_commitment, unsolicited };

struct ToCoordinator {
  Identifier from;
  SignerMessage message;
};
struct ToMember {
  Identifier to;
  SessionRequest request;
};
using InFlight = std::variant<ToCoordinator, ToMember>;

struct Outcome {
  bool finished = false;
  std::optional<Signature> signature;
  std::set<Identifier> malicious;
  std::uint32_t sessions = 0;
  std::uint64_t shares_verified = 0;
  Element group_key{};
};

// Runs one signing with the given member behaviours; `schedule_seed` picks the delivery order.
Outcome simulate(Suite suite, std::uint32_t n, std::uint32_t t, const std::map<Identifier, Behaviour>& behaviour,
                 std::uint64_t key_seed, std::uint64_t schedule_seed, const Bytes& message) {
  crypto::DeterministicRandom random(key_seed);
  auto dealt = trusted_dealer_keygen(suite, n, t, random);
  EXPECT_TRUE(dealt.ok());
  Outcome outcome;
  outcome.group_key = dealt->public_key.group_public_key;
  auto coordinator = Coordinator::create(dealt->public_key, message);
  EXPECT_TRUE(coordinator.ok());
  std::map<Identifier, Signer> signers;
  std::vector<InFlight> network;
  for (auto& key : dealt->key_packages) {
    const Identifier id = key.identifier;
    auto [it, inserted] = signers.try_emplace(id, std::move(key), message);
    const Behaviour b = behaviour.count(id) ? behaviour.at(id) : Behaviour::honest;
    if (b == Behaviour::silent) continue;
    auto first = it->second.start(random);
    EXPECT_TRUE(first.ok());
    network.push_back(ToCoordinator{id, *first});
    if (b == Behaviour::unsolicited) network.push_back(ToCoordinator{id, *first});
  }
  std::mt19937_64 schedule(schedule_seed);
  while (!network.empty() && !coordinator->finished()) {
    const std::size_t pick = std::uniform_int_distribution<std::size_t>(0, network.size() - 1)(schedule);
    InFlight item = std::move(network[pick]);
    network.erase(network.begin() + static_cast<std::ptrdiff_t>(pick));
    if (auto* m = std::get_if<ToCoordinator>(&item)) {
      auto actions = coordinator->on_message(m->from, m->message);
      EXPECT_TRUE(actions.ok());
      for (auto& request : *actions) {
        for (const auto& c : request.package.commitments) network.push_back(ToMember{c.identifier, request});
      }
      continue;
    }
    auto& r = std::get<ToMember>(item);
    const Behaviour b = behaviour.count(r.to) ? behaviour.at(r.to) : Behaviour::honest;
    if (b == Behaviour::silent || b == Behaviour::silent_after_commit) continue;
    auto reply = signers.at(r.to).on_request(r.request, random);
    EXPECT_TRUE(reply.ok()) << reply.status().to_string();
    if (!reply.ok()) continue;
    if (b == Behaviour::bad_share) {
      Scalar one{};
      one[0] = 1;
      group::scalar_add(*reply->share, one, *reply->share);
    }
    if (b == Behaviour::bad_commitment) reply->next_commitment.binding = group::identity(suite);
    network.push_back(ToCoordinator{r.to, *reply});
  }
  outcome.finished = coordinator->finished();
  outcome.signature = coordinator->signature();
  outcome.malicious = coordinator->malicious();
  outcome.sessions = coordinator->sessions_started();
  outcome.shares_verified = coordinator->shares_verified();
  return outcome;
}

// All honest: members not in the first session, and first-session members that answer early, may already form a
// second session before the first completes (ROAST never waits) — still within n − t + 1.
TEST(Roast, AllHonestFinishesWithinBound) {
  const Bytes message = {'c', 'p'};
  const Outcome o = simulate(Suite::ed25519, 7, 5, {}, 1, 1, message);
  ASSERT_TRUE(o.finished);
  EXPECT_LE(o.sessions, 3U);
  EXPECT_TRUE(o.malicious.empty());
  EXPECT_TRUE(verify_signature(Suite::ed25519, o.group_key, message, *o.signature).is_ok());
}

TEST(Roast, OneHonestSessionChecksNoShareOnItsOwn) {
  // The aggregate signature's verification stands for the t share checks (RFC 9591 §5.3).
  const Bytes message = {'o', 'k'};
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const Outcome o = simulate(Suite::ed25519, 4, 4, {}, seed, seed, message);
    ASSERT_TRUE(o.finished);
    EXPECT_EQ(o.sessions, 1U);
    EXPECT_EQ(o.shares_verified, 0U);
  }
}

TEST(Roast, AnUncheckedBadShareIsCheckedBeforeItsSenderSignsAgain) {
  // (4,3): members 1, 2, 3 form session 0 and 4 waits. Member 1 answers with a bad share; when member 2's answer
  // would start session 1 with {1, 2, 4}, member 1's share is checked first, fails, and 1 is excluded. Member 3's
  // answer then starts session 1 with {2, 3, 4}, which signs.
  const Bytes message = {'b', 'd'};
  crypto::DeterministicRandom random(11);
  auto dealt = trusted_dealer_keygen(Suite::ed25519, 4, 3, random);
  ASSERT_TRUE(dealt.ok());
  auto c = Coordinator::create(dealt->public_key, message);
  ASSERT_TRUE(c.ok());
  std::map<Identifier, Signer> signers;
  std::map<Identifier, SignerMessage> first;
  for (auto& key : dealt->key_packages) {
    const Identifier id = key.identifier;
    auto it = signers.try_emplace(id, std::move(key), message).first;
    auto m = it->second.start(random);
    ASSERT_TRUE(m.ok());
    first.emplace(id, *m);
  }
  std::vector<SessionRequest> started;
  for (const Identifier id : {1u, 2u, 3u, 4u}) {
    auto out = c->on_message(id, first.at(id));
    ASSERT_TRUE(out.ok());
    started.insert(started.end(), out->begin(), out->end());
  }
  ASSERT_EQ(started.size(), 1U);
  const SessionRequest session0 = started[0];
  auto answer = [&](Identifier id, const SessionRequest& request) {
    auto reply = signers.at(id).on_request(request, random);
    EXPECT_TRUE(reply.ok());
    return *reply;
  };
  SignerMessage bad = answer(1, session0);
  Scalar one{};
  one[0] = 1;
  group::scalar_add(*bad.share, one, *bad.share);
  auto out = c->on_message(1, bad);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
  EXPECT_EQ(c->shares_verified(), 0U);  // not checked yet: its session may still complete
  out = c->on_message(2, answer(2, session0));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());  // {1, 2, 4} would have been enough, but 1 is now excluded
  EXPECT_EQ(c->malicious(), std::set<Identifier>{1});
  out = c->on_message(3, answer(3, session0));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1U);
  const SessionRequest session1 = (*out)[0];
  std::vector<Identifier> ids;
  for (const auto& commitment : session1.package.commitments) ids.push_back(commitment.identifier);
  EXPECT_EQ(ids, (std::vector<Identifier>{2, 3, 4}));
  for (const Identifier id : ids) ASSERT_TRUE(c->on_message(id, answer(id, session1)).ok());
  ASSERT_TRUE(c->finished());
  EXPECT_TRUE(verify_signature(Suite::ed25519, dealt->public_key.group_public_key, message, *c->signature()).is_ok());
  EXPECT_EQ(c->malicious(), std::set<Identifier>{1});
  EXPECT_EQ(c->sessions_started(), 2U);
}

TEST(Roast, ABadShareFailsTheAggregateAndIsNamed) {
  // (3,3): one session, no later one; the aggregate fails and names exactly the bad signer.
  const Bytes message = {'a', 'g'};
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const Outcome o = simulate(Suite::ristretto255, 3, 2, {{2, Behaviour::bad_share}}, seed, seed, message);
    ASSERT_TRUE(o.finished);
    EXPECT_TRUE(o.malicious.empty() || o.malicious == std::set<Identifier>{2});
  }
  const Outcome o = simulate(Suite::ed25519, 3, 3, {{2, Behaviour::bad_share}}, 3, 3, message);
  EXPECT_FALSE(o.finished);
  EXPECT_EQ(o.malicious, std::set<Identifier>{2});
  EXPECT_EQ(o.shares_verified, 3U);
}

TEST(Roast, SilentMembersAreNotWaitedFor) {
  const Bytes message = {'c', 'p'};
  // (7,5) with two members that commit and then never answer, and (7,5) with two that never speak at all.
  for (const Behaviour b : {Behaviour::silent_after_commit, Behaviour::silent}) {
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      const Outcome o = simulate(Suite::ristretto255, 7, 5, {{2, b}, {6, b}}, seed, seed, message);
      ASSERT_TRUE(o.finished);
      EXPECT_LE(o.sessions, 3U);
      EXPECT_TRUE(o.malicious.empty());  // silence is not provable misbehaviour
      EXPECT_TRUE(verify_signature(Suite::ristretto255, o.group_key, message, *o.signature).is_ok());
    }
  }
}

TEST(Roast, BadSharesAreExcludedAndNamed) {
  const Bytes message = {'v', 'c'};
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const Outcome o = simulate(Suite::ed25519, 4, 3, {{3, Behaviour::bad_share}}, seed, seed, message);
    ASSERT_TRUE(o.finished);
    EXPECT_LE(o.sessions, 2U);
    EXPECT_TRUE(verify_signature(Suite::ed25519, o.group_key, message, *o.signature).is_ok());
    // Named whenever it was put in a session (which the first session with it must be).
    EXPECT_TRUE(o.malicious.empty() || o.malicious == std::set<Identifier>{3});
  }
}

TEST(Roast, ProtocolViolationsMarkTheSender) {
  crypto::DeterministicRandom random(5);
  auto dealt = trusted_dealer_keygen(Suite::ed25519, 3, 2, random);
  ASSERT_TRUE(dealt.ok());
  auto coordinator = Coordinator::create(dealt->public_key, {1});
  ASSERT_TRUE(coordinator.ok());
  Signer s1(std::move(dealt->key_packages[0]), {1});
  auto m1 = s1.start(random);
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(coordinator->on_message(9, *m1).status().code(), "unknown_member");
  ASSERT_TRUE(coordinator->on_message(1, *m1).ok());
  ASSERT_TRUE(coordinator->on_message(1, *m1).ok());  // unsolicited repeat
  EXPECT_EQ(coordinator->malicious(), std::set<Identifier>{1});
  // A member whose first message claims a session is malicious too; a third one makes it impossible.
  SignerMessage forged = *m1;
  forged.sender = 2;
  forged.session_id = 0;
  ASSERT_TRUE(coordinator->on_message(2, forged).ok());
  EXPECT_EQ(coordinator->malicious(), (std::set<Identifier>{1, 2}));
  EXPECT_TRUE(coordinator->failed());
}

TEST(Roast, SignerRefusesOtherMessagesAndStaleCommitments) {
  crypto::DeterministicRandom random(6);
  auto dealt = trusted_dealer_keygen(Suite::ristretto255, 3, 2, random);
  ASSERT_TRUE(dealt.ok());
  Signer s1(std::move(dealt->key_packages[0]), {1});
  Signer s2(std::move(dealt->key_packages[1]), {1});
  auto m1 = s1.start(random);
  auto m2 = s2.start(random);
  ASSERT_TRUE(m1.ok() && m2.ok());
  SessionRequest request{0, {{2}, {m1->next_commitment, m2->next_commitment}}};
  EXPECT_EQ(s1.on_request(request, random).status().code(), "message_mismatch");
  request.package.message = {1};
  auto reply = s1.on_request(request, random);
  ASSERT_TRUE(reply.ok());
  // The same package again would reuse a nonce: refused.
  EXPECT_EQ(s1.on_request(request, random).status().code(), "stale_commitment");
}

// The ROAST guarantee, over random committees, fault patterns and delivery orders.
// Checks that accept any commitment and a share whose first byte is 0, so that only the coordinator's state
// machine is exercised (no group operation).
class FirstByteChecks final : public SessionChecks {
 public:
  class Prepared final : public SessionChecks::Prepared {
   public:
    Status verify_share(Identifier /*identifier*/, FixedView<kScalarSize> share) const override {
      return share[0] == 0 ? Status::ok() : Status::invalid("invalid_signature_share");
    }
    AggregateOutcome aggregate(const std::map<Identifier, Scalar>& shares) const override {
      AggregateOutcome out;
      for (const auto& [id, share] : shares) {
        if (!verify_share(id, share).is_ok()) out.culprits.push_back(id);
      }
      if (!out.culprits.empty()) {
        out.status = Status::invalid("invalid_signature_share");
        return out;
      }
      Signature sig{};
      sig[0] = static_cast<std::uint8_t>(shares.size());
      out.signature = sig;
      return out;
    }
  };
  bool valid_commitment(const PublicKeyPackage& /*key*/, const SigningCommitment& /*c*/) const override { return true; }
  std::unique_ptr<SessionChecks::Prepared> prepare(const PublicKeyPackage& /*key*/,
                                                   const SigningPackage& /*package*/) const override {
    return std::make_unique<Prepared>();
  }
};

// One key package serves many coordinators (the stress lab runs one per batch); each signs on its own.
TEST(Roast, CoordinatorsShareOneKeyPackage) {
  crypto::DeterministicRandom random(21);
  auto dealt = trusted_dealer_keygen(Suite::ed25519, 3, 2, random);
  ASSERT_TRUE(dealt.ok());
  const auto key = std::make_shared<const PublicKeyPackage>(dealt->public_key);
  EXPECT_EQ(Coordinator::create(std::shared_ptr<const PublicKeyPackage>(), {'x'}, frost_checks()).status().code(),
            "invalid_parameters");
  for (const Bytes& message : {Bytes{'a'}, Bytes{'b'}}) {
    auto c = Coordinator::create(key, message, frost_checks());
    ASSERT_TRUE(c.ok());
    std::map<Identifier, Signer> signers;
    std::vector<SessionRequest> started;
    for (const auto& k : dealt->key_packages) {
      auto it = signers
                    .try_emplace(k.identifier,
                                 KeyPackage{k.suite, k.identifier, SecretScalar(k.signing_share.view()),
                                            k.verifying_share, k.group_public_key, k.min_signers},
                                 message)
                    .first;
      auto m = it->second.start(random);
      ASSERT_TRUE(m.ok());
      auto out = c->on_message(k.identifier, *m);
      ASSERT_TRUE(out.ok());
      started.insert(started.end(), out->begin(), out->end());
    }
    ASSERT_EQ(started.size(), 1u);
    for (const auto& commitment : started[0].package.commitments) {
      auto answer = signers.at(commitment.identifier).on_request(started[0], random);
      ASSERT_TRUE(answer.ok());
      ASSERT_TRUE(c->on_message(commitment.identifier, *answer).ok());
    }
    ASSERT_TRUE(c->finished());
    EXPECT_TRUE(verify_signature(Suite::ed25519, key->group_public_key, message, *c->signature()).is_ok());
  }
  EXPECT_EQ(key.use_count(), 1);  // the coordinators are gone; the package is still here
}

// A committee's identifiers need not be 1..n: the coordinator indexes members by position among the key's
// identifiers, refuses every other sender, and sorts each session's signers by identifier.
TEST(Roast, SparseIdentifiers) {
  PublicKeyPackage key;
  key.min_signers = 3;
  for (const Identifier id : {2u, 5u, 9u, 40u}) key.verifying_shares[id] = Element{};
  auto c = Coordinator::create(key, Bytes{1, 2, 3}, std::make_shared<FirstByteChecks>());
  ASSERT_TRUE(c.ok());
  auto commit = [](Identifier id, std::uint8_t k) {
    SignerMessage m;
    m.sender = id;
    m.next_commitment.identifier = id;
    m.next_commitment.hiding[0] = k;
    return m;
  };
  auto answer = [&](Identifier id, std::uint32_t session, bool good, std::uint8_t k) {
    SignerMessage m = commit(id, k);
    m.session_id = session;
    Scalar share{};
    share[0] = good ? 0 : 1;
    m.share = share;
    return m;
  };
  for (const Identifier stranger : {0u, 1u, 3u, 41u}) {
    auto r = c->on_message(stranger, commit(stranger, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), "unknown_member");
  }
  EXPECT_TRUE(c->on_message(40, commit(40, 1))->empty());
  EXPECT_TRUE(c->on_message(2, commit(2, 1))->empty());
  auto first = c->on_message(9, commit(9, 1));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].session_id, 0u);
  std::vector<Identifier> ids;
  for (const auto& x : (*first)[0].package.commitments) ids.push_back(x.identifier);
  EXPECT_EQ(ids, (std::vector<Identifier>{2, 9, 40}));
  EXPECT_TRUE(c->on_message(2, answer(2, 0, true, 2))->empty());
  EXPECT_TRUE(c->on_message(40, answer(40, 0, false, 2))->empty());  // a bad share, not checked yet
  EXPECT_TRUE(c->malicious().empty());
  // The last share completes session 0; its aggregate fails and names 40. 2 and 9 are responsive.
  EXPECT_TRUE(c->on_message(9, answer(9, 0, true, 2))->empty());
  EXPECT_EQ(c->malicious(), (std::set<Identifier>{40}));
  EXPECT_TRUE(c->on_message(40, commit(40, 3))->empty());  // ignored from now on
  EXPECT_FALSE(c->finished());
  auto second = c->on_message(5, commit(5, 1));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].session_id, 1u);
  for (const Identifier id : {9u, 2u, 5u}) EXPECT_TRUE(c->on_message(id, answer(id, 1, true, 3)).ok());
  EXPECT_TRUE(c->finished());
  EXPECT_EQ(c->signers(), (std::vector<Identifier>{2, 5, 9}));
  EXPECT_EQ(c->sessions_started(), 2u);
  EXPECT_FALSE(c->failed());
}

RC_GTEST_PROP(Roast, AlwaysSignsWithinBoundAndNeverBlamesTheHonest, ()) {
  const auto n = *rc::gen::inRange<std::uint32_t>(2, 10);
  const auto t = *rc::gen::inRange<std::uint32_t>(2, n + 1);
  const auto faulty = *rc::gen::inRange<std::uint32_t>(0, n - t + 1);
  const auto suite = *rc::gen::element(Suite::ed25519, Suite::ristretto255);
  auto ids = *rc::gen::unique<std::vector<Identifier>>(faulty, rc::gen::inRange<Identifier>(1, n + 1));
  std::map<Identifier, Behaviour> behaviour;
  for (const Identifier id : ids) {
    behaviour[id] = *rc::gen::element(Behaviour::silent, Behaviour::silent_after_commit, Behaviour::bad_share,
                                      Behaviour::bad_commitment, Behaviour::unsolicited);
  }
  const auto key_seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto schedule_seed = *rc::gen::arbitrary<std::uint64_t>();
  const Bytes message = *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>());
  const Outcome o = simulate(suite, n, t, behaviour, key_seed, schedule_seed, message);
  RC_ASSERT(o.finished);
  RC_ASSERT(o.sessions <= n - t + 1);
  RC_ASSERT(verify_signature(suite, o.group_key, message, *o.signature).is_ok());
  for (const Identifier id : o.malicious) RC_ASSERT(behaviour.count(id) == 1U);  // never an honest member
}

}  // namespace
}  // namespace credence::threshold::roast
