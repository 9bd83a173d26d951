#include "credence/core/transaction.h"

#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"

namespace credence::core {

namespace {

constexpr std::string_view kTransactionTag = "credence/tx";
constexpr std::string_view kSignedTransactionTag = "credence/signed-tx";
constexpr std::string_view kDelegationTag = "credence/delegation";

// Body kinds on the wire; never renumber.
enum class BodyKind : std::uint8_t {
  register_schema = 1,
  attest = 2,
  revoke = 3,
  delegated_attest = 4,
  delegated_revoke = 5,
  revoke_offchain = 6,
  timestamp = 7,
  transfer = 8,
  create_asset = 9,
  mint = 10,
  create_distribution = 11,
  claim = 12,
  cancel_distribution = 13,
  clawback = 14,
  disable_distribution_switches = 15,
};

constexpr const char* kBodyNames[] = {"register_schema",  "attest",          "revoke",    "delegated_attest",
                                      "delegated_revoke", "revoke_offchain", "timestamp", "transfer",
                                      "create_asset",     "mint",            "create_distribution",
                                      "claim",            "cancel_distribution", "clawback",
                                      "disable_distribution_switches"};

Status bad_tx(const std::string& why) {
  return Status::invalid("bad_transaction", why);
}

void write_attest(codec::Writer& w, const Attest& a) {
  w.varint(a.requests.size());
  for (const auto& q : a.requests) write_request(w, q);
}

Result<Attest> read_attest(codec::Reader& r) {
  Attest a;
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(40));
  if (n == 0 || n > kMaxBatch) return bad_tx("attest batch must hold 1.." + std::to_string(kMaxBatch) + " requests");
  a.requests.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    auto q = read_request(r);
    if (!q) return q.status().with_context("request " + std::to_string(i));
    a.requests.push_back(std::move(*q));
  }
  return a;
}

void write_revoke(codec::Writer& w, const Revoke& v) {
  w.varint(v.revocations.size());
  for (const auto& x : v.revocations) w.fixed<32>(x.id).string(x.reason);
}

Result<Revoke> read_revoke(codec::Reader& r) {
  Revoke v;
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(33));
  if (n == 0 || n > kMaxBatch) return bad_tx("revoke batch must hold 1.." + std::to_string(kMaxBatch) + " entries");
  v.revocations.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    Revocation x;
    CREDENCE_ASSIGN_OR_RETURN(x.id, r.fixed<32>());
    CREDENCE_ASSIGN_OR_RETURN(x.reason, r.string());
    if (x.reason.size() > kMaxReasonLength) return bad_tx("revocation reason too long");
    v.revocations.push_back(std::move(x));
  }
  return v;
}

void write_id_list(codec::Writer& w, const std::vector<Id>& ids) {
  w.varint(ids.size());
  for (const auto& id : ids) w.fixed<32>(id);
}

// The `n` 32-byte values that follow a list's count (already checked by the caller).
Result<std::vector<Hash256>> read_hashes(codec::Reader& r, std::uint64_t n) {
  std::vector<Hash256> ids;
  ids.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(auto id, r.fixed<32>());
    ids.push_back(id);
  }
  return ids;
}

Result<std::vector<Id>> read_id_list(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(32));
  if (n == 0 || n > kMaxBatch) return bad_tx("id list must hold 1.." + std::to_string(kMaxBatch) + " ids");
  return read_hashes(r, n);
}

// A list of 32-byte values that may be empty (proofs, eligibility attestations), bounded by `limit`; written by
// write_id_list.
Result<std::vector<Hash256>> read_id_list_any(codec::Reader& r, std::size_t limit, const char* what) {
  CREDENCE_ASSIGN_OR_RETURN(auto n, r.count(32));
  if (n > limit) return bad_tx(std::string(what) + " holds more than " + std::to_string(limit) + " entries");
  return read_hashes(r, n);
}

