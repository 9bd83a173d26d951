// A stress-lab scenario: the exogenous stress path (phases with price, capital cost and volatility), the protocol
// configuration (committee size and threshold, timeouts, fees, bonds, underwriting, checkpoint interval) and the
// parameters of every agent model. Format and meaning of every key: docs/lab.md "Scenario format".
//
// parse_scenario() is a decoder of untrusted text: it never throws, refuses unknown tables and keys, wrong types and
// out-of-range values with invalid("bad_scenario", "<key>: <why>"), and TOML syntax errors with
// invalid("bad_toml", "line L, column C: <why>"). Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "credence/status.h"

namespace credence::lab {

// A value that moves linearly from `start` to `end` over a phase.
struct Ramp {
  double start = 0;
  double end = 0;
  [[nodiscard]] double at(double fraction) const { return start + (end - start) * fraction; }
};

struct Phase {
  std::string name;
  double duration = 0;           // seconds of simulated time, > 0
  Ramp price{1, 1};              // token price (any unit; the first phase's start is the reference)
  Ramp capital_cost{0.05, 0.05};  // annual cost of locked capital (0.05 = 5 %/year)
  Ramp volatility{0.2, 0.2};     // annualised volatility
  double request_rate = 1;       // verification requests per second (Poisson)
};

// stress(t) = clamp01(drawdown·Δprice + volatility·Δσ + capital_cost·Δcc) — docs/lab.md "Stress index".
struct StressWeights {
  double drawdown = 2.0;
  double volatility = 1.0;
  double capital_cost = 5.0;
};

struct Partition {
  double start = 0;
  double end = 0;
  std::uint32_t first_member = 1;  // members first..last (inclusive) cannot send or receive
  std::uint32_t last_member = 1;
};

struct Network {
  double latency_median = 0.05;  // one-way message latency: lognormal with this median (seconds) …
  double latency_sigma = 0.5;    // … and this σ of its logarithm
  double loss = 0;               // probability that a message is lost
  std::vector<Partition> partitions;
};

struct Protocol {
  std::uint32_t n = 10;             // committee members
  std::uint32_t t = 7;              // signing threshold
  double request_timeout = 600;     // seconds after arrival at which the coordinator gives up
  double fee_base = 1;              // fee per certificate, split among the t signers: fee_base + fee_rate·value
  double fee_rate = 0.001;
  double liability_share = 1;       // share of a request's value the signers owe if the certificate is wrong
  double collateral_ratio = 0.1;    // bond locked per certificate, as a share of its value, split among signers
  double dispute_window = 86400;    // seconds the collateral stays locked
  double checkpoint_interval = 5;   // seconds between blocks (each block commits the ledger: a checkpoint)
  // Verdict batches (docs/certificates.md "Batches"), as the node's certifier forms them: a request waits up to
  // batch_window seconds for others (or until max_batch wait) and the batch is signed once, as one Merkle root.
  double batch_window = 0.002;      // seconds, 0..10 (the node's batch_window_ms = 2)
  std::uint32_t max_batch = 256;    // statements per batch, 1..65536 (the node's max_batch)
};

struct Underwriting {
  bool enabled = false;
  double capacity = 0;     // bonded capital available for provisional guarantees (value units)
  double fee_rate = 0.002;  // fee per guarantee, as a share of the value
  double latency = 0.05;    // seconds to give a guarantee
};

struct Members {
  std::string response = "exponential";  // "exponential" (mean response_mean) or "lognormal" (median, sigma)
  double response_mean = 0.5;            // seconds (exponential: mean; lognormal: median)
  double response_sigma = 0.5;           // lognormal only
  double hesitation = 0;                 // response times × (1 + hesitation·stress)
  double risk_aversion = 0;              // perceived liability × (1 + risk_aversion·stress)
  double idiosyncratic_sigma = 0.3;      // per-member, per-request noise on perceived liability (lognormal σ)
  bool cooperative = false;              // participate whatever the payoff (the fully cooperative baseline)
  std::uint32_t silent = 0;              // members 1..silent commit but never answer a session
  std::uint32_t malicious = 0;           // the next `malicious` members answer with invalid shares
};

struct Claimants {
  double value_median = 1000;  // request value: lognormal(median, sigma)
  double value_sigma = 1.0;
  double deadline_median = 30;  // economic deadline after arrival, seconds: lognormal(median, sigma)
  double deadline_sigma = 0.5;
  double risk_mix[3] = {0.6, 0.3, 0.1};          // low / medium / high risk classes
  double fault_probability[3] = {0.0005, 0.002, 0.01};  // chance a certificate of that class proves wrong
  double loss_if_late = 0.05;        // share of the value lost when finality comes after the deadline
  double intermediary_fee_rate = 0.01;  // off-protocol intermediary: fee_rate·value + fee_fixed
  double intermediary_fee_fixed = 1;
  double high_value = 5000;          // threshold of "high-value" for the drift index
  std::uint32_t estimate_window = 200;  // claimants estimate P(late) from the last this-many in-protocol outcomes …
  double estimate_horizon = 600;        // … that completed within this many seconds (none: P(late) taken as 0)
};

struct Issuers {
  std::uint32_t count = 4;
  double rate = 0.5;           // attestations each issuer attempts per second
  double conservatism = 0.5;   // attempts × (1 − conservatism·stress)
  double strictness = 0.3;     // extra rejection probability × stress
  double revoke_rate = 0.01;   // revocations each issuer makes per second × (1 + stress)
};

struct Holders {
  std::uint32_t count = 200;
  double allocation_scale = 1000;  // genesis allocation: Pareto(scale, shape), integer units
  double allocation_shape = 1.5;
  double large_fraction = 0.05;    // the largest this share of holders are "large"
  double exchange_liquidity = 100000;  // the exchange account's genesis balance
  double action_rate = 0.01;       // actions per holder per second
  double sell_base = 0.1;          // small holder sells with probability sell_base + panic·stress
  double panic = 0.6;
  double sell_fraction = 0.5;      // of its balance
  double buy_base = 0.1;           // large holder buys with probability buy_base + accumulate·stress
  double accumulate = 0.6;
  double buy_amount = 500;         // units per buy (capped by the exchange's balance)
};

// Virtual-time costs of the cryptography, charged in both crypto modes (docs/lab.md "Modeled crypto").
struct Costs {
  double sign_share_us = 350;       // a member's round-2 share (≈ 0.21 ms/signer growth + base, REFERENCES §1.8)
  double verify_share_us = 110;     // three multiplications per share check
  double prepare_us_per_signer = 110;  // one variable-base multiplication per signer
  double aggregate_us = 60;         // final signature verification
};

struct Scenario {
  std::string name;
  std::string description;
  double bucket = 60;  // seconds per metrics bucket
  StressWeights stress;
  std::vector<Phase> phases;
  Network network;
  Protocol protocol;
  Underwriting underwriting;
  Members members;
  Claimants claimants;
  Issuers issuers;
  Holders holders;
  Costs costs;

  [[nodiscard]] double duration() const;
};

// Parses and checks a scenario document (see the header comment for the failures).
Result<Scenario> parse_scenario(std::string_view toml_text);
// Reads `path` and parses it: error("io_error", …) if the file cannot be read, invalid("bad_file") if it is not a
// regular file, invalid("too_large") above 1 MiB, otherwise as parse_scenario (messages prefixed with the path).
Result<Scenario> load_scenario(const std::string& path);
// Cross-field checks (t ≤ n, silent + malicious ≤ n, phases non-empty, …): invalid("bad_scenario", …).
Status validate(const Scenario& scenario);

}  // namespace credence::lab
