#include "credence/core/ledger.h"

#include <algorithm>
#include "credence/core/rules.h"

namespace credence::core {

namespace {

// Parsed schemas kept by a Ledger; past this many the cache starts again (schemas in use are few; this bounds the
// memory a flood of registrations can take).
constexpr std::size_t kMaxCachedSchemas = 1024;

// Runs `f`; on an invalid outcome adds "<what> <i>: " context. Storage errors pass through unchanged.
Status in_item(const char* what, std::size_t i, const Status& s) {
  if (!s.is_invalid()) return s;
  return s.with_context(std::string(what) + " " + std::to_string(i));
}

}  // namespace

Ledger::Ledger(smt::AuthenticatedMap& state, std::uint64_t chain_id)
    : state_(&state), view_(state), chain_id_(chain_id) {}

Status Ledger::apply_genesis(const Genesis& genesis) {
  if (state_->root() != smt::kEmptyHash || state_->pending_count() != 0) {
    return Status::invalid("not_empty", "genesis applies to an empty state only");
  }
  if (genesis.chain_id != chain_id_) return Status::invalid("bad_chain_id", "genesis is for another chain");
  if (genesis.committee) CREDENCE_RETURN_IF_ERROR(check_committee_record(*genesis.committee));
  // The native supply is fixed here and kept within 64 bits (as the node's config caps it), so fees and native
  // amounts never need more.
  std::uint64_t supply = 0;
  for (const auto& [account, amount] : genesis.allocations) {
    if (supply + amount < supply) return Status::invalid("overflow", "genesis allocations overflow the supply");
    supply += amount;
    CREDENCE_RETURN_IF_ERROR(add_amount(balance_key(account), U256::from_u64(amount), false));
  }
  state_->put(meta_key("chain"), encode_u64(genesis.chain_id));
  state_->put(asset_key(kNativeAsset), encode(native_asset_record(U256::from_u64(supply))));
  if (genesis.committee) state_->put(meta_key("committee"), encode_committee_record(*genesis.committee));
  return Status::ok();
}

Result<std::optional<CommitteeRecord>> genesis_committee(const StateView& view) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, view.get(meta_key("committee")));
  if (!bytes) return std::optional<CommitteeRecord>{};
  auto record = decode_committee_record(*bytes);
  if (!record) return Status::error("corrupt_state", "stored committee: " + record.status().to_string());
  return std::optional<CommitteeRecord>(std::move(*record));
}

Result<Receipt> Ledger::apply(const SignedTransaction& stx, const BlockContext& block, SignatureCheck check) {
  const Transaction& tx = stx.tx;
  Receipt receipt;
  receipt.transaction = transaction_id(tx);
  auto reject = [&receipt](const Status& s) {
    receipt.included = false;
    receipt.code = s.code();
    receipt.message = s.message();
    return receipt;
  };
  if (block.time == 0) return Status::error("bad_block", "block time must be positive");
  if (tx.chain_id != chain_id_) {
    return reject(Status::invalid("bad_chain_id", "transaction is for chain " + std::to_string(tx.chain_id)));
  }
  if (check == SignatureCheck::verify) {
    if (Status s = verify_transaction_signature(stx); !s.is_ok()) return reject(s);
  }
  if (tx.expires_at < block.time) {
    return reject(Status::invalid("transaction_expired", "expired at " + std::to_string(tx.expires_at)));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto next_nonce, load_u64(view_, nonce_key(tx.author)));
  if (tx.nonce != next_nonce) {
    return reject(Status::invalid(
        "bad_nonce", "expected nonce " + std::to_string(next_nonce) + ", got " + std::to_string(tx.nonce)));
  }

  // From here the transaction is included: its nonce is consumed whatever the body does.
  receipt.included = true;
  const auto before_nonce = state_->checkpoint();
  state_->put(nonce_key(tx.author), encode_u64(next_nonce + 1));
  const auto before_body = state_->checkpoint();
  const Status s = apply_body(tx, receipt.transaction, block, receipt);
  if (s.is_ok()) {
    state_->release(before_body);
    state_->release(before_nonce);
    return receipt;
  }
  state_->rollback(before_body);
  if (s.is_error()) {
    // Storage failed: undo the nonce too (leaving no entry behind), so the caller can retry the block.
    state_->rollback(before_nonce);
    return s;
  }
  state_->release(before_nonce);
  receipt.code = s.code();
  receipt.message = s.message();
  receipt.created.clear();
  return receipt;
}

