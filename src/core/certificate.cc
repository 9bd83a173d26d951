#include "credence/core/certificate.h"

#include <cassert>
#include <set>

#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"

namespace credence::core {

namespace {

constexpr std::string_view kCheckpointTag = "credence/checkpoint";
constexpr std::string_view kStatementTag = "credence/verdict";
constexpr std::string_view kBatchTag = "credence/verdict-batch";
constexpr std::string_view kCommitteeTag = "credence/committee";
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;
// A reason code is a short identifier; anything longer is not one of ours.
constexpr std::size_t kMaxReasonCodeBytes = 128;

Hash256 node_hash(const Hash256& left, const Hash256& right) {
  crypto::Sha256 h;
  const std::uint8_t prefix = kNodePrefix;
  h.update(ByteView(&prefix, 1)).update(left).update(right);
  return h.finish();
}

// Levels of a tree over `count` leaves, the leaves' level excluded.
std::size_t level_sizes(std::uint32_t count, std::vector<std::uint32_t>& sizes) {
  sizes.clear();
  std::uint32_t n = count;
  sizes.push_back(n);
  while (n > 1) {
    n = (n + 1) / 2;
    sizes.push_back(n);
  }
  return sizes.size();
}

Status bad_certificate(const Status& s) { return Status::invalid("bad_certificate", s.to_string()); }

Result<VerdictStatement> statement_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "statement"));
  VerdictStatement s;
  CREDENCE_ASSIGN_OR_RETURN(s.chain_id, r.u64("chain_id"));
  CREDENCE_ASSIGN_OR_RETURN(s.attestation, r.hex_fixed<32>("attestation"));
  CREDENCE_ASSIGN_OR_RETURN(s.valid, r.boolean("valid"));
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* reasons, r.value("reasons"));
  if (!reasons->is_array() || reasons->size() > kMaxStatementReasons) {
    return Status::invalid("bad_certificate", "statement.reasons: an array of at most " +
                                                  std::to_string(kMaxStatementReasons) + " strings expected");
  }
  for (const auto& reason : *reasons) {
    if (!reason.is_string() || reason.get<std::string>().empty() ||
        reason.get<std::string>().size() > kMaxReasonCodeBytes) {
      return Status::invalid("bad_certificate", "statement.reasons: reason codes are non-empty short strings");
    }
    s.reasons.push_back(reason.get<std::string>());
  }
  CREDENCE_ASSIGN_OR_RETURN(s.height, r.u64("height"));
  CREDENCE_ASSIGN_OR_RETURN(s.state_root, r.hex_fixed<32>("state_root"));
  CREDENCE_ASSIGN_OR_RETURN(s.issued_at, r.u64("issued_at"));
  CREDENCE_ASSIGN_OR_RETURN(s.deadline_ms, r.u64("deadline_ms"));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  if (s.valid != s.reasons.empty()) {
    return Status::invalid("bad_certificate", "statement: valid must be true exactly when there are no reasons");
  }
  return s;
}

Result<std::uint32_t> u32_field(codec::ObjectReader& r, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(std::uint64_t v, r.u64(key));
  if (v > UINT32_MAX) return Status::invalid("bad_certificate", key + ": out of range");
  return static_cast<std::uint32_t>(v);
}

}  // namespace

Bytes encode_checkpoint(const Checkpoint& c) {
  codec::Writer w(kCheckpointTag, kVersion);
  w.u64(c.chain_id).u64(c.height).fixed<32>(c.state_root).u64(c.time);
  return std::move(w).take();
}

