// Cost of the authenticated state map (core/smt.h, docs/state.md#performance): batch commit cost per write, proof
// generation, proof size and proof verification, over a MemoryNodeStore preloaded with 1M entries (and 10M when
// CREDENCE_SMT_BENCH_LARGE=1 is set: about 4 minutes to load on a 2-core VM, ~7 GiB).
//
// Costs are also given as a multiple of one SHA-256 of a 65-byte input (one internal or leaf hash: the floor of
// every tree operation), sampled between the measured operations. Times are the thread's CPU time, so waiting for a
// CPU is not counted, but a busy machine still slows caches and memory: the x_sha256 ratios are the stable figures.
// Counters: ns_per_write, x_sha256, hashes_per_write, page_reads_per_write, ns_per_proof, ns_per_verify, proof_bytes.
// Run: build/bench/smt_bench [--benchmark_filter=...].
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/crypto/hash.h"
#include "thread_cpu.h"

namespace {

using namespace credence;
using namespace credence::core;

using credence::bench::thread_cpu_ns;

// The hash floor: SHA-256 of 65 bytes (a node preimage) in CPU ns, the unit the other figures are expressed in.
// Sampled right after each measured operation, for about as many hashes as the operation did, so that a ratio
// compares two costs taken under the same machine load.
class HashFloor {
 public:
  void sample(std::size_t hashes) {
    const double start = thread_cpu_ns();
    for (std::size_t i = 0; i < hashes; ++i) {
      const Hash256 h = crypto::sha256(buf_);
      buf_[1] = h[0];  // chain so no call can be skipped
    }
    ns_ += thread_cpu_ns() - start;
    calls_ += hashes;
  }
  [[nodiscard]] double per_hash() const { return ns_ / static_cast<double>(calls_); }

 private:
  std::array<std::uint8_t, 65> buf_{};
  double ns_ = 0;
  std::size_t calls_ = 0;
};

Hash256 key_at(std::uint64_t i) {
  std::array<std::uint8_t, 8> be{};
  for (int b = 0; b < 8; ++b) be[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (56 - 8 * b));
  return crypto::sha256(be);
}

// A 64-byte value, about the size of an attestation's state record.
Bytes value_at(std::uint64_t i, std::uint8_t generation) {
  Bytes v(64, generation);
  for (int b = 0; b < 8; ++b) v[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (8 * b));
  return v;
}

// The preloaded map shared by the benchmarks of one size (rebuilt when the size changes, so only one is held).
struct Loaded {
  std::size_t entries = 0;
  MemoryNodeStore store;
  std::optional<smt::AuthenticatedMap> map;
  std::uint64_t next_key = 0;  // keys [0, next_key) are present
  std::uint8_t generation = 0;
};

Loaded& loaded(std::size_t entries) {
  static std::unique_ptr<Loaded> current;
  if (current && current->entries == entries) return *current;
  current.reset();
  current = std::make_unique<Loaded>();
  Loaded& l = *current;
  l.entries = entries;
  l.store.reserve(entries + entries / 8);  // values, plus about one page per 15 entries
  l.map.emplace(std::move(smt::AuthenticatedMap::open(l.store)).value());
  constexpr std::size_t kLoadBlock = 100000;
  for (std::uint64_t i = 0; i < entries; ++i) {
    l.map->put(key_at(i), value_at(i, 0));
    if ((i + 1) % kLoadBlock == 0 || i + 1 == entries) {
      if (!l.map->commit().ok()) std::abort();
    }
  }
  l.next_key = entries;
  return l;
}

void report_per_write(benchmark::State& state, double cpu_ns, std::size_t writes, std::size_t hashes, std::size_t reads,
                      const HashFloor& floor) {
  const double per_write = cpu_ns / static_cast<double>(writes);
  state.counters["ns_per_write"] = per_write;
  state.counters["x_sha256"] = per_write / floor.per_hash();
  state.counters["hashes_per_write"] = static_cast<double>(hashes) / static_cast<double>(writes);
  state.counters["page_reads_per_write"] = static_cast<double>(reads) / static_cast<double>(writes);
  state.counters["sha256_65B_ns"] = floor.per_hash();
  state.SetItemsProcessed(static_cast<std::int64_t>(writes));
}

// Runs one timed block — `put(i)` for each of `block` writes, then one commit — and accumulates its cost and
// commit statistics; the hash floor is sampled outside the timed region.
struct CommitTotals {
  std::size_t writes = 0, hashes = 0, reads = 0;
  double cpu = 0;
  HashFloor floor;

