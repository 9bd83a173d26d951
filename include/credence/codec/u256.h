// U256: an unsigned 256-bit integer for token amounts, ABI words and vesting arithmetic.
//
// A plain value type (four 64-bit limbs, least significant first): cheap to copy, no heap, no shared state, safe to
// use from any thread. Arithmetic that can leave the range is *checked* and answers a Result:
// invalid("overflow"), invalid("underflow") or invalid("division_by_zero"); nothing wraps silently. The few
// wrapping operations (two's complement negation, used for ABI int<M> words) say so in their names.
// Text forms: strict decimal and "0x" hexadecimal, both parsed with invalid("bad_number") on malformed text and
// invalid("overflow") when the value needs more than 256 bits. See docs/abi.md ("U256").
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::codec {

class U256 {
 public:
  static constexpr std::size_t kLimbs = 4;
  static constexpr std::size_t kBytes = 32;
  using Limbs = std::array<std::uint64_t, kLimbs>;  // limbs[0] is the least significant

  constexpr U256() = default;

  static constexpr U256 from_u64(std::uint64_t v) { return U256(Limbs{v, 0, 0, 0}); }
  static constexpr U256 from_limbs(const Limbs& limbs) { return U256(limbs); }
  // 2^256 - 1.
  static constexpr U256 max() { return U256(Limbs{~0ULL, ~0ULL, ~0ULL, ~0ULL}); }
  // 2^bit for bit < 256; bit >= 256 is a programming error (asserted).
  static U256 power_of_two(unsigned bit);

  // Big-endian 32-byte form (the ABI word layout).
  static U256 from_be_bytes(FixedView<kBytes> bytes);
  [[nodiscard]] FixedBytes<kBytes> to_be_bytes() const;

  // Strict decimal: one or more ASCII digits, nothing else (no sign, no spaces, no "_"). Leading zeros are
  // accepted ("007" is 7) because they do not change the value; to_decimal never writes them.
  static Result<U256> parse_decimal(std::string_view text);
  // "0x"/"0X" followed by 1..n hex digits of either case; leading zeros accepted, more than 256 significant bits
  // is invalid("overflow").
  static Result<U256> parse_hex(std::string_view text);
  // parse_hex when the text starts with "0x"/"0X", parse_decimal otherwise.
  static Result<U256> parse(std::string_view text);

  // Shortest decimal form ("0" for zero).
  [[nodiscard]] std::string to_decimal() const;
  // "0x" + shortest lowercase hex ("0x0" for zero).
  [[nodiscard]] std::string to_hex() const;

  [[nodiscard]] constexpr const Limbs& limbs() const { return limbs_; }
  [[nodiscard]] constexpr bool is_zero() const { return (limbs_[0] | limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
  [[nodiscard]] constexpr bool fits_u64() const { return (limbs_[1] | limbs_[2] | limbs_[3]) == 0; }
  // The low 64 bits (the whole value when fits_u64()).
  [[nodiscard]] constexpr std::uint64_t low_u64() const { return limbs_[0]; }
  // Bit `i` (0 = least significant); i >= 256 reads as 0.
  [[nodiscard]] constexpr bool bit(unsigned i) const {
    return i < 256 && ((limbs_[i / 64] >> (i % 64)) & 1U) != 0;
  }
  // Number of significant bits (0 for zero, 256 for values >= 2^255).
  [[nodiscard]] unsigned bit_length() const;

  // Bitwise operations and shifts never fail; shifting by >= 256 gives zero.
  friend U256 operator~(const U256& a);
  friend U256 operator&(const U256& a, const U256& b);
  friend U256 operator|(const U256& a, const U256& b);
  friend U256 operator^(const U256& a, const U256& b);
  friend U256 operator<<(const U256& a, unsigned shift);
  friend U256 operator>>(const U256& a, unsigned shift);

  // Arithmetic modulo 2^256, for two's complement words only; amounts use the checked functions below.
  [[nodiscard]] U256 wrapping_neg() const;
  friend U256 wrapping_add(const U256& a, const U256& b);
  friend U256 wrapping_sub(const U256& a, const U256& b);

  friend constexpr bool operator==(const U256& a, const U256& b) = default;
  friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) {
    for (std::size_t i = kLimbs; i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
    }
    return std::strong_ordering::equal;
  }

 private:
  constexpr explicit U256(const Limbs& limbs) : limbs_(limbs) {}

  Limbs limbs_{};
};

// Quotient and remainder of one division.
struct U256DivMod {
  U256 quotient;
  U256 remainder;
};

// Checked arithmetic: the exact result, or invalid("overflow") / invalid("underflow") when it is not in [0, 2^256).
Result<U256> checked_add(const U256& a, const U256& b);
Result<U256> checked_sub(const U256& a, const U256& b);
Result<U256> checked_mul(const U256& a, const U256& b);

// Floor division and remainder; a zero divisor is invalid("division_by_zero").
Result<U256DivMod> checked_div_mod(const U256& a, const U256& b);
Result<U256> checked_div(const U256& a, const U256& b);
Result<U256> checked_mod(const U256& a, const U256& b);
Result<U256> checked_div(const U256& a, std::uint64_t b);
Result<std::uint64_t> checked_mod(const U256& a, std::uint64_t b);

// floor(a * b / c) computed with a 512-bit intermediate product, so it is exact whenever the *result* fits in 256
// bits (vesting: floor(amount * elapsed / duration)). c == 0 is invalid("division_by_zero"); a result >= 2^256 is
// invalid("overflow").
Result<U256> mul_div(const U256& a, const U256& b, const U256& c);

}  // namespace credence::codec
