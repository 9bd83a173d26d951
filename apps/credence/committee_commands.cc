// credence committee dkg round1 | round2 | finish: the committee's distributed key generation as a file-based
// ceremony, each member running its own processes with its own identity key; no one ever holds the group secret.
// Round-1 packages are broadcast (signed); round-2 packages are sealed to their recipient's identity key (X25519
// from the Ed25519 key, libsodium sealed boxes) and signed by their sender. docs/committee.md "DKG ceremony".
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "commands.h"
#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"
#include "credence/node/committee.h"
#include "credence/threshold/dkg.h"
#include "credence/threshold/messages.h"
#include "file_input.h"
#include "key_file.h"

namespace credence::cli {

namespace {

namespace th = threshold;
using node::committee::CommitteeInfo;
using node::committee::Member;

constexpr std::string_view kRound1Tag = "credence/dkg-round1";
constexpr std::string_view kRound2Tag = "credence/dkg-round2";

struct DkgArgs {
  std::string draft, identity_key, secret, out, round1_dir, round2_dir, share_out, committee_out;
};

// The draft: who the members are (ids, identity keys, URLs), the threshold and the coordinator. Its hash binds
// every package to this ceremony.
struct Draft {
  CommitteeInfo committee;  // without group key and verifying shares yet
  Hash256 hash{};
};

Result<Draft> read_draft(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto json, read_json_file(path));
  Draft d;
  auto bad = [&](const std::string& why) { return Status::invalid("bad_draft", path + ": " + why); };
  if (!json.is_object()) return bad("a JSON object expected");
  for (const auto& [k, v] : json.items()) {
    if (k != "threshold" && k != "coordinator" && k != "members") return bad("unknown field " + k);
  }
  if (!json.contains("threshold") || !json["threshold"].is_number_unsigned()) return bad("threshold: integer");
  if (!json.contains("coordinator") || !json["coordinator"].is_string()) return bad("coordinator: hex key");
  auto coordinator = codec::hex_decode_fixed<32>(json["coordinator"].get<std::string>());
  if (!coordinator) return bad("coordinator: " + coordinator.status().to_string());
  d.committee.coordinator = *coordinator;
  if (!json.contains("members") || !json["members"].is_array()) return bad("members: array");
  const auto& members = json["members"];
  if (members.size() < 2 || members.size() > 1000) return bad("members: 2..1000 expected");
  std::set<th::Identifier> ids;
  for (const auto& m : members) {
    if (!m.is_object() || !m.contains("id") || !m["id"].is_number_unsigned() || !m.contains("identity") ||
        !m["identity"].is_string()) {
      return bad("members: {\"id\", \"identity\", \"url\"} objects expected");
    }
    Member member;
    const auto id = m["id"].get<std::uint64_t>();
    if (id == 0 || id > members.size()) return bad("member ids must be 1..n");
    member.id = static_cast<th::Identifier>(id);
    auto identity = codec::hex_decode_fixed<32>(m["identity"].get<std::string>());
    if (!identity || !crypto::ed25519::PublicKey::parse(*identity)) return bad("members.identity: Ed25519 key");
    member.identity = *identity;
    if (m.contains("url")) {
      if (!m["url"].is_string()) return bad("members.url: string");
      member.url = m["url"].get<std::string>();
    }
    if (!ids.insert(member.id).second) return bad("member id " + std::to_string(id) + " twice");
    d.committee.members.push_back(member);
  }
  const auto t = json["threshold"].get<std::uint64_t>();
  if (t < 2 || t > members.size()) return bad("threshold: 2..n");
  d.committee.threshold = static_cast<std::uint32_t>(t);
  std::sort(d.committee.members.begin(), d.committee.members.end(),
            [](const Member& a, const Member& b) { return a.id < b.id; });
  d.hash = crypto::sha256(as_bytes(codec::dump_json(json)));
  return d;
}

struct Me {
  crypto::ed25519::SecretKey key;
  th::Identifier id = 0;
};

Result<Me> identify(const Draft& draft, const std::string& key_path) {
  CREDENCE_ASSIGN_OR_RETURN(auto file, read_key_file(key_path));
  if (file.type() != KeyType::ed25519) return Status::invalid("bad_key_file", key_path + " is not an ed25519 key");
  auto key = crypto::ed25519::SecretKey::from_seed(std::get<crypto::ed25519::SecretKey>(file.key).seed());
  for (const Member& m : draft.committee.members) {
    if (m.identity == key.public_key().bytes()) return Me{std::move(key), m.id};
  }
  return Status::invalid("not_a_member", key_path + " is not the identity key of any member of the draft");
}

Status write_file(const std::string& path, const std::string& text, bool secret) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::invalid("file_exists", path + " exists; not overwritten");
  if (secret) {
    std::ofstream touch(path);
    if (!touch) return Status::error("io_error", "cannot create " + path);
    touch.close();
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
    if (ec) return Status::error("io_error", "cannot restrict " + path + ": " + ec.message());
  }
  std::ofstream out(path, std::ios::trunc);
  out << text << '\n';
  if (!out) return Status::error("io_error", "cannot write " + path);
  return Status::ok();
}

