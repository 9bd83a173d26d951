// The ledger state machine: one test per reason code it can answer, each checking the receipt (rejected, or
// included and failed, with the code) and the state (rejected: unchanged; failed: only the author's nonce bumped —
// see the `rejected` / `failed` helpers in test_support.h), plus the positive paths: batches, delegation,
// accreditation chains, fees and supply, recipient limits, off-ledger registries.
#include "credence/core/ledger.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "credence/codec/hex.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::attest_body;
using test::Chain;
using test::failed;
using test::id_of;
using test::make_request;
using test::rejected;
using test::revoke_body;
using test::succeeded;

constexpr std::uint64_t kRich = 1'000;

class LedgerTest : public ::testing::Test {
 protected:
  Account registrant{10};
  Account attester{11};
  Account bob{12};  // usually the recipient
  Account stranger{13};
  Account anchor{14};
  Account relayer{15};
  Account poor{16};  // holds nothing
  Chain chain{{{registrant.id(), kRich}, {attester.id(), kRich}, {anchor.id(), kRich}, {relayer.id(), 100}}};

  static constexpr std::uint64_t kSupply = 3 * kRich + 100;

  // Registers `schema` (its registrant must be `registrant`).
  Id register_schema(Schema schema) { return chain.register_schema(registrant, schema); }
  Id score_schema(const std::string& name = "score") {
    return register_schema(test::make_schema(registrant.id(), name));
  }
  Id schema_with(const std::function<void(Schema&)>& change, const std::string& name = "custom") {
    Schema s = test::make_schema(registrant.id(), name);
    change(s);
    EXPECT_TRUE(s.normalize().is_ok());
    return register_schema(s);
  }
  AttestationRequest request(const Id& schema) { return make_request(schema, {bob.recipient()}); }
  SignedTransaction attest_tx(const Account& who, AttestationRequest q) {
    return chain.sign(who, attest_body(std::move(q)));
  }
  std::uint64_t total_balance() {
    std::uint64_t sum = 0;
    for (const Account* a : {&registrant, &attester, &bob, &stranger, &anchor, &relayer, &poor}) {
      sum += chain.balance(a->id());
    }
    return sum;
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Genesis and blocks

TEST_F(LedgerTest, GenesisWritesBalancesSupplyAndChainId) {
  EXPECT_EQ(chain.balance(attester.id()), kRich);
  EXPECT_EQ(chain.balance(poor.id()), 0u);
  EXPECT_FALSE(chain.has(balance_key(poor.id())));
  EXPECT_EQ(chain.supply(), kSupply);
  EXPECT_EQ(chain.u64(meta_key("chain")), test::kChainId);
  EXPECT_EQ(total_balance(), kSupply);
}

TEST_F(LedgerTest, GenesisRefusesANonEmptyStateAnotherChainAndOverflow) {
  EXPECT_EQ(chain.ledger().apply_genesis(Genesis{test::kChainId, {}, std::nullopt}).code(), "not_empty");

  MemoryNodeStore store;
  auto map = smt::AuthenticatedMap::open(store);
  ASSERT_TRUE(map.ok());
  Ledger ledger(*map, test::kChainId);
  EXPECT_EQ(ledger.apply_genesis(Genesis{test::kOtherChainId, {}, std::nullopt}).code(), "bad_chain_id");
  EXPECT_EQ(ledger.apply_genesis(Genesis{test::kChainId, {{bob.id(), UINT64_MAX}, {poor.id(), 1}}, std::nullopt})
                .code(),
            "overflow");
  // Allocations summing to exactly 2^64 - 1 are fine (the same account twice adds up).
  map->discard();
  EXPECT_TRUE(
      ledger.apply_genesis(Genesis{test::kChainId, {{bob.id(), UINT64_MAX - 1}, {bob.id(), 1}}, std::nullopt}).is_ok());
  auto v = load_u256(ledger.view(), balance_key(bob.id()));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, codec::U256::from_u64(UINT64_MAX));
}

// The committee genesis fixes is a state entry like any other: under the root, provable, never in a chain without
// one, and a record no committee can be is refused before anything is written.
TEST_F(LedgerTest, GenesisWritesTheCommitteeIntoTheState) {
  auto point = [](std::uint8_t b) {
    FixedBytes<32> seed{};
    seed.fill(b);
    return crypto::ed25519::SecretKey::from_seed(seed).public_key().bytes();
  };
  CommitteeRecord committee;
  committee.threshold = 2;
  committee.group_public_key = point(1);
  committee.coordinator = point(2);
  committee.members = {{1, point(3), point(4)}, {2, point(5), point(6)}, {3, point(7), point(8)}};

  auto none = genesis_committee(chain.ledger().view());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  MemoryNodeStore store;
  auto map = smt::AuthenticatedMap::open(store);
  ASSERT_TRUE(map.ok());
  Ledger ledger(*map, test::kChainId);
  CommitteeRecord bad = committee;
  bad.threshold = 4;
  EXPECT_EQ(ledger.apply_genesis(Genesis{test::kChainId, {{bob.id(), 5}}, bad}).code(), "bad_committee");
  EXPECT_EQ(map->pending_count(), 0u);
  ASSERT_TRUE(ledger.apply_genesis(Genesis{test::kChainId, {{bob.id(), 5}}, committee}).is_ok());
  ASSERT_TRUE(map->commit().ok());
  auto stored = genesis_committee(ledger.view());
  ASSERT_TRUE(stored.ok()) << stored.status().to_string();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, committee);
  // The same genesis without the committee has another root: the root commits to the group key.
  MemoryNodeStore other_store;
  auto other = smt::AuthenticatedMap::open(other_store);
  ASSERT_TRUE(other.ok());
  Ledger other_ledger(*other, test::kChainId);
  ASSERT_TRUE(other_ledger.apply_genesis(Genesis{test::kChainId, {{bob.id(), 5}}, std::nullopt}).is_ok());
  ASSERT_TRUE(other->commit().ok());
  EXPECT_NE(map->root(), other->root());
  // And a light client can check it from the root alone.
  auto proof = map->prove(meta_key("committee"));
  ASSERT_TRUE(proof.ok());
  const Bytes record = encode_committee_record(committee);
  EXPECT_TRUE(smt::verify_proof(map->root(), meta_key("committee"), ByteView(record), *proof).is_ok());
}

TEST_F(LedgerTest, BlockTimeZeroIsALocalError) {
  const SignedTransaction stx = chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)});
  auto r = chain.ledger().apply(stx, BlockContext{1, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().is_error());
  EXPECT_EQ(chain.map().pending_count(), 0u);
}

// ---------------------------------------------------------------------------------------------------------------
// Envelope: rejected, nothing changes

