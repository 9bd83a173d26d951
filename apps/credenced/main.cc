// credenced: the Credence node. Thin: parses arguments, loads the configuration, starts the node and its HTTP API,
// and stops both cleanly on SIGINT / SIGTERM. `credenced replay` re-applies a stopped node's stored blocks from
// genesis and compares the state roots (the crash test's oracle). docs/node.md.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <optional>

#include "credence/codec/hex.h"
#include "credence/core/block.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/node/certifier.h"
#include "credence/node/committee.h"
#include "credence/node/committee_server.h"
#include "credence/node/config.h"
#include "credence/node/database.h"
#include "credence/node/http_api.h"
#include "credence/node/log.h"
#include "credence/node/node.h"
#include "credence/node/status_lists.h"
#include "file_input.h"
#include "key_file.h"
#include "output.h"

namespace {

using namespace credence;
using credence::cli::kExitInvalid;
using credence::cli::kExitLocal;
using credence::cli::kExitOk;
using credence::cli::kExitUsage;

int fail(const Status& s) {
  std::cerr << "credenced: " << s.to_string() << '\n';
  return s.is_error() ? kExitLocal : kExitUsage;
}

// The devnet's faucet: a key kept in the data directory, created on first start, funded by the dev genesis.
Result<core::AccountId> dev_faucet(const std::filesystem::path& data_dir) {
  const std::string path = (data_dir / "faucet.key").string();
  if (std::filesystem::exists(path)) {
    CREDENCE_ASSIGN_OR_RETURN(auto key, cli::read_key_file(path));
    if (key.type() != cli::KeyType::ed25519) return Status::invalid("bad_key_file", path + " is not an ed25519 key");
    return std::get<crypto::ed25519::SecretKey>(key.key).public_key().bytes();
  }
  crypto::SystemRandom random;
  CREDENCE_ASSIGN_OR_RETURN(auto key, cli::create_key_file(path, cli::KeyType::ed25519, random));
  return std::get<crypto::ed25519::SecretKey>(key.key).public_key().bytes();
}

// Writes a secret JSON document (a key share) with mode 0600, never over an existing file.
Status write_secret_json(const std::filesystem::path& path, const codec::Json& json) {
  const std::string text = codec::dump_json(json) + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::error("io_error", "cannot create " + path.string() + ": " + std::strerror(errno));
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::error("io_error", "cannot write " + path.string());
  return Status::ok();
}

Status write_public_json(const std::filesystem::path& path, const codec::Json& json) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json.dump(2) << '\n';
    if (!out) return Status::error("io_error", "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::error("io_error", "cannot rename " + tmp + ": " + ec.message());
  return Status::ok();
}

// The devnet's embedded committee (4 members, threshold 3): on first start a real distributed key generation runs
// among the four in-process members (no dealer); its files stay in DATA/committee so restarts keep the group key.
constexpr std::uint32_t kDevCommitteeSize = 4;
constexpr std::uint32_t kDevCommitteeThreshold = 3;

Result<node::CommitteeConfig> dev_committee(const std::filesystem::path& data_dir) {
  const auto dir = data_dir / "committee";
  node::CommitteeConfig config;
  config.enabled = true;
  config.file = dir / "committee.json";
  config.coordinator_key = dir / "coordinator.key";
  config.checkpoint_interval = 10;
  for (std::uint32_t i = 1; i <= kDevCommitteeSize; ++i) {
    config.embedded.push_back(node::EmbeddedMemberConfig{dir / ("member-" + std::to_string(i) + ".share"),
                                                         dir / ("member-" + std::to_string(i) + ".key"), "none"});
  }
  if (std::filesystem::exists(config.file)) return config;
  // A half-written ceremony (crash before committee.json) is started over: its shares were never used.
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::error("io_error", "cannot create " + dir.string() + ": " + ec.message());
  crypto::SystemRandom random;
  CREDENCE_ASSIGN_OR_RETURN(auto coordinator,
                            cli::create_key_file(config.coordinator_key.string(), cli::KeyType::ed25519, random));
  std::vector<FixedBytes<32>> identities;
  for (const auto& m : config.embedded) {
    CREDENCE_ASSIGN_OR_RETURN(auto key, cli::create_key_file(m.identity_key.string(), cli::KeyType::ed25519, random));
    identities.push_back(std::get<crypto::ed25519::SecretKey>(key.key).public_key().bytes());
  }
  CREDENCE_ASSIGN_OR_RETURN(
      auto ceremony,
      node::committee::run_local_dkg(identities, kDevCommitteeThreshold,
                                     std::get<crypto::ed25519::SecretKey>(coordinator.key).public_key().bytes(),
                                     random));
  for (std::size_t i = 0; i < ceremony.shares.size(); ++i) {
    CREDENCE_RETURN_IF_ERROR(
        write_secret_json(config.embedded[i].share, node::committee::share_to_json(ceremony.shares[i])));
  }
  CREDENCE_RETURN_IF_ERROR(write_public_json(config.file, node::committee::to_json(ceremony.committee)));
  node::log::info("committee_created", {{"members", std::to_string(kDevCommitteeSize)},
                                        {"threshold", std::to_string(kDevCommitteeThreshold)},
                                        {"group_public_key", codec::hex_encode_0x(ceremony.committee.group_public_key)}});
  return config;
}

Result<crypto::ed25519::SecretKey> read_ed25519_key(const std::filesystem::path& path) {
  CREDENCE_ASSIGN_OR_RETURN(auto key, cli::read_key_file(path.string()));
  if (key.type() != cli::KeyType::ed25519) return Status::invalid("bad_key_file", path.string() + " is not ed25519");
  return crypto::ed25519::SecretKey::from_seed(std::get<crypto::ed25519::SecretKey>(key.key).seed());
}

// The committee as this node runs it: the embedded members (with their checker) and the coordinator.
struct CommitteeRuntime {
  std::unique_ptr<node::NodeChecker> checker;
  std::vector<std::unique_ptr<node::committee::MemberService>> members;
  node::committee::RoutingTransport transport;
  std::unique_ptr<node::Certifier> certifier;

