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
  return create(std::make_shared<const PublicKeyPackage>(std::move(key)), std::move(message), std::move(checks));
}

Result<Coordinator> Coordinator::create(std::shared_ptr<const PublicKeyPackage> shared_key, Bytes message,
                                        std::shared_ptr<const SessionChecks> checks) {
  if (shared_key == nullptr) return Status::invalid("invalid_parameters", "no key package");
  if (checks == nullptr) return Status::invalid("invalid_parameters", "no session checks");
  const PublicKeyPackage& key = *shared_key;
  if (key.min_signers < 2 || key.min_signers > key.verifying_shares.size()) {
    return Status::invalid("invalid_parameters", "need 2 <= t <= n");
  }
  Coordinator c;
  const std::size_t n = key.verifying_shares.size();
  c.ids_.reserve(n);
  for (const auto& [id, y] : key.verifying_shares) c.ids_.push_back(id);  // the map keeps them sorted
  c.dense_ = true;
  for (std::size_t i = 0; i < n; ++i) c.dense_ = c.dense_ && c.ids_[i] == i + 1;
  c.state_.assign(n, MemberState::silent);
  c.session_of_.assign(n, kNoSession);
  c.commitment_.resize(n);
  c.is_malicious_.assign(n, false);
  c.unverified_.assign(n, kNoSession);
  c.seat_.assign(n, 0);
  c.picked_.assign(n, 0);
  c.responsive_.reserve(key.min_signers);
  c.key_ = std::move(shared_key);
  c.message_ = std::move(message);
  c.checks_ = std::move(checks);
  return c;
}

std::size_t Coordinator::index_of(Identifier id) const {
  if (dense_) return id >= 1 && id <= ids_.size() ? std::size_t{id} - 1 : kNoMember;
  const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  return it != ids_.end() && *it == id ? static_cast<std::size_t>(it - ids_.begin()) : kNoMember;
}

void Coordinator::mark_malicious(std::size_t member) {
  malicious_.insert(ids_[member]);
  is_malicious_[member] = true;
  // Its open session, and the session holding its unchecked share, can no longer produce a signature.
  for (const std::uint32_t sid : {session_of_[member], unverified_[member]}) {
    if (sid != kNoSession && sid < sessions_.size()) sessions_[sid].dead = true;
  }
  responsive_.erase(std::remove(responsive_.begin(), responsive_.end(), member), responsive_.end());
  session_of_[member] = kNoSession;
  unverified_[member] = kNoSession;
}

bool Coordinator::check_share(std::size_t member) {
  const std::uint32_t sid = unverified_[member];
  if (sid == kNoSession) return true;
  unverified_[member] = kNoSession;
  const Session& session = sessions_[sid];
  ++shares_verified_;
  if (session.prepared->verify_share(ids_[member], session.shares[seat_[member]]).is_ok()) {
    return true;
  }
  mark_malicious(member);
  return false;
}

