// The @openzeppelin/merkle-tree side of bench/merkle_bench.cc: the same work as `credence dist build` on a CSV file
// of (address, uint256) rows — read and split the file, StandardMerkleTree.of, write JSON.stringify(dump()) — timed
// in this process, then getProof timed over `proofs` random values.
//
//   node oz_merkle_bench.js ROWS.csv OUT.json [proofs]      prints {"version","rows","root","buildMs","proofsPerSecond"}
'use strict';
const fs = require('fs');
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');
const { version } = require('@openzeppelin/merkle-tree/package.json');

const [csvPath, outPath, proofsArg] = process.argv.slice(2);
const proofs = Number(proofsArg ?? 200);

const t0 = process.hrtime.bigint();
const lines = fs.readFileSync(csvPath, 'utf8').split('\n').slice(1).filter(l => l.length > 0);
const values = lines.map(l => l.split(','));
const tree = StandardMerkleTree.of(values, ['address', 'uint256']);
fs.writeFileSync(outPath, JSON.stringify(tree.dump()));
const t1 = process.hrtime.bigint();

let seed = 1;
const t2 = process.hrtime.bigint();
for (let k = 0; k < proofs; k++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  tree.getProof(seed % values.length);
}
const t3 = process.hrtime.bigint();

console.log(JSON.stringify({
  version,
  rows: values.length,
  root: tree.root,
  buildMs: Number(t1 - t0) / 1e6,
  proofsPerSecond: proofs / (Number(t3 - t2) / 1e9),
}));
