// Ethereum Attestation Service (EAS) off-chain attestations: the signed EIP-712 objects of eas-sdk (off-chain versions
// 0 "Legacy", 1 and 2), their UIDs, schema UIDs, signing and verification with secp256k1 signer recovery, the JSON
// shape eas-sdk's signOffchainAttestation returns, and the share-link compact encoding. Format, formulas and quirks:
// docs/eas.md (values checked against eas-sdk 2.9.1 and eas-contracts 1.4.0, REFERENCES §2).
//
// Fields that are text in the JSON (addresses, hex strings) keep the exact text they were read from, because eas-sdk
// hashes some of it as text (the schema UID's hex string goes into the attestation UID as UTF-8 bytes) and compares
// some of it as strings (the uid, the verifying contract); writing a parsed object back gives the same text. Built
// from values (signing), fields take the canonical form: EIP-55 addresses, lowercase hex.
//
// All functions are pure and thread-safe (signing takes the key and, for the salt, the caller's randomness), never
// throw and never assert on input. Reason codes — of parsing and decoding: the codec's JSON codes (bad_json,
// json_too_deep, json_too_large, missing_field, bad_field, unknown_field), eas_unknown_version, eas_unknown_types,
// eas_version_mismatch, bad_base64, bad_zlib, share_link_too_large, eas_bad_share_link, share_link_unsafe_number; of
// verification (a list, every problem found): uid_mismatch, bad_signature, wrong_signer, wrong_domain, expired.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/crypto/secp256k1.h"
#include "credence/status.h"

