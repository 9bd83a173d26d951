// Protocol objects of the attestation layer: recipients, schemas with their policies, attestations (on-ledger
// and signed off-ledger), and their canonical encodings, ids and JSON views. Formats: docs/protocol.md.
//
// Everything here is a plain value type (copyable, no shared state, thread-compatible). Encoders cannot fail on
// values that passed validation; decoders are strict (decode success implies re-encoding gives the same bytes)
// and answer invalid(reason) on anything else. Ids are SHA-256 over the canonical encoding, which starts with a
// per-type tag, so ids of different object types never collide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/abi_type.h"
#include "credence/codec/canonical.h"
#include "credence/codec/json.h"
#include "credence/crypto/ed25519.h"
#include "credence/status.h"

namespace credence::core {

using Id = Hash256;
using AccountId = FixedBytes<32>;  // an Ed25519 public key
using Signature = FixedBytes<64>;

// Limits that keep every object small and every check bounded (docs/protocol.md "Limits").
inline constexpr std::size_t kMaxNameLength = 128;
inline constexpr std::size_t kMaxDescriptionLength = 1024;
inline constexpr std::size_t kMaxFieldsLength = 2048;
inline constexpr std::size_t kMaxRecipients = 64;
inline constexpr std::size_t kMaxIndexingKeyLength = 256;
inline constexpr std::size_t kMaxUriLength = 512;
inline constexpr std::size_t kMaxDataLength = 64 * 1024;
inline constexpr std::size_t kMaxAllowlist = 256;
inline constexpr std::size_t kMaxTrustAnchors = 64;
inline constexpr std::uint8_t kMaxAccreditationDepth = 8;
inline constexpr std::size_t kMaxExternalIdLength = 256;
inline constexpr std::size_t kMaxReasonLength = 256;

// Who an attestation is about.
struct Recipient {
  enum class Kind : std::uint8_t { account = 1, evm_address = 2, external = 3 };
  Kind kind = Kind::account;
  Bytes value;  // account: 32-byte key; evm_address: 20 bytes; external: UTF-8 identifier (e.g. a DID)

  static Recipient account(const AccountId& id);
  static Recipient evm_address(const FixedBytes<20>& address);
  static Recipient external(std::string_view id);

  [[nodiscard]] bool is_account(const AccountId& id) const;
  // JSON/CLI form: "0x" + 64 hex (account), "0x" + 40 hex EIP-55 (EVM address), anything else verbatim (external).
  [[nodiscard]] std::string to_string() const;
  static Result<Recipient> parse(std::string_view text);
  Status validate() const;

  friend bool operator==(const Recipient&, const Recipient&) = default;
  friend auto operator<=>(const Recipient&, const Recipient&) = default;
};

// "The attester must hold a valid attestation of `schema` from a trust anchor" — or from an attester that is itself
// accredited the same way, at most `max_depth` links away from an anchor.
struct AccreditationRule {
  Id schema{};
  std::vector<AccountId> trust_anchors;
  std::uint8_t max_depth = 1;  // 1 = the accreditation must come straight from an anchor
  friend bool operator==(const AccreditationRule&, const AccreditationRule&) = default;
};

// Declarative schema hooks. No code runs; each field is one rule, checked on every attestation (docs/protocol.md).
struct Policy {
  std::vector<AccountId> attester_allowlist;       // empty: anyone may attest
  std::optional<AccreditationRule> accreditation;  // none: no accreditation needed
  std::uint32_t max_per_recipient = 0;             // live attestations per recipient under this schema; 0 = no limit
  std::uint64_t fee = 0;                           // native units the attester pays the registrant per attestation
  bool link_same_attester = false;                 // a linked attestation must come from the same attester
  bool link_must_be_valid = false;                 // ... and must itself be valid whenever this one is checked
  friend bool operator==(const Policy&, const Policy&) = default;
};

enum class DataLocation : std::uint8_t { on_ledger = 0, off_ledger = 1 };

struct Schema {
  std::string name;
  std::string description;
  AccountId registrant{};
  std::string fields;  // canonical EAS-style parameter list, e.g. "uint256 score,string name"
  bool revocable = true;
  std::uint64_t max_valid_for = 0;  // seconds; 0 = unlimited
  DataLocation data_location = DataLocation::on_ledger;
  Policy policy;

  // Checks lengths, parses `fields` and rewrites it canonically (so "uint x" and "uint256 x" are one schema),
  // checks the policy. invalid("bad_schema" | "bad_policy", detail).
  Status normalize();
  // The parsed field types (fields must be canonical: call after normalize() or decode()).
  [[nodiscard]] Result<std::vector<codec::AbiType>> field_types() const;

