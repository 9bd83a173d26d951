// The token layer of the state machine: transfers, assets, minting and distributions (docs/distribution.md). Invariant, checked by
// the property tests after every transaction: per asset, balances + escrows = the record's supply.
#include "credence/core/ledger.h"

#include <algorithm>

#include "credence/core/merkle_tree.h"
#include "credence/core/verify.h"

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

// ---- distributions

Status Ledger::create_distribution(const AccountId& distributor, const CreateDistribution& body, const Id& origin,
                                  const BlockContext& block, Receipt& receipt) {
  const DistributionTerms& terms = body.terms;
  CREDENCE_RETURN_IF_ERROR(terms.validate());
  if (terms.claim_end != 0 && terms.claim_end <= block.time) {
    return Status::invalid("bad_distribution", "the claim window has already closed");
  }
  if (terms.asset != kNativeAsset) {
    CREDENCE_ASSIGN_OR_RETURN(auto asset, load_asset(view_, terms.asset));
    if (!asset) return Status::invalid("unknown_asset", "no asset with this id");
  }
  for (const Id& schema : terms.required_schemas) {
    CREDENCE_ASSIGN_OR_RETURN(auto found, view_.get(schema_key(schema)));
    if (!found) return Status::invalid("unknown_schema", "required schema " + codec::hex_encode_0x(schema));
  }
  DistributionRecord record;
  record.id = distribution_id(origin);
  record.distributor = distributor;
  record.terms = terms;
  record.escrow = terms.total;
  CREDENCE_ASSIGN_OR_RETURN(auto existing, view_.get(distribution_key(record.id)));
  if (existing) return Status::invalid("already_exists", "a distribution with this id exists");
  CREDENCE_RETURN_IF_ERROR(add_amount(balance_key(terms.asset, distributor), terms.total, true));
  state_->put(distribution_key(record.id), encode(record));
  receipt.created.push_back(record.id);
  return Status::ok();
}

Status Ledger::check_eligibility(const DistributionTerms& terms, const Claim& body, const BlockContext& block) {
  const Recipient claimant = Recipient::account(body.claimant);
  for (const Id& schema : terms.required_schemas) {
    // The first cited attestation of this schema decides; its failure is reported with its own reason.
    std::optional<Status> outcome;
    for (const Id& id : body.attestations) {
      CREDENCE_ASSIGN_OR_RETURN(auto rec, load_attestation(view_, id));
      if (!rec) return Status::invalid("unknown_attestation", "eligibility attestation " + codec::hex_encode_0x(id));
      const Attestation& a = rec->attestation;
      if (a.request.schema != schema) continue;
      if (!terms.trusted_attesters.empty() &&
          std::find(terms.trusted_attesters.begin(), terms.trusted_attesters.end(), a.attester) ==
              terms.trusted_attesters.end()) {
        outcome = Status::invalid("untrusted_attester", "attestation " + codec::hex_encode_0x(id) +
                                                            " comes from an attester the distribution does not trust");
        break;
      }
      // Bound to the claimant: an eligibility credential about someone else proves nothing about this claim.
      if (std::find(a.request.recipients.begin(), a.request.recipients.end(), claimant) == a.request.recipients.end()) {
        outcome = Status::invalid("not_recipient",
                                  "attestation " + codec::hex_encode_0x(id) + " does not name the claimant");
        break;
      }
      CREDENCE_ASSIGN_OR_RETURN(const Verdict verdict, verify_attestation(view_, id, block.time));
      if (!verdict.valid()) {
        std::string reasons;
        for (const Reason& r : verdict.reasons) reasons += (reasons.empty() ? "" : ", ") + r.code;
        outcome = Status::invalid("ineligible", "attestation " + codec::hex_encode_0x(id) + " is not valid now: " +
                                                    reasons);
        break;
      }
      outcome = Status::ok();
      break;
    }
    if (!outcome) {
      return Status::invalid("missing_eligibility",
                             "no attestation of required schema " + codec::hex_encode_0x(schema) + " was cited");
    }
    CREDENCE_RETURN_IF_ERROR(*outcome);
  }
  return Status::ok();
}

