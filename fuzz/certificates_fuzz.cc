// Certificate formats (include/credence/core/certificate.h). The first input byte picks the target:
//  0: decode_checkpoint, 1: decode_statement — strict: any input fails with a reason code or decodes to a value whose
//     encoding is exactly the input;
//  2: certificate_from_json / checkpoint_certificate_from_json on the rest as JSON text — no crash; a decoded
//     certificate survives to_json → from_json unchanged, and verify_certificate answers without crashing;
//  3: root_from_path over (index u8, count u8, path of 32-byte hashes) — no crash, and an accepted path has exactly
//     the length the position implies;
//  4: decode_committee_record (the committee in genesis) — strict as 0 and 1, and a decoded record passes
//     check_committee_record.
#include <cstdint>

#include "credence/codec/json.h"
#include "credence/core/certificate.h"
#include "fuzz_support.h"

namespace {

using namespace credence;

bool same(const Bytes& a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

void json_target(ByteView input) {
  const std::string text(input.begin(), input.end());
  auto json = codec::parse_json(text);
  if (!json) return;
  if (auto c = core::certificate_from_json(*json); c) {
    auto again = core::certificate_from_json(core::to_json(*c));
    fuzz::require(again.ok() && again->statement == c->statement && again->path == c->path &&
                  again->index == c->index && again->count == c->count && again->signature == c->signature);
    Hash256 key{};
    key[0] = 1;
    (void)core::verify_certificate(*c, key);
  } else {
    fuzz::require(c.status().is_invalid() && c.status().code() == "bad_certificate");
  }
  if (auto k = core::checkpoint_certificate_from_json(*json); k) {
    auto again = core::checkpoint_certificate_from_json(core::to_json(*k));
    fuzz::require(again.ok() && again->checkpoint == k->checkpoint && again->signature == k->signature);
  }
}

void path_target(ByteView input) {
  if (input.size() < 2) return;
  const std::uint32_t index = input[0];
  const std::uint32_t count = input[1];
  std::vector<Hash256> path;
  for (std::size_t off = 2; off + 32 <= input.size(); off += 32) {
    Hash256 h{};
    std::copy_n(input.begin() + static_cast<std::ptrdiff_t>(off), 32, h.begin());
    path.push_back(h);
  }
  Hash256 leaf{};
  auto root = core::root_from_path(leaf, index, count, path);
  if (!root) {
    fuzz::require(root.status().code() == "bad_path");
    return;
  }
  // An accepted path is exactly as long as a real one for that position.
  std::vector<Hash256> leaves(count, Hash256{});
  fuzz::require(core::batch_path(leaves, index).size() == path.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credence::fuzz::initialize_crypto();
  if (size == 0) return 0;
  const ByteView input(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      if (auto c = core::decode_checkpoint(input); c) {
        fuzz::require(same(core::encode_checkpoint(*c), input));
      } else {
        fuzz::require(c.status().is_invalid() && !c.status().code().empty());
      }
      break;
    case 1:
      if (auto s = core::decode_statement(input); s) {
        fuzz::require(same(core::encode_statement(*s), input));
      } else {
        fuzz::require(s.status().is_invalid() && !s.status().code().empty());
      }
      break;
    case 2:
      json_target(input);
      break;
    case 3:
      path_target(input);
      break;
    default:
      if (auto c = core::decode_committee_record(input); c) {
        fuzz::require(same(core::encode_committee_record(*c), input));
        fuzz::require(core::check_committee_record(*c).is_ok());
      } else {
        fuzz::require(c.status().is_invalid() && !c.status().code().empty());
      }
      break;
  }
  return 0;
}
