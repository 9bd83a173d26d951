// Hash functions: SHA-256 (Crypto++, which uses the CPU's SHA extensions when it has them), SHA-512 and HMAC-SHA-256
// (libsodium), Keccak-256 (Crypto++; batches of short messages through our own four-lane AVX2 permutation).
//
// Keccak-256 is the ORIGINAL Keccak submission padding (0x01 ... 0x80) that Ethereum calls keccak256 — not the
// standardised SHA3-256 (padding 0x06), whose digests differ. All functions are pure, thread-safe, allocation-free
// and cannot fail. The incremental Sha256 is for hashing data that arrives in pieces (domain tag, then fields).
#pragma once

#include <cstddef>
#include <span>

#include "credence/bytes.h"

namespace credence::crypto {

[[nodiscard]] Hash256 sha256(ByteView data);
// sha256(tag || a || b) for the 65-byte preimages of Merkle nodes, through the block transform directly (no hash
// object, fixed padding): the same digest, about a fifth cheaper per call.
[[nodiscard]] Hash256 sha256_pair(std::uint8_t tag, FixedView<32> a, FixedView<32> b);
[[nodiscard]] Hash512 sha512(ByteView data);
[[nodiscard]] Hash256 keccak256(ByteView data);
// digests[i] = keccak256(messages[i]) for every i (the spans have equal length, asserted). Messages shorter than one
// Keccak-256 block (136 bytes) — Merkle nodes, leaves of static types — are hashed four at a time with AVX2 when the
// CPU has it, about twice the throughput of separate calls; longer ones, or all of them on other CPUs, go through
// keccak256. Allocation-free.
void keccak256_batch(std::span<const ByteView> messages, std::span<Hash256> digests);
// HMAC-SHA-256 (RFC 2104) with a key of any length.
[[nodiscard]] Hash256 hmac_sha256(ByteView key, ByteView data);

// Incremental SHA-256. Not copyable (its state may hold secret-derived data); wiped on destruction.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(ByteView data);
  [[nodiscard]] Hash256 finish();  // the object must not be updated afterwards

 private:
  // Holds a CryptoPP::SHA256 constructed in place (216 bytes on x86-64; checked in hash.cc), so that this header
  // does not expose Crypto++.
  static constexpr std::size_t kStateBytes = 256;
  alignas(16) unsigned char state_[kStateBytes];
};

}  // namespace credence::crypto
