// EAS off-chain attestation files (interop/eas.h): the JSON objects eas-sdk writes, bare or as {sig, signer}
// packages, that users hand to `credence eas verify`. Checks, for every input:
//  - parse_attestation_file fails only with invalid(reason), never crashes or throws;
//  - a parsed object writes back to JSON that parses to the same object, and writing that again gives the same bytes;
//  - verification runs and answers (the UID it recomputes is the one the UID function gives), and a package's share
//    link, when one can be made, decodes to the same attestation.
// Seeds (fuzz/corpus/eas_attestation/): eas-sdk's golden objects (versions 1 and 2), our signed objects of versions
// 0, 1, 2, broken ones, and regressions (regression-*: a package with another domain name, which a link drops).
#include <cstdint>
#include <string>
#include <string_view>

#include "credence/interop/eas.h"
#include "fuzz_support.h"

using credence::fuzz::require;
using namespace credence;
namespace eas = credence::interop::eas;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::initialize_crypto();
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: bytes as chars
  auto parsed = eas::parse_attestation_file(text);
  if (!parsed) {
    require(parsed.status().is_invalid() && !parsed.status().code().empty());
    return 0;
  }
  const eas::OffchainAttestation& a = parsed->attestation;
  const std::string written = eas::attestation_to_json(a);
  auto again = eas::parse_attestation_file(written);
  require(again.ok());
  require(again->attestation == a);
  require(eas::attestation_to_json(again->attestation) == written);

  const eas::Verification v = eas::verify(a, {});
  require(v.computed_uid == eas::offchain_uid(a.version, a.message));
  require(v.valid() == (v.problems.empty()));

  if (parsed->signer) {
    const eas::SharePackage package{a, *parsed->signer};
    require(eas::parse_attestation_file(eas::package_to_json(package)).ok());
    auto link = eas::share_link_encode(package);
    if (!link) {
      require(link.status().code() == "share_link_unsafe_number");
      return 0;
    }
    auto decoded = eas::share_link_decode(*link);
    require(decoded.ok());
    require(decoded->signer == package.signer);
    require(decoded->attestation.uid == a.uid);
    // A link does not carry the domain name (eas-sdk rebuilds it as "EAS Attestation").
    require(decoded->attestation.domain.name == eas::kDomainName);
    require(decoded->attestation.domain.version == a.domain.version);
    require(decoded->attestation.domain.chain_id == a.domain.chain_id);
    require(decoded->attestation.domain.verifying_contract == a.domain.verifying_contract);
    require(decoded->attestation.signature == a.signature);
    require(decoded->attestation.message.schema == a.message.schema);
    require(decoded->attestation.message.data == a.message.data);
  }
  return 0;
}
