// margin-serve following a clearing house on a real local chain (anvil on 127.0.0.1):
//
//   node harness/serve-chain.js MARGIN MARGIN_SERVE [--traders N] [--seed S]
//
// MarginAccounts with N traders (default 8) holding options and perps against a maker; then
// `margin-serve --follow-chain` on it (docs/service.md, "Following a chain"):
// 1. at start it loads every account the house's logs name; each account's margin
//    (GET /accounts/{addr}/margin) equals `margin batch` (margin compute) on the request the
//    keeper's reading of the house's book() gives (house.js requestOf, the same mapping as the
//    bridge's request_builder), field by field of the result;
// 2. an oracle push (pushMarket): the service's tick advances, its market timestamp is the
//    house's, the figures equal margin compute's on the new books again, and they changed;
// 3. a trade: the two accounts it names are read again (no tick), and equal margin compute's;
// 4. a reorg (evm_snapshot / evm_revert, then another trade at the same height): the trade taken
//    back is undone in the service, the new one followed, the figures equal margin compute's;
// 5. a reorg that takes back a push: the service stays on the later market (a tick never goes
//    back in time) and reports the refused re-read (OUT_OF_RANGE at /timestamp); a trade mined
//    then is held (its re-read refused); the house's next push is a tick, the held trade followed,
//    the figures equal margin compute's; no account was skipped (the house holds no collateral
//    assets: book().collaterals is always empty).
// margin-serve and anvil are stopped by PID. Exit status 0 only if every check holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { rng } from './portfolio.js';
import { Checks, House, W } from './house.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const [MARGIN, SERVE] = argv;
if (!MARGIN || !SERVE || SERVE.startsWith('--')) {
  console.error('usage: serve-chain.js MARGIN MARGIN_SERVE [--traders N] [--seed S]');
  process.exit(2);
}
const TRADERS = Number(opt('--traders', '8'));
const r = rng(opt('--seed', '5'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-chain-'));
const checks = new Checks();
const expect = (ok, what) => checks.expect(ok, what);
const lower = (a) => a.toLowerCase();
const t0 = Date.now();

const h = await House.deploy({ traders: TRADERS });
await h.configure();
const { house, maker, traders } = h;
await h.fund(maker, W('1000000000'));
await h.send(house.connect(maker).deposit(W('500000000')));
for (const t of traders) {
  await h.fund(t, W('10000000'));
  await h.send(house.connect(t).deposit(W(String(r.int(2, 30) * 1000))));
}
for (const t of traders) for (let k = r.int(1, 4); k > 0; k--) await h.randomTrade(r, t);
const all = [maker, ...traders].map((s) => lower(s.address));

const srv = spawn(SERVE, ['--db', path.join(tmp, 'serve.db'), '--port', '0', '--no-auth', '--threads', '2',
  '--follow-chain', '--rpc', h.node.url, '--house', h.houseAddr, '--poll', '0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
process.on('exit', () => srv.exitCode === null && srv.kill('SIGKILL'));
let srvErr = '';
srv.stderr.on('data', (d) => (srvErr += d));
const first = await new Promise((resolve) => readline.createInterface({ input: srv.stdout }).once('line', resolve));
const url = `http://127.0.0.1:${JSON.parse(first).listening}`;
const api = async (p) => {
  const res = await fetch(url + p);
  return { status: res.status, json: await res.json() };
};
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
/// The follower's reports so far (stderr lines "margin-serve: {...}").
const notes = () => srvErr.split('\n').filter((l) => l.startsWith('margin-serve: {')).map((l) => JSON.parse(l.slice(14)));
async function waitFor(pred, ms = 15_000) {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(50)) if (await pred()) return true;
  return false;
}

/// Each account's result in the service and margin compute's on the house's book now: the
/// accounts whose figures differ (every field of the result compared as text).
async function mismatches() {
  const nat = await h.native(MARGIN, tmp, all);
  const bad = [];
  const figures = new Map();
  for (let i = 0; i < all.length; i++) {
    const s = await api(`/accounts/${all[i]}/margin`);
    const want = JSON.stringify(nat.res[i].result ?? nat.res[i]);
    const got = JSON.stringify(s.json.result ?? s.json);
    figures.set(all[i], got);
    if (s.status !== 200 || got !== want) bad.push(`${all[i].slice(0, 8)}: service ${got.slice(0, 160)} / margin ${want.slice(0, 160)}`);
  }
  return { bad, figures };
}

try {
  // 1. loaded from the house
  const loaded = await waitFor(async () => {
    const hz = (await api('/healthz')).json;
    return hz.accounts === all.length && hz.tick >= 1;
  });
  expect(loaded, `the service loads every account the house's logs name (${(await api('/healthz')).json.accounts} of ${all.length})`);
  let m = await mismatches();
  expect(m.bad.length === 0, `at load, every account's figures equal margin compute on its book (${m.bad.length} differ: ${m.bad.slice(0, 2).join('; ')})`);
  const before = m.figures;
  const tick0 = (await api('/healthz')).json.tick;
  console.log(`  loaded ${all.length} accounts from the house at tick ${tick0}; figures equal margin compute's (${m.bad.length} differ)`);

  // 2. an oracle push: a tick
  const push = await h.move(90n, 100n, 12n, 10n);
  const stamp = (await house.market({ blockTag: Number(push.blockNumber) })).timestamp;
  const ticked = await waitFor(async () => {
    const mk = (await api('/market')).json;
    return mk.tick > tick0 && mk.timestamp === String(stamp);
  });
  expect(ticked, `after a push the service's tick advances and its market is the house's (timestamp ${stamp})`);
  m = await mismatches();
  const moved = all.filter((a) => m.figures.get(a) !== before.get(a)).length;
  expect(m.bad.length === 0, `after the push, every account's figures equal margin compute on its book (${m.bad.length} differ: ${m.bad.slice(0, 2).join('; ')})`);
  expect(moved > 0, `the push changed the figures (${moved} of ${all.length} accounts)`);
  const tick1 = (await api('/healthz')).json.tick;
  console.log(`  push: tick ${tick0} -> ${tick1}, ${moved} accounts' figures changed, equal margin compute's`);

  // 3. a trade: the accounts it names are read again, without a tick
  const t = traders[0];
  const req0 = (await api(`/accounts/${lower(t.address)}`)).json;
  let traded = null;
  for (let k = 0; k < 5 && traded === null; k++) if ((await h.randomTrade(r, t)) === null) traded = t;
  const followed = await waitFor(async () => JSON.stringify((await api(`/accounts/${lower(t.address)}`)).json) !== JSON.stringify(req0));
  expect(traded && followed, 'after a trade the service holds the trader\'s new book');
  m = await mismatches();
  expect(m.bad.length === 0, `after the trade, every account's figures equal margin compute on its book (${m.bad.length} differ: ${m.bad.slice(0, 2).join('; ')})`);
  expect((await api('/healthz')).json.tick === tick1, 'a trade is not a tick');
  console.log(`  trade: the trader's book followed without a tick; figures equal margin compute's`);

  // 4. a reorg: a trade taken back (evm_revert) and another one mined at its height
  const snap = await h.provider.send('evm_snapshot', []);
  const nonces = new Map(h.nonces);
  const [idA, idB] = [lower(traders[1].address), lower(traders[2].address)];
  const bookOf = async (id) => JSON.stringify((await api(`/accounts/${id}`)).json);
  const a0 = await bookOf(idA);
  for (let k = 0, done = false; k < 5 && !done; k++) done = (await h.randomTrade(r, traders[1])) === null;
  const sawA = await waitFor(async () => (await bookOf(idA)) !== a0);
  await h.provider.send('evm_revert', [snap]);
  h.nonces = nonces;  // the orders' nonces as the chain has them again
  const b0 = await bookOf(idB);
  for (let k = 0, done = false; k < 5 && !done; k++) done = (await h.randomTrade(r, traders[2])) === null;
  const undone = await waitFor(async () => (await bookOf(idA)) === a0 && (await bookOf(idB)) !== b0);
  expect(sawA && undone, `a reorg: the trade taken back is undone in the service, the one mined in its place followed (${sawA}, ${undone})`);
  expect(srvErr.includes('"follow":"reorg"'), 'the follower reports the reorg');
  m = await mismatches();
  expect(m.bad.length === 0, `after the reorg, every account's figures equal margin compute on its book (${m.bad.length} differ: ${m.bad.slice(0, 2).join('; ')})`);
  console.log(`  reorg: a trade taken back and another mined in its place; the service followed (figures equal margin compute's)`);

  // 5. a reorg that takes back a push: a tick never goes back in time, so the service stays on
  // the later market and reports the refused re-read; a trade mined meanwhile is held (its
  // re-read is the same refused tick); the house's next push catches up with everything.
  const snap2 = await h.provider.send('evm_snapshot', []);
  const state = { ...h.state, fwd: [...h.state.fwd], vols: [...h.state.vols] };
  const nonces2 = new Map(h.nonces);
  const tick2 = (await api('/healthz')).json.tick;
  const p2 = await h.move(101n, 100n, 11n, 10n);
  const stamp2 = String((await house.market({ blockTag: Number(p2.blockNumber) })).timestamp);
  const ticked2 = await waitFor(async () => (await api('/market')).json.timestamp === stamp2);
  const tick3 = (await api('/healthz')).json.tick;
  await h.provider.send('evm_revert', [snap2]);
  h.state = state;
  h.nonces = nonces2;
  const stampBack = String((await house.market()).timestamp);
  const refusals = () => notes().filter((n) => n.follow === 'refused' && n.answer?.error?.code === 'OUT_OF_RANGE' && n.answer.error.path === '/timestamp');
  const refused = await waitFor(async () => refusals().length >= 1);
  const mk = (await api('/market')).json;
  expect(ticked2 && refused && mk.timestamp === stamp2 && mk.tick === tick3 && tick3 > tick2 && BigInt(stampBack) < BigInt(stamp2),
    `a reorg that takes back a push (market ${stamp2} -> ${stampBack} on chain): the service stays on the later market (${mk.timestamp}, tick ${mk.tick}) and reports the refused re-read (OUT_OF_RANGE at /timestamp) (${ticked2}, ${refused})`);
  const idC = lower(traders[3].address);
  const c0 = await bookOf(idC);
  let heldAt = null;
  for (let k = 0; k < 5 && heldAt === null; k++) if ((await h.randomTrade(r, traders[3])) === null) heldAt = await h.provider.getBlockNumber();
  const heldSeen = heldAt !== null && (await waitFor(async () => refusals().some((n) => n.block >= heldAt)));
  expect(heldSeen && (await bookOf(idC)) === c0, `while the house's market is older than the service's, a trade's re-read is refused too and the trader's book is held (${heldSeen})`);
  await h.advance(120);
  const p3 = await h.move(102n, 100n);  // vols unmoved: an account re-read at the refusals but not changed since is offered again
  const stamp3 = String((await house.market({ blockTag: Number(p3.blockNumber) })).timestamp);
  const caught = await waitFor(async () => (await api('/market')).json.timestamp === stamp3);
  m = await mismatches();
  expect(caught && BigInt(stamp3) > BigInt(stamp2) && (await bookOf(idC)) !== c0,
    `the house's next push (${stamp3}) is a tick: the service follows the chain again, the held trade with it (${caught})`);
  expect(m.bad.length === 0, `after the push that follows a push taken back, every account's figures equal margin compute on its book (${m.bad.length} differ: ${m.bad.slice(0, 2).join('; ')})`);
  console.log(`  reorg of a push: the service stayed on ${stamp2} (the chain back at ${stampBack}), refused and reported, held a trade; the next push (${stamp3}) caught up, figures equal margin compute's`);
  expect(!notes().some((n) => n.follow === 'skip'), 'no account is skipped (the house\'s books hold no collateral assets)');
} finally {
  srv.kill('SIGTERM');
  const code = await new Promise((resolve) => (srv.exitCode !== null ? resolve(srv.exitCode) : srv.on('exit', resolve)));
  expect(code === 0, `margin-serve stops with status 0 on SIGTERM (got ${code}): ${srvErr.slice(-400)}`);
  if (checks.failed) console.log(srvErr.slice(-3000));
}

console.log(`serve-chain on anvil: ${checks.passed} passed, ${checks.failed} failed, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
h.node.stop();
process.exit(checks.failed === 0 ? 0 : 1);
