#include "credence/codec/u256.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>

namespace credence::codec {
namespace {

// __extension__: 128-bit integers are a GCC/Clang extension; -Wpedantic would flag the type otherwise.
__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using): __extension__ needs typedef

constexpr std::uint64_t lo64(u128 v) { return static_cast<std::uint64_t>(v); }
constexpr std::uint64_t hi64(u128 v) { return static_cast<std::uint64_t>(v >> 64); }

// Number of limbs up to and including the most significant non-zero one (0 for zero).
std::size_t significant_limbs(const std::uint64_t* v, std::size_t n) {
  while (n > 0 && v[n - 1] == 0) --n;
  return n;
}

// Long division of u (ulen limbs) by v (vlen limbs, v[vlen-1] != 0, vlen >= 1), limbs least significant first.
// Writes ulen quotient limbs to q and vlen remainder limbs to r. Knuth, TAOCP vol. 2, 4.3.1, algorithm D, with
// 64-bit digits and 128-bit intermediates. Limb counts are at most 8 here, so scratch space is fixed.
constexpr std::size_t kMaxLimbs = 8;

void divide_limbs(const std::uint64_t* u, std::size_t ulen, const std::uint64_t* v, std::size_t vlen,
                  std::uint64_t* q, std::uint64_t* r) {
  assert(vlen >= 1 && vlen <= kMaxLimbs && ulen <= kMaxLimbs && v[vlen - 1] != 0);
  std::fill(q, q + ulen, 0);
  std::fill(r, r + vlen, 0);
  if (ulen < vlen) {
    std::copy(u, u + ulen, r);
    return;
  }
  if (vlen == 1) {
    // Short division: one digit at a time.
    u128 rem = 0;
    for (std::size_t i = ulen; i-- > 0;) {
      const u128 cur = (rem << 64) | u[i];
      q[i] = lo64(cur / v[0]);
      rem = cur % v[0];
    }
    r[0] = lo64(rem);
    return;
  }

  // D1: normalise so the divisor's top digit has its high bit set; quotient digit estimates are then off by at
  // most 2.
  const auto shift = static_cast<unsigned>(std::countl_zero(v[vlen - 1]));
  std::array<std::uint64_t, kMaxLimbs> vn{};
  std::array<std::uint64_t, kMaxLimbs + 1> un{};
  for (std::size_t i = vlen; i-- > 0;) {
    vn[i] = v[i] << shift;
    if (shift != 0 && i > 0) vn[i] |= v[i - 1] >> (64 - shift);
  }
  un[ulen] = shift == 0 ? 0 : u[ulen - 1] >> (64 - shift);
  for (std::size_t i = ulen; i-- > 0;) {
    un[i] = u[i] << shift;
    if (shift != 0 && i > 0) un[i] |= u[i - 1] >> (64 - shift);
  }

  constexpr u128 kBase = u128{1} << 64;
  for (std::size_t j = ulen - vlen + 1; j-- > 0;) {
    // D3: estimate the quotient digit from the top two digits of the current remainder.
    const u128 top = (u128{un[j + vlen]} << 64) | un[j + vlen - 1];
    u128 qhat = top / vn[vlen - 1];
    u128 rhat = top % vn[vlen - 1];
    while (qhat >= kBase || qhat * vn[vlen - 2] > ((rhat << 64) | un[j + vlen - 2])) {
      --qhat;
      rhat += vn[vlen - 1];
      if (rhat >= kBase) break;
    }
    // D4: multiply and subtract.
    std::uint64_t borrow = 0;
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < vlen; ++i) {
      const u128 p = qhat * vn[i] + carry;
      carry = hi64(p);
      const u128 t = u128{un[i + j]} - lo64(p) - borrow;
      un[i + j] = lo64(t);
      borrow = hi64(t) != 0 ? 1 : 0;  // t wrapped below zero
    }
    const u128 t = u128{un[j + vlen]} - carry - borrow;
    un[j + vlen] = lo64(t);
    q[j] = lo64(qhat);
    if (hi64(t) != 0) {
      // D6: the estimate was one too large (rare); add the divisor back.
      --q[j];
      std::uint64_t c = 0;
      for (std::size_t i = 0; i < vlen; ++i) {
        const u128 s = u128{un[i + j]} + vn[i] + c;
        un[i + j] = lo64(s);
        c = hi64(s);
      }
      un[j + vlen] += c;
    }
  }
  // D8: unnormalise the remainder.
  for (std::size_t i = 0; i < vlen; ++i) {
    r[i] = un[i] >> shift;
    if (shift != 0) r[i] |= un[i + 1] << (64 - shift);
  }
}

Status invalid_number(std::string_view what, std::size_t pos) {
  return Status::invalid("bad_number", std::string(what) + " at position " + std::to_string(pos));
}

}  // namespace

U256 U256::power_of_two(unsigned bit) {
  assert(bit < 256);
  Limbs l{};
  l[bit / 64] = std::uint64_t{1} << (bit % 64);
  return U256(l);
}

