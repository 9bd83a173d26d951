// EAS off-chain attestations: eas-sdk's golden objects and share links reproduced byte for byte, schema UIDs, every
// malformed or tampered input with its reason (tests/vectors/interop/eas_offchain.json), and sign / verify / JSON /
// share-link round trips over random inputs for every off-chain version.
#include "credence/interop/eas.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"
#include "vectors.h"

namespace credence::interop::eas {
namespace {

using codec::Json;
namespace secp = crypto::secp256k1;

std::vector<std::string> codes(const Verification& v) {
  std::vector<std::string> out;
  for (const auto& p : v.problems) out.push_back(p.code());
  return out;
}

// Every field a case of eas_offchain.json may have: a test that handles only some kinds marks the others read.
constexpr const char* kAllKeys[] = {"kind", "name", "schema", "resolver", "revocable", "uid", "package",
                                    "offchain_version", "domain_separator", "struct_hash", "digest",
                                    "recovered_signer", "compact_json", "encoded", "url", "provenance", "base",
                                    "pointer", "delete", "value", "stage", "reason", "options", "link"};

void skip(test::VectorCase& c) {
  for (const char* key : kAllKeys) {
    if (c.has(key)) c.raw(key);
  }
}

std::string joined(const Verification& v) {
  std::string s;
  for (const auto& p : v.problems) s += p.to_string() + "; ";
  return s;
}

Json golden_package(const std::string& name) {
  Json found;
  for (auto& c : test::load_vectors("interop/eas_offchain.json")) {
    if (c.str("kind") == "golden" && c.str("name") == name) found = c.raw("package");
    skip(c);
  }
  if (found.is_null()) ADD_FAILURE() << "no golden case " << name;
  return found;
}

VerifyOptions options_from(const Json& o, const Address& attester) {
  VerifyOptions opts;
  opts.attester = attester;
  if (o.contains("chain_id")) opts.chain_id = o["chain_id"].get<std::uint64_t>();
  if (o.contains("contract")) opts.contract = *secp::parse_address(o["contract"].get<std::string>());
  if (o.contains("now")) opts.now = o["now"].get<std::uint64_t>();
  return opts;
}

TEST(EasVectors, SchemaUid) {
  std::size_t n = 0;
  for (auto& c : test::load_vectors("interop/eas_offchain.json")) {
    SCOPED_TRACE(c.where());
    if (c.str("kind") != "schema_uid") {
      skip(c);
      continue;
    }
    ++n;
    c.str("name");
    c.str("provenance");
    const auto resolver = secp::parse_address(c.str("resolver"));
    ASSERT_TRUE(resolver.ok());
    EXPECT_EQ(codec::hex_encode_0x(schema_uid(c.str("schema"), *resolver, c.boolean("revocable"))), c.str("uid"));
  }
  EXPECT_GE(n, 1u);
}

// The golden objects: parse, recompute every intermediate value, verify, write back the same JSON values, and
// reproduce the compact JSON, the share link and the URL byte for byte; decoding the link gives the object back.
TEST(EasVectors, GoldenObjectsAndShareLinks) {
  std::size_t n = 0;
  for (auto& c : test::load_vectors("interop/eas_offchain.json")) {
    SCOPED_TRACE(c.where());
    if (c.str("kind") != "golden") {
      skip(c);
      continue;
    }
    ++n;
    c.str("name");
    c.str("provenance");
    const Json package = c.raw("package");
    auto parsed = parse_attestation_file(package.dump());
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    ASSERT_TRUE(parsed->signer.has_value());
    const OffchainAttestation& a = parsed->attestation;
    EXPECT_EQ(static_cast<int>(a.version), c.integer("offchain_version"));
    EXPECT_EQ(codec::hex_encode_0x(domain_separator(a.domain)), c.str("domain_separator"));
    const std::string struct_expected = c.str("struct_hash");
    if (!struct_expected.empty()) {
      EXPECT_EQ(codec::hex_encode_0x(struct_hash(a.shape, a.message)), struct_expected);
    }
    EXPECT_EQ(codec::hex_encode_0x(signing_digest(a)), c.str("digest"));
    EXPECT_EQ(codec::hex_encode_0x(offchain_uid(a.version, a.message)), a.uid.text);

    const Verification v = verify(a, {.chain_id = 31337, .contract = parsed->signer->value, .attester = {}, .now = {}});
    // The contract differs from the signer: only wrong_domain, and the signer is the published one.
    EXPECT_EQ(codes(v), std::vector<std::string>{"wrong_domain"});
    ASSERT_TRUE(v.signer.has_value());
    EXPECT_EQ(codec::hex_encode_0x(*v.signer), c.str("recovered_signer"));
    const Verification ok = verify(a, {.chain_id = 31337,
                                       .contract = a.domain.verifying_contract.value,
                                       .attester = parsed->signer->value,
                                       .now = a.message.time});
    EXPECT_TRUE(ok.valid()) << joined(ok);

    // Writing back gives the same JSON values (eas-sdk's shape), and reading that gives the same object.
    EXPECT_EQ(attestation_json_value(a), package["sig"]);
    auto again = attestation_from_json(Json::parse(attestation_to_json(a)));
    ASSERT_TRUE(again.ok()) << again.status().to_string();
    EXPECT_EQ(*again, a);

    const SharePackage pkg{a, *parsed->signer};
    auto compact = compact_json(pkg);
    ASSERT_TRUE(compact.ok()) << compact.status().to_string();
    EXPECT_EQ(*compact, c.str("compact_json"));
    auto encoded = share_link_encode(pkg);
    ASSERT_TRUE(encoded.ok()) << encoded.status().to_string();
    const std::string expected_encoded = c.str("encoded");
    EXPECT_EQ(*encoded, expected_encoded);
    const std::string expected_url = c.str("url");
    EXPECT_EQ(share_link_url(*encoded), expected_url);

    // Decoding: the bare base64, the path, a full URL, with surrounding whitespace.
    for (const std::string& form : {expected_encoded, expected_url, "https://easscan.org" + expected_url,
                                    "  " + expected_encoded + "\n"}) {
      auto decoded = share_link_decode(form);
      ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
      EXPECT_EQ(decoded->signer, *parsed->signer);
      const OffchainAttestation& d = decoded->attestation;
      EXPECT_EQ(d.domain, a.domain);
      EXPECT_EQ(d.shape, a.shape);
      EXPECT_EQ(d.uid, a.uid);
      EXPECT_EQ(d.signature, a.signature);
      Message m = a.message;
      m.nonce.reset();  // the link does not carry message.nonce
      EXPECT_EQ(d.message, m);
      const Verification dv = verify(d, {.chain_id = {}, .contract = {}, .attester = decoded->signer.value, .now = {}});
      EXPECT_TRUE(dv.valid()) << joined(dv);
      auto re = share_link_encode(*decoded);
      ASSERT_TRUE(re.ok());
      EXPECT_EQ(*re, expected_encoded);
    }
  }
  EXPECT_EQ(n, 2u);
}

Json apply(Json doc, const std::string& pointer, bool erase, const Json& value) {
  const Json::json_pointer ptr(pointer);
  if (erase) {
    doc[ptr.parent_pointer()].erase(ptr.back());
  } else {
    doc[ptr] = value;
  }
  return doc;
}

TEST(EasVectors, MalformedAndTampered) {
  const Json base = golden_package("eas-sdk offchain-utils version 2");
  std::size_t parse_cases = 0;
  std::size_t verify_cases = 0;
  for (auto& c : test::load_vectors("interop/eas_offchain.json")) {
    SCOPED_TRACE(c.where());
    if (c.str("kind") != "mutation") {
      skip(c);
      continue;
    }
    c.str("name");
    c.str("provenance");
    EXPECT_EQ(c.str("base"), "eas-sdk offchain-utils version 2");
    const Json doc = apply(base, c.str("pointer"), c.boolean("delete"), c.raw("value"));
    const std::string reason = c.str("reason");
    const std::string stage = c.str("stage");
    const Json options = c.raw("options");
    auto parsed = parse_attestation_file(doc.dump());
    if (stage == "parse") {
      ++parse_cases;
      ASSERT_FALSE(parsed.ok()) << "parsed";
      EXPECT_EQ(parsed.status().code(), reason) << parsed.status().to_string();
      EXPECT_TRUE(parsed.status().is_invalid());
      continue;
    }
    ++verify_cases;
    ASSERT_EQ(stage, "verify");
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    const Verification v = verify(parsed->attestation, options_from(options, parsed->signer->value));
    const auto found = codes(v);
    EXPECT_NE(std::find(found.begin(), found.end(), reason), found.end()) << joined(v);
  }
  EXPECT_GE(parse_cases, 20u);
  EXPECT_GE(verify_cases, 10u);
}

TEST(EasVectors, BadShareLinks) {
  std::size_t n = 0;
  for (auto& c : test::load_vectors("interop/eas_offchain.json")) {
    SCOPED_TRACE(c.where());
    if (c.str("kind") != "bad_link") {
      skip(c);
      continue;
    }
    ++n;
    c.str("name");
    c.str("provenance");
    auto decoded = share_link_decode(c.str("link"));
    ASSERT_FALSE(decoded.ok()) << "decoded";
    EXPECT_EQ(decoded.status().code(), c.str("reason")) << decoded.status().to_string();
    EXPECT_TRUE(decoded.status().is_invalid());
  }
  EXPECT_GE(n, 15u);
}

// ---------------------------------------------------------------------------------------------------------------
// Round trips on random inputs

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : random_(seed) {}
  template <std::size_t N>
  FixedBytes<N> fixed() {
    return random_.bytes<N>();
  }
  std::uint64_t u64() {
    const auto b = random_.bytes<8>();
    std::uint64_t v = 0;
    for (const auto x : b) v = (v << 8) | x;
    return v;
  }
  Bytes bytes(std::size_t max) {
    Bytes b(u64() % (max + 1));
    random_.fill(b);
    return b;
  }
  crypto::DeterministicRandom& random() { return random_; }