TEST_F(LedgerTest, BadChainId) {
  Transaction tx = chain.tx(attester.id(), Transfer{bob.id(), codec::U256::from_u64(1)});
  tx.chain_id = test::kOtherChainId;
  EXPECT_TRUE(rejected(chain, sign_transaction(tx, attester.key()), "bad_chain_id"));
}

TEST_F(LedgerTest, BadSignature) {
  // Signed by someone else, or changed after signing.
  EXPECT_TRUE(
      rejected(chain, test::resign_with(chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)}), stranger.key()), "bad_signature"));
  SignedTransaction stx = chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)});
  std::get<Transfer>(stx.tx.body).amount = codec::U256::from_u64(500);
  EXPECT_TRUE(rejected(chain, stx, "bad_signature"));
}

TEST_F(LedgerTest, InvalidPublicKeyAndNonCanonicalSignature) {
  SignedTransaction stx = chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)});
  stx.tx.author = AccountId{1};  // encodes the identity point (small order)
  EXPECT_TRUE(rejected(chain, stx, "invalid_public_key"));
  SignedTransaction high_s = chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)});
  std::fill(high_s.signature.begin() + 32, high_s.signature.end(), 0xff);
  EXPECT_TRUE(rejected(chain, high_s, "non_canonical_s"));
}

TEST_F(LedgerTest, SignatureCheckCanBeSkippedForPreverifiedTransactions) {
  // already_verified trusts the caller: a forged signature then goes through (the node verifies on admission).
  const SignedTransaction forged = test::resign_with(chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)}), stranger.key());
  auto r =
      chain.ledger().apply(forged, BlockContext{chain.height() + 1, chain.now()}, SignatureCheck::already_verified);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->included);
  EXPECT_TRUE(r->ok());
  chain.map().discard();
}

// The ledger keeps parsed schemas between transactions; a schema that was used and then dropped with its block (or
// rolled back with the transaction that registered it) must not be found afterwards.
TEST_F(LedgerTest, SchemaCacheFollowsDiscardedWrites) {
  // Registers `schema` and attests under it in the next block, without committing; returns the schema id.
  const auto register_and_use = [&](const Schema& schema) {
    const BlockContext block{chain.height() + 1, chain.now()};
    auto registered = chain.ledger().apply(chain.sign(registrant, RegisterSchema{schema}), block);
    EXPECT_TRUE(registered.ok() && registered->ok() && registered->created.size() == 1);
    const Id id = registered.ok() && !registered->created.empty() ? registered->created.front() : Id{};
    auto used = chain.ledger().apply(chain.sign(attester, attest_body(request(id))), block);
    EXPECT_TRUE(used.ok() && used->ok());
    return id;
  };

  const Schema dropped = test::make_schema(registrant.id(), "dropped");
  const Id id = register_and_use(dropped);
  chain.map().discard();  // the block is dropped: the schema was never registered
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(id)), "unknown_schema"));
  // Registered for real, it is found again.
  EXPECT_EQ(register_schema(dropped), id);
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, request(id))));

  // A checkpoint rolled back over a registration hides it the same way.
  const auto before = chain.map().checkpoint();
  const Id rolled_back = register_and_use(test::make_schema(registrant.id(), "rolled back"));
  chain.map().rollback(before);
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(rolled_back)), "unknown_schema"));
}

TEST_F(LedgerTest, TransactionExpired) {
  Transaction tx = chain.tx(attester.id(), Transfer{bob.id(), codec::U256::from_u64(1)});
  tx.expires_at = chain.now() - 1;
  EXPECT_TRUE(rejected(chain, sign_transaction(tx, attester.key()), "transaction_expired"));
  tx.expires_at = chain.now();  // still valid in a block at exactly its expiry
  EXPECT_TRUE(succeeded(chain, sign_transaction(tx, attester.key())));
}

TEST_F(LedgerTest, BadNonce) {
  Transaction ahead = chain.tx(attester.id(), Transfer{bob.id(), codec::U256::from_u64(1)});
  ahead.nonce += 1;
  EXPECT_TRUE(rejected(chain, sign_transaction(ahead, attester.key()), "bad_nonce"));
  // Replaying an included transaction, successful or failed, is refused: its nonce is spent.
  const SignedTransaction ok = chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(1)});
  EXPECT_TRUE(succeeded(chain, ok));
  EXPECT_TRUE(rejected(chain, ok, "bad_nonce"));
  const SignedTransaction bad = chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(0)});
  EXPECT_TRUE(failed(chain, bad, "bad_transaction"));
  EXPECT_TRUE(rejected(chain, bad, "bad_nonce"));
  EXPECT_EQ(chain.nonce(attester.id()), 2u);
  EXPECT_EQ(chain.balance(bob.id()), 1u);
}

TEST_F(LedgerTest, EnvelopeChecksComeBeforeTheBody) {
  // A body that would fail is still just rejected when the envelope is wrong: no nonce is consumed.
  Transaction tx = chain.tx(attester.id(), Transfer{bob.id(), codec::U256::from_u64(0)});
  tx.chain_id = test::kOtherChainId;
  EXPECT_TRUE(rejected(chain, sign_transaction(tx, attester.key()), "bad_chain_id"));
  EXPECT_EQ(chain.nonce(attester.id()), 0u);
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas

TEST_F(LedgerTest, RegisterSchemaStoresTheNormalizedSchema) {
  Schema s = test::make_schema(registrant.id(), "score");
  s.fields = "uint score, string name";
  const Receipt r = chain.run(registrant, RegisterSchema{s});
  ASSERT_TRUE(r.ok()) << r.code;
  ASSERT_EQ(r.created.size(), 1u);
  const Schema normalized = test::make_schema(registrant.id(), "score");
  EXPECT_EQ(r.created[0], schema_id(normalized));
  auto stored = chain.schema(r.created[0]);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, normalized);
}

TEST_F(LedgerTest, RegistrantMismatch) {
  EXPECT_TRUE(failed(chain, chain.sign(stranger, RegisterSchema{test::make_schema(registrant.id(), "s")}),
                     "registrant_mismatch"));
}

TEST_F(LedgerTest, BadSchema) {
  for (const std::string& fields : {std::string(""), std::string("uint257 x"), std::string("uint256 x,bool x")}) {
    Schema s = test::make_schema(registrant.id(), "s");
    s.fields = fields;
    EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{s}), "bad_schema")) << fields;
  }
  Schema unnamed = test::make_schema(registrant.id(), "s");
  unnamed.name.clear();
  EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{unnamed}), "bad_schema"));
}

