// Property tests of the ledger against a reference model.
//
// Random sequences of operations — register schema, attest (single and batch), revoke (single and batch),
// delegated attest / revoke, off-ledger revocation, timestamp, transfer, and deliberately invalid variants of each
// (wrong chain, forged or malformed signatures, expired, bad nonces, replays, policy violations) — over four
// accounts, applied in blocks of random size, are checked against a small reference model written here from the
// headers' rules (std::map state, no authenticated map, no checkpoints: a failed body just discards a copy). For
// every transaction the model's predicted receipt (included?, code, created ids) must equal the ledger's; after
// every block the ledger's state root must equal the root of the model's state laid out by state.h, and the native
// supply must be conserved; replaying the same blocks into a fresh store must give the same root at every block.
//
// One operation is derived from one 64-bit word (a SplitMix64 stream), so rapidcheck shrinks a failing sequence by
// dropping and simplifying words. Rapidcheck prints the seed that replays a failure (RC_PARAMS="reproduce=…");
// the deterministic coverage driver prints its own seed in the failure message.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/core/ledger.h"
#include "credence/crypto/hash.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;

// ---------------------------------------------------------------------------------------------------------------
// The world: four accounts, eight schema templates, a few data values, recipients and off-ledger ids.

constexpr std::size_t kAccounts = 4;
constexpr std::uint64_t kAllocations[kAccounts] = {500, 300, 40, 0};
constexpr std::size_t kMaxOperations = 60;

const std::vector<Account>& accounts() {
  static const std::vector<Account> all = [] {
    std::vector<Account> v;
    for (std::uint64_t i = 0; i < kAccounts; ++i) v.emplace_back(100 + i);
    return v;
  }();
  return all;
}
const AccountId& acct(std::size_t i) {
  return accounts()[i].id();
}

std::vector<std::pair<AccountId, std::uint64_t>> genesis() {
  std::vector<std::pair<AccountId, std::uint64_t>> g;
  for (std::size_t i = 0; i < kAccounts; ++i) g.emplace_back(acct(i), kAllocations[i]);
  return g;
}

enum Template : std::size_t {
  kPlain = 0,     // score fields; by account 0 it is the accreditor schema of kAccredited
  kIrrevocable,   // bool field, irrevocable
  kShortLived,    // max_valid_for = 100
  kFeeAndLimit,   // fee 15, at most 2 live attestations per recipient
  kAllowlist,     // only accounts 0 and 1 may attest
  kOffLedger,     // data kept off the ledger
  kAccredited,    // accreditation by account 0 through the accreditor schema, depth <= 2
  kSameAttester,  // links must point to the same attester
  kTemplates,
};

constexpr std::uint64_t kFee = 15;
constexpr std::uint32_t kLimit = 2;
constexpr std::uint64_t kMaxValidFor = 100;

Schema build_schema(std::size_t t, std::size_t registrant);

Id accreditor_id() {
  static const Id id = schema_id(build_schema(kPlain, 0));
  return id;
}

Schema build_schema(std::size_t t, std::size_t registrant) {
  Schema s = test::make_schema(acct(registrant), "template " + std::to_string(t),
                               t == kIrrevocable ? test::kFlagFields : test::kScoreFields);
  switch (t) {
    case kIrrevocable:
      s.revocable = false;
      break;
    case kShortLived:
      s.max_valid_for = kMaxValidFor;
      break;
    case kFeeAndLimit:
      s.policy.fee = kFee;
      s.policy.max_per_recipient = kLimit;
      break;
    case kAllowlist:
      s.policy.attester_allowlist = {acct(0), acct(1)};
      break;
    case kOffLedger:
      s.data_location = DataLocation::off_ledger;
      break;
    case kAccredited:
      s.policy.accreditation = AccreditationRule{accreditor_id(), {acct(0)}, 2};
      break;
    case kSameAttester:
      s.policy.link_same_attester = true;
      break;
    default:
      break;
  }
  EXPECT_TRUE(s.normalize().is_ok());
  return s;
}

// Every (template, registrant) schema id, for the generator.
const std::map<Id, std::size_t>& template_of() {
  static const std::map<Id, std::size_t> m = [] {
    std::map<Id, std::size_t> out;
    for (std::size_t t = 0; t < kTemplates; ++t) {
      for (std::size_t r = 0; r < kAccounts; ++r) out[schema_id(build_schema(t, r))] = t;
    }
    return out;
  }();
  return m;
}

enum class Shape { score, flag, garbage };

struct DataValue {
  Bytes bytes;
  Shape shape;
};

const std::vector<DataValue>& data_values() {
  static const std::vector<DataValue> v = {{test::score_data(1, "a"), Shape::score},
                                           {test::score_data(2, "bee"), Shape::score},
                                           {test::flag_data(true), Shape::flag},
                                           {test::flag_data(false), Shape::flag},
                                           {Bytes{1, 2, 3}, Shape::garbage}};
  return v;
}

Shape shape_of(const Bytes& data) {
  for (const auto& d : data_values()) {
    if (d.bytes == data) return d.shape;
  }
  return Shape::garbage;
}

