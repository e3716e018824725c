// The clearing house's expiry lifecycle on anvil (EIP-170 on), against the native engine:
//
//   node harness/expiry.js MARGIN [--wasm "node build/wasm/bin/margin.js"] [--vectors N]
//
// Open options over three expiries (two an hour or two away, one a month), carried past the
// first two:
// 1. listSeries bounds (the past, the present, beyond three years);
// 2. the oracle's push that reaches the first expiry settles it at the spot of the last push
//    before it (ExpirySettled), delists it and its series (expiryCount, liveCount, live(i); a push
//    still carrying them is refused); every account's book() counts its settled positions as
//    cash, and the full grid on chain equals the native engine's for every account;
// 3. settle() by a stranger, a trade and a liquidation-free withdrawal each pay out the
//    positions they touch (OptionSettled): each amount equals floor(amount x payoff) (BigInt
//    here), the account's cash moves by their sum, and `margin replay --rpc --tx` (the C++
//    engine, margin::option_settlement) replays each transaction's settlement bit for bit; the
//    exported bundle replays alike from the file (and in WebAssembly with --wasm); a bundle
//    with one cash or price changed by 1 wei is a mismatch naming that field;
// 4. a stale market (the oracle silent past maxStaleness): trades that add risk revert
//    StaleMarket, a trade that reduces both sides' positions (an option, the perp) passes
//    (MM check), liquidation
//    reverts StaleMarket, a withdrawal takes exactly min(cash, equity - IM) at the last marks
//    (1 wei more reverts); the second expiry passes with no push: settleExpiry() by anyone
//    reverts until expiry + maxStaleness, then settles it at the last push's spot; an account
//    whose only positions were on it withdraws all its cash while the market is still stale;
// 5. the oracle resumes: trades and withdrawals on the remaining expiry, the grid differential
//    again; the insurance fund's surplus withdrawn by the admin (InsuranceWithdrawn), refused
//    to others and beyond the surplus; the house's tokens = claims + fund + settlement dust
//    (under 1 wei per settled position);
// 6. --vectors N (default 2,000): random positions and prices (18-decimal amounts, both signs,
//    calls and puts, in and out of the money, at the strike, 1 wei amounts): the contract's
//    payout code (Listings.cash, through test/SettlementProbe on the same node) equals BigInt's
//    floor on every one, and so does the engine (one settlement bundle, replayed natively).
// --gas prints the entry points' gas. --mutate: the same run on a house whose payout rounds
// toward zero instead of down (Listings.cash): the checks must catch it (exit 0 if they do).
// Exit status 0 only if every check holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ethers } from 'ethers';
import { rng, wad } from './portfolio.js';
import { Checks, House, W, E18 } from './house.js';
import { compile, DEPLOY_RUNS, DEPLOYED } from './evm.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const MARGIN = argv[0];
if (!MARGIN || MARGIN.startsWith('--')) {
  console.error('usage: expiry.js MARGIN [--wasm CMD] [--vectors N] [--gas]');
  process.exit(2);
}
const WASM = opt('--wasm', null);
const VECTORS = Number(opt('--vectors', '2000'));
const GAS = argv.includes('--gas');
const MUTATE = argv.includes('--mutate');
const MUTANT = ['FixedPoint.mul(amount, payoff, FLOOR)', 'FixedPoint.mul(amount, payoff, 0)'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'expiry-'));
const checks = new Checks();
const expect = (ok, what) => checks.expect(ok, what);
const gas = {};
const note = (name, rc) => ((gas[name] ??= []).push(rc.gasUsed));

// ---------------------------------------------------------------- the settlement rule, in BigInt

const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const payout = (amount, strike, call, price) => {
  const payoff = call ? price - strike : strike - price;
  return payoff > 0n ? floorDiv(amount * payoff, E18) : 0n;
};

/// margin replay on a bundle file (native, or the WebAssembly CLI): [status, report text].
function replayFile(file, cmd = null) {
  const [exe, ...pre] = cmd ? cmd.split(' ') : [MARGIN];
  const r = spawnSync(exe, [...pre, 'replay', file], { encoding: 'utf8' });
  return [r.status, r.stdout];
}

// ---------------------------------------------------------------- chain

const contracts = MUTATE
  ? compile((name, text) => (name === 'Listings.sol' ? text.replace(MUTANT[0], MUTANT[1]) : text), DEPLOY_RUNS, DEPLOYED)
  : undefined;
