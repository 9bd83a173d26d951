#include "credence/node/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <mutex>

namespace credence::node {
namespace {

// 1 ms .. 10 s in 1-2.5-5 steps: block builds and commits take milliseconds, end-to-end latency up to seconds.
std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// 1 .. 100k transactions (core::kMaxBlockTransactions) in 1-2-5 steps.
std::vector<double> block_size_buckets() {
  return {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
}

// HELP text escapes only backslash and newline (the format's rule; quotes stay as they are).
std::string escape_help(const std::string& help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void write_header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + ' ' + escape_help(help) + '\n';
  out += "# TYPE " + name + ' ' + type + '\n';
}

}  // namespace

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Integral values print without exponent or fraction ("100000", not "1e+05"): bucket bounds and counts read
  // naturally and le labels stay stable.
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  assert(ec == std::errc());
  return std::string(buf, end);
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Counter::write(std::string& out, const std::string& name, const std::string& help) const {
  assert(name.ends_with("_total"));
  write_header(out, name, help, "counter");
  out += name + ' ' + std::to_string(value()) + '\n';
}

void Gauge::write(std::string& out, const std::string& name, const std::string& help) const {
  write_header(out, name, help, "gauge");
  out += name + ' ' + format_metric_value(value()) + '\n';
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(bounds_.size() + 1) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    assert(std::isfinite(bounds_[i]));
    assert(i == 0 || bounds_[i - 1] < bounds_[i]);
  }
}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;
  // First bound >= value; past the last bound: the +Inf bucket.
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::uint64_t Histogram::count() const {
  std::uint64_t n = 0;
  for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
  return n;
}

double Histogram::sum() const {
  return sum_.load(std::memory_order_relaxed);
}

double Histogram::quantile_upper_bound(double q) const {
  // One snapshot, so the rank and the walk agree.
  std::vector<std::uint64_t> counts;
  counts.reserve(buckets_.size());
  std::uint64_t total = 0;
  for (const auto& b : buckets_) total += counts.emplace_back(b.load(std::memory_order_relaxed));
  if (total == 0) return 0;
  q = std::clamp(std::isnan(q) ? 0.0 : q, 0.0, 1.0);
  // The rank-th smallest observation (1-based) is the one whose bucket we want; at least the first.
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total))));
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts[i];
    if (cumulative >= rank) return bounds_[i];
  }
  return std::numeric_limits<double>::infinity();
}

