// The node's storage: one RocksDB database holding the authenticated state (the tree's records, core/node_store.h),
// the blocks with their receipts, a transaction locator, the secondary indexes and the chain's head. Layout, value
// encodings, recovery and query semantics: docs/storage.md.
//
// Crash safety: everything one block changes — its state writes, the block, its receipts, transaction locations,
// index entries, the index sequence counters and the head pointer — goes to RocksDB in ONE WriteBatch written with
// WriteOptions::sync = Options::sync (commit_block; initialize also writes the genesis document). After a crash the
// database holds exactly the blocks whose commit returned, never part of one; the head's state_root always equals
// the stored tree's root, and open() checks it.
//
// Threads: one writer (the block builder) uses writer_state(), initialize(), commit_block() and discard_staged(),
// from one thread at a time. Any number of readers call snapshot(), initialized() and genesis() concurrently with
// the writer. A Snapshot is an immutable, consistent view at one committed head (a RocksDB snapshot): safe to use
// from any number of threads at once, cheap to take, released when the last shared_ptr to it goes.
// Lifetime: a Snapshot shares ownership of the open RocksDB instance, so it stays valid even if the Database is
// destroyed first; the directory then stays open (and locked against a second open()) until the last Snapshot is
// released. Do not keep snapshots for long: RocksDB keeps every version a live snapshot can see.
// Failure: RocksDB failures are Status::error("storage", rocksdb status text); stored bytes that do not decode, or
// an index entry naming a record that is not there, are error("corrupt_state"). A failed commit leaves the database
// as it was and keeps the staged state, but the writer's in-memory map has moved on: the node must stop and restart
// from disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/block.h"
#include "credence/core/node_store.h"
#include "credence/node/indexer.h"
#include "credence/status.h"

namespace credence::node {

struct TransactionLocation {
  std::uint64_t height = 0;
  std::uint32_t index = 0;  // position in the block
  friend bool operator==(const TransactionLocation&, const TransactionLocation&) = default;
};

// Every method is const and thread-safe. Reads see exactly the data committed up to head(): a block or transaction
// committed after the snapshot was taken is "not found" (nullopt), never half-visible.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  // The last block committed when the snapshot was taken (the genesis block for a fresh chain).
  [[nodiscard]] virtual const core::BlockHeader& head() const = 0;
  // The committed state at head(). Open an smt::AuthenticatedMap over it to read values and prove keys — one map per
  // thread (a map is not thread-safe; the store is). Its get() is thread-safe; its write() refuses with
  // error("read_only"). Valid while the snapshot lives.
  [[nodiscard]] virtual core::NodeStore& state() const = 0;
  // nullopt for a height above head().
  virtual Result<std::optional<core::Block>> block(std::uint64_t height) const = 0;
  virtual Result<std::optional<core::BlockHeader>> header(std::uint64_t height) const = 0;
  // The receipts of block `height`, one per transaction, in block order (nullopt for a height above head()).
  virtual Result<std::optional<std::vector<core::Receipt>>> receipts(std::uint64_t height) const = 0;
  // The receipt of one transaction (nullopt if there is no transaction at that location).
  virtual Result<std::optional<core::Receipt>> receipt(const TransactionLocation& location) const = 0;
  // Where a committed transaction sits (nullopt: not committed as of head()).
  virtual Result<std::optional<TransactionLocation>> transaction(const core::Id& id) const = 0;
  // Index queries (node/indexer.h; semantics in docs/storage.md "Queries"). invalid("bad_query") for a limit
  // outside 1..kMaxPageSize.
  virtual Result<AttestationPage> attestations(const AttestationQuery& query) const = 0;
  virtual Result<SchemaPage> schemas(const SchemaQuery& query) const = 0;
  // Every nonzero balance of `asset` at `height` (<= head().height), from the holders index (escrows are not
  // balances, so they are not included). invalid("too_many_holders") when there are more than `max`.
  virtual Result<std::vector<codec::U256>> holders(const core::Id& asset, std::uint64_t height,
                                                   std::size_t max) const = 0;

  // The status-list index (docs/storage.md "Status-list index"): an on-ledger attestation's sequence number, which
  // the node's status lists use as its position (nullopt: no such attestation as of head()).
  virtual Result<std::optional<std::uint64_t>> attestation_sequence(const core::Id& id) const = 0;
  // How many on-ledger attestations exist as of head(): the next sequence number.
  virtual Result<std::uint64_t> attestation_count() const = 0;
  // The sequence numbers in [from, to) of the attestations revoked as of head(), ascending (at most to - from).
  virtual Result<std::vector<std::uint64_t>> revoked_sequences(std::uint64_t from, std::uint64_t to) const = 0;
};

class Database {
 public:
  struct Options {
    bool sync = true;                           // fsync every block commit (only benchmarks and tests turn this off)
    std::size_t block_cache_bytes = 64u << 20;  // RocksDB block cache, shared by every column family
    // Index entries one page query may scan before it returns a shorter page with a next_cursor (node/indexer.h).
    std::size_t max_index_scan = kMaxIndexScan;
  };

  virtual ~Database() = default;

  // Opens (creating if missing) the database in `dir`. On an existing chain reads the head and checks that the
  // stored state's root equals head().state_root. error("storage") if RocksDB fails (including: another process
  // holds the directory), error("corrupt_state") if the stored chain is unreadable or the state disagrees with the
  // head.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& dir, const Options& options);

  // Whether the database holds a chain (initialize() has committed). Thread-safe.
  [[nodiscard]] virtual bool initialized() const = 0;

  // The stored genesis document, as initialize() received it (nullopt before initialize()). Thread-safe.
  virtual Result<std::optional<core::Genesis>> genesis() const = 0;

  // The writer's view of the state: get() reads committed records overlaid with writes staged since the last
  // commit; write() stages a batch (visible to get() at once, all or nothing) into the next commit_block /
  // initialize. This is the store the node's smt::AuthenticatedMap is opened on. Writer thread only.
  [[nodiscard]] virtual core::NodeStore& writer_state() = 0;

  // First commit of a fresh database: the genesis document, the genesis block (height 0) and the staged state (what
  // core::Chain::genesis wrote through a map on writer_state()), in one synced write. invalid("already_initialized")
  // if a chain is stored; invalid("bad_block") unless genesis_block has height 0, no transactions and the genesis
  // chain id; invalid("state_root_mismatch") if the staged state's root is not genesis_block's state_root. Nothing
  // is written when it fails.
  virtual Status initialize(const core::Genesis& genesis, const core::Block& genesis_block) = 0;

  // Commits `block` (the next height after the head), its receipts (one per transaction, same order, as
  // core::Chain::build / apply returned them: their transaction ids are trusted), the index entries derived from
  // them (node/indexer.h) and the staged state writes, in one synced write; then moves the head and clears the
  // staged writes. Checks, with nothing written on failure: invalid("not_initialized"); invalid("bad_height")
  // unless block.header.height == head().height + 1; invalid("bad_block") if the chain id or previous hash do not
  // follow the head; invalid("bad_receipts") if the receipt count differs from the transaction count;
  // invalid("state_root_mismatch") if the staged state's root is not the header's state_root.
  virtual Status commit_block(const core::Block& block, const std::vector<core::Receipt>& receipts) = 0;

  // Drops staged state writes (after a failed block build). Writer thread only.
  virtual void discard_staged() = 0;

  // A consistent read view at the current head. Requires initialized() (asserted; nullptr if not). Thread-safe.
  [[nodiscard]] virtual std::shared_ptr<const Snapshot> snapshot() const = 0;
};

}  // namespace credence::node
