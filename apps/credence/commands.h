// Subcommands of the `credence` CLI. Each register_* function adds its subcommands to the app; the callbacks
// store their exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "node_client.h"
#include "output.h"

namespace credence::cli {

// The global `--node URL` option (default $CREDENCE_NODE, else kDefaultNodeUrl): where commands against a node go.
struct NodeOptions {
  std::string url = kDefaultNodeUrl;
  const CLI::Option* option = nullptr;  // the parsed --node option, set by main

  // Whether a node was named (--node or $CREDENCE_NODE): commands that also work offline talk to it only then.
  [[nodiscard]] bool given() const { return option != nullptr && option->count() > 0; }
};

void register_crypto_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code);
void register_attestation_commands(CLI::App& app, const Output& out, int& exit_code);
// dist build / proof / verify / multiproof: OpenZeppelin-compatible Merkle distributions (dist_commands.cc).
// frost sign-demo (threshold layer).
void register_frost_commands(CLI::App& app, const Output& out, int& exit_code);
// certificate verify: committee certificates checked offline (certificate_commands.cc, docs/certificates.md).
void register_certificate_commands(CLI::App& app, const Output& out, int& exit_code);
// certificate request (needs register_certificate_commands first); committee dkg round1/round2/finish.
void register_certificate_request_command(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code);
void register_committee_commands(CLI::App& app, const Output& out, int& exit_code);
void register_dist_commands(CLI::App& app, const Output& out, int& exit_code);
// eas sign / verify / schema-uid / share-link: EAS off-chain attestations (eas_commands.cc, docs/eas.md);
// eas anchor / revoke and verify with a node: Credence's registries.
void register_eas_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code);
// sdjwt jwk / issue / present / verify / status-list: SD-JWT (RFC 9901) and SD-JWT VC (sdjwt_commands.cc).
void register_sdjwt_commands(CLI::App& app, const Output& out, int& exit_code);
// vc issue / verify / export / status-list: W3C VC 2.0 with eddsa-jcs-2022 (vc_commands.cc, docs/vc.md);
// export --from-node and status-list fetch talk to the node.
void register_vc_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code);
// node status, schema register/get, attest, revoke, transfer, attestation get/list, tx status. Call after
// register_attestation_commands (it adds to the `attestation` group).
void register_node_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code);

// `credence verify ID [--time T] [--proof-out FILE]` checks an attestation on the node. It shares the `verify`
// command with signature verification (`verify --type …`, crypto_commands.cc), which adds these options to it and
// hands over when an ID is given.
struct AttestationVerifyArgs {
  std::string id;
  std::optional<std::uint64_t> time;
  std::string proof_out;
  std::string attestation_out;
};
void add_attestation_verify_options(CLI::App& cmd, AttestationVerifyArgs& args);
int run_attestation_verify(const Output& out, const NodeOptions& node, const AttestationVerifyArgs& args);

}  // namespace credence::cli