  template <typename Put>
  void add(benchmark::State& state, Loaded& l, Put&& put, std::size_t block) {
    const double start = thread_cpu_ns();
    for (std::size_t i = 0; i < block; ++i) put(i);
    auto root = l.map->commit();
    cpu += thread_cpu_ns() - start;
    if (!root) std::abort();
    writes += block;
    hashes += l.map->last_commit_stats().hashes;
    reads += l.map->last_commit_stats().page_reads;
    state.PauseTiming();
    floor.sample(l.map->last_commit_stats().hashes);
    state.ResumeTiming();
  }
  void report(benchmark::State& state) { report_per_write(state, cpu, writes, hashes, reads, floor); }
};

// A block of `block` writes of new keys (attestations being created): put each, then one commit.
void BM_CommitInsert(benchmark::State& state) {
  const auto entries = static_cast<std::size_t>(state.range(0));
  const auto block = static_cast<std::size_t>(state.range(1));
  Loaded& l = loaded(entries);
  std::vector<Hash256> keys(block);
  CommitTotals totals;
  for (auto _ : state) {
    state.PauseTiming();
    for (std::size_t i = 0; i < block; ++i) keys[i] = key_at(l.next_key + i);
    state.ResumeTiming();
    totals.add(state, l, [&](std::size_t i) { l.map->put(keys[i], value_at(l.next_key + i, 0)); }, block);
    l.next_key += block;
  }
  totals.report(state);
  state.counters["entries_after"] = static_cast<double>(l.next_key);
}

// A block of `block` overwrites of existing keys (counters, statuses): put each, then one commit.
void BM_CommitUpdate(benchmark::State& state) {
  const auto entries = static_cast<std::size_t>(state.range(0));
  const auto block = static_cast<std::size_t>(state.range(1));
  Loaded& l = loaded(entries);
  std::vector<Hash256> keys(block);
  std::vector<std::uint64_t> ids(block);
  std::uint64_t stride_pos = 0;
  CommitTotals totals;
  for (auto _ : state) {
    state.PauseTiming();
    ++l.generation;
    for (std::size_t i = 0; i < block; ++i) {
      stride_pos = (stride_pos + 7919) % l.next_key;  // spread over the whole key range
      ids[i] = stride_pos;
      keys[i] = key_at(stride_pos);
    }
    state.ResumeTiming();
    totals.add(state, l, [&](std::size_t i) { l.map->put(keys[i], value_at(ids[i], l.generation)); }, block);
  }
  totals.report(state);
}

// Inclusion (present key) or non-inclusion (absent key) proofs, generated from the store, cycling over 1,000 keys.
void prove_bench(benchmark::State& state, bool present) {
  Loaded& l = loaded(static_cast<std::size_t>(state.range(0)));
  std::vector<Hash256> keys;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    keys.push_back(present ? key_at((i * 104729) % l.next_key) : key_at(l.next_key + 1000000000 + i));
  }
  std::size_t k = 0, bytes = 0, depth = 0, proofs = 0;
  double cpu = 0;
  HashFloor floor;
  for (auto _ : state) {
    const double start = thread_cpu_ns();
    auto proof = l.map->prove(keys[k]);
    cpu += thread_cpu_ns() - start;
    k = (k + 1) % keys.size();
    if (!proof) std::abort();
    floor.sample(proof->siblings.size());
    bytes += smt::encode_proof(*proof).size();
    depth += proof->siblings.size();
    ++proofs;
  }
  const auto n = static_cast<double>(proofs);
  state.counters["ns_per_proof"] = cpu / n;
  state.counters["x_sha256"] = cpu / n / floor.per_hash();
  state.counters["sha256_65B_ns"] = floor.per_hash();
  state.counters["proof_bytes"] = static_cast<double>(bytes) / n;
  state.counters["depth"] = static_cast<double>(depth) / n;
}
void BM_ProveInclusion(benchmark::State& state) {
  prove_bench(state, true);
}
void BM_ProveNonInclusion(benchmark::State& state) {
  prove_bench(state, false);
}

