// Mempool: admission and its reason codes, ready runs, eviction, fairness; a property test against a reference
// model (per-author nonce maps); a short concurrency test (several adders, one taker).
//
// The mempool never looks at signatures, so the transactions here are unsigned Timestamp bodies: their size varies
// with the number of ids, and their content (author, nonce, expiry, variant) fixes their id.
#include "credence/node/mempool.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace credence::node {
namespace {

constexpr std::uint64_t kChainId = 7;
constexpr std::uint64_t kStart = 1'000;

core::AccountId author(std::size_t i) {
  core::AccountId a{};
  a[0] = static_cast<std::uint8_t>(i + 1);
  a[31] = 0xa5;
  return a;
}

PendingTransaction make_tx(std::size_t who, std::uint64_t nonce, std::uint64_t expires_at = kStart + 1'000'000,
                           std::uint8_t variant = 0, std::size_t ids = 1) {
  core::Transaction tx;
  tx.chain_id = kChainId;
  tx.author = author(who);
  tx.nonce = nonce;
  tx.expires_at = expires_at;
  core::Timestamp body;
  for (std::size_t i = 0; i < ids; ++i) {
    core::Id id{};
    id[0] = variant;
    id[1] = static_cast<std::uint8_t>(i);
    body.ids.push_back(id);
  }
  tx.body = std::move(body);
  core::SignedTransaction stx{std::move(tx), {}};
  PendingTransaction p;
  p.id = core::transaction_id(stx.tx);
  p.encoded_size = core::encode(stx).size();
  p.stx = std::move(stx);
  p.received = std::chrono::steady_clock::now();
  return p;
}

// Committed next nonces, as the node's state would answer them.
struct Nonces {
  std::map<core::AccountId, std::uint64_t> next;
  Mempool::NonceLookup lookup() {
    return [this](const core::AccountId& a) {
      auto it = next.find(a);
      return it == next.end() ? std::uint64_t{0} : it->second;
    };
  }
  // Marks a taken block as committed and tells the pool, as the node does.
  void commit(Mempool& pool, const std::vector<PendingTransaction>& block) {
    std::vector<core::AccountId> authors;
    for (const auto& p : block) {
      next[p.stx.tx.author] = p.stx.tx.nonce + 1;
      authors.push_back(p.stx.tx.author);
    }
    pool.nonces_changed(authors);
  }
  // The author's nonce moved by another path.
  void set(Mempool& pool, const core::AccountId& author, std::uint64_t nonce) {
    next[author] = nonce;
    pool.nonces_changed({author});
  }
};

std::vector<std::uint64_t> nonces_of(const std::vector<PendingTransaction>& txs) {
  std::vector<std::uint64_t> out;
  for (const auto& p : txs) out.push_back(p.stx.tx.nonce);
  return out;
}

TEST(Mempool, AcceptsCountsAndRefusesDuplicates) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  auto tx = make_tx(0, 0);
  const auto id = tx.id;
  const auto size = tx.encoded_size;
  EXPECT_TRUE(pool.add(tx).accepted);
  EXPECT_TRUE(pool.contains(id));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), size);

  auto again = pool.add(tx);
  EXPECT_FALSE(again.accepted);
  EXPECT_EQ(again.code, "duplicate");

  // Same author and nonce, different content: only one can ever commit, the first one stays.
  auto rival = pool.add(make_tx(0, 0, kStart + 5, 1));
  EXPECT_FALSE(rival.accepted);
  EXPECT_EQ(rival.code, "duplicate");
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), size);
}

TEST(Mempool, RefusesStaleNonces) {
  Nonces nonces;
  nonces.next[author(0)] = 5;
  Mempool pool({}, nonces.lookup());
  auto r = pool.add(make_tx(0, 4));
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.code, "stale_nonce");
  EXPECT_TRUE(pool.add(make_tx(0, 5)).accepted);
  EXPECT_TRUE(pool.add(make_tx(0, 9)).accepted);  // beyond a gap: waits
  EXPECT_EQ(pool.ready(), 1u);
}

TEST(Mempool, AccountFull) {
  Nonces nonces;
  Mempool pool({.max_transactions = 10, .max_per_account = 2, .max_bytes = 1u << 20}, nonces.lookup());
  EXPECT_TRUE(pool.add(make_tx(0, 0)).accepted);
  EXPECT_TRUE(pool.add(make_tx(0, 1)).accepted);
  auto r = pool.add(make_tx(0, 2));
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.code, "account_full");
  EXPECT_TRUE(pool.add(make_tx(1, 0)).accepted);  // another author still fits
}

