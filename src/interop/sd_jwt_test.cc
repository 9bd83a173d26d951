#include "credence/interop/sd_jwt.h"

#include <gtest/gtest.h>

#include "credence/codec/base64url.h"
#include "vectors.h"

namespace credence::interop::sd_jwt {
namespace {

using codec::Json;

TEST(SdJwt, RfcDisclosureDigests) {
  auto cases = test::load_vectors("interop/sdjwt_disclosures.json");
  ASSERT_FALSE(cases.empty());
  int valid = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string encoded = c.str("disclosure");
    auto d = parse_disclosure(encoded);
    if (c.has("reason")) {
      ASSERT_FALSE(d.ok());
      EXPECT_EQ(d.status().code(), c.str("reason")) << d.status().to_string();
      continue;
    }
    ++valid;
    ASSERT_TRUE(d.ok()) << d.status().to_string();
    EXPECT_EQ(disclosure_digest(encoded), c.str("digest"));
    EXPECT_EQ(d->digest, c.str("digest"));
    EXPECT_EQ(d->salt, c.str("salt"));
    if (c.has("claim_name")) {
      EXPECT_EQ(d->name.value_or("<none>"), c.str("claim_name"));
    } else {
      EXPECT_FALSE(d->name.has_value());
    }
    EXPECT_EQ(d->value, c.raw("value"));
  }
  EXPECT_EQ(valid, 6);
}

struct Keys {
  crypto::DeterministicRandom random{42};
  crypto::ed25519::SecretKey issuer_ed = crypto::ed25519::SecretKey::generate(random);
  crypto::p256::PrivateKey issuer_p256 = crypto::p256::PrivateKey::generate(random);
  crypto::ed25519::SecretKey holder_ed = crypto::ed25519::SecretKey::generate(random);
  crypto::p256::PrivateKey holder_p256 = crypto::p256::PrivateKey::generate(random);
};

Json sample_claims() {
  return Json::parse(R"({
    "iss": "https://issuer.example", "iat": 1700000000, "exp": 1900000000, "vct": "https://credentials.example/id",
    "given_name": "Erika", "family_name": "Mustermann", "birthdate": "1963-08-12",
    "address": {"street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"},
    "nationalities": ["DE", "FR", "US"],
    "status": {"status_list": {"idx": 5, "uri": "https://issuer.example/status/1"}}
  })");
}

const std::vector<std::string> kSdPaths = {"/given_name",  "/family_name",   "/birthdate",      "/address",
                                           "/address/street_address", "/address/locality", "/nationalities/1",
                                           "/nationalities/2"};

class SdJwtFlow : public ::testing::TestWithParam<int> {
 protected:
  Keys keys;
  jws::Signer issuer() const {
    return GetParam() == 0 ? jws::Signer::ed25519(keys.issuer_ed) : jws::Signer::es256(keys.issuer_p256);
  }
  jws::Signer holder() const {
    return GetParam() == 0 ? jws::Signer::es256(keys.holder_p256) : jws::Signer::ed25519(keys.holder_ed);
  }
  std::string issue_sample(std::size_t decoys = 2) {
    IssueOptions o;
    o.sd_paths = kSdPaths;
    o.decoys = decoys;
    o.holder_key = holder().public_key();
    auto issued = sd_jwt::issue(sample_claims(), o, issuer(), keys.random);
    EXPECT_TRUE(issued.ok()) << issued.status().to_string();
    return issued.ok() ? *issued : std::string();
  }
  VerifyOptions options() const {
    VerifyOptions o{issuer().public_key()};
    o.now = 1750000000;
    return o;
  }
  std::string present_with(const std::string& issued, std::vector<std::string> paths, std::string nonce = "n-1",
                           std::string aud = "https://verifier.example") {
    const jws::Signer h = holder();
    PresentOptions p;
    p.disclose = std::move(paths);
    p.key_binding = KeyBindingInput{&h, std::move(nonce), std::move(aud), 1750000000};
    auto out = present(issued, p);
    EXPECT_TRUE(out.ok()) << out.status().to_string();
    return out.ok() ? *out : std::string();
  }
};

