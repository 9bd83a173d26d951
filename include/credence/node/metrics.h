// Node metrics in the Prometheus text exposition format (version 0.0.4), served at GET /metrics. The metric names
// and their meaning: docs/node.md "Metrics".
//
// Counters and gauges are lock-free atomics; histograms keep fixed buckets of atomics; labelled counters (rejects
// by reason, responses by status code) find their label under a shared lock and take the exclusive lock only when a
// new label value first appears. Thread-safe throughout. Rendering reads the atomics one by one, so a scrape that
// races with updates may see a histogram's _sum a little behind its buckets; _count always equals the +Inf bucket.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

namespace credence::node {

class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  // "# HELP", "# TYPE <name> counter" and the sample; `name` ends in _total.
  void write(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }
  void write(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::atomic<double> value_{0};
};

// Cumulative histogram with fixed upper bounds (in the metric's unit: seconds, or a count), as Prometheus expects:
// _bucket{le="..."} for every bound and le="+Inf", _sum, _count. A value lands in the first bucket whose bound is
// >= it (Prometheus's "less than or equal"); NaN observations are ignored.
class Histogram {
 public:
  // `upper_bounds` finite and strictly increasing (asserted: a wrong list is our bug).
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  [[nodiscard]] std::uint64_t count() const;
  [[nodiscard]] double sum() const;
  // The smallest bucket bound below which at least fraction q of observations fall (an upper estimate of the
  // quantile; +Inf past the last bound). q is clamped to [0, 1]; 0 when nothing was observed.
  [[nodiscard]] double quantile_upper_bound(double q) const;
  void write(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> buckets_;  // one per bound, plus +Inf; not cumulative
  std::atomic<double> sum_{0};
};

// A counter per label value (e.g. rejects by reason code). Label values must come from a bounded set chosen by the
// node (reason codes, HTTP status codes), never from request input: each value is a series that lives forever.
class LabelledCounter {
 public:
  void add(const std::string& label, std::uint64_t n = 1);
  [[nodiscard]] std::uint64_t value(const std::string& label) const;
  // One sample per label value seen, in label order; only HELP and TYPE before the first add().
  void write(std::string& out, const std::string& name, const std::string& label_name, const std::string& help) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::atomic<std::uint64_t>, std::less<>> values_;  // map nodes never move
};

// Every metric the node exports.
struct Metrics {
  Metrics();

  Counter transactions_submitted;         // accepted into the mempool
  Counter transactions_committed;         // in a committed block
  LabelledCounter transactions_rejected;  // by reason: refused at submit, or left out of a block
  Counter blocks_committed;
  Gauge chain_height;
  Gauge mempool_transactions;
  Gauge mempool_bytes;
  Histogram block_build_seconds;   // apply + state root
  Histogram block_commit_seconds;  // the synced RocksDB write
  Histogram block_transactions;    // transactions per block
  Histogram block_interval_seconds;  // from one block's commit to the next's
  Histogram end_to_end_seconds;    // accepted into the mempool -> committed
  Counter http_requests;
  LabelledCounter http_responses;  // by status code
  Gauge http_waiting;              // requests waiting (?wait) for commits now
  Counter http_waits_skipped;      // ?wait requests answered at once: every waiting place was taken

  // The verifier committee (docs/committee.md "Metrics"); all zero on a node without a committee.
  Counter verify_requests;            // POST /v1/verify
  Counter certificates_issued;        // verdicts certified
  Counter certificates_late;          // certified after their deadline ("late finality")
  Counter verify_deadline_exceeded;   // answered "deadline exceeded" (certified later, or never)
  Gauge late_finality_ratio;          // certificates_late / certificates_issued
  Histogram certificate_seconds;      // POST /v1/verify received -> certificate
  Histogram checkpoint_seconds;       // signing one checkpoint
  Counter checkpoints_certified;
  Gauge checkpoint_height;            // height of the last certified checkpoint
  Counter committee_signings;         // signings attempted (checkpoints and verdict batches)
  Counter committee_signings_failed;  // ended without a signature (deadline, or too many faulty members)
  LabelledCounter member_signatures;  // by member: its share is in a produced signature
  LabelledCounter member_responses;   // by member: answered a sign request
  LabelledCounter member_response_ms; // by member: sum of first-answer times in ms (mean = / member_responses)
  LabelledCounter member_refusals;    // by member: checked and refused to sign
  LabelledCounter member_excluded;    // by member: excluded for a bad share
  LabelledCounter member_failures;    // by member: no answer, unreachable, or an unauthenticated reply

  // The whole exposition text.
  [[nodiscard]] std::string render() const;
};

// Prometheus text-format helpers, exposed for tests and for anyone adding a metric family.
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise the shortest round-trip form.
std::string format_metric_value(double value);
// A label value with \, " and newline escaped.
std::string escape_label_value(const std::string& value);

}  // namespace credence::node
