#include "credence/node/indexer.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>

#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/crypto/hash.h"
#include "storage_layout.h"

namespace credence::node {

namespace {

void add_attestations(const core::AccountId& attester, const core::Attest& body, const core::Receipt& receipt,
                      BlockIndexEntries& out) {
  // An ok receipt lists exactly one created id per request (the ledger's contract); min() keeps a broken receipt
  // from reading past either list.
  assert(receipt.created.size() == body.requests.size());
  const std::size_t n = std::min(receipt.created.size(), body.requests.size());
  for (std::size_t i = 0; i < n; ++i) {
    const core::AttestationRequest& request = body.requests[i];
    out.attestations.push_back(
        CreatedAttestation{receipt.created[i], request.schema, attester, request.recipients, request.indexing_key});
  }
}

}  // namespace

BlockIndexEntries index_entries(const core::Block& block, const std::vector<core::Receipt>& receipts) {
  BlockIndexEntries out;
  const std::size_t n = std::min(block.transactions.size(), receipts.size());
  for (std::size_t i = 0; i < n; ++i) {
    const core::Receipt& receipt = receipts[i];
    if (!receipt.included || !receipt.ok()) continue;  // a failed transaction created nothing
    const core::Transaction& tx = block.transactions[i].tx;
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, core::RegisterSchema>) {
            assert(receipt.created.size() == 1);
            if (!receipt.created.empty()) {
              out.schemas.push_back(CreatedSchema{receipt.created[0], body.schema.registrant});
            }
          } else if constexpr (std::is_same_v<T, core::Attest>) {
            add_attestations(tx.author, body, receipt, out);
          } else if constexpr (std::is_same_v<T, core::DelegatedAttest>) {
            add_attestations(body.delegation.attester, body.payload, receipt, out);
          } else if constexpr (std::is_same_v<T, core::Revoke>) {
            for (const core::Revocation& r : body.revocations) out.revoked.push_back(r.id);
          } else if constexpr (std::is_same_v<T, core::DelegatedRevoke>) {
            for (const core::Revocation& r : body.payload.revocations) out.revoked.push_back(r.id);
          }
        },
        tx.body);
  }
  return out;
}

Result<std::vector<HolderBalance>> holder_balances(const core::StateView& after, const core::Block& block,
                                                   const core::Genesis* genesis) {
  std::set<std::pair<core::Id, core::AccountId>> touched;
  const auto native = [&](const core::AccountId& a) { touched.emplace(core::kNativeAsset, a); };
  if (genesis != nullptr) {
    for (const auto& [account, amount] : genesis->allocations) native(account);
  }
  // Fees go from the attester to the schema's registrant, in native tokens. A block's attestations mostly share a
  // few schemas: each is loaded (read and decoded) once per block.
  std::map<core::Id, std::optional<core::AccountId>> fee_payee;  // schema -> registrant if it charges a fee
  const auto fees = [&](const core::AccountId& attester, const core::Attest& a) -> Status {
    for (const auto& request : a.requests) {
      auto known = fee_payee.find(request.schema);
      if (known == fee_payee.end()) {
        CREDENCE_ASSIGN_OR_RETURN(auto schema, core::load_schema(after, request.schema));
        std::optional<core::AccountId> payee;
        if (schema && schema->policy.fee != 0) payee = schema->registrant;
        known = fee_payee.emplace(request.schema, payee).first;
      }
      if (known->second) {
        native(attester);
        native(*known->second);
      }
    }
    return Status::ok();
  };
  for (const core::SignedTransaction& stx : block.transactions) {
    const core::Transaction& tx = stx.tx;
    Status s = std::visit(
        [&](const auto& b) -> Status {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, core::Transfer>) {
            touched.emplace(b.asset, tx.author);
            touched.emplace(b.asset, b.to);
          } else if constexpr (std::is_same_v<T, core::CreateAsset>) {
            touched.emplace(core::asset_id(core::transaction_id(tx)), tx.author);
          } else if constexpr (std::is_same_v<T, core::Mint>) {
            touched.emplace(b.asset, b.to);
          } else if constexpr (std::is_same_v<T, core::CreateDistribution>) {
            touched.emplace(b.terms.asset, tx.author);
          } else if constexpr (std::is_same_v<T, core::Claim> || std::is_same_v<T, core::CancelDistribution> ||
                               std::is_same_v<T, core::Clawback>) {
            CREDENCE_ASSIGN_OR_RETURN(auto d, core::load_distribution(after, b.distribution));
            if (d) {
              touched.emplace(d->terms.asset, d->distributor);
              if constexpr (std::is_same_v<T, core::Claim>) touched.emplace(d->terms.asset, b.claimant);
            }
          } else if constexpr (std::is_same_v<T, core::Attest>) {
            return fees(tx.author, b);
          } else if constexpr (std::is_same_v<T, core::DelegatedAttest>) {
            return fees(b.delegation.attester, b.payload);
          }
          return Status::ok();
        },
        tx.body);
    CREDENCE_RETURN_IF_ERROR(s);
  }
  std::vector<HolderBalance> out;
  out.reserve(touched.size());
  for (const auto& [asset, account] : touched) {
    CREDENCE_ASSIGN_OR_RETURN(auto balance, core::load_u256(after, core::balance_key(asset, account)));
    out.push_back(HolderBalance{asset, account, balance});
  }
  return out;
}

