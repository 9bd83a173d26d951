#include "credence/node/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <system_error>

// The Debian package ships toml++ as a shared library built with exceptions (TOML_HEADER_ONLY=0, the `ex` ABI), so
// TOML_EXCEPTIONS 0 would not link against it. toml::parse is the only call that throws; it is caught below and no
// exception leaves this file.
#include <toml++/toml.h>

#include "credence/codec/hex.h"
#include "credence/codec/json.h"
#include "credence/core/block.h"
#include "credence/crypto/ed25519.h"
#include "credence/node/committee.h"

namespace credence::node {
namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
// Bounds of the values that have no natural limit: large enough for any real node, small enough that a typo (an
// extra zero or two) is caught rather than obeyed.
constexpr std::int64_t kMaxMempoolTransactions = 10'000'000;
constexpr std::int64_t kMaxMempoolBytes = std::int64_t{64} << 30;
constexpr std::int64_t kMaxThreads = 1024;
constexpr std::int64_t kMinBodyBytes = 1024;
constexpr std::int64_t kMaxBodyBytes = std::int64_t{256} << 20;
constexpr std::size_t kMaxCommitteeMembers = core::kMaxCommitteeMembers;

Status bad(const std::string& key, const std::string& why) {
  return Status::invalid("bad_config", key + ": " + why);
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const char* type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

Status wrong_type(const std::string& key, const char* expected, const toml::node& node) {
  return bad(key, std::string("expected ") + expected + ", got " + type_name(node.type()));
}

// One TOML table being read: typed getters by key, and a check that it holds only known keys.
class Reader {
 public:
  Reader(const toml::table& table, std::string path) : table_(&table), path_(std::move(path)) {}

  [[nodiscard]] std::string key(std::string_view name) const { return join(path_, name); }

  // Refuses any key not in `known` (named "unknown table" or "unknown key" after what the file put there).
  [[nodiscard]] Status only(std::initializer_list<std::string_view> known) const {
    for (const auto& [k, node] : *table_) {
      if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
        return bad(key(k.str()), node.is_table() ? "unknown table" : "unknown key");
      }
    }
    return Status::ok();
  }

  [[nodiscard]] const toml::node* find(std::string_view name) const { return table_->get(name); }

  // Leaves `out` alone when the key is absent (its default) unless `required`.
  template <typename T>
  Status integer(std::string_view name, std::int64_t lo, std::int64_t hi, T& out, bool required = false) const {
    const toml::node* node = find(name);
    if (node == nullptr) return required ? bad(key(name), "missing (required)") : Status::ok();
    const auto* v = node->as_integer();
    if (v == nullptr) return wrong_type(key(name), "an integer", *node);
    const std::int64_t x = v->get();
    if (x < lo || x > hi) {
      return bad(key(name),
                 "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + std::to_string(x));
    }
    out = static_cast<T>(x);
    return Status::ok();
  }

  Status string(std::string_view name, std::string& out, bool required = false) const {
    const toml::node* node = find(name);
    if (node == nullptr) return required ? bad(key(name), "missing (required)") : Status::ok();
    const auto* v = node->as_string();
    if (v == nullptr) return wrong_type(key(name), "a string", *node);
    // A NUL would silently cut a path or host name short further down.
    if (v->get().find('\0') != std::string::npos) return bad(key(name), "must not contain NUL");
    out = v->get();
    return Status::ok();
  }

  Status boolean(std::string_view name, bool& out) const {
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    const auto* v = node->as_boolean();
    if (v == nullptr) return wrong_type(key(name), "a boolean", *node);
    out = v->get();
    return Status::ok();
  }

  Status one_of(std::string_view name, std::initializer_list<std::string_view> allowed, std::string& out) const {
    std::string value = out;
    CREDENCE_RETURN_IF_ERROR(string(name, value));
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return bad(key(name), "must be one of " + list + ", got \"" + value + "\"");
    }
    out = std::move(value);
    return Status::ok();
  }

  // The sub-table `name`, or nullptr when absent.
  Status table(std::string_view name, const toml::table*& out) const {
    out = nullptr;
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    out = node->as_table();
    if (out == nullptr) return wrong_type(key(name), "a table", *node);
    return Status::ok();
  }

 private:
  const toml::table* table_;
  std::string path_;
};

// "0x" + 64 hex digits naming a valid Ed25519 public key.
Status parse_account(const toml::node& node, const std::string& key, core::AccountId& out) {
  const auto* v = node.as_string();
  if (v == nullptr) return wrong_type(key, "a string", node);
  const std::string& text = v->get();
  if (text.size() != 66 || text[0] != '0' || text[1] != 'x') return bad(key, "expected \"0x\" and 64 hex digits");
  auto bytes = codec::hex_decode_fixed<32>(text);
  if (!bytes) return bad(key, "expected \"0x\" and 64 hex digits");
  if (!crypto::ed25519::PublicKey::parse(*bytes)) return bad(key, "not a valid Ed25519 public key");
  out = *bytes;
  return Status::ok();
}

// An absolute http(s) URL without query or fragment, at most 512 bytes of printable ASCII.
Status check_public_url(std::string_view url) {
  const bool http = url.substr(0, 7) == "http://";
  const bool https = url.substr(0, 8) == "https://";
  if (!http && !https) return Status::invalid("bad_config", "must start with http:// or https://");
  if (url.size() > 512) return Status::invalid("bad_config", "longer than 512 bytes");
  const std::string_view rest = url.substr(http ? 7 : 8);
  if (rest.empty() || rest.front() == '/') return Status::invalid("bad_config", "no host");
  for (const char c : url) {
    if (c <= ' ' || c > '~' || c == '?' || c == '#') {
      return Status::invalid("bad_config", "spaces, non-ASCII, '?' and '#' are not allowed");
    }
  }
  return Status::ok();
}

Status parse_node(const toml::table* table, NodeConfig& config) {
  if (table == nullptr) return bad("node", "missing (required)");
  Reader r(*table, "node");
  CREDENCE_RETURN_IF_ERROR(r.only({"data", "listen", "key", "public_url"}));
  std::string data;
  CREDENCE_RETURN_IF_ERROR(r.string("data", data, /*required=*/true));
  if (data.empty()) return bad("node.data", "must not be empty");
  config.data_dir = data;
  if (r.find("listen") != nullptr) {
    std::string text;
    CREDENCE_RETURN_IF_ERROR(r.string("listen", text));
    CREDENCE_RETURN_IF_ERROR(parse_listen(text, config.listen_host, config.listen_port).with_context("node.listen"));
  }
  if (r.find("key") != nullptr) {
    std::string key;
    CREDENCE_RETURN_IF_ERROR(r.string("key", key));
    if (key.empty()) return bad("node.key", "must not be empty");
    config.node_key = key;
  }
  if (r.find("public_url") != nullptr) {
    std::string url;
    CREDENCE_RETURN_IF_ERROR(r.string("public_url", url));
    CREDENCE_RETURN_IF_ERROR(check_public_url(url).with_context("node.public_url"));
    while (url.back() == '/') url.pop_back();
    config.public_url = url;
  }
  return Status::ok();
}

Status parse_allocations(const toml::node& node, GenesisConfig& genesis) {
  const auto* array = node.as_array();
  if (array == nullptr) return wrong_type("genesis.allocations", "an array", node);
  std::set<core::AccountId> seen;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string path = "genesis.allocations[" + std::to_string(i) + "]";
    const auto* entry = (*array)[i].as_table();
    if (entry == nullptr) return wrong_type(path, "a table { account, amount }", (*array)[i]);
    Reader r(*entry, path);
    CREDENCE_RETURN_IF_ERROR(r.only({"account", "amount"}));
    const toml::node* account_node = r.find("account");
    if (account_node == nullptr) return bad(r.key("account"), "missing (required)");
    core::AccountId account{};
    CREDENCE_RETURN_IF_ERROR(parse_account(*account_node, r.key("account"), account));
    if (!seen.insert(account).second) return bad(r.key("account"), "duplicate account");
    std::uint64_t amount = 0;
    CREDENCE_RETURN_IF_ERROR(r.integer("amount", 1, kMaxInt, amount, /*required=*/true));
    // The ledger keeps the supply in 64 bits; refuse here rather than at chain creation.
    if (amount > std::numeric_limits<std::uint64_t>::max() - total) {
      return bad(r.key("amount"), "the total allocation overflows 64 bits");
    }
    total += amount;
    genesis.allocations.emplace_back(account, amount);
  }
  return Status::ok();
}

