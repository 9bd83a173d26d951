#!/usr/bin/env bash
# Black-box tests of `credence dist` (docs/merkle.md "CLI"): OpenZeppelin's published roots and dumps from the command
# line, the exact output shapes, and the exit codes of bad input. Run by CTest with CREDENCE_BIN set.
set -uo pipefail
bin=${CREDENCE_BIN:?set CREDENCE_BIN to the credence binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# shellcheck source=expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"

check() {  # check NAME CONDITION-EXIT-CODE
  if [[ $2 -eq 0 ]]; then passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}

a1=0x1111111111111111111111111111111111111111
a2=0x2222222222222222222222222222222222222222
root=0xd4dee0beab2d53f2cc83e567171bd2820e49898130a22622b10ead383e90bd77
leaf1=0xeb02c421cfa48976e66dfb29120745909ea3a0f843456c263cf8f1253483e283
leaf2=0xb92c48e9d7abe27fd8dfd6b5dfdbfb1c9a463f80c712b66f3a5180a090cccafc

# --- the README example of @openzeppelin/merkle-tree: root, and the dump byte for byte as the library writes it
printf 'address,amount\n%s,5000000000000000000\r\n%s,2500000000000000000\n' "$a1" "$a2" >"$work/readme.csv"
expect "build readme" 0 "^$root\$" -- "$bin" dist build --csv "$work/readme.csv" --out "$work/readme.json"
want_dump='{"format":"standard-v1","leafEncoding":["address","uint256"],"tree":["'$root'","'$leaf1'","'$leaf2'"],"values":[{"value":["'$a1'","5000000000000000000"],"treeIndex":1},{"value":["'$a2'","2500000000000000000"],"treeIndex":2}]}'
[[ $(cat "$work/readme.json") == "$want_dump" ]]
check "readme dump bytes" $?
# No progress bar when stderr is not a terminal.
"$bin" dist build --csv "$work/readme.csv" --out "$work/r2.json" >/dev/null 2>"$work/build-stderr"
[[ ! -s $work/build-stderr ]]
check "build is silent on stderr" $?
expect "build json" 0 "^\\{\"root\":\"$root\",\"tree\":\"$work/r3.json\",\"values\":2\\}\$" -- \
  "$bin" --json dist build --csv "$work/readme.csv" --out "$work/r3.json"

# --- proofs
want_proof='{"value":["'$a1'","5000000000000000000"],"leaf":"'$leaf1'","proof":["'$leaf2'"]}'
expect "proof index" 0 "^$(printf '%s' "$want_proof" | sed 's/[][{}.]/\\&/g')\$" -- \
  "$bin" dist proof --tree "$work/readme.json" --index 0
"$bin" dist proof --tree "$work/readme.json" --account 0x1111111111111111111111111111111111111111 >"$work/p.json"
[[ $(cat "$work/p.json") == "$want_proof" ]]
check "proof account" $?
expect_err "proof unknown account" 2 '^error: not_found: ' -- \
  "$bin" dist proof --tree "$work/readme.json" --account 0x3333333333333333333333333333333333333333
expect_err "proof bad account" 2 '^error: bad_address: ' -- "$bin" dist proof --tree "$work/readme.json" --account 0x12
expect_err "proof index out of range" 2 '^error: merkle_index_out_of_range: ' -- \
  "$bin" dist proof --tree "$work/readme.json" --index 2
expect_err "proof needs index or account" 2 '^error: usage: ' -- "$bin" dist proof --tree "$work/readme.json"
expect_err "proof missing tree" 3 '^error: io_error: ' -- "$bin" dist proof --tree "$work/none.json" --index 0

# --- verify: CSV value, JSON value, proof list, @file
expect "verify csv value" 0 '^valid$' -- "$bin" dist verify --root "$root" --value "$a1,5000000000000000000" --proof "$leaf2"
expect "verify json value" 0 '^valid$' -- \
  "$bin" dist verify --root "$root" --value "[\"$a1\",\"5000000000000000000\"]" --proof "[\"$leaf2\"]"
expect "verify proof file" 0 '^valid$' -- "$bin" dist verify --root "$root" --proof "@$work/p.json"
expect "verify wrong amount" 1 '^invalid: merkle_root_mismatch' -- \
  "$bin" dist verify --root "$root" --value "$a1,5000000000000000001" --proof "$leaf2"
expect "verify wrong amount json" 1 '^\{"message":"[^"]*","reason":"merkle_root_mismatch","valid":false\}$' -- \
  "$bin" --json dist verify --root "$root" --value "$a1,5000000000000000001" --proof "$leaf2"
expect_err "verify bad root" 2 '^error: bad_length: --root' -- \
  "$bin" dist verify --root 0x1234 --value "$a1,1" --proof "$leaf2"
expect_err "verify bad proof item" 2 '^error: bad_hex: --proof item 1' -- \
  "$bin" dist verify --root "$root" --value "$a1,1" --proof nothex
expect_err "verify value of the wrong shape" 2 '^error: abi_value_mismatch: --value' -- \
  "$bin" dist verify --root "$root" --value "$a1" --proof "$leaf2"
expect_err "verify needs a value" 2 '^error: bad_arguments: --value' -- "$bin" dist verify --root "$root" --proof "$leaf2"

# --- multiproof: OpenZeppelin's shape
expect "multiproof" 0 "^\\{\"leaves\":\\[\\[\"$a2\",\"2500000000000000000\"\\],\\[\"$a1\",\"5000000000000000000\"\\]\\],\"proof\":\\[\\],\"proofFlags\":\\[true\\]\\}\$" -- \
  "$bin" dist multiproof --tree "$work/readme.json" --indices 0,1
expect "multiproof of nothing" 0 "^\\{\"leaves\":\\[\\],\"proof\":\\[\"$root\"\\],\"proofFlags\":\\[\\]\\}\$" -- \
  "$bin" dist multiproof --tree "$work/readme.json" --indices ""
expect_err "multiproof duplicate" 2 '^error: merkle_duplicate_index: ' -- \
  "$bin" dist multiproof --tree "$work/readme.json" --indices 1,1
expect_err "multiproof bad index" 2 '^error: bad_arguments: --indices' -- \
  "$bin" dist multiproof --tree "$work/readme.json" --indices 0,x

# --- OpenZeppelin's published string trees (test/dumps/standard-v1.{sorted,unsorted}.1_0_6.json), sorted and not
printf 'letter\na\nb\nc\nd\ne\nf\n' >"$work/letters.csv"
expect "sorted letters" 0 '^0x6deb52b5da8fd108f79fab00341f38d2587896634c646ee52e49f845680a70c8$' -- \
  "$bin" dist build --csv "$work/letters.csv" --out "$work/letters.json" --leaf-encoding string
expect "unsorted letters" 0 '^0x23be0977360f08bb0bd7f709a7d543d2cd779c79c66d74e0441919871647de2b$' -- \
  "$bin" dist build --csv "$work/letters.csv" --out "$work/letters-u.json" --leaf-encoding string --unsorted
expect "published multiproof" 0 '^\{"leaves":\[\["b"\],\["a"\],\["c"\]\],"proof":\["0x9a4f64e953595df82d1b4f570d34c4f4f0cfaf729a61e9d60e83e579e1aa283e","0xfd3cf45654e88d1cc5d663578c82c76f4b5e3826bacaa1216441443504538f51"\],"proofFlags":\[false,true,true,false\]\}$' -- \
  "$bin" dist multiproof --tree "$work/letters.json" --indices 0,1,2

# --- quoted CSV fields, a one-value tree and its empty proof
printf 'name,tag\n"a, ""quoted"" name",0x%064d\n' 7 >"$work/quoted.csv"
one=$("$bin" dist build --csv "$work/quoted.csv" --out "$work/quoted.json" --leaf-encoding string,bytes32)
[[ $one =~ ^0x[0-9a-f]{64}$ ]]
check "quoted build" $?
expect "quoted proof" 0 '^\{"value":\["a, \\"quoted\\" name","0x0{63}7"\],"leaf":"'"$one"'","proof":\[\]\}$' -- \
  "$bin" dist proof --tree "$work/quoted.json" --index 0
expect "one value empty proof" 0 '^valid$' -- \
  "$bin" dist verify --root "$one" --leaf-encoding string,bytes32 --value "\"a, \"\"quoted\"\" name\",0x$(printf '%064d' 7)" --proof ""

# --- ledger accounts (bytes32, uint256): --account finds the bytes32 column; a repeated account is ambiguous
acct1=0x$(printf '%064d' 1)
acct2=0x$(printf '%064d' 2)
printf 'account,amount\n%s,10\n%s,20\n%s,30\n' "$acct1" "$acct2" "$acct2" >"$work/accounts.csv"
"$bin" dist build --csv "$work/accounts.csv" --out "$work/accounts.json" --leaf-encoding bytes32,uint256 >/dev/null
expect "proof bytes32 account" 0 "^\\{\"value\":\\[\"$acct1\",\"10\"\\]" -- \
  "$bin" dist proof --tree "$work/accounts.json" --account "$acct1"
expect_err "ambiguous account" 2 '^error: ambiguous_account: .* holds values 1, 2; use --index' -- \
  "$bin" dist proof --tree "$work/accounts.json" --account "$acct2"

# --- bad input: the line, the column and the reason; nothing written
printf 'address,amount\n%s,1\n%s,-5\n' "$a1" "$a2" >"$work/bad.csv"
expect_err "bad amount names its line" 2 '^error: abi_value_mismatch: .*bad.csv: line 3, column 2 \(uint256\) "-5": ' -- \
  "$bin" dist build --csv "$work/bad.csv" --out "$work/bad.json"
[[ ! -e $work/bad.json && ! -e $work/bad.json.tmp ]]
check "nothing written on error" $?
printf 'address,amount\n%s,1\n0x12,2\n' "$a1" >"$work/bad2.csv"
expect_err "bad address names its line" 2 'line 3, column 1 \(address\) "0x12"' -- \
  "$bin" dist build --csv "$work/bad2.csv" --out "$work/bad2.json"
printf 'address,amount,extra\n' >"$work/bad3.csv"
expect_err "header columns" 2 '^error: bad_csv: .*line 1: the header has 3 columns' -- \
  "$bin" dist build --csv "$work/bad3.csv" --out "$work/bad3.json"
printf 'address,amount\n%s,1,2\n' "$a1" >"$work/bad4.csv"
expect_err "row columns" 2 '^error: bad_csv: .*line 2: 3 fields, expected 2' -- \
  "$bin" dist build --csv "$work/bad4.csv" --out "$work/bad4.json"
printf 'address,amount\n' >"$work/empty.csv"
expect_err "no rows" 2 '^error: merkle_empty: ' -- "$bin" dist build --csv "$work/empty.csv" --out "$work/e.json"
expect_err "bad encoding" 2 '^error: bad_abi_type: --leaf-encoding' -- \
  "$bin" dist build --csv "$work/readme.csv" --out "$work/x.json" --leaf-encoding address,uint7
expect_err "missing csv" 3 '^error: io_error: ' -- "$bin" dist build --csv "$work/none.csv" --out "$work/x.json"
expect_err "unwritable out" 3 '^error: io_error: ' -- \
  "$bin" dist build --csv "$work/readme.csv" --out "$work/no/such/dir/x.json"
printf '{"format":"standard-v1","leafEncoding":["string"],"tree":["0x00"],"values":[]}' >"$work/broken.json"
expect_err "broken dump" 2 '^error: merkle_bad_node: .*broken.json: tree\[0\]' -- \
  "$bin" dist proof --tree "$work/broken.json" --index 0

echo "dist_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
