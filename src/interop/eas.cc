// EAS off-chain attestations: UIDs, EIP-712 hashing, signing, verification and the JSON object (docs/eas.md).
#include "credence/interop/eas.h"

#include <algorithm>
#include <array>
#include <utility>

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"

namespace credence::interop::eas {

namespace {

using codec::Json;
using codec::ObjectReader;
using OrderedJson = nlohmann::ordered_json;

// Number.MAX_SAFE_INTEGER: larger uint64 values are written as decimal strings.
constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;

// One EIP-712 struct member.
struct Member {
  const char* name;
  const char* type;
};

constexpr Member kLegacyMembers[] = {{"schema", "bytes32"},       {"recipient", "address"}, {"time", "uint64"},
                                     {"expirationTime", "uint64"}, {"revocable", "bool"},   {"refUID", "bytes32"},
                                     {"data", "bytes"}};

std::vector<Member> members(TypeShape shape) {
  std::vector<Member> out;
  const OffchainVersion v = shape_version(shape);
  if (v != OffchainVersion::legacy) out.push_back({"version", "uint16"});
  out.insert(out.end(), std::begin(kLegacyMembers), std::end(kLegacyMembers));
  if (v == OffchainVersion::v2) out.push_back({"salt", "bytes32"});
  return out;
}

constexpr TypeShape kAllShapes[] = {TypeShape::legacy_attestation, TypeShape::legacy_attest_primary_attestation,
                                    TypeShape::legacy_attest, TypeShape::v1, TypeShape::v2};

std::string build_type_string(TypeShape shape) {
  std::string s(type_name(shape));
  s += '(';
  bool first = true;
  for (const Member& m : members(shape)) {
    if (!first) s += ',';
    first = false;
    s += m.type;
    s += ' ';
    s += m.name;
  }
  s += ')';
  return s;
}

template <typename J>
J types_json(TypeShape shape) {
  J list = J::array();
  for (const Member& m : members(shape)) {
    J member = J::object();
    member["name"] = m.name;
    member["type"] = m.type;
    list.push_back(std::move(member));
  }
  J types = J::object();
  types[std::string(type_name(shape))] = std::move(list);
  return types;
}

void append(Bytes& out, ByteView data) { out.insert(out.end(), data.begin(), data.end()); }

void append_be(Bytes& out, std::uint64_t v, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<std::uint8_t>(i < 8 ? v >> (8 * i) : 0));
}

// A 32-byte EIP-712 word holding an unsigned integer, an address or a bool.
void append_word(Bytes& out, std::uint64_t v) { append_be(out, v, 32); }
void append_word(Bytes& out, const Address& a) {
  out.insert(out.end(), 12, 0);
  append(out, a);
}

Hash256 keccak_text(std::string_view text) { return crypto::keccak256(as_bytes(text)); }

const Hash256& typehash(TypeShape shape) {
  static const std::array<Hash256, std::size(kAllShapes)> hashes = [] {
    std::array<Hash256, std::size(kAllShapes)> h{};
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = keccak_text(type_string(kAllShapes[i]));
    return h;
  }();
  return hashes[static_cast<std::size_t>(shape)];
}

bool is_zero(ByteView b) {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading fields

Status bad_field(const std::string& what, const std::string& why) {
  return Status::invalid("bad_field", what + ": " + why);
}

// eas-sdk (ethers) reads hex only with a lowercase "0x" prefix.
Status check_0x(const std::string& text, const std::string& what) {
  if (text.size() < 2 || text[0] != '0' || text[1] != 'x') return bad_field(what, "must start with 0x");
  return Status::ok();
}

Result<AddressField> read_address(const std::string& text, const std::string& what) {
  CREDENCE_RETURN_IF_ERROR(check_0x(text, what));
  auto a = crypto::secp256k1::parse_address(text);
  if (!a) return bad_field(what, a.status().to_string());
  return AddressField{text, *a};
}

Result<Bytes32Field> read_bytes32(const std::string& text, const std::string& what) {
  CREDENCE_RETURN_IF_ERROR(check_0x(text, what));
  auto b = codec::hex_decode_fixed<32>(text);
  if (!b) return bad_field(what, b.status().to_string());
  return Bytes32Field{text, *b};
}

Result<BytesField> read_bytes(const std::string& text, const std::string& what) {
  CREDENCE_RETURN_IF_ERROR(check_0x(text, what));
  auto b = codec::hex_decode(text);
  if (!b) return bad_field(what, b.status().to_string());
  return BytesField{text, std::move(*b)};
}

Result<TypeShape> read_shape(const Json& types, const std::string& primary) {
  static const std::array<Json, std::size(kAllShapes)> kTypes = [] {
    std::array<Json, std::size(kAllShapes)> t;
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = types_json<Json>(kAllShapes[i]);
    return t;
  }();
  for (std::size_t i = 0; i < kTypes.size(); ++i) {
    if (primary == primary_type(kAllShapes[i]) && types == kTypes[i]) return kAllShapes[i];
  }
  return Status::invalid("eas_unknown_types",
                         "primaryType \"" + primary + "\" with types " + codec::dump_json(types) +
                             " is not an EAS off-chain attestation type (docs/eas.md)");
}

Result<OffchainVersion> read_version_value(ObjectReader& r, const std::string& key, const std::string& what) {
  auto v = r.u64(key);
  if (!v) return v.status();
  if (*v > 2) {
    return Status::invalid("eas_unknown_version",
                           what + "." + key + " is " + std::to_string(*v) + "; known off-chain versions are 0, 1, 2");
  }
  return static_cast<OffchainVersion>(*v);
}

Status check_version(OffchainVersion found, OffchainVersion expected, const std::string& where) {
  if (found == expected) return Status::ok();
  return Status::invalid("eas_version_mismatch", where + " is " + std::to_string(static_cast<int>(found)) +
                                                     " but the types are those of version " +
                                                     std::to_string(static_cast<int>(expected)));
}

Result<Domain> read_domain(const Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::make(json, "domain"));
  Domain d;
  CREDENCE_ASSIGN_OR_RETURN(d.name, r.string("name"));
  CREDENCE_ASSIGN_OR_RETURN(d.version, r.string("version"));
  CREDENCE_ASSIGN_OR_RETURN(d.chain_id, r.u64("chainId"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string contract, r.string("verifyingContract"));
  CREDENCE_ASSIGN_OR_RETURN(d.verifying_contract, read_address(contract, "domain.verifyingContract"));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return d;
}

Result<Message> read_message(const Json& json, OffchainVersion version) {
  CREDENCE_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::make(json, "message"));
  Message m;
  m.has_version = r.optional("version");
  if (version != OffchainVersion::legacy && !m.has_version) {
    return Status::invalid("missing_field", "message.version is required");
  }
  if (m.has_version) {
    CREDENCE_ASSIGN_OR_RETURN(const OffchainVersion v, read_version_value(r, "version", "message"));
    CREDENCE_RETURN_IF_ERROR(check_version(v, version, "message.version"));
  }
  CREDENCE_ASSIGN_OR_RETURN(const std::string schema, r.string("schema"));
  CREDENCE_ASSIGN_OR_RETURN(m.schema, read_bytes32(schema, "message.schema"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string recipient, r.string("recipient"));
  CREDENCE_ASSIGN_OR_RETURN(m.recipient, read_address(recipient, "message.recipient"));
  CREDENCE_ASSIGN_OR_RETURN(m.time, r.u64("time"));
  CREDENCE_ASSIGN_OR_RETURN(m.expiration_time, r.u64("expirationTime"));
  CREDENCE_ASSIGN_OR_RETURN(m.revocable, r.boolean("revocable"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string ref_uid, r.string("refUID"));
  CREDENCE_ASSIGN_OR_RETURN(m.ref_uid, read_bytes32(ref_uid, "message.refUID"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string data, r.string("data"));
  CREDENCE_ASSIGN_OR_RETURN(m.data, read_bytes(data, "message.data"));
  if (version == OffchainVersion::v2) {
    CREDENCE_ASSIGN_OR_RETURN(const std::string salt, r.string("salt"));
    CREDENCE_ASSIGN_OR_RETURN(m.salt, read_bytes32(salt, "message.salt"));
  }
  if (r.optional("nonce")) {
    CREDENCE_ASSIGN_OR_RETURN(m.nonce, r.u64("nonce"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return m;
}

Result<Signature> read_signature(const Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::make(json, "signature"));
  Signature s;
  CREDENCE_ASSIGN_OR_RETURN(s.v, r.u64("v"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string rt, r.string("r"));
  CREDENCE_ASSIGN_OR_RETURN(s.r, read_bytes32(rt, "signature.r"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string st, r.string("s"));
  CREDENCE_ASSIGN_OR_RETURN(s.s, read_bytes32(st, "signature.s"));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

OrderedJson u64_json(std::uint64_t v) {
  if (v <= kMaxSafeInteger) return OrderedJson(v);
  return OrderedJson(std::to_string(v));
}

OrderedJson ordered_attestation(const OffchainAttestation& a) {
  OrderedJson j = OrderedJson::object();
  if (a.has_version) j["version"] = static_cast<int>(a.version);
  j["uid"] = a.uid.text;
  OrderedJson domain = OrderedJson::object();
  domain["name"] = a.domain.name;
  domain["version"] = a.domain.version;
  domain["chainId"] = u64_json(a.domain.chain_id);
  domain["verifyingContract"] = a.domain.verifying_contract.text;
  j["domain"] = std::move(domain);
  j["primaryType"] = std::string(primary_type(a.shape));
  const Message& m = a.message;
  OrderedJson message = OrderedJson::object();
  if (m.has_version) message["version"] = static_cast<int>(a.version);
  message["schema"] = m.schema.text;
  message["recipient"] = m.recipient.text;
  message["time"] = u64_json(m.time);
  message["expirationTime"] = u64_json(m.expiration_time);
  message["revocable"] = m.revocable;
  message["refUID"] = m.ref_uid.text;
  message["data"] = m.data.text;
  if (m.salt) message["salt"] = m.salt->text;
  if (m.nonce) message["nonce"] = u64_json(*m.nonce);
  j["message"] = std::move(message);
  j["types"] = types_json<OrderedJson>(a.shape);
  OrderedJson sig = OrderedJson::object();
  sig["v"] = a.signature.v;
  sig["r"] = a.signature.r.text;
  sig["s"] = a.signature.s.text;
  j["signature"] = std::move(sig);
  return j;
}

std::string dump_ordered(const OrderedJson& j) { return j.dump(2, ' ', false, OrderedJson::error_handler_t::replace); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

AddressField address_field(const Address& value) { return {crypto::secp256k1::eip55_encode(value), value}; }
Bytes32Field bytes32_field(const Hash256& value) { return {codec::hex_encode_0x(value), value}; }
BytesField bytes_field(ByteView value) { return {codec::hex_encode_0x(value), Bytes(value.begin(), value.end())}; }

Hash256 schema_uid(std::string_view schema, const Address& resolver, bool revocable) {
  Bytes packed(as_bytes(schema).begin(), as_bytes(schema).end());
  append(packed, resolver);
  packed.push_back(revocable ? 1 : 0);
  return crypto::keccak256(packed);
}

Hash256 offchain_uid(OffchainVersion version, const Message& m) {
  Bytes packed;
  packed.reserve(2 + m.schema.text.size() + 20 + 20 + 8 + 8 + 1 + 32 + m.data.value.size() + 32 + 4);
  if (version != OffchainVersion::legacy) append_be(packed, static_cast<std::uint64_t>(version), 2);
  append(packed, as_bytes(m.schema.text));  // the hex text, not the 32 bytes
  append(packed, m.recipient.value);
  packed.insert(packed.end(), 20, 0);  // the attester slot, zeroed
  append_be(packed, m.time, 8);
  append_be(packed, m.expiration_time, 8);
  packed.push_back(m.revocable ? 1 : 0);
  append(packed, m.ref_uid.value);
  append(packed, m.data.value);
  if (version == OffchainVersion::v2 && m.salt) append(packed, m.salt->value);
  append_be(packed, 0, 4);  // bump
  return crypto::keccak256(packed);
}

std::string_view type_string(TypeShape shape) {
  static const std::array<std::string, std::size(kAllShapes)> strings = [] {
    std::array<std::string, std::size(kAllShapes)> s;
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = build_type_string(kAllShapes[i]);
    return s;
  }();
  return strings[static_cast<std::size_t>(shape)];
}

std::string_view type_name(TypeShape shape) {
  return shape == TypeShape::legacy_attestation ? "Attestation" : "Attest";
}

std::string_view primary_type(TypeShape shape) {
  return shape == TypeShape::legacy_attestation || shape == TypeShape::legacy_attest_primary_attestation
             ? "Attestation"
             : "Attest";
}

OffchainVersion shape_version(TypeShape shape) {
  switch (shape) {
    case TypeShape::v1:
      return OffchainVersion::v1;
    case TypeShape::v2:
      return OffchainVersion::v2;
    default:
      return OffchainVersion::legacy;
  }
}

Hash256 domain_separator(const Domain& d) {
  static const Hash256 kDomainTypehash =
      keccak_text("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  Bytes enc;
  enc.reserve(5 * 32);
  append(enc, kDomainTypehash);
  append(enc, keccak_text(d.name));
  append(enc, keccak_text(d.version));
  append_word(enc, d.chain_id);
  append_word(enc, d.verifying_contract.value);
  return crypto::keccak256(enc);
}

Hash256 struct_hash(TypeShape shape, const Message& m) {
  const OffchainVersion version = shape_version(shape);
  Bytes enc;
  enc.reserve(11 * 32);
  append(enc, typehash(shape));
  if (version != OffchainVersion::legacy) append_word(enc, static_cast<std::uint64_t>(version));
  append(enc, m.schema.value);
  append_word(enc, m.recipient.value);
  append_word(enc, m.time);
  append_word(enc, m.expiration_time);
  append_word(enc, m.revocable ? 1 : 0);
  append(enc, m.ref_uid.value);
  append(enc, crypto::keccak256(m.data.value));
  if (version == OffchainVersion::v2) append(enc, m.salt ? m.salt->value : Hash256{});
  return crypto::keccak256(enc);
}

Hash256 signing_digest(const OffchainAttestation& a) {
  Bytes enc{0x19, 0x01};
  enc.reserve(66);
  append(enc, domain_separator(a.domain));
  append(enc, struct_hash(a.shape, a.message));
  return crypto::keccak256(enc);
}

Result<OffchainAttestation> sign(const SignRequest& q, const crypto::secp256k1::PrivateKey& key) {
  if (std::find(std::begin(kEasVersions), std::end(kEasVersions), q.eas_version) == std::end(kEasVersions)) {
    std::string known;
    for (const auto v : kEasVersions) known += (known.empty() ? "" : ", ") + std::string(v);
    return Status::invalid("eas_unknown_version",
                           "EAS contract version \"" + q.eas_version + "\" is not one of " + known);
  }
  if (static_cast<int>(q.version) > 2) {
    return Status::invalid("eas_unknown_version", "off-chain versions are 0, 1, 2");
  }
  OffchainAttestation a;
  a.version = q.version;
  a.shape = q.version == OffchainVersion::v2   ? TypeShape::v2
            : q.version == OffchainVersion::v1 ? TypeShape::v1
                                               : TypeShape::legacy_attestation;
  a.domain.version = q.eas_version;
  a.domain.chain_id = q.chain_id;
  a.domain.verifying_contract = address_field(q.contract);
  Message& m = a.message;
  if (q.schema_text.empty()) {
    m.schema = bytes32_field(q.schema);
  } else {
    CREDENCE_ASSIGN_OR_RETURN(m.schema, read_bytes32(q.schema_text, "schema"));
    if (m.schema.value != q.schema) return bad_field("schema", "the schema text does not encode the schema");
  }
  m.recipient = address_field(q.recipient);
  m.time = q.time;
  m.expiration_time = q.expiration_time;
  m.revocable = q.revocable;
  m.ref_uid = bytes32_field(q.ref_uid);
  m.data = bytes_field(q.data);
  if (q.version == OffchainVersion::v2) m.salt = bytes32_field(q.salt);
  a.uid = bytes32_field(offchain_uid(a.version, m));
  const auto sig = key.sign_digest(signing_digest(a));
  a.signature.r = bytes32_field(sig.r);
  a.signature.s = bytes32_field(sig.s);
  a.signature.v = 27u + sig.recovery_id;
  return a;
}

Verification verify(const OffchainAttestation& a, const VerifyOptions& options) {
  Verification out;
  out.computed_uid = offchain_uid(a.version, a.message);
  if (a.version == OffchainVersion::v2 && !a.message.salt) {
    out.problems.push_back(Status::invalid("uid_mismatch", "a version 2 attestation without a salt"));
  }
  const std::string computed = codec::hex_encode_0x(out.computed_uid);
  if (a.uid.text != computed) {
    out.problems.push_back(Status::invalid("uid_mismatch", "uid is " + a.uid.text + " but the attestation's fields give " +
                                                               computed));
  }
  if (a.domain.name != kDomainName) {
    out.problems.push_back(Status::invalid(
        "wrong_domain", "domain name is \"" + a.domain.name + "\", not \"" + std::string(kDomainName) + "\""));
  }
  if (options.chain_id && a.domain.chain_id != *options.chain_id) {
    out.problems.push_back(Status::invalid("wrong_domain", "domain chainId is " + std::to_string(a.domain.chain_id) +
                                                               ", expected " + std::to_string(*options.chain_id)));
  }
  if (options.contract && a.domain.verifying_contract.value != *options.contract) {
    out.problems.push_back(Status::invalid("wrong_domain", "domain verifyingContract is " +
                                                               a.domain.verifying_contract.text + ", expected " +
                                                               crypto::secp256k1::eip55_encode(*options.contract)));
  }
  FixedBytes<65> wire{};
  std::copy(a.signature.r.value.begin(), a.signature.r.value.end(), wire.begin());
  std::copy(a.signature.s.value.begin(), a.signature.s.value.end(), wire.begin() + 32);
  if (a.signature.v > 255) {
    out.problems.push_back(Status::invalid("bad_signature", "signature v is " + std::to_string(a.signature.v) +
                                                                "; expected 27 or 28"));
  } else {
    wire[64] = static_cast<std::uint8_t>(a.signature.v);
    auto sig = crypto::secp256k1::RecoverableSignature::parse(wire);
    if (!sig) {
      out.problems.push_back(Status::invalid("bad_signature", "signature v is " + std::to_string(a.signature.v) +
                                                                  "; expected 27 or 28"));
    } else {
      auto key = crypto::secp256k1::recover(signing_digest(a), *sig);
      if (!key) {
        out.problems.push_back(Status::invalid("bad_signature", "no signer can be recovered (" +
                                                                    key.status().to_string() + ")"));
      } else {
        out.signer = key->address();
        if (is_zero(*out.signer)) {
          out.problems.push_back(Status::invalid("bad_signature", "the recovered signer is the zero address"));
        } else if (options.attester && *out.signer != *options.attester) {
          out.problems.push_back(Status::invalid(
              "wrong_signer", "signed by " + crypto::secp256k1::eip55_encode(*out.signer) + ", expected " +
                                  crypto::secp256k1::eip55_encode(*options.attester)));
        }
      }
    }
  }
  if (options.now && a.message.expiration_time != 0 && a.message.expiration_time <= *options.now) {
    out.problems.push_back(Status::invalid("expired", "expired at " + std::to_string(a.message.expiration_time) +
                                                          " (now " + std::to_string(*options.now) + ")"));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

Result<OffchainAttestation> attestation_from_json(const Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::make(json, "attestation"));
  OffchainAttestation a;
  CREDENCE_ASSIGN_OR_RETURN(const std::string primary, r.string("primaryType"));
  CREDENCE_ASSIGN_OR_RETURN(const Json* types, r.value("types"));
  // A version number outside 0..2 is reported as such before the types are looked at.
  a.has_version = r.optional("version");
  std::optional<OffchainVersion> declared;
  if (a.has_version) {
    CREDENCE_ASSIGN_OR_RETURN(declared, read_version_value(r, "version", "attestation"));
  }
  CREDENCE_ASSIGN_OR_RETURN(a.shape, read_shape(*types, primary));
  a.version = shape_version(a.shape);
  if (declared) CREDENCE_RETURN_IF_ERROR(check_version(*declared, a.version, "version"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string uid, r.string("uid"));
  CREDENCE_ASSIGN_OR_RETURN(a.uid, read_bytes32(uid, "uid"));
  CREDENCE_ASSIGN_OR_RETURN(const Json* domain, r.value("domain"));
  CREDENCE_ASSIGN_OR_RETURN(a.domain, read_domain(*domain));
  CREDENCE_ASSIGN_OR_RETURN(const Json* message, r.value("message"));
  CREDENCE_ASSIGN_OR_RETURN(a.message, read_message(*message, a.version));
  CREDENCE_ASSIGN_OR_RETURN(const Json* signature, r.value("signature"));
  CREDENCE_ASSIGN_OR_RETURN(a.signature, read_signature(*signature));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return a;
}

Json attestation_json_value(const OffchainAttestation& a) {
  return Json::parse(dump_ordered(ordered_attestation(a)), nullptr, /*allow_exceptions=*/false);
}

std::string attestation_to_json(const OffchainAttestation& a) { return dump_ordered(ordered_attestation(a)); }

Result<ParsedFile> parse_attestation_file(std::string_view text) {
  CREDENCE_ASSIGN_OR_RETURN(const Json json, codec::parse_json(text));
  if (json.is_object() && json.contains("sig")) {
    CREDENCE_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::make(json, "package"));
    ParsedFile f;
    CREDENCE_ASSIGN_OR_RETURN(const Json* sig, r.value("sig"));
    auto a = attestation_from_json(*sig);
    if (!a) return a.status().with_context("package.sig");
    f.attestation = std::move(*a);
    CREDENCE_ASSIGN_OR_RETURN(const std::string signer, r.string("signer"));
    CREDENCE_ASSIGN_OR_RETURN(f.signer, read_address(signer, "package.signer"));
    CREDENCE_RETURN_IF_ERROR(r.finish());
    return f;
  }
  CREDENCE_ASSIGN_OR_RETURN(OffchainAttestation a, attestation_from_json(json));
  return ParsedFile{std::move(a), std::nullopt};
}

std::string package_to_json(const SharePackage& p) {
  OrderedJson j = OrderedJson::object();
  j["sig"] = ordered_attestation(p.attestation);
  j["signer"] = p.signer.text;
  return dump_ordered(j);
}

}  // namespace credence::interop::eas