namespace storage {

void append_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void append_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::uint64_t read_be64(std::string_view in) {
  assert(in.size() >= 8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}

std::uint32_t read_be32(std::string_view in) {
  assert(in.size() >= 4);
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}

std::string be64(std::uint64_t v) {
  std::string out;
  append_be64(out, v);
  return out;
}

std::string index_prefix(IndexKind kind, ByteView scope) {
  std::string out;
  out.reserve(1 + scope.size() + 8);
  out.push_back(static_cast<char>(kind));
  out.append(as_chars(scope));
  return out;
}

std::string index_key(IndexKind kind, ByteView scope, std::uint64_t sequence) {
  std::string out = index_prefix(kind, scope);
  append_be64(out, sequence);
  return out;
}

Hash256 recipient_scope(const core::Recipient& recipient) {
  crypto::Sha256 h;
  const std::uint8_t kind = static_cast<std::uint8_t>(recipient.kind);
  h.update(ByteView(&kind, 1));
  h.update(recipient.value);
  return h.finish();
}

Hash256 indexing_key_scope(std::string_view indexing_key) {
  return crypto::sha256(as_bytes(indexing_key));
}

std::string sequence_key(const core::Id& attestation) {
  return index_prefix(IndexKind::attestation_sequence, attestation);
}

void for_each_index_entry(const BlockIndexEntries& entries, std::uint64_t& next_attestation, std::uint64_t& next_schema,
                          const std::function<void(const std::string& key, ByteView value)>& put) {
  for (const CreatedAttestation& a : entries.attestations) {
    const std::uint64_t seq = next_attestation++;
    put(index_key(IndexKind::attestation, {}, seq), a.id);
    put(sequence_key(a.id), as_bytes(be64(seq)));
    put(index_key(IndexKind::attestation_schema, a.schema, seq), a.id);
    put(index_key(IndexKind::attestation_attester, a.attester, seq), a.id);
    // Recipients of one attestation are distinct (the ledger checks it), so each gets one entry.
    for (const core::Recipient& r : a.recipients) {
      put(index_key(IndexKind::attestation_recipient, recipient_scope(r), seq), a.id);
    }
    // An empty indexing key would make one bucket as large as the whole index: not indexed.
    if (!a.indexing_key.empty()) {
      put(index_key(IndexKind::attestation_indexing_key, indexing_key_scope(a.indexing_key), seq), a.id);
    }
  }
  for (const CreatedSchema& s : entries.schemas) {
    const std::uint64_t seq = next_schema++;
    put(index_key(IndexKind::schema, {}, seq), s.id);
    put(index_key(IndexKind::schema_registrant, s.registrant, seq), s.id);
  }
}

namespace {

Status corrupt(std::string message) {
  return Status::error("corrupt_state", std::move(message));
}

Result<core::Id> id_of(ByteView value) {
  if (value.size() != 32) return corrupt("index entry value is not a 32-byte id");
  core::Id id{};
  std::copy(value.begin(), value.end(), id.begin());
  return id;
}

bool matches(const AttestationQuery& q, const core::AttestationRecord& record) {
  const core::Attestation& a = record.attestation;
  if (q.schema && a.request.schema != *q.schema) return false;
  if (q.attester && a.attester != *q.attester) return false;
  if (q.indexing_key && a.request.indexing_key != *q.indexing_key) return false;
  if (q.recipient &&
      std::find(a.request.recipients.begin(), a.request.recipients.end(), *q.recipient) == a.request.recipients.end()) {
    return false;
  }
  if (q.valid_now) {
    if (record.revoked_at != 0) return false;
    if (a.request.valid_until != 0 && a.request.valid_until <= q.now) return false;
  }
  return true;
}

// The most selective index among the query's filters (docs/storage.md "Queries").
std::string pick_index(const AttestationQuery& q) {
  if (q.recipient) return index_prefix(IndexKind::attestation_recipient, recipient_scope(*q.recipient));
  if (q.indexing_key && !q.indexing_key->empty()) {
    return index_prefix(IndexKind::attestation_indexing_key, indexing_key_scope(*q.indexing_key));
  }
  if (q.attester) return index_prefix(IndexKind::attestation_attester, *q.attester);
  if (q.schema) return index_prefix(IndexKind::attestation_schema, *q.schema);
  return index_prefix(IndexKind::attestation);
}

Status check_limit(std::size_t limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Status::invalid("bad_query", "limit must be 1.." + std::to_string(kMaxPageSize));
  }
  return Status::ok();
}

}  // namespace

Result<AttestationPage> query_attestations(const IndexReader& reader, core::NodeStore& state,
                                           const AttestationQuery& query, std::size_t max_scan) {
  CREDENCE_RETURN_IF_ERROR(check_limit(query.limit));
  assert(max_scan >= 1);
  CREDENCE_ASSIGN_OR_RETURN(const core::smt::AuthenticatedMap map, core::smt::AuthenticatedMap::open(state));

  AttestationPage page;
  Status failure;
  std::size_t scanned = 0;
  std::uint64_t last_scanned = 0;
  const auto visit = [&](std::uint64_t sequence, ByteView value) -> bool {
    // Only here when one more entry exists past the page: the caller continues below what we looked at.
    if (page.attestations.size() == query.limit) {
      page.next_cursor = page.attestations.back().sequence;
      return false;
    }
    if (scanned == max_scan) {
      page.next_cursor = last_scanned;
      return false;
    }
    ++scanned;
    last_scanned = sequence;
    auto id = id_of(value);
    if (!id) {
      failure = id.status();
      return false;
    }
    auto stored = map.get(core::attestation_key(*id));
    if (!stored) {
      failure = stored.status();
      return false;
    }
    if (!stored->has_value()) {
      failure = corrupt("indexed attestation " + std::to_string(sequence) + " is not in the state");
      return false;
    }
    auto record = core::decode_attestation_record(**stored);
    if (!record) {
      failure = corrupt("attestation record: " + record.status().to_string());
      return false;
    }
    if (matches(query, *record)) {
      page.attestations.push_back(AttestationEntry{sequence, *id, std::move(record).value()});
    }
    return true;
  };
  CREDENCE_RETURN_IF_ERROR(reader(pick_index(query), query.cursor, visit));
  CREDENCE_RETURN_IF_ERROR(failure);
  return page;
}

Result<SchemaPage> query_schemas(const IndexReader& reader, core::NodeStore& state, const SchemaQuery& query) {
  CREDENCE_RETURN_IF_ERROR(check_limit(query.limit));
  CREDENCE_ASSIGN_OR_RETURN(const core::smt::AuthenticatedMap map, core::smt::AuthenticatedMap::open(state));

  // The registrant index is exact, so every entry matches and a page scans at most limit + 1 entries.
  const std::string prefix = query.registrant ? index_prefix(IndexKind::schema_registrant, *query.registrant)
                                              : index_prefix(IndexKind::schema);
  SchemaPage page;
  Status failure;
  const auto visit = [&](std::uint64_t sequence, ByteView value) -> bool {
    if (page.schemas.size() == query.limit) {
      page.next_cursor = page.schemas.back().sequence;
      return false;
    }
    auto id = id_of(value);
    if (!id) {
      failure = id.status();
      return false;
    }
    auto stored = map.get(core::schema_key(*id));
    if (!stored) {
      failure = stored.status();
      return false;
    }
    if (!stored->has_value()) {
      failure = corrupt("indexed schema " + std::to_string(sequence) + " is not in the state");
      return false;
    }
    auto schema = core::decode_schema(**stored);
    if (!schema) {
      failure = corrupt("schema: " + schema.status().to_string());
      return false;
    }
    page.schemas.push_back(SchemaEntry{sequence, *id, std::move(schema).value()});
    return true;
  };
  CREDENCE_RETURN_IF_ERROR(reader(prefix, query.cursor, visit));
  CREDENCE_RETURN_IF_ERROR(failure);
  return page;
}

}  // namespace storage
}  // namespace credence::node
