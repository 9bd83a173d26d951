// credence attestation verify: offline verification of an attestation against a state root with Merkle proofs
// (docs/cli.md "attestation verify").
#include <iostream>
#include <memory>

#include "commands.h"
#include "credence/codec/hex.h"
#include "credence/core/verify.h"
#include "file_input.h"

namespace credence::cli {

namespace {

struct VerifyArgs {
  std::string attestation_file;
  std::string proof_file;
  std::string root;
  std::uint64_t time = 0;
  std::string data_hex;
  bool has_data = false;
};

// The attestation file holds an attestation, a ledger record {"attestation":…,"revoked_at":…}, or an off-ledger
// attestation {"chain_id":…,"attestation":…,"signature":…}.
struct LoadedAttestation {
  std::optional<core::Attestation> on_ledger;
  std::optional<core::OffchainAttestation> off_ledger;
};

Result<LoadedAttestation> load_attestation(const codec::Json& json, const std::string& path) {
  LoadedAttestation out;
  auto with_path = [&path](const Status& s) { return Status::invalid(s.code(), path + ": " + s.message()); };
  if (json.is_object() && json.contains("signature") && json.contains("chain_id")) {
    auto o = core::offchain_from_json(json);
    if (!o) return with_path(o.status());
    out.off_ledger = std::move(*o);
  } else if (json.is_object() && json.contains("revoked_at")) {
    auto r = core::record_from_json(json);
    if (!r) return with_path(r.status());
    out.on_ledger = std::move(r->attestation);
  } else {
    auto a = core::attestation_from_json(json);
    if (!a) return with_path(a.status());
    out.on_ledger = std::move(*a);
  }
  return out;
}

Result<core::Verdict> run_verification(const VerifyArgs& args, codec::Json& details) {
  CREDENCE_ASSIGN_OR_RETURN(auto root, codec::hex_decode_fixed<32>(args.root));
  CREDENCE_ASSIGN_OR_RETURN(auto att_json, read_json_file(args.attestation_file));
  CREDENCE_ASSIGN_OR_RETURN(auto loaded, load_attestation(att_json, args.attestation_file));
  CREDENCE_ASSIGN_OR_RETURN(auto proof_json, read_json_file(args.proof_file));
  auto bundle = core::proof_bundle_from_json(proof_json);
  if (!bundle) return Status::invalid(bundle.status().code(), args.proof_file + ": " + bundle.status().message());
  Bytes data;
  std::optional<ByteView> data_view;
  if (args.has_data) {
    CREDENCE_ASSIGN_OR_RETURN(data, codec::hex_decode(args.data_hex));
    data_view = ByteView(data);
  }
  // A bundle for another root, or with a failing proof, is malformed input (exit 2), not a verdict.
  CREDENCE_ASSIGN_OR_RETURN(auto view, core::ProofView::make(*bundle, root));
  details["root"] = codec::hex_encode_0x(root);
  details["time"] = args.time;
  if (loaded.off_ledger) {
    details["id"] = codec::hex_encode_0x(core::attestation_id(loaded.off_ledger->attestation));
    details["location"] = "off_ledger";
    return core::verify_offchain_attestation(view, *loaded.off_ledger, args.time, data_view);
  }
  const core::Id id = core::attestation_id(*loaded.on_ledger);
  details["id"] = codec::hex_encode_0x(id);
  details["location"] = "on_ledger";
  return core::verify_attestation(view, id, args.time, data_view);
}

int run_verify(const Output& out, const VerifyArgs& args) {
  codec::Json details = codec::Json::object();
  auto verdict = run_verification(args, details);
  if (!verdict) {
    // incomplete_proof, bad_proof, root_mismatch, bad_json, …: the inputs cannot answer the question.
    return out.failure(verdict.status());
  }
  if (out.json) {
    codec::Json j = core::to_json(*verdict);
    for (auto& [k, v] : details.items()) j[k] = v;
    std::cout << codec::dump_json(j) << '\n';
  } else if (verdict->valid()) {
    std::cout << "valid\n";
  } else {
    std::string codes;
    for (const auto& r : verdict->reasons) codes += (codes.empty() ? "" : ", ") + r.code;
    std::cout << "invalid: " << codes << '\n';
    for (const auto& r : verdict->reasons) std::cout << "  " << r.code << (r.detail.empty() ? "" : ": " + r.detail) << '\n';
  }
  return verdict->valid() ? kExitOk : kExitInvalid;
}

}  // namespace

void register_attestation_commands(CLI::App& app, const Output& out, int& exit_code) {
  auto* group = app.add_subcommand("attestation", "Attestations: offline verification");
  group->require_subcommand(1);
  auto* cmd = group->add_subcommand(
      "verify", "Verify an attestation against a state root with Merkle proofs: valid (exit 0) or invalid (exit 1)");
  auto a = std::make_shared<VerifyArgs>();
  cmd->add_option("--attestation", a->attestation_file,
                  "attestation JSON (on-ledger attestation or record, or signed off-ledger attestation)")
      ->required();
  cmd->add_option("--proof", a->proof_file, "proof bundle JSON for the state entries the verification reads")
      ->required();
  cmd->add_option("--root", a->root, "trusted state root (hex)")->required();
  cmd->add_option("--time", a->time, "verification time (unix seconds)")->required();
  cmd->add_option("--data-hex", a->data_hex, "off-ledger attestation data, to check against its hash and schema");
  cmd->callback([&out, &exit_code, a, cmd] {
    a->has_data = cmd->count("--data-hex") > 0;
    exit_code = run_verify(out, *a);
  });
}

}  // namespace credence::cli
