// The HTTP API (docs/api.md) against a real Node on a temporary data directory, driven through httplib::Client on
// 127.0.0.1: every route, the status code of every refusal, and that no refusal changes the state root.
#include "credence/node/http_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../core/test_support.h"
#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/core/merkle_tree.h"
#include "credence/core/state.h"
#include "credence/core/verify.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"
#include "credence/node/node.h"
#include "credence/node/status_lists.h"

namespace credence::node {
namespace {

using codec::Json;
using core::test::Account;

constexpr std::uint64_t kChain = 4242;
constexpr std::uint64_t kFunds = 1'000'000'000;
constexpr std::size_t kMaxBody = 256 * 1024;
constexpr int kWaitMs = 10'000;  // bound of every ?wait and Node::wait in these tests

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string hex(ByteView b) { return codec::hex_encode_0x(b); }

core::SignedTransaction sign(const Account& author, std::uint64_t nonce, core::Body body,
                             std::uint64_t chain_id = kChain, std::optional<std::uint64_t> expires_at = {}) {
  return core::sign_transaction(
      core::Transaction{chain_id, author.id(), nonce, expires_at ? *expires_at : unix_now() + 3600, std::move(body)},
      author.key());
}

core::SignedTransaction transfer(const Account& from, std::uint64_t nonce, const Account& to, std::uint64_t amount = 1) {
  return sign(from, nonce, core::Transfer{to.id(), codec::U256::from_u64(amount)});
}

std::string json_text(const core::SignedTransaction& stx) { return codec::dump_json(core::to_json(stx)); }

std::string binary_text(const Bytes& b) { return std::string(b.begin(), b.end()); }

Json parse(const httplib::Result& res) {
  if (!res) return Json();
  auto j = codec::parse_json(res->body);
  return j ? *j : Json();
}

// "status code" and the error code of a refusal, for compact assertions.
std::string error_code(const httplib::Result& res) {
  const Json j = parse(res);
  if (!j.is_object() || !j.contains("error")) return "(no error object: " + (res ? res->body : "no response") + ")";
  return j["error"]["code"].get<std::string>();
}

::testing::AssertionResult refused(const httplib::Result& res, int status, std::string_view code) {
  if (!res) return ::testing::AssertionFailure() << "no response: " << httplib::to_string(res.error());
  const std::string got = error_code(res);
  if (res->status != status || got != code) {
    return ::testing::AssertionFailure() << "expected " << status << " " << code << ", got " << res->status << " "
                                         << res->body;
  }
  if (res->get_header_value("Content-Type") != "application/json") {
    return ::testing::AssertionFailure() << "error answered as " << res->get_header_value("Content-Type");
  }
  return ::testing::AssertionSuccess();
}

std::string query_escape(const std::string& v) { return httplib::detail::encode_query_param(v); }

// A node on a fresh temporary directory with an HTTP server on 127.0.0.1 (ephemeral port).
class ApiTest : public ::testing::Test {
 protected:
  // Hook for tests that need other limits; called before start().
  virtual void configure(NodeConfig&) {}
  // Hook for tests that give the server more to serve (status lists); called before start().
  virtual void before_start(HttpServer&) {}
  // Hook for tests of ordering: the node's sequencer.
  virtual std::unique_ptr<Sequencer> make_sequencer() { return std::make_unique<LocalSequencer>(); }

  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("credence_api_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    NodeConfig config;
    config.data_dir = dir_;
    config.genesis.chain_id = kChain;
    config.genesis.allocations = {{alice_.id(), kFunds}};
    config.block_interval_ms = 20;
    config.http_threads = 4;
    config.verify_threads = 2;
    config.http_max_body_bytes = kMaxBody;
    config.sync = false;  // durability is not under test here
    configure(config);
    auto node = Node::start(config, make_sequencer());
    ASSERT_TRUE(node.ok()) << node.status().to_string();
    node_ = std::move(*node);
    server_ = std::make_unique<HttpServer>(*node_);
    before_start(*server_);
    const Status s = server_->start("127.0.0.1", 0);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    ASSERT_NE(server_->port(), 0);
  }

  void TearDown() override {
    if (server_) server_->stop();
    server_.reset();
    if (node_) node_->stop();
    node_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_connection_timeout(5);
    c.set_read_timeout(20);
    c.set_write_timeout(20);
    c.set_url_encode(false);  // tests encode their query strings themselves
    return c;
  }

  httplib::Result get(const std::string& path) const { return client().Get(path); }
  httplib::Result post(const std::string& path, const std::string& body, const std::string& type) const {
    return client().Post(path, body, type);
  }
  httplib::Result post_json(const std::string& path, const std::string& body) const {
    return post(path, body, "application/json");
  }

  // Submits with ?wait and expects the transaction committed with an ok receipt; returns the status object.
  Json commit(const core::SignedTransaction& stx, bool binary = false) {
    const auto res = binary ? post("/v1/transactions?wait=" + std::to_string(kWaitMs), binary_text(core::encode(stx)),
                                   "application/octet-stream")
                            : post_json("/v1/transactions?wait=" + std::to_string(kWaitMs), json_text(stx));
    EXPECT_TRUE(res) << "no response";
    if (!res) return Json();
    EXPECT_EQ(res->status, 200) << res->body;
    const Json j = parse(res);
    EXPECT_EQ(j.value("status", ""), "committed") << res->body;
    EXPECT_EQ(j["receipt"].value("code", ""), "ok") << res->body;
    return j;
  }

  std::string state_root() const {
    const Json j = parse(get("/v1/state/root"));
    return j.value("state_root", "");
  }

  // Waits (bounded) for a transaction admitted without ?wait to leave the pending state.
  TransactionStatus settle(const core::Id& id) const {
    return node_->wait(id, std::chrono::milliseconds(kWaitMs));
  }

  const Account alice_{1};
  const Account bob_{2};
  const Account carol_{3};
  std::filesystem::path dir_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<HttpServer> server_;
};

// ---------------------------------------------------------------------------------------------------------------

TEST(TransactionBatch, RoundTripsAndRefusesMalformedFraming) {
  const Account a(1), b(2);
  std::vector<core::SignedTransaction> txs{transfer(a, 0, b), transfer(a, 1, b, 7), transfer(b, 0, a)};
  const Bytes encoded = encode_transaction_batch(txs);
  auto decoded = decode_transaction_batch(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(*decoded, txs);
  auto split = split_transaction_batch(encoded);
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->size(), 3u);
  EXPECT_EQ(Bytes((*split)[1].begin(), (*split)[1].end()), core::encode(txs[1]));

  EXPECT_TRUE(decode_transaction_batch(encode_transaction_batch({})).ok());
  // Every proper prefix is refused, as is a trailing byte.
  for (std::size_t n = 0; n < encoded.size(); n += 7) {
    EXPECT_FALSE(decode_transaction_batch(ByteView(encoded).first(n)).ok()) << n;
  }
  Bytes trailing = encoded;
  trailing.push_back(0);
  EXPECT_EQ(decode_transaction_batch(trailing).status().code(), "trailing_bytes");
  codec::Writer wrong_tag("credence/tx-batcH", kTransactionBatchVersion);
  wrong_tag.varint(0);
  EXPECT_EQ(decode_transaction_batch(wrong_tag.data()).status().code(), "bad_tag");
  codec::Writer v2(kTransactionBatchTag, 2);
  v2.varint(0);
  EXPECT_EQ(decode_transaction_batch(v2.data()).status().code(), "unsupported_version");
  // Too many: 10,001 empty items frame correctly but exceed the limit.
  codec::Writer many(kTransactionBatchTag, kTransactionBatchVersion);
  many.varint(kMaxBatchTransactions + 1);
  for (std::size_t i = 0; i <= kMaxBatchTransactions; ++i) many.bytes({});
  EXPECT_EQ(split_transaction_batch(many.data()).status().code(), "too_many_transactions");
  // A framed item that is not a transaction fails decode (not split), naming its position.
  codec::Writer junk(kTransactionBatchTag, kTransactionBatchVersion);
  junk.varint(2).bytes(core::encode(txs[0])).bytes(Bytes{1, 2, 3});
  EXPECT_TRUE(split_transaction_batch(junk.data()).ok());
  auto bad = decode_transaction_batch(junk.data());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("transaction 1"), std::string::npos) << bad.status().to_string();
}

TEST_F(ApiTest, HealthMetricsAndOpenApi) {
  auto res = get("/v1/health");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const Json h = parse(res);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["chain_id"], kChain);
  EXPECT_EQ(h["height"], 0u);
  EXPECT_EQ(h["head"].get<std::string>().size(), 66u);
  EXPECT_EQ(h["state_root"], state_root());
  EXPECT_GE(h["time"].get<std::uint64_t>(), unix_now() - 60);
  EXPECT_EQ(h["mempool"], 0u);
  EXPECT_TRUE(h["version"].is_string());

