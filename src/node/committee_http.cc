// The committee's HTTP transport (coordinator side) and the member's HTTP server (`credenced member`).
// Wire: POST <member url>/sign and /session, body = one sealed envelope (application/octet-stream); the answer is
// 200 with the reply envelope, 204 when the member stays silent, or a 4xx JSON error (docs/committee.md).
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "credence/codec/json.h"
#include "credence/node/committee.h"
#include "credence/node/committee_server.h"

namespace credence::node::committee {

namespace {

constexpr const char* kEnvelopeType = "application/octet-stream";

// "http://host:port/path" → ("http://host:port", "/path").
bool split_url(const std::string& url, std::string& origin, std::string& path) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos || url.compare(0, scheme, "http") != 0) return false;
  const auto slash = url.find('/', scheme + 3);
  origin = url.substr(0, slash);
  path = slash == std::string::npos ? "" : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return origin.size() > scheme + 3;
}

// Keeps idle keep-alive connections per member (a new TCP connection per message would dominate loopback latency).
class HttpTransport final : public Transport {
 public:
  Result<std::optional<Bytes>> call(const Member& member, MessageKind kind, const Bytes& envelope,
                                    std::uint64_t deadline_ms) override {
    std::string origin, path;
    if (!split_url(member.url, origin, path)) {
      return Status::error("bad_member_url", "member " + std::to_string(member.id) + " has no http:// URL");
    }
    const auto now_ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                       std::chrono::system_clock::now().time_since_epoch())
                                                       .count());
    const std::uint64_t budget_ms = deadline_ms > now_ms ? std::max<std::uint64_t>(deadline_ms - now_ms, 1) : 1;
    std::unique_ptr<httplib::Client> client = take(origin);
    const auto budget = std::chrono::milliseconds(budget_ms);
    client->set_connection_timeout(budget);
    client->set_read_timeout(budget);
    client->set_write_timeout(budget);
    const std::string body(envelope.begin(), envelope.end());
    auto res = client->Post(path + (kind == MessageKind::sign_request ? "/sign" : "/session"), body, kEnvelopeType);
    if (!res) return Status::error("unreachable", httplib::to_string(res.error()));
    give_back(origin, std::move(client));
    if (res->status == 204) return std::optional<Bytes>{};
    if (res->status != 200) {
      std::string code = "refused_" + std::to_string(res->status);
      if (auto json = codec::parse_json(res->body); json && json->contains("error")) {
        const auto& err = (*json)["error"];
        if (err.contains("code") && err["code"].is_string()) code = err["code"].get<std::string>();
        if (err.contains("message") && err["message"].is_string()) {
          return Status::invalid(code, err["message"].get<std::string>());
        }
      }
      return Status::invalid(code);
    }
    return std::optional<Bytes>(Bytes(res->body.begin(), res->body.end()));
  }

 private:
  static constexpr std::size_t kIdlePerMember = 4;

  std::unique_ptr<httplib::Client> take(const std::string& origin) {
    {
      std::lock_guard lock(mutex_);
      auto& idle = idle_[origin];
      if (!idle.empty()) {
        auto client = std::move(idle.back());
        idle.pop_back();
        return client;
      }
    }
    auto client = std::make_unique<httplib::Client>(origin);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    return client;
  }

  void give_back(const std::string& origin, std::unique_ptr<httplib::Client> client) {
    std::lock_guard lock(mutex_);
    auto& idle = idle_[origin];
    if (idle.size() < kIdlePerMember) idle.push_back(std::move(client));
  }

  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle_;
};

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(codec::dump_json(codec::Json{{"error", {{"code", code}, {"message", message}}}}),
                  "application/json");
}

}  // namespace

std::unique_ptr<Transport> make_http_transport() { return std::make_unique<HttpTransport>(); }

void serve_member_request(MemberService& member, const httplib::Request& req, httplib::Response& res,
                          MessageKind expected) {
  const Bytes body(req.body.begin(), req.body.end());
  auto reply = member.handle(body, expected);
  if (!reply) {
    const Status& s = reply.status();
    return send_error(res, s.is_error() ? 500 : (s.code() == "busy" ? 503 : 400), s.code(), s.message());
  }
  if (!reply->has_value()) {
    res.status = 204;
    return;
  }
  res.status = 200;
  res.set_content(std::string((*reply)->begin(), (*reply)->end()), kEnvelopeType);
}

struct MemberServer::Impl {
  explicit Impl(MemberService& m) : member(m) {}
  MemberService& member;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
};

MemberServer::MemberServer(MemberService& member) : impl_(std::make_unique<Impl>(member)) {}

MemberServer::~MemberServer() { stop(); }

std::uint16_t MemberServer::port() const { return impl_->port.load(); }

