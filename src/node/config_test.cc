// Configuration: the full example file of docs/node.md, defaults, load_config's path handling, parse_listen,
// dev_config, and every error path of the strict parser (unknown tables and keys, wrong types, out-of-range values,
// malformed accounts, TOML syntax errors) with the dotted key in the message.
#include "credence/node/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/crypto/ed25519.h"
#include "credence/crypto/random.h"
#include "credence/node/committee.h"

namespace credence::node {
namespace {

core::AccountId key(std::uint8_t seed) {
  FixedBytes<32> s{};
  s[0] = seed;
  return crypto::ed25519::SecretKey::from_seed(s).public_key().bytes();
}

std::string hex(const core::AccountId& id) {
  return codec::hex_encode_0x(id);
}

// A valid minimal file plus `extra` appended (TOML allows a table only once, so tests add other tables).
std::string minimal(const std::string& extra = "") {
  return "[node]\ndata = \"data\"\n\n[genesis]\nchain_id = 5\n" + extra;
}

// The message of a failed parse, which must be invalid("bad_config").
std::string failure(const std::string& text) {
  auto r = parse_config(text);
  if (r.ok()) return "<parsed>";
  EXPECT_TRUE(r.status().is_invalid()) << r.status().to_string();
  EXPECT_EQ(r.status().code(), "bad_config");
  return r.status().message();
}

// The example file of docs/node.md "Configuration" (its first toml block), so the documentation cannot drift from
// what the parser accepts. Its accounts are key(1)..key(5).
std::string example() {
  const auto doc = std::filesystem::path(CREDENCE_VECTORS_DIR).parent_path().parent_path() / "docs" / "node.md";
  std::ifstream in(doc, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << doc;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto section = text.find("\n## Configuration\n");
  const auto open = text.find("```toml\n", section);
  const auto close = text.find("\n```\n", open);
  EXPECT_NE(section, std::string::npos);
  EXPECT_NE(open, std::string::npos);
  EXPECT_NE(close, std::string::npos);
  if (section == std::string::npos || open == std::string::npos || close == std::string::npos) return {};
  return text.substr(open + 8, close + 1 - (open + 8));
}

TEST(Config, ParsesTheFullExample) {
  auto r = parse_config(example());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const NodeConfig& c = *r;
  EXPECT_EQ(c.data_dir, std::filesystem::path("/var/lib/credence"));
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 8545);
  EXPECT_EQ(c.genesis.chain_id, 7u);
  EXPECT_EQ(c.genesis.time, 1'700'000'000u);
  ASSERT_EQ(c.genesis.allocations.size(), 2u);
  EXPECT_EQ(c.genesis.allocations[0], std::make_pair(key(1), std::uint64_t{1'000'000}));
  EXPECT_EQ(c.genesis.allocations[1], std::make_pair(key(2), std::uint64_t{250}));
  EXPECT_EQ(c.genesis.committee_file, std::filesystem::path("committee/committee.json"));
  EXPECT_FALSE(c.genesis.committee.has_value());  // parse_config does not read files; load_config does
  EXPECT_EQ(c.block_interval_ms, 250u);
  EXPECT_EQ(c.block_max_transactions, 5000u);
  EXPECT_EQ(c.mempool.max_transactions, 50'000u);
  EXPECT_EQ(c.mempool.max_per_account, 500u);
  EXPECT_EQ(c.mempool.max_bytes, 134'217'728u);
  EXPECT_EQ(c.http_threads, 8u);
  EXPECT_EQ(c.http_max_body_bytes, 4'194'304u);
  EXPECT_EQ(c.verify_threads, 4u);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_TRUE(c.sync);

  const core::Genesis g = to_genesis(c.genesis);
  EXPECT_EQ(g.chain_id, 7u);
  EXPECT_EQ(g.allocations, c.genesis.allocations);
}

TEST(Config, DefaultsForEverythingOptional) {
  auto r = parse_config(minimal());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const NodeConfig& c = *r;
  const NodeConfig d;
  EXPECT_EQ(c.data_dir, std::filesystem::path("data"));
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8545);
  EXPECT_EQ(c.genesis.chain_id, 5u);
  EXPECT_EQ(c.genesis.time, 0u);
  EXPECT_TRUE(c.genesis.allocations.empty());
  EXPECT_TRUE(c.genesis.committee_file.empty());
  EXPECT_FALSE(c.genesis.committee.has_value());
  EXPECT_EQ(c.block_interval_ms, 200u);
  EXPECT_EQ(c.block_max_transactions, 2000u);
  EXPECT_EQ(c.mempool.max_transactions, d.mempool.max_transactions);
  EXPECT_EQ(c.mempool.max_per_account, d.mempool.max_per_account);
  EXPECT_EQ(c.mempool.max_bytes, d.mempool.max_bytes);
  EXPECT_EQ(c.http_threads, 0u);
  EXPECT_EQ(c.http_max_body_bytes, 8u << 20);
  EXPECT_EQ(c.verify_threads, 0u);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.log_format, "text");
  EXPECT_TRUE(c.sync);
}

TEST(Config, AcceptsArrayOfTablesAndSubTableForms) {
  const std::string text =
      "[node]\ndata = \"d\"\n[genesis]\nchain_id = 1\n"
      "[[genesis.allocations]]\naccount = \"" +
      hex(key(1)) +
      "\"\namount = 3\n"
      "[[genesis.allocations]]\naccount = \"" +
      hex(key(2)) +
      "\"\namount = 4\n";
  auto r = parse_config(text);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->genesis.allocations.size(), 2u);
}

TEST(Config, SmallerPoolLowersTheDefaultPerAccountBound) {
  auto r = parse_config(minimal("[mempool]\nmax_transactions = 100\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->mempool.max_per_account, 100u);
}

TEST(Config, BoundsAreInclusive) {
  auto lo = parse_config(minimal("[block]\ninterval_ms = 1\nmax_transactions = 1\n"));
  ASSERT_TRUE(lo.ok()) << lo.status().to_string();
  auto hi = parse_config(minimal("[block]\ninterval_ms = 60000\nmax_transactions = 100000\n"));
  ASSERT_TRUE(hi.ok()) << hi.status().to_string();
  EXPECT_EQ(hi->block_interval_ms, 60'000u);
  EXPECT_EQ(hi->block_max_transactions, 100'000u);
}

TEST(Config, SyntaxErrorsNameTheLine) {
  const auto m = failure("[node]\ndata = \"x\"\n[genesis\n");
  EXPECT_EQ(m.rfind("line 3, column ", 0), 0u) << m;
  EXPECT_NE(failure("[node]\ndata = \n").find("line 2"), std::string::npos);
  EXPECT_EQ(failure("[node]\ndata = \"a\"\ndata = \"b\"\n").rfind("line 3", 0), 0u);  // redefinition
}

TEST(Config, RequiredKeys) {
  EXPECT_EQ(failure(""), "node: missing (required)");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\n"), "genesis: missing (required)");
  EXPECT_EQ(failure("[node]\n[genesis]\nchain_id = 1\n"), "node.data: missing (required)");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\n[genesis]\n"), "genesis.chain_id: missing (required)");
  EXPECT_EQ(failure("[node]\ndata = \"\"\n[genesis]\nchain_id = 1\n"), "node.data: must not be empty");
}

TEST(Config, UnknownTablesAndKeys) {
  EXPECT_EQ(failure(minimal("[nodes]\nx = 1\n")), "nodes: unknown table");
  EXPECT_EQ(failure("chain_id = 1\n" + minimal()), "chain_id: unknown key");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\ndatadir = \"y\"\n[genesis]\nchain_id = 1\n"), "node.datadir: unknown key");
  EXPECT_EQ(failure(minimal("chainid = 2\n")), "genesis.chainid: unknown key");
  EXPECT_EQ(failure(minimal("[block]\nintervall_ms = 5\n")), "block.intervall_ms: unknown key");
  EXPECT_EQ(failure(minimal("[block.extra]\nx = 1\n")), "block.extra: unknown table");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_tx = 5\n")), "mempool.max_tx: unknown key");
  EXPECT_EQ(failure(minimal("[http]\nport = 5\n")), "http.port: unknown key");
  EXPECT_EQ(failure(minimal("[log]\nfile = \"x\"\n")), "log.file: unknown key");
  EXPECT_EQ(failure(minimal("[storage]\nfsync = true\n")), "storage.fsync: unknown key");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + hex(key(1)) + "\", amount = 1, note = \"x\" }]\n")),
            "genesis.allocations[0].note: unknown key");
}

