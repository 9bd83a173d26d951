// Trusted-dealer key generation (RFC 9591 Appendix C): Shamir sharing of one secret over the scalar field.
#include <algorithm>
#include <string>

#include "credence/threshold/frost.h"
#include "group.h"

namespace credence::threshold {
namespace {

// f(x) = Σ_k coefficients[k]·x^k by Horner's rule; coefficients[0] is the secret. Wipes its temporaries.
void evaluate_polynomial(const std::vector<const std::uint8_t*>& coefficients, Identifier x,
                         std::span<std::uint8_t, 32> out) {
  const Scalar xs = identifier_scalar(x);
  Scalar acc{};
  for (std::size_t k = coefficients.size(); k-- > 0;) {
    group::scalar_mul(acc, xs, acc);
    group::scalar_add(acc, FixedView<32>(coefficients[k], 32), acc);
  }
  std::copy(acc.begin(), acc.end(), out.begin());
  crypto::secure_wipe(acc);
}

}  // namespace

Result<DealerOutput> split_secret(Suite suite, FixedView<kScalarSize> secret, const std::vector<Scalar>& coefficients,
                                  std::uint32_t max_signers) {
  const std::uint32_t min_signers = static_cast<std::uint32_t>(coefficients.size()) + 1;
  if (min_signers < 2 || max_signers < min_signers || max_signers > 65535) {
    return Status::invalid("invalid_parameters", "need 2 <= t <= n <= 65535");
  }
  if (!group::is_canonical_scalar(secret)) return Status::invalid("non_canonical_scalar", "secret");
  if (group::scalar_is_zero(secret)) return Status::invalid("zero_secret");
  std::vector<const std::uint8_t*> coefs;
  coefs.push_back(secret.data());
  for (const auto& a : coefficients) {
    if (!group::is_canonical_scalar(a)) return Status::invalid("non_canonical_scalar", "coefficient");
    coefs.push_back(a.data());
  }
  DealerOutput out;
  out.public_key.suite = suite;
  out.public_key.min_signers = min_signers;
  if (!group::base_mult(suite, secret, out.public_key.group_public_key)) return Status::invalid("zero_secret");
  out.key_packages.reserve(max_signers);
  for (Identifier id = 1; id <= max_signers; ++id) {
    KeyPackage k;
    k.suite = suite;
    k.identifier = id;
    k.min_signers = min_signers;
    k.group_public_key = out.public_key.group_public_key;
    evaluate_polynomial(coefs, id, k.signing_share.mutable_view());
    if (!group::base_mult(suite, k.signing_share.view(), k.verifying_share)) {
      return Status::invalid("zero_share", "share " + std::to_string(id) + " is zero");  // a root of f: negligible
    }
    out.public_key.verifying_shares[id] = k.verifying_share;
    out.key_packages.push_back(std::move(k));
  }
  return out;
}

Result<DealerOutput> trusted_dealer_keygen(Suite suite, std::uint32_t max_signers, std::uint32_t min_signers,
                                           crypto::RandomSource& random) {
  if (min_signers < 2 || max_signers < min_signers || max_signers > 65535) {
    return Status::invalid("invalid_parameters", "need 2 <= t <= n <= 65535");
  }
  // Random scalars by wide reduction of 64 random bytes (bias < 2^-259).
  auto random_scalar = [&random](std::span<std::uint8_t, 32> out) {
    crypto::Secret<64> wide;
    random.fill(wide.mutable_view());
    group::scalar_reduce64(wide.view(), out);
  };
  SecretScalar secret;
  do {
    random_scalar(secret.mutable_view());
  } while (group::scalar_is_zero(secret.view()));
  std::vector<Scalar> coefficients(min_signers - 1);
  for (auto& a : coefficients) random_scalar(a);
  auto out = split_secret(suite, secret.view(), coefficients, max_signers);
  for (auto& a : coefficients) crypto::secure_wipe(a);
  return out;
}

}  // namespace credence::threshold
