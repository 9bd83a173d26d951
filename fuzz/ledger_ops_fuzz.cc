// The ledger state machine (core/ledger.h), driven by the input as a sequence of operations on a small world: four
// deterministic Ed25519 keys (DeterministicRandom), one keyless account, a genesis allocation and four
// pre-registered schemas (a plain one; an accreditor schema; an accredited one with a fee, a recipient limit and
// link rules; an off-ledger, irrevocable, allow-listed one). Transactions go through core::Ledger with
// SignatureCheck::already_verified, or signed and checked when the envelope byte asks for it.
//
// Checked after every operation (abort() on violation):
//  - apply() never returns an error with a MemoryNodeStore; when a read fails (operation 11 injects one), it returns
//    that error and leaves the state as it was (the shadow ignores the transaction: same root at the next commit);
//  - a rejected transaction changes nothing and a failed one changes nothing but its author's nonce. Checked
//    against a shadow ledger that sees only the expected effect — each ok transaction, and a bare nonce bump for
//    each failed one: it must answer the same receipts, hold the same number of pending writes (unless a storage
//    failure was injected in the block) and, at every commit, the same root;
//  - nonces and delegation nonces move exactly as the receipts say; the balances of every account sum to the
//    genesis supply, which the state records;
//  - every attestation the operation created or revoked verifies with a verdict (never an error) whose reasons are
//    among those a ledger-made attestation can acquire — "revoked" exactly when it was revoked, "expired" exactly
//    when valid_until has passed. At each commit a window of attestations (all of them when there are few) is
//    checked this way, and one of them is also proven with prove_attestation and verified offline from the bundle,
//    which must give the same verdict.
// At the end of each input, everything is checked once more and the operations are replayed into fresh stores:
// with the same commits the receipts, every root and the store's records are identical; with one commit at the end
// the root is the same (it depends only on the state, never on how writes were batched).
//
// Input format (a missing byte reads as 0, and 0 always picks the ordinary, valid choice). Operation byte % 12:
//   0 commit           [advance]                      closes the block; time advances by an amount from the byte
//   1 register_schema  [env][author][name][fields][flags][policy][rule][anchors]
//   2 attest           [env][author][count] request...
//   3 revoke           [env][author][count] ([target][reason])...
//   4 delegated_attest [env][relayer][attester][delegation] [count] request...
//   5 delegated_revoke [env][relayer][attester][delegation] [count] ([target][reason])...
//   6 revoke_offchain  [env][author][count] [target]...
//   7 timestamp        [env][author][count] [target]...
//   8 transfer         [env][author][to][amount][amount2]
//   9 replay the last transaction exactly
//  10 resubmit the last delegated action in a new envelope [env][relayer]
//  11 make the next transaction's apply() fail at store read number 1 + [nth] (an injected storage failure)
// A request is [schema][shape][recipient per account recipient][external id if any][valid_until][link][data]
// [chain][chain link...]. The bit meanings are in the functions below. CREDENCE_FUZZ_TRACE=1 prints each operation's
// receipt (for writing seeds and reading crashes).
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_support.h"
#include "credence/codec/abi.h"
#include "credence/core/ledger.h"
#include "credence/core/node_store.h"
#include "credence/core/rules.h"
#include "credence/core/smt.h"
#include "credence/core/verify.h"
#include "credence/crypto/hash.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"

