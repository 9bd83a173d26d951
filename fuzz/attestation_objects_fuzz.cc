// The decoders of the attestation objects (core/objects.h). The first input byte picks the decoder (modulo 4:
// schema, attestation, attestation record, off-ledger attestation); the rest is its input. Checks, for every input:
//  - a decoder fails only with invalid(reason), never error;
//  - decode success implies encode() gives back the input byte for byte;
//  - the JSON view round-trips to an equal object, both as a JSON value and through JSON text; the id the JSON
//    view carries is the object's id (the readers check it, so a mismatch fails the round trip);
//  - a decoded schema is already normalized (normalize() changes nothing) and its field types parse;
//  - an off-ledger attestation's signature check answers ok or invalid, never error.
// Seeds (fuzz/corpus/attestation_objects/): the selector byte followed by real encodings — schemas with and without
// policies and accreditation rules, attestations with on- and off-ledger data and every recipient kind, links and
// accreditation chains, revoked and live records, signed off-ledger attestations — plus corrupted variants.
#include <cstdlib>

#include "fuzz_support.h"
#include "credence/codec/json.h"
#include "credence/core/objects.h"
#include "credence/crypto/self_test.h"

namespace {

using credence::fuzz::initialize_crypto;
using credence::fuzz::require;

using namespace credence;
using namespace credence::core;

// decode(x) either fails with a reason, or re-encodes to x and survives both JSON round trips.
template <typename T, typename Decode, typename FromJson>
const T* round_trip(ByteView input, Decode decode, FromJson from_json, Result<T>& decoded) {
  decoded = decode(input);
  if (!decoded) {
    require(decoded.status().is_invalid() && !decoded.status().code().empty());
    return nullptr;
  }
  require(encode(*decoded) == Bytes(input.begin(), input.end()));
  const codec::Json json = to_json(*decoded);
  auto back = from_json(json);
  require(back.ok() && *back == *decoded);
  auto parsed = codec::parse_json(codec::dump_json(json));
  require(parsed.ok());
  auto from_text = from_json(*parsed);
  require(from_text.ok() && *from_text == *decoded);
  return &*decoded;
}

// A placeholder for Result<T>, which has no default constructor.
Status not_decoded() {
  return Status::invalid("not_decoded");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  initialize_crypto();
  const ByteView input(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      Result<Schema> decoded = not_decoded();
      if (const Schema* s = round_trip<Schema>(input, decode_schema, schema_from_json, decoded)) {
        Schema normalized = *s;
        require(normalized.normalize().is_ok() && normalized == *s);
        require(s->field_types().ok());
      }
      break;
    }
    case 1: {
      Result<Attestation> decoded = not_decoded();
      if (const Attestation* a = round_trip<Attestation>(input, decode_attestation, attestation_from_json, decoded)) {
        require(validate_request(a->request).is_ok());
      }
      break;
    }
    case 2: {
      Result<AttestationRecord> decoded = not_decoded();
      if (const AttestationRecord* r =
              round_trip<AttestationRecord>(input, decode_attestation_record, record_from_json, decoded)) {
        require(validate_request(r->attestation.request).is_ok());
      }
      break;
    }
    default: {
      Result<OffchainAttestation> decoded = not_decoded();
      if (const OffchainAttestation* o =
              round_trip<OffchainAttestation>(input, decode_offchain_attestation, offchain_from_json, decoded)) {
        const Status s = verify_offchain_signature(*o);
        require(s.is_ok() || (s.is_invalid() && !s.code().empty()));
      }
      break;
    }
  }
  return 0;
}
