#include "credence/interop/oz_merkle.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include "credence/codec/abi_type.h"
#include "credence/codec/hex.h"
#include "credence/codec/u256.h"

namespace credence::interop::oz {

namespace {

using codec::AbiKind;
using codec::AbiType;
using codec::AbiValue;
using codec::Json;
using core::merkle::LeafValue;
using core::merkle::StandardTree;
using core::merkle::TreeValue;

__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using): __extension__ needs typedef

// Number.MAX_SAFE_INTEGER: JSON numbers beyond it reach the JavaScript library rounded.
constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;
constexpr std::size_t kDumpPiece = std::size_t{1} << 20;  // write_standard_tree hands out about this much

// "[i]". (Built by appending: GCC 12 at -O3 warns falsely, -Wrestrict, on "[" + std::to_string(i) + "]".)
std::string at(std::size_t i) {
  std::string s = "[";
  s += std::to_string(i);
  s += ']';
  return s;
}

Status mismatch(const std::string& why) {
  return Status::invalid("abi_value_mismatch", why);
}

// ---------------------------------------------------------------------------------------------------------------
// Values

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// The number of items a list value of `type` needs; `actual` for T[], whose length is free.
std::size_t list_count(const AbiType& type, std::size_t actual) {
  if (type.kind() == AbiKind::tuple) return type.components().size();
  if (type.kind() == AbiKind::fixed_array) return type.size();
  return actual;
}
const AbiType& list_item_type(const AbiType& type, std::size_t i) {
  return type.kind() == AbiKind::tuple ? type.components()[i] : type.element();
}

Result<AbiValue> value_from_json(const AbiType& type, const Json& json) {
  switch (type.kind()) {
    case AbiKind::unsigned_int:
    case AbiKind::signed_int:
      if (json.is_number_float()) return Status::invalid("oz_unsafe_number", "a JSON number that is not an integer");
      if (json.is_number_unsigned() && json.get<std::uint64_t>() > kMaxSafeInteger) {
        return Status::invalid("oz_unsafe_number", "JSON number above 2^53 - 1 (JavaScript rounds it): use a string");
      }
      if (json.is_number_integer() && !json.is_number_unsigned() &&
          json.get<std::int64_t>() < -static_cast<std::int64_t>(kMaxSafeInteger)) {
        return Status::invalid("oz_unsafe_number",
                               "JSON number below -(2^53 - 1) (JavaScript rounds it): use a string");
      }
      if (json.is_string() && starts_with_ci(json.get_ref<const std::string&>(), "-0x")) {
        return mismatch(type.canonical() + ": negative hex is not accepted by the JavaScript encoder");
      }
      return codec::abi_from_json(type, json);
    case AbiKind::boolean:
      if (json.is_string()) {
        const auto& s = json.get_ref<const std::string&>();
        if (s == "true" || s == "false") return AbiValue::boolean(s == "true");
      }
      return codec::abi_from_json(type, json);
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple: {
      if (!json.is_array()) return mismatch(type.canonical() + " needs a JSON array");
      const std::size_t want = list_count(type, json.size());
      if (json.size() != want) {
        return mismatch(type.canonical() + " needs " + std::to_string(want) + " items, got " +
                        std::to_string(json.size()));
      }
      std::vector<AbiValue> items;
      items.reserve(want);
      for (std::size_t i = 0; i < want; ++i) {
        auto item = value_from_json(list_item_type(type, i), json[i]);
        if (!item) return item.status().with_context(at(i));
        items.push_back(std::move(*item));
      }
      return AbiValue::list(std::move(items));
    }
    case AbiKind::address:
    case AbiKind::fixed_bytes:
    case AbiKind::bytes:
    case AbiKind::string:
      return codec::abi_from_json(type, json);
  }
  return mismatch("unknown type");
}

// value_from_json for the two types of nearly every distribution, when given as strings: value_from_text's
// allocation-free paths read exactly the strings the codec's JSON view reads ("0x" + 40 hex digits of either case;
// decimal digits or "0x" hex). Everything else goes to value_from_json.
Result<AbiValue> value_from_json_fast(const AbiType& type, const Json& json) {
  if (json.is_string() && (type.kind() == AbiKind::address || type.kind() == AbiKind::unsigned_int)) {
    return value_from_text(type, json.get_ref<const std::string&>());
  }
  return value_from_json(type, json);
}

// For text of 1 to 78 ASCII digits: its value, or nullopt inside when it needs more than 256 bits. For any other
// text: nullopt.
std::optional<std::optional<codec::U256>> decimal_word(std::string_view text) {
  constexpr std::size_t kMaxDigits = 78;      // 2^256 has 78 decimal digits
  constexpr std::size_t kDigitsPerWord = 19;  // 10^19 < 2^64
  if (text.empty() || text.size() > kMaxDigits) return std::nullopt;
  codec::U256::Limbs limbs{};
  for (std::size_t pos = 0; pos < text.size(); pos += kDigitsPerWord) {
    const std::string_view chunk = text.substr(pos, kDigitsPerWord);
    std::uint64_t digits = 0;
    const auto [end, ec] = std::from_chars(chunk.data(), chunk.data() + chunk.size(), digits);
    if (ec != std::errc() || end != chunk.data() + chunk.size()) return std::nullopt;  // not all digits
    std::uint64_t scale = 1;
    for (std::size_t i = 0; i < chunk.size(); ++i) scale *= 10;
    // limbs = limbs * scale + digits, limb by limb with a 128-bit carry.
    u128 carry = digits;
    for (auto& limb : limbs) {
      const u128 t = static_cast<u128>(limb) * scale + carry;
      limb = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    if (carry != 0) return std::optional<codec::U256>();  // needs more than 256 bits
  }
  return std::optional<codec::U256>(codec::U256::from_limbs(limbs));
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

// The two lowercase hex digits of every byte value.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 512> t{};
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = kDigits[b >> 4];
    t[2 * b + 1] = kDigits[b & 15];
  }
  return t;
}();

// '"0x…"' with lowercase digits, written in place (the dump writes two million of these for a 1M-leaf tree).
void append_quoted_hex(std::string& out, ByteView bytes) {
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size() + 4);
  char* p = out.data() + at;
  *p++ = '"';
  *p++ = '0';
  *p++ = 'x';
  for (const std::uint8_t b : bytes) {
    std::memcpy(p, &kHexPairs[2 * std::size_t{b}], 2);
    p += 2;
  }
  *p = '"';
}

