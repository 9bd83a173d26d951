#include "credence/lab/simulation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>

#include "credence/core/certificate.h"
#include "credence/core/ledger.h"
#include "credence/core/node_store.h"
#include "credence/core/smt.h"
#include "credence/core/state.h"
#include "credence/core/verify.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"
#include "credence/lab/random.h"
#include "credence/threshold/frost.h"
#include "credence/threshold/roast.h"
#include "modeled_checks.h"

namespace credence::lab {
namespace {

namespace roast = threshold::roast;
using threshold::Identifier;
using Micros = std::int64_t;

constexpr double kYear = 365.0 * 86400.0;
constexpr std::uint64_t kChainId = 0x1ab;
constexpr std::uint64_t kStartTime = 1'700'000'000;
constexpr Micros kNever = std::numeric_limits<Micros>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Keyed random streams (lab/random.h): one per kind of draw, so the draws of one entity never shift another's.
enum Stream : std::uint64_t {
  kArrivals = 1,
  kValue,
  kDeadline,
  kRisk,
  kPick,
  kIdiosyncratic,
  kResponse,
  kNetOut,
  kNetBack,
  kLossOut,
  kLossBack,
  kCommit,
  kNonces,
  kKeys,
  kIssuers,
  kRevocations,
  kHolders,
  kAllocations,
};

Micros to_us(double seconds) {
  if (!(seconds < 9e12)) return kNever;
  const double x = seconds * 1e6;
  if (x < 0) return static_cast<Micros>(std::llround(x));
  // std::llround (halves away from zero) without the libm call, the same value: below 2^63 the truncation is exact
  // and so is x − trunc(x).
  const auto whole = static_cast<std::int64_t>(x);
  return static_cast<Micros>(whole + (x - static_cast<double>(whole) >= 0.5 ? 1 : 0));
}
double to_s(Micros us) {
  return static_cast<double>(us) * 1e-6;
}

enum class Kind : std::uint8_t {
  arrival,
  certify,
  timeout,
  block,
  bucket_end,
  issuer,
  revocation,
  holder,
  batch_close
};

struct Event {
  Micros time = 0;
  std::uint64_t seq = 0;
  Kind kind = Kind::arrival;
  std::uint64_t id = 0;
};
struct Later {
  bool operator()(const Event& a, const Event& b) const { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
};

// A message on its way to a batch's coordinator: the batch's own heap orders small entries (time, sequence, slot);
// the message waits in its slot of the batch's message pool.
struct Delivery {
  Micros time = 0;
  std::uint32_t seq = 0;
  std::uint32_t slot = 0;
};
struct DeliveryLater {
  bool operator()(const Delivery& a, const Delivery& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};
struct InFlight {
  Identifier member = 0;
  roast::SignerMessage message;
};

// An in-protocol request waiting for its certificate.
struct Request {
  RequestOutcome outcome;
  std::size_t bucket = 0;
  std::size_t phase = 0;
  Micros arrival = 0;
  Micros deadline = 0;
  Micros guarantee = kNever;  // underwriter's provisional guarantee
  double stress = 0;          // at arrival: what the members weigh the request with
  double capital_cost = 0;
  std::uint64_t batch = 0;
};

// A verdict batch (docs/certificates.md "Batches"): the requests that share one signing, one coordinator.
struct Batch {
  std::uint64_t key = 0;                // index of its first request: keys the batch's network and member draws
  std::vector<std::uint64_t> requests;  // in arrival order (the order of the batch's leaves)
  std::size_t open = 0;                 // requests neither certified nor timed out
  bool closed = false;                  // the sign request went out
  std::size_t bucket = 0;               // of its first request: sessions, messages and exclusions count there
  std::size_t phase = 0;
  std::uint32_t sessions = 0;
  Bytes coordinator_message;  // encode_batch_message over the statements' root
  std::optional<roast::Coordinator> coordinator;
  std::vector<Delivery> pending;          // a min-heap (DeliveryLater)
  std::vector<InFlight> in_flight;        // the pending messages, by slot
  std::vector<std::uint32_t> free_slots;  // slots of in_flight delivered already
  std::uint32_t delivery_seq = 0;
  Micros expiry = kNever;        // when its last request times out: no message is delivered from then on
  Micros certified_at = kNever;  // its certificate's time, once the coordinator has finished
  // With keep_requests: (delivery time, sessions, members found malicious) after each delivery that changed them,
  // so that a request timing out mid-batch records the batch as it stood then.
  struct Progress {
    Micros time;
    std::uint32_t sessions;
    std::vector<Identifier> malicious;
  };
  std::vector<Progress> progress;
  // The batch's keyed draws (lab/random.h), mixed once for its key: response times, latencies and losses.
  KeyedDraws response, net_out, net_back, loss_out, loss_back;
  KeyedDraws commitments;                               // modeled mode
  std::vector<std::uint32_t> commit_counter;            // per member: commitments made for this batch
  std::vector<std::unique_ptr<roast::Signer>> signers;  // real mode: per member (index id − 1)
  std::unique_ptr<crypto::DeterministicRandom> nonces;  // real mode
  std::size_t malicious_seen = 0;
};

// ---- exogenous path

struct PhaseAt {
  std::size_t index;
  double fraction;
};

PhaseAt phase_at(const Scenario& s, double t) {
  double start = 0;
  for (std::size_t i = 0; i < s.phases.size(); ++i) {
    const double end = start + s.phases[i].duration;
    if (t < end || i + 1 == s.phases.size()) {
      const double f = std::clamp((t - start) / s.phases[i].duration, 0.0, 1.0);
      return {i, f};
    }
    start = end;
  }
  return {0, 0};
}

}  // namespace

Exogenous exogenous_at(const Scenario& s, double t) {
  const PhaseAt at = phase_at(s, t);
  const Phase& p = s.phases[at.index];
  Exogenous e;
  e.phase = at.index;
  e.price = p.price.at(at.fraction);
  e.capital_cost = p.capital_cost.at(at.fraction);
  e.volatility = p.volatility.at(at.fraction);
  const Phase& first = s.phases.front();
  const double drawdown = std::max(0.0, 1 - e.price / first.price.start);
  const double dvol = std::max(0.0, e.volatility - first.volatility.start);
  const double dcc = std::max(0.0, e.capital_cost - first.capital_cost.start);
  e.stress =
      std::clamp(s.stress.drawdown * drawdown + s.stress.volatility * dvol + s.stress.capital_cost * dcc, 0.0, 1.0);
  return e;
}

namespace {

class Simulation {
 public:
  Simulation(const Scenario& s, const RunOptions& o) : s_(s), o_(o), seed_(o.seed) {}

  Result<RunResult> run();

 private:
  // ---- set-up
  Status setup_committee();
  Status setup_ledger();
  void setup_windows();

  // ---- scheduling
  void push(Micros time, Kind kind, std::uint64_t id) { queue_.push(Event{time, next_seq_++, kind, id}); }
  // Timeouts come in arrival order with one constant delay: a FIFO beside the heap keeps them out of it.
  void push_timeout(Micros time, std::uint64_t id);
  bool pop_event(Event& ev);
  void add_delivery(Batch& b, Micros time, Identifier member, roast::SignerMessage message);

