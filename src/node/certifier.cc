#include "credence/node/certifier.h"

#include <algorithm>
#include <chrono>

#include "credence/codec/hex.h"
#include "credence/core/state.h"
#include "credence/crypto/random.h"
#include "credence/node/log.h"
#include "credence/node/node.h"

namespace credence::node {

namespace {

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

SigningProgress progress_of(const committee::SigningOutcome& o, bool finished) {
  SigningProgress p;
  for (const auto& [id, ms] : o.response_ms) p.responded.push_back(id);
  p.refusals = o.refusals;
  p.excluded.assign(o.malicious.begin(), o.malicious.end());
  p.sessions = o.sessions;
  p.finished = finished;
  return p;
}

}  // namespace

struct Certifier::Request {
  core::Id attestation{};
  std::uint64_t deadline_ms = 0;
  std::chrono::steady_clock::time_point received;
  std::condition_variable cv;
  bool done = false;
  bool answered = false;  // the caller has been answered (possibly "deadline exceeded")
  Status failure;         // evaluation failed locally
  VerifyOutcome outcome;
};

Certifier::Certifier(Node& node, committee::CommitteeInfo committee, crypto::ed25519::SecretKey coordinator_identity,
                     committee::Transport& transport, CertifierOptions options)
    : node_(node),
      committee_(committee),
      options_(options),
      coordinator_(std::move(committee), std::move(coordinator_identity), node.chain_id(), transport, unix_ms) {
  if (options_.checkpoint_interval != 0) checkpoint_thread_ = std::thread([this] { run_checkpoints(); });
  batch_thread_ = std::thread([this] { run_batches(); });
}

Certifier::~Certifier() { stop(); }

std::uint64_t Certifier::now_ms() const { return unix_ms(); }

void Certifier::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !batch_thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  if (batch_thread_.joinable()) batch_thread_.join();
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.thread.join();
  std::lock_guard lock(mutex_);
  for (auto& r : queue_) {
    r->failure = Status::invalid("shutting_down", "the node is stopping");
    r->done = true;
    r->cv.notify_all();
  }
  queue_.clear();
}

Result<VerifyOutcome> Certifier::verify(const core::Id& attestation, std::uint64_t deadline_ms) {
  const std::uint64_t now = now_ms();
  if (deadline_ms <= now) return Status::invalid("bad_deadline", "the deadline has already passed");
  if (deadline_ms - now > options_.max_wait_ms) {
    return Status::invalid("bad_deadline", "deadlines are at most " + std::to_string(options_.max_wait_ms) +
                                               " ms away");
  }
  node_.metrics().verify_requests.add();
  auto request = std::make_shared<Request>();
  request->attestation = attestation;
  request->deadline_ms = deadline_ms;
  request->received = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  if (stopping_) return Status::invalid("shutting_down", "the node is stopping");
  if (queue_.size() >= kMaxQueuedVerifications) return Status::invalid("busy", "too many verifications waiting");
  queue_.push_back(request);
  cv_.notify_all();
  const auto wake = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_ms));
  request->cv.wait_until(lock, wake, [&] { return request->done; });
  request->answered = true;
  if (!request->failure.is_ok()) return request->failure;
  VerifyOutcome out = request->outcome;
  out.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request->received).count();
  if (!out.certificate) {
    out.deadline_exceeded = !request->done || now_ms() >= deadline_ms;
    if (out.deadline_exceeded) node_.metrics().verify_deadline_exceeded.add();
  }
  return out;
}