// Decimal text of a word. Below 2^128 (token amounts) with 128-bit arithmetic and std::to_chars — 19 digits per
// division; above, the codec's conversion.
void append_decimal(std::string& out, const codec::U256& word) {
  const auto& limbs = word.limbs();
  if (limbs[2] != 0 || limbs[3] != 0) {
    out += word.to_decimal();
    return;
  }
  constexpr std::uint64_t kTen19 = 10'000'000'000'000'000'000ULL;
  u128 v = static_cast<u128>(limbs[1]) << 64 | limbs[0];
  std::uint64_t chunks[3];  // 2^128 < 10^57: at most three 19-digit chunks, least significant first
  std::size_t n = 0;
  do {
    chunks[n++] = static_cast<std::uint64_t>(v % kTen19);
    v /= kTen19;
  } while (v != 0);
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, chunks[n - 1]).ptr);
  for (std::size_t i = n - 1; i-- > 0;) {
    char* end = std::to_chars(buf, buf + sizeof buf, chunks[i]).ptr;
    out.append(19 - static_cast<std::size_t>(end - buf), '0');  // inner chunks keep their leading zeros
    out.append(buf, end);
  }
}

void append_value(std::string& out, const AbiType& type, const AbiValue& value) {
  switch (type.kind()) {
    case AbiKind::unsigned_int:
      out += '"';
      append_decimal(out, value.as_word());
      out += '"';
      return;
    case AbiKind::address:
      append_quoted_hex(out, value.as_address());
      return;
    case AbiKind::fixed_bytes:
    case AbiKind::bytes:
      append_quoted_hex(out, value.as_bytes());
      return;
    case AbiKind::boolean:
      out += value.as_bool() ? "true" : "false";
      return;
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple: {
      const auto& items = value.as_list();
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) out += ',';
        append_value(out, list_item_type(type, i), items[i]);
      }
      out += ']';
      return;
    }
    case AbiKind::signed_int:
    case AbiKind::string:
      // Signed decimal and JSON string escaping as the codec's JSON view writes them (the same escapes as
      // JSON.stringify: \" \\ \b \f \n \r \t and \u00xx for other control characters).
      out += codec::dump_json(codec::abi_to_json(type, value));
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading tree nodes: exactly "0x" + 64 lowercase hex digits.

