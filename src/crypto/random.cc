#include "credence/crypto/random.h"

#include <sodium.h>

#include "credence/crypto/hash.h"

namespace credence::crypto {

void SystemRandom::fill(std::span<std::uint8_t> out) { randombytes_buf(out.data(), out.size()); }

DeterministicRandom::DeterministicRandom(FixedView<32> seed) {
  for (std::size_t i = 0; i < 32; ++i) key_[i] = seed[i];
}

DeterministicRandom::DeterministicRandom(std::uint64_t seed) {
  FixedBytes<8> be{};
  for (int i = 0; i < 8; ++i) be[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(seed >> (56 - 8 * i));
  key_ = sha256(be);
}

DeterministicRandom::~DeterministicRandom() { sodium_memzero(key_.data(), key_.size()); }

void DeterministicRandom::fill(std::span<std::uint8_t> out) {
  // Each call starts at a fresh 64-byte block so the stream never repeats; the unused tail of the last block is
  // dropped. Original ChaCha20 (64-bit block counter, so it never wraps) with a zero nonce: the key is per-instance.
  static constexpr FixedBytes<crypto_stream_chacha20_NONCEBYTES> kNonce{};
  if (out.empty()) return;
  const std::size_t blocks = (out.size() + 63) / 64;
  sodium_memzero(out.data(), out.size());
  crypto_stream_chacha20_xor_ic(out.data(), out.data(), out.size(), kNonce.data(), counter_, key_.data());
  counter_ += blocks;
}

}  // namespace credence::crypto
