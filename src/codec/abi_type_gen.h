// rapidcheck generator of random ABI type trees, shared by the ABI property tests.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <vector>

#include "credence/codec/abi_type.h"

namespace credence::test {

using codec::AbiType;

// A random type at nesting `depth`; from `leaf_depth` on only elementary types are drawn, so trees stay bounded.
// Fixed arrays get 1..max_fixed_length - 1 elements.
inline AbiType gen_abi_type(std::size_t depth, std::size_t leaf_depth, int max_fixed_length) {
  const int pick = *rc::gen::inRange(0, depth >= leaf_depth ? 7 : 10);
  switch (pick) {
    case 0:
      return AbiType::uint(8 * static_cast<unsigned>(*rc::gen::inRange(1, 33)));
    case 1:
      return AbiType::sint(8 * static_cast<unsigned>(*rc::gen::inRange(1, 33)));
    case 2:
      return AbiType::address();
    case 3:
      return AbiType::boolean();
    case 4:
      return AbiType::fixed_bytes(static_cast<std::size_t>(*rc::gen::inRange(1, 33)));
    case 5:
      return AbiType::bytes();
    case 6:
      return AbiType::string();
    case 7:
      return AbiType::array(gen_abi_type(depth + 1, leaf_depth, max_fixed_length));
    case 8:
      return AbiType::fixed_array(gen_abi_type(depth + 1, leaf_depth, max_fixed_length),
                                  static_cast<std::size_t>(*rc::gen::inRange(1, max_fixed_length)));
    default: {
      std::vector<AbiType> parts;
      const int n = *rc::gen::inRange(1, 4);
      for (int i = 0; i < n; ++i) parts.push_back(gen_abi_type(depth + 1, leaf_depth, max_fixed_length));
      return AbiType::tuple(std::move(parts));
    }
  }
}

}  // namespace credence::test
