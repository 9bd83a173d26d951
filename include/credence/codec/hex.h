// Hexadecimal text <-> bytes (libsodium's constant-time codec underneath).
//
// Encoding is always lowercase. Decoding accepts upper- and lowercase digits and, where stated, an optional "0x"
// prefix; it rejects odd lengths and any other character with invalid("bad_hex").
#pragma once

#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::codec {

// Lowercase hex, no prefix.
std::string hex_encode(ByteView data);
// "0x" + lowercase hex.
std::string hex_encode_0x(ByteView data);

// Decodes hex digits; a leading "0x"/"0X" is accepted and skipped.
Result<Bytes> hex_decode(std::string_view text);

// Decodes exactly N bytes; any other length is invalid("bad_length").
template <std::size_t N>
Result<FixedBytes<N>> hex_decode_fixed(std::string_view text) {
  auto bytes = hex_decode(text);
  if (!bytes) return bytes.status();
  if (bytes->size() != N) {
    return Status::invalid("bad_length",
                           "expected " + std::to_string(N) + " bytes, got " + std::to_string(bytes->size()));
  }
  FixedBytes<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = (*bytes)[i];
  return out;
}

}  // namespace credence::codec