TEST_P(SdJwtFlow, IssuedCredentialDisclosesEverything) {
  const std::string issued = issue_sample();
  auto decoded = decode(issued);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->disclosures.size(), kSdPaths.size());
  Json expected = sample_claims();
  expected["cnf"] = {{"jwk", jws::to_jwk(holder().public_key())}};
  EXPECT_EQ(decoded->claims, expected);
  // The signed payload hides the SD claims and carries the decoys.
  EXPECT_FALSE(decoded->payload.contains("given_name"));
  EXPECT_EQ(decoded->payload["_sd_alg"], "sha-256");
  EXPECT_EQ(decoded->payload["_sd"].size(), 4u + 2u);  // given_name, family_name, birthdate, address + 2 decoys
  EXPECT_TRUE(std::is_sorted(decoded->payload["_sd"].begin(), decoded->payload["_sd"].end()));
  EXPECT_EQ(decoded->payload["nationalities"][0], "DE");
  EXPECT_TRUE(decoded->payload["nationalities"][1].contains("..."));
  EXPECT_EQ(decoded->jwt.header["typ"], "dc+sd-jwt");

  auto verified = verify(issued, options());
  ASSERT_TRUE(verified.ok()) << verified.status().to_string();
  EXPECT_EQ(verified->claims, expected);
  EXPECT_FALSE(verified->key_binding.has_value());
}

TEST_P(SdJwtFlow, PresentSubsetWithKeyBinding) {
  const std::string issued = issue_sample();
  const std::string presented = present_with(issued, {"/given_name", "/address/locality", "/nationalities/2"});
  VerifyOptions o = options();
  o.nonce = "n-1";
  o.audience = "https://verifier.example";
  o.max_kb_age = 300;
  auto v = verify(presented, o);
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(v->claims["given_name"], "Erika");
  EXPECT_FALSE(v->claims.contains("family_name"));
  EXPECT_FALSE(v->claims.contains("birthdate"));
  // The parent object came along (its Disclosure is needed), its undisclosed member did not.
  EXPECT_EQ(v->claims["address"], Json({{"locality", "Köln"}, {"country", "DE"}}));
  EXPECT_EQ(v->claims["nationalities"], Json({"DE", "US"}));
  EXPECT_EQ(v->claims["vct"], "https://credentials.example/id");
  ASSERT_TRUE(v->key_binding.has_value());
  EXPECT_EQ((*v->key_binding)["nonce"], "n-1");
  EXPECT_EQ(v->disclosed.size(), 4u);

  // Wrong nonce / audience, a stale KB-JWT, no KB-JWT at all.
  o.nonce = "n-2";
  EXPECT_EQ(verify(presented, o).status().code(), "nonce_mismatch");
  o.nonce = "n-1";
  o.audience = "https://other.example";
  EXPECT_EQ(verify(presented, o).status().code(), "audience_mismatch");
  o.audience = "https://verifier.example";
  o.now = 1750000000 + 3600;
  EXPECT_EQ(verify(presented, o).status().code(), "kb_too_old");
  o.now = 1750000000;
  auto parts = split(presented);
  ASSERT_TRUE(parts.ok());
  Parts stripped = *parts;
  stripped.kb_jwt.reset();
  EXPECT_EQ(verify(join(stripped), o).status().code(), "missing_key_binding");
  // The KB-JWT of one presentation does not fit another disclosure set.
  Parts fewer = *parts;
  fewer.disclosures.pop_back();
  EXPECT_EQ(verify(join(fewer), o).status().code(), "sd_hash_mismatch");
}

