// Interop test: the `credence eas` CLI against the real @ethereum-attestation-service/eas-sdk (pinned in package.json,
// with ethers). Run by CTest (eas_interop):
//
//   node eas_interop.js PATH/TO/credence [ROUNDS]
//
// Checks, on seeded random inputs and every off-chain version (0, 1, 2):
//   - eas-sdk signs -> `credence eas verify` accepts the object, its {sig, signer} package and eas-sdk's share link;
//   - `credence eas sign` -> eas-sdk's verifyOffchainAttestationSignature accepts it, and the object equals what
//     eas-sdk signs from the same key and inputs (ECDSA is deterministic: r, s, v and uid identical);
//   - `credence eas share-link encode` of an eas-sdk object is eas-sdk's zipAndEncodeToBase64 string, and eas-sdk
//     decodes our links to the same attestation (a version 0 link does not verify in either: eas-sdk rebuilds it with
//     another type name);
//   - one tampered field -> both reject;
//   - schema UIDs equal SchemaRegistry.getSchemaUID;
//   - the golden vectors of tests/vectors/interop/eas_offchain.json hold in eas-sdk too.
// The seed is printed; CREDENCE_INTEROP_SEED=<n> replays a run. Missing node_modules is a failure, never a skip.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const PINNED_SDK = '2.9.1';
const PINNED_ETHERS = '6.13.4';

function fail(message) {
  console.error(`eas_interop: FAIL: ${message}`);
  process.exit(1);
}

let sdk;
let ethers;
try {
  sdk = require('@ethereum-attestation-service/eas-sdk');
  ethers = require('ethers');
} catch (e) {
  fail(`cannot load eas-sdk / ethers (${e.message}): run scripts/setup.sh (it runs \`npm ci\` in tests/interop)`);
}
// The package's exports hide package.json from require(): read the installed file.
const sdkVersion = JSON.parse(fs.readFileSync(
  path.join(__dirname, 'node_modules/@ethereum-attestation-service/eas-sdk/package.json'), 'utf8')).version;
if (sdkVersion !== PINNED_SDK) fail(`eas-sdk is ${sdkVersion}, expected ${PINNED_SDK}: run scripts/setup.sh`);
if (ethers.version !== PINNED_ETHERS) fail(`ethers is ${ethers.version}, expected ${PINNED_ETHERS}`);

const { Offchain, OffchainAttestationVersion, SchemaRegistry, zipAndEncodeToBase64, decodeBase64ZippedBase64 } = sdk;

const [credence, roundsArg] = process.argv.slice(2);
if (!credence || !fs.existsSync(credence)) fail(`usage: node eas_interop.js PATH/TO/credence [ROUNDS] (got ${credence})`);
const ROUNDS = Number(roundsArg || 30);
const seed = process.env.CREDENCE_INTEROP_SEED ? BigInt(process.env.CREDENCE_INTEROP_SEED)
                                                : BigInt(Math.floor(Math.random() * 2 ** 48));
console.log(`eas_interop: seed ${seed} (replay with CREDENCE_INTEROP_SEED=${seed})`);

// SplitMix64: a small seeded generator.
let state = seed & 0xffffffffffffffffn;
function next64() {
  state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
const below = n => Number(next64() % BigInt(n));
const coin = () => below(2) === 0;
function randomBytes(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; ++i) b[i] = Number(next64() & 0xffn);
  return b;
}
const randomHex = n => ethers.hexlify(randomBytes(n));
const randomAddress = () => ethers.getAddress(randomHex(20));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eas-interop-'));
let checks = 0;

