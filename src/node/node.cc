#include "credence/node/node.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <utility>

#include "credence/codec/hex.h"
#include "credence/core/state.h"
#include "credence/node/log.h"

namespace credence::node {

namespace {

// How many rejected receipts status() remembers (a ring; the oldest are forgotten).
constexpr std::size_t kRememberedRejections = 100'000;
// Below this many transactions a batch is verified on the caller's thread: starting threads would cost more.
constexpr std::size_t kParallelVerifyMin = 64;
// Parsed author keys kept for signature checks.
constexpr std::size_t kCachedKeys = 100'000;

std::uint64_t system_unix_seconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Submission refused(const core::Id& id, std::string code, std::string message) {
  Submission s;
  s.id = id;
  s.code = std::move(code);
  s.message = std::move(message);
  return s;
}

unsigned worker_count(std::uint32_t configured) {
  if (configured != 0) return configured;
  return std::max(2u, std::thread::hardware_concurrency());
}

}  // namespace

const char* to_string(TransactionStatus::State state) {
  switch (state) {
    case TransactionStatus::State::unknown: return "unknown";
    case TransactionStatus::State::pending: return "pending";
    case TransactionStatus::State::committed: return "committed";
    case TransactionStatus::State::rejected: return "rejected";
  }
  return "unknown";
}

Node::Node(NodeConfig config, std::unique_ptr<Sequencer> sequencer, Clock clock)
    : config_(std::move(config)), sequencer_(std::move(sequencer)), clock_(std::move(clock)) {
  if (!clock_) clock_ = system_unix_seconds;
  if (!sequencer_) sequencer_ = std::make_unique<LocalSequencer>();
}

Result<std::unique_ptr<Node>> Node::start(const NodeConfig& config, std::unique_ptr<Sequencer> sequencer,
                                          Clock clock) {
  std::unique_ptr<Node> node(new Node(config, std::move(sequencer), std::move(clock)));
  CREDENCE_RETURN_IF_ERROR(node->open());
  node->builder_ = std::thread([n = node.get()] { n->run_builder(); });
  return node;
}

Status Node::open() {
  Database::Options options;
  options.sync = config_.sync;
  // The data directory holds the RocksDB database in chain/ (and, for a devnet, its faucet key beside it).
  CREDENCE_ASSIGN_OR_RETURN(db_, Database::open(config_.data_dir / "chain", options));
  CREDENCE_ASSIGN_OR_RETURN(auto map, core::smt::AuthenticatedMap::open(db_->writer_state()));
  map_ = std::make_unique<core::smt::AuthenticatedMap>(std::move(map));

  if (!db_->initialized()) {
    const core::Genesis genesis = to_genesis(config_.genesis);
    const std::uint64_t time = config_.genesis.time != 0 ? config_.genesis.time : clock_();
    auto block = core::Chain::genesis(*map_, genesis, time);
    if (!block) {
      db_->discard_staged();
      return block.status();
    }
    CREDENCE_RETURN_IF_ERROR(db_->initialize(genesis, *block));
    log::info("chain_created", {{"chain_id", std::to_string(genesis.chain_id)},
                                {"state_root", codec::hex_encode_0x(block->header.state_root)}});
  }
  CREDENCE_ASSIGN_OR_RETURN(const auto genesis, db_->genesis());
  if (!genesis) return Status::error("corrupt_state", "the database holds no genesis");
  if (genesis->chain_id != config_.genesis.chain_id) {
    return Status::invalid("config_mismatch", "the data directory holds chain " + std::to_string(genesis->chain_id) +
                                                  ", the configuration names chain " +
                                                  std::to_string(config_.genesis.chain_id));
  }
  if (config_.genesis.committee && genesis->committee != config_.genesis.committee) {
    return Status::invalid("config_mismatch", genesis->committee
                                                  ? "the data directory's genesis fixes another committee than the "
                                                    "one genesis.committee names"
                                                  : "the data directory's genesis fixes no committee, but the "
                                                    "configuration names one in genesis.committee");
  }
  chain_id_ = genesis->chain_id;
  const core::BlockHeader head = db_->snapshot()->head();
  CREDENCE_ASSIGN_OR_RETURN(auto chain, core::Chain::resume(*map_, head));
  chain_.emplace(std::move(chain));
  if (!publish_read_view()) return Status::error("storage", "cannot open the committed state for reads");
  mempool_ = std::make_unique<Mempool>(config_.mempool,
                                       [this](const core::AccountId& author) { return committed_nonce(author); });
  metrics_.chain_height.set(static_cast<double>(head.height));
  log::info("node_started", {{"chain_id", std::to_string(chain_id_)},
                             {"height", std::to_string(head.height)},
                             {"state_root", codec::hex_encode_0x(head.state_root)},
                             {"data", config_.data_dir.string()}});
  return Status::ok();
}

Node::~Node() {
  stop();
}

void Node::stop() {
  {
    std::lock_guard lock(state_mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  committed_cv_.notify_all();
  if (builder_.joinable()) builder_.join();
}

std::string Node::failure() const {
  std::lock_guard lock(state_mutex_);
  return failure_;
}

bool Node::publish_read_view() {
  auto view = std::make_shared<ReadView>();
  view->snapshot = db_->snapshot();
  // The snapshot's store refuses writes; the map is only read (get, prove, root).
  auto map = core::smt::AuthenticatedMap::open(view->snapshot->state());
  if (!map) {
    log::error("read_view_failed", {{"reason", map.status().to_string()}});
    return false;
  }
  view->map = std::make_unique<core::smt::AuthenticatedMap>(std::move(*map));
  std::lock_guard lock(read_mutex_);
  read_view_ = std::move(view);
  return true;
}

std::shared_ptr<const ReadView> Node::read() const {
  std::lock_guard lock(read_mutex_);
  return read_view_;
}

std::optional<std::uint64_t> Node::committed_nonce(const core::AccountId& author) const {
  const auto view = read();
  auto nonce = core::load_u64(core::MapStateView(*view->map), core::nonce_key(author));
  // A read failure is a storage failure the builder will meet too; the mempool asks again later.
  if (!nonce.ok()) return std::nullopt;
  return *nonce;
}

// The same check as core::verify_transaction_signature, with the author's key parsed (and validated) once: parsing
// costs as much as the verification itself, and authors submit many transactions.
Status Node::verify_signature(const core::SignedTransaction& stx) const {
  std::optional<crypto::ed25519::PublicKey> key;
  {
    std::lock_guard lock(keys_mutex_);
    if (const auto it = keys_.find(stx.tx.author); it != keys_.end()) key = it->second;
  }
  if (!key) {
    auto parsed = crypto::ed25519::PublicKey::parse(stx.tx.author);
    if (!parsed) return parsed.status();
    key = *parsed;
    std::lock_guard lock(keys_mutex_);
    if (keys_.size() >= kCachedKeys) keys_.clear();  // bounded; a cold cache only costs re-parsing
    keys_.emplace(stx.tx.author, *parsed);
  }
  return crypto::ed25519::verify(*key, core::encode(stx.tx), stx.signature);
}

Submission Node::check_stateless(const core::SignedTransaction& stx, std::size_t encoded_size) const {
  const core::Id id = core::transaction_id(stx.tx);
  if (encoded_size > core::kMaxTransactionSize) {
    return refused(id, "too_large", "a transaction is at most " + std::to_string(core::kMaxTransactionSize) + " bytes");
  }
  if (stx.tx.chain_id != chain_id_) {
    return refused(id, "bad_chain_id", "this node serves chain " + std::to_string(chain_id_));
  }
  if (stx.tx.expires_at < now()) {
    return refused(id, "transaction_expired", "expired at " + std::to_string(stx.tx.expires_at));
  }
  if (Status s = verify_signature(stx); !s.is_ok()) return refused(id, s.code(), s.message());
  if (auto committed = read()->snapshot->transaction(id); committed.ok() && *committed) {
    return refused(id, "duplicate", "already committed at height " + std::to_string((*committed)->height));
  }
  Submission ok;
  ok.id = id;
  ok.accepted = true;
  return ok;
}

Submission Node::submit(core::SignedTransaction stx, std::size_t encoded_size) {
  std::vector<std::size_t> sizes{encoded_size};
  std::vector<core::SignedTransaction> one;
  one.push_back(std::move(stx));
  return submit_batch(std::move(one), sizes).front();
}

std::vector<Submission> Node::submit_batch(std::vector<core::SignedTransaction> stxs,
                                           const std::vector<std::size_t>& sizes) {
  std::vector<Submission> results(stxs.size());
  const auto check_range = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) results[i] = check_stateless(stxs[i], sizes[i]);
  };
  const std::size_t workers = std::min<std::size_t>(worker_count(config_.verify_threads), stxs.size());
  if (stxs.size() < kParallelVerifyMin || workers < 2) {
    check_range(0, stxs.size());
  } else {
    std::vector<std::thread> threads;
    const std::size_t chunk = (stxs.size() + workers - 1) / workers;
    for (std::size_t begin = chunk; begin < stxs.size(); begin += chunk) {
      threads.emplace_back(check_range, begin, std::min(stxs.size(), begin + chunk));
    }
    check_range(0, std::min(chunk, stxs.size()));
    for (auto& t : threads) t.join();
  }

  const auto received = std::chrono::steady_clock::now();
  bool stopping = false;
  {
    std::lock_guard lock(state_mutex_);
    stopping = stopping_ || !failure_.empty();
  }
  std::size_t admitted = 0;
  for (std::size_t i = 0; i < stxs.size(); ++i) {
    Submission& r = results[i];
    if (r.accepted && stopping) r = refused(r.id, "shutting_down", "the node is stopping");
    if (r.accepted) {
      const Admission a = mempool_->add(PendingTransaction{r.id, std::move(stxs[i]), sizes[i], received});
      if (!a.accepted) r = refused(r.id, a.code, a.message);
    }
    if (r.accepted) {
      ++admitted;
      metrics_.transactions_submitted.add();
    } else {
      metrics_.transactions_rejected.add(r.code);
    }
  }
  metrics_.mempool_transactions.set(static_cast<double>(mempool_->size()));
  metrics_.mempool_bytes.set(static_cast<double>(mempool_->bytes()));
  if (admitted > 0) {
    std::lock_guard lock(state_mutex_);
    admitted_since_take_ += admitted;
    if (admitted_since_take_ >= config_.block_max_transactions) work_cv_.notify_one();
  }
  return results;
}

TransactionStatus Node::status(const core::Id& id) const {
  TransactionStatus st;
  {
    // The builder moves transactions from the mempool to building_ under this lock, so one of the two holds a
    // transaction until its block is committed and published.
    std::lock_guard lock(state_mutex_);
    if (building_.count(id) != 0 || mempool_->contains(id)) {
      st.state = TransactionStatus::State::pending;
      return st;
    }
  }
  const auto view = read();
  auto location = view->snapshot->transaction(id);
  if (location.ok() && *location) {
    st.state = TransactionStatus::State::committed;
    st.location = **location;
    if (auto receipt = view->snapshot->receipt(**location); receipt.ok() && *receipt) st.receipt = **receipt;
    return st;
  }
  std::lock_guard lock(rejected_mutex_);
  if (const auto it = rejected_.find(id); it != rejected_.end()) {
    st.state = TransactionStatus::State::rejected;
    st.receipt = it->second;
  }
  return st;
}

TransactionStatus Node::wait(const core::Id& id, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(state_mutex_);
      seen = commits_;
    }
    TransactionStatus st = status(id);
    if (st.state != TransactionStatus::State::pending) return st;
    std::unique_lock lock(state_mutex_);
    // Woken by the next commit (counted, so one that lands between status() and here is not missed) or a stop.
    const bool woken = committed_cv_.wait_until(
        lock, deadline, [&] { return commits_ != seen || stopping_ || !failure_.empty(); });
    if (!woken || stopping_ || !failure_.empty()) return st;
  }
}

