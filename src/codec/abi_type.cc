#include "credence/codec/abi_type.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <optional>
#include <set>
#include <utility>

namespace credence::codec {
namespace {

constexpr std::size_t kWord = 32;

std::size_t saturating_add(std::size_t a, std::size_t b) {
  return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

std::size_t saturating_mul(std::size_t a, std::size_t b) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return std::numeric_limits<std::size_t>::max();
  return a * b;
}

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Recursive-descent parser over the type grammar of docs/abi.md. Every failure names the byte offset.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<AbiType> parse_type(std::size_t depth) {
    skip_space();
    const std::size_t start = pos_;
    if (depth >= kMaxAbiDepth) return fail("nesting deeper than " + std::to_string(kMaxAbiDepth), start);
    std::optional<AbiType> base;
    if (peek() == '(') {
      CREDENCE_ASSIGN_OR_RETURN(AbiType tuple, parse_tuple(depth));
      base = std::move(tuple);
    } else {
      CREDENCE_ASSIGN_OR_RETURN(AbiType elementary, parse_elementary());
      base = std::move(elementary);
    }
    // Array suffixes bind left to right: "T[2][]" is a dynamic array of T[2].
    for (;;) {
      skip_space();
      if (peek() != '[') break;
      const std::size_t bracket = pos_;
      ++pos_;
      if (base->depth() + 1 > kMaxAbiDepth) {
        return fail("nesting deeper than " + std::to_string(kMaxAbiDepth), bracket);
      }
      skip_space();
      if (peek() == ']') {
        ++pos_;
        base = AbiType::array(std::move(*base));
        continue;
      }
      CREDENCE_ASSIGN_OR_RETURN(std::size_t k, parse_number(1, kMaxAbiFixedArraySize, "fixed array size"));
      skip_space();
      if (peek() != ']') return fail("expected ']'", pos_);
      ++pos_;
      base = AbiType::fixed_array(std::move(*base), k);
    }
    return std::move(*base);
  }

  // "type [name]" entries separated by commas, up to the end of the text.
  Result<std::vector<AbiParam>> parse_params(bool names_allowed) {
    std::vector<AbiParam> params;
    std::set<std::string, std::less<>> seen;
    skip_space();
    if (at_end()) return params;
    for (;;) {
      if (params.size() >= kMaxAbiTupleSize) {
        return fail("more than " + std::to_string(kMaxAbiTupleSize) + " parameters", pos_);
      }
      CREDENCE_ASSIGN_OR_RETURN(AbiType type, parse_type(0));
      std::string name;
      skip_space();
      if (is_ident_start(peek())) {
        const std::size_t name_pos = pos_;
        if (!names_allowed) return fail("unexpected name in a type list", name_pos);
        name = std::string(read_ident());
        if (!seen.insert(name).second) return fail("duplicate parameter name '" + name + "'", name_pos);
        skip_space();
      } else if (is_digit(peek())) {
        return fail("a parameter name cannot start with a digit", pos_);
      }
      params.push_back(AbiParam{std::move(type), std::move(name)});
      if (at_end()) return params;
      if (peek() != ',') return fail("expected ',' or end of list", pos_);
      ++pos_;
    }
  }

