// Start-up initialisation and self-test of the crypto layer. Every app calls crypto::initialize() before anything
// else and exits if it fails.
//
// The self-test catches a mis-built or unpatched library before it can accept what it must reject: the libsodium
// point validator must reject a point outside the prime-order subgroup (CVE-2025-69277, fixed in Debian
// 1.0.18-1+deb12u1), the identity and a small-order point; Ed25519, Keccak-256 (not SHA3-256), SHA-256 and
// secp256k1 address derivation must reproduce known answers; a forged Ed25519 signature must be rejected.
#pragma once

#include "credence/status.h"

namespace credence::crypto {

// Initialises libsodium and runs the self-test (a few milliseconds; idempotent, thread-safe).
// error("crypto_self_test_failed", what failed) if the installed libraries cannot be trusted.
Status initialize();

// The self-test alone, for tests.
Status run_self_test();

}  // namespace credence::crypto