// Signed as tag ‖ draft hash ‖ sender ‖ recipient ‖ payload, so a package cannot move to another ceremony or member.
Bytes package_message(std::string_view tag, const Hash256& draft, th::Identifier sender, th::Identifier recipient,
                      ByteView payload) {
  codec::Writer w(tag, 1);
  w.fixed<32>(draft).u32(sender).u32(recipient).bytes(payload);
  return std::move(w).take();
}

// The member's secret state between rounds: its polynomial and proof nonce (mode 0600).
Result<th::dkg::Participant> participant_from_state(const Draft& draft, const Me& me, const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto json, read_json_file(path));
  auto bad = [&](const std::string& why) { return Status::invalid("bad_secret_state", path + ": " + why); };
  if (!json.is_object() || !json.contains("draft") || !json.contains("coefficients") || !json.contains("proof_nonce")) {
    return bad("not a DKG state file");
  }
  if (json["draft"] != codec::hex_encode_0x(draft.hash)) return bad("written for another draft");
  std::vector<th::Scalar> coefficients;
  for (const auto& c : json["coefficients"]) {
    if (!c.is_string()) return bad("coefficients: hex strings");
    auto bytes = codec::hex_decode_fixed<32>(c.get<std::string>());
    if (!bytes) return bad("coefficients: " + bytes.status().to_string());
    auto scalar = th::parse_scalar(*bytes);
    if (!scalar) return bad("coefficients: " + scalar.status().to_string());
    coefficients.push_back(*scalar);
  }
  if (coefficients.size() != draft.committee.threshold) return bad("coefficient count differs from the threshold");
  if (!json["proof_nonce"].is_string()) return bad("proof_nonce: hex");
  auto nonce = codec::hex_decode_fixed<32>(json["proof_nonce"].get<std::string>());
  if (!nonce) return bad("proof_nonce: " + nonce.status().to_string());
  return th::dkg::Participant::create_with_polynomial(
      th::Suite::ed25519, me.id, static_cast<std::uint32_t>(draft.committee.members.size()), coefficients, *nonce);
}

// A uniformly random scalar below 2^252 < L (the bias against [2^252, L) is below 2^-124).
th::Scalar random_scalar(crypto::RandomSource& random) {
  auto bytes = random.bytes<32>();
  bytes[31] &= 0x0f;
  if (std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; })) bytes[0] = 1;
  return bytes;
}

int round1(const Output& out, const DkgArgs& a) {
  auto draft = read_draft(a.draft);
  if (!draft) return out.failure(draft.status());
  auto me = identify(*draft, a.identity_key);
  if (!me) return out.failure(me.status());
  crypto::SystemRandom random;
  std::vector<th::Scalar> coefficients;
  for (std::uint32_t i = 0; i < draft->committee.threshold; ++i) coefficients.push_back(random_scalar(random));
  const th::Scalar nonce = random_scalar(random);
  auto p = th::dkg::Participant::create_with_polynomial(
      th::Suite::ed25519, me->id, static_cast<std::uint32_t>(draft->committee.members.size()), coefficients, nonce);
  if (!p) return out.failure(p.status());
  codec::Json state{{"draft", codec::hex_encode_0x(draft->hash)},
                    {"member", me->id},
                    {"coefficients", codec::Json::array()},
                    {"proof_nonce", codec::hex_encode_0x(nonce)}};
  for (const auto& c : coefficients) state["coefficients"].push_back(codec::hex_encode_0x(c));
  if (Status s = write_file(a.secret, codec::dump_json(state), true); !s.is_ok()) return out.failure(s);
  const Bytes package = th::encode_dkg_round1(th::Suite::ed25519, p->round1_package());
  const auto signature = me->key.sign(package_message(kRound1Tag, draft->hash, me->id, 0, package));
  const codec::Json r1{{"sender", me->id},
                       {"package", codec::hex_encode_0x(package)},
                       {"signature", codec::hex_encode_0x(signature)}};
  if (Status s = write_file(a.out, codec::dump_json(r1), false); !s.is_ok()) return out.failure(s);
  out.result("member " + std::to_string(me->id) + ": round 1 written to " + a.out, r1);
  return kExitOk;
}

