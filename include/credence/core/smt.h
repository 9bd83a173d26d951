// The authenticated state map: a compact sparse Merkle tree over 256-bit keys, with a 32-byte state root and
// inclusion / non-inclusion proofs that a light client checks with a pure function.
// Specification (hashing formulas, store layout, proof wire format and JSON view): docs/state.md.
//
// AuthenticatedMap reads and writes tree nodes through a NodeStore (core/node_store.h) and touches only the nodes on
// the paths it visits, so the map never holds the whole tree in memory. Writes go to a pending overlay (a block's
// transactions read their own writes, and checkpoint()/rollback() undo a failed batch transaction); commit() applies
// all pending writes as one batch update — each changed node hashed once, upper path hashing shared — and hands the
// store one atomic WriteBatch. The root depends only on the set of (key, value) pairs, never on the order or batching
// of writes.
//
// Ownership: the map borrows its NodeStore, which must outlive it; exactly one map may write a given store (a commit
// checks that the store's root is still the map's, see commit()).
// Thread-safety: none; one thread at a time uses a map (and its store). The free functions are pure and thread-safe.
// Failure: store failures surface as Status::error (the map is left as before the failing call; a failed commit
// keeps its pending writes). A store that does not hold a node its parent names is error("corrupt_state").
// Proof checks answer Status::invalid("bad_proof", why); decoders answer invalid(reason) as documented below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/core/node_store.h"
#include "credence/status.h"

namespace credence::core::smt {

inline constexpr std::size_t kKeyBits = 256;
// A path has at most 256 levels below the root, so a proof has at most 256 siblings.
inline constexpr std::size_t kMaxProofDepth = kKeyBits;
// The hash of an empty subtree, and so the root of the empty map.
inline constexpr Hash256 kEmptyHash{};

// The hashing formulas (docs/state.md#hashing). Pure.
// value_hash = SHA-256(value)
[[nodiscard]] Hash256 value_hash(ByteView value);
// leaf = SHA-256(0x00 || key || value_hash)
[[nodiscard]] Hash256 leaf_hash(FixedView<32> key, FixedView<32> value_hash);
// internal = SHA-256(0x01 || left || right)
[[nodiscard]] Hash256 internal_hash(FixedView<32> left, FixedView<32> right);

struct ProofLeaf {
  Hash256 key{};
  Hash256 value_hash{};
  friend bool operator==(const ProofLeaf&, const ProofLeaf&) = default;
};

// The path from the root towards a key. siblings[i] is the hash of the subtree beside the path at depth i + 1 (the
// child of the depth-i node that the key's bit i does not select); kEmptyHash for an empty subtree. `leaf` is what
// ends the path at depth siblings.size(): the leaf found there (the key's own, or another key's leaf occupying the
// path: non-inclusion), or nullopt for an empty subtree (non-inclusion).
struct Proof {
  std::vector<Hash256> siblings;
  std::optional<ProofLeaf> leaf;
  friend bool operator==(const Proof&, const Proof&) = default;
};

// Checks `proof` against `root` for `key`. With `value`, an inclusion proof: ok iff the map with that root holds
// key -> value. Without, a non-inclusion proof: ok iff the map holds no value for key. Otherwise
// invalid("bad_proof", why). Pure; allocation-free; costs siblings.size() + 1 SHA-256 calls (+1 to hash `value`).
Status verify_proof(const Hash256& root, FixedView<32> key, std::optional<ByteView> value, const Proof& proof);
// As verify_proof, given SHA-256(value) instead of the value.
Status verify_proof_hashed(const Hash256& root, FixedView<32> key, const std::optional<Hash256>& value_hash,
                           const Proof& proof);

// Binary wire form (docs/state.md#proof-encoding): message "credence/smt-proof" version 1, empty siblings elided
// behind a bitmap. encode_proof requires siblings.size() <= kMaxProofDepth (asserted).
inline constexpr std::string_view kProofTag = "credence/smt-proof";
inline constexpr std::uint8_t kProofVersion = 1;
[[nodiscard]] Bytes encode_proof(const Proof& proof);
// Strict: success implies encode_proof(result) == encoded. Reason codes: the canonical Reader's (truncated,
// bad_tag, unsupported_version, bad_bool, trailing_bytes), bad_depth (more than 256 siblings), non_canonical (a
// bitmap padding bit set, or an all-zero sibling that should have been elided). Never checks the proof's meaning.
Result<Proof> decode_proof(ByteView encoded);

// JSON view (docs/state.md#json-view): {"siblings": ["<64 hex>", ...], "leaf": null | {"key": "<64 hex>",
// "value_hash": "<64 hex>"}}, every sibling listed (zeros for empty), lowercase hex. proof_from_json is strict:
// unknown fields, uppercase or prefixed hex and more than 256 siblings are invalid (bad_json, missing_field,
// bad_field, unknown_field), so it round-trips exactly with proof_to_json.
[[nodiscard]] codec::Json proof_to_json(const Proof& proof);
Result<Proof> proof_from_json(const codec::Json& json);

// What one commit() did, for benchmarks and tests.
struct CommitStats {
  std::size_t writes = 0;      // pending keys applied (puts and erases)
  std::size_t hashes = 0;      // SHA-256 calls: value hashes, leaf hashes, internal hashes
  std::size_t page_reads = 0;  // tree pages (4 levels each) read from the store
  std::size_t page_hits = 0;   // tree pages taken from the map's cache of upper pages instead
  std::size_t store_ops = 0;   // operations in the batch handed to the store
};

namespace detail {
// A tree node as held in memory; internal to AuthenticatedMap (declared here so the map can keep its root).
struct Node {
  enum class Kind : std::uint8_t { empty, leaf, internal, unloaded };  // unloaded: only `hash` is known
  Kind kind = Kind::empty;
  Hash256 hash{};
  Hash256 a{};  // leaf: key; internal: left child's hash
  Hash256 b{};  // leaf: value hash; internal: right child's hash
};
// The decoded upper pages a map keeps across commits (defined in smt.cc).
struct PageCache;
}  // namespace detail

class AuthenticatedMap {
 public:
  // A point in the pending overlay to roll back to. Checkpoints nest and must be closed (rolled back or released)
  // innermost first; misuse is a programming error (asserted).
  class Checkpoint {
   private:
    friend class AuthenticatedMap;
    std::size_t undo_size_ = 0;
    std::size_t values_size_ = 0;
    std::size_t level_ = 0;
  };

