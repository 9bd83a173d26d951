#!/usr/bin/env bash
# Black-box test of the node-backed interop commands against a real `credenced --dev` node:
#  - W3C status lists (docs/vc.md "Publishing from a node"): attest -> vc export --from-node (credentialStatus) ->
#    status-list fetch -> vc verify valid -> revoke -> fetch -> vc verify reports revoked;
#  - EAS anchoring (docs/eas.md "Anchoring in Credence"): eas sign -> anchor -> verify --node valid with the anchor
#    time -> eas revoke -> verify --node --revoker exit 1 `revoked`;
#  - bad input: 4xx JSON errors from the node and clear CLI exits.
#
# Usage: interop_node_cli_test.sh BIN_DIR   (BIN_DIR holds credence and credenced; CTest passes it)
# Bounded: every wait has a deadline, and the node is always killed on exit.
set -uo pipefail
bin_dir=${1:-${CREDENCE_BIN_DIR:-}}
[[ -n $bin_dir ]] || { echo "usage: $0 BIN_DIR"; exit 2; }
bin_dir=$(cd "$bin_dir" && pwd)
cli=$bin_dir/credence
daemon=$bin_dir/credenced
work=$(mktemp -d)
data=$work/node
node_pid=
node_status=0
node_log=
passed=0
failed=0

