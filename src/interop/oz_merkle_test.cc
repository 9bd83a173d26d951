// OpenZeppelin standard-v1 dumps: the published and library-written dumps load (and write back byte for byte), the
// invalid ones fail with their reason (tests/vectors/interop/oz_merkle_dumps.json); value text and JSON forms; proof
// and multiproof JSON shapes.
#include "credence/interop/oz_merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::interop::oz {
namespace {

using codec::AbiType;
using codec::AbiValue;
using codec::Json;
using core::merkle::StandardTree;

TEST(OzDumpVectors, LoadAndReasons) {
  auto cases = test::load_vectors("interop/oz_merkle_dumps.json");
  ASSERT_FALSE(cases.empty());
  std::size_t valid = 0;
  std::size_t invalid = 0;
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    c.str("provenance");
    const std::string text = c.has("text") ? c.str("text") : c.raw("dump").dump();
    const std::string reason = c.str("reason");
    auto tree = load_standard_tree(text);
    if (reason.empty()) {
      ++valid;
      ASSERT_TRUE(tree.ok()) << tree.status().to_string();
      EXPECT_EQ(codec::hex_encode_0x(tree->root()), c.str("root"));
      const std::string redumped = dump_standard_tree(*tree);
      if (c.boolean("redump")) {
        std::string expected = text;
        while (!expected.empty() && expected.back() == '\n') expected.pop_back();
        EXPECT_EQ(redumped, expected);
      }
      // Our own dump always loads back to the same tree.
      auto again = load_standard_tree(redumped);
      ASSERT_TRUE(again.ok()) << again.status().to_string();
      EXPECT_EQ(again->root(), tree->root());
      EXPECT_EQ(again->values(), tree->values());
      EXPECT_EQ(dump_standard_tree(*again), redumped);
    } else {
      ++invalid;
      ASSERT_FALSE(tree.ok()) << "loaded";
      EXPECT_EQ(tree.status().code(), reason) << tree.status().to_string();
      EXPECT_TRUE(tree.status().is_invalid());
    }
  }
  EXPECT_GE(valid, 5u);
  EXPECT_GE(invalid, 30u);
}

TEST(OzDump, LargeTreeWrittenInPieces) {
  std::vector<core::merkle::LeafValue> values;
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    FixedBytes<20> a{};
    a[19] = static_cast<std::uint8_t>(i);
    a[18] = static_cast<std::uint8_t>(i >> 8);
    values.push_back({AbiValue::address(a), AbiValue::from_u64(i * 1'000'000'007ULL)});
  }
  auto tree = StandardTree::of({AbiType::address(), AbiType::uint(256)}, values);
  ASSERT_TRUE(tree.ok());
  std::string joined;
  std::size_t pieces = 0;
  write_standard_tree(*tree, [&](std::string_view piece) {
    joined += piece;
    ++pieces;
  });
  EXPECT_GT(pieces, 1u);
  EXPECT_EQ(joined, dump_standard_tree(*tree));
  auto loaded = load_standard_tree(joined);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->root(), tree->root());
}

TEST(OzValues, TextForms) {
  const auto address = AbiType::address();
  EXPECT_TRUE(value_from_text(address, "0x1111111111111111111111111111111111111111").ok());
  EXPECT_TRUE(value_from_text(address, "0xAbCdEf1111111111111111111111111111111111").ok());
  EXPECT_FALSE(value_from_text(address, "1111111111111111111111111111111111111111").ok());
  EXPECT_FALSE(value_from_text(address, "0x11").ok());
  EXPECT_FALSE(value_from_text(address, "0x111111111111111111111111111111111111111g").ok());

  const auto u256 = AbiType::uint(256);
  EXPECT_EQ(value_from_text(u256, "5000000000000000000")->as_word(),
            codec::U256::from_u64(5'000'000'000'000'000'000ULL));
  EXPECT_EQ(value_from_text(u256, "0x10")->as_word(), codec::U256::from_u64(16));
  EXPECT_EQ(value_from_text(u256, "115792089237316195423570985008687907853269984665640564039457584007913129639935")
                ->as_word(),
            codec::U256::max());
  EXPECT_FALSE(
      value_from_text(u256, "115792089237316195423570985008687907853269984665640564039457584007913129639936").ok());
  EXPECT_FALSE(value_from_text(u256, "").ok());
  EXPECT_FALSE(value_from_text(u256, " 5").ok());
  EXPECT_FALSE(value_from_text(u256, "-1").ok());
  EXPECT_FALSE(value_from_text(u256, "1e3").ok());
  EXPECT_FALSE(value_from_text(AbiType::uint(8), "256").ok());
  EXPECT_TRUE(value_from_text(AbiType::uint(8), "255").ok());

  EXPECT_TRUE(value_from_text(AbiType::sint(8), "-128").ok());
  EXPECT_FALSE(value_from_text(AbiType::sint(8), "-0x1").ok());
  EXPECT_TRUE(value_from_text(AbiType::boolean(), "true")->as_bool());
  EXPECT_FALSE(value_from_text(AbiType::boolean(), "1").ok());
  EXPECT_EQ(value_from_text(AbiType::string(), "a, \"b\"")->as_string(), "a, \"b\"");
  EXPECT_FALSE(value_from_text(AbiType::string(), "\xff").ok());
  EXPECT_TRUE(value_from_text(AbiType::fixed_bytes(32), "0x" + std::string(64, 'a')).ok());
  EXPECT_FALSE(value_from_text(AbiType::fixed_bytes(32), "0x1234").ok());
  EXPECT_TRUE(value_from_text(AbiType::bytes(), "0x").ok());
  auto list = value_from_text(AbiType::array(AbiType::string()), R"(["a","b"])");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->as_list().size(), 2u);
  EXPECT_EQ(value_from_text(AbiType::array(AbiType::string()), "[").status().code(), "bad_json");
}

