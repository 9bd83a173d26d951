#include "credence/threshold/frost.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string>

#include "credence/crypto/ed25519.h"
#include "group.h"

namespace credence::threshold {
namespace {

using group::HashInput;

Status bad_package(std::string message) {
  return Status::invalid("bad_signing_package", std::move(message));
}

// Wipes a scalar-sized temporary when it leaves scope (intermediate products of secrets).
struct ScopedWipe {
  std::span<std::uint8_t> bytes;
  ~ScopedWipe() { crypto::secure_wipe(bytes); }
};

// Sorted, validated copy of the package's commitments.
Result<std::vector<SigningCommitment>> sorted_commitments(Suite suite, const SigningPackage& package) {
  std::vector<SigningCommitment> list = package.commitments;
  std::sort(list.begin(), list.end(),
            [](const SigningCommitment& a, const SigningCommitment& b) { return a.identifier < b.identifier; });
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].identifier == 0) return bad_package("identifier 0");
    if (i > 0 && list[i].identifier == list[i - 1].identifier) {
      return bad_package("duplicate identifier " + std::to_string(list[i].identifier));
    }
    // D_i is only added, so it is validated here. E_i is validated by the multiplication ρ_i·E_i in
    // group_commitment, which applies the same checks (libsodium's scalarmult refuses non-canonical, small-order,
    // off-subgroup and identity inputs) — checking it here too would double the cost of round 2 on Ed25519.
    if (!group::is_valid_element(suite, list[i].hiding)) {
      return Status::invalid("invalid_element", "commitment of signer " + std::to_string(list[i].identifier));
    }
  }
  if (list.empty()) return bad_package("no commitments");
  return list;
}

// H1 over the binding-factor input of every signer (RFC 9591 §4.4).
std::vector<BindingFactor> binding_factors_sorted(Suite suite, FixedView<32> group_public_key,
                                                  const std::vector<SigningCommitment>& list, ByteView message) {
  const std::array<ByteView, 1> msg_parts = {message};
  const Hash512 msg_hash = group::hash_wide({suite, "msg"}, msg_parts);
  Bytes encoded;
  encoded.reserve(list.size() * 96);
  for (const auto& c : list) {
    const Scalar id = identifier_scalar(c.identifier);
    encoded.insert(encoded.end(), id.begin(), id.end());
    encoded.insert(encoded.end(), c.hiding.begin(), c.hiding.end());
    encoded.insert(encoded.end(), c.binding.begin(), c.binding.end());
  }
  const std::array<ByteView, 1> com_parts = {ByteView(encoded)};
  const Hash512 com_hash = group::hash_wide({suite, "com"}, com_parts);
  std::vector<BindingFactor> out;
  out.reserve(list.size());
  for (const auto& c : list) {
    BindingFactor bf;
    bf.identifier = c.identifier;
    const Scalar id = identifier_scalar(c.identifier);
    bf.input.reserve(32 + 64 + 64 + 32);
    bf.input.insert(bf.input.end(), group_public_key.begin(), group_public_key.end());
    bf.input.insert(bf.input.end(), msg_hash.begin(), msg_hash.end());
    bf.input.insert(bf.input.end(), com_hash.begin(), com_hash.end());
    bf.input.insert(bf.input.end(), id.begin(), id.end());
    const std::array<ByteView, 1> parts = {ByteView(bf.input)};
    group::hash_to_scalar({suite, "rho"}, parts, bf.factor);
    out.push_back(std::move(bf));
  }
  return out;
}

// R = Σ D_i + ρ_i·E_i (§4.5). The sum starts from the first term: libsodium has no identity-returning multiply.
Result<Element> group_commitment(Suite suite, const std::vector<SigningCommitment>& list,
                                 const std::vector<BindingFactor>& factors) {
  Element sum{};
  for (std::size_t i = 0; i < list.size(); ++i) {
    Element term{};
    Element binding{};
    if (!group::mult(suite, factors[i].factor, list[i].binding, binding) ||
        !group::add(suite, list[i].hiding, binding, term)) {
      return Status::invalid("invalid_element", "commitment term of signer " + std::to_string(list[i].identifier));
    }
    if (i == 0) {
      sum = term;
    } else if (!group::add(suite, sum, term, sum)) {
      return Status::error("group_operation_failed", "group commitment sum");
    }
  }
  if (group::is_identity(suite, sum)) return Status::invalid("identity_group_commitment");
  return sum;
}