  ~CommitteeRuntime() {
    if (certifier) certifier->stop();
  }
};

Result<std::unique_ptr<CommitteeRuntime>> start_committee(node::Node& n, const node::CommitteeConfig& config) {
  CREDENCE_ASSIGN_OR_RETURN(auto json, cli::read_json_file(config.file.string()));
  CREDENCE_ASSIGN_OR_RETURN(auto committee, node::committee::committee_from_json(json));
  {
    // The committee this node coordinates must be the one the chain's genesis fixed.
    auto view = n.read();
    CREDENCE_ASSIGN_OR_RETURN(auto in_genesis, core::genesis_committee(core::MapStateView(*view->map)));
    if (!in_genesis) {
      node::log::warn("committee_not_in_genesis", {{"file", config.file.string()}});
    } else if (*in_genesis != node::committee::to_record(committee)) {
      return Status::invalid("config_mismatch", config.file.string() +
                                                    " is not the committee fixed in this chain's genesis");
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(auto coordinator, read_ed25519_key(config.coordinator_key));
  if (coordinator.public_key().bytes() != committee.coordinator) {
    return Status::invalid("bad_config", "committee.coordinator_key is not the committee's coordinator");
  }
  auto runtime = std::make_unique<CommitteeRuntime>();
  runtime->checker = std::make_unique<node::NodeChecker>(n);
  for (const auto& m : config.embedded) {
    CREDENCE_ASSIGN_OR_RETURN(auto share_json, cli::read_json_file(m.share.string()));
    CREDENCE_ASSIGN_OR_RETURN(auto share, node::committee::share_from_json(share_json));
    CREDENCE_ASSIGN_OR_RETURN(auto identity, read_ed25519_key(m.identity_key));
    const auto* member = committee.member(share.identifier);
    if (member == nullptr || member->identity != identity.public_key().bytes() ||
        member->verifying_share != share.verifying_share || share.group_public_key != committee.group_public_key) {
      return Status::invalid("bad_config", m.share.string() + " does not belong to this committee");
    }
    CREDENCE_ASSIGN_OR_RETURN(auto fault, node::committee::parse_fault(m.fault));
    if (fault != node::committee::Fault::none) {
      node::log::warn("committee_member_fault_injected", {{"member", std::to_string(share.identifier)},
                                                          {"fault", m.fault}});
    }
    auto service = std::make_unique<node::committee::MemberService>(
        committee, std::move(share), std::move(identity), n.chain_id(), *runtime->checker,
        [] {
          return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
        },
        fault);
    runtime->transport.add_local(*service);
    runtime->members.push_back(std::move(service));
  }
  node::CertifierOptions options;
  options.checkpoint_interval = config.checkpoint_interval;
  options.batch_window_ms = config.batch_window_ms;
  options.max_batch = config.max_batch;
  options.checkpoint_timeout_ms = config.checkpoint_timeout_ms;
  runtime->certifier = std::make_unique<node::Certifier>(n, committee, std::move(coordinator), runtime->transport,
                                                         options);
  node::log::info("committee", {{"members", std::to_string(committee.members.size())},
                                {"threshold", std::to_string(committee.threshold)},
                                {"embedded", std::to_string(config.embedded.size())},
                                {"group_public_key", codec::hex_encode_0x(committee.group_public_key)}});
  return runtime;
}

// The node key (docs/vc.md "Publishing from a node"): signs the status lists and the VC exports. [node] key, else
// DATA/node.key; created (mode 0600) when the file does not exist. Call once the data directory exists.
Result<crypto::ed25519::SecretKey> load_node_key(const node::NodeConfig& config) {
  const std::filesystem::path path = config.node_key.empty() ? config.data_dir / "node.key" : config.node_key;
  if (std::filesystem::exists(path)) return read_ed25519_key(path);
  crypto::SystemRandom random;
  CREDENCE_ASSIGN_OR_RETURN(auto key, cli::create_key_file(path.string(), cli::KeyType::ed25519, random));
  node::log::info("node_key_created", {{"path", path.string()}});
  return crypto::ed25519::SecretKey::from_seed(std::get<crypto::ed25519::SecretKey>(key.key).seed());
}

// Blocks SIGINT and SIGTERM in every thread (call before starting any), so the main thread can wait for them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int run_node(const node::NodeConfig& config) {
  if (Status s = node::log::configure(config.log_level, config.log_format); !s.is_ok()) return fail(s);
  const sigset_t stop_signals = block_stop_signals();
  auto started = node::Node::start(config, std::make_unique<node::LocalSequencer>());
  if (!started) return fail(started.status());
  std::unique_ptr<node::Node> n = std::move(*started);
  std::unique_ptr<CommitteeRuntime> committee;
  if (config.committee.enabled) {
    auto runtime = start_committee(*n, config.committee);
    if (!runtime) {
      n->stop();
      return fail(runtime.status());
    }
    committee = std::move(*runtime);
  }
  auto key = load_node_key(config);
  if (!key) {
    n->stop();
    return fail(key.status());
  }
  const node::StatusLists status_lists(*key);
  node::log::info("node_key", {{"did", status_lists.did()}});
  node::HttpServer server(*n);
  if (committee) server.set_certifier(committee->certifier.get());
  server.set_status_lists(&status_lists);
  if (Status s = server.start(config.listen_host, config.listen_port); !s.is_ok()) {
    n->stop();
    return fail(s);
  }
  node::log::info("listening", {{"address", "http://" + config.listen_host + ":" + std::to_string(server.port())},
                                {"chain_id", std::to_string(n->chain_id())}});
  // Wait for a stop signal, checking twice a second that the builder has not failed.
  int exit_code = kExitOk;
  while (true) {
    timespec half_second{0, 500'000'000};
    const int sig = sigtimedwait(&stop_signals, nullptr, &half_second);
    if (sig == SIGINT || sig == SIGTERM) {
      node::log::info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      break;
    }
    if (const std::string failure = n->failure(); !failure.empty()) {
      node::log::error("node_failed", {{"reason", failure}});
      exit_code = kExitLocal;
      break;
    }
  }
  server.stop();
  committee.reset();
  n->stop();
  node::log::info("stopped", {{"height", std::to_string(n->read()->head().height)}});
  return exit_code;
}

// `credenced member`: one committee member in its own process, checking requests against the node it follows.
struct MemberArgs {
  std::string committee, share, identity_key, node_url, listen = "127.0.0.1:0", fault = "none";
};

int run_member(const MemberArgs& args) {
  if (Status s = node::log::configure("info", "text"); !s.is_ok()) return fail(s);
  auto json = cli::read_json_file(args.committee);
  if (!json) return fail(json.status());
  auto committee = node::committee::committee_from_json(*json);
  if (!committee) return fail(committee.status());
  auto share_json = cli::read_json_file(args.share);
  if (!share_json) return fail(share_json.status());
  auto share = node::committee::share_from_json(*share_json);
  if (!share) return fail(share.status());
  auto identity = read_ed25519_key(args.identity_key);
  if (!identity) return fail(identity.status());
  const auto* member = committee->member(share->identifier);
  if (member == nullptr || member->identity != identity->public_key().bytes() ||
      member->verifying_share != share->verifying_share || share->group_public_key != committee->group_public_key) {
    return fail(Status::invalid("bad_share", args.share + " and the identity key are not a member of this committee"));
  }
  auto fault = node::committee::parse_fault(args.fault);
  if (!fault) return fail(fault.status());
  std::string host;
  std::uint16_t port = 0;
  if (args.listen != "127.0.0.1:0") {
    if (Status s = node::parse_listen(args.listen, host, port); !s.is_ok()) return fail(s);
  } else {
    host = "127.0.0.1";
  }
  node::committee::FollowingChecker checker(args.node_url);
  auto chain_id = checker.chain_id();
  if (!chain_id) return fail(chain_id.status());
  const sigset_t stop_signals = block_stop_signals();
  const auto id = share->identifier;
  node::committee::MemberService service(
      *committee, std::move(*share), std::move(*identity), *chain_id, checker,
      [] {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
      },
      *fault);
  if (*fault != node::committee::Fault::none) {
    node::log::warn("committee_member_fault_injected", {{"member", std::to_string(id)}, {"fault", args.fault}});
  }
  node::committee::MemberServer server(service);
  if (Status s = server.start(host, port); !s.is_ok()) return fail(s);
  node::log::info("member_listening", {{"member", std::to_string(id)},
                                       {"address", "http://" + host + ":" + std::to_string(server.port())},
                                       {"node", args.node_url}});
  while (true) {
    const int sig = sigwaitinfo(&stop_signals, nullptr);
    if (sig == SIGINT || sig == SIGTERM) break;
  }
  server.stop();
  node::log::info("stopped", {{"member", std::to_string(id)}});
  return kExitOk;
}

// Re-applies every stored block from genesis on an in-memory state, checking each block's state root.
int replay(const std::filesystem::path& data_dir, const cli::Output& out) {
  const auto chain_dir = data_dir / "chain";
  if (!std::filesystem::is_directory(chain_dir)) {
    return fail(Status::invalid("no_chain", chain_dir.string() + " holds no chain"));
  }
  auto db = node::Database::open(chain_dir, node::Database::Options{});
  if (!db) return fail(db.status());
  if (!(*db)->initialized()) return fail(Status::invalid("no_chain", chain_dir.string() + " holds no chain"));
  auto genesis = (*db)->genesis();
  if (!genesis || !*genesis) return fail(Status::error("corrupt_state", "no genesis stored"));
  const auto snapshot = (*db)->snapshot();
  const core::BlockHeader stored_head = snapshot->head();
  auto block0 = snapshot->block(0);
  if (!block0 || !*block0) return fail(Status::error("corrupt_state", "no genesis block stored"));

  core::MemoryNodeStore store;
  auto map = core::smt::AuthenticatedMap::open(store);
  if (!map) return fail(map.status());
  auto replayed0 = core::Chain::genesis(*map, **genesis, (*block0)->header.time);
  if (!replayed0) return fail(replayed0.status());
  bool match = replayed0->header == (*block0)->header;
  std::uint64_t transactions = 0;
  auto chain = core::Chain::resume(*map, replayed0->header);
  if (!chain) return fail(chain.status());
  std::string mismatch;
  for (std::uint64_t h = 1; match && h <= stored_head.height; ++h) {
    auto block = snapshot->block(h);
    if (!block || !*block) return fail(Status::error("corrupt_state", "block " + std::to_string(h) + " missing"));
    auto receipts = chain->apply(**block, core::SignatureCheck::verify);
    if (!receipts) {
      match = false;
      mismatch = receipts.status().to_string();
      break;
    }
    transactions += (*block)->transactions.size();
  }
  if (match && chain->head() != stored_head) {
    match = false;
    mismatch = "replayed head differs from the stored head";
  }
  nlohmann::json result{{"height", stored_head.height},
                        {"transactions", transactions},
                        {"stored_state_root", codec::hex_encode_0x(stored_head.state_root)},
                        {"replayed_state_root", codec::hex_encode_0x(map->root())},
                        {"match", match}};
  if (!mismatch.empty()) result["mismatch"] = mismatch;
  const std::string text = std::string(match ? "match" : "MISMATCH") + ": height " +
                           std::to_string(stored_head.height) + ", state root " +
                           codec::hex_encode_0x(map->root()) + (mismatch.empty() ? "" : " (" + mismatch + ")");
  out.result(text, result);
  return match ? kExitOk : kExitInvalid;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"credenced — the Credence node", "credenced"};
  app.set_version_flag("--version", std::string("credenced ") + CREDENCE_VERSION);
  std::string config_file;
  bool dev = false;
  std::string data;
  std::string listen = "127.0.0.1:8545";
  std::string log_level;
  std::string log_format;
  cli::Output out;
  app.add_option("--config", config_file, "TOML configuration file (docs/node.md)")->check(CLI::ExistingFile);
  app.add_flag("--dev", dev, "single-node devnet on the embedded default (needs --data)");
  app.add_option("--data", data, "data directory (devnet, or override of the configuration's)");
  app.add_option("--listen", listen, "HOST:PORT for the HTTP API (devnet, or override)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn or error");
  app.add_option("--log-format", log_format, "text or json");
  bool no_committee = false;
  app.add_flag("--no-committee", no_committee, "devnet without its embedded verifier committee");
  auto* replay_cmd = app.add_subcommand("replay", "re-apply a stopped node's blocks from genesis and compare roots");
  std::string replay_data;
  replay_cmd->add_option("--data", replay_data, "the node's data directory")->required();
  replay_cmd->add_flag("--json", out.json, "machine-readable output");

  auto* member_cmd = app.add_subcommand("member", "run one verifier-committee member as its own process");
  MemberArgs member_args;
  member_cmd->add_option("--committee", member_args.committee, "committee.json (docs/committee.md)")->required();
  member_cmd->add_option("--share", member_args.share, "this member's key share file")->required();
  member_cmd->add_option("--identity-key", member_args.identity_key, "this member's Ed25519 identity key file")
      ->required();
  member_cmd->add_option("--node", member_args.node_url, "URL of the node whose chain this member checks against")
      ->required();
  member_cmd->add_option("--listen", member_args.listen, "HOST:PORT to serve the member endpoints on");
  member_cmd->add_option("--fault", member_args.fault, "none, silent or bad_share (tests only)");

  if (const auto init = crypto::initialize(); !init.is_ok()) {
    std::cerr << "fatal: " << init.to_string() << '\n';
    return kExitLocal;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (replay_cmd->parsed()) return replay(replay_data, out);
  if (member_cmd->parsed()) return run_member(member_args);

  if (dev == !config_file.empty()) return fail(Status::invalid("usage", "give exactly one of --dev or --config FILE"));
  node::NodeConfig config;
  std::string host;
  std::uint16_t port = 0;
  if (Status s = node::parse_listen(listen, host, port); !s.is_ok()) return fail(s);
  if (dev) {
    if (data.empty()) return fail(Status::invalid("usage", "--dev needs --data DIR"));
    std::error_code ec;
    std::filesystem::create_directories(data, ec);
    if (ec) return fail(Status::error("io_error", "cannot create " + data + ": " + ec.message()));
    auto faucet = dev_faucet(data);
    if (!faucet) return fail(faucet.status());
    config = node::dev_config(data, host, port, *faucet);
    if (!no_committee) {
      auto committee = dev_committee(data);
      if (!committee) return fail(committee.status());
      // A new devnet fixes its committee in genesis; one created before genesis held committees keeps running
      // with the committee unanchored (start_committee warns).
      if (!std::filesystem::exists(std::filesystem::path(data) / "chain")) {
        auto record = node::load_committee_record(committee->file);
        if (!record) return fail(record.status());
        config.genesis.committee = std::move(*record);
        config.genesis.committee_file = committee->file;
      }
      config.committee = std::move(*committee);
    }
  } else {
    auto loaded = node::load_config(config_file);
    if (!loaded) return fail(loaded.status());
    config = std::move(*loaded);
    if (!data.empty()) config.data_dir = data;
    if (app.count("--listen") != 0) {
      config.listen_host = host;
      config.listen_port = port;
    }
  }
  if (!log_level.empty()) config.log_level = log_level;
  if (!log_format.empty()) config.log_format = log_format;
  return run_node(config);
}
