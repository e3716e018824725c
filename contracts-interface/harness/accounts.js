// The clearing house on a real local node (anvil, EIP-170 size limit on): MarginAccounts +
// MarginEngine + a test ERC-20, checked against the native engine.
//
//   node harness/accounts.js MARGIN [--traders N] [--steps K] [--seed S] [--gas]
//
// 1. Security: unauthorised admin/oracle/matcher calls, stale, future and out-of-bounds
//    oracle updates, invalid parameters, reentrancy through the token: all revert, each with
//    its custom error.
// 2. Differential: traders open option and perp positions through the matcher (both sides
//    IM-checked); after an oracle shock every account's full grid on chain equals the native
//    engine's (equity, IM, MM, worst scenario, verdict) on the same inputs (the contract's
//    book() as a JSON request). Each account the engine marks liquidatable is liquidated with
//    the engine's worst scenario (must succeed; the event's equity, MM and input hash must
//    equal the engine's, the hash from `margin input-hash`); for each healthy one, liquidate with every scenario reverts AccountHealthy.
// 3. Invariants (harness/invariants.js) over random sequences of deposits, withdrawals, signed
//    trades, oracle pushes crossing expiries, settlements, liquidations, insurance top-ups, and
//    changes through the timelock (risk limits, the model's parameters, new series, insurance
//    payouts): token supply conserved; the contract's tokens cover the accounts' claims (cash +
//    perp P&L at the mark + insurance - socialised loss) to within rounding dust; after every
//    step the stepping account's full grid equals the native engine's on its book() (after a
//    parameter change every trader's, under the new document); no account the engine calls
//    healthy is ever liquidated; no withdrawal leaves an account below IM; every account
//    settles after an expiry. --sequences S runs S sequences of --steps K from the same state.
//    --mutate-params leaves the engine on the old parameters after a change: the run must fail.
// --gas prints the gas table (witness, liquidate, full grid; 1-32 legs over 1-4 expiries).
// Exit status 0 only if every check holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { DEPLOY_RUNS, SOLC_VERSION, EVM_VERSION } from './evm.js';
import { wad, rng } from './portfolio.js';
import { Checks, House, requestOf, ROLE, STRIKES, E18, W } from './house.js';
import { invariantRun, summary } from './invariants.js';

/// The witness calldata of each gas-table shape, for profile.js: the repository's build/gas/.
const GAS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'gas');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const MARGIN = argv[0];
if (!MARGIN || MARGIN.startsWith('--')) {
  console.error('usage: accounts.js MARGIN [--traders N] [--steps K] [--sequences S] [--seed S] [--gas] [--mutate-params] [--verbose]');
  process.exit(2);
}
const TRADERS = Number(opt('--traders', '40'));
const STEPS = Number(opt('--steps', '150'));
const r = rng(opt('--seed', '7'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'accounts-'));

const checks = new Checks();
const expect = (ok, what) => checks.expect(ok, what);

// ---------------------------------------------------------------- chain

const h = await House.deploy({ traders: TRADERS });
const { node, provider, signers, admin, oracle, matcher, maker, liquidator, stranger, traders, token, engine, house, iface, houseAddr, params, NSCEN, limits, sizes } = h;
const reverts = (p) => h.reverts(p);
const send = (p) => h.send(p);
const blockTime = () => h.blockTime();
const advance = (s) => h.advance(s);

// ---------------------------------------------------------------- setup

