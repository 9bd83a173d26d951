// eas_bench: EAS off-chain attestation verification (interop/eas.h) — what `credence eas verify` does per object —
// against, side by side in one run (docs/eas.md "Performance"):
//   (a) one raw secp256k1 public-key recovery on a precomputed digest, the floor of any EAS verification: the ratio
//       raw / eas is the cost of the format (UID, EIP-712 hashing, address derivation, checks);
//   (b) eas-sdk 2.9.1's verifyOffchainAttestationSignature on the same signed objects, timed by
//       tests/interop/eas_bench.js under node in the same run — target: ours >= 50x faster.
// Inputs: --inputs signed version 2 attestations from distinct keys with random fields and 0..400 bytes of data
// (seeded; the same objects go to node through a file). Times are thread CPU time (the machine may be shared);
// each figure is the best of --repeats runs of at least --seconds. --check exits 1 when the target is missed.
// Not a Google Benchmark binary: it writes a file and runs node. CTest smoke-runs a short instance (bench-smoke).
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "credence/codec/json.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/interop/eas.h"
#include "thread_cpu.h"

namespace {

namespace fs = std::filesystem;
namespace eas = credence::interop::eas;
namespace secp = credence::crypto::secp256k1;
using namespace credence;

using credence::bench::thread_cpu_seconds;

// Operations per CPU second of `op(i)` over the inputs, cycled for at least `seconds`; the best of `repeats`.
template <typename Op>
double rate(std::size_t inputs, double seconds, int repeats, Op op) {
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    std::size_t done = 0;
    const double t0 = thread_cpu_seconds();
    double elapsed = 0;
    do {
      for (std::size_t i = 0; i < inputs; ++i) op(i);
      done += inputs;
      elapsed = thread_cpu_seconds() - t0;
    } while (elapsed < seconds);
    best = std::max(best, static_cast<double>(done) / elapsed);
  }
  return best;
}

struct Input {
  eas::OffchainAttestation attestation;
  eas::Address attester{};
  std::string json;
  Hash256 digest{};
  secp::RecoverableSignature signature;
};

