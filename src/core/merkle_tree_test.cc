// OpenZeppelin StandardMerkleTree compatibility: the published vectors (tests/vectors/core/oz_merkle.json), the
// failure reasons, and properties of random trees (every proof and multiproof verifies; altered ones do not).
#include "credence/core/merkle_tree.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"
#include "vectors.h"

namespace credence::core::merkle {
namespace {

using codec::AbiType;
using codec::AbiValue;

Hash256 h(const std::string& hex) {
  auto r = codec::hex_decode_fixed<32>(hex);
  EXPECT_TRUE(r.ok()) << hex;
  return r.ok() ? *r : Hash256{};
}

std::vector<Hash256> hashes(const nlohmann::json& j) {
  std::vector<Hash256> out;
  for (const auto& x : j) out.push_back(h(x.get<std::string>()));
  return out;
}

std::vector<AbiType> types_of(const nlohmann::json& j) {
  std::vector<AbiType> out;
  for (const auto& t : j) {
    auto parsed = codec::parse_abi_type(t.get<std::string>());
    EXPECT_TRUE(parsed.ok()) << parsed.status().to_string();
    if (parsed.ok()) out.push_back(*parsed);
  }
  return out;
}

LeafValue value_of(const std::vector<AbiType>& types, const nlohmann::json& j) {
  auto v = codec::abi_from_json(types, j);
  EXPECT_TRUE(v.ok()) << v.status().to_string() << " for " << j.dump();
  return v.ok() ? *v : LeafValue{};
}

std::vector<bool> flags_of(const nlohmann::json& j) {
  std::vector<bool> out;
  for (const auto& f : j) out.push_back(f.get<bool>());
  return out;
}

std::vector<std::size_t> indices_of(const nlohmann::json& j) {
  std::vector<std::size_t> out;
  for (const auto& i : j) out.push_back(i.get<std::size_t>());
  return out;
}

void check_tree_case(test::VectorCase& c) {
  const auto types = types_of(c.raw("leafEncoding"));
  std::vector<LeafValue> values;
  for (const auto& v : c.raw("values")) values.push_back(value_of(types, v));
  TreeOptions options;
  options.sort_leaves = c.boolean("sortLeaves");
  const Hash256 root = h(c.str("root"));
  const auto expected_tree = hashes(c.raw("tree"));
  const auto expected_indices = indices_of(c.raw("treeIndices"));

  auto tree = StandardTree::of(types, values, options);
  ASSERT_TRUE(tree.ok()) << tree.status().to_string();
  EXPECT_EQ(tree->root(), root);
  EXPECT_TRUE(std::equal(tree->tree().begin(), tree->tree().end(), expected_tree.begin(), expected_tree.end()));
  ASSERT_EQ(tree->size(), expected_indices.size());
  for (std::size_t i = 0; i < tree->size(); ++i) {
    EXPECT_EQ(tree->values()[i].tree_index, expected_indices[i]) << "value " << i;
    EXPECT_EQ(tree->values()[i].value, values[i]);
  }
  EXPECT_TRUE(validate_tree(tree->tree()).is_ok());

  // The same tree from leaf hashes computed outside, and from the published layout.
  std::vector<Hash256> leaf_hashes;
  for (const auto& v : values) leaf_hashes.push_back(*leaf_hash(types, v));
  auto hashed = StandardTree::of_hashed(types, values, leaf_hashes, options);
  ASSERT_TRUE(hashed.ok());
  EXPECT_EQ(hashed->root(), root);
  std::vector<TreeValue> loaded_values;
  for (std::size_t i = 0; i < values.size(); ++i) loaded_values.push_back(TreeValue{values[i], expected_indices[i]});
  auto loaded = StandardTree::load(types, expected_tree, loaded_values);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->root(), root);

  // make_tree over the leaves in layout order gives the same array.
  std::vector<Hash256> layout_leaves;
  for (std::size_t k = 0; k < values.size(); ++k) layout_leaves.push_back(expected_tree[expected_tree.size() - 1 - k]);
  auto made = make_tree(layout_leaves);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(*made, expected_tree);

