#include "credence/interop/status_list.h"

#include <zlib.h>

#include <cassert>
#include <limits>

#include "credence/codec/base64url.h"
#include "credence/interop/did_key.h"
#include "credence/interop/vc.h"

namespace credence::interop::status_list {

namespace {

using codec::Json;

constexpr std::string_view kListCredentialType = "BitstringStatusListCredential";
constexpr std::string_view kListType = "BitstringStatusList";
constexpr std::string_view kEntryType = "BitstringStatusListEntry";

Result<Bytes> gzip(ByteView data) {
  z_stream s{};
  // windowBits 15 + 16: a GZIP wrapper with zlib's default header (no name, mtime 0, OS 3), level 6.
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::error("zlib", "deflateInit2 failed");
  }
  Bytes out(deflateBound(&s, static_cast<uLong>(data.size())) + 32);
  s.next_in = const_cast<Bytef*>(data.data());  // NOLINT: zlib's API is not const-correct; it does not write input
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&s, Z_FINISH);
  const std::size_t written = out.size() - s.avail_out;
  deflateEnd(&s);
  if (rc != Z_STREAM_END) return Status::error("zlib", "deflate did not finish");
  out.resize(written);
  return out;
}

Result<Bytes> gunzip(ByteView data, std::size_t max_bytes) {
  if (data.size() < 18 || data[0] != 0x1f || data[1] != 0x8b) {
    return Status::invalid("status_list_bad_gzip", "not GZIP data (magic 1f 8b)");
  }
  z_stream s{};
  if (inflateInit2(&s, 15 + 16) != Z_OK) return Status::error("zlib", "inflateInit2 failed");  // GZIP only
  Bytes out;
  out.reserve(std::min<std::size_t>(max_bytes, 1u << 16));
  s.next_in = const_cast<Bytef*>(data.data());  // NOLINT: see gzip()
  s.avail_in = static_cast<uInt>(data.size());
  unsigned char chunk[1u << 15];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    s.next_out = chunk;
    s.avail_out = sizeof chunk;
    rc = inflate(&s, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = s.msg != nullptr ? s.msg : (rc == Z_BUF_ERROR ? "truncated" : "corrupt");
      inflateEnd(&s);
      return Status::invalid("status_list_bad_gzip", "GZIP data: " + why);
    }
    const std::size_t got = sizeof chunk - s.avail_out;
    if (out.size() + got > max_bytes) {
      inflateEnd(&s);
      return Status::invalid("status_list_too_large",
                             "the list inflates to more than " + std::to_string(max_bytes) + " bytes");
    }
    out.insert(out.end(), chunk, chunk + got);
    if (rc == Z_OK && got == 0 && s.avail_in == 0) {
      inflateEnd(&s);
      return Status::invalid("status_list_bad_gzip", "GZIP data: truncated");
    }
  }
  const bool trailing = s.avail_in != 0;
  inflateEnd(&s);
  if (trailing) return Status::invalid("status_list_bad_gzip", "bytes after the end of the GZIP member");
  return out;
}

bool has_type(const Json& doc, std::string_view type) {
  const auto it = doc.find("type");
  if (it == doc.end()) return false;
  if (it->is_string()) return it->get_ref<const std::string&>() == type;
  if (!it->is_array()) return false;
  for (const auto& t : *it) {
    if (t.is_string() && t.get_ref<const std::string&>() == type) return true;
  }
  return false;
}

Status list_invalid(const std::string& why) { return Status::invalid("status_list_invalid", why); }

}  // namespace

bool Bitstring::get(std::size_t i) const {
  assert(i < size());
  return (bytes_[i / 8] & (0x80u >> (i % 8))) != 0;
}

void Bitstring::set(std::size_t i, bool value) {
  assert(i < size());
  const auto mask = static_cast<std::uint8_t>(0x80u >> (i % 8));
  if (value) {
    bytes_[i / 8] |= mask;
  } else {
    bytes_[i / 8] &= static_cast<std::uint8_t>(~mask);
  }
}

Result<std::uint32_t> Bitstring::status(std::uint64_t index, unsigned status_size) const {
  if (status_size < 1 || status_size > 8) {
    return Status::invalid("bad_status_size", "statusSize must be 1 to 8, got " + std::to_string(status_size));
  }
  const std::uint64_t entries = size() / status_size;
  if (index >= entries) {
    return Status::invalid("status_index_out_of_range", "index " + std::to_string(index) + " is past the list's " +
                                                            std::to_string(entries) + " entries");
  }
  std::uint32_t v = 0;
  const auto first = static_cast<std::size_t>(index * status_size);
  for (std::size_t b = 0; b < status_size; ++b) v = (v << 1) | (get(first + b) ? 1u : 0u);
  return v;
}

Result<std::string> encode(const Bitstring& list) {
  CREDENCE_ASSIGN_OR_RETURN(const Bytes compressed, gzip(list.bytes()));
  return "u" + codec::base64url_encode(compressed);
}

Result<Bitstring> decode(std::string_view encoded_list, const DecodeOptions& options) {
  std::string_view body = encoded_list;
  if (!body.empty() && body.front() == 'u') {
    body.remove_prefix(1);
  } else if (!options.allow_missing_prefix) {
    return Status::invalid("status_list_bad_multibase", "encodedList must be multibase base64url (a 'u' prefix)");
  }
  auto compressed = codec::base64url_decode(body);
  if (!compressed) return Status::invalid("status_list_bad_base64", "encodedList: " + compressed.status().message());
  CREDENCE_ASSIGN_OR_RETURN(Bytes raw, gunzip(*compressed, options.max_bytes));
  if (raw.size() * 8 < options.min_entries) {
    return Status::invalid("status_list_length_error", "the list has " + std::to_string(raw.size() * 8) +
                                                           " entries; at least " + std::to_string(options.min_entries) +
                                                           " are required");
  }
  return Bitstring::from_bytes(std::move(raw));
}

