// "Is this credential valid now?" — one function for on-ledger attestations, one for off-ledger ones, both over a
// StateView: the live ledger, or a ProofView holding Merkle proofs against a state root (offline verification).
// docs/protocol.md "Verification".
//
// Unlike EAS's isAttestationValid (existence only), the verdict covers signature, schema conformance, expiry,
// revocation, the attester's accreditation (recursively, within the schema's depth limit) and, where the schema
// requires it, the validity of the linked attestation — and lists EVERY failing reason, not just the first.
// Pure functions of their arguments; thread-safe if the view is.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/objects.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"

namespace credence::core {

struct Reason {
  std::string code;
  std::string detail;
  friend bool operator==(const Reason&, const Reason&) = default;
};

struct Verdict {
  std::vector<Reason> reasons;  // empty: valid
  [[nodiscard]] bool valid() const { return reasons.empty(); }
  [[nodiscard]] bool has(std::string_view code) const;
};

codec::Json to_json(const Verdict& verdict);

// Verifies the on-ledger attestation `id` at time `now`. For off-ledger data (schema data location off_ledger) pass
// the data to check it against the attestation's hash and the schema. Errors: storage failure, or
// invalid("incomplete_proof") when a ProofView lacks an entry the verification needs.
Result<Verdict> verify_attestation(const StateView& view, const Id& id, std::uint64_t now,
                                   std::optional<ByteView> offledger_data = {});

// Verifies a signed off-ledger attestation against the ledger's schema registry and revocation registry.
Result<Verdict> verify_offchain_attestation(const StateView& view, const OffchainAttestation& offchain,
                                            std::uint64_t now, std::optional<ByteView> offledger_data = {});

// ---- offline verification with proofs

// State entries with their Merkle proofs against one root: everything a verification reads.
struct ProofBundle {
  struct Entry {
    Hash256 key{};
    std::optional<Bytes> value;  // nullopt: proven absent
    smt::Proof proof;
  };
  Hash256 root{};
  std::vector<Entry> entries;
};

codec::Json to_json(const ProofBundle& bundle);
Result<ProofBundle> proof_bundle_from_json(const codec::Json& json);

// A StateView answering only from a bundle whose every proof has been checked against `root`.
class ProofView final : public StateView {
 public:
  // invalid("root_mismatch") if the bundle is for another root; invalid("bad_proof") if any proof fails.
  static Result<ProofView> make(const ProofBundle& bundle, const Hash256& root);
  Result<std::optional<Bytes>> get(const Hash256& key) const override;

 private:
  std::map<Hash256, std::optional<Bytes>> entries_;
};

// Builds the bundle an offline verifier needs for attestation `id` (or an off-ledger attestation) from the
// committed state of `map`: runs the verification, records every key it reads, proves each.
Result<ProofBundle> prove_attestation(const smt::AuthenticatedMap& map, const Id& id, std::uint64_t now);
Result<ProofBundle> prove_offchain_attestation(const smt::AuthenticatedMap& map, const OffchainAttestation& offchain,
                                               std::uint64_t now);

// The verdict and its bundle from one evaluation: what a node answering "verify, with proof" needs, without running
// the verification a second time to record its reads. Same failures as prove_attestation.
struct ProvenVerdict {
  Verdict verdict;
  ProofBundle proof;
};
Result<ProvenVerdict> verify_and_prove_attestation(const smt::AuthenticatedMap& map, const Id& id, std::uint64_t now);
Result<ProvenVerdict> verify_and_prove_offchain_attestation(const smt::AuthenticatedMap& map,
                                                            const OffchainAttestation& offchain, std::uint64_t now);

}  // namespace credence::core
