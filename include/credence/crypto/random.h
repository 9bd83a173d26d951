// Randomness behind an injectable interface.
//
// Code that needs randomness takes a `RandomSource&`; it never calls a global generator. The node passes
// SystemRandom (the OS CSPRNG through libsodium); tests and the stress lab pass DeterministicRandom so that a seed
// replays a run exactly. Neither class is thread-safe; give each thread its own source.
#pragma once

#include <cstdint>
#include <span>

#include "credence/bytes.h"

namespace credence::crypto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with random bytes. Cannot fail (a broken OS RNG aborts inside libsodium).
  virtual void fill(std::span<std::uint8_t> out) = 0;

  template <std::size_t N>
  FixedBytes<N> bytes() {
    FixedBytes<N> b{};
    fill(b);
    return b;
  }
};

// The operating system's CSPRNG (libsodium randombytes_buf).
class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// A reproducible stream: ChaCha20 keyed by a 32-byte seed, with a block counter so successive calls continue the
// stream. FOR TESTS AND SIMULATION ONLY — anyone who knows the seed knows every key it produces.
class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(FixedView<32> seed);
  explicit DeterministicRandom(std::uint64_t seed);  // seed expanded with SHA-256 of its 8 big-endian bytes
  ~DeterministicRandom() override;
  DeterministicRandom(const DeterministicRandom&) = delete;
  DeterministicRandom& operator=(const DeterministicRandom&) = delete;

  void fill(std::span<std::uint8_t> out) override;

 private:
  FixedBytes<32> key_{};
  std::uint64_t counter_ = 0;  // 64-byte blocks consumed so far
};

}  // namespace credence::crypto
