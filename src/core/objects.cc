#include "credence/core/objects.h"

#include <algorithm>
#include <set>

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/secp256k1.h"

namespace credence::core {

namespace {

constexpr std::string_view kSchemaTag = "credence/schema";
constexpr std::string_view kAttestationTag = "credence/attestation";
constexpr std::string_view kRecordTag = "credence/attestation-record";
constexpr std::string_view kOffchainTag = "credence/offchain-attestation";
constexpr std::string_view kOffchainSigTag = "credence/offchain-attestation-sig";

Status too_long(const char* what, std::size_t limit) {
  return Status::invalid("bad_request", std::string(what) + " longer than " + std::to_string(limit) + " bytes");
}

template <typename T>
bool has_duplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

// ---- canonical helpers

void write_ids(codec::Writer& w, const std::vector<Hash256>& ids) {
  w.varint(ids.size());
  for (const auto& id : ids) w.fixed<32>(id);
}

Result<std::vector<Hash256>> read_ids(codec::Reader& r, std::size_t limit, const char* what) {
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(32));
  if (n > limit) return Status::invalid("bad_request", std::string(what) + ": more than " + std::to_string(limit));
  std::vector<Hash256> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(auto id, r.fixed<32>());
    out.push_back(id);
  }
  return out;
}

Result<std::string> read_bounded_string(codec::Reader& r, std::size_t limit, const char* what) {
  CREDENCE_ASSIGN_OR_RETURN(auto s, r.string());
  if (s.size() > limit) return too_long(what, limit);
  return s;
}

// ---- JSON helpers

codec::Json hex_json(ByteView b) {
  return codec::hex_encode_0x(b);
}

codec::Json ids_json(const std::vector<Hash256>& ids) {
  codec::Json a = codec::Json::array();
  for (const auto& id : ids) a.push_back(hex_json(id));
  return a;
}

Status bad_field(const std::string& what, const std::string& why) {
  return Status::invalid("bad_field", what + ": " + why);
}

Result<std::vector<Hash256>> ids_from_json(const codec::Json& j, const std::string& what, std::size_t limit) {
  if (!j.is_array()) return bad_field(what, "must be an array of 0x-hex ids");
  if (j.size() > limit) return bad_field(what, "more than " + std::to_string(limit) + " entries");
  std::vector<Hash256> out;
  for (const auto& e : j) {
    if (!e.is_string()) return bad_field(what, "entries must be 0x-hex strings");
    auto id = codec::hex_decode_fixed<32>(e.get<std::string>());
    if (!id) return bad_field(what, id.status().to_string());
    out.push_back(*id);
  }
  return out;
}

Result<std::uint8_t> u8_from(codec::ObjectReader& r, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(auto v, r.u64(key));
  if (v > 255) return bad_field(key, "must be at most 255");
  return static_cast<std::uint8_t>(v);
}

Result<std::uint32_t> u32_from(codec::ObjectReader& r, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(auto v, r.u64(key));
  if (v > 0xffffffffu) return bad_field(key, "must fit in 32 bits");
  return static_cast<std::uint32_t>(v);
}

const char* location_name(DataLocation l) {
  return l == DataLocation::on_ledger ? "on_ledger" : "off_ledger";
}

Result<DataLocation> location_from(const std::string& s) {
  if (s == "on_ledger") return DataLocation::on_ledger;
  if (s == "off_ledger") return DataLocation::off_ledger;
  return bad_field("data_location", "must be on_ledger or off_ledger");
}

Result<DataLocation> read_location(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(auto b, r.u8());
  if (b > 1) return Status::invalid("bad_request", "unknown data location " + std::to_string(b));
  return static_cast<DataLocation>(b);
}

}  // namespace

// ---------------------------------------------------------------- Recipient

Recipient Recipient::account(const AccountId& id) {
  return {Kind::account, Bytes(id.begin(), id.end())};
}
Recipient Recipient::evm_address(const FixedBytes<20>& a) {
  return {Kind::evm_address, Bytes(a.begin(), a.end())};
}
Recipient Recipient::external(std::string_view id) {
  const ByteView b = as_bytes(id);
  return {Kind::external, Bytes(b.begin(), b.end())};
}

bool Recipient::is_account(const AccountId& id) const {
  return kind == Kind::account && std::equal(value.begin(), value.end(), id.begin(), id.end());
}

