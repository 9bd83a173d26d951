// Distributed key generation for FROST without a dealer: Pedersen DKG with Feldman commitments and Schnorr proofs
// of knowledge, as in the FROST paper (Komlo–Goldberg 2020, Figure 1) and ZF's frost-core `keys::dkg`
// (RFC 9591 defines no DKG). Spec and message flow: docs/threshold.md "DKG".
//
// One Participant object per member, a pure state machine driven by its owner:
//   part1 (create)  → a Round1Package to BROADCAST (echo/consistent broadcast is the transport's job);
//   part2           ← every other member's Round1Package; checks each proof of knowledge and returns one
//                     Round2Package per other member, to send over a CONFIDENTIAL authenticated channel;
//   part3           ← the Round2Packages addressed to us; checks them against the broadcast commitments with one
//                     aggregated Feldman check and, only if it fails, per-sender checks to name the culprits.
// A failed step returns invalid(reason) and culprits() names exactly the members whose packages failed, so the
// caller can exclude them and restart. Secret coefficients and received shares are wiped on destruction and as
// soon as they are no longer needed. Not thread-safe; holds no global state.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "credence/threshold/frost.h"

namespace credence::threshold::dkg {

// Broadcast by every member in part 1: Feldman commitments φ_k = a_k·B (k = 0..t−1) and a proof of knowledge
// (R, μ) of a_0 with c = HDKG(SerializeScalar(id) ‖ φ_0 ‖ R), μ = k + a_0·c, HDKG = H(ctx ‖ "dkg" ‖ ·) mod L.
struct Round1Package {
  Identifier sender = 0;
  std::vector<Element> commitment;  // φ_0 .. φ_{t−1}
  Element proof_r{};
  Scalar proof_mu{};
};

// Sent privately from `sender` to `recipient` in part 2: f_sender(recipient). Move-only (secret).
struct Round2Package {
  Identifier sender = 0;
  Identifier recipient = 0;
  SecretScalar share;
};

struct Output {
  KeyPackage key_package;
  PublicKeyPackage public_key;
};

class Participant {
 public:
  // Part 1 with fresh randomness: samples a_0..a_{t−1} and the proof nonce. Identifiers are 1..max_signers.
  // invalid("invalid_parameters") unless 2 ≤ min ≤ max ≤ 65535 and 1 ≤ id ≤ max.
  static Result<Participant> create(Suite suite, Identifier identifier, std::uint32_t max_signers,
                                    std::uint32_t min_signers, crypto::RandomSource& random);
  // Part 1 with given coefficients (a_0 first; min_signers of them) and proof nonce: test vectors only.
  static Result<Participant> create_with_polynomial(Suite suite, Identifier identifier, std::uint32_t max_signers,
                                                    const std::vector<Scalar>& coefficients,
                                                    FixedView<kScalarSize> proof_nonce);

  Participant(Participant&&) noexcept = default;
  Participant& operator=(Participant&&) noexcept = default;
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;
  ~Participant() = default;

  [[nodiscard]] Identifier identifier() const { return identifier_; }
  [[nodiscard]] const Round1Package& round1_package() const { return round1_; }

  // Part 2. `round1` must hold exactly one package from every other member (ours may be included and is ignored).
  // invalid("bad_round1_package") for a missing/extra/malformed package (culprits: its sender when known),
  // invalid("invalid_proof_of_knowledge") when proofs fail (culprits: exactly those senders).
  // invalid("wrong_state") if called twice or out of order.
  Result<std::vector<Round2Package>> part2(const std::map<Identifier, Round1Package>& round1);

  // Part 3. `round2` holds the package every other member addressed to us, keyed by sender.
  // invalid("bad_round2_package") for a missing/misaddressed package or a non-canonical share (culprits: sender),
  // invalid("invalid_secret_share") when shares fail the Feldman check (culprits: exactly those senders).
  // On success the share and keys follow from the broadcast commitments; the caller should still compare the
  // group key with the other members' (a consistency check the broadcast layer must guarantee).
  Result<Output> part3(const std::map<Identifier, Round2Package>& round2);

  // Members blamed by the last failed part2 / part3 (empty after a success).
  [[nodiscard]] const std::vector<Identifier>& culprits() const { return culprits_; }

 private:
  Participant() = default;

  enum class State { after_part1, after_part2, done };

  Suite suite_ = Suite::ed25519;
  Identifier identifier_ = 0;
  std::uint32_t max_signers_ = 0;
  std::uint32_t min_signers_ = 0;
  std::vector<SecretScalar> coefficients_;  // a_0..a_{t−1}; wiped after part 2
  SecretScalar own_share_;                  // f_i(i), kept from part 2 to part 3
  Round1Package round1_;
  std::map<Identifier, Round1Package> peers_;  // validated in part 2
  std::vector<Identifier> culprits_;
  State state_ = State::after_part1;
};

// Verifies a proof of knowledge (exposed for tests and for observers of the broadcast).
Status verify_proof_of_knowledge(Suite suite, const Round1Package& package);

}  // namespace credence::threshold::dkg
