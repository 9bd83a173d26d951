#include "credence/node/database.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/core/smt.h"
#include "storage_layout.h"

namespace credence::node {

namespace {

using storage::Family;

constexpr std::string_view kGenesisTag = "credence/genesis";
// The point-read families' hash memtable (see Database::open): buckets by the keys' first bytes.
constexpr std::size_t kPointPrefixBytes = 4;
constexpr std::size_t kPointMemtableBuckets = std::size_t{1} << 18;
// v1: chain id and allocations; v2 adds the committee (a flag, then its record). Both are read.
constexpr std::uint8_t kGenesisVersion = 2;
constexpr std::size_t kAllocationSize = 32 + 8;  // account, amount

rocksdb::Slice slice(ByteView v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};  // NOLINT: RocksDB takes chars
}
rocksdb::Slice slice(std::string_view v) {
  return {v.data(), v.size()};
}
ByteView bytes_of(const rocksdb::Slice& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};  // NOLINT: bytes of chars
}

Status storage_error(const rocksdb::Status& s, std::string_view what) {
  return Status::error("storage", std::string(what) + ": " + s.ToString());
}

Status corrupt(std::string message) {
  return Status::error("corrupt_state", std::move(message));
}

// Decoding stored bytes: they were written by us, so any failure means the store is damaged.
template <typename T>
Result<T> decoded(Result<T> r, std::string_view what) {
  if (!r) return corrupt(std::string(what) + ": " + r.status().to_string());
  return r;
}

Bytes encode_genesis(const core::Genesis& genesis) {
  codec::Writer w(kGenesisTag, kGenesisVersion);
  w.u64(genesis.chain_id).varint(genesis.allocations.size());
  for (const auto& [account, amount] : genesis.allocations) w.raw(account).u64(amount);
  w.boolean(genesis.committee.has_value());
  if (genesis.committee) w.bytes(core::encode_committee_record(*genesis.committee));
  return std::move(w).take();
}

Result<core::Genesis> decode_genesis(ByteView bytes) {
  codec::Reader r(bytes);
  auto version = r.header(kGenesisTag, 1, kGenesisVersion);
  if (!version) return version.status();
  core::Genesis g;
  CREDENCE_ASSIGN_OR_RETURN(g.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, r.count(kAllocationSize));
  g.allocations.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(const core::AccountId account, r.fixed<32>());
    CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t amount, r.u64());
    g.allocations.emplace_back(account, amount);
  }
  if (*version >= 2) {
    CREDENCE_ASSIGN_OR_RETURN(const bool has_committee, r.boolean());
    if (has_committee) {
      CREDENCE_ASSIGN_OR_RETURN(const Bytes record, r.bytes());
      CREDENCE_ASSIGN_OR_RETURN(g.committee, core::decode_committee_record(record));
    }
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return g;
}

// The open RocksDB instance and its column family handles, shared by the Database and every Snapshot so that a
// snapshot can never outlive the DB it reads.
struct Store {
  std::unique_ptr<rocksdb::DB> db;
  std::array<rocksdb::ColumnFamilyHandle*, storage::kFamilies> families{};

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store() {
    if (!db) return;
    for (rocksdb::ColumnFamilyHandle* h : families) {
      if (h != nullptr) (void)db->DestroyColumnFamilyHandle(h);
    }
    (void)db->Close();
  }

  [[nodiscard]] rocksdb::ColumnFamilyHandle* cf(Family f) const { return families[f]; }