// Hex digit values by byte: 0..15 for '0'-'9' and 'a'-'f'; an upper-case digit of value v is stored as -2 - v (it
// counts only where upper case is accepted); -1 for anything else.
constexpr std::array<int, 256> kHexValues = [] {
  std::array<int, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = c - '0';
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = c - 'a' + 10;
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] = -2 - (c - 'A' + 10);
  return t;
}();

int hex_digit(char c, bool upper_too) {
  const int v = kHexValues[static_cast<unsigned char>(c)];
  if (v >= 0) return v;
  return upper_too && v <= -2 ? -2 - v : -1;
}

// "0x" + exactly 2N hex digits into N bytes, without allocating (dumps hold millions of these). False otherwise.
template <std::size_t N>
bool decode_hex_0x(std::string_view s, bool upper_too, FixedBytes<N>& out) {
  if (s.size() != 2 + 2 * N || s[0] != '0' || (s[1] != 'x' && !(upper_too && s[1] == 'X'))) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_digit(s[2 + 2 * i], upper_too);
    const int lo = hex_digit(s[3 + 2 * i], upper_too);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::optional<Hash256> dump_node(std::string_view s) {
  Hash256 out{};
  if (!decode_hex_0x(s, /*upper_too=*/false, out)) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The streaming dump reader: an nlohmann SAX handler that keeps only the tree, the leaf encoding and one value's JSON
// at a time (all of them only when "leafEncoding" comes after "values", as in dumps of library versions < 1.0.7).

class DumpReader {
 public:
  using string_t = Json::string_t;

  // SAX events.
  bool null() { return scalar(Json(nullptr)); }
  bool boolean(bool v) { return scalar(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return scalar(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return scalar(Json(v)); }
  bool number_float(Json::number_float_t v, const string_t& /*text*/) { return scalar(Json(v)); }
  bool binary(Json::binary_t& /*v*/) { return fail(Status::invalid("bad_json", "binary value")); }
  bool string(string_t& s);
  bool start_object(std::size_t /*elements*/);
  bool key(string_t& k);
  bool end_object();
  bool start_array(std::size_t /*elements*/);
  bool end_array();
  bool parse_error(std::size_t position, const std::string& /*token*/, const Json::exception& /*ex*/) {
    return fail(Status::invalid("bad_json", "malformed JSON at byte " + std::to_string(position)));
  }

  // After parsing: the tree, or what was wrong.
  Result<StandardTree> finish();
  [[nodiscard]] const Status& status() const { return status_; }

 private:
  enum class Ctx { top, root, leaf_encoding, tree, values, entry, value, done };
  struct Pending {
    Json json;
    std::size_t tree_index;
  };

  bool fail(Status s) {
    if (status_.is_ok()) status_ = std::move(s);
    return false;
  }
  bool bad_field(const std::string& field, const std::string& why) {
    return fail(Status::invalid("bad_field", field + ": " + why));
  }
  [[nodiscard]] std::string entry_name() const { return "values" + at(values_seen_); }
  bool scalar(Json v);
  bool root_value_is_wrong();
  bool finish_entry();

  Status status_;
  Ctx ctx_ = Ctx::top;
  std::string field_;  // the root key being read
  bool seen_format_ = false;
  bool seen_encoding_ = false;
  bool seen_tree_ = false;
  bool seen_values_ = false;

  std::vector<AbiType> encoding_;
  std::vector<Hash256> tree_;
  std::vector<TreeValue> values_;
  std::vector<Pending> pending_;  // values read before the leaf encoding
  std::size_t values_seen_ = 0;

  // The entry being read.
  std::string entry_field_;
  bool has_value_ = false;
  bool has_tree_index_ = false;
  std::size_t tree_index_ = 0;
  Json value_;
  std::vector<Json*> stack_;  // open arrays inside value_, innermost last
};

bool DumpReader::root_value_is_wrong() {
  if (field_ == "format") return fail(Status::invalid("oz_bad_format", "format must be the string \"standard-v1\""));
  return bad_field(field_, "must be an array");
}

bool DumpReader::scalar(Json v) {
  switch (ctx_) {
    case Ctx::top:
      return fail(Status::invalid("bad_json", "a standard-v1 dump is a JSON object"));
    case Ctx::root:
      return root_value_is_wrong();
    case Ctx::leaf_encoding:
      return bad_field("leafEncoding" + at(encoding_.size()), "must be a type string");
    case Ctx::tree:
      return fail(Status::invalid("merkle_bad_node", "tree" + at(tree_.size()) + " is not a \"0x\" hex string"));
    case Ctx::values:
      return bad_field(entry_name(), "must be an object");
    case Ctx::entry:
      if (entry_field_ == "treeIndex") {
        if (!v.is_number_unsigned()) return bad_field(entry_name() + ".treeIndex", "must be a non-negative integer");
        tree_index_ = static_cast<std::size_t>(v.get<std::uint64_t>());
        return true;
      }
      return bad_field(entry_name() + ".value", "must be an array");
    case Ctx::value:
      stack_.back()->push_back(std::move(v));
      return true;
    case Ctx::done:
      break;
  }
  return fail(Status::invalid("bad_json", "unexpected value"));
}

bool DumpReader::string(string_t& s) {
  switch (ctx_) {
    case Ctx::root:
      if (field_ != "format") return root_value_is_wrong();
      if (s != kStandardV1) return fail(Status::invalid("oz_bad_format", "unknown format '" + s + "'"));
      return true;
    case Ctx::leaf_encoding: {
      auto type = codec::parse_abi_type(s);
      if (!type) return fail(type.status().with_context("leafEncoding" + at(encoding_.size())));
      encoding_.push_back(std::move(*type));
      return true;
    }
    case Ctx::tree: {
      const auto node = dump_node(s);
      if (!node) {
        return fail(
            Status::invalid("merkle_bad_node", "tree" + at(tree_.size()) + " is not \"0x\" + 64 lowercase hex digits"));
      }
      tree_.push_back(*node);
      return true;
    }
    case Ctx::value:
      stack_.back()->push_back(std::move(s));
      return true;
    default:
      return scalar(Json(std::move(s)));
  }
}

bool DumpReader::start_object(std::size_t /*elements*/) {
  switch (ctx_) {
    case Ctx::top:
      ctx_ = Ctx::root;
      return true;
    case Ctx::values:
      ctx_ = Ctx::entry;
      has_value_ = has_tree_index_ = false;
      entry_field_.clear();
      return true;
    case Ctx::value:
      return fail(mismatch(entry_name() + ".value: a JSON object is not a tree value"));
    default:
      return scalar(Json::object());
  }
}

bool DumpReader::key(string_t& k) {
  if (ctx_ == Ctx::root) {
    bool* seen = k == "format"         ? &seen_format_
                 : k == "leafEncoding" ? &seen_encoding_
                 : k == "tree"         ? &seen_tree_
                 : k == "values"       ? &seen_values_
                                       : nullptr;
    if (seen == nullptr) return fail(Status::invalid("unknown_field", "dump: unknown field \"" + k + "\""));
    if (*seen) return bad_field(k, "appears twice");
    *seen = true;
    field_ = std::move(k);
    return true;
  }
  // Ctx::entry: the only other place objects are accepted.
  bool* seen = k == "value" ? &has_value_ : k == "treeIndex" ? &has_tree_index_ : nullptr;
  if (seen == nullptr) return fail(Status::invalid("unknown_field", entry_name() + ": unknown field \"" + k + "\""));
  if (*seen) return bad_field(entry_name() + "." + k, "appears twice");
  *seen = true;
  entry_field_ = std::move(k);
  return true;
}

bool DumpReader::end_object() {
  if (ctx_ == Ctx::root) {
    ctx_ = Ctx::done;
    return true;
  }
  // Ctx::entry
  return finish_entry();
}

bool DumpReader::finish_entry() {
  if (!has_value_) return fail(Status::invalid("missing_field", entry_name() + ": missing field \"value\""));
  if (!has_tree_index_) return fail(Status::invalid("missing_field", entry_name() + ": missing field \"treeIndex\""));
  if (seen_encoding_) {  // the leaf encoding came first (library versions >= 1.0.7 write it first)
    auto v = leaf_value_from_json(encoding_, value_);
    if (!v) return fail(v.status().with_context(entry_name() + ".value"));
    values_.push_back(TreeValue{std::move(*v), tree_index_});
  } else {
    pending_.push_back(Pending{std::move(value_), tree_index_});
  }
  value_ = Json();
  ++values_seen_;
  ctx_ = Ctx::values;
  return true;
}

bool DumpReader::start_array(std::size_t /*elements*/) {
  switch (ctx_) {
    case Ctx::root:
      if (field_ == "leafEncoding") {
        ctx_ = Ctx::leaf_encoding;
      } else if (field_ == "tree") {
        ctx_ = Ctx::tree;
      } else if (field_ == "values") {
        ctx_ = Ctx::values;
      } else {
        return root_value_is_wrong();
      }
      return true;
    case Ctx::entry:
      if (entry_field_ != "value") return bad_field(entry_name() + ".treeIndex", "must be a non-negative integer");
      ctx_ = Ctx::value;
      value_ = Json::array();
      stack_.assign(1, &value_);
      return true;
    case Ctx::value:
      if (stack_.size() >= codec::kMaxJsonDepth) {
        return fail(Status::invalid("json_too_deep", entry_name() + ".value nested too deep"));
      }
      stack_.back()->push_back(Json::array());
      stack_.push_back(&stack_.back()->back());
      return true;
    default:
      return scalar(Json::array());
  }
}

bool DumpReader::end_array() {
  switch (ctx_) {
    case Ctx::leaf_encoding:
    case Ctx::tree:
    case Ctx::values:
      ctx_ = Ctx::root;
      return true;
    case Ctx::value:
      stack_.pop_back();
      if (stack_.empty()) ctx_ = Ctx::entry;
      return true;
    default:
      return fail(Status::invalid("bad_json", "unexpected end of array"));
  }
}

Result<StandardTree> DumpReader::finish() {
  if (!status_.is_ok()) return status_;
  if (ctx_ != Ctx::done) return Status::invalid("bad_json", "incomplete dump");
  if (!seen_format_) return Status::invalid("oz_bad_format", "missing field \"format\"");
  if (!seen_encoding_) return Status::invalid("missing_field", "dump: missing field \"leafEncoding\"");
  if (!seen_tree_) return Status::invalid("missing_field", "dump: missing field \"tree\"");
  if (!seen_values_) return Status::invalid("missing_field", "dump: missing field \"values\"");
  // Values read before the leaf encoding.
  const std::size_t first_pending = values_.size();
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    auto v = leaf_value_from_json(encoding_, pending_[i].json);
    if (!v) return v.status().with_context("values" + at(first_pending + i) + ".value");
    values_.push_back(TreeValue{std::move(*v), pending_[i].tree_index});
  }
  pending_.clear();
  return StandardTree::load(std::move(encoding_), std::move(tree_), std::move(values_));
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Public functions

Result<LeafValue> leaf_value_from_json(std::span<const AbiType> types, const Json& json) {
  if (!json.is_array()) return mismatch("a tree value is a JSON array");
  if (json.size() != types.size()) {
    return mismatch(std::to_string(types.size()) + " types but " + std::to_string(json.size()) + " values");
  }
  LeafValue out;
  out.reserve(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    auto v = value_from_json_fast(types[i], json[i]);
    if (!v) return v.status().with_context(at(i));
    out.push_back(std::move(*v));
  }
  return out;
}

void append_leaf_value_json(std::string& out, std::span<const AbiType> types, const LeafValue& value) {
  out += '[';
  for (std::size_t i = 0; i < types.size() && i < value.size(); ++i) {
    if (i != 0) out += ',';
    append_value(out, types[i], value[i]);
  }
  out += ']';
}

Result<AbiValue> value_from_text(const AbiType& type, std::string_view text) {
  switch (type.kind()) {
    case AbiKind::address: {
      FixedBytes<20> a{};
      if (!decode_hex_0x(text, /*upper_too=*/true, a)) return mismatch("address needs \"0x\" + 40 hex digits");
      return AbiValue::address(a);
    }
    case AbiKind::unsigned_int: {
      // Decimal digits (the common case, token amounts) are read 19 digits at a time: a handful of 256-bit
      // operations instead of one multiplication per digit. Hex and malformed text take the codec's path.
      if (auto decimal = decimal_word(text)) {
        if (!*decimal) return mismatch("value out of range for " + type.canonical());
        AbiValue value = AbiValue::word(**decimal);
        CREDENCE_RETURN_IF_ERROR(codec::abi_check(type, value));
        return value;
      }
      return codec::abi_from_json(type, Json(std::string(text)));
    }
    case AbiKind::boolean:
      if (text == "true" || text == "false") return AbiValue::boolean(text == "true");
      return mismatch("bool needs true or false");
    case AbiKind::string: {
      AbiValue value = AbiValue::string(std::string(text));
      CREDENCE_RETURN_IF_ERROR(codec::abi_check(type, value));
      return value;
    }
    case AbiKind::array:
    case AbiKind::fixed_array:
    case AbiKind::tuple: {
      CREDENCE_ASSIGN_OR_RETURN(const Json json, codec::parse_json(text));
      return value_from_json(type, json);
    }
    case AbiKind::signed_int:
    case AbiKind::fixed_bytes:
    case AbiKind::bytes:
      return value_from_json(type, Json(std::string(text)));
  }
  return mismatch("unknown type");
}

Result<Hash256> node_from_text(std::string_view text) {
  if (!starts_with_ci(text, "0x")) return Status::invalid("bad_hex", "a node hash needs \"0x\" + 64 hex digits");
  return codec::hex_decode_fixed<32>(text);
}

void write_standard_tree(const StandardTree& tree, const std::function<void(std::string_view)>& sink) {
  std::string buf;
  buf.reserve(kDumpPiece + 4096);
  const auto flush_when_full = [&buf, &sink] {
    if (buf.size() >= kDumpPiece) {
      sink(buf);
      buf.clear();
    }
  };
  buf += R"({"format":")";
  buf += kStandardV1;
  buf += R"(","leafEncoding":[)";
  const auto& types = tree.leaf_encoding();
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i != 0) buf += ',';
    // Canonical type strings are letters, digits, brackets, parentheses and commas: nothing to escape.
    buf += '"' + types[i].canonical() + '"';
  }
  buf += R"(],"tree":[)";
  const auto nodes = tree.tree();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (i != 0) buf += ',';
    append_quoted_hex(buf, nodes[i]);
    flush_when_full();
  }
  buf += R"(],"values":[)";
  const auto& values = tree.values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    buf += i == 0 ? R"({"value":)" : R"(,{"value":)";
    append_leaf_value_json(buf, types, values[i].value);
    buf += R"(,"treeIndex":)";
    buf += std::to_string(values[i].tree_index);
    buf += '}';
    flush_when_full();
  }
  buf += "]}";
  sink(buf);
}

