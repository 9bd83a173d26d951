// Bitstring Status List decoder: never crashes, never inflates past its bound; a decoded list re-encodes to text
// that decodes to the same bits, and lookups stay in range. Failures carry only the documented reason codes.
#include <string>
#include <string_view>

#include "credence/interop/status_list.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence::interop::status_list;
  using credence::fuzz::require;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  for (const bool lenient : {false, true}) {
    DecodeOptions options;
    options.allow_missing_prefix = lenient;
    options.min_entries = lenient ? 0 : kMinEntries;
    options.max_bytes = std::size_t{1} << 22;
    auto list = decode(text, options);
    if (!list) {
      const auto& code = list.status().code();
      require(code == "status_list_bad_multibase" || code == "status_list_bad_base64" ||
              code == "status_list_bad_gzip" || code == "status_list_too_large" || code == "status_list_length_error");
      continue;
    }
    require(list->size() >= options.min_entries && list->bytes().size() <= options.max_bytes);
    auto encoded = encode(*list);
    require(encoded.ok());
    auto back = decode(*encoded, options);
    require(back.ok() && *back == *list);
    if (list->size() > 0) {
      require(list->status(list->size() - 1).ok());
      require(!list->status(list->size()).ok());
    }
  }
  return 0;
}
