// SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): selective disclosure over a JWS, with key binding.
//
// The compact form is <issuer-signed JWT>~<Disclosure 1>~…~<Disclosure n>~[<KB-JWT>]. A Disclosure is
// base64url(UTF-8 JSON [salt, name, value]) for an object property or base64url([salt, value]) for an array element;
// its digest is base64url(SHA-256(ASCII of the base64url text)) — the text exactly as transmitted, never re-encoded.
// The issuer puts object-property digests in "_sd" arrays and array-element digests in {"...": digest} elements;
// decoys are digests of random bytes that no Disclosure matches. "_sd_alg" is "sha-256", the only hash supported.
// Holders present a subset of the Disclosures and, when the credential names a holder key in "cnf":{"jwk":…}, a
// Key Binding JWT (typ "kb+jwt"; iat, aud, nonce, sd_hash = digest of the presentation up to its last '~').
// Formats, options and the exact rules: docs/sd-jwt.md. Paths are JSON Pointers (RFC 6901) into the claims as the
// issuer wrote them ("/address/street_address", "/nationalities/1").
//
// Every check fails with a stable reason code (the list is in docs/sd-jwt.md "Reason codes"); the main ones:
//   bad_sd_jwt, bad_disclosure, duplicate_disclosure, duplicate_digest, unreferenced_disclosure, claim_exists,
//   disclosure_kind_mismatch, bad_sd, bad_array_element, unsupported_sd_alg, bad_typ, missing_vct, expired,
//   not_yet_valid, missing_key_binding, missing_cnf, bad_kb_jwt, sd_hash_mismatch, nonce_mismatch,
//   audience_mismatch, kb_too_old, status_list_uri_mismatch, revoked, suspended, status_<n>, no_such_claim,
//   claim_not_disclosable, reserved_claim_name, json_too_deep, holder_key_mismatch, missing_status,
//   status_unchecked — plus the JWS codes (interop/jws.h) and the status list codes (interop/token_status_list.h).
// Functions are pure apart from the RandomSource they are given; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/codec/json.h"
#include "credence/crypto/random.h"
#include "credence/interop/jws.h"
#include "credence/interop/token_status_list.h"
#include "credence/status.h"