TEST(Mempool, MempoolFullByCount) {
  Nonces nonces;
  Mempool pool({.max_transactions = 3, .max_per_account = 3, .max_bytes = 1u << 20}, nonces.lookup());
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(pool.add(make_tx(i, 0)).accepted);
  auto r = pool.add(make_tx(3, 0));
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.code, "mempool_full");
  // take() frees room.
  EXPECT_EQ(pool.take(1, kStart).size(), 1u);
  EXPECT_TRUE(pool.add(make_tx(3, 0)).accepted);
}

TEST(Mempool, MempoolFullByBytes) {
  Nonces nonces;
  const std::size_t size = make_tx(0, 0).encoded_size;
  Mempool pool({.max_transactions = 100, .max_per_account = 100, .max_bytes = 2 * size + size / 2}, nonces.lookup());
  EXPECT_TRUE(pool.add(make_tx(0, 0)).accepted);
  EXPECT_TRUE(pool.add(make_tx(1, 0)).accepted);
  auto r = pool.add(make_tx(2, 0));
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.code, "mempool_full");
  EXPECT_EQ(pool.bytes(), 2 * size);
}

TEST(Mempool, AccountFullIsCheckedBeforeMempoolFull) {
  Nonces nonces;
  Mempool pool({.max_transactions = 2, .max_per_account = 2, .max_bytes = 1u << 20}, nonces.lookup());
  EXPECT_TRUE(pool.add(make_tx(0, 0)).accepted);
  EXPECT_TRUE(pool.add(make_tx(0, 1)).accepted);
  EXPECT_EQ(pool.add(make_tx(0, 2)).code, "account_full");
  EXPECT_EQ(pool.add(make_tx(1, 0)).code, "mempool_full");
}

