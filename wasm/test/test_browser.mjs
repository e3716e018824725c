// The preview page in Chromium (playwright-core, Debian's chromium): the API
// corpus through the engine inside the browser, byte for byte against the
// native CLI; then the page driven like a user, every displayed figure checked
// against the native CLI on the request the page says it computed.
// Environment: MARGIN_WWW (the assembled page, build/wasm/www), MARGIN_NATIVE
// (the native `margin`), MARGIN_CORPUS (requests.jsonl + expected.jsonl),
// MARGIN_OUT (where the screenshots go), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { stressTab } from './browser_stress.mjs';

const native = process.env.MARGIN_NATIVE;
const out = process.env.MARGIN_OUT;
const tmp = mkdtempSync(join(tmpdir(), 'margin-browser-'));
mkdirSync(out, { recursive: true });

function cli(...args) {
  try {
    return execFileSync(native, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    if (e.status === 1) return e.stdout;  // an error document
    throw e;
  }
}
let files = 0;
function file(text) {
  const p = join(tmp, `f${files++}.json`);
  writeFileSync(p, text);
  return p;
}
const nativeCompute = (requestText) => JSON.parse(cli('compute', '--compact', file(requestText)));

let server, browser, page, url;
const pageErrors = [];

before(async () => {
  // the static server on 127.0.0.1, a free port; stopped by its PID
  server = spawn(process.execPath, [new URL('../www/serve.mjs', import.meta.url).pathname, process.env.MARGIN_WWW, '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await Promise.race([once(server.stdout, 'data'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('the server did not start')), 10000))]);
  url = String(line).match(/http:\/\/127\.0\.0\.1:\d+\//)[0];
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  // the page works offline: anything not from our server is refused and recorded
  await page.route((u) => !u.href.startsWith(url), (route) => { pageErrors.push(`network: ${route.request().url()}`); route.abort(); });
  await page.goto(url);
  await page.waitForFunction(() => window.marginPreview?.ready === true, null, { timeout: 20000 });
});

after(async () => {
  await browser?.close();
  if (server) process.kill(server.pid);
});

test('the API corpus in Chromium: every response byte-identical to the native CLI', async () => {
  const lines = (f) => readFileSync(join(process.env.MARGIN_CORPUS, f), 'utf8').replace(/\n$/, '').split('\n');
  const requests = lines('requests.jsonl'), expected = lines('expected.jsonl');
  assert.ok(requests.length >= 2600);
  const got = await page.evaluate((rs) => rs.map((r) => window.marginPreview.engine.computeMarginText(r)), requests);
  const mismatches = got.filter((g, i) => g !== expected[i]).length;
  const results = got.filter((g) => g.startsWith('{"api_version"')).length;
  console.log(`chromium parity: ${requests.length} requests, ${results} results, ${mismatches} mismatches`);
  assert.equal(mismatches, 0);
  assert.ok(results >= 1900);
  assert.equal(await page.evaluate(() => window.marginPreview.engine.version()), cli('--version').trim());
  assert.equal(await page.textContent('footer'), cli('--version').trim());
});

// ---- the page driven as a user would
const shown = async (sel) => (await page.textContent(sel)).replace(/,/g, '');
const currentRequest = () => page.evaluate(() => window.marginPreview.currentRequest());

/** The displayed figures equal the native CLI's for the request the page computed; returns that response. */
async function displayedEqualsNative(what) {
  const request = await currentRequest();
  const res = nativeCompute(request);
  assert.ok(res.result, `${what}: native error ${JSON.stringify(res.error)}`);
  assert.equal(await shown('#im'), res.result.initial_margin, `${what}: IM`);
  assert.equal(await shown('#mm'), res.result.maintenance_margin, `${what}: MM`);
  assert.equal(await shown('#equity'), res.result.equity, `${what}: equity`);
  assert.equal(await shown('#balance'), res.result.margin_balance, `${what}: margin balance`);
  assert.equal(await shown('#free'), res.result.free_collateral, `${what}: free collateral`);
  assert.equal(await page.textContent('#model'), res.result.model);
  return { request: JSON.parse(request), res: res.result };
}

test('UI: examples, a resized position, spot and vol moves; IM/MM as the native CLI', async () => {
  // the default: the PMRM_2 example, its heatmap the engine's scenario P&L with the worst marked
  let { res } = await displayedEqualsNative('pmrm2 example');
  for (const u of res.underlyings.filter((x) => x.underlying !== null)) {
    const cells = await page.$$eval(`#heatmaps .heatmap-box:has(h3:text-is("${u.underlying}")) td[data-scenario]`,
      (tds) => tds.map((td) => [Number(td.dataset.scenario), td.dataset.pnl, td.classList.contains('worst')]));
    assert.equal(cells.length, u.scenario_pnl.length, `${u.underlying}: one cell per scenario`);
    for (const [id, pnl, worst] of cells) {
      assert.equal(pnl, u.scenario_pnl[id]);
      assert.equal(worst, id === Number(u.worst_scenario));
    }
  }
  await page.screenshot({ path: join(out, 'preview-pmrm2.png'), fullPage: true });

  // the standard example
  await page.selectOption('#example', 'standard');
  const before = await displayedEqualsNative('standard example');
  // resize the first position: -4 -> -6
  const size0 = page.locator('#positions tbody tr[data-index="0"] input.size');
  await size0.fill('-6');
  await size0.press('Enter');
  const resized = await displayedEqualsNative('resized');
  assert.equal(resized.request.account.positions[0].size, '-6');
  assert.notEqual(resized.res.initial_margin, before.res.initial_margin);
  // spot down 12%: BTC spot 100000 -> 88000 exactly
  await page.locator('#spot').fill('-12');
  const moved = await displayedEqualsNative('spot -12%');
  assert.equal(moved.request.market.underlyings.BTC.spot, '88000');
  assert.equal(moved.request.market.collateral.BTC.price, '88000');
  assert.notEqual(moved.res.maintenance_margin, resized.res.maintenance_margin);
  // vol +20%: SVI a and b scale by 1.44, a mark vol by 1.2
  await page.locator('#vol').fill('20');
  const vol = await displayedEqualsNative('vol +20%');
  assert.equal(vol.request.market.underlyings.BTC.expiries[0].svi.a, '0.001296');
  assert.equal(vol.request.account.positions[2].mark_vol, '0.696');
  // the standard model's grid: re-run equity changes, the worst the least
  const grid = await page.$$eval('#heatmaps td[data-pnl]', (tds) => tds.map((td) => [td.dataset.pnl, td.classList.contains('worst')]));
  assert.equal(grid.length, 28);
  const wei = (s) => { const [i, f = ''] = s.split('.'); const v = BigInt(i.replace('-', '')) * 10n ** 18n + BigInt(f.padEnd(18, '0')); return s.startsWith('-') ? -v : v; };
  const least = grid.reduce((m, [p]) => (wei(p) < wei(m) ? p : m), grid[0][0]);
  assert.deepEqual(grid.filter(([, w]) => w).map(([p]) => p), [least]);
  // add a position through the form
  await page.click('#add-details summary');
  await page.selectOption('#add-form select[name=type]', 'perp');
  await page.selectOption('#add-form select[name=underlying]', 'ETH');
  await page.fill('#add-form input[name=size]', '3');
  await page.click('#add-form button[type=submit]');
  const added = await displayedEqualsNative('perp added');
  assert.deepEqual(added.request.account.positions.at(-1), { type: 'perp', underlying: 'ETH', size: '3' });
  await page.screenshot({ path: join(out, 'preview-standard.png'), fullPage: true });
  // remove it again
  await page.click(`#positions tbody tr[data-index="${added.request.account.positions.length - 1}"] button.remove`);
  const removed = await displayedEqualsNative('perp removed');
  assert.equal(removed.res.initial_margin, vol.res.initial_margin);
});

test('UI: trade preview equals `margin preview` on the same request', async () => {
  await page.selectOption('#example', 'pmrm2');
  await page.locator('#spot').fill('5');
  await page.selectOption('#trade-form select[name=type]', 'option');
  await page.selectOption('#trade-form select[name=underlying]', 'BTC');
  await page.selectOption('#trade-form select[name=expiry]', '1774598400');
  await page.fill('#trade-form input[name=strike]', '90000');
  await page.selectOption('#trade-form select[name=option_type]', 'put');
  await page.fill('#trade-form input[name=size]', '-3');
  await page.click('#trade-form button[type=submit]');
  const trade = { positions: [{ type: 'option', underlying: 'BTC', expiry: '1774598400', strike: '90000', option_type: 'put', size: '-3' }] };
  const want = JSON.parse(cli('preview', file(JSON.stringify(trade)), file(await currentRequest())));
  assert.ok(want.after, JSON.stringify(want));
  for (const k of ['equity', 'margin_balance', 'initial_margin', 'maintenance_margin', 'free_collateral', 'health']) {
    const row = (i) => page.textContent(`#trade-result tr[data-key=${k}] td:nth-of-type(${i})`).then((s) => s.replace(/,/g, ''));
    assert.equal(await row(1), want.before[k], `before ${k}`);
    assert.equal(await row(2), want.after[k], `after ${k}`);
    assert.equal(await row(3), want.change[k], `change ${k}`);
  }
  assert.notEqual(want.change.initial_margin, '0');
  await page.screenshot({ path: join(out, 'preview-trade.png'), fullPage: true });
});

test('UI: errors appear next to the field, with the native code and path', async () => {
  await page.selectOption('#example', 'standard');
  // a bad size in the position editor
  const size1 = page.locator('#positions tbody tr[data-index="1"] input.size');
  await size1.fill('2.5.1');
  await size1.press('Enter');
  const want = nativeCompute(await currentRequest()).error;
  assert.ok(want, 'the native CLI refuses it too');
  assert.equal(want.path, '/account/positions/1/size');
  assert.match(await page.getAttribute('#positions tbody tr[data-index="1"] input.size', 'class'), /invalid/);
  const rowError = await page.textContent('#positions tbody tr.error-row');
  assert.ok(rowError.includes(want.code) && rowError.includes(want.path), rowError);
  assert.equal(await page.textContent('#im'), '—');
  await size1.fill('2');
  await size1.press('Enter');
  await displayedEqualsNative('size fixed');
  assert.equal(await page.locator('#positions tr.error-row').count(), 0);

  // a bad strike in the trade form: the error sits under the strike input
  await page.selectOption('#trade-form select[name=type]', 'option');
  await page.fill('#trade-form input[name=strike]', '-5');
  await page.fill('#trade-form input[name=size]', '1');
  await page.click('#trade-form button[type=submit]');
  const form = await page.evaluate(() => Object.fromEntries(new FormData(document.querySelector('#trade-form'))));
  const trade = { positions: [{ type: 'option', underlying: form.underlying, expiry: form.expiry, strike: '-5', option_type: form.option_type, size: '1' }] };
  const tradeErr = JSON.parse(cli('preview', file(JSON.stringify(trade)), file(await currentRequest()))).error;
  assert.equal(tradeErr.path, '/trade/positions/0/strike');
  const strikeError = await page.textContent('#trade-form [data-error-for=strike]');
  assert.ok(strikeError.startsWith(tradeErr.code + ':'), strikeError);
  assert.equal(await page.isVisible('#trade-result'), false);

  // pasted JSON: a syntax error gets the engine's code; a market error shows by the what-if controls
  await page.click('#json-details summary');
  await page.fill('#json', '{"api_version": "1",');
  await page.click('#json-apply');
  assert.match(await page.textContent('#json-error'), /^JSON_SYNTAX/);
  const bad = JSON.parse(readFileSync(file(cli('example')), 'utf8'));
  bad.market.underlyings.ETH.spot = '-3500';
  await page.fill('#json', JSON.stringify(bad));
  await page.click('#json-apply');
  const marketErr = nativeCompute(JSON.stringify(bad)).error;
  assert.equal(marketErr.path, '/market/underlyings/ETH/spot');
  const whatIfError = await page.textContent('#whatif-error');
  assert.ok(whatIfError.includes(marketErr.code) && whatIfError.includes(marketErr.path), whatIfError);
  assert.equal(await page.inputValue('#example'), 'custom');
  await page.screenshot({ path: join(out, 'preview-error.png'), fullPage: true });
});

test('the risk corpus in Chromium: every response byte-identical to `margin var --synthetic --compact`', async () => {
  const lines = (f) => readFileSync(join(process.env.MARGIN_CORPUS, f), 'utf8').replace(/\n$/, '').split('\n');
  const requests = lines('risk-requests.jsonl'), expected = lines('risk-expected.jsonl');
  assert.ok(requests.length >= 60);
  const got = await page.evaluate((rs) => rs.map((r) => window.marginPreview.engine.computeRiskText(r, { synthetic: true })), requests);
  const mismatches = got.filter((g, i) => g !== expected[i]).length;
  const results = got.filter((g) => g.startsWith('{"api_version"')).length;
  console.log(`chromium risk parity: ${requests.length} requests, ${results} results, ${mismatches} mismatches`);
  assert.equal(mismatches, 0);
  assert.ok(results >= 25);
});

// ---- the risk panel: every figure shown against `margin var` on the request the panel computed
const riskState = () => page.evaluate(() => window.marginPreview.risk());
/** Waits until the panel has recomputed since `seq` and has no recomputation pending (account edits are debounced). */
async function riskChanged(seq) {
  await page.waitForFunction((s) => { const r = window.marginPreview.risk(); return r.seq > s && !r.pending; }, seq, { timeout: 30000 });
}
/** Sets a risk-form control and waits for the panel to recompute. */
async function setRisk(sel, value) {
  const { seq } = await riskState();
  if ((await page.locator(sel).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(sel, value);
  else { await page.fill(sel, value); await page.locator(sel).press('Tab'); }  // committed as a user does: change on leaving the field
  await riskChanged(seq);
}

async function riskShownEqualsNative(what) {
  const { request, error } = await riskState();
  const want = JSON.parse(cli('var', '--compact', file(request)));
  assert.ok(want.risk, `${what}: native error ${JSON.stringify(want.error)}; page error ${JSON.stringify(error)}`);
  const r = want.risk;
  assert.equal(await shown('#risk-var'), r.var, `${what}: VaR`);
  assert.equal(await shown('#risk-es'), r.es, `${what}: ES`);
  // the histogram's VaR and ES lines carry the engine's figures; its bars count every scenario
  assert.equal(await page.getAttribute('#risk-histogram g.marker.var', 'data-value'), r.var, `${what}: VaR line`);
  assert.equal(await page.getAttribute('#risk-histogram g.marker.es', 'data-value'), r.es, `${what}: ES line`);
  if (r.pnl) {
    const counts = await page.$$eval('#risk-histogram rect.bar', (bs) => bs.map((b) => Number(b.dataset.count)));
    assert.equal(counts.reduce((a, b) => a + b, 0), Number(r.scenarios), `${what}: histogram holds every scenario`);
  } else {
    assert.equal(await page.locator('#risk-histogram polyline.density').count(), 1, `${what}: parametric density`);
  }
  // component ES: one bar per position (request order) and per moving collateral, the engine's strings
  const bars = await page.$$eval('#risk-components g.component', (gs) => gs.map((g) => [g.dataset.kind, g.dataset.index ?? g.dataset.asset, g.dataset.es]));
  assert.deepEqual(bars, [...r.es_by_position.map((v, i) => ['position', String(i), v]),
    ...Object.entries(r.es_by_collateral).map(([a, v]) => ['collateral', a, v])], `${what}: component ES`);
  const worst = await page.$$eval('#risk-worst tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.replace(/,/g, ''))));
  assert.equal(worst.length, Math.min(5, (r.worst ?? []).length));
  const cut2 = (x) => { const [i, f = ''] = x.split('.'); return `${i}.${f.slice(0, 2).padEnd(2, '0')}`; };  // amount(s, 2)
  worst.forEach(([id, label, pnl], i) => {
    assert.equal(id, r.worst[i].scenario, `${what}: worst ${i}`);
    assert.equal(label, r.worst[i].date ?? r.worst[i].path, `${what}: worst ${i}`);
    assert.equal(pnl, cut2(r.worst[i].pnl), `${what}: worst ${i}`);
  });
  return { request: JSON.parse(request), risk: r };
}

test('UI: the risk panel, every method, on the synthetic history and on a loaded CSV; VaR, ES and components as `margin var`', async () => {
  let { seq } = await riskState();
  await page.selectOption('#example', 'pmrm2');
  await riskChanged(seq);
  assert.equal(await page.isVisible('#history-tag'), true);
  assert.match(await page.textContent('#history-tag'), /SYNTHETIC/);
  // the default: historical simulation, 99%, 2 days, every series synthetic
  const hs = await riskShownEqualsNative('historical');
  assert.equal(hs.risk.method, 'historical');
  assert.equal(hs.request.history.BTC, JSON.parse(readFileSync(new URL('../../core/api/examples/history-synthetic.json', import.meta.url), 'utf8')).history.BTC);
  assert.deepEqual(hs.request.risk, { method: 'historical', confidence: '0.99', horizon_days: '2', lookback_days: '1460', include_pnl: true });
  await page.locator('#risk-panel').screenshot({ path: join(out, 'preview-risk.png') });

  await setRisk('#risk-method', 'filtered_historical');
  await setRisk('#risk-confidence', '0.975');
  await setRisk('#risk-horizon', '5');
  const fhs = await riskShownEqualsNative('filtered historical 97.5% 5 days');
  assert.equal(fhs.risk.horizon_days, '5');
  assert.notEqual(fhs.risk.es, hs.risk.es);

  await setRisk('#risk-method', 'parametric');
  const par = await riskShownEqualsNative('parametric');
  assert.ok(par.risk.sigma);
  await page.locator('#risk-panel').screenshot({ path: join(out, 'preview-risk-parametric.png') });

  await setRisk('#risk-method', 'monte_carlo');
  await setRisk('#risk-paths', '1000');
  await setRisk('#risk-seed', '7');
  await setRisk('#risk-innovations', 'student_t');
  await setRisk('#risk-dof', '4');
  const mc = await riskShownEqualsNative('monte carlo student t');
  assert.deepEqual(mc.request.risk, { method: 'monte_carlo', confidence: '0.975', horizon_days: '5', lookback_days: '1460',
    paths: '1000', seed: '7', innovations: 'student_t', dof: '4', include_pnl: true });
  assert.equal(mc.risk.scenarios, '1000');
  await page.locator('#risk-panel').screenshot({ path: join(out, 'preview-risk-mc.png') });

  // a what-if move reaches the risk request too (once the edits pause)
  ({ seq } = await riskState());
  await page.locator('#spot').fill('-10');
  await riskChanged(seq);
  const moved = await riskShownEqualsNative('monte carlo, spot -10%');
  assert.equal(moved.request.market.underlyings.BTC.spot, '90000');
  ({ seq } = await riskState());
  await page.click('#whatif-reset');
  await riskChanged(seq);

  // a CSV loaded for BTC (the synthetic series with three days missing: carried forward) replaces the synthetic one
  await setRisk('#risk-method', 'historical');
  await setRisk('#risk-confidence', '0.99');
  await setRisk('#risk-horizon', '2');
  const synthetic = JSON.parse(readFileSync(new URL('../../core/api/examples/history-synthetic.json', import.meta.url), 'utf8')).history;
  const btc = synthetic.BTC.split('\n');
  const gap3 = [...btc.slice(0, 1400), ...btc.slice(1403)].join('\n');
  await page.selectOption('#history-symbol', 'BTC');
  ({ seq } = await riskState());
  await page.setInputFiles('#history-file', { name: 'btc-usd.csv', mimeType: 'text/csv', buffer: Buffer.from(gap3) });
  await riskChanged(seq);
  const loaded = await riskShownEqualsNative('historical, BTC from a file');
  assert.equal(loaded.request.history.BTC, gap3);
  assert.equal(loaded.request.history.ETH, synthetic.ETH);
  assert.notEqual(loaded.risk.pnl_hash, hs.risk.pnl_hash);
  assert.match(await page.textContent('#history-list [data-symbol=BTC]'), /btc-usd\.csv/);

  // a bad CSV (five days missing): the engine's code and path, as the native CLI's
  const gap5 = [...btc.slice(0, 1400), ...btc.slice(1405)].join('\n');
  ({ seq } = await riskState());
  await page.setInputFiles('#history-file', { name: 'btc-gap.csv', mimeType: 'text/csv', buffer: Buffer.from(gap5) });
  await riskChanged(seq);
  const st = await riskState();
  const want = JSON.parse(cli('var', '--compact', file(st.request))).error;
  assert.equal(want.code, 'HISTORY_GAP');
  assert.deepEqual(st.error, want);
  const box = await page.textContent('#risk-error');
  assert.ok(box.includes(want.code) && box.includes(want.path), box);
  assert.equal(await page.textContent('#risk-var'), '—');
  await page.locator('#risk-panel').screenshot({ path: join(out, 'preview-risk-error.png') });
  // back to the synthetic BTC
  ({ seq } = await riskState());
  await page.click('#history-list [data-symbol=BTC] button.remove');
  await riskChanged(seq);
  const back = await riskShownEqualsNative('historical, synthetic again');
  assert.equal(back.risk.pnl_hash, hs.risk.pnl_hash);
  await page.screenshot({ path: join(out, 'preview-risk-page.png'), fullPage: true });
});

// ---- the stress tab (browser_stress.mjs)
test('UI: the stress tab: sliders build a stress/1 scenario whose figures are `margin stress`; reverse stress as `margin stress --reverse`', () => stressTab({ page, cli, file, currentRequest, url, out }));

test('replay in Chromium: the exported liquidation bundle matches the chain, as `margin replay`', async () => {
  const bundle = readFileSync(new URL('./fixtures/liquidation-bundle.json', import.meta.url), 'utf8');
  const report = await page.evaluate((b) => window.marginPreview.engine.replayLiquidation(b), bundle);
  assert.equal(report.match, true);
  assert.deepEqual(report, JSON.parse(cli('replay', file(bundle))));
  const tampered = JSON.parse(bundle);
  tampered.params.mmFactor = (BigInt(tampered.params.mmFactor) + 1n).toString();
  const bad = await page.evaluate((b) => window.marginPreview.engine.replayLiquidation(b), JSON.stringify(tampered));
  assert.equal(bad.match, false);
  assert.ok(bad.fields.some((f) => f.field === 'input_hash' && !f.match));
});

test('no page errors, no requests off 127.0.0.1', () => {
  assert.deepEqual(pageErrors, []);
});
