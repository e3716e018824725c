// The gas of MarginAccounts' entry points, one fixed scenario on anvil (a benchmark, not a
// test): the admin calls (eth_estimateGas before configuring), the oracle's push over the
// 56-series grid, deposit, option and perp trades, a withdrawal with positions, a
// liquidation at the engine's worst scenario after a shock, fundInsurance; and, where the
// contract has them, settle, settleExpiry and withdrawInsurance. Written against what every
// House (house.js) offers, so that the same file measures an older checkout too.
//
//   node harness/entrypoints.js MARGIN
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ethers } from 'ethers';
import { House, ROLE, W } from './house.js';

const MARGIN = process.argv[2];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-'));
const h = await House.deploy({ traders: 2 });
const { house, admin, oracle, matcher, maker, liquidator, stranger } = h;
const [t1, t2] = h.traders;
const rows = [];
const row = (name, g, how = 'receipt') => rows.push([name, BigInt(g), how]);
const sent = async (name, p) => {
  const rc = await h.send(p);
  row(name, rc.gasUsed);
  return rc;
};
const has = (fn) => { try { return !!h.iface.getFunction(fn); } catch { return false; } };

// admin calls on the fresh house (estimates: configure() then makes them for real)
row('setParams (pmrm2, 31 scenarios)', await house.connect(admin).setParams.estimateGas(h.params), 'estimate');
row('setLimits', await house.connect(admin).setLimits.estimateGas(h.limits), 'estimate');
row('listSeries (first)', await house.connect(admin).listSeries.estimateGas(BigInt((await h.blockTime()) + 7 * 86400), W('100000'), true), 'estimate');
await h.configure();
// listings after the first push and insurance payouts go through the timelock where the house
// has the kinds (then measured as executions of queued changes, in the timelock section below)
const timelocked = async (kind, fn, args) => has('queue') && (await h.reverts(house.connect(admin).queue.staticCall(ethers.encodeBytes32String(kind), h.changeData(fn, args)))) === null;
const list57 = [h.EXPIRIES[3], W('130000'), true];
const listQueued = await timelocked('series', 'listSeries', list57);
if (!listQueued) row('listSeries (57th, 4th expiry)', await house.connect(admin).listSeries.estimateGas(...list57), 'estimate');
await sent('pushMarket (56 series, 4 expiries)', await (async () => { await h.advance(60); return h.push(); })());

for (const s of [maker, t1, t2, liquidator]) await h.fund(s, W('100000000'));
await sent('deposit', house.connect(maker).deposit(W('5000000')));
await h.send(house.connect(liquidator).deposit(W('5000000')));
await h.send(house.connect(t2).deposit(W('100000')));
await h.send(house.connect(t1).deposit(W('9000')));
// t1 sells puts and calls at the money over two expiries (just enough cash), and a perp
const ids = [4, 5, 6, 7, 18, 19, 20, 21]; // strikes 95,000 and 100,000 at 7 and 30 days, call and put
for (const id of ids) {
  while ((await h.reverts(h.trade(maker, t1, BigInt(id), W('1'), h.optionPrice(h.SERIES[id])))) === 'InsufficientMargin')
    await h.send(house.connect(t1).deposit(W('5000')));
}
await sent('trade (option, t2 buys 1; both sides IM)', h.trade(t2, maker, 4n, W('1'), h.optionPrice(h.SERIES[4])));
await sent('trade (perp)', h.trade(t2, maker, ethers.MaxUint256, W('0.5'), h.state.perpMark));
await sent('withdraw (with positions: IM grid)', house.connect(t2).withdraw(W('1000')));
await sent('fundInsurance', house.connect(admin).fundInsurance(0n));
// shock until t1 is liquidatable, then liquidate at the engine's worst scenario
let res;
for (let k = 0; k < 8; k++) {
  await h.move(85n, 100n);
  res = (await h.native(MARGIN, tmp, [t1.address])).res[0].result;
  if (res.liquidatable) break;
}
if (res.liquidatable) {
  await sent(`liquidate (8 legs, 2 expiries)`, house.connect(liquidator).liquidate(t1.address, BigInt(res.underlyings[0].worst_scenario)));
}
let insuranceQueued = false;
if (has('settle')) {
  await sent('settle (nothing to pay)', house.connect(stranger).settle(t2.address));
  await h.send(house.connect(admin).fundInsurance(0n));
  if (has('withdrawInsurance')) {
    await h.send(h.token.connect(admin).mint(admin.address, W('10')));
    await h.send(h.token.connect(admin).approve(h.houseAddr, ethers.MaxUint256));
    await h.send(house.connect(admin).fundInsurance(W('10')));
    if (!(await timelocked('insurance', 'withdrawInsurance', [admin.address, W('1')]))) await sent('withdrawInsurance', house.connect(admin).withdrawInsurance(admin.address, W('1')));
    else insuranceQueued = true;
  }
}
if (has('queue')) {
  // the timelock: a parameter change (mmFactor 0.8 -> 0.88) and a role, queued, one cancelled,
  // executed after the delay; the two-step admin; an account voiding a nonce; a revocation
  const p2 = { ...h.params, mmFactor: W('0.88') };
  await sent('queue (params, 31 scenarios)', h.queue('setParams', [p2]));
  await sent('queue (role)', h.queue('setRole', [ethers.encodeBytes32String('admin'), stranger.address]));
  const rc = await h.send(h.queue('setLimits', [{ ...h.limits, maxStaleness: h.limits.maxStaleness + 1n }]));
  const id = rc.logs.map((l) => { try { return h.iface.parseLog(l); } catch { return null; } }).find((e) => e?.name === 'ChangeQueued').args.id;
  await sent('cancel', house.connect(admin).cancel(id));
  if (listQueued) await sent('queue (series)', h.queue('listSeries', list57));
  if (insuranceQueued) await sent('queue (insurance)', h.queue('withdrawInsurance', [admin.address, W('1')]));
  await h.advance(Number(h.delay));
  if (listQueued) await sent('listSeries (57th, 4th expiry; queued)', house.connect(admin).listSeries(...list57));
  if (insuranceQueued) await sent('withdrawInsurance (queued)', house.connect(admin).withdrawInsurance(admin.address, W('1')));
  await sent('setParams (queued: checks, steps, consume)', house.connect(admin).setParams(p2));
  await sent('setRole (queued admin: proposes)', house.connect(admin).setRole(ethers.encodeBytes32String('admin'), stranger.address));
  await sent('acceptAdmin', house.connect(stranger).acceptAdmin());
  await sent('revokeRole', house.connect(stranger).revokeRole(ethers.encodeBytes32String('matcher')));
  await sent('cancelNonce', house.connect(t2).cancelNonce(12345n));
}
console.log(`entry points (${Object.entries(h.sizes).map(([n, b]) => `${n} ${b} B`).join(', ')}):`);
for (const [n, g, how] of rows) console.log(`  ${n.padEnd(44)} ${g.toLocaleString('en-US').padStart(11)}  ${how}`);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(0);