 private:
  crypto::DeterministicRandom random_;
};

SignRequest random_request(Gen& g, OffchainVersion version) {
  SignRequest q;
  q.version = version;
  q.eas_version = std::string(kEasVersions[g.u64() % std::size(kEasVersions)]);
  q.chain_id = g.u64() % 3 == 0 ? g.u64() : g.u64() % 100000;
  q.contract = g.fixed<20>();
  q.schema = g.fixed<32>();
  q.recipient = g.u64() % 4 == 0 ? Address{} : g.fixed<20>();
  q.time = g.u64() % (std::uint64_t{1} << 40);
  q.expiration_time = g.u64() % 3 == 0 ? 0 : q.time + g.u64() % 100000;
  q.revocable = g.u64() % 2 == 0;
  q.ref_uid = g.u64() % 2 == 0 ? Hash256{} : g.fixed<32>();
  q.data = g.bytes(300);
  q.salt = g.fixed<32>();
  return q;
}

TEST(Eas, SignVerifyJsonAndLinkRoundTrips) {
  Gen g(20260101);
  for (int round = 0; round < 60; ++round) {
    const auto version = static_cast<OffchainVersion>(round % 3);
    SCOPED_TRACE("round " + std::to_string(round));
    const auto key = secp::PrivateKey::generate(g.random());
    const Address attester = key.public_key().address();
    const SignRequest q = random_request(g, version);
    auto a = sign(q, key);
    ASSERT_TRUE(a.ok()) << a.status().to_string();
    EXPECT_EQ(a->version, version);
    EXPECT_EQ(a->message.salt.has_value(), version == OffchainVersion::v2);
    const Verification v = verify(*a, {.chain_id = q.chain_id, .contract = q.contract, .attester = attester,
                                       .now = q.time});
    EXPECT_TRUE(v.valid()) << joined(v);

    auto back = parse_attestation_file(attestation_to_json(*a));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->attestation, *a);
    EXPECT_FALSE(back->signer.has_value());

    const SharePackage pkg{*a, address_field(attester)};
    auto link = share_link_encode(pkg);
    ASSERT_TRUE(link.ok()) << link.status().to_string();
    auto decoded = share_link_decode(share_link_url(*link));
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_EQ(decoded->signer, pkg.signer);
    EXPECT_EQ(decoded->attestation.message, a->message);
    EXPECT_EQ(decoded->attestation.uid, a->uid);
    auto package_back = parse_attestation_file(package_to_json(*decoded));
    ASSERT_TRUE(package_back.ok()) << package_back.status().to_string();
    EXPECT_EQ(package_back->attestation, decoded->attestation);
    const Verification dv = verify(decoded->attestation, {.chain_id = {}, .contract = {}, .attester = attester,
                                                          .now = {}});
    if (version == OffchainVersion::legacy) {
      // eas-sdk rebuilds version 0 links with the type named "Attest" while it signs with "Attestation": the
      // signature no longer verifies after a round trip through a link (eas-sdk answers false too; eas_interop).
      EXPECT_EQ(decoded->attestation.shape, TypeShape::legacy_attest_primary_attestation);
      EXPECT_EQ(codes(dv), std::vector<std::string>{"wrong_signer"});
    } else {
      EXPECT_TRUE(dv.valid()) << joined(dv);
    }

    // Any change of a signed field is caught.
    OffchainAttestation t = *a;
    switch (round % 5) {
      case 0:
        t.message.data = bytes_field(g.bytes(10));
        t.message.data.value.push_back(1);
        t.message.data.text = codec::hex_encode_0x(t.message.data.value);
        break;
      case 1:
        t.message.time ^= 1;
        break;
      case 2:
        t.message.revocable = !t.message.revocable;
        break;
      case 3:
        t.domain.version += ".1";
        break;
      default:
        t.signature.r.value[5] ^= 0x40;
        t.signature.r.text = codec::hex_encode_0x(t.signature.r.value);
        break;
    }
    EXPECT_FALSE(verify(t, {.chain_id = {}, .contract = {}, .attester = attester, .now = {}}).valid());
  }
}

