// SHA-256 of a 65-byte "tag || a || b" preimage (a Merkle node) through Crypto++'s block transform.
//
// The general sha256() pays for a hash object on every call (its set-up, buffering and padding): about a fifth of a
// node hash with SHA-NI. A 65-byte message always pads to the same two blocks, so they are laid out here directly —
// block 1 is the tag, a and the first 31 bytes of b; block 2 is b's last byte, the 0x80 terminator, zeros and the bit
// length 520 — and each goes through SHA256::Transform, which dispatches to SHA-NI (or ARMv8 SHA2) like the object
// does. The digest is SHA-256 itself (checked against sha256() by crypto_test).
#include <cryptopp/sha.h>

#include <cstddef>
#include <cstring>

#include "credence/crypto/hash.h"

namespace credence::crypto {

namespace {

using Word = CryptoPP::word32;

Word load_be32(const std::uint8_t* p) {
  return (Word{p[0]} << 24) | (Word{p[1]} << 16) | (Word{p[2]} << 8) | Word{p[3]};
}

}  // namespace

Hash256 sha256_pair(std::uint8_t tag, FixedView<32> a, FixedView<32> b) {
  // Transform takes the message as host-order words (already read big-endian) and, on x86, 16-byte-aligned buffers.
  alignas(16) Word state[8];
  alignas(16) Word block[16];
  CryptoPP::SHA256::InitState(state);

  std::uint8_t bytes[64];
  bytes[0] = tag;
  std::memcpy(bytes + 1, a.data(), 32);
  std::memcpy(bytes + 33, b.data(), 31);
  for (std::size_t i = 0; i < 16; ++i) block[i] = load_be32(bytes + 4 * i);
  CryptoPP::SHA256::Transform(state, block);

  block[0] = (Word{b[31]} << 24) | 0x00800000u;
  for (std::size_t i = 1; i < 15; ++i) block[i] = 0;
  block[15] = 65 * 8;  // the message length in bits (the high word, block[14], is zero)
  CryptoPP::SHA256::Transform(state, block);

  Hash256 out;
  for (std::size_t i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(state[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(state[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(state[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(state[i]);
  }
  return out;
}

}  // namespace credence::crypto
