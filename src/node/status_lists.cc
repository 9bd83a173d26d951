#include "credence/node/status_lists.h"

#include <algorithm>
#include <utility>

#include "credence/interop/did_key.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"

namespace credence::node {

namespace sl = interop::status_list;
namespace vc = interop::vc;
using codec::Json;

static_assert(StatusLists::kEntriesPerList >= sl::kMinEntries, "a status list must hold the spec's minimum");

StatusLists::StatusLists(const crypto::ed25519::SecretKey& key)
    : key_(crypto::ed25519::SecretKey::from_seed(key.seed())),
      did_(interop::did_key::did(key.public_key())),
      verification_method_(interop::did_key::verification_method(key.public_key())) {}

Result<std::shared_ptr<const std::string>> StatusLists::credential(const Snapshot& snapshot, std::uint64_t list,
                                                                   const std::string& url) const {
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, snapshot.attestation_count());
  // List 0 always exists (all clear on a fresh chain); list L > 0 once an attestation has sequence >= L × N.
  const std::uint64_t last_list = count == 0 ? 0 : (count - 1) / kEntriesPerList;
  if (list > last_list) {
    return Status::invalid("unknown_status_list",
                           "status list " + std::to_string(list) + " holds no attestation yet (" +
                               std::to_string(count) + " attestations, " + std::to_string(kEntriesPerList) +
                               " per list)");
  }
  const std::uint64_t from = list * kEntriesPerList;
  CREDENCE_ASSIGN_OR_RETURN(std::vector<std::uint64_t> revoked,
                            snapshot.revoked_sequences(from, from + kEntriesPerList));
  const core::BlockHeader& head = snapshot.head();

  const std::lock_guard lock(mutex_);
  Cached& cached = cache_[list];
  cached.used = ++clock_;
  if (cached.text && cached.height == head.height && cached.url == url) return cached.text;
  if (!cached.text || cached.revoked != revoked) {
    sl::Bitstring bits(kEntriesPerList);
    for (const std::uint64_t s : revoked) bits.set(static_cast<std::size_t>(s - from), true);
    CREDENCE_ASSIGN_OR_RETURN(cached.encoded, sl::encode(bits));
    cached.revoked = std::move(revoked);
  }
  sl::CredentialSpec spec;
  spec.id = url;
  spec.purpose = sl::Purpose::revocation;
  spec.entries = kEntriesPerList;
  spec.valid_from = static_cast<std::int64_t>(head.time);
  spec.issuer = did_;
  CREDENCE_ASSIGN_OR_RETURN(Json unsigned_list, sl::unsigned_credential_encoded(spec, cached.encoded));
  vc::IssueOptions options;
  options.created = spec.valid_from;
  CREDENCE_ASSIGN_OR_RETURN(const Json signed_list, vc::issue(std::move(unsigned_list), key_, options));
  cached.text = std::make_shared<const std::string>(codec::dump_json(signed_list));
  cached.height = head.height;
  cached.url = url;
  auto text = cached.text;
  // Bounded: drop the least recently served list (never the one just built: it has the newest clock).
  if (cache_.size() > kMaxCachedLists) {
    const auto oldest = std::min_element(cache_.begin(), cache_.end(),
                                         [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    cache_.erase(oldest);
  }
  return text;
}

Result<Json> StatusLists::attestation_credential(const core::Attestation& attestation, const core::Schema* schema,
                                                 std::uint64_t sequence, const std::string& list_url,
                                                 std::int64_t created) const {
  vc::ExportOptions export_options;
  export_options.issuer = did_;
  export_options.status = vc::StatusRef{list_url, position(sequence).index, "revocation"};
  CREDENCE_ASSIGN_OR_RETURN(Json credential, vc::attestation_to_credential(attestation, schema, export_options));
  vc::IssueOptions options;
  options.created = created;
  return vc::issue(std::move(credential), key_, options);
}

}  // namespace credence::node
