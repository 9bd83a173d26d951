// ABI values: the vector file (Solidity spec examples, ethers-computed cases, hand-made rejections), the strict
// decoder's rules one by one, hostile lengths, the JSON view, packed mode, and round-trip properties over random
// types and values.
#include "credence/codec/abi.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "vectors.h"
#include "abi_type_gen.h"

namespace credence::codec {
namespace {

using nlohmann::json;

// hex_decode hands libsodium a null buffer for empty output (UBSan flags it), so empty text is answered here.
Bytes unhex(std::string_view h) {
  if (h.empty() || h == "0x") return {};
  auto b = hex_decode(h);
  EXPECT_TRUE(b.ok()) << h;
  return b.ok() ? *b : Bytes{};
}

std::string word_hex(std::uint64_t v) {
  const auto b = U256::from_u64(v).to_be_bytes();
  return hex_encode(b);
}

std::vector<AbiType> types_of(std::string_view text) {
  auto params = parse_abi_params(text);
  EXPECT_TRUE(params.ok()) << text << ": " << params.status().to_string();
  std::vector<AbiType> types;
  if (params.ok()) {
    for (auto& p : *params) types.push_back(p.type);
  }
  return types;
}

AbiType type_of(std::string_view text) {
  auto t = parse_abi_type(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().to_string();
  return t.ok() ? *t : AbiType::boolean();
}

// ---------------------------------------------------------------------------------------------------------------
// Vector file

TEST(AbiVectors, File) {
  auto cases = test::load_vectors("codec/abi.json");
  ASSERT_GE(cases.size(), 40U);
  std::size_t standard = 0;
  std::size_t packed = 0;
  std::size_t rejected = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const std::string name = c.str("name");
    EXPECT_FALSE(name.empty());
    const std::vector<AbiType> types = types_of(c.str("types"));
    const std::string mode = c.str("mode");
    if (mode == "standard" || mode == "packed") {
      const Bytes expected = unhex(c.str("encoding"));
      const json& jvalues = c.raw("values");
      auto values = abi_from_json(types, jvalues);
      ASSERT_TRUE(values.ok()) << values.status().to_string();
      if (mode == "packed") {
        ++packed;
        auto enc = abi_encode_packed(types, *values);
        ASSERT_TRUE(enc.ok()) << enc.status().to_string();
        EXPECT_EQ(hex_encode(*enc), hex_encode(expected));
        continue;
      }
      ++standard;
      auto enc = abi_encode(types, *values);
      ASSERT_TRUE(enc.ok()) << enc.status().to_string();
      EXPECT_EQ(hex_encode(*enc), hex_encode(expected));
      auto dec = abi_decode(types, expected);
      ASSERT_TRUE(dec.ok()) << dec.status().to_string();
      EXPECT_EQ(*dec, *values);
      // The JSON view round-trips (the file may use input-only forms such as hex integers, so compare values).
      auto again = abi_from_json(types, abi_to_json(types, *dec));
      ASSERT_TRUE(again.ok()) << again.status().to_string();
      EXPECT_EQ(*again, *values);
    } else if (mode == "decode_invalid") {
      ++rejected;
      const Bytes data = unhex(c.str("encoding"));
      const std::string reason = c.str("reason");
      auto dec = abi_decode(types, data);
      ASSERT_FALSE(dec.ok());
      EXPECT_TRUE(dec.status().is_invalid());
      EXPECT_EQ(dec.status().code(), reason) << dec.status().to_string();
      EXPECT_NE(dec.status().message().find("at byte "), std::string::npos) << dec.status().to_string();
    } else if (mode == "encode_invalid") {
      ++rejected;
      const json& jvalues = c.raw("values");
      const std::string reason = c.str("reason");
      auto values = abi_from_json(types, jvalues);
      Status s = values.status();
      if (values.ok()) s = abi_encode(types, *values).status();
      EXPECT_EQ(s.code(), reason) << s.to_string();
    } else if (mode == "packed_invalid") {
      ++rejected;
      const json& jvalues = c.raw("values");
      const std::string reason = c.str("reason");
      auto values = abi_from_json(types, jvalues);
      Status s = values.status();
      if (values.ok()) s = abi_encode_packed(types, *values).status();
      EXPECT_EQ(s.code(), reason) << s.to_string();
    } else {
      ADD_FAILURE() << "unknown mode " << mode;
    }
  }
  EXPECT_GE(standard, 5U);
  EXPECT_GE(packed, 1U);
  EXPECT_GE(rejected, 20U);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

TEST(AbiEncode, SingleValueIsTheOneElementTuple) {
  // abi.encode("a"): offset 0x20, length 1, "a" padded.
  auto enc = abi_encode(AbiType::string(), AbiValue::string("a"));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(hex_encode(*enc), word_hex(0x20) + word_hex(1) + "61" + std::string(62, '0'));
  // Static values need no offset.
  enc = abi_encode(AbiType::uint(8), AbiValue::from_u64(255));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(hex_encode(*enc), word_hex(255));
  // The empty list encodes to nothing.
  enc = abi_encode(std::span<const AbiType>(), std::span<const AbiValue>());
  ASSERT_TRUE(enc.ok());
  EXPECT_TRUE(enc->empty());
}

TEST(AbiEncode, SignedIntegers) {
  const AbiType i8 = AbiType::sint(8);
  auto enc = abi_encode(i8, AbiValue::from_int64(-1));
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(hex_encode(*enc), std::string(64, 'f'));
  EXPECT_TRUE(abi_encode(i8, AbiValue::from_int64(-128)).ok());
  EXPECT_TRUE(abi_encode(i8, AbiValue::from_int64(127)).ok());
  EXPECT_EQ(abi_encode(i8, AbiValue::from_int64(128)).status().code(), "abi_value_mismatch");
  EXPECT_EQ(abi_encode(i8, AbiValue::from_int64(-129)).status().code(), "abi_value_mismatch");
  // A word that is not sign-extended (0x80 in 8 bits stored without the ones above) is not an int8.
  EXPECT_EQ(abi_encode(i8, AbiValue::word(U256::from_u64(0x80))).status().code(), "abi_value_mismatch");
  EXPECT_TRUE(abi_encode(AbiType::sint(256), AbiValue::word(U256::power_of_two(255))).ok());
  EXPECT_TRUE(abi_encode(AbiType::sint(64), AbiValue::from_int64(INT64_MIN)).ok());
  EXPECT_EQ(AbiValue::from_int64(INT64_MIN).as_word(), U256::power_of_two(63).wrapping_neg());
}

TEST(AbiEncode, Mismatches) {
  const auto code = [](const AbiType& t, const AbiValue& v) { return abi_encode(t, v).status().code(); };
  EXPECT_EQ(code(AbiType::uint(8), AbiValue::from_u64(256)), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::uint(8), AbiValue::boolean(true)), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::fixed_bytes(3), AbiValue::fixed_bytes(unhex("6162"))), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::fixed_bytes(2), AbiValue::bytes(unhex("6162"))), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::bytes(), AbiValue::fixed_bytes(unhex("6162"))), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::bytes(), AbiValue::string("ab")), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::string(), AbiValue::string("\xff")), "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::fixed_array(AbiType::boolean(), 2), AbiValue::list({AbiValue::boolean(true)})),
            "abi_value_mismatch");
  EXPECT_EQ(code(AbiType::tuple({AbiType::boolean(), AbiType::uint()}),
                 AbiValue::list({AbiValue::boolean(true), AbiValue::boolean(true)})),
            "abi_value_mismatch");
  const std::vector<AbiType> two{AbiType::uint(), AbiType::uint()};
  const std::vector<AbiValue> one{AbiValue::from_u64(1)};
  EXPECT_EQ(abi_encode(two, one).status().code(), "abi_value_mismatch");
  // The message locates the bad item.
  const AbiValue good = AbiValue::list({AbiValue::from_u64(1)});
  const AbiValue bad = AbiValue::list({AbiValue::from_u64(300)});
  auto s = abi_encode(AbiType::array(AbiType::tuple({AbiType::uint(8)})), AbiValue::list({good, bad}));
  EXPECT_EQ(s.status().to_string(), "abi_value_mismatch: [0]: [1]: [0]: value out of range for uint8");
}

