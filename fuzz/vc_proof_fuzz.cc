// eddsa-jcs-2022 verification and status-list credential reading on arbitrary JSON text: never crash, never throw;
// a proof that verifies has a did:key verification method that resolves to the key it reports.
#include <string>
#include <string_view>

#include "credence/interop/did_key.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence;
  fuzz::initialize_crypto();
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto doc = interop::jcs::parse(text);
  if (!doc) return 0;
  auto proof = interop::vc::verify_proof(*doc, interop::vc::did_key_resolver());
  if (proof) {
    auto key = interop::did_key::resolve(proof->verification_method);
    fuzz::require(key.ok() && *key == proof->key);
  }
  interop::vc::VerifyOptions options;
  options.now = 1750000000;
  options.status_lists.push_back(*doc);
  const auto verdict = interop::vc::verify_credential(*doc, options);
  fuzz::require(verdict.valid() == verdict.problems.empty());
  (void)interop::status_list::read_credential(*doc);
  return 0;
}
