// Byte-string vocabulary shared by every layer: owned buffers, borrowed views and fixed-size arrays.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace credence {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
template <std::size_t N>
using FixedBytes = std::array<std::uint8_t, N>;
template <std::size_t N>
using FixedView = std::span<const std::uint8_t, N>;

using Hash256 = FixedBytes<32>;
using Hash512 = FixedBytes<64>;

// Views the characters of a string as bytes (no copy; valid while `s` lives).
inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};  // NOLINT: byte view of chars
}

}  // namespace credence
