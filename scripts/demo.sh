#!/usr/bin/env bash
# The main job (the README's first quick-start command): installs what is missing, builds `credence` and
# `credenced`, starts a single-node devnet, seeds it once with demo credentials, prints the API address and CLI
# commands to try with real ids, and keeps the node running until Ctrl-C (which stops it cleanly).
#
# Seeded once per devnet directory (marker file `seeded`): a trust anchor "agency", an issuer "university"
# accredited by the agency under an "Accredited issuer" schema, a "Degree" schema whose policy requires that
# accreditation, two degrees (alice, bob) and the revocation of bob's. Keys live in DEVNET/keys, ids in
# DEVNET/demo.env; running the script again reuses both.
#
# Environment:
#   CREDENCE_DEVNET_DIR  data directory of the devnet (default ./devnet)
#   CREDENCE_PORT        HTTP API port on 127.0.0.1 (default 8545)
#   CREDENCE_DEMO_EXIT=1 seed and print, then stop the node and exit (CI, the functional test)
#   CREDENCE_BIN_DIR     use credence/credenced from this directory; skips setup and build
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

port=${CREDENCE_PORT:-8545}
devnet=${CREDENCE_DEVNET_DIR:-./devnet}
mkdir -p "$devnet"
devnet=$(cd "$devnet" && pwd)
url=http://127.0.0.1:$port

if [[ -z ${CREDENCE_BIN_DIR:-} ]]; then
  bash scripts/setup.sh
  cmake --preset dev >/dev/null
  cmake --build --preset dev --target credence credenced -j "$(nproc)"
  bin=$repo/build/bin
else
  bin=$(cd "$CREDENCE_BIN_DIR" && pwd)
fi
cli=$bin/credence
export CREDENCE_NODE=$url

