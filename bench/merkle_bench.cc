// merkle_bench: an OpenZeppelin-compatible Merkle distribution of N (address, uint256) rows, from a CSV file to the
// root and the dump file, through the code of `credence dist build` (apps/credence/dist_build.h). One run reports,
// side by side (docs/merkle.md "Performance"):
//   (a) our time against the Keccak-256 floor = (3N - 1 keccak calls) x (our keccak cost per 64-byte call, measured
//       in the same run on one thread) — target <= 2x;
//   (b) @openzeppelin/merkle-tree 1.0.8 doing the same work on the first --oz-leaves rows (tests/interop/
//       oz_merkle_bench.js), scaled linearly to N — target >= 100x; its root must equal ours on those rows;
//   peak memory (getrusage ru_maxrss) after the build — target <= 1 GiB; proofs per second — target >= 100,000.
// Not a Google Benchmark binary: it writes files, runs node and prints one report. --check exits 1 when a target is
// missed. CTest smoke-runs a small instance without OpenZeppelin (bench-smoke).
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/self_test.h"
#include "credence/interop/oz_merkle.h"
#include "dist_build.h"
#include "file_input.h"
#include "thread_cpu.h"

namespace {

namespace fs = std::filesystem;
using namespace credence;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// CPU time of the whole process (all threads), and of the calling thread: unlike wall time, not inflated when other
// processes share the cores.
double process_cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}
using credence::bench::thread_cpu_ms;

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // KiB on Linux
}

// SplitMix64: reproducible rows from a seed.
std::uint64_t next(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// `rows` rows "0x<40 hex>,<amount>": amounts of up to a million tokens with 18 decimals (up to 25 digits).
void write_csv(const fs::path& path, std::size_t rows, std::uint64_t seed) {
  std::ofstream out(path, std::ios::binary);
  out << "address,amount\n";
  std::string line;
  for (std::size_t i = 0; i < rows; ++i) {
    Bytes addr(20);
    for (std::size_t k = 0; k < 20; k += 8) {
      const std::uint64_t r = next(seed);
      for (std::size_t j = 0; j < 8 && k + j < 20; ++j) addr[k + j] = static_cast<std::uint8_t>(r >> (8 * j));
    }
    const std::uint64_t tokens = next(seed) % 1'000'000;
    const std::uint64_t fraction = next(seed) % 1'000'000'000'000'000'000ULL;
    line = codec::hex_encode_0x(addr) + ',';
    if (tokens > 0) {
      std::string frac = std::to_string(fraction);
      line += std::to_string(tokens) + std::string(18 - frac.size(), '0') + frac;
    } else {
      line += std::to_string(fraction);
    }
    out << line << '\n';
  }
}

std::atomic<std::uint64_t> g_sink{0};

// Nanoseconds per keccak256 of 64 bytes (a node hash's input) on one thread, in wall and thread CPU time; the best
// of five rounds each.
struct KeccakCost {
  double wall_ns;
  double cpu_ns;
};
KeccakCost keccak_cost() {
  constexpr int kCalls = 200'000;
  KeccakCost best{1e18, 1e18};
  std::array<std::uint8_t, 64> buf{};
  for (int round = 0; round < 5; ++round) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu_ms();
    for (int i = 0; i < kCalls; ++i) {
      const Hash256 h = crypto::keccak256(buf);
      std::copy(h.begin(), h.end(), buf.begin());
    }
    best.cpu_ns = std::min(best.cpu_ns, (thread_cpu_ms() - c0) * 1e6 / kCalls);
    best.wall_ns = std::min(best.wall_ns, ms_since(t0) * 1e6 / kCalls);
  }
  g_sink.store(buf[0], std::memory_order_relaxed);  // the chain's result is used: the loop stays
  return best;
}

struct BuildResult {
  std::optional<core::merkle::StandardTree> tree;
  double cpu_ms = 0;  // all threads
  double read_parse_ms = 0;
  double build_ms = 0;
  double write_ms = 0;
  [[nodiscard]] double total_ms() const { return read_parse_ms + build_ms + write_ms; }
};

// CSV file -> root + dump file, timed by phase: exactly what `credence dist build` runs.
BuildResult build(const fs::path& csv, const fs::path& dump, unsigned threads) {
  BuildResult r;
  const std::vector<codec::AbiType> types{codec::AbiType::address(), codec::AbiType::uint(256)};
  const double c0 = process_cpu_ms();
  auto t0 = Clock::now();
  auto text = cli::read_text_file(csv.string(), std::size_t{4} << 30);
  if (!text) throw std::runtime_error(text.status().to_string());
  auto table = cli::CsvTable::parse(*text, types.size());
  if (!table) throw std::runtime_error(table.status().to_string());
  r.read_parse_ms = ms_since(t0);
  t0 = Clock::now();
  cli::TreeBuildOptions options;
  options.threads = threads;
  auto tree = cli::build_tree(*table, types, options);
  if (!tree) throw std::runtime_error(tree.status().to_string());
  r.build_ms = ms_since(t0);
  t0 = Clock::now();
  const Status written = cli::write_dump_file(*tree, dump.string());
  if (!written.is_ok()) throw std::runtime_error(written.to_string());
  r.write_ms = ms_since(t0);
  r.cpu_ms = process_cpu_ms() - c0;
  r.tree.emplace(std::move(*tree));
  return r;
}