  [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
  [[nodiscard]] std::size_t pos() const { return pos_; }
  void skip_space() {
    while (!at_end() && is_space(text_[pos_])) ++pos_;
  }

  static Status fail(const std::string& what, std::size_t pos) {
    return Status::invalid("bad_abi_type", what + " at position " + std::to_string(pos));
  }

 private:
  [[nodiscard]] char peek() const { return at_end() ? '\0' : text_[pos_]; }

  std::string_view read_ident() {
    const std::size_t start = pos_;
    while (!at_end() && is_ident_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // A decimal number without leading zeros in [lo, hi]; `what` names it in errors.
  Result<std::size_t> parse_number(std::size_t lo, std::size_t hi, const std::string& what) {
    const std::size_t start = pos_;
    if (!is_digit(peek())) return fail("expected " + what, start);
    if (peek() == '0' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])) {
      return fail(what + " has a leading zero", start);
    }
    std::size_t value = 0;
    while (is_digit(peek())) {
      const auto digit = static_cast<std::size_t>(peek() - '0');
      if (value > (hi - digit) / 10) return fail(what + " larger than " + std::to_string(hi), start);
      value = value * 10 + digit;
      ++pos_;
    }
    if (value < lo) return fail(what + " smaller than " + std::to_string(lo), start);
    return value;
  }

  Result<AbiType> parse_tuple(std::size_t depth) {
    const std::size_t open = pos_;
    ++pos_;  // '('
    std::vector<AbiType> components;
    skip_space();
    if (peek() == ')') return fail("empty tuple", open);
    for (;;) {
      if (components.size() >= kMaxAbiTupleSize) {
        return fail("more than " + std::to_string(kMaxAbiTupleSize) + " tuple components", pos_);
      }
      const std::size_t component_pos = pos_;
      CREDENCE_ASSIGN_OR_RETURN(AbiType component, parse_type(depth + 1));
      if (component.depth() + 1 > kMaxAbiDepth) {
        return fail("nesting deeper than " + std::to_string(kMaxAbiDepth), component_pos);
      }
      components.push_back(std::move(component));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        return AbiType::tuple(std::move(components));
      }
      return fail(at_end() ? "unterminated tuple" : "expected ',' or ')'", pos_);
    }
  }