  // ---- handlers
  Status on_arrival(Micros now);
  Status run_batch(Batch& b, std::uint64_t id);
  Status on_certify(std::uint64_t id);
  Status on_batch_close(Micros now, std::uint64_t id);
  void on_timeout(std::uint64_t index);
  Status on_block(Micros now);
  Status on_bucket_end(Micros now, std::size_t bucket);
  Status on_issuer(Micros now);
  Status on_revocation(Micros now);
  Status on_holder(Micros now);

  // ---- agents
  // `draws`: the batch's stream for the quantity (Batch::response, net_out, …), drawn per member and hop.
  double response_time(const KeyedDraws& draws, Identifier m, std::uint32_t hop, double stress) const;
  double latency(const KeyedDraws& draws, Identifier m, std::uint32_t hop) const;
  bool lost(const KeyedDraws& draws, Identifier m, std::uint32_t hop, Micros at) const;
  // `idiosyncratic`: the request's own stream of member noise.
  double payoff(const KeyedDraws& idiosyncratic, Identifier m, const Request& r) const;
  Result<roast::SignerMessage> member_commit(Batch& b, Identifier m);
  Result<std::optional<roast::SignerMessage>> member_answer(Batch& b, Identifier m,
                                                            const roast::SessionRequest& request,
                                                            const threshold::SigningCommitment& own);
  Status start_sessions(Batch& b, Micros now, const std::vector<roast::SessionRequest>& out);
  void finish(std::uint64_t index, bool certified, Micros at, const Batch* batch);
  // When request `r` times out: its timeout event, its batch's expiry and what claimants learn all use this.
  Micros timeout_of(const Request& r) const { return r.arrival + to_us(s_.protocol.request_timeout); }
  void certify_batch(std::uint64_t id, Micros at);
  double estimated_late_probability(Micros now, double deadline_seconds) const;

  // ---- ledger
  Result<bool> apply(const core::Transaction& tx, std::size_t account, Micros now);
  Result<std::uint64_t> native_balance(const core::AccountId& account) const;
  Result<Bytes> batch_message(const Batch& b, Micros now);

  // ---- metrics
  template <typename F>
  void count(std::size_t bucket, std::size_t phase, F f) {
    f(buckets_[bucket]);
    f(phases_[phase].metrics);
  }
  std::size_t bucket_of(Micros t) const {
    const auto b = static_cast<std::size_t>(to_s(t) / s_.bucket);
    return std::min(b, buckets_.size() - 1);
  }

  const Scenario& s_;
  const RunOptions& o_;
  std::uint64_t seed_;
  Micros end_ = 0;

  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::deque<Event> timeouts_;  // non-decreasing times
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_ = 0;
  Rng arrivals_{0};
  Rng issuer_rng_{0};
  Rng revocation_rng_{0};
  Rng holder_rng_{0};

  // committee
  // Shared by every batch's coordinator (one per batch): copying its n verifying shares each time cost ≈ 7%.
  std::shared_ptr<const threshold::PublicKeyPackage> public_key_;
  std::vector<threshold::KeyPackage> key_packages_;  // real mode
  std::shared_ptr<const roast::SessionChecks> checks_;
  std::unordered_map<std::uint64_t, Request> active_;  // in-protocol requests not yet certified or timed out
  // Open batches by id (ids are consecutive; batches end in any order): batches_[id − batch_base_], null once done.
  std::deque<std::unique_ptr<Batch>> batches_;
  std::uint64_t batch_base_ = 0;
  Batch* find_batch(std::uint64_t id) {
    return id >= batch_base_ && id - batch_base_ < batches_.size() ? batches_[id - batch_base_].get() : nullptr;
  }
  void erase_batch(std::uint64_t id) {
    batches_[id - batch_base_].reset();
    while (!batches_.empty() && batches_.front() == nullptr) {
      batches_.pop_front();
      ++batch_base_;
    }
  }
  std::uint64_t next_request_ = 0;
  std::uint64_t next_batch_ = 0;
  std::optional<std::uint64_t> open_batch_;  // the batch collecting requests (its window not yet over)

  // claimants' estimate: (completion time, latency) of the last in-protocol outcomes (latency +inf for timeouts)
  std::vector<std::pair<Micros, double>> recent_;
  std::size_t recent_next_ = 0;

  // underwriting
  double uw_capacity_ = 0;
  double uw_locked_ = 0;

  // ledger
  std::unique_ptr<core::MemoryNodeStore> store_;
  std::unique_ptr<core::smt::AuthenticatedMap> map_;
  std::unique_ptr<core::Ledger> ledger_;
  std::vector<crypto::ed25519::SecretKey> keys_;  // issuers, then holders, then the exchange
  std::vector<core::AccountId> accounts_;
  std::vector<std::uint64_t> nonces_;
  std::size_t issuer_base_ = 0, holder_base_ = 0, exchange_ = 0;
  std::vector<bool> large_;  // per holder
  core::Id schema_{};
  struct Issued {
    core::Id id;
    std::size_t issuer;
    bool revoked;
  };
  std::vector<Issued> issued_;
  core::BlockContext block_{1, kStartTime};
  std::uint64_t supply_ = 0;
  std::uint64_t serial_ = 0;

  std::vector<core::Id> last_created_;  // of the last transaction applied
  Status invariant_;                    // a broken invariant found inside a handler that cannot return one