TEST(Mempool, TakeHandsOutOnlyConsecutiveRuns) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  for (std::uint64_t n : std::vector<std::uint64_t>{0, 1, 3}) ASSERT_TRUE(pool.add(make_tx(0, n)).accepted);
  EXPECT_EQ(pool.ready(), 2u);
  auto block = pool.take(10, kStart);
  EXPECT_EQ(nonces_of(block), (std::vector<std::uint64_t>{0, 1}));
  nonces.commit(pool, block);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.ready(), 0u);
  EXPECT_TRUE(pool.take(10, kStart).empty());  // nonce 3 waits for 2

  ASSERT_TRUE(pool.add(make_tx(0, 2)).accepted);
  EXPECT_EQ(pool.ready(), 2u);
  block = pool.take(10, kStart);
  EXPECT_EQ(nonces_of(block), (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST(Mempool, TakeDropsStaleTransactions) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  std::vector<core::Id> ids;
  for (std::uint64_t n = 0; n < 3; ++n) {
    auto tx = make_tx(0, n);
    ids.push_back(tx.id);
    ASSERT_TRUE(pool.add(std::move(tx)).accepted);
  }
  nonces.set(pool, author(0), 2);  // nonces 0 and 1 were committed by some other path
  EXPECT_EQ(pool.ready(), 1u);
  Dropped dropped;
  auto block = pool.take(10, kStart, &dropped);
  EXPECT_EQ(nonces_of(block), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(dropped.stale, (std::vector<core::Id>{ids[0], ids[1]}));
  EXPECT_TRUE(dropped.expired.empty());
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST(Mempool, TakeEvictsExpiredTransactions) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  auto expiring = make_tx(0, 0, kStart + 10);
  auto later = make_tx(0, 1, kStart + 100);
  auto exact = make_tx(1, 0, kStart + 11);  // expires_at == block_time: still valid
  const auto expiring_id = expiring.id;
  ASSERT_TRUE(pool.add(std::move(expiring)).accepted);
  ASSERT_TRUE(pool.add(std::move(later)).accepted);
  ASSERT_TRUE(pool.add(std::move(exact)).accepted);
  EXPECT_EQ(pool.ready(), 3u);  // ready() does not know the time

  Dropped dropped;
  auto block = pool.take(10, kStart + 11, &dropped);
  ASSERT_EQ(block.size(), 1u);  // the expired head leaves author 0 with a gap
  EXPECT_EQ(block[0].stx.tx.author, author(1));
  EXPECT_EQ(dropped.expired, (std::vector<core::Id>{expiring_id}));
  EXPECT_FALSE(pool.contains(expiring_id));
  EXPECT_EQ(pool.size(), 1u);

  // take(0) still evicts.
  pool.take(0, kStart + 101, &dropped);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(dropped.expired.size(), 2u);
}

TEST(Mempool, TakeIsRoundRobinAcrossAuthors) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  for (std::uint64_t n = 0; n < 5; ++n) ASSERT_TRUE(pool.add(make_tx(0, n)).accepted);
  for (std::uint64_t n = 0; n < 2; ++n) ASSERT_TRUE(pool.add(make_tx(1, n)).accepted);
  ASSERT_TRUE(pool.add(make_tx(2, 0)).accepted);

  auto block = pool.take(6, kStart);
  std::vector<std::pair<core::AccountId, std::uint64_t>> got;
  for (const auto& p : block) got.emplace_back(p.stx.tx.author, p.stx.tx.nonce);
  const std::vector<std::pair<core::AccountId, std::uint64_t>> want = {{author(0), 0}, {author(1), 0}, {author(2), 0},
                                                                       {author(0), 1}, {author(1), 1}, {author(0), 2}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(pool.size(), 2u);
}

TEST(Mempool, FairnessFollowsTheArrivalOfEachRunsHead) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  ASSERT_TRUE(pool.add(make_tx(0, 1)).accepted);  // oldest, but not ready
  ASSERT_TRUE(pool.add(make_tx(1, 0)).accepted);
  ASSERT_TRUE(pool.add(make_tx(0, 0)).accepted);  // author 0's head arrives after author 1's
  auto block = pool.take(2, kStart);
  ASSERT_EQ(block.size(), 2u);
  EXPECT_EQ(block[0].stx.tx.author, author(1));
  EXPECT_EQ(block[1].stx.tx.author, author(0));
  EXPECT_EQ(block[1].stx.tx.nonce, 0u);
}

TEST(Mempool, ReaddedBeforeCommitIsDroppedAsStaleLater) {
  Nonces nonces;
  Mempool pool({}, nonces.lookup());
  auto tx = make_tx(0, 0);
  ASSERT_TRUE(pool.add(tx).accepted);
  auto block = pool.take(10, kStart);
  ASSERT_EQ(block.size(), 1u);
  // The block is being built: the committed nonce has not moved, so the same transaction is admitted again...
  EXPECT_TRUE(pool.add(tx).accepted);
  nonces.commit(pool, block);
  // ...and the next take() drops it instead of handing it out twice.
  Dropped dropped;
  EXPECT_TRUE(pool.take(10, kStart, &dropped).empty());
  EXPECT_EQ(dropped.stale, std::vector<core::Id>{tx.id});
}

TEST(Mempool, HighestNonceEndsTheRun) {
  Nonces nonces;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  nonces.next[author(0)] = kMax;
  Mempool pool({}, nonces.lookup());
  ASSERT_TRUE(pool.add(make_tx(0, kMax)).accepted);
  EXPECT_EQ(pool.ready(), 1u);
  EXPECT_EQ(pool.take(10, kStart).size(), 1u);
}

TEST(Mempool, AFailedLookupIsAskedAgainAtTheNextTake) {
  Nonces nonces;
  nonces.next[author(0)] = 7;
  bool failing = true;
  Mempool pool({}, [&](const core::AccountId& a) -> std::optional<std::uint64_t> {
    if (failing) return std::nullopt;
    return nonces.lookup()(a);
  });
  ASSERT_TRUE(pool.add(make_tx(0, 7)).accepted);  // the author is taken for new: 7 is not stale
  Dropped dropped;
  EXPECT_TRUE(pool.take(10, kStart, &dropped).empty());  // still failing: nothing handed out or dropped
  EXPECT_TRUE(dropped.stale.empty());
  EXPECT_EQ(pool.size(), 1u);
  failing = false;  // once the state reads again, the run is found without any report or new admission
  EXPECT_EQ(nonces_of(pool.take(10, kStart)), std::vector<std::uint64_t>{7});
}

TEST(Mempool, AuthorsBehindAGapCostNothingPerTake) {
  Nonces nonces;
  std::size_t lookups = 0;
  Mempool pool({}, [&](const core::AccountId& a) {
    ++lookups;
    return nonces.lookup()(a);
  });
  constexpr std::size_t kGapped = 200;
  for (std::size_t i = 0; i < kGapped; ++i) ASSERT_TRUE(pool.add(make_tx(i, 1)).accepted);  // each waits for 0
  EXPECT_EQ(lookups, kGapped);                                                              // one per admission
  for (int block = 0; block < 3; ++block) EXPECT_TRUE(pool.take(10, kStart).empty());
  EXPECT_EQ(lookups, kGapped);  // the pool already knew none of them was ready

  nonces.set(pool, author(5), 1);  // nonce 0 committed elsewhere: author 5 is ready
  auto block = pool.take(10, kStart);
  EXPECT_EQ(lookups, kGapped + 1);  // only the reported author is looked up again
  ASSERT_EQ(block.size(), 1u);
  EXPECT_EQ(block[0].stx.tx.author, author(5));
  nonces.commit(pool, block);

  ASSERT_TRUE(pool.add(make_tx(7, 0)).accepted);  // fills author 7's gap
  block = pool.take(10, kStart);
  EXPECT_EQ(nonces_of(block), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(pool.size(), kGapped - 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Property test: random add / re-add / take / nonce-bump sequences against a reference model.

constexpr std::size_t kAuthors = 4;

struct ModelTx {
  std::size_t author = 0;
  std::uint64_t nonce = 0;
  std::uint64_t expires_at = 0;
  std::size_t size = 0;
};

struct Model {
  MempoolLimits limits;
  std::array<std::uint64_t, kAuthors> committed{};
  std::map<core::Id, ModelTx> pending;

  [[nodiscard]] std::size_t bytes() const {
    std::size_t b = 0;
    for (const auto& [id, t] : pending) b += t.size;
    return b;
  }
  [[nodiscard]] std::size_t count(std::size_t a) const {
    return static_cast<std::size_t>(
        std::count_if(pending.begin(), pending.end(), [&](const auto& e) { return e.second.author == a; }));
  }
  [[nodiscard]] bool has(std::size_t a, std::uint64_t nonce) const {
    return std::any_of(pending.begin(), pending.end(),
                       [&](const auto& e) { return e.second.author == a && e.second.nonce == nonce; });
  }
  [[nodiscard]] std::size_t run(std::size_t a) const {
    std::size_t n = 0;
    while (has(a, committed[a] + n)) ++n;
    return n;
  }
  [[nodiscard]] std::size_t ready() const {
    std::size_t n = 0;
    for (std::size_t a = 0; a < kAuthors; ++a) n += run(a);
    return n;
  }
  // The code add() must answer.
  [[nodiscard]] std::string admit(const PendingTransaction& p, std::size_t a) const {
    if (pending.contains(p.id)) return "duplicate";
    if (p.stx.tx.nonce < committed[a]) return "stale_nonce";
    if (has(a, p.stx.tx.nonce)) return "duplicate";
    if (count(a) >= limits.max_per_account) return "account_full";
    if (pending.size() >= limits.max_transactions || bytes() + p.encoded_size > limits.max_bytes) {
      return "mempool_full";
    }
    return "ok";
  }
};

std::size_t author_index(const core::AccountId& id) {
  return static_cast<std::size_t>(id[0]) - 1;
}

void check_sizes(const Mempool& pool, const Model& model) {
  RC_ASSERT(pool.size() == model.pending.size());
  RC_ASSERT(pool.bytes() == model.bytes());
  RC_ASSERT(pool.ready() == model.ready());
  RC_ASSERT(pool.size() <= model.limits.max_transactions);
  RC_ASSERT(pool.bytes() <= model.limits.max_bytes);
  for (std::size_t a = 0; a < kAuthors; ++a) RC_ASSERT(model.count(a) <= model.limits.max_per_account);
}

RC_GTEST_PROP(MempoolProperty, AgreesWithReferenceModel, (const std::vector<std::uint64_t>& words)) {
  Model model;
  const std::size_t two_id_size = make_tx(0, 0, kStart, 0, 2).encoded_size;
  model.limits = {.max_transactions = 12, .max_per_account = 3, .max_bytes = 9 * two_id_size};
  Nonces nonces;  // mirrors model.committed
  Mempool pool(model.limits, nonces.lookup());

  std::uint64_t now = kStart;
  std::vector<PendingTransaction> history;  // every transaction offered, for re-adds
  std::map<core::Id, int> accepted, handed, dropped;

  auto offer = [&](const PendingTransaction& p) {
    const std::size_t a = author_index(p.stx.tx.author);
    const std::string want = model.admit(p, a);
    const Admission got = pool.add(p);
    RC_ASSERT(got.code == want);
    RC_ASSERT(got.accepted == (want == "ok"));
    if (got.accepted) {
      model.pending[p.id] = {a, p.stx.tx.nonce, p.stx.tx.expires_at, p.encoded_size};
      ++accepted[p.id];
    }
  };

  for (const std::uint64_t w : words) {
    switch (w % 16) {
      default: {  // a new transaction: usually at or just above the committed nonce, sometimes stale
        // Skewed so that author 3 hits its per-account bound and most nonces extend a ready run.
        const std::size_t a = std::min<std::size_t>((w >> 4) % 6, kAuthors - 1);
        std::uint64_t nonce = model.committed[a] + ((w >> 8) % 2 == 0 ? 0 : (w >> 9) % 5);
        if ((w >> 12) % 6 == 0 && model.committed[a] > 0) nonce = model.committed[a] - 1;
        const auto variant = static_cast<std::uint8_t>((w >> 16) % 3);
        const std::uint64_t expires_at = now + (w >> 20) % 24;
        const std::size_t ids = 1 + (w >> 28) % 3;
        auto p = make_tx(a, nonce, expires_at, variant, ids);
        history.push_back(p);
        offer(p);
        break;
      }
      case 9:
      case 10:  // the same transaction again
        if (!history.empty()) offer(history[(w >> 4) % history.size()]);
        break;
      case 11:
      case 12:
      case 13: {  // take a block and commit it
        const std::size_t max = (w >> 4) % 7;
        now += (w >> 8) % 3;
        // Model: expired first, then stale, then the ready runs.
        std::set<core::Id> want_expired, want_stale;
        for (auto it = model.pending.begin(); it != model.pending.end();) {
          if (it->second.expires_at < now) {
            want_expired.insert(it->first);
            it = model.pending.erase(it);
          } else if (it->second.nonce < model.committed[it->second.author]) {
            want_stale.insert(it->first);
            it = model.pending.erase(it);
          } else {
            ++it;
          }
        }
        std::array<std::size_t, kAuthors> runs{};
        std::size_t total_ready = 0;
        for (std::size_t a = 0; a < kAuthors; ++a) total_ready += runs[a] = model.run(a);

        Dropped got_dropped;
        auto block = pool.take(max, now, &got_dropped);
        RC_ASSERT(std::set<core::Id>(got_dropped.expired.begin(), got_dropped.expired.end()) == want_expired);
        RC_ASSERT(std::set<core::Id>(got_dropped.stale.begin(), got_dropped.stale.end()) == want_stale);
        RC_ASSERT(got_dropped.expired.size() == want_expired.size());
        RC_ASSERT(got_dropped.stale.size() == want_stale.size());
        for (const auto& id : got_dropped.expired) ++dropped[id];
        for (const auto& id : got_dropped.stale) ++dropped[id];

        // Never more than asked, and never less than available.
        RC_ASSERT(block.size() == std::min(max, total_ready));
        std::array<std::size_t, kAuthors> taken{};
        for (const auto& p : block) {
          const std::size_t a = author_index(p.stx.tx.author);
          RC_ASSERT(model.pending.contains(p.id));          // pending, not a duplicate within the block
          RC_ASSERT(p.stx.tx.nonce == model.committed[a]);  // consecutive from the committed nonce: no gap
          RC_ASSERT(p.stx.tx.expires_at >= now);
          model.pending.erase(p.id);
          ++model.committed[a];
          ++taken[a];
          RC_ASSERT(++handed[p.id] == 1);
        }
        // Round robin: an author whose run was not exhausted got at most one fewer than anyone else.
        const std::size_t most = *std::max_element(taken.begin(), taken.end());
        for (std::size_t a = 0; a < kAuthors; ++a) {
          if (taken[a] < runs[a]) RC_ASSERT(taken[a] + 1 >= most);
        }
        nonces.commit(pool, block);
        break;
      }
      case 14: {  // the author's nonce moves by another path: pending ones below it become stale
        const std::size_t a = (w >> 4) % kAuthors;
        model.committed[a] += 1 + (w >> 8) % 2;
        nonces.set(pool, author(a), model.committed[a]);
        break;
      }
    }
    check_sizes(pool, model);
  }

  // Everything accepted is handed out, dropped or still pending — exactly once per acceptance.
  for (const auto& [id, n] : accepted) {
    const int pending = pool.contains(id) ? 1 : 0;
    RC_ASSERT(pending == (model.pending.contains(id) ? 1 : 0));
    RC_ASSERT(n == handed[id] + dropped[id] + pending);
  }
  for (const auto& [id, n] : handed) RC_ASSERT(accepted.contains(id));
  for (const auto& [id, n] : dropped) RC_ASSERT(accepted.contains(id));
}

// ---------------------------------------------------------------------------------------------------------------
// Concurrency: several threads add (retrying when the pool is full) while one thread takes and commits.

TEST(MempoolConcurrency, AddersAndOneTaker) {
  constexpr std::size_t kThreads = 4;
  constexpr std::size_t kAuthorsPerThread = 2;
  constexpr std::uint64_t kPerAuthor = 150;

  std::mutex nonce_mutex;
  std::map<core::AccountId, std::uint64_t> committed;
  Mempool pool({.max_transactions = 64, .max_per_account = 24, .max_bytes = 1u << 20}, [&](const core::AccountId& a) {
    std::lock_guard lock(nonce_mutex);
    auto it = committed.find(a);
    return it == committed.end() ? std::uint64_t{0} : it->second;
  });

  // Transactions built up front so the threads spend their time in the mempool.
  std::vector<std::vector<PendingTransaction>> work(kThreads);
  for (std::size_t t = 0; t < kThreads; ++t) {
    for (std::uint64_t n = 0; n < kPerAuthor; ++n) {
      for (std::size_t k = 0; k < kAuthorsPerThread; ++k) work[t].push_back(make_tx(t * kAuthorsPerThread + k, n));
    }
    // A little disorder within each author's window, so runs have gaps for a moment.
    for (std::size_t i = 0; i + 4 < work[t].size(); i += 7) std::swap(work[t][i], work[t][i + 4]);
  }

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::atomic<bool> timed_out{false};
  std::vector<std::thread> adders;
  for (std::size_t t = 0; t < kThreads; ++t) {
    adders.emplace_back([&, t] {
      for (auto& p : work[t]) {
        for (;;) {
          const Admission r = pool.add(p);
          if (r.accepted) break;
          // Only back-pressure is expected here; anything else is a bug.
          if (r.code != "mempool_full" && r.code != "account_full") {
            ADD_FAILURE() << r.code << ": " << r.message;
            return;
          }
          if (timed_out || std::chrono::steady_clock::now() > deadline) {
            timed_out = true;
            return;
          }
          std::this_thread::yield();
        }
      }
    });
  }

  const std::size_t total = kThreads * kAuthorsPerThread * kPerAuthor;
  std::size_t taken = 0;
  std::set<core::Id> seen;
  bool consistent = true;  // no ASSERT here: returning early would leave the adders unjoined
  while (consistent && taken < total && !timed_out && std::chrono::steady_clock::now() < deadline) {
    auto block = pool.take(37, kStart);
    std::vector<core::AccountId> authors;
    {
      std::lock_guard lock(nonce_mutex);
      for (const auto& p : block) {
        consistent = consistent && seen.insert(p.id).second;
        consistent = consistent && p.stx.tx.nonce == committed[p.stx.tx.author];  // no gap, no repeat
        committed[p.stx.tx.author] = p.stx.tx.nonce + 1;
        authors.push_back(p.stx.tx.author);
      }
    }
    // Outside nonce_mutex: add() calls the lookup (which takes it) with the pool's lock held.
    pool.nonces_changed(authors);
    taken += block.size();
    if (block.empty()) std::this_thread::yield();
  }
  if (!consistent) timed_out = true;  // stops adders stuck on back-pressure
  for (auto& t : adders) t.join();
  EXPECT_TRUE(consistent);
  EXPECT_FALSE(timed_out);
  EXPECT_EQ(taken, total);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

}  // namespace
}  // namespace credence::node