function run(args, { expect } = {}) {
  const r = spawnSync(credence, args, { encoding: 'utf8' });
  if (r.error) fail(`cannot run ${credence}: ${r.error.message}`);
  if (expect !== undefined && r.status !== expect) {
    fail(`credence ${args.join(' ')}: exit ${r.status}, expected ${expect}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r;
}

// JSON with bigints as numbers when JavaScript holds them exactly, else decimal strings (what `credence` writes).
function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v)
                                                                                                       : v.toString())
                                                                : v), 2);
}
function normalize(value) { return JSON.parse(toJson(value)); }
function deepEqual(a, b) { return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)); }
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeys(v[k])]));
  return v;
}
function writeFile(name, text) {
  const p = path.join(work, name);
  fs.writeFileSync(p, text, { mode: 0o600 });
  return p;
}
function check(cond, message) {
  ++checks;
  if (!cond) fail(message);
}

// eas-sdk's verdict: true, false, or false when it throws (InvalidDomain, a bad signature, …).
function sdkVerifies(offchain, attester, attestation) {
  try {
    return offchain.verifyOffchainAttestationSignature(attester, attestation) === true;
  } catch (e) {
    return false;
  }
}

function randomParams(version) {
  const time = BigInt(below(2) ? below(2 ** 31) : 1700000000 + below(100000000));
  const params = {
    // Sometimes upper-case: the UID hashes the schema's text as written, in eas-sdk and in credence.
    schema: (h => (coin() ? h : '0x' + h.slice(2).toUpperCase()))(randomHex(32)),
    recipient: below(4) === 0 ? ethers.ZeroAddress : randomAddress(),
    time,
    expirationTime: coin() ? 0n : time + BigInt(1 + below(10 ** 9)),
    revocable: coin(),
    refUID: coin() ? ethers.ZeroHash : randomHex(32),
    data: randomHex(below(4) === 0 ? 0 : below(400)),
  };
  if (version === OffchainAttestationVersion.Version2) params.salt = randomHex(32);
  return params;
}

function randomDomain() {
  return {
    chainId: BigInt(coin() ? below(100000) + 1 : below(2 ** 40)),
    address: randomAddress(),
    version: ['0.26', '1.0.0', '1.0.1', '1.0.2', '1.1.0', '1.2.0', '1.3.0', '1.4.0'][below(8)],
  };
}

// One tampered copy of a signed object (JSON values), and what was changed.
function tamper(obj) {
  const t = JSON.parse(JSON.stringify(obj));
  switch (below(7)) {
    case 0: t.message.time = Number(t.message.time) + 1; return [t, 'message.time'];
    case 1: t.message.data = t.message.data + 'ab'; return [t, 'message.data'];
    case 2: t.message.revocable = !t.message.revocable; return [t, 'message.revocable'];
    case 3: t.uid = t.uid.slice(0, -1) + (t.uid.endsWith('0') ? '1' : '0'); return [t, 'uid'];
    case 4: t.domain.version = t.domain.version + '.1'; return [t, 'domain.version'];
    case 5: t.message.recipient = randomAddress(); return [t, 'message.recipient'];
    default: {
      const r = BigInt(t.signature.r) ^ 1n;
      t.signature.r = '0x' + r.toString(16).padStart(64, '0');
      return [t, 'signature.r'];
    }
  }
}

async function main() {
  // ---- golden vectors: eas-sdk agrees with our vector file
  const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '../vectors/interop/eas_offchain.json'), 'utf8'));
  for (const c of vectors.cases) {
    if (c.kind === 'schema_uid') {
      check(SchemaRegistry.getSchemaUID(c.schema, c.resolver, c.revocable) === c.uid, `schema uid vector ${c.name}`);
      const ours = run(['eas', 'schema-uid', '--schema', c.schema, '--resolver', c.resolver,
                        ...(c.revocable ? ['--revocable'] : [])], { expect: 0 }).stdout.trim();
      check(ours === c.uid, `credence schema-uid on vector ${c.name}: ${ours}`);
    }
    if (c.kind !== 'golden') continue;
    const pkg = JSON.parse(JSON.stringify(c.package));
    const sig = pkg.sig;
    sig.domain.chainId = BigInt(sig.domain.chainId);
    for (const k of ['time', 'expirationTime', 'nonce']) sig.message[k] = BigInt(sig.message[k]);
    check(zipAndEncodeToBase64(pkg) === c.encoded, `eas-sdk encodes vector ${c.name} as recorded`);
    const version = sig.message.version;
    const offchain = new Offchain({ address: sig.domain.verifyingContract, version: sig.domain.version,
                                    chainId: sig.domain.chainId }, version);
    check(sdkVerifies(offchain, pkg.signer, sig), `eas-sdk verifies vector ${c.name}`);
    const decoded = decodeBase64ZippedBase64(c.encoded);
    check(sdkVerifies(offchain, decoded.signer, decoded.sig), `eas-sdk verifies the decoded link of ${c.name}`);
    run(['eas', 'verify', '--link', c.url, '--chain-id', String(sig.domain.chainId), '--contract',
         sig.domain.verifyingContract, '--time', '0'], { expect: 0 });
  }

  // ---- random rounds, every version
  for (let round = 0; round < ROUNDS; ++round) {
    const version = round % 3;
    const wallet = new ethers.Wallet(randomHex(32));
    const domain = randomDomain();
    const offchain = new Offchain(domain, version);
    const params = randomParams(version);
    const common = ['--chain-id', domain.chainId.toString(), '--contract', domain.address, '--time',
                    params.time.toString()];
    const tag = `round ${round} (version ${version})`;

    // eas-sdk signs -> we verify (bare object, package, share link).
    const theirs = await offchain.signOffchainAttestation(params, wallet);
    const theirFile = writeFile(`theirs-${round}.json`, toJson(theirs));
    run(['eas', 'verify', '--file', theirFile, '--attester', wallet.address, ...common], { expect: 0 });
    const pkgFile = writeFile(`pkg-${round}.json`, toJson({ sig: theirs, signer: wallet.address }));
    run(['eas', 'verify', '--file', pkgFile, ...common], { expect: 0 });
    const theirLink = zipAndEncodeToBase64({ sig: theirs, signer: wallet.address });
    const ourLink = run(['eas', 'share-link', 'encode', '--file', pkgFile], { expect: 0 }).stdout.trim();
    check(ourLink === theirLink, `${tag}: our share link of eas-sdk's object differs from eas-sdk's`);
    const decodedTheirs = decodeBase64ZippedBase64(theirLink);
    const sdkLinkVerdict = sdkVerifies(offchain, wallet.address, decodedTheirs.sig);
    const ourLinkVerdict = run(['eas', 'verify', '--link', theirLink, '--attester', wallet.address, ...common]).status;
    check(ourLinkVerdict === (sdkLinkVerdict ? 0 : 1),
          `${tag}: share link verdicts differ (eas-sdk ${sdkLinkVerdict}, credence exit ${ourLinkVerdict})`);
    check(sdkLinkVerdict === (version !== 0), `${tag}: eas-sdk's link verdict ${sdkLinkVerdict} unexpected`);

    // We sign -> eas-sdk verifies; the object equals eas-sdk's for the same key and inputs.
    const keyFile = writeFile(`key-${round}.json`, JSON.stringify({
      type: 'secp256k1', secret_key: wallet.privateKey.slice(2), address: wallet.address }));
    const ourFile = path.join(work, `ours-${round}.json`);
    const signArgs = ['eas', 'sign', '--key', keyFile, '--schema', params.schema, '--recipient', params.recipient,
                      '--data', params.data, '--time', params.time.toString(), '--expiration',
                      params.expirationTime.toString(), '--ref-uid', params.refUID, '--chain-id',
                      domain.chainId.toString(), '--contract', domain.address, '--eas-version', domain.version,
                      '--offchain-version', String(version), '--out', ourFile];
    if (params.revocable) signArgs.push('--revocable');
    if (params.salt) signArgs.push('--salt', params.salt);
    const uid = run(signArgs, { expect: 0 }).stdout.trim();
    const ours = JSON.parse(fs.readFileSync(ourFile, 'utf8'));
    check(uid === ours.uid, `${tag}: printed uid ${uid} is not the file's ${ours.uid}`);
    check(sdkVerifies(offchain, wallet.address, ours), `${tag}: eas-sdk rejects our signed attestation`);
    check(deepEqual(ours, normalize(theirs)),
          `${tag}: our object differs from eas-sdk's\nours:   ${JSON.stringify(sortKeys(ours))}\ntheirs: ${
            JSON.stringify(sortKeys(normalize(theirs)))}`);
    // Our link decodes in eas-sdk to our attestation.
    const ourOwnLink = run(['eas', 'share-link', 'encode', '--file', ourFile], { expect: 0 }).stdout.trim();
    const decodedOurs = decodeBase64ZippedBase64(ourOwnLink);
    check(decodedOurs.signer === wallet.address, `${tag}: the signer in our link is ${decodedOurs.signer}`);
    check(decodedOurs.sig.uid === ours.uid && decodedOurs.sig.message.data === ours.message.data &&
          decodedOurs.sig.signature.s === ours.signature.s, `${tag}: eas-sdk decodes our link to something else`);

    // Tampered -> both reject.
    const [bad, field] = tamper(ours);
    const badFile = writeFile(`bad-${round}.json`, JSON.stringify(bad));
    const ourVerdict = run(['eas', 'verify', '--file', badFile, '--attester', wallet.address, ...common]);
    check(ourVerdict.status === 1, `${tag}: credence accepted a tampered ${field} (exit ${ourVerdict.status})`);
    const badForSdk = JSON.parse(JSON.stringify(bad));
    check(!sdkVerifies(offchain, wallet.address, badForSdk), `${tag}: eas-sdk accepted a tampered ${field}`);

    // Schema UIDs.
    const schemaText = ['uint256 x, string y', 'bool ok', 'bytes32 id, address who, uint64 at', 'string name',
                        'uint8 vote, string comment é€'][below(5)] + (coin() ? '' : `, uint${8 * (1 + below(32))} n${round}`);
    const resolver = coin() ? ethers.ZeroAddress : randomAddress();
    const revocable = coin();
    const ourSchemaUid = run(['eas', 'schema-uid', '--schema', schemaText, '--resolver', resolver,
                              ...(revocable ? ['--revocable'] : [])], { expect: 0 }).stdout.trim();
    check(ourSchemaUid === SchemaRegistry.getSchemaUID(schemaText, resolver, revocable),
          `${tag}: schema uid of "${schemaText}" differs`);
  }
  // ---- malformed input: an explicit error naming the problem, exit 2 (never a verdict)
  const someKey = writeFile('key-malformed.json', JSON.stringify({
    type: 'secp256k1', secret_key: '11'.repeat(32), address: new ethers.Wallet('0x' + '11'.repeat(32)).address }));
  const signBase = ['eas', 'sign', '--key', someKey, '--schema', '0x' + '33'.repeat(32), '--recipient',
                    ethers.ZeroAddress, '--data', '0x', '--time', '1', '--expiration', '0', '--chain-id', '1',
                    '--contract', ethers.ZeroAddress, '--eas-version', '1.4.0', '--out', path.join(work, 'm.json')];
  const withArg = (flag, value) => { const a = signBase.slice(); a[a.indexOf(flag) + 1] = value; return a; };
  const malformed = [
    [withArg('--schema', '0x1234'), 'bad_arguments'],
    [withArg('--data', '0xzz'), 'bad_arguments'],
    [withArg('--recipient', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92267'), 'bad_arguments'],
    [withArg('--eas-version', '9.9'), 'eas_unknown_version'],
    [[...signBase, '--offchain-version', '3'], 'eas_unknown_version'],
    [['eas', 'verify', '--file', writeFile('m1.json', '{"version":')], 'bad_json'],
    [['eas', 'verify', '--file', writeFile('m2.json', '{"version":7}')], 'missing_field'],
    [['eas', 'verify', '--link', 'not base64!'], 'bad_base64'],
    [['eas', 'verify', '--link', 'AAAAAAAA'], 'bad_zlib'],
    [['eas', 'share-link', 'decode', '--link', 'eNrLSM3JyQcABiwCFQ=='], 'bad_json'],
  ];
  for (const [args, code] of malformed) {
    const r = run(args);
    check(r.status === 2 && r.stderr.includes(code),
          `credence ${args.slice(0, 3).join(' ')}…: expected exit 2 with ${code}, got ${r.status}: ${r.stderr.trim()}`);
  }

  fs.rmSync(work, { recursive: true, force: true });
  console.log(`eas_interop: ok: ${checks} checks over ${ROUNDS} random rounds (versions 0, 1, 2) with eas-sdk ${
    sdkVersion}, ethers ${ethers.version}`);
}

main().catch(e => fail(e.stack || String(e)));
