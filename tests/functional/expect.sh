# Shared by the functional test scripts: expect / expect_err count results in `passed` and `failed` and use
# "$work" (a temporary directory the sourcing script creates) for captured stderr.

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
