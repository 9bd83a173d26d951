// The token layer's stored records (core/token.h). The first input byte picks the decoder (modulo 2: asset record,
// distribution record); the rest is its input. Checks, for every input:
//  - a decoder fails only with invalid(reason), never error;
//  - decode success implies encode() gives back the input byte for byte (the decoders are strict);
//  - a decoded asset record keeps supply <= max_supply; a decoded distribution record's terms validate, its books
//    balance (escrow + claimed + returned = total), and its terms round-trip through their JSON view;
//  - vested_allocation on a decoded record never fails and never exceeds the allocation.
// Seeds (fuzz/corpus/token_records/): real records — the native asset, capped and fixed assets, distributions with
// and without schedules, canceled and wiped ones — plus truncated and corrupted variants.
#include "fuzz_support.h"
#include "credence/codec/json.h"
#include "credence/core/token.h"

namespace {

using credence::fuzz::initialize_crypto;
using credence::fuzz::require;

using namespace credence;
using namespace credence::core;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  initialize_crypto();
  const ByteView input(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto decoded = decode_asset_record(input);
    if (!decoded) {
      require(decoded.status().is_invalid() && !decoded.status().code().empty());
      return 0;
    }
    require(encode(*decoded) == Bytes(input.begin(), input.end()));
    require(!(decoded->definition.max_supply < decoded->supply));
    return 0;
  }
  auto decoded = decode_distribution_record(input);
  if (!decoded) {
    require(decoded.status().is_invalid() && !decoded.status().code().empty());
    return 0;
  }
  require(encode(*decoded) == Bytes(input.begin(), input.end()));
  require(decoded->terms.validate().is_ok());
  auto sum = checked_add(decoded->escrow, decoded->claimed);
  require(sum.ok());
  sum = checked_add(*sum, decoded->returned);
  require(sum.ok() && *sum == decoded->terms.total);
  auto terms = distribution_terms_from_json(to_json(decoded->terms));
  require(terms.ok() && *terms == decoded->terms);
  auto text = codec::parse_json(codec::dump_json(to_json(decoded->terms)));
  require(text.ok());
  for (const std::uint64_t t : {std::uint64_t{0}, decoded->terms.claim_start, decoded->terms.claim_end,
                                std::uint64_t{1} << 40, ~std::uint64_t{0}}) {
    auto vested = vested_allocation(*decoded, decoded->terms.total, t);
    require(vested.ok() && !(decoded->terms.total < *vested));
  }
  return 0;
}
