// The stress lab's metrics: pure functions over counts and samples, and the per-window accumulator the simulation
// fills (one per time bucket, one per phase, one overall). Definitions and formulas: docs/lab.md "Metrics".
//
// A rate whose denominator is zero is "undefined" (std::nullopt; null in JSON, empty in CSV), never 0. Pure
// functions; WindowMetrics is a plain value. Thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "credence/codec/u256.h"
#include "credence/status.h"

namespace credence::lab {

// numerator / denominator, or nullopt when denominator == 0.
[[nodiscard]] std::optional<double> ratio(std::uint64_t numerator, std::uint64_t denominator);

// Nearest-rank quantile of `samples` (any order): the ⌈q·N⌉-th smallest (the smallest for q = 0), nullopt when
// empty. 0 ≤ q ≤ 1.
[[nodiscard]] std::optional<double> quantile(std::vector<double> samples, double q);
// The same over samples already sorted ascending.
[[nodiscard]] std::optional<double> quantile_sorted(std::span<const double> sorted, double q);

// Closed-form expectation of the k-th order statistic of n i.i.d. exponential variables of the given mean:
// mean · Σ_{i=n−k+1}^{n} 1/i (Rényi's representation). Its variance is mean² · Σ 1/i² over the same range.
[[nodiscard]] double exponential_order_statistic_mean(std::uint32_t k, std::uint32_t n, double mean);
[[nodiscard]] double exponential_order_statistic_variance(std::uint32_t k, std::uint32_t n, double mean);

// Concentration of one asset's balances, through core/concentration.h (zero balances are not holders there).
struct Concentration {
  std::size_t holders = 0;
  double gini = 0;                  // core::gini over holders
  double population_gini = 0;       // Gini over every account, zero balances included: z + (1 − z)·gini
  double hhi = 0;                   // core::hhi_points, 0–10,000
  std::size_t nakamoto = 0;         // core::nakamoto_coefficient, θ = 1/2 (≥ rule)
  double top1_share = 0;            // core::top_k_share with k = ⌈holders / 100⌉
};
// invalid("no_holders") if every balance is zero.
Result<Concentration> concentration(std::span<const codec::U256> balances);

// Counters and samples of one time window. Request outcomes belong to the window of the request's arrival;
// certificates_completed to the window of the completion (throughput).
struct WindowMetrics {
  double start = 0;  // seconds
  double end = 0;
  double stress = 0;        // mean stress index over the window's samples
  std::uint64_t stress_samples = 0;
  double price = 0;         // at the window's end (last sample)
  double capital_cost = 0;
  double volatility = 0;

  std::uint64_t arrived = 0;        // verification requests
  std::uint64_t bypassed = 0;       // taken to the off-protocol intermediary
  std::uint64_t underwritten = 0;   // given an underwriter's provisional guarantee
  std::uint64_t in_protocol = 0;    // sent to the committee (underwritten ones included)
  std::uint64_t certified = 0;
  std::uint64_t certified_late = 0;  // certified after the deadline
  std::uint64_t timed_out = 0;       // never certified (the coordinator gave up)
  std::uint64_t claimant_late = 0;   // in protocol, and finality as the claimant sees it came after the deadline
  std::uint64_t high_value = 0;
  std::uint64_t high_value_in_time = 0;  // high value, in protocol, claimant finality before the deadline
  std::vector<double> latencies;    // certification latency (s) of each certified request
  std::vector<double> deadlines;    // deadline (s after arrival) of each in-protocol request

  std::uint64_t certificates_completed = 0;  // by completion time
  std::uint64_t decisions = 0;               // member × request participation decisions
  std::uint64_t participations = 0;
  std::array<std::uint64_t, 3> class_decisions{};
  std::array<std::uint64_t, 3> class_participations{};
  std::uint64_t sessions = 0;                // ROAST sessions started
  std::uint64_t malicious_detected = 0;      // members the coordinators excluded
  std::uint64_t messages = 0;                // messages delivered to coordinators

  std::uint64_t issuance_attempts = 0;
  std::uint64_t attestations_issued = 0;
  std::uint64_t attestations_rejected = 0;   // refused by the issuers' criteria
  std::uint64_t revocations = 0;
  std::uint64_t holder_sells = 0;
  std::uint64_t holder_buys = 0;
  std::uint64_t ledger_transactions = 0;
  std::uint64_t ledger_failures = 0;         // receipts that were not ok

  std::optional<Concentration> concentration;            // all accounts, at the window's end
  std::optional<Concentration> concentration_ex_exchange;

  void merge(const WindowMetrics& other);  // counts and samples add up; stress is sample-weighted; state from `other`
};

// Derived rates of a window (each nullopt when undefined).
struct Rates {
  std::optional<double> late_finality;           // (certified_late + timed_out) / in_protocol
  std::optional<double> claimant_late_finality;  // claimant_late / in_protocol
  std::optional<double> bypass;                  // bypassed / arrived
  std::optional<double> underwritten;            // underwritten / arrived
  std::optional<double> participation;           // participations / decisions
  std::optional<double> abstention;              // 1 − participation
  std::array<std::optional<double>, 3> acceptance;  // class_participations / class_decisions
  std::optional<double> selectivity;             // acceptance[low] − acceptance[high]
  std::optional<double> drift;                   // high_value_in_time / high_value
  std::optional<double> throughput;              // certificates_completed / (end − start), per second
  std::optional<double> latency_p50, latency_p90, latency_p99;
  std::optional<double> deadline_p50;
  std::optional<double> issuer_acceptance;       // attestations_issued / issuance_attempts
};
[[nodiscard]] Rates rates(const WindowMetrics& w);

}  // namespace credence::lab
