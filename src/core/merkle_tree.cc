#include "credence/core/merkle_tree.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "credence/crypto/hash.h"

namespace credence::core::merkle {

namespace {

// Parent and sibling in the array layout; both need i > 0.
std::size_t parent_index(std::size_t i) {
  return (i - 1) / 2;
}
std::size_t sibling_index(std::size_t i) {
  return i % 2 == 1 ? i + 1 : i - 1;
}

// "[i]". (Built by appending: GCC 12 at -O3 warns falsely, -Wrestrict, on "[" + std::to_string(i) + "]".)
std::string at(std::size_t i) {
  std::string s = "[";
  s += std::to_string(i);
  s += ']';
  return s;
}

// min(a, b) || max(a, b), comparing as 32-byte big-endian numbers.
void sorted_pair(const Hash256& a, const Hash256& b, std::array<std::uint8_t, 64>& out) {
  const bool a_first = std::memcmp(a.data(), b.data(), a.size()) <= 0;
  const Hash256& lo = a_first ? a : b;
  const Hash256& hi = a_first ? b : a;
  std::memcpy(out.data(), lo.data(), lo.size());
  std::memcpy(out.data() + lo.size(), hi.data(), hi.size());
}

// Nodes hashed per keccak256_batch call.
constexpr std::size_t kNodeGroup = 32;

// out[k] = node_hash of the children of node first + k, for k < n <= kNodeGroup, four at a time.
void hash_children(std::span<const Hash256> tree, std::size_t first, std::size_t n,
                   std::array<Hash256, kNodeGroup>& out) {
  std::array<std::array<std::uint8_t, 64>, kNodeGroup> pairs;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<ByteView, kNodeGroup> views;
  for (std::size_t k = 0; k < n; ++k) {
    sorted_pair(tree[2 * (first + k) + 1], tree[2 * (first + k) + 2], pairs[k]);
    views[k] = pairs[k];
  }
  crypto::keccak256_batch(std::span(views.data(), n), std::span(out.data(), n));
}

Status index_out_of_range(std::size_t index, std::size_t size) {
  return Status::invalid("merkle_index_out_of_range",
                         "value index " + std::to_string(index) + " with " + std::to_string(size) + " values");
}

// Hashes the inner nodes of an array of 2N-1 nodes whose leaves are in place: one hasher call per depth, deepest
// first. The inner nodes are 0 .. N-2; those of depth d are 2^d - 1 .. 2^(d+1) - 2.
void hash_inner_nodes(std::vector<Hash256>& tree, const NodeHasher* hasher) {
  static const NodeHasher kSequential;
  const NodeHasher& h = hasher != nullptr ? *hasher : kSequential;
  const std::size_t inner = tree.size() / 2;
  if (inner == 0) return;
  std::size_t depth_start = 1;  // 2^d for the deepest d with 2^d - 1 < inner
  while (depth_start * 2 - 1 < inner) depth_start *= 2;
  for (; depth_start > 0; depth_start /= 2) {
    h.hash_nodes(tree, depth_start - 1, std::min(depth_start * 2 - 1, inner));
  }
}

const LeafValue& value_of(const LeafValue& v) {
  return v;
}
const LeafValue& value_of(const TreeValue& v) {
  return v.value;
}

// hashes[i] = leaf_hash(types, value i) for every value, in batches; the first value that does not fit the types
// fails with "values[i]" context.
template <typename Values>
Status hash_values(std::span<const codec::AbiType> types, const Values& values, std::span<Hash256> hashes) {
  constexpr std::size_t kChunk = 256;
  std::vector<Bytes> encodings;
  std::vector<ByteView> views;
  for (std::size_t start = 0; start < values.size(); start += kChunk) {
    const std::size_t end = std::min(values.size(), start + kChunk);
    encodings.clear();
    views.clear();
    for (std::size_t i = start; i < end; ++i) {
      auto e = codec::abi_encode(types, value_of(values[i]));
      if (!e) return e.status().with_context("values" + at(i));
      encodings.push_back(std::move(*e));
    }
    for (const auto& e : encodings) views.emplace_back(e);
    leaf_hashes_of_encodings(views, hashes.subspan(start, end - start));
  }
  return Status::ok();
}

}  // namespace

Hash256 leaf_hash_of_encoding(ByteView abi_encoding) {
  const Hash256 inner = crypto::keccak256(abi_encoding);
  return crypto::keccak256(inner);
}

Result<Hash256> leaf_hash(std::span<const codec::AbiType> types, std::span<const codec::AbiValue> values) {
  CREDENCE_ASSIGN_OR_RETURN(const Bytes encoded, codec::abi_encode(types, values));
  return leaf_hash_of_encoding(encoded);
}

Hash256 node_hash(const Hash256& a, const Hash256& b) {
  std::array<std::uint8_t, 64> pair;  // NOLINT(cppcoreguidelines-pro-type-member-init): filled by sorted_pair
  sorted_pair(a, b, pair);
  return crypto::keccak256(pair);
}

void leaf_hashes_of_encodings(std::span<const ByteView> encodings, std::span<Hash256> out) {
  assert(encodings.size() == out.size());
  constexpr std::size_t kGroup = 64;
  std::array<Hash256, kGroup> inner;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<ByteView, kGroup> inner_views;
  for (std::size_t i = 0; i < encodings.size(); i += kGroup) {
    const std::size_t n = std::min(kGroup, encodings.size() - i);
    crypto::keccak256_batch(encodings.subspan(i, n), std::span(inner.data(), n));
    for (std::size_t k = 0; k < n; ++k) inner_views[k] = inner[k];
    crypto::keccak256_batch(std::span(inner_views.data(), n), out.subspan(i, n));
  }
}

void hash_node_range(std::span<Hash256> tree, std::size_t first, std::size_t last) {
  std::array<Hash256, kNodeGroup> digests;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (std::size_t i = first; i < last; i += kNodeGroup) {
    const std::size_t n = std::min(kNodeGroup, last - i);
    hash_children(tree, i, n, digests);
    std::copy_n(digests.begin(), n, tree.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

bool is_leaf_index(std::size_t tree_length, std::size_t index) {
  // No left child: 2i + 1 >= length (written so that it cannot overflow).
  return index < tree_length && index >= tree_length / 2;
}

Result<std::vector<Hash256>> make_tree(std::span<const Hash256> leaves) {
  if (leaves.empty()) return Status::invalid("merkle_empty", "a tree needs at least one leaf");
  std::vector<Hash256> tree(2 * leaves.size() - 1);
  for (std::size_t k = 0; k < leaves.size(); ++k) tree[tree.size() - 1 - k] = leaves[k];
  hash_inner_nodes(tree, nullptr);
  return tree;
}

Status validate_tree(std::span<const Hash256> tree) {
  if (tree.empty()) return Status::invalid("merkle_empty", "the tree has no nodes");
  if (tree.size() % 2 == 0) {
    return Status::invalid("merkle_incomplete_tree",
                           "node " + std::to_string(tree.size() / 2 - 1) + " has a left child but no right child");
  }
  // Batches of inner nodes recomputed from their children (as stored) and compared.
  const std::size_t inner = tree.size() / 2;
  std::array<Hash256, kNodeGroup> digests;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (std::size_t i = 0; i < inner; i += kNodeGroup) {
    const std::size_t n = std::min(kNodeGroup, inner - i);
    hash_children(tree, i, n, digests);
    for (std::size_t k = 0; k < n; ++k) {
      if (tree[i + k] != digests[k]) {
        return Status::invalid("merkle_node_mismatch", "tree" + at(i + k) + " is not the hash of its children");
      }
    }
  }
  return Status::ok();
}

Result<std::vector<Hash256>> tree_proof(std::span<const Hash256> tree, std::size_t tree_index) {
  if (!is_leaf_index(tree.size(), tree_index)) {
    return Status::invalid("merkle_not_leaf", "tree index " + std::to_string(tree_index) + " is not a leaf");
  }
  std::vector<Hash256> proof;
  for (std::size_t i = tree_index; i > 0; i = parent_index(i)) proof.push_back(tree[sibling_index(i)]);
  return proof;
}

Hash256 process_proof(const Hash256& leaf, std::span<const Hash256> proof) {
  Hash256 h = leaf;
  for (const Hash256& p : proof) h = node_hash(h, p);
  return h;
}

Status verify_proof(const Hash256& root, const Hash256& leaf, std::span<const Hash256> proof) {
  if (proof.size() > kMaxProofLength) {
    return Status::invalid("merkle_proof_too_long",
                           std::to_string(proof.size()) + " proof items, at most " + std::to_string(kMaxProofLength));
  }
  if (process_proof(leaf, proof) != root) {
    return Status::invalid("merkle_root_mismatch", "the proof leads to another root");
  }
  return Status::ok();
}

Result<MultiProof> tree_multiproof(std::span<const Hash256> tree, std::span<const std::size_t> tree_indices) {
  for (const std::size_t i : tree_indices) {
    if (!is_leaf_index(tree.size(), i)) {
      return Status::invalid("merkle_not_leaf", "tree index " + std::to_string(i) + " is not a leaf");
    }
  }
  // A queue that only grows at the back: a vector and a read position.
  std::vector<std::size_t> queue(tree_indices.begin(), tree_indices.end());
  std::sort(queue.begin(), queue.end(), std::greater<>());
  if (const auto dup = std::adjacent_find(queue.begin(), queue.end()); dup != queue.end()) {
    return Status::invalid("merkle_duplicate_index", "tree index " + std::to_string(*dup) + " appears twice");
  }
  MultiProof out;
  out.leaves.reserve(queue.size());
  for (const std::size_t i : queue) out.leaves.push_back(tree[i]);
  queue.reserve(2 * queue.size());
  std::size_t head = 0;
  while (head < queue.size() && queue[head] > 0) {
    const std::size_t j = queue[head++];
    const std::size_t s = sibling_index(j);
    if (head < queue.size() && queue[head] == s) {
      out.proof_flags.push_back(true);
      ++head;
    } else {
      out.proof_flags.push_back(false);
      out.proof.push_back(tree[s]);
    }
    queue.push_back(parent_index(j));
  }
  if (tree_indices.empty()) out.proof.push_back(tree[0]);
  return out;
}

Result<Hash256> process_multiproof(const MultiProof& multiproof) {
  const auto& leaves = multiproof.leaves;
  const auto& proof = multiproof.proof;
  const auto& flags = multiproof.proof_flags;
  const auto false_flags = static_cast<std::size_t>(std::count(flags.begin(), flags.end(), false));
  if (proof.size() < false_flags) {
    return Status::invalid("merkle_multiproof_short_proof", std::to_string(proof.size()) + " proof items for " +
                                                                std::to_string(false_flags) + " false flags");
  }
  if (leaves.size() + proof.size() != flags.size() + 1) {
    return Status::invalid("merkle_multiproof_count_mismatch",
                           std::to_string(leaves.size()) + " leaves + " + std::to_string(proof.size()) +
                               " proof items != " + std::to_string(flags.size()) + " flags + 1");
  }
  // The queue holds the leaves, then every computed node; flags.size() <= leaves + proof here.
  std::vector<Hash256> queue;
  queue.reserve(leaves.size() + flags.size());
  queue.insert(queue.end(), leaves.begin(), leaves.end());
  std::size_t head = 0;
  std::size_t proof_pos = 0;
  for (std::size_t f = 0; f < flags.size(); ++f) {
    if (head >= queue.size()) {
      return Status::invalid("merkle_multiproof_underflow", "no hash left for flag " + std::to_string(f));
    }
    const Hash256 a = queue[head++];
    Hash256 b;
    if (flags[f]) {
      if (head >= queue.size()) {
        return Status::invalid("merkle_multiproof_underflow", "no hash left for flag " + std::to_string(f));
      }
      b = queue[head++];
    } else {
      if (proof_pos >= proof.size()) {
        return Status::invalid("merkle_multiproof_underflow", "no proof item left for flag " + std::to_string(f));
      }
      b = proof[proof_pos++];
    }
    queue.push_back(node_hash(a, b));
  }
  if (!flags.empty()) {
    if (proof_pos != proof.size()) {
      return Status::invalid("merkle_multiproof_unused_proof",
                             std::to_string(proof.size() - proof_pos) + " proof items left over");
    }
    return queue.back();
  }
  // No flags: exactly one leaf or one proof item (count check above).
  return leaves.empty() ? proof[0] : leaves[0];
}

Status verify_multiproof(const Hash256& root, const MultiProof& multiproof) {
  CREDENCE_ASSIGN_OR_RETURN(const Hash256 computed, process_multiproof(multiproof));
  if (computed != root) return Status::invalid("merkle_root_mismatch", "the multiproof leads to another root");
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------------------------
// StandardTree

Result<StandardTree> StandardTree::of(std::vector<codec::AbiType> leaf_encoding, std::vector<LeafValue> values,
                                      TreeOptions options) {
  std::vector<Hash256> hashes(values.size());
  CREDENCE_RETURN_IF_ERROR(hash_values(leaf_encoding, values, hashes));
  return of_hashed(std::move(leaf_encoding), std::move(values), std::move(hashes), options);
}

Result<StandardTree> StandardTree::of_hashed(std::vector<codec::AbiType> leaf_encoding, std::vector<LeafValue> values,
                                             std::vector<Hash256> leaf_hashes, TreeOptions options) {
  if (values.empty()) return Status::invalid("merkle_empty", "a tree needs at least one value");
  if (leaf_hashes.size() != values.size()) {
    return Status::invalid("merkle_value_count", std::to_string(values.size()) + " values but " +
                                                     std::to_string(leaf_hashes.size()) + " leaf hashes");
  }
  const std::size_t n = values.size();
  // order[k] = the value whose leaf is leaf k. Sorting by (hash, value index) keeps equal leaves in input order, as
  // the JavaScript library's stable sort does. The sort moves 16-byte keys (the hash's first 8 bytes, big-endian,
  // and the index) and reads the whole hashes only when the first 8 bytes tie.
  struct Key {
    std::uint64_t prefix;
    std::size_t index;
  };
  std::vector<Key> order(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t prefix = 0;
    for (std::size_t b = 0; b < 8; ++b) prefix = prefix << 8 | leaf_hashes[i][b];
    order[i] = Key{prefix, i};
  }
  if (options.sort_leaves) {
    // A counting pass on the top bits (about log2 N of them, at most 16) puts every key in its bucket, then each
    // small bucket is sorted by the full order: the same result as one comparison sort of all keys, faster for large N.
    const auto less = [&leaf_hashes](const Key& x, const Key& y) {
      if (x.prefix != y.prefix) return x.prefix < y.prefix;
      const int c = std::memcmp(leaf_hashes[x.index].data(), leaf_hashes[y.index].data(), sizeof(Hash256));
      return c < 0 || (c == 0 && x.index < y.index);
    };
    const int bits = std::clamp(static_cast<int>(std::bit_width(n)) - 1, 1, 16);
    const int shift = 64 - bits;
    std::vector<std::size_t> starts((std::size_t{1} << bits) + 1, 0);
    for (const Key& k : order) ++starts[(k.prefix >> shift) + 1];
    for (std::size_t b = 1; b < starts.size(); ++b) starts[b] += starts[b - 1];
    std::vector<Key> bucketed(n);
    std::vector<std::size_t> next(starts.begin(), starts.end() - 1);
    for (const Key& k : order) bucketed[next[k.prefix >> shift]++] = k;
    for (std::size_t b = 0; b + 1 < starts.size(); ++b) {
      std::sort(bucketed.begin() + static_cast<std::ptrdiff_t>(starts[b]),
                bucketed.begin() + static_cast<std::ptrdiff_t>(starts[b + 1]), less);
    }
    order = std::move(bucketed);
  }
  std::vector<Hash256> tree(2 * n - 1);
  std::vector<TreeValue> tree_values(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t tree_index = tree.size() - 1 - k;
    const std::size_t v = order[k].index;
    tree[tree_index] = leaf_hashes[v];
    tree_values[v] = TreeValue{std::move(values[v]), tree_index};
  }
  leaf_hashes = {};
  hash_inner_nodes(tree, options.node_hasher);
  return StandardTree(std::move(leaf_encoding), std::move(tree), std::move(tree_values));
}

Result<StandardTree> StandardTree::load(std::vector<codec::AbiType> leaf_encoding, std::vector<Hash256> tree,
                                        std::vector<TreeValue> values) {
  if (tree.empty()) return Status::invalid("merkle_empty", "the tree has no nodes");
  std::vector<bool> taken(tree.size(), false);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::size_t t = values[i].tree_index;
    const std::string where = "values" + at(i);
    if (t >= tree.size()) {
      return Status::invalid("merkle_tree_index_out_of_range",
                             where + ": tree index " + std::to_string(t) + " of " + std::to_string(tree.size()));
    }
    if (!is_leaf_index(tree.size(), t)) {
      return Status::invalid("merkle_not_leaf", where + ": tree index " + std::to_string(t) + " is not a leaf");
    }
    if (taken[t]) {
      return Status::invalid("merkle_duplicate_tree_index",
                             where + ": tree index " + std::to_string(t) + " already holds a value");
    }
    taken[t] = true;
  }
  std::vector<Hash256> hashes(values.size());
  CREDENCE_RETURN_IF_ERROR(hash_values(leaf_encoding, values, hashes));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (hashes[i] != tree[values[i].tree_index]) {
      return Status::invalid("merkle_value_mismatch",
                             "values" + at(i) + ": its leaf hash is not tree" + at(values[i].tree_index));
    }
  }
  CREDENCE_RETURN_IF_ERROR(validate_tree(tree));
  const std::size_t leaves = tree.size() - tree.size() / 2;
  if (values.size() != leaves) {
    return Status::invalid("merkle_value_count",
                           std::to_string(values.size()) + " values for " + std::to_string(leaves) + " leaves");
  }
  return StandardTree(std::move(leaf_encoding), std::move(tree), std::move(values));
}

const Hash256& StandardTree::leaf(std::size_t value_index) const {
  assert(value_index < values_.size());
  return tree_[values_[value_index].tree_index];
}

Result<std::vector<Hash256>> StandardTree::proof(std::size_t value_index) const {
  if (value_index >= values_.size()) return index_out_of_range(value_index, values_.size());
  return tree_proof(tree_, values_[value_index].tree_index);
}

Result<StandardMultiProof> StandardTree::multiproof(std::span<const std::size_t> value_indices) const {
  // (tree index, value index), by descending tree index: the order of the multiproof's leaves.
  std::vector<std::pair<std::size_t, std::size_t>> picked;
  picked.reserve(value_indices.size());
  for (const std::size_t v : value_indices) {
    if (v >= values_.size()) return index_out_of_range(v, values_.size());
    picked.emplace_back(values_[v].tree_index, v);
  }
  std::sort(picked.begin(), picked.end(), std::greater<>());
  std::vector<std::size_t> tree_indices;
  tree_indices.reserve(picked.size());
  for (const auto& p : picked) tree_indices.push_back(p.first);
  auto mp = tree_multiproof(tree_, tree_indices);
  if (!mp) {
    if (mp.status().code() == "merkle_duplicate_index") {
      return Status::invalid("merkle_duplicate_index", "a value index appears twice");
    }
    return mp.status();
  }
  StandardMultiProof out;
  out.leaf_values.reserve(picked.size());
  for (const auto& p : picked) out.leaf_values.push_back(p.second);
  out.multiproof = std::move(*mp);
  return out;
}

}  // namespace credence::core::merkle
