// The random-exchange wealth model through the core ledger (simulation.h).
#include <memory>

#include "credence/core/ledger.h"
#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/random.h"
#include "credence/lab/random.h"
#include "credence/lab/simulation.h"

namespace credence::lab {

Result<std::vector<std::uint64_t>> random_exchange(std::uint32_t agents, std::uint64_t initial, std::uint32_t steps,
                                                   std::uint64_t seed) {
  if (agents < 2) return Status::invalid("invalid_parameters", "need at least 2 agents");
  constexpr std::uint64_t kChain = 0x3e;
  core::MemoryNodeStore store;
  CREDENCE_ASSIGN_OR_RETURN(core::smt::AuthenticatedMap map, core::smt::AuthenticatedMap::open(store));
  core::Ledger ledger(map, kChain);
  crypto::DeterministicRandom keys(keyed_u64(seed, 0x77, 0));
  std::vector<core::AccountId> accounts;
  core::Genesis genesis;
  genesis.chain_id = kChain;
  for (std::uint32_t i = 0; i < agents; ++i) {
    accounts.push_back(crypto::ed25519::SecretKey::generate(keys).public_key().bytes());
    genesis.allocations.emplace_back(accounts.back(), initial);
  }
  CREDENCE_RETURN_IF_ERROR(ledger.apply_genesis(genesis));
  if (auto root = map.commit(); !root.ok()) return root.status();
  const std::uint64_t supply = initial * agents;
  std::vector<std::uint64_t> nonces(agents, 0);
  auto balance = [&](std::uint32_t i) -> Result<std::uint64_t> {
    CREDENCE_ASSIGN_OR_RETURN(codec::U256 v, core::load_u256(ledger.view(), core::balance_key(accounts[i])));
    return v.low_u64();
  };
  Rng rng(keyed_u64(seed, 0x77, 1));
  core::BlockContext block{1, 1'700'000'000};
  for (std::uint32_t step = 0; step < steps; ++step) {
    for (std::uint32_t k = 0; k < agents; ++k) {
      const auto from = static_cast<std::uint32_t>(rng.below(agents));
      const auto to = static_cast<std::uint32_t>(rng.below(agents));
      if (from == to) continue;
      CREDENCE_ASSIGN_OR_RETURN(std::uint64_t have, balance(from));
      if (have == 0) continue;
      core::Transaction tx{kChain, accounts[from], nonces[from], ~std::uint64_t{0},
                           core::Transfer{accounts[to], codec::U256::from_u64(1), core::kNativeAsset}};
      CREDENCE_ASSIGN_OR_RETURN(core::Receipt receipt,
                                ledger.apply(core::SignedTransaction{tx, {}}, block, core::SignatureCheck::already_verified));
      if (!receipt.ok()) return Status::error("lab_invariant", "transfer failed: " + receipt.code);
      ++nonces[from];
    }
    if (auto root = map.commit(); !root.ok()) return root.status();
    ++block.height;
    ++block.time;
    std::uint64_t sum = 0;
    for (std::uint32_t i = 0; i < agents; ++i) {
      CREDENCE_ASSIGN_OR_RETURN(std::uint64_t b, balance(i));
      sum += b;
    }
    if (sum != supply) return Status::error("lab_invariant", "supply not conserved at step " + std::to_string(step));
  }
  std::vector<std::uint64_t> out;
  for (std::uint32_t i = 0; i < agents; ++i) {
    CREDENCE_ASSIGN_OR_RETURN(std::uint64_t b, balance(i));
    out.push_back(b);
  }
  return out;
}

}  // namespace credence::lab
