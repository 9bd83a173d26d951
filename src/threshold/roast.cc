#include "credence/threshold/roast.h"

#include <algorithm>

#include "group.h"

namespace credence::threshold::roast {
namespace {

class FrostChecks final : public SessionChecks {
 public:
  class FrostPrepared final : public Prepared {
   public:
    explicit FrostPrepared(PreparedPackage p) : p_(std::move(p)) {}
    Status verify_share(Identifier identifier, FixedView<kScalarSize> share) const override {
      return p_.verify_share(identifier, share);
    }
    AggregateOutcome aggregate(const std::map<Identifier, Scalar>& shares) const override {
      return p_.aggregate(shares);
    }

   private:
    PreparedPackage p_;
  };
  bool valid_commitment(const PublicKeyPackage& key, const SigningCommitment& c) const override {
    return group::is_valid_element(key.suite, c.hiding) && group::is_valid_element(key.suite, c.binding);
  }
  std::unique_ptr<Prepared> prepare(const PublicKeyPackage& key, const SigningPackage& package) const override {
    auto prepared = PreparedPackage::prepare(key, package);
    if (!prepared.ok()) return nullptr;
    return std::make_unique<FrostPrepared>(std::move(*prepared));
  }
};

}  // namespace

std::shared_ptr<const SessionChecks> frost_checks() {
  static const std::shared_ptr<const SessionChecks> kChecks = std::make_shared<FrostChecks>();
  return kChecks;
}

Signer::Signer(KeyPackage key, Bytes message) : key_(std::move(key)), message_(std::move(message)) {}

Result<SignerMessage> Signer::start(crypto::RandomSource& random) {
  if (pending_) return Status::invalid("wrong_state", "already started");
  CREDENCE_ASSIGN_OR_RETURN(SigningNonces nonces, commit(key_, random));
  SignerMessage m;
  m.sender = key_.identifier;
  m.next_commitment = nonces.commitment;
  pending_.emplace(std::move(nonces));
  return m;
}

Result<SignerMessage> Signer::on_request(const SessionRequest& request, crypto::RandomSource& random) {
  if (!pending_) return Status::invalid("wrong_state", "not started");
  if (request.package.message != message_) return Status::invalid("message_mismatch");
  const auto ours = std::find_if(request.package.commitments.begin(), request.package.commitments.end(),
                                 [this](const SigningCommitment& c) { return c.identifier == key_.identifier; });
  if (ours == request.package.commitments.end() || !(*ours == pending_->commitment)) {
    return Status::invalid("stale_commitment");
  }
  // The nonces are consumed whatever sign() answers: a package that reached them is never signed twice.
  SigningNonces nonces = std::move(*pending_);
  pending_.reset();
  CREDENCE_ASSIGN_OR_RETURN(Scalar share, sign(key_, std::move(nonces), request.package));
  CREDENCE_ASSIGN_OR_RETURN(SigningNonces next, commit(key_, random));
  SignerMessage m;
  m.sender = key_.identifier;
  m.session_id = request.session_id;
  m.share = share;
  m.next_commitment = next.commitment;
  pending_.emplace(std::move(next));
  return m;
}

Result<Coordinator> Coordinator::create(PublicKeyPackage key, Bytes message) {
  return create(std::move(key), std::move(message), frost_checks());
}

Result<Coordinator> Coordinator::create(PublicKeyPackage key, Bytes message,
                                        std::shared_ptr<const SessionChecks> checks) {
  if (checks == nullptr) return Status::invalid("invalid_parameters", "no session checks");
  if (key.min_signers < 2 || key.min_signers > key.verifying_shares.size()) {
    return Status::invalid("invalid_parameters", "need 2 <= t <= n");
  }
  Coordinator c;
  for (const auto& [id, y] : key.verifying_shares) c.state_[id] = MemberState::silent;
  c.key_ = std::make_unique<const PublicKeyPackage>(std::move(key));
  c.message_ = std::move(message);
  c.checks_ = std::move(checks);
  return c;
}

void Coordinator::mark_malicious(Identifier id) {
  malicious_.insert(id);
  if (const auto it = session_of_.find(id); it != session_of_.end()) {
    if (const auto s = sessions_.find(it->second); s != sessions_.end()) s->second.dead = true;
  }
  responsive_.erase(std::remove(responsive_.begin(), responsive_.end(), id), responsive_.end());
  commitment_.erase(id);
  session_of_.erase(id);
}

Result<std::vector<SessionRequest>> Coordinator::on_message(Identifier from, const SignerMessage& message) {
  std::vector<SessionRequest> out;
  const auto st = state_.find(from);
  if (st == state_.end()) return Status::invalid("unknown_member");
  if (finished() || failed() || malicious_.count(from)) return out;
  if (message.sender != from) {
    mark_malicious(from);
    return out;
  }
  switch (st->second) {
    case MemberState::responsive:  // nothing was asked of it: unsolicited
      mark_malicious(from);
      return out;
    case MemberState::silent:
      if (message.session_id || message.share) {
        mark_malicious(from);
        return out;
      }
      break;
    case MemberState::in_session: {
      const std::uint32_t sid = session_of_.at(from);
      if (!message.session_id || *message.session_id != sid || !message.share) {
        mark_malicious(from);
        return out;
      }
      const auto found = sessions_.find(sid);
      if (found == sessions_.end()) {  // a session that was never sent (see below): nobody was asked
        mark_malicious(from);
        return out;
      }
      Session& session = found->second;
      if (!session.prepared->verify_share(from, *message.share).is_ok()) {
        mark_malicious(from);  // its session can never complete; the others are re-added as they answer
        return out;
      }
      session.shares[from] = *message.share;
      session_of_.erase(from);
      if (!session.dead && session.shares.size() == session.signers.size()) {
        AggregateOutcome agg = session.prepared->aggregate(session.shares);
        if (agg.status.is_ok()) {
          signature_ = agg.signature;
          signers_ = session.signers;
          return out;
        }
        for (const Identifier id : agg.culprits) mark_malicious(id);  // unreachable: each share was verified
        session.dead = true;
      }
      break;
    }
  }
  // The member answered what was asked: it becomes responsive with its fresh commitment.
  if (message.next_commitment.identifier != from || !checks_->valid_commitment(*key_, message.next_commitment)) {
    mark_malicious(from);
    return out;
  }
  commitment_[from] = message.next_commitment;
  st->second = MemberState::responsive;
  responsive_.push_back(from);
  if (responsive_.size() >= key_->min_signers) {
    SessionRequest request;
    request.session_id = next_session_++;
    request.package.message = message_;
    for (const Identifier id : responsive_) {
      request.package.commitments.push_back(commitment_.at(id));
      commitment_.erase(id);  // each commitment goes into one session only
      state_[id] = MemberState::in_session;
      session_of_[id] = request.session_id;
    }
    responsive_.clear();
    std::sort(request.package.commitments.begin(), request.package.commitments.end(),
              [](const SigningCommitment& a, const SigningCommitment& b) { return a.identifier < b.identifier; });
    auto prepared = checks_->prepare(*key_, request.package);
    if (prepared == nullptr) {
      // Only a group commitment equal to the identity can fail here (every commitment was validated): that needs
      // commitments chosen to cancel despite the binding factors, i.e. breaking FROST's binding (negligible).
      // Nobody can be blamed for sure; the session is not sent and its members are not asked again.
      return out;
    }
    std::vector<Identifier> signers;
    for (const auto& c : request.package.commitments) signers.push_back(c.identifier);
    sessions_.emplace(request.session_id, Session{std::move(prepared), std::move(signers), {}, false});
    out.push_back(std::move(request));
  }
  return out;
}

}  // namespace credence::threshold::roast
