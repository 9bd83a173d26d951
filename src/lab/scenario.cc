#include "credence/lab/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <sstream>

// The Debian toml++ is a shared library built with exceptions (as in src/node/config.cc): toml::parse is the only
// call that throws; it is caught below and no exception leaves this file.
#include <toml++/toml.h>

namespace credence::lab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxPhases = 64;
constexpr std::size_t kMaxPartitions = 64;
constexpr std::uint32_t kMaxMembers = 1000;

Status bad(const std::string& key, const std::string& why) { return Status::invalid("bad_scenario", key + ": " + why); }

const char* type_name(const toml::node& node) {
  switch (node.type()) {
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
    default:
      return "a date or time";
  }
}

std::string show(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

// One TOML table: typed getters by key (absent keys keep their defaults) and a check for unknown keys.
class Reader {
 public:
  Reader(const toml::table& table, std::string path) : table_(&table), path_(std::move(path)) {}

  [[nodiscard]] std::string key(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
  }

  [[nodiscard]] Status only(std::initializer_list<std::string_view> known) const {
    for (const auto& [k, node] : *table_) {
      if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
        return bad(key(k.str()), node.is_table() ? "unknown table" : "unknown key");
      }
    }
    return Status::ok();
  }

  [[nodiscard]] const toml::node* find(std::string_view name) const { return table_->get(name); }

  static Status number_of(const toml::node& node, const std::string& key, double lo, double hi, double& out) {
    double x = 0;
    if (const auto* i = node.as_integer()) {
      x = static_cast<double>(i->get());
    } else if (const auto* f = node.as_floating_point()) {
      x = f->get();
    } else {
      return bad(key, std::string("expected a number, got ") + type_name(node));
    }
    if (!std::isfinite(x)) return bad(key, "must be finite");
    if (x < lo || x > hi) return bad(key, "must be in [" + show(lo) + ", " + show(hi) + "], got " + show(x));
    out = x;
    return Status::ok();
  }

  Status number(std::string_view name, double lo, double hi, double& out) const {
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    return number_of(*node, key(name), lo, hi, out);
  }

  Status integer(std::string_view name, std::int64_t lo, std::int64_t hi, std::uint32_t& out) const {
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    const auto* v = node->as_integer();
    if (v == nullptr) return bad(key(name), std::string("expected an integer, got ") + type_name(*node));
    const std::int64_t x = v->get();
    if (x < lo || x > hi) {
      return bad(key(name), "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
                                std::to_string(x));
    }
    out = static_cast<std::uint32_t>(x);
    return Status::ok();
  }

  Status string(std::string_view name, std::string& out, bool required = false) const {
    const toml::node* node = find(name);
    if (node == nullptr) return required ? bad(key(name), "missing (required)") : Status::ok();
    const auto* v = node->as_string();
    if (v == nullptr) return bad(key(name), std::string("expected a string, got ") + type_name(*node));
    if (v->get().find('\0') != std::string::npos) return bad(key(name), "must not contain NUL");
    out = v->get();
    return Status::ok();
  }

  Status boolean(std::string_view name, bool& out) const {
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    const auto* v = node->as_boolean();
    if (v == nullptr) return bad(key(name), std::string("expected a boolean, got ") + type_name(*node));
    out = v->get();
    return Status::ok();
  }

  // A number (constant over the phase) or [start, end].
  Status ramp(std::string_view name, double lo, double hi, Ramp& out) const {
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    if (const auto* a = node->as_array()) {
      if (a->size() != 2) return bad(key(name), "expected a number or [start, end]");
      CREDENCE_RETURN_IF_ERROR(number_of(*a->get(0), key(name) + "[0]", lo, hi, out.start));
      return number_of(*a->get(1), key(name) + "[1]", lo, hi, out.end);
    }
    CREDENCE_RETURN_IF_ERROR(number_of(*node, key(name), lo, hi, out.start));
    out.end = out.start;
    return Status::ok();
  }

  // An array of exactly N numbers.
  template <std::size_t N>
  Status numbers(std::string_view name, double lo, double hi, double (&out)[N]) const {
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    const auto* a = node->as_array();
    if (a == nullptr || a->size() != N) return bad(key(name), "expected an array of " + std::to_string(N) + " numbers");
    for (std::size_t i = 0; i < N; ++i) {
      CREDENCE_RETURN_IF_ERROR(number_of(*a->get(i), key(name) + "[" + std::to_string(i) + "]", lo, hi, out[i]));
    }
    return Status::ok();
  }

  Status table(std::string_view name, const toml::table*& out) const {
    out = nullptr;
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    out = node->as_table();
    if (out == nullptr) return bad(key(name), std::string("expected a table, got ") + type_name(*node));
    return Status::ok();
  }

  // An array of tables ([[name]]), or empty.
  Status tables(std::string_view name, std::vector<const toml::table*>& out) const {
    out.clear();
    const toml::node* node = find(name);
    if (node == nullptr) return Status::ok();
    const auto* a = node->as_array();
    if (a == nullptr) return bad(key(name), std::string("expected an array of tables [[") + std::string(name) + "]]");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto* t = a->get(i)->as_table();
      if (t == nullptr) return bad(key(name) + "[" + std::to_string(i) + "]", "expected a table");
      out.push_back(t);
    }
    return Status::ok();
  }

 private:
  const toml::table* table_;
  std::string path_;
};

