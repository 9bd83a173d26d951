// EAS share links (interop/eas.h): percent-encoded base64 of a zlib-compressed JSON array, from URLs users paste.
// Checks, for every input:
//  - share_link_decode fails only with invalid(reason) (never crashes, throws or inflates past the bound);
//  - a decoded package encodes again (or refuses with share_link_unsafe_number) to a link that decodes to the same
//    package, and that link encodes to the same bytes (our links are canonical), also through the URL form.
// Seeds (fuzz/corpus/eas_share_link/): eas-sdk's golden links (versions 1 and 2), our links of versions 0, 1, 2, and
// broken ones (bad base64, not zlib, not JSON, wrong positions).
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
  auto decoded = eas::share_link_decode(text);
  if (!decoded) {
    require(decoded.status().is_invalid() && !decoded.status().code().empty());
    return 0;
  }
  auto link = eas::share_link_encode(*decoded);
  if (!link) {
    require(link.status().code() == "share_link_unsafe_number");
    return 0;
  }
  auto again = eas::share_link_decode(eas::share_link_url(*link));
  require(again.ok());
  require(*again == *decoded);
  auto relinked = eas::share_link_encode(*again);
  require(relinked.ok() && *relinked == *link);
  (void)eas::verify(again->attestation, {.chain_id = {}, .contract = {}, .attester = again->signer.value, .now = {}});
  return 0;
}
