// Private to credence_node (and its tests): the storage layout of docs/storage.md as code — column family names,
// meta keys, big-endian key parts, index keys — and the index query engine, which database.cc drives over a
// RocksDB snapshot. Keep this file and docs/storage.md in step.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/core/node_store.h"
#include "credence/node/indexer.h"
#include "credence/status.h"

namespace credence::node::storage {

// Column families, in the order database.cc opens them.
enum Family : std::size_t { kDefault, kState, kHeaders, kBlocks, kReceipts, kTransactions, kIndex, kMeta, kFamilies };
inline constexpr std::array<const char*, kFamilies> kFamilyNames = {"default",  "state",        "headers", "blocks",
                                                                    "receipts", "transactions", "index",   "meta"};

// Keys of the meta family.
inline constexpr std::string_view kMetaFormat = "format";                     // u8 kFormatVersion
inline constexpr std::string_view kMetaHead = "head";                         // encode(BlockHeader) of the head
inline constexpr std::string_view kMetaGenesis = "genesis";                   // encode_genesis(...)
inline constexpr std::string_view kMetaNextAttestation = "next_attestation";  // u64 BE: next attestation sequence
inline constexpr std::string_view kMetaNextSchema = "next_schema";            // u64 BE: next schema sequence
// 2: U256 balances, assets, distributions, holders; 3: attestation sequence lookup ('i') and revoked sequences ('v'),
// the status-list index (docs/storage.md "Status-list index").
inline constexpr std::uint8_t kFormatVersion = 3;

// Big-endian fixed-width integers, so that byte order is numeric order.
void append_be64(std::string& out, std::uint64_t v);
void append_be32(std::string& out, std::uint32_t v);
std::uint64_t read_be64(std::string_view in);  // requires in.size() >= 8
std::uint32_t read_be32(std::string_view in);  // requires in.size() >= 4
std::string be64(std::uint64_t v);

inline std::string_view as_chars(ByteView v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};  // NOLINT: char view of bytes
}

// Index keys: kind byte ‖ scope (absent, or 32 bytes) ‖ sequence (u64 BE); the value is the 32-byte id.
enum class IndexKind : char {
  attestation = 'a',               // every attestation
  attestation_schema = 's',        // scope: schema id
  attestation_attester = 't',      // scope: attester account
  attestation_recipient = 'r',     // scope: recipient_scope(recipient)
  attestation_indexing_key = 'k',  // scope: SHA-256(indexing key), non-empty keys only
  schema = 'S',                    // every schema
  schema_registrant = 'R',         // scope: registrant account
  holder = 'h',                    // 'h' ‖ asset ‖ account ‖ height (u64 BE) -> balance (32 bytes) from that height
  attestation_sequence = 'i',      // 'i' ‖ attestation id -> its sequence (u64 BE): the status-list index
  revoked = 'v',                   // 'v' ‖ sequence (u64 BE) -> height of the block that revoked it (u64 BE)
};
std::string index_prefix(IndexKind kind, ByteView scope = {});
std::string index_key(IndexKind kind, ByteView scope, std::uint64_t sequence);
// SHA-256(kind byte ‖ value bytes): one fixed-size scope per recipient.
Hash256 recipient_scope(const core::Recipient& recipient);
Hash256 indexing_key_scope(std::string_view indexing_key);

// The 'i' key of an attestation id (its value is the attestation's sequence, u64 BE).
std::string sequence_key(const core::Id& attestation);

// Emits every index entry of `entries` (the 'v' entries of entries.revoked excepted: they need the 'i' entries
// already stored, which database.cc reads), numbering attestations from `next_attestation` and schemas from
// `next_schema` (both advanced past what was used).
void for_each_index_entry(const BlockIndexEntries& entries, std::uint64_t& next_attestation, std::uint64_t& next_schema,
                          const std::function<void(const std::string& key, ByteView value)>& put);

// Walks the index entries under `prefix` whose sequence is below `upper` (nullopt: no bound), newest first, calling
// visit(sequence, value) until it returns false or the entries run out. Errors: storage.
using IndexVisitor = std::function<bool(std::uint64_t sequence, ByteView value)>;
using IndexReader =
    std::function<Status(std::string_view prefix, std::optional<std::uint64_t> upper, const IndexVisitor& visit)>;

// The query engine (indexer.cc): picks the index, scans at most `max_scan` entries, loads each candidate's record
// through an smt::AuthenticatedMap over `state` and checks every filter. `max_scan` >= 1.
Result<AttestationPage> query_attestations(const IndexReader& reader, core::NodeStore& state,
                                           const AttestationQuery& query, std::size_t max_scan);
Result<SchemaPage> query_schemas(const IndexReader& reader, core::NodeStore& state, const SchemaQuery& query);

}  // namespace credence::node::storage