Shape shape_of_template(std::size_t t) {
  return t == kIrrevocable ? Shape::flag : Shape::score;
}

std::vector<Recipient> recipient_pool() {
  std::vector<Recipient> pool;
  for (std::size_t i = 0; i < kAccounts; ++i) pool.push_back(Recipient::account(acct(i)));
  FixedBytes<20> evm{};
  evm.fill(0x42);
  pool.push_back(Recipient::evm_address(evm));
  pool.push_back(Recipient::external("did:example:holder"));
  return pool;
}

Id offchain_id(std::size_t i) {
  return test::id_of("off-ledger " + std::to_string(i));
}
constexpr std::size_t kOffchainIds = 6;

// The canonical spelling of the fields strings the generator uses (the model's own normalization).
std::string canonical_fields(const std::string& fields) {
  if (fields == "uint score, string name") return std::string(test::kScoreFields);
  return fields;
}

// ---------------------------------------------------------------------------------------------------------------
// Randomness: one SplitMix64 stream per operation word.

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------------------------
// A planned transaction: the signed transaction plus what the generator knows about its signatures (the model
// does not re-verify signatures; it trusts the generator's note of how it built them).

struct Plan {
  SignedTransaction stx;
  std::string signature_code;  // "" when the author's signature is good
  bool bad_delegation_signature = false;
};

struct Prediction {
  bool included = false;
  std::string code = "ok";
  std::vector<Id> created;
};

// ---------------------------------------------------------------------------------------------------------------
// The reference model.

class Model {
 public:
  Model() {
    for (std::size_t i = 0; i < kAccounts; ++i) {
      if (kAllocations[i] != 0) balances_[acct(i)] = kAllocations[i];
      supply_ += kAllocations[i];
    }
  }

  Prediction apply(const Plan& plan, std::uint64_t now) {
    const Transaction& tx = plan.stx.tx;
    Prediction p;
    if (tx.chain_id != test::kChainId) return rejected("bad_chain_id");
    if (!plan.signature_code.empty()) return rejected(plan.signature_code);
    if (tx.expires_at < now) return rejected("transaction_expired");
    if (tx.nonce != get(nonces_, tx.author)) return rejected("bad_nonce");
    p.included = true;
    Model next = *this;
    next.nonces_[tx.author] += 1;
    p.code = next.body(tx, plan.bad_delegation_signature, transaction_id(tx), now, p.created);
    if (p.code == "ok") {
      *this = std::move(next);
    } else {
      nonces_[tx.author] += 1;
      p.created.clear();
    }
    return p;
  }

  // The state root of the model's state, laid out as state.h describes.
  [[nodiscard]] Hash256 root() const {
    MemoryNodeStore store;
    auto map = smt::AuthenticatedMap::open(store);
    EXPECT_TRUE(map.ok());
    map->put(meta_key("chain"), encode_u64(test::kChainId));
    map->put(asset_key(kNativeAsset), encode(native_asset_record(U256::from_u64(supply_))));
    for (const auto& [id, s] : schemas_) map->put(schema_key(id), encode(s));
    for (const auto& [id, r] : attestations_) map->put(attestation_key(id), encode(r));
    for (const auto& [a, n] : nonces_) map->put(nonce_key(a), encode_u64(n));
    for (const auto& [a, n] : delegation_nonces_) map->put(delegation_nonce_key(a), encode_u64(n));
    for (const auto& [a, b] : balances_) {
      if (b != 0) map->put(balance_key(a), encode_u256(U256::from_u64(b)));
    }
    for (const auto& [k, n] : counts_) {
      if (n != 0) map->put(k, encode_u64(n));
    }
    for (const auto& [k, t] : offchain_) map->put(k, encode_u64(t));
    for (const auto& [k, t] : timestamps_) map->put(k, encode_u64(t));
    auto root = map->commit();
    EXPECT_TRUE(root.ok());
    return root.ok() ? *root : Hash256{};
  }

  // Reads for the generator.
  [[nodiscard]] std::uint64_t nonce(const AccountId& a) const { return get(nonces_, a); }
  [[nodiscard]] std::uint64_t delegation_nonce(const AccountId& a) const { return get(delegation_nonces_, a); }
  [[nodiscard]] std::uint64_t balance(const AccountId& a) const { return get(balances_, a); }
  [[nodiscard]] std::uint64_t supply() const { return supply_; }
  [[nodiscard]] const std::map<Id, Schema>& schemas() const { return schemas_; }
  [[nodiscard]] const std::map<Id, AttestationRecord>& attestations() const { return attestations_; }
  [[nodiscard]] const std::vector<Id>& order() const { return order_; }

 private:
  template <typename K>
  static std::uint64_t get(const std::map<K, std::uint64_t>& m, const K& k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  }
  static Prediction rejected(std::string code) {
    Prediction p;
    p.code = std::move(code);
    return p;
  }

