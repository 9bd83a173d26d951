// NodeStore: the small key-value storage interface under the authenticated state map (core/smt.h).
//
// The core never touches disk. It reads records one key at a time with get() and changes them only through write(),
// which applies one WriteBatch atomically: after write() returns, either every put and delete of the batch is
// visible or (on failure) none is. The state map writes exactly one batch per commit (per block), so a RocksDB
// implementation in the node maps write() onto one rocksdb::WriteBatch and stays crash-consistent.
// Record layout (which keys the state map uses): docs/state.md.
//
// Failure: get() and write() return Status::error(...) for a local failure (I/O, corruption); a missing key is not a
// failure (get() answers "not found").
// Ownership: a store owns its records; callers pass views that need only live for the duration of the call.
// Thread-safety: none required by the interface; MemoryNodeStore has none (one thread at a time, including reads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::core {

// An ordered list of puts and deletes, applied in order (a later operation on the same key wins). Stored flat in one
// buffer so building a batch of thousands of node writes costs no allocation per operation.
class WriteBatch {
 public:
  struct Op {
    bool is_put = false;  // false: delete `key`
    ByteView key;
    ByteView value;  // empty for a delete
  };

  void put(ByteView key, ByteView value);
  void erase(ByteView key);
  // Drops every operation; keeps the buffer's capacity for reuse.
  void clear();

  [[nodiscard]] std::size_t size() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  // Bytes of keys and values held (a measure of the batch's cost on disk).
  [[nodiscard]] std::size_t payload_bytes() const { return payload_bytes_; }

  // Calls f(const Op&) for each operation in order. Views point into the batch: valid until it is changed.
  template <typename F>
  void for_each(F&& f) const {
    std::size_t pos = 0;
    while (pos < rep_.size()) pos = next(pos, f);
  }

 private:
  template <typename F>
  std::size_t next(std::size_t pos, F& f) const {
    Op op;
    op.is_put = rep_[pos] != 0;
    const std::size_t key_size = read_length(pos + 1);
    op.key = ByteView(rep_).subspan(pos + 5, key_size);
    pos += 5 + key_size;
    if (op.is_put) {
      const std::size_t value_size = read_length(pos);
      op.value = ByteView(rep_).subspan(pos + 4, value_size);
      pos += 4 + value_size;
    }
    f(static_cast<const Op&>(op));
    return pos;
  }
  [[nodiscard]] std::size_t read_length(std::size_t pos) const;
  void append_length(std::size_t n);

  // Each operation: kind byte (1 put, 0 delete), u32 key length, key, and for a put u32 value length, value.
  Bytes rep_;
  std::size_t count_ = 0;
  std::size_t payload_bytes_ = 0;
};

class NodeStore {
 public:
  virtual ~NodeStore() = default;

  // Looks `key` up. Returns true and fills `value` (replacing its contents, reusing its capacity) if found; returns
  // false and leaves `value` unspecified if not. Status::error on a local failure.
  virtual Result<bool> get(ByteView key, Bytes& value) const = 0;

  // Applies every operation of `batch` atomically, in order. Status::error on a local failure, in which case no
  // operation was applied.
  virtual Status write(const WriteBatch& batch) = 0;

  // As get(key, scratch), but a store that holds the record in memory may point `value` at it instead of copying:
  // `value` is valid until the store is next written or `scratch` changes. The default copies into `scratch` (a store
  // over RocksDB needs nothing more); MemoryNodeStore lends its record.
  virtual Result<bool> get_view(ByteView key, Bytes& scratch, ByteView& value) const;

  // Convenience over get(key, value): the value, or nullopt when the key is absent.
  Result<std::optional<Bytes>> get(ByteView key) const;
};

// All records in one open-addressing hash table (linear probing, one probe sequence per lookup). A slot is 16 bytes —
// the key's hash and a pointer to its record, which holds the key and the value in one allocation with room for the
// value to grow in place — so with millions of records a lookup costs about two cache misses and rewriting a record
// (a page, every block) allocates nothing. For tests, the stress lab and benchmarks. Never fails (allocation failure
// terminates). Copyable (deep copy). Not thread-safe.
class MemoryNodeStore final : public NodeStore {
 public:
  MemoryNodeStore() = default;
  MemoryNodeStore(const MemoryNodeStore& other);
  MemoryNodeStore& operator=(const MemoryNodeStore& other);
  MemoryNodeStore(MemoryNodeStore&&) noexcept = default;
  MemoryNodeStore& operator=(MemoryNodeStore&&) noexcept = default;
  ~MemoryNodeStore() override = default;

  Result<bool> get(ByteView key, Bytes& value) const override;
  // Lends the record itself (no copy); `scratch` is not used.
  Result<bool> get_view(ByteView key, Bytes& scratch, ByteView& value) const override;
  Status write(const WriteBatch& batch) override;
  using NodeStore::get;

  // Number of records held.
  [[nodiscard]] std::size_t size() const { return size_; }
  // Number of records whose key starts with `prefix` (linear scan; for tests).
  [[nodiscard]] std::size_t count_prefix(ByteView prefix) const;
  // Every record, sorted by key (for tests that pin the stored bytes).
  [[nodiscard]] std::vector<std::pair<Bytes, Bytes>> records() const;
  // Pre-sizes the table for `records` records (benchmarks loading millions of entries).
  void reserve(std::size_t records);
  // Same records (tests: two replicas that applied the same writes hold the same bytes).
  friend bool operator==(const MemoryNodeStore& x, const MemoryNodeStore& y);

 private:
  struct Slot {
    std::uint64_t hash = 0;
    // Null for an empty slot. Layout: key size, value size, value capacity (u32 each, host order), key, value.
    std::unique_ptr<std::uint8_t[]> record;
  };

  // The slot holding `key`, or the empty slot where its probe sequence ends. Requires a non-empty table.
  [[nodiscard]] std::size_t find(std::string_view key, std::uint64_t hash) const;
  void put(std::string_view key, std::string_view value, std::uint64_t hash);
  void erase(std::string_view key, std::uint64_t hash);
  void rehash(std::size_t capacity);

  std::vector<Slot> slots_;  // size 0 or a power of two, at most 70% used
  std::size_t size_ = 0;
};

}  // namespace credence::core
