#include "credence/core/block.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstring>

#include "credence/crypto/hash.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::kChainId;
using test::kStartTime;

Hash256 leaf(const Id& id) {
  std::array<std::uint8_t, 33> b{};
  b[0] = 0;
  std::memcpy(b.data() + 1, id.data(), 32);
  return crypto::sha256(b);
}

Hash256 node(const Hash256& l, const Hash256& r) {
  std::array<std::uint8_t, 65> b{};
  b[0] = 1;
  std::memcpy(b.data() + 1, l.data(), 32);
  std::memcpy(b.data() + 33, r.data(), 32);
  return crypto::sha256(b);
}

TEST(TransactionsRoot, FollowsTheRfc6962Shape) {
  const Id a = test::id_of("a"), b = test::id_of("b"), c = test::id_of("c");
  EXPECT_EQ(transactions_root({}), Hash256{});
  const std::vector<Id> one{a};
  EXPECT_EQ(transactions_root(one), leaf(a));
  const std::vector<Id> two{a, b};
  EXPECT_EQ(transactions_root(two), node(leaf(a), leaf(b)));
  // Three leaves: the left subtree holds the largest power of two below 3.
  const std::vector<Id> three{a, b, c};
  EXPECT_EQ(transactions_root(three), node(node(leaf(a), leaf(b)), leaf(c)));
  const std::vector<Id> swapped{b, a};
  EXPECT_NE(transactions_root(swapped), transactions_root(two));
}

// A store, a map and a chain at its genesis block.
struct Node {
  MemoryNodeStore store;
  smt::AuthenticatedMap map = std::move(smt::AuthenticatedMap::open(store)).value();
  Block genesis_block;
  std::optional<Chain> chain;

  explicit Node(const Genesis& genesis) {
    genesis_block = std::move(Chain::genesis(map, genesis, kStartTime)).value();
    chain.emplace(std::move(Chain::resume(map, genesis_block.header)).value());
  }
};

bool same(const std::vector<Receipt>& x, const std::vector<Receipt>& y) {
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i].transaction != y[i].transaction || x[i].included != y[i].included || x[i].code != y[i].code ||
        x[i].message != y[i].message || x[i].created != y[i].created) {
      return false;
    }
  }
  return true;
}

Genesis genesis_for(const Account& funded) {
  return Genesis{kChainId, {{funded.id(), 1'000'000}}, std::nullopt};
}

SignedTransaction transfer(const Account& from, std::uint64_t nonce, const AccountId& to, std::uint64_t amount) {
  return sign_transaction(Transaction{kChainId, from.id(), nonce, kStartTime + 3600, Transfer{to, codec::U256::from_u64(amount)}}, from.key());
}

TEST(Chain, BuildsBlocksThatAnotherNodeReplaysToTheSameRoot) {
  const Account alice(1), bob(2);
  Node builder(genesis_for(alice));
  Node follower(genesis_for(alice));
  EXPECT_EQ(builder.genesis_block, follower.genesis_block);
  EXPECT_EQ(builder.genesis_block.header.height, 0u);

  const std::vector<SignedTransaction> candidates{
      transfer(alice, 0, bob.id(), 10),
      transfer(alice, 5, bob.id(), 10),         // bad nonce: rejected, left out
      transfer(alice, 1, bob.id(), 2'000'000),  // insufficient balance: included, failed
  };
  auto built = builder.chain->build(candidates, kStartTime + 5);
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  ASSERT_EQ(built->block.transactions.size(), 2u);
  ASSERT_EQ(built->receipts.size(), 2u);
  EXPECT_TRUE(built->receipts[0].ok());
  EXPECT_EQ(built->receipts[1].code, "insufficient_balance");
  ASSERT_EQ(built->rejected.size(), 1u);
  EXPECT_EQ(built->rejected[0].code, "bad_nonce");
  const BlockHeader& h = built->block.header;
  EXPECT_EQ(h.height, 1u);
  EXPECT_EQ(h.previous, block_hash(builder.genesis_block.header));
  EXPECT_EQ(h.state_root, builder.map.root());
  EXPECT_EQ(h.transaction_count, 2u);

  // Through the wire form and back, then applied on the follower.
  auto decoded = decode_block(encode(built->block));
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, built->block);
  auto receipts = follower.chain->apply(*decoded);
  ASSERT_TRUE(receipts.ok()) << receipts.status().to_string();
  EXPECT_TRUE(same(*receipts, built->receipts));
  EXPECT_EQ(follower.map.root(), builder.map.root());
  EXPECT_EQ(follower.chain->head(), h);
}

TEST(Chain, BlockTimeNeverGoesBackwards) {
  const Account alice(1), bob(2);
  Node n(genesis_for(alice));
  auto first = n.chain->build(std::vector{transfer(alice, 0, bob.id(), 1)}, kStartTime + 100);
  ASSERT_TRUE(first.ok());
  auto second = n.chain->build(std::vector{transfer(alice, 1, bob.id(), 1)}, kStartTime + 50);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->block.header.time, kStartTime + 100);
}

