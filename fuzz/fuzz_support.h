// Helpers shared by the fuzz targets: invariant checks that abort (so libFuzzer records the input) and the
// once-per-process crypto initialisation that signature checks need.
#pragma once

#include <cstdlib>

#include "credence/crypto/self_test.h"

namespace credence::fuzz {

inline void require(bool condition) {
  if (!condition) std::abort();
}

// libsodium must be initialised before verification; once per process.
inline void initialize_crypto() {
  static const bool kInitialized = crypto::initialize().is_ok();
  require(kInitialized);
}

}  // namespace credence::fuzz