namespace credence::interop::eas {

using Address = crypto::secp256k1::Address;

// The off-chain format, eas-sdk's OffchainAttestationVersion.
enum class OffchainVersion : std::uint16_t { legacy = 0, v1 = 1, v2 = 2 };
inline constexpr std::string_view kDomainName = "EAS Attestation";
// The EAS contract versions eas-sdk knows (EIP712_VERSIONS); `sign` accepts only these as the domain version.
inline constexpr std::string_view kEasVersions[] = {"0.26", "1.0.0", "1.0.1", "1.0.2", "1.1.0", "1.2.0", "1.3.0",
                                                    "1.4.0"};
// Largest inflated share-link JSON (an attestation's data rarely exceeds a few KB; this bounds zlib bombs).
inline constexpr std::size_t kMaxShareLinkJson = std::size_t{1} << 20;

// The EIP-712 type shapes eas-sdk accepts. Version 0 has three: the type named "Attestation" with primaryType
// "Attestation" (what eas-sdk signs), the type named "Attest" with primaryType "Attestation" (what a decoded share
// link carries), and "Attest"/"Attest". The digest follows the type's name, never primaryType.
enum class TypeShape { legacy_attestation, legacy_attest_primary_attestation, legacy_attest, v1, v2 };

// A hex or address field: the text as written, and its value.
template <typename T>
struct Field {
  std::string text;
  T value{};
  friend bool operator==(const Field&, const Field&) = default;
};
using AddressField = Field<Address>;
using Bytes32Field = Field<Hash256>;
using BytesField = Field<Bytes>;

// Canonical fields built from values.
AddressField address_field(const Address& value);  // EIP-55
Bytes32Field bytes32_field(const Hash256& value);   // "0x" + lowercase hex
BytesField bytes_field(ByteView value);             // "0x" + lowercase hex

struct Domain {
  std::string name{kDomainName};
  std::string version;  // the EAS contract version, e.g. "1.4.0"; verification takes it from the attestation
  std::uint64_t chain_id = 0;
  AddressField verifying_contract;  // the EAS contract
  friend bool operator==(const Domain&, const Domain&) = default;
};

struct Message {
  bool has_version = true;  // version 0 objects may omit message.version (eas-sdk writes 0)
  Bytes32Field schema;      // the schema UID; its text is hashed into the UID
  AddressField recipient;
  std::uint64_t time = 0;
  std::uint64_t expiration_time = 0;  // 0 = never
  bool revocable = false;
  Bytes32Field ref_uid;
  BytesField data;                    // the ABI-encoded schema data
  std::optional<Bytes32Field> salt;   // version 2 only (required there)
  std::optional<std::uint64_t> nonce; // eas-sdk test objects carry message.nonce; not signed, not in the UID
  friend bool operator==(const Message&, const Message&) = default;
};

struct Signature {
  Bytes32Field r;
  Bytes32Field s;
  std::uint64_t v = 27;  // 27 or 28 (0 or 1 accepted)
  friend bool operator==(const Signature&, const Signature&) = default;
};

// A signed off-chain attestation, eas-sdk's SignedOffchainAttestation.
struct OffchainAttestation {
  OffchainVersion version = OffchainVersion::v2;
  bool has_version = true;  // top-level "version" (eas-sdk always writes it; older objects lack it)
  Domain domain;
  TypeShape shape = TypeShape::v2;
  Message message;
  Signature signature;
  Bytes32Field uid;
  friend bool operator==(const OffchainAttestation&, const OffchainAttestation&) = default;
};

// eas-sdk's AttestationShareablePackageObject: {sig, signer} — what a share link carries.
struct SharePackage {
  OffchainAttestation attestation;
  AddressField signer;
  friend bool operator==(const SharePackage&, const SharePackage&) = default;
};

// ---------------------------------------------------------------------------------------------------------------
// UIDs and EIP-712

// SchemaRegistry: keccak256(schema UTF-8 || resolver || revocable as one byte).
[[nodiscard]] Hash256 schema_uid(std::string_view schema, const Address& resolver, bool revocable);

// eas-sdk getOffchainUID for `version` (see docs/eas.md "UIDs"): the schema as the UTF-8 bytes of its hex text, the
// attester slot zeroed, a trailing uint32 0. Version 2 without a salt hashes no salt (callers check presence).
[[nodiscard]] Hash256 offchain_uid(OffchainVersion version, const Message& message);

// The EIP-712 type string of a shape ("Attest(uint16 version,…)") and the type's name.
[[nodiscard]] std::string_view type_string(TypeShape shape);
[[nodiscard]] std::string_view type_name(TypeShape shape);
[[nodiscard]] std::string_view primary_type(TypeShape shape);
[[nodiscard]] OffchainVersion shape_version(TypeShape shape);

[[nodiscard]] Hash256 domain_separator(const Domain& domain);
[[nodiscard]] Hash256 struct_hash(TypeShape shape, const Message& message);
// keccak256(0x19 0x01 || domain separator || struct hash): what the attester signs.
[[nodiscard]] Hash256 signing_digest(const OffchainAttestation& attestation);

// ---------------------------------------------------------------------------------------------------------------
// Signing and verification

struct SignRequest {
  OffchainVersion version = OffchainVersion::v2;
  std::string eas_version;  // domain version; one of kEasVersions
  std::uint64_t chain_id = 0;
  Address contract{};
  Hash256 schema{};
  // The schema's hex text as it goes into the UID (eas-sdk hashes the text it was given); empty = "0x" + lowercase
  // hex of `schema`. When set it must be "0x" + 64 hex digits of `schema` (bad_field otherwise).
  std::string schema_text;
  Address recipient{};
  std::uint64_t time = 0;
  std::uint64_t expiration_time = 0;
  bool revocable = false;
  Hash256 ref_uid{};
  Bytes data;
  Hash256 salt{};  // version 2 only
};

// Signs like eas-sdk's signOffchainAttestation (version 0 with the "Attestation" shape, 1 and 2 with "Attest"); the
// result's uid is the off-chain UID. invalid("eas_unknown_version") for a domain version not in kEasVersions.
Result<OffchainAttestation> sign(const SignRequest& request, const crypto::secp256k1::PrivateKey& key);

struct VerifyOptions {
  std::optional<std::uint64_t> chain_id;  // the domain must carry this chain id
  std::optional<Address> contract;        // … and this verifying contract (compared as addresses, any case)
  std::optional<Address> attester;        // the recovered signer must be this address
  std::optional<std::uint64_t> now;       // expired when expirationTime != 0 and expirationTime <= now
};

struct Verification {
  std::vector<Status> problems;  // empty = valid
  std::optional<Address> signer; // the recovered signer, when the signature yields one
  Hash256 computed_uid{};
  [[nodiscard]] bool valid() const { return problems.empty(); }
};

// Everything eas-sdk's verifyOffchainAttestationSignature checks (uid text equals the lowercase hex of the recomputed
// UID, domain name and — when given — chain id and contract, signer recovery; the shape was checked when parsing)
// plus expiry. Unlike eas-sdk, high-s signatures are refused (bad_signature, docs/crypto.md). Reports every problem.
[[nodiscard]] Verification verify(const OffchainAttestation& attestation, const VerifyOptions& options);

// ---------------------------------------------------------------------------------------------------------------
// JSON

// Reads eas-sdk's signed object {version?, uid, domain, primaryType, message, types, signature}. The version is the
// one of the types' shape; a top-level or message "version" that disagrees is eas_version_mismatch, a value outside
// 0..2 eas_unknown_version, types or primaryType that are not one of the accepted shapes eas_unknown_types.
Result<OffchainAttestation> attestation_from_json(const codec::Json& json);
// The object in eas-sdk's key order, 2-space indented. uint64 values are JSON numbers up to 2^53 - 1, decimal
// strings above (what JSON.stringify gives after bigints are turned into strings).
[[nodiscard]] std::string attestation_to_json(const OffchainAttestation& attestation);
[[nodiscard]] codec::Json attestation_json_value(const OffchainAttestation& attestation);

// A file's content: a bare signed object (signer empty) or a package {"sig": …, "signer": "0x…"}.
struct ParsedFile {
  OffchainAttestation attestation;
  std::optional<AddressField> signer;
};
Result<ParsedFile> parse_attestation_file(std::string_view text);
[[nodiscard]] std::string package_to_json(const SharePackage& package);

// ---------------------------------------------------------------------------------------------------------------
// Share links (eas-sdk offchain-utils: JSON array -> zlib level 9 -> base64 -> encodeURIComponent)

// The 18-position compact JSON array, byte for byte what JSON.stringify writes. invalid("share_link_unsafe_number")
// when time or expirationTime exceeds 2^53 - 1 (JavaScript's Number() would round them).
Result<std::string> compact_json(const SharePackage& package);
// base64(zlib(compact_json)), standard alphabet with padding: eas-sdk zipAndEncodeToBase64.
Result<std::string> share_link_encode(const SharePackage& package);
// "/offchain/url/#attestation=" + encodeURIComponent(encoded): eas-sdk createOffchainURL.
[[nodiscard]] std::string share_link_url(std::string_view encoded);

// Decodes a share link: a URL or path containing "attestation=<…>", or the bare (optionally percent-encoded) base64.
// Like eas-sdk's decodeBase64ZippedBase64, position 16 missing, null or 0 means version 0, rebuilt with the type named
// "Attest" and primaryType "Attestation". Codes: bad_base64, bad_zlib, share_link_too_large, bad_json,
// eas_bad_share_link (an array of the wrong shape, naming the position), eas_unknown_version.
Result<SharePackage> share_link_decode(std::string_view link);

}  // namespace credence::interop::eas