const h = await House.deploy({ traders: 4, ...(contracts ? { contracts } : {}) });
const { house, admin, oracle, matcher, maker, stranger, token, provider, node, iface, sizes } = h;
const [A, B, C, D] = h.traders;
const reverts = (p) => h.reverts(p);
const send = async (p, name) => {
  const rc = await h.send(p);
  if (name) note(name, rc);
  return rc;
};
const blockTime = () => h.blockTime();
const { maxStaleness } = h.limits;

// 1. listSeries bounds (before any push: the chain's clock is the bound).
{
  const now = await blockTime();
  for (const [e, what] of [[now - 10, 'in the past'], [now + 1, 'at the next block (not after it)'], [now + 3 * 365 * 86400 + 3600, 'beyond three years']]) {
    if (what.startsWith('at')) await provider.send('evm_setNextBlockTimestamp', ['0x' + (now + 1).toString(16)]);
    expect((await reverts(house.connect(admin).listSeries(BigInt(e), W('100000'), true))) === 'InvalidParameter', `listSeries refuses an expiry ${what}`);
  }
}
const STRIKES3 = [W('95000'), W('100000'), W('105000')];
await h.configure({ tenors: [3000, 9000, 30 * 86400], strikes: STRIKES3 });
const { EXPIRIES, SERIES, state } = h;
const [E1, E2, E3] = EXPIRIES;
const sid = (e, k, call) => BigInt(SERIES.findIndex((s) => s.expiry === e && s.strike === W(k) && s.call === call));
expect(Number(await house.expiryCount()) === 3 && Number(await house.liveCount()) === SERIES.length, 'three expiries and 18 series listed and live');

// Funding and positions: odd 18-decimal sizes, so that every payout rounds.
for (const s of [maker, A, B, C, D, admin]) await h.fund(s, W('100000000'));
await send(house.connect(maker).deposit(W('5000000')), 'deposit');
for (const [s, amt] of [[A, '400000'], [B, '600000'], [C, '300000'], [D, '300000']]) await send(house.connect(s).deposit(W(amt)));
await send(house.connect(admin).fundInsurance(W('1000')), 'fundInsurance');
const trade = (buyer, seller, id, size, price) => h.trade(buyer, seller, id, W(size), W(price));
const opened = [
  [A, maker, sid(E1, '95000', true), '1.234567890123456789', '5500'],
  [maker, B, sid(E1, '105000', false), '2.000000000000000001', '6000'],
  [A, B, sid(E1, '100000', false), '0.333333333333333333', '2500'],
  [C, maker, sid(E2, '100000', true), '0.777777777777777777', '2600'],
  [maker, C, sid(E2, '95000', false), '0.5', '900'],
  [D, maker, sid(E3, '105000', true), '1.5', '4000'],
  [maker, B, sid(E3, '95000', false), '1.25', '3000'],
  [A, maker, sid(E3, '100000', true), '0.1', '5000'],
];
for (const [buyer, seller, id, size, price] of opened) await send(trade(buyer, seller, id, size, price), 'trade (option)');
const PERP = ethers.MaxUint256;
const perpTrade = (buyer, seller, size) => h.trade(buyer, seller, PERP, W(size), state.perpMark);
await send(perpTrade(D, maker, '0.2'), 'trade (perp)');

// The oracle: a push every ~25 minutes, spot moving by odd ratios (every price has wei).
async function pushAt(dt, num, den) {
  state.spot = (state.spot * num) / den;
  state.perpMark = (state.perpMark * num) / den;
  state.fwd = state.fwd.map((f) => (f * num) / den);
  await h.advance(dt);
  return send(h.push(), 'pushMarket');
}
await pushAt(1500, 9731n, 10000n);
const t0 = BigInt(await blockTime()) - 1500n; // ~ configure's clock
await pushAt(1300, 9973n, 10000n);
const before = await house.market();
expect(before.timestamp < E1, 'the last push before the first expiry');
const S1 = before.spot;

// 2. The push that reaches E1.
const accountsAll = [maker, A, B, C, D];
const cashOf = async (s) => (await house.accountOf(s.address)).cash;
const cash0 = Object.fromEntries(await Promise.all(accountsAll.map(async (s) => [s.address, await cashOf(s)])));
const bookBefore = await h.bookOf(A.address);
const staleVols = h.snapshot(Number(E1) - 1)[2]; // still carrying E1's series
await h.advance(Number(E1 - BigInt(await blockTime())) + 100);
expect((await reverts(house.connect(oracle).pushMarket(...h.snapshot(await blockTime(), { vols: staleVols })))) === 'InvalidParameter',
  'a push still carrying a settled expiry\'s series reverts InvalidParameter');