void write_delegation(codec::Writer& w, const Delegation& d) {
  w.fixed<32>(d.attester).u64(d.nonce).u64(d.deadline).fixed<64>(d.signature);
}

Result<Delegation> read_delegation(codec::Reader& r) {
  Delegation d;
  CREDENCE_ASSIGN_OR_RETURN(d.attester, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(d.nonce, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(d.deadline, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(d.signature, r.fixed<64>());
  return d;
}

void write_body(codec::Writer& w, const Body& body) {
  w.u8(static_cast<std::uint8_t>(body.index() + 1));
  std::visit(
      [&w](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, RegisterSchema>) {
          w.bytes(encode(b.schema));
        } else if constexpr (std::is_same_v<T, Attest>) {
          write_attest(w, b);
        } else if constexpr (std::is_same_v<T, Revoke>) {
          write_revoke(w, b);
        } else if constexpr (std::is_same_v<T, DelegatedAttest>) {
          write_delegation(w, b.delegation);
          write_attest(w, b.payload);
        } else if constexpr (std::is_same_v<T, DelegatedRevoke>) {
          write_delegation(w, b.delegation);
          write_revoke(w, b.payload);
        } else if constexpr (std::is_same_v<T, RevokeOffchain> || std::is_same_v<T, Timestamp>) {
          write_id_list(w, b.ids);
        } else if constexpr (std::is_same_v<T, Transfer>) {
          w.template fixed<32>(b.to);
          write_amount(w, b.amount);
          w.template fixed<32>(b.asset);
        } else if constexpr (std::is_same_v<T, CreateAsset>) {
          write_asset_definition(w, b.definition);
        } else if constexpr (std::is_same_v<T, Mint>) {
          w.template fixed<32>(b.asset).template fixed<32>(b.to);
          write_amount(w, b.amount);
        } else if constexpr (std::is_same_v<T, CreateDistribution>) {
          write_distribution_terms(w, b.terms);
        } else if constexpr (std::is_same_v<T, Claim>) {
          w.template fixed<32>(b.distribution).template fixed<32>(b.claimant);
          write_amount(w, b.allocation);
          write_id_list(w, b.proof);
          write_id_list(w, b.attestations);
        } else if constexpr (std::is_same_v<T, CancelDistribution>) {
          w.template fixed<32>(b.distribution).boolean(b.wipe);
        } else if constexpr (std::is_same_v<T, Clawback>) {
          w.template fixed<32>(b.distribution);
        } else {
          static_assert(std::is_same_v<T, DisableDistributionSwitches>);
          w.template fixed<32>(b.distribution).boolean(b.cancel).boolean(b.clawback);
        }
      },
      body);
}

Result<Body> read_body(codec::Reader& r) {
  CREDENCE_ASSIGN_OR_RETURN(auto kind, r.u8());
  switch (static_cast<BodyKind>(kind)) {
    case BodyKind::register_schema: {
      CREDENCE_ASSIGN_OR_RETURN(auto bytes, r.bytes());
      CREDENCE_ASSIGN_OR_RETURN(auto schema, decode_schema(bytes));
      return Body(RegisterSchema{std::move(schema)});
    }
    case BodyKind::attest: {
      CREDENCE_ASSIGN_OR_RETURN(auto a, read_attest(r));
      return Body(std::move(a));
    }
    case BodyKind::revoke: {
      CREDENCE_ASSIGN_OR_RETURN(auto v, read_revoke(r));
      return Body(std::move(v));
    }
    case BodyKind::delegated_attest: {
      DelegatedAttest d;
      CREDENCE_ASSIGN_OR_RETURN(d.delegation, read_delegation(r));
      CREDENCE_ASSIGN_OR_RETURN(d.payload, read_attest(r));
      return Body(std::move(d));
    }
    case BodyKind::delegated_revoke: {
      DelegatedRevoke d;
      CREDENCE_ASSIGN_OR_RETURN(d.delegation, read_delegation(r));
      CREDENCE_ASSIGN_OR_RETURN(d.payload, read_revoke(r));
      return Body(std::move(d));
    }
    case BodyKind::revoke_offchain: {
      CREDENCE_ASSIGN_OR_RETURN(auto ids, read_id_list(r));
      return Body(RevokeOffchain{std::move(ids)});
    }
    case BodyKind::timestamp: {
      CREDENCE_ASSIGN_OR_RETURN(auto ids, read_id_list(r));
      return Body(Timestamp{std::move(ids)});
    }
    case BodyKind::transfer: {
      Transfer t;
      CREDENCE_ASSIGN_OR_RETURN(t.to, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(t.amount, read_amount(r));
      CREDENCE_ASSIGN_OR_RETURN(t.asset, r.fixed<32>());
      return Body(t);
    }
    case BodyKind::create_asset: {
      CREDENCE_ASSIGN_OR_RETURN(auto d, read_asset_definition(r));
      return Body(CreateAsset{std::move(d)});
    }
    case BodyKind::create_distribution: {
      CREDENCE_ASSIGN_OR_RETURN(auto terms, read_distribution_terms(r));
      return Body(CreateDistribution{std::move(terms)});
    }
    case BodyKind::claim: {
      Claim c;
      CREDENCE_ASSIGN_OR_RETURN(c.distribution, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(c.claimant, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(c.allocation, read_amount(r));
      CREDENCE_ASSIGN_OR_RETURN(c.proof, read_id_list_any(r, kMaxClaimProof, "proof"));
      CREDENCE_ASSIGN_OR_RETURN(c.attestations, read_id_list_any(r, kMaxClaimAttestations, "attestations"));
      return Body(std::move(c));
    }
    case BodyKind::cancel_distribution: {
      CancelDistribution c;
      CREDENCE_ASSIGN_OR_RETURN(c.distribution, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(c.wipe, r.boolean());
      return Body(c);
    }
    case BodyKind::clawback: {
      Clawback c;
      CREDENCE_ASSIGN_OR_RETURN(c.distribution, r.fixed<32>());
      return Body(c);
    }
    case BodyKind::disable_distribution_switches: {
      DisableDistributionSwitches d;
      CREDENCE_ASSIGN_OR_RETURN(d.distribution, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(d.cancel, r.boolean());
      CREDENCE_ASSIGN_OR_RETURN(d.clawback, r.boolean());
      return Body(d);
    }
    case BodyKind::mint: {
      Mint m;
      CREDENCE_ASSIGN_OR_RETURN(m.asset, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(m.to, r.fixed<32>());
      CREDENCE_ASSIGN_OR_RETURN(m.amount, read_amount(r));
      return Body(m);
    }
  }
  return bad_tx("unknown body kind " + std::to_string(kind));
}

void write_transaction(codec::Writer& w, const Transaction& tx) {
  w.u64(tx.chain_id).fixed<32>(tx.author).u64(tx.nonce).u64(tx.expires_at);
  write_body(w, tx.body);
}

}  // namespace

const char* body_name(const Body& body) {
  return kBodyNames[body.index()];
}

Bytes encode(const Transaction& tx) {
  codec::Writer w(kTransactionTag, 1);
  write_transaction(w, tx);
  return std::move(w).take();
}

Id transaction_id(const Transaction& tx) {
  return crypto::sha256(encode(tx));
}

Bytes encode(const SignedTransaction& stx) {
  codec::Writer w(kSignedTransactionTag, 1);
  write_transaction(w, stx.tx);
  w.fixed<64>(stx.signature);
  return std::move(w).take();
}

Result<SignedTransaction> decode_signed_transaction(ByteView bytes) {
  if (bytes.size() > kMaxTransactionSize)
    return bad_tx("larger than " + std::to_string(kMaxTransactionSize) + " bytes");
  codec::Reader r(bytes);
  SignedTransaction stx;
  CREDENCE_RETURN_IF_ERROR(r.header(kSignedTransactionTag, 1, 1).status());
  CREDENCE_ASSIGN_OR_RETURN(stx.tx.chain_id, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(stx.tx.author, r.fixed<32>());
  CREDENCE_ASSIGN_OR_RETURN(stx.tx.nonce, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(stx.tx.expires_at, r.u64());
  CREDENCE_ASSIGN_OR_RETURN(stx.tx.body, read_body(r));
  CREDENCE_ASSIGN_OR_RETURN(stx.signature, r.fixed<64>());
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return stx;
}

SignedTransaction sign_transaction(Transaction tx, const crypto::ed25519::SecretKey& author) {
  tx.author = author.public_key().bytes();
  SignedTransaction stx;
  stx.signature = author.sign(encode(tx));
  stx.tx = std::move(tx);
  return stx;
}

Status verify_transaction_signature(const SignedTransaction& stx) {
  return crypto::ed25519::verify(stx.tx.author, encode(stx.tx), stx.signature);
}

Bytes delegation_signing_message(std::uint64_t chain_id, const Delegation& d, const Body& payload) {
  codec::Writer w(kDelegationTag, 1);
  w.u64(chain_id).fixed<32>(d.attester).u64(d.nonce).u64(d.deadline);
  write_body(w, payload);
  return std::move(w).take();
}

void sign_delegation(std::uint64_t chain_id, Delegation& d, const Body& payload,
                     const crypto::ed25519::SecretKey& attester) {
  d.attester = attester.public_key().bytes();
  d.signature = attester.sign(delegation_signing_message(chain_id, d, payload));
}

// ---------------------------------------------------------------- JSON

namespace {

codec::Json hex_json(ByteView b) {
  return codec::hex_encode_0x(b);
}

codec::Json attest_json(const Attest& a) {
  codec::Json reqs = codec::Json::array();
  for (const auto& q : a.requests) reqs.push_back(to_json(q));
  return reqs;
}

codec::Json revoke_json(const Revoke& v) {
  codec::Json list = codec::Json::array();
  for (const auto& x : v.revocations) list.push_back({{"id", hex_json(x.id)}, {"reason", x.reason}});
  return list;
}

codec::Json delegation_json(const Delegation& d) {
  return {{"attester", hex_json(d.attester)},
          {"nonce", d.nonce},
          {"deadline", d.deadline},
          {"signature", hex_json(d.signature)}};
}

Result<Attest> attest_from_json(const codec::Json& j) {
  if (!j.is_array()) return Status::invalid("bad_field", "requests must be an array");
  Attest a;
  for (const auto& e : j) {
    CREDENCE_ASSIGN_OR_RETURN(auto q, request_from_json(e));
    a.requests.push_back(std::move(q));
  }
  if (a.requests.empty() || a.requests.size() > kMaxBatch) return bad_tx("attest batch must hold 1..256 requests");
  return a;
}

Result<Revoke> revoke_from_json(const codec::Json& j) {
  if (!j.is_array()) return Status::invalid("bad_field", "revocations must be an array");
  Revoke v;
  for (const auto& e : j) {
    CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(e, "revocation"));
    Revocation x;
    CREDENCE_ASSIGN_OR_RETURN(x.id, r.hex_fixed<32>("id"));
    if (r.optional("reason")) {
      CREDENCE_ASSIGN_OR_RETURN(x.reason, r.string("reason"));
    }
    CREDENCE_RETURN_IF_ERROR(r.finish());
    if (x.reason.size() > kMaxReasonLength || !codec::is_valid_utf8(x.reason)) return bad_tx("bad revocation reason");
    v.revocations.push_back(std::move(x));
  }
  if (v.revocations.empty() || v.revocations.size() > kMaxBatch) return bad_tx("revoke batch must hold 1..256 entries");
  return v;
}

Result<Delegation> delegation_from_json(const codec::Json& j) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(j, "delegation"));
  Delegation d;
  CREDENCE_ASSIGN_OR_RETURN(d.attester, r.hex_fixed<32>("attester"));
  CREDENCE_ASSIGN_OR_RETURN(d.nonce, r.u64("nonce"));
  CREDENCE_ASSIGN_OR_RETURN(d.deadline, r.u64("deadline"));
  CREDENCE_ASSIGN_OR_RETURN(d.signature, r.hex_fixed<64>("signature"));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return d;
}

// A possibly empty list of 0x-hex 32-byte values, at most `limit`.
Result<std::vector<Hash256>> hash_list_from_json(const codec::Json& j, const std::string& what, std::size_t limit) {
  if (!j.is_array() || j.size() > limit) {
    return bad_tx(what + " must be an array of at most " + std::to_string(limit) + " 0x-hex values");
  }
  std::vector<Hash256> out;
  for (const auto& e : j) {
    if (!e.is_string()) return Status::invalid("bad_field", what + " must hold 0x-hex strings");
    auto h = codec::hex_decode_fixed<32>(e.get<std::string>());
    if (!h) return Status::invalid("bad_field", what + ": " + h.status().to_string());
    out.push_back(*h);
  }
  return out;
}

Result<std::vector<Id>> id_list_from_json(const codec::Json& j) {
  if (!j.is_array() || j.empty() || j.size() > kMaxBatch) return bad_tx("ids must be an array of 1..256 ids");
  std::vector<Id> ids;
  for (const auto& e : j) {
    if (!e.is_string()) return Status::invalid("bad_field", "ids must be 0x-hex strings");
    auto id = codec::hex_decode_fixed<32>(e.get<std::string>());
    if (!id) return Status::invalid("bad_field", "ids: " + id.status().to_string());
    ids.push_back(*id);
  }
  return ids;
}

codec::Json body_json(const Body& body) {
  codec::Json j;
  j["type"] = body_name(body);
  std::visit(
      [&j](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, RegisterSchema>) {
          j["schema"] = to_json(b.schema);
        } else if constexpr (std::is_same_v<T, Attest>) {
          j["requests"] = attest_json(b);
        } else if constexpr (std::is_same_v<T, Revoke>) {
          j["revocations"] = revoke_json(b);
        } else if constexpr (std::is_same_v<T, DelegatedAttest>) {
          j["delegation"] = delegation_json(b.delegation);
          j["requests"] = attest_json(b.payload);
        } else if constexpr (std::is_same_v<T, DelegatedRevoke>) {
          j["delegation"] = delegation_json(b.delegation);
          j["revocations"] = revoke_json(b.payload);
        } else if constexpr (std::is_same_v<T, RevokeOffchain> || std::is_same_v<T, Timestamp>) {
          codec::Json ids = codec::Json::array();
          for (const auto& id : b.ids) ids.push_back(hex_json(id));
          j["ids"] = ids;
        } else if constexpr (std::is_same_v<T, Transfer>) {
          j["to"] = hex_json(b.to);
          j["amount"] = amount_json(b.amount);
          if (b.asset != kNativeAsset) j["asset"] = hex_json(b.asset);
        } else if constexpr (std::is_same_v<T, CreateAsset>) {
          j["asset"] = to_json(b.definition);
        } else if constexpr (std::is_same_v<T, Mint>) {
          j["asset"] = hex_json(b.asset);
          j["to"] = hex_json(b.to);
          j["amount"] = amount_json(b.amount);
        } else if constexpr (std::is_same_v<T, CreateDistribution>) {
          j["distribution"] = to_json(b.terms);
        } else if constexpr (std::is_same_v<T, Claim>) {
          j["distribution"] = hex_json(b.distribution);
          j["claimant"] = hex_json(b.claimant);
          j["allocation"] = amount_json(b.allocation);
          codec::Json proof = codec::Json::array();
          for (const auto& p : b.proof) proof.push_back(hex_json(p));
          j["proof"] = proof;
          codec::Json atts = codec::Json::array();
          for (const auto& a : b.attestations) atts.push_back(hex_json(a));
          j["attestations"] = atts;
        } else if constexpr (std::is_same_v<T, CancelDistribution>) {
          j["distribution"] = hex_json(b.distribution);
          j["wipe"] = b.wipe;
        } else if constexpr (std::is_same_v<T, Clawback>) {
          j["distribution"] = hex_json(b.distribution);
        } else {
          static_assert(std::is_same_v<T, DisableDistributionSwitches>);
          j["distribution"] = hex_json(b.distribution);
          j["cancel"] = b.cancel;
          j["clawback"] = b.clawback;
        }
      },
      body);
  return j;
}

Result<Body> body_from_json(const codec::Json& j) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(j, "body"));
  CREDENCE_ASSIGN_OR_RETURN(auto type, r.string("type"));
  Result<Body> body = bad_tx("unknown body type \"" + type + "\"");
  if (type == "register_schema") {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* s, r.value("schema"));
    CREDENCE_ASSIGN_OR_RETURN(auto schema, schema_from_json(*s));
    body = Body(RegisterSchema{std::move(schema)});
  } else if (type == "attest" || type == "delegated_attest") {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* q, r.value("requests"));
    CREDENCE_ASSIGN_OR_RETURN(auto a, attest_from_json(*q));
    if (type == "attest") {
      body = Body(std::move(a));
    } else {
      CREDENCE_ASSIGN_OR_RETURN(const codec::Json* d, r.value("delegation"));
      CREDENCE_ASSIGN_OR_RETURN(auto delegation, delegation_from_json(*d));
      body = Body(DelegatedAttest{delegation, std::move(a)});
    }
  } else if (type == "revoke" || type == "delegated_revoke") {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* q, r.value("revocations"));
    CREDENCE_ASSIGN_OR_RETURN(auto v, revoke_from_json(*q));
    if (type == "revoke") {
      body = Body(std::move(v));
    } else {
      CREDENCE_ASSIGN_OR_RETURN(const codec::Json* d, r.value("delegation"));
      CREDENCE_ASSIGN_OR_RETURN(auto delegation, delegation_from_json(*d));
      body = Body(DelegatedRevoke{delegation, std::move(v)});
    }
  } else if (type == "revoke_offchain" || type == "timestamp") {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* ids_json, r.value("ids"));
    CREDENCE_ASSIGN_OR_RETURN(auto ids, id_list_from_json(*ids_json));
    body = type == "timestamp" ? Body(Timestamp{std::move(ids)}) : Body(RevokeOffchain{std::move(ids)});
  } else if (type == "transfer") {
    Transfer t;
    CREDENCE_ASSIGN_OR_RETURN(t.to, r.hex_fixed<32>("to"));
    CREDENCE_ASSIGN_OR_RETURN(t.amount, amount_from_json(r, "amount"));
    if (r.optional("asset")) {
      CREDENCE_ASSIGN_OR_RETURN(t.asset, r.hex_fixed<32>("asset"));
    }
    body = Body(t);
  } else if (type == "create_asset") {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("asset"));
    CREDENCE_ASSIGN_OR_RETURN(auto d, asset_definition_from_json(*a));
    body = Body(CreateAsset{std::move(d)});
  } else if (type == "create_distribution") {
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* d, r.value("distribution"));
    CREDENCE_ASSIGN_OR_RETURN(auto terms, distribution_terms_from_json(*d));
    body = Body(CreateDistribution{std::move(terms)});
  } else if (type == "claim") {
    Claim c;
    CREDENCE_ASSIGN_OR_RETURN(c.distribution, r.hex_fixed<32>("distribution"));
    CREDENCE_ASSIGN_OR_RETURN(c.claimant, r.hex_fixed<32>("claimant"));
    CREDENCE_ASSIGN_OR_RETURN(c.allocation, amount_from_json(r, "allocation"));
    CREDENCE_ASSIGN_OR_RETURN(const codec::Json* p, r.value("proof"));
    CREDENCE_ASSIGN_OR_RETURN(c.proof, hash_list_from_json(*p, "proof", kMaxClaimProof));
    if (r.optional("attestations")) {
      CREDENCE_ASSIGN_OR_RETURN(const codec::Json* a, r.value("attestations"));
      CREDENCE_ASSIGN_OR_RETURN(c.attestations, hash_list_from_json(*a, "attestations", kMaxClaimAttestations));
    }
    body = Body(std::move(c));
  } else if (type == "cancel_distribution") {
    CancelDistribution c;
    CREDENCE_ASSIGN_OR_RETURN(c.distribution, r.hex_fixed<32>("distribution"));
    CREDENCE_ASSIGN_OR_RETURN(c.wipe, r.boolean("wipe"));
    body = Body(c);
  } else if (type == "clawback") {
    Clawback c;
    CREDENCE_ASSIGN_OR_RETURN(c.distribution, r.hex_fixed<32>("distribution"));
    body = Body(c);
  } else if (type == "disable_distribution_switches") {
    DisableDistributionSwitches d;
    CREDENCE_ASSIGN_OR_RETURN(d.distribution, r.hex_fixed<32>("distribution"));
    if (r.optional("cancel")) {
      CREDENCE_ASSIGN_OR_RETURN(d.cancel, r.boolean("cancel"));
    }
    if (r.optional("clawback")) {
      CREDENCE_ASSIGN_OR_RETURN(d.clawback, r.boolean("clawback"));
    }
    body = Body(d);
  } else if (type == "mint") {
    Mint m;
    CREDENCE_ASSIGN_OR_RETURN(m.asset, r.hex_fixed<32>("asset"));
    CREDENCE_ASSIGN_OR_RETURN(m.to, r.hex_fixed<32>("to"));
    CREDENCE_ASSIGN_OR_RETURN(m.amount, amount_from_json(r, "amount"));
    body = Body(m);
  }
  if (!body) return body.status();
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return body;
}

}  // namespace