std::optional<core::CheckpointCertificate> Certifier::checkpoint(std::uint64_t height) const {
  std::lock_guard lock(mutex_);
  auto it = checkpoints_.find(height);
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

std::optional<core::CheckpointCertificate> Certifier::latest_checkpoint() const {
  std::lock_guard lock(mutex_);
  if (checkpoints_.empty()) return std::nullopt;
  return checkpoints_.rbegin()->second;
}

void Certifier::record(const committee::SigningOutcome& o) {
  Metrics& m = node_.metrics();
  m.committee_signings.add();
  if (!o.signature) m.committee_signings_failed.add();
  for (const auto id : o.signers) m.member_signatures.add(std::to_string(id));
  for (const auto& [id, ms] : o.response_ms) {
    m.member_responses.add(std::to_string(id));
    m.member_response_ms.add(std::to_string(id), static_cast<std::uint64_t>(ms + 0.5));
  }
  for (const auto& [id, why] : o.refusals) {
    m.member_refusals.add(std::to_string(id));
    log::warn("committee_member_refused", {{"member", std::to_string(id)}, {"reason", why}});
  }
  for (const auto id : o.malicious) {
    m.member_excluded.add(std::to_string(id));
    log::warn("committee_member_excluded", {{"member", std::to_string(id)}, {"reason", "invalid signature share"}});
  }
  for (const auto& [id, why] : o.failures) m.member_failures.add(std::to_string(id));
  for (const auto& member : committee_.members) {
    if (!o.response_ms.contains(member.id) && !o.failures.contains(member.id)) {
      m.member_failures.add(std::to_string(member.id));  // silent: never answered
    }
  }
}

void Certifier::run_checkpoints() {
  std::uint64_t last = 0;
  if (auto latest = latest_checkpoint()) last = latest->checkpoint.height;
  std::uint64_t retry_after_ms = 0;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return stopping_; });
      if (stopping_) return;
    }
    const auto view = node_.read();
    const std::uint64_t head = view->head().height;
    const std::uint64_t target = head - head % options_.checkpoint_interval;
    if (target == 0 || target <= last || now_ms() < retry_after_ms) continue;
    auto header = view->snapshot->header(target);
    if (!header || !*header) continue;
    committee::SignRequest request;
    crypto::SystemRandom random;
    request.signing_id = random.bytes<32>();
    request.kind = committee::SigningKind::checkpoint;
    request.checkpoint = core::Checkpoint{(*header)->chain_id, target, (*header)->state_root, (*header)->time};
    const auto outcome = coordinator_.sign(request, now_ms() + options_.checkpoint_timeout_ms);
    record(outcome);
    if (!outcome.signature) {
      log::warn("checkpoint_not_certified", {{"height", std::to_string(target)},
                                             {"refusals", std::to_string(outcome.refusals.size())},
                                             {"excluded", std::to_string(outcome.malicious.size())}});
      retry_after_ms = now_ms() + 1000;
      continue;
    }
    node_.metrics().checkpoints_certified.add();
    node_.metrics().checkpoint_height.set(static_cast<double>(target));
    node_.metrics().checkpoint_seconds.observe(outcome.elapsed_ms / 1000.0);
    std::lock_guard lock(mutex_);
    checkpoints_[target] = core::CheckpointCertificate{*request.checkpoint, *outcome.signature};
    while (checkpoints_.size() > kCheckpointsKept) checkpoints_.erase(checkpoints_.begin());
    last = target;
  }
}

void Certifier::run_batches() {
  while (true) {
    std::vector<std::shared_ptr<Request>> batch;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || (!queue_.empty() && in_flight_ < kMaxBatchesInFlight); });
      if (stopping_) return;
      // Wait for company: the batch window, unless the batch is already full.
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.batch_window_ms);
      cv_.wait_until(lock, until, [&] { return stopping_ || queue_.size() >= options_.max_batch; });
      if (stopping_) return;
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      // Join the workers that have finished (their threads have returned or are about to).
      for (auto it = workers_.begin(); it != workers_.end();) {
        if (it->done->load()) {
          it->thread.join();
          it = workers_.erase(it);
        } else {
          ++it;
        }
      }
      ++in_flight_;
      auto done = std::make_shared<std::atomic<bool>>(false);
      std::thread worker([this, done, batch = std::move(batch)]() mutable {
        certify_batch(std::move(batch));
        {
          std::lock_guard done_lock(mutex_);
          --in_flight_;
          cv_.notify_all();
        }
        done->store(true);
      });
      workers_.push_back(Worker{std::move(worker), std::move(done)});
    }
  }
}

