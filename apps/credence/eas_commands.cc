// credence eas sign | verify | schema-uid | share-link encode | share-link decode: Ethereum Attestation Service
// off-chain attestations, interoperable with eas-sdk (docs/eas.md, docs/cli.md); eas anchor | revoke and
// verify --node: the attestation's UID in Credence's timestamp and off-ledger revocation registries (docs/eas.md
// "Anchoring in Credence").
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "credence/codec/hex.h"
#include "credence/interop/eas.h"
#include "file_input.h"
#include "key_file.h"
#include "node_session.h"

namespace credence::cli {

namespace {

namespace eas = interop::eas;
namespace secp = crypto::secp256k1;

Status bad_argument(const std::string& option, const std::string& why) {
  return Status::invalid("bad_arguments", option + ": " + why);
}

Result<eas::Address> address_arg(const std::string& option, const std::string& text) {
  auto a = secp::parse_address(text);
  if (!a) return bad_argument(option, a.status().to_string());
  return *a;
}

Result<Hash256> bytes32_arg(const std::string& option, const std::string& text) {
  if (text.rfind("0x", 0) != 0) return bad_argument(option, "expected 0x + 64 hex digits");
  auto b = codec::hex_decode_fixed<32>(text);
  if (!b) return bad_argument(option, b.status().to_string());
  return *b;
}

// Writes `text` to `path`, replacing it (signed attestations are public data).
Status write_output(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text << '\n';
    f.flush();
    if (!f) return Status::error("io_error", "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::error("io_error", "cannot write " + path + ": " + ec.message());
  return Status::ok();
}

// A file holding a signed object (JSON, bare or {sig, signer}) or a share link (anything that is not JSON).
Result<eas::ParsedFile> read_attestation(const std::string& file, const std::string& link) {
  std::string text = link;
  std::string where = "--link";
  if (!file.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(text, read_text_file(file));
    where = file;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    auto parsed = eas::parse_attestation_file(text);
    if (!parsed) return parsed.status().with_context(where);
    return parsed;
  }
  auto package = eas::share_link_decode(text);
  if (!package) return package.status().with_context(where + " (share link)");
  return eas::ParsedFile{std::move(package->attestation), std::move(package->signer)};
}

std::uint64_t now_seconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// ---------------------------------------------------------------------------------------------------------------
// sign

struct SignArgs {
  std::string key;
  std::string schema;
  std::string recipient;
  std::string data;
  std::uint64_t time = 0;
  std::uint64_t expiration = 0;
  bool revocable = false;
  std::string ref_uid;
  std::string salt;
  std::uint64_t chain_id = 0;
  std::string contract;
  std::string eas_version;
  unsigned offchain_version = 2;
  std::string out;
};

int run_sign(const Output& out, const SignArgs& a) {
  eas::SignRequest q;
  if (a.offchain_version > 2) {
    return out.failure(Status::invalid("eas_unknown_version", "--offchain-version " +
                                                                  std::to_string(a.offchain_version) +
                                                                  ": known off-chain versions are 0, 1, 2"));
  }
  q.version = static_cast<eas::OffchainVersion>(a.offchain_version);
  q.eas_version = a.eas_version;
  q.chain_id = a.chain_id;
  auto contract = address_arg("--contract", a.contract);
  if (!contract) return out.failure(contract.status());
  q.contract = *contract;
  auto schema = bytes32_arg("--schema", a.schema);
  if (!schema) return out.failure(schema.status());
  q.schema = *schema;
  q.schema_text = a.schema;  // hashed into the UID as written, as eas-sdk does
  auto recipient = address_arg("--recipient", a.recipient);
  if (!recipient) return out.failure(recipient.status());
  q.recipient = *recipient;
  if (a.data.rfind("0x", 0) != 0) return out.failure(bad_argument("--data", "expected 0x-prefixed hex (0x for none)"));
  auto data = codec::hex_decode(a.data);
  if (!data) return out.failure(bad_argument("--data", data.status().to_string()));
  q.data = std::move(*data);
  q.time = a.time;
  q.expiration_time = a.expiration;
  q.revocable = a.revocable;
  if (!a.ref_uid.empty()) {
    auto ref = bytes32_arg("--ref-uid", a.ref_uid);
    if (!ref) return out.failure(ref.status());
    q.ref_uid = *ref;
  }
  if (!a.salt.empty()) {
    if (q.version != eas::OffchainVersion::v2) {
      return out.failure(bad_argument("--salt", "only off-chain version 2 has a salt"));
    }
    auto salt = bytes32_arg("--salt", a.salt);
    if (!salt) return out.failure(salt.status());
    q.salt = *salt;
  } else if (q.version == eas::OffchainVersion::v2) {
    crypto::SystemRandom random;
    q.salt = random.bytes<32>();  // as eas-sdk: a random salt unless one is given
  }
  auto key = read_key_file_of_type(a.key, KeyType::secp256k1, "EAS attestations");
  if (!key) return out.failure(key.status());
  const auto* secret = &std::get<secp::PrivateKey>(key->key);
  auto signed_attestation = eas::sign(q, *secret);
  if (!signed_attestation) return out.failure(signed_attestation.status());
  if (Status st = write_output(a.out, eas::attestation_to_json(*signed_attestation)); !st.is_ok()) {
    return out.failure(st);
  }
  const std::string uid = signed_attestation->uid.text;
  return out.result(uid, {{"uid", uid},
                          {"attester", secp::eip55_encode(secret->public_key().address())},
                          {"offchain_version", a.offchain_version},
                          {"out", a.out}});
}

// ---------------------------------------------------------------------------------------------------------------
// verify

struct VerifyArgs {
  std::string file;
  std::string link;
  std::optional<std::uint64_t> chain_id;
  std::string contract;
  std::string attester;
  std::optional<std::uint64_t> time;
  // With a node: the registries are checked (docs/eas.md "Anchoring in Credence").
  bool use_node = false;
  std::vector<std::string> revokers;
  bool require_anchor = false;
};

// The checks run_verify and run_anchor share: the local ones of eas::verify, with the package's signer as the
// expected attester unless --attester names one (then both must agree).
struct LocalCheck {
  eas::ParsedFile parsed;
  eas::VerifyOptions options;
  eas::Verification verification;
};

Result<LocalCheck> check_locally(const std::string& file, const std::string& link,
                                 std::optional<std::uint64_t> chain_id, const std::string& contract,
                                 const std::string& attester, std::optional<std::uint64_t> time) {
  eas::VerifyOptions options;
  options.chain_id = chain_id;
  if (!contract.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(options.contract, address_arg("--contract", contract));
  }
  if (!attester.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(options.attester, address_arg("--attester", attester));
  }
  options.now = time ? *time : now_seconds();
  CREDENCE_ASSIGN_OR_RETURN(eas::ParsedFile parsed, read_attestation(file, link));
  // A package names its signer: the signature must recover to it (and to --attester, if also given).
  const bool package_disagrees = parsed.signer && options.attester && *options.attester != parsed.signer->value;
  if (parsed.signer && !options.attester) options.attester = parsed.signer->value;
  eas::Verification v = eas::verify(parsed.attestation, options);
  if (package_disagrees) {
    v.problems.push_back(Status::invalid("wrong_signer", "the package names the signer " + parsed.signer->text +
                                                             ", not the --attester"));
  }
  return LocalCheck{std::move(parsed), std::move(options), std::move(v)};
}

// What Credence's registries say about a UID (GET /v1/registries/{uid}, docs/api.md "Registries").
struct RegistryEntry {
  std::uint64_t height = 0;
  std::optional<std::uint64_t> timestamp;                        // first seen by the ledger (anchored), unix s
  std::vector<std::pair<std::string, std::uint64_t>> revocations;  // (revoker account, time)
};

Result<RegistryEntry> read_registries(Session& session, const Hash256& uid,
                                      const std::vector<core::AccountId>& revokers) {
  std::string target = "/v1/registries/" + codec::hex_encode_0x(uid);
  for (std::size_t i = 0; i < revokers.size(); ++i) {
    target += (i == 0 ? "?revokers=" : ",") + codec::hex_encode_0x(revokers[i]);
  }
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json reply, session.get(target));
  RegistryEntry entry;
  CREDENCE_ASSIGN_OR_RETURN(entry.height, json_u64(reply, "height"));
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* timestamp, json_field(reply, "timestamp"));
  if (!timestamp->is_null()) {
    CREDENCE_ASSIGN_OR_RETURN(entry.timestamp, json_u64(reply, "timestamp"));
  }
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* revocations, json_field(reply, "revocations"));
  if (!revocations->is_array()) return Status::error("bad_response", "the node's revocations are not an array");
  for (const codec::Json& r : *revocations) {
    CREDENCE_ASSIGN_OR_RETURN(std::string revoker, json_string(r, "revoker"));
    CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t at, json_u64(r, "time"));
    entry.revocations.emplace_back(std::move(revoker), at);
  }
  return entry;
}

