// The ledger state's key space and typed reads over any StateView (the live map, or a set of verified proofs).
//
// Every state entry lives in the authenticated map under a 32-byte key = SHA-256 of ("credence/state-key" v1,
// kind, identifier) in the canonical encoding: kinds never collide, and a light client can compute the key of
// anything it wants proven. Layout and value encodings: docs/protocol.md "State".
#pragma once

#include <optional>

#include "credence/core/objects.h"
#include "credence/core/smt.h"
#include "credence/core/token.h"
#include "credence/status.h"

namespace credence::core {

enum class StateKind : std::uint8_t {
  schema = 1,               // schema id -> encode(Schema)
  attestation = 2,          // attestation id -> encode(AttestationRecord)
  nonce = 3,                // account -> next transaction nonce (u64)
  delegation_nonce = 4,     // account -> next delegation nonce (u64)
  balance = 5,              // account -> native balance; (asset, account) -> balance of another asset (U256)
  recipient_count = 6,      // (schema id, recipient) -> live attestations (u64)
  offchain_revocation = 7,  // (attester, off-ledger attestation id) -> revocation time (u64)
  timestamp = 8,            // id -> first time the ledger saw it (u64)
  meta = 9,                 // "chain" -> chain id (u64)
  asset = 10,               // asset id -> encode(AssetRecord); the native token's record under kNativeAsset
  distribution = 11,        // distribution id -> encode(DistributionRecord)
  claimed = 12,             // (distribution id, claimant) -> amount claimed so far (U256)
};

Hash256 state_key(StateKind kind, ByteView identifier);
Hash256 schema_key(const Id& schema);
Hash256 attestation_key(const Id& attestation);
Hash256 nonce_key(const AccountId& account);
Hash256 delegation_nonce_key(const AccountId& account);
Hash256 balance_key(const AccountId& account);  // the native token
// kNativeAsset gives balance_key(account); another asset's identifier is (asset, account), so the two never meet.
Hash256 balance_key(const Id& asset, const AccountId& account);
Hash256 asset_key(const Id& asset);
Hash256 distribution_key(const Id& distribution);
Hash256 claimed_key(const Id& distribution, const AccountId& claimant);
Hash256 recipient_count_key(const Id& schema, const Recipient& recipient);
Hash256 offchain_revocation_key(const AccountId& attester, const Id& attestation);
Hash256 timestamp_key(const Id& id);
Hash256 meta_key(std::string_view name);

Bytes encode_u64(std::uint64_t v);
Result<std::uint64_t> decode_u64(ByteView bytes);
Bytes encode_u256(const U256& v);  // 32 bytes, big-endian
Result<U256> decode_u256(ByteView bytes);

// Read-only access to state entries. get() answers nullopt for an absent key; error() on storage failure; a view
// backed by proofs answers invalid("incomplete_proof") for a key it holds no proof for.
class StateView {
 public:
  virtual ~StateView() = default;
  virtual Result<std::optional<Bytes>> get(const Hash256& key) const = 0;
};

// A StateView over an authenticated map: its pending writes, then its store. Borrows the map, which must outlive it.
class MapStateView final : public StateView {
 public:
  explicit MapStateView(const smt::AuthenticatedMap& map) : map_(&map) {}
  Result<std::optional<Bytes>> get(const Hash256& key) const override { return map_->get(key); }

 private:
  const smt::AuthenticatedMap* map_;
};

Result<std::optional<Schema>> load_schema(const StateView& view, const Id& id);
Result<std::optional<AttestationRecord>> load_attestation(const StateView& view, const Id& id);
Result<std::optional<AssetRecord>> load_asset(const StateView& view, const Id& id);
Result<std::optional<DistributionRecord>> load_distribution(const StateView& view, const Id& id);
// Absent counts as 0.
Result<std::uint64_t> load_u64(const StateView& view, const Hash256& key);
Result<U256> load_u256(const StateView& view, const Hash256& key);

}  // namespace credence::core
