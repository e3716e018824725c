// Gas table (a benchmark, not a test): gas of one internal FixedPoint call, median and
// max over the parity corpus's successful vectors, measured with gasleft() around the
// call in FixedPointHarness.gas_* (includes ~30 gas of call and measurement overhead).
//
//   node harness/gas.js EXPECTED.jsonl [--every K]      (markdown table on stdout)
import fs from 'node:fs';
import readline from 'node:readline';
import { compile, Deployed, OPS, vectorArgs, SOLC_VERSION, EVM_VERSION } from './evm.js';

const argv = process.argv.slice(2);
const file = argv[0];
const every = argv.includes('--every') ? Number(argv[argv.indexOf('--every') + 1]) : 1;
if (!file) {
  console.error('usage: gas.js EXPECTED.jsonl [--every K]');
  process.exit(2);
}
const MEASURED = ['mul', 'div', 'mul_div', 'exp', 'ln', 'sqrt', 'pow', 'normal_pdf', 'normal_cdf', 'black76_call', 'black76_prices'];
// Corpus vectors of one op measured for another probe too (the prices alone on Black-76's vectors).
const ALSO = { black76_call: ['black76_prices'] };
const harness = await Deployed.create(compile(undefined, undefined, ['test/FixedPointHarness.sol:FixedPointHarness'])['test/FixedPointHarness.sol'].FixedPointHarness);
const gas = Object.fromEntries(MEASURED.map((op) => [op, []]));
let seen = 0;
const rl = readline.createInterface({ input: fs.createReadStream(file) });
for await (const line of rl) {
  const v = JSON.parse(line);
  if (!MEASURED.includes(v.op) || v.expect.value === undefined) continue;
  if (seen++ % every !== 0) continue;
  for (const op of [v.op, ...(ALSO[v.op] || [])]) {
    const r = await harness.call(op, 'gas_' + OPS[op], vectorArgs(v));
    if (r.value === undefined) throw new Error('gas call failed: ' + line);
    gas[op].push(Number(r.value));
  }
}
// Everyday inputs (the C++ benchmark's domains), drawn deterministically.
let seed = 12345n;
const rand = () => Number((seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n) >> 11n) / 2 ** 53;
const wad = (lo, hi) => BigInt(Math.round((lo + rand() * (hi - lo)) * 1e6)) * 10n ** 12n + BigInt(Math.floor(rand() * 1e12));
// Black-76: F 1,000-100,000, K/F 0.7-1.4, vol 20%-150%, one day to one year; w by SPEC.md 4.7 W1.
function black76Args() {
  const f = wad(1e3, 1e5), k = (f * wad(0.7, 1.4)) / 10n ** 18n, vol = wad(0.2, 1.5);
  const secs = BigInt(Math.round(86400 + rand() * (31536000 - 86400)));
  return [f, k, (vol * vol * secs * 2n ** 56n) / (31536000n * 10n ** 18n)];
}
const EVERYDAY = {
  mul: () => [wad(-1e6, 1e6), wad(-1e3, 1e3), 1n], div: () => [wad(-1e6, 1e6), wad(-1e3, 1e3), 1n],
  mul_div: () => [wad(-1e6, 1e6), wad(-1e6, 1e6), wad(1, 1e3), 1n], exp: () => [wad(-20, 20)],
  ln: () => [wad(1e-3, 1e3)], sqrt: () => [wad(1e-3, 1e3)], pow: () => [wad(0.5, 2), wad(-10, 10)],
  normal_pdf: () => [wad(-5, 5)], normal_cdf: () => [wad(-5, 5)],
  // Black-76: the whole kernel (both prices, N(d1), phi(d1), sqrt w), and the two prices alone.
  black76_call: () => black76Args(),
  black76_prices: () => black76Args(),
};
const overhead = Number((await harness.call('nop', 'gas_nop()', [])).value);
const everyday = {};
for (const op of MEASURED) {
  everyday[op] = [];
  for (let i = 0; i < 200; i++) everyday[op].push(Number((await harness.call(op, 'gas_' + OPS[op], EVERYDAY[op]())).value) - overhead);
  everyday[op].sort((x, y) => x - y);
}
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
console.log(`solc ${SOLC_VERSION.split('+')[0]}, optimizer on (runs 1,000,000), evmVersion ${EVM_VERSION}; ${file}, every ${every}\n`);
console.log(`Gas of one call, the measurement's own ${overhead} gas subtracted. Everyday inputs: 200 draws`);
console.log('from the C++ benchmark\'s domains (bench/bench_fixedpoint.cpp); corpus: every successful vector of');
console.log('the parity corpus, extremes included.\n');
console.log('| op | everyday: median | everyday: max | corpus vectors | corpus: median | corpus: p99 | corpus: max |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const op of MEASURED) {
  const a = gas[op].map((g) => g - overhead).sort((x, y) => x - y);
  const e = everyday[op];
  console.log(`| ${op} | ${pct(e, 0.5)} | ${e[e.length - 1]} | ${a.length} | ${pct(a, 0.5)} | ${pct(a, 0.99)} | ${a[a.length - 1]} |`);
}
