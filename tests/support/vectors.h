// Test-vector harness: loads tests/vectors/<topic>/<file>.json and hands out cases whose every field must be read.
//
// A vector file is {"description": …, "source": …, "cases": [ {…}, … ]} (optional "notes"). Each case is wrapped in
// a VectorCase; when it is destroyed, any field the test did not read is a test failure — so a field added to a file
// and ignored by the code cannot silently pass.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "credence/bytes.h"

namespace credence::test {

class VectorCase {
 public:
  VectorCase(nlohmann::json obj, std::string where);
  VectorCase(VectorCase&&) noexcept;
  VectorCase& operator=(VectorCase&&) = delete;
  VectorCase(const VectorCase&) = delete;
  ~VectorCase();

  // Where this case sits ("file.json case 3 (name)"), for SCOPED_TRACE.
  [[nodiscard]] const std::string& where() const { return where_; }

  [[nodiscard]] bool has(const std::string& key) const { return obj_.contains(key); }
  std::string str(const std::string& key);
  Bytes hex(const std::string& key);  // hex text, optional 0x
  template <std::size_t N>
  FixedBytes<N> hex_fixed(const std::string& key) {
    const Bytes b = hex(key);
    FixedBytes<N> out{};
    EXPECT_EQ(b.size(), N) << where_ << ": field " << key;
    for (std::size_t i = 0; i < N && i < b.size(); ++i) out[i] = b[i];
    return out;
  }
  std::int64_t integer(const std::string& key);
  bool boolean(const std::string& key);
  const nlohmann::json& raw(const std::string& key);

 private:
  const nlohmann::json& field(const std::string& key);

  nlohmann::json obj_;
  std::string where_;
  std::set<std::string> read_;
  bool moved_ = false;
};

// Loads a vector file relative to tests/vectors/. Fails the test (and returns no cases) if it cannot.
std::vector<VectorCase> load_vectors(const std::string& relative_path);

}  // namespace credence::test
