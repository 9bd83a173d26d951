// What the verifier committee signs, and how anyone checks it offline: checkpoints and verification certificates.
// Formats and formulas: docs/certificates.md.
//
// Every signed message is a canonical encoding (docs/encoding.md) whose header tag separates the domains, so a
// committee signature over one kind can never be read as another:
//   checkpoint        "credence/checkpoint"    v1 | chain_id u64 | height u64 | state_root 32 | time u64
//   verdict statement "credence/verdict"       v1 | chain_id u64 | attestation 32 | valid bool | reasons (varint
//                      count, each a string) | height u64 | state_root 32 | issued_at u64 | deadline_ms u64
//   verdict batch     "credence/verdict-batch" v1 | chain_id u64 | count u32 | root 32
// Many statements share one signing session: the committee signs the batch message, whose root is a binary
// SHA-256 Merkle tree over the statements (leaf = SHA-256(0x00 ‖ statement), node = SHA-256(0x01 ‖ left ‖ right),
// an odd last node moves up unchanged). A certificate is one statement, its position, its sibling path and the
// group signature: checking it costs the path's hashes and one Ed25519 verification.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "credence/bytes.h"
#include "credence/codec/json.h"
#include "credence/core/objects.h"
#include "credence/status.h"

namespace credence::core {

inline constexpr std::size_t kCommitteeSignatureSize = 64;
using CommitteeSignature = FixedBytes<kCommitteeSignatureSize>;

// The committee's attestation that the chain had `state_root` after block `height` (block time `time`).
struct Checkpoint {
  std::uint64_t chain_id = 0;
  std::uint64_t height = 0;
  Hash256 state_root{};
  std::uint64_t time = 0;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

Bytes encode_checkpoint(const Checkpoint& checkpoint);
// Strict: succeeds only on exactly what encode_checkpoint produces.
Result<Checkpoint> decode_checkpoint(ByteView bytes);

// The committee's verdict on one attestation, evaluated at time `issued_at` over the state at `height` (root
// `state_root`), requested with a deadline (unix milliseconds).
struct VerdictStatement {
  std::uint64_t chain_id = 0;
  Id attestation{};
  bool valid = false;
  std::vector<std::string> reasons;  // the verdict's reason codes, in its order; empty iff valid
  std::uint64_t height = 0;
  Hash256 state_root{};
  std::uint64_t issued_at = 0;
  std::uint64_t deadline_ms = 0;
  friend bool operator==(const VerdictStatement&, const VerdictStatement&) = default;
};

// At most this many reasons, and this many statements in one batch (a larger input is refused, never truncated).
inline constexpr std::size_t kMaxStatementReasons = 64;
inline constexpr std::size_t kMaxBatchStatements = 1u << 16;

Bytes encode_statement(const VerdictStatement& statement);
// Strict; invalid("bad_statement") if valid and reasons disagree or there are too many reasons.
Result<VerdictStatement> decode_statement(ByteView bytes);

Hash256 statement_leaf(const VerdictStatement& statement);
// The batch root over `leaves` (1..kMaxBatchStatements of them; asserted).
Hash256 batch_root(std::span<const Hash256> leaves);
// The sibling path of leaf `index`, bottom up (levels where the node has no sibling are skipped).
std::vector<Hash256> batch_path(std::span<const Hash256> leaves, std::uint32_t index);
// The root implied by a leaf, its position and path. invalid("bad_path") if the path's length does not fit
// (index, count).
Result<Hash256> root_from_path(const Hash256& leaf, std::uint32_t index, std::uint32_t count,
                               std::span<const Hash256> path);

// The message the committee signs for a batch.
Bytes encode_batch_message(std::uint64_t chain_id, std::uint32_t count, const Hash256& root);

struct Certificate {
  VerdictStatement statement;
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  std::vector<Hash256> path;
  CommitteeSignature signature{};
};

struct CheckpointCertificate {
  Checkpoint checkpoint;
  CommitteeSignature signature{};
};

// Checks a certificate against the committee's group key (a standard Ed25519 public key): the path, then one
// Ed25519 verification of the batch message. ok, or invalid("bad_path" | "bad_signature" | "invalid_public_key").
Status verify_certificate(const Certificate& certificate, FixedView<32> group_public_key);
Status verify_checkpoint_certificate(const CheckpointCertificate& certificate, FixedView<32> group_public_key);

// JSON views (docs/certificates.md). The decoders are strict: unknown or missing fields, bad hex, out-of-range
// numbers are invalid("bad_certificate", "<field>: <why>").
codec::Json to_json(const VerdictStatement& statement);
codec::Json to_json(const Certificate& certificate);
codec::Json to_json(const CheckpointCertificate& certificate);
Result<Certificate> certificate_from_json(const codec::Json& json);
Result<CheckpointCertificate> checkpoint_certificate_from_json(const codec::Json& json);

// ---- the committee in genesis ---------------------------------------------------------------------------------------

// The verifier committee as the chain's genesis fixes it (docs/certificates.md "The committee in genesis"): who the
// members are, how many must sign, the group public key every certificate verifies against, and the coordinator's
// identity key. Genesis writes it into the state under meta_key("committee"), so the group key is covered by every
// state root and provable to a light client like any other entry. Suite: always Ed25519 (certificates are plain
// Ed25519 signatures).
//   "credence/committee" v1 | threshold u32 | group_public_key 32 | coordinator 32 | count varint |
//   count × (id u32 | identity 32 | verifying_share 32), ids strictly increasing
inline constexpr std::size_t kMaxCommitteeMembers = 256;

struct CommitteeMemberRecord {
  std::uint32_t id = 0;
  FixedBytes<32> identity{};         // Ed25519 identity key: signs the member's committee messages
  FixedBytes<32> verifying_share{};  // Y_i
  friend bool operator==(const CommitteeMemberRecord&, const CommitteeMemberRecord&) = default;
};

struct CommitteeRecord {
  std::uint32_t threshold = 0;
  FixedBytes<32> group_public_key{};
  FixedBytes<32> coordinator{};
  std::vector<CommitteeMemberRecord> members;  // sorted by id
  friend bool operator==(const CommitteeRecord&, const CommitteeRecord&) = default;
};

Bytes encode_committee_record(const CommitteeRecord& committee);
// Strict, and checks what a committee must be: 2 ≤ threshold ≤ members ≤ kMaxCommitteeMembers, ids ≥ 1 strictly
// increasing, identity keys distinct, every key and share a valid Ed25519 point of prime order.
// invalid("bad_committee", "<why>") or the codec's codes.
Result<CommitteeRecord> decode_committee_record(ByteView bytes);
// The same checks on a record in memory: ok or invalid("bad_committee", "<why>").
Status check_committee_record(const CommitteeRecord& committee);

}  // namespace credence::core
