// frost sign-demo: threshold key generation (trusted dealer, or a distributed key generation with --dkg) and one
// FROST signing round, all in this process, for checking the threshold layer with independent verifiers
// (docs/threshold.md, docs/cli.md). Members are simulated here; the committee proper runs inside credenced.
#include <fstream>
#include <map>
#include <memory>

#include "commands.h"
#include "credence/codec/hex.h"
#include "credence/crypto/random.h"
#include "credence/threshold/dkg.h"
#include "credence/threshold/frost.h"

namespace credence::cli {

namespace {

namespace th = threshold;

constexpr std::uint32_t kMaxMembers = 1000;

struct SignDemoArgs {
  std::uint32_t n = 0;
  std::uint32_t t = 0;
  std::string message;
  std::string out;
  std::string suite = "ed25519";
  bool dkg = false;
};

// Runs a DKG among n simulated members; every member must end with the same group key.
Result<th::DealerOutput> run_dkg(th::Suite suite, std::uint32_t n, std::uint32_t t, crypto::RandomSource& random) {
  std::vector<th::dkg::Participant> members;
  std::map<th::Identifier, th::dkg::Round1Package> round1;
  for (th::Identifier id = 1; id <= n; ++id) {
    CREDENCE_ASSIGN_OR_RETURN(auto p, th::dkg::Participant::create(suite, id, n, t, random));
    round1.emplace(id, p.round1_package());
    members.push_back(std::move(p));
  }
  std::map<th::Identifier, std::map<th::Identifier, th::dkg::Round2Package>> inbox;
  for (auto& m : members) {
    CREDENCE_ASSIGN_OR_RETURN(auto sent, m.part2(round1));
    for (auto& pkg : sent) inbox[pkg.recipient].emplace(pkg.sender, std::move(pkg));
  }
  th::DealerOutput out;
  for (auto& m : members) {
    CREDENCE_ASSIGN_OR_RETURN(auto result, m.part3(inbox[m.identifier()]));
    if (out.key_packages.empty()) {
      out.public_key = result.public_key;
    } else if (result.public_key.group_public_key != out.public_key.group_public_key) {
      return Status::error("dkg_disagreement", "members derived different group keys");
    }
    out.key_packages.push_back(std::move(result.key_package));
  }
  return out;
}

int run_sign_demo(const Output& out, const SignDemoArgs& a) {
  if (a.t < 2 || a.n < a.t || a.n > kMaxMembers) {
    return out.failure(Status::invalid("bad_arguments", "need 2 <= --t <= --n <= " + std::to_string(kMaxMembers)));
  }
  auto message = codec::hex_decode(a.message);
  if (!message) return out.failure(Status::invalid("bad_hex", "--message: " + message.status().message()));
  const th::Suite suite = a.suite == "ristretto255" ? th::Suite::ristretto255 : th::Suite::ed25519;
  crypto::SystemRandom random;
  auto keys = a.dkg ? run_dkg(suite, a.n, a.t, random) : th::trusted_dealer_keygen(suite, a.n, a.t, random);
  if (!keys) return out.failure(keys.status());

  // The first t members sign: round one (commitments), round two (shares), aggregation with per-share checks.
  th::SigningPackage package;
  package.message = *message;
  std::vector<th::SigningNonces> nonces;
  for (std::uint32_t i = 0; i < a.t; ++i) {
    auto n = th::commit(keys->key_packages[i], random);
    if (!n) return out.failure(n.status());
    package.commitments.push_back(n->commitment);
    nonces.push_back(std::move(*n));
  }
  std::map<th::Identifier, th::Scalar> shares;
  nlohmann::json signers = nlohmann::json::array();
  for (std::uint32_t i = 0; i < a.t; ++i) {
    auto share = th::sign(keys->key_packages[i], std::move(nonces[i]), package);
    if (!share) return out.failure(share.status());
    shares.emplace(keys->key_packages[i].identifier, *share);
    signers.push_back(keys->key_packages[i].identifier);
  }
  const th::AggregateOutcome result = th::aggregate(keys->public_key, package, shares);
  if (!result.signature) return out.failure(result.status);
  const th::Element& pk = keys->public_key.group_public_key;
  if (Status s = th::verify_signature(suite, pk, *message, *result.signature); !s.is_ok()) return out.failure(s);

  const nlohmann::json doc{{"suite", std::string(th::suite_name(suite))},
                           {"n", a.n},
                           {"t", a.t},
                           {"keygen", a.dkg ? "dkg" : "dealer"},
                           {"group_public_key", codec::hex_encode(pk)},
                           {"message", codec::hex_encode(*message)},
                           {"signature", codec::hex_encode(*result.signature)},
                           {"signers", signers}};
  std::ofstream file(a.out, std::ios::binary | std::ios::trunc);
  if (!(file << doc.dump() << '\n')) return out.failure(Status::error("io_error", "cannot write " + a.out));
  return out.result(codec::hex_encode_0x(*result.signature), doc);
}

}  // namespace

void register_frost_commands(CLI::App& app, const Output& out, int& exit_code) {
  auto* group = app.add_subcommand("frost", "FROST threshold signatures (RFC 9591)");
  group->require_subcommand(1);
  auto* cmd = group->add_subcommand(
      "sign-demo", "Key generation and one t-of-n FROST signing round in this process; writes the result as JSON");
  auto a = std::make_shared<SignDemoArgs>();
  cmd->add_option("--n", a->n, "members")->required();
  cmd->add_option("--t", a->t, "threshold (signers needed)")->required();
  cmd->add_option("--message", a->message, "message bytes as hex")->required();
  cmd->add_option("--out", a->out, "JSON file to write")->required();
  cmd->add_option("--suite", a->suite, "ed25519 (default) | ristretto255")
      ->check(CLI::IsMember({"ed25519", "ristretto255"}));
  cmd->add_flag("--dkg", a->dkg, "distributed key generation instead of a trusted dealer");
  cmd->callback([&out, &exit_code, a] { exit_code = run_sign_demo(out, *a); });
}

}  // namespace credence::cli
