#include "node_session.h"

#include <iostream>
#include <utility>

#include "credence/codec/hex.h"

namespace credence::cli {

using codec::Json;
namespace ed = crypto::ed25519;

// The exit code of a node's error answer.
int exit_for_http_status(int status) {
  switch (status) {
    case 409:  // duplicate, stale_nonce
    case 422:  // well-formed but refused (bad signature, rejected from its block, …)
    case 429:  // this account's mempool share is full
      return kExitInvalid;
    default:
      return status >= 400 && status < 500 ? kExitUsage : kExitLocal;
  }
}

Result<Json> Session::get(const std::string& target) {
  CREDENCE_ASSIGN_OR_RETURN(auto client, NodeClient::make(url_));
  return finish(client.get(target));
}

Result<NodeReply> Session::post_reply(const std::string& target, const Json& body, int read_timeout_s) {
  CREDENCE_ASSIGN_OR_RETURN(auto client, NodeClient::make(url_));
  CREDENCE_ASSIGN_OR_RETURN(auto reply, client.post_json(target, body, read_timeout_s));
  if (!reply.ok()) return http_failure(reply);
  return reply;
}

int Session::fail(const Status& status) {
  if (http_error_ && http_error_->status == status) {
    if (out_.json) {
      std::cout << codec::dump_json(http_error_->body) << '\n';
    } else {
      std::cerr << "error: " << status.to_string() << '\n';
    }
    return exit_for_http_status(http_error_->http_status);
  }
  return out_.failure(status);
}

Result<Json> Session::finish(Result<NodeReply> reply) {
  if (!reply) return reply.status();
  if (!reply->ok()) return http_failure(*reply);
  return std::move(reply->body);
}

Status Session::http_failure(const NodeReply& reply) {
  std::string code = "http_" + std::to_string(reply.status);
  std::string message = "the node answered HTTP " + std::to_string(reply.status);
  if (auto e = json_field(reply.body, "error"); e) {
    if (auto c = json_string(**e, "code"); c) code = *c;
    if (auto m = json_string(**e, "message"); m) message = *m;
  }
  Status status = reply.status >= 500 ? Status::error(code, message) : Status::invalid(code, message);
  http_error_ = HttpError{status, reply.status, reply.body};
  return status;
}

Result<core::Id> parse_id(const std::string& what, const std::string& text) {
  auto id = codec::hex_decode_fixed<32>(text);
  if (!id) return Status::invalid(id.status().code(), what + " \"" + text + "\": " + id.status().message());
  return id;
}

Result<KeyFile> read_account_key(const std::string& path) {
  return read_key_file_of_type(path, KeyType::ed25519, "accounts", "bad_key_file");
}

const ed::SecretKey& account_secret(const KeyFile& key) {
  return std::get<ed::SecretKey>(key.key);
}

int submit(Session& s, const KeyFile& key, core::Body body, const SubmitOptions& options,
           const std::function<int(const std::vector<std::string>&, const Json&)>& on_ok) {
  const ed::SecretKey& sk = account_secret(key);
  auto health = s.get("/v1/health");
  if (!health) return s.fail(health.status());
  auto chain_id = json_u64(*health, "chain_id");
  if (!chain_id) return s.fail(chain_id.status());
  auto now = json_u64(*health, "time");
  if (!now) return s.fail(now.status());
  auto account = s.get("/v1/accounts/" + codec::hex_encode_0x(sk.public_key().bytes()));
  if (!account) return s.fail(account.status());
  auto nonce = json_u64(*account, "nonce");
  if (!nonce) return s.fail(nonce.status());

  core::Transaction tx;
  tx.chain_id = *chain_id;
  tx.author = sk.public_key().bytes();
  tx.nonce = *nonce;
  tx.expires_at = *now + kExpirySeconds;
  tx.body = std::move(body);
  const std::string tx_id = codec::hex_encode_0x(core::transaction_id(tx));
  const core::SignedTransaction stx = core::sign_transaction(std::move(tx), sk);

  const std::string target = options.no_wait ? "/v1/transactions" : "/v1/transactions?wait=" + std::to_string(kWaitMs);
  auto reply = s.post_reply(target, core::to_json(stx), kWaitMs / 1000 + 30);
  if (!reply) return s.fail(reply.status());
  if (options.no_wait) return s.print(tx_id, reply->body);
  auto status = json_string(reply->body, "status");
  if (!status) return s.fail(status.status());
  if (*status != "committed") {
    // Still pending when the wait ran out: the transaction may yet be committed.
    return s.fail(Status::error("pending", "transaction " + tx_id + " not committed after " +
                                               std::to_string(kWaitMs / 1000) + " s; check: credence tx status " +
                                               tx_id));
  }
  auto receipt = json_field(reply->body, "receipt");
  if (!receipt) return s.fail(receipt.status());
  auto code = json_string(**receipt, "code");
  if (!code) return s.fail(code.status());
  if (*code != "ok") {
    // Included but failed: the nonce is consumed and nothing else changed (docs/protocol.md "Applying").
    auto message = json_string(**receipt, "message");
    if (s.out().json) {
      std::cout << codec::dump_json(reply->body) << '\n';
    } else {
      std::cerr << "error: " << *code << ": " << (message ? *message : "") << " (transaction " << tx_id << ")\n";
    }
    return kExitInvalid;
  }
  auto created = json_field(**receipt, "created");
  if (!created) return s.fail(created.status());
  std::vector<std::string> ids;
  if ((*created)->is_array()) {
    for (const auto& c : **created) {
      if (c.is_string()) ids.push_back(c.get<std::string>());
    }
  }
  return on_ok(ids, reply->body);
}

}  // namespace credence::cli
