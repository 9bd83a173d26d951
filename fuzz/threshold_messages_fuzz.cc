// Committee message decoders (include/credence/threshold/messages.h) and the ROAST coordinator state machine. The
// first input byte picks the suite (bit 0) and the target; the rest is the input.
//  - decoders: any input either fails with a reason code or decodes to a value whose encoding is exactly the input
//    (strict, canonical decoders);
//  - coordinator: the rest is a sequence of (sender u8, length u8, encoded signer message) fed to a 3-of-4
//    Coordinator; it must never crash, never start a session with fewer than t members, and any signature it
//    produces must verify.
#include <cstdint>
#include <cstdlib>

#include "credence/crypto/random.h"
#include "credence/threshold/messages.h"
#include "fuzz_support.h"

namespace {

using namespace credence;
using namespace credence::threshold;

template <typename T, typename Decode, typename Encode>
void round_trip(Suite suite, ByteView input, Decode decode, Encode encode) {
  Result<T> decoded = decode(suite, input);
  if (!decoded.ok()) {
    fuzz::require(!decoded.status().code().empty() && decoded.status().is_invalid());
    return;
  }
  const Bytes again = encode(suite, *decoded);
  fuzz::require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()));
}

void drive_coordinator(Suite suite, ByteView input) {
  static const DealerOutput kEd = [] {
    crypto::DeterministicRandom random(1);
    return std::move(*trusted_dealer_keygen(Suite::ed25519, 4, 3, random));
  }();
  static const DealerOutput kRistretto = [] {
    crypto::DeterministicRandom random(1);
    return std::move(*trusted_dealer_keygen(Suite::ristretto255, 4, 3, random));
  }();
  const DealerOutput& dealt = suite == Suite::ed25519 ? kEd : kRistretto;
  const Bytes message = {'f', 'u', 'z', 'z'};
  auto coordinator = roast::Coordinator::create(dealt.public_key, message);
  fuzz::require(coordinator.ok());
  std::size_t pos = 0;
  while (pos + 2 <= input.size()) {
    const Identifier sender = input[pos];
    const std::size_t length = input[pos + 1];
    pos += 2;
    if (pos + length > input.size()) break;
    auto decoded = decode_signer_message(suite, input.subspan(pos, length));
    pos += length;
    if (!decoded.ok()) continue;
    auto actions = coordinator->on_message(sender, *decoded);
    if (!actions.ok()) {
      fuzz::require(actions.status().code() == "unknown_member");
      continue;
    }
    for (const auto& request : *actions) fuzz::require(request.package.commitments.size() == 3);
  }
  if (coordinator->finished()) {
    fuzz::require(
        verify_signature(suite, dealt.public_key.group_public_key, message, *coordinator->signature()).is_ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::initialize_crypto();
  if (size == 0) return 0;
  const Suite suite = (data[0] & 1) != 0 ? Suite::ristretto255 : Suite::ed25519;
  const ByteView input(data + 1, size - 1);
  switch ((data[0] >> 1) % 6) {
    case 0:
      round_trip<SigningCommitment>(suite, input, decode_commitment, encode_commitment);
      break;
    case 1:
      round_trip<roast::SessionRequest>(suite, input, decode_session_request, encode_session_request);
      break;
    case 2:
      round_trip<roast::SignerMessage>(suite, input, decode_signer_message, encode_signer_message);
      break;
    case 3:
      round_trip<dkg::Round1Package>(suite, input, decode_dkg_round1, encode_dkg_round1);
      break;
    case 4:
      round_trip<dkg::Round2Package>(suite, input, decode_dkg_round2, encode_dkg_round2);
      break;
    default:
      drive_coordinator(suite, input);
      break;
  }
  return 0;
}
