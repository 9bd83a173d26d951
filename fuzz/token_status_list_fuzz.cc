// IETF Token Status List decoding (interop/token_status_list.h). The first byte picks `bits`, the rest is the lst
// text: decoding fails with a reason code or yields a list that re-encodes and decodes to the same bytes, whose
// every entry is readable. The whole input is also tried as a status list token and as a raw zlib stream (bounded).
#include <cstdlib>
#include <string_view>

#include "credence/interop/token_status_list.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace credence;
  using namespace credence::interop::token_status;
  using credence::fuzz::require;
  if (size == 0) return 0;
  static const unsigned kBits[] = {1, 2, 4, 8, 3, 0};
  const unsigned bits = kBits[data[0] % 6];
  const std::string_view lst(reinterpret_cast<const char*>(data + 1), size - 1);  // NOLINT
  auto list = StatusList::from_json({{"bits", bits}, {"lst", lst}});
  if (!list) {
    require(list.status().is_invalid() && !list.status().code().empty());
  } else {
    require(bits == 1 || bits == 2 || bits == 4 || bits == 8);
    auto again = StatusList::from_json(list->to_json());
    require(again.ok() && again->packed() == list->packed() && again->bits() == bits);
    for (std::uint64_t i = 0; i < list->size() && i < 4096; ++i) {
      auto v = list->get(i);
      require(v.ok() && *v < (1u << bits));
    }
    require(!list->get(list->size()).ok());
  }
  const std::string_view whole(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto token = parse_status_list_token(whole);
  require(token.ok() || token.status().is_invalid());
  auto raw = zlib_decompress(ByteView(data, size), 1u << 20);
  require(raw.ok() || raw.status().is_invalid());
  return 0;
}
