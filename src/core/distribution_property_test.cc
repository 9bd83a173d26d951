// Random claim / cancel / clawback / switch sequences against a small reference model: every receipt code, every
// balance and the escrow books must agree with it, and the asset is conserved (balances + escrow = supply) after
// every transaction. Failing cases print a minimal sequence; rapidcheck prints the seed that replays it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "credence/core/merkle_tree.h"
#include "test_support.h"

namespace credence::core {
namespace {

using test::Account;
using test::Chain;

constexpr std::size_t kClaimants = 4;
constexpr std::uint64_t kFunds = 1'000'000;

enum class OpKind { advance, claim, delegate_claim, stranger_claim, cancel_keep, cancel_wipe, clawback, disable, mint, transfer };
constexpr std::uint64_t kCapHeadroom = 2'000;  // an own asset's max_supply is kFunds + this

struct Op {
  OpKind kind = OpKind::advance;
  std::size_t who = 0;           // claimant index
  std::uint64_t seconds = 0;     // advance
  bool cancel = false;           // disable
  bool clawback = false;         // disable
};

struct Setup {
  std::vector<std::uint64_t> allocations;  // per claimant
  std::uint64_t total = 0;
  std::uint64_t window = 0;        // claim_end = start + window
  std::uint64_t vesting = 0;       // 0: no schedule, else linear per-second over this many seconds from start
  bool cancelable = false;
  bool clawback = false;
  bool own_asset = false;  // distribute an asset the distributor created (capped, mintable) instead of the native token
  std::vector<Op> ops;
};

// The model: what the ledger should do, written as plainly as possible.
struct Model {
  std::uint64_t start = 0, end = 0, vesting = 0;
  std::vector<std::uint64_t> allocation, claimed, balance;
  std::uint64_t distributor = 0, escrow = 0, supply = 0;
  bool own_asset = false;
  std::uint64_t canceled_at = 0;
  bool wiped = false, cancelable = false, clawback = false;

  std::uint64_t vested(std::size_t i, std::uint64_t now) const {
    const std::uint64_t t = canceled_at != 0 ? std::min(now, canceled_at) : now;
    if (vesting == 0) return t >= start ? allocation[i] : 0;
    if (t <= start) return 0;
    const std::uint64_t e = std::min(t - start, vesting);
    return allocation[i] * e / vesting;  // allocations and times are small: no overflow
  }

