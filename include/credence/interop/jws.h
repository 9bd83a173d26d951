// JWS Compact Serialization (RFC 7515 §7.1) with the two algorithms Credence speaks: EdDSA over Ed25519 (RFC 8037)
// and ES256, ECDSA over P-256 with SHA-256 and the raw r || s signature (RFC 7518 §3.4). Also the public JWKs of
// those keys (RFC 7517; "OKP"/"Ed25519" and "EC"/"P-256").
//
// Format and rules: docs/sd-jwt.md "JWS". Parsing is strict and every failure has a reason code:
//   bad_jws             not three '.'-separated parts, or an empty signature;
//   bad_base64url       a part is not unpadded base64url (codec/base64url.h);
//   bad_jws_header      the header is not a JSON object, has no string "alg", or has a "crit" member (no
//                       extension is understood, so RFC 7515 §4.1.11 requires rejecting any);
//   alg_none            "alg" is "none": never accepted;
//   unsupported_alg     any other "alg" than EdDSA and ES256;
//   bad_signature_length the signature is not 64 bytes;
//   alg_key_mismatch    the header's alg does not belong to the verifying key's type;
//   bad_jwk             a JWK that is not a well-formed public OKP/Ed25519 or EC/P-256 key (a JWK carrying the
//                       private "d" member is rejected too: keys in credentials and files are public);
//   plus the crypto layer's codes (invalid_public_key, bad_signature, non_canonical_s).
// The library does not look at any claim (exp, nbf, typ …): that is the caller's job. Thread-safe; no global state.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/p256.h"
#include "credence/status.h"

namespace credence::interop::jws {

enum class Algorithm { eddsa, es256 };

// "EdDSA" or "ES256".
const char* algorithm_name(Algorithm alg);
// invalid("alg_none") for "none", invalid("unsupported_alg") for anything but EdDSA / ES256.
Result<Algorithm> parse_algorithm(std::string_view name);

// A public key that can verify a JWS.
using VerifyingKey = std::variant<crypto::ed25519::PublicKey, crypto::p256::PublicKey>;

Algorithm key_algorithm(const VerifyingKey& key);
// {"kty":"OKP","crv":"Ed25519","x":…} or {"kty":"EC","crv":"P-256","x":…,"y":…}.
codec::Json to_jwk(const VerifyingKey& key);
// The inverse; extra members (kid, use, alg, key_ops …) are allowed, "d" is not. invalid("bad_jwk") or the crypto
// layer's invalid_public_key.
Result<VerifyingKey> parse_jwk(const codec::Json& jwk);

// Borrows a secret key; the key must outlive the Signer.
class Signer {
 public:
  static Signer ed25519(const crypto::ed25519::SecretKey& key) { return Signer(&key); }
  static Signer es256(const crypto::p256::PrivateKey& key) { return Signer(&key); }

  [[nodiscard]] Algorithm algorithm() const;
  [[nodiscard]] VerifyingKey public_key() const;
  [[nodiscard]] Bytes sign(ByteView signing_input) const;

 private:
  using Key = std::variant<const crypto::ed25519::SecretKey*, const crypto::p256::PrivateKey*>;
  explicit Signer(Key key) : key_(key) {}
  Key key_;
};

// A parsed, not yet verified, compact JWS.
struct Compact {
  std::string header_b64;
  std::string payload_b64;
  codec::Json header;  // a JSON object with a string "alg"
  Algorithm alg = Algorithm::eddsa;
  Bytes payload;
  Bytes signature;  // 64 bytes

  // ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): what the signature covers.
  [[nodiscard]] std::string signing_input() const { return header_b64 + "." + payload_b64; }
};

// Splits and decodes; checks the header as listed above; does not verify the signature.
Result<Compact> parse_compact(std::string_view text);

// The payload as a JWT claims set: invalid("bad_jwt_payload") unless it is a JSON object.
Result<codec::Json> payload_json(const Compact& jws);

// alg_key_mismatch, or the signature check of the key's algorithm.
Status verify(const Compact& jws, const VerifyingKey& key);

// Signs: the header gets "alg" set to the signer's algorithm (any "alg" in `header` is replaced). The header and
// payload are serialized compactly (codec::dump_json) before encoding.
std::string sign_compact(codec::Json header, const codec::Json& payload, const Signer& signer);
// Same, for a payload that is not JSON.
std::string sign_compact_bytes(codec::Json header, ByteView payload, const Signer& signer);

}  // namespace credence::interop::jws