std::string dump_standard_tree(const StandardTree& tree) {
  std::string out;
  write_standard_tree(tree, [&out](std::string_view piece) { out += piece; });
  return out;
}

Result<StandardTree> load_standard_tree(std::string_view text) {
  if (text.size() > kMaxDumpSize) {
    return Status::invalid("json_too_large",
                           "dump of " + std::to_string(text.size()) + " bytes exceeds " + std::to_string(kMaxDumpSize));
  }
  DumpReader reader;
  const bool parsed = Json::sax_parse(text.data(), text.data() + text.size(), &reader);
  if (!parsed && reader.status().is_ok()) return Status::invalid("bad_json", "malformed JSON");
  return reader.finish();
}

std::string proof_json(const StandardTree& tree, std::size_t value_index, std::span<const Hash256> proof) {
  std::string out = R"({"value":)";
  append_leaf_value_json(out, tree.leaf_encoding(), tree.values()[value_index].value);
  out += R"(,"leaf":)";
  append_quoted_hex(out, tree.leaf(value_index));
  out += R"(,"proof":[)";
  for (std::size_t i = 0; i < proof.size(); ++i) {
    if (i != 0) out += ',';
    append_quoted_hex(out, proof[i]);
  }
  out += "]}";
  return out;
}

std::string multiproof_json(const StandardTree& tree, const core::merkle::StandardMultiProof& multiproof) {
  std::string out = R"({"leaves":[)";
  for (std::size_t i = 0; i < multiproof.leaf_values.size(); ++i) {
    if (i != 0) out += ',';
    append_leaf_value_json(out, tree.leaf_encoding(), tree.values()[multiproof.leaf_values[i]].value);
  }
  out += R"(],"proof":[)";
  const auto& proof = multiproof.multiproof.proof;
  for (std::size_t i = 0; i < proof.size(); ++i) {
    if (i != 0) out += ',';
    append_quoted_hex(out, proof[i]);
  }
  out += R"(],"proofFlags":[)";
  const auto& flags = multiproof.multiproof.proof_flags;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (i != 0) out += ',';
    out += flags[i] ? "true" : "false";
  }
  out += "]}";
  return out;
}

