// SD-JWT verification speed against the raw signature check it contains (docs/sd-jwt.md "Performance").
//
// For EdDSA (Ed25519) and ES256 (P-256): one raw signature verification of the issuer JWT's signing input, and the
// full sdjwt::verify of a 10-claim SD-JWT VC presentation with 5 Disclosures — without and with a KB-JWT (same
// curve for issuer and holder, so the KB variant holds two signature checks). The IETF Token Status List: decode a
// 1,000,000-entry list (zlib + base64url, 1 % of entries set) and read one status.
// After the run, the ratios (SD-JWT time / raw verification time, same curve, same run) are printed.
#include <benchmark/benchmark.h>

#include <iostream>
#include <map>

#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/interop/sd_jwt.h"
#include "credence/interop/token_status_list.h"

namespace {

using namespace credence;
using namespace credence::interop;
using codec::Json;

struct Fixture {
  explicit Fixture(bool use_es256) : es256(use_es256) {
    crypto::DeterministicRandom random(use_es256 ? 2 : 1);
    ed_issuer.emplace(crypto::ed25519::SecretKey::generate(random));
    ed_holder.emplace(crypto::ed25519::SecretKey::generate(random));
    p_issuer.emplace(crypto::p256::PrivateKey::generate(random));
    p_holder.emplace(crypto::p256::PrivateKey::generate(random));
    const Json claims = {{"iss", "https://issuer.example"},
                         {"vct", "https://credentials.example/identity"},
                         {"iat", 1700000000},
                         {"exp", 1900000000},
                         {"given_name", "Erika"},
                         {"family_name", "Mustermann"},
                         {"birthdate", "1963-08-12"},
                         {"email", "erika@example.com"},
                         {"address", {{"street_address", "Heidestraße 17"}, {"locality", "Köln"}, {"country", "DE"}}},
                         {"nationalities", {"DE", "FR"}}};
    sd_jwt::IssueOptions o;
    o.sd_paths = {"/given_name", "/family_name", "/birthdate", "/email", "/address", "/nationalities/1"};
    o.decoys = 2;
    o.holder_key = holder().public_key();
    const std::string issued = *sd_jwt::issue(claims, o, issuer(), random);
    const jws::Signer h = holder();
    sd_jwt::PresentOptions p;
    p.disclose = {"/given_name", "/family_name", "/birthdate", "/email", "/address"};
    plain = *sd_jwt::present(issued, p);
    p.key_binding = sd_jwt::KeyBindingInput{&h, "nonce-1", "https://verifier.example", 1750000000};
    bound = *sd_jwt::present(issued, p);
    auto jwt = jws::parse_compact(sd_jwt::split(plain)->jwt);
    signing_input = jwt->signing_input();
    signature = jwt->signature;
  }
  jws::Signer issuer() const { return es256 ? jws::Signer::es256(*p_issuer) : jws::Signer::ed25519(*ed_issuer); }
  jws::Signer holder() const { return es256 ? jws::Signer::es256(*p_holder) : jws::Signer::ed25519(*ed_holder); }

  bool es256;
  std::optional<crypto::ed25519::SecretKey> ed_issuer, ed_holder;
  std::optional<crypto::p256::PrivateKey> p_issuer, p_holder;
  std::string plain;
  std::string bound;
  std::string signing_input;
  Bytes signature;
};

const Fixture& fixture(bool es256) {
  static const Fixture ed(false);
  static const Fixture p(true);
  return es256 ? p : ed;
}

void BM_RawVerify(benchmark::State& state) {
  const auto& f = fixture(state.range(0) != 0);
  const auto key = f.issuer().public_key();
  const FixedView<64> sig(f.signature.data(), 64);
  for (auto _ : state) {
    Status s = f.es256 ? crypto::p256::verify(std::get<crypto::p256::PublicKey>(key), as_bytes(f.signing_input), sig)
                       : crypto::ed25519::verify(std::get<crypto::ed25519::PublicKey>(key), as_bytes(f.signing_input), sig);
    if (!s.is_ok()) state.SkipWithError("raw verification failed");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SdJwtVerify(benchmark::State& state) {
  const auto& f = fixture(state.range(0) != 0);
  const bool kb = state.range(1) != 0;
  sd_jwt::VerifyOptions o{f.issuer().public_key()};
  o.require_vc = true;
  o.now = 1750000000;
  if (kb) {
    o.nonce = "nonce-1";
    o.audience = "https://verifier.example";
  }
  const std::string& text = kb ? f.bound : f.plain;
  for (auto _ : state) {
    auto v = sd_jwt::verify(text, o);
    if (!v.ok()) state.SkipWithError(v.status().to_string().c_str());
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

// 1,000,000 entries of `bits`, 1 % set (spread by a fixed stride), as the lst a verifier downloads.
const Json& million_list(unsigned bits) {
  static std::map<unsigned, Json> cache;
  auto it = cache.find(bits);
  if (it != cache.end()) return it->second;
  auto list = *token_status::StatusList::make(bits, 1000000);
  for (std::uint64_t i = 7; i < 1000000; i += 100) (void)list.set(i, 1);
  return cache.emplace(bits, list.to_json()).first->second;
}

void BM_StatusLookup1M(benchmark::State& state) {
  const Json& json = million_list(static_cast<unsigned>(state.range(0)));
  state.counters["lst_bytes"] = static_cast<double>(json["lst"].get_ref<const std::string&>().size());
  std::uint64_t index = 12345;
  for (auto _ : state) {
    auto list = token_status::StatusList::from_json(json);  // base64url + inflate + unpack: the whole decode
    auto v = list->get(index);
    benchmark::DoNotOptimize(v);
    index = (index * 7919 + 1) % 1000000;
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RawVerify)->ArgName("es256")->Arg(0)->Arg(1);
BENCHMARK(BM_SdJwtVerify)->ArgNames({"es256", "kb"})->Args({0, 0})->Args({0, 1})->Args({1, 0})->Args({1, 1});
BENCHMARK(BM_StatusLookup1M)->ArgName("bits")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Collects the CPU time per benchmark (steadier than wall time on a shared machine) so the ratios can be printed after the run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration && !r.error_occurred) times_[r.benchmark_name()] = r.GetAdjustedCPUTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void print_ratios() const {
    for (const char* curve : {"0", "1"}) {
      const std::string raw = std::string("BM_RawVerify/es256:") + curve;
      if (!times_.count(raw)) continue;
      const char* name = curve[0] == '1' ? "ES256" : "EdDSA";
      for (const char* kb : {"0", "1"}) {
        const std::string sd = std::string("BM_SdJwtVerify/es256:") + curve + "/kb:" + kb;
        if (!times_.count(sd)) continue;
        std::cout << name << (kb[0] == '1' ? " SD-JWT+KB" : " SD-JWT   ") << " verify: "
                  << 1e9 / ns(sd) << "/s, " << ns(sd) / ns(raw) << "x one raw " << name << " verification ("
                  << 1e9 / ns(raw) << "/s)\n";
      }
    }
  }

 private:
  // Adjusted CPU times are in the benchmark's unit: nanoseconds for the verification benchmarks.
  double ns(const std::string& name) const { return times_.at(name); }
  std::map<std::string, double> times_;
};

}  // namespace

int main(int argc, char** argv) {
  if (!credence::crypto::initialize().is_ok()) return 3;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
