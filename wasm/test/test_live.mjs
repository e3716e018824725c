// margin-serve's live page (GET /live; docs/service.md, "The live page") in headless Chromium.
// A service on a free port of 127.0.0.1 with a small generated book; the page and a direct
// reader of /events both connected; ticks that cause margin calls, liquidation warnings and
// recoveries. Then: the page's table shows exactly the events the stream carried (id, tick,
// account, kind, equity, IM, MM as the service's decimal strings), its counters are the
// stream's counts, its tick and account count are /healthz's, its lists below MM and below IM
// are the service's listing; nothing was fetched from another origin. The checks bite: a
// tampered expectation (a changed decimal, a dropped event, a counter off by one) is reported.
// A screenshot goes to MARGIN_OUT/live.png. Lives here, beside the other Chromium tests, for
// playwright-core (declared in this directory's package.json); ctest `service_live` runs it.
//
//   node test_live.mjs MARGIN_SERVE GEN_BOOK_PY WORKDIR    (MARGIN_OUT, CHROMIUM from the environment)
// Exit 0: passed; 1: failed; 77: skipped (playwright-core or Chromium not installed).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const [serveBin, genBook, work] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const out = process.env.MARGIN_OUT || join(work, 'browser');
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('SKIP: playwright-core is not installed (npm ci in wasm/test)');
  process.exit(77);
}
if (!existsSync(chromiumPath)) {
  console.log(`SKIP: no Chromium at ${chromiumPath}`);
  process.exit(77);
}
const started = Date.now();
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(out, { recursive: true });

const failures = [];
function check(cond, what) {
  if (!cond) {
    failures.push(what);
    console.log('FAIL:', what);
  }
}

// --- the service: a generated book, a free port, stopped by its PID -------------------------
const T0 = 1767225600;
const book = join(work, 'book.jsonl');
execFileSync('python3', [genBook, '80', book, '--seed', '7', '--legs', '4']);
const tickBody = (btc, eth, ts, volShift = 0) => execFileSync('python3', ['-c',
  `import sys, json; sys.path.insert(0, ${JSON.stringify(dirname(genBook))}); import gen_book; ` +
  `print(json.dumps(gen_book.tick(${btc}, ${eth}, ${ts}, ${volShift})))`], { encoding: 'utf8' });
const server = spawn(serveBin, ['--db', join(work, 'live.db'), '--port', '0', '--threads', '2', '--no-auth', '--load', book],
  { stdio: ['ignore', 'pipe', 'pipe'] });
const stderr = [];
server.stderr.on('data', (d) => stderr.push(String(d)));
const [first] = await Promise.race([
  new Promise((resolve) => createInterface({ input: server.stdout }).once('line', (l) => resolve([l]))),
  new Promise((_, reject) => setTimeout(() => reject(new Error('margin-serve did not start: ' + stderr.join(''))), 20000)),
]);
const base = `http://127.0.0.1:${JSON.parse(first).listening}`;
const getJSON = async (path) => (await fetch(base + path)).json();
async function post(path, text) {
  const r = await fetch(base + path, { method: 'POST', body: text, headers: { 'Content-Type': 'application/json' } });
  return [r.status, await r.json()];
}

// --- a direct reader of /events, the reference for what the stream carried ---------------------
const direct = [];
const streamAbort = new AbortController();
async function readStream() {
  const r = await fetch(base + '/events', { signal: streamAbort.signal });
  const reader = r.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const f = {};
          for (const line of block.split('\n')) {
            const m = line.match(/^(id|event|data): (.*)$/);
            if (m) f[m[1]] = m[2];
          }
          if (f.event) direct.push({ id: f.id, kind: f.event, data: JSON.parse(f.data) });
        }
      }
    } catch { /* aborted at the end */ }
  })();
}

// What a row of the page's table must read, from an event of the stream.
const KIND = { margin_call: 'margin call', liquidation_warning: 'liquidation warning', recovery: 'recovery', error: 'error' };
function expectedRow(e) {
  const d = e.data;
  const figures = d.error ? [d.error.code + (d.error.path ? ' at ' + d.error.path : '')]
    : [d.equity, d.initial_margin, d.maintenance_margin];
  return [e.id, new Date(d.at_ms).toISOString().slice(11, 23), String(d.tick), d.account, KIND[e.kind], `${d.from} → ${d.to}`, ...figures];
}
// Differences between the rows the page shows (newest first) and the stream's events.
function rowDiff(shown, events) {
  const want = events.map(expectedRow).reverse();
  const diff = [];
  if (shown.length !== want.length) diff.push(`${shown.length} rows shown, ${want.length} events streamed`);
  for (let i = 0; i < Math.min(shown.length, want.length); i++)
    if (JSON.stringify(shown[i]) !== JSON.stringify(want[i])) diff.push(`row ${i}: ${JSON.stringify(shown[i])} != ${JSON.stringify(want[i])}`);
  return diff;
}
function countsOf(events) {
  const c = { margin_call: 0, liquidation_warning: 0, recovery: 0, error: 0 };
  for (const e of events) c[e.kind]++;
  return c;
}
const countDiff = (shown, want) => Object.keys(want).filter((k) => shown[k] !== String(want[k]));