TEST(Eas, SchemaTextIsHashedAsWritten) {
  Gen g(11);
  const auto key = secp::PrivateKey::generate(g.random());
  SignRequest q = random_request(g, OffchainVersion::v2);
  auto lower = sign(q, key);
  ASSERT_TRUE(lower.ok());
  std::string upper = "0x" + codec::hex_encode(q.schema);
  for (std::size_t i = 2; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  q.schema_text = upper;
  auto mixed = sign(q, key);
  ASSERT_TRUE(mixed.ok()) << mixed.status().to_string();
  EXPECT_EQ(mixed->message.schema.text, upper);
  EXPECT_NE(mixed->uid, lower->uid);  // the UID hashes the text …
  EXPECT_EQ(struct_hash(mixed->shape, mixed->message), struct_hash(lower->shape, lower->message));  // … EIP-712 not
  EXPECT_TRUE(verify(*mixed, {}).valid());
  q.schema_text = "0x" + std::string(64, '0');
  EXPECT_EQ(sign(q, key).status().code(), "bad_field");
}

TEST(Eas, ExpiryAndExpectations) {
  Gen g(7);
  const auto key = secp::PrivateKey::generate(g.random());
  SignRequest q = random_request(g, OffchainVersion::v2);
  q.time = 1000;
  q.expiration_time = 2000;
  auto a = sign(q, key);
  ASSERT_TRUE(a.ok());
  const auto at = [&](std::uint64_t now) { return verify(*a, {.chain_id = {}, .contract = {}, .attester = {}, .now = now}); };
  EXPECT_TRUE(at(1999).valid());
  EXPECT_EQ(codes(at(2000)), std::vector<std::string>{"expired"});
  q.expiration_time = 0;
  auto never = sign(q, key);
  ASSERT_TRUE(never.ok());
  EXPECT_TRUE(verify(*never, {.chain_id = {}, .contract = {}, .attester = {}, .now = ~std::uint64_t{0}}).valid());
  // Without expectations the signature is still recovered and reported.
  const Verification v = verify(*a, {});
  ASSERT_TRUE(v.signer.has_value());
  EXPECT_EQ(*v.signer, key.public_key().address());
}

TEST(Eas, UnknownEasVersionAndUnsafeNumbers) {
  Gen g(9);
  const auto key = secp::PrivateKey::generate(g.random());
  SignRequest q = random_request(g, OffchainVersion::v1);
  q.eas_version = "9.9.9";
  EXPECT_EQ(sign(q, key).status().code(), "eas_unknown_version");
  q.eas_version = "1.4.0";
  q.time = std::uint64_t{1} << 60;
  auto a = sign(q, key);
  ASSERT_TRUE(a.ok());
  // JSON writes it as a decimal string and reads it back.
  auto back = attestation_from_json(Json::parse(attestation_to_json(*a)));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->message.time, q.time);
  // A share link cannot carry it exactly (eas-sdk writes Number(time)).
  EXPECT_EQ(share_link_encode({*a, address_field(key.public_key().address())}).status().code(),
            "share_link_unsafe_number");
}

