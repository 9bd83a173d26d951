// Interop test against the real @openzeppelin/merkle-tree 1.0.8 (tests/interop/package.json; scripts/setup.sh runs
// `npm ci` there). On random values of several leaf encodings, both ways:
//   - our dump is byte-identical to JSON.stringify(StandardMerkleTree.of(values).dump());
//   - our dump loads in StandardMerkleTree.load() with our root, and its getProof / getMultiProof equal ours
//     (multiproofs byte for byte), and its verify / verifyMultiProof accept our proofs;
//   - its dump loads in ours with the same tree, values, proofs and multiproofs, and our verifiers accept its proofs.
// One round also hands the library values in other accepted forms (upper-case hex addresses, hex amounts).
// The seed is printed; CREDENCE_INTEROP_SEED=<n> replays a run. Missing node or node_modules is a failure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "credence/codec/abi_type.h"
#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/interop/oz_merkle.h"

namespace credence::interop::oz {
namespace {

namespace fs = std::filesystem;
using codec::AbiKind;
using codec::AbiType;
using codec::AbiValue;
using codec::Json;
using core::merkle::LeafValue;
using core::merkle::StandardTree;

const std::string kInteropDir = CREDENCE_INTEROP_DIR;
constexpr const char* kPinnedVersion = "1.0.8";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "" when node and the pinned library are there, else what is missing and how to get it.
std::string environment_problem() {
  if (std::system("node --version >/dev/null 2>&1") != 0) {
    return "node is not on PATH: the OpenZeppelin interop test needs Node.js 18+ (see docs/merkle.md)";
  }
  const fs::path pkg = fs::path(kInteropDir) / "node_modules/@openzeppelin/merkle-tree/package.json";
  if (!fs::exists(pkg)) {
    return pkg.string() + " is missing: run scripts/setup.sh (it runs `npm ci` in tests/interop)";
  }
  auto json = codec::parse_json(read_file(pkg));
  if (!json || !json->contains("version") || (*json)["version"] != kPinnedVersion) {
    return pkg.string() + " is not version " + kPinnedVersion + ": run scripts/setup.sh";
  }
  return {};
}

std::uint64_t seed() {
  static const std::uint64_t s = []() -> std::uint64_t {
    if (const char* env = std::getenv("CREDENCE_INTEROP_SEED")) return std::strtoull(env, nullptr, 10);
    return (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  }();
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Random values

class Gen {
 public:
  explicit Gen(std::uint64_t s) : rng_(s) {}

  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool coin() { return (rng_() & 1) != 0; }

  Bytes bytes(std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng_());
    return b;
  }

  std::string text() {
    static const char* const kPieces[] = {"a",    "Z",    "0", " ", ",", "\"",     "\\", "/", "\n", "\t", "\r", "\x01",
                                          "\x1f", "\x7f", "é", "€", "𝄞", "\u2028", "<",  "'", "{",  "]",  "%"};
    std::string s;
    const std::size_t n = below(12);
    for (std::size_t i = 0; i < n; ++i) s += kPieces[below(std::size(kPieces))];
    return s;
  }

  AbiValue value(const AbiType& t) {
    switch (t.kind()) {
      case AbiKind::address: {
        FixedBytes<20> a{};
        const Bytes b = bytes(20);
        std::copy(b.begin(), b.end(), a.begin());
        return AbiValue::address(a);
      }
      case AbiKind::unsigned_int: {
        FixedBytes<32> w{};
        const Bytes b = bytes(32);
        std::copy(b.begin(), b.end(), w.begin());
        codec::U256 v = codec::U256::from_be_bytes(w);
        switch (below(3)) {
          case 0:
            v = codec::U256::from_u64(below(1000));
            break;
          case 1:
            v = codec::U256::from_u64(rng_());
            break;
          default:
            break;
        }
        return AbiValue::word(v >> (256 - t.bits()));
      }
      case AbiKind::signed_int:  // the tests use int64
        return AbiValue::from_int64(static_cast<std::int64_t>(rng_()) >> below(60));
      case AbiKind::boolean:
        return AbiValue::boolean(coin());
      case AbiKind::fixed_bytes:
        return AbiValue::fixed_bytes(bytes(t.size()));
      case AbiKind::bytes:
        return AbiValue::bytes(bytes(below(70)));
      case AbiKind::string:
        return AbiValue::string(text());
      case AbiKind::array:
      case AbiKind::fixed_array:
      case AbiKind::tuple: {
        const std::size_t n = t.kind() == AbiKind::tuple         ? t.components().size()
                              : t.kind() == AbiKind::fixed_array ? t.size()
                                                                 : below(4);
        std::vector<AbiValue> items;
        for (std::size_t i = 0; i < n; ++i)
          items.push_back(value(t.kind() == AbiKind::tuple ? t.components()[i] : t.element()));
        return AbiValue::list(std::move(items));
      }
    }
    return {};
  }

  std::vector<LeafValue> values(const std::vector<AbiType>& types, std::size_t n) {
    std::vector<LeafValue> out;
    for (std::size_t i = 0; i < n; ++i) {
      if (!out.empty() && below(20) == 0) {
        out.push_back(out[below(out.size())]);  // an equal value: equal leaves are kept
        continue;
      }
      LeafValue v;
      for (const auto& t : types) v.push_back(value(t));
      out.push_back(std::move(v));
    }
    return out;
  }

  // A random subset of 0..n-1 in random order.
  std::vector<std::size_t> subset(std::size_t n) {
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    std::shuffle(all.begin(), all.end(), rng_);
    all.resize(below(std::min<std::size_t>(n, 24) + 1));
    return all;
  }

 private:
  std::mt19937_64 rng_;
};

std::vector<AbiType> types_of(const std::vector<std::string>& names) {
  std::vector<AbiType> out;
  for (const auto& n : names) out.push_back(*codec::parse_abi_type(n));
  return out;
}

Json hex_list(std::span<const Hash256> hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(codec::hex_encode_0x(h));
  return out;
}

// Other forms the library accepts for (address, uint256): upper-case hex digits, amounts in hex.
Json other_forms(const Json& value) {
  Json v = value;
  std::string addr = v[0].get<std::string>();
  for (std::size_t i = 2; i < addr.size(); ++i)
    addr[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(addr[i])));
  v[0] = addr;
  v[1] = codec::U256::parse_decimal(v[1].get<std::string>())->to_hex();
  return v;
}

// One round: build ours, ask the library, compare both ways.
void round_trip(Gen& gen, const std::vector<std::string>& encoding, bool sort_leaves, std::size_t n,
                bool other_value_forms, const fs::path& dir) {
  SCOPED_TRACE(codec::dump_json(encoding) + " sortLeaves=" + (sort_leaves ? "true" : "false") +
               " n=" + std::to_string(n) + (other_value_forms ? " (other value forms)" : ""));
  const auto types = types_of(encoding);
  core::merkle::TreeOptions options;
  options.sort_leaves = sort_leaves;
  auto ours = StandardTree::of(types, gen.values(types, n), options);
  ASSERT_TRUE(ours.ok()) << ours.status().to_string();
  const std::string our_dump = dump_standard_tree(*ours);
  const Json our_dump_json = Json::parse(our_dump);

  Json request;
  request["leafEncoding"] = encoding;
  request["sortLeaves"] = sort_leaves;
  request["ourDump"] = our_dump;
  request["values"] = Json::array();
  for (const auto& v : our_dump_json["values"]) {
    request["values"].push_back(other_value_forms ? other_forms(v["value"]) : v["value"]);
  }
  std::vector<std::size_t> proof_indices;
  for (std::size_t i = 0; i < n; ++i) {
    if (n <= 48 || gen.below(n) < 48) proof_indices.push_back(i);
  }
  std::vector<std::vector<Hash256>> our_proofs;
  request["proofIndices"] = proof_indices;
  request["ourProofs"] = Json::array();
  for (const std::size_t i : proof_indices) {
    our_proofs.push_back(*ours->proof(i));
    request["ourProofs"].push_back(hex_list(our_proofs.back()));
  }
  std::vector<std::vector<std::size_t>> sets{{}, gen.subset(n), gen.subset(n), gen.subset(n)};
  if (n <= 24) {
    sets.emplace_back(n);
    for (std::size_t i = 0; i < n; ++i) sets.back()[i] = n - 1 - i;
  }
  std::vector<std::string> our_multiproofs;
  request["multiproofIndices"] = sets;
  request["ourMultiproofs"] = Json::array();
  for (const auto& s : sets) {
    auto mp = ours->multiproof(s);
    ASSERT_TRUE(mp.ok()) << mp.status().to_string();
    our_multiproofs.push_back(multiproof_json(*ours, *mp));
    request["ourMultiproofs"].push_back(Json::parse(our_multiproofs.back()));
  }

  const fs::path req_path = dir / "request.json";
  const fs::path resp_path = dir / "response.json";
  std::ofstream(req_path, std::ios::binary) << codec::dump_json(request);
  fs::remove(resp_path);
  const std::string cmd =
      "cd '" + kInteropDir + "' && node oz_merkle_check.js '" + req_path.string() + "' '" + resp_path.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto response = codec::parse_json(read_file(resp_path), codec::kMaxJsonDepth, std::size_t{1} << 30);
  ASSERT_TRUE(response.ok()) << response.status().to_string();
  const Json& r = *response;
  EXPECT_EQ(r["version"], kPinnedVersion);

  // Ours in theirs.
  const std::string root = codec::hex_encode_0x(ours->root());
  EXPECT_EQ(r["loadedRoot"], root);
  if (!other_value_forms) {
    EXPECT_EQ(r["theirDump"].get<std::string>(), our_dump);
  }
  for (std::size_t k = 0; k < proof_indices.size(); ++k) {
    EXPECT_EQ(r["proofs"][k], hex_list(our_proofs[k])) << "proof of value " << proof_indices[k];
    EXPECT_EQ(r["ourProofsValid"][k], true) << "value " << proof_indices[k];
    EXPECT_EQ(r["ourProofsValidEvm"][k], true) << "MerkleProof.verifyCalldata in the EVM, value " << proof_indices[k];
  }
  for (std::size_t k = 0; k < sets.size(); ++k) {
    if (!other_value_forms) {
      EXPECT_EQ(r["multiproofs"][k].get<std::string>(), our_multiproofs[k]) << "set " << k;
    }
    EXPECT_EQ(r["ourMultiproofsValid"][k], true) << "set " << k;
    EXPECT_EQ(r["ourMultiproofsValidEvm"][k], true) << "MerkleProof.multiProofVerifyCalldata in the EVM, set " << k;
  }
  EXPECT_EQ(r["tamperedRejectedEvm"], true) << "the EVM verifier accepted a tampered proof";

  // Theirs in ours.
  auto theirs = load_standard_tree(r["theirDump"].get<std::string>());
  ASSERT_TRUE(theirs.ok()) << theirs.status().to_string();
  EXPECT_EQ(theirs->root(), ours->root());
  EXPECT_EQ(theirs->values(), ours->values());
  EXPECT_TRUE(std::equal(theirs->tree().begin(), theirs->tree().end(), ours->tree().begin(), ours->tree().end()));
  for (std::size_t k = 0; k < proof_indices.size(); ++k) {
    auto their_proof = hashes_from_json(r["proofs"][k]);
    ASSERT_TRUE(their_proof.ok());
    EXPECT_EQ(*theirs->proof(proof_indices[k]), *their_proof);
    EXPECT_TRUE(core::merkle::verify_proof(ours->root(), ours->leaf(proof_indices[k]), *their_proof).is_ok());
  }
  for (std::size_t k = 0; k < sets.size(); ++k) {
    auto their_mp = multiproof_from_json(types, Json::parse(r["multiproofs"][k].get<std::string>()));
    ASSERT_TRUE(their_mp.ok()) << their_mp.status().to_string();
    EXPECT_EQ(*their_mp, theirs->multiproof(sets[k])->multiproof);
    EXPECT_TRUE(core::merkle::verify_multiproof(ours->root(), *their_mp).is_ok());
  }
}

class OzMerkleInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string problem = environment_problem();
    ASSERT_TRUE(problem.empty()) << problem;
    std::cout << "seed=" << seed() << " (CREDENCE_INTEROP_SEED replays it)\n";
    std::string tmpl = (fs::temp_directory_path() / "credence-oz-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(OzMerkleInterop, AddressUint256) {
  Gen gen(seed());
  SCOPED_TRACE("seed=" + std::to_string(seed()));
  round_trip(gen, {"address", "uint256"}, true, 1 + gen.below(300), false, dir_);
  round_trip(gen, {"address", "uint256"}, false, 1 + gen.below(300), false, dir_);
  round_trip(gen, {"address", "uint256"}, true, 1 + gen.below(40), true, dir_);
  round_trip(gen, {"address", "uint256"}, true, 1, false, dir_);
}

TEST_F(OzMerkleInterop, StringBytes32) {
  Gen gen(seed() + 1);
  SCOPED_TRACE("seed=" + std::to_string(seed()));
  round_trip(gen, {"string", "bytes32"}, true, 1 + gen.below(200), false, dir_);
  round_trip(gen, {"string", "bytes32"}, false, 1 + gen.below(200), false, dir_);
}

TEST_F(OzMerkleInterop, DynamicAndNestedTypes) {
  Gen gen(seed() + 2);
  SCOPED_TRACE("seed=" + std::to_string(seed()));
  round_trip(gen, {"bool", "int64", "bytes", "uint8[]", "(string,address)", "bytes4[2]"}, true, 1 + gen.below(100),
             false, dir_);
  round_trip(gen, {"uint256", "string[]"}, false, 1 + gen.below(100), false, dir_);
}

}  // namespace
}  // namespace credence::interop::oz
