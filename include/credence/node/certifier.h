// The node's side of the verifier committee: certified checkpoints every K blocks, and verification certificates
// with deadlines (POST /v1/verify), batched so that many verdicts share one signing session. docs/committee.md.
//
// Checkpoints: a thread watches the chain head and, whenever it passes a multiple of checkpoint_interval, has the
// committee sign that block's (chain id, height, state root, time). Certificates: requests wait batch_window_ms for
// company (or until max_batch are waiting), the batch is evaluated on one read view — verdict + proof bundle each —
// and signed as one Merkle root; every request gets its statement, path and the signature. A request whose deadline
// passes first is answered "deadline exceeded" with what was gathered; its certificate, if it comes, is counted late.
// Up to kMaxBatchesInFlight batches sign at once, so a slow signing does not stall the ones behind it.
// Thread-safety: every public method from any thread; stop() and the destructor from one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "credence/core/certificate.h"
#include "credence/node/committee.h"

namespace credence::node {

class Node;

struct CertifierOptions {
  std::uint32_t checkpoint_interval = 10;     // blocks between checkpoints; 0 = no checkpoints
  std::uint32_t batch_window_ms = 2;          // how long a request waits for others to share its signing
  std::uint32_t max_batch = 256;              // statements per batch
  std::uint32_t checkpoint_timeout_ms = 5000; // a checkpoint signing gives up after this
  std::uint32_t max_wait_ms = 30'000;         // the longest deadline a request may ask for
};

inline constexpr std::size_t kMaxBatchesInFlight = 8;
inline constexpr std::size_t kMaxQueuedVerifications = 10'000;
inline constexpr std::size_t kCheckpointsKept = 4096;

// Where a signing stands (what a "deadline exceeded" answer reports).
struct SigningProgress {
  std::vector<threshold::Identifier> responded;
  std::map<threshold::Identifier, std::string> refusals;
  std::vector<threshold::Identifier> excluded;
  std::uint32_t sessions = 0;
  bool finished = false;
};

struct VerifyOutcome {
  core::VerdictStatement statement;         // what the coordinator evaluated (certified iff certificate is set)
  std::vector<core::Reason> reasons;        // the verdict's reasons with their details
  core::ProofBundle proof;                  // against statement.state_root
  std::optional<core::Certificate> certificate;
  bool deadline_exceeded = false;
  SigningProgress progress;
  double latency_ms = 0;
};

class Certifier {
 public:
  // Borrows `node`, `transport` (both must outlive it). Starts its threads.
  Certifier(Node& node, committee::CommitteeInfo committee, crypto::ed25519::SecretKey coordinator_identity,
            committee::Transport& transport, CertifierOptions options);
  ~Certifier();
  Certifier(const Certifier&) = delete;
  Certifier& operator=(const Certifier&) = delete;

  // Certifies the verdict on `attestation`, answering by deadline_ms (unix ms) at the latest.
  // invalid("bad_deadline") for a deadline in the past or beyond max_wait_ms; invalid("busy") when the queue is full;
  // invalid("shutting_down") after stop().
  Result<VerifyOutcome> verify(const core::Id& attestation, std::uint64_t deadline_ms);

  [[nodiscard]] std::optional<core::CheckpointCertificate> checkpoint(std::uint64_t height) const;
  [[nodiscard]] std::optional<core::CheckpointCertificate> latest_checkpoint() const;
  [[nodiscard]] const committee::CommitteeInfo& committee() const { return committee_; }
  [[nodiscard]] const CertifierOptions& options() const { return options_; }

  void stop();

 private:
  struct Request;
  void run_checkpoints();
  void run_batches();
  void certify_batch(std::vector<std::shared_ptr<Request>> batch);
  void record(const committee::SigningOutcome& outcome);
  std::uint64_t now_ms() const;

  Node& node_;
  committee::CommitteeInfo committee_;
  CertifierOptions options_;
  committee::Coordinator coordinator_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<std::shared_ptr<Request>> queue_;
  std::size_t in_flight_ = 0;
  std::map<std::uint64_t, core::CheckpointCertificate> checkpoints_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers_;  // batch signings: finished ones joined by the batch thread, the rest by stop()
  std::thread checkpoint_thread_;
  std::thread batch_thread_;
};

// The Checker of members that live inside this node: they read the node's own committed chain.
class NodeChecker final : public committee::Checker {
 public:
  explicit NodeChecker(Node& node) : node_(node) {}
  Status check_checkpoint(const core::Checkpoint& checkpoint) override;
  Status check_statement(const core::VerdictStatement& statement, const core::ProofBundle& proof) override;

 private:
  Node& node_;
};

}  // namespace credence::node
