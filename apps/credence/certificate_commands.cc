// credence certificate verify: offline check of a committee certificate (a verdict certificate or a checkpoint
// certificate) with one Ed25519 verification, optionally re-running the verdict over its Merkle proofs
// (docs/certificates.md, docs/cli.md "certificate verify").
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "credence/codec/hex.h"
#include "credence/core/certificate.h"
#include "credence/core/verify.h"
#include "file_input.h"
#include "node_client.h"

namespace credence::cli {

namespace {

struct CertificateArgs {
  std::string certificate_file;
  std::string group_key;
  std::string attestation_file;
  std::string proof_file;
};

Status in_file(const std::string& path, const Status& s) {
  return Status::invalid(s.code(), path + ": " + s.message());
}

// A file holds the certificate itself, or a whole POST /v1/verify answer ({"certificate": …, "proof": …}).
const codec::Json& unwrap(const codec::Json& json, const char* key) {
  if (json.is_object() && json.contains(key) && json.contains("statement") && json[key].is_object()) return json[key];
  return json;
}

int run_certificate_verify(const Output& out, const CertificateArgs& args) {
  auto key = codec::hex_decode_fixed<32>(args.group_key);
  if (!key) return out.failure(Status::invalid("bad_group_key", "--group-key: " + key.status().to_string()));
  auto json = read_json_file(args.certificate_file);
  if (!json) return out.failure(json.status());

  if (json->is_object() && json->contains("checkpoint")) {
    auto cert = core::checkpoint_certificate_from_json(*json);
    if (!cert) return out.failure(in_file(args.certificate_file, cert.status()));
    if (!args.attestation_file.empty() || !args.proof_file.empty()) {
      return out.failure(Status::invalid("usage", "--attestation and --proof go with verdict certificates"));
    }
    const Status s = core::verify_checkpoint_certificate(*cert, *key);
    codec::Json result = core::to_json(*cert);
    result["valid"] = s.is_ok();
    if (!s.is_ok()) result["reason"] = s.to_string();
    const std::string text = s.is_ok() ? "valid checkpoint: chain " + std::to_string(cert->checkpoint.chain_id) +
                                             " height " + std::to_string(cert->checkpoint.height) + " state root " +
                                             codec::hex_encode_0x(cert->checkpoint.state_root)
                                       : "invalid: " + s.to_string();
    out.result(text, result);
    return s.is_ok() ? kExitOk : kExitInvalid;
  }

  auto cert = core::certificate_from_json(unwrap(*json, "certificate"));
  if (!cert) return out.failure(in_file(args.certificate_file, cert.status()));
  std::vector<std::string> failures;
  if (Status s = core::verify_certificate(*cert, *key); !s.is_ok()) failures.push_back(s.to_string());

  const core::VerdictStatement& st = cert->statement;
  if (!args.attestation_file.empty()) {
    auto att_json = read_json_file(args.attestation_file);
    if (!att_json) return out.failure(att_json.status());
    const codec::Json& a = att_json->is_object() && att_json->contains("revoked_at") && att_json->contains("attestation")
                               ? (*att_json)["attestation"]
                               : *att_json;
    auto attestation = core::attestation_from_json(a);
    if (!attestation) return out.failure(in_file(args.attestation_file, attestation.status()));
    if (core::attestation_id(*attestation) != st.attestation) {
      failures.push_back("attestation_mismatch: the certificate is about attestation " +
                         codec::hex_encode_0x(st.attestation));
    }
  }
  if (!args.proof_file.empty()) {
    auto proof_json = read_json_file(args.proof_file);
    if (!proof_json) return out.failure(proof_json.status());
    const codec::Json& p = proof_json->is_object() && proof_json->contains("proof") &&
                                   proof_json->contains("statement")
                               ? (*proof_json)["proof"]
                               : *proof_json;
    auto bundle = core::proof_bundle_from_json(p);
    if (!bundle) return out.failure(in_file(args.proof_file, bundle.status()));
    if (bundle->root != st.state_root) {
      failures.push_back("root_mismatch: the proof is for another state root than the certificate's");
    } else {
      auto view = core::ProofView::make(*bundle, st.state_root);
      if (!view) return out.failure(in_file(args.proof_file, view.status()));
      auto verdict = core::verify_attestation(*view, st.attestation, st.issued_at);
      if (!verdict) return out.failure(in_file(args.proof_file, verdict.status()));
      std::vector<std::string> codes;
      for (const auto& r : verdict->reasons) codes.push_back(r.code);
      if (verdict->valid() != st.valid || codes != st.reasons) {
        failures.push_back("verdict_mismatch: the proofs give another verdict than the certificate states");
      }
    }
  }

  codec::Json result{{"certificate_valid", failures.empty()},
                     {"statement", core::to_json(st)},
                     {"failures", failures}};
  std::string text;
  if (failures.empty()) {
    std::string verdict = st.valid ? "valid" : "invalid";
    for (std::size_t i = 0; i < st.reasons.size(); ++i) verdict += (i == 0 ? " (" : ", ") + st.reasons[i];
    if (!st.reasons.empty()) verdict += ")";
    text = "valid certificate: attestation " + codec::hex_encode_0x(st.attestation) + " is " + verdict +
           " at height " + std::to_string(st.height) + ", issued at " + std::to_string(st.issued_at) +
           ", deadline " + std::to_string(st.deadline_ms) + " ms";
  } else {
    text = "invalid certificate:";
    for (const auto& f : failures) text += "\n  " + f;
  }
  out.result(text, result);
  return failures.empty() ? kExitOk : kExitInvalid;
}

struct RequestArgs {
  std::string attestation;
  std::uint64_t timeout_ms = 2000;
  std::string out_file;
};

// POST /v1/verify: a certificate from the node's committee, or "deadline exceeded" with what was gathered.
int run_certificate_request(const Output& out, const NodeOptions& node, const RequestArgs& args) {
  auto id = codec::hex_decode_fixed<32>(args.attestation);
  if (!id) return out.failure(Status::invalid("bad_attestation_id", "--attestation: " + id.status().to_string()));
  if (args.timeout_ms == 0 || args.timeout_ms > 30'000) {
    return out.failure(Status::invalid("bad_timeout", "--timeout-ms must be 1..30000"));
  }
  auto client = NodeClient::make(node.url);
  if (!client) return out.failure(client.status());
  const int wait_s = static_cast<int>(args.timeout_ms / 1000 + 5);
  auto reply = client->post_json("/v1/verify",
                                 codec::Json{{"attestation", codec::hex_encode_0x(*id)}, {"timeout_ms", args.timeout_ms}},
                                 wait_s);
  if (!reply) return out.failure(reply.status());
  if (!reply->ok()) {
    const auto& e = reply->body.contains("error") ? reply->body["error"] : reply->body;
    const std::string code = e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "http_error";
    const std::string message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
    return out.failure(reply->status >= 500 ? Status::error(code, message) : Status::invalid(code, message));
  }
  if (!args.out_file.empty()) {
    std::ofstream file(args.out_file, std::ios::trunc);
    file << reply->body.dump(2) << '\n';
    if (!file) return out.failure(Status::error("io_error", "cannot write " + args.out_file));
  }
  const bool certified = reply->body.value("certified", false);
  const std::string outcome = reply->body.value("outcome", std::string("unknown"));
  std::string text = outcome;
  if (certified) {
    const auto& st = reply->body["certificate"]["statement"];
    text = std::string("certified: ") + (st.value("valid", false) ? "valid" : "invalid") + " at height " +
           std::to_string(st.value("height", std::uint64_t{0})) + " in " +
           std::to_string(reply->body.value("latency_ms", 0.0)) + " ms";
  }
  out.result(text, reply->body);
  return certified ? kExitOk : kExitInvalid;
}

// GET /v1/checkpoints/{latest|H}: a certified checkpoint, saved for `certificate verify`.
int run_checkpoint_get(const Output& out, const NodeOptions& node, const std::string& height,
                       const std::string& out_file) {
  if (height != "latest" && (height.empty() || height.find_first_not_of("0123456789") != std::string::npos)) {
    return out.failure(Status::invalid("bad_height", "--height must be a block height or \"latest\""));
  }
  auto client = NodeClient::make(node.url);
  if (!client) return out.failure(client.status());
  auto reply = client->get("/v1/checkpoints/" + height);
  if (!reply) return out.failure(reply.status());
  if (!reply->ok()) {
    const auto& e = reply->body.contains("error") ? reply->body["error"] : reply->body;
    return out.failure(Status::invalid(e.value("code", std::string("http_error")), e.value("message", std::string())));
  }
  if (!out_file.empty()) {
    std::ofstream file(out_file, std::ios::trunc);
    file << reply->body.dump(2) << '\n';
    if (!file) return out.failure(Status::error("io_error", "cannot write " + out_file));
  }
  const auto& c = reply->body["checkpoint"];
  out.result("checkpoint at height " + std::to_string(c.value("height", std::uint64_t{0})) + ", state root " +
                 c.value("state_root", std::string()),
             reply->body);
  return kExitOk;
}

}  // namespace

void register_certificate_request_command(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code) {
  CLI::App* group = app.get_subcommand("certificate");
  auto args = std::make_shared<RequestArgs>();
  auto* cmd = group->add_subcommand("request", "ask the node's committee to certify a verdict (POST /v1/verify)");
  cmd->add_option("--attestation", args->attestation, "attestation id (hex)")->required();
  cmd->add_option("--timeout-ms", args->timeout_ms, "deadline, in milliseconds from now (1..30000)")
      ->capture_default_str();
  cmd->add_option("--out", args->out_file, "write the whole answer (certificate, proof, committee progress) here");
  cmd->callback([&out, &node, &exit_code, args] { exit_code = run_certificate_request(out, node, *args); });

  auto height = std::make_shared<std::string>("latest");
  auto file = std::make_shared<std::string>();
  auto* cp = group->add_subcommand("checkpoint", "fetch a committee-certified checkpoint (GET /v1/checkpoints)");
  cp->add_option("--height", *height, "block height, or latest")->capture_default_str();
  cp->add_option("--out", *file, "write the checkpoint certificate here");
  cp->callback([&out, &node, &exit_code, height, file] { exit_code = run_checkpoint_get(out, node, *height, *file); });
}

void register_certificate_commands(CLI::App& app, const Output& out, int& exit_code) {
  auto* group = app.add_subcommand("certificate", "Committee certificates: offline verification");
  group->require_subcommand(1);
  auto args = std::make_shared<CertificateArgs>();
  auto* cmd = group->add_subcommand(
      "verify", "check a verdict or checkpoint certificate against the committee's group key (one Ed25519 check)");
  cmd->add_option("--certificate", args->certificate_file,
                  "certificate JSON (or a saved POST /v1/verify answer, or a checkpoint certificate)")
      ->required();
  cmd->add_option("--group-key", args->group_key, "the committee's group public key (hex, from GET /v1/committee)")
      ->required();
  cmd->add_option("--attestation", args->attestation_file, "the attestation JSON: must be the one certified");
  cmd->add_option("--proof", args->proof_file,
                  "proof bundle JSON against the certificate's state root: the verdict is re-run over it");
  cmd->callback([&out, &exit_code, args] { exit_code = run_certificate_verify(out, *args); });
}

}  // namespace credence::cli