Result<const Ledger::ParsedSchema*> Ledger::parsed_schema(const Id& id) {
  auto it = schemas_.find(id);
  const Hash256 key = it != schemas_.end() ? it->second.key : schema_key(id);
  // Compared where the entry lies (no copy): a hit, the common case, costs one lookup and one comparison.
  Bytes scratch;
  CREDENCE_ASSIGN_OR_RETURN(const auto bytes, state_->get_view(key, scratch));
  if (!bytes) return static_cast<const ParsedSchema*>(nullptr);
  if (it != schemas_.end() && std::ranges::equal(it->second.encoding, *bytes)) return &it->second;

  auto schema = decode_schema(*bytes);
  if (!schema) return Status::error("corrupt_state", "schema entry: " + schema.status().to_string());
  auto types = schema->field_types();
  if (!types) return Status::error("corrupt_state", "schema entry: " + types.status().to_string());
  if (it == schemas_.end()) {
    if (schemas_.size() >= kMaxCachedSchemas) schemas_.clear();
    it = schemas_.try_emplace(id).first;
  }
  it->second = ParsedSchema{key, Bytes(bytes->begin(), bytes->end()), std::move(*schema), std::move(*types)};
  return &it->second;
}

Status Ledger::apply_body(const Transaction& tx, const Id& tx_id, const BlockContext& block, Receipt& receipt) {
  return std::visit(
      [&](const auto& b) -> Status {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, RegisterSchema>) {
          return register_schema(tx.author, b, receipt);
        } else if constexpr (std::is_same_v<T, Attest>) {
          return attest(tx.author, b, tx_id, block, receipt);
        } else if constexpr (std::is_same_v<T, Revoke>) {
          return revoke(tx.author, b, block);
        } else if constexpr (std::is_same_v<T, DelegatedAttest>) {
          CREDENCE_RETURN_IF_ERROR(check_delegation(b.delegation, Body(b.payload), block));
          return attest(b.delegation.attester, b.payload, tx_id, block, receipt);
        } else if constexpr (std::is_same_v<T, DelegatedRevoke>) {
          CREDENCE_RETURN_IF_ERROR(check_delegation(b.delegation, Body(b.payload), block));
          return revoke(b.delegation.attester, b.payload, block);
        } else if constexpr (std::is_same_v<T, RevokeOffchain>) {
          return mark_ids(tx.author, b.ids, true, block);
        } else if constexpr (std::is_same_v<T, Timestamp>) {
          return mark_ids(tx.author, b.ids, false, block);
        } else if constexpr (std::is_same_v<T, Transfer>) {
          return transfer(tx.author, b.to, b.asset, b.amount);
        } else if constexpr (std::is_same_v<T, CreateAsset>) {
          return create_asset(tx.author, b, tx_id, receipt);
        } else if constexpr (std::is_same_v<T, Mint>) {
          return mint(tx.author, b);
        } else if constexpr (std::is_same_v<T, CreateDistribution>) {
          return create_distribution(tx.author, b, tx_id, block, receipt);
        } else if constexpr (std::is_same_v<T, Claim>) {
          return claim(tx.author, b, block);
        } else if constexpr (std::is_same_v<T, CancelDistribution>) {
          return cancel_distribution(tx.author, b, block);
        } else if constexpr (std::is_same_v<T, Clawback>) {
          return clawback(tx.author, b, block);
        } else {
          static_assert(std::is_same_v<T, DisableDistributionSwitches>);
          return disable_switches(tx.author, b);
        }
      },
      tx.body);
}

