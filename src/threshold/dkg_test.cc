#include "credence/threshold/dkg.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "credence/codec/hex.h"
#include "group.h"
#include "vectors.h"

namespace credence::threshold::dkg {
namespace {

template <std::size_t N>
FixedBytes<N> fixed(const nlohmann::json& v) {
  auto b = codec::hex_decode_fixed<N>(v.get<std::string>());
  EXPECT_TRUE(b.ok()) << v;
  return b.ok() ? *b : FixedBytes<N>{};
}

Scalar scalar_of(FixedView<32> v) {
  Scalar s{};
  std::copy(v.begin(), v.end(), s.begin());
  return s;
}

Round2Package copy_package(const Round2Package& p) {
  Round2Package c;
  c.sender = p.sender;
  c.recipient = p.recipient;
  c.share = SecretScalar(p.share.view());
  return c;
}

// ZF frost-ed25519 DKG vectors: every participant re-derives its commitments, the shares it sends, and its keys.
TEST(Dkg, ZcashFoundationEd25519Vectors) {
  auto cases = test::load_vectors("threshold/dkg_ed25519_sha512.json");
  ASSERT_EQ(cases.size(), 1U);
  auto& c = cases[0];
  SCOPED_TRACE(c.where());
  ASSERT_EQ(c.str("suite"), "ed25519");
  const Suite suite = Suite::ed25519;
  const auto max = static_cast<std::uint32_t>(c.integer("max_participants"));
  const auto min = static_cast<std::uint32_t>(c.integer("min_participants"));
  const auto verifying_key = c.hex_fixed<32>("verifying_key");

  const auto& participants = c.raw("participants");
  ASSERT_EQ(participants.size(), max);
  std::map<Identifier, Round1Package> round1;
  for (const auto& p : participants) {
    for (const auto& [k, v] : p.items()) {
      EXPECT_TRUE(k == "identifier" || k == "signing_key" || k == "coefficient" || k == "vss_commitments" ||
                  k == "proof_of_knowledge" || k == "signing_shares" || k == "verifying_share" || k == "signing_share")
          << "unread nested field " << k;
    }
    Round1Package pkg;
    pkg.sender = p["identifier"].get<Identifier>();
    for (const auto& phi : p["vss_commitments"]) pkg.commitment.push_back(fixed<32>(phi));
    const auto pok = fixed<64>(p["proof_of_knowledge"]);
    std::copy(pok.begin(), pok.begin() + 32, pkg.proof_r.begin());
    std::copy(pok.begin() + 32, pok.end(), pkg.proof_mu.begin());
    EXPECT_TRUE(verify_proof_of_knowledge(suite, pkg).is_ok()) << pkg.sender;
    round1.emplace(pkg.sender, pkg);
  }
  // The group secret is Σ a_0 and the group key its multiple of B.
  Scalar group_secret{};
  for (const auto& p : participants) group::scalar_add(group_secret, fixed<32>(p["signing_key"]), group_secret);
  Element from_secret{};
  ASSERT_TRUE(group::base_mult(suite, group_secret, from_secret));
  EXPECT_EQ(from_secret, verifying_key);

  for (const auto& p : participants) {
    const auto id = p["identifier"].get<Identifier>();
    SCOPED_TRACE("participant " + std::to_string(id));
    const std::vector<Scalar> coefficients = {fixed<32>(p["signing_key"]), fixed<32>(p["coefficient"])};
    ASSERT_EQ(coefficients.size(), min);
    auto me = Participant::create_with_polynomial(suite, id, max, coefficients, identifier_scalar(7));
    ASSERT_TRUE(me.ok()) << me.status().to_string();
    EXPECT_EQ(me->round1_package().commitment, round1.at(id).commitment);
    auto sent = me->part2(round1);
    ASSERT_TRUE(sent.ok()) << sent.status().to_string();
    for (const auto& pkg : *sent) {
      const auto& recipient = participants[pkg.recipient - 1];
      EXPECT_EQ(scalar_of(pkg.share.view()), fixed<32>(recipient["signing_shares"][std::to_string(id)]));
    }
    std::map<Identifier, Round2Package> received;
    for (const auto& [sender, share] : p["signing_shares"].items()) {
      Round2Package pkg;
      pkg.sender = static_cast<Identifier>(std::stoul(sender));
      pkg.recipient = id;
      pkg.share = SecretScalar(fixed<32>(share));
      received.emplace(pkg.sender, std::move(pkg));
    }
    auto out = me->part3(received);
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    if (p.contains("signing_share")) {  // only participant 1's is consistent in the source (see the notes)
      EXPECT_EQ(scalar_of(out->key_package.signing_share.view()), fixed<32>(p["signing_share"]));
    }
    Element y{};
    ASSERT_TRUE(group::base_mult(suite, out->key_package.signing_share.view(), y));
    EXPECT_EQ(y, fixed<32>(p["verifying_share"]));
    EXPECT_EQ(out->key_package.verifying_share, fixed<32>(p["verifying_share"]));
    EXPECT_EQ(out->key_package.group_public_key, verifying_key);
    EXPECT_EQ(out->public_key.group_public_key, verifying_key);
    for (const auto& q : participants) {
      EXPECT_EQ(out->public_key.verifying_shares.at(q["identifier"].get<Identifier>()),
                fixed<32>(q["verifying_share"]));
    }
  }
}

struct Ceremony {
  std::vector<Participant> members;
  std::map<Identifier, Round1Package> round1;
};

Ceremony start(Suite suite, std::uint32_t n, std::uint32_t t, crypto::RandomSource& random) {
  Ceremony run;
  for (Identifier id = 1; id <= n; ++id) {
    auto p = Participant::create(suite, id, n, t, random);
    EXPECT_TRUE(p.ok());
    run.round1.emplace(id, p->round1_package());
    run.members.push_back(std::move(*p));
  }
  return run;
}

class DkgSuite : public ::testing::TestWithParam<Suite> {};

TEST_P(DkgSuite, FullRunThenFrostSigningVerifiesAsEd25519) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(11);
  const std::uint32_t n = 5;
  const std::uint32_t t = 3;
  Ceremony run = start(suite, n, t, random);
  std::map<Identifier, std::map<Identifier, Round2Package>> inbox;
  for (auto& m : run.members) {
    auto sent = m.part2(run.round1);
    ASSERT_TRUE(sent.ok()) << sent.status().to_string();
    ASSERT_EQ(sent->size(), n - 1);
    for (auto& pkg : *sent) inbox[pkg.recipient].emplace(pkg.sender, std::move(pkg));
  }
  std::vector<Output> outputs;
  for (auto& m : run.members) {
    auto out = m.part3(inbox[m.identifier()]);
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    outputs.push_back(std::move(*out));
  }
  for (const auto& o : outputs) {
    EXPECT_EQ(o.public_key.group_public_key, outputs[0].public_key.group_public_key);
    EXPECT_EQ(o.public_key.verifying_shares, outputs[0].public_key.verifying_shares);
  }
  // Sign with members {2, 4, 5}.
  const Bytes message = {'d', 'k', 'g'};
  SigningPackage package{message, {}};
  std::map<Identifier, SigningNonces> nonces;
  for (const Identifier id : {2U, 4U, 5U}) {
    auto nn = commit(outputs[id - 1].key_package, random);
    ASSERT_TRUE(nn.ok());
    package.commitments.push_back(nn->commitment);
    nonces.emplace(id, std::move(*nn));
  }
  std::map<Identifier, Scalar> shares;
  for (const Identifier id : {2U, 4U, 5U}) {
    auto z = sign(outputs[id - 1].key_package, std::move(nonces.at(id)), package);
    ASSERT_TRUE(z.ok());
    shares[id] = *z;
  }
  const auto agg = aggregate(outputs[0].public_key, package, shares);
  ASSERT_TRUE(agg.status.is_ok()) << agg.status.to_string();
  if (suite == Suite::ed25519) {
    EXPECT_EQ(crypto_sign_verify_detached(agg.signature->data(), message.data(), message.size(),
                                          outputs[0].public_key.group_public_key.data()),
              0);
  }
  EXPECT_EQ(run.members[0].part3({}).status().code(), "wrong_state");
}

TEST_P(DkgSuite, CheatingDealerOfSharesIsNamed) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(12);
  const std::uint32_t n = 4;
  Ceremony run = start(suite, n, 3, random);
  std::map<Identifier, std::map<Identifier, Round2Package>> inbox;
  for (auto& m : run.members) {
    auto sent = m.part2(run.round1);
    ASSERT_TRUE(sent.ok());
    for (auto& pkg : *sent) {
      if (pkg.sender == 3 && (pkg.recipient == 1 || pkg.recipient == 4)) {  // member 3 cheats towards 1 and 4
        Scalar one{};
        one[0] = 1;
        group::scalar_add(pkg.share.view(), one, pkg.share.mutable_view());
      }
      inbox[pkg.recipient].emplace(pkg.sender, std::move(pkg));
    }
  }
  for (auto& m : run.members) {
    auto out = m.part3(inbox[m.identifier()]);
    if (m.identifier() == 1 || m.identifier() == 4) {
      EXPECT_EQ(out.status().code(), "invalid_secret_share");
      EXPECT_EQ(m.culprits(), std::vector<Identifier>{3});
    } else {
      EXPECT_TRUE(out.ok());
      EXPECT_TRUE(m.culprits().empty());
    }
  }
}

