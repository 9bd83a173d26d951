#include "credence/crypto/hash.h"

#include <cryptopp/keccak.h>
#include <cryptopp/sha.h>
#include <sodium.h>

#include <new>

namespace credence::crypto {

// SHA-256 comes from Crypto++ because it picks the CPU's SHA extensions (x86 SHA-NI, ARMv8 SHA2) at run time and
// falls back to portable code elsewhere — the same digests, about 4x faster than libsodium's portable C on a node
// hash (docs/performance.md). The state map hashes ~10 nodes per write, so this is the ledger's hottest function.
Hash256 sha256(ByteView data) {
  CryptoPP::SHA256 h;
  Hash256 out{};
  h.CalculateDigest(out.data(), data.data(), data.size());
  return out;
}

Hash512 sha512(ByteView data) {
  Hash512 out{};
  crypto_hash_sha512(out.data(), data.data(), data.size());
  return out;
}

Hash256 keccak256(ByteView data) {
  // Crypto++'s Keccak_256 uses the original Keccak padding (its SHA3_256 uses the FIPS 202 padding).
  CryptoPP::Keccak_256 h;
  h.Update(data.data(), data.size());
  Hash256 out{};
  h.Final(out.data());
  return out;
}

// HMAC stays on libsodium: Crypto++'s HMAC keeps its pads on the heap, and nothing hashes enough through HMAC for its
// speed to matter.
Hash256 hmac_sha256(ByteView key, ByteView data) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, data.data(), data.size());
  Hash256 out{};
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);  // holds key-derived pads
  return out;
}

namespace {
CryptoPP::SHA256* as_state(unsigned char* p) {
  return std::launder(reinterpret_cast<CryptoPP::SHA256*>(p));  // NOLINT: constructed in place by Sha256()
}
}  // namespace

Sha256::Sha256() {
  static_assert(sizeof(CryptoPP::SHA256) <= kStateBytes, "Sha256::state_ too small");
  static_assert(alignof(CryptoPP::SHA256) <= 16, "Sha256::state_ under-aligned");
  new (state_) CryptoPP::SHA256();
}
Sha256::~Sha256() {
  as_state(state_)->~SHA256();  // wipes its own buffers
  sodium_memzero(state_, sizeof state_);
}

Sha256& Sha256::update(ByteView data) {
  as_state(state_)->Update(data.data(), data.size());
  return *this;
}

Hash256 Sha256::finish() {
  Hash256 out{};
  as_state(state_)->Final(out.data());
  return out;
}

}  // namespace credence::crypto
