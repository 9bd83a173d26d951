// secp256k1 ECDSA with public-key recovery (libsecp256k1), Ethereum addresses and EIP-55 checksums.
//
// Rules (docs/crypto.md "secp256k1"):
// - Signing is deterministic (RFC 6979) and always produces low-S signatures (s <= n/2).
// - Verification and recovery REJECT high-S signatures (invalid("high_s")): one signature per (key, digest), so a
//   signature cannot be malleated into a second valid one.
// - The 65-byte wire form is r || s || v, v in {27, 28} on output; {0, 1, 27, 28} accepted on input.
// - Functions take a 32-byte digest; what is hashed into it (keccak256, EIP-191, EIP-712) is the caller's choice.
// PrivateKey wipes itself and is not copyable. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "credence/bytes.h"
#include "credence/crypto/memory.h"
#include "credence/crypto/random.h"
#include "credence/status.h"

namespace credence::crypto::secp256k1 {

using Address = FixedBytes<20>;

struct RecoverableSignature {
  FixedBytes<32> r{};
  FixedBytes<32> s{};
  std::uint8_t recovery_id = 0;  // 0 or 1

  // r || s || (27 + recovery_id).
  [[nodiscard]] FixedBytes<65> to_bytes() const;
  // Accepts v in {0, 1, 27, 28}; anything else is invalid("bad_recovery_id"). Does not check r, s.
  static Result<RecoverableSignature> parse(FixedView<65> bytes);
  friend bool operator==(const RecoverableSignature&, const RecoverableSignature&) = default;
};

class PublicKey {
 public:
  // 33-byte compressed or 65-byte uncompressed SEC1 encoding; invalid("invalid_public_key") otherwise.
  static Result<PublicKey> parse(ByteView sec1);
  [[nodiscard]] FixedBytes<65> uncompressed() const;
  [[nodiscard]] FixedBytes<33> compressed() const;
  // Ethereum address: the last 20 bytes of keccak256(x || y).
  [[nodiscard]] Address address() const;
  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.uncompressed() == b.uncompressed(); }

 private:
  PublicKey() = default;
  FixedBytes<64> opaque_{};  // libsecp256k1's secp256k1_pubkey
  friend class PrivateKey;
  friend Result<PublicKey> recover(FixedView<32> digest, const RecoverableSignature& signature);
  friend Status verify_digest(const PublicKey& key, FixedView<32> digest, FixedView<64> signature);
};

class PrivateKey {
 public:
  // invalid("invalid_private_key") if the scalar is zero or not below the group order n.
  static Result<PrivateKey> from_bytes(FixedView<32> bytes);
  static PrivateKey generate(RandomSource& random);

  [[nodiscard]] FixedView<32> bytes() const { return secret_.view(); }
  [[nodiscard]] PublicKey public_key() const;
  [[nodiscard]] RecoverableSignature sign_digest(FixedView<32> digest) const;

 private:
  explicit PrivateKey(Secret<32> secret) : secret_(std::move(secret)) {}
  Secret<32> secret_;
};

// Verifies a 64-byte r || s signature: invalid("high_s") or invalid("bad_signature").
Status verify_digest(const PublicKey& key, FixedView<32> digest, FixedView<64> signature);

// Recovers the signer's key: invalid("high_s") or invalid("bad_signature") when no key can be recovered.
Result<PublicKey> recover(FixedView<32> digest, const RecoverableSignature& signature);

// "0x" + EIP-55 mixed-case checksum encoding.
std::string eip55_encode(const Address& address);

// Parses "0x" + 40 hex digits. All-lowercase or all-uppercase digits are accepted as unchecksummed; mixed case
// must match the EIP-55 checksum (invalid("bad_checksum")). Anything else is invalid("bad_address").
Result<Address> parse_address(std::string_view text);

}  // namespace credence::crypto::secp256k1
