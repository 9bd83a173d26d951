// Assets of the token layer: the native token and assets created by issuers, with 256-bit amounts. Formats:
// docs/distribution.md "Assets".
//
// Amounts are codec::U256 and every operation on them is checked: an overflow or underflow is an invalid outcome,
// never a wrap-around. Plain value types (copyable, thread-compatible). Decoders are strict (decode success implies
// re-encoding gives the same bytes) and answer invalid(reason) on anything else.
#pragma once

#include <cstdint>
#include <string>

#include "credence/codec/json.h"
#include "credence/codec/u256.h"
#include "credence/core/objects.h"

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

// U256 amounts: 32 bytes big-endian on the wire, a decimal string in JSON.
void write_amount(codec::Writer& w, const U256& amount);
Result<U256> read_amount(codec::Reader& r);
codec::Json amount_json(const U256& amount);
// A decimal string (or a JSON unsigned integer); invalid("bad_field") otherwise.
Result<U256> amount_from_json(codec::ObjectReader& r, const std::string& key);

}  // namespace credence::core