// ---------------------------------------------------------------------------------------------------------------
// Strict decoding

TEST(AbiDecode, RoundTripOfNestedDynamicTypes) {
  const AbiType t = type_of("(uint256,string[],(bytes,bool)[2])[]");
  const AbiValue item = AbiValue::list({
      AbiValue::from_u64(7),
      AbiValue::list({AbiValue::string("x"), AbiValue::string("")}),
      AbiValue::list({AbiValue::list({AbiValue::bytes(unhex("00ff")), AbiValue::boolean(true)}),
                      AbiValue::list({AbiValue::bytes({}), AbiValue::boolean(false)})}),
  });
  const AbiValue v = AbiValue::list({item, item});
  auto enc = abi_encode(t, v);
  ASSERT_TRUE(enc.ok()) << enc.status().to_string();
  auto dec = abi_decode(t, *enc);
  ASSERT_TRUE(dec.ok()) << dec.status().to_string();
  EXPECT_EQ(*dec, v);
}

TEST(AbiDecode, EveryTruncationFails) {
  const std::vector<AbiType> types = types_of("uint256,string,bytes5[2],int8[]");
  const std::vector<AbiValue> values{AbiValue::from_u64(1), AbiValue::string("hello"),
                                     AbiValue::list({AbiValue::fixed_bytes(unhex("0102030405")),
                                                     AbiValue::fixed_bytes(unhex("0a0b0c0d0e"))}),
                                     AbiValue::list({AbiValue::from_int64(-1), AbiValue::from_int64(2)})};
  auto enc = abi_encode(types, values);
  ASSERT_TRUE(enc.ok());
  for (std::size_t n = 0; n < enc->size(); ++n) {
    const ByteView prefix(enc->data(), n);
    auto dec = abi_decode(types, prefix);
    ASSERT_FALSE(dec.ok()) << n;
    const std::string& c = dec.status().code();
    EXPECT_TRUE(c == "abi_truncated" || c == "abi_bad_length") << n << ": " << dec.status().to_string();
  }
  EXPECT_TRUE(abi_decode(types, *enc).ok());
}

