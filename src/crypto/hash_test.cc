#include "credence/crypto/hash.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <vector>

#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::crypto {
namespace {

Bytes repeated(const Bytes& unit, std::int64_t times) {
  Bytes out;
  out.reserve(unit.size() * static_cast<std::size_t>(times));
  for (std::int64_t i = 0; i < times; ++i) out.insert(out.end(), unit.begin(), unit.end());
  return out;
}

TEST(Hash, Sha2KnownAnswers) {
  auto cases = test::load_vectors("crypto/sha2.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string alg = c.str("alg");
    const Bytes message = repeated(c.hex("message_hex"), c.integer("repeat"));
    const Bytes want = c.hex("digest");
    if (alg == "sha256") {
      EXPECT_EQ(codec::hex_encode(sha256(message)), codec::hex_encode(want));
      // The incremental form gives the same digest when fed in uneven pieces.
      Sha256 h;
      const std::size_t cut = message.size() / 3;
      h.update(ByteView(message).first(cut)).update(ByteView(message).subspan(cut));
      EXPECT_EQ(codec::hex_encode(h.finish()), codec::hex_encode(want));
    } else if (alg == "sha512") {
      EXPECT_EQ(codec::hex_encode(sha512(message)), codec::hex_encode(want));
    } else {
      ADD_FAILURE() << "unknown alg " << alg;
    }
  }
}

// SHA-256 comes from Crypto++ (SHA-NI when the CPU has it); libsodium's portable SHA-256 is an independent reference.
// Every length up to four blocks crosses each padding case (the length field in the last block or in an extra one).
TEST(Hash, Sha256MatchesLibsodiumAtEveryLength) {
  Bytes message;
  for (std::size_t n = 0; n <= 256; ++n) {
    SCOPED_TRACE(n);
    Hash256 want{};
    crypto_hash_sha256(want.data(), message.data(), message.size());
    EXPECT_EQ(sha256(message), want);
    Sha256 h;
    for (const std::uint8_t b : message) h.update(ByteView(&b, 1));
    EXPECT_EQ(h.finish(), want);
    message.push_back(static_cast<std::uint8_t>(n * 167 + 13));
  }
}

// The fixed two-block path for 65-byte node preimages gives exactly sha256 of the concatenation, for every tag byte
// and for inputs that exercise every byte position of both blocks.
TEST(Hash, Sha256PairMatchesSha256) {
  Hash256 a{}, b{};
  for (int round = 0; round < 512; ++round) {
    const auto tag = static_cast<std::uint8_t>(round);
    Bytes preimage{tag};
    preimage.insert(preimage.end(), a.begin(), a.end());
    preimage.insert(preimage.end(), b.begin(), b.end());
    ASSERT_EQ(sha256_pair(tag, a, b), sha256(preimage)) << "round " << round;
    a = sha256(preimage);
    b = sha256(a);
  }
}

TEST(Hash, Keccak256KnownAnswers) {
  auto cases = test::load_vectors("crypto/keccak256.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const Bytes message = repeated(c.hex("message_hex"), c.integer("repeat"));
    EXPECT_EQ(codec::hex_encode(keccak256(message)), codec::hex_encode(c.hex("digest")));
  }
}

// The batch path (four-lane permutation when the CPU has AVX2) against keccak256 at every length 0..200, in batches
// of every size 0..9 with lengths mixed, so that groups, tails and the one-by-one fallback are all taken.
TEST(Hash, Keccak256BatchMatchesKeccak256) {
  Bytes data(200);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 151 + 7);
  for (std::size_t len = 0; len <= data.size(); ++len) {
    const ByteView m(data.data(), len);
    const std::vector<ByteView> four(4, m);
    std::vector<Hash256> out(4);
    keccak256_batch(four, out);
    for (const auto& d : out) ASSERT_EQ(d, keccak256(m)) << "length " << len;
  }
  for (std::size_t count = 0; count <= 9; ++count) {
    std::vector<ByteView> messages;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t len = (k * 37 + count * 11) % 180;  // some above 135: one by one
      messages.emplace_back(data.data() + k, len);
    }
    std::vector<Hash256> out(count);
    keccak256_batch(messages, out);
    for (std::size_t k = 0; k < count; ++k) ASSERT_EQ(out[k], keccak256(messages[k])) << count << "/" << k;
  }
}

TEST(Hash, Keccak256IsNotSha3) {
  // SHA3-256("") = a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a (FIPS 202 padding).
  EXPECT_NE(codec::hex_encode(keccak256({})), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

TEST(Hash, HmacSha256Rfc4231) {
  auto cases = test::load_vectors("crypto/hmac_sha256.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const Hash256 mac = hmac_sha256(c.hex("key"), c.hex("data"));
    const Bytes want = c.hex("mac");
    ASSERT_LE(want.size(), mac.size());
    // RFC 4231 test case 5 publishes the output truncated to 128 bits: compare that prefix.
    EXPECT_EQ(codec::hex_encode(ByteView(mac).first(want.size())), codec::hex_encode(want));
  }
}

}  // namespace
}  // namespace credence::crypto
