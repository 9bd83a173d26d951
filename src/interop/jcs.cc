#include "credence/interop/jcs.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace credence::interop::jcs {

namespace {

using codec::Json;

// UTF-8 -> UTF-16 code units, for ordering member names. false on invalid UTF-8 (overlong forms, surrogates,
// values above U+10FFFF, truncated sequences).
bool to_utf16(std::string_view s, std::u16string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = b0 & 0x1fu;
      len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      cp = b0 & 0x0fu;
      len = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      cp = b0 & 0x07u;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t j = 1; j < len; ++j) {
      const auto b = static_cast<unsigned char>(s[i + j]);
      if ((b & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (b & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ffu)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return true;
}

Status append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::u16string scratch;
  if (!to_utf16(s, scratch)) return Status::invalid("jcs_bad_utf8", "string is not valid UTF-8");
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return Status::ok();
}

Status append_value(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: out += "null"; return Status::ok();
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return Status::ok();
    case Json::value_t::number_integer: out += number_to_string(static_cast<double>(v.get<std::int64_t>())); return Status::ok();
    case Json::value_t::number_unsigned:
      out += number_to_string(static_cast<double>(v.get<std::uint64_t>()));
      return Status::ok();
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) return Status::invalid("jcs_bad_number", "NaN and infinities have no JSON form");
      out += number_to_string(d);
      return Status::ok();
    }
    case Json::value_t::string: return append_string(out, v.get_ref<const std::string&>());
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        first = false;
        CREDENCE_RETURN_IF_ERROR(append_value(out, item));
      }
      out += ']';
      return Status::ok();
    }
    case Json::value_t::object: {
      // Members sorted by their names as UTF-16 code-unit arrays (RFC 8785 §3.2.3).
      std::vector<std::pair<std::u16string, const Json::object_t::value_type*>> members;
      members.reserve(v.size());
      for (const auto& member : v.get_ref<const Json::object_t&>()) {
        std::u16string key;
        if (!to_utf16(member.first, key)) return Status::invalid("jcs_bad_utf8", "member name is not valid UTF-8");
        members.emplace_back(std::move(key), &member);
      }
      std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out += ',';
        first = false;
        CREDENCE_RETURN_IF_ERROR(append_string(out, member->first));
        out += ':';
        CREDENCE_RETURN_IF_ERROR(append_value(out, member->second));
      }
      out += '}';
      return Status::ok();
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return Status::invalid("jcs_unsupported", "a binary or discarded value has no JSON form");
}

}  // namespace

std::string number_to_string(double value) {
  assert(std::isfinite(value));
  if (value == 0) return "0";  // both +0 and -0
  // Shortest digits that round-trip, closest to the value (as ECMA-262 requires): "d[.ddd]e±x".
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  assert(ec == std::errc());
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e_pos = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp10 = 0;
  {
    std::string_view e = sci.substr(e_pos + 1);
    if (!e.empty() && e.front() == '+') e.remove_prefix(1);
    std::from_chars(e.data(), e.data() + e.size(), exp10);
  }
  // ECMA-262 names: k digits s, value = s × 10^(n−k).
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(n - 1 < 0 ? 1 - n : n - 1);
  }
  return out;
}

Result<Json> parse(std::string_view text, std::size_t max_depth, std::size_t max_size) {
  if (text.size() > max_size) {
    return Status::invalid("json_too_large", "JSON text of " + std::to_string(text.size()) + " bytes exceeds " +
                                                 std::to_string(max_size));
  }
  // nlohmann's parser is iterative; the callback keeps the depth bounded (nothing deeper is built) and the member
  // names of every open object, to catch duplicates that nlohmann would silently merge.
  std::vector<std::set<std::string>> open_objects;
  std::size_t depth = 0;
  bool too_deep = false;
  std::string duplicate;
  bool have_duplicate = false;
  const Json::parser_callback_t callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) -> bool {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (++depth > max_depth) {
          too_deep = true;
          return false;
        }
        if (event == Json::parse_event_t::object_start) open_objects.emplace_back();
        return true;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (depth > 0) --depth;
        if (event == Json::parse_event_t::object_end && !open_objects.empty()) open_objects.pop_back();
        return true;
      case Json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get_ref<const std::string&>()).second && !have_duplicate) {
          have_duplicate = true;
          duplicate = parsed.get_ref<const std::string&>();
        }
        return true;
      case Json::parse_event_t::value: return true;
    }
    return true;
  };
  Json j = Json::parse(text, callback, /*allow_exceptions=*/false);
  if (too_deep) return Status::invalid("json_too_deep", "JSON nested deeper than " + std::to_string(max_depth));
  if (j.is_discarded()) return Status::invalid("bad_json", "malformed JSON");
  if (have_duplicate) {
    std::string shown = duplicate.size() > 64 ? duplicate.substr(0, 64) + "…" : duplicate;
    return Status::invalid("jcs_duplicate_key", "member name \"" + shown + "\" appears twice in one object");
  }
  return j;
}

Result<std::string> canonicalize(const Json& value) {
  std::string out;
  CREDENCE_RETURN_IF_ERROR(append_value(out, value));
  return out;
}

Result<std::string> canonicalize_text(std::string_view text) {
  CREDENCE_ASSIGN_OR_RETURN(const Json value, parse(text));
  return canonicalize(value);
}

}  // namespace credence::interop::jcs
