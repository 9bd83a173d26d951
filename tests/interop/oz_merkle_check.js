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
//            "ourMultiproofsValid": StandardMerkleTree.verifyMultiProof of each of our multiproofs}
'use strict';
const fs = require('fs');
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');
const { version } = require('@openzeppelin/merkle-tree/package.json');

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
fs.writeFileSync(responsePath, JSON.stringify(response));
