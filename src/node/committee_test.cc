// The committee's messages and signing, in one process: envelopes (authentication, replay, strictness), the member
// service (re-checks before signing, refuses visibly), and robust signing with silent and bad-share members.
#include "credence/node/committee.h"

#include <gtest/gtest.h>

#include <atomic>

#include "credence/crypto/random.h"
#include "credence/threshold/messages.h"

namespace credence::node::committee {
namespace {

constexpr std::uint64_t kChain = 1337;

std::atomic<std::uint64_t> g_now_ms{1'800'000'000'000};
std::uint64_t test_clock() { return g_now_ms.load(); }

Hash256 filled(std::uint8_t b) {
  Hash256 h{};
  h.fill(b);
  return h;
}

// A chain of checkpoint headers the test controls; statements are checked against the roots it holds.
class FakeChain final : public Checker {
 public:
  std::map<std::uint64_t, core::Checkpoint> headers;
  Status check_checkpoint(const core::Checkpoint& c) override {
    auto it = headers.find(c.height);
    if (it == headers.end()) return Status::invalid("unknown_height");
    return it->second == c ? Status::ok() : Status::invalid("checkpoint_mismatch");
  }
  Status check_statement(const core::VerdictStatement& s, const core::ProofBundle& proof) override {
    auto it = headers.find(s.height);
    if (it == headers.end()) return Status::invalid("unknown_height");
    return check_statement_against_root(s, proof, it->second.state_root);
  }
};

struct Committee {
  crypto::ed25519::SecretKey coordinator_key;
  std::vector<crypto::ed25519::SecretKey> identity_keys;
  LocalCeremony ceremony;
  FakeChain chain;
  std::vector<std::unique_ptr<MemberService>> members;
  LocalTransport transport;

  Committee(std::uint32_t n, std::uint32_t t, std::map<threshold::Identifier, Fault> faults, crypto::RandomSource& random)
      : coordinator_key(crypto::ed25519::SecretKey::generate(random)) {
    std::vector<FixedBytes<32>> identities;
    for (std::uint32_t i = 0; i < n; ++i) {
      identity_keys.push_back(crypto::ed25519::SecretKey::generate(random));
      identities.push_back(identity_keys.back().public_key().bytes());
    }
    auto c = run_local_dkg(identities, t, coordinator_key.public_key().bytes(), random);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    ceremony = std::move(*c);
    chain.headers[10] = core::Checkpoint{kChain, 10, filled(0x10), 1'800'000'000};
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto id = i + 1;
      auto fault = faults.contains(id) ? faults[id] : Fault::none;
      members.push_back(std::make_unique<MemberService>(
          ceremony.committee,
          threshold::KeyPackage{ceremony.shares[i].suite, ceremony.shares[i].identifier,
                                threshold::SecretScalar(ceremony.shares[i].signing_share.view()),
                                ceremony.shares[i].verifying_share, ceremony.shares[i].group_public_key,
                                ceremony.shares[i].min_signers},
          crypto::ed25519::SecretKey::from_seed(identity_keys[i].seed()), kChain, chain, test_clock, fault));
      transport.add(*members.back());
    }
  }