// Prints a verdict: "valid" or "invalid: <codes>" with one indented line per reason; exit 0 / 1.
int print_verdict(const eas::Verification& v) {
  if (v.valid()) {
    std::cout << "valid\n";
    return kExitOk;
  }
  std::string list;
  for (const auto& p : v.problems) list += (list.empty() ? "" : ", ") + p.code();
  std::cout << "invalid: " << list << '\n';
  for (const auto& p : v.problems) {
    std::cout << "  " << p.code() << (p.message().empty() ? "" : ": " + p.message()) << '\n';
  }
  return kExitInvalid;
}

int run_verify(const Output& out, const NodeOptions& node, const VerifyArgs& a) {
  std::vector<core::AccountId> revokers;
  for (const std::string& r : a.revokers) {
    auto account = parse_id("--revoker", r);
    if (!account) return out.failure(account.status());
    revokers.push_back(*account);
  }
  if (!a.use_node && (!revokers.empty() || a.require_anchor)) {
    return out.failure(Status::invalid("usage", "--revoker and --require-anchor check Credence's registries: give "
                                                "--node URL"));
  }
  auto checked = check_locally(a.file, a.link, a.chain_id, a.contract, a.attester, a.time);
  if (!checked) return out.failure(checked.status());
  const eas::ParsedFile& parsed = checked->parsed;
  const eas::VerifyOptions& options = checked->options;
  eas::Verification& v = checked->verification;
  const eas::OffchainAttestation& att = parsed.attestation;
  Session session(out, node);
  std::optional<RegistryEntry> registry;
  if (a.use_node) {
    auto entry = read_registries(session, att.uid.value, revokers);
    if (!entry) return session.fail(entry.status());
    registry = std::move(*entry);
    for (const auto& [revoker, at] : registry->revocations) {
      v.problems.push_back(Status::invalid("revoked", "revoked in Credence's registry by " + revoker + " at " +
                                                          std::to_string(at)));
    }
    if (a.require_anchor && !registry->timestamp) {
      v.problems.push_back(Status::invalid("not_anchored", "the UID is not in Credence's timestamp registry"));
    }
  }
  const std::string signer = v.signer ? secp::eip55_encode(*v.signer) : "";
  if (out.json) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& p : v.problems) reasons.push_back({{"code", p.code()}, {"detail", p.message()}});
    nlohmann::json j = {{"valid", v.valid()},
                        {"reasons", reasons},
                        {"uid", att.uid.text},
                        {"computed_uid", codec::hex_encode_0x(v.computed_uid)},
                        {"offchain_version", static_cast<int>(att.version)},
                        {"domain",
                         {{"version", att.domain.version},
                          {"chain_id", att.domain.chain_id},
                          {"verifying_contract", att.domain.verifying_contract.text}}},
                        {"signer", v.signer ? nlohmann::json(signer) : nlohmann::json(nullptr)},
                        {"checked_attester", options.attester.has_value()}};
    if (registry) {
      nlohmann::json revocations = nlohmann::json::array();
      for (const auto& [revoker, at] : registry->revocations) {
        revocations.push_back({{"revoker", revoker}, {"time", at}});
      }
      nlohmann::json checked_revokers = nlohmann::json::array();
      for (const auto& r : revokers) checked_revokers.push_back(codec::hex_encode_0x(r));
      j["credence"] = {{"node", session.url()},
                       {"height", registry->height},
                       {"anchored_at", registry->timestamp ? nlohmann::json(*registry->timestamp) : nlohmann::json()},
                       {"revocations", revocations},
                       {"checked_revokers", checked_revokers}};
    }
    std::cout << codec::dump_json(j) << '\n';
    return v.valid() ? kExitOk : kExitInvalid;
  }
  const int code = print_verdict(v);
  if (registry) {
    std::cout << "anchored: "
              << (registry->timestamp ? std::to_string(*registry->timestamp) : std::string("no"))
              << " (Credence height " << registry->height << ")\n";
    if (revokers.empty()) {
      std::cerr << "note: Credence revocations not checked: name the accounts whose revocations you accept with "
                   "--revoker ACCOUNT\n";
    }
  }
  if (v.valid() && !options.attester) {
    std::cerr << "note: signed by " << signer
              << " (no --attester given: the signer was recovered, not compared with an expected one)\n";
  }
  return code;
}

