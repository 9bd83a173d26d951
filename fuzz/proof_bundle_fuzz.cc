// Offline verification from a proof bundle (core/verify.h): the JSON an offline verifier is handed. Checks, for
// every input:
//  - parse_json and proof_bundle_from_json fail only with invalid(reason);
//  - a parsed bundle round-trips through to_json (as a JSON value and as text) to an equal bundle;
//  - ProofView::make against the bundle's own root either succeeds or answers invalid("bad_proof");
//  - verify_attestation over that view never crashes and answers a verdict, invalid("incomplete_proof") or
//    error("corrupt_state") (the bundle's values are the input's: the state may hold anything) — for the ids of the
//    attestation records the bundle holds, and for the all-zero id, at several times.
// Then, because a mutated value no longer matches its proof (so the view above rejects it), the bundle's entries
// are loaded into a fresh map — each attestation record under the key of its own id — and each of those ids is
// proven with prove_attestation: the prover's bundle must always pass ProofView::make against the map's root, and
// verification from it must give exactly the verdict the live map gives (offline and online verification agree).
// Seeds (fuzz/corpus/proof_bundle/): bundles made by prove_attestation for attestations that are valid, revoked,
// expired, linked, accredited through a chain, under off-ledger schemas, and for unknown ids; plus corrupted ones.
#include <cstdlib>
#include <limits>
#include <set>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "credence/codec/json.h"
#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/core/verify.h"

namespace {

using credence::fuzz::require;

using namespace credence;
using namespace credence::core;

// Bounds the work one input can cause: each entry costs up to 257 hashes to check and a map write to rebuild.
constexpr std::size_t kMaxEntries = 64;
constexpr std::size_t kMaxIds = 8;

bool same_bundle(const ProofBundle& a, const ProofBundle& b) {
  if (a.root != b.root || a.entries.size() != b.entries.size()) return false;
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    const auto& x = a.entries[i];
    const auto& y = b.entries[i];
    if (x.key != y.key || x.value != y.value || x.proof != y.proof) return false;
  }
  return true;
}

// The committed-or-pending contents of a map, as verification reads them.
class MapView final : public StateView {
 public:
  explicit MapView(const smt::AuthenticatedMap& map) : map_(&map) {}
  Result<std::optional<Bytes>> get(const Hash256& key) const override { return map_->get(key); }

 private:
  const smt::AuthenticatedMap* map_;
};

// What verification may answer about state it cannot trust: a verdict, a missing proof, or a corrupt entry.
void require_acceptable(const Result<Verdict>& verdict) {
  if (verdict.ok()) return;
  const Status& s = verdict.status();
  require((s.is_invalid() && s.code() == "incomplete_proof") || (s.is_error() && s.code() == "corrupt_state"));
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

// Before issue, at issue, just after, a day after, and the end of time: what expiry and not_yet_valid depend on.
std::vector<std::uint64_t> times_for(const AttestationRecord& rec) {
  const std::uint64_t t = rec.attestation.issued_at;
  return {1, t, saturating_add(t, 1), saturating_add(t, 86400), std::numeric_limits<std::uint64_t>::max()};
}

bool same_outcome(const Result<Verdict>& a, const Result<Verdict>& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.status() == b.status();
  return a->reasons == b->reasons;
}

// Loads the bundle's values into a fresh map (records re-keyed to their own ids), proves each record's attestation
// and checks that offline verification from the prover's bundle agrees with verification against the map.
void check_prover(const ProofBundle& bundle, const std::vector<AttestationRecord>& records) {
  MemoryNodeStore store;
  auto map = smt::AuthenticatedMap::open(store);
  require(map.ok());
  for (const auto& e : bundle.entries) {
    if (e.value) map->put(e.key, *e.value);
  }
  for (const auto& rec : records) map->put(attestation_key(attestation_id(rec.attestation)), encode(rec));
  auto root = map->commit();
  require(root.ok());
  const MapView live(*map);
  for (const auto& rec : records) {
    const Id id = attestation_id(rec.attestation);
    for (const std::uint64_t now : times_for(rec)) {
      const Result<Verdict> online = verify_attestation(live, id, now);
      require(online.ok() || (online.status().is_error() && online.status().code() == "corrupt_state"));
      auto proven = prove_attestation(*map, id, now);
      if (!proven) {
        // The prover runs the same verification, so it fails exactly when that does.
        require(!online.ok() && proven.status() == online.status());
        continue;
      }
      auto view = ProofView::make(*proven, *root);
      require(view.ok());
      require(same_outcome(verify_attestation(*view, id, now), online));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: bytes as text
  auto json = codec::parse_json(text);
  if (!json) {
    require(json.status().is_invalid());
    return 0;
  }
  auto bundle = proof_bundle_from_json(*json);
  if (!bundle) {
    require(bundle.status().is_invalid() && !bundle.status().code().empty());
    return 0;
  }
  const codec::Json out = to_json(*bundle);
  auto back = proof_bundle_from_json(out);
  require(back.ok() && same_bundle(*back, *bundle));
  auto reparsed = codec::parse_json(codec::dump_json(out));
  require(reparsed.ok());
  auto from_text = proof_bundle_from_json(*reparsed);
  require(from_text.ok() && same_bundle(*from_text, *bundle));
  if (bundle->entries.size() > kMaxEntries) return 0;

  // The attestation records the bundle holds (distinct, at most kMaxIds): their ids are the ones worth verifying.
  std::vector<AttestationRecord> records;
  std::set<Id> ids;
  for (const auto& e : bundle->entries) {
    if (!e.value || records.size() >= kMaxIds) continue;
    auto rec = decode_attestation_record(*e.value);
    if (rec && ids.insert(attestation_id(rec->attestation)).second) records.push_back(std::move(*rec));
  }

  auto view = ProofView::make(*bundle, bundle->root);
  if (!view) {
    require(view.status().is_invalid() && view.status().code() == "bad_proof");
  } else {
    require_acceptable(verify_attestation(*view, Id{}, 1));
    for (const auto& rec : records) {
      for (const std::uint64_t now : times_for(rec)) {
        require_acceptable(verify_attestation(*view, attestation_id(rec.attestation), now));
      }
    }
  }
  check_prover(*bundle, records);
  return 0;
}
