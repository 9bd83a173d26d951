// The block, block-header and receipt decoders (core/block.h). For every input each decoder fails only with
// invalid(reason), never error, and a success re-encodes to the input byte for byte (the decoders are strict). A
// decoded block's header agrees with its transaction count.
// Seeds (fuzz/corpus/block/): an empty block, a block of two signed transfers, a header and receipts (ok, failed
// with a message, with created ids), each also truncated and with a flipped byte.
#include "fuzz_support.h"
#include "credence/core/block.h"

namespace {

using credence::fuzz::initialize_crypto;
using credence::fuzz::require;

using namespace credence;
using namespace credence::core;

template <typename T>
void require_invalid(const Result<T>& r) {
  require(r.status().is_invalid() && !r.status().code().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  initialize_crypto();
  const ByteView input(data, size);
  const Bytes bytes(input.begin(), input.end());
  if (auto block = decode_block(input)) {
    require(encode(*block) == bytes);
    require(block->header.transaction_count == block->transactions.size());
  } else {
    require_invalid(block);
  }
  if (auto header = decode_block_header(input)) {
    require(encode(*header) == bytes);
  } else {
    require_invalid(header);
  }
  if (auto receipt = decode_receipt(input)) {
    require(encode(*receipt) == bytes);
  } else {
    require_invalid(receipt);
  }
  return 0;
}