std::vector<Input> make_inputs(std::size_t n, std::uint64_t seed) {
  crypto::DeterministicRandom random(seed);
  std::vector<Input> inputs;
  for (std::size_t i = 0; i < n; ++i) {
    const auto key = secp::PrivateKey::generate(random);
    eas::SignRequest q;
    q.version = eas::OffchainVersion::v2;
    q.eas_version = "1.4.0";
    q.chain_id = 1 + random.bytes<1>()[0];
    q.contract = random.bytes<20>();
    q.schema = random.bytes<32>();
    q.recipient = random.bytes<20>();
    q.time = 1700000000 + random.bytes<2>()[0];
    q.expiration_time = 0;
    q.revocable = (random.bytes<1>()[0] & 1) != 0;
    q.data.resize(random.bytes<2>()[0] % 401);
    random.fill(q.data);
    q.salt = random.bytes<32>();
    auto a = eas::sign(q, key);
    if (!a) {
      std::cerr << "eas_bench: sign failed: " << a.status().to_string() << '\n';
      std::exit(3);
    }
    Input in;
    in.attestation = std::move(*a);
    in.attester = key.public_key().address();
    in.json = eas::attestation_to_json(in.attestation);
    in.digest = eas::signing_digest(in.attestation);
    in.signature.r = in.attestation.signature.r.value;
    in.signature.s = in.attestation.signature.s.value;
    in.signature.recovery_id = static_cast<std::uint8_t>(in.attestation.signature.v - 27);
    inputs.push_back(std::move(in));
  }
  return inputs;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eas_bench: EAS off-chain verification vs raw secp256k1 recovery vs eas-sdk"};
  std::size_t n = 200;
  double seconds = 1.0;
  int repeats = 3;
  bool no_sdk = false;
  bool check = false;
  std::uint64_t seed = 1;
  std::string script = std::string(CREDENCE_INTEROP_DIR) + "/eas_bench.js";
  app.add_option("--inputs", n, "signed attestations (distinct keys)")->capture_default_str();
  app.add_option("--seconds", seconds, "minimum CPU seconds per measurement")->capture_default_str();
  app.add_option("--repeats", repeats, "measurements per figure (the best is kept)")->capture_default_str();
  app.add_option("--seed", seed, "input seed")->capture_default_str();
  app.add_flag("--no-sdk", no_sdk, "skip eas-sdk (node)");
  app.add_flag("--check", check, "exit 1 when ours / eas-sdk < 50");
  CLI11_PARSE(app, argc, argv);
  if (n == 0 || seconds <= 0 || repeats <= 0) {
    std::cerr << "eas_bench: --inputs, --seconds and --repeats must be positive\n";
    return 2;
  }
  if (!crypto::initialize().is_ok()) return 3;

  const auto inputs = make_inputs(n, seed);
  std::size_t sink = 0;
  // Every input must verify, or the figures measure the wrong thing.
  for (const auto& in : inputs) {
    if (!eas::verify(in.attestation, {.chain_id = {}, .contract = {}, .attester = in.attester, .now = {}}).valid()) {
      std::cerr << "eas_bench: an input does not verify\n";
      return 3;
    }
  }
  const double raw = rate(n, seconds, repeats, [&](std::size_t i) {
    auto key = secp::recover(inputs[i].digest, inputs[i].signature);
    sink += key.ok() ? std::size_t{key->address()[0]} : std::size_t{0};
  });
  const double ours = rate(n, seconds, repeats, [&](std::size_t i) {
    const auto v = eas::verify(inputs[i].attestation,
                               {.chain_id = {}, .contract = {}, .attester = inputs[i].attester, .now = {}});
    sink += v.valid() ? std::size_t{1} : std::size_t{0};
  });
  const double ours_json = rate(n, seconds, repeats, [&](std::size_t i) {
    auto parsed = eas::parse_attestation_file(inputs[i].json);
    const auto v = eas::verify(parsed->attestation,
                               {.chain_id = {}, .contract = {}, .attester = inputs[i].attester, .now = {}});
    sink += v.valid() ? std::size_t{1} : std::size_t{0};
  });

  std::printf("eas_bench: %zu signed version 2 attestations, best of %d x >= %.2f s thread CPU time (checksum %zu)\n",
              n, repeats, seconds, sink);
  std::printf("  raw secp256k1 recover (libsecp256k1)        %12.0f /s\n", raw);
  std::printf("  credence eas verify (parsed object)         %12.0f /s   format overhead: raw / eas = %.2fx\n", ours,
              raw / ours);
  std::printf("  credence eas verify (JSON text -> verdict)  %12.0f /s\n", ours_json);
  if (no_sdk) {
    std::printf("  eas-sdk verifyOffchainAttestationSignature  not run (--no-sdk)\n");
    return 0;
  }
  // The same objects, to node.
  const fs::path dir = fs::temp_directory_path() / ("eas-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "inputs.json";
  {
    std::ofstream f(file);
    f << '[';
    for (std::size_t i = 0; i < n; ++i) {
      f << (i ? "," : "") << "{\"sig\":" << inputs[i].json << ",\"attester\":\""
        << secp::eip55_encode(inputs[i].attester) << "\"}";
    }
    f << "]\n";
  }
  const std::string cmd = "node '" + script + "' '" + file.string() + "' " + std::to_string(seconds) + " " +
                          std::to_string(repeats);
  std::string output;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, got);
    const int rc = ::pclose(p);
    if (rc != 0) {
      std::fprintf(stderr, "eas_bench: `%s` failed (%d): %s\n", cmd.c_str(), rc, output.c_str());
      fs::remove_all(dir);
      return 3;
    }
  }
  fs::remove_all(dir);
  auto json = codec::parse_json(output);
  if (!json || !json->contains("per_second") || !(*json)["per_second"].is_number() || !json->contains("verified") ||
      (*json)["verified"] != n) {
    std::fprintf(stderr, "eas_bench: unexpected answer from %s: %s\n", script.c_str(), output.c_str());
    return 3;
  }
  const double sdk = (*json)["per_second"].get<double>();
  std::printf("  eas-sdk verifyOffchainAttestationSignature  %12.0f /s   (%s, node %s, same inputs, all valid)\n", sdk,
              json->value("sdk", std::string("?")).c_str(), json->value("node", std::string("?")).c_str());
  const double ratio = ours / sdk;
  std::printf("  ours / eas-sdk = %.1fx (target >= 50x)%s\n", ratio, ratio >= 50 ? "" : "  MISSED");
  return check && ratio < 50 ? 1 : 0;
}
