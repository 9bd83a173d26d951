// credence-lab: the stress lab's command line (docs/lab.md, docs/cli.md "credence-lab").
//   credence-lab run SCENARIO.toml [--seed N] [--out DIR] [--crypto modeled|real] [--quiet]
//   credence-lab compare A.toml B.toml … [--seed N] [--out DIR] [--crypto modeled|real] [--quiet]
// Exit codes as the credence CLI: 0 ok, 2 usage or bad input (unreadable or invalid scenario), 3 local failure.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "credence/crypto/self_test.h"
#include "credence/lab/report.h"
#include "credence/lab/scenario.h"
#include "credence/lab/simulation.h"

namespace {

using namespace credence;

constexpr int kBadInput = 2;
constexpr int kLocalFailure = 3;

int fail(const Status& status) {
  std::cerr << "error: " << status.to_string() << "\n";
  return status.is_invalid() ? kBadInput : kLocalFailure;
}

Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::error("io", path.string() + ": cannot write");
  out << text;
  out.close();
  if (!out) return Status::error("io", path.string() + ": write failed");
  return Status::ok();
}

Status make_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::error("io", dir.string() + ": " + ec.message());
  if (!std::filesystem::is_directory(dir)) return Status::invalid("bad_output", dir.string() + ": not a directory");
  return Status::ok();
}

// A progress bar on stderr: redrawn in place on a terminal, one line per 10 % otherwise.
class Progress {
 public:
  Progress(std::string label, bool quiet) : label_(std::move(label)), quiet_(quiet), tty_(isatty(2) != 0) {}
  void operator()(double fraction) {
    if (quiet_) return;
    const int percent = static_cast<int>(fraction * 100 + 0.5);
    if (tty_) {
      const int filled = percent * 30 / 100;
      std::fprintf(stderr, "\r%-24.24s [%s%s] %3d%%", label_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(30 - filled), '.').c_str(), percent);
      if (percent >= 100) std::fprintf(stderr, "\n");
    } else if (percent / 10 > last_ / 10 || (percent == 100 && last_ != 100)) {
      std::fprintf(stderr, "%s: %d%%\n", label_.c_str(), percent);
    }
    last_ = percent;
  }

 private:
  std::string label_;
  bool quiet_;
  bool tty_;
  int last_ = -1;
};

Result<lab::CryptoMode> crypto_mode(const std::string& name) {
  if (name == "modeled") return lab::CryptoMode::modeled;
  if (name == "real") return lab::CryptoMode::real;
  return Status::invalid("bad_option", "--crypto must be modeled or real, got \"" + name + "\"");
}

Result<lab::RunResult> run_one(const lab::Scenario& scenario, std::uint64_t seed, lab::CryptoMode mode, bool quiet) {
  lab::RunOptions options;
  options.seed = seed;
  options.crypto = mode;
  Progress progress(scenario.name, quiet);
  options.progress = [&progress](double f) { progress(f); };
  return lab::run(scenario, options);
}

Status write_run(const std::filesystem::path& dir, const lab::Scenario& scenario, const lab::RunResult& result) {
  CREDENCE_RETURN_IF_ERROR(make_dir(dir));
  CREDENCE_RETURN_IF_ERROR(write_file(dir / "summary.json", lab::summary_text(scenario, result)));
  CREDENCE_RETURN_IF_ERROR(write_file(dir / "timeseries.csv", lab::timeseries_csv(result)));
  return write_file(dir / "report.html", lab::report_html(scenario, result));
}