TEST(OzValues, JsonFormsFollowTheJavaScriptLibrary) {
  const std::vector<AbiType> types{AbiType::uint(256), AbiType::boolean()};
  EXPECT_TRUE(leaf_value_from_json(types, Json::parse(R"([9007199254740991, "true"])")).ok());
  EXPECT_EQ(leaf_value_from_json(types, Json::parse(R"([9007199254740992, true])")).status().code(),
            "oz_unsafe_number");
  EXPECT_EQ(leaf_value_from_json(types, Json::parse(R"([1.0, true])")).status().code(), "oz_unsafe_number");
  EXPECT_EQ(leaf_value_from_json(types, Json::parse(R"(["1", "yes"])")).status().code(), "abi_value_mismatch");
  EXPECT_EQ(leaf_value_from_json(types, Json::parse(R"(["1"])")).status().code(), "abi_value_mismatch");
  EXPECT_EQ(leaf_value_from_json(types, Json::parse(R"({})")).status().code(), "abi_value_mismatch");
  const std::vector<AbiType> signed_types{AbiType::sint(64)};
  EXPECT_TRUE(leaf_value_from_json(signed_types, Json::parse("[-9007199254740991]")).ok());
  EXPECT_EQ(leaf_value_from_json(signed_types, Json::parse("[-9007199254740992]")).status().code(), "oz_unsafe_number");
  // Tuples and nested arrays recurse with the same rules.
  auto tuple = codec::parse_abi_type("(uint256,bool)[]");
  ASSERT_TRUE(tuple.ok());
  const std::vector<AbiType> nested{*tuple};
  EXPECT_TRUE(leaf_value_from_json(nested, Json::parse(R"([[["1","false"],[2,true]]])")).ok());
  EXPECT_EQ(leaf_value_from_json(nested, Json::parse(R"([[["1",false,3]]])")).status().code(), "abi_value_mismatch");
}

TEST(OzShapes, ProofAndMultiproofJson) {
  auto tree = load_standard_tree(
      R"({"format":"standard-v1","leafEncoding":["address","uint256"],"tree":["0xd4dee0beab2d53f2cc83e567171bd2820e49898130a22622b10ead383e90bd77","0xeb02c421cfa48976e66dfb29120745909ea3a0f843456c263cf8f1253483e283","0xb92c48e9d7abe27fd8dfd6b5dfdbfb1c9a463f80c712b66f3a5180a090cccafc"],"values":[{"value":["0x1111111111111111111111111111111111111111","5000000000000000000"],"treeIndex":1},{"value":["0x2222222222222222222222222222222222222222","2500000000000000000"],"treeIndex":2}]})");
  ASSERT_TRUE(tree.ok()) << tree.status().to_string();
  auto proof = tree->proof(0);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof_json(*tree, 0, *proof),
            R"({"value":["0x1111111111111111111111111111111111111111","5000000000000000000"],)"
            R"("leaf":"0xeb02c421cfa48976e66dfb29120745909ea3a0f843456c263cf8f1253483e283",)"
            R"("proof":["0xb92c48e9d7abe27fd8dfd6b5dfdbfb1c9a463f80c712b66f3a5180a090cccafc"]})");
  const std::vector<std::size_t> both{0, 1};
  auto mp = tree->multiproof(both);
  ASSERT_TRUE(mp.ok());
  const std::string text = multiproof_json(*tree, *mp);
  EXPECT_EQ(text,
            R"({"leaves":[["0x2222222222222222222222222222222222222222","2500000000000000000"],)"
            R"(["0x1111111111111111111111111111111111111111","5000000000000000000"]],"proof":[],"proofFlags":[true]})");
  auto back = multiproof_from_json(tree->leaf_encoding(), Json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, mp->multiproof);
  EXPECT_TRUE(core::merkle::verify_multiproof(tree->root(), *back).is_ok());
  EXPECT_EQ(multiproof_from_json(tree->leaf_encoding(), Json::parse(R"({"leaves":[],"proof":[]})")).status().code(),
            "missing_field");
  EXPECT_EQ(
      multiproof_from_json(tree->leaf_encoding(), Json::parse(R"({"leaves":[],"proof":["0x12"],"proofFlags":[]})"))
          .status()
          .code(),
      "bad_field");
}

TEST(OzShapes, NodeText) {
  const std::string lower = "0x" + std::string(64, 'a');
  const std::string upper = "0x" + std::string(64, 'A');
  EXPECT_EQ(*node_from_text(lower), *node_from_text(upper));
  EXPECT_EQ(node_from_text(std::string(64, 'a')).status().code(), "bad_hex");
  EXPECT_EQ(node_from_text("0x" + std::string(62, 'a')).status().code(), "bad_length");
  EXPECT_FALSE(node_from_text("0x" + std::string(63, 'a') + "g").ok());
}

}  // namespace
}  // namespace credence::interop::oz
