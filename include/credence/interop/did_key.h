// Ed25519 keys as W3C Multikey strings and did:key identifiers, resolved offline. Format: docs/vc.md "Keys".
//
//   Multikey public key   "z" + base58btc(0xed 0x01 ‖ 32-byte key)          e.g. z6MkrJVnaZkeFzdQyMZu1cgjg7k1…
//   Multikey secret key   "z" + base58btc(0x80 0x26 ‖ 32-byte seed)         e.g. z3u2en7t5LR2WtQH5PfFqMqwVHBe…
//   did:key               "did:key:" + Multikey public key
//   verification method   "did:key:<mk>#<mk>" (the fragment repeats the identifier)
//
// Only Ed25519 is supported; another multicodec prefix is invalid("unsupported_key_type") (the Multikey spec says an
// unexpected prefix MUST be an error). All functions are pure and thread-safe. Reason codes: bad_multikey (not a
// base58btc multibase string, wrong length), unsupported_key_type, invalid_public_key (not a prime-order point:
// crypto/ed25519.h), bad_did_key (a string that is not a did:key URL of the forms above).
#pragma once

#include <string>
#include <string_view>

#include "credence/codec/json.h"
#include "credence/crypto/ed25519.h"
#include "credence/status.h"

namespace credence::interop::did_key {

std::string multikey_encode(const crypto::ed25519::PublicKey& key);
Result<crypto::ed25519::PublicKey> multikey_decode(std::string_view text);

std::string secret_multikey_encode(const crypto::ed25519::SecretKey& key);
Result<crypto::ed25519::SecretKey> secret_multikey_decode(std::string_view text);

// "did:key:z6Mk…".
std::string did(const crypto::ed25519::PublicKey& key);
// "did:key:z6Mk…#z6Mk…".
std::string verification_method(const crypto::ed25519::PublicKey& key);

// The key named by a did:key DID ("did:key:z6Mk…") or DID URL whose fragment, when present, repeats the identifier
// ("did:key:z6Mk…#z6Mk…"). Nothing is fetched: the key is in the identifier.
Result<crypto::ed25519::PublicKey> resolve(std::string_view did_or_url);

// The DID part of a DID URL (everything before '#'): "did:key:z6Mk…#z6Mk…" -> "did:key:z6Mk…".
std::string_view did_of(std::string_view did_url);

// The DID document of a did:key (W3C did:key method, Multikey form): {"@context":[…], "id", "verificationMethod":
// [{"id","type":"Multikey","controller","publicKeyMultibase"}], "authentication", "assertionMethod", …}.
codec::Json document(const crypto::ed25519::PublicKey& key);

}  // namespace credence::interop::did_key
