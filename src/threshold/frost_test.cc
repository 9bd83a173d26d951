#include "credence/threshold/frost.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

#include "credence/codec/hex.h"
#include "group.h"
#include "vectors.h"

namespace credence::threshold {
namespace {

Suite suite_from(const std::string& name) {
  return name == "ristretto255" ? Suite::ristretto255 : Suite::ed25519;
}

template <std::size_t N>
FixedBytes<N> fixed(const nlohmann::json& v) {
  auto b = codec::hex_decode_fixed<N>(v.get<std::string>());
  EXPECT_TRUE(b.ok()) << v;
  return b.ok() ? *b : FixedBytes<N>{};
}

Bytes hex_bytes(const nlohmann::json& v) {
  auto b = codec::hex_decode(v.get<std::string>());
  EXPECT_TRUE(b.ok()) << v;
  return b.ok() ? *b : Bytes{};
}

// Nested objects of a vector case: every key must be one we read (the harness only checks the top level).
void expect_keys(const nlohmann::json& obj, const std::set<std::string>& keys) {
  for (const auto& [k, v] : obj.items()) EXPECT_TRUE(keys.count(k)) << "unread nested field " << k;
}

Scalar scalar_of(FixedView<32> v) {
  Scalar s{};
  std::copy(v.begin(), v.end(), s.begin());
  return s;
}

// RFC 9591 Appendix E, byte for byte: split, round 1, binding factors, round 2, aggregate, verify.
void run_rfc_vector(const std::string& file) {
  auto cases = test::load_vectors(file);
  ASSERT_EQ(cases.size(), 1U);
  auto& c = cases[0];
  SCOPED_TRACE(c.where());
  const Suite suite = suite_from(c.str("suite"));
  const auto max = static_cast<std::uint32_t>(c.integer("max_participants"));
  const auto min = static_cast<std::uint32_t>(c.integer("min_participants"));
  const auto secret = c.hex_fixed<32>("group_secret_key");
  const auto group_key = c.hex_fixed<32>("group_public_key");
  const Bytes message = c.hex("message");
  std::vector<Scalar> coefficients;
  for (const auto& a : c.raw("share_polynomial_coefficients")) coefficients.push_back(fixed<32>(a));
  ASSERT_EQ(coefficients.size() + 1, min);

  auto dealt = split_secret(suite, secret, coefficients, max);
  ASSERT_TRUE(dealt.ok()) << dealt.status().to_string();
  EXPECT_EQ(dealt->public_key.group_public_key, group_key);
  ASSERT_EQ(dealt->key_packages.size(), max);
  for (const auto& share : c.raw("participant_shares")) {
    expect_keys(share, {"identifier", "participant_share"});
    const auto id = share["identifier"].get<Identifier>();
    ASSERT_GE(id, 1U);
    ASSERT_LE(id, max);
    EXPECT_EQ(scalar_of(dealt->key_packages[id - 1].signing_share.view()), fixed<32>(share["participant_share"]));
  }

  std::vector<Identifier> participants;
  for (const auto& p : c.raw("participant_list")) participants.push_back(p.get<Identifier>());
  SigningPackage package;
  package.message = message;
  std::map<Identifier, SigningNonces> nonces;
  const auto& round_one = c.raw("round_one_outputs");
  ASSERT_EQ(round_one.size(), participants.size());
  for (const auto& r1 : round_one) {
    expect_keys(r1,
                {"identifier", "hiding_nonce_randomness", "binding_nonce_randomness", "hiding_nonce", "binding_nonce",
                 "hiding_nonce_commitment", "binding_nonce_commitment", "binding_factor_input", "binding_factor"});
    const auto id = r1["identifier"].get<Identifier>();
    auto n = commit_with_randomness(dealt->key_packages[id - 1], fixed<32>(r1["hiding_nonce_randomness"]),
                                    fixed<32>(r1["binding_nonce_randomness"]));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(scalar_of(n->hiding.view()), fixed<32>(r1["hiding_nonce"]));
    EXPECT_EQ(scalar_of(n->binding.view()), fixed<32>(r1["binding_nonce"]));
    EXPECT_EQ(n->commitment.hiding, fixed<32>(r1["hiding_nonce_commitment"]));
    EXPECT_EQ(n->commitment.binding, fixed<32>(r1["binding_nonce_commitment"]));
    package.commitments.push_back(n->commitment);
    nonces.emplace(id, std::move(*n));
  }
  auto factors = compute_binding_factors(suite, group_key, package);
  ASSERT_TRUE(factors.ok());
  for (const auto& r1 : round_one) {
    const auto id = r1["identifier"].get<Identifier>();
    const auto it = std::find_if(factors->begin(), factors->end(), [id](const auto& f) { return f.identifier == id; });
    ASSERT_NE(it, factors->end());
    EXPECT_EQ(it->input, hex_bytes(r1["binding_factor_input"]));
    EXPECT_EQ(it->factor, fixed<32>(r1["binding_factor"]));
  }

  std::map<Identifier, Scalar> shares;
  for (const auto& r2 : c.raw("round_two_outputs")) {
    expect_keys(r2, {"identifier", "sig_share"});
    const auto id = r2["identifier"].get<Identifier>();
    auto z = sign(dealt->key_packages[id - 1], std::move(nonces.at(id)), package);
    ASSERT_TRUE(z.ok()) << z.status().to_string();
    EXPECT_EQ(*z, fixed<32>(r2["sig_share"]));
    EXPECT_TRUE(verify_signature_share(dealt->public_key, package, id, *z).is_ok());
    shares[id] = *z;
  }
  const auto expected_sig = c.hex_fixed<64>("sig");
  const AggregateOutcome agg = aggregate(dealt->public_key, package, shares);
  ASSERT_TRUE(agg.status.is_ok()) << agg.status.to_string();
  ASSERT_TRUE(agg.signature.has_value());
  EXPECT_EQ(*agg.signature, expected_sig);
  EXPECT_TRUE(verify_signature(suite, group_key, message, expected_sig).is_ok());
  if (suite == Suite::ed25519) {
    // Plain RFC 8032 verification, straight through libsodium.
    EXPECT_EQ(crypto_sign_verify_detached(expected_sig.data(), message.data(), message.size(), group_key.data()), 0);
  }
}

TEST(Frost, Rfc9591AppendixE1Ed25519) {
  run_rfc_vector("threshold/frost_ed25519_sha512.json");
}
TEST(Frost, Rfc9591AppendixE3Ristretto255) {
  run_rfc_vector("threshold/frost_ristretto255_sha512.json");
}

TEST(Frost, ElementAndScalarEncodings) {
  auto cases = test::load_vectors("threshold/frost_encodings.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string kind = c.str("kind");
    const std::string suite = c.str("suite");
    const auto encoding = c.hex_fixed<32>("encoding");
    const bool valid = c.boolean("valid");
    const std::string reason = c.str("reason");
    const Status got =
        kind == "element" ? parse_element(suite_from(suite), encoding).status() : parse_scalar(encoding).status();
    EXPECT_EQ(got.is_ok(), valid) << got.to_string();
    EXPECT_EQ(got.code(), reason);
  }
}

// B + T for every torsion point T: in the curve, not in the prime-order subgroup; all rejected.
TEST(Frost, MixedOrderEd25519PointsAreRejected) {
  Element base{};
  ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(base.data(), identifier_scalar(1).data()), 0);
  for (const char* torsion : {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                              "0000000000000000000000000000000000000000000000000000000000000000",
                              "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"}) {
    const auto t = codec::hex_decode_fixed<32>(torsion);
    ASSERT_TRUE(t.ok());
    Element mixed{};
    ASSERT_EQ(crypto_core_ed25519_add(mixed.data(), base.data(), t->data()), 0);
    EXPECT_EQ(parse_element(Suite::ed25519, mixed).status().code(), "invalid_element");
  }
}

// The per-thread memo of valid Ed25519 encodings only remembers answers: an encoding sharing a valid point's memo
// slot (same first byte) and a mixed-order point stay invalid, before and after, and the valid point stays valid.
TEST(Frost, ValidPointMemoChangesNoAnswer) {
  Element base{};
  ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(base.data(), identifier_scalar(7).data()), 0);
  const auto torsion = codec::hex_decode_fixed<32>("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
  ASSERT_TRUE(torsion.ok());
  Element mixed{};
  ASSERT_EQ(crypto_core_ed25519_add(mixed.data(), base.data(), torsion->data()), 0);
  Element same_slot = base;  // same first byte (so the same memo slot), last byte changed
  same_slot[31] ^= 0x40;
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(group::is_valid_element(Suite::ed25519, base));
    EXPECT_FALSE(group::is_valid_element(Suite::ed25519, mixed));
    EXPECT_FALSE(group::is_valid_element(Suite::ed25519, same_slot));
    EXPECT_FALSE(group::is_valid_element(Suite::ed25519, group::identity(Suite::ed25519)));
    EXPECT_EQ(group::is_valid_element(Suite::ed25519, same_slot), crypto_core_ed25519_is_valid_point(same_slot.data()) == 1);
  }
}