TEST_F(LedgerTest, BadPolicy) {
  const Id target = score_schema("target");
  for (std::uint8_t depth : {std::uint8_t{0}, std::uint8_t{kMaxAccreditationDepth + 1}}) {
    Schema s = test::make_schema(registrant.id(), "s");
    s.policy.accreditation = AccreditationRule{target, {anchor.id()}, depth};
    EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{s}), "bad_policy")) << int{depth};
  }
  Schema no_anchor = test::make_schema(registrant.id(), "s");
  no_anchor.policy.accreditation = AccreditationRule{target, {}, 1};
  EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{no_anchor}), "bad_policy"));
  Schema dup = test::make_schema(registrant.id(), "s");
  dup.policy.attester_allowlist = {attester.id(), attester.id()};
  EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{dup}), "bad_policy"));
}

TEST_F(LedgerTest, UnknownSchemaInAnAccreditationRule) {
  Schema s = test::make_schema(registrant.id(), "s");
  s.policy.accreditation = AccreditationRule{id_of("nothing"), {anchor.id()}, 1};
  EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{s}), "unknown_schema"));
}

TEST_F(LedgerTest, AlreadyExists) {
  score_schema("s");
  EXPECT_TRUE(
      failed(chain, chain.sign(registrant, RegisterSchema{test::make_schema(registrant.id(), "s")}), "already_exists"));
  // Another spelling of the same fields is the same schema.
  Schema respelled = test::make_schema(registrant.id(), "s");
  respelled.fields = "uint score,string   name";
  EXPECT_TRUE(failed(chain, chain.sign(registrant, RegisterSchema{respelled}), "already_exists"));
  // Another registrant may register the same name and fields: a different schema.
  EXPECT_TRUE(succeeded(chain, chain.sign(stranger, RegisterSchema{test::make_schema(stranger.id(), "s")})));
}

// ---------------------------------------------------------------------------------------------------------------
// Attestations

TEST_F(LedgerTest, AttestRecordsTheAttestation) {
  const Id schema = score_schema();
  AttestationRequest q = request(schema);
  const SignedTransaction stx = attest_tx(attester, q);
  const Receipt r = chain.submit(stx);
  ASSERT_TRUE(r.ok()) << r.code;
  ASSERT_EQ(r.created.size(), 1u);
  const Attestation expected{q, attester.id(), chain.now(), transaction_id(stx.tx), 0};
  EXPECT_EQ(r.created[0], attestation_id(expected));
  auto rec = chain.record(r.created[0]);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(*rec, (AttestationRecord{expected, 0, ""}));
  EXPECT_EQ(r.transaction, transaction_id(stx.tx));
}

TEST_F(LedgerTest, UnknownSchema) {
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(id_of("no such schema"))), "unknown_schema"));
}

TEST_F(LedgerTest, DataLocationMismatch) {
  const Id on = score_schema("on");
  const Id off = schema_with([](Schema& s) { s.data_location = DataLocation::off_ledger; }, "off");
  const Bytes data = test::score_data();
  EXPECT_TRUE(failed(chain, attest_tx(attester, test::make_offledger_request(on, {bob.recipient()}, data)),
                     "data_location_mismatch"));
  EXPECT_TRUE(failed(chain, attest_tx(attester, make_request(off, {bob.recipient()}, data)), "data_location_mismatch"));
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, test::make_offledger_request(off, {bob.recipient()}, data))));
}

TEST_F(LedgerTest, DataMismatch) {
  const Id schema = score_schema();
  Bytes truncated = test::score_data();
  truncated.pop_back();
  Bytes trailing = test::score_data();
  trailing.insert(trailing.end(), 32, 0);
  for (const Bytes& data : {Bytes{}, Bytes{1, 2, 3}, truncated, trailing, test::flag_data()}) {
    EXPECT_TRUE(failed(chain, attest_tx(attester, make_request(schema, {bob.recipient()}, data)), "data_mismatch"));
  }
  const Id flags = register_schema(test::make_schema(registrant.id(), "flags", test::kFlagFields));
  EXPECT_TRUE(
      failed(chain, attest_tx(attester, make_request(flags, {bob.recipient()}, test::score_data())), "data_mismatch"));
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, make_request(flags, {bob.recipient()}, test::flag_data()))));
}

TEST_F(LedgerTest, ExpiredAtCreation) {
  const Id schema = score_schema();
  for (std::uint64_t until : {std::uint64_t{1}, chain.now() - 1, chain.now()}) {
    AttestationRequest q = request(schema);
    q.valid_until = until;
    EXPECT_TRUE(failed(chain, attest_tx(attester, q), "expired_at_creation")) << until;
  }
  AttestationRequest q = request(schema);
  q.valid_until = chain.now() + 1;
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, q)));
}

TEST_F(LedgerTest, ValidityTooLong) {
  const Id schema = schema_with([](Schema& s) { s.max_valid_for = 100; });
  // No expiry, one second too long, and the largest valid_until (which must not overflow).
  for (std::uint64_t until : {std::uint64_t{0}, chain.now() + 101, UINT64_MAX}) {
    AttestationRequest q = request(schema);
    q.valid_until = until;
    EXPECT_TRUE(failed(chain, attest_tx(attester, q), "validity_too_long")) << until;
  }
  // In the past is reported as such, even under a limit.
  AttestationRequest past = request(schema);
  past.valid_until = chain.now() - 5;
  EXPECT_TRUE(failed(chain, attest_tx(attester, past), "expired_at_creation"));
  AttestationRequest q = request(schema);
  q.valid_until = chain.now() + 100;
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, q)));
}

TEST_F(LedgerTest, ValidityWithoutALimitAcceptsTheLargestValidUntil) {
  const Id schema = score_schema();
  AttestationRequest q = request(schema);
  q.valid_until = UINT64_MAX;
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, q)));
}

TEST_F(LedgerTest, IrrevocableSchema) {
  const Id schema = schema_with([](Schema& s) { s.revocable = false; });
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(schema)), "irrevocable_schema"));
  AttestationRequest q = request(schema);
  q.revocable = false;
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, q)));
}

TEST_F(LedgerTest, LinkedMissing) {
  const Id schema = score_schema();
  AttestationRequest q = request(schema);
  q.linked = id_of("missing");
  EXPECT_TRUE(failed(chain, attest_tx(attester, q), "linked_missing"));
}