TEST(Config, WrongTypes) {
  EXPECT_EQ(failure("node = 1\n[genesis]\nchain_id = 1\n"), "node: expected a table, got an integer");
  EXPECT_EQ(failure("[node]\ndata = 5\n[genesis]\nchain_id = 1\n"), "node.data: expected a string, got an integer");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\nlisten = 8545\n[genesis]\nchain_id = 1\n"),
            "node.listen: expected a string, got an integer");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\n[genesis]\nchain_id = \"1\"\n"),
            "genesis.chain_id: expected an integer, got a string");
  EXPECT_EQ(failure(minimal("time = 2024-01-01T00:00:00Z\n")), "genesis.time: expected an integer, got a date-time");
  EXPECT_EQ(failure(minimal("allocations = { account = \"x\" }\n")),
            "genesis.allocations: expected an array, got a table");
  EXPECT_EQ(failure(minimal("allocations = [1]\n")),
            "genesis.allocations[0]: expected a table { account, amount }, got an integer");
  EXPECT_EQ(failure(minimal("allocations = [{ account = 1, amount = 1 }]\n")),
            "genesis.allocations[0].account: expected a string, got an integer");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + hex(key(1)) + "\", amount = 1.5 }]\n")),
            "genesis.allocations[0].amount: expected an integer, got a float");
  EXPECT_EQ(failure(minimal("committee = [1]\n")), "genesis.committee: expected a string, got an array");
  // The inline member list of earlier builds is refused: a committee comes from its DKG's committee.json.
  EXPECT_EQ(failure(minimal("committee = { members = [\"x\"], threshold = 1 }\n")),
            "genesis.committee: expected a string, got a table");
  EXPECT_EQ(failure(minimal("[block]\ninterval_ms = 100.0\n")), "block.interval_ms: expected an integer, got a float");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_bytes = \"1M\"\n")),
            "mempool.max_bytes: expected an integer, got a string");
  EXPECT_EQ(failure(minimal("[http]\nthreads = true\n")), "http.threads: expected an integer, got a boolean");
  EXPECT_EQ(failure(minimal("[log]\nlevel = 3\n")), "log.level: expected a string, got an integer");
  EXPECT_EQ(failure(minimal("[storage]\nsync = \"yes\"\n")), "storage.sync: expected a boolean, got a string");
  EXPECT_EQ(failure(minimal("[storage]\nsync = 1\n")), "storage.sync: expected a boolean, got an integer");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\n[genesis]\nchain_id = 1\n[block]\n[block.interval_ms]\n"),
            "block.interval_ms: expected an integer, got a table");
}