Result<Checkpoint> decode_checkpoint(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kCheckpointTag, kVersion, kVersion).status());
  Checkpoint c;
  CREDENCE_ASSIGN_OR_RETURN(c.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(c.height, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(c.state_root, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(c.time, r.u64());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return c;
}

Bytes encode_statement(const VerdictStatement& s) {
  codec::Writer w(kStatementTag, kVersion);
  w.u64(s.chain_id).fixed<32>(s.attestation).boolean(s.valid).varint(s.reasons.size());
  for (const std::string& reason : s.reasons) w.string(reason);
  w.u64(s.height).fixed<32>(s.state_root).u64(s.issued_at).u64(s.deadline_ms);
  return std::move(w).take();
}

Result<VerdictStatement> decode_statement(ByteView bytes) {
  codec::Reader r(bytes, kMaxReasonCodeBytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kStatementTag, kVersion, kVersion).status());
  VerdictStatement s;
  CREDENCE_ASSIGN_OR_RETURN(s.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(s.attestation, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(s.valid, r.boolean());
  CREDENCE_ASSIGN_OR_RETURN(std::uint64_t n, r.count(1));
  if (n > kMaxStatementReasons) return Status::invalid("bad_statement", "too many reasons");
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(std::string reason, r.string());
    if (reason.empty()) return Status::invalid("bad_statement", "empty reason code");
    s.reasons.push_back(std::move(reason));
  }
  CREDENCE_ASSIGN_OR_RETURN(s.height, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(s.state_root, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(s.issued_at, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(s.deadline_ms, r.u64());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  if (s.valid != s.reasons.empty()) {
    return Status::invalid("bad_statement", "valid must be true exactly when there are no reasons");
  }
  return s;
}

Hash256 statement_leaf(const VerdictStatement& statement) {
  crypto::Sha256 h;
  const std::uint8_t prefix = kLeafPrefix;
  h.update(ByteView(&prefix, 1)).update(encode_statement(statement));
  return h.finish();
}

Hash256 batch_root(std::span<const Hash256> leaves) {
  assert(!leaves.empty() && leaves.size() <= kMaxBatchStatements);
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    std::vector<Hash256> up;
    up.reserve((level.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) up.push_back(node_hash(level[i], level[i + 1]));
    if (level.size() % 2 == 1) up.push_back(level.back());
    level = std::move(up);
  }
  return level.front();
}

std::vector<Hash256> batch_path(std::span<const Hash256> leaves, std::uint32_t index) {
  assert(!leaves.empty() && index < leaves.size());
  std::vector<Hash256> path;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  std::size_t i = index;
  while (level.size() > 1) {
    const std::size_t sibling = i ^ 1u;
    if (sibling < level.size()) path.push_back(level[sibling]);
    std::vector<Hash256> up;
    for (std::size_t k = 0; k + 1 < level.size(); k += 2) up.push_back(node_hash(level[k], level[k + 1]));
    if (level.size() % 2 == 1) up.push_back(level.back());
    level = std::move(up);
    i /= 2;
  }
  return path;
}

Result<Hash256> root_from_path(const Hash256& leaf, std::uint32_t index, std::uint32_t count,
                               std::span<const Hash256> path) {
  if (count == 0 || count > kMaxBatchStatements || index >= count) {
    return Status::invalid("bad_path", "index " + std::to_string(index) + " outside a batch of " +
                                           std::to_string(count));
  }
  std::vector<std::uint32_t> sizes;
  level_sizes(count, sizes);
  Hash256 node = leaf;
  std::size_t used = 0;
  std::uint32_t i = index;
  for (std::size_t level = 0; level + 1 < sizes.size(); ++level) {
    const std::uint32_t sibling = i ^ 1u;
    if (sibling < sizes[level]) {
      if (used == path.size()) return Status::invalid("bad_path", "the path is too short for its position");
      node = (i % 2 == 0) ? node_hash(node, path[used]) : node_hash(path[used], node);
      ++used;
    }
    i /= 2;
  }
  if (used != path.size()) return Status::invalid("bad_path", "the path is too long for its position");
  return node;
}

Bytes encode_batch_message(std::uint64_t chain_id, std::uint32_t count, const Hash256& root) {
  codec::Writer w(kBatchTag, kVersion);
  w.u64(chain_id).u32(count).fixed<32>(root);
  return std::move(w).take();
}

Status verify_certificate(const Certificate& c, FixedView<32> group_public_key) {
  auto root = root_from_path(statement_leaf(c.statement), c.index, c.count, c.path);
  if (!root) return root.status();
  const Bytes message = encode_batch_message(c.statement.chain_id, c.count, *root);
  return crypto::ed25519::verify(group_public_key, message, c.signature);
}

Status verify_checkpoint_certificate(const CheckpointCertificate& c, FixedView<32> group_public_key) {
  return crypto::ed25519::verify(group_public_key, encode_checkpoint(c.checkpoint), c.signature);
}

codec::Json to_json(const VerdictStatement& s) {
  return codec::Json{{"chain_id", s.chain_id},
                     {"attestation", codec::hex_encode_0x(s.attestation)},
                     {"valid", s.valid},
                     {"reasons", s.reasons},
                     {"height", s.height},
                     {"state_root", codec::hex_encode_0x(s.state_root)},
                     {"issued_at", s.issued_at},
                     {"deadline_ms", s.deadline_ms}};
}

codec::Json to_json(const Certificate& c) {
  codec::Json path = codec::Json::array();
  for (const Hash256& h : c.path) path.push_back(codec::hex_encode_0x(h));
  return codec::Json{{"statement", to_json(c.statement)},
                     {"batch", {{"index", c.index}, {"count", c.count}, {"path", std::move(path)}}},
                     {"signature", codec::hex_encode_0x(c.signature)}};
}

codec::Json to_json(const CheckpointCertificate& c) {
  return codec::Json{{"checkpoint",
                      {{"chain_id", c.checkpoint.chain_id},
                       {"height", c.checkpoint.height},
                       {"state_root", codec::hex_encode_0x(c.checkpoint.state_root)},
                       {"time", c.checkpoint.time}}},
                     {"signature", codec::hex_encode_0x(c.signature)}};
}

Result<Certificate> certificate_from_json(const codec::Json& json) {
  auto parsed = [&]() -> Result<Certificate> {
    CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "certificate"));
    Certificate c;
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* statement, r.value("statement"));
    CREDENCE_ASSIGN_OR_RETURN(c.statement, statement_from_json(*statement));
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* batch, r.value("batch"));
    CREDENCE_ASSIGN_OR_RETURN(auto b, codec::ObjectReader::make(*batch, "batch"));
    CREDENCE_ASSIGN_OR_RETURN(c.index, u32_field(b, "index"));
    CREDENCE_ASSIGN_OR_RETURN(c.count, u32_field(b, "count"));
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* path, b.value("path"));
    if (!path->is_array() || path->size() > 32) {
      return Status::invalid("bad_certificate", "batch.path: an array of at most 32 hashes expected");
    }
    for (const auto& h : *path) {
      if (!h.is_string()) return Status::invalid("bad_certificate", "batch.path: hex strings expected");
      auto hash = codec::hex_decode_fixed<32>(h.get<std::string>());
      if (!hash) return Status::invalid("bad_certificate", "batch.path: " + hash.status().to_string());
      c.path.push_back(*hash);
    }
    CREDENCE_RETURN_IF_ERROR(b.finish());
    CREDENCE_ASSIGN_OR_RETURN(c.signature, r.hex_fixed<kCommitteeSignatureSize>("signature"));
    CREDENCE_RETURN_IF_ERROR(r.finish());
    return c;
  }();
  if (!parsed && parsed.status().code() != "bad_certificate") return bad_certificate(parsed.status());
  return parsed;
}

