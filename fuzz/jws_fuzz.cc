// JWS compact parsing (interop/jws.h): any input either fails with a reason code or parses into parts that
// re-assemble the input exactly; payload_json and verify never crash. The input is also tried as a JWK: a parsed
// JWK re-serializes to a JWK that parses to the same key.
#include <cstdlib>
#include <string_view>

#include "credence/codec/base64url.h"
#include "credence/interop/jws.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence;
  using credence::fuzz::require;
  fuzz::initialize_crypto();
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto jws = interop::jws::parse_compact(text);
  if (!jws) {
    require(jws.status().is_invalid() && !jws.status().code().empty());
  } else {
    require(jws->signature.size() == 64);
    require(jws->signing_input() + "." + codec::base64url_encode(jws->signature) == text);
    require(jws->header.is_object() && jws->header.contains("alg"));
    (void)interop::jws::payload_json(*jws);
    static const auto key = crypto::ed25519::SecretKey::from_seed(FixedBytes<32>{7});
    const auto verdict = interop::jws::verify(*jws, interop::jws::VerifyingKey(key.public_key()));
    require(!verdict.is_error());
  }
  if (auto json = codec::parse_json(text); json) {
    if (auto key = interop::jws::parse_jwk(*json); key) {
      auto again = interop::jws::parse_jwk(interop::jws::to_jwk(*key));
      require(again.ok() && interop::jws::to_jwk(*again) == interop::jws::to_jwk(*key));
    } else {
      require(key.status().is_invalid());
    }
  }
  return 0;
}
