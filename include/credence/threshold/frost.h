// FROST threshold Schnorr signatures (RFC 9591) for two ciphersuites, on libsodium's low-level API:
//   Suite::ed25519       FROST(Ed25519, SHA-512)       — group signatures are plain RFC 8032 Ed25519 signatures;
//   Suite::ristretto255  FROST(ristretto255, SHA-512).
//
// The unit is a set of pure functions over typed values; there is no I/O, clock, thread or global randomness:
// nonces come from a crypto::RandomSource (or explicit bytes, for test vectors). Spec: docs/threshold.md.
//
// Encodings (RFC 9591 §6.1, §6.2): an element is its 32-byte compressed encoding, a scalar 32 bytes little-endian,
// an identifier the scalar encoding of a non-zero integer. Every element and scalar that comes from outside goes
// through parse_element / parse_scalar, which reject:
//   non-canonical scalars (≥ L)                                          invalid("non_canonical_scalar");
//   non-canonical or undecodable encodings, the identity, small-order
//   and (Ed25519) mixed-order points outside the prime-order subgroup    invalid("invalid_element").
//
// Secrets (signing shares, nonces) live in crypto::Secret and are wiped on every path; SigningNonces is move-only
// and consumed by sign() so that a nonce pair cannot be used twice through this API. All functions are thread-safe
// (they share no state).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "credence/bytes.h"
#include "credence/crypto/memory.h"
#include "credence/crypto/random.h"
#include "credence/status.h"

namespace credence::threshold {

enum class Suite : std::uint8_t { ed25519 = 1, ristretto255 = 2 };

// "FROST-ED25519-SHA512-v1" / "FROST-RISTRETTO255-SHA512-v1".
[[nodiscard]] std::string_view context_string(Suite suite);
// "ed25519" / "ristretto255" (the name used in JSON and on the CLI).
[[nodiscard]] std::string_view suite_name(Suite suite);

inline constexpr std::size_t kElementSize = 32;
inline constexpr std::size_t kScalarSize = 32;
inline constexpr std::size_t kSignatureSize = 64;

using Element = FixedBytes<kElementSize>;  // a validated group element (never the identity)
using Scalar = FixedBytes<kScalarSize>;    // a canonical scalar (< L), public
using SecretScalar = crypto::Secret<kScalarSize>;
using Signature = FixedBytes<kSignatureSize>;  // R ‖ z
using Identifier = std::uint32_t;              // participant identifier, 1 ≤ id; encoded as a scalar

// Validates an element encoding (see the header comment for the reason codes).
Result<Element> parse_element(Suite suite, FixedView<kElementSize> bytes);
// Validates a scalar encoding: invalid("non_canonical_scalar") if ≥ L.
Result<Scalar> parse_scalar(FixedView<kScalarSize> bytes);
// SerializeScalar(id): 32-byte little-endian.
[[nodiscard]] Scalar identifier_scalar(Identifier id);

// One participant's long-lived key material.
struct KeyPackage {
  Suite suite = Suite::ed25519;
  Identifier identifier = 0;
  SecretScalar signing_share;  // s_i
  Element verifying_share{};   // Y_i = s_i·B
  Element group_public_key{};  // PK
  std::uint32_t min_signers = 0;
};

// The public view of a key: what a coordinator and any verifier need.
struct PublicKeyPackage {
  Suite suite = Suite::ed25519;
  Element group_public_key{};
  std::map<Identifier, Element> verifying_shares;  // Y_i for every participant
  std::uint32_t min_signers = 0;
};

// Round-1 output broadcast to the coordinator: (id, D_i, E_i).
struct SigningCommitment {
  Identifier identifier = 0;
  Element hiding{};   // D_i
  Element binding{};  // E_i
  friend bool operator==(const SigningCommitment&, const SigningCommitment&) = default;
};

// The secret half of round 1. Move-only; wiped when destroyed or consumed by sign().
struct SigningNonces {
  SecretScalar hiding;   // d_i
  SecretScalar binding;  // e_i
  SigningCommitment commitment;
};

// What the coordinator sends for round 2: the message and the commitments of the chosen signers.
struct SigningPackage {
  Bytes message;
  std::vector<SigningCommitment> commitments;  // any order on input; sorted by identifier internally
};

// Round 1 (RFC 9591 §5.1): nonce = H3(random_bytes(32) ‖ SerializeScalar(s_i)), commitments D = d·B, E = e·B.
Result<SigningNonces> commit(const KeyPackage& key, crypto::RandomSource& random);
// Same with the 32 random bytes given explicitly (test vectors; never reuse randomness).
Result<SigningNonces> commit_with_randomness(const KeyPackage& key, FixedView<32> hiding_randomness,
                                             FixedView<32> binding_randomness);

// Round 2 (RFC 9591 §5.2): z_i = d_i + e_i·ρ_i + λ_i·s_i·c. Consumes (and wipes) `nonces`. Checks that the key's
// identifier and commitment appear in the package exactly as produced by commit(), that identifiers are distinct
// and non-zero, that there are at least min_signers commitments and that every commitment element is valid:
// invalid("bad_signing_package", …) otherwise.
Result<Scalar> sign(const KeyPackage& key, SigningNonces&& nonces, const SigningPackage& package);

// RFC 9591 §5.4: z_i·B == D_i + ρ_i·E_i + (c·λ_i)·Y_i for the share of `identifier`.
// invalid("invalid_signature_share") if not; invalid("bad_signing_package") if the package is malformed or the
// identifier is not in it or in the key package.
Status verify_signature_share(const PublicKeyPackage& key, const SigningPackage& package, Identifier identifier,
                              FixedView<kScalarSize> share);

// The outcome of aggregation: the signature, or the list of signers whose shares failed §5.4 (never empty on
// invalid("invalid_signature_share")).
struct AggregateOutcome {
  Status status;
  std::optional<Signature> signature;
  std::vector<Identifier> culprits;
};

// RFC 9591 §5.3: R = Σ(D_i + ρ_i·E_i), z = Σ z_i, then the group signature is verified. If it does not verify every
// share is checked (§5.4) and the failing senders are named in `culprits` — exactly them, never an honest signer.
// `shares` must hold one share per commitment in the package (invalid("bad_signing_package") otherwise).
AggregateOutcome aggregate(const PublicKeyPackage& key, const SigningPackage& package,
                           const std::map<Identifier, Scalar>& shares);

// ---- Intermediate values (RFC 9591 §4), exposed for test vectors and diagnostics ----

// ρ_i for every signer, in identifier order, plus the binding-factor input bytes (PK ‖ H4(m) ‖ H5(list) ‖ id).
struct BindingFactor {
  Identifier identifier = 0;
  Scalar factor{};
  Bytes input;
};
Result<std::vector<BindingFactor>> compute_binding_factors(Suite suite, FixedView<kElementSize> group_public_key,
                                                           const SigningPackage& package);
// λ_i over the given signer set (which must contain `identifier`, distinct non-zero ids).
Result<Scalar> lagrange_coefficient(Identifier identifier, const std::vector<Identifier>& signers);

// Coordinator-side precomputation for one signing package: sorted commitments, binding factors, group commitment R
// and challenge c, computed once (t variable-base multiplications) so that each share check costs three more and
// aggregation none. verify_signature_share / aggregate above are one-shot wrappers around it. Immutable after
// prepare(); safe to share between threads.
class PreparedPackage {
 public:
  // invalid("bad_signing_package"/"invalid_element"/"identity_group_commitment") as for sign().
  static Result<PreparedPackage> prepare(const PublicKeyPackage& key, const SigningPackage& package);
  [[nodiscard]] Status verify_share(Identifier identifier, FixedView<kScalarSize> share) const;
  [[nodiscard]] AggregateOutcome aggregate(const std::map<Identifier, Scalar>& shares) const;
  [[nodiscard]] const SigningPackage& package() const { return package_; }