void Certifier::certify_batch(std::vector<std::shared_ptr<Request>> batch) {
  const auto view = node_.read();
  const std::uint64_t now_s = node_.now();
  committee::SignRequest request;
  crypto::SystemRandom random;
  request.signing_id = random.bytes<32>();
  request.kind = committee::SigningKind::verdict_batch;
  std::vector<std::shared_ptr<Request>> evaluated;
  for (auto& r : batch) {
    auto proven = core::verify_and_prove_attestation(*view->map, r->attestation, now_s);
    std::lock_guard lock(mutex_);
    if (!proven) {
      r->failure = proven.status();
      r->done = true;
      r->cv.notify_all();
      continue;
    }
    const core::Verdict& verdict = proven->verdict;
    core::VerdictStatement s;
    s.chain_id = node_.chain_id();
    s.attestation = r->attestation;
    s.valid = verdict.valid();
    for (const auto& reason : verdict.reasons) s.reasons.push_back(reason.code);
    if (s.reasons.size() > core::kMaxStatementReasons) s.reasons.resize(core::kMaxStatementReasons);
    s.height = view->head().height;
    s.state_root = view->head().state_root;
    s.issued_at = now_s;
    s.deadline_ms = r->deadline_ms;
    r->outcome.statement = s;
    r->outcome.reasons = verdict.reasons;
    r->outcome.proof = proven->proof;
    request.batch.push_back(committee::BatchItem{std::move(s), std::move(proven->proof)});
    evaluated.push_back(r);
  }
  if (evaluated.empty()) return;
  std::uint64_t deadline = 0;
  for (const auto& r : evaluated) deadline = std::max(deadline, r->deadline_ms);
  const auto outcome = coordinator_.sign(request, deadline, [&](const committee::SigningOutcome& partial) {
    std::lock_guard lock(mutex_);
    for (auto& r : evaluated) r->outcome.progress = progress_of(partial, false);
  });
  record(outcome);

  std::vector<Hash256> leaves;
  for (const auto& item : request.batch) leaves.push_back(core::statement_leaf(item.statement));
  const std::uint64_t finished_ms = now_ms();
  std::lock_guard lock(mutex_);
  for (std::uint32_t i = 0; i < evaluated.size(); ++i) {
    Request& r = *evaluated[i];
    r.outcome.progress = progress_of(outcome, outcome.signature.has_value());
    if (outcome.signature) {
      core::Certificate c;
      c.statement = request.batch[i].statement;
      c.index = i;
      c.count = static_cast<std::uint32_t>(leaves.size());
      c.path = core::batch_path(leaves, i);
      c.signature = *outcome.signature;
      r.outcome.certificate = std::move(c);
      Metrics& m = node_.metrics();
      m.certificates_issued.add();
      if (finished_ms > r.deadline_ms || r.answered) m.certificates_late.add();
      m.late_finality_ratio.set(static_cast<double>(m.certificates_late.value()) /
                                static_cast<double>(m.certificates_issued.value()));
      m.certificate_seconds.observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - r.received).count());
    }
    r.done = true;
    r.cv.notify_all();
  }
}

Status NodeChecker::check_checkpoint(const core::Checkpoint& checkpoint) {
  const auto view = node_.read();
  if (checkpoint.height > view->head().height) {
    return Status::invalid("unknown_height", "this member's chain is at height " +
                                                 std::to_string(view->head().height));
  }
  auto header = view->snapshot->header(checkpoint.height);
  if (!header) return header.status();
  if (!*header) return Status::invalid("unknown_height", "no block " + std::to_string(checkpoint.height));
  const core::Checkpoint own{(*header)->chain_id, (*header)->height, (*header)->state_root, (*header)->time};
  if (own != checkpoint) {
    return Status::invalid("checkpoint_mismatch", "block " + std::to_string(checkpoint.height) +
                                                      " differs from the checkpoint asked for");
  }
  return Status::ok();
}

Status NodeChecker::check_statement(const core::VerdictStatement& statement, const core::ProofBundle& proof) {
  const auto view = node_.read();
  if (statement.height > view->head().height) {
    return Status::invalid("unknown_height", "this member's chain is at height " +
                                                 std::to_string(view->head().height));
  }
  auto header = view->snapshot->header(statement.height);
  if (!header) return header.status();
  if (!*header) return Status::invalid("unknown_height", "no block " + std::to_string(statement.height));
  return committee::check_statement_against_root(statement, proof, (*header)->state_root);
}

}  // namespace credence::node
