// hex_decode: any input either fails with bad_hex or decodes to bytes whose encoding decodes back to them.
#include <cstdlib>
#include <string_view>

#include "credence/codec/hex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence::codec;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto decoded = hex_decode(text);
  if (!decoded) {
    if (decoded.status().code() != "bad_hex") std::abort();
    return 0;
  }
  const std::string again = hex_encode(*decoded);
  auto round = hex_decode(again);
  if (!round || *round != *decoded) std::abort();
  if (again.size() != decoded->size() * 2) std::abort();
  return 0;
}
