#include "credence/core/token.h"

#include <algorithm>

#include "credence/codec/hex.h"
#include "credence/core/merkle_tree.h"
#include "credence/crypto/hash.h"

namespace credence::core {

namespace {

constexpr std::string_view kAssetIdTag = "credence/asset-id";
constexpr std::string_view kAssetRecordTag = "credence/asset-record";
constexpr std::string_view kDistributionIdTag = "credence/distribution-id";
constexpr std::string_view kDistributionRecordTag = "credence/distribution-record";

Status bad_asset(const std::string& why) {
  return Status::invalid("bad_asset", why);
}

Status bad_distribution(const std::string& why) {
  return Status::invalid("bad_distribution", why);
}

template <std::size_t N>
void write_list(codec::Writer& w, const std::vector<FixedBytes<N>>& list) {
  w.varint(list.size());
  for (const auto& x : list) w.fixed<N>(x);
}

template <std::size_t N>
Result<std::vector<FixedBytes<N>>> read_list(codec::Reader& r, std::size_t limit, const char* what) {
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(N));
  if (n > limit) return bad_distribution(std::string(what) + ": more than " + std::to_string(limit) + " entries");
  std::vector<FixedBytes<N>> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(auto x, r.fixed<N>());
    out.push_back(x);
  }
  return out;
}

template <std::size_t N>
codec::Json list_json(const std::vector<FixedBytes<N>>& list) {
  codec::Json a = codec::Json::array();
  for (const auto& x : list) a.push_back(codec::hex_encode_0x(x));
  return a;
}

template <std::size_t N>
Result<std::vector<FixedBytes<N>>> list_from_json(codec::ObjectReader& r, const std::string& key, std::size_t limit) {
  std::vector<FixedBytes<N>> out;
  if (!r.optional(key)) return out;
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, r.value(key));
  if (!v->is_array()) return Status::invalid("bad_field", key + ": expected an array of 0x-hex strings");
  if (v->size() > limit) return bad_distribution(key + ": more than " + std::to_string(limit) + " entries");
  for (const auto& e : *v) {
    if (!e.is_string()) return Status::invalid("bad_field", key + ": expected 0x-hex strings");
    auto x = codec::hex_decode_fixed<N>(e.get<std::string>());
    if (!x) return Status::invalid("bad_field", key + ": " + x.status().to_string());
    out.push_back(*x);
  }
  return out;
}

template <std::size_t N>
bool has_duplicates(std::vector<FixedBytes<N>> list) {
  std::sort(list.begin(), list.end());
  return std::adjacent_find(list.begin(), list.end()) != list.end();
}

bool symbol_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

Status AssetDefinition::validate() const {
  if (symbol.empty() || symbol.size() > kMaxSymbolLength) {
    return bad_asset("symbol must hold 1.." + std::to_string(kMaxSymbolLength) + " characters");
  }
  for (const char c : symbol) {
    if (!symbol_char(c)) return bad_asset("symbol may use only A-Z, a-z, 0-9, '-' and '.'");
  }
  if (name.size() > kMaxNameLength || !codec::is_valid_utf8(name)) {
    return bad_asset("name must be UTF-8 of at most " + std::to_string(kMaxNameLength) + " bytes");
  }
  if (decimals > kMaxDecimals) return bad_asset("decimals must be at most " + std::to_string(kMaxDecimals));
  if (max_supply < initial_supply) return bad_asset("max_supply is below initial_supply");
  if (max_supply.is_zero()) return bad_asset("max_supply must be positive");
  return Status::ok();
}

Id asset_id(const Id& origin) {
  codec::Writer w(kAssetIdTag, 1);
  w.fixed<32>(origin);
  return crypto::sha256(w.data());
}

AssetRecord native_asset_record(const U256& supply) {
  AssetRecord r;
  r.id = kNativeAsset;
  r.definition.symbol = "CRED";
  r.definition.name = "Credence native token";
  r.definition.initial_supply = supply;
  r.definition.max_supply = supply;
  r.supply = supply;
  return r;
}

void write_amount(codec::Writer& w, const U256& amount) {
  w.fixed<32>(amount.to_be_bytes());
}

Result<U256> read_amount(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, r.fixed<32>());
  return U256::from_be_bytes(bytes);
}

codec::Json amount_json(const U256& amount) {
  return amount.to_decimal();
}

