// sdjwt jwk / issue / present / verify / status-list: SD-JWT (RFC 9901) and SD-JWT VC from the command line
// (docs/sd-jwt.md, docs/cli.md). Keys come from `credence keygen --type ed25519|p256` (EdDSA / ES256); public keys
// may also be given as a JWK file.
#include <chrono>
#include <fstream>
#include <memory>

#include "commands.h"
#include "credence/codec/json.h"
#include "credence/interop/sd_jwt.h"
#include "credence/interop/token_status_list.h"
#include "file_input.h"
#include "key_file.h"

namespace credence::cli {

namespace {

namespace sd = interop::sd_jwt;
namespace jws = interop::jws;
namespace tsl = interop::token_status;
using codec::Json;

std::uint64_t now_seconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// A signing key file: ed25519 (EdDSA) or p256 (ES256).
Result<KeyFile> read_signing_key(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto key, read_key_file(path));
  if (key.type() == KeyType::secp256k1) {
    return Status::invalid("bad_key_type", path + ": secp256k1 keys do not sign SD-JWTs; use ed25519 or p256");
  }
  return key;
}

jws::Signer signer_of(const KeyFile& key) {
  if (const auto* e = std::get_if<crypto::ed25519::SecretKey>(&key.key)) return jws::Signer::ed25519(*e);
  return jws::Signer::es256(std::get<crypto::p256::PrivateKey>(key.key));
}

// A public key: a JWK file ({"kty":…}) or a Credence key file (its public part).
Result<jws::VerifyingKey> read_public_key(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto json, read_json_file(path));
  if (json.is_object() && json.contains("kty")) {
    auto key = jws::parse_jwk(json);
    if (!key) return Status::invalid(key.status().code(), path + ": " + key.status().message());
    return key;
  }
  CREDENCE_ASSIGN_OR_RETURN(auto key, read_signing_key(path));
  return signer_of(key).public_key();
}

// The compact text of a file, surrounding whitespace removed (files written by hand often end in a newline).
Result<std::string> read_compact(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto text, read_text_file(path));
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return Status::invalid("bad_sd_jwt", path + ": empty file");
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::error("io_error", path + ": cannot open for writing");
  out << text;
  out.close();
  if (!out) return Status::error("io_error", path + ": write failed");
  return Status::ok();
}

