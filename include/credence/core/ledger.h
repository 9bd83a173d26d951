// The attestation ledger's state machine: applies transactions to the authenticated state and answers receipts.
// docs/protocol.md "Applying transactions".
//
// Deterministic: the result depends only on the state, the transaction and the BlockContext (height, time) passed
// in — no clock, randomness or I/O. Replaying the same transactions in the same blocks yields the same roots.
//
// Outcomes of apply():
//   - rejected (receipt.included == false): the envelope is wrong — chain id, signature, expiry, nonce. Nothing
//     changes; the transaction does not belong in a block.
//   - failed (included, !ok()): the envelope is right but the body breaks a rule. The author's nonce is consumed
//     (so the failure is final and the transaction can never be replayed) and nothing else changes: batches are
//     all or nothing.
//   - ok: every effect applied.
// apply() returns a Status error only when the state store fails; the state is then unchanged.
//
// The Ledger borrows the map, which must outlive it. It caches parsed schemas, checked against the state on every
// use (so any map state, rolled back or not, is read correctly). Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/certificate.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/core/transaction.h"

namespace credence::core {

struct BlockContext {
  std::uint64_t height = 0;
  std::uint64_t time = 0;  // unix seconds, > 0
};

struct Receipt {
  Id transaction{};
  bool included = false;
  std::string code = "ok";  // "ok" or a reason code
  std::string message;
  std::vector<Id> created;  // ids of the schemas, attestations, assets or distributions created, in order

  [[nodiscard]] bool ok() const { return code == "ok"; }
};

struct Genesis {
  std::uint64_t chain_id = 0;
  std::vector<std::pair<AccountId, std::uint64_t>> allocations;  // native token balances
  std::optional<CommitteeRecord> committee;                       // the verifier committee, if the chain has one
};

// The committee genesis wrote (meta_key("committee")), nullopt for a chain without one. error("corrupt_state") if
// the stored record does not decode.
Result<std::optional<CommitteeRecord>> genesis_committee(const StateView& view);

enum class SignatureCheck { verify, already_verified };

class Ledger {
 public:
  Ledger(smt::AuthenticatedMap& state, std::uint64_t chain_id);

  // Writes the genesis entries (chain id, allocations, supply, the committee) into an empty state
  // (invalid("not_empty") otherwise; invalid("overflow") if allocations overflow; invalid("bad_committee") for a
  // committee check_committee_record refuses). Does not commit.
  Status apply_genesis(const Genesis& genesis);

  // Applies one transaction in a block (see the outcomes above). Does not commit: the caller commits the map once
  // per block to get the block's state root.
  Result<Receipt> apply(const SignedTransaction& stx, const BlockContext& block,
                        SignatureCheck check = SignatureCheck::verify);

  [[nodiscard]] const StateView& view() const { return view_; }
  [[nodiscard]] std::uint64_t chain_id() const { return chain_id_; }

 private:
  class MapView final : public StateView {
   public:
    explicit MapView(smt::AuthenticatedMap& map) : map_(&map) {}
    Result<std::optional<Bytes>> get(const Hash256& key) const override { return map_->get(key); }

   private:
    smt::AuthenticatedMap* map_;
  };

  // A schema as attestations use it: decoded, with its field types parsed.
  struct ParsedSchema {
    Hash256 key{};     // schema_key(id)
    Bytes encoding;    // the state entry it was decoded from
    Schema schema;
    std::vector<codec::AbiType> types;
  };
  // The schema `id` as the state holds it now (pending writes included), or nullptr if absent. The entry is read
  // from the state on every call and reused only if its bytes equal the cached ones, so a registration that was
  // rolled back or discarded is never seen; a hit saves decoding and type parsing. The pointer is valid until the
  // next call.
  Result<const ParsedSchema*> parsed_schema(const Id& id);

  Status apply_body(const Transaction& tx, const Id& tx_id, const BlockContext& block, Receipt& receipt);
  Status register_schema(const AccountId& author, const RegisterSchema& body, Receipt& receipt);
  Status attest(const AccountId& attester, const Attest& body, const Id& origin, const BlockContext& block,
                Receipt& receipt);
  Status attest_one(const AccountId& attester, const AttestationRequest& request, const Id& origin, std::uint32_t index,
                    const BlockContext& block, Receipt& receipt);
  Status revoke(const AccountId& actor, const Revoke& body, const BlockContext& block);
  Status check_delegation(const Delegation& delegation, const Body& payload, const BlockContext& block);
  Status mark_ids(const AccountId& author, const std::vector<Id>& ids, bool revocation, const BlockContext& block);
  Status add_to_u64(const Hash256& key, std::uint64_t delta, bool subtract);

  // Token layer (ledger_tokens.cc).
  Status transfer(const AccountId& from, const AccountId& to, const Id& asset, const U256& amount);
  Status create_asset(const AccountId& issuer, const CreateAsset& body, const Id& origin, Receipt& receipt);
  Status mint(const AccountId& author, const Mint& body);
  Status create_distribution(const AccountId& distributor, const CreateDistribution& body, const Id& origin,
                             const BlockContext& block, Receipt& receipt);
  Status claim(const AccountId& author, const Claim& body, const BlockContext& block);
  Status check_eligibility(const DistributionTerms& terms, const Claim& body, const BlockContext& block);
  Status cancel_distribution(const AccountId& author, const CancelDistribution& body, const BlockContext& block);
  Status clawback(const AccountId& author, const Clawback& body, const BlockContext& block);
  Status disable_switches(const AccountId& author, const DisableDistributionSwitches& body);
  // The distribution `id` when `author` is its distributor; invalid("unknown_distribution" | "not_distributor").
  Result<DistributionRecord> own_distribution(const AccountId& author, const Id& id);
  // Adds `delta` to (or subtracts it from) the U256 at `key`: invalid("insufficient_balance") below zero,
  // invalid("overflow") above 2^256 - 1. A zero result erases the entry.
  Status add_amount(const Hash256& key, const U256& delta, bool subtract);

  smt::AuthenticatedMap* state_;
  MapView view_;
  std::uint64_t chain_id_;
  std::map<Id, ParsedSchema> schemas_;  // by schema id; bounded by kMaxCachedSchemas
};

}  // namespace credence::core
