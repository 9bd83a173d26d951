// Protocol objects and transactions: canonical encodings (round trips, strict decoding), JSON views (round trips,
// strict readers), content-addressed ids, schema normalization, recipients, and the signatures over them.
#include "credence/core/objects.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/core/transaction.h"
#include "credence/crypto/hash.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::id_of;

// ---------------------------------------------------------------------------------------------------------------
// Sample values exercising every field.

const Account& alice() {
  static const Account a(1);
  return a;
}
const Account& bob() {
  static const Account a(2);
  return a;
}

FixedBytes<20> sample_address() {
  auto a = codec::hex_decode_fixed<20>("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  EXPECT_TRUE(a.ok());
  return *a;
}

Schema full_schema() {
  Schema s;
  s.name = "KYC level";
  s.description = "A verified identity — level and name.";
  s.registrant = alice().id();
  s.fields = "uint8 level, string name, address wallet, bytes32[] tags";
  s.revocable = false;
  s.max_valid_for = 86'400;
  s.data_location = DataLocation::off_ledger;
  s.policy.attester_allowlist = {alice().id(), bob().id()};
  s.policy.accreditation = AccreditationRule{id_of("accreditor schema"), {alice().id()}, 3};
  s.policy.max_per_recipient = 5;
  s.policy.fee = 42;
  s.policy.link_same_attester = true;
  s.policy.link_must_be_valid = true;
  EXPECT_TRUE(s.normalize().is_ok());
  return s;
}

Schema plain_schema() {
  return test::make_schema(alice().id(), "score");
}

AttestationRequest full_request() {
  AttestationRequest q;
  q.schema = id_of("schema");
  q.recipients = {Recipient::account(bob().id()), Recipient::evm_address(sample_address()),
                  Recipient::external("did:example:carol")};
  q.valid_until = 1'800'000'000;
  q.linked = id_of("linked");
  q.revocable = false;
  q.indexing_key = "cohort-2024";
  q.data.data = test::score_data(7, "bob");
  q.accreditation = {id_of("acc 1"), id_of("acc 2")};
  return q;
}

AttestationRequest offledger_request() {
  const Bytes data = test::score_data(9, "carol");
  AttestationRequest q = test::make_offledger_request(id_of("schema"), {Recipient::external("did:web:x.org")}, data);
  q.valid_until = 0;
  return q;
}

Attestation full_attestation(AttestationRequest q = full_request()) {
  Attestation a;
  a.request = std::move(q);
  a.attester = alice().id();
  a.issued_at = 1'700'000'123;
  a.origin = id_of("tx");
  a.index = 3;
  return a;
}

AttestationRecord full_record() {
  return AttestationRecord{full_attestation(), 1'700'000'999, "superseded"};
}

OffchainAttestation full_offchain() {
  return sign_offchain(test::kChainId, full_attestation(), alice().key());
}

std::vector<Body> every_body() {
  Delegation d;
  d.attester = bob().id();
  d.nonce = 4;
  d.deadline = 1'700'009'999;
  Attest attest{{full_request(), offledger_request()}};
  Revoke revoke{{Revocation{id_of("a"), "wrong data"}, Revocation{id_of("b"), ""}}};
  sign_delegation(test::kChainId, d, Body(attest), bob().key());
  Delegation d2 = d;
  sign_delegation(test::kChainId, d2, Body(revoke), bob().key());
  return {RegisterSchema{full_schema()},
          attest,
          revoke,
          DelegatedAttest{d, attest},
          DelegatedRevoke{d2, revoke},
          RevokeOffchain{{id_of("x"), id_of("y")}},
          Timestamp{{id_of("doc")}},
          Transfer{bob().id(), codec::U256::from_u64(1'000'000)}};
}

SignedTransaction signed_tx(Body body) {
  Transaction tx;
  tx.chain_id = test::kChainId;
  tx.nonce = 12;
  tx.expires_at = 1'700'003'600;
  tx.body = std::move(body);
  return sign_transaction(std::move(tx), alice().key());
}

// ---------------------------------------------------------------------------------------------------------------
// Strictness: every decoder accepts exactly the encoder's output.

template <typename T>
using Decoder = std::function<Result<T>(ByteView)>;

template <typename T>
void check_strict(const T& value, const Bytes& encoded, const Decoder<T>& decode,
                  const std::function<Bytes(const T&)>& reencode) {
  // Round trip.
  auto back = decode(encoded);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, value);
  EXPECT_EQ(reencode(*back), encoded);

  // Trailing bytes.
  Bytes longer = encoded;
  longer.push_back(0);
  auto t = decode(longer);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), "trailing_bytes");
  EXPECT_TRUE(t.status().is_invalid());

  // Every strict prefix is refused.
  for (std::size_t n = 0; n < encoded.size(); ++n) {
    auto p = decode(ByteView(encoded).first(n));
    EXPECT_FALSE(p.ok()) << "prefix of " << n << " bytes decoded";
    if (!p.ok()) {
      EXPECT_TRUE(p.status().is_invalid()) << p.status().to_string();
    }
  }

  // Single-byte changes: refused, or decoded to a value whose encoding is exactly the changed bytes.
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    for (const std::uint8_t x : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
      Bytes m = encoded;
      m[i] = static_cast<std::uint8_t>(m[i] ^ x);
      auto d = decode(m);
      if (d.ok()) {
        EXPECT_EQ(reencode(*d), m) << "byte " << i << " ^ " << int{x} << " decoded to a different encoding";
      } else {
        EXPECT_TRUE(d.status().is_invalid()) << d.status().to_string();
      }
    }
  }
}