  std::string body(const Transaction& tx, bool bad_delegation_signature, const Id& tx_id, std::uint64_t now,
                   std::vector<Id>& created) {
    if (const auto* b = std::get_if<RegisterSchema>(&tx.body)) return register_schema(tx.author, b->schema, created);
    if (const auto* b = std::get_if<Attest>(&tx.body)) return attest(tx.author, *b, tx_id, now, created);
    if (const auto* b = std::get_if<Revoke>(&tx.body)) return revoke(tx.author, *b, now);
    if (const auto* b = std::get_if<DelegatedAttest>(&tx.body)) {
      const std::string d = delegation(b->delegation, bad_delegation_signature, now);
      if (d != "ok") return d;
      return attest(b->delegation.attester, b->payload, tx_id, now, created);
    }
    if (const auto* b = std::get_if<DelegatedRevoke>(&tx.body)) {
      const std::string d = delegation(b->delegation, bad_delegation_signature, now);
      if (d != "ok") return d;
      return revoke(b->delegation.attester, b->payload, now);
    }
    if (const auto* b = std::get_if<RevokeOffchain>(&tx.body)) {
      return mark(
          b->ids, now, "already_revoked", [&](const Id& id) { return offchain_revocation_key(tx.author, id); },
          offchain_);
    }
    if (const auto* b = std::get_if<Timestamp>(&tx.body)) {
      return mark(
          b->ids, now, "already_timestamped", [](const Id& id) { return timestamp_key(id); }, timestamps_);
    }
    const auto& t = std::get<Transfer>(tx.body);
    if (t.amount.is_zero()) return "bad_transaction";
    if (!t.amount.fits_u64()) return "insufficient_balance";  // the native supply fits in 64 bits
    return move(tx.author, t.to, t.amount.low_u64());
  }

  std::string register_schema(const AccountId& author, Schema s, std::vector<Id>& created) {
    if (s.registrant != author) return "registrant_mismatch";
    if (s.name.empty()) return "bad_schema";
    if (s.policy.accreditation && s.policy.accreditation->trust_anchors.empty()) return "bad_policy";
    s.fields = canonical_fields(s.fields);
    if (s.policy.accreditation && schemas_.count(s.policy.accreditation->schema) == 0) return "unknown_schema";
    const Id id = schema_id(s);
    if (schemas_.count(id) != 0) return "already_exists";
    schemas_[id] = s;
    created.push_back(id);
    return "ok";
  }

  std::string delegation(const Delegation& d, bool bad_signature, std::uint64_t now) {
    if (d.deadline < now) return "delegation_expired";
    if (d.nonce != get(delegation_nonces_, d.attester)) return "bad_delegation_nonce";
    if (bad_signature) return "bad_delegation_signature";
    delegation_nonces_[d.attester] += 1;
    return "ok";
  }

  std::string attest(const AccountId& attester, const Attest& a, const Id& origin, std::uint64_t now,
                     std::vector<Id>& created) {
    if (a.requests.empty() || a.requests.size() > kMaxBatch) return "bad_transaction";
    for (std::size_t i = 0; i < a.requests.size(); ++i) {
      const std::string code = attest_one(attester, a.requests[i], origin, static_cast<std::uint32_t>(i), now, created);
      if (code != "ok") return code;
    }
    return "ok";
  }

  static bool names(const AttestationRequest& q, const AccountId& account) {
    const Recipient r = Recipient::account(account);
    return std::find(q.recipients.begin(), q.recipients.end(), r) != q.recipients.end();
  }

  std::string accreditation(const Schema& s, const AccountId& attester, const std::vector<Id>& links,
                            std::uint64_t now) const {
    if (!s.policy.accreditation) return "ok";
    const AccreditationRule& rule = *s.policy.accreditation;
    auto anchor = [&](const AccountId& a) {
      return std::find(rule.trust_anchors.begin(), rule.trust_anchors.end(), a) != rule.trust_anchors.end();
    };
    if (anchor(attester)) return "ok";
    if (links.empty()) return "not_accredited";
    AccountId subject = attester;
    for (std::size_t depth = 0; depth < links.size(); ++depth) {
      if (depth >= rule.max_depth) return "accreditation_depth_exceeded";
      auto it = attestations_.find(links[depth]);
      if (it == attestations_.end()) return "not_accredited";
      const Attestation& link = it->second.attestation;
      if (link.request.schema != rule.schema || !names(link.request, subject)) return "not_accredited";
      if (it->second.revoked_at != 0) return "accreditation_revoked";
      if (link.request.valid_until != 0 && now >= link.request.valid_until) return "accreditation_expired";
      if (anchor(link.attester)) return "ok";
      subject = link.attester;
    }
    return links.size() >= rule.max_depth ? "accreditation_depth_exceeded" : "not_accredited";
  }