// 1. Roles and parameters; security of the admin surface.
expect((await reverts(house.connect(stranger).setParams(params))) === 'Unauthorized', 'stranger setParams reverts Unauthorized');
expect((await reverts(house.connect(stranger).setRole(ROLE.oracle, stranger.address))) === 'Unauthorized', 'stranger setRole reverts');
expect((await reverts(house.connect(stranger).setLimits(limits))) === 'Unauthorized', 'stranger setLimits reverts');
expect((await reverts(house.connect(admin).setParams({ ...params, mmFactor: W('1.5') }))) === 'InvalidParameter', 'MM factor above IM factor refused');
expect((await reverts(house.connect(admin).setParams({ ...params, scenarios: [] }))) === 'InvalidParameter', 'no scenarios refused');
expect((await reverts(house.connect(admin).setLimits({ ...limits, reward: W('0.6') }))) === 'InvalidParameter', 'reward above 0.5 refused');
expect((await reverts(house.connect(stranger).listSeries(BigInt((await blockTime()) + 86400), STRIKES[0], true))) === 'Unauthorized', 'stranger listSeries reverts');
await h.configure();
const { EXPIRIES, SERIES, state } = h;
const stored = await house.params();
expect(stored.scenarios.length === NSCEN && stored.imOptionPercent === params.imOptionPercent, 'parameters read back from their data contract');
expect(Number(await house.seriesCount()) === SERIES.length && Number(await house.expiryCount()) === EXPIRIES.length, 'series listed');
const snapshot = (ts, over) => h.snapshot(ts, over);
const push = (over) => h.push(over);
expect((await reverts(house.connect(stranger).pushMarket(...snapshot(await blockTime())))) === 'Unauthorized', 'stranger pushMarket reverts');
// Oracle guards.
// the stored snapshot's own timestamp (the block clock may have moved on since)
expect((await reverts(house.connect(oracle).pushMarket(...snapshot(Number((await house.market()).timestamp))))) === 'StaleMarket', 'a push not newer than the last reverts StaleMarket');
await advance(10);
expect((await reverts(house.connect(oracle).pushMarket(...snapshot((await blockTime()) + 1000)))) === 'StaleMarket', 'a future timestamp reverts StaleMarket');
expect((await reverts(house.connect(oracle).pushMarket(...snapshot((await blockTime()) - 4000)))) === 'StaleMarket', 'an old snapshot reverts StaleMarket');
expect((await reverts(push({ market: { spot: W('125000') } }))) === 'PriceDeviation', 'a 25% spot jump reverts PriceDeviation');
expect((await reverts(push({ byExpiry: EXPIRIES.map(() => ({ forward: W('70000'), forwardConfidence: 0n, rate: 0n, discount: E18 })) }))) === 'PriceDeviation',
  'a 30% forward jump reverts PriceDeviation');
expect((await reverts(push({ vols: state.vols.map(() => 0n) }))) === 'InvalidParameter', 'a zero vol reverts InvalidParameter');
expect((await reverts(push({ market: { spotConfidence: W('200000') } }))) === 'InvalidParameter', 'confidence above price reverts InvalidParameter');

// Cash: the maker and the liquidator are deep; traders deposit varied amounts.
const fund = (s, amount) => h.fund(s, amount);
for (const s of [maker, liquidator, stranger]) await fund(s, W('1000000000'));
await send(house.connect(maker).deposit(W('500000000')));
await send(house.connect(liquidator).deposit(W('500000000')));
await send(token.connect(stranger).approve(houseAddr, ethers.MaxUint256));
// a small insurance fund: a large shortfall also reaches the socialised-loss path
await send(house.connect(stranger).fundInsurance(W('100')));
for (const t of traders) {
  await fund(t, W('10000000'));
  await send(house.connect(t).deposit(W(String(r.int(2, 30) * 1000))));
}
expect((await reverts(h.trade(traders[0], maker, 0n, E18, W('1000'), {}, stranger))) === 'Unauthorized', 'stranger trade reverts');

// Reentrancy: the token calls back into the house while paying a withdrawal.
{
  const t = traders[0];
  await send(token.connect(t).setHook(houseAddr, houseAddr, iface.encodeFunctionData('withdraw', [1n])));
  await send(house.connect(t).withdraw(W('1')));
  const reason = await token.hookRevert();
  expect(!(await token.hookSucceeded()) && reason.slice(0, 10) === iface.getError('Reentrancy').selector, 'reentrant withdraw from the token reverts Reentrancy');
}

