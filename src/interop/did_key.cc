#include "credence/interop/did_key.h"

#include <algorithm>

#include "credence/codec/multibase.h"
#include "credence/crypto/memory.h"

namespace credence::interop::did_key {

namespace {

using crypto::ed25519::PublicKey;
using crypto::ed25519::SecretKey;

constexpr std::uint8_t kEd25519Pub[2] = {0xed, 0x01};   // multicodec ed25519-pub, varint
constexpr std::uint8_t kEd25519Priv[2] = {0x80, 0x26};  // multicodec ed25519-priv, varint
constexpr std::string_view kDidKeyPrefix = "did:key:";

// Decodes a base58btc multibase string carrying a two-byte multicodec prefix and 32 bytes of key.
Result<FixedBytes<32>> decode_prefixed(std::string_view text, const std::uint8_t (&prefix)[2], const char* what) {
  if (text.empty() || text[0] != 'z') {
    return Status::invalid("bad_multikey", std::string(what) + " must be a base58btc multibase string ('z' prefix)");
  }
  auto decoded = codec::multibase_decode(text);
  if (!decoded) return Status::invalid("bad_multikey", std::string(what) + ": " + decoded.status().message());
  Bytes& raw = decoded->data;
  if (raw.size() < 2 || raw[0] != prefix[0] || raw[1] != prefix[1]) {
    crypto::secure_wipe(raw);
    return Status::invalid("unsupported_key_type",
                           std::string(what) + ": multicodec prefix is not Ed25519 (0x" +
                               (prefix[0] == 0xed ? std::string("ed01") : std::string("8026")) + ")");
  }
  if (raw.size() != 34) {
    crypto::secure_wipe(raw);
    return Status::invalid("bad_multikey", std::string(what) + ": expected 32 key bytes after the prefix, got " +
                                               std::to_string(raw.size() - 2));
  }
  FixedBytes<32> key{};
  std::copy(raw.begin() + 2, raw.end(), key.begin());
  crypto::secure_wipe(raw);
  return key;
}

}  // namespace

std::string multikey_encode(const PublicKey& key) {
  Bytes raw(kEd25519Pub, kEd25519Pub + 2);
  raw.insert(raw.end(), key.bytes().begin(), key.bytes().end());
  return codec::multibase_encode(codec::Multibase::base58btc, raw);
}

Result<PublicKey> multikey_decode(std::string_view text) {
  CREDENCE_ASSIGN_OR_RETURN(const FixedBytes<32> raw, decode_prefixed(text, kEd25519Pub, "Multikey public key"));
  return PublicKey::parse(raw);
}

std::string secret_multikey_encode(const SecretKey& key) {
  Bytes raw(kEd25519Priv, kEd25519Priv + 2);
  const auto seed = key.seed();
  raw.insert(raw.end(), seed.begin(), seed.end());
  std::string out = codec::multibase_encode(codec::Multibase::base58btc, raw);
  crypto::secure_wipe(raw);
  return out;
}

Result<SecretKey> secret_multikey_decode(std::string_view text) {
  CREDENCE_ASSIGN_OR_RETURN(FixedBytes<32> seed, decode_prefixed(text, kEd25519Priv, "Multikey secret key"));
  SecretKey key = SecretKey::from_seed(seed);
  crypto::secure_wipe(seed);
  return key;
}

std::string did(const PublicKey& key) { return std::string(kDidKeyPrefix) + multikey_encode(key); }

std::string verification_method(const PublicKey& key) {
  const std::string mk = multikey_encode(key);
  return std::string(kDidKeyPrefix) + mk + "#" + mk;
}

std::string_view did_of(std::string_view did_url) { return did_url.substr(0, did_url.find('#')); }

Result<PublicKey> resolve(std::string_view did_or_url) {
  if (did_or_url.substr(0, kDidKeyPrefix.size()) != kDidKeyPrefix) {
    return Status::invalid("bad_did_key", "not a did:key identifier");
  }
  std::string_view id = did_or_url.substr(kDidKeyPrefix.size());
  const std::size_t hash = id.find('#');
  if (hash != std::string_view::npos) {
    if (id.substr(hash + 1) != id.substr(0, hash)) {
      return Status::invalid("bad_did_key", "the fragment of a did:key verification method must repeat the key");
    }
    id = id.substr(0, hash);
  }
  if (id.find_first_of("?/;:") != std::string_view::npos) {
    return Status::invalid("bad_did_key", "did:key with a path, query or version is not supported");
  }
  auto key = multikey_decode(id);
  if (!key) return key.status().with_context("did:key");
  return key;
}

codec::Json document(const PublicKey& key) {
  const std::string d = did(key);
  const std::string vm = verification_method(key);
  codec::Json method = {{"id", vm}, {"type", "Multikey"}, {"controller", d}, {"publicKeyMultibase", multikey_encode(key)}};
  return {{"@context", {"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"}},
          {"id", d},
          {"verificationMethod", codec::Json::array({method})},
          {"authentication", codec::Json::array({vm})},
          {"assertionMethod", codec::Json::array({vm})},
          {"capabilityDelegation", codec::Json::array({vm})},
          {"capabilityInvocation", codec::Json::array({vm})}};
}

}  // namespace credence::interop::did_key
