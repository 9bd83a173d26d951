#include "credence/crypto/p256.h"

#include "credence/crypto/hash.h"

#include <cryptopp/cryptlib.h>
#include <cryptopp/eccrypto.h>
#include <cryptopp/integer.h>
#include <cryptopp/nbtheory.h>
#include <cryptopp/oids.h>
#include <cryptopp/sha.h>

#include <cassert>
#include <cstring>

namespace credence::crypto::p256 {

namespace {

using CryptoPP::ECP;
using CryptoPP::Integer;
using Group = CryptoPP::DL_GroupParameters_EC<ECP>;

// Crypto++ group parameters cache precomputations in mutable members, so each thread gets its own copy, with the
// fixed-base table for the generator built once (it makes u1·G in verification and key derivation cheap).
const Group& group() {
  thread_local const Group g = [] {
    Group params(CryptoPP::ASN1::secp256r1());
    params.Precompute(16);
    return params;
  }();
  return g;
}

Integer to_integer(ByteView bytes) { return Integer(bytes.data(), bytes.size()); }

FixedBytes<32> to_bytes32(const Integer& v) {
  FixedBytes<32> out{};
  v.Encode(out.data(), out.size());
  return out;
}

}  // namespace

Result<PublicKey> PublicKey::from_coordinates(FixedView<kCoordinateSize> x, FixedView<kCoordinateSize> y) {
  try {
    const ECP::Point point(to_integer(x), to_integer(y));
    // VerifyPoint checks 0 <= x, y < p and the curve equation; cofactor 1 makes that membership in the group.
    if (!group().GetCurve().VerifyPoint(point)) {
      return Status::invalid("invalid_public_key", "not a point on P-256");
    }
  } catch (const CryptoPP::Exception& e) {
    return Status::error("crypto_failure", e.what());
  }
  PublicKey key;
  std::memcpy(key.x_.data(), x.data(), kCoordinateSize);
  std::memcpy(key.y_.data(), y.data(), kCoordinateSize);
  return key;
}

Result<PublicKey> PublicKey::parse_uncompressed(ByteView sec1) {
  if (sec1.size() != 65 || sec1[0] != 0x04) {
    return Status::invalid("invalid_public_key", "expected 65 bytes 0x04 || x || y");
  }
  return from_coordinates(FixedView<32>(sec1.data() + 1, 32), FixedView<32>(sec1.data() + 33, 32));
}

FixedBytes<65> PublicKey::uncompressed() const {
  FixedBytes<65> out{};
  out[0] = 0x04;
  std::memcpy(out.data() + 1, x_.data(), 32);
  std::memcpy(out.data() + 33, y_.data(), 32);
  return out;
}

Result<PrivateKey> PrivateKey::from_bytes(FixedView<32> scalar) {
  try {
    const Integer k = to_integer(scalar);
    if (k.IsZero() || k >= group().GetSubgroupOrder()) {
      return Status::invalid("invalid_private_key", "the scalar must be in [1, n-1]");
    }
    const ECP::Point q = group().ExponentiateBase(k);
    const auto x = to_bytes32(q.x);
    const auto y = to_bytes32(q.y);
    auto pub = PublicKey::from_coordinates(x, y);
    if (!pub) return pub.status();
    return PrivateKey(Secret<32>(scalar), *pub);
  } catch (const CryptoPP::Exception& e) {
    return Status::error("crypto_failure", e.what());
  }
}

PrivateKey PrivateKey::generate(RandomSource& random) {
  for (;;) {
    Secret<32> candidate;
    random.fill(candidate.mutable_view());
    auto key = from_bytes(candidate.view());
    if (key) return std::move(*key);  // fails only for 0 or >= n: probability about 2^-32
  }
}

Signature PrivateKey::sign(ByteView message) const {
  Signature out{};
  try {
    CryptoPP::ECDSA_RFC6979<ECP, CryptoPP::SHA256>::PrivateKey key;
    key.Initialize(group(), to_integer(secret_.view()));
    CryptoPP::ECDSA_RFC6979<ECP, CryptoPP::SHA256>::Signer signer(key);
    // RFC 6979 derives the nonce from the key and the message: the generator is never asked for bytes.
    const std::size_t n = signer.SignMessage(CryptoPP::NullRNG(), message.data(), message.size(), out.data());
    assert(n == kSignatureSize && "P-256 signatures are 64 bytes");
    (void)n;
  } catch (const CryptoPP::Exception&) {
    assert(false && "signing with a validated key cannot fail");
  }
  return out;
}

// ECDSA verification (SEC 1 §4.1.4) on Crypto++'s group arithmetic: r, s in [1, n-1]; e = SHA-256(message) (256
// bits, the size of n, so no truncation); R = (e/s)·G + (r/s)·Q must not be the point at infinity and R.x mod n = r.
// Written out rather than through Crypto++'s Verifier object, whose per-call construction copies the group
// parameters and costs about as much again as the arithmetic.
Status verify(const PublicKey& key, ByteView message, FixedView<kSignatureSize> signature) {
  const Status bad = Status::invalid("bad_signature", "ES256 signature does not verify");
  try {
    const Group& g = group();
    const Integer& n = g.GetSubgroupOrder();
    const Integer r(signature.data(), 32);
    const Integer s(signature.data() + 32, 32);
    if (r.IsZero() || s.IsZero() || r >= n || s >= n) return bad;
    const Hash256 digest = sha256(message);
    const Integer e(digest.data(), digest.size());
    const Integer w = s.InverseMod(n);
    const Integer u1 = a_times_b_mod_c(e, w, n);
    const Integer u2 = a_times_b_mod_c(r, w, n);
    const ECP::Point q(to_integer(key.x()), to_integer(key.y()));
    const ECP::Point point = g.GetCurve().Add(g.ExponentiateBase(u1), g.ExponentiateElement(q, u2));
    if (point.identity || point.x % n != r) return bad;
    return Status::ok();
  } catch (const CryptoPP::Exception& e) {
    return Status::error("crypto_failure", e.what());
  }
}

}  // namespace credence::crypto::p256
