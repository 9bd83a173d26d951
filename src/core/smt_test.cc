#include "credence/core/smt.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/core/node_store.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"

namespace credence::core::smt {
namespace {

// ---------------------------------------------------------------------------------------------------------------
// Reference model: a std::map, with the root and proofs recomputed from scratch by the definition in
// docs/state.md, written out independently of smt.cc (its own preimages, its own recursion over the whole set).

using Model = std::map<Hash256, Bytes>;

bool bit(const Hash256& key, std::size_t i) {
  return ((key[i / 8] >> (7 - i % 8)) & 1) != 0;
}

Hash256 ref_leaf(const Hash256& key, const Bytes& value) {
  Bytes pre{0x00};
  pre.insert(pre.end(), key.begin(), key.end());
  const Hash256 vh = crypto::sha256(value);
  pre.insert(pre.end(), vh.begin(), vh.end());
  return crypto::sha256(pre);
}

Hash256 ref_internal(const Hash256& left, const Hash256& right) {
  Bytes pre{0x01};
  pre.insert(pre.end(), left.begin(), left.end());
  pre.insert(pre.end(), right.begin(), right.end());
  return crypto::sha256(pre);
}

using Entries = std::vector<std::pair<Hash256, Bytes>>;

// Hash of the subtree at `depth` holding exactly `entries` (which all share their first `depth` bits).
Hash256 ref_hash(std::size_t depth, const Entries& entries) {
  if (entries.empty()) return Hash256{};
  if (entries.size() == 1) return ref_leaf(entries[0].first, entries[0].second);
  Entries left;
  Entries right;
  for (const auto& e : entries) (bit(e.first, depth) ? right : left).push_back(e);
  return ref_internal(ref_hash(depth + 1, left), ref_hash(depth + 1, right));
}

Hash256 ref_root(const Model& m) {
  return ref_hash(0, Entries(m.begin(), m.end()));
}

Proof ref_proof(const Model& m, const Hash256& key) {
  Proof p;
  Entries here(m.begin(), m.end());
  for (std::size_t depth = 0;; ++depth) {
    if (here.empty()) return p;
    if (here.size() == 1) {
      p.leaf = ProofLeaf{here[0].first, crypto::sha256(here[0].second)};
      return p;
    }
    Entries same;
    Entries other;
    for (const auto& e : here) (bit(e.first, depth) == bit(key, depth) ? same : other).push_back(e);
    p.siblings.push_back(ref_hash(depth + 1, other));
    here = std::move(same);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

Hash256 key_of(std::string_view label) {
  return crypto::sha256(as_bytes(label));
}
Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Hash256 flip(Hash256 k, std::size_t i) {
  k[i / 8] = static_cast<std::uint8_t>(k[i / 8] ^ (0x80u >> (i % 8)));
  return k;
}

std::uint32_t next_u32(crypto::RandomSource& rng) {
  const auto b = rng.bytes<4>();
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

// Keys chosen to exercise the tree's shapes: random keys, and neighbours sharing long prefixes with them (down to
// differing only in the last bit), plus the all-zero and all-one keys.
std::vector<Hash256> key_pool(std::uint64_t seed) {
  crypto::DeterministicRandom rng(seed);
  std::vector<Hash256> pool;
  pool.reserve(16);
  for (int i = 0; i < 8; ++i) pool.push_back(rng.bytes<32>());
  pool.push_back(flip(pool[0], 255));
  pool.push_back(flip(pool[0], 254));
  pool.push_back(flip(pool[0], 100));
  pool.push_back(flip(pool[1], 0));
  pool.push_back(flip(pool[1], 7));
  pool.push_back(flip(flip(pool[0], 255), 200));
  pool.push_back(Hash256{});
  Hash256 ones;
  ones.fill(0xff);
  pool.push_back(ones);
  return pool;
}

AuthenticatedMap open_map(NodeStore& store) {
  auto m = AuthenticatedMap::open(store);
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return std::move(m).value();
}

// Every single-byte change of `encoded` must be refused by the decoder or by verification.
std::string check_mutations(const Hash256& root, const Hash256& key, const std::optional<Bytes>& value,
                            const Bytes& encoded, std::uint32_t salt) {
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    for (const std::uint8_t x : {std::uint8_t{0x01}, std::uint8_t{0x80}, static_cast<std::uint8_t>(salt | 1)}) {
      Bytes m = encoded;
      m[i] = static_cast<std::uint8_t>(m[i] ^ x);
      auto decoded = decode_proof(m);
      if (!decoded) continue;
      const auto vv = value ? std::optional<ByteView>(*value) : std::nullopt;
      if (verify_proof(root, key, vv, *decoded).is_ok()) {
        return "mutation at byte " + std::to_string(i) + " still verifies";
      }
    }
    salt = salt * 1103515245u + 12345u;
  }
  return {};
}

// Checks the committed state of `map` (over `store`) against `model`: root, every pool key's value and proof, and
// each proof's encodings. Returns "" or what went wrong.
std::string check_committed(const AuthenticatedMap& map, NodeStore& store, const Model& model,
                            const std::vector<Hash256>& pool, std::uint32_t salt) {
  const Hash256 root = ref_root(model);
  if (map.root() != root) return "root differs from the reference";
  auto reopened = AuthenticatedMap::open(store);
  if (!reopened || reopened->root() != root) return "reopened map has a different root";
  Hash256 other_root = root;
  other_root[0] ^= 1;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const Hash256& key = pool[i];
    const auto it = model.find(key);
    const std::optional<Bytes> value = it == model.end() ? std::nullopt : std::optional<Bytes>(it->second);
    auto got = reopened->get(key);
    if (!got || *got != value) return "get differs for pool key " + std::to_string(i);
    auto proof = map.prove(key);
    if (!proof) return "prove failed: " + proof.status().to_string();
    if (*proof != ref_proof(model, key)) return "proof differs from the reference for pool key " + std::to_string(i);
    const auto vv = value ? std::optional<ByteView>(*value) : std::nullopt;
    if (auto s = verify_proof(root, key, vv, *proof); !s) return "proof does not verify: " + s.to_string();
    if (verify_proof(other_root, key, vv, *proof).is_ok()) return "proof verifies against another root";
    // The opposite claim must fail: absent for a present key, present (with any value) for an absent one.
    const Bytes wrong = value ? Bytes{} : bytes_of("x");
    if (value && verify_proof(root, key, std::nullopt, *proof).is_ok()) return "non-inclusion of a present key";
    if (verify_proof(root, key, ByteView(value && *value == wrong ? bytes_of("y") : wrong), *proof).is_ok()) {
      return "inclusion with a wrong value";
    }
    const Bytes encoded = encode_proof(*proof);
    auto decoded = decode_proof(encoded);
    if (!decoded || *decoded != *proof) return "binary round trip failed";
    auto from_json = proof_from_json(proof_to_json(*proof));
    if (!from_json || *from_json != *proof) return "JSON round trip failed";
    // Mutations are costly on 256-level paths: one key on a quarter of the commits (the Every...Mutation property
    // covers them in depth).
    if (salt % 4 == 0 && i == (salt >> 2) % pool.size()) {
      if (auto e = check_mutations(root, key, value, encoded, salt); !e.empty()) return e;
    }
  }
  return {};
}

// Interprets `words` as operations on a map and the model, checking after every commit. Returns "" or the failure.
// `commit_one_in`: only that fraction of the commit operations runs (a larger one lets many pending writes pile up).
std::string run_ops(const std::vector<std::uint32_t>& words, const std::vector<Hash256>& pool,
                    std::uint32_t commit_one_in = 1) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  Model committed;
  Model pending_view;              // committed + pending writes
  std::vector<Model> checkpoints;  // pending_view at each open checkpoint
  std::vector<AuthenticatedMap::Checkpoint> handles;
  for (const std::uint32_t w : words) {
    const Hash256& key = pool[(w >> 8) % pool.size()];
    const auto kind = w % 16;
    if (kind < 7) {
      const Bytes value((w >> 16) % 4, static_cast<std::uint8_t>(w >> 24));
      map.put(key, value);
      pending_view[key] = value;
    } else if (kind < 10) {
      map.erase(key);
      pending_view.erase(key);
    } else if (kind < 12) {
      if ((w >> 4) % commit_one_in != 0) continue;
      while (!handles.empty()) {  // a commit happens between transactions: close what is open first
        map.release(handles.back());
        handles.pop_back();
        checkpoints.pop_back();
      }
      auto root = map.commit();
      if (!root) return "commit failed: " + root.status().to_string();
      committed = pending_view;
      if (map.pending_count() != 0) return "pending writes survive commit";
      if (auto e = check_committed(map, store, committed, pool, w); !e.empty()) return e;
    } else if (kind == 12) {
      map.discard();
      handles.clear();
      checkpoints.clear();
      pending_view = committed;
    } else if (kind == 13) {
      handles.push_back(map.checkpoint());
      checkpoints.push_back(pending_view);
    } else if (kind == 14 && !handles.empty()) {
      map.rollback(handles.back());
      handles.pop_back();
      pending_view = checkpoints.back();
      checkpoints.pop_back();
    } else if (kind == 15 && !handles.empty()) {
      map.release(handles.back());
      handles.pop_back();
      checkpoints.pop_back();
    }
    // Reads see pending writes.
    auto got = map.get(key);
    const auto it = pending_view.find(key);
    if (!got || *got != (it == pending_view.end() ? std::nullopt : std::optional<Bytes>(it->second))) {
      return "get does not see pending writes";
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------------
// Fixed shapes

TEST(Smt, EmptyMap) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  EXPECT_EQ(map.root(), kEmptyHash);
  EXPECT_EQ(*map.commit(), kEmptyHash);
  EXPECT_EQ(store.size(), 0u);
  const Hash256 key = key_of("k");
  auto proof = map.prove(key);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(proof->siblings.empty());
  EXPECT_FALSE(proof->leaf);
  EXPECT_TRUE(verify_proof(kEmptyHash, key, std::nullopt, *proof).is_ok());
  EXPECT_EQ(verify_proof(kEmptyHash, key, bytes_of("v"), *proof).code(), "bad_proof");
  EXPECT_EQ(verify_proof(key, key, std::nullopt, *proof).code(), "bad_proof");
  // The smallest proof: header, depth 0, no bitmap, no leaf.
  EXPECT_EQ(codec::hex_encode(encode_proof(*proof)),
            "12" + codec::hex_encode(as_bytes("credence/smt-proof")) + "01" + "0000" + "00");
  EXPECT_EQ(codec::dump_json(proof_to_json(*proof)), R"({"leaf":null,"siblings":[]})");
}

TEST(Smt, SingleKey) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  const Hash256 key = key_of("a");
  map.put(key, bytes_of("1"));
  const Hash256 root = *map.commit();
  EXPECT_EQ(root, ref_leaf(key, bytes_of("1")));
  EXPECT_EQ(root, leaf_hash(key, value_hash(bytes_of("1"))));
  EXPECT_EQ(store.size(), 2u);  // the root leaf and the value
  auto proof = map.prove(key);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(proof->siblings.empty());
  EXPECT_TRUE(verify_proof(root, key, bytes_of("1"), *proof).is_ok());
  EXPECT_EQ(verify_proof(root, key, bytes_of("2"), *proof).code(), "bad_proof");
  // Any other key is proven absent by the same leaf sitting at the root.
  const Hash256 other = key_of("b");
  auto absent = map.prove(other);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, *proof);
  EXPECT_TRUE(verify_proof(root, other, std::nullopt, *absent).is_ok());
  EXPECT_EQ(verify_proof(root, key, std::nullopt, *proof).code(), "bad_proof");
}

TEST(Smt, KeysDifferingOnlyInTheLastBit) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  const Hash256 a = key_of("a");
  const Hash256 b = flip(a, 255);
  map.put(a, bytes_of("A"));
  map.put(b, bytes_of("B"));
  const Hash256 root = *map.commit();
  Model model{{a, bytes_of("A")}, {b, bytes_of("B")}};
  EXPECT_EQ(root, ref_root(model));
  // 256 internal nodes (depths 0..255) and two leaves at depth 256: the root record and one page per 4 levels.
  EXPECT_EQ(store.count_prefix(as_bytes("r")), 1u);
  EXPECT_EQ(store.count_prefix(as_bytes("p")), 64u);
  EXPECT_EQ(store.count_prefix(as_bytes("v")), 2u);
  auto proof = map.prove(a);
  ASSERT_TRUE(proof.ok());
  ASSERT_EQ(proof->siblings.size(), 256u);
  EXPECT_EQ(proof->siblings.back(), ref_leaf(b, bytes_of("B")));
  EXPECT_TRUE(std::all_of(proof->siblings.begin(), proof->siblings.end() - 1,
                          [](const Hash256& s) { return s == kEmptyHash; }));
  EXPECT_TRUE(verify_proof(root, a, bytes_of("A"), *proof).is_ok());
  // 255 empty siblings cost one bitmap bit each: header 20 + depth 2 + bitmap 32 + one sibling 32 + leaf 65.
  EXPECT_EQ(encode_proof(*proof).size(), 20u + 2 + 32 + 32 + 65);
  // A key off the path is proven absent by an empty subtree beside the chain.
  const Hash256 c = flip(a, 10);
  auto absent = map.prove(c);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->siblings.size(), 11u);
  EXPECT_FALSE(absent->leaf);
  EXPECT_TRUE(verify_proof(root, c, std::nullopt, *absent).is_ok());