std::string Recipient::to_string() const {
  switch (kind) {
    case Kind::account:
      return codec::hex_encode_0x(value);
    case Kind::evm_address: {
      FixedBytes<20> a{};
      std::copy_n(value.begin(), std::min<std::size_t>(20, value.size()), a.begin());
      return crypto::secp256k1::eip55_encode(a);
    }
    case Kind::external:
      return std::string(value.begin(), value.end());
  }
  return {};
}

Result<Recipient> Recipient::parse(std::string_view text) {
  const bool hex_like = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  if (hex_like && text.size() == 66) {
    auto key = codec::hex_decode_fixed<32>(text);
    if (!key) return Status::invalid("bad_recipient", std::string(text) + ": " + key.status().message());
    return account(*key);
  }
  if (hex_like && text.size() == 42) {
    auto a = crypto::secp256k1::parse_address(text);
    if (!a) return Status::invalid("bad_recipient", std::string(text) + ": " + a.status().to_string());
    return evm_address(*a);
  }
  if (hex_like) return Status::invalid("bad_recipient", "0x recipients are 32-byte accounts or 20-byte addresses");
  Recipient r = external(text);
  CREDENCE_RETURN_IF_ERROR(r.validate());
  return r;
}

Status Recipient::validate() const {
  switch (kind) {
    case Kind::account:
      if (value.size() != 32) return Status::invalid("bad_recipient", "account recipients are 32 bytes");
      return Status::ok();
    case Kind::evm_address:
      if (value.size() != 20) return Status::invalid("bad_recipient", "EVM recipients are 20 bytes");
      return Status::ok();
    case Kind::external: {
      const std::string s(value.begin(), value.end());
      if (s.empty() || s.size() > kMaxExternalIdLength || !codec::is_valid_utf8(s) || s.rfind("0x", 0) == 0 ||
          s.rfind("0X", 0) == 0) {
        return Status::invalid("bad_recipient", "external ids are 1.." + std::to_string(kMaxExternalIdLength) +
                                                    " bytes of UTF-8 not starting with 0x");
      }
      return Status::ok();
    }
  }
  return Status::invalid("bad_recipient", "unknown recipient kind");
}

// ---------------------------------------------------------------- Policy

void write_policy(codec::Writer& w, const Policy& p) {
  write_ids(w, p.attester_allowlist);
  w.boolean(p.accreditation.has_value());
  if (p.accreditation) {
    w.fixed<32>(p.accreditation->schema);
    write_ids(w, p.accreditation->trust_anchors);
    w.u8(p.accreditation->max_depth);
  }
  w.u32(p.max_per_recipient).u64(p.fee).boolean(p.link_same_attester).boolean(p.link_must_be_valid);
}

