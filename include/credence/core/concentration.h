// Concentration metrics of a distribution of balances: Gini, HHI, Nakamoto coefficient, top-k share, Shannon
// entropy. Definitions, scales and precision: docs/concentration.md.
//
// Every function takes the balances of one asset in any order and treats a zero balance as no holder (it is
// skipped; n is the number of non-zero balances). The shares are exact integer ratios of U256 values scaled to
// 2^-127 before anything is rounded to a double, so the results are deterministic and equal to the exact
// value to about 15 significant digits; thresholds are compared exactly. Failures: invalid("no_holders") when no
// balance is non-zero, invalid("overflow") when the balances sum to 2^256 or more (one asset's balances sum to its
// supply, which fits), invalid("bad_threshold"). Pure functions: no state, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "credence/codec/u256.h"
#include "credence/status.h"

namespace credence::core {

// A share threshold θ = numerator / denominator, 0 < θ ≤ 1.
struct ShareThreshold {
  std::uint64_t numerator = 1;
  std::uint64_t denominator = 2;
};

// Gini coefficient in [0, 1): 0 when every holder has the same balance; (n − 1) / n for one holder of everything
// among n. Σ_i (2i − n − 1)·x_(i) / (n·Σx) over the balances sorted ascending.
Result<double> gini(std::span<const codec::U256> balances);

// Herfindahl–Hirschman index as a fraction, Σ s_i² in (0, 1] (s_i = x_i / Σx): 1/n for n equal holders, 1 for one.
Result<double> hhi(std::span<const codec::U256> balances);
// The same on the 0–10,000 scale of antitrust practice and tokenomics-decentralization: 10^4 · hhi().
Result<double> hhi_points(std::span<const codec::U256> balances);

// Nakamoto coefficient τ_θ: how many holders, counted largest first, it takes for their cumulative share to reach
// θ — the ≥ rule: a holder set whose share equals θ exactly is enough. τ_{1/2} is the classic Nakamoto coefficient.
Result<std::size_t> nakamoto_coefficient(std::span<const codec::U256> balances, ShareThreshold threshold = {});

// The share of the k largest balances, in [0, 1]: 0 for k = 0, 1 for k ≥ n. k = 1 is the max power ratio.
Result<double> top_k_share(std::span<const codec::U256> balances, std::size_t k);

// Shannon entropy of the shares in bits, −Σ s_i·log2 s_i: 0 for one holder, log2 n for n equal holders.
Result<double> shannon_entropy(std::span<const codec::U256> balances);

}  // namespace credence::core
