#!/usr/bin/env bash
# Black-box tests of `credence sdjwt` (docs/sd-jwt.md, docs/cli.md): issue / present / verify with EdDSA and ES256
# keys, key binding, the Token Status List, and the exit codes and reasons of malformed or tampered input. Run by
# CTest with CREDENCE_BIN set.
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

cd "$work" || exit 1
for k in issuer-ed issuer-p256 holder-ed holder-p256; do
  type=ed25519
  [[ $k == *p256 ]] && type=p256
  expect "keygen $k" 0 '^0x' -- "$bin" keygen --type "$type" --out "$k.key"
done
"$bin" keygen --type secp256k1 --out k1.key >/dev/null
expect "jwk ed25519" 0 '"kty": "OKP"' -- "$bin" sdjwt jwk --key issuer-ed.key --out issuer-ed.jwk
expect "jwk p256" 0 '"crv": "P-256"' -- "$bin" sdjwt jwk --key issuer-p256.key --out issuer-p256.jwk
expect "p256 raw sign/verify" 0 '^valid$' -- "$bin" verify --type p256 \
  --public-key "$("$bin" address --key holder-p256.key)" --message-hex 0x616263 \
  --signature "$("$bin" sign --key holder-p256.key --message-hex 0x616263)"

cat >claims.json <<'JSON'
{"iss": "https://issuer.example", "vct": "https://credentials.example/identity", "iat": 1700000000,
 "exp": 1900000000, "given_name": "Erika", "family_name": "Mustermann",
 "address": {"street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"},
 "nationalities": ["DE", "FR"], "status": {"status_list": {"idx": 5, "uri": "https://issuer.example/status/1"}}}
JSON
sd=(--sd /given_name --sd /family_name --sd /address --sd /address/locality --sd /nationalities/1)

