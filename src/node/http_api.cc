#include "credence/node/http_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cctype>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <utility>
#include <variant>

#include "credence/codec/canonical.h"
#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/core/block.h"
#include "credence/core/concentration.h"
#include "credence/core/state.h"
#include "credence/core/verify.h"
#include "credence/node/certifier.h"
#include "credence/interop/status_list.h"
#include "credence/node/node.h"
#include "credence/node/status_lists.h"

#ifndef CREDENCE_VERSION
#define CREDENCE_VERSION "unknown"
#endif

namespace credence::node {

// docs/openapi.json, embedded at build time (src/node/embed_openapi.cmake generates the definition).
namespace detail {
extern const unsigned char kOpenApiJson[];
extern const std::size_t kOpenApiJsonSize;
}  // namespace detail

// ---------------------------------------------------------------------------------------------------------------
// The binary transaction batch

Bytes encode_transaction_batch(std::span<const core::SignedTransaction> transactions) {
  assert(transactions.size() <= kMaxBatchTransactions && "callers split larger batches");
  codec::Writer w(kTransactionBatchTag, kTransactionBatchVersion);
  w.varint(transactions.size());
  for (const core::SignedTransaction& stx : transactions) w.bytes(core::encode(stx));
  return std::move(w).take();
}

Result<std::vector<ByteView>> split_transaction_batch(ByteView batch) {
  codec::Reader r(batch);
  CREDENCE_ASSIGN_OR_RETURN(const std::uint8_t version,
                            r.header(kTransactionBatchTag, kTransactionBatchVersion, kTransactionBatchVersion));
  (void)version;
  // Every element is at least its one-byte length, so count() refuses counts the input cannot hold.
  CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t count, r.count(1));
  if (count > kMaxBatchTransactions) {
    return Status::invalid("too_many_transactions", "a batch holds at most " + std::to_string(kMaxBatchTransactions) +
                                                        " transactions, this one " + std::to_string(count));
  }
  std::vector<ByteView> out;
  out.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) {
    // A `bytes` field read as a view: varint length, then that many bytes.
    CREDENCE_ASSIGN_OR_RETURN(const std::uint64_t length, r.varint());
    if (length > r.remaining()) {
      return Status::invalid("truncated", "transaction " + std::to_string(i) + " runs past the end of the batch");
    }
    CREDENCE_ASSIGN_OR_RETURN(const ByteView item, r.raw(static_cast<std::size_t>(length)));
    out.push_back(item);
  }
  CREDENCE_RETURN_IF_ERROR(r.finish());
  return out;
}

Result<std::vector<core::SignedTransaction>> decode_transaction_batch(ByteView batch) {
  CREDENCE_ASSIGN_OR_RETURN(const std::vector<ByteView> items, split_transaction_batch(batch));
  std::vector<core::SignedTransaction> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto stx = core::decode_signed_transaction(items[i]);
    if (!stx) return stx.status().with_context("transaction " + std::to_string(i));
    out.push_back(std::move(*stx));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The server

namespace {

using codec::Json;

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kOctetType = "application/octet-stream";
constexpr std::string_view kBatchType = "application/x-credence-batch";
constexpr const char* kMetricsType = "text/plain; version=0.0.4";
constexpr std::uint64_t kMaxWaitMs = 30'000;
constexpr int kListenBacklog = 1024;  // pending connections the kernel queues for the accept loop (capped by somaxconn)
// Concentration metrics read every holder of the asset; past this the answer is 422 too_many_holders.
constexpr std::size_t kMaxHolders = 1'000'000;

// A request refused before any effect: the HTTP status and the error object's code and message.
struct HttpError {
  int status = 400;
  std::string code;
  std::string message;
};

HttpError bad_query(std::string message) { return {400, "bad_query", std::move(message)}; }

// A read of the committed state that fails (storage, a corrupt record) is the node's fault, never the request's:
// 500 with the failing Status's code.
HttpError from_local_failure(const Status& s) { return {500, s.code(), s.message()}; }

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(codec::dump_json(body), std::string(kJsonType));
}

void send_error(httplib::Response& res, const HttpError& e) {
  send_json(res, e.status, Json{{"error", {{"code", e.code}, {"message", e.message}}}});
}

// The HTTP status of a refused submission (docs/api.md "Submission refusals").
int submission_status(std::string_view code) {
  if (code == "bad_json" || code == "bad_transaction" || code == "bad_encoding") return 400;
  if (code == "too_large") return 413;
  if (code == "duplicate" || code == "stale_nonce") return 409;
  if (code == "account_full") return 429;
  if (code == "mempool_full" || code == "shutting_down") return 503;
  // bad_chain_id, transaction_expired, bad_signature, invalid_public_key, non_canonical_s and any other refusal of a
  // well-formed transaction.
  return 422;
}

// The error object for an error status httplib answered itself (no handler ran, or it wrote no body).
HttpError protocol_error(int status) {
  switch (status) {
    case 400: return {status, "bad_request", "the HTTP request is malformed"};
    case 404: return {status, "not_found", "no such route"};
    case 405: return {status, "method_not_allowed", "method not allowed"};
    case 408: return {status, "timeout", "the request was not received in time"};
    case 413: return {status, "too_large", "the request body is too large"};
    case 414: return {status, "too_large", "the request target is too long"};
    case 416: return {status, "bad_range", "the requested range cannot be served"};
    case 431: return {status, "too_large", "the request headers are too large"};
    default:
      if (status >= 500) return {status, "internal", "internal server error"};
      return {status, "bad_request", "the request was refused"};
  }
}

// "application/json; charset=utf-8" -> "application/json".
std::string media_type(const httplib::Request& req) {
  std::string v = req.get_header_value("Content-Type");
  if (const auto semi = v.find(';'); semi != std::string::npos) v.resize(semi);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())) != 0) v.pop_back();
  std::size_t start = 0;
  while (start < v.size() && std::isspace(static_cast<unsigned char>(v[start])) != 0) ++start;
  v.erase(0, start);
  std::transform(v.begin(), v.end(), v.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return v;
}

HttpError unsupported_media_type(const std::string& got, std::string_view expected) {
  return {415, "unsupported_media_type",
          "Content-Type " + (got.empty() ? std::string("(none)") : "'" + got + "'") + " is not accepted here; use " +
              std::string(expected)};
}

// A decimal u64 without sign, spaces or leading "+"; nullopt otherwise (and on overflow).
std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

template <std::size_t N>
Result<FixedBytes<N>> parse_hex_param(std::string_view name, const std::string& text) {
  auto v = codec::hex_decode_fixed<N>(text);
  if (!v) {
    return Status::invalid("bad_query", std::string(name) + ": expected " + std::to_string(N) +
                                            " bytes of hex: " + v.status().to_string());
  }
  return v;
}

