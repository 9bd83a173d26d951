#include "credence/interop/jws.h"

#include "credence/codec/base64url.h"

namespace credence::interop::jws {

namespace {

namespace ed = crypto::ed25519;
namespace p256 = crypto::p256;

Status bad_jwk(const std::string& why) { return Status::invalid("bad_jwk", why); }

// A base64url member of a JWK that must decode to exactly N bytes.
template <std::size_t N>
Result<FixedBytes<N>> jwk_bytes(const codec::Json& jwk, const char* member) {
  auto it = jwk.find(member);
  if (it == jwk.end() || !it->is_string()) return bad_jwk(std::string("\"") + member + "\" must be a string");
  auto bytes = codec::base64url_decode(it->get_ref<const std::string&>());
  if (!bytes) return bad_jwk(std::string("\"") + member + "\": " + bytes.status().to_string());
  if (bytes->size() != N) {
    return bad_jwk(std::string("\"") + member + "\" must be " + std::to_string(N) + " bytes, got " +
                   std::to_string(bytes->size()));
  }
  FixedBytes<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = (*bytes)[i];
  return out;
}

std::string string_member(const codec::Json& object, const char* member) {
  auto it = object.find(member);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const char* algorithm_name(Algorithm alg) { return alg == Algorithm::eddsa ? "EdDSA" : "ES256"; }

Result<Algorithm> parse_algorithm(std::string_view name) {
  if (name == "EdDSA") return Algorithm::eddsa;
  if (name == "ES256") return Algorithm::es256;
  if (name == "none") return Status::invalid("alg_none", "unsecured JWS (alg \"none\") is never accepted");
  return Status::invalid("unsupported_alg", "alg \"" + std::string(name) + "\" is not supported (EdDSA, ES256)");
}

Algorithm key_algorithm(const VerifyingKey& key) {
  return std::holds_alternative<ed::PublicKey>(key) ? Algorithm::eddsa : Algorithm::es256;
}

codec::Json to_jwk(const VerifyingKey& key) {
  if (const auto* e = std::get_if<ed::PublicKey>(&key)) {
    return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", codec::base64url_encode(e->bytes())}};
  }
  const auto& p = std::get<p256::PublicKey>(key);
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", codec::base64url_encode(p.x())},
          {"y", codec::base64url_encode(p.y())}};
}

Result<VerifyingKey> parse_jwk(const codec::Json& jwk) {
  if (!jwk.is_object()) return bad_jwk("a JWK must be a JSON object");
  if (jwk.contains("d")) return bad_jwk("the JWK carries a private key (\"d\"); give the public key only");
  const std::string kty = string_member(jwk, "kty");
  const std::string crv = string_member(jwk, "crv");
  if (kty == "OKP") {
    if (crv != "Ed25519") return bad_jwk("OKP key with unsupported crv \"" + crv + "\" (Ed25519)");
    CREDENCE_ASSIGN_OR_RETURN(auto x, jwk_bytes<32>(jwk, "x"));
    CREDENCE_ASSIGN_OR_RETURN(auto key, ed::PublicKey::parse(x));
    return VerifyingKey(key);
  }
  if (kty == "EC") {
    if (crv != "P-256") return bad_jwk("EC key with unsupported crv \"" + crv + "\" (P-256)");
    CREDENCE_ASSIGN_OR_RETURN(auto x, jwk_bytes<32>(jwk, "x"));
    CREDENCE_ASSIGN_OR_RETURN(auto y, jwk_bytes<32>(jwk, "y"));
    CREDENCE_ASSIGN_OR_RETURN(auto key, p256::PublicKey::from_coordinates(x, y));
    return VerifyingKey(key);
  }
  return bad_jwk("unsupported kty \"" + kty + "\" (OKP, EC)");
}

Algorithm Signer::algorithm() const {
  return std::holds_alternative<const ed::SecretKey*>(key_) ? Algorithm::eddsa : Algorithm::es256;
}

VerifyingKey Signer::public_key() const {
  if (const auto* e = std::get_if<const ed::SecretKey*>(&key_)) return (*e)->public_key();
  return std::get<const p256::PrivateKey*>(key_)->public_key();
}

Bytes Signer::sign(ByteView signing_input) const {
  if (const auto* e = std::get_if<const ed::SecretKey*>(&key_)) {
    const auto sig = (*e)->sign(signing_input);
    return Bytes(sig.begin(), sig.end());
  }
  const auto sig = std::get<const p256::PrivateKey*>(key_)->sign(signing_input);
  return Bytes(sig.begin(), sig.end());
}

Result<Compact> parse_compact(std::string_view text) {
  const auto first = text.find('.');
  const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) {
    return Status::invalid("bad_jws", "a compact JWS has exactly three '.'-separated parts");
  }
  Compact jws;
  jws.header_b64 = std::string(text.substr(0, first));
  jws.payload_b64 = std::string(text.substr(first + 1, second - first - 1));
  const std::string_view signature_b64 = text.substr(second + 1);
  if (jws.header_b64.empty()) return Status::invalid("bad_jws", "empty JWS header");
  if (signature_b64.empty()) return Status::invalid("bad_jws", "empty signature (unsecured JWS)");