  // The metrics count every answered request, including errors; the counter is bumped after the answer is
  // written, so poll (bounded).
  ASSERT_TRUE(refused(get("/v1/nowhere"), 404, "not_found"));
  std::string metrics;
  for (int i = 0; i < 200; ++i) {
    res = get("/metrics");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4");
    metrics = res->body;
    if (metrics.find("credence_http_responses_total{code=\"404\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(metrics.find("credence_http_responses_total{code=\"404\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("credence_http_requests_total"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("credence_http_responses_total{code=\"200\"}"), std::string::npos) << metrics;

  // The embedded OpenAPI document describes every route of docs/api.md.
  res = get("/v1/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const Json doc = parse(res);
  ASSERT_TRUE(doc.is_object()) << res->body.substr(0, 200);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const std::map<std::string, std::string> routes{
      {"/v1/health", "get"},           {"/metrics", "get"},
      {"/v1/openapi.json", "get"},     {"/v1/transactions", "post"},
      {"/v1/transactions/batch", "post"}, {"/v1/transactions/{id}", "get"},
      {"/v1/blocks/latest", "get"},    {"/v1/blocks/{height}", "get"},
      {"/v1/accounts/{account}", "get"}, {"/v1/assets/{id}", "get"},
      {"/v1/assets/{id}/concentration", "get"}, {"/v1/distributions/{id}", "get"},
      {"/v1/distributions/{id}/claims/{claimant}", "get"},
      {"/v1/state/root", "get"},
      {"/v1/state/proof/{key}", "get"}, {"/v1/schemas", "get"},
      {"/v1/schemas/{id}", "get"},     {"/v1/attestations", "get"},
      {"/v1/attestations/{id}", "get"}, {"/v1/verify/{id}", "get"},
      {"/v1/verify/offchain", "post"}, {"/v1/verify", "post"},
      {"/v1/committee", "get"},        {"/v1/checkpoints/latest", "get"},
      {"/v1/checkpoints/{height}", "get"},
      {"/v1/attestations/{id}/status", "get"}, {"/v1/attestations/{id}/credential", "get"},
      {"/v1/status-lists/{list}", "get"}, {"/v1/node/key", "get"},
      {"/v1/registries/{id}", "get"}};
  for (const auto& [path, method] : routes) {
    EXPECT_TRUE(doc["paths"].contains(path) && doc["paths"][path].contains(method)) << method << " " << path;
  }
  EXPECT_EQ(doc["paths"].size(), routes.size());
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));

  // A node without a committee says so on the committee's routes (the committee's own tests: committee_test,
  // node_committee_functional).
  for (const char* path : {"/v1/committee", "/v1/checkpoints/latest", "/v1/checkpoints/5"}) {
    res = get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(parse(res)["error"]["code"], "no_committee") << path;
  }
}

TEST_F(ApiTest, SchemaAttestRevokeVerifyAndLists) {
  // Register a schema (JSON, ?wait).
  const core::Schema schema = core::test::make_schema(alice_.id(), "score");
  const core::Id schema_id = core::schema_id(schema);
  const auto register_tx = sign(alice_, 0, core::RegisterSchema{schema});
  const Json registered = commit(register_tx);
  ASSERT_EQ(registered["receipt"]["created"][0], hex(schema_id));
  const std::uint64_t register_height = registered["height"].get<std::uint64_t>();

  auto res = get("/v1/transactions/" + hex(core::transaction_id(register_tx.tx)));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json st = parse(res);
  EXPECT_EQ(st["status"], "committed");
  EXPECT_EQ(st["height"], register_height);
  EXPECT_EQ(st["index"], 0u);

  res = get("/v1/schemas/" + hex(schema_id));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse(res)["schema"], core::to_json(schema));
  Json page = parse(get("/v1/schemas?registrant=" + hex(alice_.id())));
  ASSERT_EQ(page["schemas"].size(), 1u) << page;
  EXPECT_EQ(page["schemas"][0]["id"], hex(schema_id));
  EXPECT_TRUE(page["next_cursor"].is_null());
  EXPECT_EQ(parse(get("/v1/schemas?registrant=" + hex(bob_.id())))["schemas"].size(), 0u);

  // Three attestations: bob (key "k1"), carol (key "k2"), an external recipient (key "k1"); binary submission.
  auto to_bob = core::test::make_request(schema_id, {bob_.recipient()});
  to_bob.indexing_key = "k1";
  auto to_carol = core::test::make_request(schema_id, {carol_.recipient()});
  to_carol.indexing_key = "k2";
  auto to_did = core::test::make_request(schema_id, {core::Recipient::external("did:example:a b")});
  to_did.indexing_key = "k1";
  const Json attested = commit(sign(alice_, 1, core::Attest{{to_bob, to_carol, to_did}}), /*binary=*/true);
  ASSERT_EQ(attested["receipt"]["created"].size(), 3u) << attested;
  core::Id bob_att{}, carol_att{}, did_att{};
  bob_att = *codec::hex_decode_fixed<32>(attested["receipt"]["created"][0].get<std::string>());
  carol_att = *codec::hex_decode_fixed<32>(attested["receipt"]["created"][1].get<std::string>());
  did_att = *codec::hex_decode_fixed<32>(attested["receipt"]["created"][2].get<std::string>());

  res = get("/v1/attestations/" + hex(bob_att));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json record = parse(res)["record"];
  EXPECT_EQ(record["revoked_at"], 0u);
  EXPECT_EQ(record["attestation"]["attester"], hex(alice_.id()));

  // Each filter, and paging.
  const auto ids_of = [](const Json& p) {
    std::vector<std::string> ids;
    for (const auto& e : p["attestations"]) ids.push_back(e["id"].get<std::string>());
    return ids;
  };
  const auto list = [&](const std::string& query) {
    auto r = get("/v1/attestations" + query);
    EXPECT_TRUE(r && r->status == 200) << query << ": " << (r ? r->body : "no response");
    return parse(r);
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids_of(list("")), (Ids{hex(did_att), hex(carol_att), hex(bob_att)}));  // newest first
  EXPECT_EQ(ids_of(list("?schema=" + hex(schema_id))).size(), 3u);
  EXPECT_EQ(ids_of(list("?schema=" + hex(core::test::id_of("other")))).size(), 0u);
  EXPECT_EQ(ids_of(list("?attester=" + hex(alice_.id()))).size(), 3u);
  EXPECT_EQ(ids_of(list("?attester=" + hex(bob_.id()))).size(), 0u);
  EXPECT_EQ(ids_of(list("?recipient=" + hex(bob_.id()))), (Ids{hex(bob_att)}));
  EXPECT_EQ(ids_of(list("?recipient=" + query_escape("did:example:a b"))), (Ids{hex(did_att)}));
  EXPECT_EQ(ids_of(list("?indexing_key=k1")), (Ids{hex(did_att), hex(bob_att)}));
  EXPECT_EQ(ids_of(list("?indexing_key=k1&recipient=" + hex(bob_.id()))), (Ids{hex(bob_att)}));
  EXPECT_EQ(ids_of(list("?valid_now=true")).size(), 3u);
  page = list("?limit=2");
  EXPECT_EQ(ids_of(page), (Ids{hex(did_att), hex(carol_att)}));
  ASSERT_TRUE(page["next_cursor"].is_number()) << page;
  page = list("?limit=2&cursor=" + std::to_string(page["next_cursor"].get<std::uint64_t>()));
  EXPECT_EQ(ids_of(page), (Ids{hex(bob_att)}));
  EXPECT_TRUE(page["next_cursor"].is_null()) << page;

  // Verify: valid, with a proof bundle an offline verifier accepts against the served root.
  res = get("/v1/verify/" + hex(bob_att));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json v = parse(res);
  EXPECT_EQ(v["verdict"]["valid"], true) << v;
  EXPECT_EQ(v["id"], hex(bob_att));
  {
    auto bundle = core::proof_bundle_from_json(v["proof"]);
    ASSERT_TRUE(bundle.ok()) << bundle.status().to_string();
    const Hash256 root = *codec::hex_decode_fixed<32>(v["state_root"].get<std::string>());
    auto view = core::ProofView::make(*bundle, root);
    ASSERT_TRUE(view.ok()) << view.status().to_string();
    auto offline = core::verify_attestation(*view, bob_att, v["time"].get<std::uint64_t>());
    ASSERT_TRUE(offline.ok()) << offline.status().to_string();
    EXPECT_TRUE(offline->valid());
  }
  // Before issuance it is not yet valid.
  v = parse(get("/v1/verify/" + hex(bob_att) + "?time=1"));
  EXPECT_EQ(v["time"], 1u);
  EXPECT_EQ(v["verdict"]["valid"], false) << v;

  // Revoke bob's; the verdict and valid_now follow.
  commit(sign(alice_, 2, core::test::revoke_body(bob_att, "superseded")));
  v = parse(get("/v1/verify/" + hex(bob_att)));
  EXPECT_EQ(v["verdict"]["valid"], false) << v;
  bool revoked_reason = false;
  for (const auto& r : v["verdict"]["reasons"]) revoked_reason = revoked_reason || r["code"] == "revoked";
  EXPECT_TRUE(revoked_reason) << v;
  EXPECT_EQ(ids_of(list("?valid_now=true")), (Ids{hex(did_att), hex(carol_att)}));
  EXPECT_EQ(ids_of(list("?valid_now=true&time=" + std::to_string(unix_now()))).size(), 2u);
  EXPECT_EQ(ids_of(list("?valid_now=false")).size(), 3u);
  EXPECT_EQ(parse(get("/v1/attestations/" + hex(bob_att)))["record"]["revocation_reason"], "superseded");

  // An unknown id is an invalid verdict, not an error.
  v = parse(get("/v1/verify/" + hex(core::test::id_of("nothing"))));
  ASSERT_EQ(v["verdict"]["reasons"].size(), 1u) << v;
  EXPECT_EQ(v["verdict"]["reasons"][0]["code"], "not_found");

  // Off-ledger: a signed attestation verified against the ledger's registries.
  core::Attestation off;
  off.request = core::test::make_request(schema_id, {bob_.recipient()});
  off.attester = alice_.id();
  off.issued_at = unix_now() - 10;
  off.origin = core::test::id_of("salt");
  const core::OffchainAttestation signed_off = core::sign_offchain(kChain, off, alice_.key());
  res = post_json("/v1/verify/offchain", codec::dump_json(core::to_json(signed_off)));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  v = parse(res);
  EXPECT_EQ(v["id"], hex(core::attestation_id(off)));
  EXPECT_EQ(v["verdict"]["valid"], true) << v;
  core::OffchainAttestation tampered = signed_off;
  tampered.attestation.issued_at += 1;
  v = parse(post_json("/v1/verify/offchain", codec::dump_json(core::to_json(tampered))));
  EXPECT_EQ(v["verdict"]["valid"], false) << v;

  // Accounts: three transactions consumed three nonces.
  res = get("/v1/accounts/" + hex(alice_.id()));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json account = parse(res);
  EXPECT_EQ(account["nonce"], 3u);
  EXPECT_EQ(account["delegation_nonce"], 0u);
  EXPECT_EQ(account["balance"], std::to_string(kFunds));  // U256 amounts are decimal strings
  account = parse(get("/v1/accounts/" + hex(carol_.id())));
  EXPECT_EQ(account["nonce"], 0u);
  EXPECT_EQ(account["balance"], "0");

  // Blocks: the schema's block lists its transaction; ?full=true lists the JSON view.
  res = get("/v1/blocks/" + std::to_string(register_height));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json block = parse(res);
  EXPECT_EQ(block["header"]["height"], register_height);
  EXPECT_EQ(block["transactions"][0], hex(core::transaction_id(register_tx.tx)));
  EXPECT_EQ(block["receipts"][0]["code"], "ok");
  block = parse(get("/v1/blocks/" + std::to_string(register_height) + "?full=true"));
  EXPECT_EQ(block["transactions"][0], core::to_json(register_tx)) << block;
  const Json latest = parse(get("/v1/blocks/latest"));
  const Json root = parse(get("/v1/state/root"));
  EXPECT_EQ(latest["header"]["height"], root["height"]);
  EXPECT_EQ(latest["header"]["state_root"], root["state_root"]);
  EXPECT_EQ(latest["header"]["hash"], root["head"]);
  EXPECT_EQ(parse(get("/v1/blocks/0"))["header"]["height"], 0u);

  // State proofs: inclusion of alice's nonce, non-inclusion of an unused key, both against the served root.
  const Hash256 nonce_key = core::nonce_key(alice_.id());
  Json proof = parse(get("/v1/state/proof/" + hex(nonce_key)));
  ASSERT_TRUE(proof["value"].is_string()) << proof;
  const Hash256 proof_root = *codec::hex_decode_fixed<32>(proof["root"].get<std::string>());
  const Bytes value = *codec::hex_decode(proof["value"].get<std::string>());
  EXPECT_EQ(value, core::encode_u64(3));
  auto smt_proof = core::smt::proof_from_json(proof["proof"]);
  ASSERT_TRUE(smt_proof.ok()) << smt_proof.status().to_string();
  EXPECT_TRUE(core::smt::verify_proof(proof_root, nonce_key, ByteView(value), *smt_proof).is_ok());
  EXPECT_FALSE(core::smt::verify_proof(proof_root, nonce_key, ByteView(core::encode_u64(2)), *smt_proof).is_ok());
  const Hash256 absent = core::nonce_key(carol_.id());
  proof = parse(get("/v1/state/proof/" + hex(absent)));
  EXPECT_TRUE(proof["value"].is_null()) << proof;
  smt_proof = core::smt::proof_from_json(proof["proof"]);
  ASSERT_TRUE(smt_proof.ok());
  EXPECT_TRUE(core::smt::verify_proof(*codec::hex_decode_fixed<32>(proof["root"].get<std::string>()), absent,
                                      std::nullopt, *smt_proof)
                  .is_ok());
}

TEST_F(ApiTest, AssetsMintTransferAndBalances) {
  const std::string native = hex(core::kNativeAsset);
  Json asset = parse(get("/v1/assets/" + native));
  EXPECT_EQ(asset["symbol"], "CRED");
  EXPECT_EQ(asset["native"], true);
  EXPECT_EQ(asset["fixed_supply"], true);

  core::AssetDefinition def;
  def.symbol = "GRANT";
  def.name = "Grant token";
  def.decimals = 18;
  def.initial_supply = *codec::U256::parse_decimal("1000000000000000000000000");  // beyond 64 bits
  def.max_supply = *codec::U256::parse_decimal("2000000000000000000000000");
  const auto create = sign(alice_, 0, core::CreateAsset{def});
  const Json created = commit(create);
  const core::Id id = core::asset_id(core::transaction_id(create.tx));
  ASSERT_EQ(created["receipt"]["created"][0], hex(id));

  asset = parse(get("/v1/assets/" + hex(id)));
  EXPECT_EQ(asset["issuer"], hex(alice_.id()));
  EXPECT_EQ(asset["supply"], "1000000000000000000000000");
  EXPECT_EQ(asset["fixed_supply"], false);

  commit(sign(alice_, 1, core::Mint{id, bob_.id(), codec::U256::from_u64(5)}));
  commit(sign(bob_, 0, core::Transfer{carol_.id(), codec::U256::from_u64(2), id}));
  EXPECT_EQ(parse(get("/v1/assets/" + hex(id)))["supply"], "1000000000000000000000005");
  EXPECT_EQ(parse(get("/v1/accounts/" + hex(alice_.id()) + "?asset=" + hex(id)))["balance"],
            "1000000000000000000000000");
  EXPECT_EQ(parse(get("/v1/accounts/" + hex(bob_.id()) + "?asset=" + hex(id)))["balance"], "3");
  const Json carol = parse(get("/v1/accounts/" + hex(carol_.id()) + "?asset=" + hex(id)));
  EXPECT_EQ(carol["balance"], "2");
  EXPECT_EQ(carol["asset"], hex(id));
  // The native balance is untouched by the asset's moves.
  EXPECT_EQ(parse(get("/v1/accounts/" + hex(carol_.id())))["balance"], "0");

  // Minting by someone else fails in the block (the nonce is consumed) with its reason.
  const auto stranger_mint = sign(bob_, 1, core::Mint{id, bob_.id(), codec::U256::from_u64(1)});
  auto res = post_json("/v1/transactions?wait=" + std::to_string(kWaitMs), json_text(stranger_mint));
  ASSERT_TRUE(res);
  EXPECT_EQ(parse(res)["receipt"]["code"], "not_issuer") << res->body;

  const std::string unknown = hex(core::asset_id(core::transaction_id(stranger_mint.tx)));
  EXPECT_TRUE(refused(get("/v1/assets/" + unknown), 404, "unknown_asset"));
  EXPECT_TRUE(refused(get("/v1/accounts/" + hex(bob_.id()) + "?asset=" + unknown), 404, "unknown_asset"));
  EXPECT_TRUE(refused(get("/v1/assets/0x12"), 400, "bad_query"));
  EXPECT_TRUE(refused(get("/v1/accounts/" + hex(bob_.id()) + "?asset=zz"), 400, "bad_query"));
}

TEST_F(ApiTest, DistributionClaimsHoldersAndConcentration) {
  core::AssetDefinition def;
  def.symbol = "AIR";
  def.initial_supply = codec::U256::from_u64(6);
  def.max_supply = codec::U256::from_u64(1'000);
  const auto create = sign(alice_, 0, core::CreateAsset{def});
  commit(create);
  const core::Id asset = core::asset_id(core::transaction_id(create.tx));
  commit(sign(alice_, 1, core::Transfer{bob_.id(), codec::U256::from_u64(2), asset}));
  commit(sign(alice_, 2, core::Transfer{carol_.id(), codec::U256::from_u64(1), asset}));

  // Balances [3, 2, 1]: the published cases (REFERENCES §7).
  Json c = parse(get("/v1/assets/" + hex(asset) + "/concentration?threshold=0.5&top=1"));
  EXPECT_EQ(c["holders"], 3u) << c;
  EXPECT_EQ(c["held"], "6");
  EXPECT_NEAR(c["gini"].get<double>(), 0.2222, 1e-4);
  EXPECT_NEAR(c["hhi"].get<double>(), 0.3889, 1e-4);
  EXPECT_EQ(c["nakamoto"]["count"], 1u);
  EXPECT_NEAR(c["top"]["share"].get<double>(), 0.5, 1e-12);

  // A distribution of 100 (escrowed: not a holder's balance) over a two-leaf tree, claimable at once.
  commit(sign(alice_, 3, core::Mint{asset, alice_.id(), codec::U256::from_u64(100)}));
  const Hash256 bob_leaf = core::allocation_leaf(bob_.id(), codec::U256::from_u64(60));
  const Hash256 carol_leaf = core::allocation_leaf(carol_.id(), codec::U256::from_u64(40));
  core::DistributionTerms terms;
  terms.asset = asset;
  terms.total = codec::U256::from_u64(100);
  terms.merkle_root = core::merkle::node_hash(bob_leaf, carol_leaf);
  terms.claim_start = unix_now() - 10;
  const auto created = sign(alice_, 4, core::CreateDistribution{terms});
  commit(created);
  const core::Id d = core::distribution_id(core::transaction_id(created.tx));
  Json dist = parse(get("/v1/distributions/" + hex(d)));
  EXPECT_EQ(dist["escrow"], "100") << dist;
  EXPECT_EQ(dist["distributor"], hex(alice_.id()));
  c = parse(get("/v1/assets/" + hex(asset) + "/concentration"));
  EXPECT_EQ(c["held"], "6") << c;  // 106 minted, 100 in escrow
  EXPECT_EQ(c["supply"], "106");

  Json claim = parse(get("/v1/distributions/" + hex(d) + "/claims/" + hex(bob_.id()) + "?allocation=60"));
  EXPECT_EQ(claim["claimed"], "0") << claim;
  EXPECT_EQ(claim["claimable"], "60");
  const std::uint64_t claimed_at =
      commit(sign(bob_, 0, core::Claim{d, bob_.id(), codec::U256::from_u64(60), {carol_leaf}, {}}))["height"]
          .get<std::uint64_t>();
  claim = parse(get("/v1/distributions/" + hex(d) + "/claims/" + hex(bob_.id()) + "?allocation=60"));
  EXPECT_EQ(claim["claimed"], "60") << claim;
  EXPECT_EQ(claim["claimable"], "0");
  EXPECT_EQ(parse(get("/v1/accounts/" + hex(bob_.id()) + "?asset=" + hex(asset)))["balance"], "62");
  // The holders index followed the claim: balances [3, 62, 1].
  c = parse(get("/v1/assets/" + hex(asset) + "/concentration?threshold=0.5"));
  EXPECT_EQ(c["held"], "66") << c;
  EXPECT_EQ(c["holders"], 3u);
  EXPECT_EQ(c["nakamoto"]["count"], 1u);
  // Everything carol held leaves: she is no longer a holder.
  commit(sign(carol_, 0, core::Transfer{alice_.id(), codec::U256::from_u64(1), asset}));
  EXPECT_EQ(parse(get("/v1/assets/" + hex(asset) + "/concentration"))["holders"], 2u);
  // At a past height the index answers as of then.
  c = parse(get("/v1/assets/" + hex(asset) + "/concentration?height=" + std::to_string(claimed_at)));
  EXPECT_EQ(c["holders"], 3u) << c;
  EXPECT_EQ(c["held"], "66");
  EXPECT_EQ(c["height"], claimed_at);
  EXPECT_FALSE(c.contains("supply"));  // the asset record is the head's
  c = parse(get("/v1/assets/" + hex(asset) + "/concentration?height=" + std::to_string(claimed_at - 1)));
  EXPECT_EQ(c["held"], "6") << c;  // before the claim: 106 minted, 100 in escrow
  EXPECT_EQ(parse(get("/v1/assets/" + hex(asset) + "/concentration?height=0"))["holders"], 0u);
  EXPECT_TRUE(refused(get("/v1/assets/" + hex(asset) + "/concentration?height=99999"), 400, "bad_query"));

  EXPECT_TRUE(refused(get("/v1/distributions/" + hex(asset)), 404, "unknown_distribution"));
  EXPECT_TRUE(refused(get("/v1/assets/" + hex(d) + "/concentration"), 404, "unknown_asset"));
  for (const char* bad : {"0", "1.5", "0.1234567", "abc", "-0.5", ".5"}) {
    EXPECT_TRUE(refused(get("/v1/assets/" + hex(asset) + "/concentration?threshold=" + bad), 400, "bad_query")) << bad;
  }
  EXPECT_TRUE(refused(get("/v1/distributions/" + hex(d) + "/claims/" + hex(bob_.id()) + "?allocation=x"), 400,
                      "bad_query"));
}

TEST_F(ApiTest, BatchesInJsonAndBinary) {
  // JSON: five good transfers, one element that is no transaction, one with a bad signature.
  std::vector<core::SignedTransaction> good;
  for (std::uint64_t n = 0; n < 5; ++n) good.push_back(transfer(alice_, n, bob_));
  core::SignedTransaction forged = transfer(alice_, 5, carol_);
  forged.signature[0] ^= 1;
  Json items = Json::array();
  for (const auto& stx : good) items.push_back(core::to_json(stx));
  items.push_back(Json{{"foo", 1}});
  items.push_back(core::to_json(forged));
  auto res = post_json("/v1/transactions/batch", codec::dump_json(Json{{"transactions", items}}));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json results = parse(res)["results"];
  ASSERT_EQ(results.size(), 7u) << results;
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(results[i]["status"], "pending") << results[i];
    EXPECT_EQ(results[i]["id"], hex(core::transaction_id(good[i].tx)));
  }
  EXPECT_EQ(results[5]["status"], "refused");
  EXPECT_TRUE(results[5]["id"].is_null());
  EXPECT_EQ(results[5]["error"]["code"], "bad_transaction");
  EXPECT_EQ(results[6]["id"], hex(core::transaction_id(forged.tx)));
  EXPECT_EQ(results[6]["error"]["code"], "bad_signature");
  for (const auto& stx : good) EXPECT_EQ(settle(core::transaction_id(stx.tx)).state, TransactionStatus::State::committed);

  // Binary: three more, one framed item that is not a transaction, and twice one that waits behind a nonce gap
  // (so it is still pending when its copy arrives: duplicate).
  std::vector<core::SignedTransaction> more{transfer(alice_, 5, bob_), transfer(alice_, 6, bob_),
                                            transfer(alice_, 7, bob_)};
  const core::SignedTransaction gapped = transfer(alice_, 100, bob_);
  codec::Writer w(kTransactionBatchTag, kTransactionBatchVersion);
  w.varint(6);
  for (const auto& stx : more) w.bytes(core::encode(stx));
  w.bytes(Bytes{0xde, 0xad});
  w.bytes(core::encode(gapped));
  w.bytes(core::encode(gapped));
  res = post("/v1/transactions/batch", binary_text(w.data()), "application/x-credence-batch");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  results = parse(res)["results"];
  ASSERT_EQ(results.size(), 6u) << results;
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(results[i]["status"], "pending") << results[i];
  EXPECT_EQ(results[3]["error"]["code"], "bad_encoding");
  EXPECT_EQ(results[4]["status"], "pending") << results[4];
  EXPECT_EQ(results[5]["error"]["code"], "duplicate") << results[5];
  for (const auto& stx : more) EXPECT_EQ(settle(core::transaction_id(stx.tx)).state, TransactionStatus::State::committed);

  // The library encoder produces what the server accepts.
  const std::vector<core::SignedTransaction> last{transfer(alice_, 8, carol_, 5)};
  res = post("/v1/transactions/batch", binary_text(encode_transaction_batch(last)), "application/x-credence-batch");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(settle(core::transaction_id(last[0].tx)).state, TransactionStatus::State::committed);

  // ?wait answers with each transaction's status once committed (one bad one still refused on its own).
  const std::vector<core::SignedTransaction> waited{transfer(alice_, 9, carol_, 1), transfer(alice_, 10, carol_, 1)};
  res = post("/v1/transactions/batch?wait=10000", binary_text(encode_transaction_batch(waited)),
             "application/x-credence-batch");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  results = parse(res)["results"];
  ASSERT_EQ(results.size(), 2u) << results;
  for (const auto& r : results) {
    EXPECT_EQ(r["status"], "committed") << r;
    EXPECT_EQ(r["receipt"]["code"], "ok") << r;
  }
  EXPECT_TRUE(refused(post("/v1/transactions/batch?wait=0", binary_text(encode_transaction_batch(waited)),
                           "application/x-credence-batch"),
                      400, "bad_query"));

  const Json account = parse(get("/v1/accounts/" + hex(alice_.id())));
  EXPECT_EQ(account["nonce"], 11u);
  EXPECT_EQ(account["balance"], std::to_string(kFunds - 8 - 5 - 2));
  EXPECT_EQ(parse(get("/v1/accounts/" + hex(carol_.id())))["balance"], "7");

  // An empty batch is a valid, empty answer.
  res = post_json("/v1/transactions/batch", R"({"transactions":[]})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(parse(res)["results"].size(), 0u);
}

TEST_F(ApiTest, EveryRefusalLeavesTheStateAlone) {
  commit(transfer(alice_, 0, bob_));  // committed nonces to replay
  commit(transfer(alice_, 1, bob_));
  const std::string root = state_root();
  ASSERT_FALSE(root.empty());
  const std::string tx_path = "/v1/transactions";

  const auto stx = transfer(alice_, 2, bob_);
  // Malformed bodies and content types.
  EXPECT_TRUE(refused(post_json(tx_path, "{\"transaction\":"), 400, "bad_json"));
  EXPECT_TRUE(refused(post_json(tx_path, std::string(200, '[')), 400, "bad_json"));
  EXPECT_TRUE(refused(post_json(tx_path, R"({"transaction":{},"signature":"0x00"})"), 400, "bad_transaction"));
  Json extra = core::to_json(stx);
  extra["extra"] = 1;
  EXPECT_TRUE(refused(post_json(tx_path, codec::dump_json(extra)), 400, "bad_transaction"));
  EXPECT_TRUE(refused(post(tx_path, "\x01\x02\x03", "application/octet-stream"), 400, "bad_encoding"));
  EXPECT_TRUE(refused(post(tx_path, json_text(stx), "text/plain"), 415, "unsupported_media_type"));
  EXPECT_TRUE(refused(post(tx_path, "a=b", "application/x-www-form-urlencoded"), 415, "unsupported_media_type"));
  EXPECT_TRUE(refused(post(tx_path, json_text(stx), ""), 415, "unsupported_media_type"));
  EXPECT_TRUE(refused(post(tx_path, json_text(stx), "application/x-credence-batch"), 415, "unsupported_media_type"));
  EXPECT_TRUE(refused(post("/v1/transactions/batch", json_text(stx), "application/octet-stream"), 415,
                      "unsupported_media_type"));
  EXPECT_TRUE(refused(post("/v1/verify/offchain", "{}", "text/plain"), 415, "unsupported_media_type"));
  EXPECT_TRUE(refused(post_json("/v1/verify/offchain", "{}"), 400, "bad_attestation"));

  // Bodies over http_max_body_bytes (httplib reads and discards the declared body, then answers).
  EXPECT_TRUE(refused(post_json(tx_path, std::string(kMaxBody + 1, ' ')), 413, "too_large"));
  EXPECT_TRUE(refused(post("/v1/transactions/batch", std::string(kMaxBody + 1, 'x'), "application/x-credence-batch"),
                      413, "too_large"));

  // Well-formed but refused: 422.
  core::SignedTransaction forged = stx;
  forged.signature[10] ^= 0x40;
  EXPECT_TRUE(refused(post_json(tx_path, json_text(forged)), 422, "bad_signature"));
  EXPECT_TRUE(refused(post(tx_path, binary_text(core::encode(forged)), "application/octet-stream"), 422,
                      "bad_signature"));
  EXPECT_TRUE(refused(post_json(tx_path, json_text(sign(alice_, 2, core::Transfer{bob_.id(), codec::U256::from_u64(1)}, kChain + 1))), 422,
                      "bad_chain_id"));
  EXPECT_TRUE(refused(post_json(tx_path, json_text(sign(alice_, 2, core::Transfer{bob_.id(), codec::U256::from_u64(1)}, kChain, 1000))), 422,
                      "transaction_expired"));

  // Conflicts: 409. A nonce already used; a transaction already pending (a nonce gap keeps it pending).
  EXPECT_TRUE(refused(post_json(tx_path, json_text(transfer(alice_, 0, carol_))), 409, "stale_nonce"));
  const auto gapped = transfer(alice_, 50, bob_);
  auto res = post_json(tx_path, json_text(gapped));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  EXPECT_EQ(parse(res)["status"], "pending");
  EXPECT_TRUE(refused(post_json(tx_path, json_text(gapped)), 409, "duplicate"));
  EXPECT_TRUE(refused(post(tx_path, binary_text(core::encode(gapped)), "application/octet-stream"), 409, "duplicate"));
  // ?wait on a transaction that cannot be built: still pending when the wait runs out (202).
  res = post_json(tx_path + "?wait=50", json_text(transfer(alice_, 51, bob_)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202) << res->body;
  EXPECT_EQ(parse(res)["status"], "pending");
  res = get("/v1/transactions/" + hex(core::transaction_id(gapped.tx)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(parse(res)["status"], "pending");

  // Unknown ids: 404 with the protocol's words.
  const std::string nothing = hex(core::test::id_of("nothing"));
  EXPECT_TRUE(refused(get("/v1/transactions/" + nothing), 404, "unknown_transaction"));
  EXPECT_TRUE(refused(get("/v1/schemas/" + nothing), 404, "unknown_schema"));
  EXPECT_TRUE(refused(get("/v1/attestations/" + nothing), 404, "unknown_attestation"));
  EXPECT_TRUE(refused(get("/v1/blocks/1000000"), 404, "unknown_block"));

  // Malformed queries and path parameters: 400 bad_query.
  const std::vector<std::string> bad_queries{
       "/v1/attestations?limit=0", "/v1/attestations?limit=1001", "/v1/attestations?limit=-1",
        "/v1/attestations?limit=ten", "/v1/attestations?cursor=x", "/v1/attestations?schema=0x1234",
        "/v1/attestations?attester=zz", "/v1/attestations?recipient=0x1234", "/v1/attestations?valid_now=yes",
        "/v1/attestations?time=5", "/v1/attestations?valid_now=true&time=-5", "/v1/attestations?colour=red",
        "/v1/attestations?limit=1&limit=2", "/v1/schemas?registrant=0x00", "/v1/schemas?limit=5000",
        "/v1/accounts/alice", "/v1/state/proof/0x00", "/v1/transactions/0x1", "/v1/verify/0x12",
        "/v1/verify/" + nothing + "?time=soon", "/v1/blocks/latest?full=maybe", "/v1/blocks/one",
        "/v1/blocks/99999999999999999999999", "/v1/health?x=1"};
  for (const std::string& path : bad_queries) {
    EXPECT_TRUE(refused(get(path), 400, "bad_query")) << path;
  }
  EXPECT_TRUE(refused(post_json(tx_path + "?wait=0", json_text(stx)), 400, "bad_query"));
  EXPECT_TRUE(refused(post_json(tx_path + "?wait=30001", json_text(stx)), 400, "bad_query"));
  EXPECT_TRUE(refused(post_json(tx_path + "?later=1", json_text(stx)), 400, "bad_query"));

  // Batches: a malformed body refuses the whole request.
  const std::string batch_path = "/v1/transactions/batch";
  EXPECT_TRUE(refused(post_json(batch_path, "[]"), 400, "bad_json"));
  EXPECT_TRUE(refused(post_json(batch_path, R"({"transactions":{}})"), 400, "bad_json"));
  EXPECT_TRUE(refused(post_json(batch_path, R"({"transactions":[],"more":1})"), 400, "bad_json"));
  EXPECT_TRUE(refused(post_json(batch_path, "{"), 400, "bad_json"));
  std::string many = "{\"transactions\":[";
  for (std::size_t i = 0; i <= kMaxBatchTransactions; ++i) many += i == 0 ? "0" : ",0";
  many += "]}";
  EXPECT_TRUE(refused(post_json(batch_path, many), 400, "too_many_transactions"));
  EXPECT_TRUE(refused(post(batch_path, "\x05junk", "application/x-credence-batch"), 400, "bad_encoding"));
  codec::Writer too_many(kTransactionBatchTag, kTransactionBatchVersion);
  too_many.varint(kMaxBatchTransactions + 1);
  for (std::size_t i = 0; i <= kMaxBatchTransactions; ++i) too_many.bytes({});
  EXPECT_TRUE(refused(post(batch_path, binary_text(too_many.data()), "application/x-credence-batch"), 400,
                      "too_many_transactions"));

  // Routing: unknown paths and wrong methods.
  EXPECT_TRUE(refused(get("/v2/health"), 404, "not_found"));
  EXPECT_TRUE(refused(get("/v1/health/"), 404, "not_found"));
  EXPECT_TRUE(refused(get("/"), 404, "not_found"));
  res = client().Delete("/v1/health");
  EXPECT_TRUE(refused(res, 405, "method_not_allowed"));
  EXPECT_EQ(res->get_header_value("Allow"), "GET");
  EXPECT_TRUE(refused(post_json("/v1/state/root", "{}"), 405, "method_not_allowed"));
  EXPECT_TRUE(refused(get(tx_path), 405, "method_not_allowed"));
  EXPECT_TRUE(refused(client().Put("/v1/transactions/batch", "{}", "application/json"), 405, "method_not_allowed"));

  // None of it moved the state: the root is the one before, and alice's next nonce is still 2.
  EXPECT_EQ(state_root(), root);
  EXPECT_EQ(parse(get("/v1/accounts/" + hex(alice_.id())))["nonce"], 2u);
  // And the refused-but-valid transaction is still accepted afterwards.
  commit(stx);
}

// A node with tiny mempool bounds, for the 429 / 503 answers.
class ApiLimitsTest : public ApiTest {
 protected:
  void configure(NodeConfig& config) override {
    config.mempool.max_per_account = 2;
    config.mempool.max_transactions = 3;
  }
};

TEST_F(ApiLimitsTest, MempoolBoundsAndShutdown) {
  const std::string root = state_root();
  // Nonce gaps keep everything pending, so the pool only fills.
  const auto submit = [&](const core::SignedTransaction& stx) { return post_json("/v1/transactions", json_text(stx)); };
  auto res = submit(transfer(alice_, 10, bob_));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202) << res->body;
  res = submit(transfer(alice_, 11, bob_));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202) << res->body;
  EXPECT_TRUE(refused(submit(transfer(alice_, 12, bob_)), 429, "account_full"));
  res = submit(transfer(bob_, 10, alice_));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202) << res->body;
  EXPECT_TRUE(refused(submit(transfer(carol_, 10, alice_)), 503, "mempool_full"));
  // A batch reports the same refusals per transaction.
  const std::vector<core::SignedTransaction> batch{transfer(carol_, 11, alice_)};
  res = post("/v1/transactions/batch", binary_text(encode_transaction_batch(batch)), "application/x-credence-batch");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse(res)["results"][0]["error"]["code"], "mempool_full");
  EXPECT_EQ(parse(get("/v1/health"))["mempool"], 3u);
  EXPECT_EQ(state_root(), root);

  // Once the node stops, submissions are refused with 503 while reads still answer.
  node_->stop();
  EXPECT_TRUE(refused(submit(transfer(alice_, 0, bob_)), 503, "shutting_down"));
  EXPECT_EQ(state_root(), root);
}

// Blocks of two, so two transactions stuck behind a nonce gap fill a block's worth of the pool.
class SmallBlocksTest : public ApiTest {
 protected:
  void configure(NodeConfig& config) override { config.block_max_transactions = 2; }
};

TEST_F(SmallBlocksTest, UnreadyTransactionsDoNotStallTheBuilder) {
  // Nonces 10 and 11 wait for 0..9, which never come: the pool holds a full block that is not ready. The builder
  // once woke on the pool's size alone and then spun, holding the lock every submission needs.
  for (const std::uint64_t nonce : {std::uint64_t{10}, std::uint64_t{11}}) {
    const auto res = post_json("/v1/transactions", json_text(transfer(bob_, nonce, carol_)));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 202) << res->body;
  }
  EXPECT_EQ(parse(get("/v1/health"))["mempool"], 2u);
  commit(transfer(alice_, 0, carol_));
  commit(transfer(alice_, 1, carol_));
  EXPECT_EQ(parse(get("/v1/health"))["mempool"], 2u);
}

