// Subcommands of the `credence` CLI. Each register_* function adds its subcommands to the app; the callbacks
// store their exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

#include "output.h"

namespace credence::cli {

void register_crypto_commands(CLI::App& app, const Output& out, int& exit_code);
void register_attestation_commands(CLI::App& app, const Output& out, int& exit_code);

}  // namespace credence::cli
