// The mempool: signed transactions that passed the stateless checks, waiting for a block. docs/node.md "Mempool".
//
// - Dedup: a transaction id already pending is refused ("duplicate"); so is a second, different transaction with
//   the same author and nonce as a pending one (first come wins: only one of them could ever be committed).
// - Order: per author, by nonce. take() hands out, for each author, only the run of consecutive nonces starting at
//   the author's next nonce in the committed state (so a block never holds a nonce gap); transactions below that
//   nonce are dropped as stale, those beyond a gap wait.
// - Bounds: at most max_transactions in all, max_per_account per author and max_bytes of encoded transactions.
//   Beyond them add() refuses instead of growing: "account_full" (the HTTP layer answers 429) and "mempool_full"
//   (503). Transactions whose expiry has passed are evicted by take(); add() does not know the time, so the HTTP
//   layer refuses already expired transactions before add().
// Thread-safe: add() and the queries from many HTTP worker threads while the block builder calls take().
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "credence/core/transaction.h"

namespace credence::node {

struct MempoolLimits {
  std::size_t max_transactions = 100'000;
  std::size_t max_per_account = 10'000;
  std::size_t max_bytes = 256u << 20;
};

// Outcome of add(): accepted, or refused with a reason code ("duplicate", "stale_nonce", "account_full",
// "mempool_full").
struct Admission {
  bool accepted = false;
  std::string code = "ok";
  std::string message;
};

struct PendingTransaction {
  core::Id id{};  // core::transaction_id(stx.tx); the caller computes it (asserted in debug builds)
  core::SignedTransaction stx;
  std::size_t encoded_size = 0;                      // core::encode(stx).size(), counted against max_bytes
  std::chrono::steady_clock::time_point received{};  // for end-to-end latency
};

// What take() removed without handing it out, for metrics and transaction status ("expired", "stale_nonce").
struct Dropped {
  std::vector<core::Id> expired;  // expires_at < block_time
  std::vector<core::Id> stale;    // nonce below the author's committed next nonce
};

class Mempool {
 public:
  // `next_nonce(author)` answers the author's next nonce in the committed state, or nullopt when the state could
  // not be read; add() uses it to refuse stale nonces at once and take() and ready() to find each author's ready
  // run. After a failed lookup add() treats the author as new and take() leaves it out of that block, asking again
  // at the next. It is called with the mempool's lock held (from HTTP threads and the block builder alike), so it
  // must be thread-safe and must not call back into the mempool.
  using NonceLookup = std::function<std::optional<std::uint64_t>(const core::AccountId&)>;

  Mempool(MempoolLimits limits, NonceLookup next_nonce);

  // Admits `tx` or says why not. Checks, in order: duplicate id, stale nonce, duplicate (author, nonce),
  // account_full, mempool_full. Never checks the signature, chain id or expiry: the caller did.
  Admission add(PendingTransaction tx);

  // Up to `max` ready transactions (see Order above), removed from the pool, drawn fairly across authors: round
  // robin, one transaction per author per round, authors in order of arrival of the transaction at the head of
  // their ready run. First evicts expired ones (expires_at < block_time) from the whole pool, then drops stale
  // ones; their ids go to `dropped` when given.
  //
  // take() assumes the NonceLookup already reflects every previously taken transaction as committed, and that
  // nonces_changed() was told of every author whose committed nonce moved since the last take(): the orchestrator
  // calls it only after the previous block committed and was reported. (A transaction added again between a
  // take() and that commit is accepted, then dropped as stale by the next take(); a block never holds it twice.)
  //
  // Cost: take() looks up the next nonce only of authors reported changed, and visits only authors that may be
  // ready — those, and those whose run head was added at their next nonce. An author waiting behind a nonce gap
  // costs nothing per block until it is reported or its gap is filled.
  std::vector<PendingTransaction> take(std::size_t max, std::uint64_t block_time, Dropped* dropped = nullptr);

  // The committed next nonce of these authors may have moved (a block holding their transactions committed, or
  // the state changed by another path): take() looks it up again. Authors with nothing pending are ignored.
  void nonces_changed(const std::vector<core::AccountId>& authors);

  // Whether a transaction with this id is pending.
  [[nodiscard]] bool contains(const core::Id& id) const;
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t bytes() const;
  // Number of transactions take() could hand out now (ready runs only). It does not know the block time, so it
  // counts transactions that take() would evict as expired (an upper bound). One nonce lookup per author.
  [[nodiscard]] std::size_t ready() const;

 private:
  struct Entry {
    PendingTransaction tx;
    std::uint64_t arrival = 0;  // admission counter: the fairness order of take()
  };
  struct Account {
    std::map<std::uint64_t, Entry> by_nonce;
    std::uint64_t next = 0;  // the author's committed next nonce when last looked up
    bool fresh = false;      // `next` was looked up after the author's last nonces_changed()
  };
  struct Location {
    core::AccountId author{};
    std::uint64_t nonce = 0;
  };
  // Ids are SHA-256 outputs: their first bytes are already a good hash.
  struct IdHash {
    std::size_t operator()(const core::Id& id) const noexcept {
      std::size_t h = 0;
      std::memcpy(&h, id.data(), sizeof h);
      return h;
    }
  };

  [[nodiscard]] std::size_t ready_locked() const;
  // Removes one pending transaction from every index; returns it. `it` must point into `account.by_nonce`.
  PendingTransaction erase_locked(Account& account, std::map<std::uint64_t, Entry>::iterator it);

  MempoolLimits limits_;
  NonceLookup next_nonce_;
  mutable std::mutex mutex_;
  std::map<core::AccountId, Account> accounts_;          // only authors with pending transactions
  std::set<core::AccountId> candidates_;                 // authors take() visits: next not fresh, or run head at next
  std::unordered_map<core::Id, Location, IdHash> ids_;   // dedup, contains(), erase by id
  std::set<std::pair<std::uint64_t, core::Id>> expiry_;  // (expires_at, id): eviction without a full scan
  std::size_t bytes_ = 0;
  std::uint64_t arrivals_ = 0;
};

}  // namespace credence::node