Status parse_scenario_table(const toml::table& t, Scenario& s) {
  Reader r(t, "scenario");
  CREDENCE_RETURN_IF_ERROR(r.only({"name", "description", "bucket"}));
  CREDENCE_RETURN_IF_ERROR(r.string("name", s.name, true));
  CREDENCE_RETURN_IF_ERROR(r.string("description", s.description));
  return r.number("bucket", 0.001, 1e9, s.bucket);
}

Status parse_stress(const toml::table& t, StressWeights& w) {
  Reader r(t, "stress");
  CREDENCE_RETURN_IF_ERROR(r.only({"drawdown", "volatility", "capital_cost"}));
  CREDENCE_RETURN_IF_ERROR(r.number("drawdown", 0, 1e6, w.drawdown));
  CREDENCE_RETURN_IF_ERROR(r.number("volatility", 0, 1e6, w.volatility));
  return r.number("capital_cost", 0, 1e6, w.capital_cost);
}

Status parse_phase(const toml::table& t, std::size_t index, Phase& p) {
  Reader r(t, "phase[" + std::to_string(index) + "]");
  CREDENCE_RETURN_IF_ERROR(r.only({"name", "duration", "price", "capital_cost", "volatility", "request_rate"}));
  CREDENCE_RETURN_IF_ERROR(r.string("name", p.name, true));
  if (r.find("duration") == nullptr) return bad(r.key("duration"), "missing (required)");
  CREDENCE_RETURN_IF_ERROR(r.number("duration", 0.001, 1e9, p.duration));
  CREDENCE_RETURN_IF_ERROR(r.ramp("price", 1e-9, 1e12, p.price));
  CREDENCE_RETURN_IF_ERROR(r.ramp("capital_cost", 0, 100, p.capital_cost));
  CREDENCE_RETURN_IF_ERROR(r.ramp("volatility", 0, 100, p.volatility));
  return r.number("request_rate", 0, 1e6, p.request_rate);
}

Status parse_network(const toml::table& t, Network& n) {
  Reader r(t, "network");
  CREDENCE_RETURN_IF_ERROR(r.only({"latency_median", "latency_sigma", "loss"}));
  CREDENCE_RETURN_IF_ERROR(r.number("latency_median", 0, 3600, n.latency_median));
  CREDENCE_RETURN_IF_ERROR(r.number("latency_sigma", 0, 10, n.latency_sigma));
  return r.number("loss", 0, 1, n.loss);
}