std::string verdict(bool ok) {
  return ok ? "ok" : "MISSED";
}

int run(int argc, char** argv) {
  std::size_t leaves = 1'000'000;
  std::size_t oz_leaves = 20'000;
  std::size_t proofs = 1'000'000;
  unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  std::uint64_t seed = 1;
  std::string dir_arg;
  bool check = false;
  bool single_thread = true;
  CLI::App app{"merkle_bench: OpenZeppelin-compatible Merkle distribution build, proofs and OpenZeppelin comparison"};
  app.add_option("--leaves", leaves, "rows of the CSV file")->capture_default_str();
  app.add_option("--oz-leaves", oz_leaves, "rows given to @openzeppelin/merkle-tree (0: skip)")->capture_default_str();
  app.add_option("--proofs", proofs, "proofs generated for the proofs-per-second figure")->capture_default_str();
  app.add_option("--threads", threads, "threads hashing leaves")->capture_default_str();
  app.add_option("--seed", seed, "seed of the CSV rows")->capture_default_str();
  app.add_option("--dir", dir_arg, "where the CSV and dump files go (default: a fresh temporary directory)");
  app.add_flag("!--no-single-thread", single_thread, "skip the one-thread build");
  app.add_flag("--check", check, "exit 1 when a target is missed");
  CLI11_PARSE(app, argc, argv);
  if (leaves == 0) throw std::runtime_error("--leaves must be positive");

  if (const Status s = crypto::initialize(); !s.is_ok()) throw std::runtime_error(s.to_string());
  fs::path dir = dir_arg;
  const bool own_dir = dir_arg.empty();
  if (own_dir) {
    std::string tmpl = (fs::temp_directory_path() / "merkle-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
  }
  const fs::path csv = dir / "rows.csv";
  const fs::path dump = dir / "tree.json";
  write_csv(csv, leaves, seed);

  std::printf("merkle_bench: %zu (address,uint256) rows, %u threads, seed %llu, files in %s\n", leaves, threads,
              static_cast<unsigned long long>(seed), dir.c_str());
  const KeccakCost keccak = keccak_cost();
  const double calls = 3.0 * static_cast<double>(leaves) - 1.0;
  const double floor_ms = calls * keccak.wall_ns / 1e6;
  const double cpu_floor_ms = calls * keccak.cpu_ns / 1e6;
  std::printf("  %-46s %10.1f ns/call wall, %.1f ns/call CPU\n", "keccak256 of 64 bytes, 1 thread", keccak.wall_ns,
              keccak.cpu_ns);
  std::printf("  %-46s %10.1f ms  (%.0f calls: 2 per leaf + 1 per inner node; CPU floor %.1f ms)\n", "Keccak-256 floor",
              floor_ms, calls, cpu_floor_ms);

  BuildResult ours = build(csv, dump, threads);
  const double rss_build = peak_rss_mib();
  const double ratio = ours.total_ms() / floor_ms;
  std::printf("  %-46s %10.1f ms  = %.2fx floor [target <= 2x: %s]\n",
              ("ours, CSV -> root + dump, " + std::to_string(threads) + " threads").c_str(), ours.total_ms(), ratio,
              verdict(ratio <= 2.0).c_str());
  std::printf("  %-46s read+parse %.1f ms, hash+sort+tree %.1f ms, write %.1f ms (%.1f MB)\n", "", ours.read_parse_ms,
              ours.build_ms, ours.write_ms, static_cast<double>(fs::file_size(dump)) / 1e6);
  std::printf("  %-46s CPU %.1f ms over all threads = %.2fx the CPU floor\n", "", ours.cpu_ms,
              ours.cpu_ms / cpu_floor_ms);
  std::printf("  %-46s %s\n", "root", codec::hex_encode_0x(ours.tree->root()).c_str());
  bool ok = ratio <= 2.0;
  if (single_thread && threads != 1) {
    const BuildResult one = build(csv, dir / "tree-1.json", 1);
    if (one.tree->root() != ours.tree->root()) throw std::runtime_error("one-thread build gave another root");
    std::printf("  %-46s %10.1f ms  = %.2fx floor (CPU %.1f ms = %.2fx the CPU floor)\n", "ours, 1 thread",
                one.total_ms(), one.total_ms() / floor_ms, one.cpu_ms, one.cpu_ms / cpu_floor_ms);
    fs::remove(dir / "tree-1.json");
  }
  std::printf("  %-46s %10.1f MiB [target <= 1024 MiB: %s]\n", "peak RSS after building", rss_build,
              verdict(rss_build <= 1024).c_str());
  ok = ok && rss_build <= 1024;

  // Proofs per second, random values.
  const auto& tree = *ours.tree;
  std::uint64_t s = seed;
  std::size_t sink = 0;
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < proofs; ++i) {
    auto p = tree.proof(next(s) % tree.size());
    sink += p->size();
  }
  const double proofs_per_s = static_cast<double>(proofs) / (ms_since(t0) / 1e3);
  std::printf("  %-46s %10.0f /s (%zu proofs of %.1f hashes on average) [target >= 100000: %s]\n", "proofs per second",
              proofs_per_s, proofs, static_cast<double>(sink) / static_cast<double>(std::max<std::size_t>(proofs, 1)),
              verdict(proofs_per_s >= 1e5).c_str());
  ok = ok && proofs_per_s >= 1e5;
  const std::size_t verifies = std::min<std::size_t>(proofs, 100'000);
  t0 = Clock::now();
  std::size_t valid = 0;
  for (std::size_t i = 0; i < verifies; ++i) {
    const std::size_t v = next(s) % tree.size();
    valid += core::merkle::verify_proof(tree.root(), tree.leaf(v), *tree.proof(v)).is_ok() ? 1U : 0U;
  }
  if (valid != verifies) throw std::runtime_error("a proof did not verify");
  std::printf("  %-46s %10.0f /s\n", "proof + verification per second",
              static_cast<double>(verifies) / (ms_since(t0) / 1e3));

  // Loading the dump back (what `dist proof` does first).
  t0 = Clock::now();
  {
    auto text = cli::read_text_file(dump.string(), interop::oz::kMaxDumpSize);
    if (!text) throw std::runtime_error(text.status().to_string());
    auto loaded = interop::oz::load_standard_tree(*text);
    if (!loaded || loaded->root() != tree.root()) throw std::runtime_error("the dump does not load back");
  }
  std::printf("  %-46s %10.1f ms, peak RSS now %.1f MiB\n", "load + validate the dump", ms_since(t0), peak_rss_mib());

  if (oz_leaves > 0) {
    oz_leaves = std::min(oz_leaves, leaves);
    const fs::path oz_csv = dir / "rows-oz.csv";
    write_csv(oz_csv, oz_leaves, seed);  // the same seed: the first oz_leaves rows of the file above
    const BuildResult small = build(oz_csv, dir / "tree-oz-ours.json", threads);
    const std::string script = std::string(CREDENCE_INTEROP_DIR) + "/oz_merkle_bench.js";
    const std::string cmd =
        "node '" + script + "' '" + oz_csv.string() + "' '" + (dir / "tree-oz.json").string() + "' 200";
    std::FILE* p = ::popen(cmd.c_str(), "r");
    std::string answer;
    if (p != nullptr) {
      char buf[4096];
      while (std::fgets(buf, sizeof buf, p) != nullptr) answer += buf;
      if (::pclose(p) != 0) answer.clear();
    }
    auto json = codec::parse_json(answer);
    if (!json || !json->contains("buildMs")) {
      throw std::runtime_error("@openzeppelin/merkle-tree did not run (" + cmd +
                               "); run scripts/setup.sh, or pass --oz-leaves 0");
    }
    const double oz_ms = (*json)["buildMs"].get<double>();
    const double scaled_ms = oz_ms * static_cast<double>(leaves) / static_cast<double>(oz_leaves);
    const double speedup = scaled_ms / ours.total_ms();
    const bool same_root = (*json)["root"] == codec::hex_encode_0x(small.tree->root());
    std::printf("  %-46s %10.1f ms for %zu rows (ours %.1f ms), same root: %s\n",
                ("@openzeppelin/merkle-tree " + (*json)["version"].get<std::string>()).c_str(), oz_ms, oz_leaves,
                small.total_ms(), same_root ? "yes" : "NO");
    std::printf("  %-46s %10.1f ms = ours x %.0f [target >= 100x: %s]\n",
                ("  scaled to " + std::to_string(leaves) + " rows").c_str(), scaled_ms, speedup,
                verdict(speedup >= 100).c_str());
    std::printf("  %-46s %10.0f /s\n", "  its getProof per second", (*json)["proofsPerSecond"].get<double>());
    ok = ok && same_root && speedup >= 100;
    if (!same_root) throw std::runtime_error("@openzeppelin/merkle-tree computed another root");
  }
  if (own_dir) fs::remove_all(dir);
  return check && !ok ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "merkle_bench: " << e.what() << '\n';
    return 2;
  }
}
