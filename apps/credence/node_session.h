// A `credence` command's conversation with a node (docs/cli.md "Commands against a node"): the Session that turns
// the node's error answers into exit codes, and the transaction submission every write command uses (build, sign
// with the account's Ed25519 key file, submit with ?wait, read the receipt). Shared by node_commands.cc and the
// node-backed interop commands (eas anchor / revoke / verify --node, vc export --from-node).
//
// Exit codes: 0 done; 1 the node refused (409, 422, 429) or the transaction failed; 2 malformed input (local
// checks, or the node's 400 / 404); 3 local failure (node unreachable, unexpected answer, file system).
// Single-threaded, like the CLI.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "credence/core/objects.h"
#include "credence/core/transaction.h"
#include "key_file.h"
#include "node_client.h"

namespace credence::cli {

// A submitted transaction may wait this long for its block (the API allows up to 30 s).
inline constexpr int kWaitMs = 10'000;
// Transactions expire this long after the node's current time.
inline constexpr std::uint64_t kExpirySeconds = 3600;

// The exit code of a node's error answer.
int exit_for_http_status(int status);

// One command's conversation with the node. Requests answer Result<Json>; an HTTP error answer becomes a Status
// with the node's code and message, and the session remembers it so fail() can pick the exit code from the HTTP
// status and, with --json, print the node's own error object.
class Session {
 public:
  Session(const Output& out, const NodeOptions& node) : out_(out), url_(node.url) {}

  [[nodiscard]] const Output& out() const { return out_; }
  [[nodiscard]] const std::string& url() const { return url_; }

  // GETs `target` (path and query); a 2xx answer's JSON, else the node's error as a Status.
  Result<codec::Json> get(const std::string& target);

  // POSTs JSON; hands back every 2xx answer with its status (a submission answers 200 or 202).
  Result<NodeReply> post_reply(const std::string& target, const codec::Json& body, int read_timeout_s);

  // Prints the failure (one line on stderr, or the error object with --json) and answers its exit code.
  int fail(const Status& status);

  // Prints a successful answer: `text`, or the node's JSON with --json.
  int print(const std::string& text, const codec::Json& server) const { return out_.result(text, server); }

 private:
  Result<codec::Json> finish(Result<NodeReply> reply);
  Status http_failure(const NodeReply& reply);

  struct HttpError {
    Status status;
    int http_status;
    codec::Json body;
  };

  const Output& out_;
  std::string url_;
  std::optional<HttpError> http_error_;
};

// "0x" + 64 hex (either case, "0x" optional) as a 32-byte id; invalid with the hex decoder's code, naming `what`.
Result<core::Id> parse_id(const std::string& what, const std::string& text);

// The key file's Ed25519 key: accounts (transaction authors) are Ed25519 keys. invalid("bad_key_file") otherwise.
Result<KeyFile> read_account_key(const std::string& path);
const crypto::ed25519::SecretKey& account_secret(const KeyFile& key);

struct SubmitOptions {
  bool no_wait = false;
};

// Builds, signs and submits a transaction with `body`; on commit calls `on_ok` with the receipt's created ids and
// the node's status object. Prints failures itself; answers the exit code.
int submit(Session& s, const KeyFile& key, core::Body body, const SubmitOptions& options,
           const std::function<int(const std::vector<std::string>&, const codec::Json&)>& on_ok);

}  // namespace credence::cli