  Coordinator coordinator() {
    return Coordinator(ceremony.committee, crypto::ed25519::SecretKey::from_seed(coordinator_key.seed()), kChain,
                       transport, test_clock);
  }
};

SignRequest checkpoint_request(const core::Checkpoint& c, crypto::RandomSource& random) {
  SignRequest r;
  r.signing_id = random.bytes<32>();
  r.kind = SigningKind::checkpoint;
  r.checkpoint = c;
  return r;
}

TEST(Committee, CheckpointIsOneEd25519SignatureUnderTheDkgGroupKey) {
  crypto::DeterministicRandom random(1);
  Committee committee(4, 3, {}, random);
  auto coordinator = committee.coordinator();
  const auto request = checkpoint_request(committee.chain.headers[10], random);
  const auto outcome = coordinator.sign(request, test_clock() + 5000);
  ASSERT_TRUE(outcome.signature.has_value()) << (outcome.failures.empty() ? "" : outcome.failures.begin()->second);
  EXPECT_EQ(outcome.signers.size(), 3u);
  EXPECT_TRUE(outcome.malicious.empty());
  const core::CheckpointCertificate cert{*request.checkpoint, *outcome.signature};
  EXPECT_TRUE(core::verify_checkpoint_certificate(cert, committee.ceremony.committee.group_public_key).is_ok());
}

TEST(Committee, SilentMembersUpToNMinusTDoNotStopSigning) {
  crypto::DeterministicRandom random(2);
  Committee committee(7, 5, {{2, Fault::silent}, {6, Fault::silent}}, random);
  auto coordinator = committee.coordinator();
  committee.chain.headers[10].chain_id = kChain;
  const auto outcome = coordinator.sign(checkpoint_request(committee.chain.headers[10], random), test_clock() + 5000);
  ASSERT_TRUE(outcome.signature.has_value());
  for (auto id : outcome.signers) EXPECT_TRUE(id != 2 && id != 6);

  // One more silent member than n − t: no signature, and sign() returns instead of waiting forever.
  Committee worse(7, 5, {{1, Fault::silent}, {2, Fault::silent}, {3, Fault::silent}}, random);
  auto c2 = worse.coordinator();
  const auto failed = c2.sign(checkpoint_request(worse.chain.headers[10], random), test_clock() + 5000);
  EXPECT_FALSE(failed.signature.has_value());
  EXPECT_FALSE(failed.deadline_exceeded);  // every member answered or stayed silent: nothing left to wait for
}

TEST(Committee, BadShareMemberIsExcludedAndNamedAndSigningStillSucceeds) {
  crypto::DeterministicRandom random(3);
  Committee committee(5, 3, {{1, Fault::bad_share}}, random);
  auto coordinator = committee.coordinator();
  bool excluded_seen = false;
  // Member 1 is caught in the first signing whose session includes it; arrival order decides when that is.
  for (int round = 0; round < 30 && !excluded_seen; ++round) {
    const auto outcome =
        coordinator.sign(checkpoint_request(committee.chain.headers[10], random), test_clock() + 5000);
    ASSERT_TRUE(outcome.signature.has_value()) << round;
    for (auto id : outcome.signers) EXPECT_NE(id, 1u);
    for (auto id : outcome.malicious) EXPECT_EQ(id, 1u);  // never an honest member
    excluded_seen = excluded_seen || outcome.malicious.contains(1);
    EXPECT_TRUE(core::verify_checkpoint_certificate({committee.chain.headers[10], *outcome.signature},
                                                    committee.ceremony.committee.group_public_key)
                    .is_ok());
  }
  EXPECT_TRUE(excluded_seen);
}

TEST(Committee, MembersRefuseWhatTheirOwnChainContradicts) {
  crypto::DeterministicRandom random(4);
  Committee committee(4, 3, {}, random);
  auto coordinator = committee.coordinator();
  core::Checkpoint forged = committee.chain.headers[10];
  forged.state_root = filled(0xee);
  const auto outcome = coordinator.sign(checkpoint_request(forged, random), test_clock() + 5000);
  EXPECT_FALSE(outcome.signature.has_value());
  ASSERT_EQ(outcome.refusals.size(), 4u);
  for (const auto& [id, why] : outcome.refusals) EXPECT_NE(why.find("checkpoint_mismatch"), std::string::npos);

  // A verdict batch whose statement claims a root the members do not hold for that height.
  SignRequest batch;
  batch.signing_id = random.bytes<32>();
  batch.kind = SigningKind::verdict_batch;
  core::VerdictStatement s;
  s.chain_id = kChain;
  s.attestation = filled(1);
  s.valid = false;
  s.reasons = {"unknown_attestation"};
  s.height = 10;
  s.state_root = filled(0x11);
  s.issued_at = test_clock() / 1000;
  s.deadline_ms = test_clock() + 1000;
  core::ProofBundle proof;
  proof.root = s.state_root;
  batch.batch.push_back(BatchItem{s, proof});
  const auto refused = coordinator.sign(batch, test_clock() + 5000);
  EXPECT_FALSE(refused.signature.has_value());
  ASSERT_EQ(refused.refusals.size(), 4u);
  EXPECT_NE(refused.refusals.begin()->second.find("state_root_mismatch"), std::string::npos);
}

class EnvelopeTest : public ::testing::Test {
 protected:
  crypto::DeterministicRandom random{5};
  Committee committee{4, 3, {}, random};

