#!/usr/bin/env bash
# The main job (the README's first quick-start command): installs what is missing, builds, and walks through the
# `credence` CLI — keys, hashes, signatures and their verification — in a scratch directory.
# (Once the node lands, this starts the local devnet instead.)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target credence attestation_fixture -j "$(nproc)"

bin=$PWD/build/bin/credence
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
  printf '\n$ %s\n' "credence ${*//$work\//}"
  "$bin" "$@" || true
}

echo "Credence CLI demo (scratch keys in $work, deleted on exit)"
run --version
run hash --alg sha256 --hex 616263
run hash --alg keccak256 --hex ""
run keygen --type ed25519 --out "$work/issuer.key"
run keygen --type secp256k1 --out "$work/wallet.key"
pub=$("$bin" address --key "$work/issuer.key")
addr=$("$bin" address --key "$work/wallet.key")
msg=$(printf 'passed KYC' | od -An -tx1 | tr -d ' \n')
sig=$("$bin" sign --key "$work/issuer.key" --message-hex "$msg")
run sign --key "$work/issuer.key" --message-hex "$msg"
run verify --type ed25519 --public-key "$pub" --message-hex "$msg" --signature "$sig"
echo "# the same signature over a different message:"
run verify --type ed25519 --public-key "$pub" --message-hex "${msg}00" --signature "$sig"
ksig=$("$bin" sign --key "$work/wallet.key" --message-hex "$msg")
run sign --key "$work/wallet.key" --message-hex "$msg"
run verify --type secp256k1 --address "$addr" --message-hex "$msg" --signature "$ksig"
run --json verify --type secp256k1 --address "$addr" --message-hex "$msg" --signature "$ksig"

echo
echo "# Offline verification: a small in-memory ledger (schemas, an accreditation chain, attestations, one"
echo "# revocation) exports attestations with Merkle proofs against its state root; the CLI checks them offline."
build/tests/attestation_fixture "$work/ledger" >/dev/null
root=$(cat "$work/ledger/root")
now=$(cat "$work/ledger/now")
run attestation verify --attestation "$work/ledger/valid.json" --proof "$work/ledger/valid.proof.json" --root "$root" --time "$now"
run attestation verify --attestation "$work/ledger/revoked.json" --proof "$work/ledger/revoked.proof.json" --root "$root" --time "$now"
run attestation verify --attestation "$work/ledger/valid.json" --proof "$work/ledger/valid.proof.json" --root "$root" --time "$(cat "$work/ledger/expired_time")"
run attestation verify --attestation "$work/ledger/offchain.json" --proof "$work/ledger/offchain.proof.json" --root "$root" --time "$now"
echo
echo "Try: $bin --help"
