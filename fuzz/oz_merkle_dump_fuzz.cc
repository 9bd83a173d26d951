// OpenZeppelin standard-v1 dumps (interop/oz_merkle.h): the JSON a distribution's claimants and tools hand us. Checks,
// for every input:
//  - load_standard_tree fails only with invalid(reason), never crashes or throws;
//  - a loaded tree writes back to a dump that loads to the same tree (root, nodes, values, tree indices), and writing
//    that one again gives the same bytes (our dumps are canonical);
//  - the proof of every value (up to a bound) verifies against the root, and the multiproof of a subset of values
//    chosen from the input verifies too.
// Seeds (fuzz/corpus/oz_merkle_dump/): OpenZeppelin's published dumps, dumps written by the library for other leaf
// encodings, and broken ones.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "credence/core/merkle_tree.h"
#include "credence/interop/oz_merkle.h"
#include "fuzz_support.h"

namespace {

using credence::fuzz::require;
using namespace credence;

constexpr std::size_t kMaxProofs = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::initialize_crypto();
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: bytes as chars
  auto tree = interop::oz::load_standard_tree(text);
  if (!tree) {
    require(tree.status().is_invalid() && !tree.status().code().empty());
    return 0;
  }
  const std::string dumped = interop::oz::dump_standard_tree(*tree);
  auto again = interop::oz::load_standard_tree(dumped);
  require(again.ok());
  require(again->root() == tree->root());
  require(again->values() == tree->values());
  require(again->leaf_encoding() == tree->leaf_encoding());
  require(std::equal(again->tree().begin(), again->tree().end(), tree->tree().begin(), tree->tree().end()));
  require(interop::oz::dump_standard_tree(*again) == dumped);

  std::vector<std::size_t> subset;
  for (std::size_t i = 0; i < tree->size() && i < kMaxProofs; ++i) {
    auto proof = tree->proof(i);
    require(proof.ok());
    require(core::merkle::verify_proof(tree->root(), tree->leaf(i), *proof).is_ok());
    if ((data[i % size] & 1) != 0) subset.push_back(i);
  }
  auto mp = tree->multiproof(subset);
  require(mp.ok());
  require(core::merkle::verify_multiproof(tree->root(), mp->multiproof).is_ok());
  return 0;
}
