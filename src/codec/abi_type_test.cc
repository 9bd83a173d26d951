// ABI type parser: every elementary type, aliases, nesting, whitespace, EAS parameter lists, the limits, and a
// parse -> canonical -> parse property over random type trees.
#include "credence/codec/abi_type.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "abi_type_gen.h"

#include <limits>
#include <string>

namespace credence::codec {
namespace {

std::string canonical_of(const std::string& text) {
  auto t = parse_abi_type(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().to_string();
  return t.ok() ? t->canonical() : std::string();
}

void expect_bad(const std::string& text, const std::string& message_part) {
  auto t = parse_abi_type(text);
  ASSERT_FALSE(t.ok()) << text;
  EXPECT_EQ(t.status().code(), "bad_abi_type") << text;
  EXPECT_NE(t.status().message().find(message_part), std::string::npos)
      << text << " -> " << t.status().message() << " (wanted '" << message_part << "')";
}

TEST(AbiType, Elementary) {
  for (unsigned bits = 8; bits <= 256; bits += 8) {
    const std::string u = "uint" + std::to_string(bits);
    const std::string s = "int" + std::to_string(bits);
    EXPECT_EQ(canonical_of(u), u);
    EXPECT_EQ(canonical_of(s), s);
    EXPECT_EQ(parse_abi_type(u)->bits(), bits);
    EXPECT_EQ(parse_abi_type(s)->kind(), AbiKind::signed_int);
  }
  for (std::size_t m = 1; m <= 32; ++m) {
    const std::string b = "bytes" + std::to_string(m);
    EXPECT_EQ(canonical_of(b), b);
    EXPECT_EQ(parse_abi_type(b)->size(), m);
  }
  EXPECT_EQ(canonical_of("uint"), "uint256");
  EXPECT_EQ(canonical_of("int"), "int256");
  EXPECT_EQ(canonical_of("address"), "address");
  EXPECT_EQ(canonical_of("bool"), "bool");
  EXPECT_EQ(canonical_of("bytes"), "bytes");
  EXPECT_EQ(canonical_of("string"), "string");
  EXPECT_EQ(parse_abi_type("bytes")->kind(), AbiKind::bytes);
  EXPECT_EQ(parse_abi_type("bytes1")->kind(), AbiKind::fixed_bytes);
}

TEST(AbiType, ArraysAndTuples) {
  EXPECT_EQ(canonical_of("uint[]"), "uint256[]");
  EXPECT_EQ(canonical_of("uint[][3][]"), "uint256[][3][]");
  EXPECT_EQ(canonical_of("(uint,string)[]"), "(uint256,string)[]");
  EXPECT_EQ(canonical_of("( uint256 , ( bool, bytes32[2] )[ ] , string )"), "(uint256,(bool,bytes32[2])[],string)");
  EXPECT_EQ(canonical_of("  \tuint8 \n"), "uint8");
  EXPECT_EQ(canonical_of("uint256[1000000]"), "uint256[1000000]");

  // T[2][] is a dynamic array whose elements are T[2].
  auto t = parse_abi_type("uint8[2][]");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind(), AbiKind::array);
  EXPECT_EQ(t->element().kind(), AbiKind::fixed_array);
  EXPECT_EQ(t->element().size(), 2U);
  EXPECT_EQ(t->element().element(), AbiType::uint(8));
  EXPECT_EQ(t->depth(), 3U);

  EXPECT_EQ(*parse_abi_type("(uint256,string)[]"),
            AbiType::array(AbiType::tuple({AbiType::uint(), AbiType::string()})));
}

TEST(AbiType, StaticSizes) {
  EXPECT_EQ(parse_abi_type("uint256")->head_size(), 32U);
  EXPECT_FALSE(parse_abi_type("uint256")->is_dynamic());
  EXPECT_EQ(parse_abi_type("uint256[3]")->head_size(), 96U);
  EXPECT_EQ(parse_abi_type("(uint256,bool)")->head_size(), 64U);
  EXPECT_EQ(parse_abi_type("(uint256,bool[2])[3]")->head_size(), 288U);
  EXPECT_TRUE(parse_abi_type("(uint256,string)")->is_dynamic());
  EXPECT_EQ(parse_abi_type("(uint256,string)")->head_size(), 32U);
  EXPECT_TRUE(parse_abi_type("string[2]")->is_dynamic());
  EXPECT_TRUE(parse_abi_type("uint8[]")->is_dynamic());
  EXPECT_TRUE(parse_abi_type("bytes")->is_dynamic());
  EXPECT_FALSE(parse_abi_type("bytes32")->is_dynamic());
  // Absurd but legal nestings saturate instead of wrapping around.
  EXPECT_EQ(parse_abi_type("uint256[1000000][1000000][1000000][1000000]")->head_size(),
            std::numeric_limits<std::size_t>::max());
}

TEST(AbiType, Rejects) {
  expect_bad("", "expected a type at position 0");
  expect_bad("   ", "expected a type at position 3");
  expect_bad("uint7", "multiple of 8");
  expect_bad("uint264", "bad size");
  expect_bad("uint0", "bad size");
  expect_bad("uint08", "bad size");
  expect_bad("int-8", "unexpected text after the type at position 3");
  expect_bad("bytes0", "bad size");
  expect_bad("bytes33", "1..32");
  expect_bad("bytes032", "bad size");
  expect_bad("byte", "unknown type 'byte'");
  expect_bad("Uint256", "unknown type");
  expect_bad("uint256x", "unknown type 'uint256x'");
  expect_bad("fixed128x18", "unsupported type 'fixed128x18'");
  expect_bad("ufixed", "unsupported");
  expect_bad("function", "unsupported");
  expect_bad("()", "empty tuple at position 0");
  expect_bad("(uint256", "unterminated tuple");
  expect_bad("(uint256,)", "expected a type at position 9");
  expect_bad("(uint256 bool)", "expected ',' or ')' at position 9");
  expect_bad("uint256[", "expected fixed array size at position 8");
  expect_bad("uint256[0]", "smaller than 1");
  expect_bad("uint256[01]", "leading zero");
  expect_bad("uint256[1000001]", "larger than 1000000");
  expect_bad("uint256[99999999999999999999999]", "larger than");
  expect_bad("uint256[2", "expected ']' at position 9");
  expect_bad("uint256[-1]", "expected fixed array size");
  expect_bad("uint256 x", "unexpected text after the type at position 8");
  expect_bad("uint256,bool", "unexpected text after the type at position 7");
  expect_bad("uint 256", "unexpected text");
  expect_bad("[]", "expected a type at position 0");
  expect_bad("(uint256))", "unexpected text after the type at position 9");
}

TEST(AbiType, DepthLimit) {
  std::string arrays = "uint8";
  for (std::size_t i = 1; i < kMaxAbiDepth; ++i) arrays += "[]";
  EXPECT_TRUE(parse_abi_type(arrays).ok());
  EXPECT_EQ(parse_abi_type(arrays)->depth(), kMaxAbiDepth);
  expect_bad(arrays + "[]", "nesting deeper than 32");

  std::string tuples = "uint8";
  for (std::size_t i = 1; i < kMaxAbiDepth; ++i) tuples = "(" + tuples + ")";
  EXPECT_TRUE(parse_abi_type(tuples).ok());
  expect_bad("(" + tuples + ")", "nesting deeper than 32");
  expect_bad(tuples + "[]", "nesting deeper than 32");

  // Deep hostile input fails fast instead of recursing.
  expect_bad(std::string(100000, '('), "nesting deeper than 32");
  std::string brackets = "uint8";
  for (int i = 0; i < 100000; ++i) brackets += "[]";
  expect_bad(brackets, "nesting deeper than 32");
}

TEST(AbiType, TupleSizeLimit) {
  std::string wide = "(";
  for (std::size_t i = 0; i < kMaxAbiTupleSize; ++i) wide += i == 0 ? "bool" : ",bool";
  EXPECT_TRUE(parse_abi_type(wide + ")").ok());
  expect_bad(wide + ",bool)", "more than 4096 tuple components");
}

TEST(AbiParams, EasSchema) {
  auto p = parse_abi_params("uint256 score, string name, bool ok, address wallet, bytes32 ref, string[] tags");
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  ASSERT_EQ(p->size(), 6U);
  EXPECT_EQ((*p)[0], (AbiParam{AbiType::uint(256), "score"}));
  EXPECT_EQ((*p)[1], (AbiParam{AbiType::string(), "name"}));
  EXPECT_EQ((*p)[2], (AbiParam{AbiType::boolean(), "ok"}));
  EXPECT_EQ((*p)[3], (AbiParam{AbiType::address(), "wallet"}));
  EXPECT_EQ((*p)[4], (AbiParam{AbiType::fixed_bytes(32), "ref"}));
  EXPECT_EQ((*p)[5], (AbiParam{AbiType::array(AbiType::string()), "tags"}));
  EXPECT_EQ(canonical_params(*p), "uint256 score,string name,bool ok,address wallet,bytes32 ref,string[] tags");
}

TEST(AbiParams, NamesAreOptionalAndChecked) {
  auto p = parse_abi_params("uint, (bool,bytes) pair,string _x$1");
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  ASSERT_EQ(p->size(), 3U);
  EXPECT_EQ((*p)[0].name, "");
  EXPECT_EQ((*p)[1].name, "pair");
  EXPECT_EQ((*p)[2].name, "_x$1");
  EXPECT_EQ(canonical_params(*p), "uint256,(bool,bytes) pair,string _x$1");

  EXPECT_TRUE(parse_abi_params("")->empty());
  EXPECT_TRUE(parse_abi_params("  ")->empty());

  const auto code_and_message = [](std::string_view text) {
    auto r = parse_abi_params(text);
    return r.ok() ? std::string("ok") : r.status().to_string();
  };
  EXPECT_EQ(code_and_message("uint256 a, bool a"), "bad_abi_type: duplicate parameter name 'a' at position 16");
  EXPECT_EQ(code_and_message("uint256 1a"), "bad_abi_type: a parameter name cannot start with a digit at position 8");
  EXPECT_EQ(code_and_message("uint256 a b"), "bad_abi_type: expected ',' or end of list at position 10");
  EXPECT_EQ(code_and_message("uint256 a,"), "bad_abi_type: expected a type at position 10");
  EXPECT_EQ(code_and_message(",uint256"), "bad_abi_type: expected a type at position 0");
  EXPECT_EQ(code_and_message("uint256 a-b"), "bad_abi_type: expected ',' or end of list at position 9");
  EXPECT_EQ(code_and_message("uint256 caf\xc3\xa9"), "bad_abi_type: expected ',' or end of list at position 11");
}

TEST(AbiTypeList, NoNames) {
  auto l = parse_abi_type_list("uint32, bool");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(canonical_type_list(*l), "uint32,bool");
  EXPECT_TRUE(parse_abi_type_list("")->empty());
  EXPECT_EQ(parse_abi_type_list("uint32 x").status().to_string(),
            "bad_abi_type: unexpected name in a type list at position 7");
}

// Random type trees: build with the factories, print, parse, compare.
AbiType gen_type(std::size_t depth) { return test::gen_abi_type(depth, kMaxAbiDepth - 1, 5); }

RC_GTEST_PROP(AbiTypeProps, CanonicalRoundTrips, ()) {
  const AbiType t = gen_type(*rc::gen::inRange<std::size_t>(0, kMaxAbiDepth));
  const std::string text = t.canonical();
  const auto back = parse_abi_type(text);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == t);
  RC_ASSERT(back->canonical() == text);
  RC_ASSERT(back->depth() == t.depth());
}

}  // namespace
}  // namespace credence::codec