// Replaces the message tag of `encoded` (varint length + tag + version) with `tag`.
Bytes retag(const Bytes& encoded, std::string_view old_tag, std::string_view tag) {
  Bytes out = codec::Writer(tag, encoded[1 + old_tag.size()]).data();
  out.insert(out.end(), encoded.begin() + static_cast<std::ptrdiff_t>(1 + old_tag.size() + 1), encoded.end());
  return out;
}

TEST(ObjectsEncoding, SchemaRoundTripsAndIsStrict) {
  for (const Schema& s : {full_schema(), plain_schema()}) {
    check_strict<Schema>(s, encode(s), decode_schema, [](const Schema& x) { return encode(x); });
  }
}

TEST(ObjectsEncoding, AttestationRoundTripsAndIsStrict) {
  for (const Attestation& a : {full_attestation(), full_attestation(offledger_request())}) {
    check_strict<Attestation>(a, encode(a), decode_attestation, [](const Attestation& x) { return encode(x); });
  }
}

TEST(ObjectsEncoding, RecordRoundTripsAndIsStrict) {
  AttestationRecord live{full_attestation(offledger_request()), 0, ""};
  for (const AttestationRecord& r : {full_record(), live}) {
    check_strict<AttestationRecord>(r, encode(r), decode_attestation_record,
                                    [](const AttestationRecord& x) { return encode(x); });
  }
}

TEST(ObjectsEncoding, OffchainAttestationRoundTripsAndIsStrict) {
  const OffchainAttestation o = full_offchain();
  check_strict<OffchainAttestation>(o, encode(o), decode_offchain_attestation,
                                    [](const OffchainAttestation& x) { return encode(x); });
}

TEST(ObjectsEncoding, SignedTransactionOfEveryBodyRoundTripsAndIsStrict) {
  for (const Body& body : every_body()) {
    SCOPED_TRACE(body_name(body));
    const SignedTransaction stx = signed_tx(body);
    check_strict<SignedTransaction>(stx, encode(stx), decode_signed_transaction,
                                    [](const SignedTransaction& x) { return encode(x); });
  }
}

TEST(ObjectsEncoding, WrongTagIsRefused) {
  const Bytes schema = encode(full_schema());
  const Bytes attestation = encode(full_attestation());
  EXPECT_EQ(decode_schema(attestation).status().code(), "bad_tag");
  EXPECT_EQ(decode_attestation(schema).status().code(), "bad_tag");
  EXPECT_EQ(decode_attestation_record(attestation).status().code(), "bad_tag");
  EXPECT_EQ(decode_offchain_attestation(attestation).status().code(), "bad_tag");
  // An unsigned transaction is not a signed one.
  const SignedTransaction stx = signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)});
  EXPECT_EQ(decode_signed_transaction(encode(stx.tx)).status().code(), "bad_tag");
  // Same bytes, other tag of the same length family.
  EXPECT_EQ(decode_attestation(retag(attestation, "credence/attestation", "credence/attestatioN")).status().code(),
            "bad_tag");
}

TEST(ObjectsEncoding, UnsupportedVersionIsRefused) {
  Bytes b = encode(full_schema());
  const std::size_t version_at = 1 + std::string_view("credence/schema").size();
  ASSERT_EQ(b[version_at], 1);
  b[version_at] = 2;
  EXPECT_EQ(decode_schema(b).status().code(), "unsupported_version");
}