codec::Json to_json(const Transaction& tx) {
  return {{"id", hex_json(transaction_id(tx))}, {"chain_id", tx.chain_id},
          {"author", hex_json(tx.author)},      {"nonce", tx.nonce},
          {"expires_at", tx.expires_at},        {"body", body_json(tx.body)}};
}

Result<Transaction> transaction_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "transaction"));
  Transaction tx;
  CREDENCE_ASSIGN_OR_RETURN(tx.chain_id, r.u64("chain_id"));
  CREDENCE_ASSIGN_OR_RETURN(tx.author, r.hex_fixed<32>("author"));
  CREDENCE_ASSIGN_OR_RETURN(tx.nonce, r.u64("nonce"));
  CREDENCE_ASSIGN_OR_RETURN(tx.expires_at, r.u64("expires_at"));
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* b, r.value("body"));
  CREDENCE_ASSIGN_OR_RETURN(tx.body, body_from_json(*b));
  std::optional<Id> claimed;
  if (r.optional("id")) {
    CREDENCE_ASSIGN_OR_RETURN(claimed, r.hex_fixed<32>("id"));
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  if (claimed && *claimed != transaction_id(tx)) return Status::invalid("id_mismatch", "transaction id mismatch");
  return tx;
}

codec::Json to_json(const SignedTransaction& stx) {
  return {{"transaction", to_json(stx.tx)}, {"signature", hex_json(stx.signature)}};
}

Result<SignedTransaction> signed_transaction_from_json(const codec::Json& json) {
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json, "signed transaction"));
  SignedTransaction stx;
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* t, r.value("transaction"));
  CREDENCE_ASSIGN_OR_RETURN(stx.tx, transaction_from_json(*t));
  CREDENCE_ASSIGN_OR_RETURN(stx.signature, r.hex_fixed<64>("signature"));
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return stx;
}

}  // namespace credence::core
