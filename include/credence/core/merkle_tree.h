// Merkle trees bit-exact with OpenZeppelin's StandardMerkleTree (@openzeppelin/merkle-tree 1.0.8, format
// "standard-v1"), so that a distribution built here can be claimed on an EVM chain with OpenZeppelin's MerkleProof
// and a tree built by the JavaScript library loads here. Specification (formulas, layout, proof shapes, reason codes):
// docs/merkle.md. The JSON dump lives one layer up (credence/interop/oz_merkle.h).
//
//   leaf  = keccak256(keccak256(abi.encode(types, values)))
//   node  = keccak256(min(a, b) || max(a, b))            (32-byte big-endian comparison)
//   array = 2N-1 nodes; leaf k (after the optional sort) at index 2N-2-k; node i = node(tree[2i+1], tree[2i+2])
//
// Everything here is deterministic, single-threaded and I/O-free. The free functions are pure and thread-safe;
// StandardTree is an immutable value once built (safe to share between threads for reading). Nothing throws and
// nothing asserts on input: every failure is Status::invalid(reason) with a merkle_* code (or a codec abi_* code for a
// value that does not fit its type), listed in docs/merkle.md ("Reason codes").
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/abi.h"
#include "credence/codec/abi_type.h"
#include "credence/status.h"

namespace credence::core::merkle {

// A proof longer than this cannot come from a tree that fits in memory (2N-1 nodes, N < 2^63): verify_proof rejects
// it without hashing (merkle_proof_too_long), which bounds the work a claim can ask of the ledger.
inline constexpr std::size_t kMaxProofLength = 64;

// ---------------------------------------------------------------------------------------------------------------
// Hashing. Pure; leaf_hash fails only when `values` do not fit `types` (codec abi_value_mismatch).

// keccak256(keccak256(abi_encoding)): the leaf hash of an already ABI-encoded value.
[[nodiscard]] Hash256 leaf_hash_of_encoding(ByteView abi_encoding);
// out[i] = leaf_hash_of_encoding(encodings[i]) for every i (equal lengths, asserted), through keccak256_batch: about
// three times faster for encodings shorter than 136 bytes (e.g. (address, uint256)) on AVX2 CPUs.
void leaf_hashes_of_encodings(std::span<const ByteView> encodings, std::span<Hash256> out);
// The leaf hash of one tree value: `values` ABI-encoded as the tuple `types` (abi.encode(v1, …, vn)), hashed twice.
Result<Hash256> leaf_hash(std::span<const codec::AbiType> types, std::span<const codec::AbiValue> values);
// keccak256 of the two children in ascending byte order (OpenZeppelin Hashes.commutativeKeccak256).
[[nodiscard]] Hash256 node_hash(const Hash256& a, const Hash256& b);

// ---------------------------------------------------------------------------------------------------------------
// The array layout (OpenZeppelin core.ts). `tree` is the whole array; tree[0] is the root.

// Is `index` a leaf of a tree of `tree_length` nodes (in range, without a left child)?
[[nodiscard]] bool is_leaf_index(std::size_t tree_length, std::size_t index);

// The 2N-1 nodes over `leaves` taken in the given order (leaf k lands at 2N-2-k). No leaves: merkle_empty.
Result<std::vector<Hash256>> make_tree(std::span<const Hash256> leaves);

// What OpenZeppelin's isValidMerkleTree checks: the tree is not empty (merkle_empty), no node has a left child
// without a right one, i.e. the length is odd (merkle_incomplete_tree), and every inner node is the node hash of its
// children (merkle_node_mismatch, naming the first bad index). Costs one keccak per inner node.
Status validate_tree(std::span<const Hash256> tree);

// Sibling hashes from the leaf at `tree_index` up to the root (empty for a one-leaf tree). merkle_not_leaf when the
// index is out of range or names an inner node. Does not validate the tree.
Result<std::vector<Hash256>> tree_proof(std::span<const Hash256> tree, std::size_t tree_index);

// Folds h = node_hash(h, p) over the proof, starting at `leaf`. No length limit; allocation-free.
[[nodiscard]] Hash256 process_proof(const Hash256& leaf, std::span<const Hash256> proof);
// ok iff process_proof(leaf, proof) == root; merkle_root_mismatch otherwise, merkle_proof_too_long beyond
// kMaxProofLength items. This is the check a claim against a distribution runs: pair it with leaf_hash().
Status verify_proof(const Hash256& root, const Hash256& leaf, std::span<const Hash256> proof);

// A multiproof in OpenZeppelin's shape. `leaves` are ordered by descending tree index; for each flag the verifier
// takes a = next from the queue (leaves first, then computed nodes) and b = flag ? next from the queue : next proof
// item, and pushes node_hash(a, b).
struct MultiProof {
  std::vector<Hash256> leaves;
  std::vector<Hash256> proof;
  std::vector<bool> proof_flags;
  friend bool operator==(const MultiProof&, const MultiProof&) = default;
};

// The multiproof of the leaves at `tree_indices` (any order). merkle_not_leaf for an index that is not a leaf,
// merkle_duplicate_index when an index repeats. No indices: leaves = [], proof = [root], no flags.
Result<MultiProof> tree_multiproof(std::span<const Hash256> tree, std::span<const std::size_t> tree_indices);

// The root a multiproof commits to, with every invariant OpenZeppelin (JS and Solidity >= 4.9.2) enforces:
//   proof items >= false flags                                   else merkle_multiproof_short_proof;
//   leaves + proof items == flags + 1                            else merkle_multiproof_count_mismatch;
//   the queue never runs dry while flags remain                  else merkle_multiproof_underflow;
//   every proof item is consumed (when there is at least one flag) else merkle_multiproof_unused_proof.
// With no flags the root is the single leaf, or the single proof item when there are no leaves.
Result<Hash256> process_multiproof(const MultiProof& multiproof);
// ok iff process_multiproof succeeds and yields `root`; its reason code otherwise, or merkle_root_mismatch.
Status verify_multiproof(const Hash256& root, const MultiProof& multiproof);

// ---------------------------------------------------------------------------------------------------------------
// StandardTree: values of one leaf encoding, their tree, and where each value sits.

// One tree value: the values of one leaf, one per type of the leaf encoding.
using LeafValue = std::vector<codec::AbiValue>;

// A value and its tree index, in input order (OpenZeppelin's {value, treeIndex}).
struct TreeValue {
  LeafValue value;
  std::size_t tree_index = 0;
  friend bool operator==(const TreeValue&, const TreeValue&) = default;
};

// tree[i] = node_hash(tree[2i+1], tree[2i+2]) for every i in [first, last), on the calling thread, several at a time
// (keccak256_batch). The children of these nodes must be final and outside the range, as for the inner nodes of one
// depth.
void hash_node_range(std::span<Hash256> tree, std::size_t first, std::size_t last);

// How a tree's inner nodes get hashed. StandardTree calls hash_nodes once per depth, deepest first, with the inner
// nodes of that depth: all their children are final, and the nodes of one call do not depend on each other. The
// default runs hash_node_range on the calling thread; an application may split the range over threads (the core
// itself stays single-threaded and deterministic). An implementation must compute exactly hash_node_range's result:
// the tree is not re-checked.
class NodeHasher {
 public:
  virtual ~NodeHasher() = default;
  virtual void hash_nodes(std::span<Hash256> tree, std::size_t first, std::size_t last) const {
    hash_node_range(tree, first, last);
  }
};

struct TreeOptions {
  // Sort the leaf hashes ascending before laying them out (OpenZeppelin's default). Equal leaves are kept, in input
  // order.
  bool sort_leaves = true;
  // Hashes the inner nodes; nullptr for the default, sequential one. Borrowed for the call only.
  const NodeHasher* node_hasher = nullptr;
};

// A StandardMerkleTree multiproof with the values it proves: leaf_values[i] is the value index whose leaf hash is
// multiproof.leaves[i].
struct StandardMultiProof {
  std::vector<std::size_t> leaf_values;
  MultiProof multiproof;
  friend bool operator==(const StandardMultiProof&, const StandardMultiProof&) = default;
};

class StandardTree {
 public:
  // StandardMerkleTree.of(values, leafEncoding, {sortLeaves}). Every value must fit the encoding (abi_value_mismatch
  // with "values[i]" context); no values is merkle_empty. Costs 3N-1 keccak calls.
  static Result<StandardTree> of(std::vector<codec::AbiType> leaf_encoding, std::vector<LeafValue> values,
                                 TreeOptions options = {});
  // As of(), with leaf_hashes[i] = leaf_hash(leaf_encoding, values[i]) computed by the caller (e.g. in parallel).
  // Only the lengths are checked (merkle_value_count): the caller answers for the hashes, which is why the CLI and
  // benchmark hash with leaf_hash() itself. Costs N-1 keccak calls and a sort.
  static Result<StandardTree> of_hashed(std::vector<codec::AbiType> leaf_encoding, std::vector<LeafValue> values,
                                        std::vector<Hash256> leaf_hashes, TreeOptions options = {});
  // StandardMerkleTree.load() after the dump was parsed: everything OpenZeppelin's validate() checks — each value's
  // leaf hash equals tree[treeIndex] (merkle_tree_index_out_of_range, merkle_value_mismatch), then validate_tree() —
  // and, stricter than OpenZeppelin, that each value sits on a leaf (merkle_not_leaf), no two values share a leaf
  // (merkle_duplicate_tree_index) and there is one value per leaf (merkle_value_count). A dump written by
  // OpenZeppelin always passes these. Costs 3N-1 keccak calls.
  static Result<StandardTree> load(std::vector<codec::AbiType> leaf_encoding, std::vector<Hash256> tree,
                                   std::vector<TreeValue> values);

