// NIST P-256 (secp256r1) ECDSA with SHA-256, as JOSE's ES256 uses it (RFC 7518 §3.4), on Crypto++.
//
// Rules (docs/sd-jwt.md "ES256"):
// - Signatures are the 64-byte raw form r || s (each 32 bytes, big-endian): JOSE's form, not DER.
// - Signing is deterministic (RFC 6979 with SHA-256), so tests replay; verifiers cannot tell the difference.
// - Verification accepts both low- and high-S signatures, as JOSE does; r and s must be in [1, n-1]
//   (invalid("bad_signature") otherwise, like any failed equation).
// - A public key is an affine point (x, y) with x, y < p that satisfies the curve equation; the curve has cofactor 1,
//   so such a point is in the prime-order group. Anything else is invalid("invalid_public_key").
// Crypto++ throws; every exception is caught here and becomes a Status. PrivateKey wipes its scalar and is not
// copyable. All functions are thread-safe (no shared mutable state).
#pragma once

#include <cstddef>

#include "credence/bytes.h"
#include "credence/crypto/memory.h"
#include "credence/crypto/random.h"
#include "credence/status.h"

namespace credence::crypto::p256 {

inline constexpr std::size_t kCoordinateSize = 32;
inline constexpr std::size_t kSignatureSize = 64;

using Signature = FixedBytes<kSignatureSize>;

class PublicKey {
 public:
  // From the affine coordinates (big-endian, 32 bytes each, as a JWK's "x" and "y").
  static Result<PublicKey> from_coordinates(FixedView<kCoordinateSize> x, FixedView<kCoordinateSize> y);
  // From the 65-byte uncompressed SEC1 encoding 0x04 || x || y.
  static Result<PublicKey> parse_uncompressed(ByteView sec1);

  [[nodiscard]] const FixedBytes<kCoordinateSize>& x() const { return x_; }
  [[nodiscard]] const FixedBytes<kCoordinateSize>& y() const { return y_; }
  [[nodiscard]] FixedBytes<65> uncompressed() const;
  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  PublicKey() = default;
  FixedBytes<kCoordinateSize> x_{};
  FixedBytes<kCoordinateSize> y_{};
};

class PrivateKey {
 public:
  // invalid("invalid_private_key") unless 1 <= scalar < n (big-endian).
  static Result<PrivateKey> from_bytes(FixedView<32> scalar);
  static PrivateKey generate(RandomSource& random);

  [[nodiscard]] FixedView<32> bytes() const { return secret_.view(); }
  [[nodiscard]] const PublicKey& public_key() const { return public_key_; }
  // ES256: ECDSA over SHA-256(message), RFC 6979 nonce, raw r || s.
  [[nodiscard]] Signature sign(ByteView message) const;

 private:
  PrivateKey(Secret<32> secret, PublicKey public_key) : secret_(std::move(secret)), public_key_(public_key) {}
  Secret<32> secret_;
  PublicKey public_key_;
};

// ES256 verification of `signature` (raw r || s) over SHA-256(message): ok or invalid("bad_signature").
Status verify(const PublicKey& key, ByteView message, FixedView<kSignatureSize> signature);

}  // namespace credence::crypto::p256
