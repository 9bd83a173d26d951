// eddsa-jcs-2022 proofs and VC 2.0 credentials: the vc-di-eddsa vectors (hash order, signature, proofValue, both
// ways), tampering, every malformed proof named by its reason code, credential checks (issuer, dates, status
// lists) and the export of attestations.
#include "credence/interop/vc.h"

#include <gtest/gtest.h>

#include "credence/codec/abi.h"
#include "credence/codec/abi_type.h"
#include "credence/codec/hex.h"
#include "credence/codec/multibase.h"
#include "credence/crypto/random.h"
#include "credence/interop/did_key.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "vectors.h"

namespace credence::interop::vc {
namespace {

using codec::Json;
using crypto::ed25519::PublicKey;
using crypto::ed25519::SecretKey;

KeyResolver fixed_resolver(const std::string& vm, const PublicKey& key) {
  return [vm, key](std::string_view asked) -> Result<PublicKey> {
    if (asked == vm) return key;
    return Status::invalid("unknown_verification_method", std::string(asked));
  };
}

TEST(EddsaJcs2022, SpecVectors) {
  int n = 0;
  for (auto& c : test::load_vectors("interop/vc_eddsa_jcs_2022.json")) {
    SCOPED_TRACE(c.where());
    c.str("name");
    c.str("key_public_multibase");
    c.str("key_public_hex");
    auto key = did_key::secret_multikey_decode(c.str("key_secret_multibase"));
    ASSERT_TRUE(key.ok());
    const Json document = c.raw("document");
    const Json config = c.raw("proof_options");

    if (c.has("canonical_document")) {
      EXPECT_EQ(*jcs::canonicalize(document), c.str("canonical_document"));
    }
    if (c.has("canonical_proof")) {
      EXPECT_EQ(*jcs::canonicalize(config), c.str("canonical_proof"));
    }
    auto data = hash_data(document, config);
    ASSERT_TRUE(data.ok()) << data.status().to_string();
    // Proof-configuration hash first, then the document hash.
    if (c.has("proof_hash")) {
      EXPECT_EQ(codec::hex_encode(ByteView(*data).first(32)), c.str("proof_hash"));
    }
    if (c.has("document_hash")) {
      EXPECT_EQ(codec::hex_encode(ByteView(*data).last(32)), c.str("document_hash"));
    }
    if (c.has("hash_data")) {
      EXPECT_EQ(codec::hex_encode(*data), c.str("hash_data"));
    }

    const auto signature = key->sign(*data);
    if (c.has("signature")) {
      EXPECT_EQ(codec::hex_encode(signature), c.str("signature"));
    }
    const std::string proof_value = c.str("proof_value");
    EXPECT_EQ(codec::multibase_encode(codec::Multibase::base58btc, signature), proof_value);

    // The secured document verifies, with did:key offline or through a resolver for other methods.
    Json secured = document;
    secured["proof"] = config;
    secured["proof"]["proofValue"] = proof_value;
    const std::string vm = config["verificationMethod"];
    const KeyResolver resolver =
        vm.rfind("did:key:", 0) == 0 ? did_key_resolver() : fixed_resolver(vm, key->public_key());
    auto verified = verify_proof(secured, resolver);
    ASSERT_TRUE(verified.ok()) << verified.status().to_string();
    EXPECT_EQ(verified->verification_method, vm);
    EXPECT_EQ(verified->key, key->public_key());
    if (vm.rfind("did:key:", 0) != 0) {
      EXPECT_EQ(verify_proof(secured, did_key_resolver()).status().code(), "unknown_verification_method");
    }

    // Signing through the library reproduces the secured document when the proof copies the document's @context.
    if (config.contains("@context")) {
      ProofOptions options;
      options.verification_method = vm;
      options.created = *parse_datetime(config["created"].get<std::string>());
      auto made = add_proof(document, *key, options);
      ASSERT_TRUE(made.ok());
      EXPECT_EQ(*made, secured);
    }

    // Any change to the document or the proof options breaks the signature.
    for (const auto& path : {"/name", "/credentialSubject/alumniOf", "/validFrom", "/proof/created",
                             "/proof/verificationMethod"}) {
      Json tampered = secured;
      const Json::json_pointer p(path);
      tampered[p] = std::string(path) == "/proof/created" ? "2023-02-24T23:36:39Z" : tampered[p].get<std::string>() + "x";
      const auto st = verify_proof(tampered, fixed_resolver(tampered["proof"]["verificationMethod"],
                                                             key->public_key()));
      EXPECT_EQ(st.status().code(), "bad_signature") << path;
    }
    Json added = secured;
    added["extra"] = 1;
    EXPECT_EQ(verify_proof(added, resolver).status().code(), "bad_signature");
    ++n;
  }
  EXPECT_EQ(n, 3);
}

class VcFixture : public ::testing::Test {
 protected:
  VcFixture() : random_(42), key_(SecretKey::generate(random_)), other_(SecretKey::generate(random_)) {}

