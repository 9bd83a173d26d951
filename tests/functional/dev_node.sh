# Shared by the functional scripts that run a `credenced --dev` node: start it on a free port, wait for it, stop it
# with SIGINT (a node that ignores SIGINT for 15 s is a failure, then killed). The sourcing script sets `daemon`,
# `cli`, `data`, `work`, `failed`, and `node_pid=` / `node_status=0` / `node_log=` before sourcing, and sources
# expect.sh (random_port) too.

stop_node() {  # SIGINT, then SIGKILL after 15 s
  [[ -n $node_pid ]] || return 0
  kill -INT "$node_pid" 2>/dev/null
  for _ in $(seq 150); do
    kill -0 "$node_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$node_pid" 2>/dev/null; then
    echo "FAIL credenced did not stop within 15 s of SIGINT; killing it"
    failed=$((failed + 1))
    kill -KILL "$node_pid" 2>/dev/null
  fi
  wait "$node_pid" 2>/dev/null
  node_status=$?
  node_pid=
}

# start_node PORT: starts credenced on PORT; 0 once it logs its listening address, 1 if it exits first or 10 s pass.
start_node() {
  local port=$1 log=$work/credenced.$1.log
  # Under timeout(1), which forwards our SIGINT: if this script is killed outright, the node still ends.
  timeout -s INT -k 10 280 "$daemon" --dev --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
  node_pid=$!
  for _ in $(seq 100); do
    if grep -q "listening address=http://127.0.0.1:$port" "$log"; then
      node_log=$log
      return 0
    fi
    kill -0 "$node_pid" 2>/dev/null || { wait "$node_pid" 2>/dev/null; node_pid=; return 1; }
    sleep 0.1
  done
  stop_node
  return 1
}

# A free port: random ports (random_port) until credenced starts on one; sets `port`.
start_on_free_port() {
  for _ in $(seq 20); do
    port=$(random_port)
    start_node "$port" && return 0
  done
  echo "FAIL could not start credenced on any of 20 random ports; last log:"
  cat "$work"/credenced.*.log 2>/dev/null | tail -20
  exit 1
}

wait_healthy() {  # up to 10 s
  for _ in $(seq 100); do
    "$cli" node status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "FAIL the node did not answer /v1/health within 10 s"
  exit 1
}
