#include "credence/lab/random.h"

#include <cmath>

namespace credence::lab {

std::uint64_t keyed_u64(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b) {
  // Each component goes through the bijective mix before the next is added, so distinct keys give unrelated values.
  return KeyedStream(seed, stream).at(a).u64(b);
}

double to_unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

double keyed_unit(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b) {
  return to_open_unit(keyed_u64(seed, stream, a, b));
}

namespace {
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) {
  // The state is the first four outputs of SplitMix64 started at `seed` (Vigna's recommended seeding).
  std::uint64_t x = seed;
  for (auto& s : s_) {
    s = mix64(x);
    x += 0x9e3779b97f4a7c15ULL;
  }
}

std::uint64_t Rng::next_u64() {  // xoshiro256** (Blackman & Vigna)
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::unit() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejects the lowest 2^64 mod n values, so that x mod n is exactly uniform.
  const std::uint64_t threshold = (0 - n) % n;
  while (true) {
    const std::uint64_t x = next_u64();
    if (x >= threshold) return x % n;
  }
}

double Rng::standard_normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0;
  double v = 0;
  double s = 0;
  do {
    u = 2 * unit() - 1;
    v = 2 * unit() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  const double f = std::sqrt(-2 * std::log(s) / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

double exponential_from_unit(double u, double rate) { return -std::log(u) / rate; }

double pareto_from_unit(double u, double scale, double shape) { return scale * std::exp(-std::log(u) / shape); }

double exponential(Rng& rng, double rate) { return exponential_from_unit(rng.unit(), rate); }
double normal(Rng& rng, double mean, double stddev) { return mean + stddev * rng.standard_normal(); }
double lognormal(Rng& rng, double mu, double sigma) { return std::exp(mu + sigma * rng.standard_normal()); }
bool bernoulli(Rng& rng, double p) { return bernoulli_from_unit(rng.unit(), p); }
double pareto(Rng& rng, double scale, double shape) { return pareto_from_unit(rng.unit(), scale, shape); }

double standard_normal_from_unit(double u) {
  // Peter J. Acklam's algorithm for the inverse normal CDF (coefficients as published by the author).
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  if (u < kLow) {
    const double q = std::sqrt(-2 * std::log(u));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (u > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(1 - u));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = u - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace credence::lab
