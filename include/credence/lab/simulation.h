// The stress lab's engine: a deterministic discrete-event simulation that drives the real core ledger
// (core::Ledger: attestations, revocations, transfers) and the real ROAST coordinator
// (threshold::roast::Coordinator, one per verdict batch: requests are batched as the node's certifier batches them,
// Scenario::protocol.batch_window / max_batch) with agents whose incentive models are documented in docs/lab.md,
// over a simulated network (lognormal latency, loss, partitions) and a virtual clock. Latency and lateness are
// measured per request, against its own arrival and deadline.
//
// Crypto modes:
//   real    — members are roast::Signer objects with FROST key packages; every commitment, share and signature is
//             computed and checked (RFC 9591);
//   modeled — the same coordinator with modeled SessionChecks (docs/lab.md "Modeled crypto"): every message and state
//             transition is kept, no group operation is computed; ledger transactions are not signed and are applied
//             with SignatureCheck::already_verified.
// Virtual time charges the calibrated costs of Scenario::costs in both modes, so both modes produce the same
// protocol-level outcomes; only the wall-clock cost differs.
//
// run() is deterministic: the same scenario, seed and mode give byte-identical results on any machine
// (docs/lab.md "Randomness"). Not thread-safe; independent runs may go on separate threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "credence/lab/metrics.h"
#include "credence/lab/scenario.h"
#include "credence/status.h"

namespace credence::lab {

enum class CryptoMode { modeled, real };

struct RunOptions {
  std::uint64_t seed = 1;
  CryptoMode crypto = CryptoMode::modeled;
  bool keep_requests = false;                 // fill RunResult::requests (tests)
  bool ledger = true;                         // drive the core ledger (issuers, holders); false: committee only
  std::function<void(double)> progress;       // called with the simulated fraction done, in [0, 1]
};

// What happened to one verification request.
struct RequestOutcome {
  std::uint64_t index = 0;
  double arrival = 0;
  double deadline = 0;  // absolute
  double value = 0;
  int risk_class = 0;
  enum class Route : std::uint8_t { protocol, underwritten, bypassed } route = Route::protocol;
  bool certified = false;
  double certified_at = 0;
  std::vector<std::uint32_t> signers;  // the members whose shares made the certificate
  std::vector<std::uint32_t> malicious;
  std::uint32_t sessions = 0;    // ROAST sessions of its batch
  std::uint64_t batch = 0;       // its verdict batch, named by the index of the batch's first request
  std::uint32_t batch_size = 0;  // statements in that batch (0: bypassed)
};

struct PhaseSummary {
  std::string name;
  WindowMetrics metrics;
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  CryptoMode crypto = CryptoMode::modeled;
  std::vector<WindowMetrics> buckets;
  std::vector<PhaseSummary> phases;
  WindowMetrics overall;
  std::vector<RequestOutcome> requests;  // when RunOptions::keep_requests
  std::uint64_t events = 0;              // events processed by the scheduler
  std::uint64_t native_supply = 0;       // the ledger's native supply (constant: checked after every block)
  double wall_seconds = 0;               // not part of any output file (it is not deterministic)
};

// Runs `scenario` (validated again here). invalid("bad_scenario") for an invalid scenario; error(...) if the ledger's
// store fails or an invariant breaks (supply not conserved, a certificate that does not verify in real mode).
Result<RunResult> run(const Scenario& scenario, const RunOptions& options);

// stress(t) of docs/lab.md "Stress index", and the exogenous values at time t (seconds since the start).
struct Exogenous {
  std::size_t phase = 0;
  double price = 0;
  double capital_cost = 0;
  double volatility = 0;
  double stress = 0;
};
[[nodiscard]] Exogenous exogenous_at(const Scenario& scenario, double t);

// The random-exchange wealth model (Dragulescu & Yakovenko 2000) run through the core ledger: `agents` accounts start
// with `initial` native units each; every step, `agents` times, a uniformly chosen agent with a non-zero balance
// gives one unit to another uniformly chosen agent (a Transfer applied by core::Ledger; one block per step). Returns
// the final balances read from the ledger's state; error(...) if supply is not conserved after any block.
Result<std::vector<std::uint64_t>> random_exchange(std::uint32_t agents, std::uint64_t initial, std::uint32_t steps,
                                                   std::uint64_t seed);

}  // namespace credence::lab
