#include "credence/codec/multibase.h"

#include <sodium.h>

#include <cctype>

#include "credence/codec/base58.h"
#include "credence/codec/base64url.h"
#include "credence/codec/hex.h"

namespace credence::codec {

namespace {

std::string base64_encode(ByteView data) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(sodium_base64_encoded_len(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), kVariant);
  out.pop_back();
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 == 1) return Status::invalid("bad_multibase", "impossible base64 length");
  Bytes out(text.size() / 4 * 3 + 3);
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return Status::invalid("bad_multibase", "invalid base64");
  }
  out.resize(written);
  return out;
}

// Decodes hex that must be entirely in one case (multibase distinguishes 'f' from 'F').
Result<Bytes> hex_decode_case(std::string_view text, bool upper) {
  for (char c : text) {
    const bool is_letter = std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (is_letter && (upper ? std::islower(static_cast<unsigned char>(c)) : std::isupper(static_cast<unsigned char>(c)))) {
      return Status::invalid("bad_multibase", upper ? "lowercase digit in base16upper" : "uppercase digit in base16");
    }
  }
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    return Status::invalid("bad_multibase", "0x prefix inside multibase");
  }
  auto bytes = hex_decode(text);
  if (!bytes) return Status::invalid("bad_multibase", bytes.status().message());
  return bytes;
}

}  // namespace

std::string multibase_encode(Multibase base, ByteView data) {
  std::string out(1, static_cast<char>(base));
  switch (base) {
    case Multibase::base58btc: return out + base58_encode(data);
    case Multibase::base64url: return out + base64url_encode(data);
    case Multibase::base16: return out + hex_encode(data);
    case Multibase::base16upper: {
      std::string h = hex_encode(data);
      for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return out + h;
    }
    case Multibase::base64: return out + base64_encode(data);
  }
  return out;  // unreachable: every enumerator is handled above
}

Result<MultibaseDecoded> multibase_decode(std::string_view text) {
  if (text.empty()) return Status::invalid("bad_multibase", "empty string");
  const char prefix = text[0];
  const std::string_view body = text.substr(1);
  Result<Bytes> bytes = Status::invalid("unknown_multibase", std::string("unsupported multibase prefix '") + prefix + "'");
  switch (prefix) {
    case 'z': bytes = base58_decode(body); break;
    case 'u': bytes = base64url_decode(body); break;
    case 'f': bytes = hex_decode_case(body, false); break;
    case 'F': bytes = hex_decode_case(body, true); break;
    case 'm': bytes = base64_decode(body); break;
    default: return bytes.status();
  }
  if (!bytes) {
    if (bytes.status().code() == "bad_multibase") return bytes.status();
    return Status::invalid("bad_multibase", bytes.status().to_string());
  }
  return MultibaseDecoded{static_cast<Multibase>(prefix), std::move(*bytes)};
}

}  // namespace credence::codec
