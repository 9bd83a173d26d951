#!/usr/bin/env bash
# Installs the Debian 12 packages Credence builds and tests with, and the npm packages of the interop tests.
# Idempotent: packages already present are skipped, apt-get runs only when something is missing, `npm ci` only when
# tests/interop/node_modules is missing or stale. See docs/dependencies.md for why each package is here.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev
  libsodium-dev libsecp256k1-dev libcrypto++-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev zlib1g-dev
  librocksdb-dev libcpp-httplib-dev libtomlplusplus-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# JavaScript peer libraries of the interop tests (tests/interop/package-lock.json pins them). `npm ci` runs only
# when node_modules is missing or was installed from another lockfile (a stamp holds the lockfile's hash).
interop=$(dirname "$0")/../tests/interop
stamp=$interop/node_modules/.credence-lock.sha256
want=$(sha256sum "$interop/package-lock.json" | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  echo "setup: tests/interop node_modules up to date"
elif ! command -v npm >/dev/null; then
  echo "setup: npm not found; the interop tests (tests/interop) need Node.js 18+ and npm" >&2
else
  echo "setup: npm ci in tests/interop"
  # A failure here (no registry) is reported, not fatal: the other suites still run and oz_merkle_interop fails.
  if (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "$want" >"$stamp"
  else
    echo "setup: npm ci failed in tests/interop; the interop tests will fail" >&2
  fi
fi

# Interop sub-projects with their own lockfile (tests/interop/<name>/package-lock.json, e.g. sdjwt for @sd-jwt/*,
# w3c for canonicalize / @noble/* / @digitalbazaar/bitstring):
# the same stamp rule, one directory at a time.
for lock in "$interop"/*/package-lock.json; do
  [[ -f $lock ]] || continue
  dir=$(dirname "$lock")
  name=tests/interop/$(basename "$dir")
  stamp=$dir/node_modules/.credence-lock.sha256
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
    echo "setup: $name node_modules up to date"
  elif ! command -v npm >/dev/null; then
    echo "setup: npm not found; the interop tests ($name) need Node.js 20+ and npm" >&2
  elif (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "$want" >"$stamp"
    echo "setup: npm ci in $name"
  else
    echo "setup: npm ci failed in $name; its interop tests will fail" >&2
  fi
done
