// The node's configuration: a TOML file (`credenced --config FILE`) or the devnet defaults (`credenced --dev`).
// Every key, its default and its bounds: docs/node.md "Configuration".
//
// Loading is strict: an unknown table or key, a wrong type or an out-of-range value is invalid("bad_config") with
// the key's dotted path in the message, so a typo never silently falls back to a default. Nothing throws: toml++
// (the Debian shared library, built with exceptions) is called only from config.cc, which catches its parse_error.
// Plain value types; the functions are thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "credence/core/ledger.h"
#include "credence/node/mempool.h"
#include "credence/status.h"

namespace credence::node {

struct GenesisConfig {
  std::uint64_t chain_id = 0;
  std::uint64_t time = 0;  // genesis block time (unix seconds); 0 = the moment the chain is created
  std::vector<std::pair<core::AccountId, std::uint64_t>> allocations;
  // genesis.committee: the DKG ceremony's committee.json (docs/committee.md); empty = a chain without a committee.
  // load_config reads it into `committee`, which genesis writes into the state.
  std::filesystem::path committee_file;
  std::optional<core::CommitteeRecord> committee;
};

// A committee member that runs inside this node's process ([[committee.embedded]]).
struct EmbeddedMemberConfig {
  std::filesystem::path share;         // its secret key share (JSON, docs/committee.md)
  std::filesystem::path identity_key;  // its Ed25519 identity key file
  std::string fault = "none";          // none | silent | bad_share: misbehaviour on purpose, for tests only
};

// The verifier committee this node coordinates ([committee]; docs/committee.md). Paths relative to the config file.
struct CommitteeConfig {
  bool enabled = false;                       // true when the [committee] table is present
  std::filesystem::path file;                 // committee.json: members, threshold, group key (required)
  std::filesystem::path coordinator_key;      // this node's identity key file (required)
  std::uint32_t checkpoint_interval = 10;     // 0..1000000 blocks (0: no checkpoints)
  std::uint32_t batch_window_ms = 2;          // 0..10000
  std::uint32_t max_batch = 256;              // 1..65536
  std::uint32_t checkpoint_timeout_ms = 5000; // 10..600000
  std::vector<EmbeddedMemberConfig> embedded;
};

// Defaults as below; bounds as parse_config enforces them (docs/node.md "Configuration").
struct NodeConfig {
  std::filesystem::path data_dir;         // [node] data (required)
  std::string listen_host = "127.0.0.1";  // [node] listen = "HOST:PORT"
  std::uint16_t listen_port = 8545;
  // [node] key: the node key (an ed25519 key file) that signs the status lists and VC exports; empty = DATA/node.key.
  // credenced creates the file when it does not exist.
  std::filesystem::path node_key;
  // [node] public_url: how clients reach this node (http(s)://HOST[:PORT][/PATH], no trailing "/"), the base of the
  // status-list URLs it signs; empty = http://<listen address>.
  std::string public_url;
  GenesisConfig genesis;                        // [genesis] (used only when the data dir holds no chain yet)
  std::uint32_t block_interval_ms = 200;        // [block] interval_ms, 1..60000: a block this often when work waits
  std::uint32_t block_max_transactions = 2000;  // [block] max_transactions, 1..core::kMaxBlockTransactions
  MempoolLimits mempool;                        // [mempool] max_transactions, max_per_account, max_bytes
  std::uint32_t http_threads = 0;               // [http] threads, 0..1024 (0 = 8 x hardware threads, at least 64)
  std::size_t http_max_body_bytes = 8u << 20;   // [http] max_body_bytes, 1 KiB..256 MiB
  std::uint32_t verify_threads = 0;             // [http] verify_threads, 0..1024: signature checks (0 = hardware)
  std::string log_level = "info";               // [log] level: trace, debug, info, warn, error
  std::string log_format = "text";              // [log] format: text or json
  bool sync = true;                             // [storage] sync: fsync each block (never off outside benches)
  CommitteeConfig committee;                    // [committee]: absent = no committee
};

inline constexpr std::uint64_t kDevChainId = 1337;
inline constexpr std::uint64_t kDevFaucetAllocation = 1'000'000'000'000;
inline constexpr std::uint32_t kDevBlockIntervalMs = 10;
// A config file larger than this is refused before parsing (a genesis with ~100k allocations still fits).
inline constexpr std::size_t kMaxConfigFile = 64u << 20;

// Parses TOML text (the file's contents). invalid("bad_config", "<dotted.key>: <why>"), or
// invalid("bad_config", "line L, column C: <why>") for a TOML syntax error. node.data is returned as written.
Result<NodeConfig> parse_config(std::string_view toml_text);
// Reads and parses `file`; a relative node.data is resolved against the file's directory (so the config works from
// any working directory). Messages are prefixed with the file's path. error("io_error") if the file cannot be read;
// invalid("bad_config") if it is not a regular file or larger than kMaxConfigFile.
Result<NodeConfig> load_config(const std::filesystem::path& file);

// The devnet: chain id 1337, 10^12 native units allocated to `faucet` (a key the dev node keeps in its data dir),
// 100 ms blocks of at most 2000 transactions, everything else at its default. Does not validate its arguments.
NodeConfig dev_config(std::filesystem::path data_dir, std::string host, std::uint16_t port,
                      const core::AccountId& faucet);

// Parses "HOST:PORT": HOST a dotted-quad IPv4 address or a host name (RFC 1123 labels), PORT 1..65535 in decimal.
// IPv6 is not supported. invalid("bad_config", "<why>"); `host` and `port` are written only on success.
Status parse_listen(std::string_view text, std::string& host, std::uint16_t& port);

// The ledger's genesis (chain id, allocations, committee). The time goes to core::Chain::genesis separately.
core::Genesis to_genesis(const GenesisConfig& genesis);

// Reads a DKG ceremony's committee.json as the record genesis writes. invalid("bad_config", "genesis.committee: …").
Result<core::CommitteeRecord> load_committee_record(const std::filesystem::path& file);

}  // namespace credence::node
