// JCS (RFC 8785): the published text and number vectors, rejected inputs, and properties on random values
// (idempotence, numbers that read back to the same double). The cross-check against the JavaScript `canonicalize`
// package on random JSON is tests/interop/w3c_interop.cc.
#include "credence/interop/jcs.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::interop::jcs {
namespace {

using codec::Json;

std::string unescape_bytes(std::string s) {
  for (std::size_t p = s.find("\\xff"); p != std::string::npos; p = s.find("\\xff")) s.replace(p, 4, "\xff");
  return s;
}

TEST(Jcs, Vectors) {
  int texts = 0, numbers = 0, rejected = 0;
  for (auto& c : test::load_vectors("interop/vc_jcs.json")) {
    SCOPED_TRACE(c.where());
    c.str("name");
    if (c.has("ieee754")) {
      const Bytes raw = c.hex("ieee754");
      ASSERT_EQ(raw.size(), 8u);
      std::uint64_t bits = 0;
      for (const auto b : raw) bits = bits << 8 | b;
      const double v = std::bit_cast<double>(bits);
      EXPECT_EQ(number_to_string(v), c.str("output"));
      ++numbers;
      continue;
    }
    const std::string input = unescape_bytes(c.str("input"));
    auto out = canonicalize_text(input);
    if (c.has("error")) {
      ASSERT_FALSE(out.ok());
      EXPECT_EQ(out.status().code(), c.str("error"));
      ++rejected;
    } else {
      ASSERT_TRUE(out.ok()) << out.status().to_string();
      EXPECT_EQ(*out, c.str("output"));
      ++texts;
    }
  }
  EXPECT_EQ(texts, 6);
  EXPECT_GE(numbers, 20);
  EXPECT_GE(rejected, 4);
}

TEST(Jcs, MemberOrderIsUtf16NotUtf8) {
  // U+FB33 sorts after U+1F602 in UTF-16 (0xFB33 > 0xD83D) but before it in UTF-8 bytes (EF < F0).
  auto out = canonicalize_text(R"({"\ufb33":1,"\ud83d\ude02":2})");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "{\"\xf0\x9f\x98\x82\":2,\"\xef\xac\xb3\":1}");
}

TEST(Jcs, NumbersAndEscapes) {
  const std::pair<const char*, const char*> cases[] = {
      {"-0", "0"},          {"-0.0", "0"},        {"1.0", "1"},       {"1e21", "1e+21"},
      {"1e20", "100000000000000000000"},          {"1e-6", "0.000001"}, {"1e-7", "1e-7"},
      {"123456789012345678901234567890", "1.2345678901234568e+29"},
      {"9007199254740993", "9007199254740992"},   // JavaScript rounds integers beyond 2^53
      {"18446744073709551615", "18446744073709552000"},
      {"-9223372036854775808", "-9223372036854776000"},
      {"0.1", "0.1"},       {"5e-324", "5e-324"}, {"\"\\u007f\\u2028\"", "\"\x7f\xe2\x80\xa8\""},
      {"\"\\u0000\\u001f\\b\\t\"", "\"\\u0000\\u001f\\b\\t\""},
      {"\"\\/\"", "\"/\""},
  };
  for (const auto& [in, want] : cases) {
    auto out = canonicalize_text(in);
    ASSERT_TRUE(out.ok()) << in << ": " << out.status().to_string();
    EXPECT_EQ(*out, want) << in;
  }
}

TEST(Jcs, RejectsWhatJsonCannotHold) {
  EXPECT_EQ(canonicalize(Json(std::nan(""))).status().code(), "jcs_bad_number");
  EXPECT_EQ(canonicalize(Json(INFINITY)).status().code(), "jcs_bad_number");
  EXPECT_EQ(canonicalize(Json("\xc3\x28")).status().code(), "jcs_bad_utf8");
  Json obj = Json::object();
  obj["\xed\xa0\x80"] = 1;  // an encoded surrogate
  EXPECT_EQ(canonicalize(obj).status().code(), "jcs_bad_utf8");
  EXPECT_EQ(canonicalize(Json::binary({1, 2})).status().code(), "jcs_unsupported");
  EXPECT_EQ(parse(std::string(200, '[') + std::string(200, ']')).status().code(), "json_too_deep");
  EXPECT_EQ(parse("{}", 128, 1).status().code(), "json_too_large");
  EXPECT_EQ(parse("{\"a\":{\"b\":1},\"c\":{\"b\":2}}").status().code(), "") << "same name in two objects is fine";
}

// Random doubles of every magnitude: the text reads back to the same double and is no longer than needed.
TEST(Jcs, NumberTextRoundTrips) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    double v = std::bit_cast<double>(rng());
    if (!std::isfinite(v)) continue;
    if (i % 3 == 0) v = std::round(v * 1e-300 * 1e300);  // integers too
    const std::string s = number_to_string(v);
    double back = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), back);
    ASSERT_EQ(ec, std::errc()) << s;
    ASSERT_EQ(end, s.data() + s.size()) << s;
    ASSERT_EQ(back, v == 0 ? 0.0 : v) << s;
    ASSERT_EQ(s.find('E'), std::string::npos);
  }
}

Json random_json(std::mt19937_64& rng, int depth) {
  switch (rng() % (depth > 3 ? 5 : 7)) {
    case 0: return nullptr;
    case 1: return (rng() & 1) != 0;
    case 2: return static_cast<std::int64_t>(rng()) >> (rng() % 64);
    case 3: return std::ldexp(static_cast<double>(rng() % 100000) - 50000, static_cast<int>(rng() % 200) - 100);
    case 4: {
      static const char* const kPieces[] = {"a", "\"", "\\", "\n", "\x01", "\x7f", "é", "€", "𝄞", "\u2028", "דּ", "Z"};
      std::string s;
      for (std::size_t n = rng() % 6; n > 0; --n) s += kPieces[rng() % std::size(kPieces)];
      return s;
    }
    case 5: {
      Json a = Json::array();
      for (std::size_t n = rng() % 4; n > 0; --n) a.push_back(random_json(rng, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      for (std::size_t n = rng() % 4; n > 0; --n) o[random_json(rng, 10).dump()] = random_json(rng, depth + 1);
      return o;
    }
  }
}

TEST(Jcs, CanonicalTextIsAFixedPoint) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3000; ++i) {
    const Json v = random_json(rng, 0);
    auto once = canonicalize(v);
    ASSERT_TRUE(once.ok()) << once.status().to_string();
    auto twice = canonicalize_text(*once);
    ASSERT_TRUE(twice.ok()) << *once;
    ASSERT_EQ(*once, *twice);
  }
}

}  // namespace
}  // namespace credence::interop::jcs
