// The running node: storage, mempool, block builder and the reads the HTTP API serves. docs/node.md "Pipeline".
//
// Pipeline: submit() runs the stateless checks (size, chain id, expiry, signature — on the caller's thread, so the
// HTTP server's workers verify in parallel) and admits the transaction to the mempool. One builder thread forms a
// block every block_interval_ms (or as soon as block_max_transactions are ready), has the Sequencer order it,
// applies it with the deterministic core, and commits block + state + indexes in one synced RocksDB write. Only
// then are its transactions reported committed (status(), wait()).
//
// Failure: a storage failure while committing is fatal — the in-memory state has moved past the disk — so the
// builder stops, failed() turns true with the reason, and the process should exit; on restart the node resumes from
// the last committed block. Bad input never reaches that path: it is refused with a reason code.
// Thread-safety: every public method may be called from any thread; stop() and the destructor from one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "credence/core/block.h"
#include "credence/crypto/ed25519.h"
#include "credence/node/config.h"
#include "credence/node/database.h"
#include "credence/node/mempool.h"
#include "credence/node/metrics.h"
#include "credence/node/sequencer.h"

namespace credence::node {

// Outcome of submitting one transaction.
struct Submission {
  core::Id id{};
  bool accepted = false;  // admitted to the mempool
  std::string code = "ok";  // else the reason: bad_chain_id, transaction_expired, bad_signature, invalid_public_key,
                            // too_large, duplicate, stale_nonce, account_full, mempool_full, shutting_down, ...
  std::string message;
};

struct TransactionStatus {
  enum class State { unknown, pending, committed, rejected };
  State state = State::unknown;
  std::optional<TransactionLocation> location;  // committed
  std::optional<core::Receipt> receipt;         // committed (ok or failed), or rejected when left out of a block
};

const char* to_string(TransactionStatus::State state);

// Reads at one committed head: the snapshot and the authenticated map opened over its state. Shared by every reader
// thread: the map is only read (its const methods get(), prove() and root() keep no mutable state and allocate their
// own page caches) and the snapshot's store is thread-safe.
struct ReadView {
  std::shared_ptr<const Snapshot> snapshot;
  std::unique_ptr<core::smt::AuthenticatedMap> map;  // read-only use: get(), prove(), root()
  [[nodiscard]] const core::BlockHeader& head() const { return snapshot->head(); }
};

class Node {
 public:
  // Wall clock in unix seconds; injectable so tests control block times.
  using Clock = std::function<std::uint64_t()>;

  // Opens (or creates, writing genesis from config.genesis) the chain in config.data_dir, resumes it, and starts
  // the builder thread. error("storage" | "corrupt_state" | "diverged") if the stored chain cannot be resumed.
  static Result<std::unique_ptr<Node>> start(const NodeConfig& config, std::unique_ptr<Sequencer> sequencer,
                                             Clock clock = {});
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Finishes the block being built (if any) and stops the builder. Pending transactions are dropped (they were
  // never reported committed). Idempotent.
  void stop();

  // Stateless checks, then the mempool. `encoded_size` is the transaction's canonical size (the caller decoded it).
  Submission submit(core::SignedTransaction stx, std::size_t encoded_size);
  // As submit() for each, signatures verified on up to verify_threads threads; results in input order.
  std::vector<Submission> submit_batch(std::vector<core::SignedTransaction> stxs, const std::vector<std::size_t>& sizes);

  TransactionStatus status(const core::Id& id) const;
  // Waits until `id` is committed or rejected (or `timeout` passes, or the node stops) and returns its status.
  TransactionStatus wait(const core::Id& id, std::chrono::milliseconds timeout) const;

  // A consistent read view at the latest committed block.
  [[nodiscard]] std::shared_ptr<const ReadView> read() const;

  [[nodiscard]] std::uint64_t chain_id() const { return chain_id_; }
  [[nodiscard]] std::uint64_t now() const { return clock_(); }
  [[nodiscard]] const NodeConfig& config() const { return config_; }
  [[nodiscard]] Metrics& metrics() { return metrics_; }
  [[nodiscard]] const Metrics& metrics() const { return metrics_; }
  [[nodiscard]] std::size_t mempool_size() const { return mempool_->size(); }
  // Non-empty once a fatal storage failure stopped the builder.
  [[nodiscard]] std::string failure() const;

 private:
  Node(NodeConfig config, std::unique_ptr<Sequencer> sequencer, Clock clock);
  Status open();
  void run_builder();
  Status build_one_block(std::vector<PendingTransaction> taken, std::uint64_t time);
  Submission check_stateless(const core::SignedTransaction& stx, std::size_t encoded_size) const;
  Status verify_signature(const core::SignedTransaction& stx) const;
  std::optional<std::uint64_t> committed_nonce(const core::AccountId& author) const;
  // False (logged) if the new view could not be opened; the previous one stays.
  bool publish_read_view();
  void remember_rejections(const std::vector<core::Receipt>& receipts);

  NodeConfig config_;
  std::unique_ptr<Sequencer> sequencer_;
  Clock clock_;
  std::uint64_t chain_id_ = 0;
  Metrics metrics_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<core::smt::AuthenticatedMap> map_;  // the writer's map over db_->writer_state()
  std::optional<core::Chain> chain_;                  // builder thread only
  std::unique_ptr<Mempool> mempool_;
  // Authors of committed blocks not yet reported to the mempool (a view publication failed): builder thread only.
  std::vector<core::AccountId> unreported_authors_;
  // When this process last committed a block (builder thread only): the block-time metric.
  std::optional<std::chrono::steady_clock::time_point> last_commit_;

  mutable std::mutex keys_mutex_;
  mutable std::map<core::AccountId, crypto::ed25519::PublicKey> keys_;  // parsed author keys (bounded)

  mutable std::mutex read_mutex_;
  std::shared_ptr<const ReadView> read_view_;

  // Receipts of transactions left out of a block, newest kept (bounded), for status().
  mutable std::mutex rejected_mutex_;
  std::map<core::Id, core::Receipt> rejected_;
  std::vector<core::Id> rejected_order_;
  std::size_t rejected_next_ = 0;

  mutable std::mutex state_mutex_;
  std::uint64_t commits_ = 0;    // blocks built (or failed) so far; wait() watches it
  std::set<core::Id> building_;  // taken from the mempool, block not yet committed: still "pending"
  std::size_t admitted_since_take_ = 0;           // admitted to the mempool since the builder last took: wakes it early
  mutable std::condition_variable committed_cv_;  // notified after every block commit and on stop
  std::condition_variable work_cv_;               // wakes the builder
  bool stopping_ = false;
  std::string failure_;
  std::thread builder_;
};

}  // namespace credence::node