TEST(Chain, RefusesBlocksThatDoNotFollowTheHead) {
  const Account alice(1), bob(2);
  Node builder(genesis_for(alice));
  auto built = builder.chain->build(std::vector{transfer(alice, 0, bob.id(), 1)}, kStartTime + 1);
  ASSERT_TRUE(built.ok());

  const auto refused = [&](Block block, std::string_view code) {
    Node follower(genesis_for(alice));
    const Hash256 before = follower.map.root();
    auto r = follower.chain->apply(block);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().to_string();
    if (code == "bad_block") {
      EXPECT_EQ(follower.map.root(), before);
      EXPECT_EQ(follower.map.pending_count(), 0u);
      EXPECT_EQ(follower.chain->head(), follower.genesis_block.header);
    }
  };
  Block b = built->block;
  b.header.height = 2;
  refused(b, "bad_block");
  b = built->block;
  b.header.chain_id = kChainId + 1;
  refused(b, "bad_block");
  b = built->block;
  b.header.previous[0] ^= 1;
  refused(b, "bad_block");
  b = built->block;
  b.header.transactions_root[0] ^= 1;
  refused(b, "bad_block");
  b = built->block;
  b.header.time = kStartTime - 1;
  refused(b, "bad_block");
  b = built->block;
  b.transactions.push_back(transfer(alice, 7, bob.id(), 1));  // not includable (bad nonce)
  b.header.transaction_count = 2;
  std::vector<Id> ids;
  for (const auto& stx : b.transactions) ids.push_back(transaction_id(stx.tx));
  b.header.transactions_root = transactions_root(ids);
  refused(b, "bad_block");
  b = built->block;
  b.header.state_root[0] ^= 1;
  refused(b, "diverged");
}

TEST(Chain, ResumeRequiresTheMatchingState) {
  const Account alice(1);
  Node n(genesis_for(alice));
  BlockHeader other = n.genesis_block.header;
  other.state_root[0] ^= 1;
  auto r = Chain::resume(n.map, other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "diverged");
}

TEST(BlockEncoding, DecodersAreStrict) {
  const Account alice(1), bob(2);
  Node n(genesis_for(alice));
  auto built = n.chain->build(std::vector{transfer(alice, 0, bob.id(), 1)}, kStartTime + 1);
  ASSERT_TRUE(built.ok());
  Bytes enc = encode(built->block);
  Bytes trailing = enc;
  trailing.push_back(0);
  EXPECT_EQ(decode_block(trailing).status().code(), "trailing_bytes");
  EXPECT_EQ(decode_block(ByteView(enc).first(enc.size() - 1)).status().code(), "truncated");
  Block wrong_count = built->block;
  wrong_count.header.transaction_count = 3;
  EXPECT_EQ(decode_block(encode(wrong_count)).status().code(), "bad_block");

  const Bytes header = encode(built->block.header);
  auto h = decode_block_header(header);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, built->block.header);
  EXPECT_EQ(decode_block_header(enc).status().code(), "bad_tag");

  for (const Receipt& r : built->receipts) {
    auto back = decode_receipt(encode(r));
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(same({*back}, {r}));
  }
}

// Any sequence of transfers, cut into blocks anyhow, replays on a second node to the same roots block by block.
RC_GTEST_PROP(ChainProperty, ReplayReproducesEveryBlock, ()) {
  const Account a(1), b(2), c(3);
  const std::array<const Account*, 3> accounts{&a, &b, &c};
  const Genesis g{kChainId, {{a.id(), 1000}, {b.id(), 1000}}, std::nullopt};
  Node builder(g);
  Node follower(g);
  std::array<std::uint64_t, 3> nonces{};
  const auto blocks = *rc::gen::inRange(1, 6);
  for (int bi = 0; bi < blocks; ++bi) {
    std::vector<SignedTransaction> txs;
    const auto count = *rc::gen::inRange(0, 6);
    for (int i = 0; i < count; ++i) {
      const auto from = static_cast<std::size_t>(*rc::gen::inRange(0, 3));
      const auto to = static_cast<std::size_t>(*rc::gen::inRange(0, 3));
      const bool stale = *rc::gen::inRange(0, 5) == 0;  // some nonces are wrong: rejected
      const std::uint64_t nonce = stale ? nonces[from] + 3 : nonces[from]++;
      txs.push_back(transfer(*accounts[from], nonce, accounts[to]->id(), *rc::gen::inRange<std::uint64_t>(1, 700)));
    }
    auto built = builder.chain->build(txs, kStartTime + static_cast<std::uint64_t>(bi));
    RC_ASSERT(built.ok());
    auto replayed = follower.chain->apply(*decode_block(encode(built->block)));
    RC_ASSERT(replayed.ok());
    RC_ASSERT(follower.map.root() == builder.map.root());
    RC_ASSERT(follower.chain->head() == builder.chain->head());
  }
}

}  // namespace
}  // namespace credence::core