std::string_view purpose_name(Purpose purpose) {
  switch (purpose) {
    case Purpose::refresh: return "refresh";
    case Purpose::revocation: return "revocation";
    case Purpose::suspension: return "suspension";
    case Purpose::message: return "message";
  }
  return "revocation";  // unreachable
}

Result<Purpose> parse_purpose(std::string_view name) {
  for (const Purpose p : {Purpose::refresh, Purpose::revocation, Purpose::suspension, Purpose::message}) {
    if (purpose_name(p) == name) return p;
  }
  return Status::invalid("bad_status_purpose", "statusPurpose \"" + std::string(name) +
                                                   "\" is not refresh, revocation, suspension or message");
}

Json entry(std::string_view status_list_credential, std::uint64_t index, Purpose purpose) {
  const std::string list(status_list_credential);
  return {{"id", list + "#" + std::to_string(index)},
          {"type", kEntryType},
          {"statusPurpose", purpose_name(purpose)},
          {"statusListIndex", std::to_string(index)},
          {"statusListCredential", list}};
}

Result<Json> unsigned_credential(const CredentialSpec& spec, const Bitstring& list) {
  if (list.size() < kMinEntries) {
    return Status::invalid("status_list_length_error",
                           "a status list needs at least " + std::to_string(kMinEntries) + " entries");
  }
  CREDENCE_ASSIGN_OR_RETURN(std::string encoded, encode(list));
  return unsigned_credential_encoded(spec, std::move(encoded));
}

Result<Json> unsigned_credential_encoded(const CredentialSpec& spec, std::string encoded) {
  if (spec.id.empty()) return Status::invalid("bad_credential", "a status-list credential needs its URL as id");
  Json credential = {{"@context", Json::array({vc::kCredentialsV2Context})},
                     {"id", spec.id},
                     {"type", Json::array({"VerifiableCredential", kListCredentialType})},
                     {"validFrom", vc::format_datetime(spec.valid_from)},
                     {"credentialSubject",
                      {{"id", spec.id + "#list"},
                       {"type", kListType},
                       {"statusPurpose", purpose_name(spec.purpose)},
                       {"encodedList", encoded}}}};
  if (!spec.issuer.empty()) credential["issuer"] = spec.issuer;
  if (spec.valid_until) credential["validUntil"] = vc::format_datetime(*spec.valid_until);
  return credential;
}

Result<Json> make_credential(const CredentialSpec& spec, std::span<const std::uint64_t> set_indices,
                             const crypto::ed25519::SecretKey& key) {
  if (spec.entries < kMinEntries) {
    return Status::invalid("status_list_length_error",
                           "a status list needs at least " + std::to_string(kMinEntries) + " entries");
  }
  Bitstring list(spec.entries);
  for (const std::uint64_t i : set_indices) {
    if (i >= spec.entries) {
      return Status::invalid("status_index_out_of_range", "index " + std::to_string(i) + " is past the list's " +
                                                              std::to_string(spec.entries) + " entries");
    }
    list.set(static_cast<std::size_t>(i), true);
  }
  CREDENCE_ASSIGN_OR_RETURN(Json credential, unsigned_credential(spec, list));
  vc::IssueOptions options;
  options.created = spec.valid_from;
  return vc::issue(std::move(credential), key, options);
}

Result<ListView> read_credential(const Json& credential, const DecodeOptions& options) {
  if (!credential.is_object()) return list_invalid("a status-list credential must be a JSON object");
  if (!has_type(credential, kListCredentialType)) {
    return list_invalid("type does not contain " + std::string(kListCredentialType));
  }
  ListView view;
  const auto id = credential.find("id");
  if (id == credential.end() || !id->is_string()) return list_invalid("a status-list credential needs a string id");
  view.id = id->get<std::string>();
  const auto subject = credential.find("credentialSubject");
  if (subject == credential.end() || !subject->is_object()) {
    return list_invalid("credentialSubject must be one object");
  }
  if (!has_type(*subject, kListType)) return list_invalid("credentialSubject.type must be " + std::string(kListType));
  const auto purpose = subject->find("statusPurpose");
  if (purpose != subject->end() && purpose->is_string()) {
    view.purposes.push_back(purpose->get<std::string>());
  } else if (purpose != subject->end() && purpose->is_array() && !purpose->empty()) {
    for (const auto& p : *purpose) {
      if (!p.is_string()) return list_invalid("credentialSubject.statusPurpose must hold strings");
      view.purposes.push_back(p.get<std::string>());
    }
  } else {
    return list_invalid("credentialSubject.statusPurpose must be a string or a non-empty array of strings");
  }
  const auto encoded = subject->find("encodedList");
  if (encoded == subject->end() || !encoded->is_string()) {
    return list_invalid("credentialSubject.encodedList must be a string");
  }
  CREDENCE_ASSIGN_OR_RETURN(view.list, decode(encoded->get_ref<const std::string&>(), options));
  return view;
}

}  // namespace credence::interop::status_list
