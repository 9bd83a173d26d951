// The embedded indexer: secondary indexes over attestations and schemas, derived from each block and its receipts
// alone (no state reads), written in the same atomic commit as the block (node/database.h). Layout and query
// semantics: docs/storage.md "Indexes" and "Queries".
//
// Every attestation and schema gets a sequence number in creation order (block order, then transaction order, then
// request order), assigned by the database at commit: attestations and schemas count separately, each from 0. Lists
// run newest first and page by sequence: a page's next_cursor is the sequence to continue below (exclusive).
// The filters are those SignScan offers: schema, attester, recipient, indexing key, valid now — any combination;
// the query walks the most selective index it has (recipient, then indexing key, then attester, then schema, else
// all attestations) and checks every filter on each record it loads.
//
// Bounded work: one page scans at most Database::Options::max_index_scan index entries (kMaxIndexScan by default).
// When a selective filter is checked against a large index, a page may therefore hold fewer than `limit` entries —
// even none — and still carry a next_cursor: keep paging until next_cursor is nullopt. Paging with next_cursor
// visits every matching entry exactly once (as of one snapshot).
//
// Pure functions and plain values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/block.h"
#include "credence/core/ledger.h"
#include "credence/core/state.h"

namespace credence::node {

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 1000;
// Default bound on index entries scanned per page (see above).
inline constexpr std::size_t kMaxIndexScan = 10'000;

struct AttestationQuery {
  std::optional<core::Id> schema;
  std::optional<core::AccountId> attester;
  // Matches attestations that list this recipient among theirs.
  std::optional<core::Recipient> recipient;
  // Exact match. An empty string matches attestations without an indexing key (not indexed: checked per record).
  std::optional<std::string> indexing_key;
  // Only attestations valid at `now`: not revoked, not expired (valid_until == 0 or > now). Linked and
  // accreditation checks are the verify endpoint's job, not the list's.
  bool valid_now = false;
  std::uint64_t now = 0;
  std::optional<std::uint64_t> cursor;   // exclusive upper bound on sequence numbers; nullopt = from the newest
  std::size_t limit = kDefaultPageSize;  // 1..kMaxPageSize, else invalid("bad_query")
};

struct AttestationEntry {
  std::uint64_t sequence = 0;
  core::Id id{};
  core::AttestationRecord record;  // the current record (revocation status as of the snapshot)
};

struct AttestationPage {
  std::vector<AttestationEntry> attestations;  // newest first
  std::optional<std::uint64_t> next_cursor;    // nullopt: no more
};

struct SchemaQuery {
  std::optional<core::AccountId> registrant;
  std::optional<std::uint64_t> cursor;   // exclusive upper bound on sequence numbers; nullopt = from the newest
  std::size_t limit = kDefaultPageSize;  // 1..kMaxPageSize, else invalid("bad_query")
};

struct SchemaEntry {
  std::uint64_t sequence = 0;
  core::Id id{};
  core::Schema schema;
};

struct SchemaPage {
  std::vector<SchemaEntry> schemas;  // newest first
  std::optional<std::uint64_t> next_cursor;
};

// What one block adds to the indexes: the attestations and schemas its successful transactions created, with the
// fields the indexes are keyed on. Receipts must be the block's (one per transaction, same order); only ok receipts
// contribute. Attest and DelegatedAttest bodies create one attestation per request (receipt.created lists their
// ids in request order; for DelegatedAttest the attester is the delegation's attester, not the relaying author);
// RegisterSchema creates one schema (registrant = the schema's registrant, which the ledger checked is the author);
// Revoke and DelegatedRevoke list their revoked ids.
struct CreatedAttestation {
  core::Id id{};
  core::Id schema{};
  core::AccountId attester{};
  std::vector<core::Recipient> recipients;
  std::string indexing_key;
};

struct CreatedSchema {
  core::Id id{};
  core::AccountId registrant{};
};

struct BlockIndexEntries {
  std::vector<CreatedAttestation> attestations;  // in creation order
  std::vector<CreatedSchema> schemas;            // in creation order
  // On-ledger attestations revoked by the block's ok Revoke and DelegatedRevoke transactions, in block order: the
  // status-list index (docs/storage.md "Status-list index") marks their sequence numbers revoked.
  std::vector<core::Id> revoked;
};

// Pure. Extra receipts, or transactions without a receipt, are ignored (the database checks the counts first).
BlockIndexEntries index_entries(const core::Block& block, const std::vector<core::Receipt>& receipts);

// ---- holders: every nonzero balance per asset, for concentration metrics (docs/storage.md "Holders")

struct HolderBalance {
  core::Id asset{};
  core::AccountId account{};
  codec::U256 balance;  // zero: the account no longer holds the asset (its entry is removed)
  friend bool operator==(const HolderBalance&, const HolderBalance&) = default;
};

// The balances a block (or the genesis, when `genesis` is given) may have changed, read from `after`, the state
// once the block is applied: for every included transaction, its author and the accounts its body names, in the
// native token and in the asset the body names (a claim's asset is its distribution's; a schema fee moves native
// tokens to the registrant). Reading a balance that did not change is harmless, so this over-approximates; missing
// one would leave the index stale, which the node test checks against the state. Errors: state reads.
Result<std::vector<HolderBalance>> holder_balances(const core::StateView& after, const core::Block& block,
                                                   const core::Genesis* genesis);

}  // namespace credence::node