U256 U256::from_be_bytes(FixedView<kBytes> bytes) {
  Limbs l{};
  for (std::size_t i = 0; i < kBytes; ++i) {
    const std::size_t limb = (kBytes - 1 - i) / 8;
    l[limb] = (l[limb] << 8) | bytes[i];
  }
  return U256(l);
}

FixedBytes<U256::kBytes> U256::to_be_bytes() const {
  FixedBytes<kBytes> out{};
  for (std::size_t i = 0; i < kBytes; ++i) {
    const std::size_t byte_from_low = kBytes - 1 - i;
    out[i] = static_cast<std::uint8_t>(limbs_[byte_from_low / 8] >> (8 * (byte_from_low % 8)));
  }
  return out;
}

Result<U256> U256::parse_decimal(std::string_view text) {
  if (text.empty()) return Status::invalid("bad_number", "empty decimal number");
  U256 value;
  const U256 ten = from_u64(10);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return invalid_number("not a decimal digit", i);
    auto times_ten = checked_mul(value, ten);
    if (!times_ten) return Status::invalid("overflow", "decimal number does not fit in 256 bits");
    auto sum = checked_add(*times_ten, from_u64(static_cast<std::uint64_t>(c - '0')));
    if (!sum) return Status::invalid("overflow", "decimal number does not fit in 256 bits");
    value = *sum;
  }
  return value;
}

Result<U256> U256::parse_hex(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return Status::invalid("bad_number", "hex number must start with 0x");
  }
  text.remove_prefix(2);
  if (text.empty()) return Status::invalid("bad_number", "no hex digits after 0x");
  U256 value;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a') + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A') + 10;
    } else {
      return invalid_number("not a hex digit", i + 2);
    }
    if (value.limbs_[3] >> 60 != 0) return Status::invalid("overflow", "hex number does not fit in 256 bits");
    value = value << 4;
    value.limbs_[0] |= digit;
  }
  return value;
}

Result<U256> U256::parse(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) return parse_hex(text);
  return parse_decimal(text);
}

std::string U256::to_decimal() const {
  if (is_zero()) return "0";
  // Peel off 19 decimal digits at a time (10^19 is the largest power of ten below 2^64).
  constexpr std::uint64_t kChunk = 10'000'000'000'000'000'000ULL;
  std::string out;
  U256 rest = *this;
  while (!rest.is_zero()) {
    std::array<std::uint64_t, kLimbs> q{};
    std::uint64_t r = 0;
    divide_limbs(rest.limbs_.data(), kLimbs, &kChunk, 1, q.data(), &r);
    rest = U256(q);
    for (int i = 0; i < 19; ++i) {
      out.push_back(static_cast<char>('0' + r % 10));
      r /= 10;
      if (rest.is_zero() && r == 0) break;
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string U256::to_hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 256; i-- > 0;) {
    if (i % 4 != 3) continue;
    const unsigned nibble = static_cast<unsigned>(limbs_[i / 64] >> ((i - 3) % 64)) & 0xFU;
    if (out.empty() && nibble == 0) continue;
    out.push_back(kDigits[nibble]);
  }
  return out.empty() ? "0x0" : "0x" + out;
}

unsigned U256::bit_length() const {
  for (std::size_t i = kLimbs; i-- > 0;) {
    if (limbs_[i] != 0) return static_cast<unsigned>(64 * i) + static_cast<unsigned>(std::bit_width(limbs_[i]));
  }
  return 0;
}

U256 operator~(const U256& a) {
  U256 r;
  for (std::size_t i = 0; i < U256::kLimbs; ++i) r.limbs_[i] = ~a.limbs_[i];
  return r;
}

U256 operator&(const U256& a, const U256& b) {
  U256 r;
  for (std::size_t i = 0; i < U256::kLimbs; ++i) r.limbs_[i] = a.limbs_[i] & b.limbs_[i];
  return r;
}

U256 operator|(const U256& a, const U256& b) {
  U256 r;
  for (std::size_t i = 0; i < U256::kLimbs; ++i) r.limbs_[i] = a.limbs_[i] | b.limbs_[i];
  return r;
}

U256 operator^(const U256& a, const U256& b) {
  U256 r;
  for (std::size_t i = 0; i < U256::kLimbs; ++i) r.limbs_[i] = a.limbs_[i] ^ b.limbs_[i];
  return r;
}

U256 operator<<(const U256& a, unsigned shift) {
  U256 r;
  if (shift >= 256) return r;
  const std::size_t limb_shift = shift / 64;
  const unsigned bit_shift = shift % 64;
  for (std::size_t i = U256::kLimbs; i-- > limb_shift;) {
    const std::size_t src = i - limb_shift;
    r.limbs_[i] = a.limbs_[src] << bit_shift;
    if (bit_shift != 0 && src > 0) r.limbs_[i] |= a.limbs_[src - 1] >> (64 - bit_shift);
  }
  return r;
}

U256 operator>>(const U256& a, unsigned shift) {
  U256 r;
  if (shift >= 256) return r;
  const std::size_t limb_shift = shift / 64;
  const unsigned bit_shift = shift % 64;
  for (std::size_t i = 0; i + limb_shift < U256::kLimbs; ++i) {
    const std::size_t src = i + limb_shift;
    r.limbs_[i] = a.limbs_[src] >> bit_shift;
    if (bit_shift != 0 && src + 1 < U256::kLimbs) r.limbs_[i] |= a.limbs_[src + 1] << (64 - bit_shift);
  }
  return r;
}

U256 wrapping_add(const U256& a, const U256& b) {
  U256 r;
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < U256::kLimbs; ++i) {
    const u128 s = u128{a.limbs_[i]} + b.limbs_[i] + carry;
    r.limbs_[i] = lo64(s);
    carry = hi64(s);
  }
  return r;
}

