#!/usr/bin/env node
// Digital Bazaar's Verifiable Credentials libraries as a command: creditbank's interoperability tests
// (and benchmarks) run it to check credentials in an implementation independent of creditbank's own.
//
//   node dbvc.mjs verify        {credential, now?}                      -> {verified, errors}
//   node dbvc.mjs issue         {credential, seed_hex, suite, created}  -> the signed credential
//   node dbvc.mjs canonize      {document}                              -> {nquads, signed_nquads}
//   node dbvc.mjs bench-verify  {credential, seconds? | count?, now?}   -> {count, seconds, per_second}
//
// Each reads one JSON value from standard input and writes one to standard output. A JSON array of
// inputs is a batch: the answers come back as an array in the same order, from one process, and an
// input that cannot be handled is answered {error} there (alone, it exits 1 with the error on stderr).
//
// Nothing is fetched: the document loader serves creditbank's shipped contexts (read from
// src/creditbank/data/contexts), the Data Integrity and Multikey contexts that npm packages ship, and
// did:key documents derived from the key itself; any other URL is refused and named in the error.

import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfcSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as jcsSignSuite,
  createVerifyCryptosuite as jcsVerifySuite
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import jsonld from 'jsonld';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHIPPED = join(HERE, '..', '..', 'src', 'creditbank', 'data', 'contexts');
const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';

function shipped(file) {
  return JSON.parse(readFileSync(join(SHIPPED, file), 'utf8'));
}

const CONTEXTS = new Map([
  ['https://www.w3.org/ns/credentials/v2', shipped('credentials-v2.jsonld')],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    shipped('ob-v3p0-context-3.0.3.json')],
  ['https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
    shipped('clr-v2p0-context-2.0.1.json')],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', shipped('ob-v3p0-extensions.json')],
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts
]);

// did:key (Ed25519 only): the DID document and its one verification method, derived from the key.
async function didKeyDocument(url) {
  const [did, fragment] = url.split('#');
  const key = did.slice('did:key:'.length);
  if(!key.startsWith('z6Mk')) {
    throw new Error(`"${did}" is not an Ed25519 did:key.`);
  }
  if(fragment !== undefined && fragment !== key) {
    throw new Error(`"${url}" names no verification method of ${did}.`);
  }
  const method = {
    '@context': multikeyContext.CONTEXT_URL,
    id: `${did}#${key}`,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: key
  };
  await Ed25519Multikey.from(method); // throws unless it is a well-formed Ed25519 Multikey
  if(fragment !== undefined) {
    return method;
  }
  const {'@context': _, ...embedded} = method;
  // The DID context is not loaded: jsonld-signatures reads a document whose first context is
  // the DID one as it stands, without framing it.
  return {
    '@context': [DID_CONTEXT, multikeyContext.CONTEXT_URL],
    id: did,
    verificationMethod: [embedded],
    authentication: [method.id],
    assertionMethod: [method.id],
    capabilityDelegation: [method.id],
    capabilityInvocation: [method.id]
  };
}

// Status list credentials given with a verify request, by URL.
const STATUS_LISTS = new Map();

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  if(STATUS_LISTS.has(url)) { // status list credentials the caller handed over (never fetched)
    return {contextUrl: null, documentUrl: url, document: STATUS_LISTS.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDocument(url)};
  }
  throw new Error(`The document loader refuses "${url}": nothing is fetched.`);
}
// jsonld's own default would fetch over HTTP; make sure nothing reaches it.
jsonld.documentLoader = documentLoader;

const VERIFY_SUITES = [
  new DataIntegrityProof({cryptosuite: rdfcSuite}),
  new DataIntegrityProof({cryptosuite: jcsVerifySuite()})
];

// Every message in an error and the errors it carries, without repeats.
function messages(error, found = []) {
  if(!error) {
    return found;
  }
  if(Array.isArray(error)) {
    error.forEach(e => messages(e, found));
    return found;
  }
  const text = error.message || String(error);
  if(error.errors) {
    messages(error.errors, found);
  }
  if(error.cause) {
    messages(error.cause, found);
  }
  if(error.details?.cause) { // jsonld.js keeps the document loader's error here
    messages(error.details.cause, found);
  }
  if(!found.includes(text) && !(error.errors && /^Verification error/.test(text))) {
    found.push(text);
  }
  return found;
}

