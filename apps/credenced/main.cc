// credenced: the Credence node. Thin: parses arguments, loads the configuration, starts the node and its HTTP API,
// and stops both cleanly on SIGINT / SIGTERM. `credenced replay` re-applies a stopped node's stored blocks from
// genesis and compares the state roots (the crash test's oracle). docs/node.md.
#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>

#include "credence/codec/hex.h"
#include "credence/core/block.h"
#include "credence/crypto/random.h"
#include "credence/crypto/self_test.h"
#include "credence/node/config.h"
#include "credence/node/database.h"
#include "credence/node/http_api.h"
#include "credence/node/log.h"
#include "credence/node/node.h"
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
  node::HttpServer server(*n);
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
  n->stop();
  node::log::info("stopped", {{"height", std::to_string(n->read()->head().height)}});
  return exit_code;
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
  auto* replay_cmd = app.add_subcommand("replay", "re-apply a stopped node's blocks from genesis and compare roots");
  std::string replay_data;
  replay_cmd->add_option("--data", replay_data, "the node's data directory")->required();
  replay_cmd->add_flag("--json", out.json, "machine-readable output");

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
