// The batch window's latency / throughput trade-off (docs/committee.md "Performance"): a real node (RocksDB in a
// temporary directory), its Certifier, and a (7,5) committee of MemberServers on loopback HTTP whose members re-check
// every verdict against the node's chain. C closed-loop clients call Certifier::verify back to back for a fixed time;
// for each batch window the bench prints certificates per second, p50 / p99 latency and the mean batch size.
// A longer window makes batches larger (one signing for many verdicts: more certificates per second under load) and
// adds up to the window to every certificate's latency (what a lone request pays for nothing).
// Not Google Benchmark: it runs a node, servers and threads.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/node/certifier.h"
#include "credence/node/committee.h"
#include "credence/node/committee_server.h"
#include "credence/node/config.h"
#include "credence/node/log.h"
#include "credence/node/node.h"
#include "credence/node/sequencer.h"
#include "quantile.h"

namespace {

using namespace credence;
using bench::quantile;
using namespace credence::node;

struct Round {
  std::uint32_t window_ms = 0;
  std::uint32_t clients = 1;
  std::vector<double> ms;
  std::uint64_t failures = 0;
  double seconds = 0;
};

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

[[noreturn]] void die(const std::string& what, const Status& s) {
  std::cerr << what << ": " << s.to_string() << '\n';
  std::exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"certifier_bench — the batch window's latency / throughput trade-off"};
  std::string windows_text = "0,2,5,10,20";
  std::string clients_text = "1,32";
  double seconds = 3;
  std::uint32_t n = 7, t = 5;
  app.add_option("--windows", windows_text, "batch windows to measure, ms, comma-separated")->capture_default_str();
  app.add_option("--clients", clients_text, "closed-loop clients per round, comma-separated")->capture_default_str();
  app.add_option("--seconds", seconds, "length of each round")->capture_default_str()->check(CLI::Range(0.1, 600.0));
  app.add_option("--n", n, "committee members")->capture_default_str()->check(CLI::Range(2, 64));
  app.add_option("--t", t, "threshold")->capture_default_str()->check(CLI::Range(2, 64));
  CLI11_PARSE(app, argc, argv);
  if (t > n) {
    std::cerr << "--t must not exceed --n\n";
    return 2;
  }
  auto numbers = [](const std::string& text) {
    std::vector<std::uint32_t> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) out.push_back(static_cast<std::uint32_t>(std::stoul(item)));
    return out;
  };
  const auto windows = numbers(windows_text);
  const auto client_counts = numbers(clients_text);
  if (!crypto::initialize().is_ok()) return 3;
  (void)log::configure("warn", "text");  // the node's start and stop lines would interleave with the table
  crypto::SystemRandom random;

  const auto dir = std::filesystem::temp_directory_path() / ("credence_certifier_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto faucet = crypto::ed25519::SecretKey::generate(random);
  NodeConfig config = dev_config(dir, "127.0.0.1", 0, faucet.public_key().bytes());
  config.sync = false;
  auto started = Node::start(config, std::make_unique<LocalSequencer>());
  if (!started) die("node", started.status());
  std::unique_ptr<Node> node = std::move(*started);

  const auto coordinator_key = crypto::ed25519::SecretKey::generate(random);
  std::vector<crypto::ed25519::SecretKey> identities;
  std::vector<FixedBytes<32>> identity_keys;
  for (std::uint32_t i = 0; i < n; ++i) {
    identities.push_back(crypto::ed25519::SecretKey::generate(random));
    identity_keys.push_back(identities.back().public_key().bytes());
  }
  auto ceremony = committee::run_local_dkg(identity_keys, t, coordinator_key.public_key().bytes(), random);
  if (!ceremony) die("dkg", ceremony.status());
  NodeChecker checker(*node);
  std::vector<std::unique_ptr<committee::MemberService>> members;
  std::vector<std::unique_ptr<committee::MemberServer>> servers;
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto& s = ceremony->shares[i];
    members.push_back(std::make_unique<committee::MemberService>(
        ceremony->committee,
        threshold::KeyPackage{s.suite, s.identifier, threshold::SecretScalar(s.signing_share.view()), s.verifying_share,
                              s.group_public_key, s.min_signers},
        crypto::ed25519::SecretKey::from_seed(identities[i].seed()), node->chain_id(), checker, unix_ms));
    servers.push_back(std::make_unique<committee::MemberServer>(*members.back()));
    if (Status st = servers.back()->start("127.0.0.1", 0); !st.is_ok()) die("member server", st);
    ceremony->committee.members[i].url =
        "http://127.0.0.1:" + std::to_string(servers.back()->port()) + "/v1/committee";
  }
  auto transport = committee::make_http_transport();

  std::printf("(n, t) = (%u, %u), closed-loop clients, %.1f s per round\n", n, t, seconds);
  std::printf("%9s %8s %10s %9s %9s %9s %11s %8s\n", "window ms", "clients", "certs", "certs/s", "p50 ms", "p99 ms",
              "mean batch", "failed");
  int exit_code = 0;
  for (const std::uint32_t window : windows) {
    for (const std::uint32_t clients : client_counts) {
      CertifierOptions options;
      options.checkpoint_interval = 0;
      options.batch_window_ms = window;
      Certifier certifier(*node, ceremony->committee, crypto::ed25519::SecretKey::from_seed(coordinator_key.seed()),
                          *transport, options);
      Round round;
      round.window_ms = window;
      round.clients = clients;
      std::mutex mutex;
      std::atomic<bool> stop{false};
      double batch_sum = 0;
      std::uint64_t batch_count = 0;
      auto client = [&] {
        crypto::SystemRandom r;
        std::vector<double> mine;
        std::uint64_t failed = 0;
        double batches = 0;
        while (!stop.load()) {
          const auto start = std::chrono::steady_clock::now();
          auto outcome = certifier.verify(r.bytes<32>(), unix_ms() + 10'000);
          const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
          if (!outcome || !outcome->certificate) {
            ++failed;
            continue;
          }
          mine.push_back(ms);
          batches += outcome->certificate->count;
        }
        std::lock_guard lock(mutex);
        round.ms.insert(round.ms.end(), mine.begin(), mine.end());
        round.failures += failed;
        batch_sum += batches;
        batch_count += mine.size();
      };
      // Warm-up: connections, page faults.
      for (int i = 0; i < 3; ++i) (void)certifier.verify(random.bytes<32>(), unix_ms() + 10'000);
      const auto began = std::chrono::steady_clock::now();
      std::vector<std::thread> threads;
      for (std::uint32_t c = 0; c < clients; ++c) threads.emplace_back(client);
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      stop = true;
      for (auto& th : threads) th.join();
      round.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      certifier.stop();
      // A certificate of a batch of k says count = k: the mean over certificates is the batch size a request saw.
      const double mean_batch = batch_count == 0 ? 0 : batch_sum / static_cast<double>(batch_count);
      std::printf("%9u %8u %10zu %9.0f %9.2f %9.2f %11.1f %8llu\n", window, clients, round.ms.size(),
                  static_cast<double>(round.ms.size()) / round.seconds, quantile(round.ms, 0.5),
                  quantile(round.ms, 0.99), mean_batch, static_cast<unsigned long long>(round.failures));
      std::fflush(stdout);
      if (round.failures != 0) exit_code = 1;
    }
  }
  for (auto& s : servers) s->stop();
  node->stop();
  node.reset();
  std::filesystem::remove_all(dir);
  return exit_code;
}