TEST(Config, OutOfRange) {
  EXPECT_EQ(failure("[node]\ndata = \"x\"\n[genesis]\nchain_id = 0\n"),
            "genesis.chain_id: must be in 1..9223372036854775807, got 0");
  EXPECT_EQ(failure(minimal("time = -1\n")), "genesis.time: must be in 0..9223372036854775807, got -1");
  EXPECT_EQ(failure(minimal("[block]\ninterval_ms = 0\n")), "block.interval_ms: must be in 1..60000, got 0");
  EXPECT_EQ(failure(minimal("[block]\ninterval_ms = 60001\n")), "block.interval_ms: must be in 1..60000, got 60001");
  EXPECT_EQ(failure(minimal("[block]\nmax_transactions = 0\n")), "block.max_transactions: must be in 1..100000, got 0");
  EXPECT_EQ(failure(minimal("[block]\nmax_transactions = 100001\n")),
            "block.max_transactions: must be in 1..100000, got 100001");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_transactions = 0\n")),
            "mempool.max_transactions: must be in 1..10000000, got 0");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_transactions = 10000001\n")),
            "mempool.max_transactions: must be in 1..10000000, got 10000001");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_transactions = 10\nmax_per_account = 11\n")),
            "mempool.max_per_account: must be in 1..10, got 11");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_per_account = 0\n")),
            "mempool.max_per_account: must be in 1..100000, got 0");
  EXPECT_EQ(failure(minimal("[mempool]\nmax_bytes = 1000\n")),
            "mempool.max_bytes: must be in 1048576..68719476736, got 1000");
  EXPECT_EQ(failure(minimal("[http]\nthreads = -1\n")), "http.threads: must be in 0..1024, got -1");
  EXPECT_EQ(failure(minimal("[http]\nthreads = 1025\n")), "http.threads: must be in 0..1024, got 1025");
  EXPECT_EQ(failure(minimal("[http]\nverify_threads = 5000\n")), "http.verify_threads: must be in 0..1024, got 5000");
  EXPECT_EQ(failure(minimal("[http]\nmax_body_bytes = 100\n")),
            "http.max_body_bytes: must be in 1024..268435456, got 100");
  EXPECT_EQ(failure(minimal("[log]\nlevel = \"verbose\"\n")),
            "log.level: must be one of trace, debug, info, warn, error, got \"verbose\"");
  EXPECT_EQ(failure(minimal("[log]\nformat = \"xml\"\n")), "log.format: must be one of text, json, got \"xml\"");
  EXPECT_EQ(failure("[node]\ndata = \"a\\u0000b\"\n[genesis]\nchain_id = 1\n"), "node.data: must not contain NUL");
}