std::string pretty(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

// ---------------------------------------------------------------------------------------------------------------

int run_jwk(const Output& out, const std::string& key_path, const std::string& out_path) {
  auto key = read_public_key(key_path);
  if (!key) return out.failure(key.status());
  const Json jwk = jws::to_jwk(*key);
  if (!out_path.empty()) {
    if (Status st = write_text(out_path, pretty(jwk) + "\n"); !st.is_ok()) return out.failure(st);
  }
  return out.result(pretty(jwk), jwk);
}

struct IssueArgs {
  std::string key;
  std::string claims;
  std::vector<std::string> sd;
  std::string holder_key;
  std::size_t decoys = 0;
  std::string typ = sd::kTypVc;
  std::string out;
};

int run_issue(const Output& out, const IssueArgs& a) {
  auto key = read_signing_key(a.key);
  if (!key) return out.failure(key.status());
  auto claims = read_json_file(a.claims);
  if (!claims) return out.failure(claims.status());
  sd::IssueOptions o;
  o.sd_paths = a.sd;
  o.decoys = a.decoys;
  o.typ = a.typ;
  if (!a.holder_key.empty()) {
    auto holder = read_public_key(a.holder_key);
    if (!holder) return out.failure(holder.status());
    o.holder_key = *holder;
  }
  crypto::SystemRandom random;
  auto issued = sd::issue(*claims, o, signer_of(*key), random);
  if (!issued) return out.failure(issued.status());
  if (Status st = write_text(a.out, *issued + "\n"); !st.is_ok()) return out.failure(st);
  const auto alg = jws::algorithm_name(signer_of(*key).algorithm());
  return out.result("issued " + std::string(alg) + " SD-JWT with " + std::to_string(a.sd.size()) +
                        " selectively disclosable claims to " + a.out,
                    {{"file", a.out}, {"alg", alg}, {"disclosures", a.sd.size()}, {"typ", a.typ}});
}

struct PresentArgs {
  std::string in;
  std::vector<std::string> disclose;
  bool disclose_all = false;
  std::string holder_key;
  std::string nonce;
  std::string aud;
  std::optional<std::uint64_t> iat;
  std::string out;
};

int run_present(const Output& out, const PresentArgs& a, std::size_t binding_options) {
  if (binding_options != 0 && (a.holder_key.empty() || a.nonce.empty() || a.aud.empty())) {
    return out.failure(Status::invalid("bad_arguments", "key binding needs all of --holder-key, --nonce and --aud"));
  }
  auto issued = read_compact(a.in);
  if (!issued) return out.failure(issued.status());
  sd::PresentOptions o;
  o.disclose = a.disclose;
  o.disclose_all = a.disclose_all;
  std::optional<KeyFile> holder;
  std::optional<jws::Signer> holder_signer;
  if (!a.holder_key.empty()) {
    auto key = read_signing_key(a.holder_key);
    if (!key) return out.failure(key.status());
    holder.emplace(std::move(*key));
    holder_signer.emplace(signer_of(*holder));
    o.key_binding = sd::KeyBindingInput{&*holder_signer, a.nonce, a.aud, a.iat.value_or(now_seconds())};
  }
  auto presented = sd::present(*issued, o);
  if (!presented) return out.failure(presented.status());
  if (Status st = write_text(a.out, *presented + "\n"); !st.is_ok()) return out.failure(st);
  auto parts = sd::split(*presented);
  const std::size_t count = parts ? parts->disclosures.size() : 0;
  return out.result("presented " + std::to_string(count) + " disclosures" +
                        (holder ? " with a key binding JWT" : "") + " to " + a.out,
                    {{"file", a.out}, {"disclosures", count}, {"key_binding", holder.has_value()}});
}

struct VerifyArgs {
  std::string in;
  std::string issuer_key;
  std::string nonce;
  std::string aud;
  bool require_key_binding = false;
  bool require_vc = false;
  std::string status_list;
  std::string status_list_key;
  bool require_status = false;
  std::optional<std::uint64_t> time;
  std::optional<std::uint64_t> max_kb_age;
  std::uint64_t skew = 60;
};

// The status list in a file: a signed status list token (checked with `key`), or a bare {"bits","lst"} object
// that the operator vouches for (its URI is then the one the credential names).
Result<std::pair<std::string, tsl::StatusList>> read_status_list(const VerifyArgs& a, const jws::VerifyingKey& key,
                                                                 const std::string& credential,
                                                                 std::uint64_t now) {
  CREDENCE_ASSIGN_OR_RETURN(auto text, read_compact(a.status_list));
  if (text.front() == '{') {
    auto json = codec::parse_json(text);
    if (!json) return Status::invalid(json.status().code(), a.status_list + ": " + json.status().message());
    const Json& list_json = json->contains("status_list") ? (*json)["status_list"] : *json;
    auto list = tsl::StatusList::from_json(list_json);
    if (!list) return Status::invalid(list.status().code(), a.status_list + ": " + list.status().message());
    std::string uri;
    if (json->contains("sub") && (*json)["sub"].is_string()) {
      uri = (*json)["sub"].get<std::string>();
    } else if (auto decoded = sd::decode(credential); decoded && decoded->claims.contains("status")) {
      const Json& status = decoded->claims["status"];
      if (status.is_object() && status.contains("status_list") && status["status_list"].is_object() &&
          status["status_list"].contains("uri") && status["status_list"]["uri"].is_string()) {
        uri = status["status_list"]["uri"].get<std::string>();
      }
    }
    return std::make_pair(uri, std::move(*list));
  }
  auto token = tsl::verify_status_list_token(text, key, now);
  if (!token) return Status::invalid(token.status().code(), a.status_list + ": " + token.status().message());
  return std::make_pair(token->subject, std::move(token->list));
}

int run_verify(const Output& out, const VerifyArgs& a) {
  auto text = read_compact(a.in);
  if (!text) return out.failure(text.status());
  auto issuer = read_public_key(a.issuer_key);
  if (!issuer) return out.failure(issuer.status());
  sd::VerifyOptions o{*issuer};
  o.require_vc = a.require_vc;
  o.require_key_binding = a.require_key_binding;
  if (!a.nonce.empty()) o.nonce = a.nonce;
  if (!a.aud.empty()) o.audience = a.aud;
  o.now = a.time.value_or(now_seconds());
  o.max_kb_age = a.max_kb_age;
  o.clock_skew = a.skew;
  o.require_status = a.require_status;
  std::optional<std::pair<std::string, tsl::StatusList>> status;
  if (!a.status_list.empty()) {
    jws::VerifyingKey status_key = *issuer;
    if (!a.status_list_key.empty()) {
      auto k = read_public_key(a.status_list_key);
      if (!k) return out.failure(k.status());
      status_key = *k;
    }
    auto list = read_status_list(a, status_key, *text, *o.now);
    if (!list) {
      // A bad signature or an expired list is a verdict about the evidence; an unreadable file is a usage error.
      return list.status().is_error() || list.status().code() == "io_error" ? out.failure(list.status())
                                                                             : out.verdict(list.status());
    }
    status.emplace(std::move(*list));
    o.status = sd::StatusSource{status->first, &status->second};
  }
  auto verified = sd::verify(*text, o);
  if (!verified) return out.verdict(verified.status());
  Json result = {{"valid", true},
                 {"typ", verified->typ},
                 {"alg", jws::algorithm_name(verified->alg)},
                 {"claims", verified->claims},
                 {"disclosed", verified->disclosed}};
  if (verified->key_binding) result["key_binding"] = *verified->key_binding;
  result["status"] = verified->status ? Json(tsl::status_name(*verified->status)) : Json("unchecked");
  return out.result(pretty(verified->claims), result);
}

struct StatusListArgs {
  std::string key;
  std::string uri;
  std::uint64_t size = 0;
  unsigned bits = 1;
  std::vector<std::string> set;
  std::optional<std::uint64_t> ttl;
  std::optional<std::uint64_t> exp;
  std::optional<std::uint64_t> iat;
  std::string out;
};

int run_status_list(const Output& out, const StatusListArgs& a) {
  auto key = read_signing_key(a.key);
  if (!key) return out.failure(key.status());
  auto list = tsl::StatusList::make(a.bits, a.size);
  if (!list) return out.failure(list.status());
  for (const auto& entry : a.set) {
    const auto eq = entry.find('=');
    std::uint64_t index = 0;
    unsigned long value = 0;
    try {
      if (eq == std::string::npos) throw std::invalid_argument("no =");
      std::size_t used = 0;
      index = std::stoull(entry.substr(0, eq), &used);
      if (used != eq) throw std::invalid_argument("index");
      value = std::stoul(entry.substr(eq + 1), &used);
      if (used != entry.size() - eq - 1 || value > 255) throw std::invalid_argument("value");
    } catch (const std::exception&) {
      return out.failure(Status::invalid("bad_arguments", "--set " + entry + ": expected INDEX=VALUE"));
    }
    if (Status st = list->set(index, static_cast<std::uint8_t>(value)); !st.is_ok()) return out.failure(st);
  }
  tsl::StatusListToken token{a.uri, a.iat.value_or(now_seconds()), a.exp, a.ttl, std::move(*list)};
  const std::string text = tsl::sign_status_list_token(token, signer_of(*key));
  if (Status st = write_text(a.out, text + "\n"); !st.is_ok()) return out.failure(st);
  return out.result("status list token (" + std::to_string(a.size) + " × " + std::to_string(a.bits) + " bits) for " +
                        a.uri + " written to " + a.out,
                    {{"file", a.out}, {"uri", a.uri}, {"size", a.size}, {"bits", a.bits}});
}

}  // namespace

