// Ed25519 (RFC 8032) keys, signatures and point validation, on libsodium.
//
// Verification rule (docs/crypto.md "Ed25519 verification rule"), pinned by tests/vectors/crypto/ed25519_*.json:
//   1. S must be canonical (S < L)                                   else invalid("non_canonical_s");
//   2. the public key A must be the canonical encoding of a point of the prime-order subgroup, not of small order
//                                                                    else invalid("invalid_public_key");
//   3. the cofactorless equation [S]B = R + [k]A must hold, compared on R's exact bytes (libsodium)
//                                                                    else invalid("bad_signature").
// Because A is in the prime-order subgroup, a signature accepted here also satisfies the cofactored equation that
// RFC 9591 (FROST) asks for: single, batch and cofactored verifiers cannot disagree on what we accept.
// Check 2 costs about as much as a verification, so it runs once, when a PublicKey is parsed; hold on to parsed
// keys rather than re-parsing bytes per signature.
//
// SecretKey wipes its secret on destruction and is not copyable. All functions are thread-safe.
#pragma once

#include <cstddef>

#include "credence/bytes.h"
#include "credence/crypto/memory.h"
#include "credence/crypto/random.h"
#include "credence/status.h"

namespace credence::crypto::ed25519 {

inline constexpr std::size_t kSeedSize = 32;
inline constexpr std::size_t kPublicKeySize = 32;
inline constexpr std::size_t kSignatureSize = 64;

using Signature = FixedBytes<kSignatureSize>;

// True iff `point` is a canonical encoding of a point in the prime-order subgroup other than small-order points
// (libsodium crypto_core_ed25519_is_valid_point).
[[nodiscard]] bool is_valid_point(FixedView<32> point);

// True iff the 32 little-endian bytes are < L, the group order.
[[nodiscard]] bool is_canonical_scalar(FixedView<32> scalar);

// A public key that has passed check 2 of the verification rule.
class PublicKey {
 public:
  static Result<PublicKey> parse(FixedView<kPublicKeySize> bytes);
  [[nodiscard]] const FixedBytes<kPublicKeySize>& bytes() const { return bytes_; }
  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  explicit PublicKey(FixedView<kPublicKeySize> bytes);
  FixedBytes<kPublicKeySize> bytes_{};
};

class SecretKey {
 public:
  // Derives the key pair from a 32-byte seed (RFC 8032's "private key").
  static SecretKey from_seed(FixedView<kSeedSize> seed);
  static SecretKey generate(RandomSource& random);

  [[nodiscard]] const PublicKey& public_key() const { return public_key_; }
  [[nodiscard]] FixedView<kSeedSize> seed() const;
  [[nodiscard]] Signature sign(ByteView message) const;

 private:
  SecretKey(Secret<64> expanded, PublicKey public_key);
  Secret<64> expanded_;  // libsodium's secret key: seed || public key
  PublicKey public_key_;
};

// Applies the verification rule. ok, or invalid with one of the reason codes above.
Status verify(const PublicKey& public_key, ByteView message, FixedView<kSignatureSize> signature);
// Same, for raw key bytes (parses the key first: slower, see above).
Status verify(FixedView<kPublicKeySize> public_key, ByteView message, FixedView<kSignatureSize> signature);

}  // namespace credence::crypto::ed25519
