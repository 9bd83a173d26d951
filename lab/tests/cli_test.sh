#!/usr/bin/env bash
# Functional test of credence-lab (docs/lab.md): run and compare on a small scenario, byte-identical reruns, and clear
# errors with exit code 2 for bad input. Usage: CREDENCE_LAB=path/to/credence-lab bash lab/tests/cli_test.sh
set -u
LAB=${CREDENCE_LAB:?set CREDENCE_LAB to the credence-lab binary}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run: the three outputs, a headline on stdout, progress on stderr.
"$LAB" run "$HERE/small.toml" --seed 3 --out "$WORK/a" >"$WORK/a.out" 2>"$WORK/a.err" || fail "run exited $?"
for f in summary.json timeseries.csv report.html; do
  [ -s "$WORK/a/$f" ] || fail "run did not write $f"
done
grep -q '^small: requests ' "$WORK/a.out" || fail "no headline on stdout"
grep -q '100%' "$WORK/a.err" || fail "no progress on stderr"
python3 - "$WORK/a/summary.json" <<'PY' || fail "summary.json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["scenario"] == "small" and j["seed"] == 3 and j["crypto"] == "modeled", j
assert [p["name"] for p in j["phases"]] == ["calm", "shock"]
o = j["overall"]
assert o["requests"]["arrived"] > 100
assert 0 <= o["late_finality_rate"] <= 1 and 0 <= o["bypass_rate"] <= 1
assert o["concentration"]["gini"] > 0
PY
[ "$(wc -l <"$WORK/a/timeseries.csv")" -eq 5 ] || fail "timeseries.csv should have a header and 4 buckets"
grep -q '<script' "$WORK/a/report.html" && fail "report.html has a script"
grep -q '<svg' "$WORK/a/report.html" || fail "report.html has no chart"

# Same seed: byte-identical; another seed: different.
"$LAB" run "$HERE/small.toml" --seed 3 --out "$WORK/b" --quiet >/dev/null 2>"$WORK/b.err" || fail "rerun failed"
[ ! -s "$WORK/b.err" ] || fail "--quiet still wrote to stderr"
cmp -s "$WORK/a/summary.json" "$WORK/b/summary.json" || fail "summary.json differs for the same seed"
cmp -s "$WORK/a/timeseries.csv" "$WORK/b/timeseries.csv" || fail "timeseries.csv differs for the same seed"
cmp -s "$WORK/a/report.html" "$WORK/b/report.html" || fail "report.html differs for the same seed"
"$LAB" run "$HERE/small.toml" --seed 4 --out "$WORK/c" --quiet >/dev/null || fail "seed 4 failed"
cmp -s "$WORK/a/summary.json" "$WORK/c/summary.json" && fail "seeds 3 and 4 gave the same summary"

# Real crypto: same protocol-level outcomes as modeled (only the crypto field differs).
"$LAB" run "$HERE/small.toml" --seed 3 --crypto real --out "$WORK/r" --quiet >/dev/null || fail "real crypto failed"
python3 - "$WORK/a/summary.json" "$WORK/r/summary.json" <<'PY' || fail "modeled and real summaries differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a.pop("crypto") == "modeled" and b.pop("crypto") == "real"
assert a == b
PY

# compare: one directory per design plus the side-by-side files.
"$LAB" compare "$HERE/small.toml" "$HERE/small_underwritten.toml" --seed 3 --out "$WORK/cmp" --quiet \
  >"$WORK/cmp.out" || fail "compare exited $?"
for f in compare.html compare.json compare.csv small/summary.json small-underwritten/report.html; do
  [ -s "$WORK/cmp/$f" ] || fail "compare did not write $f"
done
cmp -s "$WORK/a/summary.json" "$WORK/cmp/small/summary.json" || fail "compare's run differs from run's"
[ "$(grep -c '^small' "$WORK/cmp/compare.csv")" -eq 6 ] || fail "compare.csv: 2 designs x (overall + 2 phases)"

# Bad input: exit 2 and one line naming the problem.
expect_exit() {  # expect_exit CODE PATTERN ARGS...
  local want=$1 pattern=$2
  shift 2
  "$LAB" "$@" >"$WORK/e.out" 2>"$WORK/e.err"
  local code=$?
  [ "$code" -eq "$want" ] || fail "$* exited $code, expected $want"
  grep -q -- "$pattern" "$WORK/e.err" || fail "$*: stderr lacks '$pattern': $(cat "$WORK/e.err")"
}
expect_error() { expect_exit 2 "$@"; }
# An unreadable file is a local failure (exit 3), as for the credence CLI; a directory is bad input.
expect_exit 3 "io_error: $WORK/missing.toml" run "$WORK/missing.toml" --out "$WORK/x"
expect_error "bad_file" run "$WORK" --out "$WORK/x"
printf '[scenario\nname = 1\n' >"$WORK/broken.toml"
expect_error "bad_toml" run "$WORK/broken.toml" --out "$WORK/x"
sed 's/^n = 7$/n = 7\nquorum = 3/' "$HERE/small.toml" >"$WORK/unknown.toml"
expect_error "protocol.quorum: unknown key" run "$WORK/unknown.toml" --out "$WORK/x"
sed 's/^t = 4$/t = 9/' "$HERE/small.toml" >"$WORK/badt.toml"
expect_error "protocol.t: need 2 <= t <= n" run "$WORK/badt.toml" --out "$WORK/x"
sed 's/^request_rate = 2$/request_rate = -1/' "$HERE/small.toml" >"$WORK/neg.toml"
expect_error "phase\[0\].request_rate: must be in" run "$WORK/neg.toml" --out "$WORK/x"
expect_error "bad_option" run "$HERE/small.toml" --crypto fake --out "$WORK/x"
expect_error "usage" run
expect_error "usage" compare "$HERE/small.toml"
expect_error "used twice" compare "$HERE/small.toml" "$HERE/small.toml" --out "$WORK/x"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "credence-lab CLI: all checks passed"
