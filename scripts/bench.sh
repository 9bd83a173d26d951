#!/usr/bin/env bash
# Builds the release preset and runs the benchmarks in bench/ (docs/performance.md). Extra arguments go to every
# benchmark binary, e.g. scripts/bench.sh --benchmark_filter=Ed25519 --benchmark_repetitions=5.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
for b in build/release/bench/*; do
  [[ -x $b && -f $b ]] || continue
  echo "== $(basename "$b")"
  "$b" "$@"
done