const rcE1 = await send(h.push(), 'pushMarket (settles an expiry)');
const evE1 = rcE1.logs.map((l) => { try { return iface.parseLog(l); } catch { return null; } }).find((e) => e?.name === 'ExpirySettled');
expect(evE1 && evE1.args.expiry === E1 && evE1.args.price === S1 && evE1.args.source === before.timestamp,
  `ExpirySettled(E1) at the last push's spot ${S1} stamped ${before.timestamp} (got ${evE1?.args.price} ${evE1?.args.source})`);
expect(Number(await house.expiryCount()) === 2 && (await house.expiries(0)) === E2, 'E1 delisted: expiries are E2, E3');
expect(Number(await house.liveCount()) === 12 && (await house.live(0)) === sid(E2, '95000', true), 'E1\'s six series delisted from the live list');
const st1 = await house.settlements(E1);
expect(st1.price === S1 && st1.source === before.timestamp, 'settlements(E1) = (price, source)');
expect((await reverts(trade(A, maker, sid(E1, '100000', true), '1', '1000'))) === 'SeriesExpired', 'a settled series cannot be traded');

// Views count settled positions as cash, and the full grid equals the native engine's.
const pending = async (s) => {
  const { held, amounts } = await house.accountOf(s.address);
  let sum = 0n;
  for (let i = 0; i < held.length; i++) {
    const ser = SERIES[Number(held[i])];
    if (ser.expiry === E1) sum += payout(amounts[i], ser.strike, ser.call, S1);
  }
  return sum;
};
async function gridDifferential(label) {
  const addrs = accountsAll.map((s) => s.address);
  const nat = await h.native(MARGIN, tmp, addrs);
  let bad = 0;
  for (let i = 0; i < addrs.length; i++) {
    const res = nat.res[i].result;
    const g = await house.fullGrid(addrs[i]);
    if (!(g.equity === wad(res.equity) && g.initial === wad(res.initial_margin) && g.maintenance === wad(res.maintenance_margin))) bad++;
  }
  expect(bad === 0, `${label}: full grid on chain equals the native engine for ${addrs.length} accounts (${bad} mismatches)`);
}
const bookA = await h.bookOf(A.address);
expect(bookA.cash === cash0[A.address] + (await pending(A)) && bookA.expiries.length === bookBefore.expiries.length - 1,
  'book(A) counts its settled E1 positions as cash and lists E1 no more');
await gridDifferential('after E1');

