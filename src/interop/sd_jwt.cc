#include "credence/interop/sd_jwt.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "credence/codec/base64url.h"
#include "credence/crypto/hash.h"

namespace credence::interop::sd_jwt {

namespace {

using codec::Json;

constexpr const char* kSd = "_sd";
constexpr const char* kSdAlgClaim = "_sd_alg";
constexpr const char* kEllipsis = "...";

std::string_view as_text(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: bytes viewed as chars
}

std::string child_path(const std::string& parent, const std::string& token) {
  std::string out = parent + "/";
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Applies Disclosures to a payload (RFC 9901 §7.1 step 3): replaces digests by the disclosed claims, drops unmatched
// digests (decoys and undisclosed claims), checks uniqueness, and records the path of every Disclosure used.
class Resolver {
 public:
  explicit Resolver(const std::vector<Disclosure>& disclosures) : disclosures_(disclosures) {
    paths_.resize(disclosures.size());
  }

  Status add_index() {
    for (std::size_t i = 0; i < disclosures_.size(); ++i) {
      if (!by_digest_.emplace(disclosures_[i].digest, i).second) {
        return Status::invalid("duplicate_disclosure", "Disclosure " + std::to_string(i) + " is sent twice");
      }
    }
    return Status::ok();
  }

  Status value(Json& v, const std::string& path) {
    if (!v.is_object() && !v.is_array()) return Status::ok();
    // Disclosed values nest inside each other: bound the depth of the whole structure, not just of each JSON text.
    if (++depth_ > kMaxDepth) {
      return Status::invalid("json_too_deep", "claims nested deeper than " + std::to_string(kMaxDepth) + " at " + path);
    }
    Status s = v.is_object() ? object(v, path) : array(v, path);
    --depth_;
    return s;
  }

  Status finish() const {
    for (std::size_t i = 0; i < disclosures_.size(); ++i) {
      if (paths_[i].empty()) {
        return Status::invalid("unreferenced_disclosure",
                               "no digest in the payload matches Disclosure " + std::to_string(i));
      }
    }
    return Status::ok();
  }

  std::vector<std::string> take_paths() { return std::move(paths_); }

 private:
  // The Disclosure a digest refers to, or nullptr for a decoy / undisclosed claim. Every digest may appear once.
  Result<const Disclosure*> lookup(const Json& digest, const std::string& where) {
    if (!digest.is_string()) return Status::invalid("bad_sd", where + ": a digest must be a string");
    const auto& d = digest.get_ref<const std::string&>();
    if (!seen_.insert(d).second) return Status::invalid("duplicate_digest", where + ": digest " + d + " appears twice");
    auto it = by_digest_.find(d);
    if (it == by_digest_.end()) return static_cast<const Disclosure*>(nullptr);
    return &disclosures_[it->second];
  }

  std::size_t index_of(const Disclosure* d) const { return static_cast<std::size_t>(d - disclosures_.data()); }

  Status object(Json& obj, const std::string& path) {
    Json sd;
    if (auto it = obj.find(kSd); it != obj.end()) {
      sd = std::move(*it);
      obj.erase(it);
      if (!sd.is_array()) return Status::invalid("bad_sd", (path.empty() ? "/" : path) + ": _sd must be an array");
    }
    // Visible members first, then the disclosed ones (whose values are processed as they are inserted).
    for (auto& [key, member] : obj.items()) {
      CREDENCE_RETURN_IF_ERROR(value(member, child_path(path, key)));
    }
    for (const auto& digest : sd) {
      CREDENCE_ASSIGN_OR_RETURN(const Disclosure* d, lookup(digest, path.empty() ? "/" : path));
      if (d == nullptr) continue;
      if (!d->name) {
        return Status::invalid("disclosure_kind_mismatch",
                               "an array-element Disclosure is referenced from _sd at " + (path.empty() ? "/" : path));
      }
      if (obj.contains(*d->name)) {
        return Status::invalid("claim_exists", "Disclosure for \"" + *d->name + "\" at " +
                                                   (path.empty() ? "/" : path) + " names a claim that exists");
      }
      const std::string p = child_path(path, *d->name);
      Json v = d->value;
      CREDENCE_RETURN_IF_ERROR(value(v, p));
      paths_[index_of(d)] = p;
      obj[*d->name] = std::move(v);
    }
    return Status::ok();
  }

  Status array(Json& arr, const std::string& path) {
    Json out = Json::array();
    for (auto& element : arr) {
      if (element.is_object() && element.contains(kEllipsis)) {
        if (element.size() != 1) {
          return Status::invalid("bad_array_element", path + ": an element with \"...\" must have no other key");
        }
        CREDENCE_ASSIGN_OR_RETURN(const Disclosure* d, lookup(element[kEllipsis], path));
        if (d == nullptr) continue;  // decoy or undisclosed element: removed
        if (d->name) {
          return Status::invalid("disclosure_kind_mismatch",
                                 "an object-property Disclosure is referenced from an array at " + path);
        }
        const std::string p = child_path(path, std::to_string(out.size()));
        Json v = d->value;
        CREDENCE_RETURN_IF_ERROR(value(v, p));
        paths_[index_of(d)] = p;
        out.push_back(std::move(v));
      } else {
        CREDENCE_RETURN_IF_ERROR(value(element, child_path(path, std::to_string(out.size()))));
        out.push_back(std::move(element));
      }
    }
    arr = std::move(out);
    return Status::ok();
  }

  static constexpr std::size_t kMaxDepth = 128;
  const std::vector<Disclosure>& disclosures_;
  std::size_t depth_ = 0;
  std::unordered_map<std::string, std::size_t> by_digest_;
  std::unordered_set<std::string> seen_;
  std::vector<std::string> paths_;
};

Status check_sd_alg(const Json& payload) {
  auto it = payload.find(kSdAlgClaim);
  if (it == payload.end()) return Status::ok();  // absent means sha-256 (RFC 9901 §4.1.1)
  if (!it->is_string() || *it != kSdAlg) {
    return Status::invalid("unsupported_sd_alg", "_sd_alg " + it->dump() + " is not supported (sha-256)");
  }
  return Status::ok();
}

// Everything structural, shared by decode() and verify().
Result<Decoded> decode_parts(Parts parts, std::optional<jws::Compact> parsed = std::nullopt) {
  Decoded out;
  if (parsed) {
    out.jwt = std::move(*parsed);
  } else {
    CREDENCE_ASSIGN_OR_RETURN(out.jwt, jws::parse_compact(parts.jwt));
  }
  CREDENCE_ASSIGN_OR_RETURN(out.payload, jws::payload_json(out.jwt));
  CREDENCE_RETURN_IF_ERROR(check_sd_alg(out.payload));
  for (std::size_t i = 0; i < parts.disclosures.size(); ++i) {
    auto d = parse_disclosure(parts.disclosures[i]);
    if (!d) return d.status().with_context("Disclosure " + std::to_string(i));
    out.disclosures.push_back(std::move(*d));
  }
  Resolver resolver(out.disclosures);
  CREDENCE_RETURN_IF_ERROR(resolver.add_index());
  out.claims = out.payload;
  out.claims.erase(kSdAlgClaim);
  CREDENCE_RETURN_IF_ERROR(resolver.value(out.claims, ""));
  CREDENCE_RETURN_IF_ERROR(resolver.finish());
  out.paths = resolver.take_paths();
  out.parts = std::move(parts);
  return out;
}

Status no_reserved_names(const Json& v, const std::string& path) {
  if (v.is_object()) {
    for (const auto& [key, member] : v.items()) {
      if (key == kSd || key == kEllipsis) {
        return Status::invalid("reserved_claim_name", "\"" + key + "\" at " + (path.empty() ? "/" : path) +
                                                          " is reserved by SD-JWT");
      }
      CREDENCE_RETURN_IF_ERROR(no_reserved_names(member, child_path(path, key)));
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      CREDENCE_RETURN_IF_ERROR(no_reserved_names(v[i], child_path(path, std::to_string(i))));
    }
  }
  return Status::ok();
}

const Json* find_path(const Json& root, const std::vector<std::string>& tokens) {
  const Json* at = &root;
  for (const auto& t : tokens) {
    if (at->is_object()) {
      auto it = at->find(t);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (t.empty() || t.size() > 9 || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          (t.size() > 1 && t[0] == '0')) {
        return nullptr;
      }
      const std::size_t i = std::stoul(t);
      if (i >= at->size()) return nullptr;
      at = &(*at)[i];
    } else {
      return nullptr;
    }
  }
  return at;
}

class Issuer {
 public:
  Issuer(std::set<std::string> sd_paths, std::size_t decoys, crypto::RandomSource& random)
      : sd_paths_(std::move(sd_paths)), decoys_(decoys), random_(random) {}

  Json transform(const Json& v, const std::string& path) {
    if (v.is_object()) {
      Json out = Json::object();
      std::vector<std::string> digests;
      for (const auto& [key, member] : v.items()) {
        const std::string p = child_path(path, key);
        Json t = transform(member, p);
        if (sd_paths_.count(p)) {
          digests.push_back(add(key, std::move(t)));
        } else {
          out[key] = std::move(t);
        }
      }
      if (!digests.empty()) {
        for (std::size_t i = 0; i < decoys_; ++i) digests.push_back(decoy());
        std::sort(digests.begin(), digests.end());
        out[kSd] = digests;
      }
      return out;
    }
    if (v.is_array()) {
      Json out = Json::array();
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = child_path(path, std::to_string(i));
        Json t = transform(v[i], p);
        if (sd_paths_.count(p)) {
          out.push_back(Json{{kEllipsis, add(std::nullopt, std::move(t))}});
        } else {
          out.push_back(std::move(t));
        }
      }
      return out;
    }
    return v;
  }

  std::vector<Disclosure>& disclosures() { return disclosures_; }

 private:
  std::string salt() {
    const auto bytes = random_.bytes<16>();
    return codec::base64url_encode(bytes);
  }
  std::string add(std::optional<std::string> name, Json value) {
    disclosures_.push_back(make_disclosure(salt(), std::move(name), std::move(value)));
    return disclosures_.back().digest;
  }
  // A decoy is the digest of random bytes (RFC 9901 §4.2.5): indistinguishable from a real digest.
  std::string decoy() {
    const auto bytes = random_.bytes<16>();
    return codec::base64url_encode(crypto::sha256(bytes));
  }

  std::set<std::string> sd_paths_;
  std::size_t decoys_;
  crypto::RandomSource& random_;
  std::vector<Disclosure> disclosures_;
};

bool is_vc_typ(const std::string& typ) { return typ == kTypVc || typ == kTypVcLegacy; }

Result<std::uint64_t> time_claim(const Json& claims, const char* name) {
  const Json& v = claims[name];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (v.is_number_float() && v.get<double>() >= 0 && v.get<double>() < 1.8e19) {
    return static_cast<std::uint64_t>(v.get<double>());
  }
  return Status::invalid("bad_claim", std::string(name) + " must be a NumericDate (seconds since the epoch)");
}

Status check_times(const Json& claims, const VerifyOptions& o) {
  if (!o.now) return Status::ok();
  const std::uint64_t now = *o.now;
  if (claims.contains("exp")) {
    CREDENCE_ASSIGN_OR_RETURN(auto exp, time_claim(claims, "exp"));
    if (now >= exp + o.clock_skew) return Status::invalid("expired", "exp " + std::to_string(exp) + " has passed");
  }
  if (claims.contains("nbf")) {
    CREDENCE_ASSIGN_OR_RETURN(auto nbf, time_claim(claims, "nbf"));
    if (now + o.clock_skew < nbf) return Status::invalid("not_yet_valid", "nbf " + std::to_string(nbf));
  }
  if (claims.contains("iat")) {
    CREDENCE_ASSIGN_OR_RETURN(auto iat, time_claim(claims, "iat"));
    if (now + o.clock_skew < iat) return Status::invalid("issued_in_future", "iat " + std::to_string(iat));
  }
  return Status::ok();
}

Status check_vc_claims(const Json& claims) {
  if (!claims.contains("vct") || !claims["vct"].is_string()) {
    return Status::invalid("missing_vct", "an SD-JWT VC needs a string \"vct\" claim");
  }
  if (claims.contains("iss") && !claims["iss"].is_string()) return Status::invalid("bad_claim", "iss must be a string");
  return Status::ok();
}

// status.status_list {idx, uri}: nullopt when the credential carries no status reference.
Result<std::optional<std::pair<std::uint64_t, std::string>>> status_reference(const Json& claims) {
  using Ref = std::optional<std::pair<std::uint64_t, std::string>>;
  if (!claims.contains("status")) return Ref();
  const Json& status = claims["status"];
  if (!status.is_object()) return Status::invalid("bad_status_claim", "status must be an object");
  if (!status.contains("status_list")) return Ref();  // another status mechanism: not ours to check
  const Json& sl = status["status_list"];
  if (!sl.is_object() || !sl.contains("idx") || !sl["idx"].is_number_integer() || sl["idx"].get<std::int64_t>() < 0 ||
      !sl.contains("uri") ||
      !sl["uri"].is_string()) {
    return Status::invalid("bad_status_claim", "status.status_list must be {\"idx\": unsigned, \"uri\": string}");
  }
  return Ref(std::make_pair(sl["idx"].get<std::uint64_t>(), sl["uri"].get<std::string>()));
}

Result<std::string> string_claim(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_string()) {
    return Status::invalid("bad_kb_jwt", std::string("KB-JWT payload needs a string \"") + name + "\"");
  }
  return it->get<std::string>();
}

Result<Json> verify_key_binding(const std::string& kb_text, const Parts& parts, const Json& claims,
                                const VerifyOptions& o) {
  if (!claims.contains("cnf") || !claims["cnf"].is_object() || !claims["cnf"].contains("jwk")) {
    return Status::invalid("missing_cnf", "key binding needs the holder key in cnf.jwk");
  }
  auto holder = jws::parse_jwk(claims["cnf"]["jwk"]);
  if (!holder) return holder.status().with_context("cnf.jwk");
  auto kb = jws::parse_compact(kb_text);
  if (!kb) return kb.status().with_context("KB-JWT");
  auto typ = kb->header.find("typ");
  if (typ == kb->header.end() || !typ->is_string() || *typ != kTypKeyBinding) {
    return Status::invalid("bad_kb_jwt", "KB-JWT header typ must be \"kb+jwt\"");
  }
  CREDENCE_RETURN_IF_ERROR(jws::verify(*kb, *holder).with_context("KB-JWT"));
  auto payload = jws::payload_json(*kb);
  if (!payload) return payload.status().with_context("KB-JWT");
  CREDENCE_ASSIGN_OR_RETURN(auto sd_hash, string_claim(*payload, "sd_hash"));
  CREDENCE_ASSIGN_OR_RETURN(auto nonce, string_claim(*payload, "nonce"));
  CREDENCE_ASSIGN_OR_RETURN(auto aud, string_claim(*payload, "aud"));
  if (!payload->contains("iat")) return Status::invalid("bad_kb_jwt", "KB-JWT payload needs \"iat\"");
  auto iat = time_claim(*payload, "iat");
  if (!iat) return Status::invalid("bad_kb_jwt", "KB-JWT iat must be a NumericDate");
  if (sd_hash != disclosure_digest(presentation_prefix(parts))) {
    return Status::invalid("sd_hash_mismatch", "KB-JWT sd_hash does not cover this presentation");
  }
  if (o.nonce && nonce != *o.nonce) return Status::invalid("nonce_mismatch", "KB-JWT nonce is \"" + nonce + "\"");
  if (o.audience && aud != *o.audience) return Status::invalid("audience_mismatch", "KB-JWT aud is \"" + aud + "\"");
  if (o.now) {
    if (*iat > *o.now + o.clock_skew) return Status::invalid("kb_issued_in_future", "KB-JWT iat " + std::to_string(*iat));
    if (o.max_kb_age && *o.now > *iat + *o.max_kb_age + o.clock_skew) {
      return Status::invalid("kb_too_old", "KB-JWT iat " + std::to_string(*iat) + " is older than " +
                                               std::to_string(*o.max_kb_age) + " s");
    }
  }
  return std::move(*payload);
}

bool is_prefix_path(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

std::string disclosure_digest(std::string_view encoded) {
  return codec::base64url_encode(crypto::sha256(as_bytes(encoded)));
}

Result<Disclosure> parse_disclosure(std::string_view encoded) {
  auto bytes = codec::base64url_decode(encoded);
  if (!bytes) return Status::invalid("bad_disclosure", "not base64url: " + bytes.status().message());
  auto json = codec::parse_json(as_text(*bytes));
  if (!json) return Status::invalid("bad_disclosure", "not JSON: " + json.status().to_string());
  if (!json->is_array() || (json->size() != 2 && json->size() != 3)) {
    return Status::invalid("bad_disclosure", "a Disclosure is a JSON array of 2 or 3 elements");
  }
  if (!(*json)[0].is_string()) return Status::invalid("bad_disclosure", "the salt must be a string");
  Disclosure d;
  d.encoded = std::string(encoded);
  d.salt = (*json)[0].get<std::string>();
  if (json->size() == 3) {
    if (!(*json)[1].is_string()) return Status::invalid("bad_disclosure", "the claim name must be a string");
    d.name = (*json)[1].get<std::string>();
    if (*d.name == kSd || *d.name == kEllipsis) {
      return Status::invalid("bad_disclosure", "the claim name \"" + *d.name + "\" is reserved");
    }
    d.value = std::move((*json)[2]);
  } else {
    d.value = std::move((*json)[1]);
  }
  d.digest = disclosure_digest(encoded);
  return d;
}

Disclosure make_disclosure(std::string salt, std::optional<std::string> name, codec::Json value) {
  Json array = Json::array({salt});
  if (name) array.push_back(*name);
  array.push_back(value);
  Disclosure d;
  d.encoded = codec::base64url_encode(as_bytes(codec::dump_json(array)));
  d.salt = std::move(salt);
  d.name = std::move(name);
  d.value = std::move(value);
  d.digest = disclosure_digest(d.encoded);
  return d;
}

Result<Parts> split(std::string_view text) {
  const auto first = text.find('~');
  if (first == std::string_view::npos) {
    return Status::invalid("bad_sd_jwt", "an SD-JWT has a '~' after the issuer-signed JWT");
  }
  Parts parts;
  parts.jwt = std::string(text.substr(0, first));
  if (parts.jwt.empty()) return Status::invalid("bad_sd_jwt", "empty issuer-signed JWT");
  std::size_t start = first + 1;
  for (;;) {
    const auto next = text.find('~', start);
    if (next == std::string_view::npos) {
      if (start < text.size()) parts.kb_jwt = std::string(text.substr(start));
      break;
    }
    if (next == start) return Status::invalid("bad_sd_jwt", "empty Disclosure between two '~'");
    parts.disclosures.emplace_back(text.substr(start, next - start));
    start = next + 1;
  }
  return parts;
}

std::string presentation_prefix(const Parts& parts) {
  std::string out = parts.jwt + "~";
  for (const auto& d : parts.disclosures) out += d + "~";
  return out;
}

std::string join(const Parts& parts) {
  std::string out = presentation_prefix(parts);
  if (parts.kb_jwt) out += *parts.kb_jwt;
  return out;
}

Result<std::vector<std::string>> parse_path(std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') {
    return Status::invalid("bad_path", "\"" + std::string(pointer) + "\" is not a JSON Pointer to a claim (/name/…)");
  }
  std::vector<std::string> tokens(1);
  for (std::size_t i = 1; i < pointer.size(); ++i) {
    const char c = pointer[i];
    if (c == '/') {
      tokens.emplace_back();
    } else if (c == '~') {
      if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) {
        return Status::invalid("bad_path", "\"" + std::string(pointer) + "\": '~' must be followed by 0 or 1");
      }
      tokens.back() += pointer[++i] == '0' ? '~' : '/';
    } else {
      tokens.back() += c;
    }
  }
  return tokens;
}

