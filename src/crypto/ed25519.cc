#include "credence/crypto/ed25519.h"

#include <sodium.h>

namespace credence::crypto::ed25519 {

namespace {

// L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
constexpr FixedBytes<32> kOrderL = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                    0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

}  // namespace

bool is_valid_point(FixedView<32> point) { return crypto_core_ed25519_is_valid_point(point.data()) == 1; }

bool is_canonical_scalar(FixedView<32> scalar) {
  // Compare from the most significant byte; S is public, so a variable-time comparison is fine.
  for (std::size_t i = 32; i-- > 0;) {
    if (scalar[i] < kOrderL[i]) return true;
    if (scalar[i] > kOrderL[i]) return false;
  }
  return false;  // equal to L
}

PublicKey::PublicKey(FixedView<kPublicKeySize> bytes) {
  for (std::size_t i = 0; i < kPublicKeySize; ++i) bytes_[i] = bytes[i];
}

Result<PublicKey> PublicKey::parse(FixedView<kPublicKeySize> bytes) {
  if (!is_valid_point(bytes)) {
    return Status::invalid("invalid_public_key",
                           "not a canonical point of the prime-order subgroup, or of small order");
  }
  return PublicKey(bytes);
}

SecretKey::SecretKey(Secret<64> expanded, PublicKey public_key)
    : expanded_(std::move(expanded)), public_key_(public_key) {}

SecretKey SecretKey::from_seed(FixedView<kSeedSize> seed) {
  FixedBytes<kPublicKeySize> pk{};
  Secret<64> sk;
  crypto_sign_seed_keypair(pk.data(), sk.mutable_view().data(), seed.data());
  // A key derived from a seed is a multiple of the base point: always in the prime-order subgroup.
  auto parsed = PublicKey::parse(pk);
  return SecretKey(std::move(sk), *parsed);
}

SecretKey SecretKey::generate(RandomSource& random) {
  Secret<kSeedSize> seed;
  random.fill(seed.mutable_view());
  return from_seed(seed.view());
}

FixedView<kSeedSize> SecretKey::seed() const { return expanded_.view().first<kSeedSize>(); }

Signature SecretKey::sign(ByteView message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), expanded_.view().data());
  return sig;
}

Status verify(const PublicKey& public_key, ByteView message, FixedView<kSignatureSize> signature) {
  if (!is_canonical_scalar(signature.subspan<32, 32>())) {
    return Status::invalid("non_canonical_s", "signature scalar S is not below the group order");
  }
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.bytes().data()) !=
      0) {
    return Status::invalid("bad_signature");
  }
  return Status::ok();
}

Status verify(FixedView<kPublicKeySize> public_key, ByteView message, FixedView<kSignatureSize> signature) {
  if (!is_canonical_scalar(signature.subspan<32, 32>())) {
    return Status::invalid("non_canonical_s", "signature scalar S is not below the group order");
  }
  auto key = PublicKey::parse(public_key);
  if (!key) return key.status();
  return verify(*key, message, signature);
}

}  // namespace credence::crypto::ed25519
