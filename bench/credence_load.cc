// credence_load: Caliper-style load rounds against a real credenced (docs/performance.md "Node").
//
// 1. The floor: the raw single-core Ed25519 verification rate (libsodium, over a real attest transaction) measured in
//    this run, times the cores the node may use. A node that checks every signature cannot commit faster.
// 2. Round "max": closed loop — C clients each send binary batches of B pre-signed attest transactions
//    (POST /v1/transactions/batch?wait=…) back to back; committed/s = transactions committed / round time.
// 3. Rounds at 25 / 50 / 75 % of that maximum: open loop — batches are scheduled at fixed times for S seconds and
//    handed to sender threads; a transaction's latency runs from its batch's SCHEDULED send time to the answer that
//    reports it committed (so a slow node cannot hide queueing delay: no coordinated omission).
// Every transaction is pre-signed before its round starts, so the client's signing is not measured.
// 4. Per round, when this tool started the node: the node's CPU time (utime + stime, every thread, RocksDB's
//    included) per committed transaction, and how busy the whole machine was — the budget read directly:
//    everything but the signature check may cost at most a quarter of one check.
//
// 5. With --gapped G, before the rounds: G transactions from fresh keys, each behind a nonce gap, left in the pool.
//
// Usage: credence_load --credenced PATH | --url URL  [--clients C] [--batch B] [--max-transactions N]
//                      [--round-seconds S] [--authors A] [--node-cores K] [--gapped G] [--json]
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/crypto/self_test.h"
#include "credence/node/http_api.h"
#include "node_tools.h"

namespace {

using namespace credence;
using Clock = std::chrono::steady_clock;
using tools::Api;
using tools::Author;

struct Options {
  std::string credenced;
  std::string url;
  std::size_t clients = 8;
  std::size_t batch = 100;
  std::size_t max_transactions = 30'000;
  double round_seconds = 5;
  std::size_t authors = 64;
  unsigned node_cores = 0;  // 0: this machine's hardware threads
  std::size_t gapped = 0;   // transactions left in the pool behind a nonce gap before the rounds
  bool json = false;
};

// CPU time consumed so far, in seconds: of one process (/proc/PID/stat: utime + stime) and of the whole machine
// (/proc/stat: every state but idle and iowait), to tell a node short of CPU from one waiting on something else.
struct CpuSample {
  double process = 0;
  double busy = 0;
  double total = 0;
};

CpuSample sample_cpu(pid_t pid) {
  CpuSample out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  if (pid > 0) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    std::istringstream rest(text.substr(std::min(text.size(), text.rfind(')') + 2)));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::strtod(field.c_str(), nullptr);
      if (i == 15) stime = std::strtod(field.c_str(), nullptr);
    }
    out.process = (utime + stime) / tick;
  }
  std::ifstream all("/proc/stat");
  std::string cpu;
  all >> cpu;  // the aggregate "cpu" line: user nice system idle iowait irq softirq steal ...
  double v = 0;
  for (int i = 0; i < 8 && all >> v; ++i) {
    out.total += v / tick;
    if (i != 3 && i != 4) out.busy += v / tick;
  }
  return out;
}

struct RoundResult {
  std::string name;
  double offered_per_s = 0;  // 0 for the closed-loop round
  std::size_t sent = 0;
  std::size_t committed = 0;
  std::size_t refused = 0;   // sent but not committed: refused, rejected, or still pending after 30 s
  std::size_t followed = 0;  // answered "pending" (the node's waiting places were taken), then polled to the end
  double seconds = 0;
  double node_cpu_seconds = 0;  // of the node's process over the round (0 with --url: not ours to see)
  double machine_busy = 0;      // share of all cores busy over the round, generator included
  void add_cpu(const CpuSample& before, const CpuSample& after) {
    node_cpu_seconds = after.process - before.process;
    const double total = after.total - before.total;
    machine_busy = total > 0 ? (after.busy - before.busy) / total : 0;
  }
  [[nodiscard]] double node_cpu_us_per_tx() const {
    return committed > 0 ? node_cpu_seconds * 1e6 / static_cast<double>(committed) : 0;
  }
  std::vector<double> latencies_ms;  // one per committed transaction
  [[nodiscard]] double committed_per_s() const { return seconds > 0 ? static_cast<double>(committed) / seconds : 0; }
  [[nodiscard]] double percentile(double q) const {
    if (latencies_ms.empty()) return 0;
    std::vector<double> v = latencies_ms;
    const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
  }
};

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Raw single-core verification rate of one real transaction's signature (libsodium, no key caching).
double ed25519_verify_per_second(const core::SignedTransaction& stx) {
  const Bytes message = core::encode(stx.tx);
  constexpr int kRounds = 2000;
  int ok = 0;
  const auto start = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    ok += crypto_sign_verify_detached(stx.signature.data(), message.data(), message.size(), stx.tx.author.data()) == 0;
  }
  const double s = seconds_between(start, Clock::now());
  if (ok != kRounds) std::cerr << "credence_load: the reference signature did not verify\n";
  return kRounds / s;
}

