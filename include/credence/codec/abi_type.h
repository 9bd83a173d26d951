// Solidity ABI types: the type tree, its parser and its canonical string form.
//
// AbiType is an immutable value (a small tree owned by value; copying copies the tree), safe to share between
// threads once built. parse_abi_type / parse_abi_params read text from users and schemas: they never assert, never
// throw, and answer invalid("bad_abi_type", "<problem> at position <byte offset>"). They bound nesting depth
// (kMaxAbiDepth) and fixed array sizes (kMaxAbiFixedArraySize) so hostile text cannot exhaust the stack or memory.
// The factory functions (AbiType::uint(256) …) are for code that knows its types: out-of-range arguments there are
// programming errors and are asserted. Format and rules: docs/abi.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "credence/status.h"

namespace credence::codec {

// Tuple and array nesting, counted together: "uint256[][]" has depth 2, "(uint256[])[]" depth 3.
inline constexpr std::size_t kMaxAbiDepth = 32;
// Largest k accepted in T[k].
inline constexpr std::size_t kMaxAbiFixedArraySize = 1'000'000;
// Largest number of components in one tuple and of parameters in one list.
inline constexpr std::size_t kMaxAbiTupleSize = 4096;

enum class AbiKind {
  unsigned_int,  // uint<M>
  signed_int,    // int<M>
  address,
  boolean,
  fixed_bytes,   // bytes<M>
  bytes,
  string,
  array,         // T[]
  fixed_array,   // T[k]
  tuple,         // (T1,...,Tn)
};

class AbiType {
 public:
  // Factories. Preconditions (asserted): bits in {8, 16, …, 256}; 1 <= size <= 32 for fixed_bytes;
  // 1 <= size <= kMaxAbiFixedArraySize for fixed_array; a tuple has 1..kMaxAbiTupleSize components; the result
  // is at most kMaxAbiDepth deep.
  static AbiType uint(unsigned bits = 256);
  static AbiType sint(unsigned bits = 256);
  static AbiType address();
  static AbiType boolean();
  static AbiType fixed_bytes(std::size_t size);
  static AbiType bytes();
  static AbiType string();
  static AbiType array(AbiType element);
  static AbiType fixed_array(AbiType element, std::size_t size);
  static AbiType tuple(std::vector<AbiType> components);

  [[nodiscard]] AbiKind kind() const { return kind_; }
  // M of uint<M>/int<M>; 0 for other kinds.
  [[nodiscard]] unsigned bits() const {
    return kind_ == AbiKind::unsigned_int || kind_ == AbiKind::signed_int ? static_cast<unsigned>(size_) : 0;
  }
  // M of bytes<M>, k of T[k]; 0 for other kinds.
  [[nodiscard]] std::size_t size() const {
    return kind_ == AbiKind::fixed_bytes || kind_ == AbiKind::fixed_array ? size_ : 0;
  }
  // The element type of T[] and T[k] (precondition: is_array()).
  [[nodiscard]] const AbiType& element() const;
  // The components of a tuple (empty for other kinds).
  [[nodiscard]] const std::vector<AbiType>& components() const;
  [[nodiscard]] bool is_array() const { return kind_ == AbiKind::array || kind_ == AbiKind::fixed_array; }

  // Dynamic in the ABI sense: bytes, string, T[], and T[k] / tuples containing a dynamic type.
  [[nodiscard]] bool is_dynamic() const { return dynamic_; }
  // Bytes this type occupies in the head of an enclosing tuple: 32 for dynamic types, the full encoded size for
  // static ones. Saturates at SIZE_MAX for absurd nestings of fixed arrays (no real input can be that long).
  [[nodiscard]] std::size_t head_size() const { return head_size_; }
  // Nesting depth (1 for an elementary type).
  [[nodiscard]] std::size_t depth() const { return depth_; }

  // Canonical form as used in function signatures: "uint256", "bytes32", "(uint256,string)[]", no spaces.
  [[nodiscard]] std::string canonical() const;

  friend bool operator==(const AbiType& a, const AbiType& b);

 private:
  AbiType(AbiKind kind, std::size_t size, std::vector<AbiType> children);

  AbiKind kind_ = AbiKind::boolean;
  std::size_t size_ = 0;             // bits, bytes<M> length or fixed array length
  std::vector<AbiType> children_;    // element (one) for arrays, components for tuples
  bool dynamic_ = false;
  std::size_t head_size_ = 32;
  std::size_t depth_ = 1;
};

// One entry of a named parameter list ("uint256 score"): name is empty when the text gave none.
struct AbiParam {
  AbiType type;
  std::string name;

  friend bool operator==(const AbiParam&, const AbiParam&) = default;
};

// Parses one type ("uint", "(uint256, string)[2]", …). Whitespace is allowed between tokens, not inside an
// elementary type name or a number. `uint`/`int` mean uint256/int256. Fails with invalid("bad_abi_type").
Result<AbiType> parse_abi_type(std::string_view text);

// Parses an EAS-style schema: comma-separated "type [name]" entries, e.g.
// "uint256 score, string name, bool ok". Names are identifiers ([A-Za-z_$][A-Za-z0-9_$]*), optional, and unique
// within the list. Empty or all-whitespace text is an empty list. Fails with invalid("bad_abi_type").
Result<std::vector<AbiParam>> parse_abi_params(std::string_view text);

// Parses a comma-separated list of types without names ("uint256,bool"); empty text is an empty list.
Result<std::vector<AbiType>> parse_abi_type_list(std::string_view text);

// "T1,T2,…" in canonical form (the inside of a function signature's parentheses).
std::string canonical_type_list(const std::vector<AbiType>& types);
// "T1 name1,T2 name2,…" with canonical types; entries without a name are written as the type alone.
std::string canonical_params(const std::vector<AbiParam>& params);

}  // namespace credence::codec