  // Erasing one key moves the other to the root and removes the chain.
  map.erase(b);
  EXPECT_EQ(*map.commit(), ref_leaf(a, bytes_of("A")));
  EXPECT_EQ(store.size(), 2u);
  map.erase(a);
  EXPECT_EQ(*map.commit(), kEmptyHash);
  EXPECT_EQ(store.size(), 0u);
}

// Pins the formulas: a change to any of them changes this root (the example in docs/state.md).
TEST(Smt, KnownRoot) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  map.put(key_of("a"), bytes_of("1"));
  map.put(key_of("b"), bytes_of("2"));
  map.put(key_of("c"), bytes_of("3"));
  const Hash256 root = *map.commit();
  EXPECT_EQ(root,
            ref_root(Model{{key_of("a"), bytes_of("1")}, {key_of("b"), bytes_of("2")}, {key_of("c"), bytes_of("3")}}));
  EXPECT_EQ(codec::hex_encode(root), "8e2a164a410203f51300d7c6645b7a37f549768457be109acc126c63573a9e0a");
}

// The worked example of docs/state.md: proofs of "b" (present), "d" (absent: empty subtree) and "h" (absent: the
// leaf of "a" occupies its path). Cross-checked with an independent Python implementation of the formulas.
TEST(Smt, DocumentedExample) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  map.put(key_of("a"), bytes_of("1"));
  map.put(key_of("b"), bytes_of("2"));
  map.put(key_of("c"), bytes_of("3"));
  const Hash256 root = *map.commit();
  const std::string header = "1263726564656e63652f736d742d70726f6f6601";
  const std::string leaf_a = "565388d4bc00257133f799d9366ac97f6e949c18acc53d17457f8859ba0f08d3";
  struct Case {
    const char* key;
    const char* value;  // nullptr: absent
    std::string encoded;
  };
  const Case cases[] = {
      {"b", "2",
       header + "0004" + "90" + leaf_a + "6dc4a0fe4285844b9c64ba063f6a8b808a07eb2e8c124cda2babd55a2a7f3d24" + "01" +
           "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d" +
           "d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35"},
      {"d", nullptr,
       header + "0003" + "a0" + leaf_a + "44ebb3d0f7604913f94789f54965210118cb621490e4279a2f512ea8ecf280a4" + "00"},
      {"h", nullptr,
       header + "0001" + "80" + "68b9d91d8dd078a757107b3148b7ca18ee66a9c9c8b843e0da351ad44c2a45ce" + "01" +
           "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb" +
           "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    const Proof proof = *map.prove(key_of(c.key));
    EXPECT_EQ(codec::hex_encode(encode_proof(proof)), c.encoded);
    const auto value = c.value != nullptr ? std::optional<Bytes>(bytes_of(c.value)) : std::nullopt;
    const Status s = verify_proof(root, key_of(c.key), value ? std::optional<ByteView>(*value) : std::nullopt, proof);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
  EXPECT_EQ(codec::dump_json(proof_to_json(*map.prove(key_of("h")))),
            R"({"leaf":{"key":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",)"
            R"("value_hash":"6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"},)"
            R"("siblings":["68b9d91d8dd078a757107b3148b7ca18ee66a9c9c8b843e0da351ad44c2a45ce"]})");
}