namespace {

using credence::fuzz::require;

using namespace credence;
using namespace credence::core;
namespace ed25519 = crypto::ed25519;

constexpr std::uint64_t kChainId = 7;
constexpr std::uint64_t kStartTime = 1'700'000'000;
constexpr std::uint64_t kDay = 86'400;
constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kKeyCount = 4;
constexpr std::size_t kAccountCount = kKeyCount + 1;  // the last account has no key: it only receives
constexpr std::uint64_t kAllocation = 1'000'000;
constexpr std::uint64_t kPoorAllocation = 3;  // key 3 cannot pay the accredited schema's fee of 5
// Bounds the work of one input: ops, and attestations re-verified per commit.
constexpr std::size_t kMaxOps = 200;
constexpr std::size_t kVerifyWindow = 24;

std::size_t pick(std::uint8_t b, std::size_t n) {
  return static_cast<std::size_t>(b) % n;
}

// Two bits of `b` from `shift` on, as an index.
std::size_t bits2(std::uint8_t b, int shift) {
  return static_cast<std::size_t>((b >> shift) & 3);
}

Id tagged_id(const std::string& tag) {
  return crypto::sha256(as_bytes("credence/ledger-ops-fuzz/" + tag));
}

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  [[nodiscard]] bool done() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A field list a schema may declare and data that decodes under it.
struct FieldTemplate {
  std::string fields;
  Bytes data;
};

// What the harness remembers of a registered schema to build attestations that pass (or purposely fail) its rules.
struct KnownSchema {
  Id id{};
  std::size_t field_template = 0;
  DataLocation location = DataLocation::on_ledger;
  bool revocable = true;
  std::uint64_t max_valid_for = 0;
};

// Field-list choices for register_schema: the templates, a non-canonical spelling of template 0 (normalizes to
// it) and two invalid lists.
const std::array<std::string, 7> kFieldChoices = {"uint256 score,string name",
                                                  "bool passed",
                                                  "address subject,bytes32 digest",
                                                  "uint8[] marks",
                                                  "uint score, string  name",
                                                  "",
                                                  "uint7 x"};

struct Fixture {
  std::vector<ed25519::SecretKey> keys;
  std::array<AccountId, kAccountCount> accounts{};
  std::vector<FieldTemplate> templates;
  std::vector<Id> offchain_ids;  // ids only off-ledger revocations and timestamps name
  FixedBytes<20> evm_address{};
  std::uint64_t supply = 0;
  MemoryNodeStore base;  // genesis and the pre-registered schemas, committed
  std::vector<KnownSchema> schemas;
  std::array<std::uint64_t, kKeyCount> nonces{};  // the keys' nonces in `base`
};

Bytes template_data(const std::string& fields, const std::vector<codec::AbiValue>& values) {
  auto params = codec::parse_abi_params(fields);
  require(params.ok());
  std::vector<codec::AbiType> types;
  for (const auto& p : *params) types.push_back(p.type);
  auto data = codec::abi_encode(types, values);
  require(data.ok());
  return *data;
}

std::size_t template_of(const Fixture& f, const Schema& normalized) {
  for (std::size_t i = 0; i < f.templates.size(); ++i) {
    if (f.templates[i].fields == normalized.fields) return i;
  }
  std::abort();  // every valid field choice normalizes to a template
}

KnownSchema known(const Fixture& f, const Schema& normalized) {
  return {schema_id(normalized), template_of(f, normalized), normalized.data_location, normalized.revocable,
          normalized.max_valid_for};
}

const Fixture& fixture() {
  static const Fixture* const kFixture = [] {
    require(crypto::initialize().is_ok());
    auto* f = new Fixture;  // never destroyed: the fuzzer exits without running destructors anyway
    crypto::DeterministicRandom random(std::uint64_t{20240601});
    for (std::size_t i = 0; i < kKeyCount; ++i) {
      f->keys.push_back(ed25519::SecretKey::generate(random));
      f->accounts[i] = f->keys.back().public_key().bytes();
    }
    f->accounts[kKeyCount] = tagged_id("keyless");
    f->evm_address.fill(0x11);
    for (int i = 0; i < 4; ++i) f->offchain_ids.push_back(tagged_id("offchain-" + std::to_string(i)));
    using codec::AbiValue;
    f->templates = {
        {kFieldChoices[0], template_data(kFieldChoices[0], {AbiValue::from_u64(42), AbiValue::string("alice")})},
        {kFieldChoices[1], template_data(kFieldChoices[1], {AbiValue::boolean(true)})},
        {kFieldChoices[2], template_data(kFieldChoices[2], {AbiValue::address(f->evm_address),
                                                            AbiValue::fixed_bytes(tagged_id("digest"))})},
        {kFieldChoices[3],
         template_data(kFieldChoices[3], {AbiValue::list({AbiValue::from_u64(1), AbiValue::from_u64(2)})})},
    };

    auto map = smt::AuthenticatedMap::open(f->base);
    require(map.ok());
    Ledger ledger(*map, kChainId);
    Genesis genesis{kChainId, {}, std::nullopt};
    for (std::size_t i = 0; i < kKeyCount; ++i) {
      genesis.allocations.emplace_back(f->accounts[i], i + 1 == kKeyCount ? kPoorAllocation : kAllocation);
      f->supply += genesis.allocations.back().second;
    }
    require(ledger.apply_genesis(genesis).is_ok());

    auto add_schema = [&](std::size_t registrant, Schema s) {
      s.registrant = f->accounts[registrant];
      Transaction tx{kChainId, f->accounts[registrant], f->nonces[registrant]++, kNever, RegisterSchema{s}};
      auto receipt = ledger.apply(SignedTransaction{tx, {}}, {0, kStartTime}, SignatureCheck::already_verified);
      require(receipt.ok() && receipt->ok());
      require(s.normalize().is_ok());
      f->schemas.push_back(known(*f, s));
    };
    add_schema(0, Schema{"basic", "", {}, kFieldChoices[0], true, 0, DataLocation::on_ledger, {}});
    add_schema(0, Schema{"accreditor", "", {}, kFieldChoices[1], true, 0, DataLocation::on_ledger, {}});
    Policy accredited;
    accredited.accreditation = AccreditationRule{f->schemas[1].id, {f->accounts[0]}, 2};
    accredited.max_per_recipient = 2;
    accredited.fee = 5;
    accredited.link_same_attester = true;
    accredited.link_must_be_valid = true;
    add_schema(1, Schema{"accredited", "", {}, kFieldChoices[0], true, 30 * kDay, DataLocation::on_ledger, accredited});
    Policy allowlisted;
    allowlisted.attester_allowlist = {f->accounts[0], f->accounts[2]};
    add_schema(2, Schema{"evidence", "", {}, kFieldChoices[2], false, 0, DataLocation::off_ledger, allowlisted});
    require(map->commit().ok());
    return f;
  }();
  return *kFixture;
}

// A store with the fixture's base state, the map over it and a ledger over the map. Pinned in place: the map points
// at the store and the ledger at the map.
// A NodeStore over a MemoryNodeStore that fails one chosen read when armed: an injected storage failure.
class FaultyStore final : public NodeStore {
 public:
  explicit FaultyStore(MemoryNodeStore& inner) : inner_(&inner) {}
  Result<bool> get(ByteView key, Bytes& value) const override {
    if (fail_at_ != 0 && ++reads_ == fail_at_) return Status::error("injected_failure", "injected read failure");
    return inner_->get(key, value);
  }
  Status write(const WriteBatch& batch) override { return inner_->write(batch); }
  using NodeStore::get;

