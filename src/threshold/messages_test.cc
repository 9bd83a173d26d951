#include "credence/threshold/messages.h"

#include <gtest/gtest.h>

#include "group.h"

namespace credence::threshold {
namespace {

struct Material {
  DealerOutput dealt;
  std::vector<SigningNonces> nonces;
};

Material material(Suite suite) {
  crypto::DeterministicRandom random(3);
  Material m{std::move(*trusted_dealer_keygen(suite, 3, 2, random)), {}};
  for (auto& k : m.dealt.key_packages) m.nonces.push_back(std::move(*commit(k, random)));
  return m;
}

class Messages : public ::testing::TestWithParam<Suite> {};

TEST_P(Messages, RoundTripAndStrictness) {
  const Suite suite = GetParam();
  const Suite other = suite == Suite::ed25519 ? Suite::ristretto255 : Suite::ed25519;
  Material m = material(suite);
  const SigningCommitment& c1 = m.nonces[0].commitment;
  const SigningCommitment& c2 = m.nonces[1].commitment;

  const Bytes commitment = encode_commitment(suite, c1);
  auto dc = decode_commitment(suite, commitment);
  ASSERT_TRUE(dc.ok()) << dc.status().to_string();
  EXPECT_EQ(*dc, c1);
  EXPECT_EQ(decode_commitment(other, commitment).status().code(), "wrong_suite");
  Bytes longer = commitment;
  longer.push_back(0);
  EXPECT_EQ(decode_commitment(suite, longer).status().code(), "trailing_bytes");
  Bytes shorter(commitment.begin(), commitment.end() - 1);
  EXPECT_FALSE(decode_commitment(suite, shorter).ok());
  SigningCommitment bad = c1;
  bad.hiding = group::identity(suite);
  EXPECT_EQ(decode_commitment(suite, encode_commitment(suite, bad)).status().code(), "invalid_element");
  bad = c1;
  bad.identifier = 0;
  EXPECT_EQ(decode_commitment(suite, encode_commitment(suite, bad)).status().code(), "bad_identifier");

  roast::SessionRequest request{7, {{1, 2, 3}, {c1, c2}}};
  auto dr = decode_session_request(suite, encode_session_request(suite, request));
  ASSERT_TRUE(dr.ok()) << dr.status().to_string();
  EXPECT_EQ(dr->session_id, 7U);
  EXPECT_EQ(dr->package.message, request.package.message);
  EXPECT_EQ(dr->package.commitments, request.package.commitments);
  roast::SessionRequest unsorted{7, {{1}, {c2, c1}}};
  EXPECT_EQ(decode_session_request(suite, encode_session_request(suite, unsorted)).status().code(),
            "unsorted_commitments");

  roast::SignerMessage first{1, std::nullopt, std::nullopt, c1};
  auto df = decode_signer_message(suite, encode_signer_message(suite, first));
  ASSERT_TRUE(df.ok());
  EXPECT_FALSE(df->session_id.has_value());
  EXPECT_EQ(df->next_commitment, c1);
  Scalar share = identifier_scalar(12345);
  roast::SignerMessage answer{1, 4U, share, c1};
  const Bytes answer_bytes = encode_signer_message(suite, answer);
  auto da = decode_signer_message(suite, answer_bytes);
  ASSERT_TRUE(da.ok());
  EXPECT_EQ(*da->session_id, 4U);
  EXPECT_EQ(*da->share, share);
  EXPECT_EQ(encode_signer_message(suite, *da), answer_bytes);
  roast::SignerMessage high = answer;
  high.share->fill(0xff);
  EXPECT_EQ(decode_signer_message(suite, encode_signer_message(suite, high)).status().code(), "non_canonical_scalar");

  crypto::DeterministicRandom random(4);
  auto participant = dkg::Participant::create(suite, 1, 3, 2, random);
  ASSERT_TRUE(participant.ok());
  const Bytes r1 = encode_dkg_round1(suite, participant->round1_package());
  auto d1 = decode_dkg_round1(suite, r1);
  ASSERT_TRUE(d1.ok()) << d1.status().to_string();
  EXPECT_EQ(d1->commitment, participant->round1_package().commitment);
  EXPECT_EQ(d1->proof_r, participant->round1_package().proof_r);
  EXPECT_EQ(d1->proof_mu, participant->round1_package().proof_mu);
  EXPECT_TRUE(dkg::verify_proof_of_knowledge(suite, *d1).is_ok());

  dkg::Round2Package p2;
  p2.sender = 1;
  p2.recipient = 2;
  p2.share = SecretScalar(identifier_scalar(99));
  Bytes r2 = encode_dkg_round2(suite, p2);
  auto d2 = decode_dkg_round2(suite, r2);
  crypto::secure_wipe(r2);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->recipient, 2U);
  EXPECT_TRUE(crypto::constant_time_equal(d2->share.view(), p2.share.view()));
}

INSTANTIATE_TEST_SUITE_P(BothSuites, Messages, ::testing::Values(Suite::ed25519, Suite::ristretto255),
                         [](const ::testing::TestParamInfo<Suite>& p) { return std::string(suite_name(p.param)); });

}  // namespace
}  // namespace credence::threshold