let browser;
const offOrigin = [], pageErrors = [];
try {
  await readStream();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(base + '/') && !r.url().startsWith('data:')) offOrigin.push(r.url()); });
  await page.goto(base + '/live');
  await page.waitForFunction(() => window.marginLive?.connected === true && window.marginLive.refreshes > 0, null, { timeout: 10000 });
  check(await page.textContent('#tick') === '0' && await page.textContent('#accounts') === '80', 'before any tick: tick 0, 80 accounts');

  // A crash (margin calls and liquidation warnings), a recovery, a rally, and the same prices an
  // hour later (few or no standing changes: the page's tick must still move). This book (seed 7)
  // ends with accounts both below MM and below IM only, so neither list is compared empty.
  const ticks = [[60000, 2000, T0 + 3600], [100000, 3500, T0 + 7200], [106000, 3700, T0 + 10800], [106000, 3700, T0 + 14400]];
  let lastTick = 0;
  for (const t of ticks) {
    const [st, j] = await post('/ticks', tickBody(...t));
    check(st === 200, `tick ${JSON.stringify(t)}: HTTP ${st} ${JSON.stringify(j)}`);
    lastTick = j.tick;
    await new Promise((r) => setTimeout(r, 150));
  }
  const health = await getJSON('/healthz');
  check(health.tick === lastTick, 'the service is at the last tick');
  // Settled: the direct reader and the page have the same number of events, the page's tick is
  // the service's, and a refresh ran after the last tick.
  const settle = Date.now();
  await page.waitForFunction(([n, t]) => window.marginLive.events.length >= n && window.marginLive.tick === t,
    [direct.length, lastTick], { timeout: 10000 }).catch(() => {});
  const refreshesAt = await page.evaluate(() => window.marginLive.refreshes);
  await page.waitForFunction((r) => window.marginLive.refreshes > r + 1, refreshesAt, { timeout: 6000 });
  console.log(`settled in ${Date.now() - settle} ms`);

  // 1. the table: exactly the stream's events, as the service's strings
  const shown = await page.$$eval('#events tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  const counts = countsOf(direct);
  check(direct.length > 0 && counts.margin_call > 0 && counts.liquidation_warning > 0 && counts.recovery > 0,
    `the ticks caused margin calls, liquidation warnings and recoveries: ${JSON.stringify(counts)}`);
  const ticksSeen = new Set(direct.map((e) => e.data.tick));
  check(ticksSeen.size >= 3, `events from at least three ticks: ${[...ticksSeen]}`);
  const diff = rowDiff(shown, direct);
  check(diff.length === 0, `the page's table is the stream: ${diff.slice(0, 3).join('; ')}`);
  // 2. the counters
  const shownCounts = {};
  for (const k of Object.keys(counts)) shownCounts[k] = await page.textContent('#count-' + k);
  check(countDiff(shownCounts, counts).length === 0, `counters ${JSON.stringify(shownCounts)} = the stream's ${JSON.stringify(counts)}`);
  // 3. tick and accounts as /healthz; the lists as the listing; the standing counts as /metrics
  check(await page.textContent('#tick') === String(health.tick), `tick shown = /healthz's ${health.tick}`);
  check(await page.textContent('#accounts') === String(health.accounts), `accounts shown = /healthz's ${health.accounts}`);
  const below = (await getJSON('/accounts?health=below_im&limit=100000')).accounts;
  const mm = below.filter((a) => a.state === 'below_mm').map((a) => a.id);
  const im = below.filter((a) => a.state === 'below_im').map((a) => a.id);
  const shownMM = await page.$$eval('#below-mm li', (li) => li.map((x) => x.textContent));
  const shownIM = await page.$$eval('#below-im li', (li) => li.map((x) => x.textContent));
  check(JSON.stringify(shownMM) === JSON.stringify(mm), `below MM shown ${shownMM.length} = listing ${mm.length}`);
  check(JSON.stringify(shownIM) === JSON.stringify(im), `below IM shown ${shownIM.length} = listing ${im.length}`);
  check(mm.length > 0 && im.length > 0, `accounts end below MM (${mm.length}) and below IM only (${im.length})`);
  check(await page.textContent('#n-below-mm') === String(mm.length) && await page.textContent('#n-below-im') === String(im.length),
    'the counts below MM and below IM are the listing\'s');
  // The final standings the stream implies agree with the listing (the stream is complete).
  const last = new Map();
  for (const e of direct) last.set(e.data.account, e.data.to);
  const implied = [...last].filter(([, to]) => to === 'below_mm').map(([id]) => id).sort();
  check(JSON.stringify(implied) === JSON.stringify(mm.filter((id) => last.has(id)).sort()), 'the stream\'s last standings agree with the listing');
  // 4. nothing from another origin, no page error
  check(offOrigin.length === 0, `no request off the service's origin: ${offOrigin}`);
  check(pageErrors.length === 0, `no page errors: ${pageErrors}`);
  await page.screenshot({ path: join(out, 'live.png'), fullPage: true });

  // 5. the checks bite
  const tampered = direct.map((e) => ({ ...e, data: { ...e.data } }));
  tampered[0].data.equity = tampered[0].data.equity.replace(/\d$/, (c) => String((+c + 1) % 10));
  check(rowDiff(shown, tampered).length > 0, 'a changed decimal string is reported');
  check(rowDiff(shown, direct.slice(1)).length > 0, 'a dropped event is reported');
  check(countDiff(shownCounts, { ...counts, recovery: counts.recovery + 1 }).length > 0, 'a counter off by one is reported');
  console.log(`${direct.length} events over ${ticks.length} ticks ${JSON.stringify(counts)}; ` +
    `${mm.length} below MM, ${im.length} below IM; screenshot ${join(out, 'live.png')}`);
} catch (e) {
  check(false, `the test raised: ${e.stack || e}`);
} finally {
  streamAbort.abort();
  await browser?.close();
  if (server.exitCode === null) process.kill(server.pid, 'SIGTERM');
  const [code] = server.exitCode !== null ? [server.exitCode] : await new Promise((r) => server.once('exit', (...a) => r(a)));
  check(code === 0, `margin-serve stopped with status 0 (got ${code})`);
}
console.log(`${failures.length ? failures.length + ' failure(s)' : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures.length ? 1 : 0);
