// How the `credence` CLI reports results: plain text by default, one JSON object per result with --json.
// Exit codes (docs/cli.md): 0 success / valid, 1 invalid verdict, 2 usage or malformed input, 3 local failure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "credence/status.h"

namespace credence::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocal = 3;

struct Output {
  bool json = false;

  // Prints `text`, or `object` with --json. Returns kExitOk.
  int result(const std::string& text, const nlohmann::json& object) const;
  // Prints the failure as one line ("error: code: message") on stderr, or {"error":{…}} on stdout with --json.
  // Returns kExitLocal for error statuses and kExitUsage for invalid input.
  int failure(const Status& status) const;
  // Prints a verification verdict: "valid" (exit 0) or "invalid: <reason>" (exit 1).
  int verdict(const Status& status) const;
};

}  // namespace credence::cli