  if (c.has("leafHashes")) {
    const auto expected_leaves = hashes(c.raw("leafHashes"));
    for (std::size_t i = 0; i < expected_leaves.size(); ++i) EXPECT_EQ(tree->leaf(i), expected_leaves[i]);
  }
  if (c.has("proofs")) {
    for (const auto& p : c.raw("proofs")) {
      const auto index = p.at("index").get<std::size_t>();
      const auto expected = hashes(p.at("proof"));
      auto proof = tree->proof(index);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(*proof, expected) << "proof of value " << index;
      EXPECT_TRUE(verify_proof(root, tree->leaf(index), expected).is_ok());
      EXPECT_TRUE(verify_proof(root, *leaf_hash(types, values[index]), expected).is_ok());
    }
  }
  if (c.has("multiproofs")) {
    for (const auto& m : c.raw("multiproofs")) {
      const auto indices = indices_of(m.at("indices"));
      auto mp = tree->multiproof(indices);
      ASSERT_TRUE(mp.ok()) << mp.status().to_string();
      const auto& expected_leaves = m.at("leaves");
      ASSERT_EQ(mp->leaf_values.size(), expected_leaves.size());
      for (std::size_t i = 0; i < expected_leaves.size(); ++i) {
        EXPECT_EQ(tree->values()[mp->leaf_values[i]].value, value_of(types, expected_leaves[i]));
        EXPECT_EQ(mp->multiproof.leaves[i], tree->leaf(mp->leaf_values[i]));
      }
      EXPECT_EQ(mp->multiproof.proof, hashes(m.at("proof")));
      EXPECT_EQ(mp->multiproof.proof_flags, flags_of(m.at("proofFlags")));
      EXPECT_TRUE(verify_multiproof(root, mp->multiproof).is_ok());
    }
  }
}

TEST(MerkleVectors, OpenZeppelin) {
  auto cases = test::load_vectors("core/oz_merkle.json");
  ASSERT_FALSE(cases.empty());
  std::size_t trees = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    c.str("provenance");
    const std::string kind = c.str("kind");
    if (kind == "tree") {
      check_tree_case(c);
      ++trees;
    } else if (kind == "proof_invalid") {
      const Status s = verify_proof(h(c.str("root")), h(c.str("leaf")), hashes(c.raw("proof")));
      EXPECT_EQ(s.code(), c.str("reason")) << s.to_string();
      EXPECT_TRUE(s.is_invalid());
    } else if (kind == "multiproof_check") {
      MultiProof mp{hashes(c.raw("leaves")), hashes(c.raw("proof")), flags_of(c.raw("proofFlags"))};
      const Status s = verify_multiproof(h(c.str("root")), mp);
      const std::string reason = c.str("reason");
      if (reason.empty()) {
        EXPECT_TRUE(s.is_ok()) << s.to_string();
      } else {
        EXPECT_EQ(s.code(), reason) << s.to_string();
        EXPECT_TRUE(s.is_invalid());
      }
    } else {
      ADD_FAILURE() << "unknown kind " << kind;
    }
  }
  EXPECT_GE(trees, 5u);
}

// ---------------------------------------------------------------------------------------------------------------
// Failure reasons

std::vector<AbiType> strings() {
  return {AbiType::string()};
}
std::vector<LeafValue> letters(std::size_t n) {
  std::vector<LeafValue> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({AbiValue::string(i < 26 ? std::string(1, static_cast<char>('a' + i)) : "v" + std::to_string(i))});
  }
  return out;
}

TEST(MerkleTree, EmptyInputs) {
  EXPECT_EQ(StandardTree::of(strings(), {}).status().code(), "merkle_empty");
  EXPECT_EQ(make_tree({}).status().code(), "merkle_empty");
  EXPECT_EQ(validate_tree({}).code(), "merkle_empty");
  EXPECT_EQ(StandardTree::load(strings(), {}, {}).status().code(), "merkle_empty");
}

TEST(MerkleTree, ValuesMustFitTheEncoding) {
  auto t = StandardTree::of({AbiType::address(), AbiType::uint(256)}, {{AbiValue::string("x"), AbiValue::from_u64(1)}});
  EXPECT_EQ(t.status().code(), "abi_value_mismatch");
  EXPECT_NE(t.status().message().find("values[0]"), std::string::npos) << t.status().to_string();
  EXPECT_EQ(StandardTree::of(strings(), {{}}).status().code(), "abi_value_mismatch");
  EXPECT_EQ(StandardTree::of_hashed(strings(), letters(2), {Hash256{}}).status().code(), "merkle_value_count");
}

