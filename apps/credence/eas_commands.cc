// credence eas sign | verify | schema-uid | share-link encode | share-link decode: Ethereum Attestation Service
// off-chain attestations, interoperable with eas-sdk (docs/eas.md, docs/cli.md).
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
  auto key = read_key_file(a.key);
  if (!key) return out.failure(key.status());
  const auto* secret = std::get_if<secp::PrivateKey>(&key->key);
  if (secret == nullptr) {
    return out.failure(Status::invalid("bad_key_type", a.key + " holds a " + key_type_name(key->type()) +
                                                           " key; EAS attestations need secp256k1 (credence keygen "
                                                           "--type secp256k1)"));
  }
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
};

int run_verify(const Output& out, const VerifyArgs& a) {
  eas::VerifyOptions options;
  options.chain_id = a.chain_id;
  if (!a.contract.empty()) {
    auto c = address_arg("--contract", a.contract);
    if (!c) return out.failure(c.status());
    options.contract = *c;
  }
  if (!a.attester.empty()) {
    auto c = address_arg("--attester", a.attester);
    if (!c) return out.failure(c.status());
    options.attester = *c;
  }
  options.now = a.time ? *a.time : now_seconds();
  auto parsed = read_attestation(a.file, a.link);
  if (!parsed) return out.failure(parsed.status());
  const eas::OffchainAttestation& att = parsed->attestation;
  // A package names its signer: the signature must recover to it (and to --attester, if also given).
  const bool package_disagrees =
      parsed->signer && options.attester && *options.attester != parsed->signer->value;
  if (parsed->signer && !options.attester) options.attester = parsed->signer->value;
  eas::Verification v = eas::verify(att, options);
  if (package_disagrees) {
    v.problems.push_back(Status::invalid("wrong_signer", "the package names the signer " + parsed->signer->text +
                                                             ", not the --attester"));
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
                        {"checked_attester", options.attester.has_value() || parsed->signer.has_value()}};
    std::cout << codec::dump_json(j) << '\n';
  } else if (v.valid()) {
    std::cout << "valid\n";
    if (!options.attester && !parsed->signer) {
      std::cerr << "note: signed by " << signer
                << " (no --attester given: the signer was recovered, not compared with an expected one)\n";
    }
  } else {
    std::string list;
    for (const auto& p : v.problems) list += (list.empty() ? "" : ", ") + p.code();
    std::cout << "invalid: " << list << '\n';
    for (const auto& p : v.problems) {
      std::cout << "  " << p.code() << (p.message().empty() ? "" : ": " + p.message()) << '\n';
    }
  }
  return v.valid() ? kExitOk : kExitInvalid;
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

}  // namespace

void register_eas_commands(CLI::App& app, const Output& out, int& exit_code) {
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
    auto* file = cmd->add_option("--file", a->file, "signed attestation JSON (bare or {sig, signer}) or a share link");
    auto* link = cmd->add_option("--link", a->link, "a share link (URL, path or its base64)");
    file->excludes(link);
    cmd->add_option("--chain-id", a->chain_id, "the domain must carry this chain id");
    cmd->add_option("--contract", a->contract, "the domain must name this EAS contract");
    cmd->add_option("--attester", a->attester, "the signature must recover to this address");
    cmd->add_option("--time", a->time, "check expiry at this UNIX time (default: now)");
    cmd->callback([&out, &exit_code, a, file, link] {
      if (file->count() == 0 && link->count() == 0) {
        exit_code = out.failure(Status::invalid("usage", "eas verify needs --file FILE or --link LINK"));
        return;
      }
      exit_code = run_verify(out, *a);
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
