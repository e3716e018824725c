// Gas by source line (a benchmark aid, not a test): one call in the in-process EVM, every
// opcode's gas charged to the Solidity line solc's source map gives for its pc. Via-IR
// inlines freely, so a line is where the code came from, not a call boundary: an internal
// function's body is charged to its own lines.
//
//   node harness/profile.js [OP] [ARGS...] [--top N]
//       a FixedPointHarness gas probe: OP one of evm.js's OPS (default black76_prices),
//       ARGS its integer arguments (default: F 2,000, K 2,100, vol 80%, 30 days)
//   node harness/profile.js --engine CALLDATA_FILE [--top N]
//       MarginEngine as deployed (optimizer runs DEPLOY_RUNS) on the hex calldata in the
//       file, e.g. build/gas/witness-16x1.hex, written by `accounts.js --gas`
import fs from 'node:fs';
import path from 'node:path';
import { createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { compile, Deployed, OPS, CONTRACTS, DEPLOY_RUNS, sourceNames } from './evm.js';

const argv = process.argv.slice(2);
const flag = (name) => (argv.includes(name) ? argv.splice(argv.indexOf(name), 2)[1] : undefined);
const top = Number(flag('--top') ?? 25);
const engineData = flag('--engine');
const op = argv[0] ?? 'black76_prices';
if (engineData === undefined && !OPS[op]) {
  console.error(`usage: profile.js [OP] [ARGS...] [--top N] | --engine CALLDATA_FILE [--top N]; OP one of ${Object.keys(OPS).join(', ')}`);
  process.exit(2);
}

const [file, name] = engineData === undefined ? ['test/FixedPointHarness.sol', 'FixedPointHarness'] : ['MarginEngine.sol', 'MarginEngine'];
const contract = compile(undefined, engineData === undefined ? undefined : DEPLOY_RUNS, [`${file}:${name}`], true)[file][name];
const deployed = await Deployed.create(contract);

// pc -> instruction index (PUSH1..PUSH32 carry 1..32 data bytes), then the source map's
// run-length entries (s:l:f:j:m, empty fields repeat the previous entry's).
const code = Buffer.from(contract.evm.deployedBytecode.object, 'hex');
const index = new Map();
for (let pc = 0, i = 0; pc < code.length; i++) {
  index.set(pc, i);
  pc += code[pc] >= 0x60 && code[pc] <= 0x7f ? code[pc] - 0x5e : 1;
}
const entries = [];
let prev = [0, 0, -1];
for (const part of contract.evm.deployedBytecode.sourceMap.split(';')) {
  const f = part.split(':');
  prev = [0, 1, 2].map((k) => (f[k] === undefined || f[k] === '' ? prev[k] : Number(f[k])));
  entries.push(prev);
}
// Source ids follow solc's order of the source units: sourceNames(), as compile() passes them.
const files = sourceNames();
const texts = files.map((f) => fs.readFileSync(path.join(CONTRACTS, f), 'utf8'));
const where = (pc) => {
  const [s, , f] = entries[index.get(pc)] ?? [0, 0, -1];
  if (f < 0 || f >= files.length) return 'compiler-generated';
  const line = texts[f].slice(0, s).split('\n').length;
  return `${files[f]}:${line}  ${texts[f].split('\n')[line - 1].trim().slice(0, 90)}`;
};

// Each step's cost is the gas left before it less the gas left before the next step of
// the same frame (neither contract makes calls, so there is one frame).
const byLine = new Map();
let last = null;
deployed.evm.events.on('step', (e, next) => {
  if (last) byLine.set(last.where, (byLine.get(last.where) ?? 0) + Number(last.gasLeft - e.gasLeft));
  last = { where: where(e.pc), gasLeft: e.gasLeft };
  next?.();
});
let title;
if (engineData === undefined) {
  const args = argv.length > 1 ? argv.slice(1).map(BigInt) : [2000n * 10n ** 18n, 2100n * 10n ** 18n, (80n * 10n ** 16n) ** 2n * 2592000n * 2n ** 56n / (31536000n * 10n ** 18n)];
  const r = await deployed.call(op, 'gas_' + OPS[op], args);
  if (r.value === undefined) throw new Error(`${op}(${args.join(', ')}) failed: ${JSON.stringify(r)}`);
  title = `gas_${op}(${args.join(', ')}): the probe measures ${r.value} gas`;
} else {
  const data = hexToBytes(fs.readFileSync(engineData, 'utf8').trim());
  const r = await deployed.evm.runCall({ caller: createAddressFromString('0x' + '11'.repeat(20)), to: deployed.address, data, gasLimit: 16_000_000n, skipBalance: true });
  if (r.execResult.exceptionError) throw new Error(`MarginEngine reverted: ${r.execResult.exceptionError.error}`);
  title = `MarginEngine, ${data.length} bytes of calldata (${engineData}): ${r.execResult.executionGasUsed} gas of execution`;
}
const total = [...byLine.values()].reduce((a, b) => a + b, 0);
console.log(`${title}; ${total} gas over the steps, by line:\n`);
for (const [line, g] of [...byLine.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${String(g).padStart(7)}  ${line}`);
