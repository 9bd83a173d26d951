// Interop test of W3C VC 2.0 / eddsa-jcs-2022 / Bitstring Status List against JavaScript peer libraries
// (tests/interop/w3c/package.json, pinned by its package-lock.json; scripts/setup.sh runs `npm ci` there):
//   - JCS: our canonical text equals `canonicalize` 2.1.0 on random JSON texts, number edge cases included;
//   - our credentials (random contents and keys) verify in an independent eddsa-jcs-2022 verifier built from
//     canonicalize + @noble/hashes + @noble/curves + @scure/base (w3c/peer.mjs), and tampered ones do not;
//   - credentials that verifier's signer makes verify here (proof and credential), and tampered ones do not;
//   - status lists: @digitalbazaar/bitstring 3.1.0 decodes our encodedList to the same set bits, and we decode its.
// The seed is printed; CREDENCE_INTEROP_SEED=<n> replays a run. Missing node or node_modules is a failure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/crypto/random.h"
#include "credence/interop/did_key.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"

namespace credence::interop {
namespace {

namespace fs = std::filesystem;
using codec::Json;

const fs::path kPeerDir = fs::path(CREDENCE_INTEROP_DIR) / "w3c";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string environment_problem() {
  if (std::system("node --version >/dev/null 2>&1") != 0) {
    return "node is not on PATH: the W3C interop test needs Node.js 18+ (see docs/vc.md)";
  }
  for (const char* pkg : {"canonicalize", "@noble/curves", "@noble/hashes", "@scure/base", "@digitalbazaar/bitstring"}) {
    if (!fs::exists(kPeerDir / "node_modules" / pkg / "package.json")) {
      return (kPeerDir / "node_modules" / pkg).string() + " is missing: run scripts/setup.sh (npm ci in tests/interop/w3c)";
    }
  }
  const auto pinned = codec::parse_json(read_file(kPeerDir / "node_modules/canonicalize/package.json"));
  if (!pinned || (*pinned)["version"] != "2.1.0") return "canonicalize is not 2.1.0: run scripts/setup.sh";
  return {};
}

std::uint64_t seed() {
  static const std::uint64_t s = []() -> std::uint64_t {
    if (const char* env = std::getenv("CREDENCE_INTEROP_SEED")) return std::strtoull(env, nullptr, 10);
    return (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  }();
  return s;
}

// Runs `node peer.mjs mode` on `input`; the parsed output.
Json run_peer(const std::string& mode, const Json& input) {
  const fs::path dir = fs::temp_directory_path() / ("credence-w3c-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path in = dir / (mode + "-in.json");
  const fs::path out = dir / (mode + "-out.json");
  std::ofstream(in, std::ios::binary) << input.dump();
  const std::string cmd = "node '" + (kPeerDir / "peer.mjs").string() + "' " + mode + " '" + in.string() + "' '" +
                          out.string() + "'";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd;
  auto parsed = codec::parse_json(read_file(out));
  fs::remove_all(dir);
  EXPECT_TRUE(parsed.ok()) << mode << ": no output";
  return parsed.ok() ? *parsed : Json();
}

class W3cInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string problem = environment_problem();
    if (!problem.empty()) FAIL() << problem;
    std::cout << "CREDENCE_INTEROP_SEED=" << seed() << '\n';
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Random JSON text: numbers written in many textual forms (exponents, leading zeros of fractions, huge and tiny
// magnitudes, integers past 2^53, -0), strings with escapes, control characters and astral characters, nesting.

class Gen {
 public:
  explicit Gen(std::uint64_t s) : rng_(s) {}
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  std::uint64_t next() { return rng_(); }

  std::string number() {
    char buf[64];
    switch (below(10)) {
      case 0: return std::to_string(static_cast<std::int64_t>(rng_()) >> below(64));
      case 1: return std::to_string(rng_());  // past 2^53: both sides round to the nearest double
      case 2: {
        double d = 0;
        do {
          d = std::bit_cast<double>(rng_());
        } while (!std::isfinite(d));
        std::snprintf(buf, sizeof buf, "%.17g", d);
        return buf;
      }
      case 3: {
        std::snprintf(buf, sizeof buf, "%.*e", static_cast<int>(below(17)),
                      static_cast<double>(rng_() % 1000000) * std::pow(10.0, static_cast<double>(below(40)) - 20));
        return buf;
      }
      case 4: {
        static const char* const kEdges[] = {"-0", "0.0", "-0.0", "1e21", "1e20", "999999999999999999999", "1e-6",
                                             "1e-7", "0.000001", "1E+2", "5e-324", "1.7976931348623157e308",
                                             "2.2250738585072014e-308", "9007199254740993", "-9007199254740993",
                                             "0.1", "0.3", "123456789.123456789", "1e+0", "100", "4.50",
                                             "333333333.33333329", "1e-27", "1E30", "2e-3"};
        return kEdges[below(std::size(kEdges))];
      }
      case 5: {
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(below(8)),
                      (static_cast<double>(rng_() % 2000000) - 1000000) / static_cast<double>(1 + below(10000)));
        return buf;
      }
      default: {
        std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(1 + below(17)),
                      std::ldexp(static_cast<double>(rng_() % 100000000), static_cast<int>(below(400)) - 200));
        return buf;
      }
    }
  }

  std::string string() {
    static const char* const kPieces[] = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\b", "\\f",
                                          "\\r", "\\u0000", "\\u001f", "\\u007f", "\x7f", "é", "€", "𝄞", "\\ud834\\udd1e",
                                          "\\u2028", "\\uFB33", "דּ", "😂", "<", "'", "%", "\\u00e9"};
    std::string s = "\"";
    for (std::size_t n = below(8); n > 0; --n) s += kPieces[below(std::size(kPieces))];
    return s + "\"";
  }

  std::string value(int depth) {
    switch (below(depth > 3 ? 5 : 8)) {
      case 0: return below(3) == 0 ? "null" : below(2) == 0 ? "true" : "false";
      case 1:
      case 2: return number();
      case 3:
      case 4: return string();
      case 5: {
        std::string s = "[";
        for (std::size_t n = below(5), i = 0; i < n; ++i) s += (i > 0 ? ", " : "") + value(depth + 1);
        return s + "]";
      }
      default: {
        std::string s = "{";
        std::set<std::string> keys;
        for (std::size_t n = below(5), i = 0; i < n; ++i) {
          std::string k = string();
          auto decoded = codec::parse_json(k);
          if (!decoded || !keys.insert(decoded->get<std::string>()).second) continue;  // no duplicate names
          s += (keys.size() > 1 ? ",\n " : "") + k + " : " + value(depth + 1);
        }
        return s + "}";
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

TEST_F(W3cInterop, JcsMatchesCanonicalize) {
  Gen gen(seed());
  Json texts = Json::array();
  for (int i = 0; i < 3000; ++i) texts.push_back(gen.value(0));
  for (int i = 0; i < 1000; ++i) texts.push_back(gen.number());
  const Json theirs = run_peer("jcs", texts);
  ASSERT_EQ(theirs.size(), texts.size());
  int compared = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto ours = jcs::canonicalize_text(texts[i].get<std::string>());
    ASSERT_TRUE(ours.ok()) << texts[i] << ": " << ours.status().to_string();
    ASSERT_EQ(*ours, theirs[i].get<std::string>()) << "input: " << texts[i].get<std::string>();
    ++compared;
  }
  EXPECT_EQ(compared, 4000);
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials both ways

Json random_credential(Gen& gen) {
  Json subject = {{"id", "did:example:" + std::to_string(gen.next() % 100000)}};
  for (std::size_t n = 1 + gen.below(5), i = 0; i < n; ++i) {
    const std::string name = "claim" + std::to_string(i);
    auto v = jcs::parse(gen.value(1));
    subject[name] = v.ok() ? *v : Json(nullptr);
  }
  Json c = {{"@context", Json::array({"https://www.w3.org/ns/credentials/v2"})},
            {"id", "urn:uuid:" + std::to_string(gen.next())},
            {"type", Json::array({"VerifiableCredential", "ExampleCredential"})},
            {"validFrom", "2025-01-01T00:00:00Z"},
            {"credentialSubject", subject}};
  if (gen.below(2) == 0) c["@context"].push_back("https://www.w3.org/ns/credentials/examples/v2");
  if (gen.below(3) == 0) c["name"] = "Zoë's \"credential\" \u2028 𝄞";
  return c;
}

TEST_F(W3cInterop, OurCredentialsVerifyInJavaScript) {
  Gen gen(seed() ^ 1);
  crypto::DeterministicRandom random(seed());
  Json secured = Json::array();
  for (int i = 0; i < 150; ++i) {
    const auto key = crypto::ed25519::SecretKey::generate(random);
    vc::IssueOptions options;
    options.created = 1700000000 + static_cast<std::int64_t>(gen.below(100000000));
    auto c = vc::issue(random_credential(gen), key, options);
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    secured.push_back(*c);
  }
  // Tampered copies: a claim, the issuer, the proof's created time, a proof-value character.
  const std::size_t n = secured.size();
  for (std::size_t i = 0; i < n; ++i) {
    Json t = secured[i];
    switch (i % 4) {
      case 0: t["credentialSubject"]["id"] = "did:example:mallory"; break;
      case 1: t["validFrom"] = "2025-01-01T00:00:01Z"; break;
      case 2: t["proof"]["created"] = "2020-01-01T00:00:00Z"; break;
      default: {
        std::string pv = t["proof"]["proofValue"];
        pv[10] = pv[10] == 'a' ? 'b' : 'a';
        t["proof"]["proofValue"] = pv;
      }
    }
    secured.push_back(t);
  }
  const Json verdicts = run_peer("verify", secured);
  ASSERT_EQ(verdicts.size(), secured.size());
  for (std::size_t i = 0; i < secured.size(); ++i) {
    EXPECT_EQ(verdicts[i]["ok"].get<bool>(), i < n) << i << ": " << verdicts[i]["reason"] << "\n" << secured[i].dump();
    // And ours agrees.
    EXPECT_EQ(vc::verify_proof(secured[i], vc::did_key_resolver()).ok(), i < n) << i;
  }
}

TEST_F(W3cInterop, JavaScriptCredentialsVerifyHere) {
  Gen gen(seed() ^ 2);
  Json requests = Json::array();
  for (int i = 0; i < 150; ++i) {
    Bytes seed_bytes(32);
    for (auto& b : seed_bytes) b = static_cast<std::uint8_t>(gen.next());
    requests.push_back({{"seed", codec::hex_encode(seed_bytes)},
                        {"created", vc::format_datetime(1700000000 + static_cast<std::int64_t>(gen.below(100000000)))},
                        {"document", random_credential(gen)}});
  }
  const Json secured = run_peer("sign", requests);
  ASSERT_EQ(secured.size(), requests.size());
  vc::VerifyOptions options;
  options.now = 1750000000;
  for (std::size_t i = 0; i < secured.size(); ++i) {
    // Through text, as a file would arrive.
    auto doc = jcs::parse(secured[i].dump());
    ASSERT_TRUE(doc.ok());
    const vc::Verdict v = vc::verify_credential(*doc, options);
    EXPECT_TRUE(v.valid()) << i << ": " << (v.problems.empty() ? "" : v.problems[0].to_string()) << "\n"
                           << secured[i].dump();
    // The key is the one the seed gives.
    Bytes seed_bytes = *codec::hex_decode(requests[i]["seed"].get<std::string>());
    const auto key = crypto::ed25519::SecretKey::from_seed(FixedView<32>(seed_bytes.data(), 32));
    ASSERT_TRUE(v.proof.has_value());
    EXPECT_EQ(v.proof->key, key.public_key());
    // Tampering is caught.
    Json t = *doc;
    t["credentialSubject"]["claim0"] = "changed";
    EXPECT_EQ(vc::verify_proof(t, vc::did_key_resolver()).status().code(), "bad_signature");
    // Same document, same key, same created: our signature is byte-identical (Ed25519 is deterministic).
    vc::IssueOptions same;
    same.created = *vc::parse_datetime((*doc)["proof"]["created"].get<std::string>());
    Json unsigned_doc = requests[i]["document"];
    auto ours = vc::issue(unsigned_doc, key, same);
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ((*ours)["proof"]["proofValue"], (*doc)["proof"]["proofValue"]) << i;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Status lists both ways

TEST_F(W3cInterop, StatusListsBothWays) {
  Gen gen(seed() ^ 3);
  Json ours = Json::array();
  Json requests = Json::array();
  std::vector<std::set<std::size_t>> our_sets;
  for (int i = 0; i < 12; ++i) {
    const std::size_t length = status_list::kMinEntries + 8 * gen.below(100000);
    status_list::Bitstring list(length);
    std::set<std::size_t> set;
    for (std::size_t k = gen.below(2000); k > 0; --k) set.insert(gen.below(length));
    if (i == 0) set = {0, 7, 8, length - 1};  // the ends of bytes: where bit-order mistakes show
    for (const std::size_t b : set) list.set(b, true);
    ours.push_back(*status_list::encode(list));
    our_sets.push_back(set);
    requests.push_back({{"length", length}, {"set", set}});
  }
  const Json decoded = run_peer("status-decode", ours);
  ASSERT_EQ(decoded.size(), ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(decoded[i]["length"], requests[i]["length"]) << i;
    EXPECT_EQ(decoded[i]["set"], requests[i]["set"]) << i;
  }
  const Json theirs = run_peer("status-encode", requests);
  ASSERT_EQ(theirs.size(), requests.size());
  for (std::size_t i = 0; i < theirs.size(); ++i) {
    auto list = status_list::decode(theirs[i].get<std::string>());
    ASSERT_TRUE(list.ok()) << list.status().to_string();
    ASSERT_EQ(list->size(), requests[i]["length"].get<std::size_t>());
    std::set<std::size_t> set;
    for (std::size_t b = 0; b < list->size(); ++b) {
      if (list->get(b)) set.insert(b);
    }
    EXPECT_EQ(set, our_sets[i]) << i;
  }
}

}  // namespace
}  // namespace credence::interop