TEST_F(ApiTest, MetricsCountWhatTheNodeDid) {
  commit(transfer(alice_, 0, carol_));
  commit(transfer(alice_, 1, carol_));
  // Refused before the node: unparsable, undecodable, oversized, and one bad entry of a batch; by the node: a stale
  // nonce.
  const std::string tx_path = "/v1/transactions";
  EXPECT_TRUE(refused(post_json(tx_path, "{"), 400, "bad_json"));
  EXPECT_TRUE(refused(post_json(tx_path, R"({"transaction":{},"signature":"0x00"})"), 400, "bad_transaction"));
  EXPECT_TRUE(refused(post(tx_path, "\x01\x02\x03", "application/octet-stream"), 400, "bad_encoding"));
  EXPECT_TRUE(refused(post_json(tx_path, std::string(kMaxBody + 1, ' ')), 413, "too_large"));
  EXPECT_TRUE(refused(post_json(tx_path, json_text(transfer(alice_, 1, carol_, 2))), 409, "stale_nonce"));
  const auto batch = post_json("/v1/transactions/batch", R"({"transactions":[{}]})");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->status, 200) << batch->body;

  const std::vector<std::string> expected = {
      "credence_transactions_submitted_total 2",
      "credence_transactions_committed_total 2",
      "credence_end_to_end_latency_seconds_count 2",
      "credence_block_interval_seconds_count 1",
      R"(credence_transactions_rejected_total{reason="bad_json"} 1)",
      R"(credence_transactions_rejected_total{reason="bad_transaction"} 2)",
      R"(credence_transactions_rejected_total{reason="bad_encoding"} 1)",
      R"(credence_transactions_rejected_total{reason="too_large"} 1)",
      R"(credence_transactions_rejected_total{reason="stale_nonce"} 1)",
  };
  // The builder updates its metrics just after it publishes the block: poll (bounded).
  std::string metrics;
  for (int i = 0; i < 200; ++i) {
    metrics = get("/metrics")->body;
    if (std::all_of(expected.begin(), expected.end(),
                    [&](const std::string& line) { return metrics.find(line + "\n") != std::string::npos; })) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const std::string& line : expected)
    EXPECT_NE(metrics.find(line + "\n"), std::string::npos) << line << "\n" << metrics;
}

