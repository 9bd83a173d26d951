// Metrics: the rendered text is parsed back the way a Prometheus scraper reads the 0.0.4 text format (HELP and
// TYPE before a family's samples, counters ending in _total, cumulative histogram buckets ending in le="+Inf" that
// equal _count, escaped label values) and its values checked; quantile_upper_bound against hand-computed answers.
#include "credence/node/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace credence::node {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped
  double value = 0;
};

struct Family {
  std::string type;
  std::string help;
  std::vector<Sample> samples;
};

// A strict reader for the subset of the text format we emit. Fails the test on anything it does not expect.
std::map<std::string, Family> parse_exposition(const std::string& text) {
  std::map<std::string, Family> families;
  std::string current;  // family whose HELP and TYPE came last
  std::istringstream in(text);
  std::string line;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the exposition must end with a newline";
  while (std::getline(in, line)) {
    EXPECT_FALSE(line.empty()) << "no blank lines";
    if (line.rfind("# HELP ", 0) == 0) {
      const auto rest = line.substr(7);
      const auto sp = rest.find(' ');
      current = rest.substr(0, sp);
      EXPECT_FALSE(families.contains(current)) << "family repeated: " << current;
      families[current].help = sp == std::string::npos ? "" : rest.substr(sp + 1);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      const auto rest = line.substr(7);
      const auto sp = rest.find(' ');
      EXPECT_EQ(rest.substr(0, sp), current) << "TYPE must follow the family's HELP";
      families[current].type = rest.substr(sp + 1);
      continue;
    }
    EXPECT_NE(line[0], '#') << line;
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        std::string key;
        while (line[i] != '=') key += line[i++];
        ++i;
        EXPECT_EQ(line[i], '"');
        ++i;
        std::string value;
        while (line[i] != '"') {
          if (line[i] == '\\') {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
          ++i;
        }
        ++i;
        s.labels[key] = value;
        if (line[i] == ',') ++i;
      }
      ++i;
    }
    EXPECT_EQ(line[i], ' ') << line;
    const std::string value = line.substr(i + 1);
    if (value == "+Inf") {
      s.value = std::numeric_limits<double>::infinity();
    } else if (value == "NaN") {
      s.value = std::nan("");
    } else {
      std::size_t used = 0;
      s.value = std::stod(value, &used);
      EXPECT_EQ(used, value.size()) << line;
    }
    // The sample belongs to the current family: its name, or the name plus a histogram suffix.
    const auto& type = families[current].type;
    if (type == "histogram") {
      EXPECT_TRUE(s.name == current + "_bucket" || s.name == current + "_sum" || s.name == current + "_count")
          << s.name;
    } else {
      EXPECT_EQ(s.name, current);
    }
    families[current].samples.push_back(std::move(s));
  }
  for (const auto& [name, family] : families) {
    EXPECT_TRUE(family.type == "counter" || family.type == "gauge" || family.type == "histogram") << name;
    EXPECT_FALSE(family.help.empty()) << name;
    EXPECT_EQ(name.rfind("credence_", 0), 0u) << name;
    if (family.type == "counter") {
      EXPECT_TRUE(name.ends_with("_total")) << name;
    }
  }
  return families;
}

// Checks the histogram shape and returns its buckets (le -> cumulative count), sum and count.
struct ParsedHistogram {
  std::vector<std::pair<std::string, double>> buckets;
  double sum = -1;
  double count = -1;
};

ParsedHistogram check_histogram(const Family& family, const std::string& name) {
  ParsedHistogram h;
  for (const auto& s : family.samples) {
    if (s.name == name + "_bucket") {
      EXPECT_EQ(s.labels.size(), 1u);
      h.buckets.emplace_back(s.labels.at("le"), s.value);
    } else if (s.name == name + "_sum") {
      h.sum = s.value;
    } else if (s.name == name + "_count") {
      h.count = s.value;
    }
  }
  EXPECT_FALSE(h.buckets.empty());
  EXPECT_EQ(h.buckets.back().first, "+Inf");
  EXPECT_EQ(h.buckets.back().second, h.count);
  for (std::size_t i = 1; i < h.buckets.size(); ++i) {
    EXPECT_LE(h.buckets[i - 1].second, h.buckets[i].second) << "buckets must be cumulative";
    if (h.buckets[i].first != "+Inf") {
      EXPECT_LT(std::stod(h.buckets[i - 1].first), std::stod(h.buckets[i].first)) << "bounds must increase";
    }
  }
  return h;
}

