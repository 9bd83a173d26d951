#include "credence/codec/canonical.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <charconv>

#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::codec {
namespace {

std::uint64_t to_u64(const std::string& s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Reads one primitive of `kind` from `reader` and renders it as the vector file's "value" string.
Result<std::string> read_kind(Reader& reader, const std::string& kind) {
  if (kind == "varint") {
    CREDENCE_ASSIGN_OR_RETURN(auto v, reader.varint());
    return std::to_string(v);
  }
  if (kind == "u64") {
    CREDENCE_ASSIGN_OR_RETURN(auto v, reader.u64());
    return std::to_string(v);
  }
  if (kind == "u32") {
    CREDENCE_ASSIGN_OR_RETURN(auto v, reader.u32());
    return std::to_string(v);
  }
  if (kind == "u16") {
    CREDENCE_ASSIGN_OR_RETURN(auto v, reader.u16());
    return std::to_string(v);
  }
  if (kind == "bool") {
    CREDENCE_ASSIGN_OR_RETURN(auto v, reader.boolean());
    return std::string(v ? "true" : "false");
  }
  if (kind == "string") return reader.string();
  if (kind == "header") {
    CREDENCE_ASSIGN_OR_RETURN(auto v, reader.header("credence/test", 1, 1));
    (void)v;
    return std::string("credence/test");
  }
  return Status::invalid("unknown_kind", kind);
}

Bytes write_kind(const std::string& kind, const std::string& value) {
  Writer w;
  if (kind == "varint") w.varint(to_u64(value));
  if (kind == "u64") w.u64(to_u64(value));
  if (kind == "u32") w.u32(static_cast<std::uint32_t>(to_u64(value)));
  if (kind == "u16") w.u16(static_cast<std::uint16_t>(to_u64(value)));
  if (kind == "bool") w.boolean(value == "true");
  if (kind == "string") w.string(value);
  if (kind == "header") w = Writer(value, 1);
  return std::move(w).take();
}

TEST(Canonical, Vectors) {
  auto cases = test::load_vectors("codec/canonical.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string kind = c.str("kind");
    const std::string value = c.str("value");
    const Bytes encoding = c.hex("encoding");
    Reader reader(encoding);
    Result<std::string> got = read_kind(reader, kind);
    Status status = got.ok() ? reader.finish() : got.status();
    if (c.has("reason")) {
      EXPECT_EQ(status.code(), c.str("reason"));
      continue;
    }
    ASSERT_TRUE(status.is_ok()) << status.to_string();
    EXPECT_EQ(*got, value);
    EXPECT_EQ(hex_encode(write_kind(kind, value)), hex_encode(encoding));
  }
}

TEST(Canonical, BoundsAndLimits) {
  // A bytes field longer than the configured maximum is refused before anything is allocated.
  const Bytes big = Writer().bytes(Bytes(100, 7)).data();
  Reader small(big, 50);
  EXPECT_EQ(small.bytes().status().code(), "too_long");
  // A count that the remaining input cannot hold is refused.
  const Bytes count = Writer().varint(1000).raw(Bytes(10, 0)).data();
  Reader r(count);
  EXPECT_EQ(r.count(8).status().code(), "truncated");
  // Every element takes at least one byte, so a minimum size of 0 is treated as 1.
  Reader zero(count);
  EXPECT_EQ(zero.count(0).status().code(), "truncated");
  const Bytes fits = Writer().varint(10).raw(Bytes(10, 0)).data();
  Reader ok(fits);
  EXPECT_EQ(*ok.count(1), 10u);
}

TEST(Canonical, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_FALSE(is_valid_utf8("\x80"));                 // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));             // truncated
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));     // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));         // overlong
  EXPECT_FALSE(is_valid_utf8("\xff"));
}

RC_GTEST_PROP(Canonical, RecordRoundTrip,
              (std::uint64_t a, std::uint32_t b, bool c, const std::vector<std::uint8_t>& d, std::uint8_t e)) {
  const std::string s(d.size() % 40, 'x');
  Writer w("credence/test", 1);
  w.varint(a).u32(b).boolean(c).bytes(d).string(s).u8(e).u64(a);
  const Bytes enc = w.data();
  Reader r(enc);
  RC_ASSERT(*r.header("credence/test", 1, 1) == 1);
  RC_ASSERT(*r.varint() == a);
  RC_ASSERT(*r.u32() == b);
  RC_ASSERT(*r.boolean() == c);
  RC_ASSERT(*r.bytes() == d);
  RC_ASSERT(*r.string() == s);
  RC_ASSERT(*r.u8() == e);
  RC_ASSERT(*r.u64() == a);
  RC_ASSERT(r.finish().is_ok());
}

}  // namespace
}  // namespace credence::codec