std::string format_path(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out = child_path(out, t);
  return out;
}

Result<std::string> issue(const codec::Json& claims, const IssueOptions& options, const jws::Signer& signer,
                          crypto::RandomSource& random) {
  if (!claims.is_object()) return Status::invalid("bad_claims", "the claims must be a JSON object");
  for (const char* reserved : {kSd, kSdAlgClaim}) {
    if (claims.contains(reserved)) {
      return Status::invalid("bad_claims", std::string("the claims must not contain \"") + reserved + "\"");
    }
  }
  if (options.holder_key && claims.contains("cnf")) {
    return Status::invalid("bad_claims", "the claims already contain \"cnf\"; drop it or the holder key");
  }
  CREDENCE_RETURN_IF_ERROR(no_reserved_names(claims, ""));
  const bool vc = is_vc_typ(options.typ);
  if (vc) CREDENCE_RETURN_IF_ERROR(check_vc_claims(claims));

  std::set<std::string> sd_paths;
  for (const auto& p : options.sd_paths) {
    CREDENCE_ASSIGN_OR_RETURN(auto tokens, parse_path(p));
    if (find_path(claims, tokens) == nullptr) {
      return Status::invalid("no_such_claim", "--sd " + p + " names no claim");
    }
    if (tokens.size() == 1) {
      static const char* const kAlwaysVisible[] = {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"};
      for (const char* name : kAlwaysVisible) {
        if (vc && tokens[0] == name) {
          return Status::invalid("claim_not_disclosable", "SD-JWT VC requires \"" + tokens[0] + "\" to be visible");
        }
      }
    }
    sd_paths.insert(format_path(tokens));  // normalized: the same spelling the Issuer generates
  }

  Issuer issuer(std::move(sd_paths), options.decoys, random);
  Json payload = issuer.transform(claims, "");
  payload[kSdAlgClaim] = kSdAlg;
  if (options.holder_key) payload["cnf"] = {{"jwk", jws::to_jwk(*options.holder_key)}};
  Json header = Json::object();
  if (!options.typ.empty()) header["typ"] = options.typ;

  Parts parts;
  parts.jwt = jws::sign_compact(header, payload, signer);
  for (const auto& d : issuer.disclosures()) parts.disclosures.push_back(d.encoded);
  return join(parts);
}

Result<Decoded> decode(std::string_view text) {
  CREDENCE_ASSIGN_OR_RETURN(auto parts, split(text));
  return decode_parts(std::move(parts));
}

Result<std::string> present(std::string_view issued, const PresentOptions& options) {
  CREDENCE_ASSIGN_OR_RETURN(auto decoded, decode(issued));
  std::vector<std::vector<std::string>> disclosure_tokens;
  for (const auto& p : decoded.paths) {
    CREDENCE_ASSIGN_OR_RETURN(auto t, parse_path(p));
    disclosure_tokens.push_back(std::move(t));
  }
  std::vector<bool> chosen(decoded.disclosures.size(), options.disclose_all);
  for (const auto& p : options.disclose) {
    CREDENCE_ASSIGN_OR_RETURN(auto tokens, parse_path(p));
    if (find_path(decoded.claims, tokens) == nullptr) {
      return Status::invalid("no_such_claim", "--disclose " + p + " names no claim in this credential");
    }
    for (std::size_t i = 0; i < disclosure_tokens.size(); ++i) {
      if (is_prefix_path(disclosure_tokens[i], tokens)) chosen[i] = true;
    }
  }
  Parts out;
  out.jwt = decoded.parts.jwt;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i]) out.disclosures.push_back(decoded.parts.disclosures[i]);
  }
  if (options.key_binding) {
    const auto& kb = *options.key_binding;
    if (kb.signer == nullptr) return Status::invalid("bad_arguments", "key binding needs the holder's key");
    const Json cnf = decoded.claims.contains("cnf") ? decoded.claims["cnf"] : Json();
    if (!cnf.is_object() || !cnf.contains("jwk")) {
      return Status::invalid("missing_cnf", "the credential names no holder key (cnf.jwk) to bind to");
    }
    auto bound = jws::parse_jwk(cnf["jwk"]);
    if (!bound) return bound.status().with_context("cnf.jwk");
    if (jws::to_jwk(*bound) != jws::to_jwk(kb.signer->public_key())) {
      return Status::invalid("holder_key_mismatch", "the holder key is not the one in cnf.jwk");
    }
    const Json payload = {{"iat", kb.issued_at},
                          {"aud", kb.audience},
                          {"nonce", kb.nonce},
                          {"sd_hash", disclosure_digest(presentation_prefix(out))}};
    out.kb_jwt = jws::sign_compact({{"typ", kTypKeyBinding}}, payload, *kb.signer);
  }
  return join(out);
}

