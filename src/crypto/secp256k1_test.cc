#include "credence/crypto/secp256k1.h"

#include <gtest/gtest.h>

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"
#include "vectors.h"

namespace credence::crypto::secp256k1 {
namespace {

TEST(Secp256k1, AddressesFromPrivateKeys) {
  auto cases = test::load_vectors("crypto/eth_address.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    auto key = PrivateKey::from_bytes(c.hex_fixed<32>("private_key"));
    ASSERT_TRUE(key.ok()) << key.status().to_string();
    EXPECT_EQ(eip55_encode(key->public_key().address()), c.str("address"));
  }
}

TEST(Secp256k1, Eip55Checksums) {
  auto cases = test::load_vectors("crypto/eip55.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string text = c.str("address");
    const bool valid = c.boolean("valid");
    auto parsed = parse_address(text);
    EXPECT_EQ(parsed.ok(), valid) << parsed.status().to_string();
    if (!valid) {
      EXPECT_EQ(parsed.status().code(), "bad_checksum");
      continue;
    }
    // Re-encoding gives the checksummed form; mixed-case inputs must come back identical.
    const std::string encoded = eip55_encode(*parsed);
    bool lower = false;
    bool upper = false;
    for (char ch : text.substr(2)) {
      lower |= (ch >= 'a' && ch <= 'f');
      upper |= (ch >= 'A' && ch <= 'F');
    }
    if (lower && upper) {
      EXPECT_EQ(encoded, text);
    }
  }
}

TEST(Secp256k1, RecoveryCases) {
  auto cases = test::load_vectors("crypto/secp256k1_recovery.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const auto digest = c.hex_fixed<32>("digest");
    const auto sig_bytes = c.hex_fixed<65>("signature");
    const std::string address = c.str("address");
    const bool valid = c.boolean("valid");
    const std::string reason = c.str("reason");
    Status got;
    auto sig = RecoverableSignature::parse(sig_bytes);
    if (!sig) {
      got = sig.status();
    } else if (auto key = recover(digest, *sig); !key) {
      got = key.status();
    } else if (eip55_encode(key->address()) != address) {
      got = Status::invalid("address_mismatch");
    }
    EXPECT_EQ(got.is_ok(), valid) << got.to_string();
    EXPECT_EQ(got.code(), reason);
  }
}

TEST(Secp256k1, SignRecoverVerifyRoundTrip) {
  DeterministicRandom random(3);
  for (int i = 0; i < 20; ++i) {
    const auto key = PrivateKey::generate(random);
    const Hash256 digest = keccak256(random.bytes<40>());
    const auto sig = key.sign_digest(digest);
    // Deterministic (RFC 6979).
    EXPECT_EQ(key.sign_digest(digest), sig);
    auto recovered = recover(digest, sig);
    ASSERT_TRUE(recovered.ok());
    EXPECT_EQ(recovered->address(), key.public_key().address());
    const auto bytes = sig.to_bytes();
    EXPECT_TRUE(verify_digest(key.public_key(), digest, FixedView<64>(bytes.data(), 64)).is_ok());
    // Compressed and uncompressed encodings parse back to the same key.
    EXPECT_EQ(*PublicKey::parse(key.public_key().compressed()), key.public_key());
    EXPECT_EQ(*PublicKey::parse(key.public_key().uncompressed()), key.public_key());
    // Low-S: the top bit of s is always clear (n/2 < 2^255).
    EXPECT_LT(sig.s[0], 0x80);
  }
}

TEST(Secp256k1, HighSIsRejectedByVerifyToo) {
  DeterministicRandom random(5);
  const auto key = PrivateKey::generate(random);
  const Hash256 digest = keccak256(random.bytes<8>());
  auto sig = key.sign_digest(digest).to_bytes();
  // s' = n - s.
  auto n = *codec::hex_decode_fixed<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int d = n[static_cast<std::size_t>(i)] - sig[32 + static_cast<std::size_t>(i)] - borrow;
    sig[32 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(d & 0xff);
    borrow = d < 0 ? 1 : 0;
  }
  EXPECT_EQ(verify_digest(key.public_key(), digest, FixedView<64>(sig.data(), 64)).code(), "high_s");
}

TEST(Secp256k1, InvalidKeysAndEncodings) {
  EXPECT_EQ(PrivateKey::from_bytes(FixedBytes<32>{}).status().code(), "invalid_private_key");
  auto n = *codec::hex_decode_fixed<32>("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  EXPECT_EQ(PrivateKey::from_bytes(n).status().code(), "invalid_private_key");
  EXPECT_EQ(PublicKey::parse(Bytes(33, 0)).status().code(), "invalid_public_key");
  EXPECT_EQ(PublicKey::parse(Bytes(10, 2)).status().code(), "invalid_public_key");
  EXPECT_EQ(parse_address("0x1234").status().code(), "bad_address");
  EXPECT_EQ(parse_address("0xZZ7E5F4552091A69125d5DfCb7b8C2659029395B").status().code(), "bad_address");
  EXPECT_TRUE(parse_address("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf").ok());
  EXPECT_TRUE(parse_address("0X7E5F4552091A69125D5DFCB7B8C2659029395BDF").ok());
  FixedBytes<65> bad_v{};
  bad_v[64] = 29;
  EXPECT_EQ(RecoverableSignature::parse(bad_v).status().code(), "bad_recovery_id");
}

}  // namespace
}  // namespace credence::crypto::secp256k1
