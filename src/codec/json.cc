#include "credence/codec/json.h"

#include <charconv>

namespace credence::codec {

namespace {

// Nesting depth of JSON text, ignoring brackets inside strings. Runs before the parser so that nothing deeper than
// the limit is ever built.
std::size_t max_nesting(std::string_view text) {
  std::size_t depth = 0;
  std::size_t max = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max;
}

}  // namespace

Result<Json> parse_json(std::string_view text, std::size_t max_depth, std::size_t max_size) {
  if (text.size() > max_size) {
    return Status::invalid("json_too_large", "JSON text of " + std::to_string(text.size()) + " bytes exceeds " +
                                                 std::to_string(max_size));
  }
  if (max_nesting(text) > max_depth) {
    return Status::invalid("json_too_deep", "JSON nested deeper than " + std::to_string(max_depth));
  }
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid("bad_json", "malformed JSON");
  return j;
}

std::string dump_json(const Json& value) {
  // error_handler_t::replace: never throw on invalid UTF-8 inside strings (our parser rejected it already).
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<ObjectReader> ObjectReader::make(const Json& object, std::string what) {
  if (!object.is_object()) return Status::invalid("bad_json", what + " must be a JSON object");
  return ObjectReader(object, std::move(what));
}

Status ObjectReader::bad(const std::string& key, const std::string& why) const {
  return Status::invalid("bad_field", what_ + "." + key + ": " + why);
}

Result<const Json*> ObjectReader::field(const std::string& key) {
  read_.insert(key);
  auto it = object_->find(key);
  if (it == object_->end()) return Status::invalid("missing_field", what_ + "." + key + " is required");
  return &*it;
}

bool ObjectReader::optional(const std::string& key) {
  read_.insert(key);
  return object_->contains(key);
}

Result<const Json*> ObjectReader::value(const std::string& key) { return field(key); }

Result<std::string> ObjectReader::string(const std::string& key) {
  auto f = field(key);
  if (!f) return f.status();
  if (!(*f)->is_string()) return bad(key, "must be a string");
  return (*f)->get<std::string>();
}

Result<std::uint64_t> ObjectReader::u64(const std::string& key) {
  auto f = field(key);
  if (!f) return f.status();
  const Json& j = **f;
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer() && j.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(j.get<std::int64_t>());
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty() && (s.size() == 1 || s[0] != '0')) return v;
  }
  return bad(key, "must be an unsigned 64-bit integer (number or decimal string)");
}

Result<bool> ObjectReader::boolean(const std::string& key) {
  auto f = field(key);
  if (!f) return f.status();
  if (!(*f)->is_boolean()) return bad(key, "must be true or false");
  return (*f)->get<bool>();
}

Result<Bytes> ObjectReader::hex(const std::string& key) {
  auto s = string(key);
  if (!s) return s.status();
  auto b = hex_decode(*s);
  if (!b) return bad(key, b.status().to_string());
  return b;
}

Status ObjectReader::finish() const {
  for (const auto& [key, unused] : object_->items()) {
    if (!read_.count(key)) return Status::invalid("unknown_field", what_ + " has an unknown field \"" + key + "\"");
  }
  return Status::ok();
}

}  // namespace credence::codec