  // One point read. nullopt when absent.
  Result<std::optional<std::string>> get(const rocksdb::ReadOptions& ro, Family f, std::string_view key) const {
    rocksdb::PinnableSlice out;
    const rocksdb::Status s = db->Get(ro, cf(f), slice(key), &out);
    if (s.IsNotFound()) return std::optional<std::string>{};
    if (!s.ok()) return storage_error(s, "read");
    return std::optional<std::string>(out.ToString());
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Stores over the state family.

// The writer's store: committed records overlaid with the staged batch. Staged writes go to a plain WriteBatch (what
// the commit writes) and to an in-memory overlay (what get() reads first), so a block's transactions read their own
// block's writes; the block's other records are appended to the same batch at commit and it all goes to RocksDB at
// once. (A WriteBatchWithIndex did the same but also kept every record of the commit in its own skip list.)
class WriterStore final : public core::NodeStore {
 public:
  explicit WriterStore(std::shared_ptr<Store> store) : store_(std::move(store)) {}

  Result<bool> get(ByteView key, Bytes& value) const override {
    if (const auto it = staged_.find(std::string(storage::as_chars(key))); it != staged_.end()) {
      if (!it->second) return false;  // deleted in this block
      const std::string& v = *it->second;
      value.assign(v.begin(), v.end());
      return true;
    }
    rocksdb::PinnableSlice out;
    const rocksdb::Status s = store_->db->Get(rocksdb::ReadOptions(), store_->cf(storage::kState), slice(key), &out);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return storage_error(s, "state read");
    const ByteView v = bytes_of(out);
    value.assign(v.begin(), v.end());
    return true;
  }

  Status write(const core::WriteBatch& batch) override {
    // All or nothing: a failing Put (none is expected without a size limit) drops what this call staged, and the
    // overlay only learns the writes once all of them are in the batch.
    batch_.SetSavePoint();
    rocksdb::Status s;
    rocksdb::ColumnFamilyHandle* cf = store_->cf(storage::kState);
    batch.for_each([&](const core::WriteBatch::Op& op) {
      if (!s.ok()) return;
      s = op.is_put ? batch_.Put(cf, slice(op.key), slice(op.value)) : batch_.Delete(cf, slice(op.key));
    });
    if (!s.ok()) {
      (void)batch_.RollbackToSavePoint();
      return storage_error(s, "stage state");
    }
    (void)batch_.PopSavePoint();
    batch.for_each([&](const core::WriteBatch::Op& op) {
      std::optional<std::string>& slot = staged_[std::string(storage::as_chars(op.key))];
      if (op.is_put) {
        slot.emplace(storage::as_chars(op.value));
      } else {
        slot.reset();
      }
    });
    return Status::ok();
  }

  [[nodiscard]] rocksdb::WriteBatch& batch() { return batch_; }

  // Drops everything staged (after a commit, or when a block is abandoned).
  void clear() {
    batch_.Clear();
    staged_.clear();
  }

 private:
  std::shared_ptr<Store> store_;
  rocksdb::WriteBatch batch_;
  std::unordered_map<std::string, std::optional<std::string>> staged_;  // key -> value, nullopt: deleted
};

// The committed state at one RocksDB snapshot. Read-only; get() is thread-safe.
class SnapshotStore final : public core::NodeStore {
 public:
  SnapshotStore(const Store& store, const rocksdb::Snapshot* snapshot) : store_(&store) {
    read_options_.snapshot = snapshot;
  }

  Result<bool> get(ByteView key, Bytes& value) const override {
    rocksdb::PinnableSlice out;
    const rocksdb::Status s = store_->db->Get(read_options_, store_->cf(storage::kState), slice(key), &out);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return storage_error(s, "state read");
    const ByteView v = bytes_of(out);
    value.assign(v.begin(), v.end());
    return true;
  }

  Status write(const core::WriteBatch&) override {
    return Status::error("read_only", "a snapshot's state cannot be written");
  }

 private:
  const Store* store_;
  rocksdb::ReadOptions read_options_;
};

// ---------------------------------------------------------------------------------------------------------------

class RocksSnapshot final : public Snapshot {
 public:
  RocksSnapshot(std::shared_ptr<Store> store, const rocksdb::Snapshot* snapshot, core::BlockHeader head,
                std::size_t max_index_scan)
      : store_(std::move(store)),
        snapshot_(snapshot),
        head_(std::move(head)),
        max_index_scan_(max_index_scan),
        state_(*store_, snapshot) {
    read_options_.snapshot = snapshot;
  }
  RocksSnapshot(const RocksSnapshot&) = delete;
  RocksSnapshot& operator=(const RocksSnapshot&) = delete;
  ~RocksSnapshot() override { store_->db->ReleaseSnapshot(snapshot_); }

  const core::BlockHeader& head() const override { return head_; }
  core::NodeStore& state() const override { return state_; }

  Result<std::optional<core::Block>> block(std::uint64_t height) const override {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(read_options_, storage::kBlocks, storage::be64(height)));
    if (!bytes) return std::optional<core::Block>{};
    CREDENCE_ASSIGN_OR_RETURN(core::Block b, decoded(core::decode_block(as_bytes(*bytes)), "block"));
    return std::optional<core::Block>(std::move(b));
  }

  Result<std::optional<core::BlockHeader>> header(std::uint64_t height) const override {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(read_options_, storage::kHeaders, storage::be64(height)));
    if (!bytes) return std::optional<core::BlockHeader>{};
    CREDENCE_ASSIGN_OR_RETURN(core::BlockHeader h, decoded(core::decode_block_header(as_bytes(*bytes)), "header"));
    return std::optional<core::BlockHeader>(h);
  }