// Query parameters of one request: each at most once, none outside `allowed` (a typo never silently widens a
// query).
class Query {
 public:
  static Result<Query> make(const httplib::Request& req, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : req.params) {
      (void)value;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Status::invalid("bad_query", "unknown query parameter '" + key + "'");
      }
      if (req.params.count(key) > 1) return Status::invalid("bad_query", "query parameter '" + key + "' repeated");
    }
    return Query(req);
  }

  [[nodiscard]] std::optional<std::string> get(const std::string& key) const {
    const auto it = req_->params.find(key);
    if (it == req_->params.end()) return std::nullopt;
    return it->second;
  }

  Result<std::optional<std::uint64_t>> u64(const std::string& key, std::uint64_t min, std::uint64_t max) const {
    const auto text = get(key);
    if (!text) return std::optional<std::uint64_t>{};
    const auto v = parse_u64(*text);
    if (!v || *v < min || *v > max) {
      return Status::invalid("bad_query", key + " must be an integer in " + std::to_string(min) + ".." +
                                              std::to_string(max));
    }
    return std::optional<std::uint64_t>(*v);
  }

  Result<bool> boolean(const std::string& key) const {
    const auto text = get(key);
    if (!text || *text == "false") return false;
    if (*text == "true") return true;
    return Status::invalid("bad_query", key + " must be true or false");
  }

 private:
  explicit Query(const httplib::Request& req) : req_(&req) {}
  const httplib::Request* req_;
};

Json status_json(const core::Id& id, const TransactionStatus& st) {
  Json j{{"id", codec::hex_encode_0x(id)}, {"status", to_string(st.state)}};
  if (st.location) {
    j["height"] = st.location->height;
    j["index"] = st.location->index;
  }
  if (st.receipt) j["receipt"] = core::to_json(*st.receipt);
  return j;
}

Json refused_json(std::optional<core::Id> id, const std::string& code, const std::string& message) {
  return Json{{"id", id ? Json(codec::hex_encode_0x(*id)) : Json(nullptr)},
              {"status", "refused"},
              {"error", {{"code", code}, {"message", message}}}};
}

// A transaction submission (single or batch): its refusals count in credence_transactions_rejected_total.
bool is_submission(const httplib::Request& req) {
  return req.method == "POST" && req.path.starts_with("/v1/transactions");
}

Json submission_json(const Submission& s) {
  if (s.accepted) return Json{{"id", codec::hex_encode_0x(s.id)}, {"status", "pending"}};
  return refused_json(s.id, s.code, s.message);
}

Json cursor_json(const std::optional<std::uint64_t>& cursor) { return cursor ? Json(*cursor) : Json(nullptr); }