TEST_F(ApiTest, WaitingRequestsLeaveWorkersForOthers) {
  // Three transactions that cannot commit (nonces 10..12 wait for 0..9) take the three waiting places of this
  // four-worker server for 4 s each.
  std::vector<std::thread> waiters;
  for (const std::uint64_t nonce : {std::uint64_t{10}, std::uint64_t{11}, std::uint64_t{12}}) {
    waiters.emplace_back(
        [this, nonce] { (void)post_json("/v1/transactions?wait=4000", json_text(transfer(alice_, nonce, carol_))); });
  }
  std::string metrics;
  for (int i = 0; i < 300; ++i) {
    metrics = get("/metrics")->body;
    if (metrics.find("credence_http_waiting_requests 3\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(metrics.find("credence_http_waiting_requests 3\n"), std::string::npos) << metrics;

  // Another ?wait=30000, single or batch, answers at once with what is known. Its client gives up after 2 s: waiting
  // (or queueing behind the waiters for a worker) fails here.
  httplib::Client c = client();
  c.set_read_timeout(2);
  const auto single =
      c.Post("/v1/transactions?wait=30000", json_text(transfer(alice_, 13, carol_)), "application/json");
  ASSERT_TRUE(single) << httplib::to_string(single.error());
  EXPECT_EQ(single->status, 202) << single->body;
  EXPECT_EQ(parse(single)["status"], "pending") << single->body;
  const auto batch = c.Post("/v1/transactions/batch?wait=30000",
                            "{\"transactions\":[" + json_text(transfer(alice_, 14, carol_)) + "]}", "application/json");
  ASSERT_TRUE(batch) << httplib::to_string(batch.error());
  EXPECT_EQ(batch->status, 200) << batch->body;
  EXPECT_EQ(parse(batch)["results"][0]["status"], "pending") << batch->body;
  EXPECT_NE(get("/metrics")->body.find("credence_http_waits_skipped_total 2\n"), std::string::npos);
  for (auto& t : waiters) t.join();
  EXPECT_NE(get("/metrics")->body.find("credence_http_waiting_requests 0\n"), std::string::npos);
}

// Orders blocks as proposed, except the first non-empty one: its first transaction comes back with the signature
// altered. A block of our proposal's height and size, with our transaction's id, that is not what we proposed.
class SwappingSequencer final : public Sequencer {
 public:
  Result<Proposal> order(Proposal proposal) override {
    if (!swapped_ && !proposal.transactions.empty()) {
      swapped_ = true;
      proposal.transactions[0].signature[0] ^= 0x01;
    }
    return proposal;
  }

 private:
  bool swapped_ = false;
};

class ForeignBlockTest : public ApiTest {
 protected:
  std::unique_ptr<Sequencer> make_sequencer() override { return std::make_unique<SwappingSequencer>(); }
};

TEST_F(ForeignBlockTest, AnOrderedBlockThatIsNotOursHasItsSignaturesChecked) {
  // The builder skips the signature checks only for its own proposal, verified at submit. It once recognised that by
  // height and size alone, and so applied this transaction, which nobody signed.
  const core::SignedTransaction stx = transfer(alice_, 0, carol_);
  const auto res = post_json("/v1/transactions", json_text(stx));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 202) << res->body;
  const TransactionStatus status = settle(core::transaction_id(stx.tx));
  EXPECT_EQ(status.state, TransactionStatus::State::rejected);
  ASSERT_TRUE(status.receipt);
  EXPECT_EQ(status.receipt->code, "bad_signature");
  const Json carol = parse(get("/v1/accounts/" + hex(carol_.id())));
  EXPECT_EQ(carol["balance"], "0") << carol;
  // Blocks ordered as proposed still commit.
  commit(transfer(alice_, 0, carol_, 2));
}

// The accept queue's bound of the server's listening socket, as the kernel holds it (TCP_INFO on a listening socket
// reports it in tcpi_sacked), found among this process's descriptors by its port; -1 if not found.
long listen_backlog(std::uint16_t port) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in address{};
    socklen_t length = sizeof address;
    int listening = 0;
    socklen_t flag_length = sizeof listening;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || address.sin_family != AF_INET ||
        ntohs(address.sin_port) != port || ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &flag_length) != 0 ||
        listening == 0) {
      continue;
    }
    tcp_info info{};
    socklen_t info_length = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_length) != 0) return -1;
    return static_cast<long>(info.tcpi_sacked);
  }
  return -1;
}

