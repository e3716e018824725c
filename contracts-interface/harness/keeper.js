// The keeper and the auditors' replay against a real local chain (anvil on 127.0.0.1):
//
//   node harness/keeper.js MARGIN KEEPER [--wasm "node build/wasm/bin/margin.js"] [--serve MARGIN_SERVE] [--traders N] [--seed S]
//
// 1. End to end: MarginAccounts with N traders (default 56) holding varied books (options
//    over 4 expiries, perps) against a maker; an oracle shock beyond the scenario grid;
//    the keeper (`margin-keeper --once`, signing locally with its own key) runs once. The
//    set it liquidates must equal the set the native engine marks liquidatable on the
//    contract's own books; no keeper transaction may revert; every healthy account's book
//    must be untouched.
// 2. Replay: every liquidation of that run, `margin replay --rpc --tx` natively (exporting
//    its bundle) and the bundle in WebAssembly (`--wasm`): a full match, byte-identical
//    reports; a bundle with one input changed by 1 wei is a mismatch naming the fields it
//    moves, and, replayed against the chain (`margin replay BUNDLE --rpc`), the input itself.
// 3. Front-running: with automine off, a competitor liquidates the keeper's first target
//    in the same block, ahead of it (higher tip): the keeper reports the revert and goes on.
// 4. The node stopped and restarted mid-run: the keeper (polling) backs off on RPC errors,
//    resumes on the restarted node (same state, anvil_dumpState / anvil_loadState) and
//    liquidates exactly the accounts a shock then makes liquidatable.
// 5. (--serve) The keeper's accounts from margin-serve (`--accounts-from`): the traders' books
//    as the engine reads them PUT into a service (ids: their addresses); after a shock the
//    service's below_mm listing equals the engine's liquidatable set; one of them deleted from
//    the service, the keeper run with `--accounts-from URL --accounts-health below_mm` reads
//    only the listed accounts (no log scan) and liquidates exactly them, not the deleted one.
// Exit status 0 only if every check holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { spawn, spawnSync } from 'node:child_process';
import { ethers } from 'ethers';
import { Anvil } from './anvil.js';
import { rng } from './portfolio.js';
import { Checks, House, W, requestOf } from './house.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const [MARGIN, KEEPER] = argv;
if (!MARGIN || !KEEPER || KEEPER.startsWith('--')) {
  console.error('usage: keeper.js MARGIN KEEPER [--wasm CMD] [--traders N] [--seed S]');
  process.exit(2);
}
const WASM = opt('--wasm', '');
const SERVE = opt('--serve', '');
const TRADERS = Number(opt('--traders', '56'));
const r = rng(opt('--seed', '11'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keeper-'));

const checks = new Checks();
const expect = (ok, what) => checks.expect(ok, what);
const lower = (a) => a.toLowerCase();
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const show = (s) => [...s].map((a) => a.slice(0, 8)).join(' ');

// ---------------------------------------------------------------- the clearing house

const h = await House.deploy({ traders: TRADERS });
await h.configure();
const { house, token, maker, liquidator, traders, houseAddr } = h;
for (const s of [maker, liquidator]) await h.fund(s, W('1000000000'));
await h.send(house.connect(maker).deposit(W('500000000')));
await h.send(house.connect(liquidator).deposit(W('500000000')));
for (const t of traders) {
  await h.fund(t, W('10000000'));
  await h.send(house.connect(t).deposit(W(String(r.int(2, 30) * 1000))));
}
let trades = 0;
for (const t of traders) for (let k = r.int(1, 5); k > 0; k--) if ((await h.randomTrade(r, t)) === null) trades++;
const all = traders.map((t) => lower(t.address));

// The keeper's own key and margin: it signs locally (eth_sendRawTransaction).
const wallet = ethers.Wallet.createRandom().connect(h.provider);
await h.provider.send('anvil_setBalance', [wallet.address, '0x' + (10n ** 22n).toString(16)]);
await h.send(token.connect(wallet).mint(wallet.address, W('1000000000')));
await h.send(token.connect(wallet).approve(houseAddr, ethers.MaxUint256));
await h.send(house.connect(wallet).deposit(W('500000000')));
const keyFile = path.join(tmp, 'keeper.key');
fs.writeFileSync(keyFile, wallet.privateKey + '\n', { mode: 0o600 });
console.log(`  ${TRADERS} traders, ${trades} trades; the keeper signs as ${wallet.address}`);

/// The accounts the native engine marks liquidatable now (on the contract's own books).
/// The accounts the native engine marks liquidatable on the contract's books as of `blockTag`.
async function engineLiquidatable(blockTag = 'latest') {
  const nat = await h.native(MARGIN, tmp, all, undefined, blockTag);
  return new Set(all.filter((_, i) => nat.res[i].result.liquidatable));
}
const keeperArgs = (...more) => ['--rpc', h.node.url, '--contract', houseAddr, '--key-file', keyFile, ...more];
const events = (stdout) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const bookJson = async (a) => JSON.stringify(await h.bookOf(a), (_, v) => (typeof v === 'bigint' ? v.toString() : v));

// ---------------------------------------------------------------- 1. end to end

await h.move(85n, 100n, 14n, 10n);
await h.move(85n, 100n);
const due = await engineLiquidatable();
const healthyBefore = new Map();
for (const a of all) if (!due.has(a)) healthyBefore.set(a, await bookJson(a));
const run1 = spawnSync(KEEPER, keeperArgs('--once'), { encoding: 'utf8', timeout: 300_000 });
expect(run1.status === 0, `keeper --once exits 0 (got ${run1.status}: ${run1.stderr})`);
const ev1 = events(run1.stdout);
const liquidated1 = ev1.filter((e) => e.event === 'liquidated');
const got1 = new Set(liquidated1.map((e) => lower(e.account)));
const round1 = ev1.find((e) => e.event === 'round');
console.log(`  after the shock: engine ${due.size} liquidatable of ${all.length}; keeper round: ${round1?.accounts} accounts ` +
  `(${round1?.evaluated} evaluated, ${round1?.liquidatable} liquidatable), ${liquidated1.length} liquidated`);
expect(due.size > 0 && due.size < all.length, `the shock makes some accounts liquidatable, not all (${due.size} of ${all.length})`);
expect(sameSet(got1, due), `the keeper liquidates exactly the engine's set (keeper: ${show(got1)}; engine: ${show(due)})`);
expect(round1 && round1.accounts >= all.length, `the keeper found every trader from the logs (${round1?.accounts} accounts)`);
for (const kind of ['reverted', 'skip', 'error', 'rpc_error'])
  expect(ev1.filter((e) => e.event === kind).length === 0, `no '${kind}' events in the end-to-end run: ${JSON.stringify(ev1.filter((e) => e.event === kind)).slice(0, 300)}`);
// untouched: the same book, except that a loss a close-out socialised charges every positive cash
// balance its share (the loss scale: cash only ever goes down, and only if it was positive)
let untouched = 0;
for (const [a, before] of healthyBefore) {
  const now = await bookJson(a);
  const [x, y] = [JSON.parse(before), JSON.parse(now)];
  const cashOk = x.cash === y.cash || (BigInt(y.cash) < BigInt(x.cash) && BigInt(y.cash) >= 0n);
  if (now === before || (cashOk && JSON.stringify({ ...x, cash: 0 }) === JSON.stringify({ ...y, cash: 0 }))) untouched++;
}
expect(untouched === healthyBefore.size, `every healthy account untouched (${untouched} of ${healthyBefore.size}; cash charged only by a socialised loss)`);
expect((await engineLiquidatable()).size === 0, 'no account is liquidatable after the keeper ran');

// ---------------------------------------------------------------- 2. replay

let nativeMatch = 0, wasmMatch = 0, identical = 0;
const bundles = [];
for (const e of liquidated1) {
  const bundle = path.join(tmp, `bundle-${e.tx.slice(2, 10)}.json`);
  const rpcRun = spawnSync(MARGIN, ['replay', '--rpc', h.node.url, '--tx', e.tx, '--export', bundle], { encoding: 'utf8' });
  if (rpcRun.status === 0 && JSON.parse(rpcRun.stdout).match === true) nativeMatch++;
  else console.log(`  replay ${e.tx}: ${rpcRun.stdout.slice(0, 600)} ${rpcRun.stderr}`);
  bundles.push(bundle);
  const fromFile = spawnSync(MARGIN, ['replay', bundle], { encoding: 'utf8' });
  if (WASM) {
    const w = spawnSync('sh', ['-c', `${WASM} replay '${bundle}'`], { encoding: 'utf8' });
    if (w.status === 0 && JSON.parse(w.stdout).match === true) wasmMatch++;
    if (w.stdout === fromFile.stdout && fromFile.stdout === rpcRun.stdout) identical++;
  }
}
expect(nativeMatch === liquidated1.length, `margin replay --rpc: every liquidation a full match (${nativeMatch} of ${liquidated1.length})`);
if (WASM) {
  expect(wasmMatch === liquidated1.length, `WebAssembly replay of every bundle: a full match (${wasmMatch} of ${liquidated1.length})`);
  expect(identical === liquidated1.length, `native (RPC and bundle) and WebAssembly reports byte-identical (${identical} of ${liquidated1.length})`);
}
if (bundles.length) {
  const vs = spawnSync(MARGIN, ['replay', bundles[0], '--rpc', h.node.url], { encoding: 'utf8' });
  expect(vs.status === 0 && JSON.parse(vs.stdout).inputs.length === 0, 'an exported bundle replayed against the chain: every input equal, a full match');
}
// Tampering: one input changed by 1 wei is reported, naming the fields it changes.
if (bundles.length) {
  const b = JSON.parse(fs.readFileSync(bundles[0], 'utf8'));
  const cases = [
    ['book.cash', (x) => (x.book.cash = (BigInt(x.book.cash) + 1n).toString()), ['input_hash', 'event.equity', 'witness.equity'], '/book/cash'],
    ['params.mmFactor', (x) => (x.params.mmFactor = (BigInt(x.params.mmFactor) + 1n).toString()), ['input_hash'], '/params/mmFactor'],
    ['book.expiries[0].legs[0].vol', (x) => (x.book.expiries[0].legs[0].vol = (BigInt(x.book.expiries[0].legs[0].vol) + 1n).toString()), ['input_hash'],
      '/book/expiries/0/legs/0/vol'],
  ];
  for (const [what, change, fields, input] of cases) {
    const t = structuredClone(b);
    if (what.includes('legs') && !(t.book.expiries[0]?.legs?.length)) continue;
    change(t);
    const file = path.join(tmp, 'tampered.json');
    fs.writeFileSync(file, JSON.stringify(t, null, 2));
    for (const [name, cmd] of [['native', MARGIN], ...(WASM ? [['wasm', WASM]] : [])]) {
      const out = spawnSync('sh', ['-c', `${cmd} replay '${file}'`], { encoding: 'utf8' });
      const rep = JSON.parse(out.stdout);
      const bad = rep.fields.filter((f) => !f.match).map((f) => f.field);
      expect(out.status === 1 && rep.match === false && fields.every((f) => bad.includes(f)),
        `${name} replay of a bundle with ${what} + 1 wei: a mismatch naming ${fields.join(', ')} (named: ${bad.join(', ')})`);
    }
    // against the chain, the tampered input itself is named
    const vs = spawnSync(MARGIN, ['replay', file, '--rpc', h.node.url], { encoding: 'utf8' });
    const rep = JSON.parse(vs.stdout);
    expect(vs.status === 1 && rep.inputs?.length === 1 && rep.inputs[0].field === input,
      `replay of that bundle against the chain names the input ${input} (named: ${rep.inputs?.map((x) => x.field).join(', ')})`);
  }
}
console.log(`  replay: ${liquidated1.length} liquidations, native ${nativeMatch} full matches${WASM ? `, WebAssembly ${wasmMatch}, ${identical} reports byte-identical` : ''}`);

// ---------------------------------------------------------------- 3. front-running

/// The keeper as a child process; `onEvent(e)` sees each JSON line as it comes.
function startKeeper(args, onEvent) {
  const child = spawn(KEEPER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (l) => {
    const e = JSON.parse(l);
    seen.push(e);
    onEvent(e);
  });
  const done = new Promise((resolve) => child.on('exit', (code) => lines.close() || resolve(code)));
  return { child, seen, done, stderr: () => stderr };
}
/// Oracle shocks until one makes some account liquidatable; that set, read at the shock's own
/// block: a polling keeper may already have liquidated some of it by the time 'latest' is read.
async function shockUntilLiquidatable() {
  for (let k = 0; k < 6; k++) {
    const push = await h.move(93n, 100n, 11n, 10n);
    const s = await engineLiquidatable(Number(push.blockNumber));
    if (s.size > 0) return s;
  }
  return new Set();
}
{
  const due3 = await shockUntilLiquidatable();
  await h.provider.send('evm_setAutomine', [false]);
  let target = null;
  const competitor = [];
  const k = startKeeper(keeperArgs('--once'), async (e) => {
    if (e.event !== 'sent') return;
    if (target === null) {
      // a competitor sees the same account and gets in first (higher tip, same block)
      target = lower(e.account);
      const data = house.interface.encodeFunctionData('liquidate', [e.account, e.scenario]);
      competitor.push(await h.provider.send('eth_sendTransaction', [{ from: liquidator.address, to: houseAddr, data, gas: '0x1c9c380',
        maxPriorityFeePerGas: '0x' + (50n * 10n ** 9n).toString(16), maxFeePerGas: '0x' + (100n * 10n ** 9n).toString(16) }]));
    }
    await h.provider.send('evm_mine', []);
  });
  const code = await k.done;
  await h.provider.send('evm_setAutomine', [true]);
  const rc = competitor.length ? await h.node.receipt(competitor[0]) : null;
  const reverted = k.seen.filter((e) => e.event === 'reverted').map((e) => lower(e.account));
  const liq = new Set(k.seen.filter((e) => e.event === 'liquidated').map((e) => lower(e.account)));
  console.log(`  front-run: ${due3.size} liquidatable; the competitor took ${target?.slice(0, 8)} first; keeper: ${liq.size} liquidated, ${reverted.length} reverted`);
  expect(code === 0, `the keeper finishes its round after a front-run (exit ${code}: ${k.stderr()})`);
  expect(rc && rc.status === '0x1', 'the competitor\'s liquidation went first and succeeded');
  expect(reverted.length === 1 && reverted[0] === target, `the keeper reports its front-run transaction as reverted (${reverted.join(' ')})`);
  const rest = new Set([...due3].filter((a) => a !== target));
  expect(sameSet(liq, rest), `the keeper liquidates every other liquidatable account (${show(liq)} vs ${show(rest)})`);
}

// ---------------------------------------------------------------- 3b. a liquidation second in its block
// An oracle push and then a liquidation in one block: the state at the parent block (what
// replay read before WitnessInputs) is not the liquidation's; the replay now reads its inputs
// from the house's WitnessInputs log (matched by the house's address) and must match in full.
{
  const due = await shockUntilLiquidatable();
  const [a] = [...due];
  const res = (await h.native(MARGIN, tmp, [a])).res[0].result;
  await h.advance(30);
  await h.provider.send('evm_setAutomine', [false]);
  const tip = (gwei) => ({ maxPriorityFeePerGas: '0x' + (gwei * 10n ** 9n).toString(16), maxFeePerGas: '0x' + (200n * 10n ** 9n).toString(16) });
  const pushData = house.interface.encodeFunctionData('pushMarket', h.snapshot(await h.blockTime()));
  const first = await h.provider.send('eth_sendTransaction', [{ from: h.oracle.address, to: houseAddr, data: pushData, gas: '0x' + (4_000_000).toString(16), ...tip(100n) }]);
  const liqData = house.interface.encodeFunctionData('liquidate', [a, BigInt(res.underlyings[0].worst_scenario)]);
  const second = await h.provider.send('eth_sendTransaction', [{ from: liquidator.address, to: houseAddr, data: liqData, gas: '0x' + (8_000_000).toString(16), ...tip(1n) }]);
  await h.provider.send('evm_mine', []);
  await h.provider.send('evm_setAutomine', [true]);
  const r1 = await h.node.receipt(first), r2 = await h.node.receipt(second);
  expect(r1.status === '0x1' && r2.status === '0x1' && r1.blockNumber === r2.blockNumber && Number(r2.transactionIndex) === 1,
    `a push then a liquidation in one block (indexes ${Number(r1.transactionIndex)}, ${Number(r2.transactionIndex)}; status ${r1.status} ${r2.status})`);
  const ev = r2.logs.map((l) => { try { return { ...house.interface.parseLog(l), address: l.address }; } catch { return null; } }).filter(Boolean);
  const liq = ev.find((e) => e.name === 'Liquidated');
  const inp = ev.find((e) => e.name === 'WitnessInputs');
  expect(liq && inp && lower(inp.address) === lower(houseAddr) && ethers.keccak256(inp.args.inputs) === liq.args.inputHash,
    'WitnessInputs: its inputs hash to the Liquidated event\'s input hash');
  const parentHash = await house.inputHash(a, liq.args.scenarioId, { blockTag: Number(r2.blockNumber) - 1 });
  expect(parentHash !== liq.args.inputHash, 'the parent block\'s state gives another input hash (the old replay would mismatch here)');
  const rep = spawnSync(MARGIN, ['replay', '--rpc', h.node.url, '--tx', second], { encoding: 'utf8' });
  expect(rep.status === 0, `margin replay --rpc of the second transaction of the block: a full match (${rep.status}: ${rep.stdout.slice(0, 300)} ${rep.stderr})`);
  // the rest of the shock's set: liquidated now, before section 4 (whose node restart keeps no receipts)
  const rest = spawnSync(KEEPER, keeperArgs('--once'), { encoding: 'utf8', timeout: 300_000 });
  expect(rest.status === 0 && (await engineLiquidatable()).size === 0, `the keeper liquidates the rest of that shock's set (exit ${rest.status})`);
}

// ---------------------------------------------------------------- 4. node stopped and restarted

{
  const port = Number(new URL(h.node.url).port);
  const k = startKeeper(keeperArgs('--poll', '0.2', '--retries', '100', '--timeout-ms', '2000'), () => {});
  const waitFor = async (pred, ms) => {
    for (const t0 = Date.now(); Date.now() - t0 < ms; ) {
      if (pred()) return true;
      await new Promise((res) => setTimeout(res, 50));
    }
    return false;
  };
  await waitFor(() => k.seen.some((e) => e.event === 'round'), 30_000);
  const state = await h.provider.send('anvil_dumpState', []);
  h.node.stop();
  await h.node.exited();
  await waitFor(() => k.seen.some((e) => e.event === 'rpc_error'), 15_000);
  await new Promise((res) => setTimeout(res, 1000));  // down for a while: several failed rounds
  h.node = await Anvil.start(['--accounts', String(TRADERS + 6), '--balance', '1000000'], port);
  await h.provider.send('anvil_loadState', [state]);
  const errorsWhileDown = k.seen.filter((e) => e.event === 'rpc_error').length;
  const due4 = await shockUntilLiquidatable();
  await waitFor(() => [...due4].every((a) => k.seen.some((e) => e.event === 'liquidated' && lower(e.account) === a)), 60_000);
  await new Promise((res) => setTimeout(res, 600));  // one more round: nothing else to do
  const alive = k.child.exitCode === null;
  k.child.kill('SIGTERM');
  await k.done;
  const liqEvents = k.seen.filter((e) => e.event === 'liquidated');
  const liq = new Set(liqEvents.map((e) => lower(e.account)));
  // Block timestamps follow the wall clock, so option values decay between blocks: an account
  // left near its threshold (the front-run one above) can turn liquidatable on its own while
  // this keeper polls. The property checked is therefore per liquidation: the engine marked
  // the account liquidatable in the state the transaction ran on (one transaction per block).
  let justified = 0;
  for (const e of liqEvents) {
    const rc = await h.node.receipt(e.tx);
    if (rc && (await engineLiquidatable(Number(BigInt(rc.blockNumber)) - 1)).has(lower(e.account))) justified++;
  }
  const extra = new Set([...liq].filter((a) => !due4.has(a)));
  console.log(`  node restart: ${errorsWhileDown} RPC errors while down (backing off), then ${liq.size} liquidated on the restarted node ` +
    `(engine at the shock: ${due4.size}; ${extra.size} more turned liquidatable on their own)`);
  expect(errorsWhileDown > 0, 'the keeper saw the node go away (rpc_error events)');
  expect(alive, 'the keeper survived the node being stopped and restarted');
  expect(due4.size > 0 && [...due4].every((a) => liq.has(a)), `after the restart it liquidates every account of the engine's set (${show(liq)} vs ${show(due4)})`);
  expect(justified === liqEvents.length, `each of its liquidations hit an account the engine marked liquidatable in the state it ran on (${justified} of ${liqEvents.length})`);
  expect(k.seen.filter((e) => e.event === 'reverted' || e.event === 'error').length === 0, 'no reverted transactions or evaluation errors around the restart');
}

// ---------------------------------------------------------------- 5. accounts from margin-serve

if (SERVE) {
  const due5 = await shockUntilLiquidatable();
  const block = await h.provider.getBlockNumber();
  const srv = spawn(SERVE, ['--db', path.join(tmp, 'serve.db'), '--port', '0', '--no-auth', '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let srvErr = '';
  srv.stderr.on('data', (d) => (srvErr += d));
  const first = await new Promise((resolve) => readline.createInterface({ input: srv.stdout }).once('line', resolve));
  const url = `http://127.0.0.1:${JSON.parse(first).listening}`;
  const api = async (method, p, body) => {
    const r = await fetch(url + p, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: r.status, json: await r.json() };
  };
  try {
    // Each book's request lists the expiries it holds; the service keeps the first market it is
    // given for an underlying, so every request carries the union of them (the same chain state).
    const reqs = [];
    for (const a of all) reqs.push(requestOf(await h.bookOf(a, block)));
    const expiries = new Map();
    for (const q of reqs) for (const e of q.market.underlyings.BTC.expiries) expiries.set(e.expiry, e);
    const union = [...expiries.values()].sort((x, y) => Number(BigInt(x.expiry) - BigInt(y.expiry)));
    let put = 0;
    for (let i = 0; i < all.length; i++) {
      reqs[i].market.underlyings.BTC.expiries = union;
      const r = await api('PUT', `/accounts/${all[i]}`, reqs[i]);
      if (r.status === 201) put++;
      else console.log(`  PUT ${all[i]}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    }
    const listed = async (health) => new Set((await api('GET', `/accounts?health=${health}`)).json.accounts.map((x) => x.id));
    const below = await listed('below_mm');
    expect(put === all.length, `every trader's book PUT into the service (${put} of ${all.length})`);
    expect(sameSet(below, due5), `the service's below_mm listing is the engine's liquidatable set (service: ${show(below)}; engine: ${show(due5)})`);
    const omitted = [...below][0];
    expect((await api('DELETE', `/accounts/${omitted}`)).status === 200, 'one liquidatable account deleted from the service');
    const run5 = spawnSync(KEEPER, keeperArgs('--once', '--accounts-from', url, '--accounts-health', 'below_mm'), { encoding: 'utf8', timeout: 300_000 });
    expect(run5.status === 0, `keeper --accounts-from exits 0 (got ${run5.status}: ${run5.stderr})`);
    const ev5 = events(run5.stdout);
    const round5 = ev5.find((e) => e.event === 'round');
    const got5 = new Set(ev5.filter((e) => e.event === 'liquidated').map((e) => lower(e.account)));
    const want5 = new Set([...below].filter((a) => a !== omitted));
    console.log(`  accounts from margin-serve: ${below.size} below MM listed (engine: ${due5.size}), one deleted; keeper round read ` +
      `${round5?.accounts} accounts (source ${round5?.source}), liquidated ${got5.size}`);
    expect(round5 && round5.accounts === want5.size && round5.source, `the round read only the service's listed accounts (${round5?.accounts} of ${all.length} traders)`);
    expect(sameSet(got5, want5), `the keeper liquidates exactly the listed accounts (${show(got5)} vs ${show(want5)})`);
    expect(!got5.has(omitted) && (await engineLiquidatable()).has(omitted), 'the account deleted from the service is left alone (still liquidatable on chain)');
    const bad = spawnSync(KEEPER, keeperArgs('--once', '--dry-run', '--accounts-from', 'http://127.0.0.1:1', '--retries', '0'), { encoding: 'utf8', timeout: 60_000 });
    const badEv = events(bad.stdout);
    expect(bad.status === 3 && badEv.some((e) => e.event === 'stop' && e.code === 'RPC_UNREACHABLE' && /service|127\.0\.0\.1:1/.test(e.message)),
      `an unreachable service fails the round (RPC_UNREACHABLE), exit 3 (got ${bad.status}: ${bad.stdout.slice(-300)})`);
  } finally {
    srv.kill('SIGTERM');
    await new Promise((resolve) => (srv.exitCode !== null ? resolve() : srv.on('exit', resolve)));
    if (srvErr.includes('error')) console.log(srvErr);
  }
}

console.log(`keeper on anvil: ${checks.passed} passed, ${checks.failed} failed`);
h.node.stop();
process.exit(checks.failed === 0 ? 0 : 1);
