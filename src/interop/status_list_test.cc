// Bitstring Status List v1.0: published encodedList values (spec example, W3C test-suite fixtures), the MSB-first
// bit order, round trips, the 131,072-entry minimum, and every malformed list named by its reason code.
#include "credence/interop/status_list.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <set>

#include "credence/codec/base64url.h"
#include "credence/crypto/random.h"
#include "credence/interop/did_key.h"
#include "credence/interop/vc.h"
#include "vectors.h"

namespace credence::interop::status_list {
namespace {

using codec::Json;

TEST(StatusList, Vectors) {
  int n = 0;
  for (auto& c : test::load_vectors("interop/vc_status_list.json")) {
    SCOPED_TRACE(c.where());
    c.str("name");
    DecodeOptions options;
    options.allow_missing_prefix = c.boolean("allow_missing_prefix");
    auto list = decode(c.str("encoded_list"), options);
    if (c.has("error")) {
      ASSERT_FALSE(list.ok());
      EXPECT_EQ(list.status().code(), c.str("error"));
      ++n;
      continue;
    }
    ASSERT_TRUE(list.ok()) << list.status().to_string();
    EXPECT_EQ(list->size(), static_cast<std::size_t>(c.integer("entries")));
    std::set<std::size_t> set;
    for (const auto& i : c.raw("set")) set.insert(i.get<std::size_t>());
    for (std::size_t i = 0; i < list->size(); ++i) ASSERT_EQ(list->get(i), set.count(i) == 1) << i;
    ++n;
  }
  EXPECT_EQ(n, 4);
}

TEST(StatusList, SpecExampleIsWhatWeEncode) {
  // zlib's GZIP defaults (mtime 0, OS 3, level 6) give the spec example's exact bytes for an all-zero list.
  EXPECT_EQ(*encode(Bitstring()), "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA");
}

TEST(StatusList, BitOrderIsMostSignificantFirst) {
  Bitstring list;
  list.set(0, true);
  EXPECT_EQ(list.bytes()[0], 0x80);
  list.set(7, true);
  EXPECT_EQ(list.bytes()[0], 0x81);
  list.set(9, true);
  EXPECT_EQ(list.bytes()[1], 0x40);
  list.set(0, false);
  EXPECT_EQ(list.bytes()[0], 0x01);
  EXPECT_FALSE(list.get(0));
  EXPECT_TRUE(list.get(7));
  // Multi-bit statuses read MSB-first too: entry 0 of size 2 is bits 0 and 1.
  Bitstring two;
  two.set(1, true);
  EXPECT_EQ(*two.status(0, 2), 1u);
  two.set(0, true);
  EXPECT_EQ(*two.status(0, 2), 3u);
  EXPECT_EQ(*two.status(1, 2), 0u);
  EXPECT_EQ(two.status(kMinEntries / 2, 2).status().code(), "status_index_out_of_range");
  EXPECT_EQ(two.status(kMinEntries, 1).status().code(), "status_index_out_of_range");
  EXPECT_EQ(two.status(0, 0).status().code(), "bad_status_size");
  EXPECT_EQ(two.status(0, 9).status().code(), "bad_status_size");
}

TEST(StatusList, RoundTripsRandomLists) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 20; ++round) {
    Bitstring list(kMinEntries + 8 * (rng() % 5000));
    for (auto k = rng() % 3000; k > 0; --k) list.set(rng() % list.size(), true);
    auto text = encode(list);
    ASSERT_TRUE(text.ok());
    ASSERT_EQ(text->front(), 'u');
    auto back = decode(*text);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, list);
  }
}

std::string gzip_text(const Bytes& raw) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&s, raw.size()) + 32);
  s.next_in = const_cast<Bytef*>(raw.data());
  s.avail_in = static_cast<uInt>(raw.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - s.avail_out);
  deflateEnd(&s);
  return "u" + codec::base64url_encode(out);
}