double bucket(const ParsedHistogram& h, const std::string& le) {
  for (const auto& [bound, count] : h.buckets) {
    if (bound == le) return count;
  }
  ADD_FAILURE() << "no bucket le=" << le;
  return -1;
}

double sample(const Family& family, const std::map<std::string, std::string>& labels = {}) {
  for (const auto& s : family.samples) {
    if (s.labels == labels) return s.value;
  }
  ADD_FAILURE() << "no sample with those labels";
  return -1;
}

TEST(Metrics, RendersEveryFamilyWithValues) {
  Metrics m;
  m.transactions_submitted.add(5);
  m.transactions_committed.add(3);
  m.transactions_rejected.add("account_full");
  m.transactions_rejected.add("stale_nonce", 2);
  m.blocks_committed.add();
  m.chain_height.set(42);
  m.mempool_transactions.set(2);
  m.mempool_bytes.set(1234);
  m.block_build_seconds.observe(0.003);
  m.block_build_seconds.observe(0.02);
  m.block_build_seconds.observe(30);      // beyond the last bound
  m.block_commit_seconds.observe(0.001);  // exactly on a bound: le means "less than or equal"
  m.block_transactions.observe(3);
  m.block_transactions.observe(100'000);
  m.end_to_end_seconds.observe(0.25);
  m.http_requests.add(7);
  m.http_responses.add("202", 5);
  m.http_responses.add("429");
  m.http_responses.add("503");
  m.http_waiting.set(3);
  m.http_waits_skipped.add(2);
  m.certificates_issued.add(4);
  m.certificates_late.add(1);
  m.late_finality_ratio.set(0.25);
  m.member_excluded.add("6");
  m.member_response_ms.add("2", 17);

  const auto families = parse_exposition(m.render());
  const std::set<std::string> want = {"credence_transactions_submitted_total",
                                      "credence_transactions_committed_total",
                                      "credence_transactions_rejected_total",
                                      "credence_blocks_committed_total",
                                      "credence_chain_height",
                                      "credence_mempool_transactions",
                                      "credence_mempool_bytes",
                                      "credence_block_build_seconds",
                                      "credence_block_commit_seconds",
                                      "credence_block_transactions",
                                      "credence_block_interval_seconds",
                                      "credence_end_to_end_latency_seconds",
                                      "credence_http_requests_total",
                                      "credence_http_responses_total",
                                      "credence_http_waiting_requests",
                                      "credence_http_waits_skipped_total",
                                      "credence_verify_requests_total",
                                      "credence_certificates_issued_total",
                                      "credence_certificates_late_total",
                                      "credence_verify_deadline_exceeded_total",
                                      "credence_late_finality_ratio",
                                      "credence_certificate_latency_seconds",
                                      "credence_checkpoint_signing_seconds",
                                      "credence_checkpoints_certified_total",
                                      "credence_checkpoint_height",
                                      "credence_committee_signings_total",
                                      "credence_committee_signings_failed_total",
                                      "credence_committee_member_signatures_total",
                                      "credence_committee_member_responses_total",
                                      "credence_committee_member_response_milliseconds_total",
                                      "credence_committee_member_refusals_total",
                                      "credence_committee_member_excluded_total",
                                      "credence_committee_member_failures_total"};
  std::set<std::string> got;
  for (const auto& [name, family] : families) got.insert(name);
  EXPECT_EQ(got, want);

  EXPECT_EQ(families.at("credence_transactions_submitted_total").type, "counter");
  EXPECT_EQ(sample(families.at("credence_transactions_submitted_total")), 5);
  EXPECT_EQ(sample(families.at("credence_transactions_committed_total")), 3);
  EXPECT_EQ(sample(families.at("credence_transactions_rejected_total"), {{"reason", "account_full"}}), 1);
  EXPECT_EQ(sample(families.at("credence_transactions_rejected_total"), {{"reason", "stale_nonce"}}), 2);
  EXPECT_EQ(sample(families.at("credence_blocks_committed_total")), 1);
  EXPECT_EQ(families.at("credence_chain_height").type, "gauge");
  EXPECT_EQ(sample(families.at("credence_chain_height")), 42);
  EXPECT_EQ(sample(families.at("credence_mempool_transactions")), 2);
  EXPECT_EQ(sample(families.at("credence_mempool_bytes")), 1234);
  EXPECT_EQ(sample(families.at("credence_http_requests_total")), 7);
  EXPECT_EQ(sample(families.at("credence_http_responses_total"), {{"code", "202"}}), 5);
  EXPECT_EQ(sample(families.at("credence_http_responses_total"), {{"code", "429"}}), 1);
  EXPECT_EQ(families.at("credence_http_waiting_requests").type, "gauge");
  EXPECT_EQ(sample(families.at("credence_http_waiting_requests")), 3);
  EXPECT_EQ(sample(families.at("credence_http_waits_skipped_total")), 2);
  EXPECT_EQ(sample(families.at("credence_certificates_issued_total")), 4);
  EXPECT_EQ(sample(families.at("credence_certificates_late_total")), 1);
  EXPECT_EQ(families.at("credence_late_finality_ratio").type, "gauge");
  EXPECT_EQ(sample(families.at("credence_late_finality_ratio")), 0.25);
  EXPECT_EQ(sample(families.at("credence_committee_member_excluded_total"), {{"member", "6"}}), 1);
  EXPECT_EQ(sample(families.at("credence_committee_member_response_milliseconds_total"), {{"member", "2"}}), 17);

  const auto build = check_histogram(families.at("credence_block_build_seconds"), "credence_block_build_seconds");
  EXPECT_EQ(families.at("credence_block_build_seconds").type, "histogram");
  EXPECT_EQ(build.count, 3);
  EXPECT_DOUBLE_EQ(build.sum, 30.023);
  EXPECT_EQ(bucket(build, "0.001"), 0);
  EXPECT_EQ(bucket(build, "0.0025"), 0);
  EXPECT_EQ(bucket(build, "0.005"), 1);
  EXPECT_EQ(bucket(build, "0.025"), 2);
  EXPECT_EQ(bucket(build, "10"), 2);
  EXPECT_EQ(bucket(build, "+Inf"), 3);
  EXPECT_EQ(build.buckets.size(), 14u);  // 1 ms .. 10 s, then +Inf

  const auto commit = check_histogram(families.at("credence_block_commit_seconds"), "credence_block_commit_seconds");
  EXPECT_EQ(bucket(commit, "0.001"), 1);

  const auto sizes = check_histogram(families.at("credence_block_transactions"), "credence_block_transactions");
  EXPECT_EQ(bucket(sizes, "1"), 0);
  EXPECT_EQ(bucket(sizes, "5"), 1);
  EXPECT_EQ(bucket(sizes, "50000"), 1);
  EXPECT_EQ(bucket(sizes, "100000"), 2);  // integral bounds print plainly, not as 1e+05
  EXPECT_EQ(sizes.sum, 100'003);

  const auto e2e =
      check_histogram(families.at("credence_end_to_end_latency_seconds"), "credence_end_to_end_latency_seconds");
  EXPECT_EQ(bucket(e2e, "0.1"), 0);
  EXPECT_EQ(bucket(e2e, "0.25"), 1);
}

TEST(Metrics, EmptyMetricsRenderValidText) {
  Metrics m;
  const auto families = parse_exposition(m.render());
  EXPECT_EQ(families.size(), 33u);  // 16 node families + 17 committee families (docs/committee.md "Metrics")
  EXPECT_TRUE(families.at("credence_transactions_rejected_total").samples.empty());
  const auto h = check_histogram(families.at("credence_block_build_seconds"), "credence_block_build_seconds");
  EXPECT_EQ(h.count, 0);
  EXPECT_EQ(h.sum, 0);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value(R"(a"b\c)"
                               "\n"),
            R"(a\"b\\c\n)");
  LabelledCounter c;
  c.add("quote\"back\\slash\nnewline", 4);
  std::string out;
  c.write(out, "credence_test_total", "label", "A test.");
  EXPECT_NE(out.find(R"(credence_test_total{label="quote\"back\\slash\nnewline"} 4)"), std::string::npos) << out;
  const auto families = parse_exposition(out);
  EXPECT_EQ(sample(families.at("credence_test_total"), {{"label", "quote\"back\\slash\nnewline"}}), 4);
}