Status MemberServer::start(const std::string& host, std::uint16_t port) {
  if (impl_->server) return Status::invalid("already_started", "the member server is already running");
  auto server = std::make_unique<httplib::Server>();
  server->set_payload_max_length(kMaxEnvelopeSize);
  server->set_tcp_nodelay(true);
  MemberService& member = impl_->member;
  server->Post("/v1/committee/sign", [&member](const httplib::Request& req, httplib::Response& res) {
    serve_member_request(member, req, res, MessageKind::sign_request);
  });
  server->Post("/v1/committee/session", [&member](const httplib::Request& req, httplib::Response& res) {
    serve_member_request(member, req, res, MessageKind::session_request);
  });
  server->Get("/v1/health", [&member](const httplib::Request&, httplib::Response& res) {
    res.set_content(codec::dump_json(codec::Json{{"status", "ok"}, {"role", "committee_member"}, {"member", member.id()}}),
                    "application/json");
  });
  server->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) send_error(res, res.status, res.status == 404 ? "not_found" : "bad_request", "");
  });
  int bound = port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return Status::error("bind", "cannot listen on " + host + ":" + std::to_string(port));
  impl_->port = static_cast<std::uint16_t>(bound);
  impl_->server = std::move(server);
  impl_->thread = std::thread([s = impl_->server.get()] { s->listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->server->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::ok();
}

Result<codec::Json> FollowingChecker::get(const std::string& target, std::string_view what) {
  std::string origin, path;
  if (!split_url(node_url_, origin, path)) return Status::error("bad_node_url", "no http:// URL: " + node_url_);
  httplib::Client client(origin);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  auto res = client.Get(path + target);
  if (!res) return Status::error("unreachable", "node " + node_url_ + ": " + httplib::to_string(res.error()));
  if (res->status == 404) return Status::invalid("unknown_height", "the node has no " + std::string(what) + " yet");
  if (res->status != 200) return Status::error("node_error", "node answered " + std::to_string(res->status));
  auto json = codec::parse_json(res->body);
  if (!json) return Status::error("node_error", "node " + node_url_ + " sent no JSON for the " + std::string(what));
  return std::move(*json);
}

Result<core::Checkpoint> FollowingChecker::header(std::uint64_t height) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = headers_.find(height); it != headers_.end()) return it->second;
  }
  CREDENCE_ASSIGN_OR_RETURN(codec::Json json,
                            get("/v1/blocks/" + std::to_string(height), "block " + std::to_string(height)));
  if (!json.contains("header")) return Status::error("node_error", "no header in the node's answer");
  CREDENCE_ASSIGN_OR_RETURN(auto r, codec::ObjectReader::make(json["header"], "header"));
  core::Checkpoint c;
  CREDENCE_ASSIGN_OR_RETURN(c.chain_id, r.u64("chain_id"));
  CREDENCE_ASSIGN_OR_RETURN(c.height, r.u64("height"));
  CREDENCE_ASSIGN_OR_RETURN(c.time, r.u64("time"));
  CREDENCE_ASSIGN_OR_RETURN(c.state_root, r.hex_fixed<32>("state_root"));
  if (c.height != height) return Status::error("node_error", "the node answered with another block's header");
  // A committed header never changes: keep it, so a burst of requests at one height asks the node once.
  std::lock_guard lock(mutex_);
  if (headers_.size() >= kHeaderCache) headers_.erase(headers_.begin());  // the oldest height
  headers_.emplace(height, c);
  return c;
}

Result<std::uint64_t> FollowingChecker::chain_id() {
  CREDENCE_ASSIGN_OR_RETURN(codec::Json json, get("/v1/health", "health"));
  if (!json.contains("chain_id") || !json["chain_id"].is_number_unsigned()) {
    return Status::error("node_error", "node " + node_url_ + " gave no chain id");
  }
  return json["chain_id"].get<std::uint64_t>();
}

Status FollowingChecker::check_checkpoint(const core::Checkpoint& checkpoint) {
  CREDENCE_ASSIGN_OR_RETURN(core::Checkpoint own, header(checkpoint.height));
  if (own != checkpoint) {
    return Status::invalid("checkpoint_mismatch", "block " + std::to_string(checkpoint.height) +
                                                      " differs from the checkpoint asked for");
  }
  return Status::ok();
}

Status FollowingChecker::check_statement(const core::VerdictStatement& statement, const core::ProofBundle& proof) {
  CREDENCE_ASSIGN_OR_RETURN(core::Checkpoint own, header(statement.height));
  return check_statement_against_root(statement, proof, own.state_root);
}

void MemberServer::stop() {
  if (!impl_ || !impl_->server) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

}  // namespace credence::node::committee
