#include "credence/core/concentration.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace credence::core {

using codec::U256;

namespace {

// Shares are q_i = floor(x_i · 2^kShareBits / Σx): q_i ≤ 2^127, so Σ q_i² ≤ (Σ q_i)² ≤ 2^254 and
// Σ (n − 1)·q_i < 2^256 for any n < 2^128 — every sum below is exact in a U256.
constexpr unsigned kShareBits = 127;

// The non-zero balances, sorted (ascending unless `descending`), and their sum.
struct Holders {
  std::vector<U256> balances;
  U256 sum;
};

Result<Holders> holders(std::span<const U256> balances, bool descending) {
  Holders h;
  for (const auto& b : balances) {
    if (b.is_zero()) continue;
    auto sum = codec::checked_add(h.sum, b);
    if (!sum) return Status::invalid("overflow", "the balances sum to 2^256 or more");
    h.sum = *sum;
    h.balances.push_back(b);
  }
  if (h.balances.empty()) return Status::invalid("no_holders", "no non-zero balance");
  if (descending) {
    std::sort(h.balances.begin(), h.balances.end(), std::greater<>());
  } else {
    std::sort(h.balances.begin(), h.balances.end());
  }
  return h;
}

// floor(x · 2^127 / sum) for x ≤ sum.
Result<U256> scaled_share(const U256& x, const U256& sum) {
  return codec::mul_div(x, U256::power_of_two(kShareBits), sum);
}

// The nearest double to the top 64 bits of v, times the power of two they stand for. Deterministic: one integer
// conversion (round to nearest even) and an exact ldexp.
double to_double(const U256& v) {
  const unsigned bits = v.bit_length();
  if (bits <= 64) return static_cast<double>(v.low_u64());
  const unsigned shift = bits - 64;
  return std::ldexp(static_cast<double>((v >> shift).low_u64()), static_cast<int>(shift));
}

double from_scaled(const U256& scaled) {
  return std::ldexp(to_double(scaled), -static_cast<int>(kShareBits));
}

}  // namespace

Result<double> gini(std::span<const U256> balances) {
  CREDENCE_ASSIGN_OR_RETURN(const Holders h, holders(balances, false));
  const std::size_t n = h.balances.size();
  // Σ (2i − n − 1)·q_i with i = 1..n ascending, split into its positive and negative parts (the total is ≥ 0 for
  // ascending q, by the rearrangement inequality).
  U256 positive;
  U256 negative;
  for (std::size_t i = 1; i <= n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(const U256 q, scaled_share(h.balances[i - 1], h.sum));
    if (2 * i > n + 1) {
      CREDENCE_ASSIGN_OR_RETURN(const U256 term, codec::checked_mul(U256::from_u64(2 * i - n - 1), q));
      CREDENCE_ASSIGN_OR_RETURN(positive, codec::checked_add(positive, term));
    } else if (2 * i < n + 1) {
      CREDENCE_ASSIGN_OR_RETURN(const U256 term, codec::checked_mul(U256::from_u64(n + 1 - 2 * i), q));
      CREDENCE_ASSIGN_OR_RETURN(negative, codec::checked_add(negative, term));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(const U256 numerator, codec::checked_sub(positive, negative));
  return from_scaled(numerator) / static_cast<double>(n);
}

Result<double> hhi(std::span<const U256> balances) {
  CREDENCE_ASSIGN_OR_RETURN(const Holders h, holders(balances, false));
  U256 squares;
  for (const auto& x : h.balances) {
    CREDENCE_ASSIGN_OR_RETURN(const U256 q, scaled_share(x, h.sum));
    CREDENCE_ASSIGN_OR_RETURN(const U256 square, codec::checked_mul(q, q));
    CREDENCE_ASSIGN_OR_RETURN(squares, codec::checked_add(squares, square));
  }
  return std::ldexp(to_double(squares), -2 * static_cast<int>(kShareBits));
}

Result<double> hhi_points(std::span<const U256> balances) {
  CREDENCE_ASSIGN_OR_RETURN(const double fraction, hhi(balances));
  return fraction * 10'000.0;
}

Result<std::size_t> nakamoto_coefficient(std::span<const U256> balances, ShareThreshold threshold) {
  if (threshold.numerator == 0 || threshold.numerator > threshold.denominator) {
    return Status::invalid("bad_threshold", "the threshold must be in (0, 1]");
  }
  CREDENCE_ASSIGN_OR_RETURN(const Holders h, holders(balances, true));
  const U256 numerator = U256::from_u64(threshold.numerator);
  const U256 denominator = U256::from_u64(threshold.denominator);
  // cumulative / sum ≥ num / den  ⟺  cumulative·den / sum ≥ num  ⟺  floor(cumulative·den / sum) ≥ num.
  U256 cumulative;
  std::size_t count = 0;
  for (const auto& x : h.balances) {
    CREDENCE_ASSIGN_OR_RETURN(const U256 reached, codec::mul_div(cumulative, denominator, h.sum));
    if (reached >= numerator) break;
    ++count;
    CREDENCE_ASSIGN_OR_RETURN(cumulative, codec::checked_add(cumulative, x));
  }
  return count;
}

Result<double> top_k_share(std::span<const U256> balances, std::size_t k) {
  CREDENCE_ASSIGN_OR_RETURN(const Holders h, holders(balances, true));
  U256 top;
  for (std::size_t i = 0; i < k && i < h.balances.size(); ++i) {
    CREDENCE_ASSIGN_OR_RETURN(top, codec::checked_add(top, h.balances[i]));
  }
  CREDENCE_ASSIGN_OR_RETURN(const U256 q, scaled_share(top, h.sum));
  return from_scaled(q);
}

Result<double> shannon_entropy(std::span<const U256> balances) {
  CREDENCE_ASSIGN_OR_RETURN(const Holders h, holders(balances, false));
  double entropy = 0;
  for (const auto& x : h.balances) {  // smallest terms first
    CREDENCE_ASSIGN_OR_RETURN(const U256 q, scaled_share(x, h.sum));
    if (q.is_zero()) continue;  // a share below 2^-127 adds less than 2^-120 bits
    const double s = from_scaled(q);
    entropy -= s * std::log2(s);
  }
  return entropy;
}

}  // namespace credence::core
