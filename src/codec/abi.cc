#include "credence/codec/abi.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "credence/codec/hex.h"

namespace credence::codec {
namespace {

constexpr std::size_t kWord = 32;

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

Status mismatch(const std::string& what) { return Status::invalid("abi_value_mismatch", what); }

std::string index_context(std::size_t i) { return "[" + std::to_string(i) + "]"; }

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (s.size() - i - 1 < extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      const unsigned min = k == 1 ? lo : 0x80;
      const unsigned max = k == 1 ? hi : 0xBF;
      if (cc < min || cc > max) return false;
    }
    i += extra + 1;
  }
  return true;
}

// Does `word` fit uint<bits>?
bool fits_uint(const U256& word, unsigned bits) { return word.bit_length() <= bits; }

// Does `word` (two's complement over 256 bits) fit int<bits>? Bits bits-1..255 must all equal the sign.
bool fits_int(const U256& word, unsigned bits) {
  const U256 high = word >> (bits - 1);
  return high.is_zero() || high == (U256::max() >> (bits - 1));
}

// The items of a tuple or array, one type per item (repeated for arrays) without copying types.
struct Sequence {
  const AbiType* types;
  std::size_t count;
  bool repeated;

  [[nodiscard]] const AbiType& at(std::size_t i) const { return repeated ? types[0] : types[i]; }  // NOLINT
};

Sequence sequence_of(const AbiType& type, std::size_t count) {
  if (type.kind() == AbiKind::tuple) return {type.components().data(), type.components().size(), false};
  return {&type.element(), count, true};
}

// The number of items a value of `type` must have; `actual` for dynamic arrays, whose length is free.
std::size_t expected_count(const AbiType& type, std::size_t actual) {
  if (type.kind() == AbiKind::tuple) return type.components().size();
  if (type.kind() == AbiKind::fixed_array) return type.size();
  return actual;
}

std::size_t saturating_mul(std::size_t a, std::size_t b) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return std::numeric_limits<std::size_t>::max();
  return a * b;
}

