// Robust FROST signing in the style of ROAST (Ruffing, Ronge, Loss, Schneider, Schröder; CCS 2022, eprint
// 2022/550). Spec: docs/threshold.md "Robust signing".
//
// Two pure state machines, driven by a transport that delivers messages in any order (or never):
//   Signer       — one per member; answers each SessionRequest with its signature share for that session plus a
//                  fresh commitment for the next one. It signs only the message it was constructed with and only a
//                  package containing its current commitment, so a nonce pair is never used twice.
//   Coordinator  — collects commitments; as soon as t members are responsive it starts a FROST session with
//                  exactly those t (never waiting for the rest); a member whose share fails the RFC 9591 §5.4
//                  check, whose message is malformed, or who speaks when no answer is expected (unsolicited) is
//                  marked malicious, excluded for good and reported. With at most n − t faulty members (silent or
//                  malicious) and every honest message eventually delivered, a valid signature results after at
//                  most n − t + 1 sessions: every failed session holds a faulty member that is either excluded or
//                  stuck in it, and each member is in at most one open session.
// Neither class uses clocks, threads or sockets; randomness comes in through crypto::RandomSource. Not thread-safe.
//
// The coordinator's cryptographic checks (commitment validity, per-session preparation, share verification,
// aggregation) go through SessionChecks. The default is RFC 9591 FROST over the key (frost_checks()); the stress
// lab (src/lab, docs/lab.md "Modeled crypto") substitutes checks that keep every message and state transition but
// compute no group operations, so large committees can be simulated at scale.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "credence/threshold/frost.h"

namespace credence::threshold::roast {

// Coordinator → the signers of one session.
struct SessionRequest {
  std::uint32_t session_id = 0;
  SigningPackage package;  // message + the t commitments; its signers are the commitments' identifiers
};

// Signer → coordinator. The first message of a member carries only `next_commitment`; every later one answers the
// session the member was last put in.
struct SignerMessage {
  Identifier sender = 0;
  std::optional<std::uint32_t> session_id;
  std::optional<Scalar> share;
  SigningCommitment next_commitment;
};

class Signer {
 public:
  // `message` is what this member has agreed to sign (it re-checked it itself).
  Signer(KeyPackage key, Bytes message);

  // The first message: a fresh commitment. Call once.
  Result<SignerMessage> start(crypto::RandomSource& random);
  // Signs `request` with the pending nonces and commits afresh. invalid("message_mismatch") if the package is for
  // another message, invalid("stale_commitment") if it does not hold our current commitment (the nonces stay
  // pending), or the FROST invalid codes of sign().
  Result<SignerMessage> on_request(const SessionRequest& request, crypto::RandomSource& random);

 private:
  KeyPackage key_;
  Bytes message_;
  std::optional<SigningNonces> pending_;
};

// The checks a Coordinator makes on what members send. Implementations must be deterministic and stateless
// (const); one object may serve many coordinators.
class SessionChecks {
 public:
  // One session's precomputation over its signing package (commitments sorted by identifier).
  class Prepared {
   public:
    virtual ~Prepared() = default;
    [[nodiscard]] virtual Status verify_share(Identifier identifier, FixedView<kScalarSize> share) const = 0;
    [[nodiscard]] virtual AggregateOutcome aggregate(const std::map<Identifier, Scalar>& shares) const = 0;
  };
  virtual ~SessionChecks() = default;
  // Whether `commitment` (already known to carry the sender's identifier) holds two valid elements of key.suite.
  [[nodiscard]] virtual bool valid_commitment(const PublicKeyPackage& key,
                                              const SigningCommitment& commitment) const = 0;
  // nullptr when the package cannot be prepared (for FROST: an identity group commitment).
  [[nodiscard]] virtual std::unique_ptr<Prepared> prepare(const PublicKeyPackage& key,
                                                          const SigningPackage& package) const = 0;
};
// RFC 9591 FROST (PreparedPackage and the element checks of frost.h): what create(key, message) uses.
[[nodiscard]] std::shared_ptr<const SessionChecks> frost_checks();

class Coordinator {
 public:
  // invalid("invalid_parameters") unless 2 ≤ min_signers ≤ number of verifying shares.
  static Result<Coordinator> create(PublicKeyPackage key, Bytes message);
  // The same with other checks (non-null); see SessionChecks.
  static Result<Coordinator> create(PublicKeyPackage key, Bytes message, std::shared_ptr<const SessionChecks> checks);
  // The same over a key package shared with other coordinators (non-null): one signing per batch, as the stress lab
  // runs, then neither copies nor frees the n verifying shares each time.
  static Result<Coordinator> create(std::shared_ptr<const PublicKeyPackage> key, Bytes message,
                                    std::shared_ptr<const SessionChecks> checks);