void Node::run_builder() {
  const auto interval = std::chrono::milliseconds(config_.block_interval_ms);
  std::unique_lock lock(state_mutex_);
  // The interval runs from the start of one take to the next, so a block's build time is not added to it. A block
  // comes sooner only when a full block's worth of transactions was admitted since the last take: counting the
  // pool's size instead would wake the builder in a loop, lock held, while unready transactions (nonce gaps) fill it.
  auto next_take = std::chrono::steady_clock::now() + interval;
  while (!stopping_) {
    work_cv_.wait_until(lock, next_take,
                        [this] { return stopping_ || admitted_since_take_ >= config_.block_max_transactions; });
    if (stopping_) break;
    admitted_since_take_ = 0;
    next_take = std::chrono::steady_clock::now() + interval;
    const std::uint64_t time = std::max(now(), chain_->head().time);
    Dropped dropped;
    std::vector<PendingTransaction> taken = mempool_->take(config_.block_max_transactions, time, &dropped);
    if (!dropped.expired.empty() || !dropped.stale.empty()) {
      // A stale one may be a resubmitted copy of a committed transaction: status() finds the commit first.
      std::vector<core::Receipt> receipts;
      for (const auto& [ids, code] : {std::pair{&dropped.expired, "transaction_expired"},
                                      std::pair{&dropped.stale, "stale_nonce"}}) {
        for (const core::Id& id : *ids) {
          core::Receipt r;
          r.transaction = id;
          r.code = code;
          r.message = "dropped from the mempool before reaching a block";
          receipts.push_back(std::move(r));
        }
      }
      remember_rejections(receipts);
    }
    if (taken.empty()) continue;
    // A full block may have left more ready behind it: take again as soon as this one is committed.
    if (taken.size() >= config_.block_max_transactions) next_take = std::chrono::steady_clock::now();
    for (const auto& p : taken) building_.insert(p.id);
    lock.unlock();
    const Status s = build_one_block(std::move(taken), time);
    lock.lock();
    building_.clear();
    ++commits_;
    committed_cv_.notify_all();
    if (!s.is_ok()) {
      failure_ = s.to_string();
      log::error("builder_stopped", {{"reason", failure_}});
      break;
    }
  }
  committed_cv_.notify_all();
}