// libsodium traps, pinned so that a library change is noticed (docs/threshold.md "libsodium pitfalls").
TEST(Frost, LibsodiumPitfallsAreHandled) {
  // Bit 255 is dropped by the multiplication: (5 | 2^255)·B == 5·B. Our scalar parser rejects such input.
  Scalar five{};
  five[0] = 5;
  Scalar five_high = five;
  five_high[31] |= 0x80;
  Element a{};
  Element b{};
  ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(a.data(), five.data()), 0);
  ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(b.data(), five_high.data()), 0);
  EXPECT_EQ(a, b);
  EXPECT_FALSE(parse_scalar(five_high).ok());
  // Multiplying by zero fails instead of returning the identity.
  for (Suite s : {Suite::ed25519, Suite::ristretto255}) {
    Element out{};
    EXPECT_FALSE(group::base_mult(s, Scalar{}, out));
  }
  // libsodium accepts the ristretto identity; we do not.
  EXPECT_EQ(crypto_core_ristretto255_is_valid_point(Element{}.data()), 1);
  EXPECT_FALSE(parse_element(Suite::ristretto255, Element{}).ok());
  // Adding B and −B yields the identity encoding rather than an error.
  Scalar minus_one{};
  crypto_core_ed25519_scalar_negate(minus_one.data(), identifier_scalar(1).data());
  Element neg{};
  ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(neg.data(), minus_one.data()), 0);
  Element base{};
  ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(base.data(), identifier_scalar(1).data()), 0);
  Element sum{};
  ASSERT_TRUE(group::add(Suite::ed25519, base, neg, sum));
  EXPECT_TRUE(group::is_identity(Suite::ed25519, sum));
}

