#include "output.h"

#include <cstdio>
#include <iostream>

#include "credence/codec/json.h"

namespace credence::cli {

int Output::result(const std::string& text, const nlohmann::json& object) const {
  std::cout << (json ? codec::dump_json(object) : text) << '\n';
  return kExitOk;
}

int Output::failure(const Status& status) const {
  if (json) {
    nlohmann::json j = {{"error", {{"code", status.code()}, {"message", status.message()}}}};
    std::cout << codec::dump_json(j) << '\n';
  } else {
    std::cerr << "error: " << status.to_string() << '\n';
  }
  return status.is_error() ? kExitLocal : kExitUsage;
}

int Output::verdict(const Status& status) const {
  if (status.is_error()) return failure(status);
  if (json) {
    nlohmann::json j = {{"valid", status.is_ok()}};
    if (!status.is_ok()) {
      j["reason"] = status.code();
      if (!status.message().empty()) j["message"] = status.message();
    }
    std::cout << codec::dump_json(j) << '\n';
  } else {
    std::cout << (status.is_ok() ? std::string("valid") : "invalid: " + status.to_string()) << '\n';
  }
  return status.is_ok() ? kExitOk : kExitInvalid;
}

}  // namespace credence::cli