// ---------------------------------------------------------------------------------------------------------------
// anchor, revoke: the UID in Credence's timestamp and off-ledger revocation registries

struct AnchorArgs {
  std::string key;
  std::string file;
  std::string link;
  std::optional<std::uint64_t> chain_id;
  std::string contract;
  std::string attester;
  SubmitOptions submit;
};

int run_anchor(const Output& out, const NodeOptions& node, const AnchorArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return out.failure(key.status());
  auto checked = check_locally(a.file, a.link, a.chain_id, a.contract, a.attester, std::nullopt);
  if (!checked) return out.failure(checked.status());
  // Only what verifies is anchored: a timestamp would otherwise lend an invalid object Credence's word.
  if (!checked->verification.valid()) {
    std::cerr << "error: not anchored: the attestation does not verify\n";
    return print_verdict(checked->verification);
  }
  const Hash256 uid = checked->parsed.attestation.uid.value;
  const std::string uid_text = codec::hex_encode_0x(uid);
  Session session(out, node);
  auto before = read_registries(session, uid, {});
  if (!before) return session.fail(before.status());
  const auto report = [&](const RegistryEntry& entry, const std::string& transaction, const codec::Json& server) {
    nlohmann::json j = {{"uid", uid_text},
                        {"anchored_at", *entry.timestamp},
                        {"height", entry.height},
                        {"transaction", transaction.empty() ? nlohmann::json() : nlohmann::json(transaction)}};
    if (!server.is_null()) j["receipt"] = server;
    return session.print("anchored " + uid_text + " at " + std::to_string(*entry.timestamp) +
                             (transaction.empty() ? " (already)" : ""),
                         j);
  };
  // Anchoring is idempotent: the registry keeps the first time it saw the UID.
  if (before->timestamp) return report(*before, "", nullptr);
  return submit(session, *key, core::Timestamp{{uid}}, a.submit,
                [&](const std::vector<std::string>&, const codec::Json& server) {
                  auto after = read_registries(session, uid, {});
                  if (!after) return session.fail(after.status());
                  if (!after->timestamp) {
                    return session.fail(Status::error("bad_response", "committed, but the node has no timestamp for " +
                                                                          uid_text));
                  }
                  auto transaction = json_string(server, "id");
                  return report(*after, transaction ? *transaction : "", server);
                });
}