Result<std::vector<SessionRequest>> Coordinator::on_message(Identifier from, const SignerMessage& message) {
  std::vector<SessionRequest> out;
  const std::size_t member = index_of(from);
  if (member == kNoMember) return Status::invalid("unknown_member");
  if (finished() || failed() || is_malicious_[member]) return out;
  if (message.sender != from) {
    mark_malicious(member);
    return out;
  }
  switch (state_[member]) {
    case MemberState::responsive:  // nothing was asked of it: unsolicited
      mark_malicious(member);
      return out;
    case MemberState::silent:
      if (message.session_id || message.share) {
        mark_malicious(member);
        return out;
      }
      break;
    case MemberState::in_session: {
      const std::uint32_t sid = session_of_[member];
      if (!message.session_id || *message.session_id != sid || !message.share) {
        mark_malicious(member);
        return out;
      }
      if (sid >= sessions_.size() || sessions_[sid].prepared == nullptr) {
        // a session that was never sent (see below): nobody was asked
        mark_malicious(member);
        return out;
      }
      Session& session = sessions_[sid];
      const std::size_t pos = seat_[member];
      session.shares[pos] = *message.share;
      if (!session.received[pos]) {
        session.received[pos] = true;
        ++session.count;
      }
      session_of_[member] = kNoSession;
      // The share is checked lazily (RFC 9591 §5.3 allows checking shares only when the aggregate fails): when the
      // session completes, the aggregate signature's own verification covers every share, and a member is never put
      // in a new session before its share was checked (check_share), which keeps the n − t + 1 bound.
      unverified_[member] = sid;
      if (session.dead) {
        if (!check_share(member)) return out;  // the session cannot complete: checking now names a bad share
      } else if (session.count == session.signers.size()) {
        std::map<Identifier, Scalar> shares;
        for (std::size_t i = 0; i < session.signers.size(); ++i) {
          shares.emplace_hint(shares.end(), session.signers[i], session.shares[i]);
        }
        AggregateOutcome agg = session.prepared->aggregate(shares);
        if (agg.status.is_ok()) {
          signature_ = agg.signature;
          signers_ = session.signers;
          return out;
        }
        // aggregate() checked every share and named exactly the failing senders.
        shares_verified_ += session.signers.size();
        for (const Identifier id : session.signers) {
          const std::size_t m = index_of(id);
          if (unverified_[m] == sid) unverified_[m] = kNoSession;
        }
        for (const Identifier id : agg.culprits) {
          if (const std::size_t culprit = index_of(id); culprit != kNoMember) mark_malicious(culprit);
        }
        session.dead = true;
        if (is_malicious_[member]) return out;
      }
      break;
    }
  }
  // The member answered what was asked: it becomes responsive with its fresh commitment.
  if (message.next_commitment.identifier != from || !checks_->valid_commitment(*key_, message.next_commitment)) {
    mark_malicious(member);
    return out;
  }
  commitment_[member] = message.next_commitment;
  state_[member] = MemberState::responsive;
  responsive_.push_back(member);
  if (responsive_.size() >= key_->min_signers) {
    // Members whose last share is still unchecked are checked before they sign again (see above).
    for (const std::size_t m : std::vector<std::size_t>(responsive_)) check_share(m);
  }
  if (responsive_.size() >= key_->min_signers) {
    SessionRequest request;
    request.session_id = next_session_++;
    request.package.message = message_;
    // Members are indexed in identifier order: taking them in index order sorts the commitments by identifier (a
    // pass over the n members, cheaper than sorting R).
    for (const std::size_t m : responsive_) picked_[m] = 1;
    request.package.commitments.reserve(responsive_.size());
    for (std::size_t m = 0; m < picked_.size(); ++m) {
      if (picked_[m] == 0) continue;
      picked_[m] = 0;
      seat_[m] = static_cast<std::uint32_t>(request.package.commitments.size());
      request.package.commitments.push_back(commitment_[m]);  // each commitment goes into one session only
      state_[m] = MemberState::in_session;
      session_of_[m] = request.session_id;
    }
    responsive_.clear();
    sessions_.emplace_back();  // index request.session_id; stays unsent (prepared null) unless prepared below
    auto prepared = checks_->prepare(*key_, request.package);
    if (prepared == nullptr) {
      // Only a group commitment equal to the identity can fail here (every commitment was validated): that needs
      // commitments chosen to cancel despite the binding factors, i.e. breaking FROST's binding (negligible).
      // Nobody can be blamed for sure; the session is not sent and its members are not asked again.
      return out;
    }
    Session& session = sessions_.back();
    session.prepared = std::move(prepared);
    session.signers.reserve(request.package.commitments.size());
    for (const auto& c : request.package.commitments) session.signers.push_back(c.identifier);
    session.shares.resize(session.signers.size());
    session.received.assign(session.signers.size(), false);
    out.push_back(std::move(request));
  }
  return out;
}

}  // namespace credence::threshold::roast
