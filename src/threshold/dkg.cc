#include "credence/threshold/dkg.h"

#include <algorithm>
#include <array>
#include <string>

#include "group.h"

namespace credence::threshold::dkg {
namespace {

bool valid_parameters(std::uint32_t max_signers, std::uint32_t min_signers) {
  return min_signers >= 2 && max_signers >= min_signers && max_signers <= 65535;
}

Scalar challenge(Suite suite, Identifier id, FixedView<32> phi0, FixedView<32> r) {
  const Scalar ids = identifier_scalar(id);
  const std::array<ByteView, 3> parts = {ByteView(ids), ByteView(phi0), ByteView(r)};
  Scalar c{};
  group::hash_to_scalar({suite, "dkg"}, parts, c);
  return c;
}

// x^0 .. x^{count−1} as scalars.
std::vector<Scalar> powers(Identifier x, std::size_t count) {
  std::vector<Scalar> p(count);
  p[0] = identifier_scalar(1);
  const Scalar xs = identifier_scalar(x);
  for (std::size_t k = 1; k < count; ++k) group::scalar_mul(p[k - 1], xs, p[k]);
  return p;
}

// Σ_k points[k]·x^k; identity terms (possible for sums of commitments) contribute nothing.
bool evaluate_in_exponent(Suite suite, const std::vector<Element>& points, Identifier x, Element& out) {
  const std::vector<Scalar> px = powers(x, points.size());
  out = group::identity(suite);
  for (std::size_t k = 0; k < points.size(); ++k) {
    if (group::is_identity(suite, points[k])) continue;
    Element term{};
    if (!group::mult(suite, px[k], points[k], term)) return false;
    if (!group::add(suite, out, term, out)) return false;
  }
  return true;
}

// f(x) over secret coefficients (Horner).
void evaluate_secret(const std::vector<SecretScalar>& coefficients, Identifier x, std::span<std::uint8_t, 32> out) {
  const Scalar xs = identifier_scalar(x);
  Scalar acc{};
  for (std::size_t k = coefficients.size(); k-- > 0;) {
    group::scalar_mul(acc, xs, acc);
    group::scalar_add(acc, coefficients[k].view(), acc);
  }
  std::copy(acc.begin(), acc.end(), out.begin());
  crypto::secure_wipe(acc);
}

}  // namespace

Status verify_proof_of_knowledge(Suite suite, const Round1Package& package) {
  if (package.commitment.empty()) return Status::invalid("bad_round1_package", "no commitments");
  if (!group::is_valid_element(suite, package.proof_r)) return Status::invalid("invalid_proof_of_knowledge", "R");
  if (!group::is_canonical_scalar(package.proof_mu)) return Status::invalid("invalid_proof_of_knowledge", "mu");
  const Scalar c = challenge(suite, package.sender, package.commitment[0], package.proof_r);
  // R == μ·B − c·φ_0
  Element mu_b{};
  Element c_phi{};
  Element expected{};
  if (!group::base_mult(suite, package.proof_mu, mu_b) || !group::mult(suite, c, package.commitment[0], c_phi) ||
      !group::sub(suite, mu_b, c_phi, expected) ||
      !std::equal(expected.begin(), expected.end(), package.proof_r.begin())) {
    return Status::invalid("invalid_proof_of_knowledge");
  }
  return Status::ok();
}

Result<Participant> Participant::create_with_polynomial(Suite suite, Identifier identifier, std::uint32_t max_signers,
                                                        const std::vector<Scalar>& coefficients,
                                                        FixedView<kScalarSize> proof_nonce) {
  const auto min_signers = static_cast<std::uint32_t>(coefficients.size());
  if (!valid_parameters(max_signers, min_signers) || identifier == 0 || identifier > max_signers) {
    return Status::invalid("invalid_parameters", "need 2 <= t <= n <= 65535 and 1 <= id <= n");
  }
  for (const auto& a : coefficients) {
    if (!group::is_canonical_scalar(a)) return Status::invalid("non_canonical_scalar", "coefficient");
  }
  if (group::scalar_is_zero(coefficients[0]) || group::scalar_is_zero(proof_nonce)) {
    return Status::invalid("zero_secret");
  }
  Participant p;
  p.suite_ = suite;
  p.identifier_ = identifier;
  p.max_signers_ = max_signers;
  p.min_signers_ = min_signers;
  p.round1_.sender = identifier;
  p.round1_.commitment.resize(min_signers);
  for (std::size_t k = 0; k < coefficients.size(); ++k) {
    p.coefficients_.emplace_back(FixedView<32>(coefficients[k]));
    if (!group::base_mult(suite, coefficients[k], p.round1_.commitment[k])) {
      return Status::invalid("zero_coefficient", "coefficient " + std::to_string(k));
    }
  }
  // Proof of knowledge of a_0: μ = k + a_0·c.
  if (!group::base_mult(suite, proof_nonce, p.round1_.proof_r)) return Status::invalid("zero_secret");
  const Scalar c = challenge(suite, identifier, p.round1_.commitment[0], p.round1_.proof_r);
  Scalar a0c{};
  group::scalar_mul(p.coefficients_[0].view(), c, a0c);
  group::scalar_add(proof_nonce, a0c, p.round1_.proof_mu);
  crypto::secure_wipe(a0c);
  return p;
}

Result<Participant> Participant::create(Suite suite, Identifier identifier, std::uint32_t max_signers,
                                        std::uint32_t min_signers, crypto::RandomSource& random) {
  if (!valid_parameters(max_signers, min_signers)) {
    return Status::invalid("invalid_parameters", "need 2 <= t <= n <= 65535");
  }
  auto random_scalar = [&random](std::span<std::uint8_t, 32> out) {
    do {
      crypto::Secret<64> wide;
      random.fill(wide.mutable_view());
      group::scalar_reduce64(wide.view(), out);
    } while (group::scalar_is_zero(out));
  };
  std::vector<Scalar> coefficients(min_signers);
  for (auto& a : coefficients) random_scalar(a);
  SecretScalar nonce;
  random_scalar(nonce.mutable_view());
  auto p = create_with_polynomial(suite, identifier, max_signers, coefficients, nonce.view());
  for (auto& a : coefficients) crypto::secure_wipe(a);
  return p;
}

Result<std::vector<Round2Package>> Participant::part2(const std::map<Identifier, Round1Package>& round1) {
  culprits_.clear();
  if (state_ != State::after_part1) return Status::invalid("wrong_state", "part2 after part2");
  std::vector<Identifier> proof_failures;
  for (Identifier j = 1; j <= max_signers_; ++j) {
    if (j == identifier_) continue;
    const auto it = round1.find(j);
    if (it == round1.end()) {
      culprits_.push_back(j);
      continue;
    }
    const Round1Package& pkg = it->second;
    bool well_formed = pkg.sender == j && pkg.commitment.size() == min_signers_;
    for (const auto& phi : pkg.commitment) well_formed = well_formed && group::is_valid_element(suite_, phi);
    if (!well_formed) {
      culprits_.push_back(j);
      continue;
    }
    if (!verify_proof_of_knowledge(suite_, pkg).is_ok()) proof_failures.push_back(j);
  }
  for (const auto& [j, pkg] : round1) {
    if (j == 0 || j > max_signers_) culprits_.push_back(j);
  }
  if (!culprits_.empty()) {
    std::sort(culprits_.begin(), culprits_.end());
    return Status::invalid("bad_round1_package", "missing, unknown or malformed package");
  }
  if (!proof_failures.empty()) {
    culprits_ = proof_failures;
    return Status::invalid("invalid_proof_of_knowledge");
  }
  std::vector<Round2Package> out;
  out.reserve(max_signers_ - 1);
  for (Identifier j = 1; j <= max_signers_; ++j) {
    if (j == identifier_) {
      evaluate_secret(coefficients_, j, own_share_.mutable_view());
      continue;
    }
    Round2Package pkg;
    pkg.sender = identifier_;
    pkg.recipient = j;
    evaluate_secret(coefficients_, j, pkg.share.mutable_view());
    out.push_back(std::move(pkg));
    peers_.emplace(j, round1.at(j));
  }
  coefficients_.clear();  // each Secret wipes itself
  state_ = State::after_part2;
  return out;
}

Result<Output> Participant::part3(const std::map<Identifier, Round2Package>& round2) {
  culprits_.clear();
  if (state_ != State::after_part2) return Status::invalid("wrong_state", "part3 needs part2 first");
  for (Identifier j = 1; j <= max_signers_; ++j) {
    if (j == identifier_) continue;
    const auto it = round2.find(j);
    if (it == round2.end() || it->second.sender != j || it->second.recipient != identifier_ ||
        !group::is_canonical_scalar(it->second.share.view())) {
      culprits_.push_back(j);
    }
  }
  for (const auto& [j, pkg] : round2) {
    if (j == 0 || j > max_signers_ || j == identifier_) culprits_.push_back(j);
  }
  if (!culprits_.empty()) {
    std::sort(culprits_.begin(), culprits_.end());
    culprits_.erase(std::unique(culprits_.begin(), culprits_.end()), culprits_.end());
    return Status::invalid("bad_round2_package", "missing, misaddressed or non-canonical share");
  }
  // s_i = Σ_ℓ f_ℓ(i); C_k = Σ_ℓ φ_ℓk (ours included).
  Output out;
  KeyPackage& key = out.key_package;
  key.suite = suite_;
  key.identifier = identifier_;
  key.min_signers = min_signers_;
  std::copy(own_share_.view().begin(), own_share_.view().end(), key.signing_share.mutable_view().begin());
  for (const auto& [j, pkg] : round2) {
    group::scalar_add(key.signing_share.view(), pkg.share.view(), key.signing_share.mutable_view());
  }
  std::vector<Element> summed = round1_.commitment;
  for (const auto& [j, pkg] : peers_) {
    for (std::size_t k = 0; k < summed.size(); ++k) {
      if (!group::add(suite_, summed[k], pkg.commitment[k], summed[k])) {
        return Status::error("group_operation_failed", "commitment sum");
      }
    }
  }
  // Aggregated Feldman check (one evaluation instead of n − 1): s_i·B == Σ_k C_k·i^k.
  Element expected{};
  const bool have_expected = evaluate_in_exponent(suite_, summed, identifier_, expected);
  const bool share_nonzero = group::base_mult(suite_, key.signing_share.view(), key.verifying_share);
  if (!have_expected || !share_nonzero || !std::equal(expected.begin(), expected.end(), key.verifying_share.begin())) {
    // Name the culprits: f_ℓ(i)·B == Σ_k φ_ℓk·i^k for each sender.
    for (const auto& [j, pkg] : round2) {
      Element lhs{};
      Element rhs{};
      if (!group::base_mult(suite_, pkg.share.view(), lhs) ||
          !evaluate_in_exponent(suite_, peers_.at(j).commitment, identifier_, rhs) ||
          !std::equal(lhs.begin(), lhs.end(), rhs.begin())) {
        culprits_.push_back(j);
      }
    }
    if (culprits_.empty()) return Status::error("dkg_inconsistent", "aggregate check failed, no single culprit");
    return Status::invalid("invalid_secret_share");
  }
  if (!group::is_valid_element(suite_, summed[0])) return Status::invalid("invalid_group_key");
  key.group_public_key = summed[0];
  out.public_key.suite = suite_;
  out.public_key.group_public_key = summed[0];
  out.public_key.min_signers = min_signers_;
  for (Identifier j = 1; j <= max_signers_; ++j) {
    Element y{};
    if (!evaluate_in_exponent(suite_, summed, j, y) || !group::is_valid_element(suite_, y)) {
      return Status::invalid("invalid_verifying_share", "participant " + std::to_string(j));
    }
    out.public_key.verifying_shares[j] = y;
  }
  own_share_ = SecretScalar();
  state_ = State::done;
  return out;
}

}  // namespace credence::threshold::dkg
