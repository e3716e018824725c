// ABI cross-check: the C++ codec (abi_vectors, natively and as WebAssembly when given)
// against Solidity's own decoder and abi.encode (AbiProbe.eN, in-process EVM).
//
//   node harness/abi.js ABI_VECTORS_CMD [more commands...] [--count N]
//   e.g. node harness/abi.js build/native/bin/abi_vectors "node build/wasm/bin/abi_vectors.js"
//
// For each probe function (words of every width, addresses, bytesN, bytes, strings,
// nested dynamic and fixed arrays, structs, and MarginAccounts' (Book, Params, uint256)):
//  1. encoding: N random values encoded in C++; the EVM decodes each as calldata and
//     returns abi.encode of what it decoded: the bytes must be identical;
//  2. decoding: 4 corruptions of each encoding (a byte changed, a word replaced by an
//     edge value, the data cut short): C++ accepts exactly what the EVM accepts, and what
//     both accept re-encodes to the same bytes.
import { execFileSync, execSync } from 'node:child_process';
import { hexToBytes, bytesToHex } from '@ethereumjs/util';
import { compile, Deployed } from './evm.js';

const argv = process.argv.slice(2);
const countAt = argv.indexOf('--count');
const count = countAt >= 0 ? Number(argv[countAt + 1]) : 150;
const commands = countAt < 0 ? argv : argv.filter((_, i) => i !== countAt && i !== countAt + 1);
if (commands.length === 0) {
  console.error('usage: abi.js ABI_VECTORS_CMD [more commands...] [--count N]');
  process.exit(2);
}
const run = (cmd, args, input) => {
  const line = [cmd, ...args.map((a) => `'${a}'`)].join(' ');
  return execSync(line, { input, encoding: 'utf8', maxBuffer: 1 << 28 }).trimEnd().split('\n');
};

const probe = await Deployed.create(compile(undefined, undefined, ['test/AbiProbe.sol:AbiProbe'])['test/AbiProbe.sol'].AbiProbe);
const evmCall = async (sel, hex) => {
  const r = await probe.evm.runCall({ caller: probe.caller, to: probe.address, data: hexToBytes('0x' + sel + hex), gasLimit: 30_000_000n, skipBalance: true });
  if (r.execResult.exceptionError) return null;
  const ret = bytesToHex(r.execResult.returnValue).slice(2);
  const len = Number(BigInt('0x' + ret.slice(64, 128)));
  return '0x' + ret.slice(128, 128 + 2 * len);  // the returned bytes: abi.encode(args)
};

// A deterministic generator for the corruptions.
let seed = 0x2545f4914f6cdd1dn;
const next = () => Number((seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n)) >> 33n);
const EDGES = [0n, 1n, 31n, 32n, 64n, 0x7fn, 0x80n, 0xffn, 1n << 64n, (1n << 255n), (1n << 256n) - 1n];
function corrupt(hex, k) {
  const b = hex.slice(2);
  const bytes = b.length / 2;
  if (bytes === 0) return hex;
  if (k === 0) {  // one byte changed
    const at = next() % bytes;
    const old = parseInt(b.slice(2 * at, 2 * at + 2), 16);
    const nb = ((old + 1 + (next() % 255)) & 255).toString(16).padStart(2, '0');
    return '0x' + b.slice(0, 2 * at) + nb + b.slice(2 * at + 2);
  }
  if (k === 1 || k === 2) {  // a word replaced by an edge value or a nearby offset
    const words = Math.floor(bytes / 32);
    const at = next() % words;
    const old = BigInt('0x' + b.slice(64 * at, 64 * at + 64));
    const v = k === 1 ? EDGES[next() % EDGES.length] : (old + BigInt((next() % 9) - 4) * 32n) & ((1n << 256n) - 1n);
    return '0x' + b.slice(0, 64 * at) + v.toString(16).padStart(64, '0') + b.slice(64 * at + 64);
  }
  return '0x' + b.slice(0, 2 * (next() % bytes));  // cut short
}

let failed = false;
const fail = (msg) => { failed = true; console.log('  MISMATCH ' + msg); };
const sigs = Object.entries(probe.methods).filter(([s]) => /^e\d\(/.test(s)).sort();
let encoded = 0, corrupted = 0, accepted = 0, encodeBad = 0, decodeBad = 0;
for (const [sig, sel] of sigs) {
  const args = sig.slice(sig.indexOf('('));
  const [primary, ...others] = commands;
  const values = run(primary, ['random', args, String(count), String(sigs.indexOf(sig) + 1)]);
  for (const cmd of others) {
    const again = run(cmd, ['random', args, String(count), String(sigs.indexOf(sig) + 1)]);
    const bad = values.filter((v, i) => v !== again[i]).length;
    if (bad) fail(`${sig.slice(0, 3)}: ${cmd} encodes ${bad} of ${count} values differently from ${primary}`);
  }
  let bad = 0;
  for (const v of values) {
    const evm = await evmCall(sel, v.slice(2));
    encoded++;
    if (evm !== v) { bad++; encodeBad++; if (bad <= 3) fail(`${sig.slice(0, 3)} encode: C++ ${v.slice(0, 80)}… EVM ${evm && evm.slice(0, 80)}…`); }
  }
  // corruptions: C++ decode vs the EVM's decoder
  const mutants = [];
  values.forEach((v, i) => { for (let k = 0; k < 4; k++) mutants.push(corrupt(v, (i + k) % 4)); });
  const evmOut = [];
  for (const m of mutants) evmOut.push(await evmCall(sel, m.slice(2)));
  for (const cmd of commands) {
    const cpp = run(cmd, ['decode', args], mutants.map((m) => m.slice(2)).join('\n') + '\n');
    let disagree = 0;
    mutants.forEach((m, i) => {
      const e = evmOut[i], c = cpp[i];
      const same = e === null ? c.startsWith('error ') : c === 'ok ' + e;
      if (!same) { disagree++; decodeBad++; if (disagree <= 3) fail(`${sig.slice(0, 3)} decode (${cmd}): ${m.slice(0, 74)}… EVM ${e === null ? 'reverts' : 'accepts'}, C++ ${c.slice(0, 60)}`); }
    });
    if (cmd === commands[0]) { corrupted += mutants.length; accepted += evmOut.filter((e) => e !== null).length; }
  }
  console.log(`  ${sig.slice(0, sig.indexOf('('))}${args.length > 60 ? args.slice(0, 57) + '...' : args}: ${count} encodings, ${bad} mismatches; ${mutants.length} corruptions`);
}
console.log(`abi: ${encoded} random encodings vs the EVM's abi.encode: ${encodeBad} mismatches; ` +
  `${corrupted} corrupted encodings (${accepted} valid) decoded by C++ and by Solidity: ${decodeBad} disagreements (${commands.length} build${commands.length > 1 ? 's' : ''})`);
process.exit(failed ? 1 : 0);