std::size_t heads_size(const Sequence& seq) {
  if (seq.repeated) return saturating_mul(seq.count, seq.types[0].head_size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < seq.count; ++i) {
    const std::size_t h = seq.at(i).head_size();
    total = total > std::numeric_limits<std::size_t>::max() - h ? std::numeric_limits<std::size_t>::max() : total + h;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

const char* kind_name(AbiValue::Kind kind) {
  switch (kind) {
    case AbiValue::Kind::word:
      return "an integer";
    case AbiValue::Kind::address:
      return "an address";
    case AbiValue::Kind::boolean:
      return "a bool";
    case AbiValue::Kind::fixed_bytes:
      return "fixed bytes";
    case AbiValue::Kind::bytes:
      return "bytes";
    case AbiValue::Kind::string:
      return "a string";
    case AbiValue::Kind::list:
      return "a list";
  }
  return "?";
}

AbiValue::Kind expected_kind(const AbiType& type) {
  switch (type.kind()) {
    case AbiKind::unsigned_int:
    case AbiKind::signed_int:
      return AbiValue::Kind::word;
    case AbiKind::address:
      return AbiValue::Kind::address;
    case AbiKind::boolean:
      return AbiValue::Kind::boolean;
    case AbiKind::fixed_bytes:
      return AbiValue::Kind::fixed_bytes;
    case AbiKind::bytes:
      return AbiValue::Kind::bytes;
    case AbiKind::string:
      return AbiValue::Kind::string;
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple:
      return AbiValue::Kind::list;
  }
  return AbiValue::Kind::list;
}

Status check_value(const AbiType& type, const AbiValue& value) {
  if (value.kind() != expected_kind(type)) {
    return mismatch(type.canonical() + " needs " + kind_name(expected_kind(type)) + ", got " +
                    kind_name(value.kind()));
  }
  switch (type.kind()) {
    case AbiKind::unsigned_int:
      if (!fits_uint(value.as_word(), type.bits())) return mismatch("value out of range for " + type.canonical());
      return Status::ok();
    case AbiKind::signed_int:
      if (!fits_int(value.as_word(), type.bits())) return mismatch("value out of range for " + type.canonical());
      return Status::ok();
    case AbiKind::fixed_bytes:
      if (value.as_bytes().size() != type.size()) {
        return mismatch(type.canonical() + " needs " + std::to_string(type.size()) + " bytes, got " +
                        std::to_string(value.as_bytes().size()));
      }
      return Status::ok();
    case AbiKind::string:
      if (!is_utf8(value.as_string())) return mismatch("string is not well-formed UTF-8");
      return Status::ok();
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple: {
      const auto& items = value.as_list();
      const std::size_t want = expected_count(type, items.size());
      if (items.size() != want) {
        return mismatch(type.canonical() + " needs " + std::to_string(want) + " items, got " +
                        std::to_string(items.size()));
      }
      const Sequence seq = sequence_of(type, items.size());
      for (std::size_t i = 0; i < items.size(); ++i) {
        // The context string is built only on failure: encoding checks every value of every leaf of a tree.
        if (Status s = check_value(seq.at(i), items[i]); !s.is_ok()) return s.with_context(index_context(i));
      }
      return Status::ok();
    }
    case AbiKind::address:
    case AbiKind::boolean:
    case AbiKind::bytes:
      return Status::ok();
  }
  return Status::ok();
}

Status check_lists(std::span<const AbiType> types, std::span<const AbiValue> values) {
  if (types.size() != values.size()) {
    return mismatch(std::to_string(types.size()) + " types but " + std::to_string(values.size()) + " values");
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (Status s = check_value(types[i], values[i]); !s.is_ok()) return s.with_context(index_context(i));
  }
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------------------------
// Standard encoding (values already checked)

void put_word(Bytes& out, const U256& w) {
  const auto b = w.to_be_bytes();
  out.insert(out.end(), b.begin(), b.end());
}

void put_padded_right(Bytes& out, ByteView data) {
  out.insert(out.end(), data.begin(), data.end());
  const std::size_t pad = (kWord - data.size() % kWord) % kWord;
  out.insert(out.end(), pad, 0);
}

void encode_value(const AbiType& type, const AbiValue& value, Bytes& out);

void encode_sequence(const Sequence& seq, std::span<const AbiValue> items, Bytes& out) {
  const std::size_t head_total = heads_size(seq);
  Bytes tail;
  for (std::size_t i = 0; i < seq.count; ++i) {
    const AbiType& t = seq.at(i);
    if (t.is_dynamic()) {
      put_word(out, U256::from_u64(head_total + tail.size()));
      encode_value(t, items[i], tail);
    } else {
      encode_value(t, items[i], out);
    }
  }
  out.insert(out.end(), tail.begin(), tail.end());
}

void encode_value(const AbiType& type, const AbiValue& value, Bytes& out) {
  switch (type.kind()) {
    case AbiKind::unsigned_int:
    case AbiKind::signed_int:
      put_word(out, value.as_word());
      return;
    case AbiKind::address:
      out.insert(out.end(), kWord - 20, 0);
      out.insert(out.end(), value.as_address().begin(), value.as_address().end());
      return;
    case AbiKind::boolean:
      put_word(out, U256::from_u64(value.as_bool() ? 1 : 0));
      return;
    case AbiKind::fixed_bytes:
      put_padded_right(out, value.as_bytes());
      return;
    case AbiKind::bytes:
      put_word(out, U256::from_u64(value.as_bytes().size()));
      put_padded_right(out, value.as_bytes());
      return;
    case AbiKind::string:
      put_word(out, U256::from_u64(value.as_string().size()));
      put_padded_right(out, as_bytes(value.as_string()));
      return;
    case AbiKind::array:
      put_word(out, U256::from_u64(value.as_list().size()));
      encode_sequence(sequence_of(type, value.as_list().size()), value.as_list(), out);
      return;
    case AbiKind::fixed_array:
    case AbiKind::tuple:
      encode_sequence(sequence_of(type, value.as_list().size()), value.as_list(), out);
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Packed encoding (values already checked)

bool packable_array_element(const AbiType& t) {
  return !t.is_array() && t.kind() != AbiKind::tuple && t.kind() != AbiKind::bytes && t.kind() != AbiKind::string;
}

void encode_packed_value(const AbiType& type, const AbiValue& value, Bytes& out) {
  switch (type.kind()) {
    case AbiKind::unsigned_int:
    case AbiKind::signed_int: {
      // The low M/8 bytes: for int<M> these are the two's complement of the value in M bits.
      const auto word = value.as_word().to_be_bytes();
      const std::size_t width = type.bits() / 8;
      out.insert(out.end(), word.end() - static_cast<std::ptrdiff_t>(width), word.end());
      return;
    }
    case AbiKind::address:
      out.insert(out.end(), value.as_address().begin(), value.as_address().end());
      return;
    case AbiKind::boolean:
      out.push_back(value.as_bool() ? 1 : 0);
      return;
    case AbiKind::fixed_bytes:
    case AbiKind::bytes:
      out.insert(out.end(), value.as_bytes().begin(), value.as_bytes().end());
      return;
    case AbiKind::string:
      out.insert(out.end(), value.as_string().begin(), value.as_string().end());
      return;
    case AbiKind::array:
    case AbiKind::fixed_array:
      // Elements in place, each in its standard 32-byte form; no length.
      for (const auto& item : value.as_list()) encode_value(type.element(), item, out);
      return;
    case AbiKind::tuple:
      return;  // rejected before encoding
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Strict decoding

struct Decoded {
  AbiValue value;
  std::size_t consumed;  // bytes of input this value's encoding occupies
};

class Decoder {
 public:
  explicit Decoder(ByteView data) : data_(data) {}

  // Decodes the items of `seq` laid out as a tuple starting at `start`, inside [start, end).
  Result<std::pair<std::vector<AbiValue>, std::size_t>> decode_sequence(const Sequence& seq, std::size_t start,
                                                                        std::size_t end) {
    const std::size_t head_total = heads_size(seq);
    if (head_total > end - start) {
      return fail("abi_truncated", "need " + std::to_string(head_total) + " bytes of heads", start);
    }
    std::vector<AbiValue> items;
    items.reserve(seq.count);
    std::size_t head = start;
    std::size_t next = head_total;  // canonical offset of the next dynamic item, relative to start
    for (std::size_t i = 0; i < seq.count; ++i) {
      const AbiType& t = seq.at(i);
      if (t.is_dynamic()) {
        const U256 offset = word_at(head);
        if (offset != U256::from_u64(next)) {
          return fail("abi_bad_offset", "offset " + offset.to_hex() + ", canonical is " + std::to_string(next), head)
              .with_context(index_context(i));
        }
        auto d = decode_value(t, start + next, end);
        if (!d) return d.status().with_context(index_context(i));
        next += d->consumed;
        items.push_back(std::move(d->value));
      } else {
        auto d = decode_value(t, head, start + head_total);
        if (!d) return d.status().with_context(index_context(i));
        items.push_back(std::move(d->value));
      }
      head += t.head_size();
    }
    return std::make_pair(std::move(items), next);
  }

  Result<Decoded> decode_value(const AbiType& type, std::size_t start, std::size_t end) {
    if (!type.is_dynamic() && type.head_size() > end - start) {
      return fail("abi_truncated", "need " + std::to_string(type.head_size()) + " bytes for " + type.canonical(),
                  start);
    }
    switch (type.kind()) {
      case AbiKind::unsigned_int: {
        const U256 w = word_at(start);
        if (!fits_uint(w, type.bits())) {
          return fail("abi_out_of_range", "value too large for " + type.canonical(), start);
        }
        return Decoded{AbiValue::word(w), kWord};
      }
      case AbiKind::signed_int: {
        const U256 w = word_at(start);
        if (!fits_int(w, type.bits())) {
          return fail("abi_out_of_range", "value not a sign-extended " + type.canonical(), start);
        }
        return Decoded{AbiValue::word(w), kWord};
      }
      case AbiKind::address: {
        if (!all_zero(start, kWord - 20)) return fail("abi_bad_padding", "address has non-zero high bytes", start);
        FixedBytes<20> a{};
        std::copy_n(data_.begin() + offset_cast(start + kWord - 20), 20, a.begin());
        return Decoded{AbiValue::address(a), kWord};
      }
      case AbiKind::boolean: {
        const U256 w = word_at(start);
        if (w != U256::from_u64(0) && w != U256::from_u64(1)) {
          return fail("abi_bad_bool", "bool is not 0 or 1", start);
        }
        return Decoded{AbiValue::boolean(w.low_u64() == 1), kWord};
      }
      case AbiKind::fixed_bytes: {
        if (!all_zero(start + type.size(), kWord - type.size())) {
          return fail("abi_bad_padding", "non-zero padding after " + type.canonical(), start);
        }
        return Decoded{AbiValue::fixed_bytes(data_.subspan(start, type.size())), kWord};
      }
      case AbiKind::bytes:
      case AbiKind::string:
        return decode_bytes(type, start, end);
      case AbiKind::array: {
        if (end - start < kWord) return fail("abi_truncated", "need 32 bytes for the array length", start);
        const U256 count_word = word_at(start);
        const std::size_t room = end - start - kWord;
        const std::size_t per_item = type.element().head_size();
        if (!count_word.fits_u64() || count_word.low_u64() > room / per_item) {
          return fail("abi_bad_length",
                      "array length " + count_word.to_decimal() + " exceeds the " + std::to_string(room) +
                          " bytes left",
                      start);
        }
        const auto count = static_cast<std::size_t>(count_word.low_u64());
        CREDENCE_ASSIGN_OR_RETURN(auto items, decode_sequence(sequence_of(type, count), start + kWord, end));
        return Decoded{AbiValue::list(std::move(items.first)), kWord + items.second};
      }
      case AbiKind::fixed_array:
      case AbiKind::tuple: {
        const std::size_t count = type.kind() == AbiKind::tuple ? type.components().size() : type.size();
        CREDENCE_ASSIGN_OR_RETURN(auto items, decode_sequence(sequence_of(type, count), start, end));
        return Decoded{AbiValue::list(std::move(items.first)), items.second};
      }
    }
    return fail("abi_truncated", "unknown type", start);  // not reached: the switch covers every kind
  }

  Status fail(const char* code, const std::string& what, std::size_t at) const {
    return Status::invalid(code, what + " at byte " + std::to_string(at));
  }

 private:
  static std::ptrdiff_t offset_cast(std::size_t v) { return static_cast<std::ptrdiff_t>(v); }

  // Precondition (checked by callers): start + 32 <= data_.size().
  [[nodiscard]] U256 word_at(std::size_t start) const {
    return U256::from_be_bytes(FixedView<kWord>(data_.subspan(start, kWord)));
  }

  [[nodiscard]] bool all_zero(std::size_t start, std::size_t n) const {
    const auto region = data_.subspan(start, n);
    return std::all_of(region.begin(), region.end(), [](std::uint8_t b) { return b == 0; });
  }

  Result<Decoded> decode_bytes(const AbiType& type, std::size_t start, std::size_t end) {
    if (end - start < kWord) return fail("abi_truncated", "need 32 bytes for the length", start);
    const U256 len_word = word_at(start);
    const std::size_t room = end - start - kWord;
    if (!len_word.fits_u64() || len_word.low_u64() > room) {
      return fail("abi_bad_length",
                  "length " + len_word.to_decimal() + " exceeds the " + std::to_string(room) + " bytes left", start);
    }
    const auto len = static_cast<std::size_t>(len_word.low_u64());
    const std::size_t padded = len + (kWord - len % kWord) % kWord;
    if (padded > room) return fail("abi_truncated", "padding of " + type.canonical() + " cut short", start);
    const std::size_t body = start + kWord;
    if (!all_zero(body + len, padded - len)) {
      return fail("abi_bad_padding", "non-zero padding after " + type.canonical() + " data", body + len);
    }
    const auto data = data_.subspan(body, len);
    if (type.kind() == AbiKind::bytes) return Decoded{AbiValue::bytes(data), kWord + padded};
    std::string s(data.begin(), data.end());
    if (!is_utf8(s)) return fail("abi_bad_utf8", "string is not well-formed UTF-8", body);
    return Decoded{AbiValue::string(std::move(s)), kWord + padded};
  }

  ByteView data_;
};

// ---------------------------------------------------------------------------------------------------------------
// JSON view

std::string signed_decimal(const U256& word) {
  if (word.bit(255)) return "-" + word.wrapping_neg().to_decimal();
  return word.to_decimal();
}

nlohmann::json to_json(const AbiType& type, const AbiValue& value) {
  if (value.kind() != expected_kind(type)) return nullptr;
  switch (type.kind()) {
    case AbiKind::unsigned_int:
      if (!fits_uint(value.as_word(), type.bits())) return nullptr;
      return value.as_word().to_decimal();
    case AbiKind::signed_int:
      if (!fits_int(value.as_word(), type.bits())) return nullptr;
      return signed_decimal(value.as_word());
    case AbiKind::address:
      return hex_encode_0x(value.as_address());
    case AbiKind::boolean:
      return value.as_bool();
    case AbiKind::fixed_bytes:
      if (value.as_bytes().size() != type.size()) return nullptr;
      return hex_encode_0x(value.as_bytes());
    case AbiKind::bytes:
      return hex_encode_0x(value.as_bytes());
    case AbiKind::string:
      // nlohmann's dump() throws on invalid UTF-8, so such a string is never put into a json value.
      if (!is_utf8(value.as_string())) return nullptr;
      return value.as_string();
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple: {
      const auto& items = value.as_list();
      if (items.size() != expected_count(type, items.size())) return nullptr;
      const Sequence seq = sequence_of(type, items.size());
      nlohmann::json out = nlohmann::json::array();
      for (std::size_t i = 0; i < items.size(); ++i) out.push_back(to_json(seq.at(i), items[i]));
      return out;
    }
  }
  return nullptr;
}

// "0x"-prefixed hex of exactly `want` bytes (any length when want is SIZE_MAX).
Result<Bytes> hex_field(const nlohmann::json& json, const std::string& type_name, std::size_t want) {
  if (!json.is_string()) return mismatch(type_name + " needs a \"0x\" hex string");
  const auto& s = json.get_ref<const std::string&>();
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
    return mismatch(type_name + " needs a \"0x\" hex string");
  }
  // "0x" alone is the empty byte string; it is answered here because hex_decode hands libsodium a null buffer for
  // empty output.
  auto b = s.size() == 2 ? Result<Bytes>(Bytes{}) : hex_decode(s);
  if (!b) return mismatch(type_name + ": " + b.status().to_string());
  if (want != std::numeric_limits<std::size_t>::max() && b->size() != want) {
    return mismatch(type_name + " needs " + std::to_string(want) + " bytes, got " + std::to_string(b->size()));
  }
  return std::move(*b);
}

Result<AbiValue> integer_from_json(const AbiType& type, const nlohmann::json& json) {
  const bool is_signed = type.kind() == AbiKind::signed_int;
  const std::string name = type.canonical();
  bool negative = false;
  U256 magnitude;
  if (json.is_number_unsigned()) {
    magnitude = U256::from_u64(json.get<std::uint64_t>());
  } else if (json.is_number_integer()) {
    const auto v = json.get<std::int64_t>();
    negative = v < 0;
    // |INT64_MIN| does not fit int64; go through unsigned arithmetic.
    magnitude = U256::from_u64(negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v));
  } else if (json.is_string()) {
    std::string_view s = json.get_ref<const std::string&>();
    if (!s.empty() && s[0] == '-') {
      negative = true;
      s.remove_prefix(1);
    }
    auto parsed = U256::parse(s);
    if (!parsed) return mismatch(name + ": " + parsed.status().to_string());
    magnitude = *parsed;
  } else {
    return mismatch(name + " needs a decimal string, \"0x\" hex string or JSON integer");
  }
  if (negative && magnitude.is_zero()) negative = false;  // "-0" is 0
  if (!is_signed) {
    if (negative) return mismatch(name + " cannot be negative");
    if (!fits_uint(magnitude, type.bits())) return mismatch("value out of range for " + name);
    return AbiValue::word(magnitude);
  }
  // int<M>: -2^(M-1) <= v <= 2^(M-1) - 1.
  const U256 limit = U256::power_of_two(type.bits() - 1);
  if (negative ? magnitude > limit : magnitude >= limit) return mismatch("value out of range for " + name);
  return AbiValue::word(negative ? magnitude.wrapping_neg() : magnitude);
}

Result<AbiValue> from_json(const AbiType& type, const nlohmann::json& json) {
  switch (type.kind()) {
    case AbiKind::unsigned_int:
    case AbiKind::signed_int:
      return integer_from_json(type, json);
    case AbiKind::address: {
      CREDENCE_ASSIGN_OR_RETURN(Bytes b, hex_field(json, "address", 20));
      FixedBytes<20> a{};
      std::copy(b.begin(), b.end(), a.begin());
      return AbiValue::address(a);
    }
    case AbiKind::boolean:
      if (!json.is_boolean()) return mismatch("bool needs true or false");
      return AbiValue::boolean(json.get<bool>());
    case AbiKind::fixed_bytes: {
      CREDENCE_ASSIGN_OR_RETURN(Bytes b, hex_field(json, type.canonical(), type.size()));
      return AbiValue::fixed_bytes(b);
    }
    case AbiKind::bytes: {
      CREDENCE_ASSIGN_OR_RETURN(Bytes b, hex_field(json, "bytes", std::numeric_limits<std::size_t>::max()));
      return AbiValue::bytes(b);
    }
    case AbiKind::string:
      if (!json.is_string()) return mismatch("string needs a JSON string");
      // Text from nlohmann's parser is valid UTF-8, but a json built in code may hold anything.
      if (!is_utf8(json.get_ref<const std::string&>())) return mismatch("string is not well-formed UTF-8");
      return AbiValue::string(json.get<std::string>());
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple: {
      if (!json.is_array()) return mismatch(type.canonical() + " needs a JSON array");
      const std::size_t want = expected_count(type, json.size());
      if (json.size() != want) {
        return mismatch(type.canonical() + " needs " + std::to_string(want) + " items, got " +
                        std::to_string(json.size()));
      }
      const Sequence seq = sequence_of(type, json.size());
      std::vector<AbiValue> items;
      items.reserve(json.size());
      for (std::size_t i = 0; i < json.size(); ++i) {
        auto item = from_json(seq.at(i), json[i]);
        if (!item) return item.status().with_context(index_context(i));
        items.push_back(std::move(*item));
      }
      return AbiValue::list(std::move(items));
    }
  }
  return mismatch("unknown type");
}

}  // namespace

// -------------------------------------------------------------------------------------------------------------------
// AbiValue

AbiValue AbiValue::word(const U256& value) {
  AbiValue v;
  v.v_ = value;
  return v;
}

AbiValue AbiValue::from_u64(std::uint64_t value) { return word(U256::from_u64(value)); }

AbiValue AbiValue::from_int64(std::int64_t value) {
  const U256 magnitude = U256::from_u64(value < 0 ? 0 - static_cast<std::uint64_t>(value)
                                                  : static_cast<std::uint64_t>(value));
  return word(value < 0 ? magnitude.wrapping_neg() : magnitude);
}

AbiValue AbiValue::address(const FixedBytes<20>& value) {
  AbiValue v;
  v.v_ = value;
  return v;
}

AbiValue AbiValue::boolean(bool value) {
  AbiValue v;
  v.v_ = value;
  return v;
}

AbiValue AbiValue::fixed_bytes(ByteView value) {
  AbiValue v;
  v.v_ = FixedBytesValue{Bytes(value.begin(), value.end())};
  return v;
}

AbiValue AbiValue::bytes(ByteView value) {
  AbiValue v;
  v.v_ = Bytes(value.begin(), value.end());
  return v;
}

AbiValue AbiValue::string(std::string value) {
  AbiValue v;
  v.v_ = std::move(value);
  return v;
}

AbiValue AbiValue::list(std::vector<AbiValue> items) {
  AbiValue v;
  v.v_ = std::move(items);
  return v;
}

const U256& AbiValue::as_word() const {
  assert(kind() == Kind::word);
  return std::get<U256>(v_);
}

const FixedBytes<20>& AbiValue::as_address() const {
  assert(kind() == Kind::address);
  return std::get<FixedBytes<20>>(v_);
}

bool AbiValue::as_bool() const {
  assert(kind() == Kind::boolean);
  return std::get<bool>(v_);
}

const Bytes& AbiValue::as_bytes() const {
  assert(kind() == Kind::fixed_bytes || kind() == Kind::bytes);
  if (kind() == Kind::fixed_bytes) return std::get<FixedBytesValue>(v_).data;
  return std::get<Bytes>(v_);
}

const std::string& AbiValue::as_string() const {
  assert(kind() == Kind::string);
  return std::get<std::string>(v_);
}

const std::vector<AbiValue>& AbiValue::as_list() const {
  assert(kind() == Kind::list);
  return std::get<std::vector<AbiValue>>(v_);
}

bool operator==(const AbiValue& a, const AbiValue& b) { return a.v_ == b.v_; }

// -------------------------------------------------------------------------------------------------------------------
// Public functions

Status abi_check(const AbiType& type, const AbiValue& value) { return check_value(type, value); }

Result<Bytes> abi_encode(const AbiType& type, const AbiValue& value) {
  return abi_encode(std::span<const AbiType>(&type, 1), std::span<const AbiValue>(&value, 1));
}

Result<Bytes> abi_encode(std::span<const AbiType> types, std::span<const AbiValue> values) {
  CREDENCE_RETURN_IF_ERROR(check_lists(types, values));
  Bytes out;
  encode_sequence(Sequence{types.data(), types.size(), false}, values, out);
  return out;
}

Result<Bytes> abi_encode_packed(std::span<const AbiType> types, std::span<const AbiValue> values) {
  for (std::size_t i = 0; i < types.size(); ++i) {
    const AbiType& t = types[i];
    if (t.kind() == AbiKind::tuple || (t.is_array() && !packable_array_element(t.element()))) {
      return Status::invalid("abi_packed_unsupported",
                             index_context(i) + ": " + t.canonical() + " cannot be packed (tuples and arrays of "
                             "arrays, tuples, bytes or string are not supported)");
    }
  }
  CREDENCE_RETURN_IF_ERROR(check_lists(types, values));
  Bytes out;
  for (std::size_t i = 0; i < types.size(); ++i) encode_packed_value(types[i], values[i], out);
  return out;
}

Result<AbiValue> abi_decode(const AbiType& type, ByteView data) {
  CREDENCE_ASSIGN_OR_RETURN(auto values, abi_decode(std::span<const AbiType>(&type, 1), data));
  return std::move(values[0]);
}

Result<std::vector<AbiValue>> abi_decode(std::span<const AbiType> types, ByteView data) {
  Decoder decoder(data);
  CREDENCE_ASSIGN_OR_RETURN(auto decoded, decoder.decode_sequence(Sequence{types.data(), types.size(), false}, 0,
                                                                   data.size()));
  if (decoded.second != data.size()) {
    return decoder.fail("abi_trailing_bytes",
                        std::to_string(data.size() - decoded.second) + " bytes after the encoding", decoded.second);
  }
  return std::move(decoded.first);
}

nlohmann::json abi_to_json(const AbiType& type, const AbiValue& value) { return to_json(type, value); }

nlohmann::json abi_to_json(std::span<const AbiType> types, std::span<const AbiValue> values) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < types.size(); ++i) {
    out.push_back(i < values.size() ? to_json(types[i], values[i]) : nlohmann::json(nullptr));
  }
  return out;
}

Result<AbiValue> abi_from_json(const AbiType& type, const nlohmann::json& json) { return from_json(type, json); }

Result<std::vector<AbiValue>> abi_from_json(std::span<const AbiType> types, const nlohmann::json& json) {
  if (!json.is_array()) return mismatch("a parameter list needs a JSON array");
  if (json.size() != types.size()) {
    return mismatch(std::to_string(types.size()) + " types but " + std::to_string(json.size()) + " values");
  }
  std::vector<AbiValue> values;
  values.reserve(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    auto v = from_json(types[i], json[i]);
    if (!v) return v.status().with_context(index_context(i));
    values.push_back(std::move(*v));
  }
  return values;
}

}  // namespace credence::codec