// ---------------------------------------------------------------- native side

const native = (addrs, scenario) => h.native(MARGIN, tmp, addrs, scenario);

// ---------------------------------------------------------------- trading

const optionPrice = (s) => h.optionPrice(s);
let tradesOk = 0, tradesRefused = 0;
async function randomTrade(t) {
  const why = await h.randomTrade(r, t);
  if (why === null) tradesOk++;
  else if (why === 'InsufficientMargin') tradesRefused++;
  else expect(false, `trade reverted with ${why}`);
  return why;
}
// ---------------------------------------------------------------- gas table (--gas)

if (argv.includes('--gas')) {
  // A MarginEngine.witness call's transaction gas and execution. Intrinsic gas: 21,000 and
  // the calldata at 4 gas per token (a zero byte is one token, any other four). EIP-7623
  // (Prague on) charges at least 21,000 + 10 per token: where that floor binds, the
  // execution is read from an opcode trace instead.
  const witnessGas = async (data) => {
    const witness = await provider.estimateGas({ to: await engine.getAddress(), data });
    const tokens = data.reduce((n, x) => n + (x ? 4n : 1n), 0n);
    const intrinsic = 21000n + 4n * tokens;
    const floorBinds = witness <= 21000n + 10n * tokens;
    let execution = witness - intrinsic;
    if (floorBinds) {
      const tr = await provider.send('debug_traceCall', [{ to: await engine.getAddress(), data: ethers.hexlify(data) }, 'latest', { disableStorage: true, disableStack: true }]);
      const logs = tr.structLogs, last = logs[logs.length - 1];
      execution = BigInt(logs[0].gas - last.gas + last.gasCost);
    }
    return { witness, intrinsic, execution, floorBinds };
  };
  // Per shape: a fresh trader sells `legs` options spread over `exp` expiries (with a long
  // call per expiry as a partial hedge), holding IM; a spot shock then makes it liquidatable.
  // Each shape starts from the same chain state (evm_snapshot / evm_revert).
  const base = await provider.send('evm_snapshot', []);
  const saved = structuredClone(state);
  const rows = [];
  let pushGas;
  for (const [legs, exp] of [[1, 1], [4, 1], [4, 4], [16, 1], [16, 4], [32, 2], [32, 4]]) {
    await provider.send('evm_revert', [base]);
    Object.assign(state, structuredClone(saved));
    const snap = await provider.send('evm_snapshot', []);
    const t = traders[traders.length - 1];
    await send(house.connect(t).deposit(W('10000')));
    const ids = [];
    for (let k = 0; ids.length < legs; k++) {
      const e = k % exp, strike = k / exp | 0;
      for (const call of [false, true]) if (ids.length < legs) ids.push(e * STRIKES.length * 2 + (strike % STRIKES.length) * 2 + (call ? 0 : 1));
    }
    // entered in reverse (highest strike, last expiry first): MarginAccounts' book sorts each
    // expiry's legs by strike whatever the order the positions were opened in
    for (const id of ids.reverse()) {
      // just enough cash: top up by 10,000 whenever the seller's IM refuses the trade
      while ((await reverts(h.trade(maker, t, BigInt(id), W('1'), optionPrice(SERIES[id])))) === 'InsufficientMargin')
        await send(house.connect(t).deposit(W('10000')));
    }
    // shock: each step within the deviation bound, until the engine marks the account liquidatable
    let nat;
    for (let k = 0; k < 6; k++) {
      state.spot = (state.spot * 84n) / 100n; state.perpMark = (state.perpMark * 84n) / 100n;
      state.fwd = state.fwd.map((f) => (f * 84n) / 100n);
      await advance(60);
      pushGas = (await send(push())).gasUsed;
      nat = await native([t.address]);
      if (nat.res[0].result.liquidatable) break;
    }
    const res = nat.res[0].result;
    const worst = BigInt(res.underlyings[0].worst_scenario);
    const b = await house.book(t.address), p = await house.params();
    // with the marks MarginAccounts cached at the push (as liquidate calls it), and without
    const marks = (await house.marks(t.address)).toArray(true);
    const call = (m) => ethers.getBytes(engine.interface.encodeFunctionData('witness', [b.toArray(true), p.toArray(true), worst, m]));
    const data = call(marks);
    const w = await witnessGas(data);
    const priced = (await witnessGas(call([]))).execution;
    // The same book with each expiry's legs (and marks) in reverse strike order, as a caller other
    // than MarginAccounts might send it: the same result, without the sorted-expiry fast paths.
    const bk = b.toArray(true), reversed = structuredClone(bk);
    reversed[8] = bk[8].map((e) => [...e.slice(0, 7), [...e[7]].reverse()]);
    const unsortedData = ethers.getBytes(engine.interface.encodeFunctionData('witness', [reversed, p.toArray(true), worst, marks.map((u) => [...u].reverse())]));
    const to = await engine.getAddress();
    expect((await provider.call({ to, data: unsortedData })) === (await provider.call({ to, data })), `${legs} x ${exp}: the witness of the book with its legs reversed is the same`);
    const unsorted = (await witnessGas(unsortedData)).execution;
    // the calldata, for `profile.js --engine build/gas/witness-LxE.hex` (gas by source line)
    fs.mkdirSync(GAS_DIR, { recursive: true });
    fs.writeFileSync(path.join(GAS_DIR, `witness-${legs}x${exp}.hex`), ethers.hexlify(data) + '\n');
    const grid = await house.fullGrid.estimateGas(t.address);
    const rc = res.liquidatable ? await send(house.connect(liquidator).liquidate(t.address, worst)) : null;
    rows.push({ legs, exp, ...w, priced, unsorted, bytes: data.length, grid, liquidate: rc ? rc.gasUsed : null, worst });
    await provider.send('evm_revert', [snap]);
  }
  console.log(`\nGas on anvil (revm, hardfork ${EVM_VERSION}; solc ${SOLC_VERSION.split('+')[0]}, optimizer runs ${DEPLOY_RUNS}), transaction gas including the 21,000 base and calldata;\n"(floor)": EIP-7623's calldata floor (21,000 + 10 gas per token) set the witness transaction's gas.`);
  console.log('witness = MarginEngine.witness(book, params, worst, marks) called directly, with the marks MarginAccounts cached at the oracle push');
  console.log('(as liquidate passes them; MarginAccounts\' book lists each expiry\'s legs by strike); "legs unsorted": its execution with each');
  console.log('expiry\'s legs in reverse order (the same result); "priced here": its execution with no marks, every leg also priced in the call;');
  console.log('liquidate = the whole transaction (book and marks from storage,');
  console.log('params from their data contract, the witness through MarginEngine, the transfer, and the liquidator\'s own IM check by full grid through GridEngine);');
  console.log('full grid = MarginAccounts.fullGrid(account) (every scenario, IM, MM).\n');
  console.log('| legs | expiries | witness check | of which 21,000 + calldata | witness execution | legs unsorted | priced here | liquidate | full grid |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const n = (v) => v.toLocaleString('en-US');
  for (const x of rows)
    console.log(`| ${x.legs} | ${x.exp} | ${n(x.witness)}${x.floorBinds ? ' (floor)' : ''} | ${n(x.intrinsic)} (${n(x.bytes)} B) | ${n(x.execution)} | ${n(x.unsorted)} | ${n(x.priced)} | ${x.liquidate === null ? 'n/a' : n(x.liquidate)} | ${n(x.grid)} |`);
  console.log(`\npushMarket (the oracle's update; ${SERIES.length} series over ${EXPIRIES.length} expiries, each priced and its mark cached): ${n(pushGas)} gas.`);
  node.stop();
  process.exit(0);
}

for (const t of traders) for (let k = r.int(1, 5); k > 0; k--) await randomTrade(t);
expect(tradesOk > TRADERS, `trades entered (${tradesOk}; ${tradesRefused} refused for IM)`);

// A series listed since the last push has no mark vol or mark yet: it cannot be traded.
{
  const snap = await provider.send('evm_snapshot', []);
  await h.timelocked('listSeries', [EXPIRIES[0], STRIKES[0] + W('1'), true]); // after the first push: through the timelock
  expect((await reverts(h.trade(maker, traders[0], BigInt(SERIES.length), E18, W('1000')))) === 'InvalidParameter',
    'a series listed since the last push cannot be traded (no mark yet)');
  await provider.send('evm_revert', [snap]);
}

// IM is enforced on trades: a trader with little cash selling many calls is refused.
{
  const poor = traders[1];
  expect((await reverts(h.trade(maker, poor, 0n, W('500'), W('100')))) === 'InsufficientMargin',
    'a trade leaving the seller below IM reverts InsufficientMargin');
}

// ---------------------------------------------------------------- differential after a shock

// IM covers moves inside the scenario grid (pmrm2: +-18%, vol up), so the shock goes beyond
// it in two updates (each within the deviation bound): spot -27.75%, vols x1.4.
let lastPush = null;
const shockPushes = [];
for (const k of [0, 1]) {
  state.spot = (state.spot * 85n) / 100n;
  state.perpMark = (state.perpMark * 85n) / 100n;
  state.fwd = state.fwd.map((f) => (f * 85n) / 100n);
  if (k === 0) state.vols = state.vols.map((v) => (v * 14n) / 10n);
  await advance(60);
  lastPush = await send(push());
  shockPushes.push(lastPush);
}

const all = traders.map((t) => t.address);
// The mark cache audited from logs alone (issue 31, item 7): the last push's MarketInputs (the
// house's log, matched by address and topic) decoded, a book of every live series built from it
// (ids from the listings, in `live` order), priced by MarkEngine.marks: each series' mark must be
// the one the house cached. The audit bites: one vol 1 wei off in the decoded log is caught.
{
  const topic = iface.getEvent('MarketInputs').topicHash;
  const logs = lastPush.logs.filter((l) => l.address.toLowerCase() === houseAddr.toLowerCase() && l.topics[0] === topic);
  const ev = logs.length === 1 ? iface.parseLog(logs[0]) : null;
  const [m, byExpiry, vols] = ev ? iface.decodeFunctionData('pushMarket', iface.getFunction('pushMarket').selector + ev.args.inputs.slice(2)) : [null, [], []];
  const ids = [];
  for (let i = 0n; i < (await house.liveCount()); i++) ids.push(await house.live(i));
  const exps = [];
  for (let j = 0n; j < (await house.expiryCount()); j++) exps.push(await house.expiries(j));
  const audit = async (vs) => {
    const legsOf = exps.map(() => []), where = [];
    for (let i = 0; i < ids.length; i++) {
      const s = await house.series(ids[i]);
      const j = exps.indexOf(s.expiry);
      where.push([j, legsOf[j].length]);
      legsOf[j].push([s.strike, vs[i], 0n, s.call]);
    }
    const book = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, exps.map((t, j) => [t - m.timestamp, byExpiry[j].forward, byExpiry[j].forwardConfidence, byExpiry[j].rate, byExpiry[j].discount, 0n, 0n, legsOf[j]]), []];
    const marks = await h.marker.marks(book);
    let bad = 0;
    for (let i = 0; i < ids.length; i++) if (marks[where[i][0]][where[i][1]] !== (await house.quotes(ids[i])).mark) bad++;
    return bad;
  };
  const bad = ev && m.timestamp === ev.args.timestamp && vols.length === ids.length ? await audit([...vols]) : -1;
  const bitten = bad === 0 ? await audit([...vols].map((v, i) => (i === 0 ? v + 1n : v))) : 0;
  expect(bad === 0 && bitten > 0, `the mark cache audited from the last push's MarketInputs log: ${ids.length} series over ${exps.length} expiries, ${bad} mismatches; one vol 1 wei off: ${bitten} caught`);
}