TEST(AbiDecode, MessagesNameTheByteOffset) {
  const Bytes data = unhex(word_hex(1) + word_hex(2));
  auto dec = abi_decode(types_of("bool,bool"), data);
  EXPECT_EQ(dec.status().to_string(), "abi_bad_bool: [1]: bool is not 0 or 1 at byte 32");
  dec = abi_decode(types_of("uint256"), data);
  EXPECT_EQ(dec.status().to_string(), "abi_trailing_bytes: 32 bytes after the encoding at byte 32");
}

TEST(AbiDecode, HostileLengthsDoNotAllocate) {
  // A 64-byte input claiming 2^64-1 and 2^256-1 items or bytes: rejected from the length word alone.
  for (const std::string& len : {std::string("ffffffffffffffff"), std::string(64, 'f')}) {
    const std::string word = std::string(64 - len.size(), '0') + len;
    const Bytes data = unhex(word_hex(0x20) + word);
    for (const char* t : {"bytes", "string", "uint256[]", "string[]", "(bytes,bool)[]", "uint8[1000000][]"}) {
      auto dec = abi_decode(type_of(t), data);
      ASSERT_FALSE(dec.ok()) << t;
      EXPECT_EQ(dec.status().code(), "abi_bad_length") << t;
    }
  }
  // A static type far larger than the input.
  auto dec = abi_decode(type_of("uint256[1000000][1000000][1000000]"), unhex(word_hex(0)));
  EXPECT_EQ(dec.status().code(), "abi_truncated");
  // A count that fits the input exactly for 32-byte items but not for 64-byte ones.
  const Bytes three = unhex(word_hex(0x20) + word_hex(2) + word_hex(0) + word_hex(0));
  EXPECT_TRUE(abi_decode(type_of("uint256[]"), three).ok());
  EXPECT_EQ(abi_decode(type_of("uint256[2][]"), three).status().code(), "abi_bad_length");
}

TEST(AbiDecode, DynamicArrayOfDynamicItemsChecksEveryOffset) {
  const AbiType t = type_of("string[]");
  auto enc = abi_encode(t, AbiValue::list({AbiValue::string("a"), AbiValue::string("b")}));
  ASSERT_TRUE(enc.ok());
  // Layout: [0x20][count=2][off0=0x40][off1=0x80][len][a][len][b]. Point the second item at the first.
  Bytes bad = *enc;
  bad[32 * 3 + 31] = 0x40;
  EXPECT_EQ(abi_decode(t, bad).status().to_string(),
            "abi_bad_offset: [0]: [1]: offset 0x40, canonical is 128 at byte 96");
}

// ---------------------------------------------------------------------------------------------------------------
// Packed mode

