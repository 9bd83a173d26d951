#include "credence/codec/json.h"

#include <gtest/gtest.h>

namespace credence::codec {
namespace {

TEST(Json, ParsesAndRejectsWithReasons) {
  EXPECT_TRUE(parse_json(R"({"a":[1,2,{"b":null}]})").ok());
  EXPECT_EQ(parse_json("{").status().code(), "bad_json");
  EXPECT_EQ(parse_json("").status().code(), "bad_json");
  EXPECT_EQ(parse_json("[1,]").status().code(), "bad_json");
  EXPECT_EQ(parse_json(std::string(200, '[') + std::string(200, ']')).status().code(), "json_too_deep");
  // Brackets inside strings do not count toward depth.
  EXPECT_TRUE(parse_json("\"" + std::string(500, '[') + "\"").ok());
  EXPECT_EQ(parse_json("[1]", kMaxJsonDepth, 2).status().code(), "json_too_large");
}

TEST(Json, DumpSortsKeys) { EXPECT_EQ(dump_json(*parse_json(R"({"b":1,"a":2})")), R"({"a":2,"b":1})"); }

TEST(Json, ObjectReaderIsStrict) {
  auto j = *parse_json(R"({"name":"x","n":5,"big":"18446744073709551615","ok":true,"h":"0x0102","k":"00ff"})");
  auto r = *ObjectReader::make(j, "thing");
  EXPECT_EQ(*r.string("name"), "x");
  EXPECT_EQ(*r.u64("n"), 5u);
  EXPECT_EQ(*r.u64("big"), 18446744073709551615u);
  EXPECT_TRUE(*r.boolean("ok"));
  EXPECT_EQ(*r.hex("h"), (Bytes{1, 2}));
  EXPECT_EQ(r.finish().code(), "unknown_field");  // "k" was never read
  EXPECT_EQ((*r.hex_fixed<2>("k")), (FixedBytes<2>{0, 0xff}));
  EXPECT_TRUE(r.finish().is_ok());
  EXPECT_EQ(r.string("missing").status().code(), "missing_field");
  EXPECT_EQ(r.u64("name").status().code(), "bad_field");
  EXPECT_EQ(r.boolean("n").status().code(), "bad_field");
  EXPECT_EQ(r.hex_fixed<3>("k").status().code(), "bad_field");
  EXPECT_EQ(ObjectReader::make(Json::array(), "thing").status().code(), "bad_json");
}

TEST(Json, U64RejectsNegativeFractionalAndLeadingZeros) {
  auto j = *parse_json(R"({"a":-1,"b":1.5,"c":"01","d":"18446744073709551616","e":"","f":"12x"})");
  auto r = *ObjectReader::make(j, "t");
  for (const char* k : {"a", "b", "c", "d", "e", "f"}) EXPECT_EQ(r.u64(k).status().code(), "bad_field") << k;
}

}  // namespace
}  // namespace credence::codec

namespace credence::codec {
namespace {

TEST(Json, U64AcceptsNonNegativeSignedIntegers) {
  Json j = {{"n", 4}, {"neg", -4}};  // built in C++: stored as signed integers
  auto r = *ObjectReader::make(j, "t");
  EXPECT_EQ(*r.u64("n"), 4u);
  EXPECT_EQ(r.u64("neg").status().code(), "bad_field");
}

}  // namespace
}  // namespace credence::codec