TEST(Config, Allocations) {
  const std::string a = hex(key(1));
  EXPECT_EQ(failure(minimal("allocations = [{ amount = 1 }]\n")), "genesis.allocations[0].account: missing (required)");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + a + "\" }]\n")),
            "genesis.allocations[0].amount: missing (required)");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + a + "\", amount = 0 }]\n")),
            "genesis.allocations[0].amount: must be in 1..9223372036854775807, got 0");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + a.substr(2) + "\", amount = 1 }]\n")),
            "genesis.allocations[0].account: expected \"0x\" and 64 hex digits");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + a.substr(0, 64) + "\", amount = 1 }]\n")),
            "genesis.allocations[0].account: expected \"0x\" and 64 hex digits");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"0x" + std::string(63, 'a') + "g\", amount = 1 }]\n")),
            "genesis.allocations[0].account: expected \"0x\" and 64 hex digits");
  // All-0xff is not a point on the curve.
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"0x" + std::string(64, 'f') + "\", amount = 1 }]\n")),
            "genesis.allocations[0].account: not a valid Ed25519 public key");
  EXPECT_EQ(failure(minimal("allocations = [{ account = \"" + a + "\", amount = 1 }, { account = \"" + a +
                            "\", amount = 2 }]\n")),
            "genesis.allocations[1].account: duplicate account");
  // Two maximal amounts fit 64 bits, three do not.
  std::string many = "allocations = [";
  for (std::uint8_t i = 1; i <= 3; ++i) many += "{ account = \"" + hex(key(i)) + "\", amount = 9223372036854775807 },";
  many += "]\n";
  EXPECT_EQ(failure(minimal(many)), "genesis.allocations[2].amount: the total allocation overflows 64 bits");
  // Upper-case hex digits are fine.
  std::string upper = a;
  for (std::size_t i = 2; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  auto r = parse_config(minimal("allocations = [{ account = \"" + upper + "\", amount = 1 }]\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->genesis.allocations[0].first, key(1));
}

TEST(Config, GenesisCommitteeNamesAFile) {
  auto r = parse_config(minimal("committee = \"dkg/committee.json\"\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->genesis.committee_file, std::filesystem::path("dkg/committee.json"));
  EXPECT_EQ(failure(minimal("committee = \"\"\n")), "genesis.committee: must not be empty");
  EXPECT_EQ(failure(minimal("committee = 3\n")), "genesis.committee: expected a string, got an integer");
}

TEST(Config, CommitteeSection) {
  EXPECT_FALSE(parse_config(minimal())->committee.enabled);
  auto r = parse_config(minimal(
      "[committee]\nfile = \"c.json\"\ncoordinator_key = \"k\"\ncheckpoint_interval = 0\nbatch_window_ms = 7\n"
      "max_batch = 9\ncheckpoint_timeout_ms = 10\n"
      "[[committee.embedded]]\nshare = \"m1.share\"\nidentity_key = \"m1.key\"\nfault = \"bad_share\"\n"
      "[[committee.embedded]]\nshare = \"m2.share\"\nidentity_key = \"m2.key\"\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->committee.enabled);
  EXPECT_EQ(r->committee.file, "c.json");
  EXPECT_EQ(r->committee.checkpoint_interval, 0u);
  EXPECT_EQ(r->committee.batch_window_ms, 7u);
  EXPECT_EQ(r->committee.max_batch, 9u);
  ASSERT_EQ(r->committee.embedded.size(), 2u);
  EXPECT_EQ(r->committee.embedded[0].fault, "bad_share");
  EXPECT_EQ(r->committee.embedded[1].fault, "none");
  EXPECT_EQ(failure(minimal("[committee]\ncoordinator_key = \"k\"\n")), "committee.file: missing (required)");
  EXPECT_EQ(failure(minimal("[committee]\nfile = \"c\"\ncoordinator_key = \"k\"\nbatch = 1\n")),
            "committee.batch: unknown key");
  EXPECT_EQ(failure(minimal("[committee]\nfile = \"c\"\ncoordinator_key = \"k\"\nmax_batch = 0\n")),
            "committee.max_batch: must be in 1..65536, got 0");
  EXPECT_EQ(failure(minimal("[committee]\nfile = \"c\"\ncoordinator_key = \"k\"\n[[committee.embedded]]\n"
                            "share = \"s\"\nidentity_key = \"i\"\nfault = \"sleepy\"\n")),
            "committee.embedded[0].fault: must be one of none, silent, bad_share, got \"sleepy\"");
}

TEST(Config, Listen) {
  EXPECT_EQ(failure("[node]\ndata = \"x\"\nlisten = \"localhost\"\n[genesis]\nchain_id = 1\n"),
            "node.listen: \"localhost\": expected HOST:PORT");
  EXPECT_EQ(failure("[node]\ndata = \"x\"\nlisten = \"localhost:0\"\n[genesis]\nchain_id = 1\n"),
            "node.listen: \"localhost:0\": the port must be 1..65535");

  std::string host = "unchanged";
  std::uint16_t port = 1;
  auto ok = [&](std::string_view text, std::string_view want_host, std::uint16_t want_port) {
    Status s = parse_listen(text, host, port);
    EXPECT_TRUE(s.is_ok()) << text << ": " << s.to_string();
    EXPECT_EQ(host, want_host);
    EXPECT_EQ(port, want_port);
  };
  ok("127.0.0.1:8545", "127.0.0.1", 8545);
  ok("0.0.0.0:1", "0.0.0.0", 1);
  ok("localhost:65535", "localhost", 65535);
  ok("node-1.example.org:80", "node-1.example.org", 80);
  ok("255.255.255.255:9", "255.255.255.255", 9);

  for (std::string_view bad : {"",
                               ":80",
                               "localhost",
                               "localhost:",
                               "localhost:0",
                               "localhost:65536",
                               "localhost:+80",
                               "localhost:80a",
                               "localhost:000000080",
                               "[::1]:80",
                               "::1:80",
                               "256.0.0.1:80",
                               "1.2.3:80",
                               "01.2.3.4:80",
                               "1.2.3.4.5:80",
                               "-host:80",
                               "host-:80",
                               "ho_st:80",
                               "a..b:80",
                               "host.:80",
                               "a b:80"}) {
    host = "unchanged";
    port = 1;
    Status s = parse_listen(bad, host, port);
    EXPECT_TRUE(s.is_invalid()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(s.code(), "bad_config");
    EXPECT_EQ(host, "unchanged");  // written only on success
    EXPECT_EQ(port, 1);
  }
  EXPECT_TRUE(parse_listen(std::string(63, 'a') + ":80", host, port).is_ok());
  EXPECT_FALSE(parse_listen(std::string(64, 'a') + ":80", host, port).is_ok());
}

TEST(Config, NodeKeyAndPublicUrl) {
  const auto parse = [](const std::string& node_extra) {
    return parse_config("[node]\ndata = \"x\"\n" + node_extra + "[genesis]\nchain_id = 1\n");
  };
  auto c = parse("");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_TRUE(c->node_key.empty());  // credenced: DATA/node.key
  EXPECT_TRUE(c->public_url.empty());  // the bound address
  c = parse("key = \"keys/node.key\"\npublic_url = \"https://ledger.example.org/credence/\"\n");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->node_key, std::filesystem::path("keys/node.key"));
  EXPECT_EQ(c->public_url, "https://ledger.example.org/credence");  // the trailing "/" is dropped
  EXPECT_EQ(parse("key = \"\"\n").status().message(), "node.key: must not be empty");
  EXPECT_EQ(parse("key = 5\n").status().code(), "bad_config");
  for (const char* bad : {"ftp://x", "http://", "https:///path", "http://a b", "http://x?q=1", "http://x#f"}) {
    auto r = parse(std::string("public_url = \"") + bad + "\"\n");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), "bad_config");
    EXPECT_NE(r.status().message().find("node.public_url"), std::string::npos) << r.status().message();
  }
}

TEST(Config, DevConfig) {
  const core::AccountId faucet = key(9);
  const NodeConfig c = dev_config("/tmp/dev", "127.0.0.1", 18545, faucet);
  EXPECT_EQ(c.data_dir, std::filesystem::path("/tmp/dev"));
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 18545);
  EXPECT_EQ(c.genesis.chain_id, 1337u);
  EXPECT_EQ(c.genesis.allocations,
            (std::vector<std::pair<core::AccountId, std::uint64_t>>{{faucet, 1'000'000'000'000}}));
  EXPECT_EQ(c.block_interval_ms, 10u);
  EXPECT_EQ(c.block_max_transactions, 2000u);
  const NodeConfig d;
  EXPECT_EQ(c.mempool.max_transactions, d.mempool.max_transactions);
  EXPECT_EQ(c.http_threads, d.http_threads);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_TRUE(c.sync);
  const core::Genesis g = to_genesis(c.genesis);
  EXPECT_EQ(g.chain_id, 1337u);
  EXPECT_EQ(g.allocations, c.genesis.allocations);
}

// A scratch directory removed at the end of the test.
class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("credence_config_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "etc");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFile, RelativeDataIsResolvedAgainstTheFilesDirectory) {
  auto r = load_config(write("etc/node.toml", minimal()));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->data_dir, dir_ / "etc" / "data");

  r = load_config(write("etc/up.toml", "[node]\ndata = \"../chain/./db\"\n[genesis]\nchain_id = 1\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->data_dir, (dir_ / "chain" / "db").lexically_normal());

  r = load_config(write("etc/abs.toml", "[node]\ndata = \"/srv/credence\"\n[genesis]\nchain_id = 1\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->data_dir, std::filesystem::path("/srv/credence"));
}

TEST_F(ConfigFile, NodeKeyIsResolvedAgainstTheFilesDirectory) {
  auto r = load_config(
      write("etc/key.toml", "[node]\ndata = \"data\"\nkey = \"keys/node.key\"\n[genesis]\nchain_id = 1\n"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->node_key, dir_ / "etc" / "keys" / "node.key");
}

TEST_F(ConfigFile, CommitteePathsAreResolvedAgainstTheFilesDirectory) {
  auto r = load_config(write("etc/c.toml", minimal("[committee]\nfile = \"committee.json\"\ncoordinator_key = "
                                                   "\"/keys/c.key\"\n[[committee.embedded]]\nshare = \"m/1.share\"\n"
                                                   "identity_key = \"m/1.key\"\n")));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->committee.file, dir_ / "etc" / "committee.json");
  EXPECT_EQ(r->committee.coordinator_key, std::filesystem::path("/keys/c.key"));
  EXPECT_EQ(r->committee.embedded[0].share, dir_ / "etc" / "m" / "1.share");
}

// A committee from a real (in-process) DKG, written as the ceremony writes committee.json.
committee::LocalCeremony ceremony() {
  crypto::SystemRandom random;
  std::vector<FixedBytes<32>> identities;
  for (int i = 0; i < 3; ++i) identities.push_back(crypto::ed25519::SecretKey::generate(random).public_key().bytes());
  auto c = committee::run_local_dkg(identities, 2, crypto::ed25519::SecretKey::generate(random).public_key().bytes(),
                                    random);
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return std::move(*c);
}

TEST_F(ConfigFile, ParsesTheFullExampleFromAFile) {
  const auto dkg = ceremony();
  std::filesystem::create_directories(dir_ / "committee");
  write("committee/committee.json", codec::dump_json(committee::to_json(dkg.committee)));
  auto r = load_config(write("node.toml", example()));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->genesis.committee_file, dir_ / "committee" / "committee.json");
  ASSERT_TRUE(r->genesis.committee.has_value());
  EXPECT_EQ(*r->genesis.committee, committee::to_record(dkg.committee));
  EXPECT_EQ(to_genesis(r->genesis).committee, r->genesis.committee);
}

TEST_F(ConfigFile, GenesisCommitteeFileMustBeACommittee) {
  auto r = load_config(write("etc/a.toml", minimal("committee = \"absent.json\"\n")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_config");
  EXPECT_NE(r.status().message().find("genesis.committee: " + (dir_ / "etc" / "absent.json").string()),
            std::string::npos)
      << r.status().message();

  write("etc/garbage.json", "{\"members\": 1");
  r = load_config(write("etc/b.toml", minimal("committee = \"garbage.json\"\n")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_config");

  // A structurally valid file whose threshold is out of range is refused by the committee's own checks.
  auto json = committee::to_json(ceremony().committee);
  json["threshold"] = 9;
  write("etc/c.json", codec::dump_json(json));
  r = load_config(write("etc/c.toml", minimal("committee = \"c.json\"\n")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_config");
  EXPECT_NE(r.status().message().find("bad_committee"), std::string::npos) << r.status().message();
}

TEST_F(ConfigFile, ErrorsNameTheFile) {
  const auto path = write("bad.toml", minimal("[block]\ninterval_ms = 0\n"));
  auto r = load_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_config");
  EXPECT_EQ(r.status().message(), path.string() + ": block.interval_ms: must be in 1..60000, got 0");
}

TEST_F(ConfigFile, MissingFileIsAnIoError) {
  auto r = load_config(dir_ / "absent.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().is_error());
  EXPECT_EQ(r.status().code(), "io_error");
}

TEST_F(ConfigFile, DirectoryIsNotAConfigFile) {
  auto r = load_config(dir_ / "etc");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().is_invalid());
  EXPECT_EQ(r.status().code(), "bad_config");
}

}  // namespace
}  // namespace credence::node