  auto header_bytes = codec::base64url_decode(jws.header_b64);
  if (!header_bytes) return header_bytes.status().with_context("JWS header");
  auto header = codec::parse_json(std::string_view(reinterpret_cast<const char*>(header_bytes->data()),  // NOLINT
                                                   header_bytes->size()));
  if (!header) return Status::invalid("bad_jws_header", "header is not JSON: " + header.status().to_string());
  if (!header->is_object()) return Status::invalid("bad_jws_header", "header is not a JSON object");
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Status::invalid("bad_jws_header", "no string \"alg\"");
  CREDENCE_ASSIGN_OR_RETURN(jws.alg, parse_algorithm(alg->get_ref<const std::string&>()));
  if (header->contains("crit")) {
    return Status::invalid("bad_jws_header", "\"crit\" names extensions this verifier does not understand");
  }
  jws.header = std::move(*header);

  auto payload = codec::base64url_decode(jws.payload_b64);
  if (!payload) return payload.status().with_context("JWS payload");
  jws.payload = std::move(*payload);
  auto signature = codec::base64url_decode(signature_b64);
  if (!signature) return signature.status().with_context("JWS signature");
  if (signature->size() != 64) {
    return Status::invalid("bad_signature_length",
                           std::string(algorithm_name(jws.alg)) + " signatures are 64 bytes, got " +
                               std::to_string(signature->size()));
  }
  jws.signature = std::move(*signature);
  return jws;
}

Result<codec::Json> payload_json(const Compact& jws) {
  auto json = codec::parse_json(
      std::string_view(reinterpret_cast<const char*>(jws.payload.data()), jws.payload.size()));  // NOLINT
  if (!json) return Status::invalid("bad_jwt_payload", "payload is not JSON: " + json.status().to_string());
  if (!json->is_object()) return Status::invalid("bad_jwt_payload", "payload is not a JSON object");
  return json;
}

Status verify(const Compact& jws, const VerifyingKey& key) {
  if (jws.alg != key_algorithm(key)) {
    return Status::invalid("alg_key_mismatch", std::string("header alg ") + algorithm_name(jws.alg) +
                                                   " but the key is for " + algorithm_name(key_algorithm(key)));
  }
  const std::string input = jws.signing_input();
  const FixedView<64> sig(jws.signature.data(), 64);
  if (const auto* e = std::get_if<ed::PublicKey>(&key)) return ed::verify(*e, as_bytes(input), sig);
  return p256::verify(std::get<p256::PublicKey>(key), as_bytes(input), sig);
}

std::string sign_compact_bytes(codec::Json header, ByteView payload, const Signer& signer) {
  header["alg"] = algorithm_name(signer.algorithm());
  std::string out = codec::base64url_encode(as_bytes(codec::dump_json(header)));
  out += '.';
  out += codec::base64url_encode(payload);
  const Bytes sig = signer.sign(as_bytes(out));
  out += '.';
  out += codec::base64url_encode(sig);
  return out;
}

std::string sign_compact(codec::Json header, const codec::Json& payload, const Signer& signer) {
  return sign_compact_bytes(std::move(header), as_bytes(codec::dump_json(payload)), signer);
}

}  // namespace credence::interop::jws
