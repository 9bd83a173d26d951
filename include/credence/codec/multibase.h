// Multibase (multiformats): a one-character prefix naming the base, then the text.
//
// Supported: 'z' base58btc, 'u' base64url (no padding), 'f' base16 lowercase, 'F' base16 uppercase, 'm' base64
// (RFC 4648 standard alphabet, no padding). Decoding is strict in the same way as the underlying codecs; an
// unknown prefix is invalid("unknown_multibase"), a malformed body invalid("bad_multibase").
#pragma once

#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::codec {

enum class Multibase : char {
  base58btc = 'z',
  base64url = 'u',
  base16 = 'f',
  base16upper = 'F',
  base64 = 'm',
};

std::string multibase_encode(Multibase base, ByteView data);

struct MultibaseDecoded {
  Multibase base;
  Bytes data;
};
Result<MultibaseDecoded> multibase_decode(std::string_view text);

}  // namespace credence::codec