TEST_F(LedgerTest, LinkedAttesterMismatch) {
  const Id plain = score_schema("plain");
  const Id same = schema_with([](Schema& s) { s.policy.link_same_attester = true; }, "same");
  const Id by_stranger_plain = chain.attest(stranger, request(plain));
  const Id by_attester = chain.attest(attester, request(plain));
  AttestationRequest q = request(same);
  q.linked = by_stranger_plain;
  EXPECT_TRUE(failed(chain, attest_tx(attester, q), "linked_attester_mismatch"));
  q.linked = by_attester;
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, q)));
  // Without the policy, a link to anyone's attestation is fine; a revoked link is fine at creation (its validity is
  // a verification matter, link_must_be_valid).
  chain.revoke(stranger, by_stranger_plain);
  AttestationRequest p = request(plain);
  p.linked = by_stranger_plain;
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, p)));
}

TEST_F(LedgerTest, AttesterNotAllowed) {
  const Id schema = schema_with([&](Schema& s) { s.policy.attester_allowlist = {attester.id(), anchor.id()}; });
  EXPECT_TRUE(failed(chain, attest_tx(stranger, request(schema)), "attester_not_allowed"));
  EXPECT_TRUE(failed(chain, attest_tx(registrant, request(schema)), "attester_not_allowed"));
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, request(schema))));
  EXPECT_TRUE(succeeded(chain, attest_tx(anchor, request(schema))));
}

// ---------------------------------------------------------------------------------------------------------------
// Accreditation

class AccreditationTest : public LedgerTest {
 protected:
  void SetUp() override {
    accreditor = chain.register_schema(anchor, test::make_schema(anchor.id(), "accredited issuer"));
    other = score_schema("other");
    depth1 = accredited(1, "depth 1");
    depth2 = accredited(2, "depth 2");
  }
  Id accredited(std::uint8_t max_depth, const std::string& name) {
    return schema_with(
        [&](Schema& s) {
          s.policy.accreditation = AccreditationRule{accreditor, {anchor.id()}, max_depth};
        },
        name);
  }
  // `by` accredits `subject` (an attestation of the accreditor schema naming subject).
  Id accredit(const Account& by, const Account& subject, std::uint64_t valid_until = 0) {
    AttestationRequest q = make_request(accreditor, {subject.recipient()});
    q.valid_until = valid_until;
    return chain.attest(by, q);
  }
  SignedTransaction attest_with(const Id& schema, const Account& who, std::vector<Id> chain_ids) {
    AttestationRequest q = request(schema);
    q.accreditation = std::move(chain_ids);
    return attest_tx(who, q);
  }

  Id accreditor{};
  Id other{};
  Id depth1{};
  Id depth2{};
};

TEST_F(AccreditationTest, TrustAnchorsAttestDirectly) {
  EXPECT_TRUE(succeeded(chain, attest_with(depth1, anchor, {})));
  EXPECT_TRUE(succeeded(chain, attest_with(depth2, anchor, {id_of("ignored")})));
}

TEST_F(AccreditationTest, DepthOne) {
  const Id acc = accredit(anchor, attester);
  EXPECT_TRUE(succeeded(chain, attest_with(depth1, attester, {acc})));
  EXPECT_TRUE(succeeded(chain, attest_with(depth2, attester, {acc})));
}

TEST_F(AccreditationTest, DepthTwo) {
  const Id bob_acc = accredit(anchor, bob);
  const Id attester_acc = accredit(bob, attester);
  EXPECT_TRUE(succeeded(chain, attest_with(depth2, attester, {attester_acc, bob_acc})));
  // The same chain is one link too long for a depth-1 schema.
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {attester_acc, bob_acc}), "accreditation_depth_exceeded"));
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {attester_acc}), "accreditation_depth_exceeded"));
}

TEST_F(AccreditationTest, AccreditationDepthExceeded) {
  const Id a1 = accredit(anchor, bob);
  const Id a2 = accredit(bob, stranger);
  const Id a3 = accredit(stranger, attester);
  EXPECT_TRUE(failed(chain, attest_with(depth2, attester, {a3, a2, a1}), "accreditation_depth_exceeded"));
  EXPECT_TRUE(failed(chain, attest_with(depth2, attester, {a3, a2}), "accreditation_depth_exceeded"));
  const Id deep = accredited(3, "depth 3");
  EXPECT_TRUE(succeeded(chain, attest_with(deep, attester, {a3, a2, a1})));
}

TEST_F(AccreditationTest, NotAccredited) {
  // No chain at all.
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {}), "not_accredited"));
  // A link that does not exist.
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {id_of("nothing")}), "not_accredited"));
  // A link of the wrong schema.
  const Id wrong_schema = chain.attest(anchor, make_request(other, {attester.recipient()}));
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {wrong_schema}), "not_accredited"));
  // A link about someone else.
  const Id about_bob = accredit(anchor, bob);
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {about_bob}), "not_accredited"));
  // A chain that ends before reaching an anchor (within the depth limit).
  const Id from_stranger = accredit(stranger, attester);
  EXPECT_TRUE(failed(chain, attest_with(depth2, attester, {from_stranger}), "not_accredited"));
  // Accreditation by an external recipient naming the attester's key as text is not an account recipient.
  const Id external = chain.attest(anchor, make_request(accreditor, {Recipient::external("attester")}));
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {external}), "not_accredited"));
}

TEST_F(AccreditationTest, AccreditationRevoked) {
  const Id acc = accredit(anchor, attester);
  EXPECT_TRUE(succeeded(chain, attest_with(depth1, attester, {acc})));
  chain.revoke(anchor, acc);
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {acc}), "accreditation_revoked"));
  // A revoked upper link breaks a depth-2 chain too.
  const Id bob_acc = accredit(anchor, bob);
  const Id attester_acc = accredit(bob, attester);
  chain.revoke(anchor, bob_acc);
  EXPECT_TRUE(failed(chain, attest_with(depth2, attester, {attester_acc, bob_acc}), "accreditation_revoked"));
}

TEST_F(AccreditationTest, AccreditationExpired) {
  const Id acc = accredit(anchor, attester, chain.now() + 50);
  chain.advance(49);
  EXPECT_TRUE(succeeded(chain, attest_with(depth1, attester, {acc})));
  chain.advance(1);  // now == valid_until: expired
  EXPECT_TRUE(failed(chain, attest_with(depth1, attester, {acc}), "accreditation_expired"));
}

// ---------------------------------------------------------------------------------------------------------------
// Recipient limits, fees, balances

TEST_F(LedgerTest, RecipientLimitCountsLiveAttestations) {
  const Id schema = schema_with([](Schema& s) { s.policy.max_per_recipient = 2; });
  const Id first = chain.attest(attester, request(schema));
  chain.attest(stranger, request(schema));
  EXPECT_EQ(chain.u64(recipient_count_key(schema, bob.recipient())), 2u);
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(schema)), "recipient_limit_reached"));
  // Other recipients are counted separately; a request naming a full recipient fails as a whole.
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, make_request(schema, {stranger.recipient()}))));
  EXPECT_TRUE(failed(chain, attest_tx(attester, make_request(schema, {poor.recipient(), bob.recipient()})),
                     "recipient_limit_reached"));
  EXPECT_EQ(chain.u64(recipient_count_key(schema, poor.recipient())), 0u);
  // Revocation frees a slot.
  chain.revoke(attester, first);
  EXPECT_EQ(chain.u64(recipient_count_key(schema, bob.recipient())), 1u);
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, request(schema))));
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(schema)), "recipient_limit_reached"));
}

