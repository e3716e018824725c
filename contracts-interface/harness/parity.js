// EVM parity: evaluate an evaluated corpus (fpcalc's output, with "expect") on the
// EVM and require every value and every error <-> revert to be identical.
//
//   node harness/parity.js EXPECTED.jsonl [--limit N] [--every K] [--mutate]
//
// --every K takes every K-th numeric vector (a spread subset); --limit N stops after N.
// --mutate compiles FixedPoint.sol once per deliberate rounding change in MUTATIONS and
// succeeds only if every one of them is reported as mismatches: proof that the
// comparison bites. Exit 0 on 0 mismatches (or, with --mutate, every mutation caught).
//
// (Swapping round-half-up for round-half-down is not among them: exact ties did not
// occur in the corpus, so no vector can tell the two apart.)
import fs from 'node:fs';
import readline from 'node:readline';
import { compile, Deployed, OPS, vectorArgs, SOLC_VERSION, EVM_VERSION } from './evm.js';

const argv = process.argv.slice(2);
const file = argv[0];
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const limit = opt('--limit', Infinity);
const every = opt('--every', 1);
const mutate = argv.includes('--mutate');
if (!file) {
  console.error('usage: parity.js EXPECTED.jsonl [--limit N] [--every K] [--mutate]');
  process.exit(2);
}

/// The one contract these checks deploy (solc generates code for it alone).
const HARNESS = ['test/FixedPointHarness.sol:FixedPointHarness'];

// Each: [what, source file, exact text in it, replacement]. CI samples every 240th vector,
// which meets each op in one rounding mode only (the corpus cycles modes per op), so each
// change must alter a path that mode takes: mul's is CEIL, div's TOWARD_ZERO.
const MUTATIONS = [
  ['E5 truncates instead of rounding half up', 'FixedPoint.sol', 'return int256((p + (1 << uint256(s - 1))) >> uint256(s));', 'return int256(p >> uint256(s));'],
  ['mulDiv floors the wrong sign', 'FixedPoint.sol', 'or(and(eq(r, 1), n), and(eq(r, 2), iszero(n)))', 'or(and(eq(r, 1), iszero(n)), and(eq(r, 2), iszero(n)))'],
  ['mul ceils a negative product', 'FixedPoint.sol', 'and(eq(r, 2), sgt(p, 0))', 'and(eq(r, 2), slt(p, 0))'],
  ['div divides as unsigned', 'FixedPoint.sol', 'q := sdiv(p, b)', 'q := div(p, b)'],
  ['ln floors instead of rounding half up', 'FixedPoint.sol', 'return (v + (1 << 55)) >> 56;', 'return v >> 56;'],
  ['Black-76 B3 rounds v/2 up in d1', 'Black76.sol', 'let h := shr(1, v)', 'let h := shr(1, add(v, 1))'],
  ['Black-76 B4 rounds y^2/2 up', 'Black76.sol', '_expNeg((y * y) / (2 * EXT_ONE))', '_expNeg((y * y) / (2 * EXT_ONE) + 1)'],
];

async function run(contracts, quiet) {
  const harness = await Deployed.create(contracts['test/FixedPointHarness.sol'].FixedPointHarness);
  let n = 0, seen = 0, mismatches = 0, skipped = 0;
  const perOp = {};
  const rl = readline.createInterface({ input: fs.createReadStream(file) });
  for await (const line of rl) {
    if (!line) continue;
    const v = JSON.parse(line);
    const sig = OPS[v.op];
    if (!sig) { skipped++; continue; } // parse/format: text ops, not on chain
    if (seen++ % every !== 0) continue;
    if (n >= limit) break;
    n++;
    const got = await harness.call(v.op, sig, vectorArgs(v));
    const want = v.expect;
    const same = want.error !== undefined ? got.error === want.error : got.value !== undefined && got.value.toString() === want.value;
    perOp[v.op] = perOp[v.op] || { n: 0, bad: 0 };
    perOp[v.op].n++;
    if (!same) {
      mismatches++;
      perOp[v.op].bad++;
      if (mismatches <= 10 && !quiet)
        console.log(`  mismatch: ${line}\n    evm: ${JSON.stringify(got, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
    }
  }
  return { n, mismatches, skipped, perOp };
}

if (mutate) {
  let caught = 0;
  for (const [what, file, from, to] of MUTATIONS) {
    const contracts = compile((name, text) => {
      if (name !== file) return text;
      if (!text.includes(from)) throw new Error('mutation site not found: ' + from);
      return text.replace(from, to);
    }, undefined, HARNESS);
    const r = await run(contracts, true);
    console.log(`  mutation "${what}": ${r.mismatches} mismatches in ${r.n} vectors ${r.mismatches > 0 ? '(caught)' : '(NOT CAUGHT)'}`);
    if (r.mismatches > 0) caught++;
  }
  console.log(`evm parity self-check: ${caught} of ${MUTATIONS.length} deliberate rounding changes caught`);
  process.exit(caught === MUTATIONS.length ? 0 : 1);
}

const { n, mismatches, skipped, perOp } = await run(compile(undefined, undefined, HARNESS), false);
const ops = Object.entries(perOp).map(([op, s]) => `${op} ${s.n - s.bad}/${s.n}`).join(', ');
console.log(`solc ${SOLC_VERSION}, evm ${EVM_VERSION}: ${ops}`);
const textOnly = skipped ? ` (${skipped} text-only vectors not applicable on chain)` : '';
console.log(`evm parity: ${n} vectors, ${mismatches} mismatches${textOnly}`);
process.exit(mismatches === 0 && n > 0 ? 0 : 1);
