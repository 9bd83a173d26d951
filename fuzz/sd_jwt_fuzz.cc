// SD-JWT decoding (interop/sd_jwt.h) without the issuer's key: any input fails with a reason code or decodes into
// parts that re-join to the input, one path per Disclosure, digests that match. A decodable SD-JWT presented with
// every Disclosure decodes to the same claims; verify() with an unrelated key never crashes and never accepts.
#include <cstdlib>
#include <string_view>

#include "credence/interop/sd_jwt.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence;
  using namespace credence::interop;
  using credence::fuzz::require;
  fuzz::initialize_crypto();
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto decoded = sd_jwt::decode(text);
  if (!decoded) {
    require(decoded.status().is_invalid() && !decoded.status().code().empty());
  } else {
    require(sd_jwt::join(decoded->parts) == text);
    require(decoded->paths.size() == decoded->disclosures.size());
    for (std::size_t i = 0; i < decoded->disclosures.size(); ++i) {
      require(decoded->disclosures[i].digest == sd_jwt::disclosure_digest(decoded->parts.disclosures[i]));
      require(!decoded->paths[i].empty() && decoded->paths[i][0] == '/');
    }
    require(!decoded->claims.contains("_sd_alg"));
    sd_jwt::PresentOptions all;
    all.disclose_all = true;
    auto presented = sd_jwt::present(text, all);
    require(presented.ok());
    auto again = sd_jwt::decode(*presented);
    require(again.ok() && again->claims == decoded->claims);
  }
  static const auto key = crypto::ed25519::SecretKey::from_seed(FixedBytes<32>{9});
  sd_jwt::VerifyOptions options{jws::VerifyingKey(key.public_key())};
  options.now = 1750000000;
  auto verified = sd_jwt::verify(text, options);
  require(!verified.ok() && !verified.status().is_error());
  return 0;
}
