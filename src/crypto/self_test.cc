#include "credence/crypto/self_test.h"

#include <sodium.h>

#include <mutex>

#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/secp256k1.h"

namespace credence::crypto {

namespace {

Status fail(const char* what) { return Status::error("crypto_self_test_failed", what); }

template <std::size_t N>
bool equals(const FixedBytes<N>& got, const FixedBytes<N>& want) {
  return got == want;
}

}  // namespace

Status run_self_test() {
  // libsodium test/default/core_ed25519.c `not_main_subgroup_p`: 0x95 then 31 x 0x99. On the curve, not in the
  // prime-order subgroup; unpatched 1.0.18 (CVE-2025-69277) accepts it.
  FixedBytes<32> not_main_subgroup{};
  not_main_subgroup.fill(0x99);
  not_main_subgroup[0] = 0x95;
  if (ed25519::is_valid_point(not_main_subgroup)) {
    return fail("libsodium accepts a point outside the prime-order subgroup (CVE-2025-69277): upgrade libsodium");
  }
  FixedBytes<32> identity{};
  identity[0] = 0x01;
  if (ed25519::is_valid_point(identity)) return fail("libsodium accepts the identity point");
  // (0, -1)... the point of order 2 (y = -1 = p - 1): ec ff .. ff 7f.
  FixedBytes<32> order_two{};
  order_two.fill(0xff);
  order_two[0] = 0xec;
  order_two[31] = 0x7f;
  if (ed25519::is_valid_point(order_two)) return fail("libsodium accepts a small-order point");

  // RFC 8032 §7.1 TEST 1.
  constexpr FixedBytes<32> kSeed = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
                                    0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
                                    0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
  constexpr FixedBytes<32> kPublic = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe,
                                      0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6,
                                      0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
  constexpr FixedBytes<8> kSigPrefix = {0xe5, 0x56, 0x43, 0x00, 0xc3, 0x60, 0xac, 0x72};
  const auto key = ed25519::SecretKey::from_seed(kSeed);
  if (!equals(key.public_key().bytes(), kPublic)) return fail("Ed25519 key derivation known answer");
  auto sig = key.sign({});
  for (std::size_t i = 0; i < kSigPrefix.size(); ++i) {
    if (sig[i] != kSigPrefix[i]) return fail("Ed25519 signature known answer");
  }
  if (!ed25519::verify(key.public_key(), {}, sig).is_ok()) return fail("Ed25519 rejects a valid signature");
  sig[0] ^= 1;
  if (ed25519::verify(key.public_key(), {}, sig).is_ok()) return fail("Ed25519 accepts a forged signature");

  // keccak256("") — a SHA3-256 implementation gives a7ffc6f8... instead.
  constexpr FixedBytes<4> kKeccakEmpty = {0xc5, 0xd2, 0x46, 0x01};
  const Hash256 k = keccak256({});
  for (std::size_t i = 0; i < kKeccakEmpty.size(); ++i) {
    if (k[i] != kKeccakEmpty[i]) return fail("Keccak-256 known answer (is it SHA3-256?)");
  }
  constexpr FixedBytes<4> kSha256Empty = {0xe3, 0xb0, 0xc4, 0x42};
  const Hash256 s = sha256({});
  for (std::size_t i = 0; i < kSha256Empty.size(); ++i) {
    if (s[i] != kSha256Empty[i]) return fail("SHA-256 known answer");
  }

  // secp256k1 private key 1 -> address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
  FixedBytes<32> one{};
  one[31] = 1;
  auto priv = secp256k1::PrivateKey::from_bytes(one);
  if (!priv) return fail("secp256k1 rejects private key 1");
  if (secp256k1::eip55_encode(priv->public_key().address()) != "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf") {
    return fail("secp256k1 address derivation known answer");
  }
  return Status::ok();
}

Status initialize() {
  static std::once_flag once;
  static Status result;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      result = Status::error("crypto_self_test_failed", "libsodium failed to initialise");
      return;
    }
    result = run_self_test();
  });
  return result;
}

}  // namespace credence::crypto
