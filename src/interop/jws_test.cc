#include "credence/interop/jws.h"

#include <gtest/gtest.h>

#include "credence/codec/base64url.h"
#include "vectors.h"

namespace credence::interop::jws {
namespace {

std::string text_of(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(Jws, PublishedExamples) {
  auto cases = test::load_vectors("interop/sdjwt_jws.json");
  ASSERT_FALSE(cases.empty());
  int valid = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string text = c.str("jws");
    auto jws = parse_compact(text);
    if (c.has("reason")) {
      ASSERT_FALSE(jws.ok());
      EXPECT_EQ(jws.status().code(), c.str("reason")) << jws.status().to_string();
      continue;
    }
    ++valid;
    ASSERT_TRUE(jws.ok()) << jws.status().to_string();
    EXPECT_EQ(algorithm_name(jws->alg), c.str("alg"));
    EXPECT_EQ(text_of(jws->payload), c.str("payload_text"));
    auto key = parse_jwk(c.raw("jwk"));
    ASSERT_TRUE(key.ok()) << key.status().to_string();
    EXPECT_EQ(to_jwk(*key), c.raw("jwk"));
    EXPECT_TRUE(verify(*jws, *key).is_ok());
    // Any changed bit of the signature or the signed input fails.
    auto tampered = *jws;
    tampered.signature[5] ^= 1;
    EXPECT_FALSE(verify(tampered, *key).is_ok());
    tampered = *jws;
    tampered.payload_b64[3] = tampered.payload_b64[3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify(tampered, *key).is_ok());
    if (c.has("d")) {
      auto d = codec::base64url_decode(c.str("d"));
      ASSERT_TRUE(d.ok() && d->size() == 32);
      const auto secret = crypto::ed25519::SecretKey::from_seed(FixedView<32>(d->data(), 32));
      EXPECT_EQ(sign_compact_bytes(codec::Json::object(), jws->payload, Signer::ed25519(secret)), text);
    }
  }
  EXPECT_EQ(valid, 2);
}

TEST(Jws, SignVerifyBothAlgorithms) {
  crypto::DeterministicRandom random(1);
  const auto ed = crypto::ed25519::SecretKey::generate(random);
  const auto p = crypto::p256::PrivateKey::generate(random);
  const codec::Json payload = {{"iss", "https://issuer.example"}, {"n", 1}};
  for (const Signer& signer : {Signer::ed25519(ed), Signer::es256(p)}) {
    const std::string text = sign_compact({{"typ", "JWT"}}, payload, signer);
    auto jws = parse_compact(text);
    ASSERT_TRUE(jws.ok()) << jws.status().to_string();
    EXPECT_EQ(jws->alg, signer.algorithm());
    EXPECT_EQ(jws->header["typ"], "JWT");
    EXPECT_EQ(*payload_json(*jws), payload);
    EXPECT_TRUE(verify(*jws, signer.public_key()).is_ok());
  }
  // A key of the other type is refused before any signature check.
  auto jws = parse_compact(sign_compact({}, payload, Signer::ed25519(ed)));
  ASSERT_TRUE(jws.ok());
  EXPECT_EQ(verify(*jws, VerifyingKey(p.public_key())).code(), "alg_key_mismatch");
}

TEST(Jws, JwkErrors) {
  using codec::Json;
  EXPECT_EQ(parse_jwk(Json::array()).status().code(), "bad_jwk");
  EXPECT_EQ(parse_jwk({{"kty", "RSA"}}).status().code(), "bad_jwk");
  EXPECT_EQ(parse_jwk({{"kty", "OKP"}, {"crv", "X25519"}, {"x", "AA"}}).status().code(), "bad_jwk");
  EXPECT_EQ(parse_jwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AAAA"}}).status().code(), "bad_jwk");
  EXPECT_EQ(parse_jwk({{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}}).status().code(), "bad_jwk");
  const std::string zero32 = codec::base64url_encode(Bytes(32, 0));
  EXPECT_EQ(parse_jwk({{"kty", "EC"}, {"crv", "P-256"}, {"x", zero32}, {"y", zero32}}).status().code(),
            "invalid_public_key");
  EXPECT_EQ(parse_jwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", zero32}}).status().code(), "invalid_public_key");
  EXPECT_EQ(parse_jwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", zero32}, {"d", zero32}}).status().code(), "bad_jwk");
  EXPECT_EQ(payload_json(*parse_compact("eyJhbGciOiJFZERTQSJ9.WzFd." + codec::base64url_encode(Bytes(64, 0))))
                .status()
                .code(),
            "bad_jwt_payload");
}

}  // namespace
}  // namespace credence::interop::jws
