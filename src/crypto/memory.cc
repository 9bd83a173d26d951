#include "credence/crypto/memory.h"

#include <sodium.h>

namespace credence::crypto {

void secure_wipe(std::span<std::uint8_t> data) { sodium_memzero(data.data(), data.size()); }

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace credence::crypto