Result<CheckpointCertificate> checkpoint_certificate_from_json(const codec::Json& json) {
  auto parsed = [&]() -> Result<CheckpointCertificate> {
    CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "checkpoint certificate"));
    CheckpointCertificate c;
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* checkpoint, r.value("checkpoint"));
    CREDENCE_ASSIGN_OR_RETURN(auto k, codec::ObjectReader::make(*checkpoint, "checkpoint"));
    CREDENCE_ASSIGN_OR_RETURN(c.checkpoint.chain_id, k.u64("chain_id"));
    CREDENCE_ASSIGN_OR_RETURN(c.checkpoint.height, k.u64("height"));
    CREDENCE_ASSIGN_OR_RETURN(c.checkpoint.state_root, k.hex_fixed<32>("state_root"));
    CREDENCE_ASSIGN_OR_RETURN(c.checkpoint.time, k.u64("time"));
    CREDENCE_RETURN_IF_ERROR(k.finish());
    CREDENCE_ASSIGN_OR_RETURN(c.signature, r.hex_fixed<kCommitteeSignatureSize>("signature"));
    CREDENCE_RETURN_IF_ERROR(r.finish());
    return c;
  }();
  if (!parsed && parsed.status().code() != "bad_certificate") return bad_certificate(parsed.status());
  return parsed;
}