TEST(AbiPacked, NaturalWidths) {
  const std::vector<AbiType> types = types_of("uint8,int16,uint256,address,bool,bytes2,bytes,string");
  const FixedBytes<20> addr{0xde, 0xad};
  const std::vector<AbiValue> values{AbiValue::from_u64(1),       AbiValue::from_int64(-2),
                                     AbiValue::from_u64(3),       AbiValue::address(addr),
                                     AbiValue::boolean(true),     AbiValue::fixed_bytes(unhex("abcd")),
                                     AbiValue::bytes(unhex("01")), AbiValue::string("hi")};
  auto enc = abi_encode_packed(types, values);
  ASSERT_TRUE(enc.ok()) << enc.status().to_string();
  EXPECT_EQ(hex_encode(*enc), "01" "fffe" + word_hex(3) + "dead" + std::string(36, '0') + "01" "abcd" "01" "6869");
}

TEST(AbiPacked, ArraysPadEveryElement) {
  const std::vector<AbiType> types = types_of("int8[],bytes1[2]");
  const std::vector<AbiValue> values{AbiValue::list({AbiValue::from_int64(-1)}),
                                     AbiValue::list({AbiValue::fixed_bytes(unhex("aa")),
                                                     AbiValue::fixed_bytes(unhex("bb"))})};
  auto enc = abi_encode_packed(types, values);
  ASSERT_TRUE(enc.ok()) << enc.status().to_string();
  EXPECT_EQ(hex_encode(*enc), std::string(64, 'f') + "aa" + std::string(62, '0') + "bb" + std::string(62, '0'));
  // An empty dynamic array packs to nothing.
  enc = abi_encode_packed(types_of("uint256[]"), std::vector<AbiValue>{AbiValue::list({})});
  ASSERT_TRUE(enc.ok());
  EXPECT_TRUE(enc->empty());
}

TEST(AbiPacked, UnsupportedTypes) {
  for (const char* t : {"(uint8)", "uint8[][]", "uint8[2][2]", "string[]", "bytes[1]", "(bool)[]"}) {
    const std::vector<AbiType> types{type_of(t)};
    const std::vector<AbiValue> values{AbiValue::list({})};
    EXPECT_EQ(abi_encode_packed(types, values).status().code(), "abi_packed_unsupported") << t;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON view

TEST(AbiJson, OutputForms) {
  const std::vector<AbiType> types = types_of("uint256,int8,address,bool,bytes2,bytes,string,(uint8,bool[])");
  const FixedBytes<20> addr{0xAB, 0xCD};
  const std::vector<AbiValue> values{
      AbiValue::word(U256::max()), AbiValue::from_int64(-128), AbiValue::address(addr), AbiValue::boolean(false),
      AbiValue::fixed_bytes(unhex("ABCD")), AbiValue::bytes({}), AbiValue::string("\xc3\xa9"),
      AbiValue::list({AbiValue::from_u64(1), AbiValue::list({AbiValue::boolean(true)})})};
  const json j = abi_to_json(types, values);
  const json expected = json::parse(R"([
    "115792089237316195423570985008687907853269984665640564039457584007913129639935", "-128",
    "0xabcd000000000000000000000000000000000000", false, "0xabcd", "0x", "é", ["1", [true]]])");
  EXPECT_EQ(j, expected) << j.dump();
  // Mismatched parts become null rather than failing or throwing.
  EXPECT_TRUE(abi_to_json(AbiType::uint(8), AbiValue::from_u64(256)).is_null());
  EXPECT_TRUE(abi_to_json(AbiType::string(), AbiValue::string("\xff")).is_null());
  EXPECT_TRUE(abi_to_json(AbiType::boolean(), AbiValue::string("x")).is_null());
  EXPECT_EQ(abi_to_json(type_of("bool[2]"), AbiValue::list({AbiValue::boolean(true)})), json());
}

TEST(AbiJson, InputForms) {
  const auto word = [](const char* type, const json& j) -> std::string {
    auto v = abi_from_json(type_of(type), j);
    if (!v.ok()) return v.status().code();
    return v->as_word().to_hex();
  };
  EXPECT_EQ(word("uint256", "255"), "0xff");
  EXPECT_EQ(word("uint256", "0xFF"), "0xff");
  EXPECT_EQ(word("uint256", 255), "0xff");
  EXPECT_EQ(word("uint256", json(18446744073709551615ULL)), "0xffffffffffffffff");
  EXPECT_EQ(word("int8", -128), U256::from_u64(128).wrapping_neg().to_hex());
  EXPECT_EQ(word("int8", "-0x80"), U256::from_u64(128).wrapping_neg().to_hex());
  EXPECT_EQ(word("int8", "-0"), "0x0");
  EXPECT_EQ(word("int64", json(INT64_MIN)), U256::power_of_two(63).wrapping_neg().to_hex());
  EXPECT_EQ(word("int8", 128), "abi_value_mismatch");
  EXPECT_EQ(word("int8", "-129"), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", -1), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", "-1"), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", "+1"), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", " 1"), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", ""), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", 1.0), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", true), "abi_value_mismatch");
  EXPECT_EQ(word("uint8", json()), "abi_value_mismatch");

  const auto code = [](const char* type, const json& j) {
    auto v = abi_from_json(type_of(type), j);
    return v.ok() ? std::string("ok") : v.status().code();
  };
  EXPECT_EQ(code("address", "0xD8DA6BF26964AF9D7EED9E03E53415D37AA96045"), "ok");
  EXPECT_EQ(code("address", "d8da6bf26964af9d7eed9e03e53415d37aa96045"), "abi_value_mismatch");
  EXPECT_EQ(code("address", "0xd8da6bf26964af9d7eed9e03e53415d37aa960"), "abi_value_mismatch");
  EXPECT_EQ(code("address", "0xzz"), "abi_value_mismatch");
  EXPECT_EQ(code("bytes", "0x"), "ok");
  EXPECT_EQ(code("bytes", "0x123"), "abi_value_mismatch");
  EXPECT_EQ(code("bytes", json::array()), "abi_value_mismatch");
  EXPECT_EQ(code("bytes2", "0x0102"), "ok");
  EXPECT_EQ(code("bytes2", "0x010203"), "abi_value_mismatch");
  EXPECT_EQ(code("bool", 1), "abi_value_mismatch");
  EXPECT_EQ(code("string", json::object()), "abi_value_mismatch");
  EXPECT_EQ(code("uint8[]", json::object()), "abi_value_mismatch");
  EXPECT_EQ(code("uint8[2]", json::array({1})), "abi_value_mismatch");
  EXPECT_EQ(code("(uint8,bool)", json::array({1, true})), "ok");
  EXPECT_EQ(code("(uint8,bool)", json::array({1, true, 3})), "abi_value_mismatch");
  // A std::string holding invalid UTF-8, put into a json by code rather than by the parser.
  EXPECT_EQ(code("string", json(std::string("\xff"))), "abi_value_mismatch");

  auto v = abi_from_json(type_of("(uint8,bool[])[]"), json::parse(R"([[1, [true, 5]]])"));
  EXPECT_EQ(v.status().to_string(), "abi_value_mismatch: [0]: [1]: [1]: bool needs true or false");
  auto list = abi_from_json(types_of("uint8,bool"), json::parse("[1]"));
  EXPECT_EQ(list.status().code(), "abi_value_mismatch");
  list = abi_from_json(types_of("uint8"), json::parse("{}"));
  EXPECT_EQ(list.status().code(), "abi_value_mismatch");
}