cleanup() {
  stop_node
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=dev_node.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev_node.sh"

start_on_free_port
export CREDENCE_NODE=http://127.0.0.1:$port
node_url=$CREDENCE_NODE
wait_healthy

check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
matches() { [[ $1 =~ $2 ]]; }

cd "$work" || exit 1
faucet=$data/faucet.key

# ---- the node key: created in the data directory, its did:key served
check "node.key created with mode 0600" test "$(stat -c %a "$data/node.key" 2>/dev/null)" = 600
key_json=$(curl -sf "$node_url/v1/node/key")
check "GET /v1/node/key names a did:key" matches "$key_json" '"did":"did:key:z6Mk'
check "the log names the node key's did" grep -q 'node_key did=did:key:z6Mk' "$work"/credenced.*.log

# ---- W3C status lists: attest -> export -> fetch -> verify -> revoke -> fetch -> verify
schema=$("$cli" schema register --key "$faucet" --name "Diploma" --fields "string degree, uint16 year")
att=$("$cli" attest --key "$faucet" --schema "$schema" --recipient did:example:alice --data-json '["BSc", 2024]')
check "attested" matches "$att" '^0x[0-9a-f]{64}$'
expect "export from the node" 0 'vc\.json' -- "$cli" vc export --from-node --attestation "$att" --out vc.json
check "credentialStatus is a BitstringStatusListEntry" grep -q '"type": "BitstringStatusListEntry"' vc.json
check "credentialStatus names the node's list 0" grep -q "\"statusListCredential\": \"$node_url/v1/status-lists/0\"" vc.json
check "the credential's issuer is the node key" grep -q "$(sed -E 's/.*"did":"([^"]+)".*/\1/' <<<"$key_json")" vc.json
list_url=$(sed -nE 's/.*"statusListCredential": "([^"]+)".*/\1/p' vc.json)
expect "fetch the list by URL" 0 'list\.json' -- "$cli" vc status-list fetch --url "$list_url" --out list.json
expect "valid before the revocation" 0 '^valid$' -- "$cli" vc verify --in vc.json --status-list list.json
index=$(sed -nE 's/.*"statusListIndex": "([0-9]+)".*/\1/p' vc.json)
expect "the entry is clear" 0 '^0$' -- "$cli" vc status-list check --list list.json --index "$index"
"$cli" revoke --key "$faucet" --id "$att" --reason "diploma withdrawn" >/dev/null
expect "fetch the list by number" 0 'list2\.json' -- "$cli" vc status-list fetch --list 0 --out list2.json
expect "revoked after the revocation" 1 '^invalid: revoked' -- "$cli" vc verify --in vc.json --status-list list2.json
expect "the entry is set" 0 '^1 \(revocation\)$' -- "$cli" vc status-list check --list list2.json --index "$index"
expect "the old list still says valid (a verifier must fetch a fresh one)" 0 '^valid$' -- \
  "$cli" vc verify --in vc.json --status-list list.json
expect "--json export shows the entry" 0 '"credential_status":\{' -- \
  "$cli" --json vc export --from-node --attestation "$att" --out vc2.json

# bad input
expect_err "unknown attestation" 2 '^error: unknown_attestation: ' -- \
  "$cli" vc export --from-node --attestation 0x"$(printf '%064d' 0)" --out x.json
expect_err "malformed id" 2 '^error: bad_length|^error: bad_hex' -- "$cli" vc export --from-node --attestation 0x12 --out x.json
expect_err "--from-node with --key" 2 '^error: usage: ' -- \
  "$cli" vc export --from-node --key "$faucet" --attestation "$att" --out x.json
expect_err "export without --key or --from-node" 2 '^error: usage: ' -- "$cli" vc export --attestation "$att" --out x.json
expect_err "a list past the last attestation" 2 '^error: unknown_status_list: ' -- \
  "$cli" vc status-list fetch --list 7 --out x.json
expect_err "fetch without --list or --url" 2 '^error: usage: ' -- "$cli" vc status-list fetch --out x.json
expect_err "fetch a URL that is not a list" 3 '^error: bad_response: ' -- \
  "$cli" vc status-list fetch --url "$node_url/v1/health" --out x.json
status=$(curl -s -o body.json -w '%{http_code}' "$node_url/v1/status-lists/nope")
check "GET /v1/status-lists/nope is 400" test "$status" = 400
check "... with a JSON error" grep -q '"code":"bad_query"' body.json
status=$(curl -s -o body.json -w '%{http_code}' "$node_url/v1/status-lists/5")
check "GET /v1/status-lists/5 is 404 unknown_status_list" grep -q '"code":"unknown_status_list"' body.json
check "... status 404" test "$status" = 404

# ---- EAS: sign -> anchor -> verify --node -> revoke -> verify --node reports revoked
"$cli" keygen --type secp256k1 --out eas.key >/dev/null
"$cli" keygen --type ed25519 --out anchor.key >/dev/null
"$cli" transfer --key "$faucet" --to "$("$cli" address --key anchor.key)" --amount 1000000 >/dev/null
now=$(date +%s)
uid=$("$cli" eas sign --key eas.key --schema 0x33e9094830a5cba5554d1954310e4fbed2ef5f859ec1404619adea4207f391fd \
  --recipient 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --data 0x --time "$now" --expiration 0 --revocable \
  --chain-id 31337 --contract 0x6f2E42BB4176e9A7352a8bF8886255Be9F3D2d13 --eas-version 1.4.0 --out att.json)
check "eas sign" matches "$uid" '^0x[0-9a-f]{64}$'
anchor_account=$("$cli" address --key anchor.key)
expect "verify --node before anchoring: valid, not anchored" 0 $'^valid\nanchored: no' -- \
  "$cli" eas verify --file att.json --node "$node_url"
expect "require-anchor before anchoring" 1 'not_anchored' -- \
  "$cli" eas verify --file att.json --node "$node_url" --require-anchor
expect "anchor" 0 "^anchored $uid at [0-9]+$" -- "$cli" eas anchor --key anchor.key --file att.json --node "$node_url"
expect "anchor again is idempotent" 0 "^anchored $uid at [0-9]+ \(already\)$" -- \
  "$cli" eas anchor --key anchor.key --file att.json --node "$node_url"
expect "verify --node after anchoring reports the time" 0 $'^valid\nanchored: [0-9]+ \(Credence height [0-9]+\)$' -- \
  "$cli" eas verify --file att.json --node "$node_url" --revoker "$anchor_account" --require-anchor
expect "--json verify --node" 0 '"anchored_at":[0-9]+' -- \
  "$cli" --json eas verify --file att.json --node "$node_url" --revoker "$anchor_account"
expect "revoke" 0 "^revoked $uid by $anchor_account$" -- "$cli" eas revoke --key anchor.key --file att.json --node "$node_url"
expect "verify --node --revoker after the revocation" 1 '^invalid: revoked' -- \
  "$cli" eas verify --file att.json --node "$node_url" --revoker "$anchor_account"
expect "... names the revoker" 1 "revoked in Credence's registry by $anchor_account" -- \
  "$cli" eas verify --file att.json --node "$node_url" --revoker "$anchor_account"
expect "a revoker that did not revoke: still valid" 0 '^valid' -- \
  "$cli" eas verify --file att.json --node "$node_url" --revoker "$("$cli" address --key "$faucet")"
expect "offline verify ignores the registries" 0 '^valid$' -- env -u CREDENCE_NODE "$cli" eas verify --file att.json
expect_err "revoking twice" 1 '^error: already_revoked: ' -- \
  "$cli" eas revoke --key anchor.key --uid "$uid" --node "$node_url"

# EAS bad input
sed 's/"time": *[0-9]*/"time": 1/' att.json >tampered.json
expect "anchor refuses what does not verify" 1 '^invalid: uid_mismatch' -- \
  "$cli" eas anchor --key anchor.key --file tampered.json --node "$node_url"
expect_err "anchor with a secp256k1 key" 2 '^error: bad_key_file: .*ed25519' -- \
  "$cli" eas anchor --key eas.key --file att.json --node "$node_url"
expect_err "revoker that is not an account" 2 '^error: bad_' -- \
  "$cli" eas verify --file att.json --node "$node_url" --revoker 0x1234
expect_err "--revoker without a node" 2 '^error: usage: ' -- \
  env -u CREDENCE_NODE "$cli" eas verify --file att.json --revoker "$anchor_account"
expect_err "revoke without an attestation" 2 '^error: usage: ' -- "$cli" eas revoke --key anchor.key
expect_err "unreachable node" 3 '^error: node_unreachable: ' -- \
  "$cli" eas verify --file att.json --node http://127.0.0.1:1
status=$(curl -s -o body.json -w '%{http_code}' "$node_url/v1/registries/0x12")
check "GET /v1/registries/0x12 is 400 bad_query" grep -q '"code":"bad_query"' body.json

echo "interop_node_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
