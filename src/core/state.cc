#include "credence/core/state.h"

#include "credence/codec/canonical.h"
#include "credence/crypto/hash.h"

namespace credence::core {

Hash256 state_key(StateKind kind, ByteView identifier) {
  codec::Writer w("credence/state-key", 1);
  w.u8(static_cast<std::uint8_t>(kind)).bytes(identifier);
  return crypto::sha256(w.data());
}

Hash256 schema_key(const Id& schema) {
  return state_key(StateKind::schema, schema);
}
Hash256 attestation_key(const Id& attestation) {
  return state_key(StateKind::attestation, attestation);
}
Hash256 nonce_key(const AccountId& account) {
  return state_key(StateKind::nonce, account);
}
Hash256 delegation_nonce_key(const AccountId& account) {
  return state_key(StateKind::delegation_nonce, account);
}
Hash256 balance_key(const AccountId& account) {
  return state_key(StateKind::balance, account);
}
Hash256 balance_key(const Id& asset, const AccountId& account) {
  if (asset == kNativeAsset) return balance_key(account);
  codec::Writer w;
  w.fixed<32>(asset).fixed<32>(account);
  return state_key(StateKind::balance, w.data());
}
Hash256 asset_key(const Id& asset) {
  return state_key(StateKind::asset, asset);
}
Hash256 distribution_key(const Id& distribution) {
  return state_key(StateKind::distribution, distribution);
}
Hash256 claimed_key(const Id& distribution, const AccountId& claimant) {
  codec::Writer w;
  w.fixed<32>(distribution).fixed<32>(claimant);
  return state_key(StateKind::claimed, w.data());
}

Hash256 recipient_count_key(const Id& schema, const Recipient& recipient) {
  codec::Writer w;
  w.fixed<32>(schema).u8(static_cast<std::uint8_t>(recipient.kind)).bytes(recipient.value);
  return state_key(StateKind::recipient_count, w.data());
}

Hash256 offchain_revocation_key(const AccountId& attester, const Id& attestation) {
  codec::Writer w;
  w.fixed<32>(attester).fixed<32>(attestation);
  return state_key(StateKind::offchain_revocation, w.data());
}

Hash256 timestamp_key(const Id& id) {
  return state_key(StateKind::timestamp, id);
}
Hash256 meta_key(std::string_view name) {
  return state_key(StateKind::meta, as_bytes(name));
}

Bytes encode_u64(std::uint64_t v) {
  return codec::Writer().u64(v).data();
}

Result<std::uint64_t> decode_u64(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_ASSIGN_OR_RETURN(auto v, r.u64());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return v;
}

Bytes encode_u256(const U256& v) {
  const auto bytes = v.to_be_bytes();
  return Bytes(bytes.begin(), bytes.end());
}

Result<U256> decode_u256(ByteView bytes) {
  if (bytes.size() != U256::kBytes) return Status::invalid("bad_length", "a U256 entry is 32 bytes");
  return U256::from_be_bytes(FixedView<U256::kBytes>(bytes.data(), U256::kBytes));
}

Result<std::optional<AssetRecord>> load_asset(const StateView& view, const Id& id) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(asset_key(id)));
  if (!bytes) return std::optional<AssetRecord>();
  auto rec = decode_asset_record(*bytes);
  if (!rec) return Status::error("corrupt_state", "asset entry: " + rec.status().to_string());
  return std::optional<AssetRecord>(std::move(*rec));
}

Result<std::optional<DistributionRecord>> load_distribution(const StateView& view, const Id& id) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(distribution_key(id)));
  if (!bytes) return std::optional<DistributionRecord>();
  auto rec = decode_distribution_record(*bytes);
  if (!rec) return Status::error("corrupt_state", "distribution entry: " + rec.status().to_string());
  return std::optional<DistributionRecord>(std::move(*rec));
}

Result<U256> load_u256(const StateView& view, const Hash256& key) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(key));
  if (!bytes) return U256();
  auto v = decode_u256(*bytes);
  if (!v) return Status::error("corrupt_state", "U256 entry: " + v.status().to_string());
  return *v;
}

Result<std::optional<Schema>> load_schema(const StateView& view, const Id& id) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(schema_key(id)));
  if (!bytes) return std::optional<Schema>();
  auto schema = decode_schema(*bytes);
  if (!schema) return Status::error("corrupt_state", "schema entry: " + schema.status().to_string());
  return std::optional<Schema>(std::move(*schema));
}

Result<std::optional<AttestationRecord>> load_attestation(const StateView& view, const Id& id) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(attestation_key(id)));
  if (!bytes) return std::optional<AttestationRecord>();
  auto rec = decode_attestation_record(*bytes);
  if (!rec) return Status::error("corrupt_state", "attestation entry: " + rec.status().to_string());
  return std::optional<AttestationRecord>(std::move(*rec));
}

Result<std::uint64_t> load_u64(const StateView& view, const Hash256& key) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(key));
  if (!bytes) return std::uint64_t{0};
  auto v = decode_u64(*bytes);
  if (!v) return Status::error("corrupt_state", "u64 entry: " + v.status().to_string());
  return *v;
}

}  // namespace credence::core
