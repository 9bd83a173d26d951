#!/usr/bin/env bash
# Black-box tests of the `credence` CLI: the exact output forms and exit codes that users' scripts rely on
# (docs/cli.md). Run by CTest with CREDENCE_BIN pointing at the binary.
set -uo pipefail
bin=${CREDENCE_BIN:?set CREDENCE_BIN to the credence binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# shellcheck source=expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"

# --- version and help
expect version 0 '^credence [0-9]+\.[0-9]+\.[0-9]+$' -- "$bin" --version
for cmd in hash keygen address sign verify; do
  expect "help $cmd" 0 "Usage:.*$cmd" -- "$bin" "$cmd" --help
done
expect_err "no subcommand" 2 '^error: usage: ' -- "$bin"
expect_err "unknown subcommand" 2 '^error: usage: ' -- "$bin" frobnicate

# --- hash: published digests
expect "sha256 abc" 0 '^0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad$' -- \
  "$bin" hash --alg sha256 --hex 616263
expect "keccak256 empty" 0 '^0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470$' -- \
  "$bin" hash --alg keccak256 --hex ""
expect "keccak256 abc 0x" 0 '^0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45$' -- \
  "$bin" hash --alg keccak256 --hex 0x616263
expect "hash json" 0 '^\{"algorithm":"sha256","digest":"0x[0-9a-f]{64}"\}$' -- "$bin" --json hash --alg sha256 --hex 00
expect_err "hash bad hex" 2 '^error: bad_hex: --hex: ' -- "$bin" hash --alg sha256 --hex 0g
expect_err "hash odd hex" 2 '^error: bad_hex' -- "$bin" hash --alg sha256 --hex abc
expect_err "hash bad alg" 2 '^error: usage: ' -- "$bin" hash --alg md5 --hex 00
expect "hash json error" 2 '^\{"error":\{"code":"bad_hex"' -- "$bin" hash --json --alg sha256 --hex zz

# --- keygen / address / sign / verify, ed25519
ed="$work/ed.key"
expect "keygen ed25519" 0 '^0x[0-9a-f]{64}$' -- "$bin" keygen --type ed25519 --out "$ed"
mode=$(stat -c %a "$ed")
if [[ $mode == 600 ]]; then passed=$((passed + 1)); else echo "FAIL key file mode $mode"; failed=$((failed + 1)); fi
before=$(sha256sum "$ed")
expect_err "keygen refuses overwrite" 2 '^error: file_exists: ' -- "$bin" keygen --type ed25519 --out "$ed"
if [[ $(sha256sum "$ed") == "$before" ]]; then passed=$((passed + 1)); else echo "FAIL key overwritten"; failed=$((failed + 1)); fi
pub=$("$bin" address --key "$ed")
expect "address ed25519" 0 "^$pub\$" -- "$bin" address --key "$ed"
sig=$("$bin" sign --key "$ed" --message-hex 68656c6c6f)
[[ $sig =~ ^0x[0-9a-f]{128}$ ]] && passed=$((passed + 1)) || { echo "FAIL ed25519 sign output [$sig]"; failed=$((failed + 1)); }
expect "verify ed25519" 0 '^valid$' -- \
  "$bin" verify --type ed25519 --public-key "$pub" --message-hex 68656c6c6f --signature "$sig"
expect "verify ed25519 wrong message" 1 '^invalid: bad_signature' -- \
  "$bin" verify --type ed25519 --public-key "$pub" --message-hex 68656c6c6e --signature "$sig"
expect "verify ed25519 json" 1 '^\{"reason":"bad_signature","valid":false\}$' -- \
  "$bin" --json verify --type ed25519 --public-key "$pub" --message-hex 00 --signature "$sig"
expect "verify ed25519 small-order key" 1 '^invalid: invalid_public_key' -- \
  "$bin" verify --type ed25519 --public-key 0100000000000000000000000000000000000000000000000000000000000000 \
  --message-hex 00 --signature "$sig"
# RFC 8032 §7.1 TEST 1 from the command line.
expect "verify rfc8032 test 1" 0 '^valid$' -- "$bin" verify --type ed25519 \
  --public-key d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a --message-hex "" \
  --signature e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b
expect_err "verify short signature" 2 '^error: bad_length: --signature' -- \
  "$bin" verify --type ed25519 --public-key "$pub" --message-hex 00 --signature 00
expect_err "verify ed25519 with address" 2 '^error: bad_arguments' -- \
  "$bin" verify --type ed25519 --address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf --message-hex 00 --signature "$sig"

# --- secp256k1
k1="$work/k1.key"
expect "keygen secp256k1" 0 '^0x[0-9a-fA-F]{40}$' -- "$bin" keygen --type secp256k1 --out "$k1"
addr=$("$bin" address --key "$k1")
sig=$("$bin" sign --key "$k1" --message-hex 68656c6c6f)
[[ $sig =~ ^0x[0-9a-f]{128}(1b|1c)$ ]] && passed=$((passed + 1)) || { echo "FAIL k1 sign output [$sig]"; failed=$((failed + 1)); }
expect "verify secp256k1 address" 0 '^valid$' -- \
  "$bin" verify --type secp256k1 --address "$addr" --message-hex 68656c6c6f --signature "$sig"
lower=$(echo "$addr" | tr 'A-F' 'a-f')
expect "verify secp256k1 lowercase address" 0 '^valid$' -- \
  "$bin" verify --type secp256k1 --address "$lower" --message-hex 68656c6c6f --signature "$sig"
expect "verify secp256k1 other message" 1 '^invalid: address_mismatch' -- \
  "$bin" verify --type secp256k1 --address "$addr" --message-hex 00 --signature "$sig"
expect_err "verify secp256k1 bad checksum" 2 '^error: bad_checksum' -- \
  "$bin" verify --type secp256k1 --address 0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf --message-hex 00 --signature "$sig"

# --- key file problems
chmod 644 "$ed"
expect_err "insecure key file" 2 '^error: insecure_key_file: ' -- "$bin" address --key "$ed"
chmod 600 "$ed"
expect_err "missing key file" 3 '^error: io_error: ' -- "$bin" address --key "$work/nope"
printf '{"type":"ed25519","secret_key":"00"}' >"$work/bad.key" && chmod 600 "$work/bad.key"
expect_err "malformed key file" 2 '^error: bad_key_file: ' -- "$bin" address --key "$work/bad.key"

# --- attestation verify: offline, against a root with proofs (fixtures from a real in-memory ledger)
if [[ -n ${ATTESTATION_FIXTURE:-} ]]; then
  fx="$work/fixtures"
  "$ATTESTATION_FIXTURE" "$fx" >/dev/null
  root=$(cat "$fx/root")
  now=$(cat "$fx/now")
  av() { "$bin" attestation verify --attestation "$fx/$1.json" --proof "$fx/$2.proof.json" --root "$root" --time "$3" "${@:4}"; }
  expect "attestation valid" 0 '^valid$' -- av valid valid "$now"
  expect "attestation revoked" 1 '^invalid: revoked' -- av revoked revoked "$now"
  expect "attestation expired later" 1 '^invalid: expired' -- av valid valid "$(cat "$fx/expired_time")"
  expect "offchain attestation valid" 0 '^valid$' -- av offchain offchain "$now"
  expect "attestation json" 1 '"reasons":\[\{"code":"revoked"' -- "$bin" --json attestation verify \
    --attestation "$fx/revoked.json" --proof "$fx/revoked.proof.json" --root "$root" --time "$now"
  expect_err "proof for another attestation" 2 '^error: incomplete_proof' -- av valid revoked "$now"
  expect_err "wrong root" 2 '^error: root_mismatch' -- "$bin" attestation verify --attestation "$fx/valid.json" \
    --proof "$fx/valid.proof.json" --root "0x$(printf '%064d' 0)" --time "$now"
  sed 's/"value":"1b/"value":"1c/' "$fx/valid.proof.json" >"$fx/tampered.proof.json"
  expect_err "tampered proof" 2 '^error: bad_proof' -- av valid tampered "$now"
  sed 's/"index":0/"index":5/' "$fx/valid.json" >"$fx/wrong-id.json"
  expect_err "edited attestation (id no longer matches)" 2 '^error: id_mismatch' -- av wrong-id valid "$now"
  echo '{"attestation":' >"$fx/broken.json"
  expect_err "malformed attestation file" 2 '^error: bad_json' -- av broken valid "$now"
  expect_err "missing proof file" 3 '^error: io_error' -- av valid missing "$now"
  expect_err "bad time" 2 '^error: usage' -- av valid valid notanumber
else
  echo "FAIL ATTESTATION_FIXTURE not set"
  failed=$((failed + 1))
fi

# --- frost sign-demo: t-of-n FROST signatures that plain Ed25519 verifiers accept
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
for keygen in dealer dkg; do
  flag=()
  [[ $keygen == dkg ]] && flag=(--dkg)
  expect "frost sign-demo ($keygen)" 0 '^0x[0-9a-f]{128}$' -- "$bin" frost sign-demo --n 5 --t 3 --message 74657374 \
    --out "$work/frost-$keygen.json" "${flag[@]}"
  pk=$(json_field "$work/frost-$keygen.json" group_public_key)
  sig=$(json_field "$work/frost-$keygen.json" signature)
  expect "frost signature verifies as Ed25519 ($keygen, libsodium)" 0 '^valid$' -- "$bin" verify --type ed25519 \
    --public-key "$pk" --message-hex 74657374 --signature "$sig"
  # An independent RFC 8032 verifier: OpenSSL, through Node.js's crypto module.
  expect "frost signature verifies as Ed25519 ($keygen, OpenSSL)" 0 '^true$' -- node -e "
    const c = require('crypto'), d = JSON.parse(require('fs').readFileSync(process.argv[1]));
    const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(d.group_public_key, 'hex')]);
    const key = c.createPublicKey({key: der, format: 'der', type: 'spki'});
    console.log(c.verify(null, Buffer.from(d.message, 'hex'), key, Buffer.from(d.signature, 'hex')));" \
    "$work/frost-$keygen.json"
done
expect "frost sign-demo ristretto255" 0 '^0x[0-9a-f]{128}$' -- "$bin" frost sign-demo --n 4 --t 3 --message 00 \
  --out "$work/frost-r.json" --suite ristretto255 --dkg
expect_err "frost threshold above members" 2 '^error: bad_arguments' -- "$bin" frost sign-demo --n 2 --t 3 \
  --message 00 --out "$work/x.json"
expect_err "frost threshold of one" 2 '^error: bad_arguments' -- "$bin" frost sign-demo --n 2 --t 1 \
  --message 00 --out "$work/x.json"
expect_err "frost bad message" 2 '^error: bad_hex' -- "$bin" frost sign-demo --n 3 --t 2 --message zz \
  --out "$work/x.json"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