  std::string attest_one(const AccountId& attester, const AttestationRequest& q, const Id& origin, std::uint32_t index,
                         std::uint64_t now, std::vector<Id>& created) {
    if (q.recipients.empty()) return "bad_request";
    for (const auto& r : q.recipients) {
      if (r.kind == Recipient::Kind::account && r.value.size() != 32) return "bad_recipient";
    }
    auto sit = schemas_.find(q.schema);
    if (sit == schemas_.end()) return "unknown_schema";
    const Schema& s = sit->second;
    if (q.data.location != s.data_location) return "data_location_mismatch";
    if (q.data.location == DataLocation::on_ledger) {
      const Shape want = s.fields == test::kFlagFields ? Shape::flag : Shape::score;
      if (shape_of(q.data.data) != want) return "data_mismatch";
    }
    if (q.valid_until != 0 && q.valid_until <= now) return "expired_at_creation";
    if (s.max_valid_for != 0 && (q.valid_until == 0 || q.valid_until - now > s.max_valid_for)) {
      return "validity_too_long";
    }
    if (q.revocable && !s.revocable) return "irrevocable_schema";
    if (q.linked) {
      auto lit = attestations_.find(*q.linked);
      if (lit == attestations_.end()) return "linked_missing";
      if (s.policy.link_same_attester && lit->second.attestation.attester != attester) {
        return "linked_attester_mismatch";
      }
    }
    const auto& allow = s.policy.attester_allowlist;
    if (!allow.empty() && std::find(allow.begin(), allow.end(), attester) == allow.end()) {
      return "attester_not_allowed";
    }
    const std::string acc = accreditation(s, attester, q.accreditation, now);
    if (acc != "ok") return acc;
    if (s.policy.max_per_recipient != 0) {
      for (const auto& r : q.recipients) {
        std::uint64_t& n = counts_[recipient_count_key(q.schema, r)];
        if (n >= s.policy.max_per_recipient) return "recipient_limit_reached";
        ++n;
      }
    }
    if (s.policy.fee != 0) {
      const std::string paid = move(attester, s.registrant, s.policy.fee);
      if (paid != "ok") return paid;
    }
    const Attestation a{q, attester, now, origin, index};
    const Id id = attestation_id(a);
    attestations_[id] = AttestationRecord{a, 0, ""};
    order_.push_back(id);
    created.push_back(id);
    return "ok";
  }

  std::string revoke(const AccountId& actor, const Revoke& v, std::uint64_t now) {
    if (v.revocations.empty() || v.revocations.size() > kMaxBatch) return "bad_transaction";
    for (const auto& r : v.revocations) {
      if (r.reason.size() > kMaxReasonLength) return "bad_transaction";
      auto it = attestations_.find(r.id);
      if (it == attestations_.end()) return "unknown_attestation";
      AttestationRecord& rec = it->second;
      if (rec.attestation.attester != actor) return "not_attester";
      if (rec.revoked_at != 0) return "already_revoked";
      if (!rec.attestation.request.revocable) return "irrevocable";
      const Schema& s = schemas_.at(rec.attestation.request.schema);
      if (s.policy.max_per_recipient != 0) {
        for (const auto& recipient : rec.attestation.request.recipients) {
          counts_[recipient_count_key(rec.attestation.request.schema, recipient)] -= 1;
        }
      }
      rec.revoked_at = now;
      rec.revocation_reason = r.reason;
    }
    return "ok";
  }

  template <typename KeyOf>
  static std::string mark(const std::vector<Id>& ids, std::uint64_t now, const char* duplicate, KeyOf key_of,
                          std::map<Hash256, std::uint64_t>& registry) {
    if (ids.empty() || ids.size() > kMaxBatch) return "bad_transaction";
    for (const auto& id : ids) {
      if (!registry.emplace(key_of(id), now).second) return duplicate;
    }
    return "ok";
  }

  std::string move(const AccountId& from, const AccountId& to, std::uint64_t amount) {
    if (get(balances_, from) < amount) return "insufficient_balance";
    balances_[from] -= amount;
    balances_[to] += amount;
    return "ok";
  }

  std::map<Id, Schema> schemas_;
  std::map<Id, AttestationRecord> attestations_;
  std::vector<Id> order_;  // attestation ids in creation order (the generator picks from it)
  std::map<AccountId, std::uint64_t> nonces_;
  std::map<AccountId, std::uint64_t> delegation_nonces_;
  std::map<AccountId, std::uint64_t> balances_;
  std::map<Hash256, std::uint64_t> counts_;
  std::map<Hash256, std::uint64_t> offchain_;
  std::map<Hash256, std::uint64_t> timestamps_;
  std::uint64_t supply_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// The generator: turns one word into one planned transaction, looking at the model for plausible targets.

class Generator {
 public:
  Generator(const Model& model, Dice& dice, std::uint64_t now) : m_(model), d_(dice), now_(now) {}

