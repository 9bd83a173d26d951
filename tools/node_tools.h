// Helpers for programs that drive a real `credenced` from outside: the crash test (tests/functional) and the load
// generator (bench/credence_load). Not part of the node: they start the node as a child process and talk to it
// only over its HTTP API (docs/api.md), as any client would.
// Thread-safety: NodeProcess from one thread; Api and TxFactory per thread (each owns its HTTP client / nonces).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "credence/codec/json.h"
#include "credence/core/transaction.h"
#include "credence/crypto/ed25519.h"
#include "credence/status.h"

namespace httplib {
class Client;
}

namespace credence::tools {

// A `credenced --dev` child process on 127.0.0.1, its output appended to <data>/credenced.log.
class NodeProcess {
 public:
  NodeProcess(std::filesystem::path credenced, std::filesystem::path data_dir, std::vector<std::string> extra_args = {});
  ~NodeProcess();  // SIGKILLs a still-running child
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Starts the node on a free port (random ports tried until one serves /v1/health) and waits until healthy.
  // error("start_failed") after `timeout` or if the process keeps exiting.
  Status start(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL, then reap.
  void kill_hard();
  // SIGINT, then wait (SIGKILL after `timeout`). Returns the exit status (as from waitpid), or -1 if it was killed.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] const std::string& url() const { return url_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  std::filesystem::path credenced_;
  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string url_;
};

// A JSON HTTP client for one node.
class Api {
 public:
  explicit Api(const std::string& url, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  struct Reply {
    int status = 0;  // 0: no answer (connection failed)
    codec::Json body;
  };
  Reply get(const std::string& path);
  Reply post_json(const std::string& path, const codec::Json& body);
  Reply post_bytes(const std::string& path, const std::string& content_type, const Bytes& body);

 private:
  std::unique_ptr<httplib::Client> client_;
};

// Deterministic signing keys (seeded) and transactions built from them.
struct Author {
  crypto::ed25519::SecretKey key;
  core::AccountId account{};
  std::uint64_t nonce = 0;
};

std::vector<Author> make_authors(std::size_t count, std::uint64_t seed);

// The schema the tools attest under ("uint256 score,string name", no policy), registered by `registrant`.
core::Schema tool_schema(const core::AccountId& registrant);
// A signed register-schema transaction for tool_schema(author), with the author's next nonce (advanced).
core::SignedTransaction register_tool_schema(Author& author, std::uint64_t chain_id, std::uint64_t expires_at);
// A signed attest transaction of `requests` attestations under `schema` to distinct recipients derived from
// `serial`, with the author's next nonce (advanced).
core::SignedTransaction attest_tx(Author& author, std::uint64_t chain_id, const core::Id& schema,
                                  std::uint64_t serial, std::size_t requests, std::uint64_t expires_at);

// GET /v1/accounts/{account}.nonce, or an error.
Result<std::uint64_t> fetch_nonce(Api& api, const core::AccountId& account);

std::uint64_t unix_now();

}  // namespace credence::tools
