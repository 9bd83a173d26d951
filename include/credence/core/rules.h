// The attestation rules, each a separate check shared by the ledger (which stops at the first failure when it
// applies a transaction) and by verification (which reports every failure). docs/protocol.md "Rules".
//
// Every check returns Status: ok, invalid(reason code, detail) when the rule fails, or error() when the state could
// not be read. Checks only read state; they are pure functions of (view, arguments).
#pragma once

#include <span>

#include "credence/core/objects.h"
#include "credence/core/state.h"

namespace credence::core {

// valid_until: not in the past (expired_at_creation) and within the schema's max_valid_for (validity_too_long).
// `now` is the issuing time.
Status check_validity_window(const Schema& schema, const AttestationRequest& request, std::uint64_t now);

// The data location matches the schema (data_location_mismatch) and on-ledger data decodes under the schema's
// fields (data_mismatch). Off-ledger data is checked only when `offledger_data` is given: its SHA-256 must match
// (data_hash_mismatch) and it must decode (data_mismatch).
Status check_data(const Schema& schema, const AttestationData& data, std::optional<ByteView> offledger_data = {});
// The same, given the schema's parsed field types (schema.field_types()), for callers that keep them.
Status check_data(const Schema& schema, std::span<const codec::AbiType> types, const AttestationData& data,
                  std::optional<ByteView> offledger_data = {});

// A revocable attestation under an irrevocable schema (irrevocable_schema).
Status check_revocability(const Schema& schema, const AttestationRequest& request);

// The schema's allow-list (attester_not_allowed).
Status check_allowlist(const Schema& schema, const AccountId& attester);

// The schema's accreditation rule, following `chain` (ids, nearest first): each link must be an attestation of the
// rule's schema naming the current subject as a recipient (not_accredited), not revoked (accreditation_revoked), not
// expired at `now` (accreditation_expired); the chain must reach a trust anchor within max_depth links
// (accreditation_depth_exceeded, or not_accredited if it ends first).
Status check_accreditation(const StateView& view, const Schema& schema, const AccountId& attester,
                           const std::vector<Id>& chain, std::uint64_t now);

// A linked attestation must exist (linked_missing) and, by policy, come from the same attester
// (linked_attester_mismatch). Validity of the link (link_must_be_valid) is checked by verification.
Status check_link(const StateView& view, const Schema& schema, const AccountId& attester,
                  const AttestationRequest& request);

// True iff the attestation has expired at `now` (valid_until != 0 and now >= valid_until).
bool is_expired(const AttestationRequest& request, std::uint64_t now);

}  // namespace credence::core
