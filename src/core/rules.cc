#include "credence/core/rules.h"

#include <algorithm>

#include "credence/codec/abi.h"
#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"

namespace credence::core {

namespace {

std::string short_id(const Id& id) {
  return codec::hex_encode_0x(ByteView(id).first(8)) + "…";
}

bool names_account(const AttestationRequest& q, const AccountId& account) {
  return std::any_of(q.recipients.begin(), q.recipients.end(),
                     [&](const Recipient& r) { return r.is_account(account); });
}

}  // namespace

bool is_expired(const AttestationRequest& request, std::uint64_t now) {
  return request.valid_until != 0 && now >= request.valid_until;
}

Status check_validity_window(const Schema& schema, const AttestationRequest& request, std::uint64_t now) {
  if (request.valid_until != 0 && request.valid_until <= now) {
    return Status::invalid("expired_at_creation", "valid_until " + std::to_string(request.valid_until) +
                                                      " is not after the issuing time " + std::to_string(now));
  }
  if (schema.max_valid_for != 0) {
    if (request.valid_until == 0) {
      return Status::invalid("validity_too_long", "the schema limits validity to " +
                                                      std::to_string(schema.max_valid_for) + " s; set valid_until");
    }
    // valid_until > now here, so the subtraction cannot wrap.
    if (request.valid_until - now > schema.max_valid_for) {
      return Status::invalid("validity_too_long", "valid for " + std::to_string(request.valid_until - now) +
                                                      " s, the schema allows " + std::to_string(schema.max_valid_for));
    }
  }
  return Status::ok();
}

namespace {

// check_data with the field types given, or (`types` null) parsed only when the data must be decoded.
Status check_data_with(const Schema& schema, const std::span<const codec::AbiType>* types, const AttestationData& data,
                       std::optional<ByteView> offledger_data) {
  if (data.location != schema.data_location) {
    return Status::invalid(
        "data_location_mismatch",
        "the schema keeps its data " +
            std::string(schema.data_location == DataLocation::on_ledger ? "on the ledger" : "off the ledger"));
  }
  ByteView bytes = data.data;
  if (data.location == DataLocation::off_ledger) {
    if (!offledger_data) return Status::ok();
    if (crypto::sha256(*offledger_data) != data.data_hash) {
      return Status::invalid("data_hash_mismatch", "the supplied data does not hash to data_hash");
    }
    bytes = *offledger_data;
  }
  Result<std::vector<codec::AbiType>> parsed = std::vector<codec::AbiType>{};
  if (types == nullptr) {
    parsed = schema.field_types();
    if (!parsed) return Status::error("corrupt_state", parsed.status().to_string());
  }
  const auto decoded = codec::abi_decode(types != nullptr ? *types : std::span<const codec::AbiType>(*parsed), bytes);
  if (!decoded)
    return Status::invalid("data_mismatch",
                           "data does not decode as (" + schema.fields + "): " + decoded.status().to_string());
  return Status::ok();
}

}  // namespace

Status check_data(const Schema& schema, const AttestationData& data, std::optional<ByteView> offledger_data) {
  return check_data_with(schema, nullptr, data, offledger_data);
}

Status check_data(const Schema& schema, std::span<const codec::AbiType> types, const AttestationData& data,
                  std::optional<ByteView> offledger_data) {
  return check_data_with(schema, &types, data, offledger_data);
}

Status check_revocability(const Schema& schema, const AttestationRequest& request) {
  if (request.revocable && !schema.revocable) {
    return Status::invalid("irrevocable_schema", "the schema is irrevocable; set revocable to false");
  }
  return Status::ok();
}

Status check_allowlist(const Schema& schema, const AccountId& attester) {
  const auto& list = schema.policy.attester_allowlist;
  if (!list.empty() && std::find(list.begin(), list.end(), attester) == list.end()) {
    return Status::invalid("attester_not_allowed", "the schema's allow-list does not include the attester");
  }
  return Status::ok();
}

Status check_accreditation(const StateView& view, const Schema& schema, const AccountId& attester,
                           const std::vector<Id>& chain, std::uint64_t now) {
  if (!schema.policy.accreditation) return Status::ok();
  const AccreditationRule& rule = *schema.policy.accreditation;
  if (std::find(rule.trust_anchors.begin(), rule.trust_anchors.end(), attester) != rule.trust_anchors.end()) {
    return Status::ok();  // trust anchors attest on their own authority
  }
  if (chain.empty()) return Status::invalid("not_accredited", "the schema requires accreditation; none given");
  AccountId subject = attester;
  for (std::size_t depth = 0; depth < chain.size(); ++depth) {
    if (depth >= rule.max_depth) {
      return Status::invalid("accreditation_depth_exceeded",
                             "no trust anchor within " + std::to_string(rule.max_depth) + " links");
    }
    const Id& id = chain[depth];
    CREDENCE_ASSIGN_OR_RETURN(auto rec, load_attestation(view, id));
    if (!rec) return Status::invalid("not_accredited", "accreditation " + short_id(id) + " does not exist");
    const Attestation& a = rec->attestation;
    if (a.request.schema != rule.schema) {
      return Status::invalid("not_accredited", "accreditation " + short_id(id) + " has the wrong schema");
    }
    if (!names_account(a.request, subject)) {
      return Status::invalid("not_accredited", "accreditation " + short_id(id) + " is not about the attester");
    }
    if (rec->revoked_at != 0) {
      return Status::invalid("accreditation_revoked", "accreditation " + short_id(id) + " was revoked");
    }
    if (is_expired(a.request, now)) {
      return Status::invalid("accreditation_expired", "accreditation " + short_id(id) + " has expired");
    }
    if (std::find(rule.trust_anchors.begin(), rule.trust_anchors.end(), a.attester) != rule.trust_anchors.end()) {
      return Status::ok();
    }
    subject = a.attester;
  }
  if (chain.size() >= rule.max_depth) {
    return Status::invalid("accreditation_depth_exceeded",
                           "no trust anchor within " + std::to_string(rule.max_depth) + " links");
  }
  return Status::invalid("not_accredited", "the accreditation chain does not reach a trust anchor");
}

Status check_link(const StateView& view, const Schema& schema, const AccountId& attester,
                  const AttestationRequest& request) {
  if (!request.linked) return Status::ok();
  CREDENCE_ASSIGN_OR_RETURN(auto rec, load_attestation(view, *request.linked));
  if (!rec)
    return Status::invalid("linked_missing", "linked attestation " + short_id(*request.linked) + " does not exist");
  if (schema.policy.link_same_attester && rec->attestation.attester != attester) {
    return Status::invalid("linked_attester_mismatch", "the schema requires links to the same attester");
  }
  return Status::ok();
}

}  // namespace credence::core
