// Test fixtures for node_storage_test (database_test.cc, indexer_test.cc): unique temporary directories, accounts
// with deterministic keys, and a node harness — a Database, an smt::AuthenticatedMap on its writer_state() and a
// core::Chain — that builds blocks from signed transactions and commits each one. Not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "credence/core/block.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/core/transaction.h"
#include "credence/crypto/random.h"
#include "credence/node/database.h"

namespace credence::node::test {

inline constexpr std::uint64_t kChainId = 7;
inline constexpr std::uint64_t kStartTime = 1'700'000'000;

// A fresh directory under the system temp dir, unique per process and instance; removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "credence-storage-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    if (info != nullptr) name += std::string("-") + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class Account {
 public:
  explicit Account(std::uint64_t seed) : key_(make_key(seed)), id_(key_.public_key().bytes()) {}
  [[nodiscard]] const core::AccountId& id() const { return id_; }
  [[nodiscard]] const crypto::ed25519::SecretKey& key() const { return key_; }
  [[nodiscard]] core::Recipient recipient() const { return core::Recipient::account(id_); }

 private:
  static crypto::ed25519::SecretKey make_key(std::uint64_t seed) {
    crypto::DeterministicRandom random(seed);
    return crypto::ed25519::SecretKey::generate(random);
  }
  crypto::ed25519::SecretKey key_;
  core::AccountId id_{};
};

// A schema with one `bool ok` field, normalized.
inline core::Schema bool_schema(const core::AccountId& registrant, std::string name) {
  core::Schema s;
  s.name = std::move(name);
  s.registrant = registrant;
  s.fields = "bool ok";
  EXPECT_TRUE(s.normalize().is_ok());
  return s;
}

// abi.encode(true).
inline Bytes true_data() {
  Bytes b(32, 0);
  b[31] = 1;
  return b;
}

inline core::AttestationRequest request(const core::Id& schema, std::vector<core::Recipient> recipients,
                                        std::string indexing_key = {}, std::uint64_t valid_until = 0) {
  core::AttestationRequest q;
  q.schema = schema;
  q.recipients = std::move(recipients);
  q.indexing_key = std::move(indexing_key);
  q.valid_until = valid_until;
  q.data.data = true_data();
  return q;
}

// A database in a temporary directory with a chain on it.
class Node {
 public:
  explicit Node(std::vector<std::pair<core::AccountId, std::uint64_t>> allocations = {},
                Database::Options options = fast_options(),
                std::optional<core::CommitteeRecord> committee = std::nullopt)
      : options_(options) {
    genesis_ = core::Genesis{kChainId, std::move(allocations), std::move(committee)};
    open();
    auto map = core::smt::AuthenticatedMap::open(db_->writer_state());
    EXPECT_TRUE(map.ok());
    map_.emplace(std::move(map).value());
    auto block = core::Chain::genesis(*map_, genesis_, time_);
    EXPECT_TRUE(block.ok()) << block.status().to_string();
    genesis_block_ = *block;
    const Status s = db_->initialize(genesis_, genesis_block_);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    resume();
  }

  static Database::Options fast_options() {
    Database::Options o;
    o.sync = false;  // tests do not need fsync; one test checks the synced path
    o.block_cache_bytes = 1u << 20;
    return o;
  }

  // Closes and reopens the database (as after a restart), resuming the chain from the stored head.
  void reopen() {
    chain_.reset();
    map_.reset();
    db_.reset();
    open();
    auto map = core::smt::AuthenticatedMap::open(db_->writer_state());
    EXPECT_TRUE(map.ok());
    map_.emplace(std::move(map).value());
    resume();
  }

  // Builds one block from `txs` at the current time (+1 s per block), commits it and returns it.
  core::BuiltBlock build(const std::vector<core::SignedTransaction>& txs) {
    time_ += 1;
    auto built = chain_->build(txs, time_);
    EXPECT_TRUE(built.ok()) << built.status().to_string();
    if (!built.ok()) return {};
    const Status s = db_->commit_block(built->block, built->receipts);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return std::move(built).value();
  }

  core::SignedTransaction sign(const Account& author, core::Body body) {
    auto [it, inserted] = nonces_.try_emplace(author.id(), 0);
    if (inserted) {
      auto stored = map_->get(core::nonce_key(author.id()));
      if (stored.ok() && stored->has_value()) it->second = *core::decode_u64(**stored);
    }
    core::Transaction tx{kChainId, author.id(), it->second++, time_ + 3600, std::move(body)};
    return core::sign_transaction(std::move(tx), author.key());
  }

  // One-transaction blocks that must succeed.
  core::Id register_schema(const Account& registrant, const std::string& name) {
    const auto built = build({sign(registrant, core::RegisterSchema{bool_schema(registrant.id(), name)})});
    EXPECT_EQ(built.receipts.size(), 1u);
    if (built.receipts.size() != 1 || !built.receipts[0].ok() || built.receipts[0].created.empty()) return {};
    return built.receipts[0].created[0];
  }
  std::vector<core::Id> attest(const Account& attester, std::vector<core::AttestationRequest> requests) {
    const auto built = build({sign(attester, core::Attest{std::move(requests)})});
    EXPECT_EQ(built.receipts.size(), 1u);
    if (built.receipts.size() != 1) return {};
    EXPECT_TRUE(built.receipts[0].ok()) << built.receipts[0].code << " " << built.receipts[0].message;
    return built.receipts[0].created;
  }
  void revoke(const Account& attester, const core::Id& id) {
    const auto built = build({sign(attester, core::Revoke{{core::Revocation{id, "test"}}})});
    EXPECT_TRUE(built.receipts.size() == 1 && built.receipts[0].ok());
  }

  void advance(std::uint64_t seconds) { time_ += seconds; }
  [[nodiscard]] std::uint64_t now() const { return time_; }
  [[nodiscard]] Database& db() { return *db_; }
  [[nodiscard]] core::smt::AuthenticatedMap& map() { return *map_; }
  [[nodiscard]] core::Chain& chain() { return *chain_; }
  [[nodiscard]] const core::Genesis& genesis() const { return genesis_; }
  [[nodiscard]] const core::Block& genesis_block() const { return genesis_block_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  // Closes the database (for tests that reopen the directory themselves).
  void close() {
    chain_.reset();
    map_.reset();
    db_.reset();
  }

 private:
  void open() {
    auto db = Database::open(dir_.path(), options_);
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
  }
  void resume() {
    auto snap = db_->snapshot();
    ASSERT_NE(snap, nullptr);
    auto chain = core::Chain::resume(*map_, snap->head());
    ASSERT_TRUE(chain.ok()) << chain.status().to_string();
    chain_.emplace(std::move(chain).value());
    time_ = std::max(time_, snap->head().time);
    nonces_.clear();
  }

  TempDir dir_;
  Database::Options options_;
  std::uint64_t time_ = kStartTime;
  core::Genesis genesis_;
  core::Block genesis_block_;
  std::unique_ptr<Database> db_;
  std::optional<core::smt::AuthenticatedMap> map_;
  std::optional<core::Chain> chain_;
  std::map<core::AccountId, std::uint64_t> nonces_;
};

}  // namespace credence::node::test
