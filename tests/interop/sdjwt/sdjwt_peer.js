// Peer side of Credence's SD-JWT interop test (tests/interop/sdjwt_interop.cc): runs the real @sd-jwt/* libraries
// (versions pinned in package-lock.json) on a batch of requests and writes one response per request.
//   node sdjwt_peer.js REQUESTS.json RESPONSES.json
// Requests (JSON array), each {op, ...}:
//   issue        {alg, issuer_jwk (private), holder_jwk (public), claims, frame, vc}  -> {sdjwt}
//   present      {sdjwt, frame, holder_jwk (private) | null, nonce, aud, iat}         -> {presentation}
//   verify       {sdjwt, issuer_jwk (public), nonce | null, vc, status_list_token?}   -> {payload, kb} | {error}
//   sl_encode    {bits, statuses}                                                     -> {lst}
//   sl_decode    {bits, lst}                                                          -> {statuses}
// A library exception becomes {error: message}; the C++ side decides whether that was expected.
'use strict';
const fs = require('fs');
const nodeCrypto = require('crypto');
const { SDJwtInstance } = require('@sd-jwt/core');
const { SDJwtVcInstance } = require('@sd-jwt/sd-jwt-vc');
const { ES256, digest, generateSalt } = require('@sd-jwt/crypto-nodejs');
const { StatusList } = require('@sd-jwt/jwt-status-list');

// EdDSA is not in @sd-jwt/crypto-nodejs: node's own Ed25519 (crypto.sign with a null digest, RFC 8032).
async function signerFor(alg, jwk) {
  if (alg === 'ES256') return ES256.getSigner(jwk);
  const key = nodeCrypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return async (data) => nodeCrypto.sign(null, Buffer.from(data), key).toString('base64url');
}

async function verifierFor(jwk) {
  if (jwk.kty === 'EC') return ES256.getVerifier(jwk);
  const key = nodeCrypto.createPublicKey({ key: jwk, format: 'jwk' });
  return async (data, sig) => nodeCrypto.verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url'));
}

function algOf(jwk) { return jwk.kty === 'EC' ? 'ES256' : 'EdDSA'; }

// The KB-JWT is checked with the holder key the credential names in cnf.jwk.
async function kbVerifier(data, sig, payload) {
  if (!payload || !payload.cnf || !payload.cnf.jwk) throw new Error('no cnf.jwk');
  return (await verifierFor(payload.cnf.jwk))(data, sig);
}

function instance(vc, extra) {
  const config = Object.assign({ hasher: digest, saltGenerator: generateSalt, kbVerifier }, extra);
  return vc ? new SDJwtVcInstance(config) : new SDJwtInstance(config);
}

const ops = {
  async issue(r) {
    const sd = instance(r.vc, { signer: await signerFor(r.alg, r.issuer_jwk), signAlg: r.alg });
    const claims = Object.assign({}, r.claims, { cnf: { jwk: r.holder_jwk } });
    return { sdjwt: await sd.issue(claims, r.frame) };
  },
  async present(r) {
    const extra = r.holder_jwk ? { kbSigner: await signerFor(algOf(r.holder_jwk), r.holder_jwk), kbSignAlg: algOf(r.holder_jwk) } : {};
    const sd = instance(false, extra);
    const options = r.holder_jwk ? { kb: { payload: { iat: r.iat, aud: r.aud, nonce: r.nonce } } } : undefined;
    return { presentation: await sd.present(r.sdjwt, r.frame, options) };
  },
  async verify(r) {
    const extra = { verifier: await verifierFor(r.issuer_jwk) };
    if (r.status_list_token) extra.statusListFetcher = async () => r.status_list_token;
    const sd = instance(r.vc, extra);
    const options = r.nonce ? { keyBindingNonce: r.nonce } : {};
    if (r.now) options.currentDate = r.now;
    const result = await sd.verify(r.sdjwt, options);
    return { payload: result.payload, kb: result.kb ? result.kb.payload : null };
  },
  async sl_encode(r) {
    return { lst: new StatusList(r.statuses, r.bits).compressStatusList() };
  },
  async sl_decode(r) {
    const list = StatusList.decompressStatusList(r.lst, r.bits);
    return { statuses: list.statusList };
  },
};

async function main() {
  const [input, output] = process.argv.slice(2);
  const requests = JSON.parse(fs.readFileSync(input, 'utf8'));
  const responses = [];
  for (const r of requests) {
    try {
      responses.push(await ops[r.op](r));
    } catch (e) {
      responses.push({ error: String(e && e.message ? e.message : e) });
    }
  }
  fs.writeFileSync(output, JSON.stringify(responses));
}

main().catch((e) => { console.error(e); process.exit(1); });
