// eas-sdk's side of bench/eas_bench.cc: times Offchain.verifyOffchainAttestationSignature (eas-sdk 2.9.1, pinned in
// package.json) over the signed objects the benchmark wrote, in process CPU time, and answers one JSON line:
//   node eas_bench.js INPUTS.json SECONDS REPEATS
//   -> {"per_second": N, "verified": count, "sdk": "eas-sdk 2.9.1", "node": "v20…"}
// INPUTS.json is [{"sig": <signed object>, "attester": "0x…"}, …]. Every input must verify, else it exits 1.
'use strict';
const fs = require('fs');
const path = require('path');
const { Offchain } = require('@ethereum-attestation-service/eas-sdk');
const { version } = JSON.parse(fs.readFileSync(
  path.join(__dirname, 'node_modules/@ethereum-attestation-service/eas-sdk/package.json'), 'utf8'));

const [file, secondsArg, repeatsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 1);
const repeats = Number(repeatsArg || 3);
const inputs = JSON.parse(fs.readFileSync(file, 'utf8'));
// One verifier per input, configured with its domain, as a relying party would hold.
const cases = inputs.map(({ sig, attester }) => ({
  offchain: new Offchain({ address: sig.domain.verifyingContract, version: sig.domain.version,
                           chainId: BigInt(sig.domain.chainId) }, sig.version),
  sig,
  attester,
}));
for (const c of cases) {
  if (c.offchain.verifyOffchainAttestationSignature(c.attester, c.sig) !== true) {
    console.error('eas_bench.js: an input does not verify in eas-sdk');
    process.exit(1);
  }
}
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let best = 0;
for (let r = 0; r < repeats; ++r) {
  let done = 0;
  const t0 = cpuSeconds();
  let elapsed = 0;
  do {
    for (const c of cases) {
      if (!c.offchain.verifyOffchainAttestationSignature(c.attester, c.sig)) process.exit(1);
    }
    done += cases.length;
    elapsed = cpuSeconds() - t0;
  } while (elapsed < seconds);
  best = Math.max(best, done / elapsed);
}
console.log(JSON.stringify({ per_second: best, verified: cases.length, sdk: `eas-sdk ${version}`,
                             node: process.version }));