// c = H2(R ‖ PK ‖ m) (§4.6). Ed25519: SHA-512 without context (RFC 8032); ristretto255: ctx ‖ "chal".
Scalar challenge(Suite suite, FixedView<32> r, FixedView<32> group_public_key, ByteView message) {
  const std::array<ByteView, 3> parts = {ByteView(r), ByteView(group_public_key), message};
  Scalar c{};
  if (suite == Suite::ed25519) {
    group::hash_to_scalar({suite, "", false}, parts, c);
  } else {
    group::hash_to_scalar({suite, "chal"}, parts, c);
  }
  return c;
}

std::vector<Identifier> identifiers_of(const std::vector<SigningCommitment>& list) {
  std::vector<Identifier> ids;
  ids.reserve(list.size());
  for (const auto& c : list) ids.push_back(c.identifier);
  return ids;
}

// Everything round 2, share verification and aggregation share: sorted commitments, ρ_i, R, c.
struct SessionValues {
  std::vector<SigningCommitment> list;
  std::vector<BindingFactor> factors;
  Element r{};
  Scalar c{};
};

Result<SessionValues> session_values(Suite suite, FixedView<32> group_public_key, const SigningPackage& package) {
  SessionValues v;
  CREDENCE_ASSIGN_OR_RETURN(v.list, sorted_commitments(suite, package));
  v.factors = binding_factors_sorted(suite, group_public_key, v.list, package.message);
  CREDENCE_ASSIGN_OR_RETURN(v.r, group_commitment(suite, v.list, v.factors));
  v.c = challenge(suite, v.r, group_public_key, package.message);
  return v;
}

std::size_t index_of(const std::vector<SigningCommitment>& list, Identifier id) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].identifier == id) return i;
  }
  return list.size();
}

// Round-1 nonce: H3(random ‖ SerializeScalar(secret)) (§4.1).
void nonce_generate(Suite suite, FixedView<32> randomness, FixedView<32> secret, std::span<std::uint8_t, 32> out) {
  const std::array<ByteView, 2> parts = {ByteView(randomness), ByteView(secret)};
  group::hash_to_scalar({suite, "nonce"}, parts, out);
}

// Share check of one signer given precomputed session values (§5.4).
Status verify_share_in(Suite suite, const std::vector<SigningCommitment>& list,
                       const std::vector<BindingFactor>& factors, FixedView<32> c, std::size_t index,
                       FixedView<32> verifying_share, FixedView<32> share) {
  if (!group::is_canonical_scalar(share)) return Status::invalid("non_canonical_scalar", "signature share");
  const std::vector<Identifier> ids = identifiers_of(list);
  auto lambda = lagrange_coefficient(list[index].identifier, ids);
  if (!lambda.ok()) return lambda.status();
  Scalar c_lambda{};
  group::scalar_mul(c, *lambda, c_lambda);
  Element lhs{};
  Element rhs{};
  Element rho_e{};
  Element c_y{};
  if (!group::base_mult(suite, share, lhs)) return Status::invalid("invalid_signature_share", "zero share");
  if (!group::mult(suite, factors[index].factor, list[index].binding, rho_e) ||
      !group::add(suite, list[index].hiding, rho_e, rhs) || !group::mult(suite, c_lambda, verifying_share, c_y) ||
      !group::add(suite, rhs, c_y, rhs)) {
    return Status::invalid("invalid_signature_share", "share check could not be computed");
  }
  if (sodium_memcmp(lhs.data(), rhs.data(), 32) != 0) return Status::invalid("invalid_signature_share");
  return Status::ok();
}

}  // namespace

std::string_view context_string(Suite suite) {
  return suite == Suite::ed25519 ? "FROST-ED25519-SHA512-v1" : "FROST-RISTRETTO255-SHA512-v1";
}

std::string_view suite_name(Suite suite) {
  return suite == Suite::ed25519 ? "ed25519" : "ristretto255";
}

Result<Element> parse_element(Suite suite, FixedView<kElementSize> bytes) {
  if (!group::is_valid_element(suite, bytes)) return Status::invalid("invalid_element");
  Element e{};
  std::copy(bytes.begin(), bytes.end(), e.begin());
  return e;
}

Result<Scalar> parse_scalar(FixedView<kScalarSize> bytes) {
  if (!group::is_canonical_scalar(bytes)) return Status::invalid("non_canonical_scalar");
  Scalar s{};
  std::copy(bytes.begin(), bytes.end(), s.begin());
  return s;
}

Scalar identifier_scalar(Identifier id) {
  Scalar s{};
  for (std::size_t i = 0; i < sizeof(Identifier); ++i) s[i] = static_cast<std::uint8_t>(id >> (8 * i));
  return s;
}