TEST(Eas, TypeStringsAndTypehashes) {
  // REFERENCES §2.2: the typehash of each shape.
  EXPECT_EQ(codec::hex_encode_0x(crypto::keccak256(as_bytes(type_string(TypeShape::v2)))),
            "0x258b757fc37a6699a984f4be01258122f834200374b34b4457b6db0dd0f71132");
  EXPECT_EQ(codec::hex_encode_0x(crypto::keccak256(as_bytes(type_string(TypeShape::v1)))),
            "0x9a1ef129b3715afc513574bddcf4404e21b0296e3ca20fec532fe1ec8d0932ec");
  EXPECT_EQ(codec::hex_encode_0x(crypto::keccak256(as_bytes(type_string(TypeShape::legacy_attestation)))),
            "0x2fcbc49c85ccde58f6986371b0828354351185c921aebbaace3e89e0e023b25d");
  for (const auto shape : {TypeShape::legacy_attest, TypeShape::legacy_attest_primary_attestation}) {
    EXPECT_EQ(codec::hex_encode_0x(crypto::keccak256(as_bytes(type_string(shape)))),
              "0x8cf0910035bff485b1e58fd279a4650d701acad722884336fd50f854aa2b0484");
  }
}

}  // namespace
}  // namespace credence::interop::eas
