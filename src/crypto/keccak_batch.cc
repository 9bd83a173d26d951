// keccak256_batch: four one-block Keccak-256 digests at a time, the four Keccak-f[1600] permutations running side by
// side in the four 64-bit lanes of AVX2 registers (GCC/Clang vector extensions, compiled for AVX2 in this file's
// one function and chosen at run time). The permutation is written from the Keccak reference (FIPS 202 section 3.2:
// theta, rho, pi, chi, iota; 24 rounds); hash_test.cc checks every digest against Crypto++'s keccak256 at every
// message length the batch path takes.
#include <cassert>
#include <cstdint>
#include <cstring>

#include "credence/crypto/hash.h"

namespace credence::crypto {

namespace {

constexpr std::size_t kRate = 136;  // Keccak-256: 1088-bit rate
constexpr std::size_t kLanes = 4;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CREDENCE_KECCAK_X4 1

typedef std::uint64_t Lanes4 __attribute__((vector_size(32)));  // NOLINT(modernize-use-using): attribute syntax

// Round constants and rotation offsets of Keccak-f[1600] (FIPS 202, algorithms 5 and 2); offsets by lane x + 5y.
constexpr std::uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
constexpr unsigned kRho[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                               25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
// pi moves lane (x, y) to (y, 2x + 3y): kPi[x + 5y] is the destination index.
constexpr unsigned kPi[25] = {0, 10, 20, 5, 15, 16, 1, 11, 21, 6, 7, 17, 2, 12, 22, 23, 8, 18, 3, 13, 14, 24, 9, 19, 4};

__attribute__((target("avx2"))) inline Lanes4 rotl(Lanes4 v, unsigned r) {
  return r == 0 ? v : (v << r) | (v >> (64 - r));
}

// The loops are unrolled so that every lane index and rotation is a constant (about 3x faster than rolled loops).
__attribute__((target("avx2"))) void permute_x4(Lanes4* a) {
  for (const std::uint64_t rc : kRoundConstants) {
    Lanes4 c[5];
#pragma GCC unroll 5
    for (unsigned x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];  // theta
#pragma GCC unroll 5
    for (unsigned x = 0; x < 5; ++x) {
      const Lanes4 d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
#pragma GCC unroll 5
      for (unsigned y = 0; y < 25; y += 5) a[x + y] ^= d;
    }
    Lanes4 b[25];
#pragma GCC unroll 25
    for (unsigned i = 0; i < 25; ++i) b[kPi[i]] = rotl(a[i], kRho[i]);  // rho and pi
#pragma GCC unroll 5
    for (unsigned y = 0; y < 25; y += 5) {
#pragma GCC unroll 5
      for (unsigned x = 0; x < 5; ++x) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);  // chi
    }
    a[0] ^= rc;  // iota
  }
}

// Up to four messages of at most kRate - 1 bytes; lanes without a message hash the empty string (discarded).
__attribute__((target("avx2"))) void keccak256_x4(const ByteView* messages, std::size_t count, Hash256* out) {
  unsigned char blocks[kLanes][kRate];
  std::memset(blocks, 0, sizeof blocks);
  for (std::size_t j = 0; j < kLanes; ++j) {
    const std::size_t n = j < count ? messages[j].size() : 0;
    if (n > 0) std::memcpy(blocks[j], messages[j].data(), n);
    blocks[j][n] ^= 0x01;  // original Keccak padding: 0x01 … 0x80
    blocks[j][kRate - 1] ^= 0x80;
  }
  Lanes4 a[25] = {};
  for (std::size_t i = 0; i < kRate / 8; ++i) {
    for (std::size_t j = 0; j < kLanes; ++j) {
      std::uint64_t w = 0;
      std::memcpy(&w, blocks[j] + 8 * i, 8);  // little-endian lanes (x86-64)
      a[i][j] = w;
    }
  }
  permute_x4(a);
  for (std::size_t j = 0; j < count; ++j) {
    for (std::size_t i = 0; i < 4; ++i) {
      const std::uint64_t w = a[i][j];
      std::memcpy(out[j].data() + 8 * i, &w, 8);
    }
  }
}

bool have_avx2() {
  static const bool kHave = __builtin_cpu_supports("avx2") != 0;
  return kHave;
}
#endif

}  // namespace

void keccak256_batch(std::span<const ByteView> messages, std::span<Hash256> digests) {
  assert(messages.size() == digests.size());
  std::size_t i = 0;
#ifdef CREDENCE_KECCAK_X4
  if (have_avx2()) {
    // Groups of up to four consecutive one-block messages; a longer message goes alone through keccak256.
    while (i < messages.size()) {
      std::size_t n = 0;
      while (n < kLanes && i + n < messages.size() && messages[i + n].size() < kRate) ++n;
      if (n == 0) {
        digests[i] = keccak256(messages[i]);
        ++i;
        continue;
      }
      keccak256_x4(messages.data() + i, n, digests.data() + i);
      i += n;
    }
    return;
  }
#endif
  for (; i < messages.size(); ++i) digests[i] = keccak256(messages[i]);
}

}  // namespace credence::crypto