class FrostSuite : public ::testing::TestWithParam<Suite> {};

// One honest signing round of `signers` over `message`: the package and every signer's share.
struct SignedRound {
  SigningPackage package;
  std::map<Identifier, Scalar> shares;
};
SignedRound sign_round(const DealerOutput& dealt, const std::vector<Identifier>& signers, const Bytes& message,
                       crypto::RandomSource& random) {
  SignedRound round{{message, {}}, {}};
  std::map<Identifier, SigningNonces> nonces;
  for (const Identifier id : signers) {
    auto n = commit(dealt.key_packages[id - 1], random);
    EXPECT_TRUE(n.ok());
    round.package.commitments.push_back(n->commitment);
    nonces.emplace(id, std::move(*n));
  }
  for (const Identifier id : signers) {
    auto z = sign(dealt.key_packages[id - 1], std::move(nonces.at(id)), round.package);
    EXPECT_TRUE(z.ok()) << z.status().to_string();
    if (z.ok()) round.shares[id] = *z;
  }
  return round;
}

TEST_P(FrostSuite, DealerSigningRoundTripAndPlainEd25519) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(42);
  auto dealt = trusted_dealer_keygen(suite, 5, 3, random);
  ASSERT_TRUE(dealt.ok());
  const Bytes message = {'c', 'r', 'e', 'd'};
  for (const std::vector<Identifier>& signers :
       std::vector<std::vector<Identifier>>{{1, 2, 3}, {5, 3, 1}, {2, 4, 5}, {1, 2, 3, 4, 5}}) {
    const SignedRound round = sign_round(*dealt, signers, message, random);
    const auto agg = aggregate(dealt->public_key, round.package, round.shares);
    ASSERT_TRUE(agg.status.is_ok()) << agg.status.to_string();
    ASSERT_TRUE(agg.signature.has_value());
    EXPECT_TRUE(verify_signature(suite, dealt->public_key.group_public_key, message, *agg.signature).is_ok());
    if (suite == Suite::ed25519) {
      EXPECT_EQ(crypto_sign_verify_detached(agg.signature->data(), message.data(), message.size(),
                                            dealt->public_key.group_public_key.data()),
                0);
    }
    Bytes other = message;
    other.push_back('!');
    EXPECT_EQ(verify_signature(suite, dealt->public_key.group_public_key, other, *agg.signature).code(),
              "bad_signature");
  }
}

TEST_P(FrostSuite, CorruptedShareFailsAndBlamesExactlyItsSender) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(7);
  auto dealt = trusted_dealer_keygen(suite, 4, 3, random);
  ASSERT_TRUE(dealt.ok());
  const std::vector<Identifier> signers = {1, 2, 4};
  for (const std::set<Identifier>& cheaters : std::vector<std::set<Identifier>>{{2}, {1, 4}, {1, 2, 4}}) {
    SignedRound round = sign_round(*dealt, signers, {9, 9, 9}, random);
    const SigningPackage& package = round.package;
    std::map<Identifier, Scalar>& shares = round.shares;
    for (auto& [id, z] : shares) {
      if (cheaters.count(id)) {
        Scalar one{};
        one[0] = 1;
        group::scalar_add(z, one, z);  // still canonical, just wrong
      }
      EXPECT_EQ(verify_signature_share(dealt->public_key, package, id, z).is_ok(), !cheaters.count(id));
    }
    const auto agg = aggregate(dealt->public_key, package, shares);
    EXPECT_EQ(agg.status.code(), "invalid_signature_share");
    EXPECT_FALSE(agg.signature.has_value());
    EXPECT_EQ(std::set<Identifier>(agg.culprits.begin(), agg.culprits.end()), cheaters);
  }
}