  friend bool operator==(const Schema&, const Schema&) = default;
};

// Attestation payload: ABI-encoded data on the ledger, or the hash and location of data kept elsewhere.
struct AttestationData {
  DataLocation location = DataLocation::on_ledger;
  Bytes data;           // on_ledger: abi.encode of the schema's fields
  Hash256 data_hash{};  // off_ledger: SHA-256 of the ABI-encoded data
  std::string uri;      // off_ledger: where to fetch it
  friend bool operator==(const AttestationData&, const AttestationData&) = default;
};

// What an attester asks for; the ledger adds attester, issued-at and origin.
struct AttestationRequest {
  Id schema{};
  std::vector<Recipient> recipients;
  std::uint64_t valid_until = 0;  // unix seconds; 0 = no expiry
  std::optional<Id> linked;
  bool revocable = true;
  std::string indexing_key;
  AttestationData data;
  std::vector<Id> accreditation;  // ids of the attester's accreditation chain, nearest first (may be empty)
  friend bool operator==(const AttestationRequest&, const AttestationRequest&) = default;
};

struct Attestation {
  AttestationRequest request;
  AccountId attester{};
  std::uint64_t issued_at = 0;  // set by the ledger (block time), or by the attester for off-ledger attestations
  Id origin{};                  // on-ledger: id of the creating transaction; off-ledger: a random salt
  std::uint32_t index = 0;      // position in the creating batch
  friend bool operator==(const Attestation&, const Attestation&) = default;
};

// The ledger's record of an on-ledger attestation: the attestation and its revocation status.
struct AttestationRecord {
  Attestation attestation;
  std::uint64_t revoked_at = 0;  // 0 = not revoked
  std::string revocation_reason;
  friend bool operator==(const AttestationRecord&, const AttestationRecord&) = default;
};

// An attestation that lives outside the ledger, signed by its attester. The ledger only keeps, keyed by its id,
// optional revocation (by the attester) and timestamp entries.
struct OffchainAttestation {
  std::uint64_t chain_id = 0;  // the signature is bound to one chain
  Attestation attestation;
  Signature signature{};
  friend bool operator==(const OffchainAttestation&, const OffchainAttestation&) = default;
};

// ---- canonical encodings and ids (docs/protocol.md "Encodings")
Bytes encode(const Schema& schema);
Result<Schema> decode_schema(ByteView bytes);
Id schema_id(const Schema& schema);

Bytes encode(const Attestation& attestation);
Result<Attestation> decode_attestation(ByteView bytes);
Id attestation_id(const Attestation& attestation);

Bytes encode(const AttestationRecord& record);
Result<AttestationRecord> decode_attestation_record(ByteView bytes);

Bytes encode(const OffchainAttestation& offchain);
Result<OffchainAttestation> decode_offchain_attestation(ByteView bytes);
// The bytes the attester signs for an off-ledger attestation: tag "credence/offchain-attestation-sig", chain id,
// then the attestation's id.
Bytes offchain_signing_message(std::uint64_t chain_id, const Attestation& attestation);
// Checks the attester's signature (docs/crypto.md rule): ok or invalid("bad_signature" | "invalid_public_key" | …).
Status verify_offchain_signature(const OffchainAttestation& offchain);
OffchainAttestation sign_offchain(std::uint64_t chain_id, Attestation attestation,
                                  const crypto::ed25519::SecretKey& attester);

// Checks the limits and field formats of a request (not the ledger rules): invalid("bad_request", detail).
Status validate_request(const AttestationRequest& request);

// Writers/readers of the parts, shared with the transaction encodings.
void write_request(codec::Writer& w, const AttestationRequest& request);
Result<AttestationRequest> read_request(codec::Reader& r);
void write_policy(codec::Writer& w, const Policy& policy);
Result<Policy> read_policy(codec::Reader& r);

// ---- JSON views (docs/protocol.md "JSON"); strict readers reject unknown fields.
codec::Json to_json(const Schema& schema);
Result<Schema> schema_from_json(const codec::Json& json);
codec::Json to_json(const Policy& policy);
Result<Policy> policy_from_json(const codec::Json& json);
codec::Json to_json(const AttestationRequest& request);
Result<AttestationRequest> request_from_json(const codec::Json& json);
codec::Json to_json(const Attestation& attestation);
Result<Attestation> attestation_from_json(const codec::Json& json);
codec::Json to_json(const AttestationRecord& record);
Result<AttestationRecord> record_from_json(const codec::Json& json);
codec::Json to_json(const OffchainAttestation& offchain);
Result<OffchainAttestation> offchain_from_json(const codec::Json& json);

}  // namespace credence::core
