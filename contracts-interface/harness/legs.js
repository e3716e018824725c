// The legs cap (MAX_LEGS 32, issue 31 item 4) at its worst, on a fresh house: guards.js section 5.
// The gas of the three paths whose cost grows with the legs, measured, each asserted below a block
// gas limit (default 30,000,000: Ethereum mainnet's; `--block-gas N` sets another, e.g. a lower
// one to see the assertion fail):
//   (a) a trade between two accounts of 32 legs over 4 expiries, both sides reducing and failing
//       IM afterwards (the risk-reducing rule's undo, full grid, redo on each side: four grids);
//   (b) a liquidation of a 32-leg account (4 expiries) by a liquidator that already holds half of
//       its series, so that it ends at exactly 32 legs (the witness, the transfer, its IM grid);
//   (c) a withdrawal at 32 legs (one full grid).
// And the 33rd leg refused InvalidParameter("legs") by a trade and by a liquidation.
// The accounts: A short every call (28) and long the four 80,000 puts: its worst scenario is up;
// B short every put (28, the 80,000s sold to A) and long the four 120,000 calls (bought from A):
// its worst is down. A vol rise takes both below IM (not MM); B buys back half of A's long 80,000
// put of the first expiry: B reduces a short, A a long; at the lowest price above mark (mark + 0,
// 1, 5, 20, 100, 400) where neither's equity - MM falls (at mark A's does), the rule passes both.
import { ethers } from 'ethers';
import { House, W } from './house.js';

/// Run the section on a fresh house of `contracts`; `expect(ok, what)` counts; `why(promise)`
/// the custom error ({name, args}) or null; `limit` the block gas limit asserted. Returns the gas.
export async function legsCap(contracts, expect, why, limit) {
  const f = await House.deploy({ traders: 4, contracts });
  await f.configure();
  const fh = f.house;
  const [A, B, M1, M2] = f.traders;
  const [L1, L2] = [f.liquidator, f.stranger];
  const cap = Number(await fh.MAX_LEGS());
  const legs = async (s) => (await fh.accountOf(s.address)).held.length;
  const named = (r, name, field) => r && r.name === name && r.args[0] === ethers.encodeBytes32String(field);
  for (const s of [A, B, M1, M2, L1, L2]) {
    await f.fund(s, W('100000000'));
    await f.send(fh.connect(s).deposit(W('20000000')));
  }
  const S = f.SERIES.map((s, i) => ({ ...s, i: BigInt(i) }));
  const calls = S.filter((s) => s.call);
  const puts = S.filter((s) => !s.call);
  const wing = (s) => s.strike === W('120000');
  const low = puts.filter((s) => s.strike === W('80000'));
  const px = (s) => f.optionPrice(s);
  for (const s of calls) await f.send(f.trade(wing(s) ? B : M1, A, s.i, W('1'), px(s)));
  for (const s of low) await f.send(f.trade(A, B, s.i, W('0.2'), px(s)));
  for (const s of puts) if (!low.includes(s)) await f.send(f.trade(M2, B, s.i, W('1'), px(s)));
  const expiries = async (s) => (await fh.book(s.address)).expiries.length;
  expect((await legs(A)) === cap && (await legs(B)) === cap && (await expiries(A)) === 4 && (await expiries(B)) === 4,
    `A and B hold ${cap} legs over 4 expiries (${await legs(A)}, ${await legs(B)})`);
  // the 33rd leg by a trade
  const mid = puts.find((s) => s.strike === W('100000'));
  const r33 = await why(f.trade(M1, A, mid.i, W('0.1'), px(mid)));
  expect(cap === 32 && named(r33, 'InvalidParameter', 'legs'), `MAX_LEGS ${cap}: a trade giving A a 33rd series reverts InvalidParameter("legs") (${r33?.name})`);
  // (c) a withdrawal at the cap
  const wd = await f.send(fh.connect(B).withdraw(W('1000')));
  // (a) both below IM, above MM: each withdraws to just above IM, then vols rise 2% a push
  for (const s of [A, B]) {
    const g = await fh.fullGrid(s.address);
    await f.send(fh.connect(s).withdraw(g.equity - g.initial - (g.initial - g.maintenance) / 20n));
  }
  const below = async (s) => {
    const g = await fh.fullGrid(s.address);
    return g.equity < g.initial && g.equity >= g.maintenance;
  };
  for (let k = 0; k < 10 && !((await below(A)) && (await below(B))); k++) await f.move(1n, 1n, 102n, 100n);
  const ga0 = await fh.fullGrid(A.address);
  const gb0 = await fh.fullGrid(B.address);
  expect((await below(A)) && (await below(B)), `A and B between MM and IM (A: equity ${ga0.equity} IM ${ga0.initial} MM ${ga0.maintenance}; B: ${gb0.equity} ${gb0.initial} ${gb0.maintenance})`);
  const x = low[0];
  const mark = (await fh.quotes(x.i)).mark;
  // the price: the lowest of mark + k that passes both sides (A's equity - MM gains what B's loses)
  const size = W('0.1');
  const at = (p) => {
    const b = f.order(B, x.i, size, p);
    const s = f.order(A, x.i, -size, p);
    return [b.order, b.sig, s.order, s.sig, size, p];
  };
  let price = null;
  let rt;
  for (const k of ['0', '1', '5', '20', '100', '400']) {
    const p = mark + W(k);
    rt = await why(fh.connect(f.matcher).trade.staticCall(...at(p)));
    if (rt === null) {
      price = p;
      break;
    }
  }
  // no passing price: the trade sent with a fixed gas limit reverts after the four grids (B's
  // undo, grid, redo; A's undo, grid, comparison): its gas is the path's, less A's redo
  const tx = price === null ? await fh.connect(f.matcher).trade(...at(mark), { gasLimit: limit }) : null;
  const rc = price === null ? await f.node.receipt(tx.hash) : await f.send(fh.connect(f.matcher).trade(...at(price)));
  const trade = BigInt(rc.gasUsed);
  const ga1 = await fh.fullGrid(A.address);
  const gb1 = await fh.fullGrid(B.address);
  expect(ga1.equity < ga1.initial && gb1.equity < gb1.initial && (await legs(A)) === cap && (await legs(B)) === cap,
    `the worst trade passes: both sides reduce below IM (the undo/redo path on each, four full grids; ${price === null ? 'reverted at the last comparison: ' + rt?.name : 'passed at ' + price} ${rt?.args?.[0] === A.address ? 'A' : rt?.args?.[0] === B.address ? 'B' : ''} ${rt?.args?.slice(1)})`);
  // (b) a crash takes B (short puts) below MM; L2, holding one series B does not, would reach 33
  const bSet = new Set((await fh.accountOf(B.address)).held.map(String));
  const other = calls.find((s) => !bSet.has(String(s.i)));
  await f.send(f.trade(M1, L2, other.i, W('0.01'), px(other)));
  const half = [...bSet].slice(0, cap / 2).map((i) => S[Number(i)]);
  for (const s of half) await f.send(f.trade(M2, L1, s.i, W('0.01'), px(s)));
  let g = await fh.fullGrid(B.address);
  for (let k = 0; k < 4 && !g.liquidatable; k++) {
    await f.move(90n, 100n);
    g = await fh.fullGrid(B.address);
  }
  const l33 = await why(fh.connect(L2).liquidate.staticCall(B.address, g.worst));
  expect(g.liquidatable && named(l33, 'InvalidParameter', 'legs'), `a liquidation giving the liquidator a 33rd series reverts InvalidParameter("legs") (${l33?.name})`);
  const before = await legs(L1);
  const rl = await f.send(fh.connect(L1).liquidate(B.address, g.worst));
  const after = await legs(L1);
  expect(before === cap / 2 && after === cap && (await legs(B)) === cap, `the liquidator ends at exactly ${cap} legs (${before} -> ${after}), B keeps ${await legs(B)}`);
  const gas = { trade, liquidation: rl.gasUsed, withdraw: wd.gasUsed };
  const n = (v) => Number(v).toLocaleString('en-US');
  for (const [what, used] of Object.entries(gas)) {
    expect(used > 0n && used < limit, `${what} at ${cap} legs: ${n(used)} gas < block gas limit ${n(limit)} (margin ${n(limit - used)}, ${(Number(used) / Number(limit) * 100).toFixed(1)}% of a block)`);
  }
  console.log(`  at MAX_LEGS (${cap} legs over 4 expiries), limit ${n(limit)}: worst trade (both sides reducing below IM) ${n(gas.trade)}, ` +
    `liquidation to a ${cap}-leg liquidator ${n(gas.liquidation)}, withdrawal ${n(gas.withdraw)} gas`);
  f.node.stop();
  return gas;
}

