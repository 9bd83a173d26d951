// credence vc issue | verify | export | status-list create | set | check: W3C Verifiable Credentials 2.0 secured with
// eddsa-jcs-2022 and Bitstring Status Lists (docs/vc.md, docs/cli.md "vc").
#include <charconv>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "credence/core/objects.h"
#include "credence/interop/did_key.h"
#include "credence/interop/jcs.h"
#include "credence/interop/status_list.h"
#include "credence/interop/vc.h"
#include "file_input.h"
#include "key_file.h"
#include "node_session.h"

namespace credence::cli {

namespace {

namespace vc = interop::vc;
namespace sl = interop::status_list;
using codec::Json;

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// A credential file: strict JSON (duplicate member names rejected, as the signature check needs).
Result<Json> read_credential_file(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  auto json = interop::jcs::parse(text);
  if (!json) return Status::invalid(json.status().code(), path + ": " + json.status().message());
  return json;
}

Status write_json_file(const std::string& path, const Json& json) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return Status::error("io_error", path + ": cannot open for writing");
  file << json.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
  file.close();
  if (!file) return Status::error("io_error", path + ": write failed");
  return Status::ok();
}

Result<crypto::ed25519::SecretKey> read_ed25519_key(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(KeyFile key, read_key_file_of_type(path, KeyType::ed25519, "eddsa-jcs-2022 proofs"));
  return crypto::ed25519::SecretKey::from_seed(std::get<crypto::ed25519::SecretKey>(key.key).seed());
}

// "1,5,9" -> {1, 5, 9}.
Result<std::vector<std::uint64_t>> parse_index_list(const std::string& text) {
  std::vector<std::uint64_t> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = std::string_view(text).substr(start, comma - start);
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size()) {
      return Status::invalid("bad_arguments", "--set: \"" + std::string(item) + "\" is not a status-list index");
    }
    out.push_back(v);
    start = comma + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// issue

struct IssueArgs {
  std::string key;
  std::string in;
  std::string out;
  std::optional<std::int64_t> created;
};

int run_issue(const Output& out, const IssueArgs& a) {
  auto key = read_ed25519_key(a.key);
  if (!key) return out.failure(key.status());
  auto credential = read_credential_file(a.in);
  if (!credential) return out.failure(credential.status());
  vc::IssueOptions options;
  options.created = a.created.value_or(now());
  auto signed_vc = vc::issue(std::move(*credential), *key, options);
  if (!signed_vc) return out.failure(Status::invalid(signed_vc.status().code(), a.in + ": " + signed_vc.status().message()));
  if (auto st = write_json_file(a.out, *signed_vc); !st.is_ok()) return out.failure(st);
  const std::string vm = (*signed_vc)["proof"]["verificationMethod"];
  return out.result(a.out, {{"out", a.out}, {"issuer", (*signed_vc)["issuer"]}, {"verificationMethod", vm}});
}

// ---------------------------------------------------------------------------------------------------------------
// verify

struct VerifyArgs {
  std::string in;
  std::vector<std::string> status_lists;
  std::optional<std::int64_t> time;
};

int run_verify(const Output& out, const VerifyArgs& a) {
  auto credential = read_credential_file(a.in);
  if (!credential) return out.failure(credential.status());
  vc::VerifyOptions options;
  options.now = a.time.value_or(now());
  for (const std::string& path : a.status_lists) {
    auto list = read_credential_file(path);
    if (!list) return out.failure(list.status());
    options.status_lists.push_back(std::move(*list));
  }
  const vc::Verdict verdict = vc::verify_credential(*credential, options);
  if (out.json) {
    Json j = {{"valid", verdict.valid()}};
    Json reasons = Json::array();
    for (const Status& s : verdict.problems) reasons.push_back({{"code", s.code()}, {"message", s.message()}});
    j["reasons"] = std::move(reasons);
    j["notes"] = verdict.notes;
    if (verdict.proof) j["verificationMethod"] = verdict.proof->verification_method;
    std::cout << codec::dump_json(j) << '\n';
  } else if (verdict.valid()) {
    std::cout << "valid\n";
    for (const std::string& note : verdict.notes) std::cerr << "note: " << note << '\n';
  } else {
    std::string codes;
    for (const Status& s : verdict.problems) codes += (codes.empty() ? "" : ", ") + s.code();
    std::cout << "invalid: " << codes << '\n';
    for (const Status& s : verdict.problems) std::cout << "  " << s.to_string() << '\n';
    for (const std::string& note : verdict.notes) std::cerr << "note: " << note << '\n';
  }
  return verdict.valid() ? kExitOk : kExitInvalid;
}

// ---------------------------------------------------------------------------------------------------------------
// export

struct ExportArgs {
  std::string key;
  std::string attestation;
  std::string schema;
  std::string out;
  std::string status_list;
  std::optional<std::uint64_t> status_index;
  std::string status_purpose = "revocation";
  std::optional<std::int64_t> created;
  bool from_node = false;
};

// The node's own export (GET /v1/attestations/{id}/credential): issued and signed by the node key, with the
// credentialStatus entry of its status list (docs/vc.md "Publishing from a node"). The proof is checked here, so a
// node answering garbage is caught before the file is written.
int run_export_from_node(const Output& out, const NodeOptions& node, const ExportArgs& a) {
  auto id = parse_id("--attestation", a.attestation);
  if (!id) return out.failure(id.status());
  Session session(out, node);
  auto credential = session.get("/v1/attestations/" + codec::hex_encode_0x(*id) + "/credential");
  if (!credential) return session.fail(credential.status());
  if (auto proof = vc::verify_proof(*credential, vc::did_key_resolver()); !proof) {
    return out.failure(Status::error("bad_response", "the node's credential does not verify: " +
                                                         proof.status().to_string()));
  }
  if (auto st = write_json_file(a.out, *credential); !st.is_ok()) return out.failure(st);
  const Json status = credential->value("credentialStatus", Json());
  return out.result(a.out, {{"out", a.out},
                            {"id", credential->value("id", Json())},
                            {"issuer", credential->value("issuer", Json())},
                            {"credential_status", status}});
}

int run_export(const Output& out, const ExportArgs& a) {
  auto key = read_ed25519_key(a.key);
  if (!key) return out.failure(key.status());
  auto att_json = read_json_file(a.attestation);
  if (!att_json) return out.failure(att_json.status());
  // An attestation, or a ledger record / off-ledger attestation around one.
  const Json* inner = &*att_json;
  if (att_json->is_object() && att_json->contains("attestation")) inner = &(*att_json)["attestation"];
  auto attestation = core::attestation_from_json(*inner);
  if (!attestation) {
    return out.failure(Status::invalid(attestation.status().code(), a.attestation + ": " + attestation.status().message()));
  }
  std::optional<core::Schema> schema;
  if (!a.schema.empty()) {
    auto schema_json = read_json_file(a.schema);
    if (!schema_json) return out.failure(schema_json.status());
    auto s = core::schema_from_json(*schema_json);
    if (!s) return out.failure(Status::invalid(s.status().code(), a.schema + ": " + s.status().message()));
    if (core::schema_id(*s) != attestation->request.schema) {
      return out.failure(Status::invalid("schema_mismatch", a.schema + " is not the attestation's schema"));
    }
    schema = std::move(*s);
  }
  vc::ExportOptions options;
  options.issuer = interop::did_key::did(key->public_key());
  if (!a.status_list.empty() != a.status_index.has_value()) {
    return out.failure(Status::invalid("usage", "--status-list and --status-index go together"));
  }
  if (!a.status_list.empty()) options.status = vc::StatusRef{a.status_list, *a.status_index, a.status_purpose};
  auto credential = vc::attestation_to_credential(*attestation, schema ? &*schema : nullptr, options);
  if (!credential) return out.failure(credential.status());
  vc::IssueOptions issue;
  issue.created = a.created.value_or(now());
  auto signed_vc = vc::issue(std::move(*credential), *key, issue);
  if (!signed_vc) return out.failure(signed_vc.status());
  if (auto st = write_json_file(a.out, *signed_vc); !st.is_ok()) return out.failure(st);
  return out.result(a.out, {{"out", a.out}, {"id", (*signed_vc)["id"]}, {"issuer", (*signed_vc)["issuer"]}});
}

// ---------------------------------------------------------------------------------------------------------------
// status-list

struct ListCreateArgs {
  std::string key;
  std::string url;
  std::string out;
  std::string purpose = "revocation";
  std::size_t entries = sl::kMinEntries;
  std::string set;
  std::optional<std::int64_t> valid_from;
  std::optional<std::int64_t> valid_until;
};

int run_list_create(const Output& out, const ListCreateArgs& a) {
  auto key = read_ed25519_key(a.key);
  if (!key) return out.failure(key.status());
  auto purpose = sl::parse_purpose(a.purpose);
  if (!purpose) return out.failure(purpose.status());
  auto indices = parse_index_list(a.set);
  if (!indices) return out.failure(indices.status());
  sl::CredentialSpec spec;
  spec.id = a.url;
  spec.purpose = *purpose;
  spec.entries = a.entries;
  spec.valid_from = a.valid_from.value_or(now());
  spec.valid_until = a.valid_until;
  auto credential = sl::make_credential(spec, *indices, *key);
  if (!credential) return out.failure(credential.status());
  if (auto st = write_json_file(a.out, *credential); !st.is_ok()) return out.failure(st);
  return out.result(a.out, {{"out", a.out}, {"id", a.url}, {"entries", a.entries}, {"set", indices->size()}});
}

struct ListSetArgs {
  std::string key;
  std::string list;
  std::string out;
  std::uint64_t index = 0;
  bool clear = false;
  std::optional<std::int64_t> valid_from;
};

// Reads a status-list credential the caller will re-sign: it must verify and be the key's own.
Result<sl::ListView> read_own_list(const std::string& path, const crypto::ed25519::SecretKey& key) {
  CREDENCE_ASSIGN_OR_RETURN(const Json credential, read_credential_file(path));
  auto view = sl::read_credential(credential);
  if (!view) return Status::invalid(view.status().code(), path + ": " + view.status().message());
  vc::VerifyOptions options;  // no time: an expired list may be renewed
  options.now.reset();
  const vc::Verdict verdict = vc::verify_credential(credential, options);
  if (!verdict.valid()) {
    return Status::invalid(verdict.problems[0].code(), path + ": " + verdict.problems[0].message());
  }
  if (verdict.proof->key != key.public_key()) {
    return Status::invalid("issuer_mismatch", path + " was signed by another key than --key");
  }
  if (view->purposes.size() != 1) {
    return Status::invalid("status_list_invalid", path + ": a multi-purpose list cannot be updated by this command");
  }
  return view;
}

int run_list_set(const Output& out, const ListSetArgs& a) {
  auto key = read_ed25519_key(a.key);
  if (!key) return out.failure(key.status());
  auto view = read_own_list(a.list, *key);
  if (!view) return out.failure(view.status());
  if (a.index >= view->list.size()) {
    return out.failure(Status::invalid("status_index_out_of_range", "--index " + std::to_string(a.index) +
                                                                        " is past the list's " +
                                                                        std::to_string(view->list.size()) + " entries"));
  }
  auto purpose = sl::parse_purpose(view->purposes[0]);
  if (!purpose) return out.failure(purpose.status());
  view->list.set(static_cast<std::size_t>(a.index), !a.clear);
  sl::CredentialSpec spec;
  spec.id = view->id;
  spec.purpose = *purpose;
  spec.valid_from = a.valid_from.value_or(now());
  auto credential = sl::unsigned_credential(spec, view->list);
  if (!credential) return out.failure(credential.status());
  vc::IssueOptions issue;
  issue.created = spec.valid_from;
  auto signed_list = vc::issue(std::move(*credential), *key, issue);
  if (!signed_list) return out.failure(signed_list.status());
  const std::string& dest = a.out.empty() ? a.list : a.out;
  if (auto st = write_json_file(dest, *signed_list); !st.is_ok()) return out.failure(st);
  return out.result(dest, {{"out", dest}, {"index", a.index}, {"status", a.clear ? 0 : 1}});
}

struct ListCheckArgs {
  std::string list;
  std::uint64_t index = 0;
  unsigned status_size = 1;
};

int run_list_check(const Output& out, const ListCheckArgs& a) {
  auto credential = read_credential_file(a.list);
  if (!credential) return out.failure(credential.status());
  auto view = sl::read_credential(*credential);
  if (!view) return out.failure(Status::invalid(view.status().code(), a.list + ": " + view.status().message()));
  vc::VerifyOptions options;
  options.now = now();
  const vc::Verdict verdict = vc::verify_credential(*credential, options);
  if (!verdict.valid()) {
    return out.failure(Status::invalid("status_list_invalid", a.list + ": " + verdict.problems[0].to_string()));
  }
  auto status = view->list.status(a.index, a.status_size);
  if (!status) return out.failure(status.status());
  std::string purposes;
  for (const auto& p : view->purposes) purposes += (purposes.empty() ? "" : ",") + p;
  return out.result(std::to_string(*status) + (*status != 0 ? " (" + purposes + ")" : ""),
                    {{"index", a.index}, {"status", *status}, {"purposes", view->purposes}, {"id", view->id}});
}

struct ListFetchArgs {
  std::optional<std::uint64_t> list;
  std::string url;
  std::string out;
};

// Splits "http(s)://HOST[:PORT]/PATH" into the node base URL and the request target.
Result<std::pair<std::string, std::string>> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (slash == std::string::npos) {
    return Status::invalid("bad_arguments", "--url \"" + url + "\": expected http(s)://HOST[:PORT]/PATH");
  }
  return std::make_pair(url.substr(0, slash), url.substr(slash));
}

