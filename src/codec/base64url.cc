#include "credence/codec/base64url.h"

#include <sodium.h>

namespace credence::codec {

std::string base64url_encode(ByteView data) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), kVariant);
  out.pop_back();  // terminating NUL
  return out;
}

Result<Bytes> base64url_decode(std::string_view text) {
  // 4 characters carry 3 bytes; a remainder of 1 character cannot encode a whole byte.
  if (text.size() % 4 == 1) return Status::invalid("bad_base64url", "impossible length " + std::to_string(text.size()));
  Bytes out(text.size() / 4 * 3 + 3);
  size_t written = 0;
  const char* end = nullptr;
  // libsodium rejects characters outside the alphabet and non-zero trailing bits; `end` must reach the end.
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    const auto pos = end == nullptr ? 0 : static_cast<size_t>(end - text.data());
    return Status::invalid("bad_base64url", "invalid base64url at position " + std::to_string(pos));
  }
  out.resize(written);
  return out;
}

}  // namespace credence::codec