// 3. Payouts: settle() by a stranger, a trade, a withdrawal; each replayed by the engine.
const replayed = [];
async function payoutCheck(rc, who, label) {
  const evs = rc.logs.filter((l) => l.address.toLowerCase() === h.houseAddr.toLowerCase()).map((l) => { try { return iface.parseLog(l); } catch { return null; } })
    .filter((e) => e?.name === 'OptionSettled');
  let ok = evs.length > 0, sum = 0n;
  for (const e of evs) {
    const a = e.args;
    ok = ok && a.cash === payout(a.amount, a.strike, a.call, a.price) && a.price === (a.expiry === E1 ? S1 : a.price);
    if (a.account === who.address) sum += a.cash;
  }
  expect(ok, `${label}: ${evs.length} OptionSettled, each cash = floor(amount x payoff)`);
  // the engine: margin replay --rpc --tx (bundle exported), then the bundle from the file
  const file = path.join(tmp, `settle-${replayed.length}.json`);
  const r = spawnSync(MARGIN, ['replay', '--rpc', node.url, '--tx', rc.transactionHash, '--export', file], { encoding: 'utf8' });
  const rep = r.stdout ? JSON.parse(r.stdout) : {};
  expect(r.status === 0 && rep.match === true && rep.kind === 'settlement' && rep.fields.length >= 2 * evs.length,
    `${label}: margin replay --rpc --tx matches bit for bit (${rep.fields?.length} fields; status ${r.status})`);
  const [st, text] = replayFile(file);
  expect(st === 0 && text === r.stdout, `${label}: the exported bundle replays alike`);
  if (WASM) {
    const [ws, wtext] = replayFile(file, WASM);
    expect(ws === 0 && wtext === r.stdout, `${label}: the bundle replays alike in WebAssembly`);
  }
  replayed.push({ file, evs });
  return { sum, evs };
}
{
  const c = await cashOf(A);
  const rc = await send(house.connect(stranger).settle(A.address), 'settle (account)');
  const { sum } = await payoutCheck(rc, A, 'settle(A) by a stranger');
  expect((await cashOf(A)) === c + sum && sum === (bookA.cash - cash0[A.address]), "A's cash moved by the sum of its payouts, as book() foretold");
  const again = await send(house.connect(stranger).settle(A.address));
  expect(again.logs.length === 0, 'settle again: nothing left to pay');
}
{
  // B: short E1 puts (in the money), paid out by its next trade: buys back part of its E3 put
  const c = await cashOf(B);
  const prem = (W('0.25') * W('3000')) / E18;
  const rc = await send(trade(B, maker, sid(E3, '95000', false), '0.25', '3000'), 'trade (settles both sides first)');
  const { sum, evs } = await payoutCheck(rc, B, 'a trade settles both sides first');
  expect((await cashOf(B)) === c + sum - prem && sum < 0n && evs.some((e) => e.args.account === maker.address), 'B paid its ITM short puts; the maker was settled too');
}
// tampered bundles: one cash, one price, 1 wei off
{
  const b = JSON.parse(fs.readFileSync(replayed[0].file, 'utf8'));
  const t1 = structuredClone(b);
  t1.positions[0].cash = (BigInt(t1.positions[0].cash) + 1n).toString();
  fs.writeFileSync(path.join(tmp, 't1.json'), JSON.stringify(t1));
  const [s1, r1] = replayFile(path.join(tmp, 't1.json'));
  const f1 = JSON.parse(r1).fields.filter((f) => !f.match).map((f) => f.field);
  expect(s1 === 1 && f1.length === 1 && f1[0] === '/positions/0/cash', `a cash 1 wei off is a mismatch naming it (${f1})`);
  const t2 = structuredClone(b);
  t2.expiries[0].price = (BigInt(t2.expiries[0].price) + 1n).toString();
  fs.writeFileSync(path.join(tmp, 't2.json'), JSON.stringify(t2));
  const [s2, r2] = replayFile(path.join(tmp, 't2.json'));
  const f2 = JSON.parse(r2).fields.filter((f) => !f.match).map((f) => f.field);
  expect(s2 === 1 && f2.includes('/expiries/0/price') && f2.includes('/positions/0/price'), `a settlement price 1 wei off is a mismatch (${f2})`);
  const r3 = spawnSync(MARGIN, ['replay', path.join(tmp, 't1.json'), '--rpc', node.url], { encoding: 'utf8' });
  const inputs = r3.stdout ? JSON.parse(r3.stdout).inputs?.map((f) => f.field) : [];
  expect(r3.status === 1 && inputs.length === 1 && inputs[0] === '/positions/0/cash', `against the chain, the tampered bundle names the changed input (${inputs})`);
}