namespace credence::interop::sd_jwt {

inline constexpr const char* kTypVc = "dc+sd-jwt";
inline constexpr const char* kTypVcLegacy = "vc+sd-jwt";  // accepted on input, never written
inline constexpr const char* kTypKeyBinding = "kb+jwt";
inline constexpr const char* kSdAlg = "sha-256";

// ---------------------------------------------------------------------------------------------------------------
// Disclosures

struct Disclosure {
  std::string encoded;              // the base64url text, as transmitted
  std::string salt;
  std::optional<std::string> name;  // absent for an array element
  codec::Json value;
  std::string digest;               // base64url(SHA-256(encoded))
};

// base64url(SHA-256(ASCII(encoded))).
std::string disclosure_digest(std::string_view encoded);
// invalid("bad_disclosure") unless `encoded` is base64url of a JSON array [string salt, string name, value] or
// [string salt, value], with a name other than "_sd" and "...".
Result<Disclosure> parse_disclosure(std::string_view encoded);
// Serializes [salt, name, value] (or [salt, value]) compactly and encodes it.
Disclosure make_disclosure(std::string salt, std::optional<std::string> name, codec::Json value);

// ---------------------------------------------------------------------------------------------------------------
// Compact serialization

struct Parts {
  std::string jwt;
  std::vector<std::string> disclosures;
  std::optional<std::string> kb_jwt;
};
// invalid("bad_sd_jwt") without a '~' after the JWT, or with an empty Disclosure between two '~'.
Result<Parts> split(std::string_view text);
// jwt~d1~…~dn~ (+ kb_jwt when present).
std::string join(const Parts& parts);
// The part a KB-JWT's sd_hash covers: jwt~d1~…~dn~.
std::string presentation_prefix(const Parts& parts);

// RFC 6901 JSON Pointer → reference tokens (~1 → '/', ~0 → '~'). invalid("bad_path") for text not starting with
// '/', for the root pointer "" and for a '~' not followed by 0 or 1.
Result<std::vector<std::string>> parse_path(std::string_view pointer);
std::string format_path(const std::vector<std::string>& tokens);

// ---------------------------------------------------------------------------------------------------------------
// Issuer

struct IssueOptions {
  std::vector<std::string> sd_paths;   // JSON Pointers of the selectively disclosable claims / array elements
  std::size_t decoys = 0;              // decoy digests added to every "_sd" array the issuer creates
  std::optional<jws::VerifyingKey> holder_key;  // becomes "cnf": {"jwk": …}
  std::string typ = kTypVc;            // JWS header typ; "" omits it. dc+sd-jwt requires a string "vct" claim
};

// Returns jwt~d1~…~dn~. Salts are 128 random bits; "_sd" arrays are sorted (hiding claim order). Fails with
// invalid("bad_claims") if `claims` is not an object or already holds "_sd"/"_sd_alg" (or "cnf" with a holder
// key), reserved_claim_name for a "_sd" or "..." key anywhere, no_such_claim for a path not in the claims,
// claim_not_disclosable for the SD-JWT VC claims that must stay visible (iss, nbf, exp, cnf, vct, vct#integrity,
// status) and missing_vct for a dc+sd-jwt without "vct".
Result<std::string> issue(const codec::Json& claims, const IssueOptions& options, const jws::Signer& signer,
                          crypto::RandomSource& random);

// ---------------------------------------------------------------------------------------------------------------
// Holder and tools: decoding without the issuer's key

struct Decoded {
  Parts parts;
  jws::Compact jwt;
  codec::Json payload;                   // the issuer-signed payload, digests and all
  std::vector<Disclosure> disclosures;   // in transmitted order
  std::vector<std::string> paths;        // JSON Pointer of each Disclosure in the processed claims
  codec::Json claims;                    // the payload with every transmitted Disclosure applied, "_sd_alg" removed
};

// Everything verify() checks about the structure (disclosures, digests, duplicates) but no signature, key binding,
// time or status. Intended for holders preparing a presentation and for tooling.
Result<Decoded> decode(std::string_view text);

struct KeyBindingInput {
  const jws::Signer* signer = nullptr;  // the holder's key; must match cnf.jwk (invalid("holder_key_mismatch"))
  std::string nonce;
  std::string audience;
  std::uint64_t issued_at = 0;
};

struct PresentOptions {
  // JSON Pointers of claims to reveal. Each brings the Disclosure at that path and every Disclosure on the way
  // there (an undisclosed parent object would hide it). A path that exists but needs no Disclosure adds nothing;
  // a path that does not exist is invalid("no_such_claim").
  std::vector<std::string> disclose;
  bool disclose_all = false;
  std::optional<KeyBindingInput> key_binding;
};

// From an issued SD-JWT (any KB-JWT on it is dropped) to jwt~chosen disclosures~[KB-JWT].
Result<std::string> present(std::string_view issued, const PresentOptions& options);

// ---------------------------------------------------------------------------------------------------------------
// Verifier

struct StatusSource {
  std::string uri;                            // the list's URI (a status list token's "sub")
  const token_status::StatusList* list = nullptr;
};

struct VerifyOptions {
  explicit VerifyOptions(jws::VerifyingKey key) : issuer_key(std::move(key)) {}

  jws::VerifyingKey issuer_key;
  bool require_vc = false;                    // typ must be dc+sd-jwt or vc+sd-jwt
  bool require_key_binding = false;           // also implied by nonce or audience
  std::optional<std::string> nonce;
  std::optional<std::string> audience;
  std::optional<std::uint64_t> now;           // enables exp / nbf / iat checks (seconds since the epoch)
  std::uint64_t clock_skew = 60;              // seconds tolerated either way
  std::optional<std::uint64_t> max_kb_age;    // KB-JWT iat must be within this many seconds of now
  std::optional<StatusSource> status;         // checks status.status_list when given
  bool require_status = false;                // the credential must carry a status reference and it must be checked
};

struct Verified {
  codec::Json claims;                         // processed payload: what the holder disclosed plus the visible claims
  std::vector<std::string> disclosed;         // JSON Pointers of the disclosed claims
  std::string typ;                            // header typ ("" if absent)
  jws::Algorithm alg = jws::Algorithm::eddsa;
  std::optional<codec::Json> key_binding;     // the KB-JWT payload when one was verified
  std::optional<std::uint8_t> status;         // the status value when it was checked (always 0 here: others fail)
};

Result<Verified> verify(std::string_view text, const VerifyOptions& options);

}  // namespace credence::interop::sd_jwt
