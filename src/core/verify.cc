#include "credence/core/verify.h"

#include <algorithm>
#include <set>

#include "credence/codec/hex.h"
#include "credence/core/rules.h"

namespace credence::core {

namespace {

// How deep "the linked attestation must be valid" may recurse (each link is one more verification).
constexpr int kMaxLinkDepth = 8;

// Adds the reason of an invalid check; passes up storage errors and a proof view's missing entries (the inputs
// cannot answer the question: that is no verdict about the credential); ignores ok.
Status collect(Verdict& verdict, const Status& s) {
  if (s.is_error() || s.code() == "incomplete_proof") return s;
  if (s.is_invalid()) verdict.reasons.push_back({s.code(), s.message()});
  return Status::ok();
}

// The checks an attestation must pass at `now`, whether it lives on the ledger or off it. `creation_rules` adds
// the rules the ledger already enforced when it accepted an on-ledger attestation (off-ledger ones were never
// checked by anyone but their signer).
Result<Verdict> check_attestation(const StateView& view, const Attestation& a, std::uint64_t now,
                                  std::optional<ByteView> offledger_data, bool creation_rules, int link_depth) {
  Verdict verdict;
  CREDENCE_ASSIGN_OR_RETURN(auto schema, load_schema(view, a.request.schema));
  if (!schema) {
    verdict.reasons.push_back({"unknown_schema", "no schema with this id on the ledger"});
    return verdict;
  }
  CREDENCE_RETURN_IF_ERROR(collect(verdict, check_data(*schema, a.request.data, offledger_data)));
  if (is_expired(a.request, now)) {
    verdict.reasons.push_back({"expired", "valid until " + std::to_string(a.request.valid_until)});
  }
  if (a.issued_at > now) {
    verdict.reasons.push_back(
        {"not_yet_valid", "issued at " + std::to_string(a.issued_at) + ", after " + std::to_string(now)});
  }
  if (creation_rules) {
    CREDENCE_RETURN_IF_ERROR(collect(verdict, check_validity_window(*schema, a.request, a.issued_at)));
    CREDENCE_RETURN_IF_ERROR(collect(verdict, check_revocability(*schema, a.request)));
    CREDENCE_RETURN_IF_ERROR(collect(verdict, check_allowlist(*schema, a.attester)));
  }
  CREDENCE_RETURN_IF_ERROR(
      collect(verdict, check_accreditation(view, *schema, a.attester, a.request.accreditation, now)));
  const Status link = check_link(view, *schema, a.attester, a.request);
  CREDENCE_RETURN_IF_ERROR(collect(verdict, link));
  if (link.is_ok() && a.request.linked && schema->policy.link_must_be_valid) {
    if (link_depth >= kMaxLinkDepth) {
      verdict.reasons.push_back({"linked_invalid", "link chain longer than " + std::to_string(kMaxLinkDepth)});
    } else {
      CREDENCE_ASSIGN_OR_RETURN(auto rec, load_attestation(view, *a.request.linked));
      CREDENCE_ASSIGN_OR_RETURN(auto sub, check_attestation(view, rec->attestation, now, {}, false, link_depth + 1));
      if (rec->revoked_at != 0) sub.reasons.push_back({"revoked", "the linked attestation was revoked"});
      if (!sub.valid()) {
        std::string codes;
        for (const auto& r : sub.reasons) codes += (codes.empty() ? "" : ",") + r.code;
        verdict.reasons.push_back({"linked_invalid", "the linked attestation is invalid: " + codes});
      }
    }
  }
  return verdict;
}

}  // namespace

bool Verdict::has(std::string_view code) const {
  return std::any_of(reasons.begin(), reasons.end(), [&](const Reason& r) { return r.code == code; });
}

codec::Json to_json(const Verdict& verdict) {
  codec::Json reasons = codec::Json::array();
  for (const auto& r : verdict.reasons) reasons.push_back({{"code", r.code}, {"detail", r.detail}});
  return {{"valid", verdict.valid()}, {"reasons", reasons}};
}

Result<Verdict> verify_attestation(const StateView& view, const Id& id, std::uint64_t now,
                                   std::optional<ByteView> offledger_data) {
  CREDENCE_ASSIGN_OR_RETURN(auto rec, load_attestation(view, id));
  if (!rec) return Verdict{{{"not_found", "no attestation with this id on the ledger"}}};
  CREDENCE_ASSIGN_OR_RETURN(auto verdict, check_attestation(view, rec->attestation, now, offledger_data, false, 0));
  if (rec->revoked_at != 0) {
    verdict.reasons.push_back({"revoked", "revoked at " + std::to_string(rec->revoked_at) +
                                              (rec->revocation_reason.empty() ? "" : ": " + rec->revocation_reason)});
  }
  return verdict;
}

Result<Verdict> verify_offchain_attestation(const StateView& view, const OffchainAttestation& offchain,
                                            std::uint64_t now, std::optional<ByteView> offledger_data) {
  Verdict verdict;
  const Status sig = verify_offchain_signature(offchain);
  if (!sig.is_ok()) verdict.reasons.push_back({"bad_signature", sig.to_string()});
  const Attestation& a = offchain.attestation;
  CREDENCE_ASSIGN_OR_RETURN(auto chain, view.get(meta_key("chain")));
  if (chain) {
    auto chain_id = decode_u64(*chain);
    if (chain_id && *chain_id != offchain.chain_id) {
      verdict.reasons.push_back({"bad_chain_id", "signed for chain " + std::to_string(offchain.chain_id)});
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(auto checks, check_attestation(view, a, now, offledger_data, true, 0));
  verdict.reasons.insert(verdict.reasons.end(), checks.reasons.begin(), checks.reasons.end());
  CREDENCE_ASSIGN_OR_RETURN(auto revoked, view.get(offchain_revocation_key(a.attester, attestation_id(a))));
  if (revoked) {
    auto at = decode_u64(*revoked);
    verdict.reasons.push_back({"revoked", "revoked by its attester at " + (at ? std::to_string(*at) : "?")});
  }
  return verdict;
}

// ---------------------------------------------------------------- proofs

codec::Json to_json(const ProofBundle& bundle) {
  codec::Json entries = codec::Json::array();
  for (const auto& e : bundle.entries) {
    entries.push_back({{"key", codec::hex_encode(e.key)},
                       {"value", e.value ? codec::Json(codec::hex_encode(*e.value)) : codec::Json(nullptr)},
                       {"proof", smt::proof_to_json(e.proof)}});
  }
  return {{"root", codec::hex_encode(bundle.root)}, {"entries", entries}};
}

Result<ProofBundle> proof_bundle_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "proof bundle"));
  ProofBundle bundle;
  CREDENCE_ASSIGN_OR_RETURN(bundle.root, r.hex_fixed<32>("root"));
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* entries, r.value("entries"));
  if (!entries->is_array()) return Status::invalid("bad_field", "proof bundle.entries must be an array");
  for (const auto& e : *entries) {
    CREDENCE_ASSIGN_OR_RETURN(auto er, codec::ObjectReader::make(e, "proof bundle entry"));
    ProofBundle::Entry entry;
    CREDENCE_ASSIGN_OR_RETURN(entry.key, er.hex_fixed<32>("key"));
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, er.value("value"));
    if (!v->is_null()) {
      CREDENCE_ASSIGN_OR_RETURN(entry.value, er.hex("value"));
    }
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* p, er.value("proof"));
    CREDENCE_ASSIGN_OR_RETURN(entry.proof, smt::proof_from_json(*p));
    CREDENCE_RETURN_IF_ERROR(er.finish());
    bundle.entries.push_back(std::move(entry));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return bundle;
}