// 4. The oracle goes silent before E2; the market turns stale.
await pushAt(1800, 10041n, 10000n);
await pushAt(1700, 9989n, 10000n); // the last push, < E2 and within maxStaleness of it
const last = await house.market();
expect(last.timestamp < E2 && E2 - last.timestamp <= maxStaleness, 'the last push is within maxStaleness before E2');
await gridDifferential('before the oracle stops');
await h.advance(Number(maxStaleness) + 60);
expect((await reverts(trade(D, maker, sid(E3, '105000', true), '0.1', '4000'))) === 'StaleMarket', 'stale: a trade adding to a position reverts StaleMarket');
expect((await reverts(trade(maker, D, sid(E3, '100000', true), '0.1', '4000'))) === 'StaleMarket', 'stale: a trade opening a position reverts StaleMarket');
expect((await reverts(trade(maker, D, sid(E3, '105000', true), '1.6', '4000'))) === 'StaleMarket', 'stale: a trade crossing zero reverts StaleMarket');
await send(trade(maker, D, sid(E3, '105000', true), '0.5', '4000'), 'trade (stale, reducing)');
expect((await house.accountOf(D.address)).amounts[0] === W('1'), 'stale: D sold back half its E3 calls to the short maker (both reduce)');
expect((await reverts(perpTrade(D, maker, '0.1'))) === 'StaleMarket', 'stale: a perp trade adding to both sides reverts StaleMarket');
await send(perpTrade(maker, D, '0.1'), 'trade (stale, reducing perp)');
expect((await house.accountOf(D.address)).perpSize === W('0.1'), 'stale: the perp reduced on both sides');
expect((await reverts(house.connect(stranger).liquidate(B.address, 0))) === 'StaleMarket', 'stale: liquidate reverts StaleMarket');
{
  const g = await house.fullGrid(D.address);
  const c = await cashOf(D);
  let room = g.equity - g.initial;
  if (room > c) room = c;
  expect(room > 0n, 'D has room above IM at the last marks');
  const r1 = await reverts(house.connect(D).withdraw(room + 1n));
  expect(r1 === 'InsufficientMargin' || r1 === 'InsufficientCash', `stale: withdrawing 1 wei more than min(cash, equity - IM) reverts (${r1})`);
  await send(house.connect(D).withdraw(room), 'withdraw (stale, positions)');
  expect((await cashOf(D)) === c - room, 'stale: D withdrew exactly min(cash, equity - IM) at the last marks');
}
// E2 passes with no push.
expect((await reverts(house.connect(stranger).settleExpiry())) === 'InvalidParameter', 'settleExpiry before expiry + maxStaleness reverts');
await h.advance(Number(E2 + maxStaleness - BigInt(await blockTime())) + 30);
const rcE2 = await send(house.connect(stranger).settleExpiry(), 'settleExpiry');
const evE2 = rcE2.logs.map((l) => iface.parseLog(l)).find((e) => e?.name === 'ExpirySettled');
expect(evE2 && evE2.args.expiry === E2 && evE2.args.price === last.spot && evE2.args.source === last.timestamp,
  'settleExpiry() by anyone settles E2 at the last push\'s spot');
expect(Number(await house.expiryCount()) === 1 && Number(await house.liveCount()) === 6, 'E2 delisted');
expect((await reverts(house.connect(stranger).settleExpiry())) === 'InvalidParameter', 'settleExpiry with E3 not yet due reverts');
{
  // C held only E2 options: after its payout it holds nothing and withdraws everything, stale or not
  const { held } = await house.accountOf(C.address);
  expect(held.every((id) => SERIES[Number(id)].expiry === E2), 'C holds E2 options only');
  const expected = (await cashOf(C)) + (await h.bookOf(C.address)).cash - (await cashOf(C));
  const bal = await token.balanceOf(C.address);
  const rc = await send(house.connect(C).withdraw(expected), 'withdraw (settles first)');
  await payoutCheck(rc, C, 'stale: a withdrawal settles first');
  expect((await cashOf(C)) === 0n && (await token.balanceOf(C.address)) === bal + expected, 'stale: C withdrew all its cash, payouts included');
}

// 5. The oracle resumes.
await send(h.push(), 'pushMarket');
await gridDifferential('after E2, the oracle back');
await send(trade(A, maker, sid(E3, '100000', true), '0.2', '5000'), 'trade (option)');
await send(house.connect(A).withdraw(W('1000')), 'withdraw');
await send(perpTrade(maker, D, '0.1'), 'trade (perp)'); // perps closed: claims are cash alone
for (const s of [maker, B, D]) await send(house.connect(stranger).settle(s.address));
expect((await reverts(house.connect(stranger).withdrawInsurance(stranger.address, W('1')))) === 'Unauthorized', 'withdrawInsurance: admin only');
const fund = await house.insuranceFund();
expect((await reverts(house.connect(admin).withdrawInsurance(admin.address, fund + 1n))) === 'InvalidParameter', 'withdrawInsurance beyond the surplus reverts');
{
  const bal = await token.balanceOf(stranger.address);
  await h.send(h.queue('withdrawInsurance', [stranger.address, W('400')])); // through the timelock
  await h.advance(Number(h.delay));
  const rc = await send(house.connect(admin).withdrawInsurance(stranger.address, W('400')), 'withdrawInsurance');
  const ev = rc.logs.map((l) => { try { return iface.parseLog(l); } catch { return null; } }).find((e) => e?.name === 'InsuranceWithdrawn');
  expect(ev && ev.args.amount === W('400') && (await token.balanceOf(stranger.address)) === bal + W('400') && (await house.insuranceFund()) === fund - W('400'),
    'withdrawInsurance pays the surplus out with InsuranceWithdrawn');
}
{
  let claims = 0n;
  for (const s of accountsAll) claims += await cashOf(s);
  const dust = (await token.balanceOf(h.houseAddr)) - claims - (await house.insuranceFund()) + (await house.socialisedLoss());
  const settledPositions = replayed.reduce((n, r) => n + r.evs.length, 0) + 8; // upper bound incl. the last settles
  expect(dust >= 0n && dust <= BigInt(settledPositions), `the house's tokens = claims + fund + settlement dust (${dust} wei)`);
}

