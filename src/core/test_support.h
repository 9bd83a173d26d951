// Test fixtures for the attestation core (src/core/*_test.cc): deterministic accounts, builders for schemas,
// requests, delegations and signed transactions, and a Chain harness that applies transactions block by block to a
// Ledger over a MemoryNodeStore (one commit per block, the root of every block kept).
//
// Everything is deterministic: keys come from crypto::DeterministicRandom seeds, block time only moves when a test
// calls advance(). The checking helpers (rejected / failed / succeeded) return ::testing::AssertionResult so tests
// write EXPECT_TRUE(failed(chain, stx, "not_attester")) and get the receipt and roots in the failure message.
// Not thread-safe; one Chain per test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/core/ledger.h"
#include "credence/core/node_store.h"
#include "credence/core/objects.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/core/transaction.h"
#include "credence/crypto/ed25519.h"

namespace credence::core::test {

inline constexpr std::uint64_t kChainId = 7;
inline constexpr std::uint64_t kOtherChainId = 8;
inline constexpr std::uint64_t kStartTime = 1'700'000'000;
inline constexpr std::uint64_t kTxLifetime = 3600;  // sign() sets expires_at = now + kTxLifetime
inline constexpr std::string_view kScoreFields = "uint256 score,string name";
inline constexpr std::string_view kFlagFields = "bool ok";

// An Ed25519 key pair derived from a seed. Movable, not copyable (the secret key is wiped on destruction).
class Account {
 public:
  explicit Account(std::uint64_t seed);
  [[nodiscard]] const AccountId& id() const { return id_; }
  [[nodiscard]] const crypto::ed25519::SecretKey& key() const { return key_; }
  [[nodiscard]] Recipient recipient() const { return Recipient::account(id_); }

 private:
  crypto::ed25519::SecretKey key_;
  AccountId id_{};
};

// A fixed id derived from a label (for ids that name nothing on the ledger).
Id id_of(std::string_view label);

// abi.encode(uint256 score, string name): valid data for kScoreFields.
Bytes score_data(std::uint64_t score = 1, const std::string& name = "alice");
// abi.encode(bool ok): valid data for kFlagFields.
Bytes flag_data(bool ok = true);

// A normalized schema (asserts that normalize() succeeds).
Schema make_schema(const AccountId& registrant, std::string name, std::string_view fields = kScoreFields);
// An on-ledger request under `schema` for `recipients`, revocable, no expiry, carrying `data`.
AttestationRequest make_request(const Id& schema, std::vector<Recipient> recipients, Bytes data = score_data());
// An off-ledger request: the hash of `data` and a uri.
AttestationRequest make_offledger_request(const Id& schema, std::vector<Recipient> recipients, ByteView data);

// A transaction body holding one request / one revocation.
Body attest_body(AttestationRequest request);
Body revoke_body(const Id& id, std::string reason = {});

// Wire-level tampering helpers.
SignedTransaction resign_with(SignedTransaction stx, const crypto::ed25519::SecretKey& key);  // keeps tx.author

// The ledger with its store, applied block by block.
class Chain {
 public:
  // Genesis: `allocations` for chain `chain_id`, committed as block 0 at kStartTime.
  explicit Chain(std::vector<std::pair<AccountId, std::uint64_t>> allocations = {}, std::uint64_t chain_id = kChainId);
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;

  // ---- building transactions (nonces read from the current state, pending writes included)
  [[nodiscard]] std::uint64_t chain_id() const { return chain_id_; }
  [[nodiscard]] Transaction tx(const AccountId& author, Body body) const;
  [[nodiscard]] SignedTransaction sign(const Account& author, Body body) const;
  // A delegation by `attester` for `payload` (an Attest or Revoke body), signed for `chain_id` (default: this
  // chain) with the attester's next delegation nonce unless `nonce` is given.
  [[nodiscard]] Delegation delegation(const Account& attester, const Body& payload, std::uint64_t deadline,
                                      std::optional<std::uint64_t> nonce = {},
                                      std::optional<std::uint64_t> chain_id = {}) const;
  [[nodiscard]] Body delegated_attest(const Account& attester, Attest payload, std::uint64_t deadline) const;
  [[nodiscard]] Body delegated_revoke(const Account& attester, Revoke payload, std::uint64_t deadline) const;