  std::string claim(std::size_t i, bool authorised, std::uint64_t now) {
    if (!authorised) return "not_claimant";
    if (wiped) return "distribution_canceled";
    if (now < start) return "claim_not_started";
    if (now >= end) return "claim_window_closed";
    const std::uint64_t v = vested(i, now);
    if (v <= claimed[i]) return "nothing_to_claim";
    const std::uint64_t due = v - claimed[i];
    if (escrow < due) return "escrow_exhausted";
    escrow -= due;
    claimed[i] += due;
    balance[i] += due;
    return "ok";
  }
  std::string cancel(bool wipe, std::uint64_t now) {
    if (!cancelable) return "not_cancelable";
    if (canceled_at != 0) return "already_canceled";
    canceled_at = now;
    if (wipe) {
      wiped = true;
      distributor += escrow;
      escrow = 0;
    }
    return "ok";
  }
  std::string claw(std::uint64_t now) {
    if (!clawback) return "clawback_disabled";
    if (now < end) return "claim_window_open";
    if (escrow == 0) return "nothing_to_claw_back";
    distributor += escrow;
    escrow = 0;
    return "ok";
  }
  std::string mint(std::size_t i, std::uint64_t amount) {
    if (!own_asset) return "fixed_supply";
    if (supply + amount > kFunds + kCapHeadroom) return "supply_cap_exceeded";
    supply += amount;
    balance[i] += amount;
    return "ok";
  }
  std::string transfer(std::size_t from, std::size_t to, std::uint64_t amount) {
    if (balance[from] < amount) return "insufficient_balance";
    balance[from] -= amount;
    balance[to] += amount;
    return "ok";
  }
  std::string disable(bool c, bool k) {
    if (!c && !k) return "bad_transaction";
    if ((!c || !cancelable) && (!k || !clawback)) return "already_disabled";
    if (c) cancelable = false;
    if (k) clawback = false;
    return "ok";
  }
};

rc::Gen<Op> gen_op() {
  return rc::gen::apply(
      [](int kind, std::size_t who, std::uint64_t seconds, bool c, bool k) {
        Op op;
        op.kind = static_cast<OpKind>(kind);
        op.who = who;
        op.seconds = seconds;
        op.cancel = c;
        op.clawback = k;
        return op;
      },
      rc::gen::weightedElement<int>({{4, 0}, {6, 1}, {2, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}, {1, 8}, {2, 9}}),
      rc::gen::inRange<std::size_t>(0, kClaimants), rc::gen::inRange<std::uint64_t>(1, 400), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<bool>());
}

RC_GTEST_PROP(DistributionProperty, MatchesTheReferenceModelAndConserves, ()) {
  Setup s;
  s.allocations = *rc::gen::container<std::vector<std::uint64_t>>(kClaimants, rc::gen::inRange<std::uint64_t>(1, 5'000));
  std::uint64_t sum = 0;
  for (auto a : s.allocations) sum += a;
  // Sometimes under-funded (the escrow runs out), usually exactly funded, sometimes over-funded.
  s.total = *rc::gen::oneOf(rc::gen::just(sum), rc::gen::inRange<std::uint64_t>(1, sum + 1),
                            rc::gen::inRange<std::uint64_t>(sum, sum + 1'000));
  s.window = *rc::gen::inRange<std::uint64_t>(1, 3'000);
  s.vesting = *rc::gen::oneOf(rc::gen::just<std::uint64_t>(0), rc::gen::inRange<std::uint64_t>(1, 2'000));
  s.cancelable = *rc::gen::arbitrary<bool>();
  s.clawback = *rc::gen::arbitrary<bool>();
  s.own_asset = *rc::gen::arbitrary<bool>();
  s.ops = *rc::gen::resize(40, rc::gen::container<std::vector<Op>>(gen_op()));

  const Account distributor{100};
  const Account relayer{101};
  const Account stranger{102};
  std::vector<Account> claimants;
  std::vector<std::pair<AccountId, std::uint64_t>> genesis{{distributor.id(), kFunds}};
  for (std::size_t i = 0; i < kClaimants; ++i) claimants.emplace_back(110 + i);
  Chain chain(genesis);

  // The tree over every claimant's allocation.
  std::vector<Hash256> leaves;
  for (std::size_t i = 0; i < kClaimants; ++i) {
    leaves.push_back(allocation_leaf(claimants[i].id(), U256::from_u64(s.allocations[i])));
  }
  std::vector<Hash256> sorted = leaves;
  std::sort(sorted.begin(), sorted.end());
  const auto tree = merkle::make_tree(sorted);
  RC_ASSERT(tree.ok());
  auto proof_of = [&](std::size_t i) {
    const auto rank = static_cast<std::size_t>(std::find(sorted.begin(), sorted.end(), leaves[i]) - sorted.begin());
    return *merkle::tree_proof(*tree, 2 * sorted.size() - 2 - rank);
  };

  Id asset = kNativeAsset;
  if (s.own_asset) {
    AssetDefinition def;
    def.symbol = "DROP";
    def.initial_supply = U256::from_u64(kFunds);
    def.max_supply = U256::from_u64(kFunds + kCapHeadroom);
    const SignedTransaction created = chain.sign(distributor, CreateAsset{def});
    RC_ASSERT(chain.submit(created).ok());
    asset = asset_id(transaction_id(created.tx));
  }
  const auto balance_of = [&](const AccountId& a) { return chain.amount(balance_key(asset, a)).low_u64(); };
  const auto supply_of = [&] {
    auto record = load_asset(chain.ledger().view(), asset);
    return record.ok() && record->has_value() ? (*record)->supply.low_u64() : ~std::uint64_t{0};
  };

  DistributionTerms t;
  t.asset = asset;
  t.total = U256::from_u64(s.total);
  t.merkle_root = tree->front();
  t.claim_start = chain.now() + 1;  // the creating block is at now + 0; claims open one second later
  t.claim_end = t.claim_start + s.window;
  if (s.vesting != 0) {
    Schedule schedule;
    schedule.start = t.claim_start;
    schedule.curve = SegmentedVesting{{VestingSegment{0, kBasisPoints, s.vesting}}, s.vesting, VestingPrecision::exact};
    t.schedule = schedule;
  }
  t.claim_delegates = {relayer.id()};
  t.cancelable = s.cancelable;
  t.clawback = s.clawback;
  const SignedTransaction create = chain.sign(distributor, CreateDistribution{t});
  RC_ASSERT(chain.submit(create).ok());
  const Id d = distribution_id(transaction_id(create.tx));

  Model m;
  m.start = t.claim_start;
  m.end = t.claim_end;
  m.vesting = s.vesting;
  m.allocation = s.allocations;
  m.claimed.assign(kClaimants, 0);
  m.balance.assign(kClaimants, 0);
  m.distributor = kFunds - s.total;
  m.escrow = s.total;
  m.cancelable = s.cancelable;
  m.clawback = s.clawback;
  m.own_asset = s.own_asset;
  m.supply = kFunds;

  for (const Op& op : s.ops) {
    if (op.kind == OpKind::advance) {
      chain.advance(op.seconds);
      continue;
    }
    // Each transaction lands in its own block at the chain's current time.
    const std::uint64_t now = chain.now();
    std::string want;
    SignedTransaction stx;
    const auto claim_body = [&](std::size_t i) {
      return Claim{d, claimants[i].id(), U256::from_u64(s.allocations[i]), proof_of(i), {}};
    };
    switch (op.kind) {
      case OpKind::claim:
        stx = chain.sign(claimants[op.who], claim_body(op.who));
        want = m.claim(op.who, true, now);
        break;
      case OpKind::delegate_claim:
        stx = chain.sign(relayer, claim_body(op.who));
        want = m.claim(op.who, true, now);
        break;
      case OpKind::stranger_claim:
        stx = chain.sign(stranger, claim_body(op.who));
        want = m.claim(op.who, false, now);
        break;
      case OpKind::cancel_keep:
      case OpKind::cancel_wipe:
        stx = chain.sign(distributor, CancelDistribution{d, op.kind == OpKind::cancel_wipe});
        want = m.cancel(op.kind == OpKind::cancel_wipe, now);
        break;
      case OpKind::clawback:
        stx = chain.sign(distributor, Clawback{d});
        want = m.claw(now);
        break;
      case OpKind::disable:
        stx = chain.sign(distributor, DisableDistributionSwitches{d, op.cancel, op.clawback});
        want = m.disable(op.cancel, op.clawback);
        break;
      case OpKind::mint:
        stx = chain.sign(distributor, Mint{asset, claimants[op.who].id(), U256::from_u64(op.seconds * 10)});
        want = m.mint(op.who, op.seconds * 10);
        break;
      case OpKind::transfer: {
        const std::size_t to = (op.who + 1) % kClaimants;
        stx = chain.sign(claimants[op.who], Transfer{claimants[to].id(), U256::from_u64(op.seconds), asset});
        want = m.transfer(op.who, to, op.seconds);
        break;
      }
      case OpKind::advance:
        break;
    }
    const Receipt r = chain.submit(stx);
    RC_ASSERT(r.included);
    RC_ASSERT(r.code == want);

    // Balances, books and conservation after every transaction.
    auto rec = load_distribution(chain.ledger().view(), d);
    RC_ASSERT(rec.ok() && rec->has_value());
    const DistributionRecord& got = **rec;
    RC_ASSERT(got.escrow == U256::from_u64(m.escrow));
    RC_ASSERT(*checked_add(*checked_add(got.escrow, got.claimed), got.returned) == got.terms.total);
    RC_ASSERT(balance_of(distributor.id()) == m.distributor);
    // Per asset: balances + escrow = supply (the relayer and the stranger never hold any).
    std::uint64_t total = balance_of(distributor.id()) + got.escrow.low_u64();
    for (std::size_t i = 0; i < kClaimants; ++i) {
      RC_ASSERT(balance_of(claimants[i].id()) == m.balance[i]);
      RC_ASSERT(m.claimed[i] <= m.allocation[i]);  // never more than the allocation
      total += balance_of(claimants[i].id());
    }
    RC_ASSERT(balance_of(relayer.id()) == 0u && balance_of(stranger.id()) == 0u);
    RC_ASSERT(supply_of() == m.supply);
    RC_ASSERT(total == m.supply);
  }
}

}  // namespace
}  // namespace credence::core
