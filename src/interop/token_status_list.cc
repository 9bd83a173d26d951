#include "credence/interop/token_status_list.h"

#include <zlib.h>

#include <algorithm>
#include <cassert>

#include "credence/codec/base64url.h"

namespace credence::interop::token_status {

namespace {

bool valid_bits(std::uint64_t bits) { return bits == 1 || bits == 2 || bits == 4 || bits == 8; }

Status bad(const std::string& why) { return Status::invalid("bad_status_list", why); }
Status bad_token(const std::string& why) { return Status::invalid("bad_status_list_token", why); }

Result<std::uint64_t> u64_member(const codec::Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return bad_token(std::string("payload.") + name + " is required");
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  }
  return bad_token(std::string("payload.") + name + " must be a non-negative integer");
}

}  // namespace

std::string status_name(std::uint8_t value) {
  switch (value) {
    case kValid: return "valid";
    case kInvalid: return "invalid";
    case kSuspended: return "suspended";
    default: return "status_" + std::to_string(value);
  }
}

Result<StatusList> StatusList::make(unsigned bits, std::uint64_t size) {
  if (!valid_bits(bits)) return bad("bits must be 1, 2, 4 or 8, got " + std::to_string(bits));
  const std::uint64_t bytes = (size * bits + 7) / 8;
  if (size > kMaxStatusListBytes * 8 || bytes > kMaxStatusListBytes) {
    return Status::invalid("status_list_too_large", std::to_string(size) + " statuses exceed the limit");
  }
  return StatusList(bits, Bytes(static_cast<std::size_t>(bytes), 0));
}

Result<StatusList> StatusList::from_bytes(unsigned bits, Bytes packed) {
  if (!valid_bits(bits)) return bad("bits must be 1, 2, 4 or 8, got " + std::to_string(bits));
  if (packed.size() > kMaxStatusListBytes) {
    return Status::invalid("status_list_too_large", std::to_string(packed.size()) + " bytes exceed the limit");
  }
  return StatusList(bits, std::move(packed));
}

Result<StatusList> StatusList::from_json(const codec::Json& status_list) {
  if (!status_list.is_object()) return bad("status_list must be a JSON object");
  for (const auto& [key, unused] : status_list.items()) {
    if (key != "bits" && key != "lst" && key != "aggregation_uri") return bad("unknown member \"" + key + "\"");
  }
  auto bits = status_list.find("bits");
  if (bits == status_list.end() || !bits->is_number_integer() || bits->get<std::int64_t>() < 0 ||
      !valid_bits(bits->get<std::uint64_t>())) {
    return bad("\"bits\" must be 1, 2, 4 or 8");
  }
  auto lst = status_list.find("lst");
  if (lst == status_list.end() || !lst->is_string()) return bad("\"lst\" must be a string");
  if (status_list.contains("aggregation_uri") && !status_list["aggregation_uri"].is_string()) {
    return bad("\"aggregation_uri\" must be a string");
  }
  auto compressed = codec::base64url_decode(lst->get_ref<const std::string&>());
  if (!compressed) return compressed.status().with_context("status_list.lst");
  CREDENCE_ASSIGN_OR_RETURN(auto packed, zlib_decompress(*compressed));
  return from_bytes(static_cast<unsigned>(bits->get<std::uint64_t>()), std::move(packed));
}

Result<std::uint8_t> StatusList::get(std::uint64_t index) const {
  if (index >= size()) {
    return Status::invalid("status_index_out_of_range",
                           "index " + std::to_string(index) + " but the list has " + std::to_string(size()) + " entries");
  }
  const std::uint64_t bit = index * bits_;
  const unsigned shift = static_cast<unsigned>(bit % 8);
  const unsigned mask = (1u << bits_) - 1;
  return static_cast<std::uint8_t>((packed_[static_cast<std::size_t>(bit / 8)] >> shift) & mask);
}

Status StatusList::set(std::uint64_t index, std::uint8_t value) {
  if (index >= size()) {
    return Status::invalid("status_index_out_of_range",
                           "index " + std::to_string(index) + " but the list has " + std::to_string(size()) + " entries");
  }
  const unsigned mask = (1u << bits_) - 1;
  if (value > mask) {
    return Status::invalid("bad_status_value",
                           std::to_string(value) + " does not fit in " + std::to_string(bits_) + " bits");
  }
  const std::uint64_t bit = index * bits_;
  const unsigned shift = static_cast<unsigned>(bit % 8);
  auto& byte = packed_[static_cast<std::size_t>(bit / 8)];
  byte = static_cast<std::uint8_t>((byte & ~(mask << shift)) | (static_cast<unsigned>(value) << shift));
  return Status::ok();
}

