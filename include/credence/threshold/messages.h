// Canonical encodings of the committee messages (docs/threshold.md "Message encodings"), on codec::Writer/Reader
// (docs/encoding.md): a header (type tag, version 1), the suite byte, then fixed-size fields. Decoders are strict:
// they accept exactly what the encoders produce (so decode succeeding implies encode(decode(x)) == x) and validate
// every element and scalar as parse_element / parse_scalar do. Reason codes: the codec's (bad_tag,
// unsupported_version, truncated, trailing_bytes, bad_varint, too_long), plus wrong_suite, bad_identifier,
// invalid_element, non_canonical_scalar, bad_flag, unsorted_commitments, too_many, empty_commitment. Authentication
// (the sender's identity-key signature) and confidentiality (DKG round 2) are the transport's job; these are the
// payloads. All functions are pure and thread-safe.
#pragma once

#include "credence/bytes.h"
#include "credence/status.h"
#include "credence/threshold/dkg.h"
#include "credence/threshold/frost.h"
#include "credence/threshold/roast.h"

namespace credence::threshold {

// Upper bounds a decoder accepts (a committee larger than this is a configuration error, not an input).
inline constexpr std::size_t kMaxCommitteeSize = 65535;  // identifiers and counts
inline constexpr std::size_t kMaxSignedMessageSize = 1u << 20;

Bytes encode_commitment(Suite suite, const SigningCommitment& commitment);
Result<SigningCommitment> decode_commitment(Suite suite, ByteView bytes);

Bytes encode_session_request(Suite suite, const roast::SessionRequest& request);
// Commitments must be sorted by strictly increasing identifier (invalid("unsorted_commitments")).
Result<roast::SessionRequest> decode_session_request(Suite suite, ByteView bytes);

Bytes encode_signer_message(Suite suite, const roast::SignerMessage& message);
Result<roast::SignerMessage> decode_signer_message(Suite suite, ByteView bytes);

Bytes encode_dkg_round1(Suite suite, const dkg::Round1Package& package);
Result<dkg::Round1Package> decode_dkg_round1(Suite suite, ByteView bytes);

// The plaintext of a DKG round-2 package: holds a secret share. The caller encrypts it and wipes the buffer.
Bytes encode_dkg_round2(Suite suite, const dkg::Round2Package& package);
Result<dkg::Round2Package> decode_dkg_round2(Suite suite, ByteView bytes);

}  // namespace credence::threshold