  std::vector<WindowMetrics> buckets_;
  std::vector<PhaseSummary> phases_;
  std::vector<RequestOutcome> kept_;
};

// ---------------------------------------------------------------------------------------------- set-up

Status Simulation::setup_committee() {
  const std::uint32_t n = s_.protocol.n;
  const std::uint32_t t = s_.protocol.t;
  if (o_.crypto == CryptoMode::real) {
    crypto::DeterministicRandom random(keyed_u64(seed_, kKeys, 0));
    auto dealt = threshold::trusted_dealer_keygen(threshold::Suite::ed25519, n, t, random);
    if (!dealt.ok()) return dealt.status();
    public_key_ = std::make_shared<const threshold::PublicKeyPackage>(dealt->public_key);
    key_packages_ = std::move(dealt->key_packages);
    checks_ = roast::frost_checks();
  } else {
    threshold::PublicKeyPackage key;
    key.suite = threshold::Suite::ed25519;
    key.min_signers = t;
    for (Identifier id = 1; id <= n; ++id) {
      threshold::Element y{};
      std::memcpy(y.data(), &id, sizeof id);
      key.verifying_shares[id] = y;
    }
    public_key_ = std::make_shared<const threshold::PublicKeyPackage>(std::move(key));
    checks_ = modeled_checks();
  }
  return Status::ok();
}

Status Simulation::setup_ledger() {
  store_ = std::make_unique<core::MemoryNodeStore>();
  auto map = core::smt::AuthenticatedMap::open(*store_);
  if (!map.ok()) return map.status();
  map_ = std::make_unique<core::smt::AuthenticatedMap>(std::move(*map));
  ledger_ = std::make_unique<core::Ledger>(*map_, kChainId);
  const Issuers& is = s_.issuers;
  const Holders& hs = s_.holders;
  crypto::DeterministicRandom random(keyed_u64(seed_, kKeys, 1));
  issuer_base_ = 0;
  holder_base_ = is.count;
  exchange_ = is.count + hs.count;
  const std::size_t accounts = exchange_ + 1;
  for (std::size_t i = 0; i < accounts; ++i) {
    keys_.push_back(crypto::ed25519::SecretKey::generate(random));
    accounts_.push_back(keys_.back().public_key().bytes());
  }
  nonces_.assign(accounts, 0);
  core::Genesis genesis;
  genesis.chain_id = kChainId;
  std::vector<std::pair<std::uint64_t, std::size_t>> by_size;
  for (std::size_t h = 0; h < hs.count; ++h) {
    const double x = pareto_from_unit(keyed_unit(seed_, kAllocations, h), hs.allocation_scale, hs.allocation_shape);
    const auto units = static_cast<std::uint64_t>(std::min(x, hs.allocation_scale * 1e6));
    genesis.allocations.emplace_back(accounts_[holder_base_ + h], units);
    by_size.emplace_back(units, h);
    supply_ += units;
  }
  const auto liquidity = static_cast<std::uint64_t>(hs.exchange_liquidity);
  if (liquidity > 0) genesis.allocations.emplace_back(accounts_[exchange_], liquidity);
  supply_ += liquidity;
  std::sort(by_size.begin(), by_size.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  large_.assign(hs.count, false);
  const auto large = static_cast<std::size_t>(std::ceil(hs.large_fraction * hs.count));
  for (std::size_t i = 0; i < large && i < by_size.size(); ++i) large_[by_size[i].second] = true;
  CREDENCE_RETURN_IF_ERROR(ledger_->apply_genesis(genesis));
  if (auto root = map_->commit(); !root.ok()) return root.status();
  if (is.count > 0) {
    core::Schema schema;
    schema.name = "credence-lab credential";
    schema.registrant = accounts_[issuer_base_];
    schema.fields = "bool ok";
    CREDENCE_RETURN_IF_ERROR(schema.normalize());
    core::Transaction tx{kChainId, accounts_[issuer_base_], 0, ~std::uint64_t{0}, core::RegisterSchema{schema}};
    auto receipt = ledger_->apply(core::SignedTransaction{tx, {}}, block_, core::SignatureCheck::already_verified);
    if (!receipt.ok()) return receipt.status();
    if (!receipt->ok() || receipt->created.empty()) {
      return Status::error("lab_setup", "schema registration failed: " + receipt->code);
    }
    nonces_[issuer_base_] = 1;
    schema_ = receipt->created.front();
  }
  return Status::ok();
}

void Simulation::setup_windows() {
  const double d = s_.duration();
  const auto count = static_cast<std::size_t>(std::ceil(d / s_.bucket - 1e-9));
  for (std::size_t b = 0; b < std::max<std::size_t>(count, 1); ++b) {
    WindowMetrics w;
    w.start = static_cast<double>(b) * s_.bucket;
    w.end = std::min(d, static_cast<double>(b + 1) * s_.bucket);
    // Stress path of the bucket: the mean over 8 evenly spaced points, and the values at its end.
    constexpr int kSamples = 8;
    for (int k = 0; k < kSamples; ++k) {
      const Exogenous e = exogenous_at(s_, w.start + (w.end - w.start) * (k + 0.5) / kSamples);
      w.stress += e.stress / kSamples;
    }
    w.stress_samples = 1;
    const Exogenous last = exogenous_at(s_, w.end);
    w.price = last.price;
    w.capital_cost = last.capital_cost;
    w.volatility = last.volatility;
    buckets_.push_back(std::move(w));
  }
  double start = 0;
  for (const Phase& p : s_.phases) {
    PhaseSummary ps;
    ps.name = p.name;
    ps.metrics.start = start;
    ps.metrics.end = start + p.duration;
    start += p.duration;
    phases_.push_back(std::move(ps));
  }
  // A phase's stress is the mean of its buckets' (weighted by the overlap).
  for (auto& ps : phases_) {
    double weight = 0, sum = 0;
    for (const auto& w : buckets_) {
      const double overlap = std::min(w.end, ps.metrics.end) - std::max(w.start, ps.metrics.start);
      if (overlap > 0) {
        weight += overlap;
        sum += overlap * w.stress;
      }
    }
    ps.metrics.stress = weight > 0 ? sum / weight : 0;
    ps.metrics.stress_samples = 1;
    const Exogenous last = exogenous_at(s_, ps.metrics.end);
    ps.metrics.price = last.price;
    ps.metrics.capital_cost = last.capital_cost;
    ps.metrics.volatility = last.volatility;
  }
}

// ---------------------------------------------------------------------------------------------- agents

double Simulation::response_time(const KeyedDraws& draws, Identifier m, std::uint32_t hop, double stress) const {
  const Members& ms = s_.members;
  const double u = draws.unit((std::uint64_t{m} << 20) | hop);
  double base = 0;
  if (ms.response == "exponential") {
    base = ms.response_mean > 0 ? exponential_from_unit(u, 1 / ms.response_mean) : 0;
  } else {
    base = ms.response_mean * std::exp(ms.response_sigma * standard_normal_from_unit(u));
  }
  return base * (1 + ms.hesitation * stress);
}

double Simulation::latency(const KeyedDraws& draws, Identifier m, std::uint32_t hop) const {
  const Network& n = s_.network;
  if (n.latency_median <= 0) return 0;
  const double u = draws.unit((std::uint64_t{m} << 20) | hop);
  return n.latency_median * std::exp(n.latency_sigma * standard_normal_from_unit(u));
}

bool Simulation::lost(const KeyedDraws& draws, Identifier m, std::uint32_t hop, Micros at) const {
  const double t = to_s(at);
  for (const Partition& p : s_.network.partitions) {
    if (m >= p.first_member && m <= p.last_member && t >= p.start && t < p.end) return true;
  }
  if (s_.network.loss <= 0) return false;
  return draws.unit((std::uint64_t{m} << 20) | hop) < s_.network.loss;
}

// docs/lab.md "Committee members": fee − expected liability − capital cost of the bond, for one statement, with the
// stress and capital cost of the request's arrival.
double Simulation::payoff(const KeyedDraws& idiosyncratic, Identifier m, const Request& r) const {
  const Protocol& p = s_.protocol;
  const double t = p.t;
  const double value = r.outcome.value;
  const double fee = (p.fee_base + p.fee_rate * value) / t;
  const double noise = std::exp(s_.members.idiosyncratic_sigma * standard_normal_from_unit(idiosyncratic.unit(m)));
  const double liability = s_.claimants.fault_probability[r.outcome.risk_class] * value * p.liability_share / t *
                           (1 + s_.members.risk_aversion * r.stress) * noise;
  const double capital = p.collateral_ratio * value / t * r.capital_cost * p.dispute_window / kYear;
  return fee - liability - capital;
}

Result<roast::SignerMessage> Simulation::member_commit(Batch& b, Identifier m) {
  if (o_.crypto == CryptoMode::real) {
    auto& signer = b.signers[m - 1];
    if (!signer) {
      const threshold::KeyPackage& k = key_packages_[m - 1];
      threshold::KeyPackage copy{k.suite,           k.identifier,       threshold::SecretScalar(k.signing_share.view()),
                                 k.verifying_share, k.group_public_key, k.min_signers};
      signer = std::make_unique<roast::Signer>(std::move(copy), b.coordinator_message);
    }
    return signer->start(*b.nonces);
  }
  roast::SignerMessage msg;
  msg.sender = m;
  msg.next_commitment = modeled_commitment(b.commitments, m, b.commit_counter[m - 1]++);
  return msg;
}

// `own` is the member's commitment in `request`.
Result<std::optional<roast::SignerMessage>> Simulation::member_answer(Batch& b, Identifier m,
                                                                      const roast::SessionRequest& request,
                                                                      const threshold::SigningCommitment& own) {
  const Members& ms = s_.members;
  const bool silent = m <= ms.silent;
  const bool malicious = !silent && m <= ms.silent + ms.malicious;
  if (silent) return std::optional<roast::SignerMessage>();
  roast::SignerMessage msg;
  if (o_.crypto == CryptoMode::real) {
    auto answered = b.signers[m - 1]->on_request(request, *b.nonces);
    if (!answered.ok()) return answered.status();
    msg = std::move(*answered);
  } else {
    msg.sender = m;
    msg.session_id = request.session_id;
    msg.share = modeled_share(own);
    msg.next_commitment = modeled_commitment(b.commitments, m, b.commit_counter[m - 1]++);
  }
  if (malicious) (*msg.share)[0] ^= 1;  // an invalid share: the coordinator's check must catch it
  return std::optional<roast::SignerMessage>(std::move(msg));
}

double Simulation::estimated_late_probability(Micros now, double deadline_seconds) const {
  const Micros horizon = now - to_us(s_.claimants.estimate_horizon);
  std::size_t seen = 0;
  std::size_t late = 0;
  for (const auto& [at, l] : recent_) {
    if (at < horizon) continue;
    ++seen;
    late += l > deadline_seconds ? std::size_t{1} : std::size_t{0};
  }
  return seen == 0 ? 0.0 : static_cast<double>(late) / static_cast<double>(seen);
}

// ---------------------------------------------------------------------------------------------- requests

void Simulation::push_timeout(Micros time, std::uint64_t id) {
  if (!timeouts_.empty() && time < timeouts_.back().time) {
    push(time, Kind::timeout, id);  // out of order (cannot happen with one constant timeout): the heap keeps order
    return;
  }
  timeouts_.push_back(Event{time, next_seq_++, Kind::timeout, id});
}

// The next event in (time, sequence) order from the heap and the timeout FIFO.
bool Simulation::pop_event(Event& ev) {
  const bool heap = !queue_.empty();
  const bool fifo = !timeouts_.empty();
  if (!heap && !fifo) return false;
  if (fifo && (!heap || Later{}(queue_.top(), timeouts_.front()))) {
    ev = timeouts_.front();
    timeouts_.pop_front();
    return true;
  }
  ev = queue_.top();
  queue_.pop();
  return true;
}

void Simulation::add_delivery(Batch& b, Micros time, Identifier member, roast::SignerMessage message) {
  std::uint32_t slot = 0;
  if (b.free_slots.empty()) {
    slot = static_cast<std::uint32_t>(b.in_flight.size());
    b.in_flight.push_back(InFlight{member, std::move(message)});
  } else {
    slot = b.free_slots.back();
    b.free_slots.pop_back();
    b.in_flight[slot] = InFlight{member, std::move(message)};
  }
  b.pending.push_back(Delivery{time, b.delivery_seq++, slot});
  std::push_heap(b.pending.begin(), b.pending.end(), DeliveryLater{});
}

Result<Bytes> Simulation::batch_message(const Batch& b, Micros now) {
  // The committee signs a verdict batch (core/certificate.h, docs/certificates.md): one statement per request,
  // evaluated when the batch closes on one view of the ledger, as the node's certifier does; the message is what
  // every certificate of the batch carries.
  std::vector<Hash256> leaves;
  leaves.reserve(b.requests.size());
  for (const std::uint64_t index : b.requests) {
    const Request& r = active_.at(index);
    core::VerdictStatement st;
    st.chain_id = kChainId;
    st.valid = true;
    if (ledger_ && !issued_.empty()) {
      const std::size_t pick = keyed_u64(seed_, kPick, index) % issued_.size();
      st.attestation = issued_[pick].id;
      auto v = core::verify_attestation(ledger_->view(), st.attestation, block_.time);
      if (!v.ok()) return v.status();
      st.valid = v->valid();
      for (const auto& reason : v->reasons) st.reasons.push_back(reason.code);
      st.state_root = map_->root();
    } else {
      const std::uint64_t x = keyed_u64(seed_, kPick, index);
      std::memcpy(st.attestation.data(), &x, sizeof x);
    }
    st.height = block_.height - 1;  // the last committed block
    st.issued_at = kStartTime + static_cast<std::uint64_t>(to_s(now));
    st.deadline_ms = kStartTime * 1000 + static_cast<std::uint64_t>(r.deadline / 1000);
    leaves.push_back(core::statement_leaf(st));
  }
  return core::encode_batch_message(kChainId, static_cast<std::uint32_t>(leaves.size()),
                                    core::batch_root(std::span<const Hash256>(leaves)));
}

Status Simulation::on_arrival(Micros now) {
  const double t = to_s(now);
  const std::uint64_t index = next_request_++;
  const Exogenous e = exogenous_at(s_, t);
  const Claimants& c = s_.claimants;
  const Protocol& p = s_.protocol;

  // The next arrival: Poisson with the phase's rate; at a phase boundary the clock restarts with the new rate.
  {
    double at = t;
    while (true) {
      const PhaseAt ph = phase_at(s_, at);
      double phase_end = 0;
      for (std::size_t i = 0; i <= ph.index; ++i) phase_end += s_.phases[i].duration;
      const double rate = s_.phases[ph.index].request_rate;
      const double next = rate > 0 ? at + exponential(arrivals_, rate) : kInf;
      if (next < phase_end || ph.index + 1 == s_.phases.size()) {
        if (next < s_.duration()) push(to_us(next), Kind::arrival, 0);
        break;
      }
      at = phase_end;
    }
  }

  Request a;
  a.outcome.index = index;
  a.outcome.arrival = t;
  a.outcome.value =
      c.value_median * std::exp(c.value_sigma * standard_normal_from_unit(keyed_unit(seed_, kValue, index)));
  const double deadline_s =
      c.deadline_median * std::exp(c.deadline_sigma * standard_normal_from_unit(keyed_unit(seed_, kDeadline, index)));
  a.outcome.deadline = t + deadline_s;
  const double ur = keyed_unit(seed_, kRisk, index);
  a.outcome.risk_class = ur < c.risk_mix[0] ? 0 : (ur < c.risk_mix[0] + c.risk_mix[1] ? 1 : 2);
  a.arrival = now;
  a.deadline = to_us(a.outcome.deadline);
  a.bucket = bucket_of(now);
  a.phase = e.phase;
  a.stress = e.stress;
  a.capital_cost = e.capital_cost;
  const double value = a.outcome.value;
  const bool high = value >= c.high_value;
  count(a.bucket, a.phase, [&](WindowMetrics& w) {
    ++w.arrived;
    if (high) ++w.high_value;
  });

  // Claimant: the cheapest of waiting for the protocol, an underwriter's guarantee, or the intermediary.
  const double fee = p.fee_base + p.fee_rate * value;
  const double wait_cost = fee + estimated_late_probability(now, deadline_s) * c.loss_if_late * value;
  const Underwriting& u = s_.underwriting;
  const bool can_underwrite = u.enabled && uw_capacity_ - uw_locked_ >= value;
  const double uw_cost = can_underwrite ? fee + u.fee_rate * value : kInf;
  const double bypass_cost = c.intermediary_fee_rate * value + c.intermediary_fee_fixed;
  if (bypass_cost < std::min(wait_cost, uw_cost)) {
    a.outcome.route = RequestOutcome::Route::bypassed;
    count(a.bucket, a.phase, [](WindowMetrics& w) { ++w.bypassed; });
    if (o_.keep_requests) kept_.push_back(a.outcome);
    return Status::ok();
  }
  if (uw_cost < wait_cost) {
    a.outcome.route = RequestOutcome::Route::underwritten;
    uw_locked_ += value;
    a.guarantee = now + to_us(u.latency);
    count(a.bucket, a.phase, [](WindowMetrics& w) { ++w.underwritten; });
  }
  count(a.bucket, a.phase, [&](WindowMetrics& w) {
    ++w.in_protocol;
    w.deadlines.push_back(deadline_s);
  });

  // The request joins the open batch, or opens one: it waits up to batch_window for company, or until max_batch.
  if (!open_batch_) {
    const std::uint64_t id = next_batch_++;
    batches_.push_back(std::make_unique<Batch>());  // id − batch_base_ == batches_.size() − 1
    Batch& b = *batches_.back();
    b.key = index;
    b.bucket = a.bucket;
    b.phase = a.phase;
    open_batch_ = id;
    const Micros window = to_us(p.batch_window);
    if (window > 0) push(now + window, Kind::batch_close, id);
  }
  const std::uint64_t id = *open_batch_;
  Batch& b = *find_batch(id);
  a.batch = id;
  const Request& r = active_.emplace(index, std::move(a)).first->second;
  b.requests.push_back(index);
  ++b.open;
  push_timeout(timeout_of(r), index);
  if (b.requests.size() >= p.max_batch || to_us(p.batch_window) == 0) return on_batch_close(now, id);
  return Status::ok();
}

// The batch's window is over (or it is full): its statements are evaluated and the sign request goes to every
// member; each decides on the whole batch (docs/lab.md "Committee members") and a participant's first message (its
// commitment) travels back.
Status Simulation::on_batch_close(Micros now, std::uint64_t id) {
  Batch* found = find_batch(id);
  if (found == nullptr || found->closed) return Status::ok();  // closed when it filled up, or every request timed out
  Batch& b = *found;
  b.closed = true;
  if (open_batch_ == id) open_batch_.reset();
  // Requests that timed out while the batch was open leave it (only when batch_window ≥ request_timeout).
  b.requests.erase(std::remove_if(b.requests.begin(), b.requests.end(),
                                  [&](std::uint64_t index) { return active_.count(index) == 0; }),
                   b.requests.end());
  if (b.requests.empty()) {
    erase_batch(id);
    return Status::ok();
  }
  const Protocol& p = s_.protocol;
  CREDENCE_ASSIGN_OR_RETURN(b.coordinator_message, batch_message(b, now));
  auto coordinator = roast::Coordinator::create(public_key_, b.coordinator_message, checks_);
  if (!coordinator.ok()) return coordinator.status();
  b.coordinator.emplace(std::move(*coordinator));
  b.commit_counter.assign(p.n, 0);
  b.pending.reserve(p.n);
  b.in_flight.reserve(p.n);
  if (o_.crypto == CryptoMode::real) {
    b.signers.resize(p.n);
    b.nonces = std::make_unique<crypto::DeterministicRandom>(keyed_u64(seed_, kNonces, b.key));
  }
  std::vector<const Request*> requests;
  std::vector<KeyedDraws> idiosyncratic;
  requests.reserve(b.requests.size());
  idiosyncratic.reserve(b.requests.size());
  const KeyedStream noise(seed_, kIdiosyncratic);
  for (const std::uint64_t index : b.requests) {
    requests.push_back(&active_.at(index));
    idiosyncratic.push_back(noise.at(index));
  }
  b.response = KeyedStream(seed_, kResponse).at(b.key);
  b.net_out = KeyedStream(seed_, kNetOut).at(b.key);
  b.net_back = KeyedStream(seed_, kNetBack).at(b.key);
  b.loss_out = KeyedStream(seed_, kLossOut).at(b.key);
  b.loss_back = KeyedStream(seed_, kLossBack).at(b.key);
  b.commitments = modeled_commitments(seed_, b.key);
  b.expiry = 0;
  for (const Request* r : requests) b.expiry = std::max(b.expiry, timeout_of(*r));

  const Members& ms = s_.members;
  for (Identifier m = 1; m <= p.n; ++m) {
    const bool faulty = m <= ms.silent + ms.malicious;
    bool join = true;
    if (!faulty) {
      // Signing is all or nothing: a member signs the batch when its payoff over every statement is ≥ 0 (for a
      // batch of one, the statement's own payoff).
      if (!ms.cooperative) {
        double sum = 0;
        for (std::size_t i = 0; i < requests.size(); ++i) sum += payoff(idiosyncratic[i], m, *requests[i]);
        join = sum >= 0;
      }
      for (const Request* r : requests) {
        const auto rc = static_cast<std::size_t>(r->outcome.risk_class);
        count(r->bucket, r->phase, [&](WindowMetrics& w) {
          ++w.decisions;
          ++w.class_decisions[rc];
          if (join) {
            ++w.participations;
            ++w.class_participations[rc];
          }
        });
      }
    }
    if (!join) continue;
    if (lost(b.loss_out, m, 0, now)) continue;
    const Micros received = now + to_us(latency(b.net_out, m, 0));
    const Micros sent = received + to_us(response_time(b.response, m, 0, exogenous_at(s_, to_s(received)).stress));
    if (lost(b.loss_back, m, 0, sent)) continue;
    CREDENCE_ASSIGN_OR_RETURN(roast::SignerMessage msg, member_commit(b, m));
    add_delivery(b, sent + to_us(latency(b.net_back, m, 0)), m, std::move(msg));
  }
  return run_batch(b, id);
}

Status Simulation::start_sessions(Batch& b, Micros now, const std::vector<roast::SessionRequest>& out) {
  const Costs& costs = s_.costs;
  for (const roast::SessionRequest& request : out) {
    count(b.bucket, b.phase, [](WindowMetrics& w) { ++w.sessions; });
    ++b.sessions;
    const std::uint32_t hop = request.session_id + 1;
    const Micros leaves =
        now + to_us(costs.prepare_us_per_signer * 1e-6 * static_cast<double>(request.package.commitments.size()));
    for (const auto& commitment : request.package.commitments) {
      const Identifier m = commitment.identifier;
      if (lost(b.loss_out, m, hop, leaves)) continue;
      const Micros received = leaves + to_us(latency(b.net_out, m, hop));
      CREDENCE_ASSIGN_OR_RETURN(auto answer, member_answer(b, m, request, commitment));
      if (!answer) continue;
      // The member deliberated before committing (its response time); answering a session is mechanical: the
      // share's computation only.
      const Micros sent = received + to_us(costs.sign_share_us * 1e-6);
      if (lost(b.loss_back, m, hop, sent)) continue;
      add_delivery(b, sent + to_us(latency(b.net_back, m, hop)), m, std::move(*answer));
    }
  }
  return Status::ok();
}

// A batch's messages, delivered in (time, sequence) order until its coordinator finishes or its last request times
// out. Nothing outside the batch reads or changes what happens inside it (its members' draws are keyed by the batch,
// its metrics count into its own bucket), so the whole exchange runs here at once, with the batch's data in cache,
// instead of one global event per message; only the certificate, which other requests and claimants see, goes back
// to the global queue at the time of the delivery that completed it.
Status Simulation::run_batch(Batch& b, std::uint64_t id) {
  while (!b.pending.empty()) {
    std::pop_heap(b.pending.begin(), b.pending.end(), DeliveryLater{});
    const Delivery next = b.pending.back();
    b.pending.pop_back();
    // A timeout at the same instant comes first (it was scheduled before the batch closed): from then on the batch
    // is gone.
    if (next.time >= b.expiry) break;
    const Micros now = next.time;
    ++events_;
    count(b.bucket, b.phase, [](WindowMetrics& w) { ++w.messages; });
    const std::uint64_t checked_before = b.coordinator->shares_verified();
    const std::uint32_t sessions_before = b.sessions;
    const std::size_t malicious_before = b.malicious_seen;
    auto out = b.coordinator->on_message(b.in_flight[next.slot].member, b.in_flight[next.slot].message);
    b.free_slots.push_back(next.slot);
    if (!out.ok()) return out.status();
    // The coordinator checks shares lazily (only before a member signs again, or when an aggregate fails): charge
    // the checks this message caused.
    const double checks = static_cast<double>(b.coordinator->shares_verified() - checked_before);
    const Micros done = now + to_us(checks * s_.costs.verify_share_us * 1e-6);
    const std::size_t malicious = b.coordinator->malicious().size();
    if (malicious > b.malicious_seen) {
      const std::size_t added = malicious - b.malicious_seen;
      count(b.bucket, b.phase, [&](WindowMetrics& w) { w.malicious_detected += added; });
      b.malicious_seen = malicious;
    }
    if (b.coordinator->finished()) {
      b.certified_at = done + to_us(s_.costs.aggregate_us * 1e-6);
      push(now, Kind::certify, id);
      break;
    }
    CREDENCE_RETURN_IF_ERROR(start_sessions(b, done, *out));
    if (o_.keep_requests && (b.sessions != sessions_before || malicious != malicious_before)) {
      const auto& found = b.coordinator->malicious();
      b.progress.push_back(Batch::Progress{now, b.sessions, std::vector<Identifier>(found.begin(), found.end())});
    }
  }
  // What is still on its way is never delivered.
  b.pending = {};
  b.in_flight = {};
  b.free_slots = {};
  return Status::ok();
}

Status Simulation::on_certify(std::uint64_t id) {
  Batch* b = find_batch(id);
  if (b == nullptr) return Status::ok();  // every request timed out first
  certify_batch(id, b->certified_at);
  return Status::ok();
}

// Every request of the batch still waiting gets its certificate at `at`; the batch is done.
void Simulation::certify_batch(std::uint64_t id, Micros at) {
  const std::unique_ptr<Batch> owned = std::move(batches_[id - batch_base_]);
  erase_batch(id);
  const Batch& b = *owned;
  if (o_.crypto == CryptoMode::real) {
    // Every certificate must carry a valid Ed25519 signature under the committee's key.
    const Status ok = threshold::verify_signature(public_key_->suite, public_key_->group_public_key,
                                                  b.coordinator_message, *b.coordinator->signature());
    if (!ok.is_ok()) invariant_ = Status::error("lab_invariant", "a certificate does not verify: " + ok.to_string());
  }
  for (const std::uint64_t index : b.requests) {
    if (active_.count(index)) finish(index, true, at, &b);
  }
}

// Each request keeps its own timeout; the batch's coordinator gives up when none of its requests is waiting.
void Simulation::on_timeout(std::uint64_t index) {
  const auto it = active_.find(index);
  if (it == active_.end()) return;
  const std::uint64_t id = it->second.batch;
  Batch* b = find_batch(id);
  finish(index, false, kNever, b);
  if (b != nullptr && --b->open == 0) {
    if (open_batch_ == id) open_batch_.reset();
    erase_batch(id);
  }
}

// Latency and lateness are measured per request: its certificate time against its own arrival and deadline.
void Simulation::finish(std::uint64_t index, bool certified, Micros at, const Batch* batch) {
  auto node = active_.extract(index);
  Request& a = node.mapped();
  const double latency_s = certified ? to_s(at - a.arrival) : kInf;
  const bool late = !certified || at > a.deadline;
  const Micros seen = std::min(a.guarantee, certified ? at : kNever);
  const bool claimant_late = seen > a.deadline;
  const bool high = a.outcome.value >= s_.claimants.high_value;
  count(a.bucket, a.phase, [&](WindowMetrics& w) {
    if (certified) {
      ++w.certified;
      w.latencies.push_back(latency_s);
      if (late) ++w.certified_late;
    } else {
      ++w.timed_out;
    }
    if (claimant_late) ++w.claimant_late;
    if (high && !claimant_late) ++w.high_value_in_time;
  });
  if (certified) {
    const std::size_t done_bucket = bucket_of(std::min(at, end_ - 1));
    ++buckets_[done_bucket].certificates_completed;
    ++phases_[phase_at(s_, to_s(std::min(at, end_ - 1))).index].metrics.certificates_completed;
  }
  if (a.outcome.route == RequestOutcome::Route::underwritten) {
    uw_locked_ -= a.outcome.value;
    if (late) uw_capacity_ -= a.outcome.value * s_.claimants.loss_if_late;  // the underwriter pays the loss
  }
  // Claimants learn from every in-protocol outcome.
  const std::size_t window = s_.claimants.estimate_window;
  const Micros learned = certified ? at : timeout_of(a);
  if (recent_.size() < window) {
    recent_.emplace_back(learned, latency_s);
  } else {
    recent_[recent_next_] = {learned, latency_s};
    recent_next_ = (recent_next_ + 1) % window;
  }
  if (o_.keep_requests) {
    a.outcome.certified = certified;
    if (batch != nullptr) {
      a.outcome.sessions = batch->sessions;
      a.outcome.batch = batch->key;
      a.outcome.batch_size = static_cast<std::uint32_t>(batch->requests.size());
    }
    if (certified) {
      a.outcome.certified_at = to_s(at);
      a.outcome.signers = batch->coordinator->signers();
    }
    if (batch != nullptr && batch->coordinator) {
      if (certified) {
        a.outcome.malicious.assign(batch->coordinator->malicious().begin(), batch->coordinator->malicious().end());
      } else {
        // The batch ran ahead of this timeout (run_batch): record it as it stood when the request timed out.
        const Micros timed_out = timeout_of(a);
        a.outcome.sessions = 0;
        for (const Batch::Progress& p : batch->progress) {
          if (p.time >= timed_out) break;
          a.outcome.sessions = p.sessions;
          a.outcome.malicious.assign(p.malicious.begin(), p.malicious.end());
        }
      }
    }
    kept_.push_back(std::move(a.outcome));
  }
}

// ---------------------------------------------------------------------------------------------- ledger

Result<bool> Simulation::apply(const core::Transaction& tx, std::size_t account, Micros /*now*/) {
  core::SignedTransaction stx{tx, {}};
  core::SignatureCheck check = core::SignatureCheck::already_verified;
  if (o_.crypto == CryptoMode::real) {
    stx = core::sign_transaction(tx, keys_[account]);
    check = core::SignatureCheck::verify;
  }
  auto receipt = ledger_->apply(stx, block_, check);
  if (!receipt.ok()) return receipt.status();
  if (receipt->included) ++nonces_[account];
  last_created_ = receipt->created;
  return receipt->ok();
}

Result<std::uint64_t> Simulation::native_balance(const core::AccountId& account) const {
  CREDENCE_ASSIGN_OR_RETURN(codec::U256 v, core::load_u256(ledger_->view(), core::balance_key(account)));
  return v.low_u64();
}

Status Simulation::on_block(Micros now) {
  if (auto root = map_->commit(); !root.ok()) return root.status();
  ++block_.height;
  block_.time = kStartTime + static_cast<std::uint64_t>(to_s(now)) + 1;
  const Micros next = now + to_us(s_.protocol.checkpoint_interval);
  if (next < end_) push(next, Kind::block, 0);
  return Status::ok();
}

Status Simulation::on_issuer(Micros now) {
  const Issuers& is = s_.issuers;
  const double t = to_s(now);
  const double total_rate = is.rate * is.count;
  if (const double next = t + exponential(issuer_rng_, total_rate); next < s_.duration()) {
    push(to_us(next), Kind::issuer, 0);
  }
  const Exogenous e = exogenous_at(s_, t);
  const std::size_t issuer = issuer_rng_.below(is.count);
  const bool attempt = issuer_rng_.unit() < std::max(0.0, 1 - is.conservatism * e.stress);
  if (!attempt) return Status::ok();  // conservatism: fewer attempts under stress
  const std::size_t b = bucket_of(now);
  count(b, e.phase, [](WindowMetrics& w) { ++w.issuance_attempts; });
  if (issuer_rng_.unit() < is.strictness * e.stress) {  // stricter criteria: the applicant is refused
    count(b, e.phase, [](WindowMetrics& w) { ++w.attestations_rejected; });
    return Status::ok();
  }
  core::AttestationRequest q;
  q.schema = schema_;
  ++serial_;
  FixedBytes<8> serial{};
  for (std::size_t i = 0; i < 8; ++i) serial[i] = static_cast<std::uint8_t>(serial_ >> (8 * i));
  q.recipients.push_back(core::Recipient::account(crypto::sha256(serial)));
  q.data.data = Bytes(32, 0);
  q.data.data[31] = 1;  // abi.encode(bool ok = true)
  const std::size_t account = issuer_base_ + issuer;
  core::Transaction tx{kChainId, accounts_[account], nonces_[account], ~std::uint64_t{0}, core::Attest{{std::move(q)}}};
  CREDENCE_ASSIGN_OR_RETURN(bool ok, apply(tx, account, now));
  count(b, e.phase, [&](WindowMetrics& w) {
    ++w.ledger_transactions;
    if (ok) {
      ++w.attestations_issued;
    } else {
      ++w.ledger_failures;
    }
  });
  if (ok && !last_created_.empty()) issued_.push_back(Issued{last_created_.front(), issuer, false});
  return Status::ok();
}

Status Simulation::on_revocation(Micros now) {
  const Issuers& is = s_.issuers;
  const double t = to_s(now);
  // Thinning: candidate events at twice the base rate, each kept with probability (1 + stress) / 2.
  if (const double next = t + exponential(revocation_rng_, 2 * is.revoke_rate * is.count); next < s_.duration()) {
    push(to_us(next), Kind::revocation, 0);
  }
  const Exogenous e = exogenous_at(s_, t);
  const double keep = revocation_rng_.unit();
  if (issued_.empty() || keep >= (1 + e.stress) / 2) return Status::ok();
  Issued& target = issued_[revocation_rng_.below(issued_.size())];
  if (target.revoked) return Status::ok();
  const std::size_t account = issuer_base_ + target.issuer;
  core::Transaction tx{kChainId, accounts_[account], nonces_[account], ~std::uint64_t{0},
                       core::Revoke{{core::Revocation{target.id, "lab: revoked under review"}}}};
  CREDENCE_ASSIGN_OR_RETURN(bool ok, apply(tx, account, now));
  if (ok) target.revoked = true;
  count(bucket_of(now), e.phase, [&](WindowMetrics& w) {
    ++w.ledger_transactions;
    if (ok) {
      ++w.revocations;
    } else {
      ++w.ledger_failures;
    }
  });
  return Status::ok();
}

Status Simulation::on_holder(Micros now) {
  const Holders& hs = s_.holders;
  const double t = to_s(now);
  if (const double next = t + exponential(holder_rng_, hs.action_rate * hs.count); next < s_.duration()) {
    push(to_us(next), Kind::holder, 0);
  }
  const Exogenous e = exogenous_at(s_, t);
  const std::size_t h = holder_rng_.below(hs.count);
  const double u = holder_rng_.unit();
  const std::size_t account = holder_base_ + h;
  const std::size_t b = bucket_of(now);
  if (!large_[h]) {
    if (u >= hs.sell_base + hs.panic * e.stress) return Status::ok();  // hold
    CREDENCE_ASSIGN_OR_RETURN(std::uint64_t balance, native_balance(accounts_[account]));
    const auto amount = static_cast<std::uint64_t>(std::floor(static_cast<double>(balance) * hs.sell_fraction));
    if (amount == 0) return Status::ok();
    core::Transaction tx{kChainId, accounts_[account], nonces_[account], ~std::uint64_t{0},
                         core::Transfer{accounts_[exchange_], codec::U256::from_u64(amount), core::kNativeAsset}};
    CREDENCE_ASSIGN_OR_RETURN(bool ok, apply(tx, account, now));
    count(b, e.phase, [&](WindowMetrics& w) {
      ++w.ledger_transactions;
      if (ok)
        ++w.holder_sells;
      else
        ++w.ledger_failures;
    });
    return Status::ok();
  }
  if (u >= hs.buy_base + hs.accumulate * e.stress) return Status::ok();
  CREDENCE_ASSIGN_OR_RETURN(std::uint64_t available, native_balance(accounts_[exchange_]));
  const std::uint64_t amount = std::min(available, static_cast<std::uint64_t>(hs.buy_amount));
  if (amount == 0) return Status::ok();
  core::Transaction tx{kChainId, accounts_[exchange_], nonces_[exchange_], ~std::uint64_t{0},
                       core::Transfer{accounts_[account], codec::U256::from_u64(amount), core::kNativeAsset}};
  CREDENCE_ASSIGN_OR_RETURN(bool ok, apply(tx, exchange_, now));
  count(b, e.phase, [&](WindowMetrics& w) {
    ++w.ledger_transactions;
    if (ok)
      ++w.holder_buys;
    else
      ++w.ledger_failures;
  });
  return Status::ok();
}

Status Simulation::on_bucket_end(Micros now, std::size_t bucket) {
  if (ledger_ && s_.holders.count > 0) {
    std::vector<codec::U256> all;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
      CREDENCE_ASSIGN_OR_RETURN(std::uint64_t b, native_balance(accounts_[i]));
      sum += b;
      if (i >= holder_base_) all.push_back(codec::U256::from_u64(b));
    }
    if (sum != supply_) {
      return Status::error("lab_invariant",
                           "native supply not conserved: " + std::to_string(sum) + " != " + std::to_string(supply_));
    }
    const std::size_t phase = phase_at(s_, to_s(now - 1)).index;
    if (auto c = concentration(all); c.ok()) {
      buckets_[bucket].concentration = *c;
      phases_[phase].metrics.concentration = *c;
    }
    all.pop_back();  // the exchange is the last account
    if (auto c = concentration(all); c.ok()) {
      buckets_[bucket].concentration_ex_exchange = *c;
      phases_[phase].metrics.concentration_ex_exchange = *c;
    }
  }
  if (o_.progress) o_.progress(std::min(1.0, to_s(now) / s_.duration()));
  return Status::ok();
}

// ---------------------------------------------------------------------------------------------- the loop

Result<RunResult> Simulation::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  CREDENCE_RETURN_IF_ERROR(validate(s_));
  end_ = to_us(s_.duration());
  arrivals_ = Rng(keyed_u64(seed_, kArrivals, 0));
  issuer_rng_ = Rng(keyed_u64(seed_, kIssuers, 0));
  revocation_rng_ = Rng(keyed_u64(seed_, kRevocations, 0));
  holder_rng_ = Rng(keyed_u64(seed_, kHolders, 0));
  uw_capacity_ = s_.underwriting.enabled ? s_.underwriting.capacity : 0;
  CREDENCE_RETURN_IF_ERROR(setup_committee());
  setup_windows();
  if (o_.ledger) CREDENCE_RETURN_IF_ERROR(setup_ledger());

