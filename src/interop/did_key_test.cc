// Multikey and did:key: the vc-di-eddsa key pair (tests/vectors/interop/vc_eddsa_jcs_2022.json), round trips,
// and every malformed form named by its reason code.
#include "credence/interop/did_key.h"

#include <gtest/gtest.h>

#include "credence/codec/base58.h"
#include "credence/codec/hex.h"
#include "credence/crypto/random.h"
#include "vectors.h"

namespace credence::interop::did_key {
namespace {

using crypto::ed25519::SecretKey;

TEST(DidKey, SpecKeyPair) {
  int n = 0;
  for (auto& c : test::load_vectors("interop/vc_eddsa_jcs_2022.json")) {
    SCOPED_TRACE(c.where());
    auto secret = secret_multikey_decode(c.str("key_secret_multibase"));
    ASSERT_TRUE(secret.ok()) << secret.status().to_string();
    auto pub = multikey_decode(c.str("key_public_multibase"));
    ASSERT_TRUE(pub.ok()) << pub.status().to_string();
    EXPECT_EQ(secret->public_key(), *pub);
    EXPECT_EQ(codec::hex_encode(pub->bytes()), c.str("key_public_hex"));
    EXPECT_EQ(multikey_encode(*pub), c.str("key_public_multibase"));
    EXPECT_EQ(secret_multikey_encode(*secret), c.str("key_secret_multibase"));
    const std::string vm = verification_method(*pub);
    EXPECT_EQ(vm, "did:key:" + c.str("key_public_multibase") + "#" + c.str("key_public_multibase"));
    auto resolved = resolve(vm);
    ASSERT_TRUE(resolved.ok());
    EXPECT_EQ(*resolved, *pub);
    auto from_did = resolve(did(*pub));
    ASSERT_TRUE(from_did.ok());
    EXPECT_EQ(*from_did, *pub);
    EXPECT_EQ(did_of(vm), did(*pub));
    const auto doc = document(*pub);
    EXPECT_EQ(doc["verificationMethod"][0]["publicKeyMultibase"], c.str("key_public_multibase"));
    EXPECT_EQ(doc["assertionMethod"][0], vm);
    // The fields of the rest of the case belong to vc_test.
    for (const char* other : {"name", "document", "proof_options"}) c.raw(other);
    for (const char* optional : {"canonical_document", "canonical_proof", "document_hash", "proof_hash", "hash_data",
                                 "signature", "proof_value"}) {
      if (c.has(optional)) c.raw(optional);
    }
    ++n;
  }
  EXPECT_EQ(n, 3);
}

TEST(DidKey, RoundTripsRandomKeys) {
  crypto::DeterministicRandom random(5);
  for (int i = 0; i < 50; ++i) {
    const SecretKey key = SecretKey::generate(random);
    const std::string mk = multikey_encode(key.public_key());
    EXPECT_EQ(mk.substr(0, 4), "z6Mk");
    auto back = multikey_decode(mk);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, key.public_key());
    auto secret = secret_multikey_decode(secret_multikey_encode(key));
    ASSERT_TRUE(secret.ok());
    EXPECT_EQ(secret->public_key(), key.public_key());
  }
}

TEST(DidKey, MalformedInputs) {
  const std::string good = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
  EXPECT_EQ(multikey_decode("").status().code(), "bad_multikey");
  EXPECT_EQ(multikey_decode("u" + good.substr(1)).status().code(), "bad_multikey");  // not base58btc
  EXPECT_EQ(multikey_decode("z0OIl").status().code(), "bad_multikey");               // not base58 characters
  Bytes short_key = {0xed, 0x01};
  short_key.resize(33, 7);
  EXPECT_EQ(multikey_decode("z" + codec::base58_encode(short_key)).status().code(), "bad_multikey");
  // A secp256k1 Multikey (0xe7 0x01) and a secret key where a public key belongs.
  Bytes secp = {0xe7, 0x01};
  secp.resize(35, 2);
  EXPECT_EQ(multikey_decode("z" + codec::base58_encode(secp)).status().code(), "unsupported_key_type");
  EXPECT_EQ(multikey_decode("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").status().code(),
            "unsupported_key_type");
  EXPECT_EQ(secret_multikey_decode(good).status().code(), "unsupported_key_type");
  // The identity point is not a valid key.
  Bytes small = {0xed, 0x01, 1};
  small.resize(34, 0);
  EXPECT_EQ(multikey_decode("z" + codec::base58_encode(small)).status().code(), "invalid_public_key");

  EXPECT_EQ(resolve("did:web:example.com").status().code(), "bad_did_key");
  EXPECT_EQ(resolve("did:key:" + good + "#other").status().code(), "bad_did_key");
  EXPECT_EQ(resolve("did:key:" + good + "/path").status().code(), "bad_did_key");
  EXPECT_EQ(resolve("did:key:").status().code(), "bad_multikey");
}

}  // namespace
}  // namespace credence::interop::did_key