TEST_F(ApiTest, ListensWithALongAcceptQueue) {
  // httplib's own backlog is 5: a burst of clients connecting at once then waits a second for SYN retries.
  long somaxconn = 4096;
  std::ifstream("/proc/sys/net/core/somaxconn") >> somaxconn;
  EXPECT_EQ(listen_backlog(server_->port()), std::min(1024L, somaxconn));
}

TEST_F(ApiTest, StopIsIdempotentAndFreesThePort) {
  const std::uint16_t port = server_->port();
  server_->stop();
  server_->stop();
  EXPECT_EQ(server_->port(), 0);
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  EXPECT_FALSE(c.Get("/v1/health"));
  // It starts again on the same port; a second start is refused.
  ASSERT_TRUE(server_->start("127.0.0.1", port).is_ok());
  EXPECT_EQ(server_->port(), port);
  EXPECT_TRUE(server_->start("127.0.0.1", 0).is_invalid());
  EXPECT_TRUE(get("/v1/health"));
  // Another server cannot bind the same port.
  HttpServer other(*node_);
  EXPECT_EQ(other.start("127.0.0.1", port).code(), "bind");
}

}  // namespace
}  // namespace credence::node

namespace credence::node {
namespace {

// The node key's status lists and VC exports (docs/vc.md "Publishing from a node"), and the off-ledger registries.
class StatusListApiTest : public ApiTest {
 protected:
  void before_start(HttpServer& server) override { server.set_status_lists(&lists_); }

