#include "credence/crypto/secp256k1.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <cstring>

#include "credence/crypto/hash.h"

namespace credence::crypto::secp256k1 {

namespace {

static_assert(sizeof(secp256k1_pubkey) == 64);

// One context for the process, created on first use (thread-safe static init) and randomized once as side-channel
// hardening for signing. libsecp256k1 contexts are safe to share for concurrent read-only use.
const secp256k1_context* context() {
  static secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    SystemRandom random;
    auto seed = random.bytes<32>();
    // Randomization only hardens against side channels; a failure leaves a working, unblinded context.
    [[maybe_unused]] const int randomized = secp256k1_context_randomize(c, seed.data());
    secure_wipe(seed);
    return c;
  }();
  return ctx;
}

secp256k1_pubkey* as_pubkey(FixedBytes<64>& b) { return reinterpret_cast<secp256k1_pubkey*>(b.data()); }  // NOLINT
const secp256k1_pubkey* as_pubkey(const FixedBytes<64>& b) {
  return reinterpret_cast<const secp256k1_pubkey*>(b.data());  // NOLINT
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

FixedBytes<65> RecoverableSignature::to_bytes() const {
  FixedBytes<65> out{};
  std::memcpy(out.data(), r.data(), 32);
  std::memcpy(out.data() + 32, s.data(), 32);
  out[64] = static_cast<std::uint8_t>(27 + recovery_id);
  return out;
}

Result<RecoverableSignature> RecoverableSignature::parse(FixedView<65> bytes) {
  RecoverableSignature sig;
  std::memcpy(sig.r.data(), bytes.data(), 32);
  std::memcpy(sig.s.data(), bytes.data() + 32, 32);
  const std::uint8_t v = bytes[64];
  if (v == 0 || v == 1) {
    sig.recovery_id = v;
  } else if (v == 27 || v == 28) {
    sig.recovery_id = static_cast<std::uint8_t>(v - 27);
  } else {
    return Status::invalid("bad_recovery_id", "v must be 0, 1, 27 or 28, got " + std::to_string(v));
  }
  return sig;
}

Result<PublicKey> PublicKey::parse(ByteView sec1) {
  PublicKey key;
  if ((sec1.size() != 33 && sec1.size() != 65) ||
      secp256k1_ec_pubkey_parse(context(), as_pubkey(key.opaque_), sec1.data(), sec1.size()) != 1) {
    return Status::invalid("invalid_public_key", "not a 33- or 65-byte SEC1 point on secp256k1");
  }
  return key;
}

FixedBytes<65> PublicKey::uncompressed() const {
  FixedBytes<65> out{};
  size_t len = out.size();
  secp256k1_ec_pubkey_serialize(context(), out.data(), &len, as_pubkey(opaque_), SECP256K1_EC_UNCOMPRESSED);
  return out;
}

FixedBytes<33> PublicKey::compressed() const {
  FixedBytes<33> out{};
  size_t len = out.size();
  secp256k1_ec_pubkey_serialize(context(), out.data(), &len, as_pubkey(opaque_), SECP256K1_EC_COMPRESSED);
  return out;
}

Address PublicKey::address() const {
  const auto full = uncompressed();
  const Hash256 h = keccak256(ByteView(full).subspan(1));  // drop the 0x04 prefix
  Address a{};
  std::memcpy(a.data(), h.data() + 12, 20);
  return a;
}

Result<PrivateKey> PrivateKey::from_bytes(FixedView<32> bytes) {
  if (secp256k1_ec_seckey_verify(context(), bytes.data()) != 1) {
    return Status::invalid("invalid_private_key", "zero or not below the group order");
  }
  return PrivateKey(Secret<32>(bytes));
}

PrivateKey PrivateKey::generate(RandomSource& random) {
  // A random 32-byte string is >= n with probability ~2^-128; draw again in that case.
  for (;;) {
    Secret<32> candidate;
    random.fill(candidate.mutable_view());
    if (secp256k1_ec_seckey_verify(context(), candidate.view().data()) == 1) return PrivateKey(std::move(candidate));
  }
}

PublicKey PrivateKey::public_key() const {
  PublicKey key;
  // Cannot fail: the secret was verified on construction.
  [[maybe_unused]] const int created =
      secp256k1_ec_pubkey_create(context(), as_pubkey(key.opaque_), secret_.view().data());
  return key;
}

RecoverableSignature PrivateKey::sign_digest(FixedView<32> digest) const {
  secp256k1_ecdsa_recoverable_signature rsig;
  // nullptr nonce function = RFC 6979; libsecp256k1 always emits low-S.
  [[maybe_unused]] const int signed_ok =
      secp256k1_ecdsa_sign_recoverable(context(), &rsig, digest.data(), secret_.view().data(), nullptr, nullptr);
  FixedBytes<64> compact{};
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact.data(), &recid, &rsig);
  RecoverableSignature out;
  std::memcpy(out.r.data(), compact.data(), 32);
  std::memcpy(out.s.data(), compact.data() + 32, 32);
  out.recovery_id = static_cast<std::uint8_t>(recid);
  return out;
}

Status verify_digest(const PublicKey& key, FixedView<32> digest, FixedView<64> signature) {
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ecdsa_signature_parse_compact(context(), &sig, signature.data()) != 1) {
    return Status::invalid("bad_signature", "r or s not below the group order");
  }
  secp256k1_ecdsa_signature normalized;
  if (secp256k1_ecdsa_signature_normalize(context(), &normalized, &sig) == 1) {
    return Status::invalid("high_s", "s is above n/2 (malleable form)");
  }
  if (secp256k1_ecdsa_verify(context(), &sig, digest.data(), as_pubkey(key.opaque_)) != 1) {
    return Status::invalid("bad_signature");
  }
  return Status::ok();
}

