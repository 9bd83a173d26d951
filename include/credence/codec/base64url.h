// base64url without padding (RFC 4648 §5), libsodium's constant-time codec underneath.
//
// Decoding is strict: the URL-safe alphabet only, no '=' padding, no whitespace, and the unused low bits of the
// last character must be zero (so every byte string has exactly one accepted encoding). Anything else is
// invalid("bad_base64url").
#pragma once

#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::codec {

std::string base64url_encode(ByteView data);
Result<Bytes> base64url_decode(std::string_view text);

}  // namespace credence::codec