// The same audit by the C++ engine (margin audit-marks: the house's MarketInputs log matched by
// address and topic, decoded by the ABI codec, the market rebuilt through the bridge, every live
// series priced natively against quotes(id)): exit 0 at the last push and at the one before it
// (--block); through a proxy that raises the last vol of the log by 1 wei, exit 1 naming the
// series with both values. The CLI runs asynchronously so that the proxy can answer.
{
  const run = (args) =>
    new Promise((resolve) => execFile(MARGIN, args, { encoding: 'utf8' }, (err, stdout, stderr) => resolve({ status: err ? err.code : 0, stdout, stderr })));
  const t0 = Date.now();
  const live = Number(await house.liveCount());
  const ok = await run(['audit-marks', '--rpc', h.node.url, '--house', houseAddr, '--compact']);
  const doc = ok.status === 0 ? JSON.parse(ok.stdout) : null;
  const cachedFirst = doc ? (await house.quotes(BigInt(doc.series[0].id))).mark.toString() : '';
  expect(doc && doc.mismatches === 0 && doc.series.length === live && doc.block === String(Number(lastPush.blockNumber)) && doc.series[0].cached === cachedFirst,
    `margin audit-marks at the last push: ${doc ? doc.series.length : 'no'} series, exit ${ok.status}, ${doc ? doc.mismatches : '-'} mismatches ${ok.status ? ok.stdout + ok.stderr : ''}`);
  const before = await run(['audit-marks', '--rpc', h.node.url, '--house', houseAddr, '--block', String(Number(shockPushes[0].blockNumber)), '--compact']);
  const bdoc = before.status === 0 ? JSON.parse(before.stdout) : null;
  expect(bdoc && bdoc.mismatches === 0 && bdoc.block === String(Number(shockPushes[0].blockNumber)),
    `margin audit-marks --block: the push before it (block ${Number(shockPushes[0].blockNumber)}) audited, exit ${before.status}`);
  // a node whose MarketInputs log carries the last vol 1 wei up
  const target = new URL(h.node.url);
  const proxy = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const fwd = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
        let out = '';
        r.on('data', (c) => (out += c));
        r.on('end', () => {
          const q = JSON.parse(body);
          if (!Array.isArray(q) && q.method === 'eth_getLogs') {
            const a = JSON.parse(out);
            for (const l of a.result || []) {
              const last = BigInt('0x' + l.data.slice(-64)) + 1n; // inputs end with the vols array: its last element
              l.data = l.data.slice(0, -64) + last.toString(16).padStart(64, '0');
            }
            out = JSON.stringify(a);
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(out);
        });
      });
      fwd.end(body);
    });
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const bad = await run(['audit-marks', '--rpc', `http://127.0.0.1:${proxy.address().port}`, '--house', houseAddr, '--compact']);
  proxy.close();
  const tdoc = bad.status === 1 && bad.stdout.startsWith('{"block"') ? JSON.parse(bad.stdout) : null;
  const lastId = doc ? doc.series[doc.series.length - 1].id : '?';
  expect(tdoc && tdoc.mismatches === 1 && !tdoc.series[tdoc.series.length - 1].match && bad.stderr.includes(`series ${lastId} `) && /engine \d+, cached \d+/.test(bad.stderr),
    `margin audit-marks through a node whose log has one vol 1 wei off: exit ${bad.status}, ${tdoc ? tdoc.mismatches : '-'} mismatch, "${bad.stderr.trim().slice(0, 160)}"`);
  console.log(`  (margin audit-marks: three runs in ${Date.now() - t0} ms; the tampered log: ${bad.stderr.trim().split("\n")[0]})`);
}

