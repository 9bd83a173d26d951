// credence: the command-line client. Thin: parses arguments, runs the crypto self-test, dispatches to commands.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"
#include "credence/crypto/self_test.h"
#include "output.h"

int main(int argc, char** argv) {
  using namespace credence::cli;
  CLI::App app{"credence — decentralized credential verification and token distribution", "credence"};
  app.set_version_flag("--version", std::string("credence ") + CREDENCE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // --json is accepted before or after the subcommand
  Output out;
  app.add_flag("--json", out.json, "machine-readable JSON output");
  NodeOptions node;
  node.option = app.add_option("--node", node.url, "the node's HTTP API, for the commands that talk to a node")
                    ->envname("CREDENCE_NODE")
                    ->capture_default_str();

  int exit_code = kExitOk;
  register_crypto_commands(app, out, node, exit_code);
  register_attestation_commands(app, out, exit_code);
  register_dist_commands(app, out, exit_code);
  register_frost_commands(app, out, exit_code);
  register_certificate_commands(app, out, exit_code);
  register_certificate_request_command(app, out, node, exit_code);
  register_committee_commands(app, out, exit_code);
  register_eas_commands(app, out, node, exit_code);
  register_sdjwt_commands(app, out, exit_code);
  register_vc_commands(app, out, node, exit_code);
  register_node_commands(app, out, node, exit_code);

  if (const auto init = credence::crypto::initialize(); !init.is_ok()) {
    std::cerr << "fatal: " << init.to_string() << '\n';
    return kExitLocal;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << '\n';
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // One line naming the problem; --help on any command has the details.
    out.failure(credence::Status::invalid("usage", e.what()));
    return kExitUsage;
  }
  return exit_code;
}