// One route: a method and a path of literal segments and {parameters} (":" marks a parameter).
struct Route {
  std::string method;
  std::vector<std::string> segments;
  std::function<void(const httplib::Request&, httplib::Response&, const std::vector<std::string>&)> handler;
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Matches `path` against a route's segments; fills the {parameters}.
bool match(const Route& route, const std::vector<std::string>& path, std::vector<std::string>& params) {
  if (route.segments.size() != path.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& s = route.segments[i];
    if (!s.empty() && s.front() == ':') {
      if (path[i].empty()) return false;
      params.push_back(path[i]);
    } else if (s != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(Node& n) : node(n) {}

  Node& node;
  Certifier* certifier = nullptr;  // the committee's coordinator, when the node has a committee
  const StatusLists* status_lists = nullptr;  // the node key's status lists, when the node has a key
  std::string public_url;                     // base of the URLs the node signs (config, else the bound address)
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
  socket_t listen_socket = INVALID_SOCKET;  // set while binding, for the backlog (start())
  std::vector<Route> routes;
  std::size_t max_body = 0;
  // A ?wait holds an HTTP worker for up to 30 s. At most max_waiting requests wait at once, so that waiting clients
  // do not hold every worker and reads and health checks still get answered; past it, a request answers at once,
  // as if its wait had run out. start() sets an eighth of the workers aside, at least one (a single worker may
  // wait: keeping it free would turn ?wait off).
  std::size_t max_waiting = 1;
  std::atomic<std::size_t> waiting{0};

  // One request's claim on a waiting place: empty if none was free.
  class WaitSlot {
   public:
    explicit WaitSlot(Impl& impl) : impl_(&impl) {
      std::size_t n = impl.waiting.load();
      while (n < impl.max_waiting) {
        if (impl.waiting.compare_exchange_weak(n, n + 1)) {
          held_ = true;
          return;
        }
      }
      impl.node.metrics().http_waits_skipped.add();
    }
    ~WaitSlot() {
      if (held_) impl_->waiting.fetch_sub(1);
    }
    WaitSlot(const WaitSlot&) = delete;
    WaitSlot& operator=(const WaitSlot&) = delete;
    explicit operator bool() const { return held_; }

   private:
    Impl* impl_;
    bool held_ = false;
  };

  void add(std::string method, std::string_view path,
           void (Impl::*handler)(const httplib::Request&, httplib::Response&, const std::vector<std::string>&)) {
    routes.push_back(Route{std::move(method), split_path(path),
                           [this, handler](const httplib::Request& req, httplib::Response& res,
                                           const std::vector<std::string>& params) { (this->*handler)(req, res, params); }});
  }

  void install_routes() {
    routes.clear();
    // Literal routes before parameter routes of the same shape (first match wins).
    add("GET", "/v1/health", &Impl::health);
    add("GET", "/metrics", &Impl::metrics);
    add("GET", "/v1/openapi.json", &Impl::openapi);
    add("POST", "/v1/transactions", &Impl::submit);
    add("POST", "/v1/transactions/batch", &Impl::submit_batch);
    add("GET", "/v1/transactions/:id", &Impl::transaction_status);
    add("GET", "/v1/blocks/latest", &Impl::block_latest);
    add("GET", "/v1/blocks/:height", &Impl::block_at);
    add("GET", "/v1/accounts/:account", &Impl::account);
    add("GET", "/v1/assets/:id", &Impl::asset);
    add("GET", "/v1/assets/:id/concentration", &Impl::concentration);
    add("GET", "/v1/distributions/:id", &Impl::distribution);
    add("GET", "/v1/distributions/:id/claims/:claimant", &Impl::distribution_claim);
    add("GET", "/v1/state/root", &Impl::state_root);
    add("GET", "/v1/state/proof/:key", &Impl::state_proof);
    add("GET", "/v1/schemas", &Impl::list_schemas);
    add("GET", "/v1/schemas/:id", &Impl::schema);
    add("GET", "/v1/attestations", &Impl::list_attestations);
    add("GET", "/v1/attestations/:id", &Impl::attestation);
    add("GET", "/v1/attestations/:id/status", &Impl::attestation_status);
    add("GET", "/v1/attestations/:id/credential", &Impl::attestation_credential);
    add("GET", "/v1/status-lists/:list", &Impl::status_list);
    add("GET", "/v1/node/key", &Impl::node_key);
    add("GET", "/v1/registries/:id", &Impl::registries);
    add("POST", "/v1/verify/offchain", &Impl::verify_offchain);
    add("GET", "/v1/verify/:id", &Impl::verify);
    add("POST", "/v1/verify", &Impl::verify_certified);
    add("GET", "/v1/committee", &Impl::committee_info);
    add("GET", "/v1/checkpoints/latest", &Impl::checkpoint_latest);
    add("GET", "/v1/checkpoints/:height", &Impl::checkpoint_at);
  }

  // Every request comes here (httplib's own router only funnels each method to this).
  void dispatch(const httplib::Request& req, httplib::Response& res) {
    // httplib enforces the limit on Content-Length and chunked bodies already; this keeps the contract if it
    // ever does not.
    if (req.body.size() > max_body) {
      const HttpError e{413, "too_large", "the body exceeds " + std::to_string(max_body) + " bytes"};
      if (is_submission(req)) {
        refuse_submission(res, e);  // counted as the error handler counts httplib's own 413
      } else {
        send_error(res, e);
      }
      return;
    }
    const std::vector<std::string> path = split_path(req.path);
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    std::vector<std::string> params;
    std::string allowed;
    for (const Route& route : routes) {
      if (!match(route, path, params)) continue;
      if (route.method == method) {
        route.handler(req, res, params);
        return;
      }
      if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    if (!allowed.empty()) {
      res.set_header("Allow", allowed);
      send_error(res, {405, "method_not_allowed", req.method + " is not allowed on " + req.path + " (" + allowed + ")"});
      return;
    }
    send_error(res, {404, "not_found", "no route " + req.path});
  }

  // The latest read view; nullptr only if the node could not open one (reported as 503).
  std::shared_ptr<const ReadView> read_view(httplib::Response& res) const {
    auto view = node.read();
    if (!view || !view->map) {
      send_error(res, {503, "unavailable", "the node has no committed state to read"});
      return nullptr;
    }
    return view;
  }

  // ---- node

  void health(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    if (const std::string failure = node.failure(); !failure.empty()) {
      return send_error(res, {503, "node_failed", failure});
    }
    const auto view = read_view(res);
    if (!view) return;
    const core::BlockHeader& head = view->head();
    send_json(res, 200,
              Json{{"status", "ok"},
                   {"chain_id", node.chain_id()},
                   {"height", head.height},
                   {"head", codec::hex_encode_0x(core::block_hash(head))},
                   {"state_root", codec::hex_encode_0x(head.state_root)},
                   {"time", node.now()},
                   {"mempool", node.mempool_size()},
                   {"version", CREDENCE_VERSION}});
  }

  void metrics(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    res.status = 200;
    node.metrics().http_waiting.set(static_cast<double>(waiting.load()));  // read when scraped: always current
    res.set_content(node.metrics().render(), kMetricsType);
  }

  void openapi(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    res.status = 200;
    res.set_content(reinterpret_cast<const char*>(detail::kOpenApiJson), detail::kOpenApiJsonSize,
                    std::string(kJsonType));
  }

  // ---- transactions

  // A submission refused before it reaches the node (media type, query, decoding) counts under its reason, as the
  // node's own refusals do; a batch refused whole counts once.
  void refuse_submission(httplib::Response& res, const HttpError& e) {
    node.metrics().transactions_rejected.add(e.code);
    send_error(res, e);
  }

  void submit(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    // The media type first: httplib turns a form-encoded body into query parameters.
    const std::string type = media_type(req);
    if (type != kJsonType && type != kOctetType) {
      return refuse_submission(res, unsupported_media_type(type, "application/json or application/octet-stream"));
    }
    auto q = Query::make(req, {"wait"});
    if (!q) return refuse_submission(res, bad_query(q.status().message()));
    auto wait = q->u64("wait", 1, kMaxWaitMs);
    if (!wait) return refuse_submission(res, bad_query(wait.status().message()));

    core::SignedTransaction stx;
    std::size_t encoded_size = 0;
    if (type == kJsonType) {
      auto json = codec::parse_json(req.body, codec::kMaxJsonDepth, max_body);
      if (!json) return refuse_submission(res, {400, "bad_json", json.status().to_string()});
      auto parsed = core::signed_transaction_from_json(*json);
      if (!parsed) return refuse_submission(res, {400, "bad_transaction", parsed.status().to_string()});
      stx = std::move(*parsed);
      encoded_size = core::encode(stx).size();
    } else {
      auto decoded = core::decode_signed_transaction(as_bytes(req.body));
      if (!decoded) return refuse_submission(res, {400, "bad_encoding", decoded.status().to_string()});
      stx = std::move(*decoded);
      encoded_size = req.body.size();
    }

    const Submission s = node.submit(std::move(stx), encoded_size);
    if (!s.accepted) return send_error(res, {submission_status(s.code), s.code, s.message});  // counted by the node
    if (!*wait) return send_json(res, 202, submission_json(s));

    const WaitSlot slot(*this);
    const TransactionStatus st =
        slot ? node.wait(s.id, std::chrono::milliseconds(**wait)) : node.status(s.id);  // no place: answer now
    switch (st.state) {
      case TransactionStatus::State::committed:
        return send_json(res, 200, status_json(s.id, st));
      case TransactionStatus::State::rejected: {
        const std::string code = st.receipt ? st.receipt->code : "rejected";
        const std::string message = st.receipt ? st.receipt->message : "";
        return send_error(res, {422, code,
                                "transaction " + codec::hex_encode_0x(s.id) + " left out of its block" +
                                    (message.empty() ? "" : ": " + message)});
      }
      case TransactionStatus::State::pending:
      case TransactionStatus::State::unknown:
        // Still pending when the wait ran out (or the node stopped before building it): answer what is known.
        return send_json(res, 202, status_json(s.id, st));
    }
  }

  void submit_batch(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    const std::string type = media_type(req);
    if (type != kJsonType && type != kBatchType) {
      return refuse_submission(res, unsupported_media_type(type, "application/json or application/x-credence-batch"));
    }
    auto q = Query::make(req, {"wait"});
    if (!q) return refuse_submission(res, bad_query(q.status().message()));
    auto wait = q->u64("wait", 1, kMaxWaitMs);
    if (!wait) return refuse_submission(res, bad_query(wait.status().message()));
    // Per input position: a transaction to submit, or the refusal of one that did not decode.
    std::vector<std::optional<Json>> refusals;
    std::vector<core::SignedTransaction> stxs;
    std::vector<std::size_t> sizes;
    std::vector<std::size_t> positions;  // input position of stxs[i]
    // An entry that does not decode refuses only itself, and counts like any other refusal.
    const auto refuse_entry = [&](std::size_t i, const std::string& code, const std::string& message) {
      refusals[i] = refused_json(std::nullopt, code, message);
      node.metrics().transactions_rejected.add(code);
    };

    if (type == kJsonType) {
      auto json = codec::parse_json(req.body, codec::kMaxJsonDepth, max_body);
      if (!json) return refuse_submission(res, {400, "bad_json", json.status().to_string()});
      auto reader = codec::ObjectReader::make(*json, "batch");
      if (!reader) return refuse_submission(res, {400, "bad_json", reader.status().message()});
      auto list = reader->value("transactions");
      if (!list) return refuse_submission(res, {400, "bad_json", list.status().message()});
      if (Status s = reader->finish(); !s.is_ok()) return refuse_submission(res, {400, "bad_json", s.message()});
      const Json& items = **list;
      if (!items.is_array()) return refuse_submission(res, {400, "bad_json", "batch.transactions must be an array"});
      if (items.size() > kMaxBatchTransactions) {
        return refuse_submission(res,
                                 {400, "too_many_transactions",
                                  "a batch holds at most " + std::to_string(kMaxBatchTransactions) + " transactions"});
      }
      refusals.resize(items.size());
      for (std::size_t i = 0; i < items.size(); ++i) {
        auto stx = core::signed_transaction_from_json(items[i]);
        if (!stx) {
          refuse_entry(i, "bad_transaction", stx.status().to_string());
          continue;
        }
        sizes.push_back(core::encode(*stx).size());
        stxs.push_back(std::move(*stx));
        positions.push_back(i);
      }
    } else {
      auto items = split_transaction_batch(as_bytes(req.body));
      if (!items) {
        const std::string code = items.status().code() == "too_many_transactions" ? "too_many_transactions"
                                                                                   : "bad_encoding";
        return refuse_submission(res, {400, code, items.status().to_string()});
      }
      refusals.resize(items->size());
      for (std::size_t i = 0; i < items->size(); ++i) {
        auto stx = core::decode_signed_transaction((*items)[i]);
        if (!stx) {
          refuse_entry(i, "bad_encoding", stx.status().to_string());
          continue;
        }
        sizes.push_back((*items)[i].size());
        stxs.push_back(std::move(*stx));
        positions.push_back(i);
      }
    }

    const std::vector<Submission> submitted = node.submit_batch(std::move(stxs), sizes);
    // With ?wait, every admitted transaction is waited for under one shared deadline and reported by its status;
    // without a waiting place, the deadline is now.
    std::optional<WaitSlot> slot;
    if (*wait && std::any_of(submitted.begin(), submitted.end(), [](const Submission& s) { return s.accepted; })) {
      slot.emplace(*this);
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(slot && *slot ? **wait : std::uint64_t{0});
    for (std::size_t i = 0; i < submitted.size(); ++i) {
      const Submission& sub = submitted[i];
      if (!*wait || !sub.accepted) {
        refusals[positions[i]] = submission_json(sub);
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      refusals[positions[i]] = status_json(sub.id, node.wait(sub.id, std::max(left, std::chrono::milliseconds(0))));
    }
    Json results = Json::array();
    for (auto& r : refusals) results.push_back(std::move(*r));
    send_json(res, 200, Json{{"results", std::move(results)}});
  }

  void transaction_status(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("transaction id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    const TransactionStatus st = node.status(*id);
    if (st.state == TransactionStatus::State::unknown) {
      return send_error(res, {404, "unknown_transaction", "no transaction " + codec::hex_encode_0x(*id)});
    }
    send_json(res, 200, status_json(*id, st));
  }

  // ---- chain and state

  void block_latest(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    const auto view = read_view(res);
    if (!view) return;
    send_block(req, res, *view, view->head().height);
  }

  void block_at(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    const auto view = read_view(res);
    if (!view) return;
    const auto height = parse_u64(p[0]);
    if (!height) return send_error(res, bad_query("block height must be a decimal integer"));
    send_block(req, res, *view, *height);
  }

  void send_block(const httplib::Request& req, httplib::Response& res, const ReadView& view, std::uint64_t height) {
    auto q = Query::make(req, {"full"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto full = q->boolean("full");
    if (!full) return send_error(res, bad_query(full.status().message()));
    const HttpError unknown{404, "unknown_block", "no block at height " + std::to_string(height)};
    if (height > view.head().height) return send_error(res, unknown);
    auto block = view.snapshot->block(height);
    if (!block) return send_error(res, from_local_failure(block.status()));
    if (!*block) return send_error(res, unknown);
    auto receipts = view.snapshot->receipts(height);
    if (!receipts) return send_error(res, from_local_failure(receipts.status()));

    Json transactions = Json::array();
    for (const core::SignedTransaction& stx : (*block)->transactions) {
      transactions.push_back(*full ? core::to_json(stx) : Json(codec::hex_encode_0x(core::transaction_id(stx.tx))));
    }
    Json receipt_list = Json::array();
    if (*receipts) {
      for (const core::Receipt& r : **receipts) receipt_list.push_back(core::to_json(r));
    }
    send_json(res, 200,
              Json{{"header", core::to_json((*block)->header)},
                   {"transactions", std::move(transactions)},
                   {"receipts", std::move(receipt_list)}});
  }

  void account(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    auto q = Query::make(req, {"asset"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto account = parse_hex_param<32>("account", p[0]);
    if (!account) return send_error(res, bad_query(account.status().message()));
    core::Id asset = core::kNativeAsset;
    if (const auto text = q->get("asset")) {
      auto parsed = parse_hex_param<32>("asset", *text);
      if (!parsed) return send_error(res, bad_query(parsed.status().message()));
      asset = *parsed;
    }
    const auto view = read_view(res);
    if (!view) return;
    const core::MapStateView state(*view->map);
    auto record = core::load_asset(state, asset);
    if (!record) return send_error(res, from_local_failure(record.status()));
    if (!*record) return send_error(res, {404, "unknown_asset", "no asset " + codec::hex_encode_0x(asset)});
    auto nonce = core::load_u64(state, core::nonce_key(*account));
    auto delegation_nonce = core::load_u64(state, core::delegation_nonce_key(*account));
    auto balance = core::load_u256(state, core::balance_key(asset, *account));
    for (const Status* s : {&nonce.status(), &delegation_nonce.status(), &balance.status()}) {
      if (!s->is_ok()) return send_error(res, from_local_failure(*s));
    }
    send_json(res, 200,
              Json{{"account", codec::hex_encode_0x(*account)},
                   {"nonce", *nonce},
                   {"delegation_nonce", *delegation_nonce},
                   {"asset", codec::hex_encode_0x(asset)},
                   {"balance", balance->to_decimal()},
                   {"height", view->head().height}});
  }

  void distribution(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("distribution id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    auto record = core::load_distribution(core::MapStateView(*view->map), *id);
    if (!record) return send_error(res, from_local_failure(record.status()));
    if (!*record) return send_error(res, {404, "unknown_distribution", "no distribution " + codec::hex_encode_0x(*id)});
    Json j = core::to_json(**record);
    j["height"] = view->head().height;
    send_json(res, 200, j);
  }

  // What a claimant has claimed; with ?allocation=N also what has vested and is claimable at the head's time.
  void distribution_claim(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    auto q = Query::make(req, {"allocation"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("distribution id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    auto claimant = parse_hex_param<32>("claimant", p[1]);
    if (!claimant) return send_error(res, bad_query(claimant.status().message()));
    std::optional<codec::U256> allocation;
    if (const auto text = q->get("allocation")) {
      auto parsed = codec::U256::parse_decimal(*text);
      if (!parsed) return send_error(res, bad_query("allocation: " + parsed.status().message()));
      allocation = *parsed;
    }
    const auto view = read_view(res);
    if (!view) return;
    const core::MapStateView state(*view->map);
    auto record = core::load_distribution(state, *id);
    if (!record) return send_error(res, from_local_failure(record.status()));
    if (!*record) return send_error(res, {404, "unknown_distribution", "no distribution " + codec::hex_encode_0x(*id)});
    auto claimed = core::load_u256(state, core::claimed_key(*id, *claimant));
    if (!claimed) return send_error(res, from_local_failure(claimed.status()));
    Json j{{"distribution", codec::hex_encode_0x(*id)},
           {"claimant", codec::hex_encode_0x(*claimant)},
           {"claimed", claimed->to_decimal()},
           {"height", view->head().height},
           {"time", view->head().time}};
    if (allocation) {
      auto vested = core::vested_allocation(**record, *allocation, view->head().time);
      if (!vested) return send_error(res, from_local_failure(vested.status()));
      auto due = codec::checked_sub(*vested, *claimed);
      j["allocation"] = allocation->to_decimal();
      j["vested"] = vested->to_decimal();
      j["claimable"] = (due && !(*record)->wiped ? *due : codec::U256()).to_decimal();
    }
    send_json(res, 200, j);
  }

  // "0.5" -> 5/10; at most 6 decimals, within (0, 1].
  static Result<core::ShareThreshold> parse_threshold(const std::string& text) {
    const auto dot = text.find('.');
    const std::string whole = text.substr(0, dot);
    const std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
    const auto digits = [](const std::string& t) {
      return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || frac.size() > 6 || !digits(whole) || !digits(frac) || whole.size() > 1 ||
        (dot != std::string::npos && frac.empty())) {
      return Status::invalid("bad_query", "threshold: a decimal in (0, 1] with at most 6 decimals, e.g. 0.5");
    }
    std::uint64_t denominator = 1;
    for (std::size_t i = 0; i < frac.size(); ++i) denominator *= 10;
    const std::uint64_t numerator = static_cast<std::uint64_t>(std::stoull(whole + (frac.empty() ? "" : frac)));
    if (numerator == 0 || numerator > denominator) {
      return Status::invalid("bad_query", "threshold must be in (0, 1]");
    }
    return core::ShareThreshold{numerator, denominator};
  }

  void concentration(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    auto q = Query::make(req, {"threshold", "top", "height"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("asset id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    core::ShareThreshold threshold;
    std::string threshold_text = "0.5";
    if (const auto text = q->get("threshold")) {
      auto t = parse_threshold(*text);
      if (!t) return send_error(res, bad_query(t.status().message()));
      threshold = *t;
      threshold_text = *text;
    }
    auto top = q->u64("top", 1, kMaxPageSize);
    if (!top) return send_error(res, bad_query(top.status().message()));
    const std::size_t k = top->value_or(10);
    const auto view = read_view(res);
    if (!view) return;
    auto record = core::load_asset(core::MapStateView(*view->map), *id);
    if (!record) return send_error(res, from_local_failure(record.status()));
    if (!*record) return send_error(res, {404, "unknown_asset", "no asset " + codec::hex_encode_0x(*id)});
    auto at = q->u64("height", 0, view->head().height);
    if (!at) return send_error(res, bad_query(at.status().message()));
    const std::uint64_t height = at->value_or(view->head().height);
    auto balances = view->snapshot->holders(*id, height, kMaxHolders);
    if (!balances) {
      if (balances.status().code() == "too_many_holders") {
        return send_error(res, {422, "too_many_holders", balances.status().message()});
      }
      return send_error(res, from_local_failure(balances.status()));
    }
    codec::U256 held;
    for (const auto& b : *balances) {
      auto sum = codec::checked_add(held, b);  // balances of one asset sum to at most its supply
      if (!sum) return send_error(res, from_local_failure(Status::error("corrupt_state", "holder balances overflow")));
      held = *sum;
    }
    Json j{{"asset", codec::hex_encode_0x(*id)},
           {"height", height},
           {"holders", balances->size()},
           {"held", held.to_decimal()}};
    if (height == view->head().height) j["supply"] = (*record)->supply.to_decimal();  // the record is the head's
    if (balances->empty()) {
      j["gini"] = nullptr;  // no holders: the metrics are undefined
    } else {
      auto gini = core::gini(*balances);
      auto hhi = core::hhi(*balances);
      auto nakamoto = core::nakamoto_coefficient(*balances, threshold);
      auto top_share = core::top_k_share(*balances, k);
      auto entropy = core::shannon_entropy(*balances);
      for (const Status* s : {&gini.status(), &hhi.status(), &nakamoto.status(), &top_share.status(),
                              &entropy.status()}) {
        if (!s->is_ok()) return send_error(res, {422, s->code(), s->message()});
      }
      j["gini"] = *gini;
      j["hhi"] = *hhi;
      j["nakamoto"] = Json{{"threshold", threshold_text}, {"count", *nakamoto}};
      j["top"] = Json{{"k", k}, {"share", *top_share}};
      j["entropy_bits"] = *entropy;
    }
    send_json(res, 200, j);
  }

  void asset(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("asset id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    auto record = core::load_asset(core::MapStateView(*view->map), *id);
    if (!record) return send_error(res, from_local_failure(record.status()));
    if (!*record) return send_error(res, {404, "unknown_asset", "no asset " + codec::hex_encode_0x(*id)});
    Json j = core::to_json(**record);
    j["height"] = view->head().height;
    send_json(res, 200, j);
  }

  void state_root(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    send_json(res, 200,
              Json{{"height", view->head().height},
                   {"state_root", codec::hex_encode_0x(view->head().state_root)},
                   {"head", codec::hex_encode_0x(core::block_hash(view->head()))}});
  }

  void state_proof(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    auto key = parse_hex_param<32>("state key", p[0]);
    if (!key) return send_error(res, bad_query(key.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    auto value = view->map->get(*key);
    if (!value) return send_error(res, from_local_failure(value.status()));
    auto proof = view->map->prove(*key);
    if (!proof) return send_error(res, from_local_failure(proof.status()));
    send_json(res, 200,
              Json{{"height", view->head().height},
                   {"root", codec::hex_encode_0x(view->map->root())},
                   {"key", codec::hex_encode_0x(*key)},
                   {"value", *value ? Json(codec::hex_encode_0x(**value)) : Json(nullptr)},
                   {"proof", core::smt::proof_to_json(*proof)}});
  }

  // ---- schemas and attestations

  void schema(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("schema id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    auto schema = core::load_schema(core::MapStateView(*view->map), *id);
    if (!schema) return send_error(res, from_local_failure(schema.status()));
    if (!*schema) return send_error(res, {404, "unknown_schema", "no schema " + codec::hex_encode_0x(*id)});
    send_json(res, 200, Json{{"id", codec::hex_encode_0x(*id)}, {"schema", core::to_json(**schema)}});
  }

  // limit and cursor, shared by the list endpoints.
  static Status read_paging(const Query& q, std::size_t& limit, std::optional<std::uint64_t>& cursor) {
    CREDENCE_ASSIGN_OR_RETURN(const auto l, q.u64("limit", 1, kMaxPageSize));
    limit = l ? static_cast<std::size_t>(*l) : kDefaultPageSize;
    CREDENCE_ASSIGN_OR_RETURN(cursor, q.u64("cursor", 0, UINT64_MAX));
    return Status::ok();
  }

  void list_schemas(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    auto q = Query::make(req, {"registrant", "limit", "cursor"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    SchemaQuery query;
    if (Status s = read_paging(*q, query.limit, query.cursor); !s.is_ok()) return send_error(res, bad_query(s.message()));
    if (const auto registrant = q->get("registrant")) {
      auto r = parse_hex_param<32>("registrant", *registrant);
      if (!r) return send_error(res, bad_query(r.status().message()));
      query.registrant = *r;
    }
    const auto view = read_view(res);
    if (!view) return;
    auto page = view->snapshot->schemas(query);
    if (!page) return send_error(res, from_local_failure(page.status()));
    Json list = Json::array();
    for (const SchemaEntry& e : page->schemas) {
      list.push_back(Json{{"id", codec::hex_encode_0x(e.id)}, {"sequence", e.sequence}, {"schema", core::to_json(e.schema)}});
    }
    send_json(res, 200, Json{{"schemas", std::move(list)}, {"next_cursor", cursor_json(page->next_cursor)}});
  }

  void attestation(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("attestation id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    auto record = core::load_attestation(core::MapStateView(*view->map), *id);
    if (!record) return send_error(res, from_local_failure(record.status()));
    if (!*record) return send_error(res, {404, "unknown_attestation", "no attestation " + codec::hex_encode_0x(*id)});
    send_json(res, 200, Json{{"id", codec::hex_encode_0x(*id)}, {"record", core::to_json(**record)}});
  }

  // Parses the list filters of GET /v1/attestations into an AttestationQuery (docs/api.md).
  Result<AttestationQuery> attestation_query(const Query& q) const {
    AttestationQuery query;
    CREDENCE_RETURN_IF_ERROR(read_paging(q, query.limit, query.cursor));
    if (const auto schema = q.get("schema")) {
      CREDENCE_ASSIGN_OR_RETURN(query.schema, parse_hex_param<32>("schema", *schema));
    }
    if (const auto attester = q.get("attester")) {
      CREDENCE_ASSIGN_OR_RETURN(query.attester, parse_hex_param<32>("attester", *attester));
    }
    if (const auto recipient = q.get("recipient")) {
      auto r = core::Recipient::parse(*recipient);
      if (!r) return Status::invalid("bad_query", "recipient: " + r.status().to_string());
      query.recipient = std::move(*r);
    }
    if (const auto key = q.get("indexing_key")) {
      if (key->size() > core::kMaxIndexingKeyLength || !codec::is_valid_utf8(*key)) {
        return Status::invalid("bad_query", "indexing_key must be UTF-8 of at most " +
                                                std::to_string(core::kMaxIndexingKeyLength) + " bytes");
      }
      query.indexing_key = *key;
    }
    CREDENCE_ASSIGN_OR_RETURN(query.valid_now, q.boolean("valid_now"));
    CREDENCE_ASSIGN_OR_RETURN(const auto time, q.u64("time", 0, UINT64_MAX));
    // `time` only qualifies valid_now; alone it would filter nothing, which a caller would not expect.
    if (time && !query.valid_now) return Status::invalid("bad_query", "time is only meaningful with valid_now=true");
    query.now = time ? *time : node.now();
    return query;
  }

  void list_attestations(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    auto q = Query::make(req, {"schema", "attester", "recipient", "indexing_key", "valid_now", "time", "limit",
                               "cursor"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto query = attestation_query(*q);
    if (!query) return send_error(res, bad_query(query.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    auto page = view->snapshot->attestations(*query);
    if (!page) return send_error(res, from_local_failure(page.status()));
    Json list = Json::array();
    for (const AttestationEntry& e : page->attestations) {
      list.push_back(
          Json{{"id", codec::hex_encode_0x(e.id)}, {"sequence", e.sequence}, {"record", core::to_json(e.record)}});
    }
    send_json(res, 200, Json{{"attestations", std::move(list)}, {"next_cursor", cursor_json(page->next_cursor)}});
  }

  // ---- status lists and the node key (docs/vc.md "Publishing from a node")

  bool need_status_lists(httplib::Response& res) {
    if (status_lists != nullptr) return true;
    send_error(res, {404, "no_node_key", "this node has no node key: it publishes no status lists"});
    return false;
  }

  std::string status_list_url(std::uint64_t list) const {
    return public_url + "/v1/status-lists/" + std::to_string(list);
  }

  void node_key(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    if (!need_status_lists(res)) return;
    send_json(res, 200,
              Json{{"public_key", codec::hex_encode_0x(status_lists->public_key().bytes())},
                   {"did", status_lists->did()},
                   {"verification_method", status_lists->verification_method()},
                   {"status_list_url", public_url + "/v1/status-lists/{list}"},
                   {"entries_per_list", StatusLists::kEntriesPerList}});
  }

  void status_list(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    const auto list = parse_u64(p[0]);
    if (!list) return send_error(res, bad_query("status list: expected a decimal list number, got \"" + p[0] + "\""));
    if (!need_status_lists(res)) return;
    const auto view = read_view(res);
    if (!view) return;
    auto text = status_lists->credential(*view->snapshot, *list, status_list_url(*list));
    if (!text) {
      if (text.status().code() == "unknown_status_list") {
        return send_error(res, {404, "unknown_status_list", text.status().message()});
      }
      return send_error(res, from_local_failure(text.status()));
    }
    res.status = 200;
    res.set_header("X-Credence-Height", std::to_string(view->head().height));
    res.set_content(**text, std::string(kJsonType));
  }

  // An on-ledger attestation's record and status-list sequence; a refusal as the HttpError to send.
  struct LocatedAttestation {
    core::AttestationRecord record;
    std::uint64_t sequence = 0;
  };
  static std::variant<LocatedAttestation, HttpError> locate(const ReadView& view, const core::Id& id) {
    auto record = core::load_attestation(core::MapStateView(*view.map), id);
    if (!record) return from_local_failure(record.status());
    if (!*record) return HttpError{404, "unknown_attestation", "no attestation " + codec::hex_encode_0x(id)};
    auto sequence = view.snapshot->attestation_sequence(id);
    if (!sequence) return from_local_failure(sequence.status());
    if (!*sequence) {
      return HttpError{500, "corrupt_state", "attestation " + codec::hex_encode_0x(id) + " has no sequence entry"};
    }
    return LocatedAttestation{std::move(**record), **sequence};
  }

  // The common start of the per-attestation status-list routes: no query parameter, a 32-byte id, a node key, a
  // read view, the attestation's record and sequence. nullopt once the refusal has been sent.
  struct AttestationContext {
    core::Id id{};
    std::shared_ptr<const ReadView> view;
    LocatedAttestation located;
  };
  std::optional<AttestationContext> attestation_context(const httplib::Request& req, httplib::Response& res,
                                                        const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) {
      send_error(res, bad_query(q.status().message()));
      return std::nullopt;
    }
    auto id = parse_hex_param<32>("attestation id", p[0]);
    if (!id) {
      send_error(res, bad_query(id.status().message()));
      return std::nullopt;
    }
    if (!need_status_lists(res)) return std::nullopt;
    auto view = read_view(res);
    if (!view) return std::nullopt;
    auto found = locate(*view, *id);
    if (const auto* e = std::get_if<HttpError>(&found)) {
      send_error(res, *e);
      return std::nullopt;
    }
    return AttestationContext{*id, std::move(view), std::move(std::get<LocatedAttestation>(found))};
  }

  void attestation_status(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    const auto context = attestation_context(req, res, p);
    if (!context) return;
    const LocatedAttestation* located = &context->located;
    const ReadView* view = context->view.get();
    const core::Id* id = &context->id;
    const StatusLists::Position at = StatusLists::position(located->sequence);
    const std::string url = status_list_url(at.list);
    send_json(res, 200,
              Json{{"id", codec::hex_encode_0x(*id)},
                   {"height", view->head().height},
                   {"sequence", located->sequence},
                   {"list", at.list},
                   {"status_list_credential", url},
                   {"status_list_index", std::to_string(at.index)},
                   {"revoked", located->record.revoked_at != 0},
                   {"credential_status",
                    interop::status_list::entry(url, at.index, interop::status_list::Purpose::revocation)}});
  }

  void attestation_credential(const httplib::Request& req, httplib::Response& res,
                              const std::vector<std::string>& p) {
    const auto context = attestation_context(req, res, p);
    if (!context) return;
    const LocatedAttestation* located = &context->located;
    const ReadView* view = context->view.get();
    const core::Attestation& attestation = located->record.attestation;
    auto schema = core::load_schema(core::MapStateView(*view->map), attestation.request.schema);
    if (!schema) return send_error(res, from_local_failure(schema.status()));
    const std::string url = status_list_url(StatusLists::position(located->sequence).list);
    auto credential = status_lists->attestation_credential(attestation, *schema ? &**schema : nullptr,
                                                           located->sequence, url,
                                                           static_cast<std::int64_t>(view->head().time));
    // The ledger accepted the data under its schema, so a failure here is ours.
    if (!credential) return send_error(res, from_local_failure(credential.status()));
    send_json(res, 200, *credential);
  }

  // ---- the off-ledger registries: timestamps and revocations of any 32-byte id (docs/api.md "Registries")

  static constexpr std::size_t kMaxRevokers = 64;

  void registries(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    auto q = Query::make(req, {"revokers"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto id = parse_hex_param<32>("id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    std::vector<core::AccountId> revokers;
    if (const auto text = q->get("revokers")) {
      std::string_view rest = *text;
      while (true) {
        const std::size_t comma = rest.find(',');
        auto revoker = parse_hex_param<32>("revokers", std::string(rest.substr(0, comma)));
        if (!revoker) return send_error(res, bad_query(revoker.status().message()));
        if (std::find(revokers.begin(), revokers.end(), *revoker) == revokers.end()) revokers.push_back(*revoker);
        if (revokers.size() > kMaxRevokers) {
          return send_error(res, bad_query("revokers: at most " + std::to_string(kMaxRevokers) + " accounts"));
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    const auto view = read_view(res);
    if (!view) return;
    const core::MapStateView state(*view->map);
    auto timestamp = core::load_u64(state, core::timestamp_key(*id));
    if (!timestamp) return send_error(res, from_local_failure(timestamp.status()));
    Json revocations = Json::array();
    for (const core::AccountId& revoker : revokers) {
      auto at = core::load_u64(state, core::offchain_revocation_key(revoker, *id));
      if (!at) return send_error(res, from_local_failure(at.status()));
      if (*at != 0) revocations.push_back(Json{{"revoker", codec::hex_encode_0x(revoker)}, {"time", *at}});
    }
    send_json(res, 200,
              Json{{"id", codec::hex_encode_0x(*id)},
                   {"height", view->head().height},
                   {"timestamp", *timestamp != 0 ? Json(*timestamp) : Json(nullptr)},
                   {"revocations", std::move(revocations)}});
  }

  // ---- verification

  // The verdict answer shared by both verify endpoints.
  static Json verdict_json(const core::Id& id, std::uint64_t time, const ReadView& view, const core::Verdict& verdict,
                           const core::ProofBundle& bundle) {
    return Json{{"id", codec::hex_encode_0x(id)},
                {"time", time},
                {"height", view.head().height},
                {"state_root", codec::hex_encode_0x(view.head().state_root)},
                {"verdict", core::to_json(verdict)},
                {"proof", core::to_json(bundle)}};
  }

  void verify(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    auto q = Query::make(req, {"time"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto time = q->u64("time", 0, UINT64_MAX);
    if (!time) return send_error(res, bad_query(time.status().message()));
    auto id = parse_hex_param<32>("attestation id", p[0]);
    if (!id) return send_error(res, bad_query(id.status().message()));
    const auto view = read_view(res);
    if (!view) return;
    const std::uint64_t now = *time ? **time : node.now();
    auto proven = core::verify_and_prove_attestation(*view->map, *id, now);
    if (!proven) return send_error(res, from_local_failure(proven.status()));
    send_json(res, 200, verdict_json(*id, now, *view, proven->verdict, proven->proof));
  }

  void verify_offchain(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    const std::string type = media_type(req);
    if (type != kJsonType) return send_error(res, unsupported_media_type(type, "application/json"));
    auto q = Query::make(req, {"time"});
    if (!q) return send_error(res, bad_query(q.status().message()));
    auto time = q->u64("time", 0, UINT64_MAX);
    if (!time) return send_error(res, bad_query(time.status().message()));
    auto json = codec::parse_json(req.body, codec::kMaxJsonDepth, max_body);
    if (!json) return send_error(res, {400, "bad_json", json.status().to_string()});
    auto offchain = core::offchain_from_json(*json);
    if (!offchain) return send_error(res, {400, "bad_attestation", offchain.status().to_string()});
    const auto view = read_view(res);
    if (!view) return;
    const std::uint64_t now = *time ? **time : node.now();
    auto proven = core::verify_and_prove_offchain_attestation(*view->map, *offchain, now);
    if (!proven) return send_error(res, from_local_failure(proven.status()));
    send_json(res, 200,
              verdict_json(core::attestation_id(offchain->attestation), now, *view, proven->verdict, proven->proof));
  }

  // ---- the verifier committee (docs/committee.md)

  bool need_committee(httplib::Response& res) {
    if (certifier != nullptr) return true;
    send_error(res, {404, "no_committee", "this node runs no verifier committee"});
    return false;
  }

  void committee_info(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    if (!need_committee(res)) return;
    Json info = committee::to_json(certifier->committee());
    // Whether this is the committee the chain's genesis fixed; its record is provable at /v1/state/proof/<key>.
    auto view = node.read();
    auto in_genesis = core::genesis_committee(core::MapStateView(*view->map));
    if (!in_genesis) return send_error(res, from_local_failure(in_genesis.status()));
    info["in_genesis"] = in_genesis->has_value() && **in_genesis == committee::to_record(certifier->committee());
    info["state_key"] = codec::hex_encode_0x(core::meta_key("committee"));
    info["checkpoint_interval"] = certifier->options().checkpoint_interval;
    info["batch_window_ms"] = certifier->options().batch_window_ms;
    send_json(res, 200, info);
  }

  void checkpoint_latest(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    if (!need_committee(res)) return;
    auto c = certifier->latest_checkpoint();
    if (!c) return send_error(res, {404, "no_checkpoint", "no checkpoint certified yet"});
    send_json(res, 200, core::to_json(*c));
  }

  void checkpoint_at(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& p) {
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    if (!need_committee(res)) return;
    const auto height = parse_u64(p[0]);
    if (!height) return send_error(res, bad_query("checkpoint height must be a decimal integer"));
    auto c = certifier->checkpoint(*height);
    if (!c) return send_error(res, {404, "unknown_checkpoint", "no certified checkpoint at height " + p[0]});
    send_json(res, 200, core::to_json(*c));
  }

  // POST /v1/verify {"attestation": "0x…", "deadline_ms": unix ms | "timeout_ms": ms}: a certificate, or "deadline
  // exceeded" with the verdict and what the committee had gathered by then.
  void verify_certified(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>&) {
    const std::string type = media_type(req);
    if (type != kJsonType) return send_error(res, unsupported_media_type(type, "application/json"));
    if (auto q = Query::make(req, {}); !q) return send_error(res, bad_query(q.status().message()));
    if (!need_committee(res)) return;
    auto json = codec::parse_json(req.body, codec::kMaxJsonDepth, max_body);
    if (!json) return send_error(res, {400, "bad_json", json.status().to_string()});
    auto parsed = [&]() -> Result<std::pair<core::Id, std::uint64_t>> {
      CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(*json, "verify request"));
      CREDENCE_ASSIGN_OR_RETURN(core::Id id, r.hex_fixed<32>("attestation"));
      const bool absolute = r.optional("deadline_ms");
      const bool relative = r.optional("timeout_ms");
      if (absolute == relative) return Status::invalid("bad_request", "give exactly one of deadline_ms, timeout_ms");
      std::uint64_t deadline = 0;
      if (absolute) {
        CREDENCE_ASSIGN_OR_RETURN(deadline, r.u64("deadline_ms"));
      } else {
        CREDENCE_ASSIGN_OR_RETURN(std::uint64_t timeout, r.u64("timeout_ms"));
        if (timeout == 0 || timeout > 86'400'000) return Status::invalid("bad_request", "timeout_ms: 1..86400000");
        deadline = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count()) +
                   timeout;
      }
      CREDENCE_RETURN_IF_ERROR(r.finish());
      return std::make_pair(id, deadline);
    }();
    if (!parsed) return send_error(res, {400, parsed.status().code(), parsed.status().message()});
    auto outcome = certifier->verify(parsed->first, parsed->second);
    if (!outcome) {
      const Status& s = outcome.status();
      if (s.is_error()) return send_error(res, from_local_failure(s));
      const int status = s.code() == "busy" || s.code() == "shutting_down" ? 503 : 400;
      return send_error(res, {status, s.code(), s.message()});
    }
    Json reasons = Json::array();
    for (const auto& r : outcome->reasons) reasons.push_back(Json{{"code", r.code}, {"detail", r.detail}});
    Json progress{{"responded", outcome->progress.responded},
                  {"excluded", outcome->progress.excluded},
                  {"sessions", outcome->progress.sessions},
                  {"finished", outcome->progress.finished}};
    Json refusals = Json::object();
    for (const auto& [id, why] : outcome->progress.refusals) refusals[std::to_string(id)] = why;
    progress["refusals"] = std::move(refusals);
    Json body{{"certified", outcome->certificate.has_value()},
              {"outcome", outcome->certificate ? "certified"
                          : outcome->deadline_exceeded ? "deadline_exceeded"
                                                       : "not_certified"},
              {"statement", core::to_json(outcome->statement)},
              {"reasons", std::move(reasons)},
              {"proof", core::to_json(outcome->proof)},
              {"group_public_key", codec::hex_encode_0x(certifier->committee().group_public_key)},
              {"latency_ms", outcome->latency_ms},
              {"committee", std::move(progress)}};
    if (outcome->certificate) body["certificate"] = core::to_json(*outcome->certificate);
    send_json(res, 200, body);
  }
};

HttpServer::HttpServer(Node& node) : impl_(std::make_unique<Impl>(node)) {}

void HttpServer::set_certifier(Certifier* certifier) { impl_->certifier = certifier; }

void HttpServer::set_status_lists(const StatusLists* status_lists) { impl_->status_lists = status_lists; }

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return impl_->port.load(); }

Status HttpServer::start(const std::string& host, std::uint16_t port) {
  if (impl_->server) return Status::invalid("already_started", "the HTTP server is already running");
  Impl& impl = *impl_;
  const NodeConfig& config = impl.node.config();
  impl.max_body = config.http_max_body_bytes;
  impl.install_routes();

  auto server = std::make_unique<httplib::Server>();
  // httplib serves a keep-alive connection on one worker until the client closes it (or keep_alive_timeout passes),
  // and ?wait holds a worker until commit: the pool must exceed the connections clients keep open, not the cores.
  const std::size_t workers =
      config.http_threads != 0 ? config.http_threads : std::max(64u, 8 * std::thread::hardware_concurrency());
  server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  impl.max_waiting = workers > 1 ? workers - std::max<std::size_t>(1, workers / 8) : 1;
  server->set_payload_max_length(impl.max_body);
  server->set_keep_alive_timeout(2);  // seconds an idle keep-alive connection may hold a worker
  // A response goes out as headers then body; with Nagle the body waits for the client's delayed ACK (~40 ms on
  // Linux) on every keep-alive request.
  server->set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second node bind the same port and silently share
  // its traffic; SO_REUSEADDR alone still allows a quick restart.
  server->set_socket_options([&impl](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl.listen_socket = sock;  // only the listening socket comes through here
  });

  const auto handler = [&impl](const httplib::Request& req, httplib::Response& res) { impl.dispatch(req, res); };
  server->Get(".*", handler);
  server->Post(".*", handler);
  server->Put(".*", handler);
  server->Patch(".*", handler);
  server->Delete(".*", handler);
  server->Options(".*", handler);

  // Errors httplib answers itself (400 unparsable request, 413 body over the limit, 404 for methods it cannot
  // route) get the JSON error object too; our own error replies already carry a body.
  server->set_error_handler(
      httplib::Server::HandlerWithResponse([&impl](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const HttpError e = protocol_error(res.status);
        // A submission over the size limit is a refused transaction like the others (other errors httplib answers
        // itself — a dropped upload, a timeout — say nothing about a transaction).
        if (res.status == 413 && is_submission(req)) {
          impl.node.metrics().transactions_rejected.add(e.code);
        }
        send_error(res, e);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.headers.clear();
    send_error(res, {500, "internal", what});
  });
  // Called once per answered request, whoever produced the answer (routing, httplib's own errors).
  server->set_logger([&impl](const httplib::Request&, const httplib::Response& res) {
    Metrics& m = impl.node.metrics();
    m.http_requests.add();
    m.http_responses.add(std::to_string(res.status));
  });

  int bound = 0;
  if (port == 0) {
    bound = server->bind_to_any_port(host);
  } else if (server->bind_to_port(host, port)) {
    bound = port;
  }
  if (bound <= 0) {
    return Status::error("bind", "cannot listen on " + host + ":" + std::to_string(port));
  }
  // httplib listens with a backlog of 5: when more clients connect at once than the accept loop has taken, the
  // kernel drops their SYNs and each retries after a second. Listening again on the bound socket raises the bound.
  if (impl.listen_socket != INVALID_SOCKET) (void)::listen(impl.listen_socket, kListenBacklog);
  impl.port.store(static_cast<std::uint16_t>(bound));
  // Before the accept loop starts: handlers read it unlocked.
  impl.public_url = !config.public_url.empty() ? config.public_url
                                               : "http://" + host + ":" + std::to_string(bound);
  httplib::Server* raw = server.get();
  impl.server = std::move(server);
  impl.thread = std::thread([raw] { raw->listen_after_bind(); });
  // stop() only takes effect once the accept loop runs; wait for it so a quick stop() never hangs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!raw->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!raw->is_running()) {
    stop();
    return Status::error("bind", "the HTTP server did not start listening");
  }
  return Status::ok();
}

void HttpServer::stop() {
  if (!impl_ || !impl_->server) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
  impl_->port.store(0);
}

}  // namespace credence::node