TEST(Metrics, EscapesHelpText) {
  Counter c;
  std::string out;
  c.write(out, "credence_test_total", "back\\slash\nand \"quotes\"");
  EXPECT_EQ(out.substr(0, out.find('\n')), R"(# HELP credence_test_total back\\slash\nand "quotes")");
}

TEST(Metrics, FormatsValues) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(100000), "100000");
  EXPECT_EQ(format_metric_value(-3), "-3");
  EXPECT_EQ(format_metric_value(0.001), "0.001");
  EXPECT_EQ(format_metric_value(2.5), "2.5");
  EXPECT_EQ(format_metric_value(0.1 + 0.2), "0.30000000000000004");  // round-trips exactly
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
  EXPECT_EQ(std::stod(format_metric_value(1e300)), 1e300);
}

TEST(Histogram, QuantileUpperBound) {
  Histogram h({1, 2, 5, 10});
  EXPECT_EQ(h.quantile_upper_bound(0.5), 0);  // nothing observed
  for (double v : {0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 7.0, 9.0, 20.0}) h.observe(v);
  // Cumulative counts: le=1 -> 2, le=2 -> 4, le=5 -> 6, le=10 -> 9, +Inf -> 10.
  EXPECT_EQ(h.count(), 10u);
  EXPECT_EQ(h.quantile_upper_bound(0), 1);
  EXPECT_EQ(h.quantile_upper_bound(0.1), 1);
  EXPECT_EQ(h.quantile_upper_bound(0.2), 1);
  EXPECT_EQ(h.quantile_upper_bound(0.21), 2);
  EXPECT_EQ(h.quantile_upper_bound(0.4), 2);
  EXPECT_EQ(h.quantile_upper_bound(0.5), 5);
  EXPECT_EQ(h.quantile_upper_bound(0.6), 5);
  EXPECT_EQ(h.quantile_upper_bound(0.9), 10);
  EXPECT_EQ(h.quantile_upper_bound(0.95), std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.quantile_upper_bound(1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.quantile_upper_bound(2), std::numeric_limits<double>::infinity());  // clamped
  EXPECT_EQ(h.quantile_upper_bound(-1), 1);                                       // clamped
}

TEST(Histogram, QuantileAgreesWithSortedObservations) {
  // Against the definition: the bound of the bucket holding the ceil(q*n)-th smallest observation.
  const std::vector<double> bounds = {0.001, 0.01, 0.1, 1, 10};
  Histogram h(bounds);
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i) {
    const double v = std::pow(10.0, -4.0 + 6.0 * ((i * 7919) % 1000) / 1000.0);  // 1e-4 .. 1e2, scattered
    values.push_back(v);
    h.observe(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * 1000.0));
    const double v = values[rank - 1];
    double want = std::numeric_limits<double>::infinity();
    for (double b : bounds) {
      if (v <= b) {
        want = b;
        break;
      }
    }
    EXPECT_EQ(h.quantile_upper_bound(q), want) << "q=" << q;
  }
}

TEST(Histogram, IgnoresNaN) {
  Histogram h({1});
  h.observe(std::nan(""));
  h.observe(0.5);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.sum(), 0.5);
}

TEST(Metrics, ConcurrentUpdatesAddUp) {
  Metrics m;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kPerThread; ++i) {
        m.http_requests.add();
        m.http_responses.add(i % 2 == 0 ? "200" : std::to_string(400 + t));  // new labels appear while others add
        m.end_to_end_seconds.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.http_requests.value(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(m.http_responses.value("200"), std::uint64_t{kThreads} * kPerThread / 2);
  EXPECT_EQ(m.http_responses.value("401"), std::uint64_t{kPerThread} / 2);
  EXPECT_EQ(m.end_to_end_seconds.count(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_DOUBLE_EQ(m.end_to_end_seconds.sum(), 0.5 * kThreads * kPerThread);
  const auto families = parse_exposition(m.render());
  EXPECT_EQ(families.at("credence_http_responses_total").samples.size(), 5u);
}

}  // namespace
}  // namespace credence::node
