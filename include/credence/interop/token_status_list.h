// IETF Token Status List (draft-ietf-oauth-status-list, the status mechanism of SD-JWT VC): a packed array of
// `bits`-wide statuses, zlib/DEFLATE-compressed (RFC 1950) and base64url-encoded without padding, LEAST significant
// bit first: status[i] lives in byte ⌊i·bits/8⌋ at bit offset (i·bits mod 8). Values: 0 VALID, 1 INVALID,
// 2 SUSPENDED, 3 application-specific (bits ≥ 2). Format: docs/sd-jwt.md "Token Status List".
//
// NOT the W3C Bitstring Status List (GZIP, most significant bit first, multibase "u"): the two must never be mixed.
//
// Decoding is bounded: at most kMaxStatusListBytes after decompression (16 M statuses at 8 bits), so a
// decompression bomb is an error, not an allocation. Reason codes:
//   bad_status_list       the JSON is not {"bits":…, "lst":…} with bits ∈ {1,2,4,8} and a string lst (an optional
//                         "aggregation_uri" string is allowed);
//   bad_base64url         lst is not unpadded base64url;
//   bad_zlib              lst does not inflate as one complete zlib stream (trailing bytes included);
//   status_list_too_large the inflated list exceeds kMaxStatusListBytes;
//   status_index_out_of_range  an index past the end of the list;
//   bad_status_list_token the status list token (JWT) is not typ "statuslist+jwt" with sub, iat and status_list.
// StatusList is a value type: not thread-safe for concurrent writes, safe to read from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/interop/jws.h"
#include "credence/status.h"

namespace credence::interop::token_status {

inline constexpr std::size_t kMaxStatusListBytes = 16u << 20;

inline constexpr std::uint8_t kValid = 0;
inline constexpr std::uint8_t kInvalid = 1;
inline constexpr std::uint8_t kSuspended = 2;

// "valid", "invalid", "suspended", or "status_<n>" for application-specific values.
std::string status_name(std::uint8_t value);

class StatusList {
 public:
  // `size` statuses of `bits` bits each, all VALID. invalid("bad_status_list") unless bits ∈ {1,2,4,8}, or
  // invalid("status_list_too_large").
  static Result<StatusList> make(unsigned bits, std::uint64_t size);
  // From the packed bytes (already inflated); the size is bytes·8/bits.
  static Result<StatusList> from_bytes(unsigned bits, Bytes packed);
  // From {"bits":…, "lst":…}.
  static Result<StatusList> from_json(const codec::Json& status_list);

  [[nodiscard]] unsigned bits() const { return bits_; }
  [[nodiscard]] std::uint64_t size() const { return packed_.size() * 8 / bits_; }
  [[nodiscard]] const Bytes& packed() const { return packed_; }

  Result<std::uint8_t> get(std::uint64_t index) const;
  // invalid("status_index_out_of_range"), or invalid("bad_status_value") if value does not fit in `bits`.
  Status set(std::uint64_t index, std::uint8_t value);

  // {"bits":…, "lst": base64url(zlib(packed, level 9))}.
  [[nodiscard]] codec::Json to_json() const;

 private:
  StatusList(unsigned bits, Bytes packed) : bits_(bits), packed_(std::move(packed)) {}
  unsigned bits_;
  Bytes packed_;
};

// zlib helpers (RFC 1950). inflate is bounded by `max_size` (status_list_too_large past it).
Bytes zlib_compress(ByteView data, int level = 9);
Result<Bytes> zlib_decompress(ByteView data, std::size_t max_size = kMaxStatusListBytes);

// A Status List Token in JWT form: header typ "statuslist+jwt"; payload {sub, iat, [exp], [ttl], status_list}.
struct StatusListToken {
  std::string subject;  // "sub": the URI the referenced tokens name in status.status_list.uri
  std::uint64_t issued_at = 0;
  std::optional<std::uint64_t> expires_at;
  std::optional<std::uint64_t> ttl;
  StatusList list;
};

// Parses and verifies a status list token signed by `key`. With `now`, an expired token ("exp" ≤ now) is
// invalid("status_list_expired").
Result<StatusListToken> verify_status_list_token(std::string_view compact, const jws::VerifyingKey& key,
                                                 std::optional<std::uint64_t> now = std::nullopt);
// Parses without verifying (for tools and fuzzing): same checks except the signature.
Result<StatusListToken> parse_status_list_token(std::string_view compact);

std::string sign_status_list_token(const StatusListToken& token, const jws::Signer& signer);

}  // namespace credence::interop::token_status