  // Fails the `nth` read from now on (1 = the next one).
  void arm(std::size_t nth) {
    fail_at_ = nth;
    reads_ = 0;
  }
  // Stops failing; answers whether the failure was injected.
  bool disarm() {
    const bool fired = fail_at_ != 0 && reads_ >= fail_at_;
    fail_at_ = 0;
    return fired;
  }

 private:
  MemoryNodeStore* inner_;
  std::size_t fail_at_ = 0;
  mutable std::size_t reads_ = 0;
};

struct Replica {
  explicit Replica(const Fixture& f) : store(f.base), faulty(store) {
    auto opened = smt::AuthenticatedMap::open(faulty);
    require(opened.ok());
    map.emplace(std::move(opened).value());
    ledger.emplace(*map, kChainId);
  }
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  Receipt apply(const SignedTransaction& stx, const BlockContext& block, SignatureCheck check) {
    auto receipt = ledger->apply(stx, block, check);
    require(receipt.ok());  // a MemoryNodeStore never fails, so neither may apply()
    return std::move(receipt).value();
  }
  Hash256 commit() {
    auto root = map->commit();
    require(root.ok());
    return *root;
  }
  std::uint64_t u64(const Hash256& key) const {
    auto v = load_u64(ledger->view(), key);
    require(v.ok());
    return *v;
  }
  // Native amounts: the supply is a u64 sum of allocations, so every balance fits in 64 bits.
  std::uint64_t amount(const Hash256& key) const {
    auto v = load_u256(ledger->view(), key);
    require(v.ok() && v->fits_u64());
    return v->low_u64();
  }
  std::uint64_t native_supply() const {
    auto native = load_asset(ledger->view(), kNativeAsset);
    require(native.ok() && native->has_value() && (*native)->supply.fits_u64());
    return (*native)->supply.low_u64();
  }

  MemoryNodeStore store;
  FaultyStore faulty;  // the map's store: `store`, with failures injected on request
  std::optional<smt::AuthenticatedMap> map;
  std::optional<Ledger> ledger;
};

bool same_receipt(const Receipt& a, const Receipt& b) {
  return a.transaction == b.transaction && a.included == b.included && a.code == b.code && a.created == b.created;
}

// One entry of the log replayed at the end: a transaction applied in a block, or a commit.
struct Step {
  bool commit = false;
  SignedTransaction stx;
  BlockContext block;
  SignatureCheck check = SignatureCheck::already_verified;
  Receipt receipt;
  Hash256 root{};
};

struct Created {
  Id id{};
  AttestationRequest request;
  bool revoked = false;
};

// The reasons a verdict on a ledger-made attestation may give: the ledger checked everything else at creation,
// and schemas, links and chains never change or disappear afterwards.
bool reason_allowed(const std::string& code) {
  static const std::set<std::string> kAllowed = {"revoked", "expired", "accreditation_revoked", "accreditation_expired",
                                                 "linked_invalid"};
  return kAllowed.count(code) != 0;
}

class Run {
 public:
  explicit Run(const Fixture& f)
      : f_(f),
        main_(f),
        shadow_(f),
        schemas_(f.schemas),
        nonces_(f.nonces),
        trace_(std::getenv("CREDENCE_FUZZ_TRACE") != nullptr) {}

  void step(Input& in) {
    const auto op = static_cast<std::uint8_t>(in.byte() % 12);
    touched_.clear();
    switch (op) {
      case 0:
        commit(in.byte());
        return;
      case 1:
        register_schema(in);
        break;
      case 2:
        attest(in);
        break;
      case 3:
        revoke(in);
        break;
      case 4:
        delegated(in, true);
        break;
      case 5:
        delegated(in, false);
        break;
      case 6:
        mark_ids(in, true);
        break;
      case 7:
        mark_ids(in, false);
        break;
      case 8:
        transfer(in);
        break;
      case 9:
        if (last_) submit(*last_, last_check_);
        break;
      case 10:
        resubmit_delegation(in);
        break;
      default:
        fault_ = 1 + std::size_t{in.byte()};
        return;
    }
    check_accounts();
    for (const std::size_t i : touched_) verify(i);
  }

