#!/usr/bin/env bash
# Builds the release preset and runs the benchmarks in bench/ (docs/performance.md). Extra arguments go to every
# Google Benchmark binary, e.g. scripts/bench.sh --benchmark_filter=Ed25519 --benchmark_repetitions=5. Then
# merkle_bench (CREDENCE_MERKLE_ARGS passes options to it) and, last, the node load rounds (credence_load against a
# fresh release credenced; CREDENCE_LOAD_ARGS passes options to them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
for b in build/release/bench/*; do
  [[ -x $b && -f $b ]] || continue
  [[ $(basename "$b") == credence_load || $(basename "$b") == merkle_bench ]] && continue
  echo "== $(basename "$b")"
  "$b" "$@"
done
echo "== merkle_bench"
# One report: 1M-row distribution vs the Keccak floor and @openzeppelin/merkle-tree (docs/merkle.md "Performance").
# shellcheck disable=SC2086  # CREDENCE_MERKLE_ARGS is a list of options
build/release/bench/merkle_bench ${CREDENCE_MERKLE_ARGS:-}
echo "== credence_load"
# shellcheck disable=SC2086  # CREDENCE_LOAD_ARGS is a list of options
build/release/bench/credence_load --credenced build/release/bin/credenced ${CREDENCE_LOAD_ARGS:-}
