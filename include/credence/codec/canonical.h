// Canonical binary encoding: the one deterministic byte form of everything Credence hashes or signs.
// Specification: docs/encoding.md.
//
// Every value has exactly one encoding and the Reader accepts nothing else (minimal varints, 0/1 booleans,
// valid UTF-8, no trailing bytes), so decode(x) succeeding implies encode(decode(x)) == x. A message starts with a
// header — its type tag (a string such as "credence/attestation") and a version byte — so the encodings of two
// message types never collide and ids can be SHA-256 of the whole encoding.
//
// Writer appends to a growing buffer. Reader borrows its input (which must outlive it), checks every read against
// the remaining bytes, and never allocates more than the input could hold. Neither is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/status.h"

namespace credence::codec {

// Largest length accepted for one bytes/string field by default (16 MiB).
inline constexpr std::uint64_t kMaxFieldLength = 16u << 20;

class Writer {
 public:
  Writer();
  // Starts a message: tag string then version byte.
  Writer(std::string_view tag, std::uint8_t version);

  Writer& u8(std::uint8_t v);
  Writer& u16(std::uint16_t v);
  Writer& u32(std::uint32_t v);
  Writer& u64(std::uint64_t v);
  Writer& boolean(bool v);
  Writer& varint(std::uint64_t v);            // unsigned LEB128, minimal
  Writer& bytes(ByteView v);                  // varint length, then the bytes
  Writer& string(std::string_view v);         // as bytes; must be valid UTF-8 (asserted: our own strings)
  Writer& raw(ByteView v);                    // no length: fixed-size fields
  template <std::size_t N>
  Writer& fixed(FixedView<N> v) {
    return raw(v);
  }

  [[nodiscard]] const Bytes& data() const& { return out_; }
  [[nodiscard]] Bytes take() && { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(ByteView input, std::uint64_t max_field_length = kMaxFieldLength)
      : in_(input), max_field_length_(max_field_length) {}

  // Reads a message header; invalid("bad_tag") unless the tag is `tag`, invalid("unsupported_version") unless the
  // version is in [min_version, max_version]. Returns the version.
  Result<std::uint8_t> header(std::string_view tag, std::uint8_t min_version, std::uint8_t max_version);

  Result<std::uint8_t> u8();
  Result<std::uint16_t> u16();
  Result<std::uint32_t> u32();
  Result<std::uint64_t> u64();
  Result<bool> boolean();                     // invalid("bad_bool") unless 0x00 or 0x01
  Result<std::uint64_t> varint();             // invalid("bad_varint") if non-minimal or > 64 bits
  Result<Bytes> bytes();                      // invalid("too_long") above max_field_length
  Result<std::string> string();               // invalid("bad_utf8") unless valid UTF-8
  Result<ByteView> raw(std::size_t n);        // a view into the input
  template <std::size_t N>
  Result<FixedBytes<N>> fixed() {
    auto v = raw(N);
    if (!v) return v.status();
    FixedBytes<N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = (*v)[i];
    return out;
  }
  // A count of elements that follow, each at least `min_element_size` bytes: rejects counts the remaining input
  // cannot hold (invalid("truncated")) so callers may reserve() safely.
  Result<std::uint64_t> count(std::size_t min_element_size = 1);

  // invalid("trailing_bytes") unless every byte was consumed.
  Status finish() const;

  [[nodiscard]] std::size_t position() const { return pos_; }
  [[nodiscard]] std::size_t remaining() const { return in_.size() - pos_; }

 private:
  Status truncated(std::size_t wanted) const;

  ByteView in_;
  std::size_t pos_ = 0;
  std::uint64_t max_field_length_;
};

// True iff `s` is well-formed UTF-8 (no overlong forms, no surrogates, no code point above U+10FFFF).
[[nodiscard]] bool is_valid_utf8(std::string_view s);

}  // namespace credence::codec
