// Throughput of the attestation ledger (core/ledger.h) and cost of offline verification (core/verify.h): the figures
// the ledger's targets are stated in — at least 100,000 attestations applied per second per core excluding signature
// checks, and proof verification in at most 20 µs.
//
// State: a MemoryNodeStore pre-filled with 100,000 or 1,000,000 attestations under one small schema
// ("uint256 score,string name"), made by 64 authors through the ledger itself with batch transactions and one commit
// per 10,000 attestations. Building it is not measured; its duration is printed and reported as setup_s.
//  - BM_ApplyBlock: one block of 1,000 attestations — 1,000 attest transactions of one request each (batch:1) or 10
//    of 100 (batch:100) — applied with SignatureCheck::already_verified (verify:0) or ::verify (verify:1), INCLUDING
//    the block's commit (the state root computation). items_per_second counts attestations; the counters split the
//    time into apply and commit and give the root update cost per state write, with its SHA-256 calls, page reads
//    and store operations per write.
//  - BM_Ed25519Verify*: the raw signature check in this binary (libsodium crypto_sign_verify_detached, and our
//    verification rule with the key parsed from bytes as the ledger does) over a real attest transaction, so the
//    signature share of verify:1 is visible.
//  - BM_ProveAttestation: prove_attestation for a random existing attestation; counters give the bundle's entries and
//    its size as JSON and in binary (key, value and encode_proof of each entry).
//  - BM_VerifyFromBundle: offline verification — ProofView::make (checks every proof) + verify_attestation.
//  - BM_SmtVerifyProof: one smt::verify_proof of an attestation's state entry.
// Times are the thread's CPU time (items_per_second too), so other load on the machine inflates them less; the cost of
// one SHA-256 of 65 bytes measured in this binary (sha256_65B_ns) is reported beside them as the machine's yardstick.
// Run: build/release/bench/ledger_bench (a release build for figures worth quoting).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credence/codec/abi.h"
#include "credence/codec/json.h"
#include "credence/core/ledger.h"
#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/core/verify.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "thread_cpu.h"

namespace {

using namespace credence;
using namespace credence::core;
namespace ed25519 = crypto::ed25519;

const bool kInitialized = crypto::initialize().is_ok();

constexpr std::uint64_t kChainId = 1;
constexpr std::uint64_t kStartTime = 1'700'000'000;
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kAuthors = 64;
constexpr std::size_t kBlockAttestations = 1000;
constexpr std::size_t kPrefillBatch = 100;           // requests per transaction while pre-filling
constexpr std::size_t kPrefillCommitEvery = 10'000;  // attestations per commit while pre-filling
const char* const kFields = "uint256 score,string name";

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "ledger_bench: %s\n", what);
    std::abort();
  }
}

using credence::bench::thread_cpu_ns;

// One SHA-256 of 65 bytes (an SMT node preimage) in ns of CPU time, measured in this binary: the unit that proof
// checks and root updates are made of, so figures from different machines can be compared.
double sha256_65_ns() {
  static const double kNs = [] {
    std::array<std::uint8_t, 65> buf{};
    constexpr int kRounds = 200'000;
    const double start = thread_cpu_ns();
    for (int i = 0; i < kRounds; ++i) {
      const Hash256 h = crypto::sha256(buf);
      buf[1] = h[0];  // chain the calls so none can be skipped
    }
    return (thread_cpu_ns() - start) / kRounds;
  }();
  return kNs;
}

double wall_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Authors {
  std::vector<ed25519::SecretKey> keys;
  std::vector<AccountId> accounts;
};

const Authors& authors() {
  static const Authors* const kAuthorsSet = [] {
    require(kInitialized, "crypto self-test failed");
    auto* a = new Authors;  // lives for the whole run
    crypto::DeterministicRandom random(std::uint64_t{1});
    for (std::size_t i = 0; i < kAuthors; ++i) {
      a->keys.push_back(ed25519::SecretKey::generate(random));
      a->accounts.push_back(a->keys.back().public_key().bytes());
    }
    return a;
  }();
  return *kAuthorsSet;
}

