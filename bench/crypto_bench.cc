// Per-call cost of the crypto primitives every later layer is measured against (docs/performance.md).
// Run: scripts/bench.sh (release build), or build/bench/crypto_bench directly.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"
#include "credence/crypto/secp256k1.h"
#include "credence/crypto/self_test.h"

namespace {

using namespace credence;

const bool kInitialized = crypto::initialize().is_ok();

void BM_Sha256_64B(benchmark::State& state) {
  FixedBytes<64> input{};
  for (auto _ : state) {
    auto h = crypto::sha256(input);
    input[0] = h[0];  // chain so the call cannot be hoisted
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
}
BENCHMARK(BM_Sha256_64B);

void BM_Sha256_1KiB(benchmark::State& state) {
  Bytes input(1024, 1);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sha256(input));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 1024);
}
BENCHMARK(BM_Sha256_1KiB);

void BM_Keccak256_64B(benchmark::State& state) {
  FixedBytes<64> input{};
  for (auto _ : state) {
    auto h = crypto::keccak256(input);
    input[0] = h[0];
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
}
BENCHMARK(BM_Keccak256_64B);

void BM_Ed25519_Sign_64B(benchmark::State& state) {
  crypto::DeterministicRandom random(1);
  const auto key = crypto::ed25519::SecretKey::generate(random);
  FixedBytes<64> message{};
  for (auto _ : state) benchmark::DoNotOptimize(key.sign(message));
}
BENCHMARK(BM_Ed25519_Sign_64B);

// Our verify with a pre-parsed key (the rule's per-signature cost) ...
void BM_Ed25519_Verify_64B(benchmark::State& state) {
  crypto::DeterministicRandom random(2);
  const auto key = crypto::ed25519::SecretKey::generate(random);
  FixedBytes<64> message{};
  const auto sig = key.sign(message);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::ed25519::verify(key.public_key(), message, sig));
}
BENCHMARK(BM_Ed25519_Verify_64B);

// ... beside raw libsodium verify (the floor), and verify including key validation from raw bytes.
void BM_Ed25519_Verify_Libsodium_64B(benchmark::State& state) {
  crypto::DeterministicRandom random(2);
  const auto key = crypto::ed25519::SecretKey::generate(random);
  FixedBytes<64> message{};
  const auto sig = key.sign(message);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        crypto_sign_verify_detached(sig.data(), message.data(), message.size(), key.public_key().bytes().data()));
  }
}
BENCHMARK(BM_Ed25519_Verify_Libsodium_64B);

void BM_Ed25519_Verify_RawKey_64B(benchmark::State& state) {
  crypto::DeterministicRandom random(2);
  const auto key = crypto::ed25519::SecretKey::generate(random);
  FixedBytes<64> message{};
  const auto sig = key.sign(message);
  const auto raw = key.public_key().bytes();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::ed25519::verify(raw, message, sig));
}
BENCHMARK(BM_Ed25519_Verify_RawKey_64B);

void BM_Secp256k1_Sign(benchmark::State& state) {
  crypto::DeterministicRandom random(3);
  const auto key = crypto::secp256k1::PrivateKey::generate(random);
  const auto digest = crypto::keccak256(FixedBytes<8>{});
  for (auto _ : state) benchmark::DoNotOptimize(key.sign_digest(digest));
}
BENCHMARK(BM_Secp256k1_Sign);

void BM_Secp256k1_Recover(benchmark::State& state) {
  crypto::DeterministicRandom random(4);
  const auto key = crypto::secp256k1::PrivateKey::generate(random);
  const auto digest = crypto::keccak256(FixedBytes<8>{});
  const auto sig = key.sign_digest(digest);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::secp256k1::recover(digest, sig));
}
BENCHMARK(BM_Secp256k1_Recover);

void BM_Secp256k1_RecoverAddress(benchmark::State& state) {
  crypto::DeterministicRandom random(4);
  const auto key = crypto::secp256k1::PrivateKey::generate(random);
  const auto digest = crypto::keccak256(FixedBytes<8>{});
  const auto sig = key.sign_digest(digest);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::secp256k1::recover(digest, sig)->address());
}
BENCHMARK(BM_Secp256k1_RecoverAddress);

}  // namespace