Result<ProofView> ProofView::make(const ProofBundle& bundle, const Hash256& root) {
  if (bundle.root != root) return Status::invalid("root_mismatch", "the proofs are for another state root");
  ProofView view;
  for (const auto& e : bundle.entries) {
    std::optional<ByteView> value;
    if (e.value) value = ByteView(*e.value);
    const Status s = smt::verify_proof(root, e.key, value, e.proof);
    if (!s.is_ok()) return Status::invalid("bad_proof", "state key " + codec::hex_encode(e.key) + ": " + s.message());
    view.entries_[e.key] = e.value;
  }
  return view;
}

Result<std::optional<Bytes>> ProofView::get(const Hash256& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    return Status::invalid("incomplete_proof", "no proof for state key " + codec::hex_encode(key));
  }
  return it->second;
}

namespace {

// Reads through to the map's committed state and remembers each key read, in first-read order.
class RecordingView final : public StateView {
 public:
  explicit RecordingView(const smt::AuthenticatedMap& map) : map_(&map) {}
  Result<std::optional<Bytes>> get(const Hash256& key) const override {
    if (seen_.insert(key).second) keys_.push_back(key);
    return map_->get(key);
  }
  [[nodiscard]] const std::vector<Hash256>& keys() const { return keys_; }

 private:
  const smt::AuthenticatedMap* map_;
  mutable std::set<Hash256> seen_;
  mutable std::vector<Hash256> keys_;
};

Result<ProofBundle> bundle_for(const smt::AuthenticatedMap& map, const RecordingView& recorder) {
  ProofBundle bundle;
  bundle.root = map.root();
  for (const auto& key : recorder.keys()) {
    ProofBundle::Entry e;
    e.key = key;
    CREDENCE_ASSIGN_OR_RETURN(e.value, map.get(key));
    CREDENCE_ASSIGN_OR_RETURN(e.proof, map.prove(key));
    bundle.entries.push_back(std::move(e));
  }
  return bundle;
}

Status require_committed(const smt::AuthenticatedMap& map) {
  if (map.pending_count() != 0) return Status::error("uncommitted_state", "commit the state before proving");
  return Status::ok();
}

}  // namespace

