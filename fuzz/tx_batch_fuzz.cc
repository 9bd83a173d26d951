// The binary transaction batch decoder (node/http_api.h, "credence/tx-batch"). For every input the splitter and the
// decoder fail only with invalid(reason), never error; a decoded batch re-encodes to the input byte for byte, and
// every split item is the canonical encoding of the transaction decoded at its position.
// Seeds (fuzz/corpus/tx_batch/): an empty batch, batches of one and two signed transfers, and truncated and
// corrupted variants.
#include "fuzz_support.h"
#include "credence/node/http_api.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence;
  fuzz::initialize_crypto();
  const ByteView input(data, size);
  auto items = node::split_transaction_batch(input);
  auto batch = node::decode_transaction_batch(input);
  if (!batch) {
    fuzz::require(batch.status().is_invalid() && !batch.status().code().empty());
  } else {
    fuzz::require(items.ok() && items->size() == batch->size());
    fuzz::require(node::encode_transaction_batch(*batch) == Bytes(input.begin(), input.end()));
    for (std::size_t i = 0; i < batch->size(); ++i) {
      const Bytes one = core::encode((*batch)[i]);
      fuzz::require(Bytes((*items)[i].begin(), (*items)[i].end()) == one);
    }
  }
  if (!items) fuzz::require(items.status().is_invalid() && !items.status().code().empty());
  return 0;
}