TEST(StatusList, MalformedLists) {
  const std::string good = *encode(Bitstring());
  EXPECT_EQ(decode("").status().code(), "status_list_bad_multibase");
  EXPECT_EQ(decode("z" + good.substr(1)).status().code(), "status_list_bad_multibase");
  EXPECT_EQ(decode("u!!!!").status().code(), "status_list_bad_base64");
  EXPECT_EQ(decode(good + "=").status().code(), "status_list_bad_base64");
  EXPECT_EQ(decode("u" + codec::base64url_encode(as_bytes("hello, this is not gzip"))).status().code(),
            "status_list_bad_gzip");
  // A zlib stream (the IETF Token Status List's compression) is not GZIP.
  EXPECT_EQ(decode("ueNrbuRgAAhcBXQ").status().code(), "status_list_bad_gzip");
  // Truncated, corrupted (CRC), trailing bytes.
  auto raw = codec::base64url_decode(good.substr(1));
  ASSERT_TRUE(raw.ok());
  Bytes cut(raw->begin(), raw->end() - 5);
  EXPECT_EQ(decode("u" + codec::base64url_encode(cut)).status().code(), "status_list_bad_gzip");
  Bytes flipped = *raw;
  flipped[flipped.size() - 6] ^= 1;  // CRC-32
  EXPECT_EQ(decode("u" + codec::base64url_encode(flipped)).status().code(), "status_list_bad_gzip");
  Bytes trailing = *raw;
  trailing.push_back(0);
  EXPECT_EQ(decode("u" + codec::base64url_encode(trailing)).status().code(), "status_list_bad_gzip");
  // Too short, and a bomb past the bound.
  EXPECT_EQ(decode(gzip_text(Bytes(100, 0))).status().code(), "status_list_length_error");
  DecodeOptions small;
  small.max_bytes = 1 << 20;
  EXPECT_EQ(decode(gzip_text(Bytes((1 << 20) + 1, 0)), small).status().code(), "status_list_too_large");
  EXPECT_TRUE(decode(gzip_text(Bytes(1 << 20, 0)), small).ok());
}

TEST(StatusList, Credentials) {
  crypto::DeterministicRandom random(9);
  const auto key = crypto::ed25519::SecretKey::generate(random);
  CredentialSpec spec;
  spec.id = "https://node.example/status/1";
  spec.purpose = Purpose::suspension;
  spec.valid_from = 1735689600;
  spec.valid_until = 1767225600;
  const std::uint64_t set[] = {0, 5, 131071};
  auto credential = make_credential(spec, set, key);
  ASSERT_TRUE(credential.ok()) << credential.status().to_string();
  const Json& c = *credential;
  EXPECT_EQ(c["type"], Json::array({"VerifiableCredential", "BitstringStatusListCredential"}));
  EXPECT_EQ(c["issuer"], did_key::did(key.public_key()));
  EXPECT_EQ(c["credentialSubject"]["statusPurpose"], "suspension");
  EXPECT_EQ(c["proof"]["cryptosuite"], "eddsa-jcs-2022");
  vc::VerifyOptions options;
  options.now = 1750000000;
  EXPECT_TRUE(vc::verify_credential(c, options).valid());
  auto view = read_credential(c);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->id, spec.id);
  EXPECT_EQ(view->purposes, std::vector<std::string>{"suspension"});
  for (const std::size_t i : {std::size_t{0}, std::size_t{5}, std::size_t{131071}}) EXPECT_TRUE(view->list.get(i));
  EXPECT_FALSE(view->list.get(1));

  const std::uint64_t past[] = {131072};
  EXPECT_EQ(make_credential(spec, past, key).status().code(), "status_index_out_of_range");
  CredentialSpec small = spec;
  small.entries = 1000;
  EXPECT_EQ(make_credential(small, {}, key).status().code(), "status_list_length_error");
  Json wrong = c;
  wrong["type"] = Json::array({"VerifiableCredential"});
  EXPECT_EQ(read_credential(wrong).status().code(), "status_list_invalid");
  wrong = c;
  wrong["credentialSubject"]["statusPurpose"] = Json::array();
  EXPECT_EQ(read_credential(wrong).status().code(), "status_list_invalid");
  wrong = c;
  wrong["credentialSubject"]["encodedList"] = "u";
  EXPECT_EQ(read_credential(wrong).status().code(), "status_list_bad_gzip");
  EXPECT_EQ(parse_purpose("randomPurpose").status().code(), "bad_status_purpose");
}

}  // namespace
}  // namespace credence::interop::status_list
