// Fuzz target for the ABI type parser and the strict ABI decoder.
//
// Input: a type list in text (EAS style, names allowed), a NUL byte, then the bytes to decode. Without a NUL the
// whole input is type text and only the parser is exercised. Checks, each an abort() on failure:
//   - parser: parse -> canonical text -> parse gives the same types and the same text;
//   - decoder: a successful decode re-encodes to exactly the input and decodes again to the same values;
//   - JSON view: the decoded values dump to text (nlohmann throws on bad UTF-8), parse back, and read back equal;
//   - packed mode: never crashes, and fails only with abi_packed_unsupported.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "credence/codec/abi.h"
#include "credence/codec/abi_type.h"

namespace {

using credence::ByteView;
using namespace credence::codec;  // NOLINT(google-build-using-namespace): fuzz target, one unit

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_parser(std::string_view text) {
  if (auto t = parse_abi_type(text); t.ok()) {
    const std::string canonical = t->canonical();
    auto again = parse_abi_type(canonical);
    check(again.ok() && *again == *t && again->canonical() == canonical);
  }
  if (auto p = parse_abi_params(text); p.ok()) {
    const std::string canonical = canonical_params(*p);
    auto again = parse_abi_params(canonical);
    check(again.ok() && *again == *p && canonical_params(*again) == canonical);
  }
}

void fuzz_decoder(const std::vector<AbiType>& types, ByteView data) {
  auto values = abi_decode(types, data);
  if (!values.ok()) {
    check(values.status().is_invalid() && values.status().code().starts_with("abi_"));
    return;
  }
  auto encoded = abi_encode(types, *values);
  check(encoded.ok() && encoded->size() == data.size() && std::equal(data.begin(), data.end(), encoded->begin()));
  auto again = abi_decode(types, *encoded);
  check(again.ok() && *again == *values);

  const std::string text = abi_to_json(types, *values).dump();
  const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  check(!parsed.is_discarded());
  auto back = abi_from_json(types, parsed);
  check(back.ok() && *back == *values);

  auto packed = abi_encode_packed(types, *values);
  check(packed.ok() || packed.status().code() == "abi_packed_unsupported");

  if (types.size() == 1) {
    auto single = abi_decode(types[0], data);
    check(single.ok() && *single == (*values)[0]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  std::size_t nul = 0;
  while (nul < size && input[nul] != 0) ++nul;
  const std::string_view text(reinterpret_cast<const char*>(data), nul);  // NOLINT: bytes viewed as text
  fuzz_parser(text);
  if (nul == size) return 0;
  auto params = parse_abi_params(text);
  if (!params.ok()) return 0;
  std::vector<AbiType> types;
  for (auto& p : *params) types.push_back(std::move(p.type));
  fuzz_decoder(types, input.subspan(nul + 1));
  return 0;
}
