// `margin cascade --html` of a Monte Carlo in headless Chromium (docs/cascade-monte-carlo.md):
// the native CLI runs 60 paths on the 30-account book of tests/apps/cascade_mc_cases.py and
// writes the report; Chromium renders it offline (anything fetched is refused and fails the test),
// and every plotted mark is checked against the JSON of the same run: each histogram bin's edges
// (floor(max i / B), recomputed with BigInt) and count (the per-path bad debts recounted exactly),
// its rendered height (proportional to the count, on the zero line), the VaR/ES 95/99 and fund-99
// markers (the JSON's strings, at x proportional to the value on the bins' axis), the summary
// table. A screenshot is saved. Two planted mistakes (a marker's value, a bar 2 % too tall) must
// be caught. Environment: MARGIN_NATIVE (the native `margin`), MARGIN_OUT, CHROMIUM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openReportPage, selfContained } from './report_page.mjs';

const native = process.env.MARGIN_NATIVE;
const out = process.env.MARGIN_OUT;
const repo = new URL('../..', import.meta.url).pathname;
const WAD = 10n ** 18n;

// An exact decimal string as wei.
function wei(s) {
  const neg = s.startsWith('-'), [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt(i) * WAD + BigInt((f + '0'.repeat(18)).slice(0, 18));
  return neg ? -v : v;
}
function fmt(v) {
  const i = v / WAD, f = (v % WAD).toString().padStart(18, '0').replace(/0+$/, '');
  return f ? `${i}.${f}` : `${i}`;
}

function read() {
  const svg = document.querySelector('svg#histogram');
  const zero = [...svg.querySelectorAll('line')].find((l) => l.getAttribute('stroke') === '#444');
  const box = (e) => { const b = e.getBBox(); return { x: b.x, y: b.y, width: b.width, height: b.height }; };
  return {
    zero: Number(zero.getAttribute('y1')),
    bars: [...svg.querySelectorAll('rect.bar')].map((e) => ({ i: e.dataset.i, lo: e.dataset.lo, hi: e.dataset.hi, count: e.dataset.count, ...box(e) })),
    markers: [...svg.querySelectorAll('line.marker')].map((e) => ({ name: e.dataset.name, value: e.dataset.value, x: Number(e.getAttribute('x1')) })),
    summary: [...document.querySelectorAll('#summary tr')].slice(1).map((r) => [...r.cells].map((c) => c.textContent)),
  };
}

function check(seen, m) {
  const bad = [];
  const bd = m.bad_debt, debts = m.per_path.map((p) => wei(p.bad_debt)), max = wei(bd.max);
  const B = BigInt(Math.max(1, Math.min(20, debts.length)));
  const want = [{ lo: '0', hi: '0', count: debts.filter((d) => d <= 0n).length }];
  // the bins: 0 alone; then (lo, hi] with lo = floor(max (i - 1) / B), hi = floor(max i / B), the last up to max
  if (max > 0n)
    for (let i = 1n; i <= B; i++) {
      const lo = (max * (i - 1n)) / B, hi = (max * i) / B;
      want.push({ lo: fmt(lo), hi: fmt(hi), count: debts.filter((d) => d > 0n && (i === 1n || d > lo) && (i === B || d <= hi)).length });
    }
  if (seen.bars.length !== want.length) bad.push(`${seen.bars.length} bars, want ${want.length}`);
  const top = Math.max(...want.map((w) => w.count));
  const k = seen.bars[want.findIndex((w) => w.count === top)].height / top;
  seen.bars.forEach((b, i) => {
    const w = want[i] ?? {};
    if (b.i !== String(i) || b.lo !== w.lo || b.hi !== w.hi || b.count !== String(w.count)) bad.push(`bar ${i}: ${JSON.stringify(b)} want ${JSON.stringify(w)}`);
    if (Math.abs(b.height - w.count * k) > 0.01) bad.push(`bar ${i}: height ${b.height} for ${w.count}`);
    if (Math.abs(b.y + b.height - seen.zero) > 0.01) bad.push(`bar ${i}: not on the zero line`);
  });
  // the value axis from the bins' left edges (bars 1 and the last): x = x0 + v / max * span
  if (seen.bars.length > 2) {
    const b1 = seen.bars[1], bl = seen.bars[seen.bars.length - 1];
    const per = (bl.x - b1.x) / (Number(bl.lo) - Number(b1.lo));
    for (const mk of seen.markers) {
      if (mk.value !== bd[mk.name]) bad.push(`marker ${mk.name}: ${mk.value}, the JSON says ${bd[mk.name]}`);
      if (Math.abs(b1.x + Number(bd[mk.name]) * per - mk.x) > 0.01) bad.push(`marker ${mk.name}: at x ${mk.x}`);
    }
  }
  if (JSON.stringify(seen.markers.map((x) => x.name)) !== JSON.stringify(['var_95', 'es_95', 'var_99', 'es_99', 'fund_99'])) bad.push('the markers');
  const rows = ['mean', 'max', 'var_95', 'es_95', 'var_99', 'es_99', 'fund_99'].map((f) => [f, bd[f]])
    .concat(['k_95', 'k_99', 'fund_rank', 'paths_with_bad_debt'].map((f) => [f, String(bd[f])]));
  if (JSON.stringify(seen.summary) !== JSON.stringify(rows)) bad.push('the summary table differs from the JSON');
  return bad;
}

test('the cascade Monte Carlo report renders offline in Chromium; every bin, marker and figure equals the JSON', async () => {
  mkdirSync(out, { recursive: true });
  const dir = join(out, 'cascade-mc');
  mkdirSync(dir, { recursive: true });
  execFileSync('python3', [join(repo, 'tests/apps/cascade_mc_cases.py'), 'write', dir]);
  const req = JSON.parse(readFileSync(join(dir, 'mc_normal.json'), 'utf8'));
  req.cascade.monte_carlo.paths = '60';
  req.cascade.monte_carlo.vol = { BTC: '0.15', ETH: '0.15' };
  writeFileSync(join(dir, 'req.json'), JSON.stringify(req));
  const html = join(out, 'cascade-mc.html');
  const doc = JSON.parse(execFileSync(native, ['cascade', join(dir, 'req.json'), '--html', html]));
  const m = doc.cascade_monte_carlo;
  const text = readFileSync(html, 'utf8');
  assert.ok(selfContained(text), 'the report is self-contained');
  assert.ok(m.bad_debt.paths_with_bad_debt > 5, `paths with bad debt: ${m.bad_debt.paths_with_bad_debt}`);

  const { browser, page, problems } = await openReportPage();
  try {
    const load = async (file) => { await page.goto(pathToFileURL(file).href); return page.evaluate(read); };
    const seen = await load(html);
    assert.deepEqual(check(seen, m), []);
    console.log(`cascade Monte Carlo report: ${m.paths} paths, ${seen.bars.length} bins, ${seen.markers.length} markers, var_99 ${m.bad_debt.var_99}, fund_99 ${m.bad_debt.fund_99}`);
    await page.screenshot({ path: join(out, 'cascade-mc.png'), fullPage: true });

    const v = m.bad_debt.es_99;
    const wrong = text.replace(`data-name='es_99' data-value='${v}'`, `data-name='es_99' data-value='${v}1'`);
    assert.notEqual(wrong, text);
    writeFileSync(join(out, 'cascade-mc-mutated-marker.html'), wrong);
    const caught = check(await load(join(out, 'cascade-mc-mutated-marker.html')), m);
    assert.ok(caught.some((x) => x.startsWith('marker es_99')), `a wrong marker value is caught: ${caught}`);
    // a bar neither empty nor the tallest (the tallest sets the scale), drawn 2 % too tall
    const bars = [...text.matchAll(/data-i='(\d+)'[^>]*data-count='(\d+)'[^>]*height='([0-9.]+)'/g)].map((x) => ({ i: x[1], c: Number(x[2]) }));
    const top = Math.max(...bars.map((x) => x.c)), pick = bars.find((x) => x.c > 0 && x.c < top);
    assert.ok(pick, 'a bar to mutate');
    const re = new RegExp(`(data-i='${pick.i}'[^>]*height=')([0-9.]+)'`);
    const tall = text.replace(re, (_, pre, h) => `${pre}${(Number(h) * 1.02).toFixed(3)}'`);
    assert.notEqual(tall, text);
    writeFileSync(join(out, 'cascade-mc-mutated-height.html'), tall);
    const caught2 = check(await load(join(out, 'cascade-mc-mutated-height.html')), m);
    assert.ok(caught2.some((x) => x.startsWith(`bar ${pick.i}: height`)), `a bar 2% too tall is caught: ${caught2}`);
    console.log(`mutations caught: a wrong marker value (${caught.length} findings), a bar 2% too tall (${caught2.length})`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
