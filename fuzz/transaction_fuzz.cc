// The signed-transaction decoder (core/transaction.h). Checks, for every input:
//  - decode_signed_transaction fails only with invalid(reason), never error;
//  - decode success implies encode() gives back the input byte for byte (the decoder is strict);
//  - the JSON view round-trips to an equal object, both as a JSON value and through JSON text (the API's path);
//  - verify_transaction_signature and, for delegated bodies, the delegation signature check answer ok or invalid —
//    never error, never a crash — whatever keys and signatures the input holds.
// Seeds (fuzz/corpus/transaction/): real signed transactions of every body type (register_schema with and without
// a policy, attest with on- and off-ledger data and every recipient kind, revoke, delegated_attest,
// delegated_revoke, revoke_offchain, timestamp, transfer), plus truncated and corrupted variants.
#include <cstdlib>

#include "fuzz_support.h"
#include "credence/codec/json.h"
#include "credence/core/transaction.h"
#include "credence/crypto/self_test.h"

namespace {

using credence::fuzz::initialize_crypto;
using credence::fuzz::require;

using namespace credence;
using namespace credence::core;

// A signature check may reject anything the input holds, but only as invalid(reason).
void require_verdict(const Status& s) {
  require(s.is_ok() || (s.is_invalid() && !s.code().empty()));
}

template <typename Delegated>
void check_delegation(const SignedTransaction& stx, const Delegated& body) {
  const Bytes message = delegation_signing_message(stx.tx.chain_id, body.delegation, Body(body.payload));
  require_verdict(crypto::ed25519::verify(body.delegation.attester, message, body.delegation.signature));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  initialize_crypto();
  const ByteView input(data, size);
  auto stx = decode_signed_transaction(input);
  if (!stx) {
    require(stx.status().is_invalid() && !stx.status().code().empty());
    return 0;
  }
  require(encode(*stx) == Bytes(input.begin(), input.end()));

  const codec::Json json = to_json(*stx);
  auto from_json = signed_transaction_from_json(json);
  require(from_json.ok() && *from_json == *stx);
  auto parsed = codec::parse_json(codec::dump_json(json));
  require(parsed.ok());
  auto from_text = signed_transaction_from_json(*parsed);
  require(from_text.ok() && *from_text == *stx);

  require_verdict(verify_transaction_signature(*stx));
  if (const auto* d = std::get_if<DelegatedAttest>(&stx->tx.body)) check_delegation(*stx, *d);
  if (const auto* d = std::get_if<DelegatedRevoke>(&stx->tx.body)) check_delegation(*stx, *d);
  return 0;
}
