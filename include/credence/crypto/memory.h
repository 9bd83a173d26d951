// Secret-handling primitives: constant-time comparison, guaranteed wiping, and a fixed-size secret buffer that
// wipes itself on every path out of scope (return, early error, move-from).
//
// Secret<N> owns N bytes; copying is disabled so a secret exists in one place only. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "credence/bytes.h"

namespace credence::crypto {

// Overwrites `data` with zeros in a way the compiler may not elide.
void secure_wipe(std::span<std::uint8_t> data);

// Constant-time equality of two byte strings; different lengths compare unequal (the length is not secret).
[[nodiscard]] bool constant_time_equal(ByteView a, ByteView b);

template <std::size_t N>
class Secret {
 public:
  Secret() = default;
  explicit Secret(FixedView<N> bytes) {
    for (std::size_t i = 0; i < N; ++i) bytes_[i] = bytes[i];
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : bytes_(other.bytes_) { secure_wipe(other.bytes_); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      secure_wipe(other.bytes_);
    }
    return *this;
  }
  ~Secret() { secure_wipe(bytes_); }

  [[nodiscard]] FixedView<N> view() const { return FixedView<N>(bytes_); }
  [[nodiscard]] std::span<std::uint8_t, N> mutable_view() { return std::span<std::uint8_t, N>(bytes_); }

 private:
  FixedBytes<N> bytes_{};
};

}  // namespace credence::crypto