  static crypto::ed25519::SecretKey node_key() {
    std::array<std::uint8_t, 32> seed{};
    seed[31] = 9;
    return crypto::ed25519::SecretKey::from_seed(seed);
  }

  Json get_json(const std::string& path) const {
    const auto res = get(path);
    EXPECT_TRUE(res && res->status == 200) << path << ": " << (res ? res->body : "no response");
    return parse(res);
  }

  // Verifies `credential` as `credence vc verify --status-list` does, against the list fetched now.
  interop::vc::Verdict verify_with_list(const Json& credential) const {
    const std::string url = credential["credentialStatus"]["statusListCredential"].get<std::string>();
    const std::string path = url.substr(url.find("/v1/"));
    const auto res = get(path);
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no response");
    EXPECT_FALSE(res->get_header_value("X-Credence-Height").empty());
    auto list = interop::jcs::parse(res->body);
    EXPECT_TRUE(list.ok());
    interop::vc::VerifyOptions options;
    options.now = static_cast<std::int64_t>(unix_now()) + 5;
    options.status_lists = {*list};
    return interop::vc::verify_credential(credential, options);
  }

  const StatusLists lists_{node_key()};
};

TEST_F(ApiTest, StatusListRoutesNeedANodeKey) {
  EXPECT_TRUE(refused(get("/v1/status-lists/0"), 404, "no_node_key"));
  EXPECT_TRUE(refused(get("/v1/node/key"), 404, "no_node_key"));
  EXPECT_TRUE(refused(get("/v1/attestations/" + hex(core::test::id_of("x")) + "/credential"), 404, "no_node_key"));
}

TEST_F(StatusListApiTest, ExportedCredentialsFollowTheLedgersRevocations) {
  const Json key = get_json("/v1/node/key");
  EXPECT_EQ(key["did"], lists_.did());
  EXPECT_EQ(key["public_key"], hex(lists_.public_key().bytes()));
  EXPECT_EQ(key["entries_per_list"], 131072u);

  const core::Schema schema = core::test::make_schema(alice_.id(), "score");
  const core::Id schema_id = core::schema_id(schema);
  commit(sign(alice_, 0, core::RegisterSchema{schema}));
  const Json attested = commit(sign(alice_, 1,
                                    core::Attest{{core::test::make_request(schema_id, {bob_.recipient()}),
                                                  core::test::make_request(schema_id, {carol_.recipient()})}}));
  const std::string first = attested["receipt"]["created"][0].get<std::string>();
  const std::string second = attested["receipt"]["created"][1].get<std::string>();
  const std::string url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/status-lists/0";

  const Json status = get_json("/v1/attestations/" + second + "/status");
  EXPECT_EQ(status["sequence"], 1u);
  EXPECT_EQ(status["list"], 0u);
  EXPECT_EQ(status["status_list_index"], "1");
  EXPECT_EQ(status["status_list_credential"], url);
  EXPECT_EQ(status["revoked"], false);
  EXPECT_EQ(status["credential_status"],
            interop::status_list::entry(url, 1, interop::status_list::Purpose::revocation));

  const Json credential = get_json("/v1/attestations/" + second + "/credential");
  EXPECT_EQ(credential["issuer"], lists_.did());
  EXPECT_EQ(credential["id"], "urn:credence:attestation:" + second.substr(2));
  EXPECT_EQ(credential["credentialStatus"], status["credential_status"]);
  EXPECT_TRUE(verify_with_list(credential).valid());

  const auto second_id = *codec::hex_decode_fixed<32>(second);
  commit(sign(alice_, 2, core::Revoke{{core::Revocation{second_id, "withdrawn"}}}));
  EXPECT_EQ(get_json("/v1/attestations/" + second + "/status")["revoked"], true);
  const interop::vc::Verdict revoked = verify_with_list(credential);
  ASSERT_EQ(revoked.problems.size(), 1u);
  EXPECT_EQ(revoked.problems[0].code(), "revoked");
  // The other attestation of the list is untouched.
  EXPECT_TRUE(verify_with_list(get_json("/v1/attestations/" + first + "/credential")).valid());
}

TEST_F(StatusListApiTest, RefusesBadStatusListRequests) {
  EXPECT_TRUE(refused(get("/v1/status-lists/abc"), 400, "bad_query"));
  EXPECT_TRUE(refused(get("/v1/status-lists/-1"), 400, "bad_query"));
  EXPECT_TRUE(refused(get("/v1/status-lists/99999999999999999999999"), 400, "bad_query"));
  EXPECT_TRUE(refused(get("/v1/status-lists/1"), 404, "unknown_status_list"));
  EXPECT_TRUE(refused(get("/v1/status-lists/0?x=1"), 400, "bad_query"));
  EXPECT_TRUE(refused(get("/v1/attestations/0x1234/status"), 400, "bad_query"));
  EXPECT_TRUE(refused(get("/v1/attestations/" + hex(core::test::id_of("none")) + "/status"), 404,
                      "unknown_attestation"));
  EXPECT_TRUE(refused(get("/v1/attestations/" + hex(core::test::id_of("none")) + "/credential"), 404,
                      "unknown_attestation"));
  EXPECT_TRUE(refused(post_json("/v1/status-lists/0", "{}"), 405, "method_not_allowed"));
  // List 0 exists on a fresh chain, all clear.
  const auto res = get("/v1/status-lists/0");
  ASSERT_TRUE(res && res->status == 200);
  auto view = interop::status_list::read_credential(parse(res));
  ASSERT_TRUE(view.ok()) << view.status().to_string();
  EXPECT_FALSE(view->list.get(0));
}

TEST_F(StatusListApiTest, RegistriesAnswerTimestampsAndRevocationsOfAnyId) {
  const core::Id uid = core::test::id_of("an EAS uid");
  const std::string path = "/v1/registries/" + hex(uid);
  Json entry = get_json(path + "?revokers=" + hex(alice_.id()));
  EXPECT_TRUE(entry["timestamp"].is_null());
  EXPECT_EQ(entry["revocations"], Json::array());

  const Json stamped = commit(sign(alice_, 0, core::Timestamp{{uid}}));
  commit(sign(alice_, 1, core::Transfer{bob_.id(), codec::U256::from_u64(1000)}));
  commit(sign(bob_, 0, core::RevokeOffchain{{uid}}));
  entry = get_json(path);
  EXPECT_TRUE(entry["timestamp"].is_number()) << entry;
  EXPECT_EQ(entry["revocations"], Json::array());  // no revoker named, none reported
  entry = get_json(path + "?revokers=" + hex(alice_.id()) + "," + hex(bob_.id()));
  ASSERT_EQ(entry["revocations"].size(), 1u) << entry;
  EXPECT_EQ(entry["revocations"][0]["revoker"], hex(bob_.id()));
  EXPECT_TRUE(entry["revocations"][0]["time"].is_number());
  EXPECT_EQ(entry["id"], hex(uid));

  EXPECT_TRUE(refused(get("/v1/registries/0x12"), 400, "bad_query"));
  EXPECT_TRUE(refused(get(path + "?revokers=0x12"), 400, "bad_query"));
  EXPECT_TRUE(refused(get(path + "?revokers="), 400, "bad_query"));
  EXPECT_TRUE(refused(get(path + "?revoker=" + hex(bob_.id())), 400, "bad_query"));
  std::string many;
  for (int i = 0; i < 65; ++i) many += (i ? "," : "") + hex(core::test::id_of("r" + std::to_string(i)));
  EXPECT_TRUE(refused(get(path + "?revokers=" + many), 400, "bad_query"));
}

}  // namespace
}  // namespace credence::node
