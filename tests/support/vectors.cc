#include "vectors.h"

#include <fstream>
#include <sstream>

#include "credence/codec/hex.h"
#include "credence/crypto/self_test.h"

namespace credence::test {

VectorCase::VectorCase(nlohmann::json obj, std::string where) : obj_(std::move(obj)), where_(std::move(where)) {
  read_.insert("name");  // shown in where()
}

VectorCase::VectorCase(VectorCase&& other) noexcept
    : obj_(std::move(other.obj_)), where_(std::move(other.where_)), read_(std::move(other.read_)) {
  other.moved_ = true;
}

VectorCase::~VectorCase() {
  if (moved_) return;
  for (const auto& [key, value] : obj_.items()) {
    if (!read_.count(key)) ADD_FAILURE() << where_ << ": field \"" << key << "\" was not read by the test";
  }
}

const nlohmann::json& VectorCase::field(const std::string& key) {
  read_.insert(key);
  static const nlohmann::json kNull;
  if (!obj_.contains(key)) {
    ADD_FAILURE() << where_ << ": missing field \"" << key << "\"";
    return kNull;
  }
  return obj_.at(key);
}

std::string VectorCase::str(const std::string& key) {
  const auto& v = field(key);
  if (!v.is_string()) {
    ADD_FAILURE() << where_ << ": field \"" << key << "\" is not a string";
    return {};
  }
  return v.get<std::string>();
}

Bytes VectorCase::hex(const std::string& key) {
  const std::string s = str(key);
  auto decoded = codec::hex_decode(s);
  if (!decoded) {
    ADD_FAILURE() << where_ << ": field \"" << key << "\" is not hex: " << decoded.status().to_string();
    return {};
  }
  return *decoded;
}

std::int64_t VectorCase::integer(const std::string& key) {
  const auto& v = field(key);
  if (!v.is_number_integer()) {
    ADD_FAILURE() << where_ << ": field \"" << key << "\" is not an integer";
    return 0;
  }
  return v.get<std::int64_t>();
}

bool VectorCase::boolean(const std::string& key) {
  const auto& v = field(key);
  if (!v.is_boolean()) {
    ADD_FAILURE() << where_ << ": field \"" << key << "\" is not a boolean";
    return false;
  }
  return v.get<bool>();
}

const nlohmann::json& VectorCase::raw(const std::string& key) { return field(key); }

std::vector<VectorCase> load_vectors(const std::string& relative_path) {
  const std::string path = std::string(CREDENCE_VECTORS_DIR) + "/" + relative_path;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open vector file " << path;
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto root = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    ADD_FAILURE() << path << ": not a JSON object";
    return {};
  }
  for (const auto& [key, value] : root.items()) {
    if (key != "description" && key != "source" && key != "notes" && key != "cases") {
      ADD_FAILURE() << path << ": unknown top-level field \"" << key << "\"";
    }
  }
  if (!root.contains("description") || !root.contains("source") || !root.contains("cases") ||
      !root["cases"].is_array() || root["cases"].empty()) {
    ADD_FAILURE() << path << ": needs description, source and a non-empty cases array";
    return {};
  }
  std::vector<VectorCase> cases;
  std::size_t i = 0;
  for (auto& c : root["cases"]) {
    std::string where = relative_path + " case " + std::to_string(i);
    if (c.contains("name") && c["name"].is_string()) where += " (" + c["name"].get<std::string>() + ")";
    cases.emplace_back(c, where);
    ++i;
  }
  return cases;
}

}  // namespace credence::test

namespace {
// Every test binary initialises the crypto layer (libsodium + self-test) exactly as the apps do.
class CryptoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const credence::Status s = credence::crypto::initialize();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }
};
[[maybe_unused]] auto* const kCryptoEnvironment = ::testing::AddGlobalTestEnvironment(new CryptoEnvironment);
}  // namespace