Result<U256> amount_from_json(codec::ObjectReader& r, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, r.value(key));
  if (v->is_number_unsigned()) return U256::from_u64(v->get<std::uint64_t>());
  if (!v->is_string()) return Status::invalid("bad_field", key + ": expected a decimal string");
  auto amount = U256::parse_decimal(v->get<std::string>());
  if (!amount) return Status::invalid("bad_field", key + ": " + amount.status().to_string());
  return *amount;
}

void write_asset_definition(codec::Writer& w, const AssetDefinition& d) {
  w.string(d.symbol).string(d.name).u8(d.decimals);
  write_amount(w, d.initial_supply);
  write_amount(w, d.max_supply);
}

Result<AssetDefinition> read_asset_definition(codec::Reader& r) {
  AssetDefinition d;
  CREDENCE_ASSIGN_OR_RETURN(d.symbol, r.string());
  CREDENCE_ASSIGN_OR_RETURN(d.name, r.string());
  CREDENCE_ASSIGN_OR_RETURN(d.decimals, r.u8());
  CREDENCE_ASSIGN_OR_RETURN(d.initial_supply, read_amount(r));
  CREDENCE_ASSIGN_OR_RETURN(d.max_supply, read_amount(r));
  return d;
}

Bytes encode(const AssetRecord& record) {
  codec::Writer w(kAssetRecordTag, 1);
  w.fixed<32>(record.id).fixed<32>(record.issuer);
  write_asset_definition(w, record.definition);
  write_amount(w, record.supply);
  return std::move(w).take();
}