Result<PublicKey> recover(FixedView<32> digest, const RecoverableSignature& signature) {
  if (signature.recovery_id > 1) return Status::invalid("bad_recovery_id");
  FixedBytes<64> compact{};
  std::memcpy(compact.data(), signature.r.data(), 32);
  std::memcpy(compact.data() + 32, signature.s.data(), 32);
  secp256k1_ecdsa_recoverable_signature rsig;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &rsig, compact.data(),
                                                           signature.recovery_id) != 1) {
    return Status::invalid("bad_signature", "r or s not below the group order");
  }
  secp256k1_ecdsa_signature plain;
  secp256k1_ecdsa_signature normalized;
  secp256k1_ecdsa_recoverable_signature_convert(context(), &plain, &rsig);
  if (secp256k1_ecdsa_signature_normalize(context(), &normalized, &plain) == 1) {
    return Status::invalid("high_s", "s is above n/2 (malleable form)");
  }
  PublicKey key;
  if (secp256k1_ecdsa_recover(context(), as_pubkey(key.opaque_), &rsig, digest.data()) != 1) {
    return Status::invalid("bad_signature", "no public key recovers from this signature");
  }
  return key;
}

std::string eip55_encode(const Address& address) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string lower;
  lower.reserve(40);
  for (std::uint8_t b : address) {
    lower.push_back(kDigits[b >> 4]);
    lower.push_back(kDigits[b & 0xf]);
  }
  // EIP-55: uppercase the i-th letter iff the i-th nibble of keccak256(lowercase hex text) is >= 8.
  const Hash256 h = keccak256(as_bytes(lower));
  std::string out = "0x";
  for (std::size_t i = 0; i < 40; ++i) {
    const std::uint8_t nibble = (i % 2 == 0) ? static_cast<std::uint8_t>(h[i / 2] >> 4) : (h[i / 2] & 0xf);
    char c = lower[i];
    if (c >= 'a' && nibble >= 8) c = static_cast<char>(c - 'a' + 'A');
    out.push_back(c);
  }
  return out;
}

Result<Address> parse_address(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return Status::invalid("bad_address", "expected 0x followed by 40 hex digits");
  }
  const std::string_view digits = text.substr(2);
  Address a{};
  bool has_lower = false;
  bool has_upper = false;
  for (std::size_t i = 0; i < 40; ++i) {
    const char c = digits[i];
    const int v = hex_value(c);
    if (v < 0) return Status::invalid("bad_address", "not a hex digit at position " + std::to_string(i + 2));
    has_lower |= (c >= 'a' && c <= 'f');
    has_upper |= (c >= 'A' && c <= 'F');
    a[i / 2] = static_cast<std::uint8_t>(a[i / 2] | (v << ((i % 2 == 0) ? 4 : 0)));
  }
  if (has_lower && has_upper && eip55_encode(a).substr(2) != digits) {
    return Status::invalid("bad_checksum", "mixed-case address does not match its EIP-55 checksum");
  }
  return a;
}

}  // namespace credence::crypto::secp256k1
