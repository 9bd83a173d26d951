#include "credence/core/certificate.h"

#include <gtest/gtest.h>

#include "credence/codec/hex.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"

namespace credence::core {
namespace {

Hash256 filled(std::uint8_t b) {
  Hash256 h{};
  h.fill(b);
  return h;
}

VerdictStatement statement(std::uint8_t seed, bool valid = true) {
  VerdictStatement s;
  s.chain_id = 1337;
  s.attestation = filled(seed);
  s.valid = valid;
  if (!valid) s.reasons = {"revoked", "expired"};
  s.height = 40 + seed;
  s.state_root = filled(static_cast<std::uint8_t>(seed + 1));
  s.issued_at = 1'800'000'000;
  s.deadline_ms = 1'800'000'000'250;
  return s;
}

crypto::ed25519::SecretKey group_key() {
  FixedBytes<32> seed{};
  seed.fill(7);
  return crypto::ed25519::SecretKey::from_seed(seed);
}

// The layout of docs/certificates.md, written out by hand: header (varint tag length, tag, version), big-endian
// integers, raw hashes.
TEST(Certificate, CheckpointEncodingMatchesTheDocumentedLayout) {
  const Checkpoint c{1337, 9, filled(0xab), 1'700'000'000};
  const std::string expected = "13" + codec::hex_encode(ByteView(reinterpret_cast<const std::uint8_t*>(
                                                                       "credence/checkpoint"),
                                                                   19)) +
                               "01" + "0000000000000539" + "0000000000000009" +
                               codec::hex_encode(filled(0xab)) + "000000006553f100";
  EXPECT_EQ(codec::hex_encode(encode_checkpoint(c)), expected);
  auto back = decode_checkpoint(encode_checkpoint(c));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, c);
}

TEST(Certificate, DecodersAreStrict) {
  const Bytes good = encode_checkpoint(Checkpoint{1, 2, filled(3), 4});
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(decode_checkpoint(trailing).status().code(), "trailing_bytes");
  EXPECT_EQ(decode_checkpoint(ByteView(good).first(good.size() - 1)).status().code(), "truncated");
  // A statement's encoding is not a checkpoint's: the tag separates the domains.
  EXPECT_EQ(decode_checkpoint(encode_statement(statement(1))).status().code(), "bad_tag");
  EXPECT_EQ(decode_statement(good).status().code(), "bad_tag");

  for (bool valid : {true, false}) {
    const VerdictStatement s = statement(5, valid);
    auto back = decode_statement(encode_statement(s));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, s);
  }
  // valid with reasons, or invalid without any, is contradictory.
  VerdictStatement contradictory = statement(5, true);
  contradictory.reasons = {"revoked"};
  EXPECT_EQ(decode_statement(encode_statement(contradictory)).status().code(), "bad_statement");
  contradictory = statement(5, false);
  contradictory.reasons.clear();
  EXPECT_EQ(decode_statement(encode_statement(contradictory)).status().code(), "bad_statement");
}

// Every leaf of every batch size up to 33 proves into the root; a path used at another position, or for another
// batch size, or cut short, does not.
TEST(Certificate, BatchPathsProveEveryLeafAndOnlyAtItsPosition) {
  for (std::uint32_t count = 1; count <= 33; ++count) {
    std::vector<Hash256> leaves;
    for (std::uint32_t i = 0; i < count; ++i) leaves.push_back(statement_leaf(statement(static_cast<std::uint8_t>(i))));
    const Hash256 root = batch_root(leaves);
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto path = batch_path(leaves, i);
      auto r = root_from_path(leaves[i], i, count, path);
      ASSERT_TRUE(r.ok()) << count << "/" << i << ": " << r.status().to_string();
      EXPECT_EQ(*r, root) << count << "/" << i;
      if (count > 1) {
        const std::uint32_t other = (i + 1) % count;
        auto moved = root_from_path(leaves[i], other, count, path);
        EXPECT_TRUE(!moved.ok() || *moved != root) << count << "/" << i;
        auto wrong_leaf = root_from_path(leaves[other], i, count, path);
        EXPECT_TRUE(!wrong_leaf.ok() || *wrong_leaf != root);
        if (!path.empty()) {
          auto shorter = std::vector<Hash256>(path.begin(), path.end() - 1);
          EXPECT_EQ(root_from_path(leaves[i], i, count, shorter).status().code(), "bad_path");
        }
        auto longer = path;
        longer.push_back(root);
        EXPECT_EQ(root_from_path(leaves[i], i, count, longer).status().code(), "bad_path");
      }
    }
  }
  EXPECT_EQ(root_from_path(filled(1), 3, 3, {}).status().code(), "bad_path");
  EXPECT_EQ(root_from_path(filled(1), 0, 0, {}).status().code(), "bad_path");
}