TEST(Smt, EraseEverythingLeavesNoRecords) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  crypto::DeterministicRandom rng(7);
  std::vector<Hash256> keys(3000);
  for (auto& k : keys) k = rng.bytes<32>();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    map.put(keys[i], Bytes(i % 50, 0xab));
    if (i % 700 == 699) {
      ASSERT_TRUE(map.commit().ok());
    }
  }
  ASSERT_TRUE(map.commit().ok());
  EXPECT_EQ(store.count_prefix(as_bytes("v")), keys.size());
  // Overwrites and erases of absent keys leave no trace either.
  for (std::size_t i = 0; i < keys.size(); i += 3) map.put(keys[i], bytes_of("new"));
  for (int i = 0; i < 100; ++i) map.erase(rng.bytes<32>());
  ASSERT_TRUE(map.commit().ok());
  std::reverse(keys.begin(), keys.end());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    map.erase(keys[i]);
    if (i % 1000 == 999) {
      ASSERT_TRUE(map.commit().ok());
    }
  }
  EXPECT_EQ(*map.commit(), kEmptyHash);
  EXPECT_EQ(store.size(), 0u);
}

TEST(Smt, SharedLongPrefixes) {
  // Keys sharing 200-bit prefixes: long chains of one-sided internal nodes that grow and shrink.
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  Model model;
  const Hash256 base = key_of("base");
  std::vector<Hash256> keys{base};
  for (std::size_t i : {200u, 201u, 230u, 255u, 254u, 0u, 128u}) keys.push_back(flip(base, i));
  for (std::size_t round = 0; round < keys.size(); ++round) {
    for (std::size_t i = 0; i <= round; ++i) {
      map.put(keys[i], Bytes{static_cast<std::uint8_t>(round)});
      model[keys[i]] = Bytes{static_cast<std::uint8_t>(round)};
    }
    if (round % 2 == 1) {
      map.erase(keys[round / 2]);
      model.erase(keys[round / 2]);
    }
    ASSERT_TRUE(map.commit().ok());
    EXPECT_EQ(check_committed(map, store, model, keys, static_cast<std::uint32_t>(round)), "");
  }
}

TEST(Smt, PendingWritesAndCheckpoints) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  const Hash256 a = key_of("a");
  const Hash256 b = key_of("b");
  map.put(a, bytes_of("1"));
  const Hash256 root1 = *map.commit();

  map.put(a, bytes_of("2"));
  EXPECT_EQ(**map.get(a), bytes_of("2"));                                     // reads its own writes
  EXPECT_EQ(map.root(), root1);                                               // but the root moves only on commit
  EXPECT_TRUE(verify_proof(root1, a, bytes_of("1"), *map.prove(a)).is_ok());  // proofs are of committed state

  auto outer = map.checkpoint();
  map.put(b, bytes_of("b"));
  map.erase(a);
  EXPECT_FALSE(map.get(a)->has_value());
  auto inner = map.checkpoint();
  map.put(a, bytes_of("3"));
  map.put(a, bytes_of("4"));
  EXPECT_EQ(**map.get(a), bytes_of("4"));
  map.rollback(inner);
  EXPECT_FALSE(map.get(a)->has_value());
  auto inner2 = map.checkpoint();
  map.put(a, bytes_of("5"));
  map.release(inner2);
  EXPECT_EQ(**map.get(a), bytes_of("5"));
  map.rollback(outer);  // undoes the released inner checkpoint's writes too
  EXPECT_EQ(**map.get(a), bytes_of("2"));
  EXPECT_FALSE(map.get(b)->has_value());
  EXPECT_EQ(map.pending_count(), 1u);

  map.discard();
  EXPECT_EQ(**map.get(a), bytes_of("1"));
  EXPECT_EQ(map.pending_count(), 0u);
  EXPECT_EQ(*map.commit(), root1);
}

// ---------------------------------------------------------------------------------------------------------------
// Reference model, random operation sequences

TEST(Smt, MatchesReferenceModelOnSeededSequences) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    crypto::DeterministicRandom rng(seed);
    std::vector<std::uint32_t> words(300);
    for (auto& w : words) w = next_u32(rng);
    ASSERT_EQ(run_ops(words, key_pool(seed)), "");
  }
}

// Hundreds of pending keys between commits, so the overlay's index grows and rollbacks unindex keys in long probe runs.
TEST(Smt, MatchesReferenceModelWithManyPendingWrites) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    crypto::DeterministicRandom rng(seed);
    auto pool = key_pool(seed);
    for (int i = 0; i < 400; ++i) pool.push_back(rng.bytes<32>());
    std::vector<std::uint32_t> words(4000);
    for (auto& w : words) w = next_u32(rng);
    ASSERT_EQ(run_ops(words, pool, 64), "");
  }
}

