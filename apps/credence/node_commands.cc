// Commands against a running node over its HTTP API (docs/cli.md "Commands against a node", docs/api.md):
// node status, schema register / get, attest, revoke, transfer, attestation get / list, tx status, and
// `verify ID` (the verdict with the proof bundle an offline verifier needs).
//
// Writes are built and signed here (core::sign_transaction with the key file's Ed25519 key), with the chain id from
// /v1/health and the nonce from /v1/accounts/{account}, then submitted with ?wait so the command prints what the
// transaction created. Exit codes: 0 done / valid; 1 the node refused (409, 422, 429), the transaction failed, or
// the verdict is invalid; 2 malformed input (local checks, or the node's 400 / 404); 3 local failure (node
// unreachable, unexpected answer, file system).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <tuple>

#include "commands.h"
#include "credence/codec/abi.h"
#include "credence/codec/hex.h"
#include "credence/core/block.h"
#include "credence/core/state.h"
#include "credence/core/transaction.h"
#include "credence/core/verify.h"
#include "credence/crypto/hash.h"
#include "credence/interop/oz_merkle.h"
#include "file_input.h"
#include "key_file.h"
#include "node_client.h"
#include "node_session.h"

namespace credence::cli {

namespace {

using codec::Json;
namespace ed = crypto::ed25519;

// ---- argument parsing (local checks: malformed input is exit 2 before anything is sent)

std::string hex(ByteView bytes) {
  return codec::hex_encode_0x(bytes);
}

// A string field of the node's answer, or `fallback` (for text that is only shown).
std::string string_or(const Json& object, const std::string& key, const std::string& fallback) {
  auto v = json_string(object, key);
  return v ? *v : fallback;
}

Result<Json> parse_json_arg(const std::string& what, const std::string& text) {
  auto json = codec::parse_json(text);
  if (!json) return Status::invalid("bad_json", what + ": " + json.status().message());
  return json;
}

// Reads a node object with the strict core reader; a node answering something else is a local failure.
template <typename T>
Result<T> from_node(Result<T> parsed, const std::string& what) {
  if (!parsed) return Status::error("bad_response", what + " in the node's answer: " + parsed.status().to_string());
  return parsed;
}

// Prints the first created id (schema or attestation), or reports a receipt without one.
int print_created(Session& s, const std::vector<std::string>& ids, const Json& server, const std::string& what) {
  if (ids.empty()) return s.fail(Status::error("bad_response", "the receipt lists no created " + what));
  return s.print(ids.front(), server);
}

// ---- node status

int run_node_status(Session& s) {
  auto health = s.get("/v1/health");
  if (!health) return s.fail(health.status());
  std::string text;
  for (const char* key : {"status", "chain_id", "height", "head", "state_root", "time", "mempool", "version"}) {
    auto v = json_field(*health, key);
    if (!v) return s.fail(v.status());
    text += std::string(text.empty() ? "" : "\n") + key + ": " +
            ((*v)->is_string() ? (*v)->get<std::string>() : (*v)->dump());
  }
  return s.print(text, *health);
}

// ---- schemas

struct SchemaRegisterArgs {
  std::string key;
  std::string name;
  std::string fields;
  std::string description;
  bool irrevocable = false;
  std::uint64_t max_valid_for = 0;
  bool off_ledger = false;
  std::string policy_file;
  SubmitOptions submit;
};

int run_schema_register(Session& s, const SchemaRegisterArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  core::Schema schema;
  schema.name = a.name;
  schema.description = a.description;
  schema.registrant = account_secret(*key).public_key().bytes();
  schema.fields = a.fields;
  schema.revocable = !a.irrevocable;
  schema.max_valid_for = a.max_valid_for;
  schema.data_location = a.off_ledger ? core::DataLocation::off_ledger : core::DataLocation::on_ledger;
  if (!a.policy_file.empty()) {
    auto json = read_json_file(a.policy_file);
    if (!json) return s.fail(json.status());
    auto policy = core::policy_from_json(*json);
    if (!policy)
      return s.fail(Status::invalid(policy.status().code(), a.policy_file + ": " + policy.status().message()));
    schema.policy = std::move(*policy);
  }
  // The node would refuse these too (bad_schema / bad_policy); saying so before signing is clearer.
  if (Status st = schema.normalize(); !st.is_ok()) return s.fail(st);
  return submit(s, *key, core::RegisterSchema{schema}, a.submit,
                [&s](const std::vector<std::string>& ids, const Json& server) {
                  return print_created(s, ids, server, "schema");
                });
}

std::string schema_text(const std::string& id, const core::Schema& schema) {
  std::string t;
  t += "id: " + id + "\n";
  t += "name: " + schema.name + "\n";
  t += "description: " + schema.description + "\n";
  t += "registrant: " + hex(schema.registrant) + "\n";
  t += "fields: " + schema.fields + "\n";
  t += std::string("revocable: ") + (schema.revocable ? "true" : "false") + "\n";
  t += "max_valid_for: " + std::to_string(schema.max_valid_for) + "\n";
  t += std::string("data_location: ") +
       (schema.data_location == core::DataLocation::on_ledger ? "on_ledger" : "off_ledger") + "\n";
  t += "policy: " + codec::dump_json(core::to_json(schema.policy));
  return t;
}

// The schema `id` from the node (404 unknown_schema is the node's error, exit 2).
Result<core::Schema> fetch_schema(Session& s, const core::Id& id) {
  CREDENCE_ASSIGN_OR_RETURN(auto reply, s.get("/v1/schemas/" + hex(id)));
  CREDENCE_ASSIGN_OR_RETURN(const Json* j, json_field(reply, "schema"));
  return from_node(core::schema_from_json(*j), "schema");
}

int run_schema_get(Session& s, const std::string& id_text) {
  auto id = parse_id("schema id", id_text);
  if (!id) return s.fail(id.status());
  auto reply = s.get("/v1/schemas/" + hex(*id));
  if (!reply) return s.fail(reply.status());
  auto j = json_field(*reply, "schema");
  if (!j) return s.fail(j.status());
  auto schema = from_node(core::schema_from_json(**j), "schema");
  if (!schema) return s.fail(schema.status());
  return s.print(schema_text(hex(*id), *schema), *reply);
}

// ---- attestations

struct AttestArgs {
  std::string key;
  std::string schema;
  std::vector<std::string> recipients;
  std::string data_json;
  std::string data_hex;
  std::string data_hash;
  std::string uri;
  std::uint64_t valid_until = 0;
  std::string indexing_key;
  std::string linked;
  bool irrevocable = false;
  std::vector<std::string> accreditation;
  SubmitOptions submit;
};

// The ABI encoding of the attestation data given as --data-json or --data-hex, checked against the schema's fields.
Result<Bytes> encode_data(const AttestArgs& a, const core::Schema& schema) {
  CREDENCE_ASSIGN_OR_RETURN(auto types, schema.field_types());
  if (!a.data_json.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(auto json, parse_json_arg("--data-json", a.data_json));
    auto values = codec::abi_from_json(types, json);
    if (!values) {
      return Status::invalid(values.status().code(), "--data-json does not fit the schema's fields (" + schema.fields +
                                                         "): " + values.status().message());
    }
    auto encoded = codec::abi_encode(types, *values);
    if (!encoded) return Status::invalid(encoded.status().code(), "--data-json: " + encoded.status().message());
    return encoded;
  }
  Bytes data;
  if (!a.data_hex.empty()) {
    auto decoded = codec::hex_decode(a.data_hex);
    if (!decoded) return Status::invalid("bad_hex", "--data-hex: " + decoded.status().message());
    data = std::move(*decoded);
  }
  // The node checks this too (data_mismatch); checking first names the problem before anything is signed.
  if (auto values = codec::abi_decode(types, data); !values) {
    return Status::invalid("data_mismatch", "the data does not decode as the schema's fields (" + schema.fields +
                                                "): " + values.status().to_string());
  }
  return data;
}

Result<core::AttestationRequest> build_request(Session& s, const AttestArgs& a, const core::Id& schema_id) {
  CREDENCE_ASSIGN_OR_RETURN(auto schema, fetch_schema(s, schema_id));
  core::AttestationRequest q;
  q.schema = schema_id;
  for (const auto& text : a.recipients) {
    CREDENCE_ASSIGN_OR_RETURN(auto r, core::Recipient::parse(text));
    q.recipients.push_back(std::move(r));
  }
  q.valid_until = a.valid_until;
  if (!a.linked.empty()) {
    CREDENCE_ASSIGN_OR_RETURN(q.linked, parse_id("--linked", a.linked));
  }
  // Revocable exactly when the schema allows it, unless asked otherwise.
  q.revocable = schema.revocable && !a.irrevocable;
  q.indexing_key = a.indexing_key;
  for (const auto& text : a.accreditation) {
    CREDENCE_ASSIGN_OR_RETURN(auto id, parse_id("--accreditation", text));
    q.accreditation.push_back(id);
  }
  const int data_forms = !a.data_json.empty() + !a.data_hex.empty() + !a.data_hash.empty();
  if (data_forms > 1) {
    return Status::invalid("bad_arguments", "give one of --data-json, --data-hex or --data-hash");
  }
  if (schema.data_location == core::DataLocation::on_ledger) {
    if (!a.data_hash.empty() || !a.uri.empty()) {
      return Status::invalid("bad_arguments",
                             "the schema keeps its data on the ledger: give --data-json or "
                             "--data-hex, not --data-hash / --uri");
    }
    if (data_forms == 0 && !schema.fields.empty()) {
      return Status::invalid("bad_arguments",
                             "give the data: --data-json '[…]' or --data-hex 0x… for fields (" + schema.fields + ")");
    }
    q.data.location = core::DataLocation::on_ledger;
    CREDENCE_ASSIGN_OR_RETURN(q.data.data, encode_data(a, schema));
  } else {
    if (a.uri.empty() || data_forms == 0) {
      return Status::invalid("bad_arguments",
                             "the schema keeps its data off the ledger: give --uri and --data-hash "
                             "(or --data-json / --data-hex to hash here)");
    }
    q.data.location = core::DataLocation::off_ledger;
    q.data.uri = a.uri;
    if (!a.data_hash.empty()) {
      CREDENCE_ASSIGN_OR_RETURN(q.data.data_hash, parse_id("--data-hash", a.data_hash));
    } else {
      CREDENCE_ASSIGN_OR_RETURN(auto data, encode_data(a, schema));
      q.data.data_hash = crypto::sha256(data);
    }
  }
  CREDENCE_RETURN_IF_ERROR(core::validate_request(q));
  return q;
}

int run_attest(Session& s, const AttestArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  auto schema_id = parse_id("--schema", a.schema);
  if (!schema_id) return s.fail(schema_id.status());
  auto request = build_request(s, a, *schema_id);
  if (!request) return s.fail(request.status());
  return submit(s, *key, core::Attest{{std::move(*request)}}, a.submit,
                [&s](const std::vector<std::string>& ids, const Json& server) {
                  return print_created(s, ids, server, "attestation");
                });
}

struct RevokeArgs {
  std::string key;
  std::string id;
  std::string reason;
  SubmitOptions submit;
};

int run_revoke(Session& s, const RevokeArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  auto id = parse_id("--id", a.id);
  if (!id) return s.fail(id.status());
  if (a.reason.size() > core::kMaxReasonLength) {
    return s.fail(Status::invalid("bad_arguments",
                                  "--reason is longer than " + std::to_string(core::kMaxReasonLength) + " bytes"));
  }
  return submit(s, *key, core::Revoke{{core::Revocation{*id, a.reason}}}, a.submit,
                [&s](const std::vector<std::string>&, const Json& server) {
                  return s.print(string_or(server, "id", "committed"), server);
                });
}

struct TransferArgs {
  std::string key;
  std::string to;
  std::string amount;
  std::string asset;  // empty: the native token
  SubmitOptions submit;
};

int run_transfer(Session& s, const TransferArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  auto to = codec::hex_decode_fixed<32>(a.to);
  if (!to)
    return s.fail(Status::invalid(to.status().code(), "--to (an account, 32-byte hex): " + to.status().message()));
  auto amount = codec::U256::parse_decimal(a.amount);
  if (!amount) return s.fail(Status::invalid("bad_arguments", "--amount: " + amount.status().message()));
  if (amount->is_zero()) return s.fail(Status::invalid("bad_arguments", "--amount must be positive"));
  core::Id asset = core::kNativeAsset;
  if (!a.asset.empty()) {
    auto parsed = codec::hex_decode_fixed<32>(a.asset);
    if (!parsed) return s.fail(Status::invalid("bad_arguments", "--asset (an asset id, 32-byte hex): " +
                                                                  parsed.status().message()));
    asset = *parsed;
  }
  return submit(s, *key, core::Transfer{*to, *amount, asset}, a.submit,
                [&s](const std::vector<std::string>&, const Json& server) {
                  return s.print(string_or(server, "id", "committed"), server);
                });
}

// ---- assets

Result<codec::U256> parse_amount(const std::string& flag, const std::string& text) {
  auto v = codec::U256::parse_decimal(text);
  if (!v) return Status::invalid("bad_arguments", flag + ": " + v.status().message());
  return *v;
}

struct AssetCreateArgs {
  std::string key;
  std::string symbol;
  std::string name;
  std::uint64_t decimals = 0;
  std::string initial_supply;
  std::string max_supply;  // empty: fixed at the initial supply
  SubmitOptions submit;
};

int run_asset_create(Session& s, const AssetCreateArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  core::AssetDefinition d;
  d.symbol = a.symbol;
  d.name = a.name;
  if (a.decimals > core::kMaxDecimals) {
    return s.fail(Status::invalid("bad_arguments", "--decimals must be at most " + std::to_string(core::kMaxDecimals)));
  }
  d.decimals = static_cast<std::uint8_t>(a.decimals);
  auto initial = parse_amount("--initial-supply", a.initial_supply);
  if (!initial) return s.fail(initial.status());
  d.initial_supply = *initial;
  d.max_supply = *initial;
  if (!a.max_supply.empty()) {
    auto max = parse_amount("--max-supply", a.max_supply);
    if (!max) return s.fail(max.status());
    d.max_supply = *max;
  }
  if (Status st = d.validate(); !st.is_ok()) return s.fail(st);  // the node would refuse it (bad_asset)
  return submit(s, *key, core::CreateAsset{d}, a.submit, [&s](const std::vector<std::string>& ids, const Json& server) {
    return print_created(s, ids, server, "asset");
  });
}

struct MintArgs {
  std::string key;
  std::string asset;
  std::string to;
  std::string amount;
  SubmitOptions submit;
};

int run_asset_mint(Session& s, const MintArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  auto asset = parse_id("--asset", a.asset);
  if (!asset) return s.fail(asset.status());
  auto to = codec::hex_decode_fixed<32>(a.to);
  if (!to) return s.fail(Status::invalid("bad_arguments", "--to (an account, 32-byte hex): " + to.status().message()));
  auto amount = parse_amount("--amount", a.amount);
  if (!amount) return s.fail(amount.status());
  if (amount->is_zero()) return s.fail(Status::invalid("bad_arguments", "--amount must be positive"));
  return submit(s, *key, core::Mint{*asset, *to, *amount}, a.submit,
                [&s](const std::vector<std::string>&, const Json& server) {
                  return s.print(string_or(server, "id", "committed"), server);
                });
}

int run_asset_get(Session& s, const std::string& id_text) {
  auto id = parse_id("asset id", id_text);
  if (!id) return s.fail(id.status());
  auto reply = s.get("/v1/assets/" + hex(*id));
  if (!reply) return s.fail(reply.status());
  std::string t;
  for (const char* field : {"id", "symbol", "name", "issuer", "supply", "max_supply"}) {
    t += std::string(field) + ": " + string_or(*reply, field, "?") + "\n";
  }
  t += "decimals: " + std::to_string(reply->value("decimals", 0)) + "\n";
  t += std::string("fixed supply: ") + (reply->value("fixed_supply", false) ? "yes" : "no");
  return s.print(t, *reply);
}

int run_balance(Session& s, const std::string& account_text, const std::string& asset_text) {
  auto account = codec::hex_decode_fixed<32>(account_text);
  if (!account) {
    return s.fail(Status::invalid("bad_arguments", "account (32-byte hex): " + account.status().message()));
  }
  std::string path = "/v1/accounts/" + hex(*account);
  if (!asset_text.empty()) {
    auto asset = parse_id("--asset", asset_text);
    if (!asset) return s.fail(asset.status());
    path += "?asset=" + hex(*asset);
  }
  auto reply = s.get(path);
  if (!reply) return s.fail(reply.status());
  return s.print(string_or(*reply, "balance", "?"), *reply);
}

// ---- distributions (on the node; `dist build/proof/verify/multiproof` are offline, in dist_commands.cc)

Result<core::AccountId> parse_account(const std::string& flag, const std::string& text) {
  auto a = codec::hex_decode_fixed<32>(text);
  if (!a) return Status::invalid("bad_arguments", flag + " (an account, 32-byte hex): " + a.status().message());
  return *a;
}

struct DistCreateArgs {
  std::string key;
  std::string asset;
  std::string total;
  std::string root;
  std::uint64_t claim_start = 0;
  std::uint64_t claim_end = 0;
  std::string schedule_file;
  std::vector<std::string> schemas;
  std::vector<std::string> attesters;
  std::vector<std::string> delegates;
  bool cancelable = false;
  bool clawback = false;
  SubmitOptions submit;
};

int run_dist_create(Session& s, const DistCreateArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  core::DistributionTerms t;
  if (!a.asset.empty()) {
    auto asset = parse_id("--asset", a.asset);
    if (!asset) return s.fail(asset.status());
    t.asset = *asset;
  }
  auto total = parse_amount("--total", a.total);
  if (!total) return s.fail(total.status());
  t.total = *total;
  auto root = parse_id("--root", a.root);
  if (!root) return s.fail(root.status());
  t.merkle_root = *root;
  t.claim_start = a.claim_start;
  t.claim_end = a.claim_end;
  if (!a.schedule_file.empty()) {
    auto json = read_json_file(a.schedule_file);
    if (!json) return s.fail(json.status());
    auto schedule = core::schedule_from_json(*json);
    if (!schedule) {
      return s.fail(Status::invalid(schedule.status().code(), a.schedule_file + ": " + schedule.status().message()));
    }
    t.schedule = std::move(*schedule);
  }
  for (const auto& text : a.schemas) {
    auto id = parse_id("--require-schema", text);
    if (!id) return s.fail(id.status());
    t.required_schemas.push_back(*id);
  }
  for (const auto& [list, texts, flag] : {std::tuple{&t.trusted_attesters, &a.attesters, "--trusted-attester"},
                                         std::tuple{&t.claim_delegates, &a.delegates, "--delegate"}}) {
    for (const auto& text : *texts) {
      auto account = parse_account(flag, text);
      if (!account) return s.fail(account.status());
      list->push_back(*account);
    }
  }
  t.cancelable = a.cancelable;
  t.clawback = a.clawback;
  if (Status st = t.validate(); !st.is_ok()) return s.fail(st);  // the node would refuse it (bad_distribution)
  return submit(s, *key, core::CreateDistribution{t}, a.submit,
                [&s](const std::vector<std::string>& ids, const Json& server) {
                  return print_created(s, ids, server, "distribution");
                });
}

struct DistClaimArgs {
  std::string key;
  std::string distribution;
  std::string claimant;  // default: the key's account
  std::string allocation;
  std::string tree;      // a standard-v1 dump with leaf encoding bytes32,uint256
  std::vector<std::string> proof;
  std::vector<std::string> attestations;
  SubmitOptions submit;
};

int run_dist_claim(Session& s, const DistClaimArgs& a) {
  auto key = read_account_key(a.key);
  if (!key) return s.fail(key.status());
  core::Claim c;
  auto d = parse_id("--distribution", a.distribution);
  if (!d) return s.fail(d.status());
  c.distribution = *d;
  c.claimant = account_secret(*key).public_key().bytes();
  if (!a.claimant.empty()) {
    auto claimant = parse_account("--claimant", a.claimant);
    if (!claimant) return s.fail(claimant.status());
    c.claimant = *claimant;
  }
  for (const auto& text : a.attestations) {
    auto id = parse_id("--attestation", text);
    if (!id) return s.fail(id.status());
    c.attestations.push_back(*id);
  }
  if (!a.tree.empty()) {
    if (!a.proof.empty() || !a.allocation.empty()) {
      return s.fail(Status::invalid("bad_arguments", "--tree finds the allocation and proof: drop --proof/--allocation"));
    }
    auto text = read_text_file(a.tree, interop::oz::kMaxDumpSize);
    if (!text) return s.fail(text.status());
    auto tree = interop::oz::load_standard_tree(*text);
    if (!tree) return s.fail(Status::invalid(tree.status().code(), a.tree + ": " + tree.status().message()));
    const auto& enc = tree->leaf_encoding();
    if (codec::canonical_type_list(enc) != "bytes32,uint256") {
      return s.fail(Status::invalid("bad_arguments", a.tree + ": a distribution tree has leaf encoding bytes32,uint256"));
    }
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < tree->size(); ++i) {
      const auto& value = tree->values()[i].value;
      if (value[0].kind() == codec::AbiValue::Kind::fixed_bytes &&
          std::equal(value[0].as_bytes().begin(), value[0].as_bytes().end(), c.claimant.begin(), c.claimant.end())) {
        found = i;
        break;
      }
    }
    if (!found) return s.fail(Status::invalid("not_in_tree", a.tree + " has no allocation for the claimant"));
    c.allocation = tree->values()[*found].value[1].as_word();
    auto proof = tree->proof(*found);
    if (!proof) return s.fail(proof.status());
    c.proof = std::move(*proof);
  } else {
    auto allocation = parse_amount("--allocation", a.allocation);
    if (!allocation) return s.fail(allocation.status());
    c.allocation = *allocation;
    for (const auto& text : a.proof) {
      auto node = parse_id("--proof", text);
      if (!node) return s.fail(node.status());
      c.proof.push_back(*node);
    }
  }
  return submit(s, *key, std::move(c), a.submit, [&s](const std::vector<std::string>&, const Json& server) {
    return s.print(string_or(server, "id", "committed"), server);
  });
}

int run_dist_admin(Session& s, const std::string& key_file, core::Body body, const SubmitOptions& options) {
  auto key = read_account_key(key_file);
  if (!key) return s.fail(key.status());
  return submit(s, *key, std::move(body), options, [&s](const std::vector<std::string>&, const Json& server) {
    return s.print(string_or(server, "id", "committed"), server);
  });
}

int run_dist_show(Session& s, const std::string& id_text, const std::string& claimant_text,
                  const std::string& allocation_text) {
  auto id = parse_id("distribution id", id_text);
  if (!id) return s.fail(id.status());
  if (claimant_text.empty()) {
    auto reply = s.get("/v1/distributions/" + hex(*id));
    if (!reply) return s.fail(reply.status());
    std::string t;
    for (const char* field : {"id", "distributor", "asset", "total", "escrow", "claimed", "returned", "merkle_root"}) {
      t += std::string(field) + ": " + string_or(*reply, field, "?") + "\n";
    }
    t += "claim window: " + std::to_string(reply->value("claim_start", 0)) + " .. " +
         std::to_string(reply->value("claim_end", 0)) + "\n";
    t += std::string("cancelable: ") + (reply->value("cancelable", false) ? "yes" : "no") +
         ", clawback: " + (reply->value("clawback", false) ? "yes" : "no") +
         ", canceled at: " + std::to_string(reply->value("canceled_at", 0)) +
         (reply->value("wiped", false) ? " (wiped)" : "");
    return s.print(t, *reply);
  }
  auto claimant = parse_account("--claimant", claimant_text);
  if (!claimant) return s.fail(claimant.status());
  std::string path = "/v1/distributions/" + hex(*id) + "/claims/" + hex(*claimant);
  if (!allocation_text.empty()) {
    auto allocation = parse_amount("--allocation", allocation_text);
    if (!allocation) return s.fail(allocation.status());
    path += "?allocation=" + allocation->to_decimal();
  }
  auto reply = s.get(path);
  if (!reply) return s.fail(reply.status());
  std::string t = "claimed: " + string_or(*reply, "claimed", "?");
  if (reply->contains("claimable")) {
    t += "\nvested: " + string_or(*reply, "vested", "?") + "\nclaimable: " + string_or(*reply, "claimable", "?");
  }
  return s.print(t, *reply);
}

int run_concentration(Session& s, const std::string& id_text, const std::string& threshold, std::uint64_t top,
                      std::optional<std::uint64_t> height) {
  auto id = parse_id("asset id", id_text);
  if (!id) return s.fail(id.status());
  auto reply = s.get("/v1/assets/" + hex(*id) + "/concentration?threshold=" + threshold + "&top=" + std::to_string(top) +
                     (height ? "&height=" + std::to_string(*height) : ""));
  if (!reply) return s.fail(reply.status());
  std::string t = "height: " + std::to_string(reply->value("height", 0)) +
                  "\nholders: " + std::to_string(reply->value("holders", 0)) + "\nheld: " + string_or(*reply, "held", "?");
  if (reply->contains("hhi")) {
    const auto num = [&](const char* k) { return std::to_string((*reply)[k].get<double>()); };
    t += "\ngini: " + num("gini") + "\nhhi: " + num("hhi") + "\nnakamoto(" + threshold +
         "): " + std::to_string((*reply)["nakamoto"].value("count", 0)) + "\ntop " + std::to_string(top) +
         " share: " + std::to_string((*reply)["top"].value("share", 0.0)) + "\nentropy (bits): " + num("entropy_bits");
  }
  return s.print(t, *reply);
}

// Text view of a record; with the schema, the data decoded to its ABI JSON view.
std::string record_text(const std::string& id, const core::AttestationRecord& rec,
                        const std::optional<core::Schema>& schema) {
  const core::Attestation& att = rec.attestation;
  const core::AttestationRequest& q = att.request;
  std::string t;
  t += "id: " + id + "\n";
  t += "schema: " + hex(q.schema) + (schema ? " (" + schema->name + ")" : "") + "\n";
  t += "attester: " + hex(att.attester) + "\n";
  std::string recipients;
  for (const auto& r : q.recipients) recipients += (recipients.empty() ? "" : ", ") + r.to_string();
  t += "recipients: " + recipients + "\n";
  t += "issued_at: " + std::to_string(att.issued_at) + "\n";
  t += "valid_until: " + (q.valid_until == 0 ? std::string("none") : std::to_string(q.valid_until)) + "\n";
  t += std::string("revocable: ") + (q.revocable ? "true" : "false") + "\n";
  if (rec.revoked_at != 0) {
    t += "revoked_at: " + std::to_string(rec.revoked_at) +
         (rec.revocation_reason.empty() ? "" : " (" + rec.revocation_reason + ")") + "\n";
  } else {
    t += "revoked_at: not revoked\n";
  }
  if (q.linked) t += "linked: " + hex(*q.linked) + "\n";
  if (!q.indexing_key.empty()) t += "indexing_key: " + q.indexing_key + "\n";
  if (!q.accreditation.empty()) {
    std::string chain;
    for (const auto& a : q.accreditation) chain += (chain.empty() ? "" : ", ") + hex(a);
    t += "accreditation: " + chain + "\n";
  }
  if (q.data.location == core::DataLocation::on_ledger) {
    std::string decoded;
    if (schema) {
      if (auto types = schema->field_types(); types) {
        if (auto values = codec::abi_decode(*types, q.data.data); values) {
          decoded = codec::dump_json(codec::abi_to_json(*types, *values));
        }
      }
    }
    t += "data: " + (decoded.empty() ? hex(q.data.data) : decoded + " (" + schema->fields + ")");
  } else {
    t += "data: off ledger, sha256 " + hex(q.data.data_hash) + " at " + q.data.uri;
  }
  return t;
}

int run_attestation_get(Session& s, const std::string& id_text) {
  auto id = parse_id("attestation id", id_text);
  if (!id) return s.fail(id.status());
  auto reply = s.get("/v1/attestations/" + hex(*id));
  if (!reply) return s.fail(reply.status());
  auto j = json_field(*reply, "record");
  if (!j) return s.fail(j.status());
  auto rec = from_node(core::record_from_json(**j), "record");
  if (!rec) return s.fail(rec.status());
  if (s.out().json) return s.print("", *reply);
  // The schema only makes the data readable; without it the data is shown as hex.
  std::optional<core::Schema> schema;
  if (auto fetched = fetch_schema(s, rec->attestation.request.schema); fetched) schema = std::move(*fetched);
  return s.print(record_text(hex(*id), *rec, schema), *reply);
}

struct ListArgs {
  std::string schema;
  std::string attester;
  std::string recipient;
  std::string indexing_key;
  bool valid_now = false;
  std::uint64_t time = 0;
  std::uint32_t limit = 0;
  std::string cursor;
};

int run_attestation_list(Session& s, const ListArgs& a, const CLI::App& cmd) {
  std::string query;
  auto add = [&query](const std::string& key, const std::string& value) {
    query += (query.empty() ? "?" : "&") + key + "=" + url_encode(value);
  };
  if (!a.schema.empty()) {
    auto id = parse_id("--schema", a.schema);
    if (!id) return s.fail(id.status());
    add("schema", hex(*id));
  }
  if (!a.attester.empty()) {
    auto id = codec::hex_decode_fixed<32>(a.attester);
    if (!id) return s.fail(Status::invalid(id.status().code(), "--attester (an account): " + id.status().message()));
    add("attester", hex(*id));
  }
  if (!a.recipient.empty()) {
    auto r = core::Recipient::parse(a.recipient);
    if (!r) return s.fail(r.status());
    add("recipient", r->to_string());
  }
  if (cmd.count("--indexing-key") > 0) add("indexing_key", a.indexing_key);
  if (a.valid_now) add("valid_now", "true");
  if (cmd.count("--time") > 0) add("time", std::to_string(a.time));
  if (cmd.count("--limit") > 0) add("limit", std::to_string(a.limit));
  if (!a.cursor.empty()) add("cursor", a.cursor);
  auto reply = s.get("/v1/attestations" + query);
  if (!reply) return s.fail(reply.status());
  auto list = json_field(*reply, "attestations");
  if (!list) return s.fail(list.status());
  if (!(*list)->is_array()) return s.fail(Status::error("bad_response", "attestations is not an array"));
  std::string text;
  for (const auto& item : **list) {
    auto id = json_string(item, "id");
    if (!id) return s.fail(id.status());
    auto rj = json_field(item, "record");
    if (!rj) return s.fail(rj.status());
    auto rec = from_node(core::record_from_json(**rj), "record");
    if (!rec) return s.fail(rec.status());
    std::string recipients;
    for (const auto& r : rec->attestation.request.recipients)
      recipients += (recipients.empty() ? "" : ",") + r.to_string();
    text += (text.empty() ? "" : "\n") + *id + " attester=" + hex(rec->attestation.attester) +
            " recipients=" + recipients + " issued_at=" + std::to_string(rec->attestation.issued_at);
    if (rec->attestation.request.valid_until != 0) {
      text += " valid_until=" + std::to_string(rec->attestation.request.valid_until);
    }
    if (rec->revoked_at != 0) text += " revoked_at=" + std::to_string(rec->revoked_at);
  }
  if (auto next = json_field(*reply, "next_cursor"); next && !(*next)->is_null()) {
    text += std::string(text.empty() ? "" : "\n") + "next_cursor " + (*next)->dump();
  }
  if (text.empty()) text = "(none)";
  return s.print(text, *reply);
}

// ---- transactions: status

int run_tx_status(Session& s, const std::string& id_text) {
  auto id = parse_id("transaction id", id_text);
  if (!id) return s.fail(id.status());
  auto reply = s.get("/v1/transactions/" + hex(*id));
  if (!reply) return s.fail(reply.status());
  auto status = json_string(*reply, "status");
  if (!status) return s.fail(status.status());
  std::string text = "status: " + *status;
  bool failed = *status == "rejected";
  if (auto h = json_u64(*reply, "height"); h) text += "\nheight: " + std::to_string(*h);
  if (auto i = json_u64(*reply, "index"); i) text += "\nindex: " + std::to_string(*i);
  if (auto receipt = json_field(*reply, "receipt"); receipt) {
    const std::string code = string_or(**receipt, "code", "?");
    const std::string message = string_or(**receipt, "message", "");
    text += "\nreceipt: " + code + (message.empty() ? "" : ": " + message);
    if (code != "ok") failed = true;
    if (auto created = json_field(**receipt, "created"); created && (*created)->is_array()) {
      for (const auto& c : **created) {
        if (c.is_string()) text += "\ncreated: " + c.get<std::string>();
      }
    }
  }
  s.print(text, *reply);
  // A transaction that will never take effect is a "no" answer, like an invalid verdict.
  return failed ? kExitInvalid : kExitOk;
}

// ---- verify ID

// Writes `text` to `path` (replacing it: proof files are public data, and re-running a command should work).
Status write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text << '\n';
    f.flush();
    if (!f) return Status::error("io_error", "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::error("io_error", "cannot write " + path + ": " + ec.message());
  return Status::ok();
}

// FILE.proof.json -> FILE.attestation.json; anything else -> FILE.attestation.json appended.
std::string attestation_path_for(const std::string& proof_path) {
  constexpr std::string_view kSuffix = ".proof.json";
  if (proof_path.size() > kSuffix.size() &&
      proof_path.compare(proof_path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return proof_path.substr(0, proof_path.size() - kSuffix.size()) + ".attestation.json";
  }
  return proof_path + ".attestation.json";
}

}  // namespace

void add_attestation_verify_options(CLI::App& cmd, AttestationVerifyArgs& a) {
  cmd.add_option("id", a.id, "attestation id: verify it on the node (--node) instead of a signature");
  cmd.add_option("--time", a.time, "with an ID: verification time (unix seconds; default: the node's clock)");
  cmd.add_option("--proof-out", a.proof_out,
                 "with an ID: write the proof bundle here, and the attestation record beside it, for "
                 "`credence attestation verify`");
  cmd.add_option("--attestation-out", a.attestation_out,
                 "with --proof-out: where to write the attestation record (default: FILE.proof.json -> "
                 "FILE.attestation.json)");
}

int run_attestation_verify(const Output& out, const NodeOptions& node, const AttestationVerifyArgs& a) {
  Session s(out, node);
  auto id = parse_id("attestation id", a.id);
  if (!id) return s.fail(id.status());
  if (!a.attestation_out.empty() && a.proof_out.empty()) {
    return s.fail(Status::invalid("bad_arguments", "--attestation-out goes with --proof-out"));
  }
  auto reply = s.get("/v1/verify/" + hex(*id) + (a.time ? "?time=" + std::to_string(*a.time) : ""));
  if (!reply) return s.fail(reply.status());
  auto verdict_json = json_field(*reply, "verdict");
  if (!verdict_json) return s.fail(verdict_json.status());
  auto valid = json_bool(**verdict_json, "valid");
  if (!valid) return s.fail(valid.status());
  std::vector<core::Reason> reasons;
  if (auto list = json_field(**verdict_json, "reasons"); list && (*list)->is_array()) {
    for (const auto& r : **list) {
      reasons.push_back({string_or(r, "code", "?"), string_or(r, "detail", "")});
    }
  }
  if (!*valid && reasons.empty()) reasons.push_back({"invalid", "the node gave no reason"});

  std::string files;
  if (!a.proof_out.empty()) {
    auto proof_json = json_field(*reply, "proof");
    if (!proof_json) return s.fail(proof_json.status());
    auto bundle = from_node(core::proof_bundle_from_json(**proof_json), "proof");
    if (!bundle) return s.fail(bundle.status());
    auto time = json_u64(*reply, "time");
    if (!time) return s.fail(time.status());
    auto root_text = json_string(*reply, "state_root");
    if (!root_text) return s.fail(root_text.status());
    auto root = codec::hex_decode_fixed<32>(*root_text);
    if (!root || *root != bundle->root) {
      return s.fail(Status::error("bad_response", "the proof bundle is not for the answer's state_root"));
    }
    // The record comes out of the bundle itself, so it is exactly what the proofs commit to at that root.
    auto view = core::ProofView::make(*bundle, *root);
    if (!view)
      return s.fail(Status::error("bad_response", "the node's proof does not check: " + view.status().to_string()));
    auto record = core::load_attestation(*view, *id);
    if (!record) {
      return s.fail(Status::error("bad_response", "the proof lacks the attestation: " + record.status().to_string()));
    }
    if (Status st = write_file(a.proof_out, core::to_json(*bundle).dump(2)); !st.is_ok()) return s.fail(st);
    files = "proof: " + a.proof_out;
    std::string att_path;
    if (*record) {
      att_path = a.attestation_out.empty() ? attestation_path_for(a.proof_out) : a.attestation_out;
      if (Status st = write_file(att_path, core::to_json(**record).dump(2)); !st.is_ok()) return s.fail(st);
      files += "\nattestation: " + att_path;
      files += "\noffline check: credence attestation verify --attestation " + att_path + " --proof " + a.proof_out +
               " --root " + *root_text + " --time " + std::to_string(*time);
    } else {
      files += "\n(no attestation file: the proof shows there is no attestation with this id)";
    }
  }

  if (out.json) {
    std::cout << codec::dump_json(*reply) << '\n';
  } else if (*valid) {
    std::cout << "valid\n";
  } else {
    std::string codes;
    for (const auto& r : reasons) codes += (codes.empty() ? "" : ", ") + r.code;
    std::cout << "invalid: " << codes << '\n';
    for (const auto& r : reasons) std::cout << "  " << r.code << (r.detail.empty() ? "" : ": " + r.detail) << '\n';
  }
  if (!out.json && !files.empty()) std::cout << files << '\n';
  return *valid ? kExitOk : kExitInvalid;
}

void register_node_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code) {
  auto session = [&out, &node] { return std::make_shared<Session>(out, node); };
  auto add_submit_flags = [](CLI::App* cmd, SubmitOptions& o) {
    cmd->add_flag("--no-wait", o.no_wait, "print the transaction id once admitted, without waiting for its block");
  };

  {
    auto* group = app.add_subcommand("node", "The node: status");
    group->require_subcommand(1);
    auto* cmd = group->add_subcommand("status", "Health of the node (GET /v1/health)");
    cmd->callback([&exit_code, session] {
      auto s = session();
      exit_code = run_node_status(*s);
    });
  }
  {
    auto* group = app.add_subcommand("schema", "Schemas on the node: register, get");
    group->require_subcommand(1);
    auto* reg = group->add_subcommand("register", "Register a schema; prints its id");
    auto a = std::make_shared<SchemaRegisterArgs>();
    reg->add_option("--key", a->key, "registrant's ed25519 key file")->required();
    reg->add_option("--name", a->name, "schema name (1..128 bytes)")->required();
    reg->add_option("--fields", a->fields, "ABI parameter list, e.g. \"uint256 score, string name\"")->required();
    reg->add_option("--description", a->description, "description (up to 1 KiB)");
    reg->add_flag("--irrevocable", a->irrevocable, "attestations under it can never be revoked");
    reg->add_option("--max-valid-for", a->max_valid_for, "maximum validity in seconds from issuance (0: unlimited)");
    reg->add_flag("--off-ledger", a->off_ledger, "attestations store the data's SHA-256 and a URI, not the data");
    reg->add_option("--policy", a->policy_file, "policy JSON file (docs/protocol.md \"Policies\")");
    add_submit_flags(reg, a->submit);
    reg->callback([&exit_code, session, a] { exit_code = run_schema_register(*session(), *a); });

    auto* get = group->add_subcommand("get", "Show a schema");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "schema id")->required();
    get->callback([&exit_code, session, id] { exit_code = run_schema_get(*session(), *id); });
  }
  {
    auto* cmd = app.add_subcommand("attest", "Issue an attestation; prints its id");
    auto a = std::make_shared<AttestArgs>();
    cmd->add_option("--key", a->key, "attester's ed25519 key file")->required();
    cmd->add_option("--schema", a->schema, "schema id")->required();
    cmd->add_option("--recipient", a->recipients, "recipient: account 0x+64 hex, EVM address, or external id (repeat)")
        ->required();
    cmd->add_option("--data-json", a->data_json, "the data as a JSON array, one value per schema field (docs/abi.md)");
    cmd->add_option("--data-hex", a->data_hex, "the data ABI-encoded, hex");
    cmd->add_option("--data-hash", a->data_hash, "off-ledger schema: SHA-256 of the ABI-encoded data");
    cmd->add_option("--uri", a->uri, "off-ledger schema: where the data is kept");
    cmd->add_option("--valid-until", a->valid_until, "expiry (unix seconds; default: none)");
    cmd->add_option("--indexing-key", a->indexing_key, "free text for indexers (up to 256 bytes)");
    cmd->add_option("--linked", a->linked, "id of a related attestation");
    cmd->add_flag("--irrevocable", a->irrevocable, "make it irrevocable (default: revocable if the schema is)");
    cmd->add_option("--accreditation", a->accreditation, "the attester's accreditation chain, nearest first (repeat)");
    add_submit_flags(cmd, a->submit);
    cmd->callback([&exit_code, session, a] { exit_code = run_attest(*session(), *a); });
  }
  {
    auto* cmd = app.add_subcommand("revoke", "Revoke an attestation; prints the transaction id");
    auto a = std::make_shared<RevokeArgs>();
    cmd->add_option("--key", a->key, "attester's ed25519 key file")->required();
    cmd->add_option("--id", a->id, "attestation id")->required();
    cmd->add_option("--reason", a->reason, "reason (up to 256 bytes)");
    add_submit_flags(cmd, a->submit);
    cmd->callback([&exit_code, session, a] { exit_code = run_revoke(*session(), *a); });
  }
  {
    auto* cmd = app.add_subcommand("transfer", "Transfer tokens (native unless --asset); prints the transaction id");
    auto a = std::make_shared<TransferArgs>();
    cmd->add_option("--key", a->key, "sender's ed25519 key file")->required();
    cmd->add_option("--to", a->to, "receiving account (0x + 64 hex)")->required();
    cmd->add_option("--amount", a->amount, "amount in the asset's smallest units (decimal, up to 2^256 - 1)")
        ->required();
    cmd->add_option("--asset", a->asset, "asset id (0x + 64 hex); default: the native token");
    add_submit_flags(cmd, a->submit);
    cmd->callback([&exit_code, session, a] { exit_code = run_transfer(*session(), *a); });
  }
  {
    auto* group = app.add_subcommand("asset", "Assets on the node: create, mint, get");
    group->require_subcommand(1);
    auto* create = group->add_subcommand("create", "Create an asset issued by the key's account; prints its id");
    auto c = std::make_shared<AssetCreateArgs>();
    create->add_option("--key", c->key, "issuer's ed25519 key file")->required();
    create->add_option("--symbol", c->symbol, "1..16 characters from A-Z a-z 0-9 - .")->required();
    create->add_option("--name", c->name, "name (up to 128 bytes)");
    create->add_option("--decimals", c->decimals, "display decimals (0..36)");
    create->add_option("--initial-supply", c->initial_supply, "credited to the issuer (decimal)")->required();
    create->add_option("--max-supply", c->max_supply, "cap for later minting (decimal); default: a fixed supply");
    add_submit_flags(create, c->submit);
    create->callback([&exit_code, session, c] { exit_code = run_asset_create(*session(), *c); });

    auto* mint = group->add_subcommand("mint", "Mint more of an asset (issuer only, up to its max supply)");
    auto m = std::make_shared<MintArgs>();
    mint->add_option("--key", m->key, "issuer's ed25519 key file")->required();
    mint->add_option("--asset", m->asset, "asset id (0x + 64 hex)")->required();
    mint->add_option("--to", m->to, "receiving account (0x + 64 hex)")->required();
    mint->add_option("--amount", m->amount, "amount (decimal)")->required();
    add_submit_flags(mint, m->submit);
    mint->callback([&exit_code, session, m] { exit_code = run_asset_mint(*session(), *m); });

    auto* get = group->add_subcommand("get", "Show an asset (0x00…00 is the native token)");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "asset id")->required();
    get->callback([&exit_code, session, id] { exit_code = run_asset_get(*session(), *id); });
  }
  {
    auto* group = app.get_subcommand("asset");
    auto* cmd = group->add_subcommand("concentration", "Gini, HHI, Nakamoto, top-k share and entropy of its holders");
    auto id = std::make_shared<std::string>();
    auto threshold = std::make_shared<std::string>("0.5");
    auto top = std::make_shared<std::uint64_t>(10);
    auto height = std::make_shared<std::optional<std::uint64_t>>();
    cmd->add_option("id", *id, "asset id")->required();
    cmd->add_option("--height", *height, "measure at this height (default: the head)");
    cmd->add_option("--threshold", *threshold, "Nakamoto threshold in (0, 1] (default 0.5)");
    cmd->add_option("--top", *top, "k of the top-k share (default 10)");
    cmd->callback([&exit_code, session, id, threshold, top, height] {
      exit_code = run_concentration(*session(), *id, *threshold, *top, *height);
    });
  }
  {
    auto* group = app.get_subcommand("dist");
    group->description("Merkle distributions: build/proof/verify/multiproof offline; create/claim/cancel/clawback/"
                       "disable/show on the node");
    auto* create = group->add_subcommand("create", "Create a distribution escrowing --total; prints its id");
    auto c = std::make_shared<DistCreateArgs>();
    create->add_option("--key", c->key, "distributor's ed25519 key file")->required();
    create->add_option("--asset", c->asset, "asset id (default: the native token)");
    create->add_option("--total", c->total, "amount escrowed now (decimal)")->required();
    create->add_option("--root", c->root, "Merkle root of (bytes32 claimant, uint256 allocation) leaves")->required();
    create->add_option("--claim-start", c->claim_start, "unix time claims open")->required();
    create->add_option("--claim-end", c->claim_end, "unix time claims close (default: never)");
    create->add_option("--schedule", c->schedule_file, "vesting schedule JSON file (docs/vesting.md)");
    create->add_option("--require-schema", c->schemas, "schema a claimant must hold a valid attestation of");
    create->add_option("--trusted-attester", c->attesters, "accepted attester of those attestations");
    create->add_option("--delegate", c->delegates, "account allowed to claim on claimants' behalf");
    create->add_flag("--cancelable", c->cancelable, "keep the power to cancel (can be given up later, never regained)");
    create->add_flag("--clawback", c->clawback, "keep the power to take back unclaimed tokens after --claim-end");
    add_submit_flags(create, c->submit);
    create->callback([&exit_code, session, c] { exit_code = run_dist_create(*session(), *c); });

    auto* claim = group->add_subcommand("claim", "Claim what has vested for a claimant (paid to the claimant)");
    auto k = std::make_shared<DistClaimArgs>();
    claim->add_option("--key", k->key, "claimant's (or a claim delegate's) ed25519 key file")->required();
    claim->add_option("--distribution", k->distribution, "distribution id")->required();
    claim->add_option("--claimant", k->claimant, "claimant account (default: the key's)");
    claim->add_option("--tree", k->tree, "the distribution's tree dump (finds allocation and proof)");
    claim->add_option("--allocation", k->allocation, "the claimant's allocation, without --tree");
    claim->add_option("--proof", k->proof, "proof nodes (0x…), without --tree")->delimiter(',');
    claim->add_option("--attestation", k->attestations, "eligibility attestation id (one per required schema)");
    add_submit_flags(claim, k->submit);
    claim->callback([&exit_code, session, k] { exit_code = run_dist_claim(*session(), *k); });

    struct AdminArgs {
      std::string key, distribution;
      bool wipe = false, cancel = false, clawback = false;
      SubmitOptions submit;
    };
    auto admin = std::make_shared<AdminArgs>();
    auto* cancel = group->add_subcommand("cancel", "Cancel: keep what vested claimable, or --wipe it all back");
    auto* claw = group->add_subcommand("clawback", "Take back the unclaimed escrow once claims have closed");
    auto* disable = group->add_subcommand("disable", "Give up --cancel and/or --clawback powers for good");
    for (CLI::App* cmd : {cancel, claw, disable}) {
      cmd->add_option("--key", admin->key, "distributor's ed25519 key file")->required();
      cmd->add_option("--distribution", admin->distribution, "distribution id")->required();
      add_submit_flags(cmd, admin->submit);
    }
    cancel->add_flag("--wipe", admin->wipe, "return the whole escrow now; nothing more can be claimed");
    disable->add_flag("--cancel", admin->cancel, "give up canceling");
    disable->add_flag("--clawback", admin->clawback, "give up clawback");
    const auto with_id = [&exit_code, session, admin](auto make) {
      return [&exit_code, session, admin, make] {
        auto s = session();
        auto id = parse_id("--distribution", admin->distribution);
        if (!id) {
          exit_code = s->fail(id.status());
          return;
        }
        exit_code = run_dist_admin(*s, admin->key, make(*id, *admin), admin->submit);
      };
    };
    cancel->callback(with_id([](const core::Id& id, const AdminArgs& x) {
      return core::Body(core::CancelDistribution{id, x.wipe});
    }));
    claw->callback(with_id([](const core::Id& id, const AdminArgs&) { return core::Body(core::Clawback{id}); }));
    disable->callback(with_id([](const core::Id& id, const AdminArgs& x) {
      return core::Body(core::DisableDistributionSwitches{id, x.cancel, x.clawback});
    }));

    auto* show = group->add_subcommand("show", "Show a distribution, or a claimant's claim with --claimant");
    auto id = std::make_shared<std::string>();
    auto claimant = std::make_shared<std::string>();
    auto allocation = std::make_shared<std::string>();
    show->add_option("id", *id, "distribution id")->required();
    show->add_option("--claimant", *claimant, "claimant account");
    show->add_option("--allocation", *allocation, "with --claimant: also show what has vested and is claimable");
    show->callback([&exit_code, session, id, claimant, allocation] {
      exit_code = run_dist_show(*session(), *id, *claimant, *allocation);
    });
  }
  {
    auto* cmd = app.add_subcommand("balance", "Balance of an account (native token unless --asset)");
    auto account = std::make_shared<std::string>();
    auto asset = std::make_shared<std::string>();
    cmd->add_option("account", *account, "account (0x + 64 hex)")->required();
    cmd->add_option("--asset", *asset, "asset id (0x + 64 hex)");
    cmd->callback([&exit_code, session, account, asset] { exit_code = run_balance(*session(), *account, *asset); });
  }
  {
    auto* group = app.get_subcommand("attestation");
    group->description("Attestations: get and list (on the node), verify (offline, with proofs)");
    auto* get = group->add_subcommand("get", "Show an attestation on the node (data decoded with its schema)");
    auto id = std::make_shared<std::string>();
    get->add_option("id", *id, "attestation id")->required();
    get->callback([&exit_code, session, id] { exit_code = run_attestation_get(*session(), *id); });

    auto* list = group->add_subcommand("list", "List attestations on the node, newest first");
    auto a = std::make_shared<ListArgs>();
    list->add_option("--schema", a->schema, "schema id");
    list->add_option("--attester", a->attester, "attester account");
    list->add_option("--recipient", a->recipient, "recipient");
    list->add_option("--indexing-key", a->indexing_key, "indexing key");
    list->add_flag("--valid-now", a->valid_now, "only attestations valid now (or at --time)");
    list->add_option("--time", a->time, "with --valid-now: the time (unix seconds)");
    list->add_option("--limit", a->limit, "page size, 1..1000 (default 50)");
    list->add_option("--cursor", a->cursor, "next_cursor of the previous page");
    list->callback([&exit_code, session, a, list] { exit_code = run_attestation_list(*session(), *a, *list); });
  }
  {
    auto* group = app.add_subcommand("tx", "Transactions on the node: status");
    group->require_subcommand(1);
    auto* cmd = group->add_subcommand("status", "Status and receipt of a transaction");
    auto id = std::make_shared<std::string>();
    cmd->add_option("id", *id, "transaction id")->required();
    cmd->callback([&exit_code, session, id] { exit_code = run_tx_status(*session(), *id); });
  }
}

}  // namespace credence::cli
