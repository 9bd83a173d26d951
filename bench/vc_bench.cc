// W3C VC 2.0 / eddsa-jcs-2022 and Bitstring Status List costs (docs/vc.md "Performance"), measured side by side with
// the raw Ed25519 verification they are built on:
//   BM_Ed25519_Verify_64B      one raw verification of a 64-byte message with a parsed key (the floor);
//   BM_Vc_VerifyProof          verify_proof on a parsed credential: JCS of the proof config and of the document, two
//                              SHA-256, did:key resolution (base58 + point check) and the Ed25519 verification;
//   BM_Vc_VerifyProof_CachedKey the same with the key already parsed (what a key cache saves);
//   BM_Vc_VerifyCredentialText jcs::parse of the file text + verify_credential (proof + credential checks);
//   BM_StatusList_1M_*         a 1,000,000-entry list: decode (base64url + GUNZIP) + one lookup, and encode.
// Each Vc benchmark also reports `x_ed25519`: its CPU time per verification over the raw verification's, the latter
// timed in the same process just before (so the ratio is the format's overhead on this machine, in this run).
// Run: scripts/bench.sh (release build), or build/<preset>/bench/vc_bench directly.
#include <benchmark/benchmark.h>

#include <time.h>

#include <random>

#include "credence/crypto/ed25519.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"
#include "thread_cpu.h"

namespace {

using namespace credence;
using codec::Json;

const bool kInitialized = crypto::initialize().is_ok();

struct Fixture {
  crypto::DeterministicRandom random{7};
  crypto::ed25519::SecretKey key = crypto::ed25519::SecretKey::generate(random);
  Json credential;
  std::string text;

  Fixture() {
    Json c = {{"@context", {"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"}},
              {"id", "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"},
              {"type", {"VerifiableCredential", "AlumniCredential"}},
              {"name", "Alumni Credential"},
              {"description", "A minimum viable example of an Alumni Credential."},
              {"validFrom", "2023-01-01T00:00:00Z"},
              {"credentialSubject", {{"id", "did:example:abcdefgh"}, {"alumniOf", "The School of Examples"}}},
              {"credentialStatus",
               interop::status_list::entry("https://issuer.example/status/1", 94567,
                                           interop::status_list::Purpose::revocation)}};
    interop::vc::IssueOptions options;
    options.created = 1677281798;
    credential = *interop::vc::issue(c, key, options);
    text = credential.dump();
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

using credence::bench::thread_cpu_seconds;

// CPU seconds per raw Ed25519 verification, timed here (same process, same moment as the benchmark that asks).
double raw_verify_seconds() {
  const auto& f = fixture();
  FixedBytes<64> message{};
  const auto sig = f.key.sign(message);
  const auto& pk = f.key.public_key();
  constexpr int kRounds = 4000;
  const double start = thread_cpu_seconds();
  for (int i = 0; i < kRounds; ++i) benchmark::DoNotOptimize(crypto::ed25519::verify(pk, message, sig));
  return (thread_cpu_seconds() - start) / kRounds;
}

// `loop_seconds`: CPU time of the timed loop; the ratio is its time per iteration over the raw verification's.
void report_ratio(benchmark::State& state, double raw_seconds, double loop_seconds) {
  state.counters["verifications_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["x_ed25519"] = loop_seconds / static_cast<double>(state.iterations()) / raw_seconds;
}

void BM_Ed25519_Verify_64B(benchmark::State& state) {
  const auto& f = fixture();
  FixedBytes<64> message{};
  const auto sig = f.key.sign(message);
  for (auto _ : state) benchmark::DoNotOptimize(crypto::ed25519::verify(f.key.public_key(), message, sig));
  state.counters["verifications_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Ed25519_Verify_64B);

void BM_Vc_VerifyProof(benchmark::State& state) {
  const auto& f = fixture();
  const auto resolver = interop::vc::did_key_resolver();
  const double raw = raw_verify_seconds();
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    auto r = interop::vc::verify_proof(f.credential, resolver);
    if (!r) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  report_ratio(state, raw, thread_cpu_seconds() - start);
}
BENCHMARK(BM_Vc_VerifyProof);

// The same with the issuer's key already parsed (a verifier that caches keys it has seen): without did:key's point
// validation, which costs about one verification.
void BM_Vc_VerifyProof_CachedKey(benchmark::State& state) {
  const auto& f = fixture();
  const crypto::ed25519::PublicKey key = f.key.public_key();
  const interop::vc::KeyResolver resolver = [key](std::string_view) -> Result<crypto::ed25519::PublicKey> {
    return key;
  };
  const double raw = raw_verify_seconds();
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    auto r = interop::vc::verify_proof(f.credential, resolver);
    if (!r) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  report_ratio(state, raw, thread_cpu_seconds() - start);
}
BENCHMARK(BM_Vc_VerifyProof_CachedKey);

void BM_Vc_VerifyCredentialText(benchmark::State& state) {
  const auto& f = fixture();
  const double raw = raw_verify_seconds();
  interop::vc::VerifyOptions options;
  options.now = 1750000000;
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    auto doc = interop::jcs::parse(f.text);
    const auto verdict = interop::vc::verify_credential(*doc, options);
    if (!verdict.valid()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(verdict);
  }
  report_ratio(state, raw, thread_cpu_seconds() - start);
}
BENCHMARK(BM_Vc_VerifyCredentialText);

// A 1,000,000-entry list (rounded up to whole bytes) with 1% of the entries set at random.
const std::string& million_list() {
  static const std::string text = [] {
    interop::status_list::Bitstring list(1000000);
    std::mt19937_64 rng(1);
    for (int i = 0; i < 10000; ++i) list.set(rng() % list.size(), true);
    return *interop::status_list::encode(list);
  }();
  return text;
}

void BM_StatusList_1M_DecodeAndLookup(benchmark::State& state) {
  const std::string& text = million_list();
  std::uint64_t index = 0;
  for (auto _ : state) {
    auto list = interop::status_list::decode(text);
    auto status = list->status(index);
    index = (index + 7919) % 1000000;
    benchmark::DoNotOptimize(status);
  }
  state.counters["encoded_bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_StatusList_1M_DecodeAndLookup)->Unit(benchmark::kMicrosecond);

void BM_StatusList_1M_LookupOnly(benchmark::State& state) {
  const auto list = *interop::status_list::decode(million_list());
  std::uint64_t index = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(list.status(index));
    index = (index + 7919) % 1000000;
  }
}
BENCHMARK(BM_StatusList_1M_LookupOnly);

void BM_StatusList_1M_Encode(benchmark::State& state) {
  const auto list = *interop::status_list::decode(million_list());
  for (auto _ : state) benchmark::DoNotOptimize(interop::status_list::encode(list));
}
BENCHMARK(BM_StatusList_1M_Encode)->Unit(benchmark::kMicrosecond);

}  // namespace