void print_headline(const lab::Scenario& scenario, const lab::RunResult& r) {
  const lab::Rates rates = lab::rates(r.overall);
  auto show = [](const std::optional<double>& x) { return x ? std::to_string(*x) : std::string("undefined"); };
  std::cout << scenario.name << ": requests " << r.overall.arrived << ", late finality " << show(rates.late_finality)
            << ", bypass " << show(rates.bypass) << ", latency p50 " << show(rates.latency_p50) << " s, p99 "
            << show(rates.latency_p99) << " s, participation " << show(rates.participation) << ", drift index "
            << show(rates.drift) << " (" << r.events << " events, " << r.wall_seconds << " s wall)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"credence-lab: deterministic stress simulation of the Credence network (docs/lab.md)"};
  app.require_subcommand(1);
  std::uint64_t seed = 1;
  std::string out_dir = "lab-out";
  std::string crypto_name = "modeled";
  bool quiet = false;

  std::string scenario_path;
  CLI::App* run_cmd = app.add_subcommand("run", "Run one scenario: summary.json, timeseries.csv, report.html in --out");
  run_cmd->add_option("scenario", scenario_path, "Scenario TOML file")->required();
  std::vector<std::string> compare_paths;
  CLI::App* compare_cmd =
      app.add_subcommand("compare", "Run several designs on the same seed: compare.html/json/csv + one dir per run");
  compare_cmd->add_option("scenarios", compare_paths, "Scenario TOML files (two or more)")->required()->expected(2, -1);
  for (CLI::App* cmd : {run_cmd, compare_cmd}) {
    cmd->add_option("--seed", seed, "Random seed (default 1)");
    cmd->add_option("--out", out_dir, "Output directory (created; the lab's files in it are replaced)");
    cmd->add_option("--crypto", crypto_name, "modeled (default) or real");
    cmd->add_flag("--quiet", quiet, "No progress on stderr");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: usage: " << e.what() << "\n";
    return kBadInput;
  }

  if (const Status st = crypto::initialize(); !st.is_ok()) return fail(st);
  auto mode = crypto_mode(crypto_name);
  if (!mode.ok()) return fail(mode.status());

  if (run_cmd->parsed()) {
    auto scenario = lab::load_scenario(scenario_path);
    if (!scenario.ok()) return fail(scenario.status());
    auto result = run_one(*scenario, seed, *mode, quiet);
    if (!result.ok()) return fail(result.status());
    if (const Status st = write_run(out_dir, *scenario, *result); !st.is_ok()) return fail(st);
    print_headline(*scenario, *result);
    std::cout << "wrote " << (std::filesystem::path(out_dir) / "summary.json").string() << ", timeseries.csv, report.html\n";
    return 0;
  }

  std::vector<lab::Scenario> scenarios;
  std::set<std::string> names;
  for (const auto& path : compare_paths) {
    auto scenario = lab::load_scenario(path);
    if (!scenario.ok()) return fail(scenario.status());
    if (!names.insert(scenario->name).second) {
      return fail(Status::invalid("bad_scenario", path + ": scenario name \"" + scenario->name + "\" used twice"));
    }
    scenarios.push_back(std::move(*scenario));
  }
  for (std::size_t i = 1; i < scenarios.size(); ++i) {
    if (scenarios[i].duration() != scenarios[0].duration() || scenarios[i].bucket != scenarios[0].bucket) {
      std::cerr << "warning: " << scenarios[i].name << " has another duration or bucket than " << scenarios[0].name
                << ": its charts are drawn on the first scenario's time axis\n";
    }
  }
  std::vector<lab::RunResult> results;
  for (const auto& scenario : scenarios) {
    auto result = run_one(scenario, seed, *mode, quiet);
    if (!result.ok()) return fail(result.status().with_context(scenario.name));
    results.push_back(std::move(*result));
  }
  std::vector<lab::NamedRun> runs;
  for (std::size_t i = 0; i < scenarios.size(); ++i) runs.push_back({&scenarios[i], &results[i]});
  const std::filesystem::path dir(out_dir);
  if (const Status st = make_dir(dir); !st.is_ok()) return fail(st);
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    if (const Status st = write_run(dir / scenarios[i].name, scenarios[i], results[i]); !st.is_ok()) return fail(st);
    print_headline(scenarios[i], results[i]);
  }
  if (const Status st = write_file(dir / "compare.html", lab::compare_html(runs)); !st.is_ok()) return fail(st);
  if (const Status st = write_file(dir / "compare.json", lab::compare_json(runs).dump(2) + "\n"); !st.is_ok()) {
    return fail(st);
  }
  if (const Status st = write_file(dir / "compare.csv", lab::compare_csv(runs)); !st.is_ok()) return fail(st);
  std::cout << "wrote " << (dir / "compare.html").string() << ", compare.json, compare.csv\n";
  return 0;
}