  Json unsigned_credential() const {
    return {{"@context", {std::string(kCredentialsV2Context)}},
            {"id", "urn:uuid:1"},
            {"type", {"VerifiableCredential", "ExampleCredential"}},
            {"validFrom", "2025-01-01T00:00:00Z"},
            {"validUntil", "2026-01-01T00:00:00Z"},
            {"credentialSubject", {{"id", "did:example:holder"}, {"score", 42}, {"name", "Zoë"}}}};
  }
  Json issued(Json credential) const {
    IssueOptions options;
    options.created = 1735689600;
    auto vc = issue(std::move(credential), key_, options);
    EXPECT_TRUE(vc.ok()) << vc.status().to_string();
    return *vc;
  }
  static std::vector<std::string> codes(const Verdict& v) {
    std::vector<std::string> out;
    for (const auto& s : v.problems) out.push_back(s.code());
    return out;
  }

  crypto::DeterministicRandom random_;
  SecretKey key_;
  SecretKey other_;
  const std::int64_t mid_2025_ = 1750000000;
};

TEST_F(VcFixture, IssueAndVerify) {
  const Json vc = issued(unsigned_credential());
  EXPECT_EQ(vc["issuer"], did_key::did(key_.public_key()));
  EXPECT_EQ(vc["proof"]["verificationMethod"], did_key::verification_method(key_.public_key()));
  EXPECT_EQ(vc["proof"]["created"], "2025-01-01T00:00:00Z");
  VerifyOptions options;
  options.now = mid_2025_;
  const Verdict v = verify_credential(vc, options);
  EXPECT_TRUE(v.valid()) << v.problems[0].to_string();
  EXPECT_TRUE(v.notes.empty());

  // Time.
  options.now = 1700000000;
  EXPECT_EQ(codes(verify_credential(vc, options)), std::vector<std::string>{"not_yet_valid"});
  options.now = 1767225600;  // exactly validUntil
  EXPECT_EQ(codes(verify_credential(vc, options)), std::vector<std::string>{"expired"});
  options.now.reset();
  EXPECT_TRUE(verify_credential(vc, options).valid());
  EXPECT_EQ(verify_credential(vc, options).notes.size(), 1u);
}

TEST_F(VcFixture, IssuerMustMatchTheKey) {
  Json c = unsigned_credential();
  c["issuer"] = did_key::did(other_.public_key());
  EXPECT_EQ(issue(c, key_, {}).status().code(), "issuer_mismatch");
  c["issuer"] = {{"id", did_key::did(key_.public_key())}, {"name", "Issuer"}};
  EXPECT_TRUE(issue(c, key_, {}).ok());
  // A credential whose issuer was changed after signing fails twice: signature and issuer binding.
  Json vc = issued(unsigned_credential());
  vc["issuer"] = did_key::did(other_.public_key());
  const auto problems = codes(verify_credential(vc, {}));
  EXPECT_EQ(problems, (std::vector<std::string>{"bad_signature", "issuer_mismatch"}));
}

TEST_F(VcFixture, EveryReasonIsReported) {
  Json vc = issued(unsigned_credential());
  vc["@context"] = Json::array({"https://example.com/other"});
  vc["type"] = "Thing";
  vc.erase("credentialSubject");
  VerifyOptions options;
  options.now = 1800000000;
  const auto problems = codes(verify_credential(vc, options));
  EXPECT_EQ(problems, (std::vector<std::string>{"context_mismatch", "bad_context", "bad_type", "missing_subject",
                                                "expired"}));
}

TEST_F(VcFixture, MalformedProofs) {
  const Json vc = issued(unsigned_credential());
  const auto code_after = [&](const std::function<void(Json&)>& change) {
    Json t = vc;
    change(t);
    return verify_proof(t, did_key_resolver()).status().code();
  };
  EXPECT_EQ(code_after([](Json& t) { t.erase("proof"); }), "missing_proof");
  EXPECT_EQ(code_after([](Json& t) { t["proof"] = Json::array({t["proof"]}); }), "unsupported_proof_set");
  EXPECT_EQ(code_after([](Json& t) { t["proof"] = "x"; }), "bad_proof");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["type"] = "Ed25519Signature2020"; }), "wrong_proof_type");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["cryptosuite"] = "eddsa-rdfc-2022"; }), "unknown_cryptosuite");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["cryptosuite"] = 7; }), "bad_proof");
  EXPECT_EQ(code_after([](Json& t) { t["proof"].erase("proofValue"); }), "bad_proof");
  EXPECT_EQ(code_after([](Json& t) { t["proof"].erase("verificationMethod"); }), "bad_proof");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["created"] = "yesterday"; }), "bad_proof");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["proofValue"] = "u" + t["proof"]["proofValue"].get<std::string>(); }),
            "bad_proof_value");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["proofValue"] = "z0OIl"; }), "bad_proof_value");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["proofValue"] = "z3yMApqCuCjXDWPrbjfR5mjCPTHqFG8Pux1TxQrEM35jj"; }),
            "bad_proof_value");  // 32 bytes
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["@context"] = Json::array({"https://example.com"}); }),
            "context_mismatch");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["proofPurpose"] = "authentication"; }), "proof_purpose_mismatch");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["verificationMethod"] = "https://example.com/keys#1"; }),
            "unknown_verification_method");
  EXPECT_EQ(code_after([](Json& t) { t["proof"]["verificationMethod"] = "did:key:z6Mkabc#z6Mkxyz"; }),
            "unknown_verification_method");
  EXPECT_EQ(code_after([](Json& t) { t["credentialSubject"]["score"] = 42.5; }), "bad_signature");
  EXPECT_EQ(code_after([](Json&) {}), "");
  // A proof that expires.
  ProofOptions options;
  options.verification_method = did_key::verification_method(key_.public_key());
  options.expires = 1000;
  Json doc = unsigned_credential();
  auto expiring = add_proof(doc, key_, options);
  ASSERT_TRUE(expiring.ok());
  EXPECT_TRUE(verify_proof(*expiring, did_key_resolver(), kAssertionMethod, 999).ok());
  EXPECT_EQ(verify_proof(*expiring, did_key_resolver(), kAssertionMethod, 1000).status().code(), "proof_expired");
  // Bad shapes on issue.
  EXPECT_EQ(issue(Json::array(), key_, {}).status().code(), "bad_credential");
  EXPECT_EQ(issue(vc, key_, {}).status().code(), "bad_credential");
  Json no_subject = unsigned_credential();
  no_subject.erase("credentialSubject");
  EXPECT_EQ(issue(no_subject, key_, {}).status().code(), "bad_credential");
}

