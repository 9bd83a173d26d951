// Seeded pseudo-random numbers for the stress lab, with samplers written here (not std::*_distribution, whose
// output differs between standard libraries): a seed gives the same run on any machine with an IEEE-754 double and
// a correctly rounded sqrt (the samplers use only +, −, ×, ÷, sqrt, log and exp; log/exp come from libm, whose
// glibc versions are correctly rounded in practice — docs/lab.md "Randomness").
//
// Two generators:
//   Rng        — a sequential stream (xoshiro256** seeded through SplitMix64);
//   keyed_u64  — counter-based: a pure function of (seed, stream, a, b). The simulation draws each random quantity
//                of an entity (member m's response time to request r, …) from its own key, so changing one decision
//                does not shift every later draw: two scenarios run with the same seed see the same underlying
//                randomness ("common random numbers"), which the metamorphic tests rely on.
// Values, no shared state; thread-compatible.
#pragma once

#include <cstdint>

namespace credence::lab {

// SplitMix64's finaliser: a bijective 64-bit mix.
[[nodiscard]] std::uint64_t mix64(std::uint64_t x);
// A uniform 64-bit value determined by its key.
[[nodiscard]] std::uint64_t keyed_u64(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b = 0);
// The top 53 bits of `bits` as a double in [0, 1).
[[nodiscard]] double to_unit(std::uint64_t bits);
// to_unit of keyed_u64, in (0, 1) (never 0, so log() is finite).
[[nodiscard]] double keyed_unit(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b = 0);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next_u64();
  // Uniform in (0, 1): never exactly 0 or 1.
  double unit();
  // Uniform integer in [0, n) without modulo bias (n > 0).
  std::uint64_t below(std::uint64_t n);
  // A standard normal pair from the Marsaglia polar method; returns one, keeps the other.
  double standard_normal();

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

// ---- samplers over a uniform u in (0, 1) (inverse transform), so both generators can feed them.
// Exponential with the given rate (mean 1 / rate), rate > 0.
[[nodiscard]] double exponential_from_unit(double u, double rate);
// Pareto (type I) with scale x_m > 0 and shape α > 0: x_m · u^(−1/α).
[[nodiscard]] double pareto_from_unit(double u, double scale, double shape);
// Bernoulli: u < p.
[[nodiscard]] inline bool bernoulli_from_unit(double u, double p) { return u < p; }

// ---- samplers over an Rng
[[nodiscard]] double exponential(Rng& rng, double rate);
[[nodiscard]] double normal(Rng& rng, double mean, double stddev);
// exp(N(μ, σ²)): μ and σ are the parameters of the underlying normal; the mean is exp(μ + σ²/2).
[[nodiscard]] double lognormal(Rng& rng, double mu, double sigma);
[[nodiscard]] bool bernoulli(Rng& rng, double p);
[[nodiscard]] double pareto(Rng& rng, double scale, double shape);

// A standard normal by inversion of its CDF at u in (0, 1): Acklam's rational approximation (relative error below
// 1.2e-9), which needs only arithmetic, sqrt and log — used for keyed draws, where rejection sampling would need
// an unbounded number of uniforms.
[[nodiscard]] double standard_normal_from_unit(double u);

}  // namespace credence::lab