// The marks cached at the last push are the engine's own pricing of each account's book.
{
  let markMismatches = 0, legs = 0;
  const flat = (m) => [...m].map((x) => [...x].map(String).join()).join(';');
  for (const a of all) {
    const b = await house.book(a);
    const cached = await house.marks(a), fresh = await h.marker.marks(b.toArray(true));
    legs += [...cached].reduce((n, x) => n + x.length, 0);
    if (flat(cached) !== flat(fresh)) markMismatches++;
  }
  expect(markMismatches === 0 && legs > 0, `cached marks equal MarkEngine.marks of the book for ${all.length} accounts, ${legs} legs (${markMismatches} mismatches)`);
  // marks not shaped as the book (one leg short on the first expiry) revert MarksMismatch(0)
  let a0 = null;
  for (const a of all) if ((await house.book(a)).expiries.length) { a0 = a; break; }
  const b0 = (await house.book(a0)).toArray(true), p0 = (await house.params()).toArray(true);
  const m0 = (await house.marks(a0)).toArray(true);
  m0[0] = m0[0].slice(1);
  const why = await engine.witness(b0, p0, 0n, m0).then(() => null, (e) => {
    const data = e.data || e.info?.error?.data;
    try { return engine.interface.parseError(data); } catch { return { name: 'revert ' + data } }
  });
  expect(why?.name === 'MarksMismatch' && why.args[0] === 0n, `marks one leg short revert MarksMismatch(0) (${why?.name})`);
}
const before = await native(all);
let liquidatable = 0, gridMismatches = 0;
for (let i = 0; i < all.length; i++) {
  const res = before.res[i].result;
  const g = await house.fullGrid(all[i]);
  const same = g.equity === wad(res.equity) && g.initial === wad(res.initial_margin) && g.maintenance === wad(res.maintenance_margin) &&
    g.liquidatable === res.liquidatable && (!res.underlyings.length || g.worst === BigInt(res.underlyings[0].worst_scenario));
  if (!same) {
    gridMismatches++;
    if (gridMismatches < 5) console.log(`  grid mismatch ${all[i]}: EVM ${g.equity} ${g.maintenance} ${g.liquidatable}, native ${res.equity} ${res.maintenance_margin} ${res.liquidatable}`);
  }
  if (res.liquidatable) liquidatable++;
}
expect(gridMismatches === 0, `full grid on chain equals the native engine for ${all.length} accounts (${gridMismatches} mismatches)`);
expect(liquidatable > 0 && liquidatable < all.length, `the shock leaves some accounts liquidatable and some healthy (${liquidatable} of ${all.length})`);

