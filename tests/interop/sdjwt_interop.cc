// Interop test against the real @sd-jwt/* libraries (tests/interop/sdjwt/package-lock.json pins @sd-jwt/core,
// sd-jwt-vc, crypto-nodejs and jwt-status-list 0.19.0; scripts/setup.sh runs `npm ci` there). On random claims,
// for every pair of issuer / holder algorithms (EdDSA, ES256), both ways:
//   - they issue an SD-JWT VC with a random disclosure frame and decoys  -> we decode it to the original claims;
//     they present a random subset with a KB-JWT                         -> we verify it (nonce, aud, sd_hash);
//   - we issue with random (recursive, array) disclosures and decoys      -> they verify it to the same claims;
//     we present a random subset with a KB-JWT                           -> they verify it, with our claims;
//   - a tampered Disclosure is refused by both;
//   - status: our status list token is fetched by their SD-JWT VC verifier and gives the same verdict as ours;
//     Token Status Lists (bits 1/2/4/8) encoded by either side decode to the same statuses on the other.
// The seed is printed; CREDENCE_INTEROP_SEED=<n> replays a run. Missing node or node_modules is a failure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "credence/codec/base64url.h"
#include "credence/codec/json.h"
#include "credence/interop/sd_jwt.h"
#include "credence/interop/token_status_list.h"

namespace credence::interop::sd_jwt {
namespace {

namespace fs = std::filesystem;
using codec::Json;

const std::string kPeerDir = std::string(CREDENCE_INTEROP_DIR) + "/sdjwt";
constexpr const char* kPinnedVersion = "0.19.0";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string environment_problem() {
  if (std::system("node --version >/dev/null 2>&1") != 0) {
    return "node is not on PATH: the SD-JWT interop test needs Node.js 20+ (docs/sd-jwt.md)";
  }
  for (const char* pkg : {"core", "sd-jwt-vc", "crypto-nodejs", "jwt-status-list"}) {
    const fs::path p = fs::path(kPeerDir) / "node_modules/@sd-jwt" / pkg / "package.json";
    if (!fs::exists(p)) return p.string() + " is missing: run scripts/setup.sh (npm ci in tests/interop/sdjwt)";
    auto json = codec::parse_json(read_file(p));
    if (!json || !json->contains("version") || (*json)["version"] != kPinnedVersion) {
      return p.string() + " is not version " + kPinnedVersion + ": run scripts/setup.sh";
    }
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

// Runs one batch of requests through sdjwt_peer.js.
Json run_peer(const Json& requests) {
  const fs::path dir = fs::temp_directory_path() / ("credence-sdjwt-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path in = dir / "requests.json";
  const fs::path out = dir / "responses.json";
  std::ofstream(in) << requests.dump();
  const std::string cmd = "cd '" + kPeerDir + "' && node sdjwt_peer.js '" + in.string() + "' '" + out.string() + "'";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd;
  auto parsed = codec::parse_json(read_file(out));
  fs::remove_all(dir);
  EXPECT_TRUE(parsed.ok());
  if (!parsed || !parsed->is_array() || parsed->size() != requests.size()) return Json::array();
  return *parsed;
}

class Gen {
 public:
  explicit Gen(std::uint64_t s) : rng_(s) {}
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool coin(unsigned percent = 50) { return below(100) < percent; }

  std::string name() {
    static const char* const kParts[] = {"given", "family", "name", "street", "city", "ü", "birth", "x", "nr",
                                         "email", "über", "a", "b"};
    std::string s = kParts[below(std::size(kParts))];
    if (coin()) s += "_" + std::string(kParts[below(std::size(kParts))]);
    return s;
  }
  Json scalar() {
    switch (below(7)) {
      case 0: return static_cast<std::int64_t>(below(1u << 30)) - (1 << 29);
      case 1: return coin();
      case 2: return nullptr;
      case 3: return static_cast<double>(below(100000)) / 64.0;
      case 4: return "Möbius \"quoted\" 🚀";
      default: return "v" + std::to_string(below(100000));
    }
  }
  Json value(int depth) {
    const std::size_t kind = depth > 0 ? below(6) : 0;
    if (kind == 4) {
      Json a = Json::array();
      for (std::size_t i = 0, n = 1 + below(4); i < n; ++i) a.push_back(value(depth - 1));
      return a;
    }
    if (kind == 5) return object(depth - 1, 1 + below(4));
    return scalar();
  }
  Json object(int depth, std::size_t members) {
    Json o = Json::object();
    for (std::size_t i = 0; i < members; ++i) o[name()] = value(depth);
    return o;
  }

  // Every JSON Pointer below `v` (objects' members, arrays' elements), depth first.
  static void paths(const Json& v, const std::string& at, std::vector<std::string>& out) {
    if (v.is_object()) {
      for (const auto& [k, m] : v.items()) {
        const std::string p = at + "/" + escape(k);
        out.push_back(p);
        paths(m, p, out);
      }
    } else if (v.is_array()) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = at + "/" + std::to_string(i);
        out.push_back(p);
        paths(v[i], p, out);
      }
    }
  }
  static std::string escape(const std::string& k) { return format_path({k}).substr(1); }

  // An @sd-jwt disclosure frame choosing members / elements at random (recursive), with decoys.
  Json frame(const Json& v, bool top) {
    Json f = Json::object();
    Json sd = Json::array();
    if (v.is_object()) {
      for (const auto& [k, m] : v.items()) {
        if (top && (k == "iss" || k == "vct" || k == "status")) continue;
        if (coin()) sd.push_back(k);
        if (m.is_object() || m.is_array()) {
          Json sub = frame(m, false);
          if (!sub.empty()) f[k] = sub;
        }
      }
    } else if (v.is_array()) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (coin()) sd.push_back(i);
        if (v[i].is_object() || v[i].is_array()) {
          Json sub = frame(v[i], false);
          if (!sub.empty()) f[std::to_string(i)] = sub;
        }
      }
    }
    if (!sd.empty()) f["_sd"] = sd;
    if (coin(30)) f["_sd_decoy"] = 1 + below(3);
    return f;
  }

