// Certificate latency on loopback (docs/committee.md "Performance"): n member servers (`MemberServer`, the same code
// `credenced member` runs), each on its own 127.0.0.1 port, a coordinator reaching them over HTTP, and robust signing
// of one verdict batch per certificate. Silent members run with Fault::silent (they answer nothing useful); the
// coordinator never waits for them, so whether they hang or answer 204 does not change the path measured.
// Prints p50 / p90 / p99 / max per (n, t, silent) case. Not Google Benchmark: it runs servers and threads.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/node/committee.h"
#include "credence/node/committee_server.h"
#include "quantile.h"

namespace {

using namespace credence;
using bench::quantile;
using namespace credence::node::committee;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Members agree with every statement whose root is the one chain root they hold.
class OneRootChain final : public Checker {
 public:
  explicit OneRootChain(Hash256 root) : root_(root) {}
  Status check_checkpoint(const core::Checkpoint&) override { return Status::ok(); }
  Status check_statement(const core::VerdictStatement& s, const core::ProofBundle& proof) override {
    return check_statement_against_root(s, proof, root_);
  }

 private:
  Hash256 root_;
};

struct Case {
  std::uint32_t n, t, silent;
};

struct CaseResult {
  std::vector<double> ms;
  std::uint32_t failures = 0;
  double mean_sessions = 0;
};

CaseResult run_case(const Case& c, std::uint32_t rounds, bool local, crypto::RandomSource& random) {
  const auto coordinator_key = crypto::ed25519::SecretKey::generate(random);
  std::vector<crypto::ed25519::SecretKey> identities;
  std::vector<FixedBytes<32>> identity_keys;
  for (std::uint32_t i = 0; i < c.n; ++i) {
    identities.push_back(crypto::ed25519::SecretKey::generate(random));
    identity_keys.push_back(identities.back().public_key().bytes());
  }
  auto ceremony = run_local_dkg(identity_keys, c.t, coordinator_key.public_key().bytes(), random);
  if (!ceremony) {
    std::cerr << "dkg: " << ceremony.status().to_string() << '\n';
    std::exit(3);
  }
  // An empty ledger state: every statement is a real verdict ("not_found") with its proof of absence.
  core::MemoryNodeStore store;
  auto map = core::smt::AuthenticatedMap::open(store);
  if (!map) std::exit(3);
  const Hash256 root = map->root();
  OneRootChain chain(root);
  std::vector<std::unique_ptr<MemberService>> members;
  std::vector<std::unique_ptr<MemberServer>> servers;
  for (std::uint32_t i = 0; i < c.n; ++i) {
    const auto& s = ceremony->shares[i];
    // The first `silent` members of the list are silent, so that they are also the ones a naive coordinator
    // would ask first.
    const Fault fault = i < c.silent ? Fault::silent : Fault::none;
    members.push_back(std::make_unique<MemberService>(
        ceremony->committee,
        threshold::KeyPackage{s.suite, s.identifier, threshold::SecretScalar(s.signing_share.view()), s.verifying_share,
                              s.group_public_key, s.min_signers},
        crypto::ed25519::SecretKey::from_seed(identities[i].seed()), 1337, chain, now_ms, fault));
    if (local) continue;
    servers.push_back(std::make_unique<MemberServer>(*members.back()));
    if (Status st = servers.back()->start("127.0.0.1", 0); !st.is_ok()) {
      std::cerr << "member server: " << st.to_string() << '\n';
      std::exit(3);
    }
    ceremony->committee.members[i].url = "http://127.0.0.1:" + std::to_string(servers.back()->port()) + "/v1/committee";
  }
  // --local: the devnet's embedded committee (LocalTransport: the same envelopes and checks, no sockets).
  auto local_transport = std::make_unique<LocalTransport>();
  for (auto& m : members) local_transport->add(*m);
  std::unique_ptr<Transport> transport = local ? std::unique_ptr<Transport>(std::move(local_transport))
                                               : make_http_transport();
  Coordinator coordinator(ceremony->committee, crypto::ed25519::SecretKey::from_seed(coordinator_key.seed()), 1337,
                          *transport, now_ms);
  CaseResult result;
  double sessions = 0;
  for (std::uint32_t r = 0; r < rounds + 2; ++r) {
    SignRequest request;
    request.signing_id = random.bytes<32>();
    request.kind = SigningKind::verdict_batch;
    core::VerdictStatement st;
    st.chain_id = 1337;
    st.attestation = random.bytes<32>();
    st.issued_at = now_ms() / 1000;
    auto proven = core::verify_and_prove_attestation(*map, st.attestation, st.issued_at);
    if (!proven) std::exit(3);
    st.valid = proven->verdict.valid();
    for (const auto& reason : proven->verdict.reasons) st.reasons.push_back(reason.code);
    st.state_root = root;
    st.deadline_ms = now_ms() + 5000;
    request.batch.push_back(BatchItem{st, std::move(proven->proof)});
    const auto start = std::chrono::steady_clock::now();
    const auto outcome = coordinator.sign(request, now_ms() + 10'000);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (r < 2) continue;  // warm-up: connections, page faults
    if (!outcome.signature) {
      ++result.failures;
      continue;
    }
    result.ms.push_back(ms);
    sessions += outcome.sessions;
  }
  result.mean_sessions = result.ms.empty() ? 0 : sessions / static_cast<double>(result.ms.size());
  for (auto& s : servers) s->stop();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"committee_bench — certificate latency over loopback HTTP"};
  std::uint32_t rounds = 50;
  std::uint32_t large_rounds = 10;
  bool skip_large = false;
  bool local = false;
  app.add_option("--rounds", rounds, "certificates per small case")->capture_default_str();
  app.add_option("--large-rounds", large_rounds, "certificates for the (100, 67) case")->capture_default_str();
  app.add_flag("--skip-large", skip_large, "skip the (100, 67) case (smoke runs)");
  app.add_flag("--local", local, "members in this process without sockets (the devnet's embedded committee)");
  CLI11_PARSE(app, argc, argv);
  if (!crypto::initialize().is_ok()) return 3;
  crypto::SystemRandom random;
  std::vector<std::pair<Case, std::uint32_t>> cases{{{4, 3, 0}, rounds}, {{7, 5, 0}, rounds}, {{7, 5, 2}, rounds}};
  if (!skip_large) cases.push_back({{100, 67, 33}, large_rounds});
  std::printf("%-14s %8s %9s %9s %9s %9s %9s %9s\n", "case (n,t,s)", "certs", "p50 ms", "p90 ms", "p99 ms",
              "max ms", "sessions", "failed");
  for (const auto& [c, r] : cases) {
    const CaseResult res = run_case(c, r, local, random);
    char label[32];
    std::snprintf(label, sizeof label, "(%u,%u,%u)", c.n, c.t, c.silent);
    std::printf("%-14s %8zu %9.2f %9.2f %9.2f %9.2f %9.2f %9u\n", label, res.ms.size(), quantile(res.ms, 0.5),
                quantile(res.ms, 0.9), quantile(res.ms, 0.99), quantile(res.ms, 1.0), res.mean_sessions,
                res.failures);
    std::fflush(stdout);
    if (res.failures != 0) return 1;
  }
  return 0;
}
