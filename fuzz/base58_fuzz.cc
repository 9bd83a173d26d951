// base58_decode: success implies encode(decode(x)) == x (leading '1's map to zero bytes one for one).
#include <cstdlib>
#include <string_view>

#include "credence/codec/base58.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence::codec;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto decoded = base58_decode(text);
  if (!decoded) {
    const auto& code = decoded.status().code();
    if (code != "bad_base58" && code != "too_long") std::abort();
  } else if (base58_encode(*decoded) != text) {
    std::abort();
  }
  if (size <= 1024) {
    auto back = base58_decode(base58_encode(credence::ByteView(data, size)));
    if (!back || *back != credence::Bytes(data, data + size)) std::abort();
  }
  return 0;
}