struct RevokeArgs {
  std::string key;
  std::string file;
  std::string link;
  std::string uid;
  SubmitOptions submit;
};

int run_revoke(const Output& out, const NodeOptions& node, const RevokeArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return out.failure(key.status());
  Hash256 uid{};
  if (!a.uid.empty()) {
    auto parsed = bytes32_arg("--uid", a.uid);
    if (!parsed) return out.failure(parsed.status());
    uid = *parsed;
  } else {
    // The object only names the UID here: revoking needs no valid signature (an expired or broken attestation may
    // be revoked too), but the UID must be the one its content gives.
    auto parsed = read_attestation(a.file, a.link);
    if (!parsed) return out.failure(parsed.status());
    const eas::Verification v = eas::verify(parsed->attestation, {});
    if (v.computed_uid != parsed->attestation.uid.value) {
      return out.failure(Status::invalid("uid_mismatch", "the object's uid " + parsed->attestation.uid.text +
                                                             " is not its content's " +
                                                             codec::hex_encode_0x(v.computed_uid)));
    }
    uid = parsed->attestation.uid.value;
  }
  const std::string uid_text = codec::hex_encode_0x(uid);
  const std::string revoker = codec::hex_encode_0x(account_secret(*key).public_key().bytes());
  Session session(out, node);
  return submit(session, *key, core::RevokeOffchain{{uid}}, a.submit,
                [&](const std::vector<std::string>&, const codec::Json& server) {
                  return session.print("revoked " + uid_text + " by " + revoker, server);
                });
}