TEST_P(SdJwtFlow, TamperingIsDetected) {
  const std::string issued = issue_sample(0);
  auto parts = split(issued);
  ASSERT_TRUE(parts.ok());
  const VerifyOptions o = options();

  // A Disclosure with a changed value no longer matches any digest.
  auto d = parse_disclosure(parts->disclosures[0]);
  ASSERT_TRUE(d.ok());
  Parts changed = *parts;
  changed.disclosures[0] = make_disclosure(d->salt, d->name, "forged").encoded;
  EXPECT_EQ(verify(join(changed), o).status().code(), "unreferenced_disclosure");
  // The same Disclosure twice.
  Parts twice = *parts;
  twice.disclosures.push_back(twice.disclosures[0]);
  EXPECT_EQ(verify(join(twice), o).status().code(), "duplicate_disclosure");
  // A changed payload breaks the issuer signature; another issuer key does not verify.
  Parts payload = *parts;
  payload.jwt[payload.jwt.find('.') + 5] ^= 1;
  EXPECT_FALSE(verify(join(payload), o).ok());
  VerifyOptions other = o;
  other.issuer_key = jws::Signer::ed25519(keys.holder_ed).public_key();
  EXPECT_FALSE(verify(issued, other).ok());
  // Garbage in the Disclosure list.
  Parts garbage = *parts;
  garbage.disclosures[1] = "not*base64";
  EXPECT_EQ(verify(join(garbage), o).status().code(), "bad_disclosure");
  // Expiry and not-before with the verifier's clock.
  VerifyOptions late = o;
  late.now = 1900000000 + 61;
  EXPECT_EQ(verify(issued, late).status().code(), "expired");
  VerifyOptions early = o;
  early.now = 1600000000;
  EXPECT_EQ(verify(issued, early).status().code(), "issued_in_future");
  // A KB-JWT signed by a key that is not cnf's.
  const jws::Signer stranger = jws::Signer::ed25519(keys.issuer_ed);
  const Json kb_payload = {{"iat", 1750000000}, {"aud", "a"}, {"nonce", "n"},
                           {"sd_hash", disclosure_digest(presentation_prefix(*parts))}};
  Parts forged = *parts;
  forged.kb_jwt = jws::sign_compact({{"typ", "kb+jwt"}}, kb_payload, stranger);
  const auto code = verify(join(forged), o).status().code();
  EXPECT_TRUE(code == "alg_key_mismatch" || code == "bad_signature") << code;
  // A KB-JWT with the wrong typ.
  Parts typ = *parts;
  typ.kb_jwt = jws::sign_compact({{"typ", "JWT"}}, kb_payload, holder());
  EXPECT_EQ(verify(join(typ), o).status().code(), "bad_kb_jwt");
}

TEST_P(SdJwtFlow, StatusList) {
  const std::string issued = issue_sample();
  auto list = token_status::StatusList::make(2, 16);
  ASSERT_TRUE(list.ok());
  VerifyOptions o = options();
  o.status = StatusSource{"https://issuer.example/status/1", &*list};
  o.require_status = true;
  auto v = verify(issued, o);
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(v->status, 0);
  ASSERT_TRUE(list->set(5, token_status::kInvalid).is_ok());
  EXPECT_EQ(verify(issued, o).status().code(), "revoked");
  ASSERT_TRUE(list->set(5, token_status::kSuspended).is_ok());
  EXPECT_EQ(verify(issued, o).status().code(), "suspended");
  ASSERT_TRUE(list->set(5, 3).is_ok());
  EXPECT_EQ(verify(issued, o).status().code(), "status_3");
  o.status->uri = "https://issuer.example/status/2";
  EXPECT_EQ(verify(issued, o).status().code(), "status_list_uri_mismatch");
  auto small = token_status::StatusList::make(8, 4);  // 4 entries: index 5 is past the end
  ASSERT_TRUE(small.ok());
  o.status = StatusSource{"https://issuer.example/status/1", &*small};
  EXPECT_EQ(verify(issued, o).status().code(), "status_index_out_of_range");
  o.status.reset();
  EXPECT_EQ(verify(issued, o).status().code(), "status_unchecked");
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SdJwtFlow, ::testing::Values(0, 1),
                         [](const auto& p) { return p.param == 0 ? "EdDSA" : "ES256"; });