// Every member's round-1 package from `dir` (files *.json), each signature checked against the draft.
Result<std::map<th::Identifier, th::dkg::Round1Package>> read_round1(const Draft& draft, const std::string& dir) {
  std::map<th::Identifier, th::dkg::Round1Package> packages;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    const std::string path = entry.path().string();
    CREDENCE_ASSIGN_OR_RETURN(auto json, read_json_file(path));
    if (!json.is_object() || !json.contains("sender") || !json["sender"].is_number_unsigned() ||
        !json.contains("package") || !json.contains("signature")) {
      return Status::invalid("bad_round1", path + ": not a round-1 package file");
    }
    const auto sender = static_cast<th::Identifier>(json["sender"].get<std::uint64_t>());
    const Member* member = draft.committee.member(sender);
    if (member == nullptr) return Status::invalid("bad_round1", path + ": sender is not a member");
    auto package = codec::hex_decode(json["package"].get<std::string>());
    auto signature = codec::hex_decode_fixed<64>(json["signature"].get<std::string>());
    if (!package || !signature) return Status::invalid("bad_round1", path + ": bad hex");
    if (!crypto::ed25519::verify(member->identity, package_message(kRound1Tag, draft.hash, sender, 0, *package),
                                 *signature)
             .is_ok()) {
      return Status::invalid("bad_round1_signature", path + ": not signed by member " + std::to_string(sender));
    }
    CREDENCE_ASSIGN_OR_RETURN(auto decoded, th::decode_dkg_round1(th::Suite::ed25519, *package));
    if (decoded.sender != sender) return Status::invalid("bad_round1", path + ": sender field disagrees");
    if (!packages.emplace(sender, std::move(decoded)).second) {
      return Status::invalid("bad_round1", "two round-1 packages from member " + std::to_string(sender));
    }
  }
  if (ec) return Status::error("io_error", dir + ": " + ec.message());
  return packages;
}

Status blame(const std::string& step, const Status& s, const std::vector<th::Identifier>& culprits) {
  std::string names;
  for (auto id : culprits) names += (names.empty() ? "" : ", ") + std::to_string(id);
  return Status::invalid(s.code(), step + ": " + s.message() + (names.empty() ? "" : " (blamed: member " + names + ")"));
}

// Round 2 of the member, computed from its state and everyone's round 1 (deterministic: same input, same output).
Result<std::vector<th::dkg::Round2Package>> compute_round2(const Draft& draft, const Me& me, const DkgArgs& a,
                                                          th::dkg::Participant& p) {
  CREDENCE_ASSIGN_OR_RETURN(auto packages, read_round1(draft, a.round1_dir));
  if (packages.size() != draft.committee.members.size()) {
    return Status::invalid("missing_round1", "round 1 holds " + std::to_string(packages.size()) + " of " +
                                                 std::to_string(draft.committee.members.size()) + " packages");
  }
  if (packages.at(me.id).commitment != p.round1_package().commitment) {
    return Status::invalid("bad_round1", "our own round-1 package differs from our state");
  }
  auto sent = p.part2(packages);
  if (!sent) return blame("round 2", sent.status(), p.culprits());
  return sent;
}

// A member after round 2: its draft, identity, participant (ready for part 3) and the packages it sends.
struct AfterRound2 {
  Draft draft;
  Me me;
  th::dkg::Participant participant;
  std::vector<th::dkg::Round2Package> sent;
};

Result<AfterRound2> load_after_round2(const DkgArgs& a) {
  CREDENCE_ASSIGN_OR_RETURN(auto draft, read_draft(a.draft));
  CREDENCE_ASSIGN_OR_RETURN(auto me, identify(draft, a.identity_key));
  CREDENCE_ASSIGN_OR_RETURN(auto p, participant_from_state(draft, me, a.secret));
  CREDENCE_ASSIGN_OR_RETURN(auto sent, compute_round2(draft, me, a, p));
  return AfterRound2{std::move(draft), std::move(me), std::move(p), std::move(sent)};
}