  Result<AbiType> parse_elementary() {
    const std::size_t start = pos_;
    const std::string_view word = read_ident();
    if (word.empty()) return fail("expected a type", start);
    if (word == "address") return AbiType::address();
    if (word == "bool") return AbiType::boolean();
    if (word == "string") return AbiType::string();
    if (word == "bytes") return AbiType::bytes();
    if (word == "uint") return AbiType::uint(256);
    if (word == "int") return AbiType::sint(256);
    auto suffix_number = [&](std::string_view prefix) -> Result<std::size_t> {
      Parser sub(word.substr(prefix.size()));
      auto n = sub.parse_number(1, 256, "size of " + std::string(prefix));
      if (!n) return fail("bad size in '" + std::string(word) + "'", start);
      if (!sub.at_end()) return fail("unknown type '" + std::string(word) + "'", start);
      return *n;
    };
    if (word.starts_with("uint") || word.starts_with("int")) {
      const bool is_unsigned = word.starts_with("uint");
      if (word.size() > (is_unsigned ? 4U : 3U) && is_digit(word[is_unsigned ? 4 : 3])) {
        CREDENCE_ASSIGN_OR_RETURN(std::size_t bits, suffix_number(is_unsigned ? "uint" : "int"));
        if (bits % 8 != 0) return fail("integer size must be a multiple of 8 in 8..256", start);
        return is_unsigned ? AbiType::uint(static_cast<unsigned>(bits)) : AbiType::sint(static_cast<unsigned>(bits));
      }
    }
    if (word.starts_with("bytes") && word.size() > 5 && is_digit(word[5])) {
      CREDENCE_ASSIGN_OR_RETURN(std::size_t size, suffix_number("bytes"));
      if (size > 32) return fail("bytes<M> needs M in 1..32", start);
      return AbiType::fixed_bytes(size);
    }
    if (word.starts_with("fixed") || word.starts_with("ufixed") || word == "function") {
      return fail("unsupported type '" + std::string(word) + "'", start);
    }
    return fail("unknown type '" + std::string(word) + "'", start);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

AbiType::AbiType(AbiKind kind, std::size_t size, std::vector<AbiType> children)
    : kind_(kind), size_(size), children_(std::move(children)) {
  switch (kind_) {
    case AbiKind::bytes:
    case AbiKind::string:
    case AbiKind::array:
      dynamic_ = true;
      break;
    case AbiKind::fixed_array:
      dynamic_ = children_[0].dynamic_;
      break;
    case AbiKind::tuple:
      for (const auto& c : children_) dynamic_ = dynamic_ || c.dynamic_;
      break;
    default:
      break;
  }
  if (dynamic_ || kind_ != AbiKind::fixed_array) head_size_ = kWord;
  if (!dynamic_ && kind_ == AbiKind::fixed_array) head_size_ = saturating_mul(children_[0].head_size_, size_);
  if (!dynamic_ && kind_ == AbiKind::tuple) {
    head_size_ = 0;
    for (const auto& c : children_) head_size_ = saturating_add(head_size_, c.head_size_);
  }
  for (const auto& c : children_) depth_ = std::max(depth_, c.depth_ + 1);
  assert(depth_ <= kMaxAbiDepth);
}

AbiType AbiType::uint(unsigned bits) {
  assert(bits >= 8 && bits <= 256 && bits % 8 == 0);
  return AbiType(AbiKind::unsigned_int, bits, {});
}

AbiType AbiType::sint(unsigned bits) {
  assert(bits >= 8 && bits <= 256 && bits % 8 == 0);
  return AbiType(AbiKind::signed_int, bits, {});
}

AbiType AbiType::address() { return AbiType(AbiKind::address, 0, {}); }
AbiType AbiType::boolean() { return AbiType(AbiKind::boolean, 0, {}); }

AbiType AbiType::fixed_bytes(std::size_t size) {
  assert(size >= 1 && size <= 32);
  return AbiType(AbiKind::fixed_bytes, size, {});
}

AbiType AbiType::bytes() { return AbiType(AbiKind::bytes, 0, {}); }
AbiType AbiType::string() { return AbiType(AbiKind::string, 0, {}); }

AbiType AbiType::array(AbiType element) {
  std::vector<AbiType> children;
  children.push_back(std::move(element));
  return AbiType(AbiKind::array, 0, std::move(children));
}

AbiType AbiType::fixed_array(AbiType element, std::size_t size) {
  assert(size >= 1 && size <= kMaxAbiFixedArraySize);
  std::vector<AbiType> children;
  children.push_back(std::move(element));
  return AbiType(AbiKind::fixed_array, size, std::move(children));
}

AbiType AbiType::tuple(std::vector<AbiType> components) {
  assert(!components.empty() && components.size() <= kMaxAbiTupleSize);
  return AbiType(AbiKind::tuple, 0, std::move(components));
}

const AbiType& AbiType::element() const {
  assert(is_array());
  return children_[0];
}

const std::vector<AbiType>& AbiType::components() const {
  static const std::vector<AbiType> kNone;
  return kind_ == AbiKind::tuple ? children_ : kNone;
}

std::string AbiType::canonical() const {
  switch (kind_) {
    case AbiKind::unsigned_int:
      return "uint" + std::to_string(size_);
    case AbiKind::signed_int:
      return "int" + std::to_string(size_);
    case AbiKind::address:
      return "address";
    case AbiKind::boolean:
      return "bool";
    case AbiKind::fixed_bytes:
      return "bytes" + std::to_string(size_);
    case AbiKind::bytes:
      return "bytes";
    case AbiKind::string:
      return "string";
    case AbiKind::array:
      return children_[0].canonical() + "[]";
    case AbiKind::fixed_array:
      return children_[0].canonical() + "[" + std::to_string(size_) + "]";
    case AbiKind::tuple:
      return "(" + canonical_type_list(children_) + ")";
  }
  return {};
}

bool operator==(const AbiType& a, const AbiType& b) {
  return a.kind_ == b.kind_ && a.size_ == b.size_ && a.children_ == b.children_;
}

Result<AbiType> parse_abi_type(std::string_view text) {
  Parser p(text);
  CREDENCE_ASSIGN_OR_RETURN(AbiType type, p.parse_type(0));
  p.skip_space();
  if (!p.at_end()) return Parser::fail("unexpected text after the type", p.pos());
  return type;
}

Result<std::vector<AbiParam>> parse_abi_params(std::string_view text) {
  Parser p(text);
  return p.parse_params(/*names_allowed=*/true);
}

Result<std::vector<AbiType>> parse_abi_type_list(std::string_view text) {
  Parser p(text);
  CREDENCE_ASSIGN_OR_RETURN(std::vector<AbiParam> params, p.parse_params(/*names_allowed=*/false));
  std::vector<AbiType> types;
  types.reserve(params.size());
  for (auto& param : params) types.push_back(std::move(param.type));
  return types;
}

std::string canonical_type_list(const std::vector<AbiType>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i != 0) out += ',';
    out += types[i].canonical();
  }
  return out;
}

std::string canonical_params(const std::vector<AbiParam>& params) {
  std::string out;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i != 0) out += ',';
    out += params[i].type.canonical();
    if (!params[i].name.empty()) out += ' ' + params[i].name;
  }
  return out;
}

}  // namespace credence::codec
