#include "credence/crypto/hash.h"

#include <cryptopp/keccak.h>
#include <sodium.h>

#include <cstring>

namespace credence::crypto {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256::state_ too small");

Hash256 sha256(ByteView data) {
  Hash256 out{};
  crypto_hash_sha256(out.data(), data.data(), data.size());
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
crypto_hash_sha256_state* as_state(unsigned char* p) {
  return reinterpret_cast<crypto_hash_sha256_state*>(p);  // NOLINT: storage sized and aligned for it
}
}  // namespace

Sha256::Sha256() { crypto_hash_sha256_init(as_state(state_)); }
Sha256::~Sha256() { sodium_memzero(state_, sizeof state_); }

Sha256& Sha256::update(ByteView data) {
  crypto_hash_sha256_update(as_state(state_), data.data(), data.size());
  return *this;
}

Hash256 Sha256::finish() {
  Hash256 out{};
  crypto_hash_sha256_final(as_state(state_), out.data());
  return out;
}

}  // namespace credence::crypto