  void finish() {
    commit_block();
    for (std::size_t i = 0; i < created_.size(); ++i) verify(i);
    replay();
  }

 private:
  // ---- envelopes and submission

  // The envelope byte: below 0xc0 an ordinary envelope (this chain, the next nonce, no expiry, the signature taken
  // as checked), so that most inputs reach the bodies; from 0xc0 on, (env - 0xc0) % 9 picks a variant: 0 nonce + 1,
  // 1 nonce - 1, 2 another chain, 3 expired, 4 expiring this very block (still valid), 5 signed and checked,
  // 6 signed by another key and checked, 7 unsigned and checked, 8 signed, checked and expiring this block.
  void seal_and_submit(std::uint8_t env, std::size_t author, Body body) {
    const int variant = env < 0xc0 ? -1 : (env - 0xc0) % 9;
    Transaction tx;
    tx.chain_id = variant == 2 ? kChainId + 1 : kChainId;
    tx.author = f_.accounts[author];
    tx.nonce = nonces_[author];
    if (variant == 0) ++tx.nonce;
    if (variant == 1) --tx.nonce;
    tx.expires_at = variant == 3 ? block_.time - 1 : (variant == 4 || variant == 8) ? block_.time : kNever;
    tx.body = std::move(body);
    SignatureCheck check = SignatureCheck::verify;
    SignedTransaction stx;
    if (variant == 5 || variant == 8) {
      stx = sign_transaction(std::move(tx), f_.keys[author]);
    } else if (variant == 6) {
      stx = sign_transaction(tx, f_.keys[(author + 1) % kKeyCount]);
      stx.tx.author = f_.accounts[author];
    } else {
      stx.tx = std::move(tx);
      if (variant != 7) check = SignatureCheck::already_verified;
    }
    submit(stx, check);
  }

  void submit(const SignedTransaction& stx, SignatureCheck check) {
    last_ = stx;
    last_check_ = check;
    const std::size_t author = key_index(stx.tx.author);

    if (fault_ != 0) {
      // A storage failure inside apply() must surface as an error and leave the state exactly as it was: the
      // shadow and the model ignore the transaction, and the next checks compare them with the main ledger.
      main_.faulty.arm(std::exchange(fault_, 0));
      auto result = main_.ledger->apply(stx, block_, check);
      if (main_.faulty.disarm()) {
        require(!result.ok() && result.status().is_error());
        failure_in_block_ = true;
        if (trace_)
          std::fprintf(stderr, "  %s by key %zu: %s\n", body_name(stx.tx.body), author,
                       result.status().to_string().c_str());
        return;
      }
      require(result.ok());
      after_apply(stx, check, *result);
      return;
    }
    after_apply(stx, check, main_.apply(stx, block_, check));
  }

  // Checks a receipt of the main ledger against the shadow and updates the model.
  void after_apply(const SignedTransaction& stx, SignatureCheck check, const Receipt& receipt) {
    const std::size_t author = key_index(stx.tx.author);
    if (trace_) {
      std::fprintf(stderr, "  %s by key %zu: %s %s %s\n", body_name(stx.tx.body), author,
                   receipt.included ? "included" : "rejected", receipt.code.c_str(), receipt.message.c_str());
    }
    if (!receipt.included) {
      require(!receipt.ok() && receipt.created.empty());
    } else if (!receipt.ok()) {
      require(receipt.created.empty());
      shadow_.map->put(nonce_key(stx.tx.author), encode_u64(nonces_[author] + 1));
      ++nonces_[author];
    } else {
      require(same_receipt(shadow_.apply(stx, block_, SignatureCheck::already_verified), receipt));
      ++nonces_[author];
      learn(stx.tx, receipt);
    }
    log_.push_back(Step{false, stx, block_, check, receipt, {}});
  }

  // Updates the model after an ok receipt.
  void learn(const Transaction& tx, const Receipt& receipt) {
    std::visit(
        [&](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, RegisterSchema>) {
            Schema s = b.schema;
            require(s.normalize().is_ok());
            require(receipt.created.size() == 1 && receipt.created[0] == schema_id(s));
            schemas_.push_back(known(f_, s));
          } else if constexpr (std::is_same_v<T, Attest>) {
            add_created(b, receipt);
          } else if constexpr (std::is_same_v<T, DelegatedAttest>) {
            add_created(b.payload, receipt);
            ++delegation_nonces_[key_index(b.delegation.attester)];
          } else if constexpr (std::is_same_v<T, Revoke>) {
            mark_revoked(b);
          } else if constexpr (std::is_same_v<T, DelegatedRevoke>) {
            mark_revoked(b.payload);
            ++delegation_nonces_[key_index(b.delegation.attester)];
          } else {
            require(receipt.created.empty());
          }
        },
        tx.body);
  }