void Node::remember_rejections(const std::vector<core::Receipt>& receipts) {
  std::lock_guard lock(rejected_mutex_);
  for (const core::Receipt& r : receipts) {
    if (rejected_order_.size() < kRememberedRejections) {
      rejected_order_.push_back(r.transaction);
    } else {
      rejected_.erase(rejected_order_[rejected_next_]);
      rejected_order_[rejected_next_] = r.transaction;
      rejected_next_ = (rejected_next_ + 1) % kRememberedRejections;
    }
    rejected_[r.transaction] = r;
    metrics_.transactions_rejected.add(r.code);
  }
}

Status Node::build_one_block(std::vector<PendingTransaction> taken, std::uint64_t time) {
  const auto started = std::chrono::steady_clock::now();
  Proposal proposal;
  proposal.height = chain_->head().height + 1;
  proposal.time = time;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> received;
  received.reserve(taken.size());
  for (auto& p : taken) {
    received.emplace(std::string(p.id.begin(), p.id.end()), p.received);
    proposal.transactions.push_back(std::move(p.stx));
  }

  auto ordered = sequencer_->order(proposal);  // a copy: ours stays here to compare with
  if (!ordered) return ordered.status();
  // Our own proposal was verified at submit; anything else is checked in full. The whole transactions are compared,
  // signatures included: a block of the same size (another node's, or ours with one signature swapped) must not
  // pass unchecked.
  const bool own = ordered->height == proposal.height && ordered->transactions == proposal.transactions;
  auto built = chain_->build(ordered->transactions, ordered->time,
                             own ? core::SignatureCheck::already_verified : core::SignatureCheck::verify);
  if (!built) {
    db_->discard_staged();
    return built.status();
  }
  const double build_seconds = seconds_since(started);
  const auto commit_started = std::chrono::steady_clock::now();
  CREDENCE_RETURN_IF_ERROR(db_->commit_block(built->block, built->receipts));
  metrics_.block_commit_seconds.observe(seconds_since(commit_started));
  if (last_commit_) metrics_.block_interval_seconds.observe(seconds_since(*last_commit_));
  last_commit_ = std::chrono::steady_clock::now();
  metrics_.block_build_seconds.observe(build_seconds);
  for (const core::SignedTransaction& stx : built->block.transactions) unreported_authors_.push_back(stx.tx.author);
  // Only once a view holding this block is published: the mempool's next lookups of these authors must read it.
  if (publish_read_view()) {
    mempool_->nonces_changed(unreported_authors_);
    unreported_authors_.clear();
  }

  remember_rejections(built->rejected);
  for (const core::Receipt& r : built->receipts) {
    const auto it = received.find(std::string(r.transaction.begin(), r.transaction.end()));
    if (it != received.end()) metrics_.end_to_end_seconds.observe(seconds_since(it->second));
  }
  const core::BlockHeader& h = built->block.header;
  metrics_.transactions_committed.add(h.transaction_count);
  metrics_.blocks_committed.add();
  metrics_.block_transactions.observe(static_cast<double>(h.transaction_count));
  metrics_.chain_height.set(static_cast<double>(h.height));
  metrics_.mempool_transactions.set(static_cast<double>(mempool_->size()));
  metrics_.mempool_bytes.set(static_cast<double>(mempool_->bytes()));
  log::debug("block_committed", {{"height", std::to_string(h.height)},
                                 {"transactions", std::to_string(h.transaction_count)},
                                 {"rejected", std::to_string(built->rejected.size())},
                                 {"state_root", codec::hex_encode_0x(h.state_root)}});
  return Status::ok();
}

}  // namespace credence::node
