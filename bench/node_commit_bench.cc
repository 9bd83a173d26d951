// What the node spends per transaction between the mempool and "committed", signature checks excluded: the block
// builder's core::Chain::build (SignatureCheck::already_verified, as for the node's own proposals: submit verified
// them) and Database::commit_block (the block, receipts, locations, index entries and state in one synced RocksDB
// write) — the same calls, in the same order, as Node::build_one_block. Beside it, in the same binary and run, the
// raw Ed25519 check of one such transaction: issue 4's floor is that check, and its target is that everything else
// costs at most 20 % of it (docs/performance.md "Node under load").
//
//  - BM_BuildAndCommit/txs: blocks of `txs` attest transactions (one request each, the shape credence_load sends,
//    64 authors), on a database pre-filled with kPrefill such transactions (not measured). Thread CPU time per
//    transaction (us_per_tx), split into build and commit; RocksDB's background flushes and compactions run on
//    their own threads and are not in it (they are in credence_load's figures).
//  - BM_Ed25519Verify: crypto_sign_verify_detached over one of those transactions.
// Run: build/release/bench/node_commit_bench (a release build for figures worth quoting).
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/block.h"
#include "credence/core/smt.h"
#include "credence/core/transaction.h"
#include "credence/crypto/self_test.h"
#include "credence/node/database.h"
#include "node_tools.h"
#include "thread_cpu.h"

namespace {

using namespace credence;

constexpr std::uint64_t kChainId = 1337;
constexpr std::uint64_t kStartTime = 1'700'000'000;
constexpr std::size_t kAuthors = 64;
constexpr std::size_t kPrefill = 50'000;
constexpr std::size_t kPrefillBlock = 1000;

void require(bool condition, const std::string& what) {
  if (!condition) {
    std::fprintf(stderr, "node_commit_bench: %s\n", what.c_str());
    std::abort();
  }
}

using credence::bench::thread_cpu_ns;

// A node's storage and chain in a temporary directory, removed at exit.
struct World {
  std::filesystem::path dir;
  std::unique_ptr<node::Database> db;
  std::optional<core::smt::AuthenticatedMap> map;
  std::optional<core::Chain> chain;
  std::vector<tools::Author> authors;
  core::Id schema{};
  std::uint64_t time = kStartTime;
  std::uint64_t serial = 0;
  std::size_t next_author = 0;

  World() {
    require(crypto::run_self_test().is_ok(), "crypto self-test failed");
    dir = std::filesystem::temp_directory_path() / ("credence-node-commit-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    node::Database::Options options;  // the node's defaults: synced commits, 64 MiB block cache
    auto opened = node::Database::open(dir, options);
    require(opened.ok(), "open: " + opened.status().to_string());
    db = std::move(opened).value();
    authors = tools::make_authors(kAuthors + 1, 7);
    auto m = core::smt::AuthenticatedMap::open(db->writer_state());
    require(m.ok(), "map");
    map.emplace(std::move(m).value());
    core::Genesis genesis{kChainId, {}, std::nullopt};
    auto block = core::Chain::genesis(*map, genesis, time);
    require(block.ok(), "genesis: " + block.status().to_string());
    require(db->initialize(genesis, *block).is_ok(), "initialize");
    auto c = core::Chain::resume(*map, block->header);
    require(c.ok(), "resume");
    chain.emplace(std::move(c).value());
    tools::Author& registrant = authors.back();
    schema = core::schema_id(tools::tool_schema(registrant.account));
    build_and_commit({tools::register_tool_schema(registrant, kChainId, kStartTime + 1'000'000)});
    for (std::size_t done = 0; done < kPrefill; done += kPrefillBlock) build_and_commit(next(kPrefillBlock));
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() {
    chain.reset();
    map.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::vector<core::SignedTransaction> next(std::size_t count) {
    std::vector<core::SignedTransaction> txs;
    txs.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      tools::Author& a = authors[next_author++ % kAuthors];
      txs.push_back(tools::attest_tx(a, kChainId, schema, ++serial, 1, kStartTime + 1'000'000));
    }
    return txs;
  }

  // Node::build_one_block without the sequencer and metrics. Returns {build ns, commit ns} of thread CPU.
  std::pair<double, double> build_and_commit(const std::vector<core::SignedTransaction>& txs) {
    const double t0 = thread_cpu_ns();
    auto built = chain->build(txs, ++time, core::SignatureCheck::already_verified);
    const double t1 = thread_cpu_ns();
    require(built.ok(), "build: " + built.status().to_string());
    require(built->block.header.transaction_count == txs.size(), "a transaction was rejected");
    const Status s = db->commit_block(built->block, built->receipts);
    require(s.is_ok(), "commit: " + s.to_string());
    return {t1 - t0, thread_cpu_ns() - t1};
  }
};

World& world() {
  static World* const kWorld = new World;  // NOLINT: lives for the whole run; removed by the atexit below
  static const bool kCleanup = [] {
    std::atexit([] { delete kWorld; });
    return true;
  }();
  (void)kCleanup;
  return *kWorld;
}

void BM_BuildAndCommit(benchmark::State& state) {
  World& w = world();
  const auto per_block = static_cast<std::size_t>(state.range(0));
  double build_ns = 0, commit_ns = 0;
  std::size_t txs_done = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto txs = w.next(per_block);
    state.ResumeTiming();
    const auto [b, c] = w.build_and_commit(txs);
    build_ns += b;
    commit_ns += c;
    txs_done += per_block;
  }
  const double n = static_cast<double>(txs_done);
  state.SetItemsProcessed(static_cast<std::int64_t>(txs_done));
  state.counters["us_per_tx"] = (build_ns + commit_ns) / n / 1e3;
  state.counters["build_us_per_tx"] = build_ns / n / 1e3;
  state.counters["commit_us_per_tx"] = commit_ns / n / 1e3;
  state.counters["attestations_after"] = static_cast<double>(w.serial);
}
BENCHMARK(BM_BuildAndCommit)->ArgName("txs")->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_Ed25519Verify(benchmark::State& state) {
  World& w = world();
  // An author outside the world's: this transaction is never applied, so no nonce of the world's authors moves.
  std::vector<tools::Author> outsider = tools::make_authors(1, 99);
  const core::SignedTransaction stx =
      tools::attest_tx(outsider.front(), kChainId, w.schema, 1, 1, kStartTime + 1'000'000);
  const Bytes message = core::encode(stx.tx);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto_sign_verify_detached(stx.signature.data(), message.data(), message.size(), stx.tx.author.data()));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_Ed25519Verify);

}  // namespace
