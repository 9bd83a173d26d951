#include "credence/codec/hex.h"

#include <sodium.h>

namespace credence::codec {

std::string hex_encode(ByteView data) {
  std::string out(data.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data.data(), data.size());
  out.pop_back();  // libsodium writes a terminating NUL
  return out;
}

std::string hex_encode_0x(ByteView data) { return "0x" + hex_encode(data); }

Result<Bytes> hex_decode(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  if (text.size() % 2 != 0) return Status::invalid("bad_hex", "odd number of hex digits");
  if (text.empty()) return Bytes{};  // libsodium must not be handed a null output buffer
  Bytes out(text.size() / 2);
  size_t written = 0;
  const char* end = nullptr;
  // ignore = nullptr: no separators allowed; `end` tells where parsing stopped.
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end) != 0 ||
      end != text.data() + text.size() || written != out.size()) {
    const auto pos = end == nullptr ? 0 : static_cast<size_t>(end - text.data());
    return Status::invalid("bad_hex", "not a hex digit at position " + std::to_string(pos));
  }
  return out;
}

}  // namespace credence::codec