TEST(Certificate, RootFollowsTheDocumentedHashing) {
  const Hash256 a = filled(1), b = filled(2), c = filled(3);
  auto node = [](const Hash256& l, const Hash256& r) {
    Bytes in{0x01};
    in.insert(in.end(), l.begin(), l.end());
    in.insert(in.end(), r.begin(), r.end());
    return crypto::sha256(in);
  };
  const std::vector<Hash256> three{a, b, c};
  EXPECT_EQ(batch_root(three), node(node(a, b), c));  // the odd last node moves up unchanged
  EXPECT_EQ(batch_root(std::vector<Hash256>{a}), a);
  Bytes leaf_input{0x00};
  const Bytes enc = encode_statement(statement(9));
  leaf_input.insert(leaf_input.end(), enc.begin(), enc.end());
  EXPECT_EQ(statement_leaf(statement(9)), crypto::sha256(leaf_input));
}

Certificate certify(const std::vector<VerdictStatement>& batch, std::uint32_t index,
                    const crypto::ed25519::SecretKey& key) {
  std::vector<Hash256> leaves;
  for (const auto& s : batch) leaves.push_back(statement_leaf(s));
  const auto count = static_cast<std::uint32_t>(batch.size());
  Certificate c;
  c.statement = batch[index];
  c.index = index;
  c.count = count;
  c.path = batch_path(leaves, index);
  c.signature = key.sign(encode_batch_message(batch[index].chain_id, count, batch_root(leaves)));
  return c;
}

TEST(Certificate, VerifiesWithOneEd25519CheckAndCatchesEveryTamper) {
  const auto key = group_key();
  const std::vector<VerdictStatement> batch{statement(1), statement(2, false), statement(3), statement(4)};
  for (std::uint32_t i = 0; i < batch.size(); ++i) {
    const Certificate c = certify(batch, i, key);
    EXPECT_TRUE(verify_certificate(c, key.public_key().bytes()).is_ok()) << i;

    Certificate t = c;
    t.statement.valid = !t.statement.valid;
    EXPECT_FALSE(verify_certificate(t, key.public_key().bytes()).is_ok());
    t = c;
    t.statement.deadline_ms += 1;
    EXPECT_EQ(verify_certificate(t, key.public_key().bytes()).code(), "bad_signature");
    t = c;
    t.statement.chain_id += 1;
    EXPECT_EQ(verify_certificate(t, key.public_key().bytes()).code(), "bad_signature");
    t = c;
    t.signature[10] ^= 1;
    EXPECT_FALSE(verify_certificate(t, key.public_key().bytes()).is_ok());
    t = c;
    t.path.pop_back();
    EXPECT_EQ(verify_certificate(t, key.public_key().bytes()).code(), "bad_path");
  }
  crypto::SystemRandom random;
  const auto other = crypto::ed25519::SecretKey::generate(random);
  EXPECT_EQ(verify_certificate(certify(batch, 0, key), other.public_key().bytes()).code(), "bad_signature");
}

TEST(Certificate, CheckpointCertificates) {
  const auto key = group_key();
  CheckpointCertificate c{Checkpoint{1337, 100, filled(4), 1'700'000'100}, {}};
  c.signature = key.sign(encode_checkpoint(c.checkpoint));
  EXPECT_TRUE(verify_checkpoint_certificate(c, key.public_key().bytes()).is_ok());
  c.checkpoint.height += 1;
  EXPECT_EQ(verify_checkpoint_certificate(c, key.public_key().bytes()).code(), "bad_signature");
  // A batch signature is not a checkpoint signature, even over the same bytes' worth of fields.
  const std::vector<VerdictStatement> batch{statement(1)};
  const Certificate vc = certify(batch, 0, key);
  CheckpointCertificate forged{Checkpoint{1337, 41, filled(2), 1'800'000'000}, vc.signature};
  EXPECT_FALSE(verify_checkpoint_certificate(forged, key.public_key().bytes()).is_ok());
}

TEST(Certificate, JsonRoundTripsAndIsStrict) {
  const auto key = group_key();
  const std::vector<VerdictStatement> batch{statement(1), statement(2, false), statement(3)};
  const Certificate c = certify(batch, 1, key);
  const codec::Json json = to_json(c);
  auto back = certificate_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->statement, c.statement);
  EXPECT_EQ(back->path, c.path);
  EXPECT_TRUE(verify_certificate(*back, key.public_key().bytes()).is_ok());

  auto broken = [&](auto mutate) {
    codec::Json j = json;
    mutate(j);
    return certificate_from_json(j).status().code();
  };
  EXPECT_EQ(broken([](codec::Json& j) { j["extra"] = 1; }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j.erase("signature"); }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j["signature"] = "0x1234"; }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j["statement"]["valid"] = true; }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j["statement"]["reasons"] = {1}; }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j["batch"]["index"] = -1; }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j["batch"]["path"] = "0x00"; }), "bad_certificate");
  EXPECT_EQ(broken([](codec::Json& j) { j = codec::Json::array(); }), "bad_certificate");

  CheckpointCertificate cc{Checkpoint{1337, 7, filled(9), 5}, key.sign(encode_checkpoint({1337, 7, filled(9), 5}))};
  auto cb = checkpoint_certificate_from_json(to_json(cc));
  ASSERT_TRUE(cb.ok()) << cb.status().to_string();
  EXPECT_EQ(cb->checkpoint, cc.checkpoint);
  codec::Json bad = to_json(cc);
  bad["checkpoint"]["height"] = "x";
  EXPECT_EQ(checkpoint_certificate_from_json(bad).status().code(), "bad_certificate");
}

