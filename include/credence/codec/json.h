// JSON helpers over nlohmann::json that never throw.
//
// parse_json bounds nesting depth and size before parsing, so hostile input cannot exhaust the stack or memory.
// ObjectReader reads the fields of one JSON object with typed, checked accessors and, on finish(), rejects any field
// it was not asked for: JSON views of protocol objects are strict, as their canonical encodings are.
// Reason codes: bad_json, json_too_deep, json_too_large, missing_field, bad_field, unknown_field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/codec/hex.h"
#include "credence/status.h"

namespace credence::codec {

using Json = nlohmann::json;

inline constexpr std::size_t kMaxJsonDepth = 128;
inline constexpr std::size_t kMaxJsonSize = 64u << 20;

Result<Json> parse_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth,
                        std::size_t max_size = kMaxJsonSize);

// Compact text with object keys sorted (nlohmann keeps objects sorted by key).
std::string dump_json(const Json& value);

class ObjectReader {
 public:
  // invalid("bad_json") unless `object` is a JSON object. `what` names the object in messages ("attestation").
  static Result<ObjectReader> make(const Json& object, std::string what);

  [[nodiscard]] bool has(const std::string& key) const { return object_->contains(key); }

  Result<std::string> string(const std::string& key);
  Result<std::uint64_t> u64(const std::string& key);  // a JSON unsigned integer or a decimal string
  Result<bool> boolean(const std::string& key);
  Result<Bytes> hex(const std::string& key);
  template <std::size_t N>
  Result<FixedBytes<N>> hex_fixed(const std::string& key) {
    auto s = string(key);
    if (!s) return s.status();
    auto b = hex_decode_fixed<N>(*s);
    if (!b) return bad(key, b.status().to_string());
    return b;
  }
  Result<const Json*> value(const std::string& key);  // any JSON value
  // Marks `key` read and returns whether it is present (for optional fields, before reading them).
  bool optional(const std::string& key);

  // invalid("unknown_field") if the object has a field no accessor asked for.
  Status finish() const;

 private:
  ObjectReader(const Json& object, std::string what) : object_(&object), what_(std::move(what)) {}
  Result<const Json*> field(const std::string& key);
  Status bad(const std::string& key, const std::string& why) const;

  const Json* object_;
  std::string what_;
  std::set<std::string> read_;
};

}  // namespace credence::codec
