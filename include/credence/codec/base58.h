// base58btc (the Bitcoin alphabet, as used by multibase 'z', did:key and Multikey).
//
// Leading zero bytes map to leading '1' characters one for one, so encoding is a bijection. Decoding rejects any
// character outside the alphabet with invalid("bad_base58"). Cost is quadratic in the length; inputs are bounded
// (kMaxBase58Input characters) so hostile text cannot burn CPU: longer text is invalid("too_long").
#pragma once

#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::codec {

inline constexpr std::size_t kMaxBase58Input = 8192;

std::string base58_encode(ByteView data);
Result<Bytes> base58_decode(std::string_view text);

}  // namespace credence::codec