void Histogram::write(std::string& out, const std::string& name, const std::string& help) const {
  write_header(out, name, help, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{le=\"" + format_metric_value(bounds_[i]) + "\"} " + std::to_string(cumulative) + '\n';
  }
  cumulative += buckets_.back().load(std::memory_order_relaxed);
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + '\n';
  out += name + "_sum " + format_metric_value(sum()) + '\n';
  // _count from the same snapshot as the buckets: Prometheus requires it to equal the +Inf bucket.
  out += name + "_count " + std::to_string(cumulative) + '\n';
}

void LabelledCounter::add(const std::string& label, std::uint64_t n) {
  {
    std::shared_lock lock(mutex_);
    auto it = values_.find(label);
    if (it != values_.end()) {
      it->second.fetch_add(n, std::memory_order_relaxed);
      return;
    }
  }
  std::unique_lock lock(mutex_);
  values_.try_emplace(label).first->second.fetch_add(n, std::memory_order_relaxed);
}

std::uint64_t LabelledCounter::value(const std::string& label) const {
  std::shared_lock lock(mutex_);
  auto it = values_.find(label);
  return it == values_.end() ? 0 : it->second.load(std::memory_order_relaxed);
}

void LabelledCounter::write(std::string& out, const std::string& name, const std::string& label_name,
                            const std::string& help) const {
  assert(name.ends_with("_total"));
  write_header(out, name, help, "counter");
  std::shared_lock lock(mutex_);
  for (const auto& [label, value] : values_) {
    out += name + '{' + label_name + "=\"" + escape_label_value(label) + "\"} " +
           std::to_string(value.load(std::memory_order_relaxed)) + '\n';
  }
}

Metrics::Metrics()
    : block_build_seconds(latency_buckets()),
      block_commit_seconds(latency_buckets()),
      block_transactions(block_size_buckets()),
      block_interval_seconds(latency_buckets()),
      end_to_end_seconds(latency_buckets()),
      certificate_seconds(latency_buckets()),
      checkpoint_seconds(latency_buckets()) {}

std::string Metrics::render() const {
  std::string out;
  out.reserve(8192);
  transactions_submitted.write(out, "credence_transactions_submitted_total", "Transactions accepted into the mempool.");
  transactions_committed.write(out, "credence_transactions_committed_total",
                               "Transactions included in a committed block.");
  transactions_rejected.write(out, "credence_transactions_rejected_total", "reason",
                              "Transactions refused at submission or left out of a block, by reason code.");
  blocks_committed.write(out, "credence_blocks_committed_total", "Blocks committed to storage.");
  chain_height.write(out, "credence_chain_height", "Height of the last committed block.");
  mempool_transactions.write(out, "credence_mempool_transactions", "Transactions pending in the mempool.");
  mempool_bytes.write(out, "credence_mempool_bytes", "Encoded bytes of the transactions pending in the mempool.");
  block_build_seconds.write(out, "credence_block_build_seconds",
                            "Time to build a block: apply its transactions and compute the state root.");
  block_commit_seconds.write(out, "credence_block_commit_seconds", "Time of a block's synced storage write.");
  block_transactions.write(out, "credence_block_transactions", "Transactions per committed block.");
  block_interval_seconds.write(out, "credence_block_interval_seconds",
                               "Time from one block's commit to the next block's commit (block time).");
  end_to_end_seconds.write(out, "credence_end_to_end_latency_seconds",
                           "Time from a transaction's acceptance into the mempool to its block's commit.");
  http_requests.write(out, "credence_http_requests_total", "HTTP requests received.");
  http_responses.write(out, "credence_http_responses_total", "code", "HTTP responses sent, by status code.");
  http_waiting.write(out, "credence_http_waiting_requests", "Requests waiting (?wait) for their transactions' commit.");
  http_waits_skipped.write(out, "credence_http_waits_skipped_total",
                           "Requests with ?wait answered at once because every waiting place was taken.");
  verify_requests.write(out, "credence_verify_requests_total", "Certified verification requests (POST /v1/verify).");
  certificates_issued.write(out, "credence_certificates_issued_total", "Verdicts certified by the committee.");
  certificates_late.write(out, "credence_certificates_late_total",
                          "Verdicts certified after their requested deadline (late finality).");
  verify_deadline_exceeded.write(out, "credence_verify_deadline_exceeded_total",
                                 "Verification requests answered without a certificate because the deadline passed.");
  late_finality_ratio.write(out, "credence_late_finality_ratio",
                            "Share of certificates issued after their deadline (late / issued).");
  certificate_seconds.write(out, "credence_certificate_latency_seconds",
                            "Time from a verification request to its certificate.");
  checkpoint_seconds.write(out, "credence_checkpoint_signing_seconds", "Time to certify one checkpoint.");
  checkpoints_certified.write(out, "credence_checkpoints_certified_total", "Checkpoints certified by the committee.");
  checkpoint_height.write(out, "credence_checkpoint_height", "Height of the last certified checkpoint.");
  committee_signings.write(out, "credence_committee_signings_total",
                           "Committee signings attempted (checkpoints and verdict batches).");
  committee_signings_failed.write(out, "credence_committee_signings_failed_total",
                                  "Committee signings that ended without a signature.");
  member_signatures.write(out, "credence_committee_member_signatures_total", "member",
                          "Signatures a member's share contributed to (participation).");
  member_responses.write(out, "credence_committee_member_responses_total", "member",
                         "Sign requests a member answered.");
  member_response_ms.write(out, "credence_committee_member_response_milliseconds_total", "member",
                           "Sum of a member's first-answer times in milliseconds (mean: divide by responses).");
  member_refusals.write(out, "credence_committee_member_refusals_total", "member",
                        "Sign requests a member checked and refused.");
  member_excluded.write(out, "credence_committee_member_excluded_total", "member",
                        "Signings a member was excluded from for a share that failed verification.");
  member_failures.write(out, "credence_committee_member_failures_total", "member",
                        "Requests a member did not answer, or answered without valid authentication.");
  return out;
}

}  // namespace credence::node
