#include "credence/interop/token_status_list.h"

#include <gtest/gtest.h>

#include "credence/codec/base64url.h"
#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::interop::token_status {
namespace {

TEST(TokenStatusList, DraftExamples) {
  auto cases = test::load_vectors("interop/sdjwt_token_status_list.json");
  ASSERT_FALSE(cases.empty());
  int valid = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const codec::Json json = {{"bits", c.integer("bits")}, {"lst", c.str("lst")}};
    auto list = StatusList::from_json(json);
    if (c.has("reason")) {
      ASSERT_FALSE(list.ok());
      EXPECT_EQ(list.status().code(), c.str("reason")) << list.status().to_string();
      continue;
    }
    ++valid;
    ASSERT_TRUE(list.ok()) << list.status().to_string();
    EXPECT_EQ(codec::hex_encode(list->packed()), codec::hex_encode(c.hex("packed")));
    const auto& statuses = c.raw("statuses");
    ASSERT_EQ(list->size(), list->packed().size() * 8 / list->bits());
    for (std::size_t i = 0; i < statuses.size(); ++i) EXPECT_EQ(*list->get(i), statuses[i].get<int>()) << i;
    // Encoding the statuses reproduces the zlib bytes and the JSON.
    auto built = StatusList::make(static_cast<unsigned>(c.integer("bits")), statuses.size());
    ASSERT_TRUE(built.ok());
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      ASSERT_TRUE(built->set(i, statuses[i].get<std::uint8_t>()).is_ok());
    }
    EXPECT_EQ(codec::hex_encode(zlib_compress(built->packed())), codec::hex_encode(c.hex("zlib")));
    EXPECT_EQ(built->to_json(), json);
  }
  EXPECT_EQ(valid, 2);
}

TEST(TokenStatusList, LsbFirstAtEveryWidth) {
  for (unsigned bits : {1u, 2u, 4u, 8u}) {
    SCOPED_TRACE(bits);
    auto list = StatusList::make(bits, 1000);
    ASSERT_TRUE(list.ok());
    ASSERT_TRUE(list->set(0, 1).is_ok());
    // Index 0 is the least significant bit(s) of byte 0: the opposite of the W3C Bitstring Status List.
    EXPECT_EQ(list->packed()[0], 0x01);
    const std::uint8_t max = static_cast<std::uint8_t>((1u << bits) - 1);
    ASSERT_TRUE(list->set(999, max).is_ok());
    EXPECT_EQ(list->set(5, static_cast<std::uint8_t>(max + 1)).code(), bits == 8 ? "" : "bad_status_value");
    EXPECT_EQ(list->set(1000, 0).code(), "status_index_out_of_range");
    auto back = StatusList::from_json(list->to_json());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back->get(0), 1);
    EXPECT_EQ(*back->get(999), max);
    EXPECT_EQ(*back->get(500), 0);
    EXPECT_EQ(back->get(back->size()).status().code(), "status_index_out_of_range");
  }
}

TEST(TokenStatusList, BoundedInflate) {
  // 17 MiB of zeros compresses to ~17 KB: more than the limit after inflating.
  const Bytes zeros((17u << 20), 0);
  const codec::Json bomb = {{"bits", 1}, {"lst", codec::base64url_encode(zlib_compress(zeros))}};
  EXPECT_EQ(StatusList::from_json(bomb).status().code(), "status_list_too_large");
  EXPECT_EQ(StatusList::from_json({{"bits", 1}}).status().code(), "bad_status_list");
  EXPECT_EQ(StatusList::from_json({{"bits", 1}, {"lst", "eNrbuRgAAhcBXQ"}, {"extra", 1}}).status().code(),
            "bad_status_list");
  EXPECT_EQ(StatusList::from_json({{"bits", -1}, {"lst", "eNrbuRgAAhcBXQ"}}).status().code(), "bad_status_list");
  EXPECT_TRUE(
      StatusList::from_json({{"bits", 1}, {"lst", "eNrbuRgAAhcBXQ"}, {"aggregation_uri", "https://x"}}).ok());
}

TEST(TokenStatusList, SignedToken) {
  crypto::DeterministicRandom random(3);
  const auto key = crypto::p256::PrivateKey::generate(random);
  auto list = StatusList::make(2, 64);
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(list->set(7, kSuspended).is_ok());
  StatusListToken token{"https://issuer.example/status/1", 1700000000, 1800000000, 3600, *list};
  const std::string text = sign_status_list_token(token, jws::Signer::es256(key));
  auto back = verify_status_list_token(text, key.public_key(), 1700000100);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->subject, token.subject);
  EXPECT_EQ(back->issued_at, 1700000000u);
  EXPECT_EQ(*back->ttl, 3600u);
  EXPECT_EQ(*back->list.get(7), kSuspended);
  EXPECT_EQ(verify_status_list_token(text, key.public_key(), 1800000000).status().code(), "status_list_expired");
  const auto other = crypto::p256::PrivateKey::generate(random);
  EXPECT_EQ(verify_status_list_token(text, other.public_key()).status().code(), "bad_signature");
  // A JWT with another typ is not a status list token.
  const std::string plain = jws::sign_compact({{"typ", "JWT"}}, {{"sub", "x"}}, jws::Signer::es256(key));
  EXPECT_EQ(parse_status_list_token(plain).status().code(), "bad_status_list_token");
  EXPECT_EQ(status_name(0), "valid");
  EXPECT_EQ(status_name(1), "invalid");
  EXPECT_EQ(status_name(2), "suspended");
  EXPECT_EQ(status_name(3), "status_3");
}

}  // namespace
}  // namespace credence::interop::token_status
