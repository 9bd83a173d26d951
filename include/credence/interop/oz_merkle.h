// OpenZeppelin StandardMerkleTree dumps ("standard-v1", @openzeppelin/merkle-tree 1.0.8) and the JSON shapes of its
// proofs and multiproofs, over the trees of credence/core/merkle_tree.h. Format and rules: docs/merkle.md.
//
//   {"format":"standard-v1","leafEncoding":[types],"tree":["0x…",…],"values":[{"value":[…],"treeIndex":n},…]}
//
// Writing: compact JSON in the key order above (the bytes JavaScript's JSON.stringify(tree.dump()) writes for the same
// values), tree nodes as "0x" + 64 lowercase hex, values in input order in the codec's JSON view (integers as decimal
// strings, addresses and bytes as "0x" lowercase hex). Reading: a streaming parser (no whole-document DOM, so a
// million-leaf dump loads in a few hundred MB), then StandardTree::load, i.e. every check of OpenZeppelin's load() and
// validate() plus the stricter ones listed there.
//
// All functions are pure and thread-safe, never throw and never assert on input. Reason codes: the codec's JSON codes
// (bad_json, json_too_large, json_too_deep, missing_field, bad_field, unknown_field), bad_abi_type,
// abi_value_mismatch, the merkle_* codes of core/merkle_tree.h, and oz_bad_format, oz_unsafe_number (below).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/abi.h"
#include "credence/codec/json.h"
#include "credence/core/merkle_tree.h"
#include "credence/status.h"

namespace credence::interop::oz {

inline constexpr std::string_view kStandardV1 = "standard-v1";
// Largest dump text load_standard_tree reads (a 1M-leaf (address,uint256) dump is about 230 MB).
inline constexpr std::size_t kMaxDumpSize = std::size_t{1} << 30;

// ---------------------------------------------------------------------------------------------------------------
// Tree values

// Reads one tree value: a JSON array with one element per type, in the codec's JSON view (codec/abi.h) restricted
// to what the JavaScript library reads the same way: a JSON number must be an integer JavaScript holds exactly
// (|n| <= 2^53 - 1; else oz_unsafe_number, since JSON.parse would have rounded it), "-0x…" is refused for int<M>
// (the JavaScript encoder rejects it), and "true"/"false" strings are accepted for bool (it accepts them). Anything
// else: abi_value_mismatch naming the position.
Result<core::merkle::LeafValue> leaf_value_from_json(std::span<const codec::AbiType> types, const codec::Json& json);
// Appends the value's JSON (compact) to `out`. Precondition: the value fits the types (every StandardTree value does).
void append_leaf_value_json(std::string& out, std::span<const codec::AbiType> types,
                            const core::merkle::LeafValue& value);

// One value of `type` written as text, as in a CSV cell or on the command line: an address or bytes<M>/bytes as "0x"
// hex, an integer in decimal (or "0x" hex; "-" for int<M>), a bool as true/false, a string as itself, and an array
// or tuple as its JSON. Fails with abi_value_mismatch (bad_json for malformed JSON of an array or tuple).
Result<codec::AbiValue> value_from_text(const codec::AbiType& type, std::string_view text);

// A node hash as "0x" + 64 hex digits of either case (proofs and roots typed by people); bad_hex / bad_length.
Result<Hash256> node_from_text(std::string_view text);

// ---------------------------------------------------------------------------------------------------------------
// Dumps

// The whole dump as one string.
[[nodiscard]] std::string dump_standard_tree(const core::merkle::StandardTree& tree);
// The same bytes handed to `sink` in pieces of about 1 MiB, for large trees.
void write_standard_tree(const core::merkle::StandardTree& tree, const std::function<void(std::string_view)>& sink);

// Parses and validates a dump. Besides the JSON codes: a missing or other "format" is oz_bad_format; a missing
// field is missing_field; a field of the wrong JSON type, a duplicate key or a treeIndex that is not a non-negative
// integer is bad_field; an unknown key is unknown_field; a tree node that is not "0x" + 64 lowercase hex (the form
// OpenZeppelin writes and compares as a string) is merkle_bad_node. Texts above kMaxDumpSize: json_too_large.
Result<core::merkle::StandardTree> load_standard_tree(std::string_view text);

// ---------------------------------------------------------------------------------------------------------------
// Proof shapes (compact JSON, keys in the order shown)

// {"value":[…],"leaf":"0x…","proof":["0x…",…]} for value `value_index` (< tree.size()) and its proof.
[[nodiscard]] std::string proof_json(const core::merkle::StandardTree& tree, std::size_t value_index,
                                     std::span<const Hash256> proof);
// OpenZeppelin's getMultiProof shape: {"leaves":[values…],"proof":["0x…",…],"proofFlags":[true,…]}.
[[nodiscard]] std::string multiproof_json(const core::merkle::StandardTree& tree,
                                          const core::merkle::StandardMultiProof& multiproof);

// A JSON array of node hashes (node_from_text each); bad_field naming the position otherwise.
Result<std::vector<Hash256>> hashes_from_json(const codec::Json& json);
// Reads the multiproof shape back, hashing each leaf value under `types`, for verify_multiproof: unknown fields,
// missing fields and wrong JSON types as for dumps.
Result<core::merkle::MultiProof> multiproof_from_json(std::span<const codec::AbiType> types, const codec::Json& json);

}  // namespace credence::interop::oz
