# Shared by the functional test scripts: expect / expect_err count results in `passed` and `failed` and use
# "$work" (a temporary directory the sourcing script creates) for captured stderr.

# random_port: a TCP port for a test server, below the kernel's ephemeral range (ip_local_port_range, 32768.. by
# default). A port inside that range can become the source port of any outgoing connection on the machine — another
# test's client, a port probe — between choosing it and binding it, and the bind then fails (seen in CI-like runs:
# "bind: cannot listen on 127.0.0.1:38386").
random_port() {
  local low=32768
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
  ((low > 12000)) || low=32768
  echo $((10000 + RANDOM % (low - 10000)))
}

# expect NAME WANT_EXIT WANT_STDOUT_REGEX -- command...
expect() {
  local name=$1 want_exit=$2 want_out=$3
  shift 4
  local out err code
  out=$("$@" 2>"$work/stderr")
  code=$?
  err=$(cat "$work/stderr")
  if [[ $code -ne $want_exit ]] || ! [[ $out =~ $want_out ]]; then
    echo "FAIL $name: exit $code (want $want_exit), stdout [$out] (want /$want_out/), stderr [$err]"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}

# expect_err NAME WANT_EXIT STDERR_REGEX -- command...: failures print exactly one line naming the problem.
expect_err() {
  local name=$1 want_exit=$2 want_err=$3
  shift 4
  local code err lines
  "$@" >/dev/null 2>"$work/stderr"
  code=$?
  err=$(cat "$work/stderr")
  lines=$(wc -l <"$work/stderr")
  if [[ $code -ne $want_exit ]] || ! [[ $err =~ $want_err ]] || [[ $lines -ne 1 ]]; then
    echo "FAIL $name: exit $code (want $want_exit), stderr [$err] ($lines lines; want one matching /$want_err/)"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}
