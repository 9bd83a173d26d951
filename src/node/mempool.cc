#include "credence/node/mempool.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace credence::node {

Mempool::Mempool(MempoolLimits limits, NonceLookup next_nonce) : limits_(limits), next_nonce_(std::move(next_nonce)) {
  assert(next_nonce_ && "Mempool needs a nonce lookup");
}

Admission Mempool::add(PendingTransaction tx) {
  // Hashing happens outside the lock: it only guards against a caller that filled in the wrong id.
  assert(tx.id == core::transaction_id(tx.stx.tx) && "PendingTransaction::id must be the transaction id");
  const core::AccountId& author = tx.stx.tx.author;
  const std::uint64_t nonce = tx.stx.tx.nonce;

  std::lock_guard lock(mutex_);
  if (ids_.contains(tx.id)) return {false, "duplicate", "transaction already pending"};
  const std::optional<std::uint64_t> looked_up = next_nonce_(author);
  const std::uint64_t next = looked_up.value_or(0);
  if (nonce < next) {
    return {false, "stale_nonce",
            "nonce " + std::to_string(nonce) + " is below the next nonce " + std::to_string(next)};
  }
  auto account = accounts_.find(author);
  if (account != accounts_.end()) {
    if (account->second.by_nonce.contains(nonce)) {
      return {false, "duplicate", "another transaction with nonce " + std::to_string(nonce) + " is pending"};
    }
    if (account->second.by_nonce.size() >= limits_.max_per_account) {
      return {false, "account_full",
              "the author already has " + std::to_string(limits_.max_per_account) + " pending transactions"};
    }
  }
  if (ids_.size() >= limits_.max_transactions) return {false, "mempool_full", "too many pending transactions"};
  if (tx.encoded_size > limits_.max_bytes - bytes_) return {false, "mempool_full", "too many pending bytes"};

  if (account == accounts_.end()) account = accounts_.try_emplace(author).first;
  ids_.emplace(tx.id, Location{author, nonce});
  expiry_.emplace(tx.stx.tx.expires_at, tx.id);
  bytes_ += tx.encoded_size;
  Account& a = account->second;
  a.by_nonce.emplace(nonce, Entry{std::move(tx), arrivals_++});
  // Looked up just now, so no earlier than the last nonces_changed(): current until the next one. A failed lookup
  // leaves the author for take() to ask again.
  a.next = next;
  a.fresh = looked_up.has_value();
  if (!a.fresh || a.by_nonce.begin()->first == next) candidates_.insert(author);
  return {true, "ok", {}};
}

void Mempool::nonces_changed(const std::vector<core::AccountId>& authors) {
  std::lock_guard lock(mutex_);
  for (const core::AccountId& author : authors) {
    const auto it = accounts_.find(author);
    if (it == accounts_.end()) continue;
    it->second.fresh = false;
    candidates_.insert(author);
  }
}

PendingTransaction Mempool::erase_locked(Account& account, std::map<std::uint64_t, Entry>::iterator it) {
  PendingTransaction tx = std::move(it->second.tx);
  account.by_nonce.erase(it);
  ids_.erase(tx.id);
  expiry_.erase({tx.stx.tx.expires_at, tx.id});
  bytes_ -= tx.encoded_size;
  return tx;
}