int round2(const Output& out, const DkgArgs& a) {
  auto state = load_after_round2(a);
  if (!state) return out.failure(state.status());
  const Draft* draft = &state->draft;
  const Me* me = &state->me;
  const auto* sent = &state->sent;
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  codec::Json written = codec::Json::array();
  for (const auto& package : *sent) {
    const Member* to = draft->committee.member(package.recipient);
    Bytes plain = th::encode_dkg_round2(th::Suite::ed25519, package);
    std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> x25519{};
    if (crypto_sign_ed25519_pk_to_curve25519(x25519.data(), to->identity.data()) != 0) {
      return out.failure(Status::invalid("bad_identity", "member " + std::to_string(to->id) + "'s key"));
    }
    Bytes sealed(plain.size() + crypto_box_SEALBYTES);
    crypto_box_seal(sealed.data(), plain.data(), plain.size(), x25519.data());
    sodium_memzero(plain.data(), plain.size());
    const auto signature = me->key.sign(package_message(kRound2Tag, draft->hash, me->id, to->id, sealed));
    const codec::Json r2{{"sender", me->id},
                         {"recipient", to->id},
                         {"sealed", codec::hex_encode_0x(sealed)},
                         {"signature", codec::hex_encode_0x(signature)}};
    const std::string path =
        (std::filesystem::path(a.out) / ("r2-" + std::to_string(me->id) + "-to-" + std::to_string(to->id) + ".json"))
            .string();
    if (Status s = write_file(path, codec::dump_json(r2), false); !s.is_ok()) return out.failure(s);
    written.push_back(path);
  }
  out.result("member " + std::to_string(me->id) + ": " + std::to_string(written.size()) +
                 " sealed round-2 packages written to " + a.out,
             codec::Json{{"files", written}});
  return kExitOk;
}

int finish(const Output& out, const DkgArgs& a) {
  auto state = load_after_round2(a);  // recomputes round 2 (deterministic) to bring the participant to part 3
  if (!state) return out.failure(state.status());
  const Draft* draft = &state->draft;
  const Me* me = &state->me;
  th::dkg::Participant* p = &state->participant;

  std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> pk{};
  std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> sk{};
  std::array<std::uint8_t, 64> expanded{};
  const auto seed = me->key.seed();
  crypto_sign_seed_keypair(pk.data(), expanded.data(), seed.data());
  crypto_sign_ed25519_sk_to_curve25519(sk.data(), expanded.data());
  sodium_memzero(expanded.data(), expanded.size());
  crypto_scalarmult_base(pk.data(), sk.data());

  std::map<th::Identifier, th::dkg::Round2Package> received;
  std::error_code ec;
  Status failure = Status::ok();
  for (const auto& entry : std::filesystem::directory_iterator(a.round2_dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    const std::string path = entry.path().string();
    auto json = read_json_file(path);
    if (!json) return out.failure(json.status());
    if (!json->is_object() || !json->contains("recipient") || !(*json)["recipient"].is_number_unsigned() ||
        !json->contains("sender") || !(*json)["sender"].is_number_unsigned() || !json->contains("sealed") ||
        !json->contains("signature")) {
      return out.failure(Status::invalid("bad_round2", path + ": not a round-2 package file"));
    }
    if ((*json)["recipient"].get<std::uint64_t>() != me->id) continue;
    const auto sender = static_cast<th::Identifier>((*json)["sender"].get<std::uint64_t>());
    const Member* from = draft->committee.member(sender);
    auto sealed = codec::hex_decode((*json)["sealed"].get<std::string>());
    auto signature = codec::hex_decode_fixed<64>((*json)["signature"].get<std::string>());
    if (from == nullptr || !sealed || !signature || sealed->size() < crypto_box_SEALBYTES) {
      return out.failure(Status::invalid("bad_round2", path + ": malformed"));
    }
    if (!crypto::ed25519::verify(from->identity, package_message(kRound2Tag, draft->hash, sender, me->id, *sealed),
                                 *signature)
             .is_ok()) {
      return out.failure(Status::invalid("bad_round2_signature",
                                         path + ": not signed by member " + std::to_string(sender)));
    }
    Bytes plain(sealed->size() - crypto_box_SEALBYTES);
    if (crypto_box_seal_open(plain.data(), sealed->data(), sealed->size(), pk.data(), sk.data()) != 0) {
      failure = Status::invalid("bad_round2", path + ": cannot be opened with our identity key");
      break;
    }
    auto package = th::decode_dkg_round2(th::Suite::ed25519, plain);
    sodium_memzero(plain.data(), plain.size());
    if (!package || package->sender != sender || package->recipient != me->id) {
      failure = Status::invalid("bad_round2", path + ": the sealed package is malformed or misaddressed");
      break;
    }
    received.emplace(sender, std::move(*package));
  }
  sodium_memzero(sk.data(), sk.size());
  if (!failure.is_ok()) return out.failure(failure);
  if (ec) return out.failure(Status::error("io_error", a.round2_dir + ": " + ec.message()));
  auto result = p->part3(received);
  if (!result) return out.failure(blame("finish", result.status(), p->culprits()));

  CommitteeInfo committee = draft->committee;
  committee.group_public_key = result->public_key.group_public_key;
  for (Member& m : committee.members) m.verifying_share = result->public_key.verifying_shares.at(m.id);
  const std::string committee_text = node::committee::to_json(committee).dump(2);
  if (Status s = write_file(a.share_out, codec::dump_json(node::committee::share_to_json(result->key_package)), true);
      !s.is_ok()) {
    return out.failure(s);
  }
  if (Status s = write_file(a.committee_out, committee_text, false); !s.is_ok()) return out.failure(s);
  const std::string digest = codec::hex_encode_0x(crypto::sha256(as_bytes(committee_text)));
  out.result("member " + std::to_string(me->id) + ": share written to " + a.share_out + "; committee " +
                 a.committee_out + " (sha256 " + digest + " — every member must get the same)",
             codec::Json{{"group_public_key", codec::hex_encode_0x(committee.group_public_key)},
                         {"committee_sha256", digest}});
  return kExitOk;
}

}  // namespace

