// Records the fixtures of the keeper library's unit tests (tests/keeper/fixtures/): the
// clearing house on a real anvil node, margin-keeper talking to it through a recording
// HTTP proxy that keeps every request and the node's every answer, in order, with the
// keeper's stdout and exit status. tests/keeper/test_keeper.cpp then runs the library over
// a transport replaying them (no node, no network) and requires the same requests and the
// same reports.
//
//   node harness/keeper-record.js KEEPER [OUT_DIR]     (OUT_DIR default: tests/keeper/fixtures)
//
// One chain, three runs of `KEEPER --once`, signing locally with a fixed key:
//   round.json      7 accounts (maker, liquidator, keeper, 4 traders); after an oracle shock
//                   one trader (short puts, little cash) is liquidatable and is liquidated;
//                   another holds two series the admin listed twice (same expiry, strike,
//                   kind), a book no request can hold: reported, the round goes on.
//   rpc_error.json  the proxy answers the round's books batch with HTTP 502 once: the keeper
//                   reports rpc_error, backs off 250 ms, and its next round succeeds.
//   revert.json     a second shock; whenever the keeper's eth_estimateGas for liquidate()
//                   arrives, a competitor's liquidation of that account is mined first, so
//                   the simulation reverts (AccountHealthy): reported, nothing sent.
// Exit status 0 only if each run went as designed (then the fixtures are written).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { House, W } from './house.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const [KEEPER, OUT = path.join(here, '..', '..', 'tests', 'keeper', 'fixtures')] = process.argv.slice(2);
if (!KEEPER) {
  console.error('usage: keeper-record.js KEEPER [OUT_DIR]');
  process.exit(2);
}
/// The keeper's key: fixed, so that its signed transactions are the same in every replay.
const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

/// An HTTP JSON-RPC proxy to `target` that records each exchange. `fault(request)` may return
/// {status, body} to answer instead of the node; `before(request)` runs before forwarding.
async function recorder(target) {
  const rec = { exchanges: [], fault: null, before: null };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request = JSON.parse(text);
      const fault = rec.fault?.(request);
      if (fault) {
        rec.exchanges.push({ request, status: fault.status, response: fault.body });
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end(fault.body);
        return;
      }
      if (rec.before) await rec.before(request);
      const r = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      const body = await r.text();
      let response;
      try {
        response = JSON.parse(body);
      } catch {
        response = body;
      }
      rec.exchanges.push({ request, status: r.status, response });
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  rec.url = `http://127.0.0.1:${server.address().port}`;
  rec.close = () => new Promise((ok) => server.close(ok));
  return rec;
}

/// KEEPER with `args` (async: the proxy answers in this process): {status, stdout, events}.
function runKeeper(args) {
  return new Promise((resolve) => {
    const child = spawn(KEEPER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr, events: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) }));
  });
}

let failed = 0;
const expect = (ok, what) => {
  console.log(`  ${ok ? 'ok' : 'FAIL'}: ${what}`);
  if (!ok) failed++;
};
const lower = (a) => a.toLowerCase();
const of = (events, kind) => events.filter((e) => e.event === kind);

// ---------------------------------------------------------------- the clearing house

const h = await House.deploy({ traders: 4 });
await h.configure();
const { house, maker, liquidator, matcher, admin, traders, houseAddr } = h;
// the series at (expiry index e, strike index k, call) in configure()'s listing order
const seriesId = (e, k, call) => e * 14 + k * 2 + (call ? 0 : 1);
// one series listed twice: same expiry, strike and kind under a second id, quoted like the first
const twin = seriesId(1, 3, true);
await h.timelocked('listSeries', [h.SERIES[twin].expiry, h.SERIES[twin].strike, true]); // after the first push: through the timelock
const twinId = BigInt(h.SERIES.length);
h.SERIES.push({ ...h.SERIES[twin] });
h.state.vols.push(h.state.vols[twin]);
await h.advance(60);
await h.send(h.push());

for (const s of [maker, liquidator]) {
  await h.fund(s, W('1000000000'));
  await h.send(house.connect(s).deposit(W('500000000')));
}
const [shortPuts, longCall, twice, perpLong] = traders;
const deposits = [[shortPuts, '40000'], [longCall, '2000000'], [twice, '2000000'], [perpLong, '500000']];
for (const [t, amount] of deposits) {
  await h.fund(t, W('10000000'));
  await h.send(house.connect(t).deposit(W(amount)));
}
const keeper = new ethers.Wallet(KEY, h.provider);
await h.provider.send('anvil_setBalance', [keeper.address, '0x' + (10n ** 22n).toString(16)]);
await h.send(h.token.connect(keeper).mint(keeper.address, W('1000000000')));
await h.send(h.token.connect(keeper).approve(houseAddr, ethers.MaxUint256));
await h.send(house.connect(keeper).deposit(W('500000000')));