Result<Policy> read_policy(codec::Reader& r) {
  Policy p;
  CREDENCE_ASSIGN_OR_RETURN(p.attester_allowlist, read_ids(r, kMaxAllowlist, "attester_allowlist"));
  CREDENCE_ASSIGN_OR_RETURN(bool has_rule, r.boolean());
  if (has_rule) {
    AccreditationRule rule;
    CREDENCE_ASSIGN_OR_RETURN(rule.schema, r.fixed<32>());
    CREDENCE_ASSIGN_OR_RETURN(rule.trust_anchors, read_ids(r, kMaxTrustAnchors, "trust_anchors"));
    CREDENCE_ASSIGN_OR_RETURN(rule.max_depth, r.u8());
    p.accreditation = std::move(rule);
  }
  CREDENCE_ASSIGN_OR_RETURN(p.max_per_recipient, r.u32());
  CREDENCE_ASSIGN_OR_RETURN(p.fee, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(p.link_same_attester, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(p.link_must_be_valid, r.boolean());
  return p;
}

namespace {

Status validate_policy(const Policy& p) {
  if (p.attester_allowlist.size() > kMaxAllowlist) return Status::invalid("bad_policy", "allow-list too long");
  if (has_duplicates(p.attester_allowlist)) return Status::invalid("bad_policy", "allow-list has duplicates");
  if (p.accreditation) {
    const auto& a = *p.accreditation;
    if (a.trust_anchors.empty()) return Status::invalid("bad_policy", "an accreditation rule needs trust anchors");
    if (a.trust_anchors.size() > kMaxTrustAnchors) return Status::invalid("bad_policy", "too many trust anchors");
    if (has_duplicates(a.trust_anchors)) return Status::invalid("bad_policy", "trust anchors have duplicates");
    if (a.max_depth < 1 || a.max_depth > kMaxAccreditationDepth) {
      return Status::invalid("bad_policy",
                             "accreditation max_depth must be 1.." + std::to_string(kMaxAccreditationDepth));
    }
  }
  return Status::ok();
}

}  // namespace

// ---------------------------------------------------------------- Schema

Status Schema::normalize() {
  if (name.empty() || name.size() > kMaxNameLength || !codec::is_valid_utf8(name)) {
    return Status::invalid("bad_schema", "name must be 1.." + std::to_string(kMaxNameLength) + " bytes of UTF-8");
  }
  if (description.size() > kMaxDescriptionLength || !codec::is_valid_utf8(description)) {
    return Status::invalid("bad_schema", "description too long or not UTF-8");
  }
  if (fields.size() > kMaxFieldsLength) return Status::invalid("bad_schema", "fields too long");
  auto params = codec::parse_abi_params(fields);
  if (!params) return Status::invalid("bad_schema", "fields: " + params.status().to_string());
  if (params->empty()) return Status::invalid("bad_schema", "a schema declares at least one field");
  fields = codec::canonical_params(*params);
  return validate_policy(policy);
}

Result<std::vector<codec::AbiType>> Schema::field_types() const {
  auto params = codec::parse_abi_params(fields);
  if (!params) return Status::invalid("bad_schema", params.status().to_string());
  std::vector<codec::AbiType> types;
  types.reserve(params->size());
  for (auto& p : *params) types.push_back(std::move(p.type));
  return types;
}

Bytes encode(const Schema& s) {
  codec::Writer w(kSchemaTag, 1);
  w.string(s.name).string(s.description).fixed<32>(s.registrant).string(s.fields).boolean(s.revocable);
  w.u64(s.max_valid_for).u8(static_cast<std::uint8_t>(s.data_location));
  write_policy(w, s.policy);
  return std::move(w).take();
}

Result<Schema> decode_schema(ByteView bytes) {
  codec::Reader r(bytes);
  Schema s;
  CREDENCE_RETURN_IF_ERROR(r.header(kSchemaTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(s.name, read_bounded_string(r, kMaxNameLength, "name"));
  CREDENCE_ASSIGN_OR_RETURN(s.description, read_bounded_string(r, kMaxDescriptionLength, "description"));
  CREDENCE_ASSIGN_OR_RETURN(s.registrant, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(s.fields, read_bounded_string(r, kMaxFieldsLength, "fields"));
  CREDENCE_ASSIGN_OR_RETURN(s.revocable, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(s.max_valid_for, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(s.data_location, read_location(r));
  CREDENCE_ASSIGN_OR_RETURN(s.policy, read_policy(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  // A stored schema is always normalized; anything else was not written by us.
  Schema check = s;
  CREDENCE_RETURN_IF_ERROR(check.normalize());
  if (check.fields != s.fields) return Status::invalid("bad_schema", "fields are not in canonical form");
  return s;
}

Id schema_id(const Schema& schema) {
  return crypto::sha256(encode(schema));
}

// ---------------------------------------------------------------- AttestationRequest / Attestation

Status validate_request(const AttestationRequest& q) {
  if (q.recipients.empty()) return Status::invalid("bad_request", "at least one recipient");
  if (q.recipients.size() > kMaxRecipients) {
    return Status::invalid("bad_request", "more than " + std::to_string(kMaxRecipients) + " recipients");
  }
  for (const auto& rc : q.recipients) CREDENCE_RETURN_IF_ERROR(rc.validate());
  if (has_duplicates(q.recipients)) return Status::invalid("bad_request", "duplicate recipients");
  if (q.indexing_key.size() > kMaxIndexingKeyLength || !codec::is_valid_utf8(q.indexing_key)) {
    return Status::invalid("bad_request", "indexing_key too long or not UTF-8");
  }
  if (q.accreditation.size() > kMaxAccreditationDepth) {
    return Status::invalid("bad_request", "accreditation chain longer than " + std::to_string(kMaxAccreditationDepth));
  }
  if (q.data.location == DataLocation::on_ledger) {
    if (q.data.data.size() > kMaxDataLength) return too_long("data", kMaxDataLength);
    if (!q.data.uri.empty() || q.data.data_hash != Hash256{}) {
      return Status::invalid("bad_request", "on-ledger data carries no hash or uri");
    }
  } else {
    if (!q.data.data.empty()) return Status::invalid("bad_request", "off-ledger data is referenced, not included");
    if (q.data.uri.size() > kMaxUriLength || !codec::is_valid_utf8(q.data.uri)) return too_long("uri", kMaxUriLength);
  }
  return Status::ok();
}

void write_request(codec::Writer& w, const AttestationRequest& q) {
  w.fixed<32>(q.schema);
  w.varint(q.recipients.size());
  for (const auto& rc : q.recipients) w.u8(static_cast<std::uint8_t>(rc.kind)).bytes(rc.value);
  w.u64(q.valid_until).boolean(q.linked.has_value());
  if (q.linked) w.fixed<32>(*q.linked);
  w.boolean(q.revocable).string(q.indexing_key).u8(static_cast<std::uint8_t>(q.data.location));
  if (q.data.location == DataLocation::on_ledger) {
    w.bytes(q.data.data);
  } else {
    w.fixed<32>(q.data.data_hash).string(q.data.uri);
  }
  write_ids(w, q.accreditation);
}

Result<AttestationRequest> read_request(codec::Reader& r) {
  AttestationRequest q;
  CREDENCE_ASSIGN_OR_RETURN(q.schema, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(2));
  if (n > kMaxRecipients) return Status::invalid("bad_request", "too many recipients");
  q.recipients.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(auto kind, r.u8());
    if (kind < 1 || kind > 3) return Status::invalid("bad_recipient", "unknown recipient kind " + std::to_string(kind));
    Recipient rc;
    rc.kind = static_cast<Recipient::Kind>(kind);
    CREDENCE_ASSIGN_OR_RETURN(rc.value, r.bytes());
    q.recipients.push_back(std::move(rc));
  }
  CREDENCE_ASSIGN_OR_RETURN(q.valid_until, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(bool has_link, r.boolean());
  if (has_link) {
    CREDENCE_ASSIGN_OR_RETURN(auto link, r.fixed<32>());
    q.linked = link;
  }
  CREDENCE_ASSIGN_OR_RETURN(q.revocable, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(q.indexing_key, read_bounded_string(r, kMaxIndexingKeyLength, "indexing_key"));
  CREDENCE_ASSIGN_OR_RETURN(q.data.location, read_location(r));
  if (q.data.location == DataLocation::on_ledger) {
    CREDENCE_ASSIGN_OR_RETURN(q.data.data, r.bytes());
  } else {
    CREDENCE_ASSIGN_OR_RETURN(q.data.data_hash, r.fixed<32>());
    CREDENCE_ASSIGN_OR_RETURN(q.data.uri, read_bounded_string(r, kMaxUriLength, "uri"));
  }
  CREDENCE_ASSIGN_OR_RETURN(q.accreditation, read_ids(r, kMaxAccreditationDepth, "accreditation"));
  CREDENCE_RETURN_IF_ERROR(validate_request(q));
  return q;
}

namespace {

void write_attestation_body(codec::Writer& w, const Attestation& a) {
  write_request(w, a.request);
  w.fixed<32>(a.attester).u64(a.issued_at).fixed<32>(a.origin).u32(a.index);
}

Result<Attestation> read_attestation_body(codec::Reader& r) {
  Attestation a;
  CREDENCE_ASSIGN_OR_RETURN(a.request, read_request(r));
  CREDENCE_ASSIGN_OR_RETURN(a.attester, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(a.issued_at, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(a.origin, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(a.index, r.u32());
  return a;
}

}  // namespace

Bytes encode(const Attestation& a) {
  codec::Writer w(kAttestationTag, 1);
  write_attestation_body(w, a);
  return std::move(w).take();
}

Result<Attestation> decode_attestation(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kAttestationTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(auto a, read_attestation_body(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return a;
}

Id attestation_id(const Attestation& a) {
  return crypto::sha256(encode(a));
}

Bytes encode(const AttestationRecord& rec) {
  codec::Writer w(kRecordTag, 1);
  w.u64(rec.revoked_at).string(rec.revocation_reason);
  write_attestation_body(w, rec.attestation);
  return std::move(w).take();
}

Result<AttestationRecord> decode_attestation_record(ByteView bytes) {
  codec::Reader r(bytes);
  AttestationRecord rec;
  CREDENCE_RETURN_IF_ERROR(r.header(kRecordTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(rec.revoked_at, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(rec.revocation_reason, read_bounded_string(r, kMaxReasonLength, "revocation_reason"));
  CREDENCE_ASSIGN_OR_RETURN(rec.attestation, read_attestation_body(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return rec;
}

Bytes encode(const OffchainAttestation& o) {
  codec::Writer w(kOffchainTag, 1);
  w.u64(o.chain_id);
  write_attestation_body(w, o.attestation);
  w.fixed<64>(o.signature);
  return std::move(w).take();
}

Result<OffchainAttestation> decode_offchain_attestation(ByteView bytes) {
  codec::Reader r(bytes);
  OffchainAttestation o;
  CREDENCE_RETURN_IF_ERROR(r.header(kOffchainTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(o.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(o.attestation, read_attestation_body(r));
  CREDENCE_ASSIGN_OR_RETURN(o.signature, r.fixed<64>());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return o;
}

Bytes offchain_signing_message(std::uint64_t chain_id, const Attestation& attestation) {
  codec::Writer w(kOffchainSigTag, 1);
  w.u64(chain_id).fixed<32>(attestation_id(attestation));
  return std::move(w).take();
}

OffchainAttestation sign_offchain(std::uint64_t chain_id, Attestation attestation,
                                  const crypto::ed25519::SecretKey& attester) {
  attestation.attester = attester.public_key().bytes();
  OffchainAttestation o;
  o.chain_id = chain_id;
  o.signature = attester.sign(offchain_signing_message(chain_id, attestation));
  o.attestation = std::move(attestation);
  return o;
}

Status verify_offchain_signature(const OffchainAttestation& o) {
  return crypto::ed25519::verify(o.attestation.attester, offchain_signing_message(o.chain_id, o.attestation),
                                 o.signature);
}

// ---------------------------------------------------------------- JSON

codec::Json to_json(const Policy& p) {
  codec::Json j;
  j["attester_allowlist"] = ids_json(p.attester_allowlist);
  if (p.accreditation) {
    j["accreditation"] = {{"schema", hex_json(p.accreditation->schema)},
                          {"trust_anchors", ids_json(p.accreditation->trust_anchors)},
                          {"max_depth", p.accreditation->max_depth}};
  } else {
    j["accreditation"] = nullptr;
  }
  j["max_per_recipient"] = p.max_per_recipient;
  j["fee"] = std::to_string(p.fee);
  j["link_same_attester"] = p.link_same_attester;
  j["link_must_be_valid"] = p.link_must_be_valid;
  return j;
}

Result<Policy> policy_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "policy"));
  Policy p;
  if (r.optional("attester_allowlist")) {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("attester_allowlist"));
    CREDENCE_ASSIGN_OR_RETURN(p.attester_allowlist, ids_from_json(*a, "policy.attester_allowlist", kMaxAllowlist));
  }
  if (r.optional("accreditation")) {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("accreditation"));
    if (!a->is_null()) {
      CREDENCE_ASSIGN_OR_RETURN(auto ar, codec::ObjectReader::make(*a, "policy.accreditation"));
      AccreditationRule rule;
      CREDENCE_ASSIGN_OR_RETURN(rule.schema, ar.hex_fixed<32>("schema"));
      CREDENCE_ASSIGN_OR_RETURN(const codec::Json* anchors, ar.value("trust_anchors"));
      CREDENCE_ASSIGN_OR_RETURN(rule.trust_anchors,
                                ids_from_json(*anchors, "policy.accreditation.trust_anchors", kMaxTrustAnchors));
      if (ar.optional("max_depth")) {
        CREDENCE_ASSIGN_OR_RETURN(rule.max_depth, u8_from(ar, "max_depth"));
      }
      CREDENCE_RETURN_IF_ERROR(ar.finish());
      p.accreditation = std::move(rule);
    }
  }
  if (r.optional("max_per_recipient")) {
    CREDENCE_ASSIGN_OR_RETURN(p.max_per_recipient, u32_from(r, "max_per_recipient"));
  }
  if (r.optional("fee")) {
    CREDENCE_ASSIGN_OR_RETURN(p.fee, r.u64("fee"));
  }
  if (r.optional("link_same_attester")) {
    CREDENCE_ASSIGN_OR_RETURN(p.link_same_attester, r.boolean("link_same_attester"));
  }
  if (r.optional("link_must_be_valid")) {
    CREDENCE_ASSIGN_OR_RETURN(p.link_must_be_valid, r.boolean("link_must_be_valid"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return p;
}

codec::Json to_json(const Schema& s) {
  return {{"id", hex_json(schema_id(s))},
          {"name", s.name},
          {"description", s.description},
          {"registrant", hex_json(s.registrant)},
          {"fields", s.fields},
          {"revocable", s.revocable},
          {"max_valid_for", s.max_valid_for},
          {"data_location", location_name(s.data_location)},
          {"policy", to_json(s.policy)}};
}

Result<Schema> schema_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "schema"));
  Schema s;
  CREDENCE_ASSIGN_OR_RETURN(s.name, r.string("name"));
  if (r.optional("description")) {
    CREDENCE_ASSIGN_OR_RETURN(s.description, r.string("description"));
  }
  CREDENCE_ASSIGN_OR_RETURN(s.registrant, r.hex_fixed<32>("registrant"));
  CREDENCE_ASSIGN_OR_RETURN(s.fields, r.string("fields"));
  if (r.optional("revocable")) {
    CREDENCE_ASSIGN_OR_RETURN(s.revocable, r.boolean("revocable"));
  }
  if (r.optional("max_valid_for")) {
    CREDENCE_ASSIGN_OR_RETURN(s.max_valid_for, r.u64("max_valid_for"));
  }
  if (r.optional("data_location")) {
    CREDENCE_ASSIGN_OR_RETURN(auto loc, r.string("data_location"));
    CREDENCE_ASSIGN_OR_RETURN(s.data_location, location_from(loc));
  }
  if (r.optional("policy")) {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* p, r.value("policy"));
    CREDENCE_ASSIGN_OR_RETURN(s.policy, policy_from_json(*p));
  }
  std::optional<Id> claimed;
  if (r.optional("id")) {
    CREDENCE_ASSIGN_OR_RETURN(claimed, r.hex_fixed<32>("id"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  CREDENCE_RETURN_IF_ERROR(s.normalize());
  if (claimed && *claimed != schema_id(s))
    return Status::invalid("id_mismatch", "schema id does not match its content");
  return s;
}

codec::Json to_json(const AttestationRequest& q) {
  codec::Json j;
  j["schema"] = hex_json(q.schema);
  j["recipients"] = codec::Json::array();
  for (const auto& rc : q.recipients) j["recipients"].push_back(rc.to_string());
  j["valid_until"] = q.valid_until;
  j["linked"] = q.linked ? hex_json(*q.linked) : codec::Json(nullptr);
  j["revocable"] = q.revocable;
  j["indexing_key"] = q.indexing_key;
  if (q.data.location == DataLocation::on_ledger) {
    j["data"] = hex_json(q.data.data);
  } else {
    j["data"] = {{"hash", hex_json(q.data.data_hash)}, {"uri", q.data.uri}};
  }
  j["accreditation"] = ids_json(q.accreditation);
  return j;
}

namespace {

// Reads the request fields out of `r` (shared by the request and attestation JSON forms).
Result<AttestationRequest> read_request_fields(codec::ObjectReader& r) {
  AttestationRequest q;
  CREDENCE_ASSIGN_OR_RETURN(q.schema, r.hex_fixed<32>("schema"));
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* recipients, r.value("recipients"));
  if (!recipients->is_array()) return bad_field("recipients", "must be an array of strings");
  for (const auto& e : *recipients) {
    if (!e.is_string()) return bad_field("recipients", "must be an array of strings");
    CREDENCE_ASSIGN_OR_RETURN(auto rc, Recipient::parse(e.get<std::string>()));
    q.recipients.push_back(std::move(rc));
  }
  if (r.optional("valid_until")) {
    CREDENCE_ASSIGN_OR_RETURN(q.valid_until, r.u64("valid_until"));
  }
  if (r.optional("linked")) {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* l, r.value("linked"));
    if (!l->is_null()) {
      CREDENCE_ASSIGN_OR_RETURN(auto link, r.hex_fixed<32>("linked"));
      q.linked = link;
    }
  }
  if (r.optional("revocable")) {
    CREDENCE_ASSIGN_OR_RETURN(q.revocable, r.boolean("revocable"));
  }
  if (r.optional("indexing_key")) {
    CREDENCE_ASSIGN_OR_RETURN(q.indexing_key, r.string("indexing_key"));
  }
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* data, r.value("data"));
  if (data->is_string()) {
    CREDENCE_ASSIGN_OR_RETURN(q.data.data, r.hex("data"));
  } else {
    CREDENCE_ASSIGN_OR_RETURN(auto dr, codec::ObjectReader::make(*data, "data"));
    q.data.location = DataLocation::off_ledger;
    CREDENCE_ASSIGN_OR_RETURN(q.data.data_hash, dr.hex_fixed<32>("hash"));
    CREDENCE_ASSIGN_OR_RETURN(q.data.uri, dr.string("uri"));
    CREDENCE_RETURN_IF_ERROR(dr.finish());
  }
  if (r.optional("accreditation")) {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("accreditation"));
    CREDENCE_ASSIGN_OR_RETURN(q.accreditation, ids_from_json(*a, "accreditation", kMaxAccreditationDepth));
  }
  CREDENCE_RETURN_IF_ERROR(validate_request(q));
  return q;
}

}  // namespace

Result<AttestationRequest> request_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "attestation request"));
  CREDENCE_ASSIGN_OR_RETURN(auto q, read_request_fields(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return q;
}

codec::Json to_json(const Attestation& a) {
  codec::Json j = to_json(a.request);
  j["id"] = hex_json(attestation_id(a));
  j["attester"] = hex_json(a.attester);
  j["issued_at"] = a.issued_at;
  j["origin"] = hex_json(a.origin);
  j["index"] = a.index;
  return j;
}

Result<Attestation> attestation_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "attestation"));
  Attestation a;
  CREDENCE_ASSIGN_OR_RETURN(a.request, read_request_fields(r));
  CREDENCE_ASSIGN_OR_RETURN(a.attester, r.hex_fixed<32>("attester"));
  CREDENCE_ASSIGN_OR_RETURN(a.issued_at, r.u64("issued_at"));
  CREDENCE_ASSIGN_OR_RETURN(a.origin, r.hex_fixed<32>("origin"));
  CREDENCE_ASSIGN_OR_RETURN(a.index, u32_from(r, "index"));
  std::optional<Id> claimed;
  if (r.optional("id")) {
    CREDENCE_ASSIGN_OR_RETURN(claimed, r.hex_fixed<32>("id"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  if (claimed && *claimed != attestation_id(a)) {
    return Status::invalid("id_mismatch", "attestation id does not match its content");
  }
  return a;
}

codec::Json to_json(const AttestationRecord& rec) {
  return {{"attestation", to_json(rec.attestation)},
          {"revoked_at", rec.revoked_at},
          {"revocation_reason", rec.revocation_reason}};
}

Result<AttestationRecord> record_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "attestation record"));
  AttestationRecord rec;
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("attestation"));
  CREDENCE_ASSIGN_OR_RETURN(rec.attestation, attestation_from_json(*a));
  CREDENCE_ASSIGN_OR_RETURN(rec.revoked_at, r.u64("revoked_at"));
  if (r.optional("revocation_reason")) {
    CREDENCE_ASSIGN_OR_RETURN(rec.revocation_reason, r.string("revocation_reason"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return rec;
}

codec::Json to_json(const OffchainAttestation& o) {
  return {{"chain_id", o.chain_id}, {"attestation", to_json(o.attestation)}, {"signature", hex_json(o.signature)}};
}

Result<OffchainAttestation> offchain_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "off-ledger attestation"));
  OffchainAttestation o;
  CREDENCE_ASSIGN_OR_RETURN(o.chain_id, r.u64("chain_id"));
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("attestation"));
  CREDENCE_ASSIGN_OR_RETURN(o.attestation, attestation_from_json(*a));
  CREDENCE_ASSIGN_OR_RETURN(o.signature, r.hex_fixed<64>("signature"));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return o;
}

}  // namespace credence::core
