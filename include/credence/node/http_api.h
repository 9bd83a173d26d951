// The node's HTTP API (docs/api.md, described by docs/openapi.json): JSON over HTTP/1.1 in front of a running Node,
// plus the binary transaction batch ("credence/tx-batch") that the API accepts and the CLI and load generator send.
//
// HttpServer borrows its Node, which must outlive it. It serves on its own accept thread and a pool of
// config.http_threads workers (0: 8 x hardware threads, at least 64); handlers run on the workers and only call the
// Node's thread-safe methods. Every answer that is not 2xx is the JSON error object of docs/api.md
// ({"error":{"code","message"}}), including routing errors (404 not_found, 405 method_not_allowed), bodies over
// config.http_max_body_bytes (413 too_large) and exceptions escaping a handler (500 internal).
// Thread-safety: start(), stop() and the destructor from one thread; port() from any.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credence/bytes.h"
#include "credence/core/transaction.h"
#include "credence/status.h"

namespace credence::node {

class Node;
class Certifier;
class StatusLists;

// ---- the binary transaction batch: "credence/tx-batch" v1 | count:varint | count × bytes(signed tx encoding)
// (docs/api.md "Binary batch"; header and primitives as docs/encoding.md).

inline constexpr std::string_view kTransactionBatchTag = "credence/tx-batch";
inline constexpr std::uint8_t kTransactionBatchVersion = 1;
// At most this many transactions per batch (one request of POST /v1/transactions/batch).
inline constexpr std::size_t kMaxBatchTransactions = 10'000;

// Encodes `transactions` as a batch. Requires at most kMaxBatchTransactions (asserted: the caller splits).
[[nodiscard]] Bytes encode_transaction_batch(std::span<const core::SignedTransaction> transactions);

// Splits a batch into each transaction's encoding, without decoding them (views into `batch`, which must outlive
// them), so a server can refuse one bad transaction alone. Checks the framing only: invalid("bad_tag" |
// "unsupported_version" | "truncated" | "bad_varint" | "trailing_bytes") from the canonical Reader, and
// invalid("too_many_transactions") above kMaxBatchTransactions.
Result<std::vector<ByteView>> split_transaction_batch(ByteView batch);

// Splits and decodes every transaction; any malformed one fails the whole batch (its reason code, the message naming
// its position). Strict: success implies encode_transaction_batch(result) == batch.
Result<std::vector<core::SignedTransaction>> decode_transaction_batch(ByteView batch);

// ---- the server

class HttpServer {
 public:
  explicit HttpServer(Node& node);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves the committee's routes (POST /v1/verify, /v1/checkpoints, /v1/committee) from `certifier`, which must
  // outlive the server. Call before start(); without it those routes answer 404 no_committee.
  void set_certifier(Certifier* certifier);

  // Publishes the node key's status lists and VC exports (GET /v1/status-lists/{list}, /v1/attestations/{id}/status
  // and /credential, /v1/node/key) from `status_lists`, which must outlive the server. Call before start(); without
  // it those routes answer 404 no_node_key. Their URLs start with config.public_url, else http://HOST:PORT as bound.
  void set_status_lists(const StatusLists* status_lists);

  // Binds host:port (port 0: an ephemeral port, see port()) and starts serving; returns once the server accepts
  // connections. error("bind") if it cannot listen there; invalid("already_started") on a second call.
  Status start(const std::string& host, std::uint16_t port);

  // The bound port (0 before start()).
  [[nodiscard]] std::uint16_t port() const;

  // Stops accepting, finishes the requests in flight (a ?wait request may hold a worker up to its timeout) and
  // joins the threads. Idempotent; also run by the destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace credence::node