// 6. Settlement amounts: random vectors, the engine against BigInt.
{
  const r = rng(opt('--seed', '31'));
  const rand18 = (hi) => BigInt(Math.floor(r() * hi)) * E18 + BigInt(Math.floor(r() * 1e9)) * 1000000000n + BigInt(Math.floor(r() * 1e9));
  const positions = [];
  const expiries = [];
  for (let i = 0; i < VECTORS; i++) {
    const expiry = String(1800000000 + (i % 7));
    const price = i % 97 === 0 ? W('100000') : rand18(200000) + 1n;
    if (!expiries.some((e) => e.expiry === expiry)) expiries.push({ expiry, price: String(price), source: '1' });
    const p = BigInt(expiries.find((e) => e.expiry === expiry).price);
    const strike = i % 97 === 0 ? p : rand18(200000) + 1n;
    let amount = i % 11 === 0 ? (r.chance(0.5) ? 1n : -1n) : rand18(i % 3 === 0 ? 1000000000000 : 100);
    if (r.chance(0.5)) amount = -amount;
    const call = r.chance(0.5);
    positions.push({ account: '0x' + (i % 13).toString(16).padStart(40, '0'), series: String(i), expiry, strike: String(strike), call, amount: String(amount), price: String(p), cash: String(payout(amount, strike, call, p)) });
  }
  // the EVM: Listings.cash on every vector, one call
  const pc = compile(undefined, undefined, ['test/SettlementProbe.sol:SettlementProbe'])['test/SettlementProbe.sol'].SettlementProbe;
  const probe = await new ethers.ContractFactory(pc.abi, '0x' + pc.evm.bytecode.object, admin).deploy();
  await probe.waitForDeployment();
  const evm = await probe.cashes(positions.map((p) => BigInt(p.amount)), positions.map((p) => BigInt(p.strike)), positions.map((p) => p.call), positions.map((p) => BigInt(p.price)));
  const evmBad = positions.filter((p, i) => evm[i] !== BigInt(p.cash)).length;
  expect(evmBad === 0, `${VECTORS} random settlement amounts: the contract's payout (Listings.cash) equals BigInt's floor (${evmBad} mismatches)`);
  const file = path.join(tmp, 'vectors.json');
  fs.writeFileSync(file, JSON.stringify({ version: 'settlement/1', expiries, positions }));
  const [st, text] = replayFile(file);
  const rep = JSON.parse(text);
  const bad = rep.fields.filter((f) => !f.match).length;
  expect(st === 0 && rep.match && bad === 0 && rep.fields.length === 2 * VECTORS, `${VECTORS} random settlement amounts: the engine equals BigInt's floor (${bad} mismatches)`);
}

// EIP-170 and the gas of the entry points.
for (const [n, b] of Object.entries(sizes)) expect(b <= 24576, `${n} ${b} B deployed, under EIP-170's 24,576`);
if (GAS) {
  console.log('\nentry point gas (transaction, 21,000 and calldata included; median of the calls here):');
  for (const [k, v] of Object.entries(gas)) {
    const s = [...v].sort((a, b) => (a < b ? -1 : 1));
    console.log(`  ${k.padEnd(40)} ${String(s[s.length >> 1]).padStart(10)}  (${v.length} call${v.length > 1 ? 's' : ''}, max ${s[s.length - 1]})`);
  }
}
console.log(`expiry lifecycle on anvil (${Object.entries(sizes).map(([n, b]) => `${n} ${b} B`).join(', ')}): ${checks.passed} passed, ${checks.failed} failed`);
fs.rmSync(tmp, { recursive: true, force: true });
if (MUTATE) {
  console.log(`mutant (payout rounded toward zero): ${checks.failed ? 'caught' : 'NOT caught'}`);
  process.exit(checks.failed ? 0 : 1);
}
process.exit(checks.failed ? 1 : 0);