for issuer in ed p256; do
  for holder in ed p256; do
    tag="$issuer/$holder"
    expect "issue $tag" 0 "^issued (EdDSA|ES256) SD-JWT" -- "$bin" sdjwt issue --key "issuer-$issuer.key" \
      --claims claims.json "${sd[@]}" --holder-key "holder-$holder.key" --decoys 3 --out "cred-$issuer-$holder"
    expect "present $tag" 0 '^presented 3 disclosures with a key binding JWT' -- "$bin" sdjwt present \
      --in "cred-$issuer-$holder" --disclose /given_name --disclose /address/locality \
      --holder-key "holder-$holder.key" --nonce n-1 --aud https://verifier.example --out "pres-$issuer-$holder"
    out=$("$bin" --json sdjwt verify --in "pres-$issuer-$holder" --issuer-key "issuer-$issuer.jwk" --nonce n-1 \
      --aud https://verifier.example --require-vc)
    check "verify $tag exit" $?
    [[ $out == *'"given_name":"Erika"'* && $out == *'"locality":"Köln"'* && $out != *family_name* &&
      $out == *'"nationalities":["DE"]'* && $out == *'"valid":true'* ]]
    check "verify $tag claims" $?
  done
done

cred=cred-p256-ed
pres=pres-p256-ed
key=issuer-p256.jwk
expect "plain output" 0 '"given_name": "Erika"' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key"
expect "issuer key file works too" 0 'Erika' -- "$bin" sdjwt verify --in "$pres" --issuer-key issuer-p256.key
expect "wrong nonce" 1 '^invalid: nonce_mismatch' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --nonce n-2 --aud https://verifier.example
expect "wrong aud" 1 '^invalid: audience_mismatch' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --nonce n-1 --aud https://other.example
expect "kb required" 1 '^invalid: missing_key_binding' -- "$bin" sdjwt verify --in "$cred" --issuer-key "$key" \
  --require-key-binding
expect "stale kb" 1 '^invalid: kb_too_old' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --max-kb-age 60 --time "$(($(date +%s) + 3600))"
expect "expired" 1 '^invalid: expired' -- "$bin" sdjwt verify --in "$cred" --issuer-key "$key" --time 1900000100
"$bin" sdjwt jwk --key holder-p256.key --out holder-p256.jwk >/dev/null
expect "other issuer" 1 '^invalid: bad_signature' -- "$bin" sdjwt verify --in "$cred" --issuer-key holder-p256.jwk
expect "alg/key mismatch" 1 '^invalid: alg_key_mismatch' -- "$bin" sdjwt verify --in "$cred" \
  --issuer-key issuer-ed.jwk

# Tampering and malformed input: each gets its reason.
IFS='~' read -r -a parts <"$pres"
forged=$(printf '["c2FsdA","given_name","Mallory"]' | base64 -w0 | tr '+/' '-_' | tr -d '=')
printf '%s~%s~%s~%s~\n' "${parts[0]}" "${parts[1]}" "${parts[2]}" "$forged" >forged.sdjwt
expect "forged disclosure" 1 '^invalid: unreferenced_disclosure' -- "$bin" sdjwt verify --in forged.sdjwt \
  --issuer-key "$key"
printf '%s~%s~%s~%s~\n' "${parts[0]}" "${parts[1]}" "${parts[1]}" "${parts[2]}" >twice.sdjwt
expect "disclosure twice" 1 '^invalid: duplicate_disclosure' -- "$bin" sdjwt verify --in twice.sdjwt \
  --issuer-key "$key"
printf '%s~not*base64~\n' "${parts[0]}" >badb64.sdjwt
expect "bad base64url disclosure" 1 '^invalid: bad_disclosure' -- "$bin" sdjwt verify --in badb64.sdjwt \
  --issuer-key "$key"
printf '%s~%s~\n' "$(printf '{"a":1' | base64 -w0 | tr '+/' '-_' | tr -d '=')" "${parts[1]}" >badjson.sdjwt
expect "JWT not three parts" 1 '^invalid: bad_jws' -- "$bin" sdjwt verify --in badjson.sdjwt --issuer-key "$key"
hs=$(printf '{"alg":"HS256","typ":"dc+sd-jwt"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
jwt_rest=${parts[0]#*.}
printf '%s.%s~\n' "$hs" "$jwt_rest" >hs256.sdjwt
expect "unknown alg" 1 '^invalid: unsupported_alg' -- "$bin" sdjwt verify --in hs256.sdjwt --issuer-key "$key"
none=$(printf '{"alg":"none"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
printf '%s.%s~\n' "$none" "$jwt_rest" >none.sdjwt
expect "alg none" 1 '^invalid: alg_none' -- "$bin" sdjwt verify --in none.sdjwt --issuer-key "$key"
printf 'just text\n' >text.sdjwt
expect "not an SD-JWT" 1 '^invalid: bad_sd_jwt' -- "$bin" sdjwt verify --in text.sdjwt --issuer-key "$key"
printf '{"iss": ' >broken.json
expect_err "bad claims JSON" 2 '^error: bad_json: .*broken.json' -- "$bin" sdjwt issue --key issuer-ed.key \
  --claims broken.json --out x
expect_err "unknown path" 2 '^error: no_such_claim: --sd /nope' -- "$bin" sdjwt issue --key issuer-ed.key \
  --claims claims.json --sd /nope --out x
expect_err "vc claim must stay visible" 2 '^error: claim_not_disclosable' -- "$bin" sdjwt issue \
  --key issuer-ed.key --claims claims.json --sd /vct --out x
expect_err "secp256k1 key" 2 '^error: bad_key_type' -- "$bin" sdjwt issue --key k1.key --claims claims.json --out x
expect_err "wrong holder key" 2 '^error: holder_key_mismatch' -- "$bin" sdjwt present --in "$cred" \
  --disclose /given_name --holder-key holder-p256.key --nonce n --aud a --out x
expect_err "partial key binding options" 2 '^error: bad_arguments' -- "$bin" sdjwt present --in "$cred" \
  --holder-key holder-ed.key --out x
expect_err "present unknown path" 2 '^error: no_such_claim' -- "$bin" sdjwt present --in "$cred" \
  --disclose /address/zip --out x
printf '{"kty":"OKP","crv":"Ed25519","x":"AAAA"}' >bad.jwk
expect_err "bad jwk" 2 '^error: bad_jwk' -- "$bin" sdjwt verify --in "$cred" --issuer-key bad.jwk
expect_err "missing file" 3 '^error: io_error' -- "$bin" sdjwt verify --in nothing --issuer-key "$key"

# Token Status List (index 5 is the credential's entry).
expect "status list" 0 'written to valid.jwt' -- "$bin" sdjwt status-list --key issuer-p256.key \
  --uri https://issuer.example/status/1 --size 64 --bits 2 --set 4=1 --set 6=2 --out valid.jwt
expect "status valid" 0 '"status":"valid"' -- "$bin" --json sdjwt verify --in "$pres" --issuer-key "$key" \
  --status-list valid.jwt --require-status
"$bin" sdjwt status-list --key issuer-p256.key --uri https://issuer.example/status/1 --size 64 --bits 2 \
  --set 5=1 --out revoked.jwt >/dev/null
expect "status revoked" 1 '^invalid: revoked' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --status-list revoked.jwt
"$bin" sdjwt status-list --key issuer-p256.key --uri https://issuer.example/status/1 --size 64 --bits 2 \
  --set 5=2 --out suspended.jwt >/dev/null
expect "status suspended" 1 '^invalid: suspended' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --status-list suspended.jwt
"$bin" sdjwt status-list --key issuer-p256.key --uri https://issuer.example/status/2 --size 64 --out other.jwt \
  >/dev/null
expect "status uri mismatch" 1 '^invalid: status_list_uri_mismatch' -- "$bin" sdjwt verify --in "$pres" \
  --issuer-key "$key" --status-list other.jwt
"$bin" sdjwt status-list --key holder-p256.key --uri https://issuer.example/status/1 --size 64 --out forged.jwt \
  >/dev/null
expect "status list by another key" 1 '^invalid: bad_signature' -- "$bin" sdjwt verify --in "$pres" \
  --issuer-key "$key" --status-list forged.jwt
"$bin" sdjwt status-list --key issuer-p256.key --uri https://issuer.example/status/1 --size 64 --exp 1000 \
  --iat 900 --out expired.jwt >/dev/null
expect "status list expired" 1 '^invalid: status_list_expired' -- "$bin" sdjwt verify --in "$pres" \
  --issuer-key "$key" --status-list expired.jwt
printf '{"bits":1,"lst":"eNrbuRgAAhcBXQ"}' >draft.json  # the draft's example: entry 5 is 1
expect "bare status list JSON" 1 '^invalid: revoked' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --status-list draft.json
printf '{"bits":3,"lst":"eNrbuRgAAhcBXQ"}' >bits3.json
expect "bad bits" 1 '^invalid: bad_status_list' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --status-list bits3.json
expect "status unchecked" 1 '^invalid: status_unchecked' -- "$bin" sdjwt verify --in "$pres" --issuer-key "$key" \
  --require-status
expect_err "bad --set" 2 '^error: bad_arguments: --set 5' -- "$bin" sdjwt status-list --key issuer-ed.key \
  --uri u --size 8 --set 5 --out x
expect_err "value too wide" 2 '^error: bad_status_value' -- "$bin" sdjwt status-list --key issuer-ed.key \
  --uri u --size 8 --bits 1 --set 5=2 --out x

echo "sdjwt_cli_test: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