  // The first events. Arrivals restart at a phase boundary when a phase has rate 0 (see on_arrival).
  {
    double at = 0;
    for (std::size_t i = 0; i < s_.phases.size(); ++i) {
      const double rate = s_.phases[i].request_rate;
      if (rate > 0) {
        const double next = at + exponential(arrivals_, rate);
        if (next < at + s_.phases[i].duration || i + 1 == s_.phases.size()) {
          if (next < s_.duration()) push(to_us(next), Kind::arrival, 0);
          break;
        }
      }
      at += s_.phases[i].duration;
    }
  }
  for (std::size_t b = 0; b < buckets_.size(); ++b) push(to_us(buckets_[b].end), Kind::bucket_end, b);
  if (ledger_) {
    push(to_us(s_.protocol.checkpoint_interval), Kind::block, 0);
    if (s_.issuers.count > 0 && s_.issuers.rate > 0) {
      push(to_us(exponential(issuer_rng_, s_.issuers.rate * s_.issuers.count)), Kind::issuer, 0);
    }
    if (s_.issuers.count > 0 && s_.issuers.revoke_rate > 0) {
      push(to_us(exponential(revocation_rng_, 2 * s_.issuers.revoke_rate * s_.issuers.count)), Kind::revocation, 0);
    }
    if (s_.holders.count > 0 && s_.holders.action_rate > 0) {
      push(to_us(exponential(holder_rng_, s_.holders.action_rate * s_.holders.count)), Kind::holder, 0);
    }
  }