RC_GTEST_PROP(Smt, MatchesReferenceModel, (const std::vector<std::uint32_t>& words, std::uint8_t pool_seed)) {
  const std::string failure = run_ops(words, key_pool(pool_seed));
  RC_ASSERT(failure == "");
}

// The root and the stored records depend only on the final set of (key, value) pairs.
RC_GTEST_PROP(Smt, RootIndependentOfOrderAndBatching, (std::uint64_t seed)) {
  crypto::DeterministicRandom rng(seed);
  const auto pool = key_pool(seed);
  const auto n = *rc::gen::inRange<std::size_t>(0, 60);
  Model model;
  for (std::size_t i = 0; i < n; ++i) {
    Hash256 k = (next_u32(rng) % 3 == 0) ? pool[next_u32(rng) % pool.size()] : rng.bytes<32>();
    model[k] = Bytes(next_u32(rng) % 5, static_cast<std::uint8_t>(i));
  }
  // One batch, sorted.
  MemoryNodeStore store1;
  AuthenticatedMap one = open_map(store1);
  for (const auto& [k, v] : model) one.put(k, v);
  RC_ASSERT(*one.commit() == ref_root(model));

  // Shuffled, in random batches, with overwrites and erasures of keys that end up absent.
  Entries entries(model.begin(), model.end());
  std::vector<std::size_t> order(entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[next_u32(rng) % i]);
  MemoryNodeStore store2;
  AuthenticatedMap two = open_map(store2);
  for (std::size_t i : order) {
    const auto& [k, v] = entries[i];
    if (next_u32(rng) % 4 == 0) {
      two.put(k, bytes_of("temporary"));
      if (next_u32(rng) % 2 == 0) {
        RC_ASSERT(two.commit().ok());
      }
    }
    const Hash256 stray = rng.bytes<32>();
    two.put(stray, bytes_of("stray"));
    if (next_u32(rng) % 2 == 0) {
      RC_ASSERT(two.commit().ok());
    }
    two.erase(stray);
    two.put(k, v);
    if (next_u32(rng) % 3 == 0) {
      RC_ASSERT(two.commit().ok());
    }
  }
  RC_ASSERT(*two.commit() == one.root());
  RC_ASSERT(store1 == store2);
}