Result<Scalar> lagrange_coefficient(Identifier identifier, const std::vector<Identifier>& signers) {
  if (identifier == 0) return bad_package("identifier 0");
  bool found = false;
  Scalar num{};
  Scalar den{};
  num[0] = 1;
  den[0] = 1;
  const Scalar xi = identifier_scalar(identifier);
  for (std::size_t k = 0; k < signers.size(); ++k) {
    const Identifier j = signers[k];
    // Distinctness by pairwise comparison: no allocation on the signing path (t ≤ a few hundred).
    if (j == 0 || std::find(signers.begin(), signers.begin() + static_cast<std::ptrdiff_t>(k), j) !=
                      signers.begin() + static_cast<std::ptrdiff_t>(k)) {
      return bad_package("identifiers must be distinct and non-zero");
    }
    if (j == identifier) {
      found = true;
      continue;
    }
    const Scalar xj = identifier_scalar(j);
    Scalar diff{};
    group::scalar_mul(num, xj, num);
    group::scalar_sub(xj, xi, diff);
    group::scalar_mul(den, diff, den);
  }
  if (!found) return bad_package("identifier " + std::to_string(identifier) + " not among the signers");
  Scalar inv{};
  if (!group::scalar_invert(den, inv)) return bad_package("degenerate identifiers");
  Scalar out{};
  group::scalar_mul(num, inv, out);
  return out;
}

Result<std::vector<BindingFactor>> compute_binding_factors(Suite suite, FixedView<kElementSize> group_public_key,
                                                           const SigningPackage& package) {
  CREDENCE_ASSIGN_OR_RETURN(auto list, sorted_commitments(suite, package));
  return binding_factors_sorted(suite, group_public_key, list, package.message);
}

Result<SigningNonces> commit_with_randomness(const KeyPackage& key, FixedView<32> hiding_randomness,
                                             FixedView<32> binding_randomness) {
  SigningNonces n;
  nonce_generate(key.suite, hiding_randomness, key.signing_share.view(), n.hiding.mutable_view());
  nonce_generate(key.suite, binding_randomness, key.signing_share.view(), n.binding.mutable_view());
  n.commitment.identifier = key.identifier;
  if (!group::base_mult(key.suite, n.hiding.view(), n.commitment.hiding) ||
      !group::base_mult(key.suite, n.binding.view(), n.commitment.binding)) {
    return Status::error("zero_nonce", "nonce reduced to zero");  // probability 2^-252
  }
  return n;
}

Result<SigningNonces> commit(const KeyPackage& key, crypto::RandomSource& random) {
  crypto::Secret<32> hiding_randomness;
  crypto::Secret<32> binding_randomness;
  random.fill(hiding_randomness.mutable_view());
  random.fill(binding_randomness.mutable_view());
  return commit_with_randomness(key, hiding_randomness.view(), binding_randomness.view());
}

Result<Scalar> sign(const KeyPackage& key, SigningNonces&& nonces_in, const SigningPackage& package) {
  const SigningNonces nonces = std::move(nonces_in);  // wiped when this function returns, on every path
  if (key.identifier == 0) return bad_package("key package without identifier");
  CREDENCE_ASSIGN_OR_RETURN(SessionValues v, session_values(key.suite, key.group_public_key, package));
  if (v.list.size() < key.min_signers) {
    return bad_package(std::to_string(v.list.size()) + " signers, need " + std::to_string(key.min_signers));
  }
  const std::size_t i = index_of(v.list, key.identifier);
  if (i == v.list.size()) return bad_package("our identifier is not in the package");
  if (!(v.list[i] == nonces.commitment)) return bad_package("our commitment in the package is not ours");
  CREDENCE_ASSIGN_OR_RETURN(const Scalar lambda, lagrange_coefficient(key.identifier, identifiers_of(v.list)));
  // z = d + e·ρ + λ·s·c
  Scalar e_rho{};
  Scalar lambda_s{};
  Scalar lambda_s_c{};
  const ScopedWipe w1{e_rho};
  const ScopedWipe w2{lambda_s};
  const ScopedWipe w3{lambda_s_c};
  group::scalar_mul(nonces.binding.view(), v.factors[i].factor, e_rho);
  group::scalar_mul(lambda, key.signing_share.view(), lambda_s);
  group::scalar_mul(lambda_s, v.c, lambda_s_c);
  Scalar z{};
  group::scalar_add(nonces.hiding.view(), e_rho, z);
  group::scalar_add(z, lambda_s_c, z);
  return z;
}

Result<PreparedPackage> PreparedPackage::prepare(const PublicKeyPackage& key, const SigningPackage& package) {
  CREDENCE_ASSIGN_OR_RETURN(SessionValues v, session_values(key.suite, key.group_public_key, package));
  if (v.list.size() < key.min_signers) return bad_package("fewer than min_signers commitments");
  for (const auto& c : v.list) {
    if (!key.verifying_shares.count(c.identifier)) {
      return bad_package("no verifying share for signer " + std::to_string(c.identifier));
    }
  }
  PreparedPackage p;
  p.key_ = &key;
  p.package_.message = package.message;
  p.package_.commitments = std::move(v.list);
  p.factors_ = std::move(v.factors);
  p.r_ = v.r;
  p.c_ = v.c;
  return p;
}