Result<AssetRecord> decode_asset_record(ByteView bytes) {
  codec::Reader r(bytes);
  AssetRecord rec;
  CREDENCE_RETURN_IF_ERROR(r.header(kAssetRecordTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(rec.id, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(rec.issuer, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(rec.definition, read_asset_definition(r));
  CREDENCE_ASSIGN_OR_RETURN(rec.supply, read_amount(r));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  // The native record is the only one without an issuer, and its symbol is fixed; others must validate.
  if (rec.id != kNativeAsset) CREDENCE_RETURN_IF_ERROR(rec.definition.validate());
  if (rec.definition.max_supply < rec.supply) return bad_asset("supply above max_supply");
  return rec;
}

codec::Json to_json(const AssetDefinition& d) {
  return {{"symbol", d.symbol},
          {"name", d.name},
          {"decimals", d.decimals},
          {"initial_supply", amount_json(d.initial_supply)},
          {"max_supply", amount_json(d.max_supply)}};
}

Result<AssetDefinition> asset_definition_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "asset"));
  AssetDefinition d;
  CREDENCE_ASSIGN_OR_RETURN(d.symbol, r.string("symbol"));
  if (r.optional("name")) {
    CREDENCE_ASSIGN_OR_RETURN(d.name, r.string("name"));
  }
  if (r.optional("decimals")) {
    CREDENCE_ASSIGN_OR_RETURN(auto decimals, r.u64("decimals"));
    if (decimals > kMaxDecimals) return bad_asset("decimals must be at most " + std::to_string(kMaxDecimals));
    d.decimals = static_cast<std::uint8_t>(decimals);
  }
  CREDENCE_ASSIGN_OR_RETURN(d.initial_supply, amount_from_json(r, "initial_supply"));
  if (r.optional("max_supply")) {
    CREDENCE_ASSIGN_OR_RETURN(d.max_supply, amount_from_json(r, "max_supply"));
  } else {
    d.max_supply = d.initial_supply;  // fixed supply unless a cap is given
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return d;
}

// ---- distributions

Status DistributionTerms::validate() const {
  if (total.is_zero()) return bad_distribution("total must be positive");
  if (claim_end != 0 && claim_end <= claim_start) return bad_distribution("claim_end must be after claim_start");
  if (clawback && claim_end == 0) return bad_distribution("clawback needs a claim_end (it applies after the window)");
  if (required_schemas.size() > kMaxEligibilitySchemas || trusted_attesters.size() > kMaxTrustedAttesters ||
      claim_delegates.size() > kMaxClaimDelegates) {
    return bad_distribution("too many required schemas, trusted attesters or claim delegates");
  }
  if (has_duplicates(required_schemas) || has_duplicates(trusted_attesters) || has_duplicates(claim_delegates)) {
    return bad_distribution("duplicate entry in required_schemas, trusted_attesters or claim_delegates");
  }
  if (!trusted_attesters.empty() && required_schemas.empty()) {
    return bad_distribution("trusted_attesters without required_schemas would trust nothing");
  }
  if (schedule) {
    if (Status s = validate_schedule(*schedule); !s.is_ok()) return bad_distribution("schedule: " + s.to_string());
    if (std::holds_alternative<TranchedVesting>(schedule->curve)) {
      return bad_distribution("a tranched schedule fixes amounts; a distribution's schedule must scale with each "
                              "allocation (use a segmented schedule)");
    }
    if (const auto* linear = std::get_if<LinearVesting>(&schedule->curve);
        linear != nullptr && (!linear->start_unlock.is_zero() || !linear->cliff_unlock.is_zero())) {
      return bad_distribution("a linear schedule with unlock amounts fixes amounts; use a segmented schedule");
    }
  }
  return Status::ok();
}

Id distribution_id(const Id& origin) {
  codec::Writer w(kDistributionIdTag, 1);
  w.fixed<32>(origin);
  return crypto::sha256(w.data());
}

Hash256 allocation_leaf(const AccountId& claimant, const U256& allocation) {
  // abi.encode(bytes32, uint256): two static 32-byte words.
  FixedBytes<64> encoding{};
  std::copy(claimant.begin(), claimant.end(), encoding.begin());
  const auto amount = allocation.to_be_bytes();
  std::copy(amount.begin(), amount.end(), encoding.begin() + 32);
  return merkle::leaf_hash_of_encoding(encoding);
}

Result<U256> vested_allocation(const DistributionRecord& record, const U256& allocation, std::uint64_t time) {
  const std::uint64_t t = record.canceled_at != 0 ? std::min(time, record.canceled_at) : time;
  if (!record.terms.schedule) return t >= record.terms.claim_start ? allocation : U256();
  return vested(*record.terms.schedule, allocation, t);
}

void write_distribution_terms(codec::Writer& w, const DistributionTerms& t) {
  w.fixed<32>(t.asset);
  write_amount(w, t.total);
  w.fixed<32>(t.merkle_root).u64(t.claim_start).u64(t.claim_end).boolean(t.schedule.has_value());
  if (t.schedule) write_schedule(w, *t.schedule);
  write_list(w, t.required_schemas);
  write_list(w, t.trusted_attesters);
  write_list(w, t.claim_delegates);
  w.boolean(t.cancelable).boolean(t.clawback);
}

Result<DistributionTerms> read_distribution_terms(codec::Reader& r) {
  DistributionTerms t;
  CREDENCE_ASSIGN_OR_RETURN(t.asset, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(t.total, read_amount(r));
  CREDENCE_ASSIGN_OR_RETURN(t.merkle_root, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(t.claim_start, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(t.claim_end, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(const bool has_schedule, r.boolean());
  if (has_schedule) {
    CREDENCE_ASSIGN_OR_RETURN(auto schedule, read_schedule(r));
    t.schedule = std::move(schedule);
  }
  CREDENCE_ASSIGN_OR_RETURN(t.required_schemas, read_list<32>(r, kMaxEligibilitySchemas, "required_schemas"));
  CREDENCE_ASSIGN_OR_RETURN(t.trusted_attesters, read_list<32>(r, kMaxTrustedAttesters, "trusted_attesters"));
  CREDENCE_ASSIGN_OR_RETURN(t.claim_delegates, read_list<32>(r, kMaxClaimDelegates, "claim_delegates"));
  CREDENCE_ASSIGN_OR_RETURN(t.cancelable, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(t.clawback, r.boolean());
  return t;
}

codec::Json to_json(const DistributionTerms& t) {
  codec::Json j{{"asset", codec::hex_encode_0x(t.asset)},
                {"total", amount_json(t.total)},
                {"merkle_root", codec::hex_encode_0x(t.merkle_root)},
                {"claim_start", t.claim_start},
                {"claim_end", t.claim_end},
                {"required_schemas", list_json(t.required_schemas)},
                {"trusted_attesters", list_json(t.trusted_attesters)},
                {"claim_delegates", list_json(t.claim_delegates)},
                {"cancelable", t.cancelable},
                {"clawback", t.clawback}};
  j["schedule"] = t.schedule ? to_json(*t.schedule) : codec::Json(nullptr);
  return j;
}

Result<DistributionTerms> distribution_terms_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "distribution"));
  DistributionTerms t;
  if (r.optional("asset")) {
    CREDENCE_ASSIGN_OR_RETURN(t.asset, r.hex_fixed<32>("asset"));
  }
  CREDENCE_ASSIGN_OR_RETURN(t.total, amount_from_json(r, "total"));
  CREDENCE_ASSIGN_OR_RETURN(t.merkle_root, r.hex_fixed<32>("merkle_root"));
  CREDENCE_ASSIGN_OR_RETURN(t.claim_start, r.u64("claim_start"));
  if (r.optional("claim_end")) {
    CREDENCE_ASSIGN_OR_RETURN(t.claim_end, r.u64("claim_end"));
  }
  if (r.optional("schedule")) {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, r.value("schedule"));
    if (!v->is_null()) {
      CREDENCE_ASSIGN_OR_RETURN(auto schedule, schedule_from_json(*v));
      t.schedule = std::move(schedule);
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(t.required_schemas, list_from_json<32>(r, "required_schemas", kMaxEligibilitySchemas));
  CREDENCE_ASSIGN_OR_RETURN(t.trusted_attesters, list_from_json<32>(r, "trusted_attesters", kMaxTrustedAttesters));
  CREDENCE_ASSIGN_OR_RETURN(t.claim_delegates, list_from_json<32>(r, "claim_delegates", kMaxClaimDelegates));
  if (r.optional("cancelable")) {
    CREDENCE_ASSIGN_OR_RETURN(t.cancelable, r.boolean("cancelable"));
  }
  if (r.optional("clawback")) {
    CREDENCE_ASSIGN_OR_RETURN(t.clawback, r.boolean("clawback"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return t;
}

Bytes encode(const DistributionRecord& rec) {
  codec::Writer w(kDistributionRecordTag, 1);
  w.fixed<32>(rec.id).fixed<32>(rec.distributor);
  write_distribution_terms(w, rec.terms);
  write_amount(w, rec.escrow);
  write_amount(w, rec.claimed);
  write_amount(w, rec.returned);
  w.u64(rec.canceled_at).boolean(rec.wiped);
  return std::move(w).take();
}

Result<DistributionRecord> decode_distribution_record(ByteView bytes) {
  codec::Reader r(bytes);
  DistributionRecord rec;
  CREDENCE_RETURN_IF_ERROR(r.header(kDistributionRecordTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(rec.id, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(rec.distributor, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(rec.terms, read_distribution_terms(r));
  CREDENCE_ASSIGN_OR_RETURN(rec.escrow, read_amount(r));
  CREDENCE_ASSIGN_OR_RETURN(rec.claimed, read_amount(r));
  CREDENCE_ASSIGN_OR_RETURN(rec.returned, read_amount(r));
  CREDENCE_ASSIGN_OR_RETURN(rec.canceled_at, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(rec.wiped, r.boolean());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  CREDENCE_RETURN_IF_ERROR(rec.terms.validate());
  // The books must balance: escrow + claimed + returned = total.
  auto sum = checked_add(rec.escrow, rec.claimed);
  if (sum) sum = checked_add(*sum, rec.returned);
  if (!sum || *sum != rec.terms.total) return bad_distribution("escrow + claimed + returned differs from total");
  return rec;
}

codec::Json to_json(const DistributionRecord& rec) {
  codec::Json j = to_json(rec.terms);
  j["id"] = codec::hex_encode_0x(rec.id);
  j["distributor"] = codec::hex_encode_0x(rec.distributor);
  j["escrow"] = amount_json(rec.escrow);
  j["claimed"] = amount_json(rec.claimed);
  j["returned"] = amount_json(rec.returned);
  j["canceled_at"] = rec.canceled_at;
  j["wiped"] = rec.wiped;
  return j;
}

codec::Json to_json(const AssetRecord& record) {
  codec::Json j = to_json(record.definition);
  j["id"] = codec::hex_encode_0x(record.id);
  j["issuer"] = codec::hex_encode_0x(record.issuer);
  j["supply"] = amount_json(record.supply);
  j["native"] = record.id == kNativeAsset;
  j["fixed_supply"] = record.definition.fixed_supply();
  return j;
}

}  // namespace credence::core