Status Ledger::register_schema(const AccountId& author, const RegisterSchema& body, Receipt& receipt) {
  Schema schema = body.schema;
  if (schema.registrant != author) {
    return Status::invalid("registrant_mismatch", "a schema is registered by its registrant");
  }
  CREDENCE_RETURN_IF_ERROR(schema.normalize());
  if (schema.policy.accreditation) {
    CREDENCE_ASSIGN_OR_RETURN(auto target, load_schema(view_, schema.policy.accreditation->schema));
    if (!target) return Status::invalid("unknown_schema", "the accreditation rule names an unknown schema");
  }
  const Id id = schema_id(schema);
  CREDENCE_ASSIGN_OR_RETURN(auto existing, view_.get(schema_key(id)));
  if (existing) return Status::invalid("already_exists", "this schema is already registered");
  state_->put(schema_key(id), encode(schema));
  receipt.created.push_back(id);
  return Status::ok();
}

Status Ledger::attest(const AccountId& attester, const Attest& body, const Id& origin, const BlockContext& block,
                      Receipt& receipt) {
  if (body.requests.empty() || body.requests.size() > kMaxBatch) {
    return Status::invalid("bad_transaction", "attest batch must hold 1.." + std::to_string(kMaxBatch) + " requests");
  }
  for (std::size_t i = 0; i < body.requests.size(); ++i) {
    CREDENCE_RETURN_IF_ERROR(in_item(
        "request", i, attest_one(attester, body.requests[i], origin, static_cast<std::uint32_t>(i), block, receipt)));
  }
  return Status::ok();
}

Status Ledger::attest_one(const AccountId& attester, const AttestationRequest& request, const Id& origin,
                          std::uint32_t index, const BlockContext& block, Receipt& receipt) {
  CREDENCE_RETURN_IF_ERROR(validate_request(request));
  CREDENCE_ASSIGN_OR_RETURN(const ParsedSchema* parsed, parsed_schema(request.schema));
  if (parsed == nullptr) return Status::invalid("unknown_schema", "no schema with this id");
  const Schema* schema = &parsed->schema;
  CREDENCE_RETURN_IF_ERROR(check_data(*schema, parsed->types, request.data));
  CREDENCE_RETURN_IF_ERROR(check_validity_window(*schema, request, block.time));
  CREDENCE_RETURN_IF_ERROR(check_revocability(*schema, request));
  CREDENCE_RETURN_IF_ERROR(check_link(view_, *schema, attester, request));
  CREDENCE_RETURN_IF_ERROR(check_allowlist(*schema, attester));
  CREDENCE_RETURN_IF_ERROR(check_accreditation(view_, *schema, attester, request.accreditation, block.time));

  if (schema->policy.max_per_recipient != 0) {
    for (const auto& recipient : request.recipients) {
      const Hash256 key = recipient_count_key(request.schema, recipient);
      CREDENCE_ASSIGN_OR_RETURN(auto count, load_u64(view_, key));
      if (count >= schema->policy.max_per_recipient) {
        return Status::invalid("recipient_limit_reached", recipient.to_string() + " already holds " +
                                                              std::to_string(count) + " attestations of this schema");
      }
      state_->put(key, encode_u64(count + 1));
    }
  }
  if (schema->policy.fee != 0) {
    const Status paid = transfer(attester, schema->registrant, kNativeAsset, U256::from_u64(schema->policy.fee));
    if (paid.code() == "insufficient_balance") {
      return Status::invalid("insufficient_balance", "the schema's fee is " + std::to_string(schema->policy.fee));
    }
    CREDENCE_RETURN_IF_ERROR(paid);
  }

  Attestation attestation{request, attester, block.time, origin, index};
  const Id id = attestation_id(attestation);
  const Hash256 key = attestation_key(id);
  CREDENCE_ASSIGN_OR_RETURN(const bool existing, state_->contains(key));
  if (existing) return Status::invalid("already_exists", "an attestation with this id exists");
  state_->put(key, encode(AttestationRecord{std::move(attestation), 0, {}}));
  receipt.created.push_back(id);
  return Status::ok();
}

