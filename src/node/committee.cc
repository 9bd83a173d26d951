#include "credence/node/committee.h"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <condition_variable>
#include <deque>
#include <thread>

#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/crypto/random.h"
#include "credence/threshold/dkg.h"
#include "credence/threshold/messages.h"

namespace credence::node::committee {

namespace {

constexpr std::string_view kEnvelopeTag = "credence/committee-msg";
constexpr std::string_view kSignRequestTag = "credence/committee-sign";
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kMaxPending = 1024;
// A statement's evaluation time may differ from the member's clock by this much (clock skew plus batching).
constexpr std::uint64_t kMaxIssuedAtSkewSeconds = 60;

Status bad(const std::string& code, const std::string& field, const std::string& why) {
  return Status::invalid(code, field + ": " + why);
}

Result<threshold::Element> element_field(codec::ObjectReader& r, const std::string& key, const std::string& code) {
  CREDENCE_ASSIGN_OR_RETURN(auto bytes, r.hex_fixed<32>(key));
  auto e = threshold::parse_element(threshold::Suite::ed25519, bytes);
  if (!e) return bad(code, key, e.status().to_string());
  return *e;
}

Result<threshold::Suite> suite_field(codec::ObjectReader& r, const std::string& code) {
  CREDENCE_ASSIGN_OR_RETURN(std::string suite, r.string("suite"));
  // Certificates must be one plain Ed25519 signature anyone can check: only the Ed25519 suite is a committee suite.
  if (suite != "ed25519") return bad(code, "suite", "\"" + suite + "\" is not a committee suite (ed25519)");
  return threshold::Suite::ed25519;
}

template <typename T>
Result<T> with_code(Result<T> r, const std::string& code) {
  if (!r && r.status().code() != code) return Status::invalid(code, r.status().to_string());
  return r;
}

Nonce random_nonce(crypto::RandomSource& random) { return random.bytes<16>(); }

bool is_zero(const Nonce& n) {
  return std::all_of(n.begin(), n.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

// ---- membership -------------------------------------------------------------------------------------------------------

threshold::PublicKeyPackage CommitteeInfo::public_key_package() const {
  threshold::PublicKeyPackage p;
  p.suite = suite;
  p.group_public_key = group_public_key;
  p.min_signers = threshold;
  for (const Member& m : members) p.verifying_shares.emplace(m.id, m.verifying_share);
  return p;
}

const Member* CommitteeInfo::member(threshold::Identifier id) const {
  for (const Member& m : members) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

Result<CommitteeInfo> committee_from_json(const codec::Json& json) {
  return with_code<CommitteeInfo>(
      [&]() -> Result<CommitteeInfo> {
        CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "committee"));
        CommitteeInfo c;
        CREDENCE_ASSIGN_OR_RETURN(c.suite, suite_field(r, "bad_committee"));
        CREDENCE_ASSIGN_OR_RETURN(std::uint64_t t, r.u64("threshold"));
        CREDENCE_ASSIGN_OR_RETURN(c.group_public_key, element_field(r, "group_public_key", "bad_committee"));
        CREDENCE_ASSIGN_OR_RETURN(c.coordinator, r.hex_fixed<32>("coordinator"));
        CREDENCE_ASSIGN_OR_RETURN(const codec::Json* members, r.value("members"));
        CREDENCE_RETURN_IF_ERROR(r.finish());
        if (!members->is_array() || members->size() < 2 || members->size() > 1000) {
          return bad("bad_committee", "members", "an array of 2..1000 members expected");
        }
        std::set<threshold::Identifier> ids;
        std::set<FixedBytes<32>> identities;
        for (const auto& mj : *members) {
          CREDENCE_ASSIGN_OR_RETURN(auto m, codec::ObjectReader::make(mj, "member"));
          Member member;
          CREDENCE_ASSIGN_OR_RETURN(std::uint64_t id, m.u64("id"));
          if (id == 0 || id > 65535) return bad("bad_committee", "members.id", "1..65535 expected");
          member.id = static_cast<threshold::Identifier>(id);
          CREDENCE_ASSIGN_OR_RETURN(member.identity, m.hex_fixed<32>("identity"));
          if (!crypto::ed25519::PublicKey::parse(member.identity)) {
            return bad("bad_committee", "members.identity", "not a valid Ed25519 key");
          }
          CREDENCE_ASSIGN_OR_RETURN(member.verifying_share, element_field(m, "verifying_share", "bad_committee"));
          if (m.optional("url")) {
            CREDENCE_ASSIGN_OR_RETURN(member.url, m.string("url"));
          }
          CREDENCE_RETURN_IF_ERROR(m.finish());
          if (!ids.insert(member.id).second) {
            return bad("bad_committee", "members", "identifier " + std::to_string(id) + " appears twice");
          }
          if (!identities.insert(member.identity).second) {
            return bad("bad_committee", "members", "an identity key appears twice");
          }
          c.members.push_back(std::move(member));
        }
        if (t < 2 || t > c.members.size()) return bad("bad_committee", "threshold", "2..number of members expected");
        c.threshold = static_cast<std::uint32_t>(t);
        std::sort(c.members.begin(), c.members.end(), [](const Member& a, const Member& b) { return a.id < b.id; });
        return c;
      }(),
      "bad_committee");
}

codec::Json to_json(const CommitteeInfo& c) {
  codec::Json members = codec::Json::array();
  for (const Member& m : c.members) {
    codec::Json mj{{"id", m.id},
                   {"identity", codec::hex_encode_0x(m.identity)},
                   {"verifying_share", codec::hex_encode_0x(m.verifying_share)}};
    if (!m.url.empty()) mj["url"] = m.url;
    members.push_back(std::move(mj));
  }
  return codec::Json{{"suite", std::string(threshold::suite_name(c.suite))},
                     {"threshold", c.threshold},
                     {"group_public_key", codec::hex_encode_0x(c.group_public_key)},
                     {"coordinator", codec::hex_encode_0x(c.coordinator)},
                     {"members", std::move(members)}};
}

Result<threshold::KeyPackage> share_from_json(const codec::Json& json) {
  return with_code<threshold::KeyPackage>(
      [&]() -> Result<threshold::KeyPackage> {
        CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "share"));
        threshold::KeyPackage k;
        CREDENCE_ASSIGN_OR_RETURN(k.suite, suite_field(r, "bad_share"));
        CREDENCE_ASSIGN_OR_RETURN(std::uint64_t id, r.u64("identifier"));
        if (id == 0 || id > 65535) return bad("bad_share", "identifier", "1..65535 expected");
        k.identifier = static_cast<threshold::Identifier>(id);
        CREDENCE_ASSIGN_OR_RETURN(std::uint64_t t, r.u64("min_signers"));
        if (t < 2 || t > 65535) return bad("bad_share", "min_signers", "2..65535 expected");
        k.min_signers = static_cast<std::uint32_t>(t);
        CREDENCE_ASSIGN_OR_RETURN(auto secret, r.hex_fixed<32>("signing_share"));
        auto scalar = threshold::parse_scalar(secret);
        if (!scalar) return bad("bad_share", "signing_share", scalar.status().to_string());
        k.signing_share = threshold::SecretScalar(secret);
        sodium_memzero(secret.data(), secret.size());
        CREDENCE_ASSIGN_OR_RETURN(k.verifying_share, element_field(r, "verifying_share", "bad_share"));
        CREDENCE_ASSIGN_OR_RETURN(k.group_public_key, element_field(r, "group_public_key", "bad_share"));
        CREDENCE_RETURN_IF_ERROR(r.finish());
        // The share must match its public half: s·B == Y (a mismatched file would only produce bad shares later).
        std::array<std::uint8_t, 32> y{};
        if (crypto_scalarmult_ed25519_base_noclamp(y.data(), k.signing_share.view().data()) != 0 ||
            !std::equal(y.begin(), y.end(), k.verifying_share.begin())) {
          return bad("bad_share", "signing_share", "does not match verifying_share");
        }
        return k;
      }(),
      "bad_share");
}

codec::Json share_to_json(const threshold::KeyPackage& k) {
  return codec::Json{{"suite", std::string(threshold::suite_name(k.suite))},
                     {"identifier", k.identifier},
                     {"min_signers", k.min_signers},
                     {"signing_share", codec::hex_encode_0x(k.signing_share.view())},
                     {"verifying_share", codec::hex_encode_0x(k.verifying_share)},
                     {"group_public_key", codec::hex_encode_0x(k.group_public_key)}};
}

core::CommitteeRecord to_record(const CommitteeInfo& committee) {
  core::CommitteeRecord record;
  record.threshold = committee.threshold;
  record.group_public_key = committee.group_public_key;
  record.coordinator = committee.coordinator;
  for (const Member& m : committee.members) record.members.push_back({m.id, m.identity, m.verifying_share});
  return record;
}

Result<LocalCeremony> run_local_dkg(const std::vector<FixedBytes<32>>& identities, std::uint32_t t,
                                    const FixedBytes<32>& coordinator, crypto::RandomSource& random) {
  using namespace threshold;
  const auto n = static_cast<std::uint32_t>(identities.size());
  std::vector<dkg::Participant> participants;
  std::map<Identifier, dkg::Round1Package> round1;
  for (std::uint32_t id = 1; id <= n; ++id) {
    CREDENCE_ASSIGN_OR_RETURN(auto p, dkg::Participant::create(Suite::ed25519, id, n, t, random));
    round1.emplace(id, p.round1_package());
    participants.push_back(std::move(p));
  }
  std::map<Identifier, std::map<Identifier, dkg::Round2Package>> inbox;
  for (auto& p : participants) {
    CREDENCE_ASSIGN_OR_RETURN(auto sent, p.part2(round1));
    for (auto& package : sent) inbox[package.recipient].emplace(package.sender, std::move(package));
  }
  LocalCeremony out;
  out.committee.suite = Suite::ed25519;
  out.committee.threshold = t;
  out.committee.coordinator = coordinator;
  for (auto& p : participants) {
    CREDENCE_ASSIGN_OR_RETURN(auto result, p.part3(inbox[p.identifier()]));
    if (p.identifier() == 1) {
      out.committee.group_public_key = result.public_key.group_public_key;
    } else if (result.public_key.group_public_key != out.committee.group_public_key) {
      return Status::error("dkg_inconsistent", "members derived different group keys");
    }
    out.committee.members.push_back(
        Member{p.identifier(), identities[p.identifier() - 1], result.key_package.verifying_share, ""});
    out.shares.push_back(std::move(result.key_package));
  }
  return out;
}

// ---- envelopes ----------------------------------------------------------------------------------------------------

namespace {

Bytes envelope_body(const Envelope& e) {
  codec::Writer w(kEnvelopeTag, kVersion);
  w.u8(static_cast<std::uint8_t>(e.kind))
      .u64(e.chain_id)
      .fixed<32>(e.sender)
      .fixed<32>(e.recipient)
      .fixed<16>(e.nonce)
      .fixed<16>(e.in_reply_to)
      .u64(e.time_ms)
      .bytes(e.payload);
  return std::move(w).take();
}

}  // namespace

Bytes seal(const Envelope& envelope, const crypto::ed25519::SecretKey& key) {
  assert(key.public_key().bytes() == envelope.sender);
  Bytes body = envelope_body(envelope);
  const auto signature = key.sign(body);
  body.insert(body.end(), signature.begin(), signature.end());
  return body;
}

namespace {

// Decodes an envelope strictly, without checking its signature: the caller verifies `body` against `signature`.
struct Unsealed {
  Envelope envelope;
  ByteView body;
  FixedView<crypto::ed25519::kSignatureSize> signature;
};

Result<Unsealed> unseal(ByteView bytes) {
  if (bytes.size() > kMaxEnvelopeSize) return Status::invalid("too_large", "committee message over 16 MiB");
  if (bytes.size() < crypto::ed25519::kSignatureSize) return Status::invalid("truncated", "no signature");
  const ByteView body = bytes.first(bytes.size() - crypto::ed25519::kSignatureSize);
  const ByteView signature = bytes.last(crypto::ed25519::kSignatureSize);
  codec::Reader r(body, kMaxEnvelopeSize);
  CREDENCE_RETURN_IF_ERROR(r.header(kEnvelopeTag, kVersion, kVersion).status());
  Envelope e;
  CREDENCE_ASSIGN_OR_RETURN(std::uint8_t kind, r.u8());
  if (kind < 1 || kind > 5) return Status::invalid("bad_envelope", "unknown message kind " + std::to_string(kind));
  e.kind = static_cast<MessageKind>(kind);
  CREDENCE_ASSIGN_OR_RETURN(e.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(e.sender, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(e.recipient, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(e.nonce, r.fixed<16>());
  CREDENCE_ASSIGN_OR_RETURN(e.in_reply_to, r.fixed<16>());
  CREDENCE_ASSIGN_OR_RETURN(e.time_ms, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(e.payload, r.bytes());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  const bool is_reply = e.kind != MessageKind::sign_request && e.kind != MessageKind::session_request;
  if (is_reply == is_zero(e.in_reply_to)) {
    return Status::invalid("bad_envelope", is_reply ? "a reply must name its request" : "a request answers nothing");
  }
  return Unsealed{std::move(e), body, FixedView<crypto::ed25519::kSignatureSize>(signature.data(), signature.size())};
}

std::optional<crypto::ed25519::PublicKey> parsed_key(const FixedBytes<32>& bytes) {
  auto key = crypto::ed25519::PublicKey::parse(bytes);
  if (!key) return std::nullopt;
  return *key;
}

Status signature_status(Status s) {
  if (s.is_ok()) return s;
  return Status::invalid("bad_signature", "committee message signature: " + s.to_string());
}

}  // namespace

Result<Envelope> open(ByteView bytes) {
  CREDENCE_ASSIGN_OR_RETURN(Unsealed u, unseal(bytes));
  CREDENCE_RETURN_IF_ERROR(signature_status(crypto::ed25519::verify(u.envelope.sender, u.body, u.signature)));
  return std::move(u.envelope);
}

Result<Envelope> open(ByteView bytes, const crypto::ed25519::PublicKey& sender) {
  CREDENCE_ASSIGN_OR_RETURN(Unsealed u, unseal(bytes));
  // Checked before the signature: a message from anyone else costs no verification.
  if (u.envelope.sender != sender.bytes()) return Status::invalid("unknown_sender", "the message is from another key");
  CREDENCE_RETURN_IF_ERROR(signature_status(crypto::ed25519::verify(sender, u.body, u.signature)));
  return std::move(u.envelope);
}

Status ReplayGuard::check(const Envelope& e, std::uint64_t now_ms) {
  const std::uint64_t low = now_ms > kReplayWindowMs ? now_ms - kReplayWindowMs : 0;
  if (e.time_ms < low || e.time_ms > now_ms + kReplayWindowMs) {
    return Status::invalid("stale_message", "message time is outside ±" + std::to_string(kReplayWindowMs) +
                                                " ms of this member's clock");
  }
  std::lock_guard lock(mutex_);
  // Forget nonces that left the window: a message that old is refused as stale anyway.
  while (!by_time_.empty() && by_time_.begin()->first + 2 * kReplayWindowMs < now_ms) {
    seen_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
  if (seen_.contains(e.nonce)) return Status::invalid("replayed_message", "nonce already seen");
  if (seen_.size() >= capacity_) return Status::invalid("replay_guard_full", "too many messages in the window");
  seen_.emplace(e.nonce, e.time_ms);
  by_time_.emplace(e.time_ms, e.nonce);
  return Status::ok();
}

// ---- sign requests ------------------------------------------------------------------------------------------------

Bytes encode_sign_request(const SignRequest& request) {
  codec::Writer w(kSignRequestTag, kVersion);
  w.fixed<32>(request.signing_id).u8(static_cast<std::uint8_t>(request.kind));
  if (request.kind == SigningKind::checkpoint) {
    assert(request.checkpoint.has_value());
    w.bytes(core::encode_checkpoint(*request.checkpoint));
  } else {
    w.varint(request.batch.size());
    for (const BatchItem& item : request.batch) {
      w.bytes(core::encode_statement(item.statement));
      w.string(codec::dump_json(core::to_json(item.proof)));
    }
  }
  return std::move(w).take();
}

Result<SignRequest> decode_sign_request(ByteView bytes) {
  codec::Reader r(bytes, kMaxEnvelopeSize);
  CREDENCE_RETURN_IF_ERROR(r.header(kSignRequestTag, kVersion, kVersion).status());
  SignRequest q;
  CREDENCE_ASSIGN_OR_RETURN(q.signing_id, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(std::uint8_t kind, r.u8());
  if (kind == static_cast<std::uint8_t>(SigningKind::checkpoint)) {
    q.kind = SigningKind::checkpoint;
    CREDENCE_ASSIGN_OR_RETURN(Bytes encoded, r.bytes());
    CREDENCE_ASSIGN_OR_RETURN(q.checkpoint, core::decode_checkpoint(encoded));
  } else if (kind == static_cast<std::uint8_t>(SigningKind::verdict_batch)) {
    q.kind = SigningKind::verdict_batch;
    CREDENCE_ASSIGN_OR_RETURN(std::uint64_t n, r.count(2));
    if (n == 0 || n > core::kMaxBatchStatements) {
      return Status::invalid("bad_sign_request", "a batch holds 1.." + std::to_string(core::kMaxBatchStatements) +
                                                     " statements");
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      BatchItem item;
      CREDENCE_ASSIGN_OR_RETURN(Bytes encoded, r.bytes());
      CREDENCE_ASSIGN_OR_RETURN(item.statement, core::decode_statement(encoded));
      CREDENCE_ASSIGN_OR_RETURN(std::string proof_text, r.string());
      CREDENCE_ASSIGN_OR_RETURN(auto proof_json, codec::parse_json(proof_text));
      CREDENCE_ASSIGN_OR_RETURN(item.proof, core::proof_bundle_from_json(proof_json));
      q.batch.push_back(std::move(item));
    }
  } else {
    return Status::invalid("bad_sign_request", "unknown signing kind " + std::to_string(kind));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return q;
}

Bytes signing_message(std::uint64_t chain_id, const SignRequest& request) {
  if (request.kind == SigningKind::checkpoint) return core::encode_checkpoint(*request.checkpoint);
  std::vector<Hash256> leaves;
  leaves.reserve(request.batch.size());
  for (const BatchItem& item : request.batch) leaves.push_back(core::statement_leaf(item.statement));
  return core::encode_batch_message(chain_id, static_cast<std::uint32_t>(leaves.size()), core::batch_root(leaves));
}

// ---- the member ---------------------------------------------------------------------------------------------------

Status check_statement_against_root(const core::VerdictStatement& statement, const core::ProofBundle& proof,
                                    const Hash256& own_root) {
  if (statement.state_root != own_root) {
    return Status::invalid("state_root_mismatch", "height " + std::to_string(statement.height) +
                                                      " has another state root in this member's copy");
  }
  auto view = core::ProofView::make(proof, own_root);
  if (!view) return Status::invalid("bad_proof", view.status().to_string());
  auto verdict = core::verify_attestation(*view, statement.attestation, statement.issued_at);
  if (!verdict) return Status::invalid("cannot_evaluate", verdict.status().to_string());
  std::vector<std::string> codes;
  for (const auto& reason : verdict->reasons) codes.push_back(reason.code);
  if (verdict->valid() != statement.valid || codes != statement.reasons) {
    return Status::invalid("verdict_mismatch", "this member evaluates attestation " +
                                                   codec::hex_encode_0x(statement.attestation) + " as " +
                                                   (verdict->valid() ? "valid" : "invalid"));
  }
  return Status::ok();
}

Result<Fault> parse_fault(std::string_view text) {
  if (text == "none") return Fault::none;
  if (text == "silent") return Fault::silent;
  if (text == "bad_share" || text == "bad-share") return Fault::bad_share;
  return Status::invalid("bad_fault", "fault must be none, silent or bad_share");
}

MemberService::MemberService(CommitteeInfo committee, threshold::KeyPackage share, crypto::ed25519::SecretKey identity,
                             std::uint64_t chain_id, Checker& checker, Clock clock, Fault fault)
    : committee_(std::move(committee)),
      coordinator_key_(parsed_key(committee_.coordinator)),
      share_(std::move(share)),
      identity_(std::move(identity)),
      chain_id_(chain_id),
      checker_(checker),
      clock_(std::move(clock)),
      fault_(fault) {}

Bytes MemberService::reply(const Envelope& request, MessageKind kind, Bytes payload) {
  crypto::SystemRandom random;
  Envelope e;
  e.kind = kind;
  e.chain_id = chain_id_;
  e.sender = identity_.public_key().bytes();
  e.recipient = request.sender;
  e.nonce = random_nonce(random);
  e.in_reply_to = request.nonce;
  e.time_ms = clock_();
  e.payload = std::move(payload);
  return seal(e, identity_);
}

void MemberService::expire(std::uint64_t now_ms) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.created_ms + 2 * kReplayWindowMs < now_ms) {
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::optional<Bytes>> MemberService::handle(ByteView request, std::optional<MessageKind> expected) {
  if (!coordinator_key_) return Status::error("bad_committee", "the committee's coordinator key is not a valid key");
  auto opened = open(request, *coordinator_key_);
  if (!opened && opened.status().code() == "unknown_sender") {
    return Status::invalid("unknown_sender", "only the committee's coordinator may ask members to sign");
  }
  CREDENCE_ASSIGN_OR_RETURN(Envelope e, std::move(opened));
  if (expected && e.kind != *expected) {
    return Status::invalid("bad_envelope", "this endpoint takes another message kind");
  }
  if (e.recipient != identity_.public_key().bytes()) {
    return Status::invalid("wrong_recipient", "the message is addressed to another member");
  }
  if (e.chain_id != chain_id_) return Status::invalid("bad_chain_id", "the message is for chain " +
                                                                         std::to_string(e.chain_id));
  if (e.kind != MessageKind::sign_request && e.kind != MessageKind::session_request) {
    return Status::invalid("bad_envelope", "members answer sign and session requests only");
  }
  CREDENCE_RETURN_IF_ERROR(replay_.check(e, clock_()));
  if (fault_ == Fault::silent) return std::optional<Bytes>{};
  return e.kind == MessageKind::sign_request ? on_sign_request(e) : on_session_request(e);
}

Result<std::optional<Bytes>> MemberService::on_sign_request(const Envelope& e) {
  CREDENCE_ASSIGN_OR_RETURN(SignRequest request, decode_sign_request(e.payload));
  // Sign only what this member has checked itself against its own copy of the ledger.
  Status check = Status::ok();
  if (request.kind == SigningKind::checkpoint) {
    if (request.checkpoint->chain_id != chain_id_) {
      check = Status::invalid("bad_chain_id", "checkpoint for another chain");
    } else {
      check = checker_.check_checkpoint(*request.checkpoint);
    }
  } else {
    const std::uint64_t now_s = clock_() / 1000;
    for (const BatchItem& item : request.batch) {
      const auto& s = item.statement;
      if (s.chain_id != chain_id_) {
        check = Status::invalid("bad_chain_id", "statement for another chain");
      } else if (s.issued_at + kMaxIssuedAtSkewSeconds < now_s || s.issued_at > now_s + kMaxIssuedAtSkewSeconds) {
        check = Status::invalid("bad_time", "a statement's issued_at is far from this member's clock");
      } else {
        check = checker_.check_statement(s, item.proof);
      }
      if (!check.is_ok()) break;
    }
  }
  if (!check.is_ok()) {
    codec::Writer w;
    w.fixed<32>(request.signing_id).string(check.code()).string(check.message());
    return std::optional<Bytes>(reply(e, MessageKind::refusal, std::move(w).take()));
  }
  auto signer = std::make_unique<threshold::roast::Signer>(
      threshold::KeyPackage{share_.suite, share_.identifier, threshold::SecretScalar(share_.signing_share.view()),
                            share_.verifying_share, share_.group_public_key, share_.min_signers},
      signing_message(chain_id_, request));
  crypto::SystemRandom random;
  CREDENCE_ASSIGN_OR_RETURN(auto first, signer->start(random));
  {
    std::lock_guard lock(mutex_);
    expire(clock_());
    if (pending_.size() >= kMaxPending) return Status::invalid("busy", "too many signing sessions in flight");
    if (pending_.contains(request.signing_id)) return Status::invalid("duplicate_signing", "signing id in use");
    pending_.emplace(request.signing_id, Pending{std::move(signer), clock_()});
  }
  codec::Writer w;
  w.fixed<32>(request.signing_id).bytes(threshold::encode_signer_message(share_.suite, first));
  return std::optional<Bytes>(reply(e, MessageKind::sign_reply, std::move(w).take()));
}

Result<std::optional<Bytes>> MemberService::on_session_request(const Envelope& e) {
  codec::Reader r(e.payload, kMaxEnvelopeSize);
  CREDENCE_ASSIGN_OR_RETURN(Hash256 signing_id, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(Bytes encoded, r.bytes());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  CREDENCE_ASSIGN_OR_RETURN(auto session, threshold::decode_session_request(share_.suite, encoded));
  Result<threshold::roast::SignerMessage> answer = Status::error("unset");
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(signing_id);
    if (it == pending_.end()) return Status::invalid("unknown_signing", "no signing session with that id");
    crypto::SystemRandom random;
    answer = it->second.signer->on_request(session, random);
  }
  if (!answer) return answer.status();
  if (fault_ == Fault::bad_share && answer->share) {
    // Test fault: a share that fails the RFC 9591 §5.4 check (still a canonical scalar).
    (*answer->share)[0] ^= 1;
    (*answer->share)[31] &= 0x0f;
  }
  codec::Writer w;
  w.fixed<32>(signing_id).bytes(threshold::encode_signer_message(share_.suite, *answer));
  return std::optional<Bytes>(reply(e, MessageKind::session_reply, std::move(w).take()));
}

// ---- the coordinator ----------------------------------------------------------------------------------------------

Result<std::optional<Bytes>> LocalTransport::call(const Member& member, MessageKind, const Bytes& envelope,
                                                  std::uint64_t) {
  auto it = members_.find(member.id);
  if (it == members_.end()) return Status::error("unreachable", "no embedded member " + std::to_string(member.id));
  return it->second->handle(envelope);
}

RoutingTransport::RoutingTransport() : http_(make_http_transport()) {}

void RoutingTransport::add_local(MemberService& member) {
  local_.add(member);
  local_ids_.insert(member.id());
}

Result<std::optional<Bytes>> RoutingTransport::call(const Member& member, MessageKind kind, const Bytes& envelope,
                                                    std::uint64_t deadline_ms) {
  if (local_ids_.contains(member.id)) return local_.call(member, kind, envelope, deadline_ms);
  return http_->call(member, kind, envelope, deadline_ms);
}

Coordinator::Coordinator(CommitteeInfo committee, crypto::ed25519::SecretKey identity, std::uint64_t chain_id,
                         Transport& transport, Clock clock)
    : committee_(std::move(committee)),
      identity_(std::move(identity)),
      chain_id_(chain_id),
      transport_(transport),
      clock_(std::move(clock)) {
  for (const Member& m : committee_.members) {
    if (auto key = parsed_key(m.identity)) member_keys_.emplace(m.id, *key);
  }
}

Coordinator::~Coordinator() {
  std::lock_guard lock(background_mutex_);
  for (auto& b : background_) b.thread.join();
}

namespace {

// What the transport threads hand back to the signing loop. Shared with the threads so that a thread finishing
// after sign() returned writes into live memory.
struct Inbox {
  struct Event {
    threshold::Identifier member = 0;
    Nonce request_nonce{};
    MessageKind request_kind = MessageKind::sign_request;
    Result<std::optional<Bytes>> reply = Status::error("unset");
  };
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Event> events;
  std::size_t outstanding = 0;
};

}  // namespace

SigningOutcome Coordinator::sign(const SignRequest& request, std::uint64_t deadline_ms,
                                 const std::function<void(const SigningOutcome&)>& on_progress) {
  SigningOutcome outcome;
  const auto started = std::chrono::steady_clock::now();
  const Bytes message = signing_message(chain_id_, request);
  auto roast = threshold::roast::Coordinator::create(committee_.public_key_package(), message);
  if (!roast) {
    outcome.failures[0] = roast.status().to_string();
    return outcome;
  }
  auto inbox = std::make_shared<Inbox>();
  crypto::SystemRandom random;
  std::vector<Background> threads;
  {
    // Reap the calls of earlier signings that have finished.
    std::lock_guard lock(background_mutex_);
    for (auto it = background_.begin(); it != background_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = background_.erase(it);
      } else {
        ++it;
      }
    }
  }

  auto send = [&](const Member& member, MessageKind kind, Bytes payload) {
    Envelope e;
    e.kind = kind;
    e.chain_id = chain_id_;
    e.sender = identity_.public_key().bytes();
    e.recipient = member.identity;
    e.nonce = random_nonce(random);
    e.time_ms = clock_();
    e.payload = std::move(payload);
    Bytes sealed = seal(e, identity_);
    {
      std::lock_guard lock(inbox->mutex);
      ++inbox->outstanding;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([inbox, done, &transport = transport_, member, kind, nonce = e.nonce,
                        sealed = std::move(sealed), deadline_ms] {
      Inbox::Event event{member.id, nonce, kind, transport.call(member, kind, sealed, deadline_ms)};
      {
        std::lock_guard lock(inbox->mutex);
        inbox->events.push_back(std::move(event));
        --inbox->outstanding;
        inbox->cv.notify_one();
      }
      done->store(true);
    });
    threads.push_back(Background{std::move(thread), std::move(done)});
  };

  const Bytes sign_payload = encode_sign_request(request);
  for (const Member& member : committee_.members) send(member, MessageKind::sign_request, sign_payload);

  auto elapsed = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  };
  // Takes one reply apart; returns the roast message or records why there is none.
  auto accept = [&](Inbox::Event& ev) -> std::optional<threshold::roast::SignerMessage> {
    if (!ev.reply.ok()) {
      outcome.failures[ev.member] = ev.reply.status().to_string();
      return std::nullopt;
    }
    if (!ev.reply->has_value()) return std::nullopt;  // silent
    auto key = member_keys_.find(ev.member);
    if (key == member_keys_.end()) {
      outcome.failures[ev.member] = "the member's identity key in the committee file is not a valid key";
      return std::nullopt;
    }
    auto e = open(**ev.reply, key->second);
    if (!e) {
      outcome.failures[ev.member] = e.status().to_string();
      return std::nullopt;
    }
    if (e->recipient != identity_.public_key().bytes() || e->chain_id != chain_id_ ||
        e->in_reply_to != ev.request_nonce) {
      outcome.failures[ev.member] = "reply not from the member, or not an answer to our request";
      return std::nullopt;
    }
    if (!outcome.response_ms.contains(ev.member)) outcome.response_ms[ev.member] = elapsed();
    codec::Reader r(e->payload, kMaxEnvelopeSize);
    auto signing_id = r.fixed<32>();
    if (!signing_id || *signing_id != request.signing_id) {
      outcome.failures[ev.member] = "reply for another signing";
      return std::nullopt;
    }
    if (e->kind == MessageKind::refusal) {
      auto code = r.string();
      auto text = r.string();
      outcome.refusals[ev.member] = code ? *code + (text && !text->empty() ? ": " + *text : "") : "refused";
      return std::nullopt;
    }
    const MessageKind expected =
        ev.request_kind == MessageKind::sign_request ? MessageKind::sign_reply : MessageKind::session_reply;
    auto encoded = r.bytes();
    if (e->kind != expected || !encoded || !r.finish().is_ok()) {
      outcome.failures[ev.member] = "malformed reply";
      return std::nullopt;
    }
    auto decoded = threshold::decode_signer_message(committee_.suite, *encoded);
    if (!decoded) {
      // Authenticated but malformed: recorded; the member counts as silent for the rest of this signing.
      outcome.failures[ev.member] = decoded.status().to_string();
      return std::nullopt;
    }
    return *decoded;
  };

  // Sessions roast started but whose requests are not sent yet. Every answer already waiting is taken in before
  // they go out: when those answers complete the signature, the sessions they would have started are never sent —
  // no member computes a share for nothing — and nothing waits (the inbox is drained, not waited on).
  std::vector<threshold::roast::SessionRequest> to_send;
  std::uint32_t sent_sessions = 0;
  auto send_sessions = [&] {
    for (const auto& session : to_send) {
      codec::Writer w;
      w.fixed<32>(request.signing_id).bytes(threshold::encode_session_request(committee_.suite, session));
      const Bytes payload = std::move(w).take();
      for (const auto& commitment : session.package.commitments) {
        send(*committee_.member(commitment.identifier), MessageKind::session_request, payload);
      }
      ++sent_sessions;
    }
    to_send.clear();
  };
  while (!roast->finished() && !roast->failed()) {
    std::unique_lock lock(inbox->mutex);
    if (inbox->events.empty() && !to_send.empty()) {
      lock.unlock();
      send_sessions();
      continue;
    }
    const std::uint64_t now = clock_();
    if (now >= deadline_ms) {
      outcome.deadline_exceeded = true;
      break;
    }
    if (inbox->events.empty() && inbox->outstanding == 0) break;  // everybody answered or failed: no progress left
    if (inbox->events.empty()) {
      inbox->cv.wait_for(lock, std::chrono::milliseconds(deadline_ms - now));
      continue;
    }
    Inbox::Event ev = std::move(inbox->events.front());
    inbox->events.pop_front();
    lock.unlock();
    auto message_in = accept(ev);
    if (!message_in) {
      if (on_progress) on_progress(outcome);
      continue;
    }
    auto sessions = roast->on_message(ev.member, *message_in);
    if (!sessions) {
      outcome.failures[ev.member] = sessions.status().to_string();
      continue;
    }
    if (on_progress) {
      outcome.malicious = roast->malicious();
      outcome.sessions = sent_sessions + static_cast<std::uint32_t>(to_send.size());
      on_progress(outcome);
    }
    to_send.insert(to_send.end(), sessions->begin(), sessions->end());
  }
  outcome.signature = roast->signature();
  outcome.signers = roast->signers();
  outcome.malicious = roast->malicious();
  outcome.sessions = sent_sessions;  // sessions whose requests went out (roast may have started more, never sent)
  outcome.elapsed_ms = elapsed();
  // Calls still in flight finish on their own (bounded by the deadline) into the shared inbox; joined later.
  {
    std::lock_guard lock(background_mutex_);
    for (auto& t : threads) background_.push_back(std::move(t));
  }
  return outcome;
}

}  // namespace credence::node::committee
