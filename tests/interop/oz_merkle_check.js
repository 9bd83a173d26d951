// Interop oracle for tests/interop/oz_merkle_interop.cc: runs @openzeppelin/merkle-tree (pinned in package.json)
// on a request written by the C++ test and answers with what the library computes.
//
//   node oz_merkle_check.js REQUEST.json RESPONSE.json
//
// REQUEST:  {"leafEncoding":[…], "sortLeaves":bool, "values":[…], "ourDump":"<our dump text>",
//            "proofIndices":[…], "multiproofIndices":[[…],…], "ourProofs":[[…],…], "ourMultiproofs":[{…},…]}
// RESPONSE: {"version", "theirDump": JSON.stringify(of(values).dump()), "loadedRoot": root of load(ourDump),
//            "proofs": getProof(i) of the loaded tree, "multiproofs": JSON.stringify(getMultiProof(s)),
//            "ourProofsValid": StandardMerkleTree.verify of each of our proofs,
//            "ourMultiproofsValid": StandardMerkleTree.verifyMultiProof of each of our multiproofs,
//            "ourProofsValidEvm" / "ourMultiproofsValidEvm": the same through OpenZeppelin's MerkleProof contract run
//            in an EVM (evm_merkle_proof.js), "tamperedRejectedEvm": a proof with one flipped bit, refused there}
'use strict';
const fs = require('fs');
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');
const { version } = require('@openzeppelin/merkle-tree/package.json');
const { EvmMerkleProof } = require('./evm_merkle_proof.js');

const [requestPath, responsePath] = process.argv.slice(2);
const req = JSON.parse(fs.readFileSync(requestPath, 'utf8'));

const theirs = StandardMerkleTree.of(req.values, req.leafEncoding, { sortLeaves: req.sortLeaves });
const loaded = StandardMerkleTree.load(JSON.parse(req.ourDump));
const root = loaded.root;

const response = {
  version,
  theirDump: JSON.stringify(theirs.dump()),
  loadedRoot: root,
  proofs: req.proofIndices.map(i => loaded.getProof(i)),
  multiproofs: req.multiproofIndices.map(s => JSON.stringify(loaded.getMultiProof(s))),
  ourProofsValid: req.ourProofs.map((proof, k) =>
    StandardMerkleTree.verify(root, req.leafEncoding, req.values[req.proofIndices[k]], proof)),
  ourMultiproofsValid: req.ourMultiproofs.map(mp => StandardMerkleTree.verifyMultiProof(root, req.leafEncoding, mp)),
};
async function onChain() {
  const evm = await EvmMerkleProof.create();
  response.ourProofsValidEvm = [];
  for (let k = 0; k < req.ourProofs.length; ++k) {
    const leaf = loaded.leafHash(req.values[req.proofIndices[k]]);
    response.ourProofsValidEvm.push(await evm.verify(req.ourProofs[k], root, leaf));
  }
  response.ourMultiproofsValidEvm = [];
  for (const mp of req.ourMultiproofs) {
    const leaves = mp.leaves.map(v => loaded.leafHash(v));
    response.ourMultiproofsValidEvm.push(await evm.multiProofVerify(mp.proof, mp.proofFlags, root, leaves));
  }
  // A negative control: the contract must refuse a proof with one bit flipped (when there is a proof at all).
  response.tamperedRejectedEvm = true;
  const k = req.ourProofs.findIndex(p => p.length > 0);
  if (k >= 0) {
    const bad = req.ourProofs[k].slice();
    bad[0] = bad[0].slice(0, -1) + (bad[0].endsWith('0') ? '1' : '0');
    response.tamperedRejectedEvm = !(await evm.verify(bad, root, loaded.leafHash(req.values[req.proofIndices[k]])));
  }
}

onChain().then(() => fs.writeFileSync(responsePath, JSON.stringify(response)), e => {
  console.error(e);
  process.exit(1);
});