  Plan plan(const std::vector<Plan>& history) {
    if (!history.empty() && d_.chance(4)) return history[d_.below(history.size())];  // a replay
    std::size_t author = d_.below(kAccounts);
    GeneratedBody body = make_body(author);  // may change the author (the accreditor schema is account 0's)
    Plan p;
    Transaction tx;
    tx.chain_id = test::kChainId;
    tx.author = acct(author);
    tx.nonce = m_.nonce(acct(author));
    tx.expires_at = now_ + 1000;
    tx.body = std::move(body.body);
    p.bad_delegation_signature = body.bad_delegation_signature;
    const crypto::ed25519::SecretKey* key = &accounts()[author].key();
    if (d_.chance(12)) {
      switch (d_.below(6)) {
        case 0:
          tx.chain_id = test::kOtherChainId;
          break;
        case 1:
          key = &accounts()[(author + 1) % kAccounts].key();
          p.signature_code = "bad_signature";
          break;
        case 2:
          tx.expires_at = now_ - 1 - d_.below(100);
          break;
        case 3:
          tx.nonce = tx.nonce > 0 && d_.chance(50) ? tx.nonce - 1 : tx.nonce + 1 + d_.below(2);
          break;
        case 4:
          p.signature_code = "invalid_public_key";
          break;
        default:
          p.signature_code = "non_canonical_s";
          break;
      }
    }
    const AccountId author_field = tx.author;
    p.stx = sign_transaction(tx, *key);
    p.stx.tx.author = author_field;  // sign_transaction sets the signer's key; keep the author we chose
    if (p.signature_code == "invalid_public_key") {
      p.stx.tx.author = AccountId{1};  // the identity point: small order
    } else if (p.signature_code == "non_canonical_s") {
      std::fill(p.stx.signature.begin() + 32, p.stx.signature.end(), 0xff);
    }
    return p;
  }

 private:
  struct GeneratedBody {
    Body body;
    bool bad_delegation_signature = false;
  };

  GeneratedBody make_body(std::size_t& author) {
    // Early on, mostly register schemas: everything else needs them.
    if (m_.schemas().size() < 3 && d_.chance(40)) return {register_schema(author)};
    const std::size_t kind = d_.below(100);
    if (kind < 12) return {register_schema(author)};
    if (kind < 34) return {attest(author)};
    if (kind < 42) return {accredited_attest(author)};
    if (kind < 55) return {revoke(author)};
    if (kind < 63) return delegated(true);
    if (kind < 69) return delegated(false);
    if (kind < 75) return {RevokeOffchain{offchain_ids()}};
    if (kind < 81) return {Timestamp{offchain_ids()}};
    const std::uint64_t amount = d_.chance(5) ? 0 : 1 + d_.below(d_.chance(20) ? 1000 : 100);
    return {Transfer{acct(d_.below(kAccounts)), codec::U256::from_u64(amount)}};
  }

  // An attestation under a schema that requires accreditation, usually by an account that some accreditation
  // names (so the chain walk has something to find: valid, revoked, expired or too long).
  Body accredited_attest(std::size_t& author) {
    std::vector<Id> accredited;
    for (const auto& [id, s] : m_.schemas()) {
      if (s.policy.accreditation) accredited.push_back(id);
    }
    if (accredited.empty()) return attest(author);
    std::vector<std::size_t> named;
    for (const auto& id : m_.order()) {
      const auto& q = m_.attestations().at(id).attestation.request;
      if (q.schema != accreditor_id()) continue;
      for (std::size_t a = 1; a < kAccounts; ++a) {
        if (std::find(q.recipients.begin(), q.recipients.end(), Recipient::account(acct(a))) != q.recipients.end()) {
          named.push_back(a);
        }
      }
    }
    if (!named.empty() && d_.chance(80)) author = named[d_.below(named.size())];
    Attest a;
    a.requests.push_back(request(acct(author), accredited[d_.below(accredited.size())]));
    return a;
  }

  Body register_schema(std::size_t& author) {
    std::size_t t = d_.below(kTemplates);
    const std::size_t roll = d_.below(100);
    if (roll < 25) {
      t = kPlain;
      author = 0;  // the accreditor schema
    } else if (roll < 45) {
      t = kAccredited;
    }
    Schema s = build_schema(t, author);
    const std::size_t variant = d_.below(100);
    if (variant < 6) {
      s.registrant = acct((author + 1) % kAccounts);
    } else if (variant < 10) {
      s.name.clear();
    } else if (variant < 14) {
      s.policy.accreditation = AccreditationRule{accreditor_id(), {}, 1};
    } else if (variant < 30 && s.fields == test::kScoreFields) {
      s.fields = "uint score, string name";  // another spelling of the same schema
    }
    return RegisterSchema{s};
  }

  Id pick_schema() {
    const std::size_t roll = d_.below(100);
    if (roll < 4) return test::id_of("unknown schema");
    if (roll < 30 && m_.schemas().count(accreditor_id()) != 0) return accreditor_id();
    if (roll < 55) {
      // Schemas that need an accreditation chain, the policy with the most paths.
      std::vector<Id> accredited;
      for (const auto& [id, s] : m_.schemas()) {
        if (s.policy.accreditation) accredited.push_back(id);
      }
      if (!accredited.empty()) return accredited[d_.below(accredited.size())];
    }
    if (roll < 65) {
      // Schemas with a recipient limit: filling them takes several attestations.
      std::vector<Id> limited;
      for (const auto& [id, s] : m_.schemas()) {
        if (s.policy.max_per_recipient != 0) limited.push_back(id);
      }
      if (!limited.empty()) return limited[d_.below(limited.size())];
    }
    if (!m_.schemas().empty() && roll < 92) {
      auto it = m_.schemas().begin();
      std::advance(it, static_cast<std::ptrdiff_t>(d_.below(m_.schemas().size())));
      return it->first;
    }
    auto it = template_of().begin();
    std::advance(it, static_cast<std::ptrdiff_t>(d_.below(template_of().size())));
    return it->first;
  }

