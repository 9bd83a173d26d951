#include "credence/lab/metrics.h"

#include <algorithm>
#include <cmath>

#include "credence/core/concentration.h"

namespace credence::lab {

std::optional<double> ratio(std::uint64_t numerator, std::uint64_t denominator) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

std::optional<double> quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::nullopt;
  const double n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(q * n));
  if (rank == 0) rank = 1;
  if (rank > sorted.size()) rank = sorted.size();
  return sorted[rank - 1];
}

std::optional<double> quantile(std::vector<double> samples, double q) {
  std::sort(samples.begin(), samples.end());
  return quantile_sorted(samples, q);
}

double exponential_order_statistic_mean(std::uint32_t k, std::uint32_t n, double mean) {
  double s = 0;
  for (std::uint32_t i = n - k + 1; i <= n; ++i) s += 1.0 / i;
  return mean * s;
}

double exponential_order_statistic_variance(std::uint32_t k, std::uint32_t n, double mean) {
  double s = 0;
  for (std::uint32_t i = n - k + 1; i <= n; ++i) s += 1.0 / (static_cast<double>(i) * i);
  return mean * mean * s;
}

Result<Concentration> concentration(std::span<const codec::U256> balances) {
  Concentration c;
  std::size_t zeros = 0;
  for (const auto& b : balances) zeros += b.is_zero() ? std::size_t{1} : std::size_t{0};
  c.holders = balances.size() - zeros;
  CREDENCE_ASSIGN_OR_RETURN(c.gini, core::gini(balances));
  const double z = static_cast<double>(zeros) / static_cast<double>(balances.size());
  c.population_gini = z + (1 - z) * c.gini;
  CREDENCE_ASSIGN_OR_RETURN(c.hhi, core::hhi_points(balances));
  CREDENCE_ASSIGN_OR_RETURN(c.nakamoto, core::nakamoto_coefficient(balances));
  CREDENCE_ASSIGN_OR_RETURN(c.top1_share, core::top_k_share(balances, (c.holders + 99) / 100));
  return c;
}

void WindowMetrics::merge(const WindowMetrics& o) {
  if (o.stress_samples > 0) {
    stress = (stress * static_cast<double>(stress_samples) + o.stress * static_cast<double>(o.stress_samples)) /
             static_cast<double>(stress_samples + o.stress_samples);
    stress_samples += o.stress_samples;
    price = o.price;
    capital_cost = o.capital_cost;
    volatility = o.volatility;
  }
  arrived += o.arrived;
  bypassed += o.bypassed;
  underwritten += o.underwritten;
  in_protocol += o.in_protocol;
  certified += o.certified;
  certified_late += o.certified_late;
  timed_out += o.timed_out;
  claimant_late += o.claimant_late;
  high_value += o.high_value;
  high_value_in_time += o.high_value_in_time;
  latencies.insert(latencies.end(), o.latencies.begin(), o.latencies.end());
  deadlines.insert(deadlines.end(), o.deadlines.begin(), o.deadlines.end());
  certificates_completed += o.certificates_completed;
  decisions += o.decisions;
  participations += o.participations;
  for (std::size_t i = 0; i < 3; ++i) {
    class_decisions[i] += o.class_decisions[i];
    class_participations[i] += o.class_participations[i];
  }
  sessions += o.sessions;
  malicious_detected += o.malicious_detected;
  messages += o.messages;
  issuance_attempts += o.issuance_attempts;
  attestations_issued += o.attestations_issued;
  attestations_rejected += o.attestations_rejected;
  revocations += o.revocations;
  holder_sells += o.holder_sells;
  holder_buys += o.holder_buys;
  ledger_transactions += o.ledger_transactions;
  ledger_failures += o.ledger_failures;
  if (o.concentration) concentration = o.concentration;
  if (o.concentration_ex_exchange) concentration_ex_exchange = o.concentration_ex_exchange;
}

Rates rates(const WindowMetrics& w) {
  Rates r;
  r.late_finality = ratio(w.certified_late + w.timed_out, w.in_protocol);
  r.claimant_late_finality = ratio(w.claimant_late, w.in_protocol);
  r.bypass = ratio(w.bypassed, w.arrived);
  r.underwritten = ratio(w.underwritten, w.arrived);
  r.participation = ratio(w.participations, w.decisions);
  if (r.participation) r.abstention = 1 - *r.participation;
  for (std::size_t i = 0; i < 3; ++i) r.acceptance[i] = ratio(w.class_participations[i], w.class_decisions[i]);
  if (r.acceptance[0] && r.acceptance[2]) r.selectivity = *r.acceptance[0] - *r.acceptance[2];
  r.drift = ratio(w.high_value_in_time, w.high_value);
  if (w.end > w.start) r.throughput = static_cast<double>(w.certificates_completed) / (w.end - w.start);
  std::vector<double> lat = w.latencies;
  std::sort(lat.begin(), lat.end());
  r.latency_p50 = quantile_sorted(lat, 0.5);
  r.latency_p90 = quantile_sorted(lat, 0.9);
  r.latency_p99 = quantile_sorted(lat, 0.99);
  r.deadline_p50 = quantile(w.deadlines, 0.5);
  r.issuer_acceptance = ratio(w.attestations_issued, w.issuance_attempts);
  return r;
}

}  // namespace credence::lab