TEST(ObjectsEncoding, NonCanonicalSchemaFieldsAreRefused) {
  Schema s = plain_schema();
  s.fields = "uint score,string name";  // what normalize() would rewrite to "uint256 score,string name"
  auto d = decode_schema(encode(s));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), "bad_schema");
  // A stored schema with a policy that normalize() refuses is refused too.
  Schema p = plain_schema();
  p.policy.accreditation = AccreditationRule{id_of("s"), {}, 1};
  EXPECT_EQ(decode_schema(encode(p)).status().code(), "bad_policy");
}

TEST(ObjectsEncoding, UnknownBodyKindAndBadBatchesAreRefused) {
  const SignedTransaction stx = signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)});
  Bytes b = encode(stx);
  const std::size_t kind_at = 1 + std::string_view("credence/signed-tx").size() + 1 + 8 + 32 + 8 + 8;
  ASSERT_EQ(b[kind_at], 8);  // transfer
  b[kind_at] = 99;
  EXPECT_EQ(decode_signed_transaction(b).status().code(), "bad_transaction");
  b[kind_at] = 0;
  EXPECT_EQ(decode_signed_transaction(b).status().code(), "bad_transaction");

  for (const Body& empty : {Body(Attest{}), Body(Revoke{}), Body(RevokeOffchain{}), Body(Timestamp{})}) {
    SCOPED_TRACE(body_name(empty));
    EXPECT_EQ(decode_signed_transaction(encode(signed_tx(empty))).status().code(), "bad_transaction");
  }
  Attest too_many;
  too_many.requests.assign(kMaxBatch + 1, test::make_request(id_of("s"), {bob().recipient()}));
  EXPECT_EQ(decode_signed_transaction(encode(signed_tx(too_many))).status().code(), "bad_transaction");
  Attest max_batch;
  max_batch.requests.assign(kMaxBatch, test::make_request(id_of("s"), {bob().recipient()}));
  EXPECT_TRUE(decode_signed_transaction(encode(signed_tx(max_batch))).ok());

  Revoke long_reason{{Revocation{id_of("a"), std::string(kMaxReasonLength + 1, 'r')}}};
  EXPECT_EQ(decode_signed_transaction(encode(signed_tx(long_reason))).status().code(), "bad_transaction");
}

TEST(ObjectsEncoding, OversizedTransactionIsRefusedBeforeParsing) {
  Bytes huge(kMaxTransactionSize + 1, 0);
  EXPECT_EQ(decode_signed_transaction(huge).status().code(), "bad_transaction");
}

TEST(ObjectsEncoding, InvalidRequestInsideAnAttestationIsRefused) {
  Attestation a = full_attestation();
  a.request.recipients.push_back(a.request.recipients.front());  // duplicate
  EXPECT_EQ(decode_attestation(encode(a)).status().code(), "bad_request");
  a = full_attestation();
  a.request.recipients = {Recipient{Recipient::Kind::account, Bytes(31, 1)}};
  EXPECT_EQ(decode_attestation(encode(a)).status().code(), "bad_recipient");
  a = full_attestation();
  a.request.recipients = {};
  EXPECT_EQ(decode_attestation(encode(a)).status().code(), "bad_request");
}

// ---------------------------------------------------------------------------------------------------------------
// JSON views

template <typename T>
void check_json(const T& value, const std::function<Result<T>(const codec::Json&)>& from_json) {
  const codec::Json j = to_json(value);
  auto back = from_json(j);
  ASSERT_TRUE(back.ok()) << back.status().to_string() << "\n" << j.dump(2);
  EXPECT_EQ(*back, value);
  // Through text as well.
  auto parsed = codec::parse_json(codec::dump_json(j));
  ASSERT_TRUE(parsed.ok());
  auto back2 = from_json(*parsed);
  ASSERT_TRUE(back2.ok()) << back2.status().to_string();
  EXPECT_EQ(*back2, value);
  EXPECT_EQ(to_json(*back2), j);
  // Strict: an unknown field is refused.
  codec::Json extra = j;
  extra["surprise"] = 1;
  auto e = from_json(extra);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), "unknown_field");
  // Not an object.
  EXPECT_FALSE(from_json(codec::Json::array()).ok());
}

TEST(ObjectsJson, SchemaRoundTrips) {
  check_json<Schema>(full_schema(), schema_from_json);
  check_json<Schema>(plain_schema(), schema_from_json);
}