TEST(MerkleTree, ProofRequests) {
  auto t = StandardTree::of(strings(), letters(6));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->proof(6).status().code(), "merkle_index_out_of_range");
  const std::vector<std::size_t> dup{1, 4, 1};
  EXPECT_EQ(t->multiproof(dup).status().code(), "merkle_duplicate_index");
  const std::vector<std::size_t> out_of_range{0, 9};
  EXPECT_EQ(t->multiproof(out_of_range).status().code(), "merkle_index_out_of_range");
  EXPECT_EQ(tree_proof(t->tree(), 4).status().code(), "merkle_not_leaf");
  EXPECT_EQ(tree_proof(t->tree(), 11).status().code(), "merkle_not_leaf");
  const std::vector<std::size_t> inner{7, 2};
  EXPECT_EQ(tree_multiproof(t->tree(), inner).status().code(), "merkle_not_leaf");
  const std::vector<std::size_t> twice{7, 7};
  EXPECT_EQ(tree_multiproof(t->tree(), twice).status().code(), "merkle_duplicate_index");
}

TEST(MerkleTree, ValidateTreeReasons) {
  auto t = StandardTree::of(strings(), letters(5));
  ASSERT_TRUE(t.ok());
  std::vector<Hash256> nodes(t->tree().begin(), t->tree().end());
  EXPECT_TRUE(validate_tree(nodes).is_ok());
  auto even = nodes;
  even.pop_back();
  EXPECT_EQ(validate_tree(even).code(), "merkle_incomplete_tree");
  auto changed = nodes;
  changed[3][0] ^= 1;
  EXPECT_EQ(validate_tree(changed).code(), "merkle_node_mismatch");
  // Equal children are fine: node(x, x) is defined.
  const Hash256 x = crypto::keccak256(as_bytes("x"));
  EXPECT_TRUE(validate_tree(std::vector<Hash256>{node_hash(x, x), x, x}).is_ok());
}

TEST(MerkleTree, LoadIsStricterWhereOpenZeppelinCannotProduceTheInput) {
  auto t = StandardTree::of(strings(), letters(3));
  ASSERT_TRUE(t.ok());
  const std::vector<Hash256> nodes(t->tree().begin(), t->tree().end());
  std::vector<TreeValue> values = t->values();
  EXPECT_TRUE(StandardTree::load(strings(), nodes, values).ok());
  auto fewer = values;
  fewer.pop_back();
  EXPECT_EQ(StandardTree::load(strings(), nodes, fewer).status().code(), "merkle_value_count");
  auto twice = values;
  twice.push_back(values[0]);
  EXPECT_EQ(StandardTree::load(strings(), nodes, twice).status().code(), "merkle_duplicate_tree_index");
  auto inner = values;
  inner[0].tree_index = 1;
  EXPECT_EQ(StandardTree::load(strings(), nodes, inner).status().code(), "merkle_not_leaf");
  auto outside = values;
  outside[0].tree_index = 5;
  EXPECT_EQ(StandardTree::load(strings(), nodes, outside).status().code(), "merkle_tree_index_out_of_range");
}

TEST(MerkleTree, NodeHashIsCommutative) {
  const Hash256 a = crypto::keccak256(as_bytes("a"));
  const Hash256 b = crypto::keccak256(as_bytes("b"));
  EXPECT_EQ(node_hash(a, b), node_hash(b, a));
  Bytes pair(a.begin(), a.end());
  pair.insert(pair.end(), b.begin(), b.end());
  if (!std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end())) {
    pair.assign(b.begin(), b.end());
    pair.insert(pair.end(), a.begin(), a.end());
  }
  EXPECT_EQ(node_hash(a, b), crypto::keccak256(pair));
}

// A hasher that splits every depth in two and hashes the upper half first, counting its calls.
class SplitHasher final : public NodeHasher {
 public:
  void hash_nodes(std::span<Hash256> tree, std::size_t first, std::size_t last) const override {
    ++calls;
    const std::size_t mid = first + (last - first) / 2;
    hash_node_range(tree, mid, last);
    hash_node_range(tree, first, mid);
  }
  mutable std::size_t calls = 0;
};

