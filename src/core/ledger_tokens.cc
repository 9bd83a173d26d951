// The token layer of the state machine: transfers, assets and minting (docs/distribution.md). Invariant, checked by
// the property tests after every transaction: per asset, balances + escrows = the record's supply.
#include "credence/core/ledger.h"

namespace credence::core {

Status Ledger::add_amount(const Hash256& key, const U256& delta, bool subtract) {
  CREDENCE_ASSIGN_OR_RETURN(const U256 v, load_u256(view_, key));
  auto next = subtract ? checked_sub(v, delta) : checked_add(v, delta);
  if (!next) {
    return subtract ? Status::invalid("insufficient_balance", "balance " + v.to_decimal())
                    : Status::invalid("overflow", "amount overflows 256 bits");
  }
  if (next->is_zero()) {
    state_->erase(key);  // absent and zero are the same; keeping the map free of zero entries keeps it small
  } else {
    state_->put(key, encode_u256(*next));
  }
  return Status::ok();
}

Status Ledger::transfer(const AccountId& from, const AccountId& to, const Id& asset, const U256& amount) {
  if (amount.is_zero()) return Status::invalid("bad_transaction", "transfer amount must be positive");
  if (asset != kNativeAsset) {
    CREDENCE_ASSIGN_OR_RETURN(auto record, load_asset(view_, asset));
    if (!record) return Status::invalid("unknown_asset", "no asset with this id");
  }
  CREDENCE_RETURN_IF_ERROR(add_amount(balance_key(asset, from), amount, true));
  return add_amount(balance_key(asset, to), amount, false);
}

Status Ledger::create_asset(const AccountId& issuer, const CreateAsset& body, const Id& origin, Receipt& receipt) {
  CREDENCE_RETURN_IF_ERROR(body.definition.validate());
  AssetRecord record;
  record.id = asset_id(origin);
  record.issuer = issuer;
  record.definition = body.definition;
  record.supply = body.definition.initial_supply;
  CREDENCE_ASSIGN_OR_RETURN(auto existing, view_.get(asset_key(record.id)));
  if (existing) return Status::invalid("already_exists", "an asset with this id exists");
  state_->put(asset_key(record.id), encode(record));
  if (!record.supply.is_zero()) {
    CREDENCE_RETURN_IF_ERROR(add_amount(balance_key(record.id, issuer), record.supply, false));
  }
  receipt.created.push_back(record.id);
  return Status::ok();
}

Status Ledger::mint(const AccountId& author, const Mint& body) {
  if (body.amount.is_zero()) return Status::invalid("bad_transaction", "mint amount must be positive");
  CREDENCE_ASSIGN_OR_RETURN(auto record, load_asset(view_, body.asset));
  if (!record) return Status::invalid("unknown_asset", "no asset with this id");
  if (body.asset == kNativeAsset || record->definition.fixed_supply()) {
    return Status::invalid("fixed_supply", "this asset's supply is fixed");
  }
  if (record->issuer != author) return Status::invalid("not_issuer", "only the asset's issuer may mint it");
  auto supply = checked_add(record->supply, body.amount);
  if (!supply || record->definition.max_supply < *supply) {
    return Status::invalid("supply_cap_exceeded", "minting " + body.amount.to_decimal() + " would exceed max_supply " +
                                                      record->definition.max_supply.to_decimal());
  }
  record->supply = *supply;
  state_->put(asset_key(body.asset), encode(*record));
  return add_amount(balance_key(body.asset, body.to), body.amount, false);
}

}  // namespace credence::core
