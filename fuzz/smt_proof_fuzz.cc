// The state-proof decoder and verifier (core/smt.h). Checks, for every input:
//  - decode_proof fails only with an invalid(reason), never an error;
//  - decode success implies encode_proof gives back the input, and the JSON view round-trips;
//  - verification against a fixed tree never crashes and never proves a falsehood: a key proven absent is absent
//    from the tree, a key proven present holds exactly the proven value.
// Seeds (fuzz/corpus/smt_proof/): proofs of present and absent keys of the fixed tree below — including the
// 256-level path of two keys that differ only in their last bit — and malformed variants of them.
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/crypto/hash.h"

namespace {

using namespace credence;
using namespace credence::core;

struct Fixture {
  MemoryNodeStore store;
  Hash256 root{};
  std::map<Hash256, Hash256> truth;  // key -> value hash
  std::vector<Hash256> queries;      // every key in the tree and a few absent ones
};

Hash256 fuzz_key(int i) {
  return crypto::sha256(as_bytes("credence/smt-fuzz/" + std::to_string(i)));
}

// 32 keys with one-byte values, plus a neighbour of key 0 that differs only in the last bit.
const Fixture& fixture() {
  static const Fixture* const kFixture = [] {
    auto* f = new Fixture;  // never destroyed: the fuzzer exits without running destructors anyway
    auto map = smt::AuthenticatedMap::open(f->store);
    if (!map) std::abort();
    for (int i = 0; i < 32; ++i) {
      const Bytes value{static_cast<std::uint8_t>(i)};
      map->put(fuzz_key(i), value);
      f->truth[fuzz_key(i)] = smt::value_hash(value);
    }
    Hash256 neighbour = fuzz_key(0);
    neighbour[31] ^= 1;
    map->put(neighbour, Bytes{0xff});
    f->truth[neighbour] = smt::value_hash(Bytes{0xff});
    auto root = map->commit();
    if (!root) std::abort();
    f->root = *root;
    for (const auto& [key, unused] : f->truth) f->queries.push_back(key);
    for (int i = 32; i < 36; ++i) f->queries.push_back(fuzz_key(i));
    return f;
  }();
  return *kFixture;
}

void check_claims(const Hash256& root, const std::map<Hash256, Hash256>& truth, const Hash256& key,
                  const smt::Proof& proof) {
  const auto it = truth.find(key);
  if (smt::verify_proof_hashed(root, key, std::nullopt, proof).is_ok() && it != truth.end()) std::abort();
  if (proof.leaf && smt::verify_proof_hashed(root, key, proof.leaf->value_hash, proof).is_ok()) {
    if (it == truth.end() || it->second != proof.leaf->value_hash) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  auto proof = smt::decode_proof(in);
  if (!proof) {
    if (!proof.status().is_invalid() || proof.status().code().empty()) std::abort();
    return 0;
  }
  if (smt::encode_proof(*proof) != Bytes(data, data + size)) std::abort();
  auto from_json = smt::proof_from_json(smt::proof_to_json(*proof));
  if (!from_json || *from_json != *proof) std::abort();

  const Fixture& f = fixture();
  for (const Hash256& key : f.queries) check_claims(f.root, f.truth, key, *proof);
  if (proof->leaf) check_claims(f.root, f.truth, proof->leaf->key, *proof);
  // The empty map proves nothing present.
  static const std::map<Hash256, Hash256> kNothing;
  check_claims(smt::kEmptyHash, kNothing, f.queries.front(), *proof);
  return 0;
}