const coder = ethers.AbiCoder.defaultAbiCoder();
const bookType = iface.getFunction('book').outputs[0];
const paramsType = iface.getFunction('params').outputs[0];
let liquidated = 0, healthyReverts = 0, healthyChecked = 0, shortfalls = 0, socialised = 0;
const mark0 = await house.lossMark();
for (let i = 0; i < all.length; i++) {
  // a loss socialised by an earlier close-out here scales the positive cash of the accounts after
  // it (the loss scale): their books changed, so the engine evaluates them again
  const now = (await house.lossMark()) === mark0 ? null : await h.native(MARGIN, tmp, [all[i]]);
  const res = now ? now.res[0].result : before.res[i].result;
  const reqBook = now ? now.books[0] : before.books[i];
  if (res.liquidatable) {
    const worst = BigInt(res.underlyings[0].worst_scenario);
    const preBook = await house.book(all[i]);
    const hash = ethers.keccak256(coder.encode([bookType, paramsType, 'uint256'], [preBook, await house.params(), worst]));
    // the engine's own input hash of the request it evaluated (C++ Book mapping, ABI encoder, keccak256)
    const engineHash = JSON.parse(execFileSync(MARGIN, ['input-hash', String(worst), '-'], { input: JSON.stringify(requestOf(reqBook)), encoding: 'utf8' })).input_hash;
    const rc = await house.connect(liquidator).liquidate(all[i], worst).then((tx) => h.mined(tx)).catch((e) => e);
    if (rc instanceof Error) {
      expect(false, `liquidate(${all[i]}, worst ${worst}) reverted: ${await reverts(Promise.reject(rc))}`);
      continue;
    }
    liquidated++;
    const events = rc.logs.map((l) => { try { return iface.parseLog(l); } catch { return null; } }).filter(Boolean);
    const ev = events.find((e) => e.name === 'Liquidated');
    if (ev && ev.args.shortfall > 0n) {
      shortfalls++;
      const used = events.find((e) => e.name === 'InsuranceUsed')?.args.amount ?? 0n;
      const social = events.find((e) => e.name === 'LossSocialised')?.args.amount ?? 0n;
      expect(used + social === ev.args.shortfall, `shortfall of ${all[i]} = insurance ${used} + socialised ${social}`);
      if (social > 0n) socialised++;
    }
    expect(ev && ev.args.equity === wad(res.equity) && ev.args.maintenance === wad(res.maintenance_margin) && ev.args.inputHash === hash &&
      ev.args.inputHash === engineHash, `Liquidated event of ${all[i]}: equity, MM and input hash equal the engine's (\`margin input-hash\`) and ethers' abi.encode`);
  } else {
    healthyChecked++;
    let all32 = true;
    for (let id = 0; id <= NSCEN; id++) {
      const why = await reverts(house.connect(liquidator).liquidate.staticCall(all[i], id));
      if (why !== 'AccountHealthy') all32 = false;
    }
    if (all32) healthyReverts++;
  }
}
expect(liquidated === liquidatable, `every liquidatable account liquidated with the engine's worst scenario (${liquidated} of ${liquidatable})`);
expect(healthyReverts === healthyChecked, `liquidate reverts AccountHealthy at every scenario for every healthy account (${healthyReverts} of ${healthyChecked})`);
// Partial: a liquidated account with positive equity is not closed out entirely, and the
// scenario that proved it now finds it back above MM (or it was closed out).
{
  const after = await native(all);
  let restored = 0, closed = 0, stillBelow = 0;
  for (let i = 0; i < all.length; i++) {
    if (!before.res[i].result.liquidatable) continue;
    const res = after.res[i].result;
    const b = after.books[i];
    if (b.expiries.length === 0 && b.perpPosition === 0n) closed++;
    else if (!res.liquidatable) restored++;
    else stillBelow++;
  }
  console.log(`  after liquidation: ${restored} restored above MM, ${closed} closed out, ${stillBelow} still below MM; ` +
    `${shortfalls} shortfalls (${socialised} reaching socialised loss: ${await house.socialisedLoss()} wei outstanding)`);
  expect(restored + closed > 0, 'liquidation restores or closes out accounts');
}

// ---------------------------------------------------------------- invariants

// harness/invariants.js: --sequences S random sequences of --steps K steps each (default 1 x 150)
const counts = await invariantRun({ h, MARGIN, tmp, checks, traders, all, seed: Number(opt('--seed', '7')), sequences: Number(opt('--sequences', '1')),
  steps: STEPS, mutateParams: argv.includes('--mutate-params'), verbose: argv.includes('--verbose') });
console.log('  ' + summary(counts) + ` (${counts.seconds} s)`);

// Staleness: no margin decision on an old market.
await advance(4000);
expect((await reverts(house.connect(liquidator).liquidate(traders[2].address, 0))) === 'StaleMarket', 'liquidate on a market older than maxStaleness reverts StaleMarket');

console.log(`clearing house on anvil (${SOLC_VERSION.split('+')[0]}, runs ${DEPLOY_RUNS}; ${Object.entries(sizes).map(([n, b]) => `${n} ${b} B`).join(', ')}): ${checks.passed} passed, ${checks.failed} failed`);
node.stop();
process.exit(checks.failed === 0 ? 0 : 1);
