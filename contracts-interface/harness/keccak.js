// keccak256 cross-check: the C++ abi::keccak256 (native, and WebAssembly when given)
// against the EVM's KECCAK256 opcode (AbiProbe.hash) and @noble/hashes, on every
// length from 0 to 3 rates + 8 bytes and on random inputs up to 2,000 bytes.
//
//   node harness/keccak.js KECCAK_VECTORS_CMD [more commands...]
//   e.g. node harness/keccak.js build/native/bin/keccak_vectors "node build/wasm/bin/keccak_vectors.js"
import { execSync } from 'node:child_process';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes, bytesToHex } from '@ethereumjs/util';
import { compile, Deployed } from './evm.js';

const commands = process.argv.slice(2);
if (commands.length === 0) {
  console.error('usage: keccak.js KECCAK_VECTORS_CMD [more commands...]');
  process.exit(2);
}

// Deterministic inputs: lengths 0..416 filled with a counter pattern, then 600 random ones.
let seed = 0x9e3779b97f4a7c15n;
const next = () => Number((seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n)) >> 56n);
const inputs = [];
for (let n = 0; n <= 3 * 136 + 8; n++) inputs.push(Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255));
for (let i = 0; i < 600; i++) {
  const n = (next() << 3) | (next() & 7);  // 0..2047
  inputs.push(Uint8Array.from({ length: n }, () => next()));
}
const hexLines = inputs.map((b) => bytesToHex(b).slice(2)).join('\n') + '\n';

const probe = await Deployed.create(compile(undefined, undefined, ['test/AbiProbe.sol:AbiProbe'])['test/AbiProbe.sol'].AbiProbe);
const selector = probe.methods['hash(bytes)'];
const word = (v) => BigInt(v).toString(16).padStart(64, '0');
const evmHash = async (bytes) => {
  const body = bytesToHex(bytes).slice(2).padEnd(Math.ceil(bytes.length / 32) * 64, '0');
  const data = hexToBytes('0x' + selector + word(32) + word(bytes.length) + body);
  const r = await probe.evm.runCall({ caller: probe.caller, to: probe.address, data, gasLimit: 10_000_000n, skipBalance: true });
  if (r.execResult.exceptionError) throw new Error('AbiProbe.hash reverted');
  return bytesToHex(r.execResult.returnValue);
};

const evm = [];
for (const b of inputs) evm.push(await evmHash(b));
let failed = false;
const noble = inputs.map((b) => bytesToHex(keccak_256(b)));
const nobleBad = noble.filter((h, i) => h !== evm[i]).length;
console.log(`keccak256: ${inputs.length} inputs (0-2047 bytes): @noble/hashes vs EVM: ${nobleBad} mismatches`);
failed ||= nobleBad > 0;
for (const cmd of commands) {
  const out = execSync(cmd, { input: hexLines, encoding: 'utf8', maxBuffer: 1 << 26 }).trimEnd().split('\n');
  const bad = out.length === evm.length ? out.filter((h, i) => h !== evm[i]).length : evm.length;
  console.log(`keccak256: ${cmd} vs EVM: ${bad} mismatches`);
  failed ||= bad > 0;
}
process.exit(failed ? 1 : 0);