  // ---- applying
  // Applies `stx` in a block of its own and commits. A storage error is a test failure.
  Receipt submit(const SignedTransaction& stx);
  // Applies the transactions in one block, in order, and commits once.
  std::vector<Receipt> submit_block(const std::vector<SignedTransaction>& block);
  Receipt run(const Account& author, Body body) { return submit(sign(author, std::move(body))); }

  // Helpers for set-up steps that must succeed (a failure is reported with ADD_FAILURE).
  Id register_schema(const Account& registrant, const Schema& schema);
  Id attest(const Account& attester, AttestationRequest request);
  void revoke(const Account& attester, const Id& id);

  // ---- blocks and time
  void advance(std::uint64_t seconds) { time_ += seconds; }
  [[nodiscard]] std::uint64_t now() const { return time_; }
  [[nodiscard]] std::uint64_t height() const { return height_; }

  // ---- reads (current state, pending writes included)
  [[nodiscard]] const Hash256& root() const { return map_->root(); }
  [[nodiscard]] const std::vector<Hash256>& roots() const { return roots_; }
  [[nodiscard]] std::uint64_t u64(const Hash256& key) const;
  [[nodiscard]] std::uint64_t nonce(const AccountId& a) const { return u64(nonce_key(a)); }
  [[nodiscard]] std::uint64_t delegation_nonce(const AccountId& a) const { return u64(delegation_nonce_key(a)); }
  [[nodiscard]] U256 amount(const Hash256& key) const;
  // Native balances and supply in tests fit in 64 bits (genesis allocations are u64 and the native supply is fixed).
  [[nodiscard]] std::uint64_t balance(const AccountId& a) const { return amount(balance_key(a)).low_u64(); }
  [[nodiscard]] std::uint64_t supply() const;
  [[nodiscard]] std::optional<AttestationRecord> record(const Id& id) const;
  [[nodiscard]] std::optional<Schema> schema(const Id& id) const;
  [[nodiscard]] bool has(const Hash256& key) const;

  // The root the committed state would have after `edit` (applied to a copy of the store; this chain is untouched).
  [[nodiscard]] Hash256 root_after(const std::function<void(smt::AuthenticatedMap&)>& edit) const;

  [[nodiscard]] smt::AuthenticatedMap& map() { return *map_; }
  [[nodiscard]] const smt::AuthenticatedMap& map() const { return *map_; }
  [[nodiscard]] Ledger& ledger() { return *ledger_; }
  [[nodiscard]] const MemoryNodeStore& store() const { return *store_; }

 private:
  std::uint64_t chain_id_;
  std::uint64_t time_ = kStartTime;
  std::uint64_t height_ = 0;
  std::unique_ptr<MemoryNodeStore> store_;
  std::unique_ptr<smt::AuthenticatedMap> map_;
  std::unique_ptr<Ledger> ledger_;
  std::vector<Hash256> roots_;  // roots_[h] = root after block h (block 0 = genesis)
};

// ---- receipt checks. Each applies `stx` in a block of its own.

// Rejected with `code` (not included); the state root and every entry are unchanged.
::testing::AssertionResult rejected(Chain& chain, const SignedTransaction& stx, std::string_view code);
// Included but failed with `code`; the only change is the author's nonce bump; nothing created.
::testing::AssertionResult failed(Chain& chain, const SignedTransaction& stx, std::string_view code);
// Included and ok.
::testing::AssertionResult succeeded(Chain& chain, const SignedTransaction& stx);

}  // namespace credence::core::test