// ---------------------------------------------------------------------------------------------------------------
// Properties over random types and values

AbiType gen_type(std::size_t depth) { return test::gen_abi_type(depth, 4, 4); }

Bytes gen_bytes(std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = *rc::gen::arbitrary<std::uint8_t>();
  return b;
}

U256 gen_word() {
  U256::Limbs l{};
  for (auto& x : l) {
    const int pick = *rc::gen::inRange(0, 3);
    x = pick == 0 ? 0 : pick == 1 ? ~std::uint64_t{0} : *rc::gen::arbitrary<std::uint64_t>();
  }
  return U256::from_limbs(l);
}

AbiValue gen_value(const AbiType& t) {
  switch (t.kind()) {
    case AbiKind::unsigned_int:
      return AbiValue::word(gen_word() & (U256::max() >> (256 - t.bits())));
    case AbiKind::signed_int: {
      const U256 mask = U256::max() >> (256 - t.bits());
      U256 w = gen_word() & mask;
      if (w.bit(t.bits() - 1)) w = w | ~mask;  // sign-extend
      return AbiValue::word(w);
    }
    case AbiKind::address: {
      FixedBytes<20> a{};
      const Bytes b = gen_bytes(20);
      std::copy(b.begin(), b.end(), a.begin());
      return AbiValue::address(a);
    }
    case AbiKind::boolean:
      return AbiValue::boolean(*rc::gen::arbitrary<bool>());
    case AbiKind::fixed_bytes:
      return AbiValue::fixed_bytes(gen_bytes(t.size()));
    case AbiKind::bytes:
      return AbiValue::bytes(gen_bytes(static_cast<std::size_t>(*rc::gen::inRange(0, 70))));
    case AbiKind::string: {
      static const char* const kPieces[] = {"a", "Z", " ", "\xc3\xa9", "\xe2\x9c\x93", "\xf0\x9f\x98\x80", "0"};
      std::string s;
      const int n = *rc::gen::inRange(0, 40);
      for (int i = 0; i < n; ++i) s += kPieces[*rc::gen::inRange(0, 7)];
      return AbiValue::string(s);
    }
    case AbiKind::array: {
      std::vector<AbiValue> items;
      const int n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) items.push_back(gen_value(t.element()));
      return AbiValue::list(std::move(items));
    }
    case AbiKind::fixed_array: {
      std::vector<AbiValue> items;
      for (std::size_t i = 0; i < t.size(); ++i) items.push_back(gen_value(t.element()));
      return AbiValue::list(std::move(items));
    }
    case AbiKind::tuple: {
      std::vector<AbiValue> items;
      for (const auto& c : t.components()) items.push_back(gen_value(c));
      return AbiValue::list(std::move(items));
    }
  }
  return {};
}