// One batch: its transactions' encoding and when it is due (open loop) — or now (closed loop).
struct Batch {
  Bytes body;
  std::size_t count = 0;
  Clock::time_point due{};
};

// Sends `batch` with ?wait and adds its outcome to `round` (under `mutex`). A node whose waiting places are all taken
// answers "pending" at once (docs/node.md, http.threads); those transactions are followed to their end by polling
// their status, as a client would, and their latency runs to the poll that saw them committed.
void send_batch(Api& api, const Batch& batch, RoundResult& round, std::mutex& mutex) {
  const auto reply = api.post_bytes("/v1/transactions/batch?wait=30000", "application/x-credence-batch", batch.body);
  const auto latency_ms = [&batch] { return seconds_between(batch.due, Clock::now()) * 1e3; };
  std::vector<double> latencies;
  std::vector<std::string> pending;
  if (reply.status == 200 && reply.body.contains("results") && reply.body["results"].is_array()) {
    const double answered = latency_ms();
    for (const auto& r : reply.body["results"]) {
      const std::string status = r.value("status", "");
      if (status == "committed") latencies.push_back(answered);
      if (status == "pending" && r.contains("id") && r["id"].is_string()) pending.push_back(r["id"].get<std::string>());
    }
  }
  // Each pass asks for every one still open; one the node does not know (404) is not followed further.
  const std::size_t followed = pending.size();
  const auto give_up = Clock::now() + std::chrono::seconds(30);
  while (!pending.empty() && Clock::now() < give_up) {
    std::erase_if(pending, [&](const std::string& id) {
      const auto st = api.get("/v1/transactions/" + id);
      const std::string status = st.status == 200 ? st.body.value("status", "") : "";
      if (status == "committed") latencies.push_back(latency_ms());
      return status == "committed" || status == "rejected" || st.status == 404;
    });
    if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(mutex);
  round.sent += batch.count;
  round.committed += latencies.size();
  round.refused += batch.count - latencies.size();
  round.followed += followed;
  round.latencies_ms.insert(round.latencies_ms.end(), latencies.begin(), latencies.end());
}

// Pre-signs `total` attest transactions as batches of `batch_size`, authors partitioned by client so each author's
// nonces reach the node in order. Returns one batch list per client.
std::vector<std::vector<Batch>> presign(std::vector<Author>& authors, std::size_t clients, std::size_t total,
                                        std::size_t batch_size, std::uint64_t chain_id, const core::Id& schema,
                                        std::uint64_t& serial) {
  std::vector<std::vector<Batch>> out(clients);
  const std::uint64_t expires = tools::unix_now() + 3600;
  const std::size_t per_client = (total + clients - 1) / clients;
  const std::size_t authors_per_client = std::max<std::size_t>(1, authors.size() / clients);
  for (std::size_t c = 0; c < clients; ++c) {
    std::vector<core::SignedTransaction> txs;
    for (std::size_t i = 0; i < per_client; ++i) {
      Author& a = authors[(c * authors_per_client + i % authors_per_client) % authors.size()];
      txs.push_back(tools::attest_tx(a, chain_id, schema, ++serial, 1, expires));
    }
    for (std::size_t i = 0; i < txs.size(); i += batch_size) {
      const std::size_t n = std::min(batch_size, txs.size() - i);
      out[c].push_back(Batch{node::encode_transaction_batch(std::span(txs).subspan(i, n)), n, {}});
    }
  }
  return out;
}

RoundResult closed_loop(const std::string& url, std::vector<std::vector<Batch>> batches) {
  RoundResult round;
  round.name = "max";
  std::mutex mutex;
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (auto& list : batches) {
    threads.emplace_back([&, list = std::move(list)]() mutable {
      Api api(url, std::chrono::seconds(60));
      for (Batch& b : list) {
        b.due = Clock::now();
        send_batch(api, b, round, mutex);
      }
    });
  }
  for (auto& t : threads) t.join();
  round.seconds = seconds_between(start, Clock::now());
  return round;
}

RoundResult open_loop(const std::string& url, std::vector<std::vector<Batch>> per_client, double rate,
                      std::size_t senders) {
  RoundResult round;
  round.offered_per_s = rate;
  // Interleave the clients' batches (each client's own order kept), then schedule them evenly.
  std::vector<Batch> schedule;
  for (std::size_t i = 0;; ++i) {
    bool any = false;
    for (auto& list : per_client) {
      if (i < list.size()) {
        schedule.push_back(std::move(list[i]));
        any = true;
      }
    }
    if (!any) break;
  }
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  double at = 0;
  for (Batch& b : schedule) {
    b.due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at));
    at += static_cast<double>(b.count) / rate;
  }
  std::deque<Batch*> queue;
  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  bool done = false;
  std::mutex result_mutex;
  std::vector<std::thread> threads;
  for (std::size_t s = 0; s < senders; ++s) {
    threads.emplace_back([&] {
      Api api(url, std::chrono::seconds(60));
      while (true) {
        Batch* b = nullptr;
        {
          std::unique_lock lock(queue_mutex);
          queue_cv.wait(lock, [&] { return done || !queue.empty(); });
          if (queue.empty()) return;
          b = queue.front();
          queue.pop_front();
        }
        send_batch(api, *b, round, result_mutex);
      }
    });
  }
  for (Batch& b : schedule) {
    std::this_thread::sleep_until(b.due);
    {
      std::lock_guard lock(queue_mutex);
      queue.push_back(&b);
    }
    queue_cv.notify_one();
  }
  {
    std::lock_guard lock(queue_mutex);
    done = true;
  }
  queue_cv.notify_all();
  for (auto& t : threads) t.join();
  round.seconds = seconds_between(start, Clock::now());
  return round;
}

