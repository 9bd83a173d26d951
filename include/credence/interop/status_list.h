// W3C Bitstring Status List v1.0: the bitstring, its encodedList text form, status-list credentials and the lookup
// of a BitstringStatusListEntry. Format and the bit-order trap: docs/vc.md "Bitstring Status List".
//
//   encodedList = "u" + base64url-no-padding(GZIP(bitstring))   (multibase base64url; GZIP is RFC 1952, magic 1f 8b)
//   entry i     = bit (0x80 >> (i mod 8)) of byte ⌊i / 8⌋         (index 0 is the MOST significant bit of byte 0)
//   length      ≥ 131,072 bits (16 KiB), else STATUS_LIST_LENGTH_ERROR
// Not the IETF Token Status List of SD-JWT VC (zlib, no prefix, least-significant bit first).
//
// Decoding is bounded (kMaxListBytes of inflated output) so a GZIP bomb fails early, rejects trailing bytes after the
// GZIP member, and names every failure: status_list_bad_multibase (no 'u' prefix), status_list_bad_base64,
// status_list_bad_gzip, status_list_too_large, status_list_length_error (fewer entries than the minimum). Lookups
// past the end are status_index_out_of_range (the spec's RANGE_ERROR). Bitstring is a plain value type (copyable,
// thread-compatible); the free functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/crypto/ed25519.h"
#include "credence/status.h"

namespace credence::interop::status_list {

inline constexpr std::size_t kMinEntries = 131072;           // 16 KiB of bits, the spec's minimum
inline constexpr std::size_t kMaxListBytes = std::size_t{16} << 20;  // decoder bound: 134,217,728 entries

class Bitstring {
 public:
  // `bits` entries, all zero; rounded up to whole bytes.
  explicit Bitstring(std::size_t bits = kMinEntries) : bytes_((bits + 7) / 8, 0) {}
  static Bitstring from_bytes(Bytes bytes) {
    Bitstring b(0);
    b.bytes_ = std::move(bytes);
    return b;
  }

  [[nodiscard]] std::size_t size() const { return bytes_.size() * 8; }
  [[nodiscard]] const Bytes& bytes() const { return bytes_; }

  // Precondition: i < size() (asserted).
  [[nodiscard]] bool get(std::size_t i) const;
  void set(std::size_t i, bool value);

  // The status of entry `index` when each entry is `status_size` bits (1–8, MSB-first like single bits):
  // invalid("status_index_out_of_range") past the end, invalid("bad_status_size") outside 1–8.
  [[nodiscard]] Result<std::uint32_t> status(std::uint64_t index, unsigned status_size = 1) const;

  friend bool operator==(const Bitstring&, const Bitstring&) = default;

 private:
  Bytes bytes_;
};

// "u" + base64url(GZIP(bytes)). error("zlib") only if zlib cannot allocate.
Result<std::string> encode(const Bitstring& list);

struct DecodeOptions {
  std::size_t min_entries = kMinEntries;
  std::size_t max_bytes = kMaxListBytes;
  // Accept the body without its 'u' (the vc-bitstring-status-list-test-suite fixtures omit it). Off by default: the
  // spec's encodedList is a Multibase string.
  bool allow_missing_prefix = false;
};
Result<Bitstring> decode(std::string_view encoded_list, const DecodeOptions& options = {});

// ---------------------------------------------------------------------------------------------------------------
// Status-list credentials

enum class Purpose { refresh, revocation, suspension, message };
std::string_view purpose_name(Purpose purpose);
// invalid("bad_status_purpose") for another word.
Result<Purpose> parse_purpose(std::string_view name);

struct CredentialSpec {
  std::string id;                       // the URL the credential is published at (statusListCredential of entries)
  Purpose purpose = Purpose::revocation;
  std::size_t entries = kMinEntries;    // list length; at least kMinEntries
  std::int64_t valid_from = 0;          // Unix seconds
  std::optional<std::int64_t> valid_until;
  std::string issuer;                   // empty: the signing key's did:key
};

// The signed BitstringStatusListCredential with the entries in `set_indices` set (revoked / suspended) — what a node
// publishes at `spec.id` from its revocation registry. The proof's created time is spec.valid_from.
// invalid("status_index_out_of_range") for an index >= entries, invalid("status_list_length_error") for a list
// shorter than kMinEntries, the issue() codes of vc.h otherwise.
Result<codec::Json> make_credential(const CredentialSpec& spec, std::span<const std::uint64_t> set_indices,
                                    const crypto::ed25519::SecretKey& key);

// The unsigned credential around an already built list (make_credential without signing).
Result<codec::Json> unsigned_credential(const CredentialSpec& spec, const Bitstring& list);
// The same around an already encoded list (encode()'s output, not re-checked), so a publisher that re-signs an
// unchanged list does not re-compress it. invalid("bad_credential") for an empty spec.id.
Result<codec::Json> unsigned_credential_encoded(const CredentialSpec& spec, std::string encoded_list);

// A BitstringStatusListEntry for a credential's credentialStatus: {id: "<list>#<index>", type, statusPurpose,
// statusListIndex (decimal string), statusListCredential}.
codec::Json entry(std::string_view status_list_credential, std::uint64_t index, Purpose purpose);

// Reads the list out of a status-list credential (does not verify its proof: vc::verify_credential does):
// type must contain BitstringStatusListCredential, credentialSubject.type be BitstringStatusList and its
// statusPurpose a string or a non-empty array of strings (else status_list_invalid), then decode() of
// credentialSubject.encodedList.
struct ListView {
  std::string id;
  std::vector<std::string> purposes;  // credentialSubject.statusPurpose: one string, or an array of them
  Bitstring list;
};
Result<ListView> read_credential(const codec::Json& credential, const DecodeOptions& options = {});

}  // namespace credence::interop::status_list