async function verifyOnce({credential, now, status_lists: statusLists}) {
  STATUS_LISTS.clear();
  for(const [url, list] of Object.entries(statusLists || {})) {
    STATUS_LISTS.set(url, list);
  }
  const result = await vc.verifyCredential({
    credential: structuredClone(credential), suite: VERIFY_SUITES, documentLoader,
    ...(statusLists ? {checkStatus} : {}),
    ...(now ? {now} : {})
  });
  const errors = messages(result.error);
  for(const r of result.results || []) {
    messages(r.error, errors);
    messages(r.purposeResult?.error, errors);
  }
  messages(result.statusResult?.error, errors);
  // vc-bitstring-status-list reports each entry's bit; a set bit is the issuer's revocation or
  // suspension, which the caller judges (the library's "verified" only says the list checked out).
  const statuses = (result.statusResult?.results || []).map(r => ({
    purpose: r.credentialStatus?.statusPurpose, set: r.status === true
  }));
  return {
    verified: result.verified === true, errors: result.verified ? [] : errors,
    ...(statusLists ? {statuses} : {})
  };
}

async function verify(input) {
  return verifyOnce(input);
}

async function issue({credential, seed_hex: seedHex, suite, created}) {
  if(!/^[0-9a-fA-F]{64}$/.test(seedHex || '')) {
    throw new Error('"seed_hex" must be a 32-byte Ed25519 seed in hexadecimal.');
  }
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  const controller = `did:key:${publicKeyMultibase}`;
  const key = await Ed25519Multikey.generate({seed, controller});
  let cryptosuite;
  if(suite === 'eddsa-rdfc-2022') {
    cryptosuite = rdfcSuite;
  } else if(suite === 'eddsa-jcs-2022') {
    cryptosuite = jcsSignSuite();
  } else {
    throw new Error(`Unknown cryptosuite "${suite}".`);
  }
  const proofSuite = new DataIntegrityProof({
    signer: key.signer(), cryptosuite, ...(created ? {date: created} : {})
  });
  return vc.issue({credential: structuredClone(credential), suite: proofSuite, documentLoader});
}

async function canonize({document}) {
  // jsonld.js's canonize (RDFC-1.0, safe mode, value directions as i18n datatypes), and the
  // cryptosuite's: what an eddsa-rdfc-2022 signature covers.
  const options = {
    algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true,
    rdfDirection: 'i18n-datatype', documentLoader
  };
  return {
    nquads: await jsonld.canonize(structuredClone(document), options),
    signed_nquads: await rdfcSuite.canonize(structuredClone(document), {documentLoader})
  };
}

async function benchVerify({credential, seconds, count, now}) {
  const first = await verifyOnce({credential, now});
  if(!first.verified) {
    throw new Error(`The credential does not verify: ${first.errors.join('; ')}`);
  }
  const limit = count ?? Infinity;
  const budget = (seconds ?? (count === undefined ? 2 : Infinity)) * 1000;
  const start = performance.now();
  let done = 0;
  while(done < limit && performance.now() - start < budget) {
    if(!(await verifyOnce({credential, now})).verified) {
      throw new Error('A verification failed during the benchmark.');
    }
    done++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return {count: done, seconds: elapsed, per_second: elapsed > 0 ? done / elapsed : null};
}

const COMMANDS = {verify, issue, canonize, 'bench-verify': benchVerify};

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const name = process.argv[2];
  const command = COMMANDS[name];
  if(!command) {
    process.stderr.write(
      `usage: node dbvc.mjs {${Object.keys(COMMANDS).join('|')}} < input.json\n`);
    process.exit(2);
  }
  const input = JSON.parse(await readStdin());
  let output;
  if(Array.isArray(input)) {
    // one item's failure is its answer, and the others still run
    output = [];
    for(const item of input) {
      try {
        output.push(await command(item));
      } catch(error) {
        output.push({error: messages(error).join('; ') || String(error)});
      }
    }
  } else {
    output = await command(input);
  }
  process.stdout.write(JSON.stringify(output) + '\n');
}

main().catch(error => {
  process.stderr.write(`dbvc: ${error.stack || error}\n`);
  process.exit(1);
});