TEST_P(FrostSuite, NonCanonicalShareIsBlamed) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(8);
  auto dealt = trusted_dealer_keygen(suite, 3, 2, random);
  ASSERT_TRUE(dealt.ok());
  SignedRound round = sign_round(*dealt, {1, 2}, {1}, random);
  const SigningPackage& package = round.package;
  std::map<Identifier, Scalar>& shares = round.shares;
  // z + L: the same residue, non-canonical encoding.
  const auto l = codec::hex_decode_fixed<32>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  ASSERT_TRUE(l.ok());
  Scalar& z2 = shares[2];
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = unsigned{z2[i]} + unsigned{(*l)[i]} + carry;
    z2[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  if (carry == 0 && z2[31] < 0x20) {  // fits in 253 bits (always, since z < L < 2^253)
    EXPECT_EQ(verify_signature_share(dealt->public_key, package, 2, z2).code(), "non_canonical_scalar");
    const auto agg = aggregate(dealt->public_key, package, shares);
    EXPECT_EQ(agg.culprits, std::vector<Identifier>{2});
  }
}

TEST_P(FrostSuite, BadSigningPackagesAreRefused) {
  const Suite suite = GetParam();
  crypto::DeterministicRandom random(9);
  auto dealt = trusted_dealer_keygen(suite, 3, 2, random);
  ASSERT_TRUE(dealt.ok());
  auto n1 = commit(dealt->key_packages[0], random);
  auto n2 = commit(dealt->key_packages[1], random);
  ASSERT_TRUE(n1.ok() && n2.ok());
  // Too few signers.
  {
    auto n = commit(dealt->key_packages[0], random);
    ASSERT_TRUE(n.ok());
    SigningPackage p{{1}, {n->commitment}};
    EXPECT_EQ(sign(dealt->key_packages[0], std::move(*n), p).status().code(), "bad_signing_package");
  }
  // Our commitment replaced.
  {
    auto n = commit(dealt->key_packages[0], random);
    ASSERT_TRUE(n.ok());
    SigningPackage p{{1}, {n1->commitment, n2->commitment}};
    EXPECT_EQ(sign(dealt->key_packages[0], std::move(*n), p).status().code(), "bad_signing_package");
  }
  // Duplicate identifier.
  {
    auto n = commit(dealt->key_packages[0], random);
    ASSERT_TRUE(n.ok());
    SigningPackage p{{1}, {n->commitment, n->commitment}};
    EXPECT_EQ(sign(dealt->key_packages[0], std::move(*n), p).status().code(), "bad_signing_package");
  }
  // An identity commitment from the other signer.
  {
    auto n = commit(dealt->key_packages[0], random);
    ASSERT_TRUE(n.ok());
    SigningCommitment bad = n2->commitment;
    bad.binding = group::identity(suite);
    SigningPackage p{{1}, {n->commitment, bad}};
    EXPECT_EQ(sign(dealt->key_packages[0], std::move(*n), p).status().code(), "invalid_element");
  }
}

TEST_P(FrostSuite, DealerParametersAreChecked) {
  crypto::DeterministicRandom random(1);
  EXPECT_EQ(trusted_dealer_keygen(GetParam(), 3, 1, random).status().code(), "invalid_parameters");
  EXPECT_EQ(trusted_dealer_keygen(GetParam(), 2, 3, random).status().code(), "invalid_parameters");
  EXPECT_EQ(split_secret(GetParam(), Scalar{}, {identifier_scalar(3)}, 3).status().code(), "zero_secret");
}

TEST(Frost, LagrangeCoefficientsInterpolateAtZero) {
  // Σ λ_i = 1 for any signer set (interpolating the constant polynomial 1).
  const std::vector<Identifier> set = {3, 129, 256, 257, 65535};
  Scalar sum{};
  for (const Identifier id : set) {
    auto l = lagrange_coefficient(id, set);
    ASSERT_TRUE(l.ok());
    group::scalar_add(sum, *l, sum);
  }
  EXPECT_EQ(sum, identifier_scalar(1));
  EXPECT_FALSE(lagrange_coefficient(4, set).ok());
  EXPECT_FALSE(lagrange_coefficient(3, {3, 3}).ok());
}

INSTANTIATE_TEST_SUITE_P(BothSuites, FrostSuite, ::testing::Values(Suite::ed25519, Suite::ristretto255),
                         [](const ::testing::TestParamInfo<Suite>& p) { return std::string(suite_name(p.param)); });

}  // namespace
}  // namespace credence::threshold
