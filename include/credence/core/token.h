// The token layer's objects: assets (the native token and assets created by issuers) and Merkle distributions with
// vesting and credential-gated claims, all with 256-bit amounts. Formats: docs/distribution.md.
//
// Amounts are codec::U256 and every operation on them is checked: an overflow or underflow is an invalid outcome,
// never a wrap-around. Plain value types (copyable, thread-compatible). Decoders are strict (decode success implies
// re-encoding gives the same bytes) and answer invalid(reason) on anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "credence/codec/json.h"
#include "credence/codec/u256.h"
#include "credence/core/objects.h"
#include "credence/core/vesting.h"

namespace credence::core {

using codec::U256;

// The native token's asset id (fees are paid in it; its supply is fixed by the genesis allocations).
inline constexpr Id kNativeAsset{};
inline constexpr std::size_t kMaxSymbolLength = 16;
inline constexpr std::uint8_t kMaxDecimals = 36;

// What an issuer declares when it creates an asset.
struct AssetDefinition {
  std::string symbol;         // 1..16 characters from A-Z, a-z, 0-9, '-', '.'
  std::string name;           // UTF-8, at most kMaxNameLength bytes
  std::uint8_t decimals = 0;  // display only; 0..kMaxDecimals
  U256 initial_supply;        // credited to the issuer at creation
  U256 max_supply;            // >= initial_supply; equal: a fixed supply, else the issuer may mint up to it

  // invalid("bad_asset", detail).
  [[nodiscard]] Status validate() const;
  [[nodiscard]] bool fixed_supply() const { return max_supply == initial_supply; }
  friend bool operator==(const AssetDefinition&, const AssetDefinition&) = default;
};

// The ledger's record of an asset.
struct AssetRecord {
  Id id{};
  AccountId issuer{};  // all zeros for the native asset: nobody can mint it
  AssetDefinition definition;
  U256 supply;  // minted so far (initial supply included); balances + escrows always sum to it
  friend bool operator==(const AssetRecord&, const AssetRecord&) = default;
};

// The id of the asset created by transaction `origin` (one asset per transaction).
Id asset_id(const Id& origin);
// The record genesis writes for the native token, whose supply is the sum of the allocations.
AssetRecord native_asset_record(const U256& supply);

Bytes encode(const AssetRecord& record);
Result<AssetRecord> decode_asset_record(ByteView bytes);
codec::Json to_json(const AssetRecord& record);

codec::Json to_json(const AssetDefinition& definition);
Result<AssetDefinition> asset_definition_from_json(const codec::Json& json);
void write_asset_definition(codec::Writer& w, const AssetDefinition& definition);
Result<AssetDefinition> read_asset_definition(codec::Reader& r);

// ---- distributions

inline constexpr std::size_t kMaxEligibilitySchemas = 8;
inline constexpr std::size_t kMaxTrustedAttesters = 64;
inline constexpr std::size_t kMaxClaimDelegates = 16;
inline constexpr std::size_t kMaxClaimProof = 64;         // proof nodes; a tree of 2^64 leaves is deeper than needed
inline constexpr std::size_t kMaxClaimAttestations = 8;

// What a distributor fixes when it creates a distribution. Allocations are the leaves of an OpenZeppelin
// StandardMerkleTree (standard-v1) with leaf encoding ["bytes32", "uint256"]: (claimant account, allocation).
struct DistributionTerms {
  Id asset{};
  U256 total;                        // escrowed from the distributor at creation; > 0
  Hash256 merkle_root{};
  std::uint64_t claim_start = 0;     // claims are accepted in blocks with time >= claim_start ...
  std::uint64_t claim_end = 0;       // ... and time < claim_end; 0 = no end
  std::optional<Schedule> schedule;  // none: an allocation is claimable in full from claim_start
  std::vector<Id> required_schemas;  // each needs a valid attestation of it naming the claimant as a recipient
  std::vector<AccountId> trusted_attesters;  // who may issue those attestations; empty = any attester
  std::vector<AccountId> claim_delegates;    // may claim on a claimant's behalf; the claimant is always paid
  bool cancelable = false;           // the distributor may cancel (keep or wipe what vested); opt-in
  bool clawback = false;             // the distributor may take back the unclaimed escrow after claim_end; opt-in

  // Stateless checks: invalid("bad_distribution", detail). The schedule must not carry absolute amounts (a shared
  // schedule scales with each allocation): segmented, or linear without unlock amounts.
  [[nodiscard]] Status validate() const;
  friend bool operator==(const DistributionTerms&, const DistributionTerms&) = default;
};

struct DistributionRecord {
  Id id{};
  AccountId distributor{};
  DistributionTerms terms;
  U256 escrow;                   // still held; escrow + claimed + returned = total
  U256 claimed;                  // paid to claimants so far
  U256 returned;                 // paid back to the distributor (wipe or clawback)
  std::uint64_t canceled_at = 0;  // 0 = not canceled; else vesting is frozen at this time
  bool wiped = false;            // canceled with wipe: nothing more can be claimed
  friend bool operator==(const DistributionRecord&, const DistributionRecord&) = default;
};

// The id of the distribution created by transaction `origin`.
Id distribution_id(const Id& origin);
// The Merkle leaf of one allocation: keccak256(keccak256(abi.encode(bytes32 claimant, uint256 allocation))).
Hash256 allocation_leaf(const AccountId& claimant, const U256& allocation);
// What an allocation has vested at `time` under the record, before subtracting what was already claimed: the
// schedule's amount (frozen at canceled_at after a cancel), or without a schedule the whole allocation from
// claim_start on. Errors only when the schedule cannot be evaluated (it was validated at creation).
Result<U256> vested_allocation(const DistributionRecord& record, const U256& allocation, std::uint64_t time);

void write_distribution_terms(codec::Writer& w, const DistributionTerms& terms);
Result<DistributionTerms> read_distribution_terms(codec::Reader& r);
codec::Json to_json(const DistributionTerms& terms);
Result<DistributionTerms> distribution_terms_from_json(const codec::Json& json);
Bytes encode(const DistributionRecord& record);
Result<DistributionRecord> decode_distribution_record(ByteView bytes);
codec::Json to_json(const DistributionRecord& record);

// U256 amounts: 32 bytes big-endian on the wire, a decimal string in JSON.
void write_amount(codec::Writer& w, const U256& amount);
Result<U256> read_amount(codec::Reader& r);
codec::Json amount_json(const U256& amount);
// A decimal string (or a JSON unsigned integer); invalid("bad_field") otherwise.
Result<U256> amount_from_json(codec::ObjectReader& r, const std::string& key);

}  // namespace credence::core
