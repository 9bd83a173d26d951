// The verifier committee on the wire: membership files, authenticated committee messages, the member service (a
// member re-checks what it is asked to sign, then runs its side of robust FROST signing) and the coordinator driver
// (runs threshold::roast::Coordinator over a transport, never waiting for the slowest member). docs/committee.md.
//
// Authentication and replay protection: every message is an Envelope signed with the sender's Ed25519 identity key
// over its whole encoding ("credence/committee-msg" v1): kind, chain id, sender, recipient, a random 16-byte nonce,
// the nonce of the request it answers, the sender's clock in milliseconds and the payload. A receiver accepts it
// only from the expected sender, addressed to itself, for its chain, within ±kReplayWindowMs of its own clock, and
// with a nonce it has not seen in that window (ReplayGuard) — so a captured message cannot be played again, to
// another member, on another chain or later. A reply must name the nonce of the request it answers.
//
// Threads: MemberService::handle and Coordinator::sign may be called from any thread (each takes its own lock;
// sign() runs the transport's calls on threads of its own). Clocks and randomness are passed in.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/core/certificate.h"
#include "credence/core/verify.h"
#include "credence/crypto/ed25519.h"
#include "credence/status.h"
#include "credence/threshold/frost.h"
#include "credence/threshold/roast.h"

namespace credence::node::committee {

using Clock = std::function<std::uint64_t()>;  // unix milliseconds

// ---- membership (committee.json) and key shares (member-N.share) -------------------------------------------------

struct Member {
  threshold::Identifier id = 0;
  FixedBytes<32> identity{};            // Ed25519 identity key: signs every message the member sends
  threshold::Element verifying_share{};  // Y_i
  std::string url;                       // base URL of its committee endpoints; empty for an embedded member
};

struct CommitteeInfo {
  threshold::Suite suite = threshold::Suite::ed25519;
  std::uint32_t threshold = 0;
  threshold::Element group_public_key{};
  FixedBytes<32> coordinator{};  // the identity key allowed to ask members to sign
  std::vector<Member> members;   // sorted by id

  [[nodiscard]] threshold::PublicKeyPackage public_key_package() const;
  [[nodiscard]] const Member* member(threshold::Identifier id) const;
};

// Strict (unknown fields, duplicate ids or keys, threshold outside 2..n, a suite other than ed25519 — certificates
// must be plain Ed25519 — are invalid("bad_committee", "<field>: <why>")).
Result<CommitteeInfo> committee_from_json(const codec::Json& json);
codec::Json to_json(const CommitteeInfo& committee);

// The committee as genesis records it (core::CommitteeRecord; member URLs are not part of it), and whether a
// committee file describes exactly the committee a chain's genesis fixed.
core::CommitteeRecord to_record(const CommitteeInfo& committee);

// A member's secret share file. Strict as above: invalid("bad_share").
Result<threshold::KeyPackage> share_from_json(const codec::Json& json);
codec::Json share_to_json(const threshold::KeyPackage& key);

// Runs a Pedersen DKG (threshold/dkg.h) among in-process participants, one per identity key (member i + 1 has
// identities[i]), with threshold t, and returns the committee and the shares: the devnet's ceremony, where every
// member lives in one process. No dealer ever holds the group secret.
struct LocalCeremony {
  CommitteeInfo committee;
  std::vector<threshold::KeyPackage> shares;  // index i: member i + 1
};
Result<LocalCeremony> run_local_dkg(const std::vector<FixedBytes<32>>& identities, std::uint32_t t,
                                    const FixedBytes<32>& coordinator, crypto::RandomSource& random);

// ---- envelopes ------------------------------------------------------------------------------------------------------

enum class MessageKind : std::uint8_t {
  sign_request = 1,     // coordinator → member: what to sign (SignRequest)
  sign_reply = 2,       // member → coordinator: first commitment (SignerMessage)
  session_request = 3,  // coordinator → member: a FROST session (roast::SessionRequest)
  session_reply = 4,    // member → coordinator: share + next commitment (SignerMessage)
  refusal = 5,          // member → coordinator: "I checked and will not sign", with the reason
};

using Nonce = FixedBytes<16>;
inline constexpr std::uint64_t kReplayWindowMs = 30'000;
inline constexpr std::size_t kMaxEnvelopeSize = 16u << 20;

struct Envelope {
  MessageKind kind = MessageKind::sign_request;
  std::uint64_t chain_id = 0;
  FixedBytes<32> sender{};
  FixedBytes<32> recipient{};
  Nonce nonce{};
  Nonce in_reply_to{};  // zero for a request
  std::uint64_t time_ms = 0;
  Bytes payload;
};

// Encodes and signs with `key` (whose public key must be envelope.sender; asserted).
Bytes seal(const Envelope& envelope, const crypto::ed25519::SecretKey& key);
// Decodes strictly and checks the sender's signature: invalid("bad_envelope" | codec codes | "bad_signature").
Result<Envelope> open(ByteView bytes);
// The same when the sender is known in advance, with its key parsed once (half the cost of a verification from raw
// key bytes): invalid("unknown_sender") for a message from any other key, checked before the signature.
Result<Envelope> open(ByteView bytes, const crypto::ed25519::PublicKey& sender);

// Remembers the nonces seen within the window. check(): invalid("stale_message") outside ±kReplayWindowMs of
// now_ms, invalid("replayed_message") for a nonce seen before. Bounded: invalid("replay_guard_full") beyond
// `capacity` live nonces (a flood is refused, not remembered). Thread-safe.
class ReplayGuard {
 public:
  explicit ReplayGuard(std::size_t capacity = 1u << 20) : capacity_(capacity) {}
  Status check(const Envelope& envelope, std::uint64_t now_ms);