  Result<std::optional<std::vector<core::Receipt>>> receipts(std::uint64_t height) const override {
    CREDENCE_ASSIGN_OR_RETURN(auto h, header(height));
    if (!h) return std::optional<std::vector<core::Receipt>>{};
    const std::string prefix = storage::be64(height);
    std::string upper = storage::be64(height);
    upper.append(4, '\xff');
    upper.push_back('\xff');  // above every height ‖ index key of this height
    rocksdb::ReadOptions ro = read_options_;
    const rocksdb::Slice lower_bound(prefix), upper_bound(upper);
    ro.iterate_lower_bound = &lower_bound;
    ro.iterate_upper_bound = &upper_bound;
    std::unique_ptr<rocksdb::Iterator> it(store_->db->NewIterator(ro, store_->cf(storage::kReceipts)));
    std::vector<core::Receipt> out;
    out.reserve(h->transaction_count);
    for (it->Seek(lower_bound); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != 12 || storage::read_be32(std::string_view(key.data() + 8, 4)) != out.size()) {
        return corrupt("receipts of block " + std::to_string(height) + " are not numbered 0..n-1");
      }
      CREDENCE_ASSIGN_OR_RETURN(core::Receipt r, decoded(core::decode_receipt(bytes_of(it->value())), "receipt"));
      out.push_back(std::move(r));
    }
    if (!it->status().ok()) return storage_error(it->status(), "receipts scan");
    if (out.size() != h->transaction_count) {
      return corrupt("block " + std::to_string(height) + " has " + std::to_string(out.size()) + " receipts for " +
                     std::to_string(h->transaction_count) + " transactions");
    }
    return std::optional<std::vector<core::Receipt>>(std::move(out));
  }

  Result<std::optional<core::Receipt>> receipt(const TransactionLocation& location) const override {
    std::string key = storage::be64(location.height);
    storage::append_be32(key, location.index);
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(read_options_, storage::kReceipts, key));
    if (!bytes) return std::optional<core::Receipt>{};
    CREDENCE_ASSIGN_OR_RETURN(core::Receipt r, decoded(core::decode_receipt(as_bytes(*bytes)), "receipt"));
    return std::optional<core::Receipt>(std::move(r));
  }

  Result<std::optional<TransactionLocation>> transaction(const core::Id& id) const override {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(read_options_, storage::kTransactions, storage::as_chars(id)));
    if (!bytes) return std::optional<TransactionLocation>{};
    if (bytes->size() != 12) return corrupt("transaction location is not 12 bytes");
    return std::optional<TransactionLocation>(
        TransactionLocation{storage::read_be64(*bytes), storage::read_be32(std::string_view(*bytes).substr(8))});
  }

  Result<AttestationPage> attestations(const AttestationQuery& query) const override {
    return storage::query_attestations(index_reader(), state_, query, max_index_scan_);
  }

  Result<SchemaPage> schemas(const SchemaQuery& query) const override {
    return storage::query_schemas(index_reader(), state_, query);
  }

  Result<std::vector<codec::U256>> holders(const core::Id& asset, std::uint64_t height,
                                           std::size_t max) const override {
    const std::string prefix = storage::index_prefix(storage::IndexKind::holder, asset);
    rocksdb::ReadOptions ro = read_options_;
    // Above every account ‖ height under this asset: prefix ‖ 0xff would miss accounts whose first byte is 0xff.
    std::string upper = prefix;
    upper.append(32 + 8 + 1, '\xff');  // account (32) ‖ height (8), plus one
    const rocksdb::Slice upper_bound(upper);
    ro.iterate_upper_bound = &upper_bound;
    std::unique_ptr<rocksdb::Iterator> it(store_->db->NewIterator(ro, store_->cf(storage::kIndex)));
    // Entries run by account, then by height: for each account keep the last balance at or below `height`.
    std::vector<codec::U256> out;
    std::string account;
    std::optional<codec::U256> latest;
    const auto flush = [&]() -> Status {
      if (latest && !latest->is_zero()) {
        if (out.size() >= max)
          return Status::invalid("too_many_holders", "more than " + std::to_string(max) + " holders");
        out.push_back(*latest);
      }
      latest.reset();
      return Status::ok();
    };
    for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (!key.starts_with(slice(prefix))) break;
      if (key.size() != prefix.size() + 40 || it->value().size() != 32) return corrupt("malformed holder entry");
      const std::string_view this_account(key.data() + prefix.size(), 32);
      if (this_account != account) {
        CREDENCE_RETURN_IF_ERROR(flush());
        account.assign(this_account);
      }
      if (storage::read_be64(std::string_view(key.data() + prefix.size() + 32, 8)) > height) continue;
      const ByteView v = bytes_of(it->value());
      latest = codec::U256::from_be_bytes(FixedView<32>(v.data(), 32));
    }
    if (!it->status().ok()) return storage_error(it->status(), "holder scan");
    CREDENCE_RETURN_IF_ERROR(flush());
    return out;
  }

  Result<std::optional<std::uint64_t>> attestation_sequence(const core::Id& id) const override {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(read_options_, storage::kIndex, storage::sequence_key(id)));
    if (!bytes) return std::optional<std::uint64_t>{};
    if (bytes->size() != 8) return corrupt("malformed attestation sequence entry");
    return std::optional<std::uint64_t>(storage::read_be64(*bytes));
  }

  Result<std::uint64_t> attestation_count() const override {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(read_options_, storage::kMeta, storage::kMetaNextAttestation));
    if (!bytes || bytes->size() != 8) return corrupt("missing or malformed next_attestation");
    return storage::read_be64(*bytes);
  }

  Result<std::vector<std::uint64_t>> revoked_sequences(std::uint64_t from, std::uint64_t to) const override {
    std::vector<std::uint64_t> out;
    if (from >= to) return out;
    const std::string lower = storage::index_key(storage::IndexKind::revoked, {}, from);
    const std::string upper = storage::index_key(storage::IndexKind::revoked, {}, to);
    rocksdb::ReadOptions ro = read_options_;
    const rocksdb::Slice lower_bound(lower), upper_bound(upper);
    ro.iterate_lower_bound = &lower_bound;
    ro.iterate_upper_bound = &upper_bound;  // exclusive; 'v' keys are fixed-size, so byte order is numeric order
    std::unique_ptr<rocksdb::Iterator> it(store_->db->NewIterator(ro, store_->cf(storage::kIndex)));
    for (it->Seek(lower_bound); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != 9 || it->value().size() != 8) return corrupt("malformed revoked entry");
      out.push_back(storage::read_be64(std::string_view(key.data() + 1, 8)));
    }
    if (!it->status().ok()) return storage_error(it->status(), "revoked scan");
    return out;
  }

 private:
  // Reverse scan of one index prefix at this snapshot (storage::IndexReader).
  storage::IndexReader index_reader() const {
    return [this](std::string_view prefix, std::optional<std::uint64_t> upper,
                  const storage::IndexVisitor& visit) -> Status {
      if (upper && *upper == 0) return Status::ok();  // nothing below sequence 0
      rocksdb::ReadOptions ro = read_options_;
      const rocksdb::Slice lower_bound(prefix.data(), prefix.size());
      ro.iterate_lower_bound = &lower_bound;  // keeps the reverse scan from wandering into the next prefix
      std::unique_ptr<rocksdb::Iterator> it(store_->db->NewIterator(ro, store_->cf(storage::kIndex)));
      std::string target(prefix);
      storage::append_be64(target, upper ? *upper - 1 : ~std::uint64_t{0});
      for (it->SeekForPrev(slice(target)); it->Valid(); it->Prev()) {
        const rocksdb::Slice key = it->key();
        if (!key.starts_with(lower_bound)) break;
        if (key.size() != prefix.size() + 8) return corrupt("index key of unexpected length");
        const std::uint64_t sequence = storage::read_be64(std::string_view(key.data() + prefix.size(), 8));
        if (!visit(sequence, bytes_of(it->value()))) return Status::ok();
      }
      if (!it->status().ok()) return storage_error(it->status(), "index scan");
      return Status::ok();
    };
  }

  std::shared_ptr<Store> store_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions read_options_;
  core::BlockHeader head_;
  std::size_t max_index_scan_;
  mutable SnapshotStore state_;  // mutable: state() hands out a NodeStore& (maps need one) from a const snapshot
};

