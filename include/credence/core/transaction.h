// Transactions of the attestation layer: the signed envelope, the bodies, delegated (relayed) actions, and their
// canonical encodings and JSON views. Formats: docs/protocol.md "Transactions".
//
// A transaction is signed by its author over its canonical encoding, which binds the chain id, the author's nonce
// and an expiry: it cannot be replayed on another chain, twice, or late. A delegated action carries a second
// signature, by the attester, over (tag, chain id, attester, delegation nonce, deadline, payload): a relayer can
// submit it once, on that chain, before the deadline — never replay it. Plain value types; thread-compatible.
#pragma once

#include <variant>

#include "credence/core/objects.h"
#include "credence/core/token.h"

namespace credence::core {

inline constexpr std::size_t kMaxBatch = 256;
inline constexpr std::size_t kMaxTransactionSize = 1 << 20;

struct RegisterSchema {
  Schema schema;  // registrant must equal the transaction author
  friend bool operator==(const RegisterSchema&, const RegisterSchema&) = default;
};

struct Attest {
  std::vector<AttestationRequest> requests;  // 1..kMaxBatch, applied all or nothing
  friend bool operator==(const Attest&, const Attest&) = default;
};

struct Revocation {
  Id id{};
  std::string reason;
  friend bool operator==(const Revocation&, const Revocation&) = default;
};

struct Revoke {
  std::vector<Revocation> revocations;  // 1..kMaxBatch, all or nothing
  friend bool operator==(const Revoke&, const Revoke&) = default;
};

// The attester's authorisation for a relayer to submit `payload` on its behalf.
struct Delegation {
  AccountId attester{};
  std::uint64_t nonce = 0;     // must equal the attester's next delegation nonce
  std::uint64_t deadline = 0;  // block time after which it is refused
  Signature signature{};       // by the attester over delegation_signing_message(...)
  friend bool operator==(const Delegation&, const Delegation&) = default;
};

struct DelegatedAttest {
  Delegation delegation;
  Attest payload;
  friend bool operator==(const DelegatedAttest&, const DelegatedAttest&) = default;
};

struct DelegatedRevoke {
  Delegation delegation;
  Revoke payload;
  friend bool operator==(const DelegatedRevoke&, const DelegatedRevoke&) = default;
};

// Revocation of off-ledger attestations by their attester: only the ids are published.
struct RevokeOffchain {
  std::vector<Id> ids;
  friend bool operator==(const RevokeOffchain&, const RevokeOffchain&) = default;
};

// Records the first time the ledger saw each id (proof of existence without publishing the payload).
struct Timestamp {
  std::vector<Id> ids;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// Moves `amount` of `asset` (the native token by default; fees are paid in it) from the author to `to`.
struct Transfer {
  AccountId to{};
  U256 amount;
  Id asset = kNativeAsset;
  friend bool operator==(const Transfer&, const Transfer&) = default;
};

// Creates an asset issued by the author, who receives the initial supply. Its id is asset_id(transaction id).
struct CreateAsset {
  AssetDefinition definition;
  friend bool operator==(const CreateAsset&, const CreateAsset&) = default;
};

// The issuer mints `amount` more of its asset to `to`, up to the asset's max_supply.
struct Mint {
  Id asset{};
  AccountId to{};
  U256 amount;
  friend bool operator==(const Mint&, const Mint&) = default;
};

// Escrows terms.total of terms.asset from the author (the distributor). Its id is distribution_id(transaction id).
struct CreateDistribution {
  DistributionTerms terms;
  friend bool operator==(const CreateDistribution&, const CreateDistribution&) = default;
};

// Pays `claimant` what its allocation has vested and it has not claimed yet. The author is the claimant or one of
// the distribution's claim delegates; `attestations` prove eligibility (one per required schema, naming the
// claimant as a recipient).
struct Claim {
  Id distribution{};
  AccountId claimant{};
  U256 allocation;
  std::vector<Hash256> proof;     // Merkle proof of allocation_leaf(claimant, allocation), 0..kMaxClaimProof nodes
  std::vector<Id> attestations;   // 0..kMaxClaimAttestations
  friend bool operator==(const Claim&, const Claim&) = default;
};

// The distributor cancels: `wipe` returns the whole escrow now and ends all claims; otherwise (keep) vesting stops
// at this block's time and what had vested stays claimable.
struct CancelDistribution {
  Id distribution{};
  bool wipe = false;
  friend bool operator==(const CancelDistribution&, const CancelDistribution&) = default;
};

// The distributor takes back the unclaimed escrow once the claim window has closed.
struct Clawback {
  Id distribution{};
  friend bool operator==(const Clawback&, const Clawback&) = default;
};

// The distributor gives up the selected powers for good ("unruggable"); they can never be turned back on.
struct DisableDistributionSwitches {
  Id distribution{};
  bool cancel = false;
  bool clawback = false;
  friend bool operator==(const DisableDistributionSwitches&, const DisableDistributionSwitches&) = default;
};

using Body = std::variant<RegisterSchema, Attest, Revoke, DelegatedAttest, DelegatedRevoke, RevokeOffchain, Timestamp,
                          Transfer, CreateAsset, Mint, CreateDistribution, Claim, CancelDistribution, Clawback,
                          DisableDistributionSwitches>;

// The name of a body type as used in JSON ("register_schema", "attest", …).
const char* body_name(const Body& body);

struct Transaction {
  std::uint64_t chain_id = 0;
  AccountId author{};
  std::uint64_t nonce = 0;       // must equal the author's next nonce
  std::uint64_t expires_at = 0;  // refused in blocks with time > expires_at
  Body body;
  friend bool operator==(const Transaction&, const Transaction&) = default;
};

struct SignedTransaction {
  Transaction tx;
  Signature signature{};
  friend bool operator==(const SignedTransaction&, const SignedTransaction&) = default;
};

Bytes encode(const Transaction& tx);  // also the bytes the author signs
Id transaction_id(const Transaction& tx);
Bytes encode(const SignedTransaction& stx);
Result<SignedTransaction> decode_signed_transaction(ByteView bytes);

SignedTransaction sign_transaction(Transaction tx, const crypto::ed25519::SecretKey& author);
// Stateless checks: author key valid, signature valid. invalid("bad_signature" | "invalid_public_key" | …).
Status verify_transaction_signature(const SignedTransaction& stx);

// What a delegating attester signs: tag "credence/delegation" v1, chain id, attester, nonce, deadline, then the
// payload's kind and encoding.
Bytes delegation_signing_message(std::uint64_t chain_id, const Delegation& delegation, const Body& payload);
// Fills in delegation.signature.
void sign_delegation(std::uint64_t chain_id, Delegation& delegation, const Body& payload,
                     const crypto::ed25519::SecretKey& attester);

codec::Json to_json(const SignedTransaction& stx);
Result<SignedTransaction> signed_transaction_from_json(const codec::Json& json);
codec::Json to_json(const Transaction& tx);
Result<Transaction> transaction_from_json(const codec::Json& json);

}  // namespace credence::core