// A ledger over a pre-filled MemoryNodeStore, shared by every benchmark of one pre-fill size.
struct World {
  MemoryNodeStore store;
  std::optional<smt::AuthenticatedMap> map;
  std::optional<Ledger> ledger;
  Id schema{};
  std::vector<codec::AbiType> types;
  std::vector<std::uint64_t> nonces = std::vector<std::uint64_t>(kAuthors, 0);
  std::vector<Id> ids;  // every attestation created, pre-fill and benchmarks
  BlockContext block{1, kStartTime};
  std::uint64_t serial = 0;  // makes each request's recipient and data distinct
  std::size_t next_author = 0;
  double setup_seconds = 0;
};

AttestationRequest next_request(World& w) {
  ++w.serial;
  AttestationRequest q;
  q.schema = w.schema;
  FixedBytes<8> serial{};
  for (std::size_t b = 0; b < 8; ++b) serial[b] = static_cast<std::uint8_t>(w.serial >> (8 * b));
  q.recipients.push_back(Recipient::account(crypto::sha256(serial)));
  auto data = codec::abi_encode(
      w.types, std::vector<codec::AbiValue>{codec::AbiValue::from_u64(w.serial % 1000),
                                            codec::AbiValue::string("subject " + std::to_string(w.serial))});
  require(data.ok(), "abi_encode");
  q.data.data = std::move(*data);
  return q;
}

// The next `count` attest transactions of `batch` requests each, from rotating authors; signed when `sign`.
std::vector<SignedTransaction> next_transactions(World& w, std::size_t count, std::size_t batch, bool sign) {
  const Authors& a = authors();
  std::vector<SignedTransaction> txs;
  txs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Attest body;
    for (std::size_t r = 0; r < batch; ++r) body.requests.push_back(next_request(w));
    const std::size_t author = w.next_author++ % kAuthors;
    Transaction tx{kChainId, a.accounts[author], w.nonces[author]++, kNever, std::move(body)};
    txs.push_back(sign ? sign_transaction(std::move(tx), a.keys[author]) : SignedTransaction{std::move(tx), {}});
  }
  return txs;
}

struct BlockCost {
  double apply_ns = 0;
  double commit_ns = 0;
  smt::CommitStats stats;
};

// Applies `txs` as one block and commits it.
BlockCost apply_block(World& w, const std::vector<SignedTransaction>& txs, SignatureCheck check) {
  BlockCost cost;
  const double start = thread_cpu_ns();
  for (const auto& stx : txs) {
    auto receipt = w.ledger->apply(stx, w.block, check);
    require(receipt.ok() && receipt->ok(), "an attest transaction failed");
    w.ids.insert(w.ids.end(), receipt->created.begin(), receipt->created.end());
  }
  const double applied = thread_cpu_ns();
  auto root = w.map->commit();
  require(root.ok(), "commit failed");
  cost.apply_ns = applied - start;
  cost.commit_ns = thread_cpu_ns() - applied;
  cost.stats = w.map->last_commit_stats();
  ++w.block.height;
  ++w.block.time;
  return cost;
}