Status parse_genesis(const toml::table* table, GenesisConfig& genesis) {
  if (table == nullptr) return bad("genesis", "missing (required)");
  Reader r(*table, "genesis");
  CREDENCE_RETURN_IF_ERROR(r.only({"chain_id", "time", "allocations", "committee"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("chain_id", 1, kMaxInt, genesis.chain_id, /*required=*/true));
  CREDENCE_RETURN_IF_ERROR(r.integer("time", 0, kMaxInt, genesis.time));
  if (const toml::node* allocations = r.find("allocations")) {
    CREDENCE_RETURN_IF_ERROR(parse_allocations(*allocations, genesis));
  }
  std::string committee;
  CREDENCE_RETURN_IF_ERROR(r.string("committee", committee));
  if (r.find("committee") != nullptr && committee.empty()) return bad(r.key("committee"), "must not be empty");
  genesis.committee_file = committee;
  return Status::ok();
}

Status parse_block(const toml::table& table, NodeConfig& config) {
  Reader r(table, "block");
  CREDENCE_RETURN_IF_ERROR(r.only({"interval_ms", "max_transactions"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("interval_ms", 1, 60'000, config.block_interval_ms));
  return r.integer("max_transactions", 1, static_cast<std::int64_t>(core::kMaxBlockTransactions),
                   config.block_max_transactions);
}

Status parse_mempool(const toml::table& table, MempoolLimits& limits) {
  Reader r(table, "mempool");
  CREDENCE_RETURN_IF_ERROR(r.only({"max_transactions", "max_per_account", "max_bytes"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("max_transactions", 1, kMaxMempoolTransactions, limits.max_transactions));
  if (r.find("max_per_account") != nullptr) {
    CREDENCE_RETURN_IF_ERROR(
        r.integer("max_per_account", 1, static_cast<std::int64_t>(limits.max_transactions), limits.max_per_account));
  } else {
    // A smaller pool lowers the default per-account bound with it instead of failing on a key the user never set.
    limits.max_per_account = std::min(limits.max_per_account, limits.max_transactions);
  }
  // At least one transaction of the largest size must fit.
  return r.integer("max_bytes", static_cast<std::int64_t>(core::kMaxTransactionSize), kMaxMempoolBytes,
                   limits.max_bytes);
}

Status parse_http(const toml::table& table, NodeConfig& config) {
  Reader r(table, "http");
  CREDENCE_RETURN_IF_ERROR(r.only({"threads", "max_body_bytes", "verify_threads"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("threads", 0, kMaxThreads, config.http_threads));
  CREDENCE_RETURN_IF_ERROR(r.integer("max_body_bytes", kMinBodyBytes, kMaxBodyBytes, config.http_max_body_bytes));
  return r.integer("verify_threads", 0, kMaxThreads, config.verify_threads);
}

Status parse_log(const toml::table& table, NodeConfig& config) {
  Reader r(table, "log");
  CREDENCE_RETURN_IF_ERROR(r.only({"level", "format"}));
  CREDENCE_RETURN_IF_ERROR(r.one_of("level", {"trace", "debug", "info", "warn", "error"}, config.log_level));
  return r.one_of("format", {"text", "json"}, config.log_format);
}

Status parse_storage(const toml::table& table, NodeConfig& config) {
  Reader r(table, "storage");
  CREDENCE_RETURN_IF_ERROR(r.only({"sync"}));
  return r.boolean("sync", config.sync);
}

Status parse_committee_section(const toml::table& table, CommitteeConfig& committee) {
  Reader r(table, "committee");
  CREDENCE_RETURN_IF_ERROR(r.only({"file", "coordinator_key", "checkpoint_interval", "batch_window_ms", "max_batch",
                                   "checkpoint_timeout_ms", "embedded"}));
  committee.enabled = true;
  std::string file, key;
  CREDENCE_RETURN_IF_ERROR(r.string("file", file, /*required=*/true));
  CREDENCE_RETURN_IF_ERROR(r.string("coordinator_key", key, /*required=*/true));
  if (file.empty()) return bad("committee.file", "must not be empty");
  if (key.empty()) return bad("committee.coordinator_key", "must not be empty");
  committee.file = file;
  committee.coordinator_key = key;
  CREDENCE_RETURN_IF_ERROR(r.integer("checkpoint_interval", 0, 1'000'000, committee.checkpoint_interval));
  CREDENCE_RETURN_IF_ERROR(r.integer("batch_window_ms", 0, 10'000, committee.batch_window_ms));
  CREDENCE_RETURN_IF_ERROR(r.integer("max_batch", 1, 65'536, committee.max_batch));
  CREDENCE_RETURN_IF_ERROR(r.integer("checkpoint_timeout_ms", 10, 600'000, committee.checkpoint_timeout_ms));
  if (const toml::node* embedded = r.find("embedded")) {
    const auto* array = embedded->as_array();
    if (array == nullptr) return wrong_type("committee.embedded", "an array of tables", *embedded);
    if (array->size() > kMaxCommitteeMembers) return bad("committee.embedded", "too many members");
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string path = "committee.embedded[" + std::to_string(i) + "]";
      const auto* t = (*array)[i].as_table();
      if (t == nullptr) return wrong_type(path, "a table", (*array)[i]);
      Reader m(*t, path);
      CREDENCE_RETURN_IF_ERROR(m.only({"share", "identity_key", "fault"}));
      EmbeddedMemberConfig member;
      std::string share, identity;
      CREDENCE_RETURN_IF_ERROR(m.string("share", share, /*required=*/true));
      CREDENCE_RETURN_IF_ERROR(m.string("identity_key", identity, /*required=*/true));
      CREDENCE_RETURN_IF_ERROR(m.one_of("fault", {"none", "silent", "bad_share"}, member.fault));
      member.share = share;
      member.identity_key = identity;
      committee.embedded.push_back(std::move(member));
    }
  }
  return Status::ok();
}

Status parse_document(const toml::table& root, NodeConfig& config) {
  Reader r(root, "");
  CREDENCE_RETURN_IF_ERROR(r.only({"node", "genesis", "block", "mempool", "http", "log", "storage", "committee"}));
  const toml::table* node = nullptr;
  const toml::table* genesis = nullptr;
  const toml::table* block = nullptr;
  const toml::table* mempool = nullptr;
  const toml::table* http = nullptr;
  const toml::table* log = nullptr;
  const toml::table* storage = nullptr;
  const toml::table* committee = nullptr;
  CREDENCE_RETURN_IF_ERROR(r.table("committee", committee));
  CREDENCE_RETURN_IF_ERROR(r.table("node", node));
  CREDENCE_RETURN_IF_ERROR(r.table("genesis", genesis));
  CREDENCE_RETURN_IF_ERROR(r.table("block", block));
  CREDENCE_RETURN_IF_ERROR(r.table("mempool", mempool));
  CREDENCE_RETURN_IF_ERROR(r.table("http", http));
  CREDENCE_RETURN_IF_ERROR(r.table("log", log));
  CREDENCE_RETURN_IF_ERROR(r.table("storage", storage));

  CREDENCE_RETURN_IF_ERROR(parse_node(node, config));
  CREDENCE_RETURN_IF_ERROR(parse_genesis(genesis, config.genesis));
  if (block != nullptr) CREDENCE_RETURN_IF_ERROR(parse_block(*block, config));
  if (mempool != nullptr) CREDENCE_RETURN_IF_ERROR(parse_mempool(*mempool, config.mempool));
  if (http != nullptr) CREDENCE_RETURN_IF_ERROR(parse_http(*http, config));
  if (log != nullptr) CREDENCE_RETURN_IF_ERROR(parse_log(*log, config));
  if (storage != nullptr) CREDENCE_RETURN_IF_ERROR(parse_storage(*storage, config));
  if (committee != nullptr) CREDENCE_RETURN_IF_ERROR(parse_committee_section(*committee, config.committee));
  return Status::ok();
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Dotted quad, each part 0..255 without leading zeros (inet_aton would read "010" as octal).
bool is_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view part = s.substr(0, dot);
    if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    std::from_chars(part.data(), part.data() + part.size(), value);
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

// RFC 1123 host name: dot-separated labels of 1..63 letters, digits and hyphens, no hyphen at either end, at most
// 253 characters; the last label is not all digits (that would be a malformed IPv4 address).
bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::string_view last;
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    last = label;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return !all_digits(last);
}

}  // namespace

Status parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  const auto quoted = "\"" + std::string(text) + "\"";
  if (!text.empty() && text.front() == '[') return Status::invalid("bad_config", quoted + ": IPv6 is not supported");
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Status::invalid("bad_config", quoted + ": expected HOST:PORT");
  const std::string_view h = text.substr(0, colon);
  const std::string_view p = text.substr(colon + 1);
  if (h.empty()) return Status::invalid("bad_config", quoted + ": the host is empty");
  if (!is_ipv4(h) && !is_host_name(h)) {
    return Status::invalid("bad_config", quoted + ": the host is neither an IPv4 address nor a host name");
  }
  std::uint32_t value = 0;
  if (!all_digits(p) || p.size() > 5 || std::from_chars(p.data(), p.data() + p.size(), value).ec != std::errc() ||
      value < 1 || value > 65535) {
    return Status::invalid("bad_config", quoted + ": the port must be 1..65535");
  }
  host = std::string(h);
  port = static_cast<std::uint16_t>(value);
  return Status::ok();
}

Result<NodeConfig> parse_config(std::string_view toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return Status::invalid("bad_config", "line " + std::to_string(begin.line) + ", column " +
                                             std::to_string(begin.column) + ": " + std::string(e.description()));
  } catch (const std::exception& e) {  // toml++ documents only parse_error; anything else is a local failure
    return Status::error("internal", std::string("TOML parser: ") + e.what());
  }
  NodeConfig config;
  CREDENCE_RETURN_IF_ERROR(parse_document(root, config));
  return config;
}

namespace {

// The whole of a small text file (a configuration or committee file): a regular file of at most kMaxConfigFile bytes.
Result<std::string> read_small_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec) return Status::error("io_error", name + ": " + ec.message());
  if (!std::filesystem::is_regular_file(status)) return Status::invalid("bad_config", name + ": not a regular file");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return Status::error("io_error", name + ": " + ec.message());
  if (size > kMaxConfigFile) {
    return Status::invalid("bad_config", name + ": larger than " + std::to_string(kMaxConfigFile) + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::error("io_error", name + ": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::error("io_error", name + ": read failed");
  return text;
}

}  // namespace

Result<NodeConfig> load_config(const std::filesystem::path& file) {
  const std::string name = file.string();
  CREDENCE_ASSIGN_OR_RETURN(const std::string text, read_small_file(file));

  auto config = parse_config(text);
  if (!config)
    return config.status().kind() == Status::Kind::invalid
               ? Status::invalid(config.status().code(), name + ": " + config.status().message())
               : config.status();
  auto resolve = [&](std::filesystem::path& p) {
    if (!p.empty() && p.is_relative()) p = (file.parent_path() / p).lexically_normal();
  };
  resolve(config->data_dir);
  resolve(config->node_key);
  resolve(config->committee.file);
  resolve(config->genesis.committee_file);
  resolve(config->committee.coordinator_key);
  for (auto& m : config->committee.embedded) {
    resolve(m.share);
    resolve(m.identity_key);
  }
  if (!config->genesis.committee_file.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(config->genesis.committee, load_committee_record(config->genesis.committee_file));
  }
  return config;
}

Result<core::CommitteeRecord> load_committee_record(const std::filesystem::path& file) {
  const std::string name = file.string();
  auto text = read_small_file(file);
  // A committee file that cannot be read is a configuration fault like any other in it.
  if (!text) return Status::invalid("bad_config", "genesis.committee: " + text.status().message());
  auto json = codec::parse_json(*text);
  if (!json) return Status::invalid("bad_config", "genesis.committee: " + name + ": " + json.status().message());
  auto committee = committee::committee_from_json(*json);
  if (!committee) {
    return Status::invalid("bad_config", "genesis.committee: " + name + ": " + committee.status().to_string());
  }
  auto record = committee::to_record(*committee);
  if (Status s = core::check_committee_record(record); !s.is_ok()) {
    return Status::invalid("bad_config", "genesis.committee: " + name + ": " + s.to_string());
  }
  return record;
}

NodeConfig dev_config(std::filesystem::path data_dir, std::string host, std::uint16_t port,
                      const core::AccountId& faucet) {
  NodeConfig config;
  config.data_dir = std::move(data_dir);
  config.listen_host = std::move(host);
  config.listen_port = port;
  config.genesis.chain_id = kDevChainId;
  config.genesis.allocations = {{faucet, kDevFaucetAllocation}};
  config.block_interval_ms = kDevBlockIntervalMs;
  config.block_max_transactions = 2000;
  return config;
}

core::Genesis to_genesis(const GenesisConfig& genesis) {
  return core::Genesis{genesis.chain_id, genesis.allocations, genesis.committee};
}

}  // namespace credence::node
