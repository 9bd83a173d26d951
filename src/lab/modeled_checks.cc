#include "modeled_checks.h"

#include <algorithm>
#include <cstring>

#include "credence/lab/random.h"

namespace credence::lab {
namespace {

namespace roast = threshold::roast;
using threshold::Identifier;
using threshold::Scalar;
using threshold::SigningCommitment;

std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

class ModeledPrepared final : public roast::SessionChecks::Prepared {
 public:
  explicit ModeledPrepared(std::vector<SigningCommitment> commitments) : commitments_(std::move(commitments)) {}

  Status verify_share(Identifier id, FixedView<threshold::kScalarSize> share) const override {
    const auto it = std::lower_bound(commitments_.begin(), commitments_.end(), id,
                                     [](const SigningCommitment& c, Identifier x) { return c.identifier < x; });
    if (it == commitments_.end() || it->identifier != id) return Status::invalid("bad_signing_package");
    const Scalar expected = modeled_share(*it);
    if (!std::equal(expected.begin(), expected.end(), share.begin())) return Status::invalid("invalid_signature_share");
    return Status::ok();
  }

  threshold::AggregateOutcome aggregate(const std::map<Identifier, Scalar>& shares) const override {
    threshold::AggregateOutcome out;
    if (shares.size() != commitments_.size()) {
      out.status = Status::invalid("bad_signing_package");
      return out;
    }
    std::uint64_t acc = 0;
    for (const auto& [id, share] : shares) {
      if (!verify_share(id, share).is_ok()) out.culprits.push_back(id);
      acc = mix64(acc ^ load64(share.data()));
    }
    if (!out.culprits.empty()) {
      out.status = Status::invalid("invalid_signature_share");
      return out;
    }
    threshold::Signature sig{};
    for (std::size_t i = 0; i < sig.size(); i += 8) {
      acc = mix64(acc);
      std::memcpy(sig.data() + i, &acc, 8);
    }
    out.signature = sig;
    return out;
  }

 private:
  std::vector<SigningCommitment> commitments_;  // sorted by identifier (the coordinator sorts the package)
};

class ModeledChecks final : public roast::SessionChecks {
 public:
  bool valid_commitment(const threshold::PublicKeyPackage& /*key*/, const SigningCommitment& /*c*/) const override {
    return true;  // modeled commitments carry no group element
  }
  std::unique_ptr<Prepared> prepare(const threshold::PublicKeyPackage& /*key*/,
                                    const threshold::SigningPackage& package) const override {
    std::vector<SigningCommitment> sorted = package.commitments;
    const auto by_id = [](const SigningCommitment& a, const SigningCommitment& b) {
      return a.identifier < b.identifier;
    };
    if (!std::is_sorted(sorted.begin(), sorted.end(), by_id)) std::sort(sorted.begin(), sorted.end(), by_id);
    return std::make_unique<ModeledPrepared>(std::move(sorted));
  }
};

}  // namespace

KeyedDraws modeled_commitments(std::uint64_t seed, std::uint64_t request) {
  return KeyedStream(seed, 0x6d6f64656c6564ULL).at(request);
}

SigningCommitment modeled_commitment(const KeyedDraws& commitments, Identifier m, std::uint32_t k) {
  SigningCommitment c;
  c.identifier = m;
  const std::uint64_t h = commitments.u64((std::uint64_t{m} << 32) | k);
  const std::uint64_t b = mix64(h);
  std::memcpy(c.hiding.data(), &h, sizeof h);
  std::memcpy(c.binding.data(), &b, sizeof b);
  return c;
}

Scalar modeled_share(const SigningCommitment& commitment) {
  Scalar s{};
  const std::uint64_t tag =
      mix64(load64(commitment.hiding.data()) ^ mix64(load64(commitment.binding.data()) ^ commitment.identifier));
  std::memcpy(s.data(), &tag, sizeof tag);
  return s;
}

std::shared_ptr<const roast::SessionChecks> modeled_checks() {
  static const std::shared_ptr<const roast::SessionChecks> kChecks = std::make_shared<ModeledChecks>();
  return kChecks;
}

}  // namespace credence::lab
