// The node's W3C Bitstring Status Lists (docs/vc.md "Publishing from a node", docs/api.md "Status lists").
//
// Every on-ledger attestation has a fixed position: its sequence number s (docs/storage.md "Status-list index",
// block order then transaction order then request order, the same on every node that indexes the chain) gives
// list ⌊s / kEntriesPerList⌋, entry s mod kEntriesPerList. The list credential is a BitstringStatusListCredential
// (statusPurpose revocation, kEntriesPerList = 131,072 entries, GZIP + multibase base64url) whose set bits are the
// attestations of that range revoked on the ledger as of a snapshot's head, validFrom the head's block time, signed
// with eddsa-jcs-2022 by the node key; its issuer is the node key's did:key. The same key issues the node's VC export
// of an attestation, so the credential and its list share an issuer, as docs/vc.md's status check requires.
//
// Trust: the node key vouches for "this ledger, as this node reads it at height H, has (not) revoked attestation
// X". It is not the attester's key: a relying party trusts the node operator for the mapping (docs/vc.md).
//
// Thread-safety: every method is const and thread-safe. A mutex guards two small caches per list: the signed
// credential of the last height served (a GET at an unchanged head re-sends the text), and the encoded bitstring of
// the last revoked set (a new head whose revocations in that list did not change re-signs without re-gzipping).
// Lifetime: StatusLists holds the node key (wiped on destruction); the HTTP server borrows it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "credence/codec/json.h"
#include "credence/core/objects.h"
#include "credence/crypto/ed25519.h"
#include "credence/node/database.h"
#include "credence/status.h"

namespace credence::node {

class StatusLists {
 public:
  // The list length: the spec's minimum (16 KiB of bits), so an all-clear list is the spec's example text.
  static constexpr std::uint64_t kEntriesPerList = 131072;
  // Lists cached at once (each ~1 KiB of signed text when sparse, up to ~20 KiB dense); older ones are dropped.
  static constexpr std::size_t kMaxCachedLists = 64;

  struct Position {
    std::uint64_t list = 0;
    std::uint64_t index = 0;  // statusListIndex within the list
  };
  static Position position(std::uint64_t sequence) {
    return {sequence / kEntriesPerList, sequence % kEntriesPerList};
  }

  explicit StatusLists(const crypto::ed25519::SecretKey& key);

  [[nodiscard]] const crypto::ed25519::PublicKey& public_key() const { return key_.public_key(); }
  [[nodiscard]] const std::string& did() const { return did_; }                                  // did:key:z6Mk…
  [[nodiscard]] const std::string& verification_method() const { return verification_method_; }  // did:key:…#…

  // The signed list credential `list`, published at `url`, as of `snapshot`'s head (JSON text).
  // invalid("unknown_status_list") for a list past the last attestation (list 0 always exists); storage failures
  // of the snapshot as error(); the status_list / vc codes (should not happen: our own input).
  Result<std::shared_ptr<const std::string>> credential(const Snapshot& snapshot, std::uint64_t list,
                                                        const std::string& url) const;

  // The node-issued VC 2.0 of an attestation (vc::attestation_to_credential with issuer = did()), with the
  // BitstringStatusListEntry of its sequence in the list published at `list_url`, signed at `created` (Unix s).
  // The attestation codes of vc.h (bad_attestation when the data does not decode under `schema`).
  Result<codec::Json> attestation_credential(const core::Attestation& attestation, const core::Schema* schema,
                                             std::uint64_t sequence, const std::string& list_url,
                                             std::int64_t created) const;

 private:
  struct Cached {
    std::vector<std::uint64_t> revoked;  // sequences set in `encoded`
    std::string encoded;                 // encodedList of `revoked`
    std::uint64_t height = 0;            // head height of `text`
    std::string url;                     // id of `text`
    std::shared_ptr<const std::string> text;
    std::uint64_t used = 0;  // LRU clock
  };

  crypto::ed25519::SecretKey key_;
  std::string did_;
  std::string verification_method_;
  mutable std::mutex mutex_;
  mutable std::map<std::uint64_t, Cached> cache_;
  mutable std::uint64_t clock_ = 0;
};

}  // namespace credence::node