 private:
  std::mutex mutex_;
  std::size_t capacity_;
  std::map<Nonce, std::uint64_t> seen_;              // nonce → time_ms
  std::multimap<std::uint64_t, Nonce> by_time_;      // for expiry
};

// ---- what is signed -------------------------------------------------------------------------------------------------

enum class SigningKind : std::uint8_t { checkpoint = 1, verdict_batch = 2 };

struct BatchItem {
  core::VerdictStatement statement;
  core::ProofBundle proof;  // the state entries the verdict reads, proven against statement.state_root
};

// The content of a sign request; the member derives the message to sign from it (never takes it on trust).
struct SignRequest {
  Hash256 signing_id{};
  SigningKind kind = SigningKind::checkpoint;
  std::optional<core::Checkpoint> checkpoint;
  std::vector<BatchItem> batch;
};

Bytes encode_sign_request(const SignRequest& request);
Result<SignRequest> decode_sign_request(ByteView bytes);
// The message the committee signs for this request (encode_checkpoint, or encode_batch_message over the batch).
Bytes signing_message(std::uint64_t chain_id, const SignRequest& request);

// ---- the member -----------------------------------------------------------------------------------------------------

// A member's own view of the ledger: what it re-checks before contributing a share.
class Checker {
 public:
  virtual ~Checker() = default;
  // ok if the member's copy of the chain has exactly this header data at checkpoint.height.
  virtual Status check_checkpoint(const core::Checkpoint& checkpoint) = 0;
  // ok if the member's copy of the chain has statement.state_root at statement.height and re-running the
  // verification over the proven entries at statement.issued_at gives exactly the statement's verdict.
  virtual Status check_statement(const core::VerdictStatement& statement, const core::ProofBundle& proof) = 0;
};

// Re-checks a statement given the state root the member itself holds for its height (shared by every Checker).
Status check_statement_against_root(const core::VerdictStatement& statement, const core::ProofBundle& proof,
                                    const Hash256& own_root);

// Misbehaviour on purpose, for the committee's own tests: silent (never answers), bad_share (answers with a
// corrupted share). Never set outside tests; the node logs it loudly at start.
enum class Fault : std::uint8_t { none, silent, bad_share };
Result<Fault> parse_fault(std::string_view text);

class MemberService {
 public:
  MemberService(CommitteeInfo committee, threshold::KeyPackage share, crypto::ed25519::SecretKey identity,
                std::uint64_t chain_id, Checker& checker, Clock clock, Fault fault = Fault::none);

  // Handles one request envelope. Returns the reply envelope (a refusal is a reply too), nullopt when the member is
  // silent, or invalid(...) for a message it must not act on: bad encoding or signature, not from the coordinator,
  // not for us, wrong chain, stale or replayed, unknown signing session, or not of the `expected` kind (HTTP 4xx).
  Result<std::optional<Bytes>> handle(ByteView request, std::optional<MessageKind> expected = std::nullopt);

  [[nodiscard]] threshold::Identifier id() const { return share_.identifier; }
  [[nodiscard]] const FixedBytes<32>& identity() const { return identity_.public_key().bytes(); }