std::vector<PendingTransaction> Mempool::take(std::size_t max, std::uint64_t block_time, Dropped* dropped) {
  std::lock_guard lock(mutex_);

  // Expired first, over the whole pool: the expiry index is sorted, so this costs only what it removes.
  while (!expiry_.empty() && expiry_.begin()->first < block_time) {
    const core::Id id = expiry_.begin()->second;
    const Location where = ids_.at(id);
    Account& account = accounts_.at(where.author);
    erase_locked(account, account.by_nonce.find(where.nonce));
    if (account.by_nonce.empty()) {
      accounts_.erase(where.author);
      candidates_.erase(where.author);
    }
    if (dropped != nullptr) dropped->expired.push_back(id);
  }

  // Then stale ones, and the head of every ready run. Only candidates can have either: any other author's next
  // nonce is fresh and below its run's head (a gap), as when it was last looked at.
  struct Cursor {
    std::uint64_t arrival;  // of the run's head
    Account* account;
    bool active = true;
  };
  std::vector<Cursor> cursors;
  for (auto c = candidates_.begin(); c != candidates_.end();) {
    const auto it = accounts_.find(*c);
    if (it == accounts_.end()) {  // not expected: every erase of an account also drops its candidacy
      assert(false && "a candidate has pending transactions");
      c = candidates_.erase(c);
      continue;
    }
    Account& account = it->second;
    if (!account.fresh) {
      const std::optional<std::uint64_t> looked_up = next_nonce_(it->first);
      if (!looked_up) {  // the state could not be read: nothing from this author now, ask again next time
        ++c;
        continue;
      }
      account.next = *looked_up;
      account.fresh = true;
    }
    const std::uint64_t next = account.next;
    while (!account.by_nonce.empty() && account.by_nonce.begin()->first < next) {
      PendingTransaction stale = erase_locked(account, account.by_nonce.begin());
      if (dropped != nullptr) dropped->stale.push_back(stale.id);
    }
    if (account.by_nonce.empty()) {
      accounts_.erase(it);
      c = candidates_.erase(c);
      continue;
    }
    if (account.by_nonce.begin()->first != next) {
      c = candidates_.erase(c);  // waits behind a gap until reported or filled
      continue;
    }
    cursors.push_back({account.by_nonce.begin()->second.arrival, &account});
    ++c;
  }
  std::sort(cursors.begin(), cursors.end(), [](const Cursor& a, const Cursor& b) { return a.arrival < b.arrival; });

  // Round robin: one transaction per author per round, while its run stays consecutive.
  std::vector<PendingTransaction> out;
  std::vector<core::AccountId> emptied;  // erased after the loop: cursors point into accounts_
  bool progress = true;
  while (out.size() < max && progress) {
    progress = false;
    for (Cursor& cursor : cursors) {
      if (out.size() >= max) break;
      if (!cursor.active) continue;
      auto& by_nonce = cursor.account->by_nonce;
      const std::uint64_t nonce = by_nonce.begin()->first;
      out.push_back(erase_locked(*cursor.account, by_nonce.begin()));
      progress = true;
      // The run goes on only with the very next nonce (and never past the last representable one).
      if (by_nonce.empty() || nonce == std::numeric_limits<std::uint64_t>::max() ||
          by_nonce.begin()->first != nonce + 1) {
        cursor.active = false;
        if (by_nonce.empty()) emptied.push_back(out.back().stx.tx.author);
      }
    }
  }
  for (const core::AccountId& author : emptied) {
    accounts_.erase(author);
    candidates_.erase(author);
  }
  return out;
}

bool Mempool::contains(const core::Id& id) const {
  std::lock_guard lock(mutex_);
  return ids_.contains(id);
}

std::size_t Mempool::size() const {
  std::lock_guard lock(mutex_);
  return ids_.size();
}

std::size_t Mempool::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t Mempool::ready() const {
  std::lock_guard lock(mutex_);
  return ready_locked();
}

std::size_t Mempool::ready_locked() const {
  std::size_t n = 0;
  for (const auto& [author, account] : accounts_) {
    std::uint64_t expected = next_nonce_(author).value_or(0);
    // Stale entries sit below `expected`: skip them, then count the consecutive run.
    for (auto it = account.by_nonce.lower_bound(expected); it != account.by_nonce.end() && it->first == expected;
         ++it) {
      ++n;
      if (expected == std::numeric_limits<std::uint64_t>::max()) break;
      ++expected;
    }
  }
  return n;
}

}  // namespace credence::node
