// Modeled crypto for the ROAST coordinator (docs/lab.md "Modeled crypto"): commitments are labelled byte strings,
// a share is a 64-bit tag computed from the signer's commitment, and the checks compare tags instead of computing
// group operations. The coordinator's state machine runs unchanged over these values: an honest share passes, a
// share altered by a misbehaving member fails, exactly as FROST's §5.4 check would decide. Not a signature scheme:
// the "signature" it aggregates proves nothing and is never shown as one. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "credence/lab/random.h"
#include "credence/threshold/roast.h"

namespace credence::lab {

// The keyed draws of the commitments for request `request` (mixed once per batch).
KeyedDraws modeled_commitments(std::uint64_t seed, std::uint64_t request);
// The k-th commitment of member `m` among `commitments` (modeled_commitments of its request).
threshold::SigningCommitment modeled_commitment(const KeyedDraws& commitments, threshold::Identifier m,
                                                std::uint32_t k);
// The share an honest member answers for `commitment`.
threshold::Scalar modeled_share(const threshold::SigningCommitment& commitment);
// The SessionChecks over modeled values.
std::shared_ptr<const threshold::roast::SessionChecks> modeled_checks();

}  // namespace credence::lab
