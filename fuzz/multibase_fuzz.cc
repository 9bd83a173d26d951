// multibase_decode: success implies re-encoding in the same base gives the same text.
#include <cstdlib>
#include <string_view>

#include "credence/codec/multibase.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence::codec;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto decoded = multibase_decode(text);
  if (!decoded) {
    const auto& code = decoded.status().code();
    if (code != "bad_multibase" && code != "unknown_multibase") std::abort();
    return 0;
  }
  if (multibase_encode(decoded->base, decoded->data) != text) std::abort();
  return 0;
}
