// Multiproof verification (core/merkle_tree.h process_multiproof / verify_multiproof) on arbitrary shapes. The input
// picks a tree of 1..64 leaves and then either
//  - a set of leaves: tree_multiproof of it must verify, with our verifier and with the reference below; or
//  - a raw multiproof (leaves, proof items and flags drawn from the tree's nodes and from the input): the verifier
//    must agree with a small reference written here from OpenZeppelin's processMultiProof (queue of leaves then
//    computed hashes, proof cursor, the two counting checks, every proof item consumed) — same success, same root —
//    and never crash.
// Seeds (fuzz/corpus/merkle_multiproof/): a few shapes of each kind.
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "credence/core/merkle_tree.h"
#include "credence/crypto/hash.h"
#include "fuzz_support.h"

namespace {

using credence::fuzz::require;
using namespace credence;
using namespace credence::core::merkle;

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }  // NOLINT: bounds-checked reader
  [[nodiscard]] bool done() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// The reference: OpenZeppelin's processMultiProof, step by step.
std::optional<Hash256> reference(const MultiProof& m) {
  std::size_t false_flags = 0;
  for (const bool f : m.proof_flags) false_flags += f ? 0 : 1;
  if (m.proof.size() < false_flags) return std::nullopt;
  if (m.leaves.size() + m.proof.size() != m.proof_flags.size() + 1) return std::nullopt;
  std::deque<Hash256> queue(m.leaves.begin(), m.leaves.end());
  std::deque<Hash256> proof(m.proof.begin(), m.proof.end());
  for (const bool f : m.proof_flags) {
    if (queue.empty()) return std::nullopt;
    const Hash256 a = queue.front();
    queue.pop_front();
    std::deque<Hash256>& from = f ? queue : proof;
    if (from.empty()) return std::nullopt;
    const Hash256 b = from.front();
    from.pop_front();
    queue.push_back(node_hash(a, b));
  }
  if (queue.size() + proof.size() != 1) return std::nullopt;
  return queue.empty() ? proof.front() : queue.back();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const std::size_t leaves = 1 + in.byte() % 64;
  std::vector<Hash256> leaf_hashes;
  for (std::size_t i = 0; i < leaves; ++i) {
    const std::uint8_t seed[2] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)};
    leaf_hashes.push_back(crypto::keccak256(seed));
  }
  auto made = make_tree(leaf_hashes);
  require(made.ok());
  const std::vector<Hash256>& tree = *made;
  const Hash256& root = tree[0];

  if ((in.byte() & 1) == 0) {
    // A set of leaves (possibly with repeats, which must be refused).
    std::vector<std::size_t> indices;
    const std::size_t count = in.byte() % (leaves + 2);
    bool repeated = false;
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t t = leaves - 1 + in.byte() % leaves;
      for (const std::size_t u : indices) repeated = repeated || u == t;
      indices.push_back(t);
    }
    auto mp = tree_multiproof(tree, indices);
    if (repeated) {
      require(!mp.ok() && mp.status().code() == "merkle_duplicate_index");
      return 0;
    }
    require(mp.ok());
    require(verify_multiproof(root, *mp).is_ok());
    require(reference(*mp) == root);
    return 0;
  }

  // A raw multiproof.
  MultiProof m;
  const auto pick = [&]() -> Hash256 {
    const std::uint8_t b = in.byte();
    if (b < 200) return tree[b % tree.size()];
    Hash256 h{};
    h[0] = b;
    return h;
  };
  const std::size_t n_leaves = in.byte() % 16;
  const std::size_t n_proof = in.byte() % 16;
  const std::size_t n_flags = in.byte() % 32;
  for (std::size_t i = 0; i < n_leaves; ++i) m.leaves.push_back(pick());
  for (std::size_t i = 0; i < n_proof; ++i) m.proof.push_back(pick());
  for (std::size_t i = 0; i < n_flags; ++i) m.proof_flags.push_back((in.byte() & 1) != 0);
  const auto ours = process_multiproof(m);
  const auto ref = reference(m);
  require(ours.ok() == ref.has_value());
  if (ours.ok()) {
    require(*ours == *ref);
    require(verify_multiproof(*ours, m).is_ok());
  } else {
    require(ours.status().is_invalid());
  }
  return 0;
}