// Interpretation (unspecified by the headers beyond "live attestations"): the ledger has no clock-driven
// expiry, so state.h's recipient count is decremented only by revocation. An expired attestation keeps its slot
// until its attester revokes it (and an irrevocable one keeps it for good).
TEST_F(LedgerTest, RecipientLimitCountsExpiredAttestationsUntilRevoked) {
  const Id schema = schema_with([](Schema& s) { s.policy.max_per_recipient = 1; });
  AttestationRequest short_lived = request(schema);
  short_lived.valid_until = chain.now() + 10;
  const Id id = chain.attest(attester, short_lived);
  chain.advance(100);
  EXPECT_TRUE(failed(chain, attest_tx(attester, request(schema)), "recipient_limit_reached"));
  chain.revoke(attester, id);
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, request(schema))));
}

TEST_F(LedgerTest, RecipientLimitWithinOneBatch) {
  const Id schema = schema_with([](Schema& s) { s.policy.max_per_recipient = 1; });
  Attest batch{{request(schema), request(schema)}};
  EXPECT_TRUE(failed(chain, chain.sign(attester, batch), "recipient_limit_reached"));
  EXPECT_EQ(chain.u64(recipient_count_key(schema, bob.recipient())), 0u);
}

TEST_F(LedgerTest, FeesMoveBalanceFromAttesterToRegistrant) {
  const Id schema = schema_with([](Schema& s) { s.policy.fee = 10; });
  EXPECT_TRUE(succeeded(chain, attest_tx(attester, request(schema))));
  EXPECT_EQ(chain.balance(attester.id()), kRich - 10);
  EXPECT_EQ(chain.balance(registrant.id()), kRich + 10);
  Attest batch{{request(schema), request(schema), request(schema)}};
  EXPECT_TRUE(succeeded(chain, chain.sign(attester, batch)));
  EXPECT_EQ(chain.balance(attester.id()), kRich - 40);
  EXPECT_EQ(chain.balance(registrant.id()), kRich + 40);
  // The registrant attesting under its own schema pays itself.
  EXPECT_TRUE(succeeded(chain, attest_tx(registrant, request(schema))));
  EXPECT_EQ(chain.balance(registrant.id()), kRich + 40);
  EXPECT_EQ(total_balance(), kSupply);
  EXPECT_EQ(chain.supply(), kSupply);
}

TEST_F(LedgerTest, InsufficientBalanceForAFee) {
  const Id schema = schema_with([](Schema& s) { s.policy.fee = 10; });
  EXPECT_TRUE(failed(chain, attest_tx(poor, request(schema)), "insufficient_balance"));
  // A batch the attester can pay for only in part leaves no trace.
  EXPECT_TRUE(succeeded(chain, chain.sign(attester, Transfer{poor.id(), codec::U256::from_u64(25)})));
  Attest batch{{request(schema), request(schema), request(schema)}};
  EXPECT_TRUE(failed(chain, chain.sign(poor, batch), "insufficient_balance"));
  EXPECT_EQ(chain.balance(poor.id()), 25u);
  EXPECT_EQ(chain.balance(registrant.id()), kRich);
  EXPECT_EQ(total_balance(), kSupply);
}

TEST_F(LedgerTest, Transfers) {
  EXPECT_TRUE(succeeded(chain, chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(300)})));
  EXPECT_EQ(chain.balance(attester.id()), kRich - 300);
  EXPECT_EQ(chain.balance(bob.id()), 300u);
  EXPECT_TRUE(succeeded(chain, chain.sign(bob, Transfer{bob.id(), codec::U256::from_u64(300)})));  // to oneself
  EXPECT_EQ(chain.balance(bob.id()), 300u);
  EXPECT_TRUE(succeeded(chain, chain.sign(bob, Transfer{poor.id(), codec::U256::from_u64(300)})));  // everything
  EXPECT_FALSE(chain.has(balance_key(bob.id())));                            // zero balances leave no entry
  EXPECT_EQ(total_balance(), kSupply);
}

TEST_F(LedgerTest, InsufficientBalance) {
  EXPECT_TRUE(failed(chain, chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(kRich + 1)}), "insufficient_balance"));
  EXPECT_TRUE(failed(chain, chain.sign(poor, Transfer{bob.id(), codec::U256::from_u64(1)}), "insufficient_balance"));
  EXPECT_TRUE(failed(chain, chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(UINT64_MAX)}), "insufficient_balance"));
}

// ---------------------------------------------------------------------------------------------------------------
// Batches

TEST_F(LedgerTest, AttestBatchIsAllOrNothing) {
  const Id schema = score_schema();
  Attest batch{{request(schema), request(schema), request(id_of("unknown"))}};
  const SignedTransaction stx = chain.sign(attester, batch);
  EXPECT_TRUE(failed(chain, stx, "unknown_schema"));
  // The receipt says which request failed.
  Chain replay{{{attester.id(), kRich}}};
  (void)replay.register_schema(registrant, test::make_schema(registrant.id(), "score"));
  const Receipt r = replay.run(attester, batch);
  EXPECT_NE(r.message.find("request 2"), std::string::npos) << r.message;

  batch.requests.pop_back();
  const Receipt ok = chain.run(attester, batch);
  ASSERT_TRUE(ok.ok()) << ok.code;
  ASSERT_EQ(ok.created.size(), 2u);
  EXPECT_NE(ok.created[0], ok.created[1]);  // same request, different index
  EXPECT_EQ(chain.record(ok.created[0])->attestation.index, 0u);
  EXPECT_EQ(chain.record(ok.created[1])->attestation.index, 1u);
}

TEST_F(LedgerTest, RevokeBatchIsAllOrNothing) {
  const Id schema = score_schema();
  const Id a = chain.attest(attester, request(schema));
  const Id b = chain.attest(attester, request(schema));
  Revoke batch{{Revocation{a, ""}, Revocation{b, ""}, Revocation{id_of("unknown"), ""}}};
  EXPECT_TRUE(failed(chain, chain.sign(attester, batch), "unknown_attestation"));
  EXPECT_EQ(chain.record(a)->revoked_at, 0u);
  EXPECT_EQ(chain.record(b)->revoked_at, 0u);
  // The same id twice in one batch.
  EXPECT_TRUE(failed(chain, chain.sign(attester, Revoke{{Revocation{a, ""}, Revocation{a, ""}}}), "already_revoked"));
  batch.revocations.pop_back();
  EXPECT_TRUE(succeeded(chain, chain.sign(attester, batch)));
  EXPECT_NE(chain.record(a)->revoked_at, 0u);
  EXPECT_NE(chain.record(b)->revoked_at, 0u);
}

