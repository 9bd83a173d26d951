// Private: the prime-order group and scalar field of a FROST suite over libsodium's low-level API.
//
// Every function takes and returns 32-byte encodings. The libsodium traps (REFERENCES/docs/threshold.md "libsodium
// pitfalls") are handled here once: scalars passed to a multiplication are always reduced (< L, so bit 255 is never
// silently dropped); a multiplication whose result is the identity, or whose scalar is zero, fails instead of
// returning garbage; additions that produce the identity are reported (ed25519 returns 01 00…00, ristretto 00…00).
#pragma once

#include <cstdint>
#include <span>

#include "credence/bytes.h"
#include "credence/threshold/frost.h"

namespace credence::threshold::group {

// True iff `e` is a valid non-identity element of the suite's prime-order group (canonical encoding). Ed25519
// answers are remembered per thread (a small memo of valid encodings; see group.cc), which changes their cost only.
[[nodiscard]] bool is_valid_element(Suite suite, FixedView<32> e);
[[nodiscard]] bool is_identity(Suite suite, FixedView<32> e);
[[nodiscard]] bool is_canonical_scalar(FixedView<32> s);

// out = s·B. False if s ≡ 0 (the result would be the identity).
[[nodiscard]] bool base_mult(Suite suite, FixedView<32> s, std::span<std::uint8_t, 32> out);
// out = s·P for a valid P. False if the result is the identity or P is not a valid encoding.
[[nodiscard]] bool mult(Suite suite, FixedView<32> s, FixedView<32> p, std::span<std::uint8_t, 32> out);
// out = P + Q (either may be the identity). False if an input does not decode.
[[nodiscard]] bool add(Suite suite, FixedView<32> p, FixedView<32> q, std::span<std::uint8_t, 32> out);
[[nodiscard]] bool sub(Suite suite, FixedView<32> p, FixedView<32> q, std::span<std::uint8_t, 32> out);
// The identity's encoding.
[[nodiscard]] Element identity(Suite suite);

// Scalar field arithmetic mod L (libsodium crypto_core_ed25519_scalar_*; the two suites share L).
void scalar_add(FixedView<32> a, FixedView<32> b, std::span<std::uint8_t, 32> out);
void scalar_sub(FixedView<32> a, FixedView<32> b, std::span<std::uint8_t, 32> out);
void scalar_mul(FixedView<32> a, FixedView<32> b, std::span<std::uint8_t, 32> out);
// False for a ≡ 0 (libsodium returns −1 there).
[[nodiscard]] bool scalar_invert(FixedView<32> a, std::span<std::uint8_t, 32> out);
[[nodiscard]] bool scalar_is_zero(FixedView<32> a);
// Reduces 64 little-endian bytes mod L.
void scalar_reduce64(FixedView<64> wide, std::span<std::uint8_t, 32> out);

// H(ctx ‖ tag ‖ parts…) with SHA-512; the 64-byte digest (H4/H5) or reduced mod L (H1/H3/HDKG/H2-ristretto).
// H2 of the Ed25519 suite has no context: pass an empty tag and `with_context` = false.
struct HashInput {
  Suite suite;
  std::string_view tag;
  bool with_context = true;
};
[[nodiscard]] Hash512 hash_wide(const HashInput& h, std::span<const ByteView> parts);
void hash_to_scalar(const HashInput& h, std::span<const ByteView> parts, std::span<std::uint8_t, 32> out);

}  // namespace credence::threshold::group