// ---------------------------------------------------------------------------------------------------------------

class RocksDatabase final : public Database {
 public:
  RocksDatabase(std::shared_ptr<Store> store, const Options& options)
      : store_(std::move(store)), options_(options), writer_(store_) {
    if (options_.max_index_scan == 0) options_.max_index_scan = 1;
  }

  // Reads the head, counters and checks the state root (Database::open).
  Status load() {
    const rocksdb::ReadOptions ro;
    CREDENCE_ASSIGN_OR_RETURN(auto head_bytes, store_->get(ro, storage::kMeta, storage::kMetaHead));
    if (!head_bytes) {
      // A fresh database: nothing else may be there (a commit writes the head with everything else).
      rocksdb::ReadOptions all = ro;
      all.total_order_seek = true;  // the family has a prefix extractor: walk every key, not one prefix
      std::unique_ptr<rocksdb::Iterator> it(store_->db->NewIterator(all, store_->cf(storage::kState)));
      it->SeekToFirst();
      if (!it->status().ok()) return storage_error(it->status(), "state scan");
      if (it->Valid()) return corrupt("state records without a head");
      published_.sequence = store_->db->GetLatestSequenceNumber();
      return Status::ok();
    }
    CREDENCE_ASSIGN_OR_RETURN(auto format, store_->get(ro, storage::kMeta, storage::kMetaFormat));
    if (!format || format->size() != 1 || static_cast<std::uint8_t>((*format)[0]) != storage::kFormatVersion) {
      return corrupt("unknown storage format");
    }
    CREDENCE_ASSIGN_OR_RETURN(core::BlockHeader head,
                              decoded(core::decode_block_header(as_bytes(*head_bytes)), "head"));
    CREDENCE_ASSIGN_OR_RETURN(auto genesis_bytes, store_->get(ro, storage::kMeta, storage::kMetaGenesis));
    if (!genesis_bytes) return corrupt("no genesis document");
    CREDENCE_ASSIGN_OR_RETURN(next_attestation_, read_counter(storage::kMetaNextAttestation));
    CREDENCE_ASSIGN_OR_RETURN(next_schema_, read_counter(storage::kMetaNextSchema));
    CREDENCE_ASSIGN_OR_RETURN(auto stored_header, store_->get(ro, storage::kHeaders, storage::be64(head.height)));
    if (!stored_header || *stored_header != *head_bytes) return corrupt("head block is not stored");
    // The check that catches a state that is not the head's: the stored tree's root.
    CREDENCE_ASSIGN_OR_RETURN(const core::smt::AuthenticatedMap map, core::smt::AuthenticatedMap::open(writer_));
    if (map.root() != head.state_root) {
      return corrupt("stored state root differs from the state root of head block " + std::to_string(head.height));
    }
    published_ = Published{head, store_->db->GetLatestSequenceNumber()};
    initialized_.store(true);
    return Status::ok();
  }

