#include "group.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "credence/crypto/memory.h"

namespace credence::threshold::group {

bool is_identity(Suite suite, FixedView<32> e) {
  const Element id = identity(suite);
  return std::equal(e.begin(), e.end(), id.begin());
}

Element identity(Suite suite) {
  Element e{};
  if (suite == Suite::ed25519) e[0] = 1;  // (x, y) = (0, 1)
  return e;
}

namespace {

// Encodings that recently passed the Ed25519 check, per thread. The check costs a multiplication by L (≈ 45 µs), and
// one signing validates the same commitments several times over: the decoder, the coordinator's commitment check,
// then the package preparation (coordinator) or sign() (member). Validity is a pure function of the 32 bytes, so
// remembering positive answers changes no result — only their cost. Direct-mapped, never shared between threads.
class ValidPointMemo {
 public:
  bool contains(FixedView<32> e) const {
    const Slot& s = slots_[slot_of(e)];
    return s.used && std::equal(e.begin(), e.end(), s.encoding.begin());
  }
  void add(FixedView<32> e) {
    Slot& s = slots_[slot_of(e)];
    std::copy(e.begin(), e.end(), s.encoding.begin());
    s.used = true;
  }

 private:
  static constexpr std::size_t kSlots = 128;
  // The low bits of y: uniform for honest points; a crafted collision only evicts, it never makes a point valid.
  static std::size_t slot_of(FixedView<32> e) { return std::size_t{e[0]} % kSlots; }
  struct Slot {
    Element encoding{};
    bool used = false;
  };
  std::array<Slot, kSlots> slots_{};
};

}  // namespace

bool is_valid_element(Suite suite, FixedView<32> e) {
  if (suite == Suite::ed25519) {
    thread_local ValidPointMemo memo;
    if (memo.contains(e)) return true;
    // Canonical, on the curve, in the prime-order subgroup, not of small order (so never the identity).
    if (crypto_core_ed25519_is_valid_point(e.data()) != 1) return false;
    memo.add(e);
    return true;
  }
  // libsodium accepts the ristretto identity (all zeros) as valid: reject it explicitly.
  return crypto_core_ristretto255_is_valid_point(e.data()) == 1 && !is_identity(suite, e);
}

bool is_canonical_scalar(FixedView<32> s) {
  // s < L iff reducing (s ‖ 0^32) leaves it unchanged.
  unsigned char wide[64] = {};
  std::copy(s.begin(), s.end(), wide);
  unsigned char reduced[32];
  crypto_core_ed25519_scalar_reduce(reduced, wide);
  const bool same = sodium_memcmp(reduced, s.data(), 32) == 0;
  sodium_memzero(wide, sizeof wide);
  sodium_memzero(reduced, sizeof reduced);
  return same;
}

bool base_mult(Suite suite, FixedView<32> s, std::span<std::uint8_t, 32> out) {
  // Both calls mask bit 255 and return −1 for a zero result; our scalars are always reduced.
  if (suite == Suite::ed25519) return crypto_scalarmult_ed25519_base_noclamp(out.data(), s.data()) == 0;
  return crypto_scalarmult_ristretto255_base(out.data(), s.data()) == 0;
}

bool mult(Suite suite, FixedView<32> s, FixedView<32> p, std::span<std::uint8_t, 32> out) {
  if (suite == Suite::ed25519) return crypto_scalarmult_ed25519_noclamp(out.data(), s.data(), p.data()) == 0;
  return crypto_scalarmult_ristretto255(out.data(), s.data(), p.data()) == 0;
}

bool add(Suite suite, FixedView<32> p, FixedView<32> q, std::span<std::uint8_t, 32> out) {
  if (suite == Suite::ed25519) return crypto_core_ed25519_add(out.data(), p.data(), q.data()) == 0;
  return crypto_core_ristretto255_add(out.data(), p.data(), q.data()) == 0;
}

bool sub(Suite suite, FixedView<32> p, FixedView<32> q, std::span<std::uint8_t, 32> out) {
  if (suite == Suite::ed25519) return crypto_core_ed25519_sub(out.data(), p.data(), q.data()) == 0;
  return crypto_core_ristretto255_sub(out.data(), p.data(), q.data()) == 0;
}

void scalar_add(FixedView<32> a, FixedView<32> b, std::span<std::uint8_t, 32> out) {
  crypto_core_ed25519_scalar_add(out.data(), a.data(), b.data());
}
void scalar_sub(FixedView<32> a, FixedView<32> b, std::span<std::uint8_t, 32> out) {
  crypto_core_ed25519_scalar_sub(out.data(), a.data(), b.data());
}
void scalar_mul(FixedView<32> a, FixedView<32> b, std::span<std::uint8_t, 32> out) {
  crypto_core_ed25519_scalar_mul(out.data(), a.data(), b.data());
}
bool scalar_invert(FixedView<32> a, std::span<std::uint8_t, 32> out) {
  if (scalar_is_zero(a)) return false;
  return crypto_core_ed25519_scalar_invert(out.data(), a.data()) == 0;
}
bool scalar_is_zero(FixedView<32> a) {
  return sodium_is_zero(a.data(), 32) == 1;
}

void scalar_reduce64(FixedView<64> wide, std::span<std::uint8_t, 32> out) {
  crypto_core_ed25519_scalar_reduce(out.data(), wide.data());
}

Hash512 hash_wide(const HashInput& h, std::span<const ByteView> parts) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  if (h.with_context) {
    const std::string_view ctx = context_string(h.suite);
    crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(ctx.data()), ctx.size());      // NOLINT
    crypto_hash_sha512_update(&st, reinterpret_cast<const unsigned char*>(h.tag.data()), h.tag.size());  // NOLINT
  }
  for (const ByteView part : parts) crypto_hash_sha512_update(&st, part.data(), part.size());
  Hash512 digest{};
  crypto_hash_sha512_final(&st, digest.data());
  sodium_memzero(&st, sizeof st);  // the state may have absorbed a secret (nonce derivation)
  return digest;
}

void hash_to_scalar(const HashInput& h, std::span<const ByteView> parts, std::span<std::uint8_t, 32> out) {
  Hash512 digest = hash_wide(h, parts);
  scalar_reduce64(digest, out);
  crypto::secure_wipe(digest);
}

}  // namespace credence::threshold::group