TEST_F(LedgerTest, BlocksOfSeveralTransactionsSeeEachOthersWrites) {
  const Id schema = score_schema();
  const SignedTransaction t0 = attest_tx(attester, request(schema));
  Transaction t1 = chain.tx(attester.id(), Transfer{bob.id(), codec::U256::from_u64(5)});
  t1.nonce = 1;
  const auto receipts = chain.submit_block({t0, sign_transaction(t1, attester.key()), t0});
  ASSERT_EQ(receipts.size(), 3u);
  EXPECT_TRUE(receipts[0].ok());
  EXPECT_TRUE(receipts[1].ok());
  EXPECT_FALSE(receipts[2].included);
  EXPECT_EQ(receipts[2].code, "bad_nonce");
  EXPECT_EQ(chain.nonce(attester.id()), 2u);
}

// ---------------------------------------------------------------------------------------------------------------
// Revocation

TEST_F(LedgerTest, RevokeMarksTheRecord) {
  const Id schema = score_schema();
  const Id id = chain.attest(attester, request(schema));
  chain.advance(30);
  EXPECT_TRUE(succeeded(chain, chain.sign(attester, revoke_body(id, "superseded"))));
  auto rec = chain.record(id);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->revoked_at, chain.now());
  EXPECT_EQ(rec->revocation_reason, "superseded");
}

TEST_F(LedgerTest, UnknownAttestation) {
  EXPECT_TRUE(failed(chain, chain.sign(attester, revoke_body(id_of("nothing"))), "unknown_attestation"));
}

TEST_F(LedgerTest, NotAttester) {
  const Id id = chain.attest(attester, request(score_schema()));
  EXPECT_TRUE(failed(chain, chain.sign(bob, revoke_body(id)), "not_attester"));
  EXPECT_TRUE(failed(chain, chain.sign(registrant, revoke_body(id)), "not_attester"));
}

TEST_F(LedgerTest, AlreadyRevoked) {
  const Id id = chain.attest(attester, request(score_schema()));
  chain.revoke(attester, id);
  EXPECT_TRUE(failed(chain, chain.sign(attester, revoke_body(id)), "already_revoked"));
}

TEST_F(LedgerTest, Irrevocable) {
  const Id schema = score_schema();
  AttestationRequest q = request(schema);
  q.revocable = false;
  const Id id = chain.attest(attester, q);
  EXPECT_TRUE(failed(chain, chain.sign(attester, revoke_body(id)), "irrevocable"));
}

// ---------------------------------------------------------------------------------------------------------------
// Delegated actions

TEST_F(LedgerTest, DelegatedAttestActsForTheAttester) {
  const Id schema = schema_with([](Schema& s) { s.policy.fee = 10; });
  const Attest payload{{request(schema)}};
  const SignedTransaction stx = chain.sign(relayer, chain.delegated_attest(attester, payload, chain.now() + 60));
  const Receipt r = chain.submit(stx);
  ASSERT_TRUE(r.ok()) << r.code << " " << r.message;
  ASSERT_EQ(r.created.size(), 1u);
  auto rec = chain.record(r.created[0]);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->attestation.attester, attester.id());
  EXPECT_EQ(rec->attestation.origin, transaction_id(stx.tx));
  EXPECT_EQ(chain.nonce(relayer.id()), 1u);
  EXPECT_EQ(chain.nonce(attester.id()), 0u);
  EXPECT_EQ(chain.delegation_nonce(attester.id()), 1u);
  EXPECT_EQ(chain.balance(attester.id()), kRich - 10);  // the attester pays the fee, not the relayer
  EXPECT_EQ(chain.balance(relayer.id()), 100u);
}

TEST_F(LedgerTest, BadDelegationNonceOnReplay) {
  const Id schema = score_schema();
  const Body body = chain.delegated_attest(attester, Attest{{request(schema)}}, chain.now() + 60);
  EXPECT_TRUE(succeeded(chain, chain.sign(relayer, body)));
  // The same signed delegation in a second transaction, by the same relayer or another.
  EXPECT_TRUE(failed(chain, chain.sign(relayer, body), "bad_delegation_nonce"));
  EXPECT_TRUE(failed(chain, chain.sign(stranger, body), "bad_delegation_nonce"));
  // A delegation signed ahead of the next nonce.
  const Attest payload{{request(schema)}};
  const Delegation ahead = chain.delegation(attester, Body(payload), chain.now() + 60, 5);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{ahead, payload}), "bad_delegation_nonce"));
}

TEST_F(LedgerTest, BadDelegationSignatureOnAnotherChain) {
  const Id schema = score_schema();
  const Attest payload{{request(schema)}};
  const Delegation d = chain.delegation(attester, Body(payload), chain.now() + 60, {}, test::kOtherChainId);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{d, payload}), "bad_delegation_signature"));
}

TEST_F(LedgerTest, BadDelegationSignature) {
  const Id schema = score_schema();
  const Attest payload{{request(schema)}};
  // Signed by someone else in the attester's name.
  Delegation forged = chain.delegation(stranger, Body(payload), chain.now() + 60, 0);
  forged.attester = attester.id();
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{forged, payload}), "bad_delegation_signature"));
  // The payload changed after signing.
  const Delegation d = chain.delegation(attester, Body(payload), chain.now() + 60);
  Attest changed = payload;
  changed.requests[0].indexing_key = "changed";
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{d, changed}), "bad_delegation_signature"));
  // The deadline changed after signing.
  Delegation later = d;
  later.deadline += 1;
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{later, payload}), "bad_delegation_signature"));
  // A signature over a Revoke payload does not authorise an Attest.
  const Revoke revoke{{Revocation{id_of("x"), ""}}};
  const Delegation for_revoke = chain.delegation(attester, Body(revoke), chain.now() + 60);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{for_revoke, payload}), "bad_delegation_signature"));
  // The attester's key is not a valid point (an unused key's delegation nonce is 0, so the signature check runs).
  Delegation bad_key = d;
  bad_key.attester = AccountId{1};
  EXPECT_TRUE(failed(chain, chain.sign(relayer, DelegatedAttest{bad_key, payload}), "bad_delegation_signature"));
  EXPECT_TRUE(succeeded(chain, chain.sign(relayer, DelegatedAttest{d, payload})));
}