  Id pick_attestation(const AccountId* prefer_attester) {
    const auto& order = m_.order();
    if (order.empty() || d_.chance(8)) return test::id_of("unknown attestation " + std::to_string(d_.below(3)));
    if (prefer_attester != nullptr && d_.chance(60)) {
      std::vector<Id> own;
      for (const auto& id : order) {
        if (m_.attestations().at(id).attestation.attester == *prefer_attester) own.push_back(id);
      }
      if (!own.empty()) return own[d_.below(own.size())];
    }
    return order[d_.below(order.size())];
  }

  // An accreditation chain for `attester`: walks the model's accreditations towards account 0 (the anchor), or
  // picks links at random.
  std::vector<Id> accreditation_chain(const AccountId& attester) {
    std::vector<Id> links;
    const std::size_t mode = d_.below(100);
    if (mode < 15) return links;
    if (mode < 40) {
      const std::size_t n = 1 + d_.below(3);
      for (std::size_t i = 0; i < n; ++i) links.push_back(pick_attestation(nullptr));
      return links;
    }
    AccountId subject = attester;
    for (std::size_t depth = 0; depth < 3; ++depth) {
      std::vector<Id> candidates;
      for (const auto& id : m_.order()) {
        const auto& rec = m_.attestations().at(id);
        const auto& q = rec.attestation.request;
        if (q.schema == accreditor_id() &&
            std::find(q.recipients.begin(), q.recipients.end(), Recipient::account(subject)) != q.recipients.end()) {
          candidates.push_back(id);
        }
      }
      if (candidates.empty()) break;
      if (d_.chance(50)) {
        // Prefer links from non-anchors: longer chains, and chains too long for the rule.
        std::vector<Id> relayed;
        for (const auto& id : candidates) {
          if (m_.attestations().at(id).attestation.attester != acct(0)) relayed.push_back(id);
        }
        if (!relayed.empty()) candidates = std::move(relayed);
      }
      const Id link = candidates[d_.below(candidates.size())];
      links.push_back(link);
      const AccountId next = m_.attestations().at(link).attestation.attester;
      if (next == acct(0) && !d_.chance(15)) break;
      subject = next;
    }
    if (d_.chance(10)) links.push_back(pick_attestation(nullptr));
    return links;
  }

  AttestationRequest request(const AccountId& attester, std::optional<Id> schema = {}) {
    AttestationRequest q;
    q.schema = schema ? *schema : pick_schema();
    const auto t_it = template_of().find(q.schema);
    const std::size_t t = t_it == template_of().end() ? kPlain : t_it->second;

    static const std::vector<Recipient> pool = recipient_pool();
    const std::size_t n = d_.chance(25) ? 2 : 1;
    std::vector<std::size_t> picked;
    // Under the limited schema, crowd few recipients so that the limit is reached.
    const std::size_t crowd = t == kFeeAndLimit && d_.chance(70) ? 2 : kAccounts;
    while (picked.size() < n) {
      const std::size_t i = d_.chance(70) ? d_.below(crowd) : d_.below(pool.size());
      if (std::find(picked.begin(), picked.end(), i) == picked.end()) picked.push_back(i);
    }
    for (std::size_t i : picked) q.recipients.push_back(pool[i]);
    if (d_.chance(3)) q.recipients.clear();
    if (!q.recipients.empty() && d_.chance(3)) q.recipients[0] = Recipient{Recipient::Kind::account, Bytes(31, 9)};

    // Data: usually the right shape in the right place.
    const auto& values = data_values();
    std::vector<const DataValue*> fitting;
    for (const auto& v : values) {
      if (v.shape == shape_of_template(t)) fitting.push_back(&v);
    }
    const Bytes& data = d_.chance(6) ? values[d_.below(values.size())].bytes : fitting[d_.below(fitting.size())]->bytes;
    bool off = t == kOffLedger;
    if (d_.chance(4)) off = !off;
    if (off) {
      q.data.location = DataLocation::off_ledger;
      q.data.data_hash = crypto::sha256(data);
      q.data.uri = "ipfs://data";
    } else {
      q.data.data = data;
    }

    std::size_t v = d_.below(100);
    if (q.schema == accreditor_id() && d_.chance(30)) v = 60;  // short-lived accreditations expire during a run
    if (v < 50) {
      q.valid_until = 0;
    } else if (v < 80) {
      q.valid_until = now_ + 1 + d_.below(150);
    } else if (v < 88) {
      q.valid_until = now_ - d_.below(5);
    } else if (v < 94) {
      q.valid_until = UINT64_MAX;
    } else {
      q.valid_until = now_ + 1000;
    }
    q.revocable = t == kIrrevocable ? d_.chance(30) : d_.chance(90);
    if (t == kSameAttester ? d_.chance(60) : d_.chance(15)) q.linked = pick_attestation(&attester);
    if (d_.chance(3)) q.linked = test::id_of("missing link");
    if (t == kAccredited) q.accreditation = accreditation_chain(attester);
    return q;
  }