// A committee of `n` members with threshold `t`, every key a real Ed25519 point.
CommitteeRecord committee(std::uint32_t n, std::uint32_t t) {
  auto key = [](std::uint32_t b) {
    FixedBytes<32> seed{};
    seed[0] = static_cast<std::uint8_t>(b);
    seed[1] = static_cast<std::uint8_t>(b >> 8);
    seed[2] = static_cast<std::uint8_t>(b >> 16);
    return crypto::ed25519::SecretKey::from_seed(seed).public_key().bytes();
  };
  CommitteeRecord c;
  c.threshold = t;
  c.group_public_key = key(1);
  c.coordinator = key(2);
  for (std::uint32_t i = 1; i <= n; ++i) {
    c.members.push_back({i, key(1000 + i), key(100'000 + i)});
  }
  return c;
}

TEST(CommitteeRecord, EncodingMatchesTheDocumentedLayoutAndRoundTrips) {
  const CommitteeRecord c = committee(2, 2);
  const Bytes encoded = encode_committee_record(c);
  std::string expected = "12" +
                         codec::hex_encode(ByteView(reinterpret_cast<const std::uint8_t*>("credence/committee"), 18)) +
                         "01" + "00000002" + codec::hex_encode(c.group_public_key) + codec::hex_encode(c.coordinator) +
                         "02";
  for (const auto& m : c.members) {
    expected += (m.id == 1 ? "00000001" : "00000002") + codec::hex_encode(m.identity) +
                codec::hex_encode(m.verifying_share);
  }
  EXPECT_EQ(codec::hex_encode(encoded), expected);
  auto back = decode_committee_record(encoded);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, c);
  Bytes trailing = encoded;
  trailing.push_back(0);
  EXPECT_FALSE(decode_committee_record(trailing).ok());
  EXPECT_FALSE(decode_committee_record(ByteView(encoded).first(encoded.size() - 1)).ok());
}

TEST(CommitteeRecord, RefusesWhatNoCommitteeCanBe) {
  auto refused = [](const CommitteeRecord& c) {
    const Status direct = check_committee_record(c);
    auto decoded = decode_committee_record(encode_committee_record(c));
    EXPECT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), direct.code());
    return direct.code();
  };
  EXPECT_TRUE(check_committee_record(committee(4, 3)).is_ok());
  EXPECT_EQ(refused(committee(1, 1)), "bad_committee");   // one member is no committee
  EXPECT_EQ(refused(committee(4, 1)), "bad_committee");   // threshold 1: any member alone signs
  EXPECT_EQ(refused(committee(4, 5)), "bad_committee");   // more signers than members
  auto c = committee(4, 3);
  std::swap(c.members[1], c.members[2]);
  EXPECT_EQ(refused(c), "bad_committee");  // ids out of order
  c = committee(4, 3);
  c.members[0].id = 0;
  EXPECT_EQ(refused(c), "bad_committee");
  c = committee(4, 3);
  c.members[3].identity = c.members[0].identity;
  EXPECT_EQ(refused(c), "bad_committee");  // one identity twice
  c = committee(4, 3);
  c.group_public_key = Hash256{};  // not a point of prime order
  EXPECT_EQ(refused(c), "bad_committee");
  c = committee(4, 3);
  c.members[2].verifying_share[0] ^= 1;
  c.members[2].verifying_share[31] = 0xff;  // not a valid encoding
  EXPECT_EQ(refused(c), "bad_committee");
  c = committee(4, 3);
  c.coordinator.fill(0);
  EXPECT_EQ(refused(c), "bad_committee");
  EXPECT_TRUE(check_committee_record(committee(kMaxCommitteeMembers, 2)).is_ok());
  EXPECT_EQ(refused(committee(kMaxCommitteeMembers + 1, 2)), "bad_committee");
}

}  // namespace
}  // namespace credence::core
