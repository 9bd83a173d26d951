#include "test_support.h"

#include "credence/codec/abi.h"
#include "credence/codec/abi_type.h"
#include "credence/codec/hex.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"

namespace credence::core::test {

namespace {

crypto::ed25519::SecretKey key_from_seed(std::uint64_t seed) {
  crypto::DeterministicRandom random(seed);
  return crypto::ed25519::SecretKey::generate(random);
}

Bytes abi_encode_params(std::string_view fields, std::vector<codec::AbiValue> values) {
  auto params = codec::parse_abi_params(fields);
  EXPECT_TRUE(params.ok()) << params.status().to_string();
  std::vector<codec::AbiType> types;
  for (const auto& p : *params) types.push_back(p.type);
  auto encoded = codec::abi_encode(types, values);
  EXPECT_TRUE(encoded.ok()) << encoded.status().to_string();
  return encoded.ok() ? *encoded : Bytes{};
}

std::string describe(const Receipt& r) {
  return std::string(r.included ? "included" : "not included") + ", code " + r.code +
         (r.message.empty() ? "" : " (" + r.message + ")");
}

}  // namespace

Account::Account(std::uint64_t seed) : key_(key_from_seed(seed)), id_(key_.public_key().bytes()) {}

Id id_of(std::string_view label) {
  return crypto::sha256(as_bytes(label));
}

Bytes score_data(std::uint64_t score, const std::string& name) {
  return abi_encode_params(kScoreFields, {codec::AbiValue::from_u64(score), codec::AbiValue::string(name)});
}

Bytes flag_data(bool ok) {
  return abi_encode_params(kFlagFields, {codec::AbiValue::boolean(ok)});
}

Schema make_schema(const AccountId& registrant, std::string name, std::string_view fields) {
  Schema s;
  s.name = std::move(name);
  s.registrant = registrant;
  s.fields = std::string(fields);
  const Status st = s.normalize();
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return s;
}

AttestationRequest make_request(const Id& schema, std::vector<Recipient> recipients, Bytes data) {
  AttestationRequest q;
  q.schema = schema;
  q.recipients = std::move(recipients);
  q.data.data = std::move(data);
  return q;
}

AttestationRequest make_offledger_request(const Id& schema, std::vector<Recipient> recipients, ByteView data) {
  AttestationRequest q;
  q.schema = schema;
  q.recipients = std::move(recipients);
  q.data.location = DataLocation::off_ledger;
  q.data.data_hash = crypto::sha256(data);
  q.data.uri = "https://example.org/data/" + codec::hex_encode(ByteView(q.data.data_hash).first(4));
  return q;
}

Body attest_body(AttestationRequest request) {
  return Attest{{std::move(request)}};
}

Body revoke_body(const Id& id, std::string reason) {
  return Revoke{{Revocation{id, std::move(reason)}}};
}

SignedTransaction resign_with(SignedTransaction stx, const crypto::ed25519::SecretKey& key) {
  stx.signature = key.sign(encode(stx.tx));
  return stx;
}

// ---------------------------------------------------------------- Chain

Chain::Chain(std::vector<std::pair<AccountId, std::uint64_t>> allocations, std::uint64_t chain_id)
    : chain_id_(chain_id), store_(std::make_unique<MemoryNodeStore>()) {
  auto map = smt::AuthenticatedMap::open(*store_);
  EXPECT_TRUE(map.ok()) << map.status().to_string();
  map_ = std::make_unique<smt::AuthenticatedMap>(std::move(map).value());
  ledger_ = std::make_unique<Ledger>(*map_, chain_id_);
  const Status g = ledger_->apply_genesis(Genesis{chain_id_, std::move(allocations), std::nullopt});
  EXPECT_TRUE(g.is_ok()) << g.to_string();
  auto root = map_->commit();
  EXPECT_TRUE(root.ok()) << root.status().to_string();
  roots_.push_back(map_->root());
}

Transaction Chain::tx(const AccountId& author, Body body) const {
  Transaction t;
  t.chain_id = chain_id_;
  t.author = author;
  t.nonce = nonce(author);
  t.expires_at = time_ + kTxLifetime;
  t.body = std::move(body);
  return t;
}

SignedTransaction Chain::sign(const Account& author, Body body) const {
  return sign_transaction(tx(author.id(), std::move(body)), author.key());
}

Delegation Chain::delegation(const Account& attester, const Body& payload, std::uint64_t deadline,
                             std::optional<std::uint64_t> nonce, std::optional<std::uint64_t> chain_id) const {
  Delegation d;
  d.attester = attester.id();
  d.nonce = nonce ? *nonce : delegation_nonce(attester.id());
  d.deadline = deadline;
  sign_delegation(chain_id ? *chain_id : chain_id_, d, payload, attester.key());
  return d;
}

Body Chain::delegated_attest(const Account& attester, Attest payload, std::uint64_t deadline) const {
  Delegation d = delegation(attester, Body(payload), deadline);
  return DelegatedAttest{d, std::move(payload)};
}

Body Chain::delegated_revoke(const Account& attester, Revoke payload, std::uint64_t deadline) const {
  Delegation d = delegation(attester, Body(payload), deadline);
  return DelegatedRevoke{d, std::move(payload)};
}

Receipt Chain::submit(const SignedTransaction& stx) {
  auto receipts = submit_block({stx});
  return receipts.empty() ? Receipt{} : receipts.front();
}

std::vector<Receipt> Chain::submit_block(const std::vector<SignedTransaction>& block) {
  ++height_;
  const BlockContext ctx{height_, time_};
  std::vector<Receipt> receipts;
  for (const auto& stx : block) {
    auto r = ledger_->apply(stx, ctx);
    EXPECT_TRUE(r.ok()) << "storage error: " << r.status().to_string();
    receipts.push_back(r.ok() ? *r : Receipt{});
  }
  auto root = map_->commit();
  EXPECT_TRUE(root.ok()) << root.status().to_string();
  roots_.push_back(map_->root());
  return receipts;
}

Id Chain::register_schema(const Account& registrant, const Schema& schema) {
  const Receipt r = run(registrant, RegisterSchema{schema});
  EXPECT_TRUE(r.ok() && r.created.size() == 1) << "register_schema " << schema.name << ": " << describe(r);
  return r.created.empty() ? Id{} : r.created.front();
}

Id Chain::attest(const Account& attester, AttestationRequest request) {
  const Receipt r = run(attester, attest_body(std::move(request)));
  EXPECT_TRUE(r.ok() && r.created.size() == 1) << "attest: " << describe(r);
  return r.created.empty() ? Id{} : r.created.front();
}

void Chain::revoke(const Account& attester, const Id& id) {
  const Receipt r = run(attester, revoke_body(id, "test"));
  EXPECT_TRUE(r.ok()) << "revoke: " << describe(r);
}

std::uint64_t Chain::u64(const Hash256& key) const {
  auto v = load_u64(ledger_->view(), key);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() ? *v : 0;
}

U256 Chain::amount(const Hash256& key) const {
  auto v = load_u256(ledger_->view(), key);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() ? *v : U256();
}

std::uint64_t Chain::supply() const {
  auto native = load_asset(ledger_->view(), kNativeAsset);
  EXPECT_TRUE(native.ok() && native->has_value());
  return native.ok() && native->has_value() ? (*native)->supply.low_u64() : 0;
}

std::optional<AttestationRecord> Chain::record(const Id& id) const {
  auto r = load_attestation(ledger_->view(), id);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::nullopt;
}

std::optional<Schema> Chain::schema(const Id& id) const {
  auto r = load_schema(ledger_->view(), id);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::nullopt;
}

bool Chain::has(const Hash256& key) const {
  auto v = map_->get(key);
  EXPECT_TRUE(v.ok()) << v.status().to_string();
  return v.ok() && v->has_value();
}

Hash256 Chain::root_after(const std::function<void(smt::AuthenticatedMap&)>& edit) const {
  EXPECT_EQ(map_->pending_count(), 0u) << "root_after needs a committed chain";
  MemoryNodeStore copy = *store_;
  auto map = smt::AuthenticatedMap::open(copy);
  EXPECT_TRUE(map.ok()) << map.status().to_string();
  if (!map.ok()) return {};
  edit(*map);
  auto root = map->commit();
  EXPECT_TRUE(root.ok()) << root.status().to_string();
  return root.ok() ? *root : Hash256{};
}

// ---------------------------------------------------------------- checks

::testing::AssertionResult rejected(Chain& chain, const SignedTransaction& stx, std::string_view code) {
  const Hash256 before = chain.root();
  const MemoryNodeStore store_before = chain.store();
  const Receipt r = chain.submit(stx);
  if (r.included || r.code != code) {
    return ::testing::AssertionFailure() << "expected rejection with " << code << ", got " << describe(r);
  }
  if (chain.root() != before || !(chain.store() == store_before)) {
    return ::testing::AssertionFailure() << "rejected (" << code << ") but the state changed";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult failed(Chain& chain, const SignedTransaction& stx, std::string_view code) {
  const AccountId author = stx.tx.author;
  const std::uint64_t nonce = chain.nonce(author);
  const Hash256 expected =
      chain.root_after([&](smt::AuthenticatedMap& m) { m.put(nonce_key(author), encode_u64(nonce + 1)); });
  const Receipt r = chain.submit(stx);
  if (!r.included || r.code != code) {
    return ::testing::AssertionFailure() << "expected failure with " << code << ", got " << describe(r);
  }
  if (!r.created.empty()) return ::testing::AssertionFailure() << "failed (" << code << ") but lists created ids";
  if (chain.root() != expected) {
    return ::testing::AssertionFailure() << "failed (" << code << ") but changed more than the author's nonce";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult succeeded(Chain& chain, const SignedTransaction& stx) {
  const Receipt r = chain.submit(stx);
  if (!r.included || !r.ok()) return ::testing::AssertionFailure() << "expected ok, got " << describe(r);
  return ::testing::AssertionSuccess();
}

}  // namespace credence::core::test
