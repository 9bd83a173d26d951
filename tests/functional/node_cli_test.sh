#!/usr/bin/env bash
# Black-box test of the `credence` commands against a real `credenced --dev` node (docs/cli.md "Commands against a
# node"): schemas with policies, an accreditation chain, attestations, listing with filters, revocation, verdicts,
# the proof round trip through the offline verifier, every bad-input path, a SIGINT stop and a restart on the same
# data; then scripts/demo.sh in its CI mode (seed, print, stop) twice on one devnet directory, and once in its
# normal mode, stopped with Ctrl-C (SIGINT to its process group).
#
# Usage: node_cli_test.sh BIN_DIR   (BIN_DIR holds credence and credenced; CTest passes it)
# Bounded: every wait has a deadline, and the node is always killed on exit.
set -uo pipefail
bin_dir=${1:-${CREDENCE_BIN_DIR:-}}
[[ -n $bin_dir ]] || { echo "usage: $0 BIN_DIR"; exit 2; }
bin_dir=$(cd "$bin_dir" && pwd)
cli=$bin_dir/credence
daemon=$bin_dir/credenced
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
data=$work/node
node_pid=
node_status=0
node_log=
passed=0
failed=0

demo_pid=
cleanup() {
  stop_node
  if [[ -n $demo_pid ]] && kill -0 "$demo_pid" 2>/dev/null; then  # the Ctrl-C demo, if interrupted mid-check
    kill -INT -- "-$demo_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$demo_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# shellcheck source=expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=dev_node.sh
source "$(dirname "${BASH_SOURCE[0]}")/dev_node.sh"

matches() { [[ $1 =~ $2 ]]; }

check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

# run VAR command...: stores stdout in VAR; a failure is reported and leaves VAR empty.
run() {
  local var=$1
  shift
  local out
  if out=$("$@" 2>"$work/stderr"); then
    printf -v "$var" '%s' "$out"
  else
    echo "FAIL $* -> exit $?: $(cat "$work/stderr")"
    failed=$((failed + 1))
    printf -v "$var" '%s' ""
  fi
}

id_re='^0x[0-9a-f]{64}$'
zero_id=0x$(printf '%064d' 0)

# ---------------------------------------------------------------------------------------------------------------
start_on_free_port
export CREDENCE_NODE=http://127.0.0.1:$port
wait_healthy
expect "node status" 0 '^status: ok.*chain_id: 1337' -- "$cli" node status
expect "node status json" 0 '"chain_id":1337' -- "$cli" --json node status

keys=$work/keys
mkdir -p "$keys"
for k in agency university student1 student2 outsider; do
  "$cli" keygen --type ed25519 --out "$keys/$k.key" >/dev/null || { echo "FAIL keygen $k"; exit 1; }
done
"$cli" keygen --type secp256k1 --out "$keys/wallet.key" >/dev/null
agency=$("$cli" address --key "$keys/agency.key")
university=$("$cli" address --key "$keys/university.key")
student1=$("$cli" address --key "$keys/student1.key")
student2=$("$cli" address --key "$keys/student2.key")

# --- schemas
run acc_schema "$cli" schema register --key "$keys/agency.key" --name "Accredited issuer" \
  --fields "string issuer_name, string scope" --description "accreditation by the agency"
check "accreditation schema id" matches "$acc_schema" "$id_re"
expect_err "register twice" 1 '^error: already_exists: ' -- "$cli" schema register --key "$keys/agency.key" \
  --name "Accredited issuer" --fields "string issuer_name, string scope" --description "accreditation by the agency"
run acc "$cli" attest --key "$keys/agency.key" --schema "$acc_schema" --recipient "$university" \
  --data-json '["Example University", "degrees"]'
check "accreditation id" matches "$acc" "$id_re"

cat >"$work/degree-policy.json" <<EOF
{"accreditation": {"schema": "$acc_schema", "trust_anchors": ["$agency"], "max_depth": 1}}
EOF
run degree_schema "$cli" schema register --key "$keys/university.key" --name Degree \
  --fields "string degree, uint16 year" --policy "$work/degree-policy.json"
check "degree schema id" matches "$degree_schema" "$id_re"
expect "schema get" 0 'name: Degree.*fields: string degree,uint16 year.*"trust_anchors":\["'"$agency" -- \
  "$cli" schema get "$degree_schema"
expect "schema get json" 0 '^\{"id":"'"$degree_schema"'","schema":\{' -- "$cli" --json schema get "$degree_schema"
echo '{"accreditation": {"schema": 5}}' >"$work/bad-policy.json"
expect_err "malformed policy file" 2 '^error: bad_field: .*bad-policy.json' -- "$cli" schema register \
  --key "$keys/university.key" --name X --fields "uint8 x" --policy "$work/bad-policy.json"
expect_err "bad fields" 2 '^error: bad_schema: ' -- "$cli" schema register --key "$keys/university.key" \
  --name X --fields "uint7 x"

# --- attestations under the policy
run d1 "$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$student1" \
  --data-json '["BSc Computer Science", 2024]' --accreditation "$acc"
check "degree 1 id" matches "$d1" "$id_re"
run d2 "$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$student2" \
  --recipient did:example:student2 --indexing-key "ref-42" --data-json '["MSc Mathematics", "2023"]' \
  --accreditation "$acc"
check "degree 2 id" matches "$d2" "$id_re"
expect_err "attest without accreditation" 1 '^error: not_accredited: ' -- "$cli" attest \
  --key "$keys/university.key" --schema "$degree_schema" --recipient "$student1" --data-json '["BSc", 2024]'
expect_err "attest by an outsider" 1 '^error: not_accredited: ' -- "$cli" attest --key "$keys/outsider.key" \
  --schema "$degree_schema" --recipient "$student1" --data-json '["BSc", 2024]' --accreditation "$acc"
expect "attestation get" 0 'attester: '"$university"'.*data: \["BSc Computer Science","2024"\]' -- \
  "$cli" attestation get "$d1"
expect "attestation get json" 0 '"record":\{"attestation":\{' -- "$cli" --json attestation get "$d1"

# --- malformed data, ids and arguments
attest_d() { "$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$student1" \
  --accreditation "$acc" "$@"; }
expect_err "data json wrong arity" 2 '^error: abi_value_mismatch: ' -- attest_d --data-json '["BSc"]'
expect_err "data json out of range" 2 '^error: abi_value_mismatch: ' -- attest_d --data-json '["BSc", 70000]'
expect_err "data json not json" 2 '^error: bad_json: --data-json' -- attest_d --data-json '["BSc", 20'
expect_err "data hex not the fields" 2 '^error: data_mismatch: ' -- attest_d --data-hex 0x1234
expect_err "data hex not hex" 2 '^error: bad_hex: --data-hex' -- attest_d --data-hex 0xzz
expect_err "no data" 2 '^error: bad_arguments: ' -- attest_d
expect_err "two data forms" 2 '^error: bad_arguments: ' -- attest_d --data-json '["a",1]' --data-hex 0x00
expect_err "bad recipient" 2 '^error: bad_recipient: ' -- "$cli" attest --key "$keys/university.key" \
  --schema "$degree_schema" --recipient 0x1234 --data-json '["BSc", 2024]'
expect_err "attest unknown schema" 2 '^error: unknown_schema: ' -- "$cli" attest --key "$keys/university.key" \
  --schema "$zero_id" --recipient "$student1" --data-json '[]'
expect_err "schema get unknown" 2 '^error: unknown_schema: ' -- "$cli" schema get "$zero_id"
expect "schema get unknown json" 2 '^\{"error":\{"code":"unknown_schema"' -- "$cli" --json schema get "$zero_id"
expect_err "attestation get unknown" 2 '^error: unknown_attestation: ' -- "$cli" attestation get "$zero_id"
expect_err "tx status unknown" 2 '^error: unknown_transaction: ' -- "$cli" tx status "$zero_id"
expect_err "short id" 2 '^error: bad_length: schema id' -- "$cli" schema get 0x1234
expect_err "non-hex id" 2 '^error: bad_hex: attestation id' -- "$cli" attestation get nothex
expect_err "verify: ID and --type" 2 '^error: usage: ' -- "$cli" verify "$d1" --type ed25519
expect_err "verify: neither" 2 '^error: usage: ' -- "$cli" verify
expect_err "verify: --proof-out without ID" 2 '^error: usage: ' -- "$cli" verify --proof-out x --type ed25519 \
  --message-hex 00 --signature 00

# --- key files
chmod 644 "$keys/student1.key"
expect_err "insecure key file" 2 '^error: insecure_key_file: ' -- "$cli" revoke --key "$keys/student1.key" --id "$d1"
chmod 600 "$keys/student1.key"
printf '{"type":"ed25519","secret_key":"00"}' >"$work/bad.key" && chmod 600 "$work/bad.key"
expect_err "malformed key file" 2 '^error: bad_key_file: ' -- "$cli" revoke --key "$work/bad.key" --id "$d1"
expect_err "secp256k1 key" 2 '^error: bad_key_file: .*ed25519' -- "$cli" revoke --key "$keys/wallet.key" --id "$d1"
expect_err "missing key file" 3 '^error: io_error: ' -- "$cli" revoke --key "$work/nope.key" --id "$d1"

# --- listing with filters
expect "list by schema" 0 "^$d2 .*"$'\n'"$d1 " -- "$cli" attestation list --schema "$degree_schema"
expect "list by attester" 0 "^$acc attester=$agency recipients=$university issued_at=[0-9]+\$" -- \
  "$cli" attestation list --attester "$agency"
expect "list by recipient" 0 "^$d1 [^"$'\n'"]*\$" -- "$cli" attestation list --recipient "$student1"
expect "list by external recipient" 0 "^$d2 " -- "$cli" attestation list --recipient did:example:student2
expect "list by indexing key" 0 "^$d2 [^"$'\n'"]*\$" -- "$cli" attestation list --indexing-key ref-42
expect "list page 1" 0 "^$d2 [^"$'\n'"]*"$'\n'"next_cursor [0-9]+\$" -- \
  "$cli" attestation list --schema "$degree_schema" --limit 1
cursor=$("$cli" attestation list --schema "$degree_schema" --limit 1 | sed -n 's/^next_cursor //p')
expect "list page 2" 0 "^$d1 " -- "$cli" attestation list --schema "$degree_schema" --limit 1 --cursor "$cursor"
expect "list none" 0 '^\(none\)$' -- "$cli" attestation list --recipient did:example:nobody
expect "list json" 0 '^\{"attestations":\[\{"id":"' -- "$cli" --json attestation list --schema "$degree_schema"
expect_err "list bad limit" 2 '^error: bad_query: ' -- "$cli" attestation list --limit 0

# --- verification, revocation, proofs
expect "verify valid" 0 '^valid$' -- "$cli" verify "$d1"
expect "verify json" 0 '"verdict":\{"reasons":\[\],"valid":true\}' -- "$cli" --json verify "$d1"
expect "verify not found" 1 '^invalid: not_found' -- "$cli" verify "$zero_id"
expect "verify before issuance" 1 '^invalid: not_yet_valid' -- "$cli" verify "$d1" --time 1000
run now "$cli" --json node status
now=$(sed -n 's/.*"time":\([0-9]*\).*/\1/p' <<<"$now")
run d3 "$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$student1" \
  --data-json '["Certificate", 2025]' --accreditation "$acc" --valid-until $((now + 3600))
expect "verify expired later" 1 '^invalid: expired' -- "$cli" verify "$d3" --time $((now + 7200))

run revoke_tx "$cli" revoke --key "$keys/university.key" --id "$d2" --reason "issued in error"
check "revoke prints a transaction id" matches "$revoke_tx" "$id_re"
expect "tx status of the revocation" 0 '^status: committed.*receipt: ok' -- "$cli" tx status "$revoke_tx"
expect "verify revoked" 1 '^invalid: revoked'$'\n''  revoked: revoked at [0-9]+: issued in error' -- "$cli" verify "$d2"
expect "attestation get revoked" 0 'revoked_at: [0-9]+ \(issued in error\)' -- "$cli" attestation get "$d2"
expect_err "revoke twice" 1 '^error: already_revoked: ' -- "$cli" revoke --key "$keys/university.key" --id "$d2"
expect_err "revoke by another" 1 '^error: not_attester: ' -- "$cli" revoke --key "$keys/agency.key" --id "$d1"
expect "list valid now" 0 "^$d3 [^"$'\n'"]*"$'\n'"$d1 [^"$'\n'"]*\$" -- \
  "$cli" attestation list --schema "$degree_schema" --valid-now

# The proof round trip: the node's bundle and record, checked offline against the root it names.
offline() {  # offline FILE_PREFIX: runs the "offline check" command `verify --proof-out` printed
  local cmd
  cmd=$(sed -n 's/^offline check: credence //p' "$work/$1.out")
  [[ -n $cmd ]] || { echo "no offline check line in $1.out"; return 9; }
  # shellcheck disable=SC2086  # the printed command is split into words on purpose
  "$cli" $cmd
}
"$cli" verify "$d1" --proof-out "$work/d1.proof.json" >"$work/d1.out"
check "proof-out writes the bundle" test -s "$work/d1.proof.json"
check "proof-out writes the record" test -s "$work/d1.attestation.json"
expect "offline valid" 0 '^valid$' -- offline d1
"$cli" verify "$d2" --proof-out "$work/d2.proof.json" --attestation-out "$work/revoked.json" >"$work/d2.out"
expect "offline revoked" 1 '^invalid: revoked' -- offline d2
root=$(sed -n 's/.* --root \(0x[0-9a-f]*\) .*/\1/p' "$work/d1.out")
t=$(sed -n 's/.* --time \([0-9]*\)$/\1/p' "$work/d1.out")
expect_err "offline: proof of another attestation" 2 '^error: incomplete_proof' -- "$cli" attestation verify \
  --attestation "$work/d1.attestation.json" --proof "$work/d2.proof.json" --root "$root" --time "$t"
expect "verify not found with proof" 1 'no attestation file' -- "$cli" verify "$zero_id" --proof-out "$work/nf.proof.json"

# --- other schema kinds
run offl "$cli" schema register --key "$keys/agency.key" --name "Audit report" --fields "string summary" --off-ledger
run offl_att "$cli" attest --key "$keys/agency.key" --schema "$offl" --recipient did:example:company \
  --data-json '["all good"]' --uri https://example.org/audit/1
check "off-ledger attestation id" matches "$offl_att" "$id_re"
expect "off-ledger data shown as hash and uri" 0 'data: off ledger, sha256 0x[0-9a-f]{64} at https://example.org/audit/1' -- \
  "$cli" attestation get "$offl_att"
expect_err "off-ledger without uri" 2 '^error: bad_arguments: ' -- "$cli" attest --key "$keys/agency.key" \
  --schema "$offl" --recipient did:example:company --data-hash "$zero_id"
run irrev "$cli" schema register --key "$keys/agency.key" --name "Birth record" --fields "uint64 born" --irrevocable
run irrev_att "$cli" attest --key "$keys/agency.key" --schema "$irrev" --recipient "$student1" --data-json '[946684800]'
expect "irrevocable attestation" 0 'revocable: false' -- "$cli" attestation get "$irrev_att"
expect_err "revoke irrevocable" 1 '^error: irrevocable: ' -- "$cli" revoke --key "$keys/agency.key" --id "$irrev_att"

# --- transfer and --no-wait
run transfer_tx "$cli" transfer --key "$data/faucet.key" --to "$agency" --amount 1000
check "transfer prints a transaction id" matches "$transfer_tx" "$id_re"
expect_err "transfer without balance" 1 '^error: insufficient_balance: ' -- "$cli" transfer \
  --key "$keys/student1.key" --to "$agency" --amount 5
expect_err "transfer to a non-account" 2 '^error: bad_length: --to' -- "$cli" transfer --key "$data/faucet.key" \
  --to 0x1234 --amount 5

# --- assets: create (beyond 64 bits), mint, transfer, balances
run grant "$cli" asset create --key "$keys/agency.key" --symbol GRANT --name "Grant token" --decimals 18 \
  --initial-supply 1000000000000000000000000 --max-supply 2000000000000000000000000
check "asset create prints an id" matches "$grant" "$id_re"
expect "asset get" 0 'symbol: GRANT' -- "$cli" asset get "$grant"
expect "native asset" 0 'symbol: CRED' -- "$cli" asset get 0x$(printf '0%.0s' {1..64})
run mint_tx "$cli" asset mint --key "$keys/agency.key" --asset "$grant" --to "$student1" --amount 40
run grant_tx "$cli" transfer --key "$keys/student1.key" --to "$agency" --amount 15 --asset "$grant"
expect "balance of an asset" 0 '^25$' -- "$cli" balance "$student1" --asset "$grant"
expect "issuer balance" 0 '^1000000000000000000000015$' -- "$cli" balance "$agency" --asset "$grant"
expect "native balance" 0 '^1000$' -- "$cli" balance "$agency"
expect_err "mint by a stranger" 1 '^error: not_issuer: ' -- "$cli" asset mint --key "$keys/student1.key" \
  --asset "$grant" --to "$student1" --amount 1
expect_err "mint above the cap" 1 '^error: supply_cap_exceeded: ' -- "$cli" asset mint --key "$keys/agency.key" \
  --asset "$grant" --to "$student1" --amount 1000000000000000000000000
expect_err "asset with a bad symbol" 2 '^error: bad_asset: ' -- "$cli" asset create --key "$keys/agency.key" \
  --symbol "NO SPACES" --initial-supply 1
expect_err "negative amount" 2 '^error: bad_arguments: --amount' -- "$cli" transfer --key "$keys/agency.key" \
  --to "$student1" --amount -5
expect_err "unknown asset" 2 '^error: unknown_asset: ' -- "$cli" balance "$student1" --asset 0x$(printf '%064d' 1)

# --- distributions: a tree of (account, allocation), escrow, degree-gated claims, show, concentration
printf 'account,amount\n%s,25\n%s,15\n' "$student1" "$student2" >"$work/alloc.csv"
run dist_root "$cli" dist build --csv "$work/alloc.csv" --out "$work/alloc.json" --leaf-encoding bytes32,uint256 --quiet
check "dist build prints a root" matches "$dist_root" "$id_re"
now=$(date +%s)
run dist_id "$cli" dist create --key "$keys/agency.key" --asset "$grant" --total 40 --root "$dist_root" \
  --claim-start $((now - 60)) --require-schema "$degree_schema" --trusted-attester "$university"
check "dist create prints an id" matches "$dist_id" "$id_re"
expect "escrowed" 0 'escrow: 40' -- "$cli" dist show "$dist_id"
expect "claimable before the claim" 0 'claimable: 25' -- "$cli" dist show "$dist_id" --claimant "$student1" \
  --allocation 25
run claim_tx "$cli" dist claim --key "$keys/student1.key" --distribution "$dist_id" --tree "$work/alloc.json" \
  --attestation "$d1"
expect "claim paid the claimant" 0 '^50$' -- "$cli" balance "$student1" --asset "$grant"
expect_err "claim twice" 1 '^error: nothing_to_claim: ' -- "$cli" dist claim --key "$keys/student1.key" \
  --distribution "$dist_id" --tree "$work/alloc.json" --attestation "$d1"
expect_err "claim with a revoked degree" 1 '^error: ineligible: ' -- "$cli" dist claim --key "$keys/student2.key" \
  --distribution "$dist_id" --tree "$work/alloc.json" --attestation "$d2"
expect_err "claim with someone else's degree" 1 '^error: not_recipient: ' -- "$cli" dist claim \
  --key "$keys/student2.key" --distribution "$dist_id" --tree "$work/alloc.json" --attestation "$d1"
expect_err "claim outside the tree" 2 '^error: not_in_tree: ' -- "$cli" dist claim --key "$keys/agency.key" \
  --distribution "$dist_id" --tree "$work/alloc.json" --attestation "$d1"
expect_err "cancel a non-cancelable distribution" 1 '^error: not_cancelable: ' -- "$cli" dist cancel \
  --key "$keys/agency.key" --distribution "$dist_id" --wipe
expect_err "clawback by a stranger" 1 '^error: not_distributor: ' -- "$cli" dist clawback \
  --key "$keys/student1.key" --distribution "$dist_id"
expect_err "distribution without a total" 2 '^error: bad_distribution: ' -- "$cli" dist create \
  --key "$keys/agency.key" --total 0 --root "$dist_root" --claim-start "$now"
expect "concentration" 0 'holders: 2'$'\n''held: 1000000000000000000000025' -- "$cli" asset concentration "$grant"
expect_err "bad threshold" 2 '^error: bad_query: ' -- "$cli" asset concentration "$grant" --threshold 2
expect "concentration at genesis" 0 'height: 0'$'\n''holders: 0' -- "$cli" asset concentration "$grant" --height 0

run pending_tx "$cli" attest --key "$keys/agency.key" --schema "$acc_schema" --recipient "$student1" \
  --data-json '["x", "y"]' --no-wait
check "no-wait prints a transaction id" matches "$pending_tx" "$id_re"
committed=no
for _ in $(seq 100); do
  if "$cli" tx status "$pending_tx" 2>/dev/null | grep -q '^status: committed'; then committed=yes; break; fi
  sleep 0.1
done
check "no-wait transaction commits within 10 s" test $committed = yes
expect "tx status lists what it created" 0 'receipt: ok'$'\n''created: 0x[0-9a-f]{64}' -- "$cli" tx status "$pending_tx"

# --- node problems
expect_err "node unreachable" 3 '^error: node_unreachable: ' -- "$cli" --node http://127.0.0.1:1 node status
expect_err "node unreachable (attest)" 3 '^error: node_unreachable: ' -- "$cli" --node http://127.0.0.1:1 attest \
  --key "$keys/agency.key" --schema "$acc_schema" --recipient "$student1" --data-json '["x", "y"]'
expect_err "bad node url" 2 '^error: bad_node_url: ' -- "$cli" --node 127.0.0.1:$port node status
expect "node url from the environment" 0 '^status: ok' -- env CREDENCE_NODE="http://127.0.0.1:$port/" "$cli" node status

# --- stop with SIGINT, restart on the same data
run height_before "$cli" --json node status
height_before=$(sed -n 's/.*"height":\([0-9]*\).*/\1/p' <<<"$height_before")
stop_node
check "credenced exits 0 on SIGINT" test "$node_status" -eq 0
check "credenced logs its stop" grep -q 'stopped' "$node_log"
expect_err "node stopped" 3 '^error: node_unreachable: ' -- "$cli" node status
start_node "$port" || start_on_free_port
export CREDENCE_NODE=http://127.0.0.1:$port
wait_healthy
run height_after "$cli" --json node status
height_after=$(sed -n 's/.*"height":\([0-9]*\).*/\1/p' <<<"$height_after")
check "height kept across the restart ($height_before -> $height_after)" test "${height_after:-0}" -ge "${height_before:-1}"
expect "schema after restart" 0 'name: Degree' -- "$cli" schema get "$degree_schema"
expect "valid after restart" 0 '^valid$' -- "$cli" verify "$d1"
expect "revoked after restart" 1 '^invalid: revoked' -- "$cli" verify "$d2"
expect "list after restart" 0 "^$d3 .*$d2 .*$d1 " -- "$cli" attestation list --schema "$degree_schema"
run d4 "$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$student2" \
  --data-json '["PhD", 2026]' --accreditation "$acc"
check "attest after restart (nonces kept)" matches "$d4" "$id_re"
stop_node

# --- scripts/demo.sh, CI mode: seed, print, stop; the second run reuses the data and prints the same ids
demo() {
  CREDENCE_DEMO_EXIT=1 CREDENCE_BIN_DIR=$bin_dir CREDENCE_DEVNET_DIR=$work/devnet CREDENCE_PORT=$1 \
    timeout 120 bash "$repo/scripts/demo.sh"
}
demo_ok=no
for _ in $(seq 5); do
  demo_port=$(random_port)
  if demo "$demo_port" >"$work/demo1.out" 2>&1; then demo_ok=yes; break; fi
  grep -q 'could not start credenced' "$work/demo1.out" || break  # a port clash is retried, anything else fails
done
if [[ $demo_ok == yes ]]; then
  passed=$((passed + 1))
  check "demo prints the API address" grep -q "http://127.0.0.1:$demo_port" "$work/demo1.out"
  check "demo seeds once" test -f "$work/devnet/seeded"
  demo "$demo_port" >"$work/demo2.out" 2>&1
  check "demo runs again" test $? -eq 0
  check "demo does not seed twice" grep -q 'reusing' "$work/demo2.out"
  check "demo prints the same commands" diff <(grep '^  ' "$work/demo1.out") <(grep '^  ' "$work/demo2.out")
  # The normal mode keeps the node until Ctrl-C: SIGINT to the demo's process group (what a terminal sends) must end
  # it with status 0 and stop credenced cleanly. Job control gives the demo its own group, with SIGINT not ignored.
  stopped_before=$(grep -c ' stopped ' "$work/devnet/credenced.log" || true)
  set -m
  CREDENCE_BIN_DIR=$bin_dir CREDENCE_DEVNET_DIR=$work/devnet CREDENCE_PORT=$demo_port \
    bash "$repo/scripts/demo.sh" </dev/null >"$work/demo3.out" 2>&1 &
  demo_pid=$!
  set +m
  for _ in $(seq 600); do  # up to 60 s
    grep -q 'Press Ctrl-C' "$work/demo3.out" && break
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 0.1
  done
  check "demo waits for Ctrl-C" grep -q 'Press Ctrl-C' "$work/demo3.out"
  kill -INT -- "-$demo_pid" 2>/dev/null || true
  for _ in $(seq 400); do  # up to 40 s: the demo gives credenced 30 s before SIGKILL
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$demo_pid" 2>/dev/null; then
    kill -KILL -- "-$demo_pid" 2>/dev/null || true
    echo "FAIL demo: still running 40 s after Ctrl-C"
    failed=$((failed + 1))
  fi
  demo_status=0
  wait "$demo_pid" || demo_status=$?
  demo_pid=
  check "demo: Ctrl-C exits with status 0" test "$demo_status" -eq 0
  check "demo: Ctrl-C stops credenced cleanly" \
    test "$(grep -c ' stopped ' "$work/devnet/credenced.log" || true)" -gt "$stopped_before"
  alice=$(sed -n 's/^alice_degree=//p' "$work/devnet/demo.env")
  bob=$(sed -n 's/^bob_degree=//p' "$work/devnet/demo.env")
  data=$work/devnet
  port=$demo_port
  start_node "$port" || start_on_free_port
  export CREDENCE_NODE=http://127.0.0.1:$port
  wait_healthy
  # The ids the demo printed are real: check them on a node over the same devnet.
  expect "demo: alice's degree is valid" 0 '^valid$' -- "$cli" verify "$alice"
  expect "demo: bob's degree is revoked" 1 '^invalid: revoked' -- "$cli" verify "$bob"
  # The devnet's embedded committee certifies that verdict, and the certificate checks offline.
  expect "demo: committee certifies bob's verdict" 0 '^certified: invalid at height' -- \
    "$cli" certificate request --attestation "$bob" --timeout-ms 5000 --out "$work/bob.cert.json"
  demo_group_key=$(grep -o '"group_public_key": *"0x[0-9a-f]*"' "$work/devnet/committee/committee.json" | grep -o '0x[0-9a-f]*')
  expect "demo: certificate verifies offline" 0 "^valid certificate: attestation $bob is invalid \\(revoked\\)" -- \
    "$cli" certificate verify --certificate "$work/bob.cert.json" --group-key "$demo_group_key" --proof "$work/bob.cert.json"
  expect "demo: alice's degree data" 0 'data: \["BSc","Computer Science","2024"\]' -- "$cli" attestation get "$alice"
  stop_node
else
  echo "FAIL scripts/demo.sh (CI mode):"
  tail -30 "$work/demo1.out"
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