TEST(ObjectsJson, RequestRoundTrips) {
  check_json<AttestationRequest>(full_request(), request_from_json);
  check_json<AttestationRequest>(offledger_request(), request_from_json);
  AttestationRequest edge = full_request();
  edge.valid_until = UINT64_MAX;
  edge.data.data.clear();
  edge.linked.reset();
  edge.accreditation.clear();
  check_json<AttestationRequest>(edge, request_from_json);
}

TEST(ObjectsJson, AttestationRoundTrips) {
  check_json<Attestation>(full_attestation(), attestation_from_json);
  check_json<Attestation>(full_attestation(offledger_request()), attestation_from_json);
}

TEST(ObjectsJson, RecordRoundTrips) {
  check_json<AttestationRecord>(full_record(), record_from_json);
  check_json<AttestationRecord>(AttestationRecord{full_attestation(), 0, ""}, record_from_json);
}

TEST(ObjectsJson, OffchainAttestationRoundTrips) {
  check_json<OffchainAttestation>(full_offchain(), offchain_from_json);
}

TEST(ObjectsJson, SignedTransactionOfEveryBodyRoundTrips) {
  for (const Body& body : every_body()) {
    SCOPED_TRACE(body_name(body));
    check_json<SignedTransaction>(signed_tx(body), signed_transaction_from_json);
    check_json<Transaction>(signed_tx(body).tx, transaction_from_json);
  }
  SignedTransaction big = signed_tx(Transfer{bob().id(), codec::U256::from_u64(UINT64_MAX)});
  big.tx.expires_at = UINT64_MAX;
  big.tx.nonce = UINT64_MAX;
  check_json<SignedTransaction>(big, signed_transaction_from_json);
}

TEST(ObjectsJson, ClaimedIdsMustMatchTheContent) {
  codec::Json s = to_json(full_schema());
  s["id"] = codec::hex_encode_0x(id_of("other"));
  EXPECT_EQ(schema_from_json(s).status().code(), "id_mismatch");
  codec::Json a = to_json(full_attestation());
  a["index"] = std::uint64_t{4};  // the id no longer matches
  EXPECT_EQ(attestation_from_json(a).status().code(), "id_mismatch");
  codec::Json t = to_json(signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)}).tx);
  t["nonce"] = std::uint64_t{13};
  EXPECT_EQ(transaction_from_json(t).status().code(), "id_mismatch");
  // Without the id field the views are still accepted.
  s.erase("id");
  EXPECT_TRUE(schema_from_json(s).ok());
}

TEST(ObjectsJson, SchemaFromJsonNormalizes) {
  codec::Json s = to_json(plain_schema());
  s.erase("id");
  s["fields"] = "uint score, string name";
  auto back = schema_from_json(s);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, plain_schema());
  s["fields"] = "";
  EXPECT_EQ(schema_from_json(s).status().code(), "bad_schema");
}

TEST(ObjectsJson, InvalidRequestsAreRefused) {
  codec::Json q = to_json(full_request());
  q["recipients"] = codec::Json::array();
  EXPECT_EQ(request_from_json(q).status().code(), "bad_request");
  q["recipients"] = {"0x1234"};
  EXPECT_EQ(request_from_json(q).status().code(), "bad_recipient");
  q = to_json(full_request());
  q.erase("data");
  EXPECT_EQ(request_from_json(q).status().code(), "missing_field");
}

// ---------------------------------------------------------------------------------------------------------------
// Ids

TEST(ObjectsIds, SameContentSameId) {
  EXPECT_EQ(schema_id(full_schema()), schema_id(full_schema()));
  EXPECT_EQ(attestation_id(full_attestation()), attestation_id(full_attestation()));
  EXPECT_EQ(transaction_id(signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)}).tx),
            transaction_id(signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)}).tx));
  // An id is SHA-256 of the canonical encoding.
  EXPECT_EQ(schema_id(full_schema()), crypto::sha256(encode(full_schema())));
  EXPECT_EQ(attestation_id(full_attestation()), crypto::sha256(encode(full_attestation())));
}

