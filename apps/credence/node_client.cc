#include "node_client.h"

#include <httplib.h>

#include <exception>

namespace credence::cli {

namespace {

constexpr time_t kConnectTimeoutS = 5;
// Replies larger than this are refused (a verification answer with its proof is a few KiB).
constexpr std::size_t kMaxReplyBytes = codec::kMaxJsonSize;

Status bad_url(const std::string& url, const std::string& why) {
  return Status::invalid("bad_node_url", "\"" + url + "\": " + why + " (expected http://HOST:PORT)");
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status bad_field(const std::string& key, const std::string& why) {
  return Status::error("bad_response", "the node's answer has " + why + " field \"" + key + "\"");
}

}  // namespace

Result<NodeClient> NodeClient::make(const std::string& url) {
  std::string_view rest = url;
  std::string_view scheme;
  for (std::string_view s : {"http://", "https://"}) {
    if (rest.substr(0, s.size()) == s) {
      scheme = s;
      rest.remove_prefix(s.size());
    }
  }
  if (scheme.empty()) return bad_url(url, "the scheme must be http:// or https://");
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unclosed [");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(url, "unexpected text after the host");
      port = after.substr(1);
      if (port.empty()) return bad_url(url, "empty port");
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) return bad_url(url, "empty port");
  }
  if (host.empty()) return bad_url(url, "no host");
  for (char c : host) {
    if (c == '/' || c == '?' || c == '#' || c == '@' || c == ' ' || static_cast<unsigned char>(c) < 0x20) {
      return bad_url(url, "a path, query, user or space is not allowed");
    }
  }
  if (!port.empty()) {
    if (!is_digits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 ||
        std::stoul(std::string(port)) > 65535) {
      return bad_url(url, "the port must be 1..65535");
    }
  }
  return NodeClient(std::string(url.data(), url.size() - (url.back() == '/' ? 1 : 0)));
}

namespace {

Result<NodeReply> send(const std::string& base, httplib::Request& req, time_t read_timeout_s) {
  std::string body;
  bool too_large = false;
  req.content_receiver = [&body, &too_large](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
    if (body.size() + n > kMaxReplyBytes) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  };
  try {
    httplib::Client client(base);
    client.set_connection_timeout(kConnectTimeoutS);
    client.set_read_timeout(read_timeout_s);
    client.set_write_timeout(read_timeout_s);
    client.set_keep_alive(false);
    client.set_tcp_nodelay(true);  // headers and body are separate writes: do not hold the body for an ACK
    auto res = client.send(req);
    if (too_large) {
      return Status::error("bad_response",
                           base + req.path + ": answer larger than " + std::to_string(kMaxReplyBytes) + " bytes");
    }
    if (!res) {
      return Status::error("node_unreachable", "no answer from " + base + " (" + httplib::to_string(res.error()) +
                                                   "); is credenced running? (--node URL or $CREDENCE_NODE)");
    }
    NodeReply reply;
    reply.status = res->status;
    auto json = codec::parse_json(body);
    if (!json) {
      return Status::error("bad_response", req.method + " " + req.path + ": HTTP " + std::to_string(res->status) +
                                               " with a body that is not JSON");
    }
    reply.body = std::move(*json);
    return reply;
  } catch (const std::exception& e) {
    // cpp-httplib may throw (e.g. on a host it cannot resolve in some versions): a local failure, never a crash.
    return Status::error("node_unreachable", base + ": " + e.what());
  }
}

}  // namespace

Result<NodeReply> NodeClient::get(const std::string& target) const {
  httplib::Request req;
  req.method = "GET";
  req.path = target;
  req.headers.emplace("Accept", "application/json");
  return send(base_, req, 10);
}

Result<NodeReply> NodeClient::post_json(const std::string& target, const codec::Json& body, int read_timeout_s) const {
  httplib::Request req;
  req.method = "POST";
  req.path = target;
  req.headers.emplace("Accept", "application/json");
  req.headers.emplace("Content-Type", "application/json");
  req.body = codec::dump_json(body);
  return send(base_, req, read_timeout_s);
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<const codec::Json*> json_field(const codec::Json& object, const std::string& key) {
  if (!object.is_object()) return Status::error("bad_response", "the node's answer is not a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) return bad_field(key, "no");
  return &*it;
}

Result<std::string> json_string(const codec::Json& object, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, json_field(object, key));
  if (!v->is_string()) return bad_field(key, "a non-string");
  return v->get<std::string>();
}

Result<std::uint64_t> json_u64(const codec::Json& object, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, json_field(object, key));
  if (!v->is_number_unsigned()) return bad_field(key, "a non-integer");
  return v->get<std::uint64_t>();
}

Result<bool> json_bool(const codec::Json& object, const std::string& key) {
  CREDENCE_ASSIGN_OR_RETURN(const codec::Json* v, json_field(object, key));
  if (!v->is_boolean()) return bad_field(key, "a non-boolean");
  return v->get<bool>();
}

}  // namespace credence::cli
