// A committee member as its own process (`credenced member`): the member's HTTP endpoints, and the Checker it uses
// when it does not live inside the node whose chain it checks. docs/committee.md "Member processes".
// Thread-safety: start(), stop() and the destructor from one thread; requests are served on the server's workers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "credence/node/committee.h"

namespace credence::node::committee {

class MemberServer {
 public:
  explicit MemberServer(MemberService& member);  // borrowed; must outlive the server
  ~MemberServer();
  MemberServer(const MemberServer&) = delete;
  MemberServer& operator=(const MemberServer&) = delete;
  // Serves POST /v1/committee/sign, POST /v1/committee/session and GET /v1/health. Port 0: an ephemeral port.
  Status start(const std::string& host, std::uint16_t port);
  [[nodiscard]] std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads block headers from a node's API (GET <url>/v1/blocks/H) and checks requests against them. Until nodes
// replicate (docs/node.md "Ordering"), this is how a member in its own process holds the chain: it still re-runs
// every verification itself over proofs checked against the header's state root, so a coordinator cannot get a
// verdict signed that the proofs do not support, but the headers come from the node it follows. Committed headers
// are cached (the last kHeaderCache heights). Thread-safe.
class FollowingChecker final : public Checker {
 public:
  explicit FollowingChecker(std::string node_url) : node_url_(std::move(node_url)) {}
  Status check_checkpoint(const core::Checkpoint& checkpoint) override;
  Status check_statement(const core::VerdictStatement& statement, const core::ProofBundle& proof) override;
  // The followed node's chain id (GET <url>/v1/health).
  Result<std::uint64_t> chain_id();

 private:
  static constexpr std::size_t kHeaderCache = 4096;
  Result<core::Checkpoint> header(std::uint64_t height);
  // GET <node_url><target> as JSON; `what` names the object in errors (404 → invalid("unknown_height")).
  Result<codec::Json> get(const std::string& target, std::string_view what);
  std::string node_url_;
  std::mutex mutex_;
  std::map<std::uint64_t, core::Checkpoint> headers_;
};

}  // namespace credence::node::committee