// Fills the pool with `count` transactions that can never be ready: each from a fresh key, at nonce 1 while the
// key's next nonce is 0. A node must carry such a pool (until the transactions expire) without slowing down.
// Returns how many the node admitted.
std::size_t submit_gapped(Api& api, std::size_t count, std::uint64_t chain_id, const core::Id& schema) {
  std::vector<Author> keys = tools::make_authors(count, 4242);
  const std::uint64_t expires = tools::unix_now() + 3600;
  std::size_t admitted = 0;
  constexpr std::size_t kChunk = 1000;
  for (std::size_t i = 0; i < keys.size(); i += kChunk) {
    std::vector<core::SignedTransaction> txs;
    for (std::size_t k = i; k < std::min(keys.size(), i + kChunk); ++k) {
      keys[k].nonce = 1;
      txs.push_back(tools::attest_tx(keys[k], chain_id, schema, k, 1, expires));
    }
    const auto reply =
        api.post_bytes("/v1/transactions/batch", "application/x-credence-batch", node::encode_transaction_batch(txs));
    if (reply.status != 200 || !reply.body.contains("results")) continue;
    for (const auto& r : reply.body["results"]) {
      if (r.value("status", "") == "pending") ++admitted;
    }
  }
  return admitted;
}

constexpr const char* kUsage =
    "usage: credence_load (--credenced PATH | --url URL) [--clients C] [--batch B] [--max-transactions N]"
    " [--round-seconds S] [--authors A] [--node-cores K] [--gapped G] [--json]\n(options: bench/README.md)\n";

