#!/usr/bin/env bash
# Installs the Debian 12 packages Credence builds and tests with. Idempotent: packages already present are skipped,
# and apt-get runs only when something is missing. See docs/dependencies.md for why each package is here.
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
  exit 0
fi

echo "setup: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
