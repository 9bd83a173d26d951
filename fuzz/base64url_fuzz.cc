// base64url_decode is strict, so decoding succeeds only on the one canonical text: encode(decode(x)) == x.
#include <cstdlib>
#include <string_view>

#include "credence/codec/base64url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence::codec;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto decoded = base64url_decode(text);
  if (!decoded) {
    if (decoded.status().code() != "bad_base64url") std::abort();
  } else if (base64url_encode(*decoded) != text) {
    std::abort();
  }
  // And bytes -> text -> bytes.
  auto back = base64url_decode(base64url_encode(credence::ByteView(data, size)));
  if (!back || *back != credence::Bytes(data, data + size)) std::abort();
  return 0;
}
