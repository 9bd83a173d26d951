#include "credence/node/indexer.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "credence/node/database.h"
#include "storage_test_support.h"

namespace credence::node {
namespace {

using test::Account;
using test::Node;
using test::request;

std::vector<core::Id> ids(const std::vector<AttestationEntry>& entries) {
  std::vector<core::Id> out;
  for (const auto& e : entries) out.push_back(e.id);
  return out;
}

// Every page of `query` from the newest, concatenated; checks the pages are newest first and never overlap.
std::vector<core::Id> all_pages(const Snapshot& snap, AttestationQuery query, std::size_t* pages = nullptr) {
  std::vector<core::Id> out;
  std::optional<std::uint64_t> last_sequence;
  query.cursor.reset();
  for (std::size_t n = 0; n < 100'000; ++n) {
    auto page = snap.attestations(query);
    EXPECT_TRUE(page.ok()) << page.status().to_string();
    if (!page.ok()) break;
    EXPECT_LE(page->attestations.size(), query.limit);
    for (const auto& e : page->attestations) {
      if (last_sequence) {
        EXPECT_LT(e.sequence, *last_sequence);
      }
      last_sequence = e.sequence;
      out.push_back(e.id);
    }
    if (pages != nullptr) ++*pages;
    if (!page->next_cursor) break;
    if (query.cursor) {
      EXPECT_LT(*page->next_cursor, *query.cursor);  // always progresses
    }
    query.cursor = page->next_cursor;
  }
  return out;
}

TEST(IndexEntries, TakesCreatedAttestationsAndSchemasFromOkReceiptsOnly) {
  const Account alice(1), bob(2), relayer(3);
  Node node({{alice.id(), 1000}, {relayer.id(), 1000}});
  const core::Id schema = node.register_schema(alice, "kyc");

  // One block: a two-request attest, a failing attest, a delegated attest relayed by someone else, a schema.
  core::Attest payload{{request(schema, {alice.recipient()}, "delegated")}};
  core::Delegation delegation{bob.id(), 0, node.now() + 100, {}};
  core::sign_delegation(test::kChainId, delegation, core::Body(payload), bob.key());
  const std::vector<core::SignedTransaction> txs{
      node.sign(alice, core::Attest{{request(schema, {bob.recipient()}, "k1"),
                                     request(schema, {bob.recipient(), core::Recipient::external("did:x:1")})}}),
      node.sign(alice, core::Attest{{request(test::Account(9).id(), {bob.recipient()})}}),  // unknown schema
      node.sign(relayer, core::DelegatedAttest{delegation, payload}),
      node.sign(bob, core::RegisterSchema{test::bool_schema(bob.id(), "other")}),
  };
  const auto built = node.build(txs);
  ASSERT_EQ(built.receipts.size(), 4u);
  ASSERT_TRUE(built.receipts[0].ok());
  ASSERT_EQ(built.receipts[1].code, "unknown_schema");
  ASSERT_TRUE(built.receipts[2].ok()) << built.receipts[2].code;
  ASSERT_TRUE(built.receipts[3].ok());

  const BlockIndexEntries entries = index_entries(built.block, built.receipts);
  ASSERT_EQ(entries.attestations.size(), 3u);
  EXPECT_EQ(entries.attestations[0].id, built.receipts[0].created[0]);
  EXPECT_EQ(entries.attestations[0].attester, alice.id());
  EXPECT_EQ(entries.attestations[0].schema, schema);
  EXPECT_EQ(entries.attestations[0].indexing_key, "k1");
  EXPECT_EQ(entries.attestations[1].id, built.receipts[0].created[1]);
  EXPECT_EQ(entries.attestations[1].recipients.size(), 2u);
  EXPECT_EQ(entries.attestations[2].id, built.receipts[2].created[0]);
  EXPECT_EQ(entries.attestations[2].attester, bob.id());  // the delegating attester, not the relayer
  ASSERT_EQ(entries.schemas.size(), 1u);
  EXPECT_EQ(entries.schemas[0].id, built.receipts[3].created[0]);
  EXPECT_EQ(entries.schemas[0].registrant, bob.id());
}

TEST(IndexEntries, TakesRevokedIdsFromOkRevocationsOnly) {
  const Account alice(1), bob(2), relayer(3);
  Node node({{alice.id(), 1000}, {relayer.id(), 1000}});
  const core::Id schema = node.register_schema(alice, "kyc");
  const std::vector<core::Id> mine =
      node.attest(alice, {request(schema, {bob.recipient()}, "one"), request(schema, {bob.recipient()}, "two")});
  const core::Id theirs = node.attest(bob, {request(schema, {alice.recipient()})}).at(0);
  ASSERT_EQ(mine.size(), 2u);

  core::Revoke payload{{core::Revocation{theirs, "delegated"}}};
  core::Delegation delegation{bob.id(), 0, node.now() + 100, {}};
  core::sign_delegation(test::kChainId, delegation, core::Body(payload), bob.key());
  const auto built = node.build({
      node.sign(alice, core::Revoke{{core::Revocation{mine[1], "a"}, core::Revocation{mine[0], "b"}}}),
      node.sign(bob, core::Revoke{{core::Revocation{mine[0], "not the attester"}}}),  // fails: not_attester
      node.sign(relayer, core::DelegatedRevoke{delegation, payload}),
  });
  ASSERT_EQ(built.receipts.size(), 3u);
  ASSERT_TRUE(built.receipts[0].ok());
  ASSERT_EQ(built.receipts[1].code, "not_attester");
  ASSERT_TRUE(built.receipts[2].ok()) << built.receipts[2].code;
  EXPECT_EQ(index_entries(built.block, built.receipts).revoked, (std::vector{mine[1], mine[0], theirs}));
}

// A small ledger: two schemas, two attesters, recipients, indexing keys, one revoked and one expired attestation.
class IndexQueries : public ::testing::Test {
 protected:
  IndexQueries() : alice(1), bob(2), carol(3), node({{alice.id(), 1000}, {bob.id(), 1000}}) {
    kyc = node.register_schema(alice, "kyc");
    age = node.register_schema(bob, "age");
    const core::Recipient did = core::Recipient::external("did:example:carol");
    a0 = node.attest(alice, {request(kyc, {carol.recipient()}, "order-1")}).at(0);
    a1 = node.attest(alice, {request(kyc, {carol.recipient(), did}, "order-2")}).at(0);
    a2 = node.attest(bob, {request(kyc, {did}, "order-1")}).at(0);
    a3 = node.attest(bob, {request(age, {carol.recipient()}, "", node.now() + 10)}).at(0);  // expires
    a4 = node.attest(alice, {request(age, {bob.recipient()})}).at(0);
    node.revoke(alice, a1);
    node.advance(100);  // a3 has expired
    now = node.now();
  }