  void add_created(const Attest& a, const Receipt& receipt) {
    require(receipt.created.size() == a.requests.size());
    for (std::size_t i = 0; i < a.requests.size(); ++i) {
      require(index_.emplace(receipt.created[i], created_.size()).second);  // ids never repeat
      touched_.push_back(created_.size());
      created_.push_back({receipt.created[i], a.requests[i], false});
    }
  }

  void mark_revoked(const Revoke& v) {
    for (const auto& r : v.revocations) {
      const auto it = index_.find(r.id);
      require(it != index_.end() && !created_[it->second].revoked);
      created_[it->second].revoked = true;
      touched_.push_back(it->second);
    }
  }

  std::size_t key_index(const AccountId& account) const {
    const auto it = std::find(f_.accounts.begin(), f_.accounts.begin() + kKeyCount, account);
    require(it != f_.accounts.begin() + kKeyCount);
    return static_cast<std::size_t>(it - f_.accounts.begin());
  }

  // ---- operations

  void register_schema(Input& in) {
    const std::uint8_t env = in.byte();
    const std::size_t author = pick(in.byte(), kKeyCount);
    Schema s;
    s.name = "schema-" + std::to_string(in.byte() % 8);  // few names, so the same schema is registered again
    s.fields = kFieldChoices[pick(in.byte(), kFieldChoices.size())];
    // flags: 0x01 irrevocable, 0x02 off-ledger, 0x0c max_valid_for, 0x10 another registrant, 0x20 long description.
    const std::uint8_t flags = in.byte();
    s.revocable = (flags & 0x01) == 0;
    s.data_location = (flags & 0x02) != 0 ? DataLocation::off_ledger : DataLocation::on_ledger;
    static constexpr std::array<std::uint64_t, 4> kMaxValidFor = {0, 3600, 30 * kDay, 1};
    s.max_valid_for = kMaxValidFor[bits2(flags, 2)];
    s.registrant = f_.accounts[(flags & 0x10) != 0 ? (author + 1) % kKeyCount : author];
    if ((flags & 0x20) != 0) s.description = std::string(kMaxDescriptionLength + 1, 'd');
    // policy: 0x03 allow-list, 0x0c max_per_recipient, 0x30 fee, 0x40 link_same_attester, 0x80 link_must_be_valid.
    const std::uint8_t policy = in.byte();
    switch (policy & 3) {
      case 1:
        s.policy.attester_allowlist = {f_.accounts[author]};
        break;
      case 2:
        s.policy.attester_allowlist = {f_.accounts[0], f_.accounts[2]};
        break;
      case 3:
        s.policy.attester_allowlist = {f_.accounts[1], f_.accounts[1]};
        break;  // duplicates: bad_policy
      default:
        break;
    }
    static constexpr std::array<std::uint32_t, 4> kPerRecipient = {0, 1, 2, 0};
    static constexpr std::array<std::uint64_t, 4> kFee = {0, 5, kAllocation * 10, 1};
    s.policy.max_per_recipient = kPerRecipient[bits2(policy, 2)];
    s.policy.fee = kFee[bits2(policy, 4)];
    s.policy.link_same_attester = (policy & 0x40) != 0;
    s.policy.link_must_be_valid = (policy & 0x80) != 0;
    // rule: 0 none; else 0x80 an unknown schema, otherwise a known one; anchors: low nibble a key mask (empty:
    // bad_policy), high nibble max_depth % 10 (0 and 9: bad_policy).
    const std::uint8_t rule = in.byte();
    const std::uint8_t anchors = in.byte();
    if (rule != 0) {
      AccreditationRule r;
      r.schema = (rule & 0x80) != 0 ? tagged_id("unknown-schema")
                                    : schemas_[pick(static_cast<std::uint8_t>(rule & 0x7f), schemas_.size())].id;
      for (std::size_t k = 0; k < kKeyCount; ++k) {
        if (((anchors >> k) & 1) != 0) r.trust_anchors.push_back(f_.accounts[k]);
      }
      r.max_depth = static_cast<std::uint8_t>((anchors >> 4) % 10);
      s.policy.accreditation = std::move(r);
    }
    seal_and_submit(env, author, RegisterSchema{std::move(s)});
  }

  const Id& some_created(std::uint8_t b, const Id& otherwise) const {
    return created_.empty() ? otherwise : created_[pick(b, created_.size())].id;
  }