Result<ProvenVerdict> verify_and_prove_attestation(const smt::AuthenticatedMap& map, const Id& id, std::uint64_t now) {
  CREDENCE_RETURN_IF_ERROR(require_committed(map));
  RecordingView recorder(map);
  CREDENCE_ASSIGN_OR_RETURN(Verdict verdict, verify_attestation(recorder, id, now));
  CREDENCE_ASSIGN_OR_RETURN(ProofBundle proof, bundle_for(map, recorder));
  return ProvenVerdict{std::move(verdict), std::move(proof)};
}

Result<ProvenVerdict> verify_and_prove_offchain_attestation(const smt::AuthenticatedMap& map,
                                                            const OffchainAttestation& offchain, std::uint64_t now) {
  CREDENCE_RETURN_IF_ERROR(require_committed(map));
  RecordingView recorder(map);
  CREDENCE_ASSIGN_OR_RETURN(Verdict verdict, verify_offchain_attestation(recorder, offchain, now));
  CREDENCE_ASSIGN_OR_RETURN(ProofBundle proof, bundle_for(map, recorder));
  return ProvenVerdict{std::move(verdict), std::move(proof)};
}

Result<ProofBundle> prove_attestation(const smt::AuthenticatedMap& map, const Id& id, std::uint64_t now) {
  CREDENCE_ASSIGN_OR_RETURN(ProvenVerdict proven, verify_and_prove_attestation(map, id, now));
  return std::move(proven.proof);
}

Result<ProofBundle> prove_offchain_attestation(const smt::AuthenticatedMap& map, const OffchainAttestation& offchain,
                                               std::uint64_t now) {
  CREDENCE_ASSIGN_OR_RETURN(ProvenVerdict proven, verify_and_prove_offchain_attestation(map, offchain, now));
  return std::move(proven.proof);
}

}  // namespace credence::core
