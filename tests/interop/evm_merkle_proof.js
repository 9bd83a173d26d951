// OpenZeppelin's MerkleProof (Solidity, @openzeppelin/contracts, pinned in package.json) compiled with solc-js and
// run in @ethereumjs/evm: the on-chain verifier an EVM distribution would use. Used by oz_merkle_check.js so that
// every proof and multiproof the C++ side produces is also accepted by the real contract code.
//
//   const evm = await EvmMerkleProof.create();
//   await evm.verify(proof, root, leaf)               // MerkleProof.verifyCalldata
//   await evm.multiProofVerify(proof, flags, root, leaves)  // MerkleProof.multiProofVerifyCalldata
// All hashes are 0x-hex strings; answers true / false (a revert, e.g. an invalid multiproof, is false).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');
const { EVM } = require('@ethereumjs/evm');
const { Address, hexToBytes, bytesToHex } = require('@ethereumjs/util');
const { keccak256 } = require('ethereum-cryptography/keccak.js');

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
contract Check {
  function verify(bytes32[] calldata proof, bytes32 root, bytes32 leaf) external pure returns (bool) {
    return MerkleProof.verifyCalldata(proof, root, leaf);
  }
  function multi(bytes32[] calldata proof, bool[] calldata flags, bytes32 root, bytes32[] calldata leaves)
      external pure returns (bool) {
    return MerkleProof.multiProofVerifyCalldata(proof, flags, root, leaves);
  }
}`;

function compile() {
  const input = {
    language: 'Solidity',
    sources: { 'Check.sol': { content: SOURCE } },
    settings: { outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
  };
  const modules = path.join(__dirname, 'node_modules');
  const out = JSON.parse(solc.compile(JSON.stringify(input), {
    import: p => ({ contents: fs.readFileSync(path.join(modules, p), 'utf8') }),
  }));
  const errors = (out.errors || []).filter(e => e.severity === 'error');
  if (errors.length) throw new Error('solc: ' + errors.map(e => e.formattedMessage).join('\n'));
  return out.contracts['Check.sol'].Check.evm.deployedBytecode.object;
}

// ABI encoding of the few argument shapes used here.
const word = n => {
  const w = new Uint8Array(32);
  let x = BigInt(n);
  for (let i = 31; i >= 0; --i) { w[i] = Number(x & 255n); x >>= 8n; }
  return w;
};
const selector = sig => keccak256(new TextEncoder().encode(sig)).slice(0, 4);
const array = items => [...word(items.length), ...items.flatMap(x => [...x])];
const call = (sig, heads, tails) => {
  // heads: list of {static: bytes} or {dynamic: bytes}; offsets are computed over the head area.
  let offset = 32 * heads.length;
  const head = [];
  const tail = [];
  for (const h of heads) {
    if (h.static) { head.push(...h.static); continue; }
    head.push(...word(offset));
    tail.push(...h.dynamic);
    offset += h.dynamic.length;
  }
  return new Uint8Array([...selector(sig), ...head, ...tail]);
};

class EvmMerkleProof {
  static async create() {
    const self = new EvmMerkleProof();
    self.evm = await EVM.create();
    self.address = new Address(hexToBytes('0x' + '11'.repeat(20)));
    await self.evm.stateManager.putContractCode(self.address, hexToBytes('0x' + compile()));
    return self;
  }
  async run(data) {
    const res = await this.evm.runCall({ to: this.address, data, gasLimit: 50000000n });
    if (res.execResult.exceptionError) return false;
    return bytesToHex(res.execResult.returnValue) === '0x' + '0'.repeat(63) + '1';
  }
  verify(proof, root, leaf) {
    const p = proof.map(hexToBytes);
    return this.run(call('verify(bytes32[],bytes32,bytes32)',
      [{ dynamic: array(p) }, { static: hexToBytes(root) }, { static: hexToBytes(leaf) }]));
  }
  multiProofVerify(proof, flags, root, leaves) {
    const p = proof.map(hexToBytes);
    const f = flags.map(b => word(b ? 1 : 0));
    const l = leaves.map(hexToBytes);
    return this.run(call('multi(bytes32[],bool[],bytes32,bytes32[])',
      [{ dynamic: array(p) }, { dynamic: array(f) }, { static: hexToBytes(root) }, { dynamic: array(l) }]));
  }
}

module.exports = { EvmMerkleProof };