  Attest attest_payload(const AccountId& attester) {
    Attest a;
    if (d_.chance(2)) return a;  // empty batch
    const std::size_t n = d_.chance(20) ? 1 + d_.below(3) : 1;
    for (std::size_t i = 0; i < n; ++i) a.requests.push_back(request(attester));
    return a;
  }
  Body attest(std::size_t author) { return attest_payload(acct(author)); }

  Revoke revoke_payload(const AccountId& actor) {
    Revoke v;
    if (d_.chance(2)) return v;  // empty batch
    const std::size_t n = d_.chance(20) ? 1 + d_.below(3) : 1;
    for (std::size_t i = 0; i < n; ++i) {
      Revocation r;
      r.id = pick_attestation(&actor);
      if (d_.chance(30)) {
        // Revoking accreditations is what makes chains break.
        std::vector<Id> own_accreditations;
        for (const auto& id : m_.order()) {
          const auto& a = m_.attestations().at(id).attestation;
          if (a.attester == actor && a.request.schema == accreditor_id()) own_accreditations.push_back(id);
        }
        if (!own_accreditations.empty()) r.id = own_accreditations[d_.below(own_accreditations.size())];
      }
      r.reason = d_.chance(3) ? std::string(kMaxReasonLength + 1, 'r') : "reason " + std::to_string(d_.below(10));
      v.revocations.push_back(std::move(r));
    }
    return v;
  }
  Body revoke(std::size_t author) { return revoke_payload(acct(author)); }

  GeneratedBody delegated(bool attest_kind) {
    const std::size_t attester = d_.below(kAccounts);
    const Body payload = attest_kind ? Body(attest_payload(acct(attester))) : Body(revoke_payload(acct(attester)));
    Delegation d;
    d.nonce = m_.delegation_nonce(acct(attester));
    d.deadline = now_ + 60;
    std::uint64_t chain = test::kChainId;
    std::size_t signer = attester;
    bool bad_signature = false;
    if (d_.chance(6)) d.deadline = now_ - 1 - d_.below(10);
    if (d_.chance(6)) d.nonce = d.nonce > 0 && d_.chance(50) ? d.nonce - 1 : d.nonce + 1;
    if (d_.chance(5)) {
      chain = test::kOtherChainId;
      bad_signature = true;
    }
    if (d_.chance(5)) {
      signer = (attester + 1 + d_.below(kAccounts - 1)) % kAccounts;
      bad_signature = true;
    }
    sign_delegation(chain, d, payload, accounts()[signer].key());
    d.attester = acct(attester);  // a forged delegation claims the attester's name
    if (attest_kind) return {DelegatedAttest{d, std::get<Attest>(payload)}, bad_signature};
    return {DelegatedRevoke{d, std::get<Revoke>(payload)}, bad_signature};
  }

  std::vector<Id> offchain_ids() {
    std::vector<Id> ids;
    const std::size_t n = d_.chance(2) ? 0 : 1 + d_.below(2);
    for (std::size_t i = 0; i < n; ++i) ids.push_back(offchain_id(d_.below(kOffchainIds)));
    return ids;
  }