Bytes encode_committee_record(const CommitteeRecord& c) {
  codec::Writer w(kCommitteeTag, kVersion);
  w.u32(c.threshold).fixed<32>(c.group_public_key).fixed<32>(c.coordinator).varint(c.members.size());
  for (const auto& m : c.members) w.u32(m.id).fixed<32>(m.identity).fixed<32>(m.verifying_share);
  return std::move(w).take();
}

Status check_committee_record(const CommitteeRecord& c) {
  auto bad = [](std::string why) { return Status::invalid("bad_committee", std::move(why)); };
  const std::size_t n = c.members.size();
  if (n < 2 || n > kMaxCommitteeMembers) return bad("2.." + std::to_string(kMaxCommitteeMembers) + " members expected");
  if (c.threshold < 2 || c.threshold > n) return bad("threshold outside 2..number of members");
  // Prime-order, non-identity points: what a verifier of the group key and of the members' messages relies on.
  if (!crypto::ed25519::PublicKey::parse(c.group_public_key)) return bad("group_public_key is not a valid key");
  if (!crypto::ed25519::PublicKey::parse(c.coordinator)) return bad("coordinator is not a valid key");
  std::set<FixedBytes<32>> identities;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& m = c.members[i];
    const std::string which = "member " + std::to_string(m.id);
    if (m.id == 0 || (i > 0 && m.id <= c.members[i - 1].id)) return bad("member ids must be ≥ 1 and increasing");
    if (!crypto::ed25519::PublicKey::parse(m.identity)) return bad(which + ": identity is not a valid key");
    if (!crypto::ed25519::PublicKey::parse(m.verifying_share)) return bad(which + ": verifying_share is not valid");
    if (!identities.insert(m.identity).second) return bad(which + ": identity key used twice");
  }
  return Status::ok();
}

Result<CommitteeRecord> decode_committee_record(ByteView bytes) {
  codec::Reader r(bytes);
  CREDENCE_RETURN_IF_ERROR(r.header(kCommitteeTag, kVersion, kVersion).status());
  CommitteeRecord c;
  CREDENCE_ASSIGN_OR_RETURN(c.threshold, r.u32());
  CREDENCE_ASSIGN_OR_RETURN(c.group_public_key, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(c.coordinator, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(std::uint64_t n, r.count(68));
  if (n > kMaxCommitteeMembers) return Status::invalid("bad_committee", "too many members");
  c.members.resize(n);
  for (auto& m : c.members) {
    CREDENCE_ASSIGN_OR_RETURN(m.id, r.u32());
    CREDENCE_ASSIGN_OR_RETURN(m.identity, r.fixed<32>());
    CREDENCE_ASSIGN_OR_RETURN(m.verifying_share, r.fixed<32>());
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  CREDENCE_RETURN_IF_ERROR(check_committee_record(c));
  return c;
}

}  // namespace credence::core