  [[nodiscard]] const Hash256& root() const { return tree_[0]; }
  [[nodiscard]] std::span<const Hash256> tree() const { return tree_; }
  [[nodiscard]] const std::vector<codec::AbiType>& leaf_encoding() const { return leaf_encoding_; }
  // The values in input order.
  [[nodiscard]] const std::vector<TreeValue>& values() const { return values_; }
  [[nodiscard]] std::size_t size() const { return values_.size(); }
  // The leaf hash of value `value_index` (< size(), asserted).
  [[nodiscard]] const Hash256& leaf(std::size_t value_index) const;

  // The proof of value `value_index`; merkle_index_out_of_range past the end. Allocation of depth hashes only.
  Result<std::vector<Hash256>> proof(std::size_t value_index) const;
  // The multiproof of the given value indices (OpenZeppelin getMultiProof(number[])): merkle_index_out_of_range,
  // merkle_duplicate_index.
  Result<StandardMultiProof> multiproof(std::span<const std::size_t> value_indices) const;

 private:
  StandardTree(std::vector<codec::AbiType> leaf_encoding, std::vector<Hash256> tree, std::vector<TreeValue> values)
      : leaf_encoding_(std::move(leaf_encoding)), tree_(std::move(tree)), values_(std::move(values)) {}

  std::vector<codec::AbiType> leaf_encoding_;
  std::vector<Hash256> tree_;
  std::vector<TreeValue> values_;
};

}  // namespace credence::core::merkle
