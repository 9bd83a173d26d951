#include "credence/core/token.h"

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"

namespace credence::core {

namespace {

constexpr std::string_view kAssetIdTag = "credence/asset-id";
constexpr std::string_view kAssetRecordTag = "credence/asset-record";

Status bad_asset(const std::string& why) {
  return Status::invalid("bad_asset", why);
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