  AttestationPage page(AttestationQuery q) {
    auto p = node.db().snapshot()->attestations(q);
    EXPECT_TRUE(p.ok()) << p.status().to_string();
    return p.ok() ? *p : AttestationPage{};
  }
  std::vector<core::Id> list(AttestationQuery q) { return all_pages(*node.db().snapshot(), std::move(q)); }

  Account alice, bob, carol;
  Node node;
  core::Id kyc{}, age{}, a0{}, a1{}, a2{}, a3{}, a4{};
  std::uint64_t now = 0;
};

TEST_F(IndexQueries, ListsEverythingNewestFirstWithSequences) {
  const AttestationPage p = page({});
  EXPECT_EQ(ids(p.attestations), (std::vector{a4, a3, a2, a1, a0}));
  EXPECT_EQ(p.attestations.front().sequence, 4u);
  EXPECT_EQ(p.attestations.back().sequence, 0u);
  EXPECT_FALSE(p.next_cursor.has_value());
  EXPECT_NE(p.attestations[3].record.revoked_at, 0u);  // the current record, revocation included
}

TEST_F(IndexQueries, StatusListIndexKnowsSequencesAndRevocations) {
  const auto check = [&](const Snapshot& snap) {
    const std::vector<core::Id> all{a0, a1, a2, a3, a4};
    for (std::uint64_t i = 0; i < all.size(); ++i) {
      auto seq = snap.attestation_sequence(all[i]);
      ASSERT_TRUE(seq.ok()) << seq.status().to_string();
      EXPECT_EQ(*seq, std::optional<std::uint64_t>(i));
    }
    auto unknown = snap.attestation_sequence(kyc);  // a schema id is no attestation
    ASSERT_TRUE(unknown.ok());
    EXPECT_FALSE(unknown->has_value());
    EXPECT_EQ(snap.attestation_count().value(), 5u);
    EXPECT_EQ(snap.revoked_sequences(0, 1000).value(), std::vector<std::uint64_t>{1});
    EXPECT_EQ(snap.revoked_sequences(1, 2).value(), std::vector<std::uint64_t>{1});
    EXPECT_TRUE(snap.revoked_sequences(2, 1000).value().empty());
    EXPECT_TRUE(snap.revoked_sequences(0, 1).value().empty());
    EXPECT_TRUE(snap.revoked_sequences(5, 5).value().empty());
  };
  check(*node.db().snapshot());
  node.reopen();
  check(*node.db().snapshot());
}

TEST_F(IndexQueries, StatusListIndexSeesARevocationInTheBlockThatCreatedTheAttestation) {
  // The attestation's id is known before its block: its content, with the creating transaction as origin and the
  // block's time (the fixture's next block is one second on) as issued_at.
  const core::AttestationRequest r = request(kyc, {carol.recipient()}, "same-block");
  const core::SignedTransaction create = node.sign(alice, core::Attest{{r}});
  core::Attestation expected{r, alice.id(), node.now() + 1, core::transaction_id(create.tx), 0};
  const core::Id id = core::attestation_id(expected);
  const auto built = node.build({create, node.sign(alice, core::Revoke{{core::Revocation{id, "at once"}}})});
  ASSERT_EQ(built.receipts.size(), 2u);
  ASSERT_TRUE(built.receipts[0].ok());
  ASSERT_EQ(built.receipts[0].created.at(0), id);
  ASSERT_TRUE(built.receipts[1].ok()) << built.receipts[1].code;
  const auto snap = node.db().snapshot();
  EXPECT_EQ(snap->attestation_sequence(id).value(), std::optional<std::uint64_t>(5));
  EXPECT_EQ(snap->attestation_count().value(), 6u);
  EXPECT_EQ(snap->revoked_sequences(0, 100).value(), (std::vector<std::uint64_t>{1, 5}));
}

TEST_F(IndexQueries, FiltersBySchemaAttesterRecipientAndIndexingKey) {
  AttestationQuery q;
  q.schema = kyc;
  EXPECT_EQ(list(q), (std::vector{a2, a1, a0}));
  q = {};
  q.attester = bob.id();
  EXPECT_EQ(list(q), (std::vector{a3, a2}));
  q = {};
  q.recipient = carol.recipient();
  EXPECT_EQ(list(q), (std::vector{a3, a1, a0}));
  q = {};
  q.recipient = core::Recipient::external("did:example:carol");
  EXPECT_EQ(list(q), (std::vector{a2, a1}));
  q = {};
  q.indexing_key = "order-1";
  EXPECT_EQ(list(q), (std::vector{a2, a0}));
  q = {};
  q.indexing_key = "";  // no indexing key
  EXPECT_EQ(list(q), (std::vector{a4, a3}));
  q = {};
  q.indexing_key = "nothing";
  EXPECT_TRUE(list(q).empty());
}

TEST_F(IndexQueries, CombinesFilters) {
  AttestationQuery q;
  q.schema = kyc;
  q.attester = alice.id();
  EXPECT_EQ(list(q), (std::vector{a1, a0}));
  q.recipient = core::Recipient::external("did:example:carol");
  EXPECT_EQ(list(q), (std::vector{a1}));
  q.indexing_key = "order-1";
  EXPECT_TRUE(list(q).empty());
  q = {};
  q.recipient = carol.recipient();
  q.schema = age;
  EXPECT_EQ(list(q), (std::vector{a3}));
  q = {};
  q.indexing_key = "order-1";
  q.attester = bob.id();
  EXPECT_EQ(list(q), (std::vector{a2}));
}

TEST_F(IndexQueries, ValidNowExcludesRevokedAndExpired) {
  AttestationQuery q;
  q.valid_now = true;
  q.now = now;
  EXPECT_EQ(list(q), (std::vector{a4, a2, a0}));
  q.now = now - 100;  // before a3 expired
  EXPECT_EQ(list(q), (std::vector{a4, a3, a2, a0}));
  q.recipient = carol.recipient();
  q.now = now;
  EXPECT_EQ(list(q), (std::vector{a0}));
}

TEST_F(IndexQueries, PagesVisitEveryEntryOnce) {
  for (std::size_t limit = 1; limit <= 6; ++limit) {
    AttestationQuery q;
    q.limit = limit;
    std::size_t pages = 0;
    EXPECT_EQ(all_pages(*node.db().snapshot(), q, &pages), (std::vector{a4, a3, a2, a1, a0})) << limit;
    EXPECT_EQ(pages, (5 + limit - 1) / limit) << "no empty last page, limit " << limit;
  }
  AttestationQuery q;
  q.limit = 2;
  const AttestationPage first = page(q);
  ASSERT_EQ(first.next_cursor, std::optional<std::uint64_t>(3));
  q.cursor = first.next_cursor;
  EXPECT_EQ(ids(page(q).attestations), (std::vector{a2, a1}));
  q.cursor = 0;
  EXPECT_TRUE(page(q).attestations.empty());
  EXPECT_FALSE(page(q).next_cursor.has_value());
  q.cursor = 1'000'000;
  EXPECT_EQ(ids(page(q).attestations), (std::vector{a4, a3}));
}

TEST_F(IndexQueries, RefusesBadLimits) {
  AttestationQuery q;
  q.limit = 0;
  auto p = node.db().snapshot()->attestations(q);
  EXPECT_EQ(p.status().code(), "bad_query");
  EXPECT_TRUE(p.status().is_invalid());
  q.limit = kMaxPageSize + 1;
  EXPECT_EQ(node.db().snapshot()->attestations(q).status().code(), "bad_query");
  q.limit = kMaxPageSize;
  EXPECT_TRUE(node.db().snapshot()->attestations(q).ok());
  SchemaQuery s;
  s.limit = 0;
  EXPECT_EQ(node.db().snapshot()->schemas(s).status().code(), "bad_query");
  s.limit = kMaxPageSize + 1;
  EXPECT_EQ(node.db().snapshot()->schemas(s).status().code(), "bad_query");
}

TEST_F(IndexQueries, ListsSchemasByRegistrant) {
  auto all = node.db().snapshot()->schemas(SchemaQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->schemas.size(), 2u);
  EXPECT_EQ(all->schemas[0].id, age);
  EXPECT_EQ(all->schemas[0].sequence, 1u);
  EXPECT_EQ(all->schemas[0].schema.name, "age");
  EXPECT_EQ(all->schemas[1].id, kyc);
  SchemaQuery q;
  q.registrant = alice.id();
  auto by_alice = node.db().snapshot()->schemas(q);
  ASSERT_TRUE(by_alice.ok());
  ASSERT_EQ(by_alice->schemas.size(), 1u);
  EXPECT_EQ(by_alice->schemas[0].id, kyc);
  q = {};
  q.limit = 1;
  auto first = node.db().snapshot()->schemas(q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->next_cursor, std::optional<std::uint64_t>(1));
  q.cursor = first->next_cursor;
  auto second = node.db().snapshot()->schemas(q);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->schemas.size(), 1u);
  EXPECT_EQ(second->schemas[0].id, kyc);
  EXPECT_FALSE(second->next_cursor.has_value());
}

TEST(IndexScanBound, ShortPagesCarryACursorUntilTheEnd) {
  const Account alice(1), bob(2), carol(3);
  Database::Options options = Node::fast_options();
  options.max_index_scan = 3;
  Node node({}, options);
  const core::Id schema = node.register_schema(alice, "kyc");
  std::vector<core::AttestationRequest> requests;
  for (int i = 0; i < 10; ++i) requests.push_back(request(schema, {bob.recipient()}));
  requests.push_back(request(schema, {carol.recipient()}));  // sequence 10
  for (int i = 0; i < 10; ++i) requests.push_back(request(schema, {bob.recipient()}));
  const std::vector<core::Id> created = node.attest(alice, requests);
  ASSERT_EQ(created.size(), 21u);

  // Every filter matches every entry; the attester index is walked, 3 entries per page.
  AttestationQuery q;
  q.schema = schema;
  q.attester = alice.id();
  q.indexing_key = "";
  auto snap = node.db().snapshot();
  auto first = snap->attestations(q);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->attestations.size(), 3u);
  q.limit = 1;
  q.valid_now = true;
  q.now = node.now();
  q.recipient.reset();
  std::size_t pages = 0;
  EXPECT_EQ(all_pages(*snap, q, &pages).size(), 21u);
  EXPECT_EQ(pages, 21u);

