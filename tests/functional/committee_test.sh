#!/usr/bin/env bash
# The verifier committee with real member processes (docs/committee.md): a file-based DKG ceremony run by seven
# member processes (`credence committee dkg`), a node coordinating them (`credenced --config` with [committee]),
# seven `credenced member` processes, then: certificates with two silent members, a bad-share member excluded and
# named, unsigned and malformed messages refused, a member killed and restarted mid-stream, certified checkpoints,
# and every certificate checked offline with `credence certificate verify`.
# Usage: committee_test.sh BIN_DIR (holding credence and credenced). Bounded: every wait has a limit.
set -u
bin=$1
cli=$bin/credence
daemon=$bin/credenced
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
# shellcheck source=expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

# Free TCP ports: a connection attempt that is refused means nobody listens there.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(random_port)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# raw_post PORT PATH BODY: an HTTP/1.1 POST over bash's /dev/tcp (no curl needed); prints the response.
raw_post() {
  local port=$1 path=$2 body=$3
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$path" "${#body}" "$body" >&3
  timeout 5 cat <&3
  exec 3<&-
}
raw_get() {
  local port=$1 path=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  timeout 5 cat <&3
  exec 3<&-
}

n=7
t=5
node_port=$(free_port)
declare -a mport
for i in $(seq $n); do mport[$i]=$(free_port); done

# ---- keys and the draft -------------------------------------------------------------------------------------
mkdir -p "$work/keys" "$work/r1" "$work/r2" "$work/data"
"$cli" keygen --type ed25519 --out "$work/keys/coordinator.key" >/dev/null
"$cli" keygen --type ed25519 --out "$work/keys/faucet.key" >/dev/null
members_json=""
for i in $(seq $n); do
  "$cli" keygen --type ed25519 --out "$work/keys/m$i.key" >/dev/null
  pub=$("$cli" address --key "$work/keys/m$i.key")
  members_json+="${members_json:+,}{\"id\":$i,\"identity\":\"$pub\",\"url\":\"http://127.0.0.1:${mport[$i]}/v1/committee\"}"
done
coordinator=$("$cli" address --key "$work/keys/coordinator.key")
faucet=$("$cli" address --key "$work/keys/faucet.key")
printf '{"threshold":%d,"coordinator":"%s","members":[%s]}\n' $t "$coordinator" "$members_json" >"$work/draft.json"

# ---- the DKG ceremony: every member runs its own three steps -----------------------------------------------
for i in $(seq $n); do
  expect "dkg round1 member $i" 0 "round 1 written" -- "$cli" committee dkg round1 --draft "$work/draft.json" \
    --identity-key "$work/keys/m$i.key" --secret-out "$work/m$i.state" --out "$work/r1/m$i.json"
done
check "dkg state is private" [ "$(stat -c %a "$work/m1.state")" = 600 ]
for i in $(seq $n); do
  expect "dkg round2 member $i" 0 "sealed round-2 packages" -- "$cli" committee dkg round2 --draft "$work/draft.json" \
    --identity-key "$work/keys/m$i.key" --secret "$work/m$i.state" --round1 "$work/r1" --out-dir "$work/r2"
done
for i in $(seq $n); do
  expect "dkg finish member $i" 0 "share written" -- "$cli" committee dkg finish --draft "$work/draft.json" \
    --identity-key "$work/keys/m$i.key" --secret "$work/m$i.state" --round1 "$work/r1" --round2 "$work/r2" \
    --share-out "$work/m$i.share" --committee-out "$work/committee-$i.json"
done
for i in $(seq 2 $n); do check "members agree on the committee ($i)" cmp -s "$work/committee-1.json" "$work/committee-$i.json"; done
cp "$work/committee-1.json" "$work/committee.json"
group_key=$(grep -o '"group_public_key": *"0x[0-9a-f]*"' "$work/committee.json" | grep -o '0x[0-9a-f]*')
check "group key present" [ ${#group_key} -eq 66 ]
# A tampered round-1 package is refused by name.
mkdir -p "$work/r1bad" && cp "$work"/r1/*.json "$work/r1bad/"
sed -i 's/"package":"0x\(..\)/"package":"0x00/' "$work/r1bad/m3.json"
expect_err "dkg refuses a tampered round-1 package" 2 "bad_round1_signature.*member 3" -- "$cli" committee dkg round2 \
  --draft "$work/draft.json" --identity-key "$work/keys/m1.key" --secret "$work/m1.state" --round1 "$work/r1bad" \
  --out-dir "$work/r2bad"
expect_err "dkg refuses a non-member key" 2 "not_a_member" -- "$cli" committee dkg round1 --draft "$work/draft.json" \
  --identity-key "$work/keys/faucet.key" --secret-out "$work/x.state" --out "$work/x.json"

# ---- the node and its members --------------------------------------------------------------------------------
cat >"$work/node.toml" <<EOF
[node]
data = "data"
listen = "127.0.0.1:$node_port"
[genesis]
chain_id = 4242
allocations = [{account = "$faucet", amount = 1000000}]
committee = "committee.json"
[block]
interval_ms = 10
[committee]
file = "committee.json"
coordinator_key = "keys/coordinator.key"
checkpoint_interval = 3
batch_window_ms = 2
EOF
"$daemon" --config "$work/node.toml" >"$work/node.log" 2>&1 &
pids+=($!)
disown $!
export CREDENCE_NODE=http://127.0.0.1:$node_port
for _ in $(seq 100); do "$cli" node status >/dev/null 2>&1 && break; sleep 0.1; done
expect "node up" 0 "chain_id: 4242" -- "$cli" node status
# The chain's genesis fixes the committee the ceremony produced; a node whose [committee] file is another committee
# refuses to start (here: the same file with the coordinator key replaced by a member's identity key).
committee_info=$(raw_get "$node_port" /v1/committee)
check "the committee is the genesis committee" grep -q '"in_genesis": *true' <<<"$committee_info"
m1_identity=$("$cli" address --key "$work/keys/m1.key")
sed "s/\"coordinator\": *\"0x[0-9a-f]*\"/\"coordinator\": \"$m1_identity\"/" "$work/committee.json" >"$work/other-committee.json"
check "other committee differs" bash -c "! cmp -s '$work/committee.json' '$work/other-committee.json'"
sed -e 's/^data = "data"/data = "data-other"/' -e "s/127.0.0.1:$node_port/127.0.0.1:$(free_port)/" \
  -e 's/^file = "committee.json"/file = "other-committee.json"/' "$work/node.toml" >"$work/node-other.toml"
timeout 20 "$daemon" --config "$work/node-other.toml" >"$work/node-other.log" 2>&1
other_exit=$?
check "a committee other than genesis's is refused (exit 2)" [ "$other_exit" -eq 2 ]
check "the refusal names config_mismatch" grep -q "config_mismatch.*not the committee fixed in this chain's genesis" \
  "$work/node-other.log"

declare -a mpid
start_member() {  # start_member I FAULT
  "$daemon" member --committee "$work/committee.json" --share "$work/m$1.share" --identity-key "$work/keys/m$1.key" \
    --node "$CREDENCE_NODE" --listen "127.0.0.1:${mport[$1]}" --fault "$2" >>"$work/member-$1.log" 2>&1 &
  mpid[$1]=$!
  pids+=($!)
  disown "${mpid[$1]}"  # killed on purpose below: no job-control noise
  for _ in $(seq 300); do  # up to 15 s: a loaded CI machine starts seven processes at once
    raw_get "${mport[$1]}" /v1/health 2>/dev/null | grep -q committee_member && return 0
    sleep 0.05
  done
  echo "FAIL member $1 did not start; its log:"; tail -5 "$work/member-$1.log"; failed=$((failed + 1))
}
stop_member() {
  kill -9 "${mpid[$1]}" 2>/dev/null
  for _ in $(seq 100); do kill -0 "${mpid[$1]}" 2>/dev/null || return 0; sleep 0.05; done
}

# Members 1–5 honest, 6 silent on purpose, 7 not running at all: two silent members (= n − t).
for i in 1 2 3 4 5; do start_member $i none; done
start_member 6 silent

att=0x$(printf 'ab%.0s' $(seq 32))
expect "certificate with 2 silent members" 0 "^certified: invalid at height" -- \
  "$cli" certificate request --attestation "$att" --timeout-ms 3000 --out "$work/cert1.json"
expect "certificate verifies offline" 0 "^valid certificate: attestation $att is invalid \(not_found\)" -- \
  "$cli" certificate verify --certificate "$work/cert1.json" --group-key "$group_key" --proof "$work/cert1.json"
expect "certificate fails under another key" 1 "^invalid certificate" -- \
  "$cli" certificate verify --certificate "$work/cert1.json" --group-key "$("$cli" address --key "$work/keys/m1.key")"
check "silent members did not sign" bash -c "! grep -q '\"responded\": *\[[^]]*[67]' '$work/cert1.json'"

# ---- malformed and unsigned messages to a member are refused -------------------------------------------------
reply=$(raw_post "${mport[1]}" /v1/committee/sign "hello")
check "garbage refused with 400" grep -q "^HTTP/1.1 400" <<<"$reply"
check "garbage refusal names a reason" grep -q '"code"' <<<"$reply"
unsigned=$(printf 'credence/committee-msg%.0s' 1)
reply=$(raw_post "${mport[1]}" /v1/committee/session "$unsigned")
check "unsigned message refused" grep -q "^HTTP/1.1 400" <<<"$reply"

# ---- a member sending bad shares is excluded and named; 7 then joins honestly ---------------------------------
stop_member 6
start_member 6 bad_share
start_member 7 none
named=0
for k in $(seq 25); do
  out=$("$cli" --json certificate request --attestation "$att" --timeout-ms 3000 2>/dev/null)
  [[ $out == *'"certified":true'* ]] || { echo "FAIL certificate with a bad-share member (try $k): $out" | head -c 600; failed=$((failed + 1)); break; }
  if [[ $out =~ \"excluded\":\[6\] ]]; then named=1; break; fi
done
check "bad-share member 6 excluded and named" [ $named -eq 1 ]
metrics=$(raw_get "$node_port" /metrics)
check "exclusion counted per member" grep -q 'credence_committee_member_excluded_total{member="6"} [1-9]' <<<"$metrics"
check "late-finality metric exported" grep -q '^credence_late_finality_ratio ' <<<"$metrics"
check "member response times exported" grep -q 'credence_committee_member_response_milliseconds_total{member="1"}' <<<"$metrics"

# ---- a member restarted mid-stream: certificates keep coming, and it takes part again ------------------------
stop_member 6
start_member 6 none
( for _ in $(seq 12); do "$cli" --json certificate request --attestation "$att" --timeout-ms 3000 2>/dev/null; echo; done ) \
  >"$work/stream.json" &
stream=$!
sleep 0.2
stop_member 2
start_member 2 none
wait $stream
check "every certificate issued across the restart" [ "$(grep -c '"certified":true' "$work/stream.json")" -eq 12 ]
expect "restarted member answers again" 0 "certified" -- bash -c \
  "for k in \$(seq 10); do o=\$('$cli' --json certificate request --attestation $att --timeout-ms 3000); [[ \$o =~ \\\"responded\\\":\\[[0-9,]*2 ]] && { echo certified; exit 0; }; done; exit 1"

# ---- certified checkpoints --------------------------------------------------------------------------------------
for k in 1 2 3 4; do
  "$cli" transfer --key "$work/keys/faucet.key" --to "$coordinator" --amount 1 >/dev/null 2>&1 || true
done
for _ in $(seq 50); do "$cli" certificate checkpoint --out "$work/checkpoint.json" >/dev/null 2>&1 && break; sleep 0.1; done
expect "checkpoint certificate verifies" 0 "^valid checkpoint: chain 4242 height [0-9]+" -- \
  "$cli" certificate verify --certificate "$work/checkpoint.json" --group-key "$group_key"
sed -i 's/"height": *\([0-9]*\)/"height": 999\1/' "$work/checkpoint.json"
expect "tampered checkpoint fails" 1 "^invalid" -- \
  "$cli" certificate verify --certificate "$work/checkpoint.json" --group-key "$group_key"

# ---- bad input to the node and the CLI ------------------------------------------------------------------------
expect_err "deadline too far" 2 "bad_timeout" -- "$cli" certificate request --attestation "$att" --timeout-ms 99999
expect_err "bad attestation id" 2 "bad_attestation_id" -- "$cli" certificate request --attestation 0x12
expect_err "bad group key" 2 "bad_group_key" -- "$cli" certificate verify --certificate "$work/cert1.json" --group-key zz

echo "committee functional: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