  Envelope request_to(std::size_t member, MessageKind kind, Bytes payload) {
    Envelope e;
    e.kind = kind;
    e.chain_id = kChain;
    e.sender = committee.coordinator_key.public_key().bytes();
    e.recipient = committee.identity_keys[member].public_key().bytes();
    e.nonce = random.bytes<16>();
    e.time_ms = test_clock();
    e.payload = std::move(payload);
    return e;
  }
  Bytes sign_payload() {
    return encode_sign_request(checkpoint_request(committee.chain.headers[10], random));
  }
};

TEST_F(EnvelopeTest, SealedEnvelopesRoundTripAndAreStrict) {
  const Envelope e = request_to(0, MessageKind::sign_request, sign_payload());
  const Bytes sealed = seal(e, committee.coordinator_key);
  auto opened = open(sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  EXPECT_EQ(opened->payload, e.payload);
  EXPECT_EQ(opened->nonce, e.nonce);
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    Bytes flipped = sealed;
    flipped[i] ^= 0x40;
    EXPECT_FALSE(open(flipped).ok()) << "byte " << i;
  }
  Bytes trailing = sealed;
  trailing.insert(trailing.end() - 64, 0);
  EXPECT_FALSE(open(trailing).ok());
  EXPECT_FALSE(open(ByteView(sealed).first(40)).ok());
  // A request that claims to answer something, or a reply that answers nothing, is malformed.
  Envelope odd = e;
  odd.in_reply_to = random.bytes<16>();
  EXPECT_EQ(open(seal(odd, committee.coordinator_key)).status().code(), "bad_envelope");
}

TEST_F(EnvelopeTest, MembersRefuseUnsignedForgedReplayedStaleAndMisaddressedMessages) {
  MemberService& member = *committee.members[0];
  const Envelope good = request_to(0, MessageKind::sign_request, sign_payload());
  const Bytes sealed = seal(good, committee.coordinator_key);
  auto first = member.handle(sealed);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_TRUE(first->has_value());
  // The same bytes again: a replay.
  EXPECT_EQ(member.handle(sealed).status().code(), "replayed_message");
  // Signed by someone who is not the coordinator (a member's key, or a stranger's).
  Envelope from_member = request_to(0, MessageKind::sign_request, sign_payload());
  from_member.sender = committee.identity_keys[1].public_key().bytes();
  EXPECT_EQ(member.handle(seal(from_member, committee.identity_keys[1])).status().code(), "unknown_sender");
  // Unsigned: the signature bytes zeroed.
  Bytes unsigned_bytes = seal(request_to(0, MessageKind::sign_request, sign_payload()), committee.coordinator_key);
  std::fill(unsigned_bytes.end() - 64, unsigned_bytes.end(), 0);
  EXPECT_FALSE(member.handle(unsigned_bytes).ok());
  // Addressed to another member.
  EXPECT_EQ(member.handle(seal(request_to(1, MessageKind::sign_request, sign_payload()), committee.coordinator_key))
                .status()
                .code(),
            "wrong_recipient");
  // Another chain.
  Envelope other_chain = request_to(0, MessageKind::sign_request, sign_payload());
  other_chain.chain_id = kChain + 1;
  EXPECT_EQ(member.handle(seal(other_chain, committee.coordinator_key)).status().code(), "bad_chain_id");
  // Outside the window, either way.
  Envelope old = request_to(0, MessageKind::sign_request, sign_payload());
  old.time_ms = test_clock() - kReplayWindowMs - 1;
  EXPECT_EQ(member.handle(seal(old, committee.coordinator_key)).status().code(), "stale_message");
  Envelope future = request_to(0, MessageKind::sign_request, sign_payload());
  future.time_ms = test_clock() + kReplayWindowMs + 1;
  EXPECT_EQ(member.handle(seal(future, committee.coordinator_key)).status().code(), "stale_message");
  // A session request for a signing the member never started.
  codec::Writer w;
  w.fixed<32>(filled(9)).bytes(threshold::encode_session_request(threshold::Suite::ed25519, {}));
  EXPECT_FALSE(member.handle(seal(request_to(0, MessageKind::session_request, std::move(w).take()),
                                  committee.coordinator_key))
                   .ok());
}

TEST(Committee, FilesRoundTripAndAreStrict) {
  crypto::DeterministicRandom random(6);
  Committee committee(4, 3, {}, random);
  const codec::Json json = to_json(committee.ceremony.committee);
  auto back = committee_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->group_public_key, committee.ceremony.committee.group_public_key);
  EXPECT_EQ(back->members.size(), 4u);
  auto broken = [&](auto mutate) {
    codec::Json j = json;
    mutate(j);
    return committee_from_json(j).status().code();
  };
  EXPECT_EQ(broken([](codec::Json& j) { j["threshold"] = 5; }), "bad_committee");
  EXPECT_EQ(broken([](codec::Json& j) { j["threshold"] = 1; }), "bad_committee");
  EXPECT_EQ(broken([](codec::Json& j) { j["suite"] = "ristretto255"; }), "bad_committee");
  EXPECT_EQ(broken([](codec::Json& j) { j["members"][1]["id"] = 1; }), "bad_committee");
  EXPECT_EQ(broken([](codec::Json& j) { j["members"][1]["identity"] = j["members"][0]["identity"]; }),
            "bad_committee");
  EXPECT_EQ(broken([](codec::Json& j) { j["extra"] = true; }), "bad_committee");

  const codec::Json share = share_to_json(committee.ceremony.shares[0]);
  auto share_back = share_from_json(share);
  ASSERT_TRUE(share_back.ok()) << share_back.status().to_string();
  EXPECT_EQ(share_back->verifying_share, committee.ceremony.shares[0].verifying_share);
  codec::Json swapped = share;
  swapped["verifying_share"] = share_to_json(committee.ceremony.shares[1])["verifying_share"];
  EXPECT_EQ(share_from_json(swapped).status().code(), "bad_share");
}

}  // namespace
}  // namespace credence::node::committee
