// The `credence` CLI's client for a node's HTTP API (docs/api.md): blocking JSON requests over cpp-httplib.
//
// One NodeClient per command run; every request opens its own connection and is bounded by a connect and a read
// timeout, so a silent node cannot hang the CLI. Nothing here trusts the server: a reply whose body is not JSON is
// an error, and the accessors below read fields without throwing. Not thread-safe (the CLI is single-threaded).
#pragma once

#include <cstdint>
#include <string>

#include "credence/codec/json.h"
#include "credence/status.h"

namespace credence::cli {

// What the node answered: the HTTP status and the parsed JSON body (an error answer is
// {"error":{"code","message"}}, docs/api.md "Conventions").
struct NodeReply {
  int status = 0;
  codec::Json body;

  [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
};

// The default node: $CREDENCE_NODE, else this.
inline constexpr const char* kDefaultNodeUrl = "http://127.0.0.1:8545";

class NodeClient {
 public:
  // `url` is http://HOST[:PORT] or https://HOST[:PORT], optionally with a trailing "/" (no other path).
  // invalid("bad_node_url") otherwise.
  static Result<NodeClient> make(const std::string& url);

  // GET `target` (path and query, e.g. "/v1/health"). error("node_unreachable") when no HTTP answer arrives
  // (refused, timed out, reset); error("bad_response") when the answer's body is not JSON. Any HTTP status is a
  // reply: callers look at `status`.
  Result<NodeReply> get(const std::string& target) const;
  // POST `body` as application/json to `target`; failures as get(). `read_timeout_s` bounds the wait for the
  // answer (a ?wait= submission holds it open).
  Result<NodeReply> post_json(const std::string& target, const codec::Json& body, int read_timeout_s = 10) const;

  // The base URL as given (without a trailing "/").
  [[nodiscard]] const std::string& url() const { return base_; }

 private:
  explicit NodeClient(std::string base) : base_(std::move(base)) {}
  std::string base_;
};

// Percent-encodes `text` for a query string or a path segment (RFC 3986 unreserved characters stay as they are).
std::string url_encode(const std::string& text);

// Reading a node's JSON without throwing. Each answers error("bad_response", "<what>: …") if the field is missing
// or has another type: a node that answers something else than docs/api.md is a local failure of this client,
// not the user's input.
Result<std::string> json_string(const codec::Json& object, const std::string& key);
Result<std::uint64_t> json_u64(const codec::Json& object, const std::string& key);
Result<bool> json_bool(const codec::Json& object, const std::string& key);
Result<const codec::Json*> json_field(const codec::Json& object, const std::string& key);

}  // namespace credence::cli