void register_committee_commands(CLI::App& app, const Output& out, int& exit_code) {
  auto* group = app.add_subcommand("committee", "Verifier committee: distributed key generation ceremony");
  group->require_subcommand(1);
  auto* dkg = group->add_subcommand("dkg", "file-based DKG: each member runs round1, round2, finish itself");
  dkg->require_subcommand(1);
  auto args = std::make_shared<DkgArgs>();

  auto* r1 = dkg->add_subcommand("round1", "commit to a secret polynomial; write the broadcast package");
  r1->add_option("--draft", args->draft, "draft committee JSON: threshold, coordinator, members (id, identity, url)")
      ->required();
  r1->add_option("--identity-key", args->identity_key, "this member's Ed25519 identity key file")->required();
  r1->add_option("--secret-out", args->secret, "where to keep this member's secret state (mode 0600)")->required();
  r1->add_option("--out", args->out, "the signed round-1 package to broadcast")->required();
  r1->callback([&out, &exit_code, args] { exit_code = round1(out, *args); });

  auto* r2 = dkg->add_subcommand("round2", "check everyone's round 1; write a sealed share for each other member");
  r2->add_option("--draft", args->draft, "draft committee JSON")->required();
  r2->add_option("--identity-key", args->identity_key, "this member's Ed25519 identity key file")->required();
  r2->add_option("--secret", args->secret, "this member's secret state from round1")->required();
  r2->add_option("--round1", args->round1_dir, "directory with every member's round-1 package (*.json)")->required();
  r2->add_option("--out-dir", args->out, "directory for the sealed round-2 packages")->required();
  r2->callback([&out, &exit_code, args] { exit_code = round2(out, *args); });

  auto* fin = dkg->add_subcommand("finish", "open the shares sent to this member; write its share and committee.json");
  fin->add_option("--draft", args->draft, "draft committee JSON")->required();
  fin->add_option("--identity-key", args->identity_key, "this member's Ed25519 identity key file")->required();
  fin->add_option("--secret", args->secret, "this member's secret state from round1")->required();
  fin->add_option("--round1", args->round1_dir, "directory with every member's round-1 package")->required();
  fin->add_option("--round2", args->round2_dir, "directory with the round-2 packages (those for us are used)")
      ->required();
  fin->add_option("--share-out", args->share_out, "this member's key share (mode 0600)")->required();
  fin->add_option("--committee-out", args->committee_out, "the resulting committee.json")->required();
  fin->callback([&out, &exit_code, args] { exit_code = finish(out, *args); });
}

}  // namespace credence::cli