int run_list_fetch(const Output& out, const NodeOptions& node, const ListFetchArgs& a) {
  NodeOptions where = node;
  std::string target = a.list ? "/v1/status-lists/" + std::to_string(*a.list) : "";
  if (!a.list) {
    auto split = split_url(a.url);
    if (!split) return out.failure(split.status());
    where.url = split->first;
    target = split->second;
  }
  Session session(out, where);
  auto credential = session.get(target);
  if (!credential) return session.fail(credential.status());
  // What was fetched must be a status list whose id is the URL asked for (vc verify matches lists by id).
  auto view = sl::read_credential(*credential);
  if (!view) return out.failure(Status::error("bad_response", target + ": " + view.status().to_string()));
  if (auto st = write_json_file(a.out, *credential); !st.is_ok()) return out.failure(st);
  return out.result(a.out, {{"out", a.out}, {"id", view->id}, {"entries", view->list.size()}});
}

}  // namespace

void register_vc_commands(CLI::App& app, const Output& out, const NodeOptions& node, int& exit_code) {
  auto* group = app.add_subcommand("vc", "W3C Verifiable Credentials 2.0 (eddsa-jcs-2022) and Bitstring Status Lists");
  group->require_subcommand(1);
  {
    auto* cmd = group->add_subcommand("issue", "Sign an unsigned credential with eddsa-jcs-2022 (issuer: the key's did:key)");
    auto a = std::make_shared<IssueArgs>();
    cmd->add_option("--key", a->key, "ed25519 key file (credence keygen --type ed25519)")->required();
    cmd->add_option("--in", a->in, "unsigned credential JSON")->required();
    cmd->add_option("--out", a->out, "where to write the signed credential (replaced if it exists)")->required();
    cmd->add_option("--created", a->created, "the proof's created time (unix seconds; default: now)");
    cmd->callback([&out, &exit_code, a] { exit_code = run_issue(out, *a); });
  }
  {
    auto* cmd = group->add_subcommand(
        "verify", "Verify a credential: proof, issuer, validity period, status lists: valid (exit 0) or invalid (exit 1)");
    auto a = std::make_shared<VerifyArgs>();
    cmd->add_option("--in", a->in, "signed credential JSON")->required();
    cmd->add_option("--status-list", a->status_lists,
                    "a BitstringStatusListCredential file for the credential's credentialStatus (repeatable)");
    cmd->add_option("--time", a->time, "verification time (unix seconds; default: now)");
    cmd->callback([&out, &exit_code, a] { exit_code = run_verify(out, *a); });
  }
  {
    auto* cmd = group->add_subcommand("export", "Export a Credence attestation as a signed VC 2.0 credential");
    auto a = std::make_shared<ExportArgs>();
    auto* key = cmd->add_option("--key", a->key, "ed25519 key file of the exporter (the credential's issuer)");
    cmd->add_option("--attestation", a->attestation,
                    "attestation JSON (an attestation or a ledger record); with --from-node, its id")
        ->required();
    auto* schema = cmd->add_option("--schema", a->schema, "schema JSON: decode the data into named fields");
    cmd->add_option("--out", a->out, "where to write the credential")->required();
    auto* list =
        cmd->add_option("--status-list", a->status_list, "URL of the status-list credential for credentialStatus");
    auto* index = cmd->add_option("--status-index", a->status_index, "the attestation's index in that list");
    auto* purpose =
        cmd->add_option("--status-purpose", a->status_purpose, "revocation or suspension")->capture_default_str();
    auto* created = cmd->add_option("--created", a->created, "the proof's created time (unix seconds; default: now)");
    auto* from_node = cmd->add_flag("--from-node", a->from_node,
                                    "fetch the node's export (--node URL): issued by the node key, with the "
                                    "credentialStatus of the node's status list");
    for (auto* local_only : {key, schema, list, index, purpose, created}) from_node->excludes(local_only);
    cmd->callback([&out, &node, &exit_code, a, key] {
      if (a->from_node) {
        exit_code = run_export_from_node(out, node, *a);
      } else if (key->count() == 0) {
        exit_code = out.failure(Status::invalid("usage", "vc export needs --key FILE (or --from-node)"));
      } else {
        exit_code = run_export(out, *a);
      }
    });
  }
  auto* lists = group->add_subcommand("status-list", "Bitstring Status List credentials: create, set, check, fetch");
  lists->require_subcommand(1);
  {
    auto* cmd = lists->add_subcommand("create", "Create and sign a BitstringStatusListCredential");
    auto a = std::make_shared<ListCreateArgs>();
    cmd->add_option("--key", a->key, "ed25519 key file (the list's issuer)")->required();
    cmd->add_option("--url", a->url, "the URL the list is published at (its id)")->required();
    cmd->add_option("--out", a->out, "where to write the list credential")->required();
    cmd->add_option("--purpose", a->purpose, "revocation, suspension, refresh or message")->capture_default_str();
    cmd->add_option("--entries", a->entries, "list length (at least 131072)")->capture_default_str();
    cmd->add_option("--set", a->set, "comma-separated indices to set (revoked / suspended)");
    cmd->add_option("--valid-from", a->valid_from, "unix seconds (default: now)");
    cmd->add_option("--valid-until", a->valid_until, "unix seconds (default: none)");
    cmd->callback([&out, &exit_code, a] { exit_code = run_list_create(out, *a); });
  }
  {
    auto* cmd = lists->add_subcommand("set", "Set (or --clear) one entry of a list and re-sign it");
    auto a = std::make_shared<ListSetArgs>();
    cmd->add_option("--key", a->key, "the list issuer's ed25519 key file")->required();
    cmd->add_option("--list", a->list, "status-list credential file")->required();
    cmd->add_option("--index", a->index, "entry index")->required();
    cmd->add_flag("--clear", a->clear, "clear the entry instead (e.g. lift a suspension)");
    cmd->add_option("--out", a->out, "where to write the new list (default: replace --list)");
    cmd->add_option("--valid-from", a->valid_from, "unix seconds (default: now)");
    cmd->callback([&out, &exit_code, a] { exit_code = run_list_set(out, *a); });
  }
  {
    auto* cmd = lists->add_subcommand("check", "Print the status of one entry of a (verified) status-list credential");
    auto a = std::make_shared<ListCheckArgs>();
    cmd->add_option("--list", a->list, "status-list credential file")->required();
    cmd->add_option("--index", a->index, "entry index")->required();
    cmd->add_option("--status-size", a->status_size, "bits per entry (1-8)")->capture_default_str();
    cmd->callback([&out, &exit_code, a] { exit_code = run_list_check(out, *a); });
  }
  {
    auto* cmd = lists->add_subcommand("fetch", "Download a node's status-list credential (GET /v1/status-lists/N)");
    auto a = std::make_shared<ListFetchArgs>();
    auto* list = cmd->add_option("--list", a->list, "the list number on --node URL");
    auto* url = cmd->add_option("--url", a->url, "the list's URL (a credential's statusListCredential)");
    list->excludes(url);
    cmd->add_option("--out", a->out, "where to write the list credential")->required();
    cmd->callback([&out, &exit_code, &node, a, list, url] {
      if (list->count() + url->count() == 0) {
        exit_code = out.failure(Status::invalid("usage", "status-list fetch needs --list N or --url URL"));
        return;
      }
      exit_code = run_list_fetch(out, node, *a);
    });
  }
}

}  // namespace credence::cli