Status Ledger::revoke(const AccountId& actor, const Revoke& body, const BlockContext& block) {
  if (body.revocations.empty() || body.revocations.size() > kMaxBatch) {
    return Status::invalid("bad_transaction", "revoke batch must hold 1.." + std::to_string(kMaxBatch) + " entries");
  }
  for (std::size_t i = 0; i < body.revocations.size(); ++i) {
    const Revocation& r = body.revocations[i];
    auto one = [&]() -> Status {
      if (r.reason.size() > kMaxReasonLength || !codec::is_valid_utf8(r.reason)) {
        return Status::invalid("bad_transaction", "revocation reason too long or not UTF-8");
      }
      CREDENCE_ASSIGN_OR_RETURN(auto rec, load_attestation(view_, r.id));
      if (!rec) return Status::invalid("unknown_attestation", "no attestation with this id");
      if (rec->attestation.attester != actor) {
        return Status::invalid("not_attester", "only the attester (or a delegate it signed for) may revoke");
      }
      if (rec->revoked_at != 0)
        return Status::invalid("already_revoked", "revoked at " + std::to_string(rec->revoked_at));
      if (!rec->attestation.request.revocable) return Status::invalid("irrevocable", "the attestation is irrevocable");
      CREDENCE_ASSIGN_OR_RETURN(auto schema, load_schema(view_, rec->attestation.request.schema));
      if (schema && schema->policy.max_per_recipient != 0) {
        for (const auto& recipient : rec->attestation.request.recipients) {
          CREDENCE_RETURN_IF_ERROR(
              add_to_u64(recipient_count_key(rec->attestation.request.schema, recipient), 1, true));
        }
      }
      rec->revoked_at = block.time;
      rec->revocation_reason = r.reason;
      state_->put(attestation_key(r.id), encode(*rec));
      return Status::ok();
    };
    CREDENCE_RETURN_IF_ERROR(in_item("revocation", i, one()));
  }
  return Status::ok();
}

Status Ledger::check_delegation(const Delegation& d, const Body& payload, const BlockContext& block) {
  if (d.deadline < block.time) {
    return Status::invalid("delegation_expired", "the attester's signature expired at " + std::to_string(d.deadline));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto next, load_u64(view_, delegation_nonce_key(d.attester)));
  if (d.nonce != next) {
    return Status::invalid("bad_delegation_nonce",
                           "expected delegation nonce " + std::to_string(next) + ", got " + std::to_string(d.nonce));
  }
  const Status sig =
      crypto::ed25519::verify(d.attester, delegation_signing_message(chain_id_, d, payload), d.signature);
  if (!sig.is_ok()) return Status::invalid("bad_delegation_signature", sig.to_string());
  state_->put(delegation_nonce_key(d.attester), encode_u64(next + 1));
  return Status::ok();
}

Status Ledger::mark_ids(const AccountId& author, const std::vector<Id>& ids, bool revocation,
                        const BlockContext& block) {
  if (ids.empty() || ids.size() > kMaxBatch) {
    return Status::invalid("bad_transaction", "id list must hold 1.." + std::to_string(kMaxBatch) + " ids");
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Hash256 key = revocation ? offchain_revocation_key(author, ids[i]) : timestamp_key(ids[i]);
    CREDENCE_ASSIGN_OR_RETURN(auto existing, view_.get(key));
    if (existing) {
      return in_item("id", i,
                     revocation ? Status::invalid("already_revoked", "already revoked by this attester")
                                : Status::invalid("already_timestamped", "already timestamped"));
    }
    state_->put(key, encode_u64(block.time));
  }
  return Status::ok();
}

Status Ledger::add_to_u64(const Hash256& key, std::uint64_t delta, bool subtract) {
  CREDENCE_ASSIGN_OR_RETURN(auto v, load_u64(view_, key));
  if (subtract) {
    if (v < delta) return Status::invalid("insufficient_balance", "balance " + std::to_string(v));
    v -= delta;
  } else {
    if (v + delta < v) return Status::invalid("overflow", "amount overflows 64 bits");
    v += delta;
  }
  if (v == 0) {
    state_->erase(key);  // absent and zero are the same; keeping the map free of zero entries keeps it small
  } else {
    state_->put(key, encode_u64(v));
  }
  return Status::ok();
}

}  // namespace credence::core