int usage(const std::string& why) {
  std::cerr << "credence_load: " << why << '\n' << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (a == "--json") {
      o.json = true;
      continue;
    }
    if (i + 1 >= argc) return usage("missing value for " + a);
    const std::string v = argv[++i];
    const auto num = [&v] { return static_cast<std::size_t>(std::strtoull(v.c_str(), nullptr, 10)); };
    if (a == "--credenced") {
      o.credenced = v;
    } else if (a == "--url") {
      o.url = v;
    } else if (a == "--clients") {
      o.clients = num();
    } else if (a == "--batch") {
      o.batch = num();
    } else if (a == "--max-transactions") {
      o.max_transactions = num();
    } else if (a == "--round-seconds") {
      o.round_seconds = std::strtod(v.c_str(), nullptr);
    } else if (a == "--authors") {
      o.authors = num();
    } else if (a == "--node-cores") {
      o.node_cores = static_cast<unsigned>(num());
    } else if (a == "--gapped") {
      o.gapped = num();
    } else {
      return usage("unknown option " + a);
    }
  }
  if (o.credenced.empty() == o.url.empty()) return usage("give exactly one of --credenced or --url");
  if (o.clients == 0 || o.batch == 0 || o.batch > node::kMaxBatchTransactions || o.max_transactions == 0 ||
      o.round_seconds <= 0 || o.authors == 0) {
    return usage("counts must be positive (batch at most " + std::to_string(node::kMaxBatchTransactions) + ")");
  }
  if (!crypto::initialize().is_ok()) return 3;
  if (o.node_cores == 0) o.node_cores = std::max(1u, std::thread::hardware_concurrency());

  std::optional<tools::NodeProcess> process;
  std::filesystem::path data;
  std::string url = o.url;
  if (!o.credenced.empty()) {
    data = std::filesystem::temp_directory_path() / ("credence-load-" + std::to_string(getpid()));
    std::filesystem::remove_all(data);
    process.emplace(o.credenced, data, std::vector<std::string>{"--log-level", "warn"});
    if (Status s = process->start(); !s.is_ok()) {
      std::cerr << "credence_load: " << s.to_string() << '\n';
      return 3;
    }
    url = process->url();
  }
  Api api(url);
  const auto health = api.get("/v1/health");
  if (health.status != 200) {
    std::cerr << "credence_load: " << url << " is not healthy (" << health.status << ")\n";
    return 3;
  }
  const auto chain_id = health.body.value("chain_id", std::uint64_t{0});

  std::vector<Author> authors = tools::make_authors(o.authors + 1, 42);
  for (Author& a : authors) {
    auto n = tools::fetch_nonce(api, a.account);
    if (!n) return 3;
    a.nonce = *n;
  }
  Author registrant = std::move(authors.back());
  authors.pop_back();
  const core::Id schema = core::schema_id(tools::tool_schema(registrant.account));
  {
    const auto reply = api.post_json("/v1/transactions?wait=10000",
                                     core::to_json(tools::register_tool_schema(registrant, chain_id,
                                                                               tools::unix_now() + 600)));
    const bool exists = reply.status == 422 || reply.status == 200;  // registered now, or by an earlier run
    if (!exists) {
      std::cerr << "credence_load: schema registration failed (" << reply.status << ")\n";
      return 3;
    }
  }
  std::uint64_t serial = static_cast<std::uint64_t>(tools::unix_now()) << 20;

  // The floor, measured now, in this process.
  const auto sample = tools::attest_tx(authors[0], chain_id, schema, 0, 1, tools::unix_now() + 600);
  --authors[0].nonce;  // the sample is never sent
  const double verify_per_s = ed25519_verify_per_second(sample);
  const double floor = verify_per_s * o.node_cores;

  std::size_t gapped_admitted = 0;
  if (o.gapped > 0) gapped_admitted = submit_gapped(api, o.gapped, chain_id, schema);

  const pid_t node_pid = process ? process->pid() : -1;
  std::vector<RoundResult> rounds;
  {
    auto batches = presign(authors, o.clients, o.max_transactions, o.batch, chain_id, schema, serial);
    const CpuSample before = sample_cpu(node_pid);
    rounds.push_back(closed_loop(url, std::move(batches)));
    rounds.back().add_cpu(before, sample_cpu(node_pid));
  }
  const double max_rate = rounds[0].committed_per_s();
  for (const int percent : {25, 50, 75}) {
    const double rate = max_rate * percent / 100.0;
    const auto total = static_cast<std::size_t>(rate * o.round_seconds);
    if (total == 0) continue;
    auto batches = presign(authors, o.clients, total, o.batch, chain_id, schema, serial);
    const CpuSample before = sample_cpu(node_pid);
    RoundResult r = open_loop(url, std::move(batches), rate, std::max<std::size_t>(o.clients * 3, 16));
    r.add_cpu(before, sample_cpu(node_pid));
    r.name = std::to_string(percent) + "%";
    rounds.push_back(std::move(r));
  }
  if (process) {
    process->stop();
    std::filesystem::remove_all(data);
  }

  codec::Json out = {{"ed25519_verify_per_s_one_core", verify_per_s},
                     {"node_cores", o.node_cores},
                     {"floor_per_s", floor},
                     {"batch", o.batch},
                     {"clients", o.clients},
                     {"gapped_in_pool", gapped_admitted},
                     {"rounds", codec::Json::array()}};
  for (const RoundResult& r : rounds) {
    out["rounds"].push_back({{"round", r.name},
                             {"offered_per_s", r.offered_per_s},
                             {"sent", r.sent},
                             {"committed", r.committed},
                             {"refused", r.refused},
                             {"followed", r.followed},
                             {"seconds", r.seconds},
                             {"committed_per_s", r.committed_per_s()},
                             {"p50_ms", r.percentile(0.50)},
                             {"p99_ms", r.percentile(0.99)},
                             {"machine_busy", r.machine_busy}});
    if (node_pid > 0) {
      out["rounds"].back()["node_cpu_seconds"] = r.node_cpu_seconds;
      out["rounds"].back()["node_cpu_us_per_tx"] = r.node_cpu_us_per_tx();
    }
  }
  out["max_over_floor"] = floor > 0 ? max_rate / floor : 0;
  const double verify_us = verify_per_s > 0 ? 1e6 / verify_per_s : 0;
  if (node_pid > 0 && verify_us > 0) out["max_node_cpu_over_verify"] = rounds[0].node_cpu_us_per_tx() / verify_us;
  if (o.json) {
    std::cout << codec::dump_json(out) << '\n';
  } else {
    std::printf("floor: %.0f verifications/s on one core x %u cores = %.0f tx/s\n", verify_per_s, o.node_cores, floor);
    if (o.gapped > 0) std::printf("pool holds %zu transactions behind nonce gaps\n", gapped_admitted);
    std::printf("%-6s %12s %10s %10s %8s %14s %9s %9s %6s %12s\n", "round", "offered/s", "sent", "committed", "refused",
                "committed/s", "p50 ms", "p99 ms", "busy", "node us/tx");
    for (const RoundResult& r : rounds) {
      std::printf("%-6s %12.0f %10zu %10zu %8zu %14.0f %9.1f %9.1f %5.0f%% %12.1f\n", r.name.c_str(), r.offered_per_s,
                  r.sent, r.committed, r.refused, r.committed_per_s(), r.percentile(0.5), r.percentile(0.99),
                  r.machine_busy * 100, r.node_cpu_us_per_tx());
    }
    for (const RoundResult& r : rounds) {
      if (r.followed > 0) {
        std::printf(
            "round %s: %zu transactions still pending when answered (no waiting place, or the wait ran out), "
            "polled\n",
            r.name.c_str(), r.followed);
      }
    }
    std::printf("max committed/s over floor: %.2f\n", floor > 0 ? max_rate / floor : 0);
    if (node_pid > 0 && verify_us > 0) {
      std::printf("node CPU per committed transaction at max: %.1f us = %.2f verifications (%.1f us each)\n",
                  rounds[0].node_cpu_us_per_tx(), rounds[0].node_cpu_us_per_tx() / verify_us, verify_us);
    }
  }
  const bool all_committed = std::all_of(rounds.begin(), rounds.end(), [](const RoundResult& r) { return r.refused == 0; });
  return all_committed ? 0 : 1;
}
