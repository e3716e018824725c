// The preview page's stress tab in Chromium (docs/stress.md, "The preview page's stress tab"), a part of
// test_browser.mjs: sliders moved as a user would, every figure shown checked against the native
// `margin stress` and `margin stress --reverse` on the request the tab reports computing, the copied
// request and document replayed, an engine error with its path, and a planted mismatch caught.
import assert from 'node:assert/strict';
import { join } from 'node:path';

let page, cli, file, currentRequest, url, out;  // from test_browser.mjs

const stressState = () => page.evaluate(() => window.marginPreview.stress());
const reverseState = () => page.evaluate(() => window.marginPreview.reverse());
async function stressChanged(seq) {
  await page.waitForFunction((s) => { const r = window.marginPreview.stress(); return r.seq > s && !r.pending; }, seq, { timeout: 30000 });
}
async function reverseChanged(seq) {
  await page.waitForFunction((s) => { const r = window.marginPreview.reverse(); return r.seq > s && !r.running; }, seq, { timeout: 60000 });
}
/** Moves a stress control (a slider, the days field, a select) and waits for the tab to recompute. */
async function setStress(sel, value) {
  const { seq } = await stressState();
  if ((await page.locator(sel).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(sel, value);
  else await page.locator(sel).fill(String(value));
  await stressChanged(seq);
}
const noCommas = (s) => s.replace(/,/g, '');
/** An exact decimal × 100, as a string ("0.147" -> "14.7"): the distances are shown in percent. */
function hundredfold(s) {
  const [i, f = ''] = s.split('.');
  const digits = i + f.padEnd(2, '0'), cut = digits.length - Math.max(f.length - 2, 0);
  const frac = digits.slice(cut).replace(/0+$/, '');
  return digits.slice(0, cut).replace(/^0+(?=\d)/, '') + (frac ? '.' + frac : '');
}

/**
 * The tab's scenario is the one the shock specs (written here from the slider positions) give
 * natively; its document, replayed by `margin stress --scenarios`, gives the same bytes; the
 * package's answer equals them; and every figure shown is theirs.
 */
async function stressShownEqualsNative(what, shocks) {
  const st = await stressState();
  assert.equal(st.error, null, `${what}: ${JSON.stringify(st.error)}`);
  assert.deepEqual(st.shocks, shocks, `${what}: the shock specs`);
  const request = JSON.parse(st.request), shownDoc = await page.textContent('#stress-doc');
  assert.deepEqual(JSON.parse(shownDoc), request.stress, `${what}: the document shown is the one sent`);
  const account = { ...request };
  delete account.stress;
  assert.equal(JSON.stringify(account), await currentRequest(), `${what}: the account as shown`);
  const fromDoc = cli('stress', file(JSON.stringify(account)), '--scenarios', file(shownDoc), '--compact');
  const fromShocks = cli('stress', file(JSON.stringify(account)), ...shocks.flatMap((x) => ['--shock', x]), '--compact');
  assert.equal(fromDoc, fromShocks, `${what}: the document and the --shock specs give the same bytes`);
  const want = JSON.parse(fromDoc).stress;
  assert.ok(want, `${what}: native error ${fromDoc}`);
  assert.deepEqual(st.result, want, `${what}: the package's answer`);
  const s = want.scenarios[0];
  for (const k of ['equity', 'margin_balance', 'initial_margin', 'maintenance_margin', 'free_collateral', 'health']) {
    assert.equal(noCommas(await page.textContent(`#stress-margins tr[data-key=${k}] td:nth-of-type(1)`)), want.before[k], `${what}: before ${k}`);
    assert.equal(noCommas(await page.textContent(`#stress-margins tr[data-key=${k}] td:nth-of-type(2)`)), s[k], `${what}: after ${k}`);
  }
  assert.equal(await page.textContent('#stress-margins tr[data-key=liquidatable] td:nth-of-type(2)'), String(s.liquidatable));
  assert.equal(await page.textContent('#stress-status'), s.liquidatable ? 'liquidatable' : s.free_collateral.startsWith('-') ? 'below initial margin' : 'healthy');
  // P&L by position: one row and one bar per contributor, the engine's exact strings, and the total
  const rows = await page.$$eval('#stress-pnl tbody tr', (trs) => trs.map((tr) => [tr.dataset.pointer, tr.querySelector('td.pnl').textContent]));
  assert.deepEqual(rows.map(([p, v]) => [p, noCommas(v)]), s.pnl_by_contributor.map((r) => [r.pointer, r.pnl]), `${what}: P&L by position`);
  const bars = await page.$$eval('#stress-bars g.contributor', (gs) => gs.map((g) => [g.dataset.pointer, g.dataset.pnl]));
  assert.deepEqual(bars, s.pnl_by_contributor.map((r) => [r.pointer, r.pnl]), `${what}: P&L bars`);
  assert.equal(noCommas(await page.textContent('#stress-total')), s.pnl, `${what}: total P&L`);
  return { request, want };
}

// The page's reverse-stress search, as docs/stress.md and the tab state it: a 0.1% grid, scan 1% to -99%, 2% to +300%, 5% to +500%.
const SEARCH = { spot_down: ['--grid', '0.001', '--scan', '0.01'], spot_up: ['--grid', '0.001', '--scan', '0.02', '--max', '3'],
  vol_up: ['--grid', '0.001', '--scan', '0.05', '--max', '5'] };
/** Every underlying held: spot down and up, and vol up if it holds options; each direction as `margin stress --reverse` gives it. */
async function reverseShownEqualsNative(what) {
  const account = await currentRequest(), positions = JSON.parse(account).account.positions;
  const held = [...new Set(positions.map((p) => p.underlying))];
  const dirs = held.flatMap((u) => ['spot_down', 'spot_up', 'vol_up'].filter((m) => m !== 'vol_up' || positions.some((p) => p.underlying === u && p.type === 'option'))
    .map((m) => [m, u]));
  const rv = await reverseState();
  assert.equal(rv.error, null, `${what}: ${JSON.stringify(rv.error)}`);
  assert.deepEqual(rv.directions, dirs.map(([move, underlying]) => ({ move, underlying })), `${what}: directions`);
  const found = [];
  for (const [i, [move, u]] of dirs.entries()) {
    const sent = JSON.parse(rv.requests[i]);
    delete sent.reverse_stress;
    assert.equal(JSON.stringify(sent), account, `${what}: ${move} ${u} on the account as shown`);
    const out = JSON.parse(cli('stress', file(account), '--reverse', '--direction', `${move}:${u}`, ...SEARCH[move], '--compact'));
    assert.ok(out.reverse_stress, `${what}: native error ${JSON.stringify(out)}`);
    const want = out.reverse_stress.directions[0];
    assert.deepEqual(rv.results[i], want, `${what}: ${move} ${u}`);
    const sel = `#reverse-table td[data-direction="${move}:${u}"]`;
    const sign = move === 'spot_down' ? '−' : '+';
    const text = await page.textContent(sel);
    if (!want.found) assert.equal(text, `not within ${sign}${hundredfold(want.max)}%`, `${what}: ${move} ${u}`);
    else {
      assert.equal(await page.getAttribute(sel, 'data-distance'), want.distance);
      assert.ok(text.startsWith(`${sign}${hundredfold(want.distance)}%`), `${what}: ${move} ${u}: ${text} for ${want.distance}`);
      if (move !== 'vol_up') assert.equal(noCommas(await page.textContent(`${sel} .price .amount`)), want.liquidation_price, `${what}: ${move} ${u} price`);
      found.push(want);
    }
  }
  return found;
}

/** The test: `t` gives the page, the native CLI, a temporary-file writer, the request shown, the server's URL and the screenshot folder. */
export async function stressTab(t) {
  ({ page, cli, file, currentRequest, url, out } = t);
  const t0 = Date.now();
  await page.selectOption('#example', 'pmrm2');
  let { seq: rseq } = await reverseState();
  const { seq } = await stressState();
  await page.click('#tab-stress');
  assert.equal(await page.isVisible('#risk-panel'), false);
  await stressChanged(seq);
  await reverseChanged(rseq);
  // nothing moved: the document is the lead's spot +0% and the others following at rho 1
  const still = await stressShownEqualsNative('no shock', ['BTC:spot=0%', 'ETH:follow=BTC,rho=1']);
  assert.equal(still.want.scenarios[0].pnl, '0');
  const liq = await reverseShownEqualsNative('pmrm2');
  assert.ok(liq.length >= 3 && liq.some((d) => d.liquidation_price), 'some liquidation prices found');

  // BTC -30%, vol +50% everywhere, ETH at rho 0.5 (so -15%), perp funding +20% a year over 30 days
  await setStress('#stress-spot', -30);
  await setStress('#stress-vol', 50);
  await setStress('#stress-rho', 50);
  await setStress('#stress-funding', 20);
  const shocks = ['BTC:spot=-30%,vol=+50%,funding=+20%,funding_days=30', 'ETH:follow=BTC,rho=0.5,vol=+50%,funding=+20%,funding_days=30'];
  const hit = await stressShownEqualsNative('BTC -30%', shocks);
  assert.equal(hit.want.scenarios[0].applied.underlyings.ETH.spot, '-0.15');
  assert.equal(hit.want.scenarios[0].pnl_by_contributor.length, 7);  // six positions and the BTC collateral
  assert.equal(hit.want.scenarios[0].liquidatable, true);
  await page.locator('#stress-panel').screenshot({ path: join(out, 'preview-stress.png') });
  // the copied request and document replay through the CLI to the same bytes
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url.replace(/\/$/, '') });
  const copied = async (button) => {
    await page.click(button);
    await page.waitForFunction((b) => document.querySelector(b).dataset.copied === 'yes', button);
    return page.evaluate(() => navigator.clipboard.readText());
  };
  const account = { ...hit.request };
  delete account.stress;
  const replayed = cli('stress', file(await copied('#stress-copy-request')), '--compact');
  assert.equal(replayed, cli('stress', file(JSON.stringify(account)), '--scenarios', file(await copied('#stress-copy-doc')), '--compact'));
  assert.deepEqual(JSON.parse(replayed).stress, hit.want);

  // a planted mismatch is caught: one P&L figure off in its last digit, one liquidation price off by one
  await page.evaluate(() => { const f = document.querySelector('#stress-pnl tbody tr:nth-child(2) td.pnl .frac');
    f.textContent = f.textContent.slice(0, -1) + (f.textContent.endsWith('1') ? '2' : '1'); });
  await assert.rejects(stressShownEqualsNative('planted', shocks), /P&L by position/);
  const price = '#reverse-table td[data-direction="spot_down:BTC"] .price .int', shownPrice = await page.textContent(price);
  await page.evaluate(([sel, p]) => { document.querySelector(sel).textContent = p.slice(0, -1) + (p.endsWith('1') ? '2' : '1'); }, [price, shownPrice]);
  await assert.rejects(reverseShownEqualsNative('planted'), /spot_down BTC price/);
  await page.evaluate(([sel, p]) => { document.querySelector(sel).textContent = p; }, [price, shownPrice]);
  await reverseShownEqualsNative('restored');

  // ETH leads, vol and funding on the lead only, ETH +25% and BTC at rho -0.35
  await setStress('#stress-scope', 'lead');
  await setStress('#stress-lead', 'ETH');
  await setStress('#stress-spot', 25);
  await setStress('#stress-rho', -35);
  const eth = await stressShownEqualsNative('ETH +25%', ['ETH:spot=+25%,vol=+50%,funding=+20%,funding_days=30', 'BTC:follow=ETH,rho=-0.35']);
  assert.equal(eth.want.scenarios[0].applied.underlyings.BTC.spot, '-0.0875');

  // a bad horizon: the engine's code and path, as the native CLI's
  await setStress('#stress-days', '400');
  const st = await stressState();
  const shown = JSON.parse(st.request);
  delete shown.stress;
  const want = JSON.parse(cli('stress', file(JSON.stringify(shown)), '--shock', 'ETH:spot=+25%,vol=+50%,funding=+20%,funding_days=400',
    '--shock', 'BTC:follow=ETH,rho=-0.35', '--compact')).error;
  assert.equal(want.code, 'OUT_OF_RANGE');
  assert.deepEqual(st.error, want);
  // the path points at the field in the document sent
  const at = want.path.split('/').slice(1).reduce((o, k) => o?.[k], JSON.parse(st.request));
  assert.equal(at, '400', want.path);
  const box = await page.textContent('#stress-error');
  assert.ok(box.includes(want.code) && box.includes(want.path), box);
  assert.match(await page.getAttribute('#stress-days', 'class'), /invalid/);
  assert.equal(await page.locator('#stress-pnl tbody tr').count(), 0);
  await page.locator('#stress-panel').screenshot({ path: join(out, 'preview-stress-error.png') });
  await setStress('#stress-days', '30');
  await page.click('#stress-reset');

  // another account and model: the standard example, then a what-if move; the search follows the account shown
  ({ seq: rseq } = await reverseState());
  await page.selectOption('#example', 'standard');
  await page.locator('#spot').fill('-10');  // a newer search supersedes one under way
  await reverseChanged(rseq);
  assert.equal(JSON.parse(await currentRequest()).market.underlyings.BTC.spot, '90000');
  await reverseShownEqualsNative('standard, spot -10%');
  await setStress('#stress-spot', -5);
  await stressShownEqualsNative('standard, spot -10% then -5%', ['ETH:spot=-5%', 'BTC:follow=ETH,rho=1']);
  await page.screenshot({ path: join(out, 'preview-stress-page.png'), fullPage: true });
  await page.click('#whatif-reset');
  console.log(`stress tab: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
