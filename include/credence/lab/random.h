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
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
// A uniform 64-bit value determined by its key.
[[nodiscard]] std::uint64_t keyed_u64(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b = 0);
// The top 53 bits of `bits` as a double in [0, 1).
[[nodiscard]] double to_unit(std::uint64_t bits);
// The top 53 bits of `bits` as a double in (0, 1): (k + 0.5) / 2^53, never 0, so log() is finite.
[[nodiscard]] constexpr double to_open_unit(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
}
// to_open_unit of keyed_u64.
[[nodiscard]] double keyed_unit(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b = 0);

// The same keyed values with the leading components fixed, for runs of draws under one key (a batch's members):
// each component is mixed in turn, so the mixing of (seed, stream) and of a is done once, not per draw.
//   KeyedStream(seed, stream).at(a).u64(b) == keyed_u64(seed, stream, a, b)
struct KeyedDraws {
  std::uint64_t h = 0;
  [[nodiscard]] constexpr std::uint64_t u64(std::uint64_t b) const { return mix64(h ^ b); }
  [[nodiscard]] constexpr double unit(std::uint64_t b) const { return to_open_unit(u64(b)); }
};
class KeyedStream {
 public:
  constexpr KeyedStream(std::uint64_t seed, std::uint64_t stream) : h_(mix64(mix64(seed ^ kSeedTweak) ^ stream)) {}
  [[nodiscard]] constexpr KeyedDraws at(std::uint64_t a) const { return KeyedDraws{mix64(h_ ^ a)}; }

 private:
  static constexpr std::uint64_t kSeedTweak = 0x6c62272e07bb0142ULL;
  std::uint64_t h_;
};

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