  // Requests still open at the end run on until their timeout (their outcomes belong to their arrival windows).
  Event ev;
  while (pop_event(ev)) {
    ++events_;
    switch (ev.kind) {
      case Kind::arrival:
        CREDENCE_RETURN_IF_ERROR(on_arrival(ev.time));
        break;
      case Kind::certify:
        CREDENCE_RETURN_IF_ERROR(on_certify(ev.id));
        break;
      case Kind::timeout:
        on_timeout(ev.id);
        break;
      case Kind::batch_close:
        CREDENCE_RETURN_IF_ERROR(on_batch_close(ev.time, ev.id));
        break;
      case Kind::block:
        CREDENCE_RETURN_IF_ERROR(on_block(ev.time));
        break;
      case Kind::bucket_end:
        CREDENCE_RETURN_IF_ERROR(on_bucket_end(ev.time, ev.id));
        break;
      case Kind::issuer:
        CREDENCE_RETURN_IF_ERROR(on_issuer(ev.time));
        break;
      case Kind::revocation:
        CREDENCE_RETURN_IF_ERROR(on_revocation(ev.time));
        break;
      case Kind::holder:
        CREDENCE_RETURN_IF_ERROR(on_holder(ev.time));
        break;
    }
    CREDENCE_RETURN_IF_ERROR(invariant_);
  }

  RunResult r;
  r.scenario = s_.name;
  r.seed = seed_;
  r.crypto = o_.crypto;
  r.events = events_;
  r.native_supply = supply_;
  r.overall.start = 0;
  r.overall.end = s_.duration();
  r.overall.stress = 0;
  for (const auto& w : buckets_) {
    WindowMetrics copy = w;
    r.overall.merge(copy);
  }
  r.overall.start = 0;
  r.overall.end = s_.duration();
  r.overall.stress_samples = 1;
  r.buckets = std::move(buckets_);
  r.phases = std::move(phases_);
  std::sort(kept_.begin(), kept_.end(),
            [](const RequestOutcome& a, const RequestOutcome& b) { return a.index < b.index; });
  r.requests = std::move(kept_);
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace

Result<RunResult> run(const Scenario& scenario, const RunOptions& options) {
  Simulation sim(scenario, options);
  return sim.run();
}

}  // namespace credence::lab