  // [schema] 255: an unknown schema, else a known one.
  // [shape] 0x03 account recipients {1,2,3,0} (one byte each: which account), 0x04 + an EVM address, 0x08 + an
  // external id (one byte), 0x10 repeat the first recipient, 0x20 flip revocable (default: the schema's),
  // 0x40 indexing key, 0x80 over-long indexing key.
  // [valid_until] %8: schema default, none, now (already expired), now+1, beyond max_valid_for, +1 min, +1 day,
  // +byte*977 s. [link] 0 none, 255 a missing id, else a created attestation. [data] %6: valid in the schema's
  // location, the other location, garbage, another template's data, on-ledger data with a hash (or off-ledger with
  // bytes), over-long data. [chain] 0 none, 254 nine links (too many), else 1..3 links, one byte each (255: missing).
  AttestationRequest request(Input& in) {
    AttestationRequest q;
    const std::uint8_t schema_choice = in.byte();
    const KnownSchema* schema = schema_choice == 255 ? nullptr : &schemas_[pick(schema_choice, schemas_.size())];
    q.schema = schema != nullptr ? schema->id : tagged_id("unknown-schema");

    const std::uint8_t shape = in.byte();
    static constexpr std::array<std::size_t, 4> kAccountRecipients = {1, 2, 3, 0};
    for (std::size_t i = 0; i < kAccountRecipients[bits2(shape, 0)]; ++i) {
      q.recipients.push_back(Recipient::account(f_.accounts[pick(in.byte(), kAccountCount)]));
    }
    if ((shape & 0x04) != 0) q.recipients.push_back(Recipient::evm_address(f_.evm_address));
    if ((shape & 0x08) != 0) q.recipients.push_back(Recipient::external("did:example:" + std::to_string(in.byte())));
    if ((shape & 0x10) != 0 && !q.recipients.empty()) q.recipients.push_back(q.recipients.front());
    q.revocable = schema != nullptr ? schema->revocable : true;
    if ((shape & 0x20) != 0) q.revocable = !q.revocable;
    if ((shape & 0x40) != 0) q.indexing_key = "index";
    if ((shape & 0x80) != 0) q.indexing_key = std::string(kMaxIndexingKeyLength + 1, 'k');

    const std::uint8_t valid = in.byte();
    const std::uint64_t now = block_.time;
    const std::uint64_t max_valid_for = schema != nullptr ? schema->max_valid_for : 0;
    switch (valid % 8) {
      case 0:
        q.valid_until = max_valid_for != 0 ? now + max_valid_for : 0;
        break;
      case 1:
        q.valid_until = 0;
        break;
      case 2:
        q.valid_until = now;
        break;
      case 3:
        q.valid_until = now + 1;
        break;
      case 4:
        q.valid_until = now + max_valid_for + 1;
        break;
      case 5:
        q.valid_until = now + 60;
        break;
      case 6:
        q.valid_until = now + kDay;
        break;
      default:
        q.valid_until = now + 1 + std::uint64_t{valid} * 977;
        break;
    }

    const std::uint8_t link = in.byte();
    if (link == 255) {
      q.linked = tagged_id("missing");
    } else if (link != 0 && !created_.empty()) {
      q.linked = created_[pick(static_cast<std::uint8_t>(link - 1), created_.size())].id;
    }

    const std::uint8_t data = in.byte();
    const std::size_t tmpl = schema != nullptr ? schema->field_template : 0;
    DataLocation location = schema != nullptr ? schema->location : DataLocation::on_ledger;
    const FieldTemplate* payload = &f_.templates[tmpl];
    switch (data % 6) {
      case 1:
        location = location == DataLocation::on_ledger ? DataLocation::off_ledger : DataLocation::on_ledger;
        break;
      case 3:
        payload = &f_.templates[(tmpl + 1) % f_.templates.size()];
        break;
      default:
        break;
    }
    q.data.location = location;
    if (location == DataLocation::on_ledger) {
      q.data.data = payload->data;
      if (data % 6 == 2) q.data.data = {1, 2, 3};
      if (data % 6 == 4) q.data.data_hash = crypto::sha256(payload->data);
      if (data % 6 == 5) q.data.data.assign(kMaxDataLength + 1, 0);
    } else {
      q.data.data_hash = crypto::sha256(payload->data);
      q.data.uri = "ipfs://evidence";
      if (data % 6 == 2) q.data.uri = std::string(kMaxUriLength + 1, 'u');
      if (data % 6 == 4) q.data.data = payload->data;
    }

    const std::uint8_t chain = in.byte();
    if (chain == 254) {
      q.accreditation.assign(kMaxAccreditationDepth + 1, tagged_id("missing"));
    } else if (chain != 0) {
      const std::size_t n = 1 + pick(static_cast<std::uint8_t>(chain - 1), 3);
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t b = in.byte();
        q.accreditation.push_back(b == 255 ? tagged_id("missing") : some_created(b, tagged_id("missing")));
      }
    }
    return q;
  }

  // [count] 255: none (an empty batch), else 1..3.
  Attest attest_body(Input& in) {
    const std::uint8_t count = in.byte();
    Attest a;
    if (count != 255) {
      for (std::size_t i = 0, n = 1 + pick(count, 3); i < n; ++i) a.requests.push_back(request(in));
    }
    return a;
  }

  // [count] 255: none, else 1..2; each [target] (255: missing, else a created attestation) and [reason] %4: none,
  // a word, over-long, a number.
  Revoke revoke_body(Input& in) {
    const std::uint8_t count = in.byte();
    Revoke v;
    if (count == 255) return v;
    for (std::size_t i = 0, n = 1 + pick(count, 2); i < n; ++i) {
      Revocation r;
      const std::uint8_t target = in.byte();
      r.id = target == 255 ? tagged_id("missing") : some_created(target, tagged_id("missing"));
      const std::uint8_t reason = in.byte();
      switch (reason % 4) {
        case 1:
          r.reason = "superseded";
          break;
        case 2:
          r.reason = std::string(kMaxReasonLength + 1, 'r');
          break;
        case 3:
          r.reason = "reason " + std::to_string(reason);
          break;
        default:
          break;
      }
      v.revocations.push_back(std::move(r));
    }
    return v;
  }

  void attest(Input& in) {
    const std::uint8_t env = in.byte();
    const std::size_t author = pick(in.byte(), kKeyCount);
    seal_and_submit(env, author, attest_body(in));
  }

  void revoke(Input& in) {
    const std::uint8_t env = in.byte();
    const std::size_t author = pick(in.byte(), kKeyCount);
    seal_and_submit(env, author, revoke_body(in));
  }

  // [delegation] 0x03 nonce: next, next - 1 (replayed), next + 1, next; 0x0c deadline: later, past (late), this
  // block, never; 0x30 signature: the attester's, another key's, for another chain, over a payload changed after.
  void delegated(Input& in, bool is_attest) {
    const std::uint8_t env = in.byte();
    const std::size_t relayer = pick(in.byte(), kKeyCount);
    const std::size_t attester = pick(in.byte(), kKeyCount);
    const std::uint8_t variant = in.byte();
    Delegation d;
    d.attester = f_.accounts[attester];
    d.nonce = delegation_nonces_[attester];
    if ((variant & 3) == 1) --d.nonce;
    if ((variant & 3) == 2) ++d.nonce;
    switch (bits2(variant, 2)) {
      case 0:
        d.deadline = block_.time + 1000;
        break;
      case 1:
        d.deadline = block_.time - 1;
        break;
      case 2:
        d.deadline = block_.time;
        break;
      default:
        d.deadline = kNever;
        break;
    }
    Body payload = is_attest ? Body(attest_body(in)) : Body(revoke_body(in));
    const std::size_t sig = bits2(variant, 4);
    sign_delegation(sig == 2 ? kChainId + 1 : kChainId, d, payload,
                    f_.keys[sig == 1 ? (attester + 1) % kKeyCount : attester]);
    d.attester = f_.accounts[attester];
    if (sig == 3) {
      if (auto* a = std::get_if<Attest>(&payload); a != nullptr && !a->requests.empty()) {
        a->requests[0].indexing_key = "changed after signing";
      } else if (auto* v = std::get_if<Revoke>(&payload); v != nullptr && !v->revocations.empty()) {
        v->revocations[0].reason = "changed after signing";
      }
    }
    last_delegated_ = std::make_pair(d, payload);
    submit_delegated(env, relayer, d, std::move(payload));
  }

  void submit_delegated(std::uint8_t env, std::size_t relayer, const Delegation& d, Body payload) {
    if (auto* a = std::get_if<Attest>(&payload)) {
      seal_and_submit(env, relayer, DelegatedAttest{d, std::move(*a)});
    } else {
      seal_and_submit(env, relayer, DelegatedRevoke{d, std::get<Revoke>(std::move(payload))});
    }
  }

  void resubmit_delegation(Input& in) {
    const std::uint8_t env = in.byte();
    const std::size_t relayer = pick(in.byte(), kKeyCount);
    if (last_delegated_) submit_delegated(env, relayer, last_delegated_->first, last_delegated_->second);
  }

  // [count] 255: none, else 1..3 ids; each [target]: one of four off-ledger ids, or a created attestation's.
  void mark_ids(Input& in, bool revocation) {
    const std::uint8_t env = in.byte();
    const std::size_t author = pick(in.byte(), kKeyCount);
    const std::uint8_t count = in.byte();
    std::vector<Id> ids;
    if (count != 255) {
      for (std::size_t i = 0, n = 1 + pick(count, 3); i < n; ++i) {
        const std::size_t t = pick(in.byte(), f_.offchain_ids.size() + created_.size());
        ids.push_back(t < f_.offchain_ids.size() ? f_.offchain_ids[t] : created_[t - f_.offchain_ids.size()].id);
      }
    }
    if (revocation) {
      seal_and_submit(env, author, RevokeOffchain{std::move(ids)});
    } else {
      seal_and_submit(env, author, Timestamp{std::move(ids)});
    }
  }

  // [to] an account; [amount] %6: 1 + [amount2], the whole balance, one more than the balance (overdrawn), zero,
  // the largest u64, half an allocation.
  void transfer(Input& in) {
    const std::uint8_t env = in.byte();
    const std::size_t author = pick(in.byte(), kKeyCount);
    Transfer t;
    t.to = f_.accounts[pick(in.byte(), kAccountCount)];
    const std::uint8_t amount = in.byte();
    const std::uint64_t balance = main_.amount(balance_key(f_.accounts[author]));
    switch (amount % 6) {
      case 0:
        t.amount = U256::from_u64(1 + std::uint64_t{in.byte()});
        break;
      case 1:
        t.amount = U256::from_u64(balance);
        break;
      case 2:
        t.amount = U256::from_u64(balance + 1);
        break;
      case 3:
        t.amount = U256();
        break;
      case 4:
        t.amount = U256::from_u64(kNever);
        break;
      default:
        t.amount = U256::from_u64(kAllocation / 2);
        break;
    }
    seal_and_submit(env, author, t);
  }

  // [advance] <128: that many seconds; <192: hours; <255: days; 255: 400 days.
  void commit(std::uint8_t advance) {
    commit_block();
    std::uint64_t seconds = advance;
    if (advance >= 128) seconds = (advance - 127u) * 3600;
    if (advance >= 192) seconds = (advance - 191u) * kDay;
    if (advance == 255) seconds = 400 * kDay;
    block_.time += seconds;
    ++block_.height;
    if (trace_)
      std::fprintf(stderr, "commit: block %llu at %llu\n", static_cast<unsigned long long>(block_.height),
                   static_cast<unsigned long long>(block_.time));
    check_accounts();

    // A window of attestations, moving with each commit; and one of them proven and verified offline.
    if (created_.empty()) return;
    const std::size_t n = std::min(created_.size(), kVerifyWindow);
    const std::size_t start = created_.size() <= kVerifyWindow ? 0 : (commits_ * kVerifyWindow) % created_.size();
    for (std::size_t i = 0; i < n; ++i) verify((start + i) % created_.size());
    const Created& c = created_[commits_ % created_.size()];
    auto bundle = prove_attestation(*main_.map, c.id, block_.time);
    require(bundle.ok());
    auto view = ProofView::make(*bundle, main_.map->root());
    require(view.ok());
    auto offline = verify_attestation(*view, c.id, block_.time);
    auto online = verify_attestation(main_.ledger->view(), c.id, block_.time);
    require(offline.ok() && online.ok() && offline->reasons == online->reasons);
  }

  void commit_block() {
    const Hash256 root = main_.commit();
    require(shadow_.commit() == root);
    log_.push_back(Step{true, {}, block_, SignatureCheck::already_verified, {}, root});
    ++commits_;
    failure_in_block_ = false;
  }

  // ---- invariants

  void check_accounts() {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < kAccountCount; ++i) {
      const std::uint64_t balance = main_.amount(balance_key(f_.accounts[i]));
      require(balance == shadow_.amount(balance_key(f_.accounts[i])));
      require(total + balance >= total);
      total += balance;
    }
    require(total == f_.supply && main_.native_supply() == f_.supply);
    for (std::size_t i = 0; i < kKeyCount; ++i) {
      require(main_.u64(nonce_key(f_.accounts[i])) == nonces_[i]);
      require(main_.u64(delegation_nonce_key(f_.accounts[i])) == delegation_nonces_[i]);
    }
    // The error path of apply() may leave a pending write of an unchanged value, so after an injected failure only
    // the next commit's root can tell.
    if (!failure_in_block_) require(main_.map->pending_count() == shadow_.map->pending_count());
  }

  void verify(std::size_t i) {
    const Created& c = created_[i];
    auto verdict = verify_attestation(main_.ledger->view(), c.id, block_.time);
    require(verdict.ok());
    require(verdict->has("revoked") == c.revoked);
    require(verdict->has("expired") == is_expired(c.request, block_.time));
    for (const auto& r : verdict->reasons) require(reason_allowed(r.code));
  }

  // Replays the log into fresh replicas: with the same commits (same receipts, roots and records), and with one
  // commit at the end (same final root).
  void replay() {
    Replica same(f_);
    Replica once(f_);
    Hash256 last_root{};
    for (const Step& s : log_) {
      if (s.commit) {
        require(same.commit() == s.root);
        last_root = s.root;
        continue;
      }
      require(same_receipt(same.apply(s.stx, s.block, s.check), s.receipt));
      require(same_receipt(once.apply(s.stx, s.block, s.check), s.receipt));
    }
    require(once.commit() == last_root);
    require(same.store == main_.store);
  }

  const Fixture& f_;
  Replica main_;
  Replica shadow_;
  std::vector<KnownSchema> schemas_;
  std::array<std::uint64_t, kKeyCount> nonces_;
  std::array<std::uint64_t, kKeyCount> delegation_nonces_{};
  std::vector<Created> created_;
  std::map<Id, std::size_t> index_;
  std::vector<std::size_t> touched_;  // created_ positions the current operation created or revoked
  BlockContext block_{1, kStartTime + 1};
  std::size_t commits_ = 0;
  std::optional<SignedTransaction> last_;
  SignatureCheck last_check_ = SignatureCheck::already_verified;
  std::optional<std::pair<Delegation, Body>> last_delegated_;
  std::vector<Step> log_;
  std::size_t fault_ = 0;  // when set, the next transaction's apply() fails at that store read
  bool failure_in_block_ = false;
  bool trace_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = fixture();
  Input in(data, size);
  Run run(f);
  for (std::size_t ops = 0; ops < kMaxOps && !in.done(); ++ops) run.step(in);
  run.finish();
  return 0;
}