Status Ledger::claim(const AccountId& author, const Claim& body, const BlockContext& block) {
  CREDENCE_ASSIGN_OR_RETURN(auto found, load_distribution(view_, body.distribution));
  if (!found) return Status::invalid("unknown_distribution", "no distribution with this id");
  DistributionRecord& record = *found;
  const DistributionTerms& terms = record.terms;
  if (author != body.claimant &&
      std::find(terms.claim_delegates.begin(), terms.claim_delegates.end(), author) == terms.claim_delegates.end()) {
    return Status::invalid("not_claimant", "only the claimant or a claim delegate of the distribution may claim");
  }
  if (record.wiped) return Status::invalid("distribution_canceled", "the distribution was canceled and wiped");
  if (block.time < terms.claim_start) {
    return Status::invalid("claim_not_started", "claims open at " + std::to_string(terms.claim_start));
  }
  if (terms.claim_end != 0 && block.time >= terms.claim_end) {
    return Status::invalid("claim_window_closed", "claims closed at " + std::to_string(terms.claim_end));
  }
  const Status proven =
      merkle::verify_proof(terms.merkle_root, allocation_leaf(body.claimant, body.allocation), body.proof);
  if (!proven.is_ok()) return Status::invalid("bad_proof", "the allocation is not in the distribution's tree");
  CREDENCE_RETURN_IF_ERROR(check_eligibility(terms, body, block));

  auto vested_now = vested_allocation(record, body.allocation, block.time);
  if (!vested_now) return Status::error("corrupt_state", "schedule: " + vested_now.status().to_string());
  const Hash256 key = claimed_key(record.id, body.claimant);
  CREDENCE_ASSIGN_OR_RETURN(const U256 already, load_u256(view_, key));
  auto due = checked_sub(*vested_now, already);
  if (!due || due->is_zero()) {
    return Status::invalid("nothing_to_claim", "vested " + vested_now->to_decimal() + ", already claimed " +
                                                   already.to_decimal());
  }
  if (record.escrow < *due) {
    return Status::invalid("escrow_exhausted", "the escrow holds " + record.escrow.to_decimal() + ", " +
                                                   due->to_decimal() + " is due");
  }
  record.escrow = *checked_sub(record.escrow, *due);
  record.claimed = *checked_add(record.claimed, *due);  // claimed <= total, so no overflow
  state_->put(distribution_key(record.id), encode(record));
  state_->put(key, encode_u256(*checked_add(already, *due)));  // already + due = vested <= allocation
  return add_amount(balance_key(terms.asset, body.claimant), *due, false);
}

Result<DistributionRecord> Ledger::own_distribution(const AccountId& author, const Id& id) {
  CREDENCE_ASSIGN_OR_RETURN(auto found, load_distribution(view_, id));
  if (!found) return Status::invalid("unknown_distribution", "no distribution with this id");
  if (found->distributor != author) return Status::invalid("not_distributor", "only the distributor may do this");
  return std::move(*found);
}

Status Ledger::cancel_distribution(const AccountId& author, const CancelDistribution& body, const BlockContext& block) {
  CREDENCE_ASSIGN_OR_RETURN(DistributionRecord record, own_distribution(author, body.distribution));
  if (!record.terms.cancelable) return Status::invalid("not_cancelable", "this distribution cannot be canceled");
  if (record.canceled_at != 0) {
    return Status::invalid("already_canceled", "canceled at " + std::to_string(record.canceled_at));
  }
  record.canceled_at = block.time;
  if (body.wipe) {
    const U256 back = record.escrow;
    record.wiped = true;
    record.escrow = U256();
    record.returned = *checked_add(record.returned, back);
    if (!back.is_zero()) CREDENCE_RETURN_IF_ERROR(add_amount(balance_key(record.terms.asset, author), back, false));
  }
  state_->put(distribution_key(record.id), encode(record));
  return Status::ok();
}

Status Ledger::clawback(const AccountId& author, const Clawback& body, const BlockContext& block) {
  CREDENCE_ASSIGN_OR_RETURN(DistributionRecord record, own_distribution(author, body.distribution));
  if (!record.terms.clawback) return Status::invalid("clawback_disabled", "this distribution has no clawback");
  if (block.time < record.terms.claim_end) {
    return Status::invalid("claim_window_open", "clawback opens when claims close at " +
                                                    std::to_string(record.terms.claim_end));
  }
  if (record.escrow.is_zero()) return Status::invalid("nothing_to_claw_back", "the escrow is empty");
  const U256 back = record.escrow;
  record.escrow = U256();
  record.returned = *checked_add(record.returned, back);
  state_->put(distribution_key(record.id), encode(record));
  return add_amount(balance_key(record.terms.asset, author), back, false);
}

Status Ledger::disable_switches(const AccountId& author, const DisableDistributionSwitches& body) {
  CREDENCE_ASSIGN_OR_RETURN(DistributionRecord record, own_distribution(author, body.distribution));
  if (!body.cancel && !body.clawback) return Status::invalid("bad_transaction", "select cancel, clawback or both");
  if ((!body.cancel || !record.terms.cancelable) && (!body.clawback || !record.terms.clawback)) {
    return Status::invalid("already_disabled", "the selected switches are already off");
  }
  if (body.cancel) record.terms.cancelable = false;
  if (body.clawback) record.terms.clawback = false;
  state_->put(distribution_key(record.id), encode(record));
  return Status::ok();
}

}  // namespace credence::core