TEST_P(DkgSuite, BadProofOfKnowledgeAndMissingPackagesAreNamed) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(13);
  {
    Ceremony run = start(suite, 4, 2, random);
    run.round1.at(2).proof_mu[0] ^= 1;  // forged proof
    auto r = run.members[0].part2(run.round1);
    EXPECT_EQ(r.status().code(), "invalid_proof_of_knowledge");
    EXPECT_EQ(run.members[0].culprits(), std::vector<Identifier>{2});
  }
  {
    // Someone else's commitments under a fresh identity: the proof is bound to the identifier.
    Ceremony run = start(suite, 4, 2, random);
    run.round1.at(4) = run.round1.at(3);
    run.round1.at(4).sender = 4;
    auto r = run.members[0].part2(run.round1);
    EXPECT_EQ(r.status().code(), "invalid_proof_of_knowledge");
    EXPECT_EQ(run.members[0].culprits(), std::vector<Identifier>{4});
  }
  {
    Ceremony run = start(suite, 4, 2, random);
    run.round1.erase(3);
    run.round1.at(2).commitment.pop_back();
    auto r = run.members[0].part2(run.round1);
    EXPECT_EQ(r.status().code(), "bad_round1_package");
    EXPECT_EQ(run.members[0].culprits(), (std::vector<Identifier>{2, 3}));
  }
  {
    Ceremony run = start(suite, 3, 2, random);
    run.round1.at(2).commitment[1] = group::identity(suite);
    auto r = run.members[0].part2(run.round1);
    EXPECT_EQ(r.status().code(), "bad_round1_package");
    EXPECT_EQ(run.members[0].culprits(), std::vector<Identifier>{2});
  }
  {
    // Missing round-2 package.
    Ceremony run = start(suite, 3, 2, random);
    std::map<Identifier, std::map<Identifier, Round2Package>> inbox;
    for (auto& m : run.members) {
      auto sent = m.part2(run.round1);
      ASSERT_TRUE(sent.ok());
      for (auto& pkg : *sent) inbox[pkg.recipient].emplace(pkg.sender, std::move(pkg));
    }
    auto partial = std::map<Identifier, Round2Package>();
    partial.emplace(2, copy_package(inbox[1].at(2)));
    EXPECT_EQ(run.members[0].part3(partial).status().code(), "bad_round2_package");
    EXPECT_EQ(run.members[0].culprits(), std::vector<Identifier>{3});
    EXPECT_TRUE(run.members[0].part3(inbox[1]).ok());
  }
}

TEST(Dkg, ParametersAreChecked) {
  crypto::DeterministicRandom random(1);
  EXPECT_EQ(Participant::create(Suite::ed25519, 1, 3, 1, random).status().code(), "invalid_parameters");
  EXPECT_EQ(Participant::create(Suite::ed25519, 4, 3, 2, random).status().code(), "invalid_parameters");
  EXPECT_EQ(Participant::create(Suite::ed25519, 0, 3, 2, random).status().code(), "invalid_parameters");
}

INSTANTIATE_TEST_SUITE_P(BothSuites, DkgSuite, ::testing::Values(Suite::ed25519, Suite::ristretto255),
                         [](const ::testing::TestParamInfo<Suite>& p) { return std::string(suite_name(p.param)); });

}  // namespace
}  // namespace credence::threshold::dkg