U256 wrapping_sub(const U256& a, const U256& b) {
  U256 r;
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < U256::kLimbs; ++i) {
    const u128 d = u128{a.limbs_[i]} - b.limbs_[i] - borrow;
    r.limbs_[i] = lo64(d);
    borrow = hi64(d) != 0 ? 1 : 0;
  }
  return r;
}

U256 U256::wrapping_neg() const { return wrapping_sub(U256(), *this); }

Result<U256> checked_add(const U256& a, const U256& b) {
  const U256 sum = wrapping_add(a, b);
  if (sum < a) return Status::invalid("overflow", "sum does not fit in 256 bits");
  return sum;
}

Result<U256> checked_sub(const U256& a, const U256& b) {
  if (a < b) return Status::invalid("underflow", "difference is negative");
  return wrapping_sub(a, b);
}

Result<U256> checked_mul(const U256& a, const U256& b) {
  // Schoolbook product; any partial product landing at or above limb 4 is an overflow.
  const auto& x = a.limbs();
  const auto& y = b.limbs();
  U256::Limbs r{};
  for (std::size_t i = 0; i < U256::kLimbs; ++i) {
    if (x[i] == 0) continue;
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < U256::kLimbs; ++j) {
      if (i + j >= U256::kLimbs) {
        if (y[j] != 0) return Status::invalid("overflow", "product does not fit in 256 bits");
        continue;
      }
      const u128 p = u128{x[i]} * y[j] + r[i + j] + carry;
      r[i + j] = lo64(p);
      carry = hi64(p);
    }
    if (carry != 0) return Status::invalid("overflow", "product does not fit in 256 bits");
  }
  return U256::from_limbs(r);
}

Result<U256DivMod> checked_div_mod(const U256& a, const U256& b) {
  if (b.is_zero()) return Status::invalid("division_by_zero");
  const std::size_t alen = significant_limbs(a.limbs().data(), U256::kLimbs);
  const std::size_t blen = significant_limbs(b.limbs().data(), U256::kLimbs);
  U256::Limbs q{};
  U256::Limbs r{};
  divide_limbs(a.limbs().data(), alen, b.limbs().data(), blen, q.data(), r.data());
  return U256DivMod{U256::from_limbs(q), U256::from_limbs(r)};
}

Result<U256> checked_div(const U256& a, const U256& b) {
  CREDENCE_ASSIGN_OR_RETURN(auto qr, checked_div_mod(a, b));
  return qr.quotient;
}

Result<U256> checked_mod(const U256& a, const U256& b) {
  CREDENCE_ASSIGN_OR_RETURN(auto qr, checked_div_mod(a, b));
  return qr.remainder;
}

Result<U256> checked_div(const U256& a, std::uint64_t b) { return checked_div(a, U256::from_u64(b)); }

Result<std::uint64_t> checked_mod(const U256& a, std::uint64_t b) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, checked_mod(a, U256::from_u64(b)));
  return r.low_u64();
}

Result<U256> mul_div(const U256& a, const U256& b, const U256& c) {
  if (c.is_zero()) return Status::invalid("division_by_zero");
  // Full 512-bit product.
  std::array<std::uint64_t, kMaxLimbs> p{};
  for (std::size_t i = 0; i < U256::kLimbs; ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < U256::kLimbs; ++j) {
      const u128 t = u128{a.limbs()[i]} * b.limbs()[j] + p[i + j] + carry;
      p[i + j] = lo64(t);
      carry = hi64(t);
    }
    p[i + U256::kLimbs] = carry;
  }
  const std::size_t plen = significant_limbs(p.data(), kMaxLimbs);
  const std::size_t clen = significant_limbs(c.limbs().data(), U256::kLimbs);
  std::array<std::uint64_t, kMaxLimbs> q{};
  U256::Limbs r{};
  divide_limbs(p.data(), plen, c.limbs().data(), clen, q.data(), r.data());
  for (std::size_t i = U256::kLimbs; i < kMaxLimbs; ++i) {
    if (q[i] != 0) return Status::invalid("overflow", "quotient does not fit in 256 bits");
  }
  return U256::from_limbs(U256::Limbs{q[0], q[1], q[2], q[3]});
}

}  // namespace credence::codec