// ---------------------------------------------------------------------------------------------------------------
// schema-uid, share-link

int run_schema_uid(const Output& out, const std::string& schema, const std::string& resolver_text, bool revocable) {
  eas::Address resolver{};
  if (!resolver_text.empty()) {
    auto r = address_arg("--resolver", resolver_text);
    if (!r) return out.failure(r.status());
    resolver = *r;
  }
  const std::string uid = codec::hex_encode_0x(eas::schema_uid(schema, resolver, revocable));
  return out.result(uid, {{"uid", uid},
                          {"schema", schema},
                          {"resolver", secp::eip55_encode(resolver)},
                          {"revocable", revocable}});
}

int run_link_encode(const Output& out, const std::string& file, bool url) {
  auto parsed = read_attestation(file, "");
  if (!parsed) return out.failure(parsed.status());
  eas::SharePackage package{parsed->attestation, {}};
  if (parsed->signer) {
    package.signer = *parsed->signer;
  } else {
    // eas-sdk's package names the signer: recover it.
    const eas::Verification v = eas::verify(parsed->attestation, {});
    if (!v.signer) {
      return out.failure(Status::invalid("bad_signature", file + ": no signer can be recovered from the signature"));
    }
    package.signer = eas::address_field(*v.signer);
  }
  auto encoded = eas::share_link_encode(package);
  if (!encoded) return out.failure(encoded.status().with_context(file));
  const std::string path = eas::share_link_url(*encoded);
  return out.result(url ? path : *encoded, {{"encoded", *encoded}, {"url", path}});
}

int run_link_decode(const Output& out, const std::string& file, const std::string& link, const std::string& out_path) {
  std::string text = link;
  if (!file.empty()) {
    auto t = read_text_file(file);
    if (!t) return out.failure(t.status());
    text = *t;
  }
  auto package = eas::share_link_decode(text);
  if (!package) return out.failure(package.status());
  const std::string json = eas::package_to_json(*package);
  if (out_path.empty()) {
    std::cout << json << '\n';
    return kExitOk;
  }
  if (Status st = write_output(out_path, json); !st.is_ok()) return out.failure(st);
  return out.result(package->attestation.uid.text,
                    {{"uid", package->attestation.uid.text}, {"signer", package->signer.text}, {"out", out_path}});
}

// The two ways to name the attestation; exactly one must be given.
struct InputOptions {
  CLI::Option* file;
  CLI::Option* link;
  bool given() const { return file->count() != 0 || link->count() != 0; }
};