# How the printed commands name the CLI: relative to the repository when it is inside it.
shown_cli=${cli#"$repo"/}
[[ $port == 8545 ]] || shown_cli="$shown_cli --node $url"
shown_dir=${devnet#"$repo"/}

node_pid=
seeding=no
stop_node() {
  [[ -n $node_pid ]] || return 0
  kill -INT "$node_pid" 2>/dev/null || true
  for _ in $(seq 300); do  # up to 30 s, then SIGKILL
    kill -0 "$node_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$node_pid" 2>/dev/null; then
    echo "demo: credenced did not stop within 30 s; killing it" >&2
    kill -KILL "$node_pid" 2>/dev/null || true
  fi
  wait "$node_pid" 2>/dev/null || true
  node_pid=
}
on_exit() {
  if [[ $seeding == yes ]]; then
    echo "demo: seeding failed (see the error above); remove $devnet to start over" >&2
  fi
  stop_node
}
trap on_exit EXIT
trap 'echo; echo "demo: stopping credenced"; exit 0' INT TERM

# --- start the node and wait for /v1/health
if "$cli" node status >/dev/null 2>&1; then
  echo "demo: something already answers on $url (another demo?); stop it or set CREDENCE_PORT" >&2
  exit 1
fi
log=$devnet/credenced.log
echo "demo: starting credenced (devnet $devnet, log $log)"
"$bin/credenced" --dev --data "$devnet" --listen "127.0.0.1:$port" >>"$log" 2>&1 &
node_pid=$!
healthy=no
for _ in $(seq 300); do  # up to 30 s
  if ! kill -0 "$node_pid" 2>/dev/null; then
    wait "$node_pid" 2>/dev/null || true
    node_pid=
    echo "demo: could not start credenced on 127.0.0.1:$port (port in use? set CREDENCE_PORT); its log:" >&2
    tail -5 "$log" >&2
    exit 1
  fi
  if "$cli" node status >/dev/null 2>&1; then healthy=yes; break; fi
  sleep 0.1
done
if [[ $healthy != yes ]]; then
  echo "demo: credenced did not answer $url/v1/health within 30 s; its log:" >&2
  tail -5 "$log" >&2
  exit 1
fi

# --- seed once
keys=$devnet/keys
ids=$devnet/demo.env
if [[ -f $devnet/seeded ]]; then
  echo "demo: reusing the seeded devnet in $devnet"
else
  echo "demo: seeding demo data"
  seeding=yes
  mkdir -p "$keys"
  for k in agency university alice bob; do
    [[ -f $keys/$k.key ]] || "$cli" keygen --type ed25519 --out "$keys/$k.key" >/dev/null
  done
  agency=$("$cli" address --key "$keys/agency.key")
  university=$("$cli" address --key "$keys/university.key")
  alice=$("$cli" address --key "$keys/alice.key")
  bob=$("$cli" address --key "$keys/bob.key")

  accreditation_schema=$("$cli" schema register --key "$keys/agency.key" --name "Accredited issuer" \
    --fields "string issuer_name, string scope" \
    --description "The agency accredits an issuer for a scope of credentials")
  accreditation=$("$cli" attest --key "$keys/agency.key" --schema "$accreditation_schema" \
    --recipient "$university" --data-json '["Example University", "degrees"]')
  printf '{"accreditation": {"schema": "%s", "trust_anchors": ["%s"], "max_depth": 1}}\n' \
    "$accreditation_schema" "$agency" >"$devnet/degree-policy.json"
  degree_schema=$("$cli" schema register --key "$keys/university.key" --name "Degree" \
    --fields "string degree, string field, uint16 year" \
    --description "A degree; only issuers accredited by the agency may attest" --policy "$devnet/degree-policy.json")
  alice_degree=$("$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$alice" \
    --data-json '["BSc", "Computer Science", 2024]' --accreditation "$accreditation")
  bob_degree=$("$cli" attest --key "$keys/university.key" --schema "$degree_schema" --recipient "$bob" \
    --data-json '["MSc", "Mathematics", 2023]' --accreditation "$accreditation")
  revocation=$("$cli" revoke --key "$keys/university.key" --id "$bob_degree" --reason "issued in error")
  cat >"$ids" <<EOF
agency=$agency
university=$university
alice=$alice
bob=$bob
accreditation_schema=$accreditation_schema
accreditation=$accreditation
degree_schema=$degree_schema
alice_degree=$alice_degree
bob_degree=$bob_degree
revocation=$revocation
EOF
  touch "$devnet/seeded"
  seeding=no
fi
# shellcheck source=/dev/null
source "$ids"
# The embedded verifier committee's group key (4 members, threshold 3; docs/committee.md).
group_key=$(grep -o '"group_public_key": *"0x[0-9a-f]*"' "$devnet/committee/committee.json" | grep -o '0x[0-9a-f]*')

cat <<EOF

Credence devnet is running.
  API:         $url  (try $url/v1/health)
  devnet dir:  $devnet  (keys in keys/, ids in demo.env, node log credenced.log)
  seeded:      the agency accredits the university (attestation $accreditation);
               the Degree schema requires that accreditation; alice and bob hold degrees; bob's is revoked.
  committee:   4 embedded verifiers, threshold 3, group key $group_key

Try, in another terminal:
  $shown_cli node status
  $shown_cli attestation get $alice_degree
  $shown_cli verify $alice_degree    # valid
  $shown_cli verify $bob_degree    # invalid: revoked
  $shown_cli attestation list --schema $degree_schema
  $shown_cli verify $alice_degree --proof-out /tmp/alice.proof.json
  $shown_cli certificate request --attestation $bob_degree --out /tmp/bob.cert.json
  $shown_cli certificate verify --certificate /tmp/bob.cert.json --group-key $group_key --proof /tmp/bob.cert.json
  $shown_cli attest --key $shown_dir/keys/university.key --schema $degree_schema --recipient $alice --data-json '["PhD", "Computer Science", 2027]' --accreditation $accreditation

The certificate commands ask the committee to certify bob's verdict (one Ed25519 signature by 3 of 4 members) and
check it offline; the last command issues a new degree.
EOF

if [[ ${CREDENCE_DEMO_EXIT:-} == 1 ]]; then
  echo "demo: CREDENCE_DEMO_EXIT=1, stopping credenced"
  stop_node
  exit 0
fi
echo "Press Ctrl-C to stop the node (the data stays in $shown_dir; run ./scripts/demo.sh again to resume)."
# `wait` returns when a signal arrives; the INT/TERM trap then exits and the EXIT trap stops the node.
while [[ -n $node_pid ]] && kill -0 "$node_pid" 2>/dev/null; do
  wait "$node_pid" || true
done
node_pid=
echo "demo: credenced exited (see $log)" >&2
exit 1