TEST(ObjectsIds, EverySchemaFieldChangesTheId) {
  std::vector<std::function<void(Schema&)>> changes = {
      [](Schema& s) { s.name += "!"; },
      [](Schema& s) { s.description += "!"; },
      [](Schema& s) { s.registrant = bob().id(); },
      [](Schema& s) { s.fields = "uint8 level,string name,address wallet,bytes32[] tags,bool extra"; },
      [](Schema& s) { s.revocable = !s.revocable; },
      [](Schema& s) { s.max_valid_for += 1; },
      [](Schema& s) { s.data_location = DataLocation::on_ledger; },
      [](Schema& s) { s.policy.attester_allowlist.pop_back(); },
      [](Schema& s) { s.policy.accreditation->schema = id_of("other"); },
      [](Schema& s) { s.policy.accreditation->trust_anchors.push_back(bob().id()); },
      [](Schema& s) { s.policy.accreditation->max_depth = 2; },
      [](Schema& s) { s.policy.accreditation.reset(); },
      [](Schema& s) { s.policy.max_per_recipient = 6; },
      [](Schema& s) { s.policy.fee = 43; },
      [](Schema& s) { s.policy.link_same_attester = false; },
      [](Schema& s) { s.policy.link_must_be_valid = false; },
  };
  std::set<Id> ids{schema_id(full_schema())};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Schema s = full_schema();
    changes[i](s);
    EXPECT_TRUE(ids.insert(schema_id(s)).second) << "change " << i << " did not give a new id";
  }
}

TEST(ObjectsIds, EveryAttestationFieldChangesTheId) {
  std::vector<std::function<void(Attestation&)>> changes = {
      [](Attestation& a) { a.request.schema = id_of("other"); },
      [](Attestation& a) { a.request.recipients.pop_back(); },
      [](Attestation& a) { std::swap(a.request.recipients[0], a.request.recipients[1]); },
      [](Attestation& a) { a.request.recipients[2] = Recipient::external("did:example:dave"); },
      [](Attestation& a) { a.request.valid_until += 1; },
      [](Attestation& a) { a.request.linked = id_of("other link"); },
      [](Attestation& a) { a.request.linked.reset(); },
      [](Attestation& a) { a.request.revocable = true; },
      [](Attestation& a) { a.request.indexing_key = "cohort-2025"; },
      [](Attestation& a) { a.request.data.data = test::score_data(8, "bob"); },
      [](Attestation& a) { a.request.data = offledger_request().data; },
      [](Attestation& a) { a.request.accreditation.pop_back(); },
      [](Attestation& a) { a.attester = bob().id(); },
      [](Attestation& a) { a.issued_at += 1; },
      [](Attestation& a) { a.origin = id_of("other tx"); },
      [](Attestation& a) { a.index = 4; },
  };
  std::set<Id> ids{attestation_id(full_attestation())};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Attestation a = full_attestation();
    changes[i](a);
    EXPECT_TRUE(ids.insert(attestation_id(a)).second) << "change " << i << " did not give a new id";
  }
}

TEST(ObjectsIds, EveryTransactionFieldChangesTheId) {
  const Transaction base = signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)}).tx;
  std::vector<std::function<void(Transaction&)>> changes = {
      [](Transaction& t) { t.chain_id += 1; },
      [](Transaction& t) { t.author = bob().id(); },
      [](Transaction& t) { t.nonce += 1; },
      [](Transaction& t) { t.expires_at += 1; },
      [](Transaction& t) {
        t.body = Transfer{bob().id(), codec::U256::from_u64(6)};
      },
      [](Transaction& t) {
        t.body = Transfer{alice().id(), codec::U256::from_u64(5)};
      },
      [](Transaction& t) { t.body = Timestamp{{id_of("x")}}; },
      [](Transaction& t) { t.body = RevokeOffchain{{id_of("x")}}; },  // same ids, other kind
  };
  std::set<Id> ids{transaction_id(base)};
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Transaction t = base;
    changes[i](t);
    EXPECT_TRUE(ids.insert(transaction_id(t)).second) << "change " << i << " did not give a new id";
  }
}