// --file / --link and the domain checks that verify and anchor share (the local checks of check_locally).
template <typename Args>
InputOptions add_checked_input(CLI::App& cmd, Args& a) {
  auto* file = cmd.add_option("--file", a.file, "signed attestation JSON (bare or {sig, signer}) or a share link");
  auto* link = cmd.add_option("--link", a.link, "a share link (URL, path or its base64)");
  file->excludes(link);
  cmd.add_option("--chain-id", a.chain_id, "the domain must carry this chain id");
  cmd.add_option("--contract", a.contract, "the domain must name this EAS contract");
  cmd.add_option("--attester", a.attester, "the signature must recover to this address");
  return {file, link};
}

}  // namespace

void register_eas_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code) {
  auto* group = app.add_subcommand("eas", "Ethereum Attestation Service off-chain attestations (eas-sdk compatible)");
  group->require_subcommand(1);
  {
    auto a = std::make_shared<SignArgs>();
    auto* cmd = group->add_subcommand("sign", "Sign an off-chain attestation; writes eas-sdk's signed object");
    cmd->add_option("--key", a->key, "secp256k1 key file (credence keygen --type secp256k1)")->required();
    cmd->add_option("--schema", a->schema, "schema UID, 0x + 64 hex (its text goes into the UID as written)")
        ->required();
    cmd->add_option("--recipient", a->recipient, "recipient address (0x0000…0000 for none)")->required();
    cmd->add_option("--data", a->data, "ABI-encoded schema data, 0x-prefixed hex (0x for none)")->required();
    cmd->add_option("--time", a->time, "attestation time, UNIX seconds")->required();
    cmd->add_option("--expiration", a->expiration, "expiration time, UNIX seconds (0 = never)")->required();
    cmd->add_flag("--revocable", a->revocable, "the attestation is revocable");
    cmd->add_option("--ref-uid", a->ref_uid, "UID of a referenced attestation (default zero)");
    cmd->add_option("--salt", a->salt, "version 2 salt, 0x + 64 hex (default: random)");
    cmd->add_option("--chain-id", a->chain_id, "EIP-712 domain chain id")->required();
    cmd->add_option("--contract", a->contract, "EIP-712 verifying contract: the EAS contract address")->required();
    cmd->add_option("--eas-version", a->eas_version, "EAS contract version (domain version), e.g. 1.4.0")->required();
    cmd->add_option("--offchain-version", a->offchain_version, "off-chain format version: 0, 1 or 2")
        ->capture_default_str();
    cmd->add_option("--out", a->out, "where to write the signed attestation (JSON; replaced if it exists)")
        ->required();
    cmd->callback([&out, &exit_code, a] { exit_code = run_sign(out, *a); });
  }
  {
    auto a = std::make_shared<VerifyArgs>();
    auto* cmd = group->add_subcommand(
        "verify", "Verify a signed off-chain attestation or share link: valid (exit 0) or invalid with reasons (exit 1)");
    const InputOptions input = add_checked_input(*cmd, *a);
    cmd->add_option("--time", a->time, "check expiry at this UNIX time (default: now)");
    cmd->add_option("--revoker", a->revokers,
                    "with --node: a Credence account (0x + 64 hex) whose off-ledger revocation of the UID makes it "
                    "invalid (repeatable)");
    cmd->add_flag("--require-anchor", a->require_anchor,
                  "with --node: invalid (not_anchored) unless the UID is in Credence's timestamp registry");
    cmd->callback([&out, &node, &exit_code, a, input] {
      if (!input.given()) {
        exit_code = out.failure(Status::invalid("usage", "eas verify needs --file FILE or --link LINK"));
        return;
      }
      a->use_node = node.given();
      exit_code = run_verify(out, node, *a);
    });
  }
  {
    auto a = std::make_shared<AnchorArgs>();
    auto* cmd = group->add_subcommand(
        "anchor", "Verify an off-chain attestation, then timestamp its UID in Credence's registry (--node)");
    cmd->add_option("--key", a->key, "ed25519 key file of the Credence account that pays for the transaction")
        ->required();
    const InputOptions input = add_checked_input(*cmd, *a);
    cmd->add_flag("--no-wait", a->submit.no_wait, "print the transaction id once admitted, without waiting");
    cmd->callback([&out, &node, &exit_code, a, input] {
      if (!input.given()) {
        exit_code = out.failure(Status::invalid("usage", "eas anchor needs --file FILE or --link LINK"));
        return;
      }
      exit_code = run_anchor(out, node, *a);
    });
  }
  {
    auto a = std::make_shared<RevokeArgs>();
    auto* cmd = group->add_subcommand(
        "revoke", "Revoke an off-chain attestation's UID in Credence's off-ledger registry, as the key's account");
    cmd->add_option("--key", a->key, "ed25519 key file of the revoking Credence account")->required();
    auto* file = cmd->add_option("--file", a->file, "signed attestation JSON (bare or {sig, signer}) or a share link");
    auto* link = cmd->add_option("--link", a->link, "a share link (URL, path or its base64)");
    auto* uid = cmd->add_option("--uid", a->uid, "the UID itself, 0x + 64 hex");
    file->excludes(link)->excludes(uid);
    link->excludes(uid);
    cmd->add_flag("--no-wait", a->submit.no_wait, "print the transaction id once admitted, without waiting");
    cmd->callback([&out, &node, &exit_code, a, file, link, uid] {
      if (file->count() + link->count() + uid->count() == 0) {
        exit_code = out.failure(Status::invalid("usage", "eas revoke needs --file FILE, --link LINK or --uid UID"));
        return;
      }
      exit_code = run_revoke(out, node, *a);
    });
  }
  {
    auto schema = std::make_shared<std::string>();
    auto resolver = std::make_shared<std::string>();
    auto revocable = std::make_shared<bool>(false);
    auto* cmd = group->add_subcommand("schema-uid", "Print a schema's UID as the EAS SchemaRegistry computes it");
    cmd->add_option("--schema", *schema, "the schema string, e.g. \"uint256 x, string y\"")->required();
    cmd->add_option("--resolver", *resolver, "resolver address (default zero)");
    cmd->add_flag("--revocable", *revocable, "the schema is revocable");
    cmd->callback([&out, &exit_code, schema, resolver, revocable] {
      exit_code = run_schema_uid(out, *schema, *resolver, *revocable);
    });
  }
  {
    auto* links = group->add_subcommand("share-link", "eas-sdk share links (JSON array -> zlib -> base64)");
    links->require_subcommand(1);
    auto file = std::make_shared<std::string>();
    auto url = std::make_shared<bool>(false);
    auto* encode = links->add_subcommand("encode", "Print a signed attestation's share link (base64, or --url)");
    encode->add_option("--file", *file, "signed attestation JSON (bare: the signer is recovered)")->required();
    encode->add_flag("--url", *url, "print /offchain/url/#attestation=… instead of the bare base64");
    encode->callback([&out, &exit_code, file, url] { exit_code = run_link_encode(out, *file, *url); });

    auto in_file = std::make_shared<std::string>();
    auto link = std::make_shared<std::string>();
    auto out_path = std::make_shared<std::string>();
    auto* decode = links->add_subcommand("decode", "Decode a share link into eas-sdk's {sig, signer} package JSON");
    auto* f = decode->add_option("--file", *in_file, "file holding the link");
    auto* l = decode->add_option("--link", *link, "the link (URL, path or base64)");
    f->excludes(l);
    decode->add_option("--out", *out_path, "write the package here (default: stdout)");
    decode->callback([&out, &exit_code, in_file, link, out_path, f, l] {
      if (f->count() == 0 && l->count() == 0) {
        exit_code = out.failure(Status::invalid("usage", "share-link decode needs --file FILE or --link LINK"));
        return;
      }
      exit_code = run_link_decode(out, *in_file, *link, *out_path);
    });
  }
}

}  // namespace credence::cli