// Payloads built by hand, for the structural rules an honest issuer never breaks.
class SdJwtStructure : public ::testing::Test {
 protected:
  crypto::DeterministicRandom random{5};
  crypto::ed25519::SecretKey key = crypto::ed25519::SecretKey::generate(random);
  std::string build(const Json& payload, const std::vector<std::string>& disclosures, Json header = {{"typ", "example+sd-jwt"}}) {
    Parts p;
    p.jwt = jws::sign_compact(std::move(header), payload, jws::Signer::ed25519(key));
    p.disclosures = disclosures;
    return join(p);
  }
  Status check(const std::string& text) {
    VerifyOptions o{key.public_key()};
    auto v = verify(text, o);
    return v.ok() ? Status::ok() : v.status();
  }
};

TEST_F(SdJwtStructure, Rules) {
  const auto a = make_disclosure("salt-a", "a", 1);
  const auto el = make_disclosure("salt-e", std::nullopt, "x");
  EXPECT_TRUE(check(build({{"_sd", {a.digest}}}, {a.encoded})).is_ok());
  EXPECT_EQ(check(build({{"_sd", {a.digest}}, {"_sd_alg", "sha-512"}}, {a.encoded})).code(), "unsupported_sd_alg");
  EXPECT_EQ(check(build({{"_sd", {a.digest, a.digest}}}, {a.encoded})).code(), "duplicate_digest");
  EXPECT_EQ(check(build({{"_sd", {a.digest}}, {"o", {{"_sd", {a.digest}}}}}, {a.encoded})).code(), "duplicate_digest");
  EXPECT_EQ(check(build({{"_sd", {a.digest}}, {"a", 2}}, {a.encoded})).code(), "claim_exists");
  EXPECT_EQ(check(build({{"_sd", a.digest}}, {a.encoded})).code(), "bad_sd");
  EXPECT_EQ(check(build({{"_sd", {5}}}, {})).code(), "bad_sd");
  EXPECT_EQ(check(build({{"_sd", {el.digest}}}, {el.encoded})).code(), "disclosure_kind_mismatch");
  EXPECT_EQ(check(build({{"l", {{{"...", a.digest}}}}}, {a.encoded})).code(), "disclosure_kind_mismatch");
  EXPECT_EQ(check(build({{"l", {{{"...", el.digest}, {"b", 1}}}}}, {el.encoded})).code(), "bad_array_element");
  EXPECT_TRUE(check(build({{"l", {{{"...", el.digest}}}}}, {})).is_ok());  // an undisclosed element
  EXPECT_EQ(check(build({{"x", 1}}, {a.encoded})).code(), "unreferenced_disclosure");
  EXPECT_EQ(check(build({{"x", 1}}, {}, {{"typ", 7}})).code(), "bad_typ");
  // Recursive: a disclosed object that itself holds digests.
  const auto inner = make_disclosure("salt-i", "street", "Main St");
  const auto outer = make_disclosure("salt-o", "address", Json{{"_sd", {inner.digest}}, {"city", "X"}});
  auto v = verify(build({{"_sd", {outer.digest}}}, {outer.encoded, inner.encoded}), VerifyOptions{key.public_key()});
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(v->claims, Json({{"address", {{"street", "Main St"}, {"city", "X"}}}}));
  // The inner Disclosure without its parent has nowhere to go.
  EXPECT_EQ(check(build({{"_sd", {outer.digest}}}, {inner.encoded})).code(), "unreferenced_disclosure");
  // Disclosures nested in Disclosures: the depth of the whole structure is bounded.
  std::vector<std::string> chain;
  Json inner_value = 1;
  for (int i = 0; i < 200; ++i) {
    const auto d = make_disclosure("s" + std::to_string(i), "n", inner_value);
    chain.push_back(d.encoded);
    inner_value = Json{{"_sd", {d.digest}}};
  }
  EXPECT_EQ(check(build(inner_value, chain)).code(), "json_too_deep");
  // An SD-JWT VC needs vct; require_vc refuses other types.
  VerifyOptions vc{key.public_key()};
  vc.require_vc = true;
  EXPECT_EQ(verify(build({{"x", 1}}, {}), vc).status().code(), "bad_typ");
  EXPECT_EQ(verify(build({{"x", 1}}, {}, {{"typ", "dc+sd-jwt"}}), vc).status().code(), "missing_vct");
  EXPECT_TRUE(verify(build({{"vct", "t"}}, {}, {{"typ", "vc+sd-jwt"}}), vc).ok());
}

