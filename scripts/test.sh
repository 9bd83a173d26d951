#!/usr/bin/env bash
# Sets up and runs every Credence test (the README's second quick-start command; .ci/run calls it).
#  1. installs missing Debian packages (scripts/setup.sh);
#  2. dev preset (g++, -Werror): unit, vector, property and functional tests, fuzz-corpus replays, benchmark smoke runs;
#  3. asan-ubsan preset (clang, -Werror): the same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
# CREDENCE_SKIP_SANITIZERS=1 skips step 3 for a quick local run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/setup.sh

echo "== dev (g++, -Werror)"
cmake --preset dev -DCREDENCE_WERROR=ON >/dev/null
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

if [[ ${CREDENCE_SKIP_SANITIZERS:-0} != 1 ]]; then
  echo "== asan-ubsan (clang, -Werror)"
  cmake --preset asan-ubsan -DCREDENCE_WERROR=ON >/dev/null
  cmake --build --preset asan-ubsan -j "$jobs"
  ctest --preset asan-ubsan -j "$jobs"
fi