TEST(MerkleTree, InjectedNodeHasherGivesTheSameTree) {
  for (const std::size_t n : {1U, 2U, 3U, 4U, 5U, 17U, 64U, 100U}) {
    const SplitHasher hasher;
    TreeOptions options;
    options.node_hasher = &hasher;
    auto plain = StandardTree::of(strings(), letters(n));
    auto split = StandardTree::of(strings(), letters(n), options);
    ASSERT_TRUE(plain.ok() && split.ok());
    EXPECT_TRUE(std::equal(plain->tree().begin(), plain->tree().end(), split->tree().begin(), split->tree().end()));
    // One call per depth that has inner nodes: ceil(log2(n)) of them.
    std::size_t depths = 0;
    while ((std::size_t{1} << depths) < n) ++depths;
    EXPECT_EQ(hasher.calls, depths) << n;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Properties of random trees

std::vector<AbiType> bytes32_strings() {
  return {AbiType::fixed_bytes(32), AbiType::string()};
}

StandardTree random_tree() {
  const auto n = *rc::gen::inRange<std::size_t>(1, 70);
  std::vector<LeafValue> values;
  for (std::size_t i = 0; i < n; ++i) {
    // Few distinct values, so that equal leaves occur.
    const auto seed = *rc::gen::inRange<int>(0, static_cast<int>(n) + 3);
    const Hash256 b = crypto::keccak256(as_bytes(std::to_string(seed)));
    values.push_back(
        {AbiValue::fixed_bytes(b), AbiValue::string(std::string(static_cast<std::size_t>(seed % 5), 'x'))});
  }
  TreeOptions options;
  options.sort_leaves = *rc::gen::arbitrary<bool>();
  auto t = StandardTree::of(bytes32_strings(), std::move(values), options);
  RC_ASSERT(t.ok());
  return std::move(*t);
}

RC_GTEST_PROP(MerkleProps, EveryProofVerifies, ()) {
  const StandardTree t = random_tree();
  RC_ASSERT(validate_tree(t.tree()).is_ok());
  for (std::size_t i = 0; i < t.size(); ++i) {
    auto proof = t.proof(i);
    RC_ASSERT(proof.ok());
    RC_ASSERT(verify_proof(t.root(), t.leaf(i), *proof).is_ok());
    RC_ASSERT(t.leaf(i) == *leaf_hash(t.leaf_encoding(), t.values()[i].value));
  }
}

RC_GTEST_PROP(MerkleProps, MultiproofsVerifyAndAlteredOnesDoNot, ()) {
  const StandardTree t = random_tree();
  std::vector<std::size_t> all(t.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  std::vector<std::size_t> picked;
  for (const std::size_t i : all) {
    if (*rc::gen::arbitrary<bool>()) picked.push_back(i);
  }
  auto mp = t.multiproof(picked);
  RC_ASSERT(mp.ok());
  RC_ASSERT(verify_multiproof(t.root(), mp->multiproof).is_ok());
  RC_ASSERT(mp->leaf_values.size() == picked.size());

  MultiProof altered = mp->multiproof;
  switch (*rc::gen::inRange(0, 4)) {
    case 0:  // flip a bit of a proof item or a leaf
      if (!altered.proof.empty()) {
        altered.proof[*rc::gen::inRange<std::size_t>(0, altered.proof.size())][31] ^= 1;
      } else {
        altered.leaves[*rc::gen::inRange<std::size_t>(0, altered.leaves.size())][0] ^= 0x80;
      }
      break;
    case 1:  // flip a flag
      if (altered.proof_flags.empty()) return;
      {
        const auto f = *rc::gen::inRange<std::size_t>(0, altered.proof_flags.size());
        altered.proof_flags[f] = !altered.proof_flags[f];
      }
      break;
    case 2:  // drop a leaf
      if (altered.leaves.empty()) return;
      altered.leaves.erase(altered.leaves.begin() +
                           static_cast<std::ptrdiff_t>(*rc::gen::inRange<std::size_t>(0, altered.leaves.size())));
      break;
    default:  // append a proof item
      altered.proof.push_back(t.root());
      break;
  }
  RC_ASSERT(!(altered == mp->multiproof));
  // A changed hash changes the root; a flipped flag, a dropped leaf or an extra proof item breaks the counting
  // invariants (a flag turned true leaves the queue one hash short, one turned false the proof one item short).
  RC_ASSERT(verify_multiproof(t.root(), altered).is_invalid());
}

}  // namespace
}  // namespace credence::core::merkle