TEST(ObjectsIds, IdsOfDifferentTypesNeverShareAnEncoding) {
  // The per-type tag leads every encoding, so no two types can produce the same bytes.
  std::set<Bytes> prefixes;
  for (const Bytes& b : {encode(full_schema()), encode(full_attestation()), encode(full_record()),
                         encode(full_offchain()), encode(signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)}))}) {
    auto tag = codec::Reader(b).string();
    ASSERT_TRUE(tag.ok());
    EXPECT_TRUE(prefixes.insert(Bytes(tag->begin(), tag->end())).second) << *tag;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Schema normalization

TEST(SchemaNormalize, UintAndUint256AreOneSchema) {
  Schema a = plain_schema();
  Schema b = plain_schema();
  a.fields = "uint score,string name";
  b.fields = "  uint256   score ,  string name ";
  ASSERT_TRUE(a.normalize().is_ok());
  ASSERT_TRUE(b.normalize().is_ok());
  EXPECT_EQ(a.fields, "uint256 score,string name");
  EXPECT_EQ(a.fields, b.fields);
  EXPECT_EQ(schema_id(a), schema_id(b));
  Schema c = plain_schema();
  c.fields = "int score,string name";
  ASSERT_TRUE(c.normalize().is_ok());
  EXPECT_EQ(c.fields, "int256 score,string name");
  EXPECT_NE(schema_id(a), schema_id(c));
  // Idempotent.
  Schema d = a;
  ASSERT_TRUE(d.normalize().is_ok());
  EXPECT_EQ(d, a);
}

TEST(SchemaNormalize, FieldTypes) {
  auto types = full_schema().field_types();
  ASSERT_TRUE(types.ok());
  ASSERT_EQ(types->size(), 4u);
  EXPECT_EQ((*types)[0].canonical(), "uint8");
  EXPECT_EQ((*types)[3].canonical(), "bytes32[]");
}

TEST(SchemaNormalize, BadSchemas) {
  const std::vector<std::pair<std::string, std::function<void(Schema&)>>> cases = {
      {"empty name", [](Schema& s) { s.name.clear(); }},
      {"long name", [](Schema& s) { s.name.assign(kMaxNameLength + 1, 'n'); }},
      {"name not UTF-8", [](Schema& s) { s.name = "\xff"; }},
      {"long description", [](Schema& s) { s.description.assign(kMaxDescriptionLength + 1, 'd'); }},
      {"no fields", [](Schema& s) { s.fields = " "; }},
      {"bad type", [](Schema& s) { s.fields = "uint257 x"; }},
      {"duplicate names", [](Schema& s) { s.fields = "uint256 x,bool x"; }},
      {"long fields", [](Schema& s) { s.fields = "string " + std::string(kMaxFieldsLength, 'a'); }},
  };
  for (const auto& [what, change] : cases) {
    Schema s = plain_schema();
    change(s);
    EXPECT_EQ(s.normalize().code(), "bad_schema") << what;
  }
  // The limits themselves are fine.
  Schema ok = plain_schema();
  ok.name.assign(kMaxNameLength, 'n');
  ok.description.assign(kMaxDescriptionLength, 'd');
  EXPECT_TRUE(ok.normalize().is_ok());
}

TEST(SchemaNormalize, BadPolicies) {
  const std::vector<std::pair<std::string, std::function<void(Policy&)>>> cases = {
      {"duplicate allow-list",
       [](Policy& p) {
         p.attester_allowlist = {alice().id(), alice().id()};
       }},
      {"long allow-list",
       [](Policy& p) {
         for (std::size_t i = 0; i <= kMaxAllowlist; ++i) p.attester_allowlist.push_back(id_of(std::to_string(i)));
       }},
      {"no anchors",
       [](Policy& p) {
         p.accreditation = AccreditationRule{id_of("s"), {}, 1};
       }},
      {"duplicate anchors",
       [](Policy& p) {
         p.accreditation = AccreditationRule{id_of("s"), {bob().id(), bob().id()}, 1};
       }},
      {"depth 0",
       [](Policy& p) {
         p.accreditation = AccreditationRule{id_of("s"), {bob().id()}, 0};
       }},
      {"depth 9",
       [](Policy& p) {
         p.accreditation = AccreditationRule{id_of("s"), {bob().id()}, 9};
       }},
      {"too many anchors",
       [](Policy& p) {
         AccreditationRule r{id_of("s"), {}, 1};
         for (std::size_t i = 0; i <= kMaxTrustAnchors; ++i) r.trust_anchors.push_back(id_of(std::to_string(i)));
         p.accreditation = r;
       }},
  };
  for (const auto& [what, change] : cases) {
    Schema s = plain_schema();
    change(s.policy);
    EXPECT_EQ(s.normalize().code(), "bad_policy") << what;
  }
  Schema deepest = plain_schema();
  deepest.policy.accreditation = AccreditationRule{id_of("s"), {bob().id()}, kMaxAccreditationDepth};
  EXPECT_TRUE(deepest.normalize().is_ok());
}

// ---------------------------------------------------------------------------------------------------------------
// Recipients

TEST(RecipientText, Account) {
  const Recipient r = Recipient::account(bob().id());
  const std::string text = r.to_string();
  EXPECT_EQ(text, codec::hex_encode_0x(bob().id()));
  EXPECT_EQ(text.size(), 66u);
  auto back = Recipient::parse(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(back->is_account(bob().id()));
  EXPECT_FALSE(back->is_account(alice().id()));
  std::string upper = text;
  for (std::size_t i = 2; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  auto up = Recipient::parse(upper);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(*up, r);
  EXPECT_EQ(Recipient::parse("0x" + std::string(64, 'g')).status().code(), "bad_recipient");
}

TEST(RecipientText, EvmAddress) {
  const Recipient r = Recipient::evm_address(sample_address());
  EXPECT_EQ(r.to_string(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");  // EIP-55
  auto back = Recipient::parse(r.to_string());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  auto lower = Recipient::parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, r);
  // Mixed case with a wrong checksum.
  EXPECT_EQ(Recipient::parse("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").status().code(), "bad_recipient");
  EXPECT_FALSE(r.is_account(bob().id()));
}

TEST(RecipientText, External) {
  const Recipient r = Recipient::external("did:example:123456789abcdefghi");
  EXPECT_EQ(r.kind, Recipient::Kind::external);
  EXPECT_EQ(r.to_string(), "did:example:123456789abcdefghi");
  auto back = Recipient::parse(r.to_string());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(Recipient::parse(std::string(kMaxExternalIdLength, 'x')).ok());
  for (const std::string& bad : {std::string(), std::string(kMaxExternalIdLength + 1, 'x'), std::string("\xff\xfe"),
                                 std::string("0x1234"), std::string("0X" + std::string(64, 'a') + "00")}) {
    EXPECT_EQ(Recipient::parse(bad).status().code(), "bad_recipient") << bad;
  }
}

TEST(RecipientText, ValidateChecksSizes) {
  EXPECT_TRUE(Recipient::account(bob().id()).validate().is_ok());
  EXPECT_EQ((Recipient{Recipient::Kind::account, Bytes(31, 0)}).validate().code(), "bad_recipient");
  EXPECT_EQ((Recipient{Recipient::Kind::evm_address, Bytes(32, 0)}).validate().code(), "bad_recipient");
  EXPECT_EQ((Recipient{Recipient::Kind::external, Bytes{}}).validate().code(), "bad_recipient");
  EXPECT_EQ((Recipient{Recipient::Kind::external, Bytes{'0', 'x', '1'}}).validate().code(), "bad_recipient");
  EXPECT_EQ((Recipient{static_cast<Recipient::Kind>(9), Bytes(32, 0)}).validate().code(), "bad_recipient");
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

TEST(RequestValidation, Limits) {
  EXPECT_TRUE(validate_request(full_request()).is_ok());
  EXPECT_TRUE(validate_request(offledger_request()).is_ok());
  const std::vector<std::pair<std::string, std::function<void(AttestationRequest&)>>> cases = {
      {"no recipients", [](AttestationRequest& q) { q.recipients.clear(); }},
      {"duplicate recipients", [](AttestationRequest& q) { q.recipients.push_back(q.recipients.front()); }},
      {"too many recipients",
       [](AttestationRequest& q) {
         q.recipients.clear();
         for (std::size_t i = 0; i <= kMaxRecipients; ++i)
           q.recipients.push_back(Recipient::external("r" + std::to_string(i)));
       }},
      {"long indexing key", [](AttestationRequest& q) { q.indexing_key.assign(kMaxIndexingKeyLength + 1, 'k'); }},
      {"long accreditation chain",
       [](AttestationRequest& q) { q.accreditation.assign(kMaxAccreditationDepth + 1, id_of("a")); }},
      {"long data", [](AttestationRequest& q) { q.data.data.assign(kMaxDataLength + 1, 0); }},
      {"on-ledger data with a uri", [](AttestationRequest& q) { q.data.uri = "https://x"; }},
      {"on-ledger data with a hash", [](AttestationRequest& q) { q.data.data_hash = id_of("h"); }},
      {"off-ledger data included",
       [](AttestationRequest& q) {
         q.data.location = DataLocation::off_ledger;
         q.data.data = {1};
       }},
      {"long uri",
       [](AttestationRequest& q) {
         q.data = offledger_request().data;
         q.data.uri.assign(kMaxUriLength + 1, 'u');
       }},
  };
  for (const auto& [what, change] : cases) {
    AttestationRequest q = full_request();
    change(q);
    EXPECT_EQ(validate_request(q).code(), "bad_request") << what;
  }
  AttestationRequest bad_recipient = full_request();
  bad_recipient.recipients[0].value.pop_back();
  EXPECT_EQ(validate_request(bad_recipient).code(), "bad_recipient");
}

// ---------------------------------------------------------------------------------------------------------------
// Signatures

TEST(OffchainSignature, BindsChainAndContent) {
  const OffchainAttestation o = full_offchain();
  EXPECT_EQ(o.attestation.attester, alice().id());
  EXPECT_TRUE(verify_offchain_signature(o).is_ok());
  OffchainAttestation other_chain = o;
  other_chain.chain_id = test::kOtherChainId;
  EXPECT_EQ(verify_offchain_signature(other_chain).code(), "bad_signature");
  OffchainAttestation changed = o;
  changed.attestation.request.valid_until += 1;
  EXPECT_EQ(verify_offchain_signature(changed).code(), "bad_signature");
  OffchainAttestation other_attester = o;
  other_attester.attestation.attester = bob().id();
  EXPECT_EQ(verify_offchain_signature(other_attester).code(), "bad_signature");
  OffchainAttestation bad_key = o;
  bad_key.attestation.attester = AccountId{};  // not a valid point
  EXPECT_FALSE(verify_offchain_signature(bad_key).is_ok());
  // The signed message is tag, chain id, attestation id.
  codec::Writer w("credence/offchain-attestation-sig", 1);
  w.u64(test::kChainId).fixed<32>(attestation_id(o.attestation));
  EXPECT_EQ(offchain_signing_message(test::kChainId, o.attestation), w.data());
}

TEST(TransactionSignature, BindsEveryField) {
  const SignedTransaction stx = signed_tx(Transfer{bob().id(), codec::U256::from_u64(5)});
  EXPECT_EQ(stx.tx.author, alice().id());
  EXPECT_TRUE(verify_transaction_signature(stx).is_ok());
  for (int field = 0; field < 5; ++field) {
    SignedTransaction t = stx;
    switch (field) {
      case 0:
        t.tx.chain_id += 1;
        break;
      case 1:
        t.tx.nonce += 1;
        break;
      case 2:
        t.tx.expires_at += 1;
        break;
      case 3:
        t.tx.body = Transfer{bob().id(), codec::U256::from_u64(6)};
        break;
      default:
        t.tx.author = bob().id();
        break;
    }
    EXPECT_EQ(verify_transaction_signature(t).code(), "bad_signature") << "field " << field;
  }
  SignedTransaction high_s = stx;
  std::fill(high_s.signature.begin() + 32, high_s.signature.end(), 0xff);
  EXPECT_EQ(verify_transaction_signature(high_s).code(), "non_canonical_s");
  SignedTransaction bad_key = stx;
  bad_key.tx.author = AccountId{1};  // the identity point: small order
  EXPECT_EQ(verify_transaction_signature(bad_key).code(), "invalid_public_key");
}

TEST(DelegationSignature, BindsChainNonceDeadlineAndPayload) {
  const Body payload = Attest{{full_request()}};
  Delegation d;
  d.nonce = 3;
  d.deadline = 1'700'000'500;
  sign_delegation(test::kChainId, d, payload, bob().key());
  EXPECT_EQ(d.attester, bob().id());
  auto verify = [&](std::uint64_t chain, const Delegation& x, const Body& p) {
    return crypto::ed25519::verify(x.attester, delegation_signing_message(chain, x, p), x.signature);
  };
  EXPECT_TRUE(verify(test::kChainId, d, payload).is_ok());
  EXPECT_FALSE(verify(test::kOtherChainId, d, payload).is_ok());
  Delegation n = d;
  n.nonce += 1;
  EXPECT_FALSE(verify(test::kChainId, n, payload).is_ok());
  Delegation t = d;
  t.deadline += 1;
  EXPECT_FALSE(verify(test::kChainId, t, payload).is_ok());
  EXPECT_FALSE(verify(test::kChainId, d, Body(Attest{{offledger_request()}})).is_ok());
  // Same ids, other kind of payload.
  const Body revoke = Revoke{{Revocation{id_of("a"), ""}}};
  Delegation r;
  sign_delegation(test::kChainId, r, revoke, bob().key());
  EXPECT_TRUE(verify(test::kChainId, r, revoke).is_ok());
  EXPECT_FALSE(verify(test::kChainId, r, Body(RevokeOffchain{{id_of("a")}})).is_ok());
}

TEST(BodyNames, AreTheJsonTypes) {
  const std::vector<std::string> expected = {"register_schema",  "attest",          "revoke",    "delegated_attest",
                                             "delegated_revoke", "revoke_offchain", "timestamp", "transfer"};
  const auto bodies = every_body();
  ASSERT_EQ(bodies.size(), expected.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    EXPECT_EQ(body_name(bodies[i]), expected[i]);
    EXPECT_EQ(to_json(signed_tx(bodies[i]).tx)["body"]["type"], expected[i]);
  }
}

}  // namespace
}  // namespace credence::core