Result<Verified> verify(std::string_view text, const VerifyOptions& o) {
  CREDENCE_ASSIGN_OR_RETURN(auto parts, split(text));
  // The issuer's signature first: nothing in an unauthenticated payload is worth a detailed complaint.
  CREDENCE_ASSIGN_OR_RETURN(auto jwt, jws::parse_compact(parts.jwt));
  CREDENCE_RETURN_IF_ERROR(jws::verify(jwt, o.issuer_key).with_context("issuer-signed JWT"));
  const std::optional<std::string> kb_text = parts.kb_jwt;
  CREDENCE_ASSIGN_OR_RETURN(auto decoded, decode_parts(std::move(parts), std::move(jwt)));

  Verified v;
  auto typ = decoded.jwt.header.find("typ");
  if (typ != decoded.jwt.header.end()) {
    if (!typ->is_string()) return Status::invalid("bad_typ", "header typ must be a string");
    v.typ = typ->get<std::string>();
  }
  const bool vc = is_vc_typ(v.typ);
  if (o.require_vc && !vc) {
    return Status::invalid("bad_typ", "typ \"" + v.typ + "\" is not an SD-JWT VC (dc+sd-jwt or vc+sd-jwt)");
  }
  if (vc) CREDENCE_RETURN_IF_ERROR(check_vc_claims(decoded.claims));
  CREDENCE_RETURN_IF_ERROR(check_times(decoded.claims, o));

  const bool kb_required = o.require_key_binding || o.nonce.has_value() || o.audience.has_value();
  if (kb_required && !kb_text) {
    return Status::invalid("missing_key_binding", "a Key Binding JWT is required and the presentation has none");
  }
  if (kb_text) {
    CREDENCE_ASSIGN_OR_RETURN(auto kb, verify_key_binding(*kb_text, decoded.parts, decoded.claims, o));
    v.key_binding = std::move(kb);
  }

  CREDENCE_ASSIGN_OR_RETURN(auto reference, status_reference(decoded.claims));
  if (o.require_status && !reference) {
    return Status::invalid("missing_status", "the credential carries no status.status_list reference");
  }
  if (reference && o.status) {
    const auto& [idx, uri] = *reference;
    if (o.status->list == nullptr) return Status::invalid("bad_arguments", "status source without a list");
    if (uri != o.status->uri) {
      return Status::invalid("status_list_uri_mismatch",
                             "the credential's status list is " + uri + ", the list given is " + o.status->uri);
    }
    CREDENCE_ASSIGN_OR_RETURN(auto value, o.status->list->get(idx));
    if (value != token_status::kValid) {
      const std::string name = token_status::status_name(value);
      return Status::invalid(value == token_status::kInvalid ? "revoked" : name,
                             "status list entry " + std::to_string(idx) + " is " + name);
    }
    v.status = value;
  } else if (reference && o.require_status) {
    return Status::invalid("status_unchecked", "the credential has a status reference but no status list was given");
  }

  v.alg = decoded.jwt.alg;
  v.claims = std::move(decoded.claims);
  for (auto& p : decoded.paths) v.disclosed.push_back(std::move(p));
  std::sort(v.disclosed.begin(), v.disclosed.end());
  return v;
}

}  // namespace credence::interop::sd_jwt