/// The block gas limit asserted: `--block-gas N` on the command line, else Ethereum mainnet's 30 M.
export const blockGas = (argv) => (argv.includes('--block-gas') ? BigInt(argv[argv.indexOf('--block-gas') + 1]) : 30_000_000n);

// standalone: node harness/legs.js [--block-gas N] [--mutate-legs]   (exit 1 on any failure;
// --mutate-legs: the house compiled with MAX_LEGS 40, which the section must catch: exit 0 if so)
if (import.meta.url === `file://${process.argv[1]}`) {
  const { Checks, errorOf } = await import('./house.js');
  const checks = new Checks();
  const { compile, DEPLOY_RUNS, DEPLOYED } = await import('./evm.js');
  const MUTATE = process.argv.includes('--mutate-legs');
  const [from, to] = ['uint256 public constant MAX_LEGS = 32;', 'uint256 public constant MAX_LEGS = 40;'];
  const mutate = (n, text) => {
    if (!MUTATE || n !== 'HouseState.sol') return text;
    if (!text.includes(from)) throw new Error('the mutation does not apply: ' + from);
    return text.replace(from, to);
  };
  const contracts = compile(mutate, DEPLOY_RUNS, DEPLOYED);
  const iface = new ethers.Interface(contracts['MarginAccounts.sol'].MarginAccounts.abi);
  const why = (p) => errorOf(iface, p);
  await legsCap(contracts, (ok, what) => checks.expect(ok, what), why, blockGas(process.argv));
  console.log(`legs cap: ${checks.passed} passed, ${checks.failed} failed`);
  if (MUTATE) console.log(`mutant (the legs cap lifted to 40): ${checks.failed ? 'caught' : 'NOT caught'}`);
  process.exit((checks.failed > 0) === MUTATE ? 0 : 1);
}