  // Leaves (scalars) chosen at random: our JSON Pointers and the equivalent @sd-jwt presentation frame.
  void choose_leaves(const Json& v, const std::vector<std::string>& at, std::vector<std::string>& pointers,
                     Json& frame) {
    if (v.is_object() || v.is_array()) {
      const bool obj = v.is_object();
      for (std::size_t i = 0; i < v.size(); ++i) {
        std::string key;
        const Json* child = nullptr;
        if (obj) {
          auto it = v.begin();
          std::advance(it, static_cast<std::ptrdiff_t>(i));
          key = it.key();
          child = &*it;
        } else {
          key = std::to_string(i);
          child = &v[i];
        }
        auto next = at;
        next.push_back(key);
        if (child->is_object() || child->is_array()) {
          if (child->empty()) continue;
          Json sub = Json::object();
          const std::size_t before = pointers.size();
          choose_leaves(*child, next, pointers, sub);
          if (pointers.size() > before) frame[key] = sub;
        } else if (coin(40)) {
          pointers.push_back(format_path(next));
          frame[key] = true;
        }
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

struct Party {
  bool es256;
  crypto::ed25519::SecretKey ed;
  crypto::p256::PrivateKey p256;
  jws::Signer signer() const { return es256 ? jws::Signer::es256(p256) : jws::Signer::ed25519(ed); }
  const char* alg() const { return es256 ? "ES256" : "EdDSA"; }
  Json public_jwk() const { return jws::to_jwk(signer().public_key()); }
  Json private_jwk() const {
    Json j = public_jwk();
    j["d"] = es256 ? codec::base64url_encode(p256.bytes()) : codec::base64url_encode(ed.seed());
    return j;
  }
};

Party make_party(bool es256, crypto::RandomSource& random) {
  return Party{es256, crypto::ed25519::SecretKey::generate(random), crypto::p256::PrivateKey::generate(random)};
}

const char* kStatusUri = "https://issuer.example/status/7";

struct Case {
  Case(Party i, Party h) : issuer(std::move(i)), holder(std::move(h)) {}
  Party issuer;
  Party holder;
  Json claims;
  Json their_frame;
  std::vector<std::string> our_sd;
  std::vector<std::string> pointers;  // what the holder reveals
  Json presentation_frame = Json::object();  // never null: a missing frame means "disclose all" to sd-jwt-js
  std::string nonce;
  std::string ours;        // we issued
  std::string theirs;      // they issued
  std::string their_presentation_code;  // our verdict on sd-jwt-js's presentation of our credential
  std::optional<token_status::StatusList> list;
  std::string list_token;
  bool revoked = false;
};

TEST(SdJwtInterop, BothWaysAgainstSdJwtJs) {
  const std::string problem = environment_problem();
  ASSERT_TRUE(problem.empty()) << problem;
  std::cout << "CREDENCE_INTEROP_SEED=" << seed() << '\n';
  Gen gen(seed());
  crypto::DeterministicRandom random(seed());
  constexpr std::size_t kCases = 16;
  std::vector<Case> cases;
  for (std::size_t i = 0; i < kCases; ++i) {
    Case c{make_party((i & 1) != 0, random), make_party((i & 2) != 0, random)};
    c.claims = gen.object(2, 2 + gen.below(5));
    c.claims["iss"] = "https://issuer.example";
    c.claims["vct"] = "https://credentials.example/t" + std::to_string(i);
    if (i % 4 == 3) {
      c.claims["status"] = {{"status_list", {{"idx", 3}, {"uri", kStatusUri}}}};
      c.list = *token_status::StatusList::make(2, 32);
      c.revoked = gen.coin();
      EXPECT_TRUE(c.list->set(3, c.revoked ? token_status::kInvalid : token_status::kValid).is_ok());
      EXPECT_TRUE(c.list->set(4, token_status::kSuspended).is_ok());
      c.list_token = token_status::sign_status_list_token({kStatusUri, 1700000000, std::nullopt, std::nullopt, *c.list},
                                                          c.issuer.signer());
    }
    c.their_frame = gen.frame(c.claims, true);
    std::vector<std::string> all;
    Gen::paths(c.claims, "", all);
    for (const auto& p : all) {
      if (p == "/iss" || p == "/vct" || p == "/status" || p.rfind("/status/", 0) == 0) continue;
      if (gen.coin()) c.our_sd.push_back(p);
    }
    gen.choose_leaves(c.claims, {}, c.pointers, c.presentation_frame);
    c.nonce = "nonce-" + std::to_string(gen.below(1u << 30));
    IssueOptions o;
    o.sd_paths = c.our_sd;
    o.decoys = gen.below(3);
    o.holder_key = c.holder.signer().public_key();
    auto issued = issue(c.claims, o, c.issuer.signer(), random);
    ASSERT_TRUE(issued.ok()) << issued.status().to_string();
    c.ours = *issued;
    cases.push_back(std::move(c));
  }

  // Batch 1: they issue; they verify ours (with our status list when there is one); they present ours.
  Json batch = Json::array();
  for (const auto& c : cases) {
    batch.push_back({{"op", "issue"}, {"alg", c.issuer.alg()}, {"issuer_jwk", c.issuer.private_jwk()},
                     {"holder_jwk", c.holder.public_jwk()}, {"claims", c.claims}, {"frame", c.their_frame},
                     {"vc", true}});
    Json verify_ours = {{"op", "verify"}, {"sdjwt", c.ours}, {"issuer_jwk", c.issuer.public_jwk()}, {"vc", true}};
    if (!c.list_token.empty()) verify_ours["status_list_token"] = c.list_token;
    batch.push_back(verify_ours);
    batch.push_back({{"op", "present"}, {"sdjwt", c.ours}, {"frame", c.presentation_frame},
                     {"holder_jwk", c.holder.private_jwk()}, {"nonce", c.nonce}, {"aud", "https://verifier.example"},
                     {"iat", 1750000000}});
  }
  const Json r1 = run_peer(batch);
  ASSERT_EQ(r1.size(), batch.size());

  Json batch2 = Json::array();
  std::vector<Json> our_presented_claims;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + " issuer " + c.issuer.alg() + " holder " + c.holder.alg());
    const Json& issued = r1[3 * i];
    const Json& verified = r1[3 * i + 1];
    const Json& presented = r1[3 * i + 2];
    ASSERT_FALSE(issued.contains("error")) << issued.dump();
    c.theirs = issued["sdjwt"].get<std::string>();

    // Theirs -> ours: every claim comes back, cnf is the holder key.
    VerifyOptions vo{c.issuer.signer().public_key()};
    vo.require_vc = true;
    vo.now = 1750000000;
    auto mine = verify(c.theirs, vo);
    ASSERT_TRUE(mine.ok()) << mine.status().to_string() << "\n" << c.theirs;
    Json expected = c.claims;
    expected["cnf"] = {{"jwk", c.holder.public_jwk()}};
    EXPECT_EQ(mine->claims, expected);

    // Ours -> theirs: the same claims; with a status list, the same verdict.
    Json our_full = c.claims;
    our_full["cnf"] = {{"jwk", c.holder.public_jwk()}};
    if (c.revoked) {
      EXPECT_TRUE(verified.contains("error")) << "sd-jwt-js accepted a revoked credential";
      VerifyOptions so = vo;
      so.status = StatusSource{kStatusUri, &*c.list};
      EXPECT_EQ(verify(c.ours, so).status().code(), "revoked");
    } else {
      ASSERT_FALSE(verified.contains("error")) << verified.dump() << "\n" << c.ours;
      EXPECT_EQ(verified["payload"], our_full);
    }

    // Their presentation of our credential -> our verifier. sd-jwt-js 0.19 signs a wrong sd_hash when the frame
    // reaches into a recursive disclosure (its first present() pass unpacks the Disclosures in place, so the
    // presentation it returns has fewer Disclosures than the string it hashed); its own verifier rejects those too.
    // So: our verdict must equal sd-jwt-js's own verdict on the same presentation (batch 2), and claims must match
    // whenever both accept.
    ASSERT_FALSE(presented.contains("error")) << presented.dump();
    VerifyOptions kb = vo;
    kb.nonce = c.nonce;
    kb.audience = "https://verifier.example";
    auto their_presentation = verify(presented["presentation"].get<std::string>(), kb);
    c.their_presentation_code = their_presentation.ok() ? "" : their_presentation.status().code();
    if (!their_presentation.ok()) {
      EXPECT_EQ(their_presentation.status().code(), "sd_hash_mismatch") << presented["presentation"].get<std::string>();
    }
    batch2.push_back({{"op", "verify"}, {"sdjwt", presented["presentation"]}, {"issuer_jwk", c.issuer.public_jwk()},
                      {"nonce", c.nonce}});
    // Our own presentation of the same leaves gives the same claims.
    PresentOptions po;
    po.disclose = c.pointers;
    const jws::Signer holder = c.holder.signer();
    po.key_binding = KeyBindingInput{&holder, c.nonce, "https://verifier.example", 1750000000};
    auto ours_presented = present(c.ours, po);
    ASSERT_TRUE(ours_presented.ok()) << ours_presented.status().to_string();
    auto ours_verified = verify(*ours_presented, kb);
    ASSERT_TRUE(ours_verified.ok()) << ours_verified.status().to_string();
    if (their_presentation.ok()) {
      EXPECT_EQ(their_presentation->claims, ours_verified->claims)
        << "frame " << c.presentation_frame.dump() << "\nclaims " << c.claims.dump() << "\nsd " << Json(c.our_sd).dump();
    }

    // Our presentation of their credential -> their verifier (batch 2), and their presentation of theirs -> ours.
    auto on_theirs = present(c.theirs, po);
    ASSERT_TRUE(on_theirs.ok()) << on_theirs.status().to_string();
    auto on_theirs_verified = verify(*on_theirs, kb);
    ASSERT_TRUE(on_theirs_verified.ok()) << on_theirs_verified.status().to_string();
    our_presented_claims.push_back(on_theirs_verified->claims);
    Json verify_on_theirs = {{"op", "verify"}, {"sdjwt", *on_theirs}, {"issuer_jwk", c.issuer.public_jwk()},
                             {"vc", true}, {"nonce", c.nonce}};
    if (!c.list_token.empty()) verify_on_theirs["status_list_token"] = c.list_token;
    batch2.push_back(verify_on_theirs);
    batch2.push_back({{"op", "present"}, {"sdjwt", c.theirs}, {"frame", c.presentation_frame},
                      {"holder_jwk", c.holder.private_jwk()}, {"nonce", c.nonce}, {"aud", "https://verifier.example"},
                      {"iat", 1750000000}});
    // Tampering with our credential. (1) A Disclosure with a forged value matches no digest: we refuse the
    // credential (RFC 9901 §7.1 step 4); sd-jwt-js 0.19 ignores the Disclosure instead — it must at least never
    // show the forged value. (2) A changed issuer-signed payload: both refuse.
    auto parts = split(c.ours);
    ASSERT_TRUE(parts.ok());
    Parts forged_disclosure = *parts;
    forged_disclosure.disclosures.push_back(make_disclosure("c2FsdHNhbHRzYWx0", "forged_claim", "tampered").encoded);
    EXPECT_EQ(verify(join(forged_disclosure), vo).status().code(), "unreferenced_disclosure");
    Parts forged_payload = *parts;
    {
      auto jwt = jws::parse_compact(parts->jwt);
      ASSERT_TRUE(jwt.ok());
      Json payload = *jws::payload_json(*jwt);
      payload["iss"] = "https://attacker.example";
      forged_payload.jwt = jwt->header_b64 + "." + codec::base64url_encode(as_bytes(payload.dump())) + "." +
                           codec::base64url_encode(jwt->signature);
    }
    EXPECT_EQ(verify(join(forged_payload), vo).status().code(), "bad_signature");
    batch2.push_back({{"op", "verify"}, {"sdjwt", join(forged_disclosure)}, {"issuer_jwk", c.issuer.public_jwk()}});
    batch2.push_back({{"op", "verify"}, {"sdjwt", join(forged_payload)}, {"issuer_jwk", c.issuer.public_jwk()}});
  }

  // Status lists at every width, both directions.
  for (int bits : {1, 2, 4, 8}) {
    Json statuses = Json::array();
    auto list = *token_status::StatusList::make(static_cast<unsigned>(bits), 1000 + gen.below(3000));
    for (std::uint64_t i = 0; i < list.size(); ++i) {
      const auto v = static_cast<std::uint8_t>(gen.coin(10) ? gen.below(1u << bits) : 0);
      EXPECT_TRUE(list.set(i, v).is_ok());
      statuses.push_back(v);
    }
    batch2.push_back({{"op", "sl_decode"}, {"bits", bits}, {"lst", list.to_json()["lst"]}});
    batch2.push_back({{"op", "sl_encode"}, {"bits", bits}, {"statuses", statuses}});
  }
  const Json r2 = run_peer(batch2);
  ASSERT_EQ(r2.size(), batch2.size());
  Json batch3 = Json::array();
  std::vector<std::string> own_codes;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + " (batch 2)");
    const Json& own = r2[5 * i];
    EXPECT_EQ(own.contains("error"), !c.their_presentation_code.empty())
        << "sd-jwt-js on its own presentation: " << own.dump() << "; ours: " << c.their_presentation_code;
    const Json& verified = r2[5 * i + 1];
    if (c.revoked) {
      EXPECT_TRUE(verified.contains("error")) << "sd-jwt-js accepted a revoked credential";
    } else {
      ASSERT_FALSE(verified.contains("error")) << verified.dump();
      EXPECT_EQ(verified["payload"], our_presented_claims[i]);
      EXPECT_EQ(verified["kb"]["nonce"], c.nonce);
    }
    const Json& presented = r2[5 * i + 2];
    ASSERT_FALSE(presented.contains("error")) << presented.dump();
    VerifyOptions kb{c.issuer.signer().public_key()};
    kb.nonce = c.nonce;
    kb.audience = "https://verifier.example";
    kb.now = 1750000000;
    auto theirs = verify(presented["presentation"].get<std::string>(), kb);
    own_codes.push_back(theirs.ok() ? "" : theirs.status().code());
    if (theirs.ok()) {
      EXPECT_EQ(theirs->claims, our_presented_claims[i]);
    } else {
      EXPECT_EQ(theirs.status().code(), "sd_hash_mismatch");  // the sd-jwt-js recursive-disclosure bug above
    }
    batch3.push_back({{"op", "verify"}, {"sdjwt", presented["presentation"]}, {"issuer_jwk", c.issuer.public_jwk()},
                      {"nonce", c.nonce}});
    const Json& forged_disclosure = r2[5 * i + 3];
    if (!forged_disclosure.contains("error")) {
      EXPECT_FALSE(forged_disclosure["payload"].contains("forged_claim")) << "sd-jwt-js showed a forged claim";
    }
    EXPECT_TRUE(r2[5 * i + 4].contains("error")) << "sd-jwt-js accepted a forged issuer-signed payload";
  }
  std::size_t at = 5 * cases.size();
  for (int bits : {1, 2, 4, 8}) {
    SCOPED_TRACE("status list bits " + std::to_string(bits));
    const Json& decoded = r2[at++];
    const Json& encoded = r2[at++];
    ASSERT_FALSE(decoded.contains("error")) << decoded.dump();
    ASSERT_FALSE(encoded.contains("error")) << encoded.dump();
    const Json& statuses = batch2[at - 1]["statuses"];
    // Theirs decodes ours (their list is as long as the bytes hold: compare our entries).
    ASSERT_GE(decoded["statuses"].size(), statuses.size());
    for (std::size_t i = 0; i < statuses.size(); ++i) ASSERT_EQ(decoded["statuses"][i], statuses[i]) << i;
    // Ours decodes theirs.
    auto list = token_status::StatusList::from_json({{"bits", bits}, {"lst", encoded["lst"]}});
    ASSERT_TRUE(list.ok()) << list.status().to_string();
    ASSERT_GE(list->size(), statuses.size());
    for (std::size_t i = 0; i < statuses.size(); ++i) ASSERT_EQ(*list->get(i), statuses[i].get<int>()) << i;
  }
  // sd-jwt-js's verdicts on its own presentations of its own credentials match ours.
  const Json r3 = run_peer(batch3);
  ASSERT_EQ(r3.size(), cases.size());
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const bool they_reject = r3[i].contains("error");
    EXPECT_EQ(they_reject, !own_codes[i].empty()) << "case " << i << ": " << r3[i].dump();
    rejected += (own_codes[i].empty() ? 0u : 1u) + (cases[i].their_presentation_code.empty() ? 0u : 1u);
  }
  std::cout << "presentations of sd-jwt-js rejected by both sides for the sd_hash bug: " << rejected << " of "
            << 2 * cases.size() << '\n';
}

}  // namespace
}  // namespace credence::interop::sd_jwt