RC_GTEST_PROP(AbiProps, EncodeDecodeRoundTrip, ()) {
  std::vector<AbiType> types;
  std::vector<AbiValue> values;
  const int n = *rc::gen::inRange(0, 4);
  for (int i = 0; i < n; ++i) {
    types.push_back(gen_type(0));
    values.push_back(gen_value(types.back()));
  }
  for (std::size_t i = 0; i < types.size(); ++i) RC_ASSERT(abi_check(types[i], values[i]).is_ok());
  const auto enc = abi_encode(types, values);
  RC_ASSERT(enc.ok());
  RC_ASSERT(enc->size() % 32 == 0);
  const auto dec = abi_decode(types, *enc);
  RC_ASSERT(dec.ok());
  RC_ASSERT(*dec == values);
  // JSON view: dump to text (must not throw), parse, read back.
  const std::string text = abi_to_json(types, values).dump();
  const auto back = abi_from_json(types, json::parse(text, nullptr, false));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == values);
}

RC_GTEST_PROP(AbiProps, MutatedInputIsRejectedOrCanonical, ()) {
  const AbiType t = gen_type(0);
  const auto enc = abi_encode(t, gen_value(t));
  RC_ASSERT(enc.ok());
  Bytes data = *enc;
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits && !data.empty(); ++i) {
    switch (*rc::gen::inRange(0, 3)) {
      case 0: {  // flip a byte
        const auto at = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, data.size()));
        data[at] = static_cast<std::uint8_t>(data[at] ^ *rc::gen::inRange<int>(1, 256));
        break;
      }
      case 1:  // truncate
        data.resize(*rc::gen::inRange<std::size_t>(0, data.size()));
        break;
      default:  // append
        data.push_back(*rc::gen::arbitrary<std::uint8_t>());
        break;
    }
  }
  const auto dec = abi_decode(t, data);
  if (!dec.ok()) {
    RC_ASSERT(dec.status().is_invalid());
    return;
  }
  const auto again = abi_encode(t, *dec);
  RC_ASSERT(again.ok());
  RC_ASSERT(*again == data);
}

RC_GTEST_PROP(AbiProps, PackedStaticMatchesWidths, ()) {
  // For one elementary static value, packed output is the tail (ints, address, bool) or the head (bytesN) of the
  // standard word.
  AbiType t = gen_type(4);
  RC_PRE(!t.is_dynamic() && !t.is_array() && t.kind() != AbiKind::tuple);
  const AbiValue v = gen_value(t);
  const auto packed = abi_encode_packed(std::span<const AbiType>(&t, 1), std::span<const AbiValue>(&v, 1));
  const auto standard = abi_encode(t, v);
  RC_ASSERT(packed.ok() && standard.ok());
  std::size_t width = 0;
  switch (t.kind()) {
    case AbiKind::unsigned_int:
    case AbiKind::signed_int:
      width = t.bits() / 8;
      break;
    case AbiKind::address:
      width = 20;
      break;
    case AbiKind::boolean:
      width = 1;
      break;
    default:
      width = t.size();
      break;
  }
  RC_ASSERT(packed->size() == width);
  const bool left_aligned = t.kind() == AbiKind::fixed_bytes;
  const Bytes expected = left_aligned ? Bytes(standard->begin(), standard->begin() + static_cast<std::ptrdiff_t>(width))
                                      : Bytes(standard->end() - static_cast<std::ptrdiff_t>(width), standard->end());
  RC_ASSERT(*packed == expected);
}

}  // namespace
}  // namespace credence::codec
