// JCS (RFC 8785): parse + canonicalize never crash; a parsed value always canonicalizes, and the canonical text is a
// fixed point (it parses and canonicalizes to itself). Failures carry only the documented reason codes.
#include <string>
#include <string_view>

#include "credence/interop/jcs.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto parsed = interop::jcs::parse(text);
  if (!parsed) {
    const auto& code = parsed.status().code();
    fuzz::require(code == "bad_json" || code == "json_too_deep" || code == "json_too_large" ||
                  code == "jcs_duplicate_key");
    return 0;
  }
  auto canonical = interop::jcs::canonicalize(*parsed);
  fuzz::require(canonical.ok());
  auto again = interop::jcs::canonicalize_text(*canonical);
  fuzz::require(again.ok() && *again == *canonical);
  return 0;
}
