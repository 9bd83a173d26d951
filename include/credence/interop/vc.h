// W3C Verifiable Credentials 2.0 secured with Data Integrity, cryptosuite eddsa-jcs-2022 (W3C vc-di-eddsa v1.0).
// Formats, hash order and reason codes: docs/vc.md.
//
// Proofs (the cryptosuite):
//   proofConfig   = the proof's options — type "DataIntegrityProof", cryptosuite "eddsa-jcs-2022", created,
//                   verificationMethod, proofPurpose (and expires when set) — plus the document's "@context" when it
//                   has one; no proofValue;
//   hashData      = SHA-256(JCS(proofConfig)) ‖ SHA-256(JCS(document without "proof"))   — proof config FIRST;
//   proofValue    = "z" + base58btc(Ed25519-sign(hashData)) (pure Ed25519 over the 64 bytes, not hashed again).
// Verification recomputes hashData from the secured document and its proof (minus proofValue), requires the proof's
// "@context", when present, to be a prefix of the document's, resolves the verification method to an Ed25519 key
// (did:key offline by default; any other method through a caller-supplied resolver) and verifies the signature
// under crypto/ed25519.h's rule.
//
// Credentials (VC 2.0 data model): verify_credential adds the credential checks — @context, type, issuer bound to
// the proof's key, validFrom / validUntil against a caller-given time, and Bitstring Status List entries
// (status_list.h) against status-list credentials the caller supplies — and reports every problem, not just the
// first. Nothing here reads a clock or the network. All functions are pure and thread-safe and never throw.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/core/objects.h"
#include "credence/crypto/ed25519.h"
#include "credence/status.h"