  // A selective filter the index cannot serve: the scanned window moves 3 entries per page.
  q = {};
  q.attester = alice.id();  // the attester index holds all 21
  q.indexing_key = "";
  q.limit = 10;
  pages = 0;
  EXPECT_EQ(all_pages(*snap, q, &pages).size(), 21u);
  EXPECT_EQ(pages, 7u);
  // carol's one attestation via the recipient index.
  q = {};
  q.recipient = carol.recipient();
  EXPECT_EQ(all_pages(*snap, q), std::vector{created[10]});
}

// ---- property: list results equal a reference model over random attest / revoke sequences.

struct ModelAttestation {
  core::Id id{};
  core::Id schema{};
  core::AccountId attester{};
  std::vector<core::Recipient> recipients;
  std::string indexing_key;
  std::uint64_t valid_until = 0;
  bool revoked = false;
};

RC_GTEST_PROP(IndexProperty, ListsMatchAReferenceModel, ()) {
  const std::vector<Account> attesters = [] {
    std::vector<Account> a;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) a.emplace_back(seed);
    return a;
  }();
  const std::vector<core::Recipient> recipients{attesters[0].recipient(), core::Recipient::external("did:r:1"),
                                                core::Recipient::external("did:r:2")};
  const std::vector<std::string> keys{"", "alpha", "beta"};

  Database::Options options = Node::fast_options();
  options.max_index_scan = *rc::gen::inRange<std::size_t>(1, 8);
  Node node({}, options);
  const std::vector<core::Id> schemas{node.register_schema(attesters[0], "s0"),
                                      node.register_schema(attesters[1], "s1")};
  std::vector<ModelAttestation> model;  // index = sequence

  const int blocks = *rc::gen::inRange(1, 8);
  for (int b = 0; b < blocks; ++b) {
    std::vector<core::SignedTransaction> txs;
    std::vector<std::vector<ModelAttestation>> pending;  // per tx, the attestations it creates
    std::vector<std::size_t> revoking;                   // per tx, the model index it revokes, or SIZE_MAX
    std::set<std::size_t> revoked_in_block;
    const int n = *rc::gen::inRange(1, 5);
    for (int t = 0; t < n; ++t) {
      const bool revoke = !model.empty() && *rc::gen::inRange(0, 4) == 0;
      if (revoke) {
        const std::size_t target = *rc::gen::inRange<std::size_t>(0, model.size());
        if (model[target].revoked || revoked_in_block.count(target) != 0) continue;
        const Account* attester = nullptr;
        for (const Account& a : attesters) {
          if (a.id() == model[target].attester) attester = &a;
        }
        txs.push_back(node.sign(*attester, core::Revoke{{core::Revocation{model[target].id, ""}}}));
        pending.emplace_back();
        revoking.push_back(target);
        revoked_in_block.insert(target);
        continue;
      }
      const Account& attester = attesters[*rc::gen::inRange<std::size_t>(0, attesters.size())];
      const int count = *rc::gen::inRange(1, 4);
      core::Attest body;
      std::vector<ModelAttestation> created;
      for (int i = 0; i < count; ++i) {
        ModelAttestation m;
        m.schema = schemas[*rc::gen::inRange<std::size_t>(0, schemas.size())];
        m.attester = attester.id();
        for (const core::Recipient& r : recipients) {
          if (*rc::gen::arbitrary<bool>()) m.recipients.push_back(r);
        }
        if (m.recipients.empty()) m.recipients.push_back(recipients[0]);
        m.indexing_key = keys[*rc::gen::inRange<std::size_t>(0, keys.size())];
        m.valid_until = *rc::gen::element<std::uint64_t>(std::uint64_t{0}, node.now() + 5, node.now() + 50);
        body.requests.push_back(request(m.schema, m.recipients, m.indexing_key, m.valid_until));
        created.push_back(std::move(m));
      }
      txs.push_back(node.sign(attester, std::move(body)));
      pending.push_back(std::move(created));
      revoking.push_back(SIZE_MAX);
    }
    const core::BuiltBlock built = node.build(txs);
    RC_ASSERT(built.receipts.size() == txs.size());
    for (std::size_t t = 0; t < txs.size(); ++t) {
      RC_ASSERT(built.receipts[t].ok());
      if (revoking[t] != SIZE_MAX) {
        model[revoking[t]].revoked = true;
        continue;
      }
      RC_ASSERT(built.receipts[t].created.size() == pending[t].size());
      for (std::size_t i = 0; i < pending[t].size(); ++i) {
        pending[t][i].id = built.receipts[t].created[i];
        model.push_back(pending[t][i]);
      }
    }
    node.advance(*rc::gen::inRange<std::uint64_t>(0, 20));
  }

  const auto snap = node.db().snapshot();
  for (int check = 0; check < 6; ++check) {
    AttestationQuery q;
    if (*rc::gen::arbitrary<bool>()) q.schema = schemas[*rc::gen::inRange<std::size_t>(0, schemas.size())];
    if (*rc::gen::arbitrary<bool>()) q.attester = attesters[*rc::gen::inRange<std::size_t>(0, 3)].id();
    if (*rc::gen::arbitrary<bool>()) q.recipient = recipients[*rc::gen::inRange<std::size_t>(0, 3)];
    if (*rc::gen::arbitrary<bool>()) q.indexing_key = keys[*rc::gen::inRange<std::size_t>(0, keys.size())];
    q.valid_now = *rc::gen::arbitrary<bool>();
    q.now = node.now() - *rc::gen::inRange<std::uint64_t>(0, 40);
    q.limit = *rc::gen::inRange<std::size_t>(1, 6);

    std::vector<core::Id> expected;
    for (std::size_t s = model.size(); s-- > 0;) {
      const ModelAttestation& m = model[s];
      if (q.schema && m.schema != *q.schema) continue;
      if (q.attester && m.attester != *q.attester) continue;
      if (q.recipient && std::find(m.recipients.begin(), m.recipients.end(), *q.recipient) == m.recipients.end()) {
        continue;
      }
      if (q.indexing_key && m.indexing_key != *q.indexing_key) continue;
      if (q.valid_now && (m.revoked || (m.valid_until != 0 && m.valid_until <= q.now))) continue;
      expected.push_back(m.id);
    }
    RC_ASSERT(all_pages(*snap, q) == expected);
  }
}

}  // namespace
}  // namespace credence::node