RC_GTEST_PROP(Smt, EveryByteMutationOfAProofIsRejected, (std::uint64_t seed)) {
  crypto::DeterministicRandom rng(seed);
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  Model model;
  const auto pool = key_pool(seed);
  const auto n = *rc::gen::inRange<std::size_t>(0, 40);
  for (std::size_t i = 0; i < n; ++i) {
    const Hash256 k = (i % 2 == 0) ? pool[next_u32(rng) % pool.size()] : rng.bytes<32>();
    model[k] = Bytes(1 + i % 3, static_cast<std::uint8_t>(i));
    map.put(k, model[k]);
  }
  const Hash256 root = *map.commit();
  const Hash256 key = (next_u32(rng) % 2 == 0) ? pool[next_u32(rng) % pool.size()] : rng.bytes<32>();
  const auto it = model.find(key);
  const std::optional<Bytes> value = it == model.end() ? std::nullopt : std::optional<Bytes>(it->second);
  auto proof = map.prove(key);
  RC_ASSERT(proof.ok());
  const Bytes encoded = encode_proof(*proof);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    for (unsigned x = 1; x < 256; x += 37) {
      Bytes m = encoded;
      m[i] = static_cast<std::uint8_t>(m[i] ^ x);
      auto decoded = decode_proof(m);
      if (!decoded) continue;
      RC_ASSERT(encode_proof(*decoded) == m);
      const auto vv = value ? std::optional<ByteView>(*value) : std::nullopt;
      RC_ASSERT(!verify_proof(root, key, vv, *decoded).is_ok());
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Proof decoding and verification edge cases

Proof sample_proof() {
  Proof p;
  p.siblings = {Hash256{}, key_of("s1"), Hash256{}, Hash256{},   Hash256{},
                Hash256{}, Hash256{},    Hash256{}, key_of("s2")};
  p.leaf = ProofLeaf{key_of("leaf"), key_of("vh")};
  return p;
}

TEST(SmtProof, EncodingLayout) {
  const Proof p = sample_proof();
  const Bytes e = encode_proof(p);
  const std::string tag = codec::hex_encode(as_bytes("credence/smt-proof"));
  EXPECT_EQ(codec::hex_encode(e), "12" + tag + "01" + "0009" + "4080" + codec::hex_encode(key_of("s1")) +
                                      codec::hex_encode(key_of("s2")) + "01" + codec::hex_encode(key_of("leaf")) +
                                      codec::hex_encode(key_of("vh")));
  EXPECT_EQ(*decode_proof(e), p);
}

TEST(SmtProof, DecodeRejectsNonCanonical) {
  const Bytes good = encode_proof(sample_proof());
  const std::size_t depth_at = 20;  // after the 20-byte header
  const std::size_t bitmap_at = 22;
  auto code = [](const Bytes& b) { return decode_proof(b).status().code(); };

  EXPECT_EQ(code(Bytes(good.begin(), good.end() - 1)), "truncated");
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(code(trailing), "trailing_bytes");
  Bytes version = good;
  version[19] = 2;
  EXPECT_EQ(code(version), "unsupported_version");
  Bytes tag = good;
  tag[1] ^= 0x20;
  EXPECT_EQ(code(tag), "bad_tag");
  Bytes deep = good;
  deep[depth_at] = 0x01;
  deep[depth_at + 1] = 0x01;  // 257
  EXPECT_EQ(code(deep), "bad_depth");
  Bytes padding = good;
  padding[bitmap_at + 1] |= 0x01;  // bit 15 of a 9-bit bitmap
  EXPECT_EQ(code(padding), "non_canonical");
  Bytes zero_sibling = good;
  std::fill(zero_sibling.begin() + bitmap_at + 2, zero_sibling.begin() + bitmap_at + 2 + 32, 0);
  EXPECT_EQ(code(zero_sibling), "non_canonical");
  Bytes bad_bool = good;
  bad_bool[bitmap_at + 2 + 64] = 2;
  EXPECT_EQ(code(bad_bool), "bad_bool");
  EXPECT_EQ(code({}), "truncated");

  // Depth 256 with every sibling present is the largest proof, and it decodes.
  Proof full;
  for (int i = 0; i < 256; ++i) full.siblings.push_back(key_of(std::to_string(i)));
  EXPECT_EQ(*decode_proof(encode_proof(full)), full);
}

TEST(SmtProof, JsonViewIsStrict) {
  const Proof p = sample_proof();
  const codec::Json j = proof_to_json(p);
  EXPECT_EQ(*proof_from_json(j), p);
  EXPECT_EQ(j["siblings"][0], std::string(64, '0'));

  auto code = [](const codec::Json& x) { return proof_from_json(x).status().code(); };
  codec::Json upper = j;
  std::string s = upper["siblings"][1];
  std::transform(s.begin(), s.end(), s.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  upper["siblings"][1] = s;
  EXPECT_EQ(code(upper), "bad_field");
  codec::Json prefixed = j;
  prefixed["leaf"]["key"] = "0x" + prefixed["leaf"]["key"].get<std::string>();
  EXPECT_EQ(code(prefixed), "bad_field");
  codec::Json extra = j;
  extra["depth"] = 9;
  EXPECT_EQ(code(extra), "unknown_field");
  codec::Json leaf_extra = j;
  leaf_extra["leaf"]["value"] = "00";
  EXPECT_EQ(code(leaf_extra), "unknown_field");
  codec::Json missing = j;
  missing.erase("leaf");
  EXPECT_EQ(code(missing), "missing_field");
  codec::Json not_array = j;
  not_array["siblings"] = "x";
  EXPECT_EQ(code(not_array), "bad_field");
  codec::Json too_deep = j;
  too_deep["siblings"] = codec::Json::array();
  for (int i = 0; i < 257; ++i) too_deep["siblings"].push_back(std::string(64, 'a'));
  EXPECT_EQ(code(too_deep), "bad_field");
  EXPECT_EQ(code(codec::Json::array()), "bad_json");
}

TEST(SmtProof, VerifyRejectsMisshapenProofs) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  const auto pool = key_pool(3);
  for (std::size_t i = 0; i < pool.size(); ++i) map.put(pool[i], Bytes{static_cast<std::uint8_t>(i)});
  const Hash256 root = *map.commit();

  // A non-inclusion proof naming a leaf that is not on the key's path (with 16 keys, most absent keys' paths end in
  // a leaf; take the first).
  Hash256 absent{};
  Proof p;
  for (int i = 0; !p.leaf; ++i) {
    absent = key_of("absent " + std::to_string(i));
    p = *map.prove(absent);
  }
  ASSERT_TRUE(verify_proof(root, absent, std::nullopt, p).is_ok());
  Proof moved = p;
  moved.leaf->key = flip(moved.leaf->key, 0);
  EXPECT_EQ(verify_proof(root, absent, std::nullopt, moved).code(), "bad_proof");
  // The same with a tree where the off-path leaf's hash is what the root commits to: a leaf at depth 1 whose key
  // starts with the other bit. Only the path check refuses it.
  Proof forged;
  forged.siblings = {kEmptyHash};
  forged.leaf = ProofLeaf{flip(absent, 0), value_hash(Bytes{})};
  const Hash256 leaf = leaf_hash(forged.leaf->key, forged.leaf->value_hash);
  forged.siblings = {leaf_hash(key_of("x"), value_hash(Bytes{}))};
  const Hash256 forged_root =
      bit(absent, 0) ? internal_hash(forged.siblings[0], leaf) : internal_hash(leaf, forged.siblings[0]);
  EXPECT_EQ(verify_proof(forged_root, absent, std::nullopt, forged).code(), "bad_proof");
  // An inclusion proof presented for another key.
  const Proof included = *map.prove(pool[0]);
  EXPECT_TRUE(verify_proof(root, pool[0], Bytes{0}, included).is_ok());
  EXPECT_EQ(verify_proof(root, pool[2], Bytes{0}, included).code(), "bad_proof");
  EXPECT_TRUE(verify_proof_hashed(root, pool[0], value_hash(Bytes{0}), included).is_ok());
  EXPECT_EQ(verify_proof_hashed(root, pool[0], value_hash(Bytes{1}), included).code(), "bad_proof");
  // An empty sibling at the end of the path (a leaf that should sit higher) is refused even if the hashes match.
  Proof lowered;
  lowered.siblings = {kEmptyHash};
  lowered.leaf = ProofLeaf{pool[0], value_hash(Bytes{0})};
  const Hash256 bit0 = bit(pool[0], 0) ? internal_hash(kEmptyHash, leaf_hash(pool[0], value_hash(Bytes{0})))
                                       : internal_hash(leaf_hash(pool[0], value_hash(Bytes{0})), kEmptyHash);
  EXPECT_EQ(verify_proof(bit0, pool[0], Bytes{0}, lowered).code(), "bad_proof");
  // More than 256 siblings.
  Proof long_proof;
  long_proof.siblings.assign(257, key_of("s"));
  EXPECT_EQ(verify_proof(root, absent, std::nullopt, long_proof).code(), "bad_proof");
}

// ---------------------------------------------------------------------------------------------------------------
// Store failures

// Wraps a MemoryNodeStore and fails on request.
class FlakyStore final : public NodeStore {
 public:
  Result<bool> get(ByteView key, Bytes& value) const override {
    if (fail_get) return Status::error("io_error", "injected");
    return inner.get(key, value);
  }
  Status write(const WriteBatch& batch) override {
    if (fail_write) return Status::error("io_error", "injected");
    ++writes;
    return inner.write(batch);
  }
  using NodeStore::get;

  MemoryNodeStore inner;
  bool fail_get = false;
  bool fail_write = false;
  int writes = 0;
};

TEST(Smt, StoreFailuresLeaveTheMapUnchanged) {
  FlakyStore store;
  AuthenticatedMap map = open_map(store);
  for (int i = 0; i < 20; ++i) map.put(key_of(std::to_string(i)), bytes_of("v"));
  const Hash256 root1 = *map.commit();
  EXPECT_EQ(store.writes, 1);  // one batch per commit

  map.put(key_of("new"), bytes_of("w"));
  store.fail_write = true;
  auto failed = map.commit();
  EXPECT_TRUE(failed.status().is_error());
  EXPECT_EQ(map.root(), root1);
  EXPECT_EQ(map.pending_count(), 1u);
  store.fail_write = false;
  store.fail_get = true;
  EXPECT_TRUE(map.commit().status().is_error());
  EXPECT_TRUE(map.prove(key_of("1")).status().is_error());
  EXPECT_TRUE(map.get(key_of("1")).status().is_error());
  store.fail_get = false;
  const Hash256 root2 = *map.commit();
  EXPECT_NE(root2, root1);
  EXPECT_EQ(store.writes, 2);
}

TEST(Smt, CorruptStoreIsAnError) {
  MemoryNodeStore store;
  AuthenticatedMap map = open_map(store);
  const auto pool = key_pool(5);
  for (const auto& k : pool) map.put(k, bytes_of("v"));
  ASSERT_TRUE(map.commit().ok());
  // Lose the page below the root: the root still names its children, so every path finds a hole.
  WriteBatch drop;
  drop.erase(Bytes{'p', 0x00});
  ASSERT_TRUE(store.write(drop).ok());
  auto proof = map.prove(pool[0]);
  EXPECT_EQ(proof.status().code(), "corrupt_state");
  map.put(pool[0], bytes_of("w"));
  EXPECT_EQ(map.commit().status().code(), "corrupt_state");

  WriteBatch garbage;
  garbage.put(Bytes{'r'}, bytes_of("short"));
  ASSERT_TRUE(store.write(garbage).ok());
  EXPECT_EQ(AuthenticatedMap::open(store).status().code(), "corrupt_state");
}

// ---------------------------------------------------------------------------------------------------------------
// The map's cache of upper pages (page levels 1-3) across commits

// Fails every read after the first `reads_allowed`, or every write, on request; counts reads.
class CountingFlakyStore final : public NodeStore {
 public:
  Result<bool> get(ByteView key, Bytes& value) const override {
    if (reads_allowed && reads >= *reads_allowed) return Status::error("io_error", "injected");
    ++reads;
    return inner.get(key, value);
  }
  Status write(const WriteBatch& batch) override {
    if (fail_write) return Status::error("io_error", "injected");
    return inner.write(batch);
  }
  using NodeStore::get;

  MemoryNodeStore inner;
  std::optional<std::size_t> reads_allowed;
  bool fail_write = false;
  mutable std::size_t reads = 0;
};

// `n` keys (enough for pages at levels 0-3) with values tagged by `round`.
void put_keys(AuthenticatedMap& map, std::size_t first, std::size_t n, std::string_view round) {
  for (std::size_t i = first; i < first + n; ++i) {
    map.put(key_of("k" + std::to_string(i)), bytes_of(std::string(round) + std::to_string(i)));
  }
}

// A map over a store that fails on request, and a reference map over a store that never fails, both holding 3,000
// committed keys (two commits, so the first map's page cache is filled and used).
struct Twins {
  CountingFlakyStore store;
  MemoryNodeStore reference_store;
  AuthenticatedMap map = open_map(store);
  AuthenticatedMap reference = open_map(reference_store);

  Twins() {
    for (AuthenticatedMap* m : {&map, &reference}) {
      put_keys(*m, 0, 3000, "base");
      EXPECT_TRUE(m->commit().ok());
      put_keys(*m, 0, 600, "warm");
      EXPECT_TRUE(m->commit().ok());
    }
    EXPECT_GT(map.last_commit_stats().page_hits, 100u);
  }
};

// A map that committed `base`, then a failed commit of `doomed` writes, then (after discard) `next`, must hold exactly
// what a map that only ever committed `base` and `next` holds: the same root and the same stored records. A cache
// still holding pages the failed commit changed would give a different root or different pages.
void expect_failed_commit_forgotten(const std::function<void(CountingFlakyStore&)>& arm) {
  Twins t;
  CountingFlakyStore& store = t.store;
  AuthenticatedMap& map = t.map;
  AuthenticatedMap& reference = t.reference;
  MemoryNodeStore& reference_store = t.reference_store;

  put_keys(map, 0, 1500, "doomed");
  put_keys(map, 5000, 500, "doomed");
  arm(store);
  ASSERT_TRUE(map.commit().status().is_error());
  store.reads_allowed.reset();
  store.fail_write = false;
  map.discard();

  for (AuthenticatedMap* m : {&map, &reference}) {
    put_keys(*m, 300, 900, "next");
    for (std::size_t i = 2900; i < 3000; ++i) m->erase(key_of("k" + std::to_string(i)));
    ASSERT_TRUE(m->commit().ok());
  }
  EXPECT_EQ(map.root(), reference.root());
  EXPECT_TRUE(store.inner == reference_store);
  // And a map opened afresh over the store (no cache) agrees.
  AuthenticatedMap fresh = open_map(store);
  EXPECT_EQ(fresh.root(), reference.root());
}

TEST(SmtPageCache, FailedStoreWriteIsForgotten) {
  expect_failed_commit_forgotten([](CountingFlakyStore& store) { store.fail_write = true; });
}

// A read failing part-way through the descent, after the commit has changed cached pages of subtrees it finished.
TEST(SmtPageCache, FailedReadMidCommitIsForgotten) {
  for (const std::size_t allowed : {1u, 10u, 50u, 100u, 150u, 200u, 250u}) {
    SCOPED_TRACE(allowed);
    expect_failed_commit_forgotten(
        [allowed](CountingFlakyStore& store) { store.reads_allowed = store.reads + allowed; });
  }
}

// The failed commit's writes, retried as they are (the map keeps them pending), give the reference state too.
TEST(SmtPageCache, RetriedCommitAfterFailureMatches) {
  Twins t;
  CountingFlakyStore& store = t.store;
  AuthenticatedMap& map = t.map;
  AuthenticatedMap& reference = t.reference;
  MemoryNodeStore& reference_store = t.reference_store;
  for (AuthenticatedMap* m : {&map, &reference}) put_keys(*m, 1000, 2500, "more");
  store.fail_write = true;
  ASSERT_TRUE(map.commit().status().is_error());
  store.fail_write = false;
  ASSERT_TRUE(map.commit().ok());
  ASSERT_TRUE(reference.commit().ok());
  EXPECT_EQ(map.root(), reference.root());
  EXPECT_TRUE(store.inner == reference_store);
  for (const std::size_t i : {0u, 1500u, 3400u}) {
    const Hash256 k = key_of("k" + std::to_string(i));
    auto proof = map.prove(k);
    ASSERT_TRUE(proof.ok());
    auto value = map.get(k);
    ASSERT_TRUE(value.ok() && value->has_value());
    EXPECT_TRUE(verify_proof(map.root(), k, ByteView(**value), *proof).is_ok());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cached commits read back through maps opened afresh (the node's indexer opens one over every staged block)

// A store over a committed MemoryNodeStore with writes staged above it, as the node's writer store stages a block in
// a RocksDB WriteBatchWithIndex: get() reads the staged overlay first, get_view() copies (the NodeStore default), and
// the staged writes are either applied to the committed store (the block commits) or dropped (it is discarded).
class StagedStore final : public NodeStore {
 public:
  Result<bool> get(ByteView key, Bytes& value) const override {
    if (const auto it = staged_.find(Bytes(key.begin(), key.end())); it != staged_.end()) {
      if (!it->second) return false;
      value = *it->second;
      return true;
    }
    return committed.get(key, value);
  }
  Status write(const WriteBatch& batch) override {
    batch.for_each([this](const WriteBatch::Op& op) {
      staged_[Bytes(op.key.begin(), op.key.end())] =
          op.is_put ? std::optional<Bytes>(Bytes(op.value.begin(), op.value.end())) : std::nullopt;
    });
    return Status::ok();
  }
  using NodeStore::get;

  void commit_staged() {
    WriteBatch batch;
    for (const auto& [key, value] : staged_) value ? batch.put(key, *value) : batch.erase(key);
    ASSERT_TRUE(committed.write(batch).ok());
    staged_.clear();
  }
  void discard_staged() { staged_.clear(); }

  MemoryNodeStore committed;

 private:
  std::map<Bytes, std::optional<Bytes>> staged_;
};

// Keys that stress the upper page levels and the word-wise page comparison: random keys; neighbours of them that
// differ in one bit at depths around the cached levels (12-16 bits share a level-3 cache entry) and around the 64-bit
// words the comparison reads (31, 63, 64, 65, 127, 128, 191, 192, 255); keys equal to a random key in its first 2, 8
// or 16 bytes and random after; clusters under a few 2-byte prefixes (many keys per cached page); all-zero and all-one
// keys and keys starting 0xff or 0x00.
std::vector<Hash256> cache_key_universe(std::uint64_t seed, std::size_t random_keys) {
  crypto::DeterministicRandom rng(seed);
  std::vector<Hash256> keys;
  for (std::size_t i = 0; i < random_keys; ++i) keys.push_back(rng.bytes<32>());
  const std::size_t bases = std::min<std::size_t>(random_keys, 64);
  for (std::size_t i = 0; i < bases; ++i) {
    for (const std::size_t b : {3u, 11u, 12u, 15u, 16u, 17u, 31u, 63u, 64u, 65u, 127u, 128u, 191u, 192u, 255u}) {
      keys.push_back(flip(keys[i], b));
    }
    for (const std::size_t shared : {2u, 8u, 16u}) {
      Hash256 k = rng.bytes<32>();
      std::copy_n(keys[i].begin(), shared, k.begin());
      keys.push_back(k);
    }
  }
  for (int cluster = 0; cluster < 4; ++cluster) {
    const Hash256 base = rng.bytes<32>();
    for (int i = 0; i < 60; ++i) {
      Hash256 k = rng.bytes<32>();
      k[0] = base[0];
      k[1] = base[1];
      if (i % 3 == 0) k[2] = base[2];
      keys.push_back(k);
    }
  }
  Hash256 zeros{};
  Hash256 ones;
  ones.fill(0xff);
  keys.push_back(zeros);
  keys.push_back(ones);
  keys.push_back(flip(zeros, 255));
  keys.push_back(flip(ones, 255));
  keys.push_back(flip(ones, 8));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// Checks `map` (committed, over `store`) against `model` with a map opened afresh over the same store: both roots
// equal the reference root; every key of `keys` reads back the model's value through get(), get_view() and
// contains() of both maps; the fresh map proves `proofs_every`-th key (and every key when 1) against the root.
std::string check_read_back(const AuthenticatedMap& map, NodeStore& store, const Model& model,
                            const std::vector<Hash256>& keys, std::size_t proofs_every, std::size_t offset) {
  const Hash256 root = ref_root(model);
  if (map.root() != root) return "cached map's root differs from the reference";
  auto fresh = AuthenticatedMap::open(store);
  if (!fresh) return "open failed: " + fresh.status().to_string();
  if (fresh->root() != root) return "fresh map's root differs from the reference";
  Bytes scratch;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Hash256& key = keys[i];
    const auto it = model.find(key);
    const std::optional<Bytes> want = it == model.end() ? std::nullopt : std::optional<Bytes>(it->second);
    for (const AuthenticatedMap* m : std::array<const AuthenticatedMap*, 2>{&map, &*fresh}) {
      const char* which = m == &map ? "cached" : "fresh";
      auto got = m->get(key);
      if (!got || *got != want) return std::string(which) + " map: get differs for key " + codec::hex_encode(key);
      auto view = m->get_view(key, scratch);
      if (!view || view->has_value() != want.has_value() || (want && !std::ranges::equal(**view, *want))) {
        return std::string(which) + " map: get_view differs for key " + codec::hex_encode(key);
      }
      auto has = m->contains(key);
      if (!has || *has != want.has_value()) return std::string(which) + " map: contains differs";
    }
    if (proofs_every == 1 || (i + offset) % proofs_every == 0) {
      auto proof = fresh->prove(key);
      if (!proof) return "prove failed: " + proof.status().to_string();
      const auto vv = want ? std::optional<ByteView>(*want) : std::nullopt;
      if (auto s = verify_proof(root, key, vv, *proof); !s) {
        return "proof of " + codec::hex_encode(key) + " does not verify: " + s.to_string();
      }
    }
  }
  return {};
}

// One block of random writes over `keys`: new keys, overwrites (same and other length), erases of present and absent
// keys, the same key written twice.
void random_writes(crypto::DeterministicRandom& rng, const std::vector<Hash256>& keys, std::size_t n,
                   const std::function<void(const Hash256&, std::optional<Bytes>)>& write) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t w = next_u32(rng);
    const Hash256& key = keys[next_u32(rng) % keys.size()];
    if (w % 4 == 0) {
      write(key, std::nullopt);
    } else {
      write(key, Bytes((w >> 8) % 48, static_cast<std::uint8_t>(w >> 24)));
    }
  }
}

// Many commits through one cached map, with thousands of keys (two seeds, 30 commits each): after every commit, every
// key reads back through the cached map and through a map opened afresh over the store, the roots equal the reference
// model's, and the store's records equal those of a twin store written by a map opened afresh for every commit (so it
// never reuses a page cache). Seeds are printed by the trace.
TEST(SmtPageCache, EveryKeyReadsBackThroughAFreshMapAfterEveryCommit) {
  for (const std::uint64_t seed : {1u, 2u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::vector<Hash256> keys = cache_key_universe(seed, 3000);
    ASSERT_GT(keys.size(), 4000u);
    crypto::DeterministicRandom rng(seed * 7919);
    MemoryNodeStore store;
    MemoryNodeStore twin_store;
    AuthenticatedMap map = open_map(store);
    Model model;
    std::size_t hits = 0;
    for (std::size_t round = 0; round < 30; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      AuthenticatedMap twin = open_map(twin_store);
      // A first block fills most keys; then blocks of a few hundred writes, some of them large.
      const std::size_t n = round == 0 ? 3 * keys.size() : (round % 10 == 9 ? 2000 : 50 + round * 10);
      random_writes(rng, keys, n, [&](const Hash256& k, std::optional<Bytes> v) {
        if (v) {
          map.put(k, *v);
          twin.put(k, *v);
          model[k] = *v;
        } else {
          map.erase(k);
          twin.erase(k);
          model.erase(k);
        }
      });
      auto root = map.commit();
      ASSERT_TRUE(root.ok()) << root.status().to_string();
      hits += map.last_commit_stats().page_hits;
      auto twin_root = twin.commit();
      ASSERT_TRUE(twin_root.ok()) << twin_root.status().to_string();
      ASSERT_EQ(*root, *twin_root);
      ASSERT_TRUE(store == twin_store) << "stored records differ from an uncached map's";
      const std::string e = check_read_back(map, store, model, keys, round + 1 == 30 ? 1 : 16, round);
      ASSERT_TRUE(e.empty()) << e;
    }
    EXPECT_GT(hits, 1000u);  // the cache was used
  }
}

// The node's pattern: one long-lived map writes blocks into a staged overlay; a map opened afresh over the staged
// store reads every key (the indexer), then the block either commits to the store below or is discarded. After a
// discard the long-lived map's tree is gone from the store: its next commit must refuse (not build on pages only its
// cache holds), and once opened again the re-staged block gives exactly the state of a store that never saw it.
TEST(SmtPageCache, StagedBlocksDiscardedAndRedoneMatchTheModel) {
  const std::vector<Hash256> keys = cache_key_universe(42, 2500);
  crypto::DeterministicRandom rng(4242);
  StagedStore store;
  MemoryNodeStore twin_store;  // only ever sees the blocks that commit, through fresh maps
  AuthenticatedMap map = open_map(store);
  Model model;
  std::size_t discards = 0;
  for (std::size_t block = 0; block < 30; ++block) {
    SCOPED_TRACE("block " + std::to_string(block));
    std::vector<std::pair<Hash256, std::optional<Bytes>>> writes;
    random_writes(rng, keys, block == 0 ? 2 * keys.size() : 300,
                  [&](const Hash256& k, std::optional<Bytes> v) { writes.emplace_back(k, std::move(v)); });
    Model after = model;
    for (const auto& [k, v] : writes) v ? (void)(after[k] = *v) : (void)after.erase(k);
    const auto stage = [&](AuthenticatedMap& m) {
      for (const auto& [k, v] : writes) v ? m.put(k, *v) : m.erase(k);
      return m.commit();
    };

    const std::uint32_t fate = next_u32(rng) % 4;
    if (block > 0 && fate == 0) {
      // Staged, read back, then discarded (a commit_block that failed).
      ASSERT_TRUE(stage(map).ok());
      ASSERT_EQ(check_read_back(map, store, after, keys, 64, block), "");
      store.discard_staged();
      ++discards;
      // The same map must not build on the dropped tree: its commit refuses and leaves the store as it was.
      map.put(keys[0], bytes_of("after discard"));
      const auto refused = map.commit();
      ASSERT_EQ(refused.status().code(), "diverged");
      map.discard();
      auto fresh = AuthenticatedMap::open(store);
      ASSERT_TRUE(fresh.ok());
      ASSERT_EQ(fresh->root(), ref_root(model));
      map = open_map(store);  // the node reopens after dropping a block
    }
    ASSERT_TRUE(stage(map).ok());
    ASSERT_EQ(check_read_back(map, store, after, keys, 64, block), "");
    store.commit_staged();
    model = std::move(after);
    AuthenticatedMap twin = open_map(twin_store);
    ASSERT_TRUE(stage(twin).ok());
    ASSERT_TRUE(store.committed == twin_store) << "stored records differ from an uncached map's";
    ASSERT_EQ(check_read_back(map, store, model, keys, 64, block), "");
  }
  EXPECT_GT(discards, 3u);
}

// Two maps over one store, taking turns to write. A map whose store another map has written since its last commit
// reads the new values (get reads the store), but its commit refuses with "diverged" and writes nothing; opened again
// it goes on. After every commit both maps' reads and a fresh map's agree with the model.
TEST(SmtPageCache, TwoMapsOverOneStoreTakingTurns) {
  const std::vector<Hash256> keys = cache_key_universe(7, 1500);
  crypto::DeterministicRandom rng(77);
  MemoryNodeStore store;
  std::array<AuthenticatedMap, 2> maps{open_map(store), open_map(store)};
  Model model;
  std::size_t last_writer = 0;
  for (std::size_t turn = 0; turn < 30; ++turn) {
    SCOPED_TRACE("turn " + std::to_string(turn));
    const std::size_t w = turn < 2 ? turn : next_u32(rng) % 2;  // both maps write early, so both have caches
    AuthenticatedMap& writer = maps[w];
    std::vector<std::pair<Hash256, std::optional<Bytes>>> writes;
    random_writes(rng, keys, turn == 0 ? 2 * keys.size() : 200,
                  [&](const Hash256& k, std::optional<Bytes> v) { writes.emplace_back(k, std::move(v)); });
    Model after = model;
    for (const auto& [k, v] : writes) v ? (void)(after[k] = *v) : (void)after.erase(k);
    for (const auto& [k, v] : writes) v ? writer.put(k, *v) : writer.erase(k);
    if (turn > 0 && w != last_writer) {
      // The other map wrote last: this one's tree (and cache) is stale.
      const MemoryNodeStore before = store;
      const std::size_t pending = writer.pending_count();
      const auto refused = writer.commit();
      ASSERT_EQ(refused.status().code(), "diverged");
      ASSERT_TRUE(store == before);
      ASSERT_EQ(writer.pending_count(), pending);  // a failed commit keeps its writes
      writer = open_map(store);
      for (const auto& [k, v] : writes) v ? writer.put(k, *v) : writer.erase(k);
    }
    auto root = writer.commit();
    ASSERT_TRUE(root.ok()) << root.status().to_string();
    model = std::move(after);
    last_writer = w;
    ASSERT_EQ(check_read_back(writer, store, model, keys, 32, turn), "");
    // The other map's reads see the writes at once, whatever its root says.
    const AuthenticatedMap& other = maps[1 - w];
    for (std::size_t i = turn % 7; i < keys.size(); i += 7) {
      const auto it = model.find(keys[i]);
      auto got = other.get(keys[i]);
      ASSERT_TRUE(got.ok());
      ASSERT_EQ(*got, it == model.end() ? std::nullopt : std::optional<Bytes>(it->second));
    }
  }
}

TEST(NodeStore, BatchAppliesInOrder) {
  MemoryNodeStore store;
  WriteBatch batch;
  batch.put(bytes_of("a"), bytes_of("1"));
  batch.put(bytes_of("b"), bytes_of("2"));
  batch.erase(bytes_of("a"));
  batch.put(bytes_of("b"), bytes_of("3"));
  batch.put(bytes_of(""), bytes_of(""));
  EXPECT_EQ(batch.size(), 5u);
  ASSERT_TRUE(store.write(batch).ok());
  EXPECT_FALSE(store.get(bytes_of("a"))->has_value());
  EXPECT_EQ(**store.get(bytes_of("b")), bytes_of("3"));
  EXPECT_EQ(**store.get(bytes_of("")), Bytes{});
  EXPECT_EQ(store.size(), 2u);
  batch.clear();
  EXPECT_TRUE(batch.empty());
}

// The open-addressing table against a std::map: random puts and deletes over a small key space, so probe runs
// collide, wrap around the table's end and are repaired by every delete.
TEST(NodeStore, MemoryStoreMatchesAMap) {
  MemoryNodeStore store;
  std::map<Bytes, Bytes> model;
  crypto::DeterministicRandom rng(11);
  for (int round = 0; round < 200; ++round) {
    WriteBatch batch;
    std::map<Bytes, Bytes> after = model;
    for (int i = 0; i < 100; ++i) {
      const std::uint32_t w = next_u32(rng);
      const Bytes key{static_cast<std::uint8_t>(w % 300), static_cast<std::uint8_t>(w % 300 / 256)};
      if ((w >> 16) % 3 == 0) {
        batch.erase(key);
        after.erase(key);
      } else {
        const Bytes value((w >> 20) % 40, static_cast<std::uint8_t>(round));
        batch.put(key, value);
        after[key] = value;
      }
    }
    ASSERT_TRUE(store.write(batch).ok());
    model = std::move(after);
    ASSERT_EQ(store.size(), model.size());
    for (int k = 0; k < 300; ++k) {
      const Bytes key{static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(k / 256)};
      const auto it = model.find(key);
      const auto got = store.get(key);
      ASSERT_TRUE(got.ok());
      ASSERT_EQ(*got, it == model.end() ? std::nullopt : std::optional<Bytes>(it->second)) << "round " << round;
    }
  }
  MemoryNodeStore copy = store;
  EXPECT_TRUE(copy == store);
  WriteBatch one;
  one.put(Bytes{1, 0}, Bytes{9});
  ASSERT_TRUE(copy.write(one).ok());
  EXPECT_FALSE(copy == store);
}

}  // namespace
}  // namespace credence::core::smt