namespace credence::interop::vc {

inline constexpr std::string_view kCryptosuite = "eddsa-jcs-2022";
inline constexpr std::string_view kProofType = "DataIntegrityProof";
inline constexpr std::string_view kCredentialsV2Context = "https://www.w3.org/ns/credentials/v2";
inline constexpr std::string_view kAssertionMethod = "assertionMethod";

// ---------------------------------------------------------------------------------------------------------------
// Dates (XML Schema 1.1 dateTimeStamp, as VC 2.0's validFrom / validUntil and Data Integrity's created use them)

// "YYYY-MM-DDThh:mm:ssZ" for a Unix time (seconds; years 0001–9999: a value outside is clamped).
std::string format_datetime(std::int64_t unix_seconds);
// Unix seconds of "YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)" (fractions are truncated). A time zone is required.
// invalid("bad_datetime") otherwise.
Result<std::int64_t> parse_datetime(std::string_view text);

// ---------------------------------------------------------------------------------------------------------------
// Proofs

struct ProofOptions {
  std::string verification_method;                   // required: a DID URL or other IRI naming the key
  std::string proof_purpose = std::string(kAssertionMethod);
  std::optional<std::int64_t> created;               // Unix seconds; none: no "created" member
  std::optional<std::int64_t> expires;               // Unix seconds; none: no "expires" member
};

// Resolves a verification method IRI to its Ed25519 key. invalid("unknown_verification_method") for one it does not
// know; the key's own checks (invalid_public_key) otherwise.
using KeyResolver = std::function<Result<crypto::ed25519::PublicKey>(std::string_view verification_method)>;
// The offline resolver: did:key DIDs and DID URLs (did_key.h); every other method is unknown.
KeyResolver did_key_resolver();

// SHA-256(JCS(proof_config)) ‖ SHA-256(JCS(document)), `document` taken without its "proof" member.
Result<FixedBytes<64>> hash_data(const codec::Json& document, const codec::Json& proof_config);

// The signed proof object for `document` (an object without "proof"; invalid("bad_document") otherwise).
Result<codec::Json> create_proof(const codec::Json& document, const crypto::ed25519::SecretKey& key,
                                 const ProofOptions& options);
// `document` with the proof of create_proof added as its "proof" member.
Result<codec::Json> add_proof(const codec::Json& document, const crypto::ed25519::SecretKey& key,
                              const ProofOptions& options);

// What a verified proof said.
struct VerifiedProof {
  std::string verification_method;
  crypto::ed25519::PublicKey key;
  std::string proof_purpose;
};

// Verifies the single eddsa-jcs-2022 proof of `secured`. Reason codes: bad_document, missing_proof,
// unsupported_proof_set (several proofs), bad_proof (a missing or mistyped proof member), wrong_proof_type,
// unknown_cryptosuite, bad_proof_value (not "z"+base58btc of 64 bytes), context_mismatch, proof_purpose_mismatch
// (not `expected_purpose`), proof_expired (expires before `now`, when `now` is given), unknown_verification_method
// and the key's codes from `resolver`, the JCS codes (jcs.h), and the signature codes of crypto/ed25519.h
// (bad_signature, non_canonical_s).
Result<VerifiedProof> verify_proof(const codec::Json& secured, const KeyResolver& resolver,
                                   std::string_view expected_purpose = kAssertionMethod,
                                   std::optional<std::int64_t> now = std::nullopt);

// ---------------------------------------------------------------------------------------------------------------
// Credentials

struct IssueOptions {
  std::int64_t created = 0;                   // Unix seconds, the proof's "created"
  std::string verification_method;            // empty: the did:key verification method of the key
};

// Signs an unsigned credential. Adds "issuer" (the key's did:key) when the credential has none; fails with
// invalid("issuer_mismatch") when it names a did:key issuer other than the key's, or with invalid("bad_credential")
// when it is not a credential shape (not an object, already has a proof, no @context / type / credentialSubject).
Result<codec::Json> issue(codec::Json credential, const crypto::ed25519::SecretKey& key, const IssueOptions& options);

struct VerifyOptions {
  std::optional<std::int64_t> now;                 // Unix seconds for validFrom / validUntil; none: not checked
  KeyResolver resolver = did_key_resolver();
  // Status-list credentials (BitstringStatusListCredential) the caller fetched; matched by "id" to each entry's
  // statusListCredential. Each is verified as a credential itself before its list is read.
  std::vector<codec::Json> status_lists;
};

struct Verdict {
  std::vector<Status> problems;     // every reason the credential is not valid; empty: valid
  std::vector<std::string> notes;   // what was not checked (a status entry with no list given, …)
  std::optional<VerifiedProof> proof;
  [[nodiscard]] bool valid() const { return problems.empty(); }
};

// Verifies a credential: the proof (verify_proof with assertionMethod), the VC 2.0 shape (first @context
// kCredentialsV2Context: bad_context; type containing "VerifiableCredential": bad_type; issuer a string or an object
// with a string id: bad_issuer; credentialSubject: missing_subject), the issuer equal to the DID of the proof's
// verification method (issuer_mismatch), validFrom <= now (not_yet_valid), now < validUntil (expired), and every
// BitstringStatusListEntry in credentialStatus (status_list.h: revoked, suspended, status_list_not_found,
// status_purpose_mismatch, status_index_out_of_range, status_list_invalid, the decoder's codes).
Verdict verify_credential(const codec::Json& credential, const VerifyOptions& options);

// ---------------------------------------------------------------------------------------------------------------
// Export of Credence attestations

// Where an exported credential's status lives: an index in a status-list credential.
struct StatusRef {
  std::string status_list_credential;  // the URL of the BitstringStatusListCredential
  std::uint64_t index = 0;
  std::string purpose = "revocation";
};

struct ExportOptions {
  std::optional<StatusRef> status;  // none: no credentialStatus
  std::string issuer;               // empty: the attester's did:key
};

// The unsigned VC 2.0 view of an attestation (docs/vc.md "Attestations as credentials"):
//   id "urn:credence:attestation:<hex id>", type [VerifiableCredential, CredenceAttestation], issuer,
//   validFrom = issued_at, validUntil = valid_until (when set), credentialSubject {attester, schema, recipients
//   (their text forms; "id" too when there is exactly one and it is a DID), data: the ABI-decoded fields by name when
//   `schema` is given and the data is on the ledger (else "0x" hex; off-ledger: dataHash and uri), linked,
//   indexingKey, revocable}, credentialStatus when `options.status` is set.
// invalid("bad_attestation") if the data does not decode under the schema's fields.
Result<codec::Json> attestation_to_credential(const core::Attestation& attestation, const core::Schema* schema,
                                              const ExportOptions& options);

}  // namespace credence::interop::vc