// Verification from the encoded proof (what a light client does: decode, then verify), cycling over 1,000 proofs.
void verify_bench(benchmark::State& state, bool present, bool decode) {
  Loaded& l = loaded(static_cast<std::size_t>(state.range(0)));
  struct Case {
    Hash256 key;
    std::optional<Bytes> value;
    Bytes encoded;
    smt::Proof proof;
  };
  std::vector<Case> cases;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const std::uint64_t id = (i * 104729) % l.next_key;
    Case c;
    c.key = present ? key_at(id) : key_at(l.next_key + 1000000000 + i);
    c.value = l.map->get(c.key).value();
    c.proof = l.map->prove(c.key).value();
    c.encoded = smt::encode_proof(c.proof);
    cases.push_back(std::move(c));
  }
  const Hash256 root = l.map->root();
  std::size_t k = 0, bytes = 0, runs = 0;
  double cpu = 0;
  HashFloor floor;
  for (auto _ : state) {
    const Case& c = cases[k];
    k = (k + 1) % cases.size();
    const auto value = c.value ? std::optional<ByteView>(*c.value) : std::nullopt;
    const double start = thread_cpu_ns();
    Status s;
    if (decode) {
      auto p = smt::decode_proof(c.encoded);
      s = p ? smt::verify_proof(root, c.key, value, *p) : p.status();
    } else {
      s = smt::verify_proof(root, c.key, value, c.proof);
    }
    cpu += thread_cpu_ns() - start;
    if (!s.is_ok()) std::abort();
    floor.sample(c.proof.siblings.size() + 2);
    bytes += c.encoded.size();
    ++runs;
  }
  const auto n = static_cast<double>(runs);
  state.counters["ns_per_verify"] = cpu / n;
  state.counters["x_sha256"] = cpu / n / floor.per_hash();
  state.counters["sha256_65B_ns"] = floor.per_hash();
  state.counters["proof_bytes"] = static_cast<double>(bytes) / n;
}
void BM_VerifyInclusion(benchmark::State& state) {
  verify_bench(state, true, false);
}
void BM_VerifyNonInclusion(benchmark::State& state) {
  verify_bench(state, false, false);
}
void BM_DecodeVerifyInclusion(benchmark::State& state) {
  verify_bench(state, true, true);
}

void BM_Sha256_65B(benchmark::State& state) {
  std::array<std::uint8_t, 65> buf{};
  for (auto _ : state) {
    const Hash256 h = crypto::sha256(buf);
    buf[1] = h[0];
    benchmark::DoNotOptimize(h);
  }
}

void register_size(std::int64_t entries) {
  for (const std::int64_t block : {1000, 10000}) {
    benchmark::RegisterBenchmark("BM_CommitInsert", BM_CommitInsert)
        ->Args({entries, block})
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_CommitUpdate", BM_CommitUpdate)
        ->Args({entries, block})
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_ProveInclusion", BM_ProveInclusion)->Arg(entries);
  benchmark::RegisterBenchmark("BM_ProveNonInclusion", BM_ProveNonInclusion)->Arg(entries);
  benchmark::RegisterBenchmark("BM_VerifyInclusion", BM_VerifyInclusion)->Arg(entries);
  benchmark::RegisterBenchmark("BM_VerifyNonInclusion", BM_VerifyNonInclusion)->Arg(entries);
  benchmark::RegisterBenchmark("BM_DecodeVerifyInclusion", BM_DecodeVerifyInclusion)->Arg(entries);
}

// Registered in order so each size is loaded once; the large size only on request. (Registration can only fail by
// running out of memory before main, which terminates either way.)
const bool kRegistered = [] {  // NOLINT(cert-err58-cpp)
  benchmark::RegisterBenchmark("BM_Sha256_65B", BM_Sha256_65B);
  register_size(1000000);
  const char* large = std::getenv("CREDENCE_SMT_BENCH_LARGE");  // NOLINT(concurrency-mt-unsafe): before main
  if (large != nullptr && std::string(large) == "1") register_size(10000000);
  return true;
}();

}  // namespace