const trade = (buyer, seller, id, size, price) => h.reverts(h.trade(buyer, seller, id, W(size), price));
// short puts with little cash: the largest size IM allows, of 3, 2, 1.5, 1
const put = seriesId(1, 2, false);
let sold = null;
for (const size of ['3', '2', '1.5', '1']) if ((await trade(maker, shortPuts, put, size, h.optionPrice(h.SERIES[put]))) === null) {
  sold = size;
  break;
}
expect(sold !== null, `the short-put trader sells ${sold} puts`);
const call = seriesId(0, 4, true);
expect((await trade(longCall, maker, call, '1', h.optionPrice(h.SERIES[call]))) === null, 'a long call');
expect((await trade(twice, maker, twin, '1', h.optionPrice(h.SERIES[twin]))) === null, 'a long call on the first listing');
expect((await trade(twice, liquidator, twinId, '2', h.optionPrice(h.SERIES[twin]))) === null, 'and on its twin (from another seller: only this book holds both)');
expect((await trade(perpLong, maker, ethers.MaxUint256, '1', h.state.perpMark)) === null, 'a long perp');

const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keeper-record-')), 'keeper.key');
fs.writeFileSync(keyFile, KEY + '\n', { mode: 0o600 });
const accounts = [maker, liquidator, keeper, ...traders].map((s) => lower(s.address));

/// One keeper run through a fresh recorder; the fixture (without `expect`).
async function record(setup = () => {}) {
  const rec = await recorder(h.node.url);
  setup(rec);
  const args = ['--rpc', rec.url, '--contract', houseAddr, '--key-file', keyFile, '--once'];
  const run = await runKeeper(args);
  await rec.close();
  if (run.stderr) console.log(run.stderr);
  return {
    run,
    fixture: {
      recorded: `node contracts-interface/harness/keeper-record.js: margin-keeper ${args.join(' ').replace(keyFile, 'KEY_FILE')} on anvil`,
      url: rec.url,
      config: { contract: lower(houseAddr), key: KEY, rounds: 1, retries: 30 },
      exchanges: rec.exchanges,
      stdout: run.events,
      exit: run.status,
    },
  };
}
const fixtures = {};

// ---------------------------------------------------------------- round.json

await h.move(85n, 100n, 14n, 10n);
const market1 = await house.market();
const one = await record();
{
  const ev = one.run.events;
  const round = of(ev, 'round')[0];
  expect(one.run.status === 0, `round: exit 0 (${one.run.status})`);
  expect(round?.accounts === accounts.length, `round: ${accounts.length} accounts found (${round?.accounts})`);
  expect(of(ev, 'decision').length === 1 && lower(of(ev, 'decision')[0].account) === lower(shortPuts.address), 'round: the short-put trader alone is liquidatable');
  expect(of(ev, 'liquidated').length === 1, 'round: and liquidated');
  const errors = of(ev, 'error');
  expect(errors.length === 1 && lower(errors[0].account) === lower(twice.address) && errors[0].code === 'DUPLICATE_POSITION',
    `round: the twin-series holder's book is reported (${JSON.stringify(errors)})`);
  fixtures.round = {
    ...one.fixture,
    expect: {
      accounts: accounts.length,
      liquidatable: lower(shortPuts.address),
      unrepresentable: lower(twice.address),
      unrepresentable_code: 'DUPLICATE_POSITION',
      market_timestamp: Number(market1.timestamp),
    },
  };
}

// ---------------------------------------------------------------- rpc_error.json

const two = await record((rec) => {
  let done = false;
  rec.fault = (request) => {
    if (done || !Array.isArray(request)) return null;
    done = true;
    return { status: 502, body: 'bad gateway (the recorder fails the books batch once)' };
  };
});
{
  const ev = two.run.events;
  expect(two.run.status === 0, `rpc_error: exit 0 (${two.run.status})`);
  expect(of(ev, 'rpc_error').length === 1 && of(ev, 'rpc_error')[0].code === 'RPC_HTTP', 'rpc_error: one failed round, reported');
  expect(of(ev, 'round').length === 1 && of(ev, 'stop')[0]?.rounds === 1, 'rpc_error: then one successful round');
  fixtures.rpc_error = two.fixture;
}

// ---------------------------------------------------------------- revert.json

await h.move(90n, 100n, 11n, 10n);
const competitor = [];
const three = await record((rec) => {
  rec.before = async (request) => {
    if (Array.isArray(request) || request.method !== 'eth_estimateGas') return;
    const [account, scenario] = house.interface.decodeFunctionData('liquidate', request.params[0].data);
    competitor.push(lower(account));
    await h.send(house.connect(liquidator).liquidate(account, scenario));
  };
});
{
  const ev = three.run.events;
  expect(three.run.status === 0, `revert: exit 0 (${three.run.status})`);
  expect(competitor.length > 0 && of(ev, 'decision').length === competitor.length, `revert: ${competitor.length} liquidatable, each front-run`);
  expect(of(ev, 'skip').length === competitor.length && of(ev, 'skip').every((e) => e.why === 'the chain refuses: AccountHealthy'),
    'revert: each simulation reverts AccountHealthy and is skipped');
  expect(of(ev, 'sent').length === 0, 'revert: nothing sent');
  fixtures.revert = three.fixture;
}

h.node.stop();
if (failed) {
  console.log(`keeper-record: ${failed} checks failed; no fixtures written`);
  for (const r of [one, two, three]) console.log(r.run.stdout);
  process.exit(1);
}
fs.mkdirSync(OUT, { recursive: true });
for (const [name, fx] of Object.entries(fixtures)) {
  fs.writeFileSync(path.join(OUT, name + '.json'), JSON.stringify(fx, null, 1) + '\n');
  console.log(`  ${name}.json: ${fx.exchanges.length} exchanges, ${fx.stdout.length} lines of output`);
}
console.log('keeper-record: fixtures written to ' + OUT);
process.exit(0);