 private:
  PreparedPackage() = default;
  const PublicKeyPackage* key_ = nullptr;  // borrowed: the key package must outlive this object
  SigningPackage package_;                 // commitments sorted
  std::vector<BindingFactor> factors_;
  Element r_{};
  Scalar c_{};
};

// Verifies a group signature. Ed25519 suite: the Credence Ed25519 rule (docs/crypto.md; libsodium
// crypto_sign_verify_detached plus key validation), which for a prime-order key implies RFC 9591's cofactored
// equation. ristretto255: z·B == R + c·PK. ok or invalid("bad_signature"/"invalid_element"/"non_canonical_scalar").
Status verify_signature(Suite suite, FixedView<kElementSize> group_public_key, ByteView message,
                        FixedView<kSignatureSize> signature);

// ---- Key generation with a trusted dealer (RFC 9591 Appendix C). For tests and demos only. ----

struct DealerOutput {
  PublicKeyPackage public_key;
  std::vector<KeyPackage> key_packages;  // identifiers 1..n
};
// Samples a random secret and polynomial of degree t − 1 and splits it into n shares (2 ≤ t ≤ n ≤ 65535).
Result<DealerOutput> trusted_dealer_keygen(Suite suite, std::uint32_t max_signers, std::uint32_t min_signers,
                                           crypto::RandomSource& random);
// Splits a given secret with given coefficients a_1..a_{t−1} (test vectors). invalid("invalid_parameters") if the
// counts are out of range, invalid("non_canonical_scalar") if a scalar is ≥ L, invalid("zero_secret") if the
// secret is zero.
Result<DealerOutput> split_secret(Suite suite, FixedView<kScalarSize> secret, const std::vector<Scalar>& coefficients,
                                  std::uint32_t max_signers);

}  // namespace credence::threshold
