#include "credence/codec/canonical.h"

#include <cassert>

namespace credence::codec {

namespace {
// Room for most messages (ids, state keys, records, transactions) from the start: growing a vector from empty one
// push_back at a time reallocates five or six times before the first 64 bytes.
constexpr std::size_t kInitialCapacity = 256;

template <typename T>
void append_be(Bytes& out, T v) {
  std::uint8_t be[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) be[i] = static_cast<std::uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
  out.insert(out.end(), be, be + sizeof(T));
}
}  // namespace

Writer::Writer() { out_.reserve(kInitialCapacity); }

Writer::Writer(std::string_view tag, std::uint8_t version) {
  out_.reserve(kInitialCapacity);
  string(tag).u8(version);
}

Writer& Writer::u8(std::uint8_t v) {
  out_.push_back(v);
  return *this;
}

Writer& Writer::u16(std::uint16_t v) {
  append_be(out_, v);
  return *this;
}

Writer& Writer::u32(std::uint32_t v) {
  append_be(out_, v);
  return *this;
}

Writer& Writer::u64(std::uint64_t v) {
  append_be(out_, v);
  return *this;
}

Writer& Writer::boolean(bool v) { return u8(v ? 1 : 0); }

Writer& Writer::varint(std::uint64_t v) {
  while (v >= 0x80) {
    u8(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  return u8(static_cast<std::uint8_t>(v));
}

Writer& Writer::bytes(ByteView v) {
  varint(v.size());
  return raw(v);
}

Writer& Writer::string(std::string_view v) {
  assert(is_valid_utf8(v) && "canonical strings are UTF-8; validate input before encoding it");
  return bytes(as_bytes(v));
}

Writer& Writer::raw(ByteView v) {
  out_.insert(out_.end(), v.begin(), v.end());
  return *this;
}

Status Reader::truncated(std::size_t wanted) const {
  return Status::invalid("truncated", "need " + std::to_string(wanted) + " bytes at offset " + std::to_string(pos_) +
                                          ", " + std::to_string(remaining()) + " left");
}

Result<std::uint8_t> Reader::header(std::string_view tag, std::uint8_t min_version, std::uint8_t max_version) {
  auto got = string();
  if (!got) return got.status();
  if (*got != tag) return Status::invalid("bad_tag", "expected message type \"" + std::string(tag) + "\"");
  auto version = u8();
  if (!version) return version.status();
  if (*version < min_version || *version > max_version) {
    return Status::invalid("unsupported_version",
                           std::string(tag) + " version " + std::to_string(*version) + " is not supported");
  }
  return *version;
}

Result<std::uint8_t> Reader::u8() {
  if (remaining() < 1) return truncated(1);
  return in_[pos_++];
}

Result<std::uint16_t> Reader::u16() {
  if (remaining() < 2) return truncated(2);
  const auto v = static_cast<std::uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
  pos_ += 2;
  return v;
}

Result<std::uint32_t> Reader::u32() {
  if (remaining() < 4) return truncated(4);
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in_[pos_++];
  return v;
}

Result<std::uint64_t> Reader::u64() {
  if (remaining() < 8) return truncated(8);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in_[pos_++];
  return v;
}

Result<bool> Reader::boolean() {
  const std::size_t at = pos_;
  auto b = u8();
  if (!b) return b.status();
  if (*b > 1) return Status::invalid("bad_bool", "boolean byte " + std::to_string(*b) + " at offset " + std::to_string(at));
  return *b == 1;
}

Result<std::uint64_t> Reader::varint() {
  const std::size_t start = pos_;
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    if (remaining() < 1) return truncated(1);
    const std::uint8_t byte = in_[pos_++];
    if (shift == 63 && byte > 1) return Status::invalid("bad_varint", "varint exceeds 64 bits at offset " + std::to_string(start));
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      // Minimal: the last byte is non-zero unless the whole value is the single byte 0x00.
      if (byte == 0 && pos_ - start > 1) {
        return Status::invalid("bad_varint", "non-minimal varint at offset " + std::to_string(start));
      }
      return v;
    }
  }
}

Result<ByteView> Reader::raw(std::size_t n) {
  if (remaining() < n) return truncated(n);
  ByteView v = in_.subspan(pos_, n);
  pos_ += n;
  return v;
}

Result<Bytes> Reader::bytes() {
  const std::size_t at = pos_;
  auto len = varint();
  if (!len) return len.status();
  if (*len > max_field_length_) {
    return Status::invalid("too_long", "field of " + std::to_string(*len) + " bytes at offset " + std::to_string(at));
  }
  if (*len > remaining()) return truncated(static_cast<std::size_t>(*len));
  auto v = raw(static_cast<std::size_t>(*len));
  return Bytes(v->begin(), v->end());
}

Result<std::string> Reader::string() {
  const std::size_t at = pos_;
  auto b = bytes();
  if (!b) return b.status();
  std::string s(b->begin(), b->end());
  if (!is_valid_utf8(s)) return Status::invalid("bad_utf8", "string at offset " + std::to_string(at));
  return s;
}

Result<std::uint64_t> Reader::count(std::size_t min_element_size) {
  auto n = varint();
  if (!n) return n.status();
  if (min_element_size == 0) min_element_size = 1;
  if (*n > remaining() / min_element_size) {
    return Status::invalid("truncated", "count " + std::to_string(*n) + " exceeds what the remaining " +
                                            std::to_string(remaining()) + " bytes can hold");
  }
  return *n;
}

Status Reader::finish() const {
  if (remaining() != 0) {
    return Status::invalid("trailing_bytes", std::to_string(remaining()) + " bytes after the end at offset " +
                                                 std::to_string(pos_));
  }
  return Status::ok();
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1fu, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0fu, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // continuation bytes missing
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace credence::codec
