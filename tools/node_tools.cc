#include "node_tools.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <random>
#include <thread>

#include "credence/codec/abi.h"
#include "credence/codec/hex.h"
#include "credence/crypto/random.h"

namespace credence::tools {

namespace {

bool reaped(pid_t pid, int& status) {
  return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

std::uint64_t unix_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

// ---------------------------------------------------------------------------------------------------------------
// NodeProcess

NodeProcess::NodeProcess(std::filesystem::path credenced, std::filesystem::path data_dir,
                         std::vector<std::string> extra_args)
    : credenced_(std::move(credenced)), data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) kill_hard();
}

Status NodeProcess::start(std::chrono::milliseconds timeout) {
  std::filesystem::create_directories(data_dir_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::random_device seed;
  std::mt19937 rng(seed());
  std::uniform_int_distribution<int> ports(20000, 60000);
  while (std::chrono::steady_clock::now() < deadline) {
    port_ = static_cast<std::uint16_t>(ports(rng));
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    const std::string log = (data_dir_ / "credenced.log").string();
    std::vector<std::string> args{credenced_.string(), "--dev", "--data", data_dir_.string(), "--listen", listen};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    const pid_t pid = fork();
    if (pid < 0) return Status::error("start_failed", "fork failed");
    if (pid == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    pid_ = pid;
    url_ = "http://" + listen;
    Api api(url_, std::chrono::milliseconds(500));
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (reaped(pid_, status)) {
        pid_ = -1;  // exited (port taken, or a real failure): try again, the deadline bounds it
        break;
      }
      if (api.get("/v1/health").status == 200) return Status::ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (pid_ > 0) kill_hard();
  return Status::error("start_failed", "credenced did not become healthy; see " +
                                           (data_dir_ / "credenced.log").string());
}

void NodeProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int NodeProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGINT);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (reaped(pid_, status)) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill_hard();
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// Api

Api::Api(const std::string& url, std::chrono::milliseconds timeout) : client_(std::make_unique<httplib::Client>(url)) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout - s);
  client_->set_connection_timeout(s.count(), us.count());
  client_->set_read_timeout(s.count(), us.count());
  client_->set_write_timeout(s.count(), us.count());
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);  // request headers and body are separate writes; see the server's note
}

Api::~Api() = default;

namespace {

Api::Reply to_reply(const httplib::Result& r) {
  Api::Reply reply;
  if (!r) return reply;
  reply.status = r->status;
  auto body = codec::parse_json(r->body);
  if (body) reply.body = std::move(*body);
  return reply;
}

}  // namespace

Api::Reply Api::get(const std::string& path) {
  return to_reply(client_->Get(path));
}

Api::Reply Api::post_json(const std::string& path, const codec::Json& body) {
  return to_reply(client_->Post(path, codec::dump_json(body), "application/json"));
}

Api::Reply Api::post_bytes(const std::string& path, const std::string& content_type, const Bytes& body) {
  return to_reply(client_->Post(path, reinterpret_cast<const char*>(body.data()), body.size(),  // NOLINT: bytes
                                content_type));
}

// ---------------------------------------------------------------------------------------------------------------
// Transactions

std::vector<Author> make_authors(std::size_t count, std::uint64_t seed) {
  crypto::DeterministicRandom random(seed);
  std::vector<Author> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto key = crypto::ed25519::SecretKey::generate(random);
    const core::AccountId account = key.public_key().bytes();
    out.push_back(Author{std::move(key), account, 0});
  }
  return out;
}

core::Schema tool_schema(const core::AccountId& registrant) {
  core::Schema s;
  s.name = "load test score";
  s.description = "schema of the crash test and the load generator";
  s.registrant = registrant;
  s.fields = "uint256 score,string name";
  const Status st = s.normalize();
  (void)st;  // a fixed, valid schema
  return s;
}

core::SignedTransaction register_tool_schema(Author& author, std::uint64_t chain_id, std::uint64_t expires_at) {
  core::Transaction tx{chain_id, author.account, author.nonce++, expires_at,
                       core::RegisterSchema{tool_schema(author.account)}};
  return core::sign_transaction(std::move(tx), author.key);
}

core::SignedTransaction attest_tx(Author& author, std::uint64_t chain_id, const core::Id& schema, std::uint64_t serial,
                                  std::size_t requests, std::uint64_t expires_at) {
  static const auto kTypes = std::move(codec::parse_abi_type_list("uint256,string")).value();
  core::Attest body;
  for (std::size_t i = 0; i < requests; ++i) {
    core::AttestationRequest q;
    q.schema = schema;
    FixedBytes<16> who{};
    for (std::size_t b = 0; b < 8; ++b) who[b] = static_cast<std::uint8_t>(serial >> (8 * b));
    for (std::size_t b = 0; b < 8; ++b) who[8 + b] = static_cast<std::uint8_t>(i >> (8 * b));
    q.recipients.push_back(core::Recipient::external("subject-" + codec::hex_encode(who)));
    const std::vector<codec::AbiValue> values{codec::AbiValue::from_u64(serial % 1000),
                                              codec::AbiValue::string("subject " + std::to_string(serial))};
    q.data.data = std::move(codec::abi_encode(kTypes, values)).value();
    q.indexing_key = "load";
    body.requests.push_back(std::move(q));
  }
  core::Transaction tx{chain_id, author.account, author.nonce++, expires_at, std::move(body)};
  return core::sign_transaction(std::move(tx), author.key);
}

Result<std::uint64_t> fetch_nonce(Api& api, const core::AccountId& account) {
  const auto reply = api.get("/v1/accounts/" + codec::hex_encode_0x(account));
  if (reply.status != 200 || !reply.body.is_object() || !reply.body.contains("nonce") ||
      !reply.body["nonce"].is_number_unsigned()) {
    return Status::error("api", "GET /v1/accounts answered " + std::to_string(reply.status));
  }
  return reply.body["nonce"].get<std::uint64_t>();
}

}  // namespace credence::tools