TEST_F(LedgerTest, DelegationExpired) {
  const Id schema = score_schema();
  const Attest payload{{request(schema)}};
  const Body body = chain.delegated_attest(attester, payload, chain.now() + 10);
  chain.advance(11);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, body), "delegation_expired"));
  // At exactly the deadline it is still accepted.
  const Body on_time = chain.delegated_attest(attester, payload, chain.now());
  EXPECT_TRUE(succeeded(chain, chain.sign(relayer, on_time)));
}

TEST_F(LedgerTest, AFailedDelegatedActionDoesNotSpendTheDelegationNonce) {
  const Attest payload{{request(id_of("unknown schema"))}};
  const Body body = chain.delegated_attest(attester, payload, chain.now() + 60);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, body), "unknown_schema"));
  EXPECT_EQ(chain.delegation_nonce(attester.id()), 0u);
}

TEST_F(LedgerTest, DelegatedRevoke) {
  const Id id = chain.attest(attester, request(score_schema()));
  const Revoke payload{{Revocation{id, "via relayer"}}};
  // A delegation from someone who is not the attester revokes nothing.
  const Body by_bob = chain.delegated_revoke(bob, payload, chain.now() + 60);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, by_bob), "not_attester"));
  const Body body = chain.delegated_revoke(attester, payload, chain.now() + 60);
  EXPECT_TRUE(succeeded(chain, chain.sign(relayer, body)));
  auto rec = chain.record(id);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->revocation_reason, "via relayer");
  EXPECT_EQ(chain.delegation_nonce(attester.id()), 1u);
  EXPECT_TRUE(failed(chain, chain.sign(relayer, body), "bad_delegation_nonce"));
}

// ---------------------------------------------------------------------------------------------------------------
// Off-ledger registries

TEST_F(LedgerTest, OffchainRevocationRegistry) {
  const Id x = id_of("off-ledger attestation x");
  const Id y = id_of("off-ledger attestation y");
  chain.advance(7);
  EXPECT_TRUE(succeeded(chain, chain.sign(attester, RevokeOffchain{{x, y}})));
  EXPECT_EQ(chain.u64(offchain_revocation_key(attester.id(), x)), chain.now());
  EXPECT_EQ(chain.u64(offchain_revocation_key(attester.id(), y)), chain.now());
  // Entries are per attester: anyone else's revocation of the same id is a separate entry.
  EXPECT_TRUE(succeeded(chain, chain.sign(stranger, RevokeOffchain{{x}})));
  EXPECT_TRUE(failed(chain, chain.sign(attester, RevokeOffchain{{x}}), "already_revoked"));
}

TEST_F(LedgerTest, AlreadyRevokedOffchainWithinOneList) {
  const Id x = id_of("x");
  const Id z = id_of("z");
  EXPECT_TRUE(failed(chain, chain.sign(attester, RevokeOffchain{{z, x, x}}), "already_revoked"));
  EXPECT_FALSE(chain.has(offchain_revocation_key(attester.id(), z)));
}

TEST_F(LedgerTest, TimestampRegistry) {
  const Id doc = id_of("document");
  chain.advance(3);
  EXPECT_TRUE(succeeded(chain, chain.sign(bob, Timestamp{{doc}})));
  const std::uint64_t first = chain.now();
  EXPECT_EQ(chain.u64(timestamp_key(doc)), first);
  chain.advance(100);
  // The first time wins, whoever asks later.
  EXPECT_TRUE(failed(chain, chain.sign(stranger, Timestamp{{doc}}), "already_timestamped"));
  EXPECT_TRUE(failed(chain, chain.sign(bob, Timestamp{{id_of("new"), doc}}), "already_timestamped"));
  EXPECT_TRUE(failed(chain, chain.sign(bob, Timestamp{{id_of("twice"), id_of("twice")}}), "already_timestamped"));
  EXPECT_EQ(chain.u64(timestamp_key(doc)), first);
}

// ---------------------------------------------------------------------------------------------------------------
// Malformed bodies (objects built in memory, which the decoders would refuse)

TEST_F(LedgerTest, BadTransaction) {
  const Id schema = score_schema();
  const Id id = chain.attest(attester, request(schema));
  EXPECT_TRUE(failed(chain, chain.sign(attester, Transfer{bob.id(), codec::U256::from_u64(0)}), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(attester, Attest{}), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(attester, Revoke{}), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(attester, RevokeOffchain{}), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(attester, Timestamp{}), "bad_transaction"));
  Attest too_many;
  too_many.requests.assign(kMaxBatch + 1, request(schema));
  EXPECT_TRUE(failed(chain, chain.sign(attester, too_many), "bad_transaction"));
  Timestamp too_many_ids;
  for (std::size_t i = 0; i <= kMaxBatch; ++i) too_many_ids.ids.push_back(id_of(std::to_string(i)));
  EXPECT_TRUE(failed(chain, chain.sign(attester, too_many_ids), "bad_transaction"));
  EXPECT_TRUE(
      failed(chain, chain.sign(attester, revoke_body(id, std::string(kMaxReasonLength + 1, 'r'))), "bad_transaction"));
  EXPECT_TRUE(failed(chain, chain.sign(relayer, chain.delegated_attest(attester, Attest{}, chain.now() + 9)),
                     "bad_transaction"));
}

TEST_F(LedgerTest, BadRequest) {
  const Id schema = score_schema();
  EXPECT_TRUE(failed(chain, attest_tx(attester, make_request(schema, {})), "bad_request"));
  EXPECT_TRUE(
      failed(chain, attest_tx(attester, make_request(schema, {bob.recipient(), bob.recipient()})), "bad_request"));
  AttestationRequest with_uri = request(schema);
  with_uri.data.uri = "https://example.org";
  EXPECT_TRUE(failed(chain, attest_tx(attester, with_uri), "bad_request"));
  // The first request is fine, the second is not: the whole batch fails.
  EXPECT_TRUE(failed(chain, chain.sign(attester, Attest{{request(schema), make_request(schema, {})}}), "bad_request"));
}

TEST_F(LedgerTest, BadRecipient) {
  const Id schema = score_schema();
  Recipient short_key{Recipient::Kind::account, Bytes(31, 7)};
  EXPECT_TRUE(failed(chain, attest_tx(attester, make_request(schema, {short_key})), "bad_recipient"));
  Recipient hexlike{Recipient::Kind::external, Bytes{'0', 'x', '1', '2'}};
  EXPECT_TRUE(failed(chain, attest_tx(attester, make_request(schema, {hexlike})), "bad_recipient"));
}

// ---------------------------------------------------------------------------------------------------------------
// Storage failure: apply() answers error and leaves the state as it was.

