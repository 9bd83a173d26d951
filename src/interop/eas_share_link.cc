// EAS share links: the compact JSON array of eas-sdk's offchain-utils, zlib, base64, percent-encoding (docs/eas.md
// "Share links").
#include <zlib.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstring>

#include "credence/interop/eas.h"

namespace credence::interop::eas {

namespace {

using codec::Json;

constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;
constexpr std::size_t kPositions = 18;
constexpr std::size_t kMinPositions = 16;  // links written before versions 1 and 2 end after position 15
constexpr std::string_view kZeroAddress = "0x0000000000000000000000000000000000000000";
constexpr std::string_view kZeroHash = "0x0000000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view kUrlPrefix = "/offchain/url/#attestation=";

// ---------------------------------------------------------------------------------------------------------------
// JSON.stringify of the pieces we write

void append_js_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;  // JSON.stringify leaves everything else, non-ASCII UTF-8 included, as it is
        }
    }
  }
  out += '"';
}

// ---------------------------------------------------------------------------------------------------------------
// base64 (RFC 4648 §4, standard alphabet, padded) — what js-base64's fromUint8Array writes

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    if (rest == 2) v |= std::uint32_t{data[i + 1]} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // js-base64 also reads the URL-safe alphabet
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Standard or URL-safe alphabet; '=' padding optional but, when present, only at the end and to a multiple of 4.
Result<Bytes> base64_decode(std::string_view text) {
  std::size_t n = text.size();
  std::size_t pad = 0;
  while (n > 0 && text[n - 1] == '=' && pad < 2) {
    --n;
    ++pad;
  }
  if (pad > 0 && text.size() % 4 != 0) {
    return Status::invalid("bad_base64", "padding does not complete a 4-character group");
  }
  if (n % 4 == 1) return Status::invalid("bad_base64", "impossible length " + std::to_string(text.size()));
  Bytes out;
  out.reserve(n / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int v = base64_value(text[i]);
    if (v < 0) return Status::invalid("bad_base64", "invalid character at position " + std::to_string(i));
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// zlib (RFC 1950), level 9 with zlib's defaults (window 15, memLevel 8): the bytes pako.deflate(…, {level: 9}) writes

Result<Bytes> zlib_compress(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  Bytes out(size);
  const int rc = compress2(out.data(), &size, reinterpret_cast<const Bytef*>(text.data()),  // NOLINT: zlib API
                           static_cast<uLong>(text.size()), 9);
  if (rc != Z_OK) return Status::error("zlib_error", "compress2 failed with " + std::to_string(rc));
  out.resize(size);
  return out;
}

Result<std::string> zlib_inflate(ByteView data, std::size_t max_size) {
  z_stream s{};
  if (inflateInit(&s) != Z_OK) return Status::error("zlib_error", "inflateInit failed");
  s.next_in = const_cast<Bytef*>(data.data());  // NOLINT: zlib's API is not const-correct; it does not write
  s.avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 16384> buffer{};
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.next_out = reinterpret_cast<Bytef*>(buffer.data());  // NOLINT: zlib API
    s.avail_out = static_cast<uInt>(buffer.size());
    rc = inflate(&s, Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - s.avail_out);
    if (out.size() > max_size) {
      inflateEnd(&s);
      return Status::invalid("share_link_too_large",
                             "the share link inflates to more than " + std::to_string(max_size) + " bytes");
    }
    if (rc == Z_BUF_ERROR && s.avail_in == 0) break;  // truncated input
  }
  const std::string why = s.msg != nullptr ? s.msg : "truncated stream";
  const bool trailing = s.avail_in != 0;
  inflateEnd(&s);
  if (rc != Z_STREAM_END) return Status::invalid("bad_zlib", "not a zlib stream: " + why);
  if (trailing) return Status::invalid("bad_zlib", "bytes after the end of the zlib stream");
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Percent-decoding and finding the payload in a URL

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Status::invalid("bad_base64", "bad percent-escape at position " + std::to_string(i));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// The compact array

Status bad_position(std::size_t i, const std::string& why) {
  return Status::invalid("eas_bad_share_link", "position " + std::to_string(i) + ": " + why);
}

Result<std::string> string_at(const Json& a, std::size_t i, const char* what) {
  if (!a[i].is_string()) return bad_position(i, std::string(what) + " must be a string");
  return a[i].get<std::string>();
}

// A JavaScript number that is a safe integer, or a decimal string (BigInt() reads both).
Result<std::uint64_t> integer_at(const Json& a, std::size_t i, const char* what) {
  const Json& j = a[i];
  if (j.is_number_unsigned() && j.get<std::uint64_t>() <= kMaxSafeInteger) return j.get<std::uint64_t>();
  if (j.is_number_integer() && j.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(j.get<std::int64_t>());
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty() && (s.size() == 1 || s[0] != '0')) return v;
  }
  return bad_position(i, std::string(what) + " must be an unsigned integer (a safe JSON number or a decimal string)");
}

Result<SharePackage> package_from_array(const Json& a) {
  if (!a.is_array()) return Status::invalid("eas_bad_share_link", "the share link's JSON is not an array");
  if (a.size() < kMinPositions || a.size() > kPositions) {
    return Status::invalid("eas_bad_share_link", "the share link's array has " + std::to_string(a.size()) +
                                                     " positions; expected 16 to 18");
  }
  const Json null;
  const Json& version_json = a.size() > 16 ? a[16] : null;
  std::uint64_t version = 0;
  if (!version_json.is_null()) {
    if (!version_json.is_number_unsigned() && !version_json.is_number_integer()) {
      return bad_position(16, "the off-chain version must be a number or null");
    }
    if (!version_json.is_number_unsigned() || version_json.get<std::uint64_t>() > 2) {
      return Status::invalid("eas_unknown_version",
                             "share link position 16: off-chain version " + version_json.dump() +
                                 "; known versions are 0, 1, 2");
    }
    version = version_json.get<std::uint64_t>();
  }
  const Json& salt_json = a.size() > 17 ? a[17] : null;
  if (version == 2 && !salt_json.is_string()) return bad_position(17, "a version 2 link needs the salt (a string)");
  if (version != 2 && !salt_json.is_null()) return bad_position(17, "only version 2 links carry a salt");
  if (!a[15].is_number() || a[15] != 0) return bad_position(15, "the nonce must be 0");
  if (!a[13].is_boolean()) return bad_position(13, "revocable must be true or false");
  if (!a[5].is_number_unsigned()) return bad_position(5, "v must be a number");

  CREDENCE_ASSIGN_OR_RETURN(const std::string domain_version, string_at(a, 0, "the domain version"));
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t chain_id, integer_at(a, 1, "the chain id"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string contract, string_at(a, 2, "the verifying contract"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string r, string_at(a, 3, "r"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string s, string_at(a, 4, "s"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string signer, string_at(a, 6, "the signer"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string uid, string_at(a, 7, "the uid"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string schema, string_at(a, 8, "the schema"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string recipient, string_at(a, 9, "the recipient"));
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t time, integer_at(a, 10, "time"));
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t expiration, integer_at(a, 11, "expirationTime"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string ref_uid, string_at(a, 12, "refUID"));
  CREDENCE_ASSIGN_OR_RETURN(const std::string data, string_at(a, 14, "data"));

  // eas-sdk's uncompactOffchainAttestationPackage, then the same reader as for JSON files.
  static constexpr const char* kTypes[3][2] = {{"Attestation", "Attest"}, {"Attest", "Attest"}, {"Attest", "Attest"}};
  Json types = Json::array();
  if (version != 0) types.push_back({{"name", "version"}, {"type", "uint16"}});
  for (const auto& [name, type] : {std::pair{"schema", "bytes32"}, {"recipient", "address"}, {"time", "uint64"},
                                   {"expirationTime", "uint64"}, {"revocable", "bool"}, {"refUID", "bytes32"},
                                   {"data", "bytes"}}) {
    types.push_back({{"name", name}, {"type", type}});
  }
  if (version == 2) types.push_back({{"name", "salt"}, {"type", "bytes32"}});
  Json message = {{"version", version},
                  {"schema", schema},
                  {"recipient", recipient == "0" ? std::string(kZeroAddress) : recipient},
                  {"time", time},
                  {"expirationTime", expiration},
                  {"revocable", a[13]},
                  {"refUID", ref_uid == "0" ? std::string(kZeroHash) : ref_uid},
                  {"data", data}};
  if (version == 2) message["salt"] = salt_json;
  const Json sig = {
      {"version", version},
      {"domain", {{"name", kDomainName}, {"version", domain_version}, {"chainId", chain_id}, {"verifyingContract", contract}}},
      {"primaryType", kTypes[version][0]},
      {"types", {{kTypes[version][1], types}}},
      {"signature", {{"r", r}, {"s", s}, {"v", a[5]}}},
      {"uid", uid},
      {"message", message}};
  auto attestation = attestation_from_json(sig);
  if (!attestation) return attestation.status().with_context("share link");
  SharePackage p;
  p.attestation = std::move(*attestation);
  auto signer_address = crypto::secp256k1::parse_address(signer);
  if (signer.rfind("0x", 0) != 0 || !signer_address) {
    return bad_position(6, "the signer is not an address (" +
                               (signer_address ? std::string("no 0x prefix") : signer_address.status().to_string()) +
                               ")");
  }
  p.signer = AddressField{signer, *signer_address};
  return p;
}

}  // namespace

Result<std::string> compact_json(const SharePackage& p) {
  const OffchainAttestation& a = p.attestation;
  const Message& m = a.message;
  for (const auto& [value, what] : {std::pair{m.time, "time"}, {m.expiration_time, "expirationTime"}}) {
    if (value > kMaxSafeInteger) {
      return Status::invalid("share_link_unsafe_number",
                             std::string(what) + " " + std::to_string(value) +
                                 " exceeds 2^53 - 1: eas-sdk's Number() would round it in the share link");
    }
  }
  std::string out = "[";
  const auto next = [&out] { out += ','; };
  append_js_string(out, a.domain.version);
  next();
  append_js_string(out, std::to_string(a.domain.chain_id));  // a bigint in eas-sdk: written as a string
  next();
  append_js_string(out, a.domain.verifying_contract.text);
  next();
  append_js_string(out, a.signature.r.text);
  next();
  append_js_string(out, a.signature.s.text);
  out += ',' + std::to_string(a.signature.v) + ',';
  append_js_string(out, p.signer.text);
  next();
  append_js_string(out, a.uid.text);
  next();
  append_js_string(out, m.schema.text);
  next();
  append_js_string(out, m.recipient.text == kZeroAddress ? "0" : m.recipient.text);
  out += ',' + std::to_string(m.time) + ',' + std::to_string(m.expiration_time) + ',';
  append_js_string(out, m.ref_uid.text == kZeroHash ? "0" : m.ref_uid.text);
  out += m.revocable ? ",true," : ",false,";
  append_js_string(out, m.data.text);
  out += ",0,";
  out += m.has_version ? std::to_string(static_cast<int>(a.version)) : "null";
  next();
  if (m.salt) {
    append_js_string(out, m.salt->text);
  } else {
    out += "null";
  }
  out += ']';
  return out;
}

Result<std::string> share_link_encode(const SharePackage& p) {
  CREDENCE_ASSIGN_OR_RETURN(const std::string json, compact_json(p));
  CREDENCE_ASSIGN_OR_RETURN(const Bytes zipped, zlib_compress(json));
  return base64_encode(zipped);
}

std::string share_link_url(std::string_view encoded) {
  // encodeURIComponent: only A-Z a-z 0-9 - _ . ! ~ * ' ( ) stay as they are.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(kUrlPrefix);
  for (const char ch : encoded) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || std::strchr("-_.!~*'()", ch) != nullptr) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<SharePackage> share_link_decode(std::string_view link) {
  link = trim(link);
  if (const auto at = link.find("attestation="); at != std::string_view::npos) {
    link.remove_prefix(at + std::strlen("attestation="));
    if (const auto amp = link.find('&'); amp != std::string_view::npos) link = link.substr(0, amp);
  }
  if (link.empty()) return Status::invalid("bad_base64", "the share link is empty");
  CREDENCE_ASSIGN_OR_RETURN(const std::string base64, percent_decode(link));
  CREDENCE_ASSIGN_OR_RETURN(const Bytes zipped, base64_decode(base64));
  CREDENCE_ASSIGN_OR_RETURN(const std::string json_text, zlib_inflate(zipped, kMaxShareLinkJson));
  auto json = codec::parse_json(json_text);
  if (!json) return json.status().with_context("share link");
  return package_from_array(*json);
}

}  // namespace credence::interop::eas