World& world(std::size_t prefill) {
  static std::map<std::size_t, std::unique_ptr<World>> worlds;
  auto& slot = worlds[prefill];
  if (slot) return *slot;
  const double start = wall_seconds();
  slot = std::make_unique<World>();
  World& w = *slot;
  w.store.reserve(prefill * 4);
  w.map.emplace(std::move(smt::AuthenticatedMap::open(w.store)).value());
  w.ledger.emplace(*w.map, kChainId);
  w.ids.reserve(prefill + 200'000);
  const Authors& a = authors();
  Genesis genesis{kChainId, {}, std::nullopt};
  for (const auto& account : a.accounts) genesis.allocations.emplace_back(account, 1'000'000);
  require(w.ledger->apply_genesis(genesis).is_ok(), "genesis");
  Schema schema{"benchmark", "", a.accounts[0], kFields, true, 0, DataLocation::on_ledger, {}};
  auto registered = w.ledger->apply(
      SignedTransaction{Transaction{kChainId, a.accounts[0], w.nonces[0]++, kNever, RegisterSchema{schema}}, {}},
      w.block, SignatureCheck::already_verified);
  require(registered.ok() && registered->ok(), "register schema");
  w.schema = registered->created.at(0);
  auto params = codec::parse_abi_params(kFields);
  require(params.ok(), "fields");
  for (const auto& p : *params) w.types.push_back(p.type);
  require(w.map->commit().ok(), "commit");

  for (std::size_t done = 0; done < prefill; done += kPrefillCommitEvery) {
    const std::size_t n = std::min(kPrefillCommitEvery, prefill - done);
    (void)apply_block(w, next_transactions(w, n / kPrefillBatch, kPrefillBatch, false),
                      SignatureCheck::already_verified);
  }
  w.setup_seconds = wall_seconds() - start;
  std::fprintf(stderr, "ledger_bench: pre-filled %zu attestations in %.1f s (%zu store records)\n", w.ids.size(),
               w.setup_seconds, w.store.size());
  return w;
}

// A deterministic pick among the existing attestations.
const Id& some_attestation(const World& w, std::uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return w.ids[(state >> 33) % w.ids.size()];
}

// ---- applying blocks

void BM_ApplyBlock(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  const auto batch = static_cast<std::size_t>(state.range(1));
  const bool verify = state.range(2) != 0;
  const SignatureCheck check = verify ? SignatureCheck::verify : SignatureCheck::already_verified;
  double apply_ns = 0, commit_ns = 0;
  std::size_t writes = 0, hashes = 0, page_reads = 0, store_ops = 0, blocks = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto txs = next_transactions(w, kBlockAttestations / batch, batch, verify);
    state.ResumeTiming();
    const BlockCost cost = apply_block(w, txs, check);
    apply_ns += cost.apply_ns;
    commit_ns += cost.commit_ns;
    writes += cost.stats.writes;
    hashes += cost.stats.hashes;
    page_reads += cost.stats.page_reads;
    store_ops += cost.stats.store_ops;
    ++blocks;
  }
  const double attestations = static_cast<double>(blocks * kBlockAttestations);
  state.SetItemsProcessed(static_cast<std::int64_t>(blocks * kBlockAttestations));
  state.counters["apply_us_per_att"] = apply_ns / attestations / 1e3;
  state.counters["commit_us_per_att"] = commit_ns / attestations / 1e3;
  state.counters["writes_per_block"] = static_cast<double>(writes) / static_cast<double>(blocks);
  state.counters["commit_ns_per_write"] = commit_ns / static_cast<double>(writes);
  state.counters["hashes_per_write"] = static_cast<double>(hashes) / static_cast<double>(writes);
  state.counters["page_reads_per_write"] = static_cast<double>(page_reads) / static_cast<double>(writes);
  state.counters["store_ops_per_write"] = static_cast<double>(store_ops) / static_cast<double>(writes);
  state.counters["entries_after"] = static_cast<double>(w.ids.size());
  state.counters["setup_s"] = w.setup_seconds;
  state.counters["sha256_65B_ns"] = sha256_65_ns();
}
BENCHMARK(BM_ApplyBlock)
    ->ArgNames({"prefill", "batch", "verify"})
    ->Args({100'000, 1, 0})
    ->Args({100'000, 1, 1})
    ->Args({100'000, 100, 0})
    ->Args({100'000, 100, 1})
    ->Args({1'000'000, 1, 0})
    ->Args({1'000'000, 1, 1})
    ->Args({1'000'000, 100, 0})
    ->Args({1'000'000, 100, 1})
    ->Unit(benchmark::kMillisecond);

// ---- the signature check alone, over a real attest transaction

SignedTransaction sample_transaction() {
  static World* const kScratch = [] {
    auto* w = new World;
    w->schema = crypto::sha256(as_bytes("schema"));
    auto params = codec::parse_abi_params(kFields);
    require(params.ok(), "fields");
    for (const auto& p : *params) w->types.push_back(p.type);
    return w;
  }();
  return next_transactions(*kScratch, 1, 1, true).front();
}

void BM_Ed25519VerifyLibsodium(benchmark::State& state) {
  const SignedTransaction stx = sample_transaction();
  const Bytes message = encode(stx.tx);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto_sign_verify_detached(stx.signature.data(), message.data(), message.size(), stx.tx.author.data()));
  }
  state.counters["message_bytes"] = static_cast<double>(message.size());
}
BENCHMARK(BM_Ed25519VerifyLibsodium)->Unit(benchmark::kMicrosecond);

// What SignatureCheck::verify costs per transaction: encode + the verification rule with the key parsed from bytes.
void BM_VerifyTransactionSignature(benchmark::State& state) {
  const SignedTransaction stx = sample_transaction();
  for (auto _ : state) benchmark::DoNotOptimize(verify_transaction_signature(stx));
}
BENCHMARK(BM_VerifyTransactionSignature)->Unit(benchmark::kMicrosecond);

// ---- proofs

void BM_ProveAttestation(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  const std::uint64_t now = w.block.time;
  // Sizes, from a sample (kept out of the timed loop).
  std::uint64_t pick = 1;
  double entries = 0, json_bytes = 0, binary_bytes = 0;
  constexpr int kSample = 100;
  for (int i = 0; i < kSample; ++i) {
    auto bundle = prove_attestation(*w.map, some_attestation(w, pick), now);
    require(bundle.ok(), "prove_attestation");
    entries += static_cast<double>(bundle->entries.size());
    json_bytes += static_cast<double>(codec::dump_json(to_json(*bundle)).size());
    for (const auto& e : bundle->entries) {
      binary_bytes += static_cast<double>(32 + (e.value ? e.value->size() : 0) + smt::encode_proof(e.proof).size());
    }
  }
  for (auto _ : state) {
    auto bundle = prove_attestation(*w.map, some_attestation(w, pick), now);
    benchmark::DoNotOptimize(bundle);
  }
  state.counters["entries"] = entries / kSample;
  state.counters["json_bytes"] = json_bytes / kSample;
  state.counters["binary_bytes"] = binary_bytes / kSample;
  state.counters["entries_in_state"] = static_cast<double>(w.ids.size());
}
BENCHMARK(BM_ProveAttestation)->ArgName("prefill")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

struct Proven {
  Id id{};
  ProofBundle bundle;
};

std::vector<Proven> proven_sample(World& w, std::size_t n) {
  std::vector<Proven> out;
  std::uint64_t pick = 7;
  for (std::size_t i = 0; i < n; ++i) {
    const Id id = some_attestation(w, pick);
    auto bundle = prove_attestation(*w.map, id, w.block.time);
    require(bundle.ok(), "prove_attestation");
    out.push_back({id, std::move(*bundle)});
  }
  return out;
}

void BM_VerifyFromBundle(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  const auto sample = proven_sample(w, 256);
  const Hash256 root = w.map->root();
  const std::uint64_t now = w.block.time;
  // SHA-256 calls ProofView::make needs per bundle: each entry's siblings, its leaf, and its value.
  double hashes = 0;
  for (const auto& p : sample) {
    for (const auto& e : p.bundle.entries) hashes += static_cast<double>(e.proof.siblings.size() + 2);
  }
  state.counters["proof_hashes"] = hashes / static_cast<double>(sample.size());
  state.counters["sha256_65B_ns"] = sha256_65_ns();
  std::size_t i = 0;
  for (auto _ : state) {
    const Proven& p = sample[i++ % sample.size()];
    auto view = ProofView::make(p.bundle, root);
    require(view.ok(), "ProofView::make");
    auto verdict = verify_attestation(*view, p.id, now);
    require(verdict.ok() && verdict->valid(), "offline verification");
    benchmark::DoNotOptimize(verdict);
  }
}
BENCHMARK(BM_VerifyFromBundle)->ArgName("prefill")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_SmtVerifyProof(benchmark::State& state) {
  World& w = world(static_cast<std::size_t>(state.range(0)));
  const auto sample = proven_sample(w, 256);
  const Hash256 root = w.map->root();
  double siblings = 0;
  for (const auto& p : sample) siblings += static_cast<double>(p.bundle.entries.front().proof.siblings.size());
  std::size_t i = 0;
  for (auto _ : state) {
    const ProofBundle::Entry& e = sample[i++ % sample.size()].bundle.entries.front();  // the attestation's record
    benchmark::DoNotOptimize(smt::verify_proof(root, e.key, ByteView(*e.value), e.proof));
  }
  state.counters["siblings"] = siblings / static_cast<double>(sample.size());
  state.counters["sha256_65B_ns"] = sha256_65_ns();
}
BENCHMARK(BM_SmtVerifyProof)->ArgName("prefill")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