  const Model& m_;
  Dice& d_;
  std::uint64_t now_;
};

// ---------------------------------------------------------------------------------------------------------------
// The driver.

struct RunResult {
  std::string error;                         // empty: every check passed
  std::map<std::string, std::size_t> codes;  // receipt code -> how many times
  std::size_t transactions = 0;
};

std::string hex(const Hash256& h) {
  return codec::hex_encode(h);
}

RunResult run_sequence(const std::vector<std::uint64_t>& words) {
  RunResult result;
  test::Chain chain(genesis());
  Model model;
  if (model.root() != chain.root()) {
    result.error = "genesis: model root " + hex(model.root()) + " != ledger root " + hex(chain.root());
    return result;
  }
  struct Block {
    std::uint64_t time;
    std::vector<SignedTransaction> txs;
  };
  std::vector<Block> blocks;
  std::vector<Plan> history;
  std::size_t i = 0;
  while (i < words.size() && i < kMaxOperations) {
    Dice block_dice(words[i] ^ 0x5bd1e995ULL);
    chain.advance(1 + block_dice.below(40));
    const std::uint64_t now = chain.now();
    std::vector<Plan> plans;
    std::vector<Prediction> predictions;
    std::vector<std::size_t> op_index;
    while (i < words.size() && i < kMaxOperations) {
      Dice dice(words[i]);
      const bool last_in_block = dice.chance(35);
      Generator generator(model, dice, now);
      Plan plan = generator.plan(history);
      predictions.push_back(model.apply(plan, now));
      history.push_back(plan);
      plans.push_back(std::move(plan));
      op_index.push_back(i);
      ++i;
      if (last_in_block) break;
    }
    Block block{now, {}};
    for (const auto& p : plans) block.txs.push_back(p.stx);
    const std::vector<Receipt> receipts = chain.submit_block(block.txs);
    for (std::size_t k = 0; k < receipts.size(); ++k) {
      const Receipt& r = receipts[k];
      const Prediction& want = predictions[k];
      ++result.transactions;
      ++result.codes[r.code];
      if (r.included != want.included || r.code != want.code || r.created != want.created) {
        result.error = "operation " + std::to_string(op_index[k]) + " (" + body_name(plans[k].stx.tx.body) +
                       ", block " + std::to_string(chain.height()) + "): model predicts " +
                       (want.included ? "included " : "rejected ") + want.code + " with " +
                       std::to_string(want.created.size()) + " created, ledger says " +
                       (r.included ? "included " : "rejected ") + r.code + " (" + r.message + ") with " +
                       std::to_string(r.created.size()) + " created";
        return result;
      }
      // A transaction the decoder accepts survives the wire unchanged.
      auto decoded = decode_signed_transaction(encode(plans[k].stx));
      if (decoded.ok() && !(*decoded == plans[k].stx)) {
        result.error = "operation " + std::to_string(op_index[k]) + ": encode/decode changed the transaction";
        return result;
      }
    }
    if (model.root() != chain.root()) {
      result.error = "block " + std::to_string(chain.height()) + ": model root " + hex(model.root()) +
                     " != ledger root " + hex(chain.root());
      return result;
    }
    std::uint64_t sum = 0;
    for (std::size_t a = 0; a < kAccounts; ++a) sum += chain.balance(acct(a));
    if (sum != model.supply() || chain.supply() != model.supply()) {
      result.error = "block " + std::to_string(chain.height()) + ": balances sum to " + std::to_string(sum) +
                     ", supply " + std::to_string(chain.supply()) + ", genesis supply " +
                     std::to_string(model.supply());
      return result;
    }
    blocks.push_back(std::move(block));
  }

  // Replay into a fresh store: the same root at every block, the same stored records.
  test::Chain replay(genesis());
  for (const auto& block : blocks) {
    replay.advance(block.time - replay.now());
    (void)replay.submit_block(block.txs);
  }
  if (replay.roots() != chain.roots()) {
    for (std::size_t h = 0; h < std::min(replay.roots().size(), chain.roots().size()); ++h) {
      if (replay.roots()[h] != chain.roots()[h]) {
        result.error = "replay diverges at block " + std::to_string(h);
        return result;
      }
    }
    result.error = "replay has a different number of blocks";
    return result;
  }
  if (!(replay.store() == chain.store())) result.error = "replay stored different records";
  return result;
}

// ---------------------------------------------------------------------------------------------------------------

RC_GTEST_PROP(LedgerProperty, MatchesTheReferenceModelAndReplays, ()) {
  const auto words =
      *rc::gen::scale(0.6, rc::gen::container<std::vector<std::uint64_t>>(rc::gen::arbitrary<std::uint64_t>()));
  const RunResult r = run_sequence(words);
  RC_TAG(r.transactions / 10 * 10);
  if (!r.error.empty()) RC_FAIL(r.error);
}

// Every reason code the ledger can put in a receipt is reached by the generator. Deterministic: fixed seeds.
TEST(LedgerProperty, EveryReasonCodeIsReached) {
  const std::set<std::string> expected = {
      "ok",
      // rejected
      "bad_chain_id", "bad_signature", "invalid_public_key", "non_canonical_s", "transaction_expired", "bad_nonce",
      // schemas
      "registrant_mismatch", "bad_schema", "bad_policy", "unknown_schema", "already_exists",
      // attestations
      "bad_request", "bad_recipient", "data_location_mismatch", "data_mismatch", "expired_at_creation",
      "validity_too_long", "irrevocable_schema", "linked_missing", "linked_attester_mismatch", "attester_not_allowed",
      "not_accredited", "accreditation_revoked", "accreditation_expired", "accreditation_depth_exceeded",
      "recipient_limit_reached", "insufficient_balance",
      // revocations
      "unknown_attestation", "not_attester", "already_revoked", "irrevocable",
      // delegation
      "delegation_expired", "bad_delegation_nonce", "bad_delegation_signature",
      // registries and malformed bodies
      "already_timestamped", "bad_transaction"};
  std::map<std::string, std::size_t> counts;
  std::size_t transactions = 0;
  constexpr std::uint64_t kSeeds = 40;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint64_t> words(kMaxOperations);
    for (auto& w : words) w = rng();
    const RunResult r = run_sequence(words);
    ASSERT_EQ(r.error, "") << "seed " << seed;
    for (const auto& [code, n] : r.codes) counts[code] += n;
    transactions += r.transactions;
  }
  std::set<std::string> reached;
  std::string distribution;
  for (const auto& [code, n] : counts) {
    reached.insert(code);
    distribution += code + "=" + std::to_string(n) + " ";
  }
  std::vector<std::string> missing;
  std::set_difference(expected.begin(), expected.end(), reached.begin(), reached.end(), std::back_inserter(missing));
  std::vector<std::string> unexpected;
  std::set_difference(reached.begin(), reached.end(), expected.begin(), expected.end(), std::back_inserter(unexpected));
  EXPECT_TRUE(missing.empty()) << "never reached: " << ::testing::PrintToString(missing)
                               << "\nreached: " << distribution;
  EXPECT_TRUE(unexpected.empty()) << "codes outside the documented list: " << ::testing::PrintToString(unexpected);
  RecordProperty("transactions", static_cast<int>(transactions));
  RecordProperty("codes", distribution);
}

}  // namespace
}  // namespace credence::core