  // Opens the map stored in `store` (an empty store is the empty map). Reads the root node only.
  static Result<AuthenticatedMap> open(NodeStore& store);

  AuthenticatedMap(AuthenticatedMap&&) noexcept;
  AuthenticatedMap& operator=(AuthenticatedMap&&) noexcept;
  ~AuthenticatedMap();
  AuthenticatedMap(const AuthenticatedMap&) = delete;
  AuthenticatedMap& operator=(const AuthenticatedMap&) = delete;

  // The current value of `key`: its pending write if any, else the committed value; nullopt if absent.
  Result<std::optional<Bytes>> get(FixedView<32> key) const;
  // As get(), without copying: the value viewed where it lies (the pending overlay, the store's memory, or `scratch`).
  // The view is valid until the next put/erase/rollback/discard/commit or change of `scratch`.
  Result<std::optional<ByteView>> get_view(FixedView<32> key, Bytes& scratch) const;
  // Whether `key` currently has a value (pending writes first), without copying it.
  Result<bool> contains(FixedView<32> key) const;

  // Pending writes, visible to get() at once and to root()/prove() after commit(). Cannot fail.
  void put(FixedView<32> key, ByteView value);
  void erase(FixedView<32> key);  // erasing an absent key is allowed and changes nothing

  // Nested undo points over the pending writes: rollback() drops every put/erase made since `checkpoint` and
  // closes it; release() keeps them and closes it. Costs one undo entry per write while a checkpoint is open.
  [[nodiscard]] Checkpoint checkpoint();
  void rollback(const Checkpoint& checkpoint);
  void release(const Checkpoint& checkpoint);
  // Drops every pending write and open checkpoint.
  void discard();
  [[nodiscard]] std::size_t pending_count() const { return pending_.size(); }

  // Applies all pending writes as one batch update, writes one WriteBatch to the store and returns the new root.
  // No checkpoint may be open (asserted). With nothing pending, returns root() and writes nothing. On failure the
  // store, the root and the pending writes are unchanged.
  //
  // The map keeps the decoded pages of page levels 1-3 (tree depths 5-16: at most 16 + 256 + 4,096 pages, about
  // 2.9 KB each) that its commits have read or written, so a commit reads them from the store only once: every block
  // touches most of them. The cache is written through (each commit's batch still carries every changed page) and
  // dropped whole when a commit fails. It relies on this map being the only writer of its store, as stated above; a
  // page lost from the store below a cached level is noticed by prove() and by a map opened afresh, not by commit().
  //
  // Before building, a commit with pending writes reads the store's root record (one read) and fails with
  // error("diverged"), writing nothing and dropping the page cache, if it is not this map's root: the store was
  // written by another map, or writes staged under the map were rolled back (a discarded block). The map must then be
  // opened again. When the roots agree the stored tree is this map's tree (its pages are determined by its contents),
  // so the cached pages are the stored ones.
  Result<Hash256> commit();

  // The committed root (kEmptyHash for the empty map).
  [[nodiscard]] const Hash256& root() const { return root_.hash; }

  // An inclusion proof if `key` is committed, else a non-inclusion proof — against root(), ignoring pending writes.
  // Reads the nodes on the key's path.
  Result<Proof> prove(FixedView<32> key) const;

  [[nodiscard]] const CommitStats& last_commit_stats() const { return stats_; }

 private:
  // The latest pending write of one key: a put of values_[offset, offset + size), or an erase.
  struct Pending {
    Hash256 key{};
    bool is_put = false;
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  struct Undo {
    std::size_t entry = 0;  // index in pending_
    bool existed = false;   // whether the key had a pending write before (else the entry is the newest one)
    Pending previous;       // that write
  };

  explicit AuthenticatedMap(NodeStore& store);

  // ok if the store's root record is root_ (no record for the empty map); else drops the page cache, error("diverged").
  Status check_store_root();
  // The pending_ entry for `key`, or nullptr.
  [[nodiscard]] const Pending* find_pending(const Hash256& key) const;
  // Records a write of `key` (a put of `value`, or an erase when nullopt).
  void write_pending(const Hash256& key, std::optional<ByteView> value);
  void grow_index();
  void unindex_last();
  void clear_pending();

  NodeStore* store_;
  detail::Node root_;
  // The pending overlay, flat so that a write costs no allocation: one entry per key in first-write order, the values
  // in one arena (an overwrite appends; rollback truncates), and an open-addressing index (entry + 1; 0 = empty slot;
  // a power of two at most half full). Sorted by key only at commit().
  std::vector<Pending> pending_;
  Bytes values_;
  std::vector<std::uint32_t> index_;
  std::vector<Undo> undo_;
  std::size_t checkpoint_level_ = 0;
  WriteBatch batch_;                               // reused by every commit to keep its capacity
  std::unique_ptr<detail::PageCache> page_cache_;  // allocated by the first commit
  CommitStats stats_;
};

}  // namespace credence::core::smt