Result<std::vector<Hash256>> hashes_from_json(const Json& json) {
  if (!json.is_array()) return Status::invalid("bad_field", "a proof is a JSON array of \"0x\" hex strings");
  std::vector<Hash256> out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (!json[i].is_string()) return Status::invalid("bad_field", "proof" + at(i) + " is not a string");
    auto h = node_from_text(json[i].get_ref<const std::string&>());
    if (!h) return Status::invalid("bad_field", "proof" + at(i) + ": " + h.status().to_string());
    out.push_back(*h);
  }
  return out;
}

Result<core::merkle::MultiProof> multiproof_from_json(std::span<const AbiType> types, const Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto reader, codec::ObjectReader::make(json, "multiproof"));
  CREDENCE_ASSIGN_OR_RETURN(const Json* leaves, reader.value("leaves"));
  CREDENCE_ASSIGN_OR_RETURN(const Json* proof, reader.value("proof"));
  CREDENCE_ASSIGN_OR_RETURN(const Json* flags, reader.value("proofFlags"));
  CREDENCE_RETURN_IF_ERROR(reader.finish());
  if (!leaves->is_array()) return Status::invalid("bad_field", "multiproof.leaves must be an array");
  if (!flags->is_array()) return Status::invalid("bad_field", "multiproof.proofFlags must be an array");
  core::merkle::MultiProof out;
  for (std::size_t i = 0; i < leaves->size(); ++i) {
    auto value = leaf_value_from_json(types, (*leaves)[i]);
    if (!value) return value.status().with_context("multiproof.leaves" + at(i));
    auto h = core::merkle::leaf_hash(types, *value);
    if (!h) return h.status().with_context("multiproof.leaves" + at(i));
    out.leaves.push_back(*h);
  }
  CREDENCE_ASSIGN_OR_RETURN(out.proof, hashes_from_json(*proof));
  for (std::size_t i = 0; i < flags->size(); ++i) {
    if (!(*flags)[i].is_boolean())
      return Status::invalid("bad_field", "multiproof.proofFlags" + at(i) + " is not a bool");
    out.proof_flags.push_back((*flags)[i].get<bool>());
  }
  return out;
}

}  // namespace credence::interop::oz