void register_sdjwt_commands(CLI::App& app, const Output& out, int& exit_code) {
  auto* group = app.add_subcommand("sdjwt", "SD-JWT (RFC 9901) / SD-JWT VC: issue, present, verify (docs/sd-jwt.md)");
  group->require_subcommand(1);
  {
    auto* cmd = group->add_subcommand("jwk", "Print the public JWK of a key file (for holders' cnf and verifiers)");
    auto key = std::make_shared<std::string>();
    auto path = std::make_shared<std::string>();
    cmd->add_option("--key", *key, "key file (ed25519 or p256) or JWK file")->required();
    cmd->add_option("--out", *path, "also write the JWK to this file");
    cmd->callback([&out, &exit_code, key, path] { exit_code = run_jwk(out, *key, *path); });
  }
  {
    auto* cmd = group->add_subcommand("issue", "Issue an SD-JWT (VC) with selectively disclosable claims");
    auto a = std::make_shared<IssueArgs>();
    cmd->add_option("--key", a->key, "issuer key file: ed25519 (EdDSA) or p256 (ES256)")->required();
    cmd->add_option("--claims", a->claims, "JSON object of the claims (iss, vct, … included)")->required();
    cmd->add_option("--sd", a->sd, "JSON Pointer of a selectively disclosable claim or array element (repeatable; "
                                   "a pointer and one below it make a recursive disclosure)");
    cmd->add_option("--holder-key", a->holder_key, "holder public key (key file or JWK file): becomes cnf.jwk");
    cmd->add_option("--decoys", a->decoys, "decoy digests added to every _sd array")->capture_default_str();
    cmd->add_option("--typ", a->typ, "JWS typ header (dc+sd-jwt requires vct; \"\" omits typ)")->capture_default_str();
    cmd->add_option("--out", a->out, "where to write the SD-JWT (compact form)")->required();
    cmd->callback([&out, &exit_code, a] { exit_code = run_issue(out, *a); });
  }
  {
    auto* cmd = group->add_subcommand("present", "Choose the disclosures to reveal, optionally with a key binding JWT");
    auto a = std::make_shared<PresentArgs>();
    cmd->add_option("--in", a->in, "the issued SD-JWT")->required();
    cmd->add_option("--disclose", a->disclose, "JSON Pointer of a claim to reveal (repeatable)");
    cmd->add_flag("--disclose-all", a->disclose_all, "reveal every disclosure");
    cmd->add_option("--holder-key", a->holder_key, "holder key file (the cnf key): adds a KB-JWT");
    cmd->add_option("--nonce", a->nonce, "the verifier's nonce (KB-JWT)");
    cmd->add_option("--aud", a->aud, "the verifier's identifier (KB-JWT aud)");
    cmd->add_option("--iat", a->iat, "KB-JWT issued-at, seconds since the epoch (default: now)");
    cmd->add_option("--out", a->out, "where to write the presentation")->required();
    cmd->callback([&out, &exit_code, a, cmd] {
      const std::size_t binding = cmd->count("--holder-key") + cmd->count("--nonce") + cmd->count("--aud");
      exit_code = run_present(out, *a, binding);
    });
  }
  {
    auto* cmd = group->add_subcommand(
        "verify", "Verify an SD-JWT presentation: prints the disclosed claims (exit 0) or invalid: <reason> (exit 1)");
    auto a = std::make_shared<VerifyArgs>();
    cmd->add_option("--in", a->in, "the SD-JWT / presentation")->required();
    cmd->add_option("--issuer-key", a->issuer_key, "issuer public key: JWK file or key file")->required();
    cmd->add_option("--nonce", a->nonce, "expected KB-JWT nonce (requires key binding)");
    cmd->add_option("--aud", a->aud, "expected KB-JWT aud (requires key binding)");
    cmd->add_flag("--require-key-binding", a->require_key_binding, "fail without a valid KB-JWT");
    cmd->add_flag("--require-vc", a->require_vc, "typ must be dc+sd-jwt (or vc+sd-jwt) with a vct claim");
    cmd->add_option("--status-list", a->status_list,
                    "status list token (JWT, typ statuslist+jwt) or {\"bits\",\"lst\"} JSON file");
    cmd->add_option("--status-list-key", a->status_list_key, "key of the status list token (default: issuer key)");
    cmd->add_flag("--require-status", a->require_status, "fail unless the status was checked and is valid");
    cmd->add_option("--time", a->time, "verification time, seconds since the epoch (default: now)");
    cmd->add_option("--max-kb-age", a->max_kb_age, "maximum age of the KB-JWT in seconds");
    cmd->add_option("--clock-skew", a->skew, "seconds of clock skew tolerated")->capture_default_str();
    cmd->callback([&out, &exit_code, a] { exit_code = run_verify(out, *a); });
  }
  {
    auto* cmd = group->add_subcommand("status-list", "Write a signed IETF Token Status List token (statuslist+jwt)");
    auto a = std::make_shared<StatusListArgs>();
    cmd->add_option("--key", a->key, "signing key file (ed25519 or p256)")->required();
    cmd->add_option("--uri", a->uri, "the list's URI (sub; credentials name it in status.status_list.uri)")->required();
    cmd->add_option("--size", a->size, "number of entries")->required();
    cmd->add_option("--bits", a->bits, "bits per entry: 1, 2, 4 or 8")->capture_default_str();
    cmd->add_option("--set", a->set, "INDEX=VALUE (0 valid, 1 invalid, 2 suspended, 3 custom; repeatable)");
    cmd->add_option("--ttl", a->ttl, "ttl claim, seconds");
    cmd->add_option("--exp", a->exp, "exp claim, seconds since the epoch");
    cmd->add_option("--iat", a->iat, "iat claim (default: now)");
    cmd->add_option("--out", a->out, "where to write the token")->required();
    cmd->callback([&out, &exit_code, a] { exit_code = run_status_list(out, *a); });
  }
}

}  // namespace credence::cli