class FailingStore final : public NodeStore {
 public:
  Result<bool> get(ByteView key, Bytes& value) const override {
    if (gets_left_ == 0) return Status::error("io", "injected read failure");
    if (gets_left_ > 0) --gets_left_;
    return inner_.get(key, value);
  }
  Status write(const WriteBatch& batch) override { return inner_.write(batch); }
  using NodeStore::get;
  // Lets `n` more reads succeed, then fails every read (-1: never fail).
  void fail_after(int n) { gets_left_ = n; }

 private:
  MemoryNodeStore inner_;
  mutable int gets_left_ = -1;
};

TEST(LedgerStorage, AStorageErrorInTheBodyLeavesTheStateUnchanged) {
  const Account author(21);
  const Account to(22);
  FailingStore store;
  auto map = smt::AuthenticatedMap::open(store);
  ASSERT_TRUE(map.ok());
  Ledger ledger(*map, test::kChainId);
  ASSERT_TRUE(ledger.apply_genesis(Genesis{test::kChainId, {{author.id(), 50}}, std::nullopt}).is_ok());
  ASSERT_TRUE(map->commit().ok());
  const Hash256 before = map->root();

  Transaction tx;
  tx.chain_id = test::kChainId;
  tx.expires_at = test::kStartTime + 10;
  tx.body = Transfer{to.id(), codec::U256::from_u64(5)};
  const SignedTransaction stx = sign_transaction(tx, author.key());
  store.fail_after(1);  // the nonce read succeeds, the balance read fails
  auto r = ledger.apply(stx, BlockContext{1, test::kStartTime});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().is_error());
  store.fail_after(-1);
  // "apply() returns a Status error only when the state store fails; the state is then unchanged."
  EXPECT_EQ(map->pending_count(), 0u) << "pending writes left behind by a failed apply()";
  auto root = map->commit();
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(codec::hex_encode(*root), codec::hex_encode(before))
      << "a storage error changed the state root (the author's nonce entry was written)";
  // And the transaction can be retried.
  auto retry = ledger.apply(stx, BlockContext{1, test::kStartTime});
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->ok()) << retry->code;
}

// ---------------------------------------------------------------------------------------------------------------
// Pinned results

// A fixed history — schemas, batches of attestations across several blocks, a failed batch rolled back, revocations,
// a recipient limit, a fee and a transfer — must always give the same state roots and the same stored records
// (docs/state.md: the root formulas and the store layout). Pins them against changes to the map, the store or the
// ledger made for speed; the values were computed before those changes. Re-pinned once, deliberately, when balances
// became 32-byte U256 entries and the native supply moved into the native asset record (the token layer).
TEST(LedgerPinned, RootsAndStoredRecordsOfAFixedHistory) {
  const Account registrant{40};
  const Account attester{41};
  const Account other{42};
  Chain chain{{{registrant.id(), 1'000}, {attester.id(), 1'000}, {other.id(), 1'000}}};
  const Id score = chain.register_schema(registrant, test::make_schema(registrant.id(), "score"));
  Schema limited_schema = test::make_schema(registrant.id(), "limited", test::kFlagFields);
  limited_schema.policy.max_per_recipient = 2;
  limited_schema.policy.fee = 3;
  ASSERT_TRUE(limited_schema.normalize().is_ok());
  const Id limited = chain.register_schema(registrant, limited_schema);

  std::vector<Id> by_attester;
  std::vector<Id> by_registrant;
  std::uint64_t serial = 0;
  for (int block = 0; block < 6; ++block) {
    chain.advance(10);
    std::vector<SignedTransaction> txs;
    for (const Account* who : {&attester, &other}) {
      Transaction tx = chain.tx(who->id(), Attest{});
      auto& requests = std::get<Attest>(tx.body).requests;
      for (int i = 0; i < 60; ++i) {
        ++serial;
        requests.push_back(make_request(score, {Recipient::account(crypto::sha256(as_bytes(std::to_string(serial))))},
                                        test::score_data(serial, "subject " + std::to_string(serial))));
      }
      txs.push_back(sign_transaction(std::move(tx), who->key()));
    }
    // Three attestations of the limited schema for one recipient: the third breaks the limit of two and the whole
    // batch rolls back (fees and counters included; only the nonce moves). Every other block sends two, which apply.
    Transaction capped = chain.tx(registrant.id(), Attest{});
    for (int i = 0; i < 3; ++i) {
      std::get<Attest>(capped.body).requests.push_back(make_request(limited, {other.recipient()}, test::flag_data()));
    }
    if (block % 2 == 1) std::get<Attest>(capped.body).requests.pop_back();
    txs.push_back(sign_transaction(std::move(capped), registrant.key()));
    const std::vector<Receipt> receipts = chain.submit_block(txs);
    ASSERT_EQ(receipts.size(), 3u);
    by_attester.insert(by_attester.end(), receipts[0].created.begin(), receipts[0].created.end());
    by_registrant.insert(by_registrant.end(), receipts[2].created.begin(), receipts[2].created.end());
  }
  ASSERT_EQ(by_attester.size(), 360u);
  ASSERT_EQ(by_registrant.size(), 2u);  // the limit holds: later batches for the same recipient fail
  Revoke revocations;
  for (std::size_t i = 0; i < by_attester.size(); i += 7) revocations.revocations.push_back({by_attester[i], "pinned"});
  EXPECT_TRUE(chain.run(attester, revocations).ok());
  EXPECT_TRUE(chain.run(registrant, test::revoke_body(by_registrant[0])).ok());
  EXPECT_TRUE(chain.run(other, Transfer{registrant.id(), codec::U256::from_u64(17)}).ok());

  crypto::Sha256 roots;
  for (const Hash256& r : chain.roots()) roots.update(r);
  crypto::Sha256 records;
  for (const auto& [key, value] : chain.store().records()) {
    records.update(encode_u64(key.size())).update(key).update(encode_u64(value.size())).update(value);
  }
  EXPECT_EQ(chain.roots().size(), 12u);
  EXPECT_EQ(codec::hex_encode(chain.root()), "81bb9f85ab527ea43a193ae6c2453e60080a1f29ca509b7be7cf79d0ccda6300");
  EXPECT_EQ(codec::hex_encode(roots.finish()), "9a9abd4d7532aba1996389a8c18d5190dba2e83f4786edb32ffdfef185dd9f33");
  EXPECT_EQ(chain.store().size(), 1016u);
  EXPECT_EQ(codec::hex_encode(records.finish()), "531dc5a9234f057ebf6f9ea6b2e527fceed3205e2cc2f9c4bfcd0557bb7f795c");
}

}  // namespace
}  // namespace credence::core