codec::Json StatusList::to_json() const {
  return {{"bits", bits_}, {"lst", codec::base64url_encode(zlib_compress(packed_))}};
}

Bytes zlib_compress(ByteView data, int level) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  Bytes out(size);
  const int rc = compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), level);
  assert(rc == Z_OK && "compress2 with a compressBound buffer cannot fail");
  (void)rc;
  out.resize(size);
  return out;
}

Result<Bytes> zlib_decompress(ByteView data, std::size_t max_size) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::error("zlib_failure", "inflateInit failed");
  Bytes out;
  // The input is fed whole; output grows in chunks up to max_size + 1 (one byte more tells "too large").
  zs.next_in = const_cast<Bytef*>(data.data());  // NOLINT: zlib's API is not const-correct
  zs.avail_in = static_cast<uInt>(data.size());
  constexpr std::size_t kChunk = 64 * 1024;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const std::size_t before = out.size();
    if (before > max_size) break;
    const std::size_t grow = std::min(kChunk, max_size + 1 - before);
    out.resize(before + grow);
    zs.next_out = out.data() + before;
    zs.avail_out = static_cast<uInt>(grow);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(before + grow - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended before the stream did
  }
  const bool complete = rc == Z_STREAM_END;
  const std::size_t trailing = zs.avail_in;
  inflateEnd(&zs);
  if (out.size() > max_size) {
    return Status::invalid("status_list_too_large", "inflates to more than " + std::to_string(max_size) + " bytes");
  }
  if (!complete) return Status::invalid("bad_zlib", "not one complete zlib stream");
  if (trailing != 0) return Status::invalid("bad_zlib", std::to_string(trailing) + " bytes after the zlib stream");
  return out;
}

namespace {

Result<StatusListToken> token_from(const jws::Compact& jws) {
  auto typ = jws.header.find("typ");
  if (typ == jws.header.end() || !typ->is_string() || *typ != "statuslist+jwt") {
    return bad_token("header typ must be \"statuslist+jwt\"");
  }
  auto payload = jws::payload_json(jws);
  if (!payload) return payload.status();
  const auto& p = *payload;
  auto sub = p.find("sub");
  if (sub == p.end() || !sub->is_string()) return bad_token("payload.sub must be a string (the list's URI)");
  CREDENCE_ASSIGN_OR_RETURN(auto iat, u64_member(p, "iat"));
  std::optional<std::uint64_t> exp;
  std::optional<std::uint64_t> ttl;
  if (p.contains("exp")) {
    CREDENCE_ASSIGN_OR_RETURN(exp, u64_member(p, "exp"));
  }
  if (p.contains("ttl")) {
    CREDENCE_ASSIGN_OR_RETURN(ttl, u64_member(p, "ttl"));
  }
  auto sl = p.find("status_list");
  if (sl == p.end()) return bad_token("payload.status_list is required");
  auto list = StatusList::from_json(*sl);
  if (!list) return list.status().with_context("payload.status_list");
  return StatusListToken{sub->get<std::string>(), iat, exp, ttl, std::move(*list)};
}

}  // namespace

Result<StatusListToken> parse_status_list_token(std::string_view compact) {
  CREDENCE_ASSIGN_OR_RETURN(auto jws, jws::parse_compact(compact));
  return token_from(jws);
}

Result<StatusListToken> verify_status_list_token(std::string_view compact, const jws::VerifyingKey& key,
                                                 std::optional<std::uint64_t> now) {
  CREDENCE_ASSIGN_OR_RETURN(auto jws, jws::parse_compact(compact));
  CREDENCE_RETURN_IF_ERROR(jws::verify(jws, key).with_context("status list token"));
  CREDENCE_ASSIGN_OR_RETURN(auto token, token_from(jws));
  if (now && token.expires_at && *token.expires_at <= *now) {
    return Status::invalid("status_list_expired", "the status list token expired at " +
                                                      std::to_string(*token.expires_at));
  }
  return token;
}

std::string sign_status_list_token(const StatusListToken& token, const jws::Signer& signer) {
  codec::Json payload = {{"sub", token.subject}, {"iat", token.issued_at}, {"status_list", token.list.to_json()}};
  if (token.expires_at) payload["exp"] = *token.expires_at;
  if (token.ttl) payload["ttl"] = *token.ttl;
  return jws::sign_compact({{"typ", "statuslist+jwt"}}, payload, signer);
}

}  // namespace credence::interop::token_status
