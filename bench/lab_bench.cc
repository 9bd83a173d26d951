// Scale of the stress lab (docs/lab.md "Scale"): wall time and events per second of credence-lab's engine for
// --requests verification requests (default 1,000,000) with a --members-member committee (default 100, threshold
// --threshold, default 67; --silent and --malicious faulty members, default none) in modeled crypto mode, one core,
// verdicts batched as the node does (--batch-window seconds, default 0.002; --max-batch, default 256); then the same
// small scenario in modeled and real crypto side by side (the ratio is what modeled mode saves); then the headline
// results of the reference scenarios in --scenarios (default lab/scenarios) at --seed.
// Not Google Benchmark: one long run is the figure. CTest smoke-runs 2,000 requests with a 20-of-30 committee.
// Run: build/release/bench/lab_bench (a release build for figures worth quoting).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "credence/crypto/self_test.h"
#include "credence/lab/report.h"
#include "credence/lab/scenario.h"
#include "credence/lab/simulation.h"
#include "thread_cpu.h"

namespace {

using namespace credence;

lab::Scenario scale_scenario(std::uint64_t requests, std::uint32_t n, std::uint32_t t, double rate,
                             std::uint32_t silent, std::uint32_t malicious, double batch_window,
                             std::uint32_t max_batch) {
  lab::Scenario s;
  s.name = "scale";
  s.bucket = 60;
  lab::Phase calm;
  calm.name = "calm";
  calm.duration = static_cast<double>(requests) / rate / 2;
  calm.request_rate = rate;
  lab::Phase shock = calm;
  shock.name = "shock";
  shock.price = {1.0, 0.6};
  shock.capital_cost = {0.05, 0.3};
  shock.volatility = {0.2, 1.0};
  s.phases = {calm, shock};
  s.protocol.n = n;
  s.protocol.t = t;
  s.protocol.request_timeout = 120;
  s.protocol.batch_window = batch_window;
  s.protocol.max_batch = max_batch;
  s.members.response = "lognormal";
  s.members.response_mean = 0.4;
  s.members.response_sigma = 0.6;
  s.members.hesitation = 2;
  s.members.risk_aversion = 4;
  s.members.silent = silent;
  s.members.malicious = malicious;
  s.network.loss = 0.001;
  s.claimants.intermediary_fee_fixed = 1e12;  // every request goes through the committee
  s.claimants.fault_probability[0] = 0.0002;  // as in the reference scenarios (lab/scenarios)
  s.claimants.fault_probability[1] = 0.0006;
  s.claimants.fault_probability[2] = 0.0015;
  s.protocol.fee_base = 0.5;
  s.protocol.fee_rate = 0.002;
  s.protocol.dispute_window = 604800;
  s.holders.count = 0;
  s.issuers.count = 0;
  return s;
}

using credence::bench::thread_cpu_seconds;

// Runs and prints wall and CPU time, events and requests per CPU second.
Result<lab::RunResult> timed_run(const char* label, const lab::Scenario& s, const lab::RunOptions& o) {
  const double cpu0 = thread_cpu_seconds();
  auto r = lab::run(s, o);
  const double cpu = thread_cpu_seconds() - cpu0;
  if (!r.ok()) return r;
  const lab::Rates rates = lab::rates(r->overall);
  std::printf("%-20s requests %8llu  certified %8llu  sessions %8llu  events %10llu  wall %7.2f s  cpu %7.2f s"
              "  events/cpu-s %9.0f  requests/cpu-s %7.0f  p50 %.3f s\n",
              label, static_cast<unsigned long long>(r->overall.arrived),
              static_cast<unsigned long long>(r->overall.certified),
              static_cast<unsigned long long>(r->overall.sessions), static_cast<unsigned long long>(r->events),
              r->wall_seconds, cpu, static_cast<double>(r->events) / cpu,
              static_cast<double>(r->overall.arrived) / cpu, rates.latency_p50 ? *rates.latency_p50 : 0.0);
  std::fflush(stdout);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lab_bench: scale of the credence-lab engine"};
  std::uint64_t requests = 1'000'000;
  std::uint32_t members = 100;
  std::uint32_t threshold = 67;
  double rate = 200;
  std::uint64_t seed = 1;
  std::string scenarios = CREDENCE_LAB_SCENARIOS_DIR;
  bool skip_real = false;
  std::uint32_t silent = 0;
  std::uint32_t malicious = 0;
  const lab::Protocol defaults;
  double batch_window = defaults.batch_window;
  std::uint32_t max_batch = defaults.max_batch;
  app.add_option("--requests", requests, "Verification requests in the scale run");
  app.add_option("--members", members, "Committee size n");
  app.add_option("--threshold", threshold, "Signing threshold t");
  app.add_option("--rate", rate, "Requests per simulated second");
  app.add_option("--seed", seed, "Seed");
  app.add_option("--scenarios", scenarios, "Directory of the reference scenarios ('' to skip)");
  app.add_flag("--no-real", skip_real, "Skip the modeled-vs-real comparison");
  app.add_option("--silent", silent, "Members that commit but never answer a session (scale run)");
  app.add_option("--malicious", malicious, "Members that answer with invalid shares (scale run)");
  app.add_option("--batch-window", batch_window, "Seconds a request waits for others to share its signing (scale run)")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--max-batch", max_batch, "Statements per verdict batch (scale run)")->check(CLI::Range(1, 65536));
  CLI11_PARSE(app, argc, argv);
  if (!crypto::initialize().is_ok()) {
    std::fprintf(stderr, "lab_bench: crypto self-test failed\n");
    return 3;
  }

  // 1. Scale: modeled crypto, committee only.
  {
    const lab::Scenario s =
        scale_scenario(requests, members, threshold, rate, silent, malicious, batch_window, max_batch);
    lab::RunOptions o;
    o.seed = seed;
    o.ledger = false;
    std::printf("scale: %u-of-%u committee (%u silent, %u malicious), modeled crypto, %.0f requests/s simulated for "
                "%.0f s, batch window %g s, max batch %u\n",
                threshold, members, silent, malicious, rate, s.duration(), batch_window, max_batch);
    auto r = timed_run("scale (modeled)", s, o);
    if (!r.ok()) {
      std::fprintf(stderr, "lab_bench: %s\n", r.status().to_string().c_str());
      return 3;
    }
  }

  // 2. Modeled vs real crypto on the same small run, side by side: same outcomes, different cost.
  if (!skip_real) {
    const lab::Scenario s = scale_scenario(500, 15, 10, 20, 1, 1, defaults.batch_window, defaults.max_batch);
    lab::RunOptions o;
    o.seed = seed;
    o.ledger = false;
    const double cpu0 = thread_cpu_seconds();
    auto modeled = timed_run("10-of-15 modeled", s, o);
    const double cpu_modeled = thread_cpu_seconds() - cpu0;
    o.crypto = lab::CryptoMode::real;
    auto real = timed_run("10-of-15 real", s, o);
    const double cpu_real = thread_cpu_seconds() - cpu0 - cpu_modeled;
    if (!modeled.ok() || !real.ok()) {
      std::fprintf(stderr, "lab_bench: modeled/real run failed\n");
      return 3;
    }
    std::printf("real / modeled CPU time: %.1fx (same certified requests: %s)\n", cpu_real / cpu_modeled,
                modeled->overall.certified == real->overall.certified ? "yes" : "NO");
  }

  // 3. Headline results of the reference scenarios.
  if (!scenarios.empty()) {
    for (const char* name : {"calm", "liquidity_shock", "prolonged_drawdown", "liquidity_shock_underwritten"}) {
      auto s = lab::load_scenario(scenarios + "/" + name + ".toml");
      if (!s.ok()) {
        std::fprintf(stderr, "lab_bench: %s\n", s.status().to_string().c_str());
        return 2;
      }
      lab::RunOptions o;
      o.seed = seed;
      auto r = lab::run(*s, o);
      if (!r.ok()) {
        std::fprintf(stderr, "lab_bench: %s\n", r.status().to_string().c_str());
        return 3;
      }
      auto show = [](const std::optional<double>& x) { return x ? *x : -1.0; };
      std::printf("%s (seed %llu, %.1f s wall)\n", s->name.c_str(), static_cast<unsigned long long>(seed),
                  r->wall_seconds);
      std::printf("  %-10s %7s %8s %8s %8s %8s %8s %8s %8s %8s\n", "window", "stress", "late", "claimLt", "bypass",
                  "p50 s", "p99 s", "partic", "drift", "gini");
      auto row = [&](const std::string& label, const lab::WindowMetrics& w) {
        const lab::Rates x = lab::rates(w);
        std::printf("  %-10s %7.3f %8.3f %8.3f %8.3f %8.2f %8.2f %8.3f %8.3f %8.3f\n", label.c_str(), w.stress,
                    show(x.late_finality), show(x.claimant_late_finality), show(x.bypass), show(x.latency_p50),
                    show(x.latency_p99), show(x.participation), show(x.drift),
                    w.concentration ? w.concentration->gini : -1.0);
      };
      row("overall", r->overall);
      for (const auto& p : r->phases) row(p.name, p.metrics);
    }
  }
  return 0;
}