Status parse_partition(const toml::table& t, std::size_t index, Partition& p) {
  Reader r(t, "partition[" + std::to_string(index) + "]");
  CREDENCE_RETURN_IF_ERROR(r.only({"start", "end", "first_member", "last_member"}));
  for (const char* k : {"start", "end", "first_member", "last_member"}) {
    if (r.find(k) == nullptr) return bad(r.key(k), "missing (required)");
  }
  CREDENCE_RETURN_IF_ERROR(r.number("start", 0, 1e12, p.start));
  CREDENCE_RETURN_IF_ERROR(r.number("end", 0, 1e12, p.end));
  CREDENCE_RETURN_IF_ERROR(r.integer("first_member", 1, kMaxMembers, p.first_member));
  CREDENCE_RETURN_IF_ERROR(r.integer("last_member", 1, kMaxMembers, p.last_member));
  if (p.end < p.start) return bad(r.key("end"), "must not be before start");
  if (p.last_member < p.first_member) return bad(r.key("last_member"), "must not be below first_member");
  return Status::ok();
}

Status parse_protocol(const toml::table& t, Protocol& p) {
  Reader r(t, "protocol");
  CREDENCE_RETURN_IF_ERROR(r.only({"n", "t", "request_timeout", "fee_base", "fee_rate", "liability_share",
                                   "collateral_ratio", "dispute_window", "checkpoint_interval", "batch_window",
                                   "max_batch"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("n", 2, kMaxMembers, p.n));
  CREDENCE_RETURN_IF_ERROR(r.integer("t", 2, kMaxMembers, p.t));
  CREDENCE_RETURN_IF_ERROR(r.number("request_timeout", 0.001, 1e9, p.request_timeout));
  CREDENCE_RETURN_IF_ERROR(r.number("fee_base", 0, 1e12, p.fee_base));
  CREDENCE_RETURN_IF_ERROR(r.number("fee_rate", 0, 1, p.fee_rate));
  CREDENCE_RETURN_IF_ERROR(r.number("liability_share", 0, 100, p.liability_share));
  CREDENCE_RETURN_IF_ERROR(r.number("collateral_ratio", 0, 100, p.collateral_ratio));
  CREDENCE_RETURN_IF_ERROR(r.number("dispute_window", 0, 1e9, p.dispute_window));
  CREDENCE_RETURN_IF_ERROR(r.number("checkpoint_interval", 0.001, 1e6, p.checkpoint_interval));
  CREDENCE_RETURN_IF_ERROR(r.number("batch_window", 0, 10, p.batch_window));
  return r.integer("max_batch", 1, 65536, p.max_batch);
}

Status parse_underwriting(const toml::table& t, Underwriting& u) {
  Reader r(t, "underwriting");
  CREDENCE_RETURN_IF_ERROR(r.only({"enabled", "capacity", "fee_rate", "latency"}));
  CREDENCE_RETURN_IF_ERROR(r.boolean("enabled", u.enabled));
  CREDENCE_RETURN_IF_ERROR(r.number("capacity", 0, 1e18, u.capacity));
  CREDENCE_RETURN_IF_ERROR(r.number("fee_rate", 0, 1, u.fee_rate));
  return r.number("latency", 0, 3600, u.latency);
}

Status parse_members(const toml::table& t, Members& m) {
  Reader r(t, "members");
  CREDENCE_RETURN_IF_ERROR(r.only({"response", "response_mean", "response_sigma", "hesitation", "risk_aversion",
                                   "idiosyncratic_sigma", "cooperative", "silent", "malicious"}));
  CREDENCE_RETURN_IF_ERROR(r.string("response", m.response));
  if (m.response != "exponential" && m.response != "lognormal") {
    return bad(r.key("response"), "must be one of exponential, lognormal, got \"" + m.response + "\"");
  }
  CREDENCE_RETURN_IF_ERROR(r.number("response_mean", 0, 86400, m.response_mean));
  CREDENCE_RETURN_IF_ERROR(r.number("response_sigma", 0, 10, m.response_sigma));
  CREDENCE_RETURN_IF_ERROR(r.number("hesitation", 0, 1e6, m.hesitation));
  CREDENCE_RETURN_IF_ERROR(r.number("risk_aversion", 0, 1e6, m.risk_aversion));
  CREDENCE_RETURN_IF_ERROR(r.number("idiosyncratic_sigma", 0, 10, m.idiosyncratic_sigma));
  CREDENCE_RETURN_IF_ERROR(r.boolean("cooperative", m.cooperative));
  CREDENCE_RETURN_IF_ERROR(r.integer("silent", 0, kMaxMembers, m.silent));
  return r.integer("malicious", 0, kMaxMembers, m.malicious);
}

Status parse_claimants(const toml::table& t, Claimants& c) {
  Reader r(t, "claimants");
  CREDENCE_RETURN_IF_ERROR(r.only({"value_median", "value_sigma", "deadline_median", "deadline_sigma", "risk_mix",
                                   "fault_probability", "loss_if_late", "intermediary_fee_rate",
                                   "intermediary_fee_fixed", "high_value", "estimate_window", "estimate_horizon"}));
  CREDENCE_RETURN_IF_ERROR(r.number("value_median", 1e-9, 1e15, c.value_median));
  CREDENCE_RETURN_IF_ERROR(r.number("value_sigma", 0, 10, c.value_sigma));
  CREDENCE_RETURN_IF_ERROR(r.number("deadline_median", 1e-6, 1e9, c.deadline_median));
  CREDENCE_RETURN_IF_ERROR(r.number("deadline_sigma", 0, 10, c.deadline_sigma));
  CREDENCE_RETURN_IF_ERROR(r.numbers("risk_mix", 0, 1, c.risk_mix));
  if (std::fabs(c.risk_mix[0] + c.risk_mix[1] + c.risk_mix[2] - 1) > 1e-9) {
    return bad(r.key("risk_mix"), "must sum to 1");
  }
  CREDENCE_RETURN_IF_ERROR(r.numbers("fault_probability", 0, 1, c.fault_probability));
  CREDENCE_RETURN_IF_ERROR(r.number("loss_if_late", 0, 100, c.loss_if_late));
  CREDENCE_RETURN_IF_ERROR(r.number("intermediary_fee_rate", 0, 100, c.intermediary_fee_rate));
  CREDENCE_RETURN_IF_ERROR(r.number("intermediary_fee_fixed", 0, 1e15, c.intermediary_fee_fixed));
  CREDENCE_RETURN_IF_ERROR(r.number("high_value", 0, kInf, c.high_value));
  CREDENCE_RETURN_IF_ERROR(r.number("estimate_horizon", 0.001, 1e12, c.estimate_horizon));
  return r.integer("estimate_window", 1, 100000, c.estimate_window);
}

Status parse_issuers(const toml::table& t, Issuers& i) {
  Reader r(t, "issuers");
  CREDENCE_RETURN_IF_ERROR(r.only({"count", "rate", "conservatism", "strictness", "revoke_rate"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("count", 0, 1000, i.count));
  CREDENCE_RETURN_IF_ERROR(r.number("rate", 0, 1e4, i.rate));
  CREDENCE_RETURN_IF_ERROR(r.number("conservatism", 0, 1, i.conservatism));
  CREDENCE_RETURN_IF_ERROR(r.number("strictness", 0, 1, i.strictness));
  return r.number("revoke_rate", 0, 1e4, i.revoke_rate);
}

Status parse_holders(const toml::table& t, Holders& h) {
  Reader r(t, "holders");
  CREDENCE_RETURN_IF_ERROR(r.only({"count", "allocation_scale", "allocation_shape", "large_fraction",
                                   "exchange_liquidity", "action_rate", "sell_base", "panic", "sell_fraction",
                                   "buy_base", "accumulate", "buy_amount"}));
  CREDENCE_RETURN_IF_ERROR(r.integer("count", 0, 100000, h.count));
  CREDENCE_RETURN_IF_ERROR(r.number("allocation_scale", 1, 1e12, h.allocation_scale));
  CREDENCE_RETURN_IF_ERROR(r.number("allocation_shape", 0.1, 100, h.allocation_shape));
  CREDENCE_RETURN_IF_ERROR(r.number("large_fraction", 0, 1, h.large_fraction));
  CREDENCE_RETURN_IF_ERROR(r.number("exchange_liquidity", 0, 1e15, h.exchange_liquidity));
  CREDENCE_RETURN_IF_ERROR(r.number("action_rate", 0, 1e3, h.action_rate));
  CREDENCE_RETURN_IF_ERROR(r.number("sell_base", 0, 1, h.sell_base));
  CREDENCE_RETURN_IF_ERROR(r.number("panic", 0, 1, h.panic));
  CREDENCE_RETURN_IF_ERROR(r.number("sell_fraction", 0, 1, h.sell_fraction));
  CREDENCE_RETURN_IF_ERROR(r.number("buy_base", 0, 1, h.buy_base));
  CREDENCE_RETURN_IF_ERROR(r.number("accumulate", 0, 1, h.accumulate));
  return r.number("buy_amount", 0, 1e15, h.buy_amount);
}

Status parse_costs(const toml::table& t, Costs& c) {
  Reader r(t, "costs");
  CREDENCE_RETURN_IF_ERROR(r.only({"sign_share_us", "verify_share_us", "prepare_us_per_signer", "aggregate_us"}));
  CREDENCE_RETURN_IF_ERROR(r.number("sign_share_us", 0, 1e9, c.sign_share_us));
  CREDENCE_RETURN_IF_ERROR(r.number("verify_share_us", 0, 1e9, c.verify_share_us));
  CREDENCE_RETURN_IF_ERROR(r.number("prepare_us_per_signer", 0, 1e9, c.prepare_us_per_signer));
  return r.number("aggregate_us", 0, 1e9, c.aggregate_us);
}

Status parse_document(const toml::table& root, Scenario& s) {
  Reader r(root, "");
  CREDENCE_RETURN_IF_ERROR(r.only({"scenario", "stress", "phase", "network", "partition", "protocol", "underwriting",
                                   "members", "claimants", "issuers", "holders", "costs"}));
  const toml::table* t = nullptr;
  CREDENCE_RETURN_IF_ERROR(r.table("scenario", t));
  if (t == nullptr) return bad("scenario", "missing (required table)");
  CREDENCE_RETURN_IF_ERROR(parse_scenario_table(*t, s));
  std::vector<const toml::table*> list;
  CREDENCE_RETURN_IF_ERROR(r.tables("phase", list));
  if (list.empty()) return bad("phase", "at least one [[phase]] is required");
  if (list.size() > kMaxPhases) return bad("phase", "at most " + std::to_string(kMaxPhases) + " phases");
  for (std::size_t i = 0; i < list.size(); ++i) {
    Phase p;
    CREDENCE_RETURN_IF_ERROR(parse_phase(*list[i], i, p));
    s.phases.push_back(std::move(p));
  }
  CREDENCE_RETURN_IF_ERROR(r.tables("partition", list));
  if (list.size() > kMaxPartitions) return bad("partition", "at most " + std::to_string(kMaxPartitions));
  for (std::size_t i = 0; i < list.size(); ++i) {
    Partition p;
    CREDENCE_RETURN_IF_ERROR(parse_partition(*list[i], i, p));
    s.network.partitions.push_back(p);
  }
  CREDENCE_RETURN_IF_ERROR(r.table("stress", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_stress(*t, s.stress));
  CREDENCE_RETURN_IF_ERROR(r.table("network", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_network(*t, s.network));
  CREDENCE_RETURN_IF_ERROR(r.table("protocol", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_protocol(*t, s.protocol));
  CREDENCE_RETURN_IF_ERROR(r.table("underwriting", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_underwriting(*t, s.underwriting));
  CREDENCE_RETURN_IF_ERROR(r.table("members", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_members(*t, s.members));
  CREDENCE_RETURN_IF_ERROR(r.table("claimants", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_claimants(*t, s.claimants));
  CREDENCE_RETURN_IF_ERROR(r.table("issuers", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_issuers(*t, s.issuers));
  CREDENCE_RETURN_IF_ERROR(r.table("holders", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_holders(*t, s.holders));
  CREDENCE_RETURN_IF_ERROR(r.table("costs", t));
  if (t != nullptr) CREDENCE_RETURN_IF_ERROR(parse_costs(*t, s.costs));
  return validate(s);
}

}  // namespace

double Scenario::duration() const {
  double d = 0;
  for (const auto& p : phases) d += p.duration;
  return d;
}

Status validate(const Scenario& s) {
  if (s.name.empty() || s.name.size() > 64 ||
      !std::all_of(s.name.begin(), s.name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
      })) {
    return bad("scenario.name", "must be 1..64 characters of A-Z a-z 0-9 . _ -");
  }
  if (s.phases.empty()) return bad("phase", "at least one [[phase]] is required");
  if (!(s.bucket > 0)) return bad("scenario.bucket", "must be > 0");
  for (std::size_t i = 0; i < s.phases.size(); ++i) {
    if (s.phases[i].name.empty()) return bad("phase[" + std::to_string(i) + "].name", "must not be empty");
    if (!(s.phases[i].duration > 0)) return bad("phase[" + std::to_string(i) + "].duration", "must be > 0");
    if (!(s.phases[i].price.start > 0) || !(s.phases[i].price.end > 0)) {
      return bad("phase[" + std::to_string(i) + "].price", "must be > 0");
    }
  }
  if (s.duration() / s.bucket > 100000) return bad("scenario.bucket", "more than 100000 buckets: use a larger bucket");
  const Protocol& p = s.protocol;
  if (p.t < 2 || p.t > p.n) return bad("protocol.t", "need 2 <= t <= n (n = " + std::to_string(p.n) + ")");
  if (std::uint64_t{s.members.silent} + s.members.malicious > p.n) {
    return bad("members.silent", "silent + malicious must not exceed n");
  }
  for (std::size_t i = 0; i < s.network.partitions.size(); ++i) {
    if (s.network.partitions[i].last_member > p.n) {
      return bad("partition[" + std::to_string(i) + "].last_member", "must be <= n");
    }
  }
  if (s.holders.count > 0 && s.holders.allocation_scale * s.holders.count > 1e15) {
    return bad("holders.allocation_scale", "allocations too large");
  }
  return Status::ok();
}

Result<Scenario> parse_scenario(std::string_view toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::invalid("bad_toml", "line " + std::to_string(where.line) + ", column " +
                                           std::to_string(where.column) + ": " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::error("toml_failure", e.what());
  }
  Scenario s;
  CREDENCE_RETURN_IF_ERROR(parse_document(root, s));
  return s;
}

Result<Scenario> load_scenario(const std::string& path) {
  // As the credence CLI reads its input files (apps/credence/file_input.cc): io_error for a file that cannot be
  // read, invalid for one that is not a regular file or is too large.
  constexpr std::uintmax_t kMaxScenarioBytes = 1 << 20;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return Status::error("io_error", path + ": " + ec.message());
  if (!std::filesystem::is_regular_file(status)) return Status::invalid("bad_file", path + ": not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::error("io_error", path + ": " + ec.message());
  if (size > kMaxScenarioBytes) return Status::invalid("too_large", path + ": larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("io_error", path + ": cannot open");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::error("io_error", path + ": read failed");
  auto s = parse_scenario(text);
  if (!s.ok()) return s.status().with_context(path);
  return s;
}

}  // namespace credence::lab