 private:
  struct Pending {
    std::unique_ptr<threshold::roast::Signer> signer;
    std::uint64_t created_ms = 0;
  };
  Result<std::optional<Bytes>> on_sign_request(const Envelope& envelope);
  Result<std::optional<Bytes>> on_session_request(const Envelope& envelope);
  Bytes reply(const Envelope& request, MessageKind kind, Bytes payload);
  void expire(std::uint64_t now_ms);

  CommitteeInfo committee_;
  std::optional<crypto::ed25519::PublicKey> coordinator_key_;  // parsed once; nullopt if the committee's is invalid
  threshold::KeyPackage share_;
  crypto::ed25519::SecretKey identity_;
  std::uint64_t chain_id_;
  Checker& checker_;
  Clock clock_;
  Fault fault_;
  ReplayGuard replay_;
  std::mutex mutex_;
  std::map<Hash256, Pending> pending_;  // by signing id; bounded, expired after kReplayWindowMs * 2
};

// ---- the coordinator ------------------------------------------------------------------------------------------------

// Delivers one request envelope to a member and returns its reply envelope (nullopt: no answer). Called from many
// threads at once; must return by `deadline_ms` (unix ms) or soon after.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<std::optional<Bytes>> call(const Member& member, MessageKind kind, const Bytes& envelope,
                                            std::uint64_t deadline_ms) = 0;
};

// Calls MemberService objects in this process (the devnet's embedded committee): the same envelopes, no sockets.
class LocalTransport final : public Transport {
 public:
  void add(MemberService& member) { members_[member.id()] = &member; }
  Result<std::optional<Bytes>> call(const Member& member, MessageKind kind, const Bytes& envelope,
                                    std::uint64_t deadline_ms) override;

 private:
  std::map<threshold::Identifier, MemberService*> members_;
};

// Embedded members through a LocalTransport, every other member over HTTP at its url.
class RoutingTransport final : public Transport {
 public:
  RoutingTransport();
  void add_local(MemberService& member);
  Result<std::optional<Bytes>> call(const Member& member, MessageKind kind, const Bytes& envelope,
                                    std::uint64_t deadline_ms) override;

 private:
  LocalTransport local_;
  std::set<threshold::Identifier> local_ids_;
  std::unique_ptr<Transport> http_;
};

// POSTs to member.url + "/sign" (sign_request) or "/session" (session_request), body = envelope
// (application/octet-stream). Defined in committee_http.cc.
std::unique_ptr<Transport> make_http_transport();

struct SigningOutcome {
  std::optional<threshold::Signature> signature;
  std::vector<threshold::Identifier> signers;                 // whose shares made the signature
  std::set<threshold::Identifier> malicious;                  // excluded: bad share or malformed message
  std::map<threshold::Identifier, std::string> refusals;      // checked and refused, with the reason
  std::map<threshold::Identifier, std::string> failures;      // transport or authentication failures
  std::map<threshold::Identifier, double> response_ms;        // first answer of each member that answered
  std::uint32_t sessions = 0;  // sessions whose requests were sent
  bool deadline_exceeded = false;
  double elapsed_ms = 0;
};

class Coordinator {
 public:
  // `transport` must outlive the coordinator; the destructor waits for calls still in flight.
  Coordinator(CommitteeInfo committee, crypto::ed25519::SecretKey identity, std::uint64_t chain_id,
              Transport& transport, Clock clock);
  ~Coordinator();
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;
  // Runs robust signing of `request` until a signature, until no signature is possible any more, or until
  // deadline_ms. Never waits for the slowest member: sessions start as soon as t members answered.
  // `on_progress` (optional) sees the partial outcome after every answer, on the calling thread.
  SigningOutcome sign(const SignRequest& request, std::uint64_t deadline_ms,
                      const std::function<void(const SigningOutcome&)>& on_progress = {});

  [[nodiscard]] const CommitteeInfo& committee() const { return committee_; }

 private:
  CommitteeInfo committee_;
  std::map<threshold::Identifier, crypto::ed25519::PublicKey> member_keys_;  // parsed once; a member whose key
                                                                             // does not parse is never heard
  crypto::ed25519::SecretKey identity_;
  std::uint64_t chain_id_;
  Transport& transport_;
  Clock clock_;
  // Calls still running when sign() returned (a slow member's answer is not waited for); joined once done.
  struct Background {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex background_mutex_;
  std::vector<Background> background_;
};

}  // namespace credence::node::committee