TEST(VcDates, FormatAndParse) {
  EXPECT_EQ(format_datetime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_datetime(1677281798), "2023-02-24T23:36:38Z");
  EXPECT_EQ(format_datetime(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(format_datetime(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_datetime(std::numeric_limits<std::int64_t>::max()), "9999-12-31T23:59:59Z");
  EXPECT_EQ(*parse_datetime("2023-02-24T23:36:38Z"), 1677281798);
  EXPECT_EQ(*parse_datetime("2023-02-24T23:36:38.999Z"), 1677281798);
  EXPECT_EQ(*parse_datetime("2023-02-25T01:36:38+02:00"), 1677281798);
  EXPECT_EQ(*parse_datetime("2023-02-24T20:36:38-03:00"), 1677281798);
  for (std::int64_t t = -5000000000; t < 250000000000; t += 7777777) {
    ASSERT_EQ(*parse_datetime(format_datetime(t)), t);
  }
  for (const char* bad : {"2023-02-24T23:36:38", "2023-02-24 23:36:38Z", "2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z",
                          "2023-02-24T23:60:00Z", "2023-02-24T23:36:38.Z", "2023-02-24T23:36:38Zx", "", "2023",
                          "2023-02-24T23:36:38+2:00", "2100-02-29T00:00:00Z"}) {
    EXPECT_EQ(parse_datetime(bad).status().code(), "bad_datetime") << bad;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Status lists

TEST_F(VcFixture, StatusListRevocationAndSuspension) {
  const std::string rev_url = "https://issuer.example/status/1";
  const std::string sus_url = "https://issuer.example/status/2";
  Json c = unsigned_credential();
  c["credentialStatus"] = Json::array({status_list::entry(rev_url, 94567, status_list::Purpose::revocation),
                                       status_list::entry(sus_url, 7, status_list::Purpose::suspension)});
  const Json vc = issued(c);

  status_list::CredentialSpec rev_spec;
  rev_spec.id = rev_url;
  rev_spec.valid_from = 1735689600;
  status_list::CredentialSpec sus_spec = rev_spec;
  sus_spec.id = sus_url;
  sus_spec.purpose = status_list::Purpose::suspension;
  const std::uint64_t none[] = {1, 94566, 94568};
  const std::uint64_t revoked[] = {94567};
  const std::uint64_t suspended[] = {7};

  VerifyOptions options;
  options.now = mid_2025_;
  options.status_lists = {*status_list::make_credential(rev_spec, none, key_),
                          *status_list::make_credential(sus_spec, none, key_)};
  Verdict v = verify_credential(vc, options);
  EXPECT_TRUE(v.valid()) << v.problems[0].to_string();

  options.status_lists = {*status_list::make_credential(rev_spec, revoked, key_),
                          *status_list::make_credential(sus_spec, suspended, key_)};
  EXPECT_EQ(codes(verify_credential(vc, options)), (std::vector<std::string>{"revoked", "suspended"}));

  // Only the revocation list given: suspension is not found among the lists.
  options.status_lists = {*status_list::make_credential(rev_spec, none, key_)};
  EXPECT_EQ(codes(verify_credential(vc, options)), std::vector<std::string>{"status_list_not_found"});
  // No lists at all: nothing fails, two notes.
  options.status_lists.clear();
  v = verify_credential(vc, options);
  EXPECT_TRUE(v.valid());
  EXPECT_EQ(v.notes.size(), 2u);

  // A list for the wrong purpose, a tampered list, a list signed by someone else.
  status_list::CredentialSpec wrong = rev_spec;
  wrong.purpose = status_list::Purpose::suspension;
  options.status_lists = {*status_list::make_credential(wrong, none, key_),
                          *status_list::make_credential(sus_spec, none, key_)};
  EXPECT_EQ(codes(verify_credential(vc, options)), std::vector<std::string>{"status_purpose_mismatch"});
  Json tampered = *status_list::make_credential(rev_spec, revoked, key_);
  tampered["credentialSubject"]["encodedList"] = *status_list::encode(status_list::Bitstring());
  options.status_lists = {tampered, *status_list::make_credential(sus_spec, none, key_)};
  EXPECT_EQ(codes(verify_credential(vc, options)), std::vector<std::string>{"status_list_invalid"});
  options.status_lists = {*status_list::make_credential(rev_spec, none, other_),
                          *status_list::make_credential(sus_spec, none, key_)};
  EXPECT_EQ(codes(verify_credential(vc, options)), std::vector<std::string>{"status_list_invalid"})
      << "a list from another issuer: not this issuer's list";
  // An index past the end of the list.
  Json far = unsigned_credential();
  far["credentialStatus"] = status_list::entry(rev_url, 131072, status_list::Purpose::revocation);
  options.status_lists = {*status_list::make_credential(rev_spec, none, key_)};
  EXPECT_EQ(codes(verify_credential(issued(far), options)), std::vector<std::string>{"status_index_out_of_range"});
  // Malformed entries.
  for (const char* index : {"-1", "01", "1e3", "x", ""}) {
    Json bad = unsigned_credential();
    bad["credentialStatus"] = status_list::entry(rev_url, 3, status_list::Purpose::revocation);
    bad["credentialStatus"]["statusListIndex"] = index;
    EXPECT_EQ(codes(verify_credential(issued(bad), options)), std::vector<std::string>{"bad_status_entry"}) << index;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Export

TEST_F(VcFixture, AttestationExport) {
  core::Schema schema;
  schema.name = "score";
  schema.fields = "uint256 score,string name,address wallet";
  schema.registrant = key_.public_key().bytes();
  ASSERT_TRUE(schema.normalize().ok());
  core::Attestation a;
  a.request.schema = core::schema_id(schema);
  a.request.recipients = {core::Recipient::external("did:example:holder")};
  a.request.valid_until = 1767225600;
  auto types = schema.field_types();
  ASSERT_TRUE(types.ok());
  auto values = codec::abi_from_json(*types, Json::array({"12345678901234567890", "Zoë", "0x" + std::string(40, 'a')}));
  ASSERT_TRUE(values.ok());
  a.request.data.data = *codec::abi_encode(*types, *values);
  a.attester = key_.public_key().bytes();
  a.issued_at = 1735689600;

  ExportOptions options;
  options.status = StatusRef{"https://node.example/status/revocation/0", 17, "revocation"};
  auto credential = attestation_to_credential(a, &schema, options);
  ASSERT_TRUE(credential.ok()) << credential.status().to_string();
  const Json& c = *credential;
  EXPECT_EQ(c["id"], "urn:credence:attestation:" + codec::hex_encode(core::attestation_id(a)));
  EXPECT_EQ(c["issuer"], did_key::did(key_.public_key()));
  EXPECT_EQ(c["validFrom"], "2025-01-01T00:00:00Z");
  EXPECT_EQ(c["validUntil"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(c["credentialSubject"]["id"], "did:example:holder");
  EXPECT_EQ(c["credentialSubject"]["data"]["score"], "12345678901234567890");
  EXPECT_EQ(c["credentialSubject"]["data"]["name"], "Zoë");
  EXPECT_EQ(c["credentialSubject"]["schema"], codec::hex_encode_0x(a.request.schema));
  EXPECT_EQ(c["credentialStatus"]["statusListIndex"], "17");

  const Json vc = issued(c);
  VerifyOptions verify;
  verify.now = mid_2025_;
  EXPECT_TRUE(verify_credential(vc, verify).valid());
  status_list::CredentialSpec spec;
  spec.id = options.status->status_list_credential;
  spec.valid_from = 1735689600;
  const std::uint64_t revoked[] = {17};
  verify.status_lists = {*status_list::make_credential(spec, revoked, key_)};
  EXPECT_EQ(codes(verify_credential(vc, verify)), std::vector<std::string>{"revoked"});

  // Without the schema the data stays hex; data that does not decode under the schema is refused.
  auto raw = attestation_to_credential(a, nullptr, {});
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ((*raw)["credentialSubject"]["data"], codec::hex_encode_0x(a.request.data.data));
  EXPECT_FALSE(raw->contains("credentialStatus"));
  a.request.data.data.resize(5);
  EXPECT_EQ(attestation_to_credential(a, &schema, {}).status().code(), "bad_attestation");
}

}  // namespace
}  // namespace credence::interop::vc
