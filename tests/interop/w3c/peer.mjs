// The JavaScript side of Credence's W3C interop test (tests/interop/w3c_interop.cc): an independent eddsa-jcs-2022
// signer / verifier built only from peer libraries — `canonicalize` (JCS, RFC 8785), @noble/hashes (SHA-256),
// @noble/curves (Ed25519), @scure/base (base58btc) — following W3C vc-di-eddsa v1.0 §3.3 step by step, plus
// @digitalbazaar/bitstring for Bitstring Status List encoding. Versions are pinned by package-lock.json.
//
// usage: node peer.mjs MODE IN OUT
//   jcs            IN: JSON array of JSON texts          OUT: array of canonicalize(JSON.parse(text))
//   verify         IN: JSON array of secured documents    OUT: array of {ok, reason}
//   sign           IN: JSON array of {seed, created, document}   OUT: array of secured documents
//   status-decode  IN: JSON array of encodedList strings  OUT: array of {length, set: [indices]}
//   status-encode  IN: JSON array of {length, set}        OUT: array of encodedList strings ("u" + …)
import fs from 'node:fs';
import canonicalize from 'canonicalize';
import {sha256} from '@noble/hashes/sha2.js';
import {ed25519} from '@noble/curves/ed25519.js';
import {base58} from '@scure/base';
import {Bitstring} from '@digitalbazaar/bitstring';

const utf8 = s => new TextEncoder().encode(s);

// did:key / Multikey (multicodec ed25519-pub 0xed 0x01) -> 32-byte key.
function keyFromVerificationMethod(vm) {
  const m = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)#(z[1-9A-HJ-NP-Za-km-z]+)$/.exec(vm);
  if (!m || m[1] !== m[2]) throw new Error('unknown verification method ' + vm);
  const raw = base58.decode(m[1].slice(1));
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) throw new Error('not an Ed25519 Multikey');
  return raw.slice(2);
}

function multikey(publicKey) {
  return 'z' + base58.encode(Uint8Array.from([0xed, 0x01, ...publicKey]));
}

// hashData = SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof)).
function hashData(document, proofConfig) {
  const doc = {...document};
  delete doc.proof;
  const h = new Uint8Array(64);
  h.set(sha256(utf8(canonicalize(proofConfig))), 0);
  h.set(sha256(utf8(canonicalize(doc))), 32);
  return h;
}

function verify(secured) {
  const proof = secured.proof;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return {ok: false, reason: 'no single proof'};
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-jcs-2022') {
    return {ok: false, reason: 'not eddsa-jcs-2022'};
  }
  const {proofValue, ...config} = proof;
  if (typeof proofValue !== 'string' || proofValue[0] !== 'z') return {ok: false, reason: 'proofValue'};
  if (config['@context'] !== undefined) {
    const pc = [].concat(config['@context']);
    const dc = [].concat(secured['@context'] ?? []);
    if (!pc.every((v, i) => JSON.stringify(v) === JSON.stringify(dc[i]))) return {ok: false, reason: 'context'};
  }
  let key, sig;
  try {
    key = keyFromVerificationMethod(config.verificationMethod);
    sig = base58.decode(proofValue.slice(1));
  } catch (e) {
    return {ok: false, reason: String(e.message)};
  }
  if (sig.length !== 64) return {ok: false, reason: 'signature length'};
  const ok = ed25519.verify(sig, hashData(secured, config), key);
  return {ok, reason: ok ? '' : 'bad signature'};
}

function sign({seed, created, document}) {
  const secret = Uint8Array.from(Buffer.from(seed, 'hex'));
  const mk = multikey(ed25519.getPublicKey(secret));
  const doc = {...document};
  if (doc.issuer === undefined) doc.issuer = 'did:key:' + mk;
  const proof = {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-jcs-2022',
    created,
    verificationMethod: `did:key:${mk}#${mk}`,
    proofPurpose: 'assertionMethod',
  };
  if (doc['@context'] !== undefined) proof['@context'] = doc['@context'];
  proof.proofValue = 'z' + base58.encode(ed25519.sign(hashData(doc, proof), secret));
  return {...doc, proof};
}

async function statusDecode(encoded) {
  if (encoded[0] !== 'u') throw new Error('encodedList must start with u');
  const buffer = await Bitstring.decodeBits({encoded: encoded.slice(1)});
  const list = new Bitstring({buffer});
  const set = [];
  for (let i = 0; i < list.length; i++) if (list.get(i)) set.push(i);
  return {length: list.length, set};
}

async function statusEncode({length, set}) {
  const list = new Bitstring({length});
  for (const i of set) list.set(i, true);
  return 'u' + await list.encodeBits();
}

const [mode, inPath, outPath] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inPath, 'utf8'));
let output;
switch (mode) {
  case 'jcs': output = input.map(text => canonicalize(JSON.parse(text))); break;
  case 'verify': output = input.map(verify); break;
  case 'sign': output = input.map(sign); break;
  case 'status-decode': output = await Promise.all(input.map(statusDecode)); break;
  case 'status-encode': output = await Promise.all(input.map(statusEncode)); break;
  default: throw new Error('unknown mode ' + mode);
}
fs.writeFileSync(outPath, JSON.stringify(output));