  // Handles one message from member `from` (the transport authenticated it). Returns the sessions to start (zero or
  // one). invalid("unknown_member") for a sender outside the key; a member's own misbehaviour is not an error of
  // this call — it marks the member malicious. Once finished() or failed(), messages are ignored.
  Result<std::vector<SessionRequest>> on_message(Identifier from, const SignerMessage& message);

  [[nodiscard]] bool finished() const { return signature_.has_value(); }
  // True when more than n − t members are malicious: no signature can be produced any more.
  [[nodiscard]] bool failed() const { return malicious_.size() > key_->verifying_shares.size() - key_->min_signers; }
  [[nodiscard]] const std::optional<Signature>& signature() const { return signature_; }
  [[nodiscard]] const std::set<Identifier>& malicious() const { return malicious_; }
  [[nodiscard]] std::uint32_t sessions_started() const { return next_session_; }
  // Individual share checks made so far (§5.4). Shares are checked lazily: a session whose aggregate signature
  // verifies needs none; see on_message.
  [[nodiscard]] std::uint64_t shares_verified() const { return shares_verified_; }
  // The signers of the session that produced the signature (empty before).
  [[nodiscard]] const std::vector<Identifier>& signers() const { return signers_; }

 private:
  Coordinator() = default;
  // Per-member state lives in flat arrays indexed by the member's position among the key's identifiers (sorted);
  // a message costs O(1) bookkeeping plus, when it starts a session, O(n).
  static constexpr std::uint32_t kNoSession = 0xffffffffu;
  static constexpr std::size_t kNoMember = ~std::size_t{0};
  struct Session {
    std::unique_ptr<SessionChecks::Prepared> prepared;  // for FROST: R, c and ρ_i computed once; null: never sent
    std::vector<Identifier> signers;                    // sorted
    std::vector<Scalar> shares;                         // parallel to signers
    std::vector<bool> received;                         // parallel to signers
    std::size_t count = 0;                              // shares received
    bool dead = false;  // a member of it turned out malicious: it can no longer produce a signature
  };
  enum class MemberState : std::uint8_t { silent, responsive, in_session };
  // The position of `id` among ids_, or kNoMember.
  [[nodiscard]] std::size_t index_of(Identifier id) const;
  void mark_malicious(std::size_t member);
  // Checks the member's unchecked share (if any); false, with the member marked malicious, when it fails.
  bool check_share(std::size_t member);

  std::shared_ptr<const PublicKeyPackage> key_;  // on the heap: sessions borrow it, it survives moves, it may be shared
  std::shared_ptr<const SessionChecks> checks_;
  Bytes message_;
  std::vector<Identifier> ids_;                // the key's identifiers, sorted
  bool dense_ = false;                         // ids_[i] == i + 1 for every i
  std::vector<MemberState> state_;             // per member
  std::vector<std::uint32_t> session_of_;      // per member: its open session (in_session), else kNoSession
  std::vector<SigningCommitment> commitment_;  // per member: latest unused commitment (valid while responsive)
  std::vector<bool> is_malicious_;             // per member
  std::vector<std::uint32_t> unverified_;      // per member: the session holding its unchecked share, or kNoSession
  // Per member: its index in signers / shares / received of the session named by session_of_ or unverified_ (never
  // both: a member's share is checked before it joins another session).
  std::vector<std::uint32_t> seat_;
  // Scratch for forming a session: all zero between calls.
  std::vector<std::uint8_t> picked_;
  std::vector<std::size_t> responsive_;  // R: members ready for the next session, arrival order
  std::vector<Session> sessions_;        // indexed by session id
  std::set<Identifier> malicious_;
  std::uint32_t next_session_ = 0;
  std::uint64_t shares_verified_ = 0;
  std::optional<Signature> signature_;
  std::vector<Identifier> signers_;
};

}  // namespace credence::threshold::roast