Status PreparedPackage::verify_share(Identifier identifier, FixedView<kScalarSize> share) const {
  const std::size_t i = index_of(package_.commitments, identifier);
  if (i == package_.commitments.size()) {
    return bad_package("signer " + std::to_string(identifier) + " not in the package");
  }
  return verify_share_in(key_->suite, package_.commitments, factors_, c_, i, key_->verifying_shares.at(identifier),
                         share);
}

AggregateOutcome PreparedPackage::aggregate(const std::map<Identifier, Scalar>& shares) const {
  AggregateOutcome out;
  const auto& list = package_.commitments;
  if (shares.size() != list.size()) {
    out.status = bad_package("need exactly one share per commitment");
    return out;
  }
  for (const auto& c : list) {
    if (!shares.count(c.identifier)) {
      out.status = bad_package("no share from signer " + std::to_string(c.identifier));
      return out;
    }
  }
  Scalar z{};
  bool canonical = true;
  for (const auto& [id, share] : shares) {
    canonical = canonical && group::is_canonical_scalar(share);
    group::scalar_add(z, share, z);
  }
  Signature sig{};
  std::copy(r_.begin(), r_.end(), sig.begin());
  std::copy(z.begin(), z.end(), sig.begin() + 32);
  if (canonical && verify_signature(key_->suite, key_->group_public_key, package_.message, sig).is_ok()) {
    out.signature = sig;
    return out;
  }
  // Identifiable abort (§5.4): name exactly the senders whose shares fail.
  for (const auto& c : list) {
    if (!verify_share(c.identifier, shares.at(c.identifier)).is_ok()) out.culprits.push_back(c.identifier);
  }
  if (out.culprits.empty()) {
    // Every share is valid yet the sum is not: the public key package is inconsistent (our bug or bad input).
    out.status = Status::invalid("inconsistent_public_key", "all shares verify but the signature does not");
  } else {
    std::string names;
    for (const Identifier id : out.culprits) names += (names.empty() ? "" : ",") + std::to_string(id);
    out.status = Status::invalid("invalid_signature_share", "signers " + names);
  }
  return out;
}

Status verify_signature_share(const PublicKeyPackage& key, const SigningPackage& package, Identifier identifier,
                              FixedView<kScalarSize> share) {
  if (!key.verifying_shares.count(identifier)) return bad_package("unknown signer " + std::to_string(identifier));
  CREDENCE_ASSIGN_OR_RETURN(const PreparedPackage prepared, PreparedPackage::prepare(key, package));
  return prepared.verify_share(identifier, share);
}

AggregateOutcome aggregate(const PublicKeyPackage& key, const SigningPackage& package,
                           const std::map<Identifier, Scalar>& shares) {
  auto prepared = PreparedPackage::prepare(key, package);
  if (!prepared.ok()) return AggregateOutcome{prepared.status(), std::nullopt, {}};
  return prepared->aggregate(shares);
}

Status verify_signature(Suite suite, FixedView<kElementSize> group_public_key, ByteView message,
                        FixedView<kSignatureSize> signature) {
  if (suite == Suite::ed25519) {
    const Status s = crypto::ed25519::verify(group_public_key, message, signature);
    if (s.is_ok()) return s;
    if (s.code() == "invalid_public_key") return Status::invalid("invalid_element", "group public key");
    if (s.code() == "non_canonical_s") return Status::invalid("non_canonical_scalar", "signature z");
    return Status::invalid("bad_signature");
  }
  const FixedView<32> r(signature.data(), 32);
  const FixedView<32> z(signature.data() + 32, 32);
  if (!group::is_valid_element(suite, group_public_key)) return Status::invalid("invalid_element", "group key");
  if (!group::is_valid_element(suite, r)) return Status::invalid("invalid_element", "signature R");
  if (!group::is_canonical_scalar(z)) return Status::invalid("non_canonical_scalar", "signature z");
  const Scalar c = challenge(suite, r, group_public_key, message);
  Element lhs{};
  Element c_pk{};
  Element rhs{};
  if (!group::base_mult(suite, z, lhs) || !group::mult(suite, c, group_public_key, c_pk) ||
      !group::add(suite, r, c_pk, rhs)) {
    return Status::invalid("bad_signature");
  }
  if (sodium_memcmp(lhs.data(), rhs.data(), 32) != 0) return Status::invalid("bad_signature");
  return Status::ok();
}

}  // namespace credence::threshold