  bool initialized() const override { return initialized_.load(); }

  Result<std::optional<core::Genesis>> genesis() const override {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(rocksdb::ReadOptions(), storage::kMeta, storage::kMetaGenesis));
    if (!bytes) return std::optional<core::Genesis>{};
    CREDENCE_ASSIGN_OR_RETURN(core::Genesis g, decoded(decode_genesis(as_bytes(*bytes)), "genesis"));
    return std::optional<core::Genesis>(std::move(g));
  }

  core::NodeStore& writer_state() override { return writer_; }

  Status initialize(const core::Genesis& genesis, const core::Block& genesis_block) override {
    if (initialized()) return Status::invalid("already_initialized", "the database already holds a chain");
    const core::BlockHeader& h = genesis_block.header;
    if (h.height != 0 || !genesis_block.transactions.empty() || h.transaction_count != 0 ||
        h.chain_id != genesis.chain_id) {
      return Status::invalid("bad_block", "not a genesis block for this genesis document");
    }
    CREDENCE_RETURN_IF_ERROR(check_staged_root(h));
    return commit(genesis_block, {}, &genesis);
  }

  Status commit_block(const core::Block& block, const std::vector<core::Receipt>& receipts) override {
    if (!initialized()) return Status::invalid("not_initialized", "initialize() has not committed");
    const core::BlockHeader& head = writer_head();
    const core::BlockHeader& h = block.header;
    if (h.height != head.height + 1) {
      return Status::invalid(
          "bad_height", "block " + std::to_string(h.height) + " does not follow head " + std::to_string(head.height));
    }
    if (h.chain_id != head.chain_id || h.previous != core::block_hash(head)) {
      return Status::invalid("bad_block", "block does not extend the head");
    }
    if (receipts.size() != block.transactions.size()) {
      return Status::invalid("bad_receipts", std::to_string(receipts.size()) + " receipts for " +
                                                 std::to_string(block.transactions.size()) + " transactions");
    }
    CREDENCE_RETURN_IF_ERROR(check_staged_root(h));
    return commit(block, receipts, nullptr);
  }

  void discard_staged() override { writer_.clear(); }

  std::shared_ptr<const Snapshot> snapshot() const override {
    assert(initialized());
    if (!initialized()) return nullptr;
    // Fast path: a snapshot at exactly the sequence number of the published head sees that head's commit and
    // nothing newer (every write to this database is a commit), so the published header describes it.
    const rocksdb::Snapshot* snap = store_->db->GetSnapshot();
    {
      const std::lock_guard lock(published_mutex_);
      if (snap->GetSequenceNumber() == published_.sequence) return make_snapshot(snap, published_.header);
    }
    // A commit is between its write and its publication: wait for it (commits hold commit_mutex_ across both).
    store_->db->ReleaseSnapshot(snap);
    const std::lock_guard commit_lock(commit_mutex_);
    snap = store_->db->GetSnapshot();
    const std::lock_guard lock(published_mutex_);
    return make_snapshot(snap, published_.header);
  }

 private:
  struct Published {
    core::BlockHeader header;
    rocksdb::SequenceNumber sequence = 0;  // the database's last sequence number after that head's commit
  };

  Result<std::uint64_t> read_counter(std::string_view key) const {
    CREDENCE_ASSIGN_OR_RETURN(auto bytes, store_->get(rocksdb::ReadOptions(), storage::kMeta, key));
    if (!bytes || bytes->size() != 8) return corrupt("missing or malformed " + std::string(key));
    return storage::read_be64(*bytes);
  }

  // The head as the writer knows it (only the writer thread changes it, so no lock is needed to read it here).
  const core::BlockHeader& writer_head() const { return published_.header; }

  std::shared_ptr<const Snapshot> make_snapshot(const rocksdb::Snapshot* snap, const core::BlockHeader& head) const {
    return std::make_shared<RocksSnapshot>(store_, snap, head, options_.max_index_scan);
  }

  // The staged state must be the block's: otherwise the head would name a root the store does not hold.
  Status check_staged_root(const core::BlockHeader& h) {
    CREDENCE_ASSIGN_OR_RETURN(const core::smt::AuthenticatedMap map, core::smt::AuthenticatedMap::open(writer_));
    if (map.root() != h.state_root) {
      return Status::invalid("state_root_mismatch",
                             "the staged state is not the state of block " + std::to_string(h.height));
    }
    return Status::ok();
  }

  // Appends the block's records to the staged batch and writes it all at once (docs/storage.md "Commit").
  Status commit(const core::Block& block, const std::vector<core::Receipt>& receipts, const core::Genesis* genesis) {
    rocksdb::WriteBatch& batch = writer_.batch();
    batch.SetSavePoint();  // on failure, roll back to just the staged state
    rocksdb::Status s;
    const auto put = [&](Family f, std::string_view key, ByteView value) {
      if (s.ok()) s = batch.Put(store_->cf(f), slice(key), slice(value));
    };
    // Index entries go into the batch in key order (put below, after the last one is known): the memtable's skip
    // list then inserts each next to the previous one instead of searching from the top for every entry.
    std::vector<std::pair<std::string, Bytes>> index_puts;
    const auto put_index = [&](std::string key, ByteView value) {
      index_puts.emplace_back(std::move(key), Bytes(value.begin(), value.end()));
    };

    const core::BlockHeader& h = block.header;
    const std::string height = storage::be64(h.height);
    const Bytes header_bytes = core::encode(h);
    put(storage::kHeaders, height, header_bytes);
    put(storage::kBlocks, height, core::encode(block));
    for (std::size_t i = 0; i < receipts.size(); ++i) {
      std::string location = height;
      storage::append_be32(location, static_cast<std::uint32_t>(i));
      put(storage::kReceipts, location, core::encode(receipts[i]));
      put(storage::kTransactions, storage::as_chars(receipts[i].transaction), as_bytes(location));
    }
    std::uint64_t next_attestation = next_attestation_;
    std::uint64_t next_schema = next_schema_;
    const BlockIndexEntries entries = index_entries(block, receipts);
    // The 'i' entries of this block, for the revocations below (only when the block revokes something).
    std::unordered_map<std::string, std::string> block_sequences;
    storage::for_each_index_entry(entries, next_attestation, next_schema, [&](const std::string& key, ByteView value) {
      put_index(key, value);
      if (!entries.revoked.empty() && !key.empty() &&
          key[0] == static_cast<char>(storage::IndexKind::attestation_sequence)) {
        block_sequences.emplace(key, storage::as_chars(value));
      }
    });
    // The status-list index: each revoked attestation's sequence, read from the 'i' entries — staged just above when
    // the attestation was created in this block, or committed.
    for (const core::Id& id : entries.revoked) {
      if (!s.ok()) break;
      const std::string key = storage::sequence_key(id);
      std::string sequence;
      rocksdb::Status g;
      if (const auto staged = block_sequences.find(key); staged != block_sequences.end()) {
        sequence = staged->second;
      } else {
        g = store_->db->Get(rocksdb::ReadOptions(), store_->cf(storage::kIndex), slice(key), &sequence);
      }
      if (!g.ok() || sequence.size() != 8) {
        (void)batch.RollbackToSavePoint();
        if (g.IsNotFound() || g.ok()) {
          return corrupt("revoked attestation " + codec::hex_encode_0x(id) + " has no sequence entry");
        }
        return storage_error(g, "sequence lookup");
      }
      put_index(storage::index_key(storage::IndexKind::revoked, {}, storage::read_be64(sequence)), as_bytes(height));
    }
    // Holders: every balance the block may have changed, read from the staged state (the block's own).
    {
      auto map = core::smt::AuthenticatedMap::open(writer_);
      if (!map) {
        (void)batch.RollbackToSavePoint();
        return map.status();
      }
      auto balances = holder_balances(core::MapStateView(*map), block, genesis);
      if (!balances) {
        (void)batch.RollbackToSavePoint();
        return balances.status();
      }
      for (const HolderBalance& holder : *balances) {
        // One entry per (asset, account, height) that may have changed, zero included: a past height reads the
        // last entry at or below it.
        std::string key = storage::index_prefix(storage::IndexKind::holder, holder.asset);
        key.append(storage::as_chars(holder.account));
        storage::append_be64(key, h.height);
        const auto bytes = holder.balance.to_be_bytes();
        put_index(std::move(key), bytes);
      }
    }
    // Stable: were a key staged twice, the later value still wins (none is: every entry's key is unique).
    std::stable_sort(index_puts.begin(), index_puts.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, value] : index_puts) put(storage::kIndex, key, value);
    put(storage::kMeta, storage::kMetaNextAttestation, as_bytes(storage::be64(next_attestation)));
    put(storage::kMeta, storage::kMetaNextSchema, as_bytes(storage::be64(next_schema)));
    put(storage::kMeta, storage::kMetaHead, header_bytes);
    if (genesis != nullptr) {
      const std::uint8_t format = storage::kFormatVersion;
      put(storage::kMeta, storage::kMetaFormat, ByteView(&format, 1));
      put(storage::kMeta, storage::kMetaGenesis, encode_genesis(*genesis));
    }
    if (!s.ok()) {
      (void)batch.RollbackToSavePoint();
      return storage_error(s, "build commit batch");
    }

    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    {
      const std::lock_guard commit_lock(commit_mutex_);
      s = store_->db->Write(wo, batch.GetWriteBatch());
      if (!s.ok()) {
        (void)batch.RollbackToSavePoint();
        return storage_error(s, "commit block " + std::to_string(h.height));
      }
      const std::lock_guard lock(published_mutex_);
      published_ = Published{h, store_->db->GetLatestSequenceNumber()};
    }
    (void)batch.PopSavePoint();
    writer_.clear();
    next_attestation_ = next_attestation;
    next_schema_ = next_schema;
    initialized_.store(true);
    return Status::ok();
  }

  std::shared_ptr<Store> store_;
  Options options_;
  WriterStore writer_;
  std::uint64_t next_attestation_ = 0;  // writer thread only
  std::uint64_t next_schema_ = 0;
  std::atomic<bool> initialized_{false};
  // Held by a commit across its write and the publication of its head, so snapshot() can wait out the window
  // between them.
  mutable std::mutex commit_mutex_;
  mutable std::mutex published_mutex_;  // guards published_ (the writer reads it without: it is the only writer)
  Published published_;
};

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& dir, const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::error("storage", "create " + dir.string() + ": " + ec.message());

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // Recovery replays the WAL into the memtables instead of flushing it to new level-0 files: a node restarted often
  // (crash tests, supervisors) would otherwise pile up level-0 files and hit RocksDB's write stalls.
  db_options.avoid_flush_during_recovery = true;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  rocksdb::ColumnFamilyOptions defaults;
  defaults.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Point reads dominate the state and locator families (tree records, tx ids): a Bloom filter skips files.
  rocksdb::BlockBasedTableOptions point_table = table;
  point_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions point_reads;
  point_reads.table_factory.reset(rocksdb::NewBlockBasedTableFactory(point_table));
  // Their keys are random (tree positions and value keys, tx ids), so inserting one into the default skip-list
  // memtable walks a tall list with a cache miss per step; about half the commit went there. A hash of the first
  // bytes picks a short per-bucket list instead. Only a flush and the fresh-database check (total_order_seek)
  // iterate these families in order, which a hash memtable serves by sorting once.
  point_reads.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(kPointPrefixBytes));
  point_reads.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(kPointMemtableBuckets));
  db_options.allow_concurrent_memtable_write = false;  // a hash memtable needs it off; there is one writer anyway

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::size_t f = 0; f < storage::kFamilies; ++f) {
    const bool point = f == storage::kState || f == storage::kTransactions;
    descriptors.emplace_back(storage::kFamilyNames[f], point ? point_reads : defaults);
  }

  auto store = std::make_shared<Store>();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(db_options, dir.string(), descriptors, &handles, &raw);
  if (!s.ok()) return storage_error(s, "open " + dir.string());
  store->db.reset(raw);
  assert(handles.size() == storage::kFamilies);
  for (std::size_t f = 0; f < handles.size() && f < storage::kFamilies; ++f) store->families[f] = handles[f];

  auto db = std::make_unique<RocksDatabase>(std::move(store), options);
  CREDENCE_RETURN_IF_ERROR(db->load());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace credence::node