TEST_F(SdJwtStructure, CompactForm) {
  EXPECT_EQ(split("eyJ.a.b").status().code(), "bad_sd_jwt");
  EXPECT_EQ(split("~abc~").status().code(), "bad_sd_jwt");
  EXPECT_EQ(split("a.b.c~d1~~").status().code(), "bad_sd_jwt");
  auto p = split("a.b.c~d1~d2~k.b.j");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->disclosures.size(), 2u);
  EXPECT_EQ(*p->kb_jwt, "k.b.j");
  EXPECT_EQ(presentation_prefix(*p), "a.b.c~d1~d2~");
  EXPECT_EQ(join(*p), "a.b.c~d1~d2~k.b.j");
  EXPECT_EQ(parse_path("a").status().code(), "bad_path");
  EXPECT_EQ(parse_path("/a~2").status().code(), "bad_path");
  EXPECT_EQ(*parse_path("/a~1b/~0c"), (std::vector<std::string>{"a/b", "~c"}));
  EXPECT_EQ(format_path({"a/b", "~c"}), "/a~1b/~0c");
}

TEST_F(SdJwtStructure, IssueErrors) {
  const jws::Signer signer = jws::Signer::ed25519(key);
  const Json claims = {{"vct", "t"}, {"iss", "i"}, {"a", {{"b", 1}}}};
  IssueOptions o;
  o.sd_paths = {"/a/c"};
  EXPECT_EQ(issue(claims, o, signer, random).status().code(), "no_such_claim");
  o.sd_paths = {"/iss"};
  EXPECT_EQ(issue(claims, o, signer, random).status().code(), "claim_not_disclosable");
  o.sd_paths = {"a"};
  EXPECT_EQ(issue(claims, o, signer, random).status().code(), "bad_path");
  o.sd_paths = {};
  EXPECT_EQ(issue(Json{{"x", {{"_sd", 1}}}, {"vct", "t"}}, o, signer, random).status().code(), "reserved_claim_name");
  EXPECT_EQ(issue(Json{{"x", 1}}, o, signer, random).status().code(), "missing_vct");
  EXPECT_EQ(issue(Json::array(), o, signer, random).status().code(), "bad_claims");
  o.typ = "example+sd-jwt";
  o.sd_paths = {"/iss", "/a/b"};
  auto issued = issue(claims, o, signer, random);
  ASSERT_TRUE(issued.ok()) << issued.status().to_string();
  // Presenting: unknown paths fail, a holder key that is not cnf's fails.
  PresentOptions p;
  p.disclose = {"/nope"};
  EXPECT_EQ(present(*issued, p).status().code(), "no_such_claim");
  p.disclose = {"/a/b"};
  p.key_binding = KeyBindingInput{&signer, "n", "a", 1};
  EXPECT_EQ(present(*issued, p).status().code(), "missing_cnf");
  p.key_binding.reset();
  auto presented = present(*issued, p);
  ASSERT_TRUE(presented.ok());
  auto v = verify(*presented, VerifyOptions{key.public_key()});
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  EXPECT_EQ(v->claims, Json({{"vct", "t"}, {"a", {{"b", 1}}}}));
}

}  // namespace
}  // namespace credence::interop::sd_jwt
