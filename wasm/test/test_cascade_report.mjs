// `margin cascade --html` in headless Chromium (docs/cascade.md §Report): the native CLI writes the
// report of a parity-corpus cascade (market mode, BTC and ETH, square-root impact, ranked ADL: a
// few steps with liquidations, bad debt and ADL), Chromium renders it offline (anything fetched is
// refused and fails the test), and every plotted mark is checked against the JSON of the same run:
// per chart one mark per step (its data-i, its data-value = the JSON's exact string), each price and
// fund point at its place on one linear scale, each bar's rendered height proportional to its value
// from the zero line; the cumulative bad debt recomputed exactly (BigInt wei); the totals and steps
// tables cell by cell. A screenshot is saved. Three planted mistakes (one bar's value, one point
// moved, two table cells swapped) must be caught by the same check.
// Environment: MARGIN_NATIVE (the native `margin`), MARGIN_OUT (where the files go), CHROMIUM.
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

// exact decimals as BigInt wei, and back
const wei = (s) => {
  const neg = s.startsWith('-');
  const [i, f = ''] = s.replace('-', '').split('.');
  const v = BigInt(i) * 10n ** 18n + BigInt((f + '0'.repeat(18)).slice(0, 18));
  return neg ? -v : v;
};
const dec = (v) => {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const f = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${a / 10n ** 18n}${f ? `.${f}` : ''}`;
};

// What the page shows: per chart its points (by class), bars, polylines and zero line; the tables' cells.
function read() {
  const charts = {};
  for (const svg of document.querySelectorAll('svg.chart')) {
    const zero = [...svg.querySelectorAll('line')].find((l) => l.getAttribute('stroke') === '#444');
    const points = {};
    for (const c of svg.querySelectorAll('circle')) {
      (points[c.getAttribute('class')] ??= []).push({ i: c.dataset.i, value: c.dataset.value, y: Number(c.getAttribute('cy')) });
    }
    charts[svg.id] = {
      zero: zero ? Number(zero.getAttribute('y1')) : NaN,
      points,
      lines: Object.fromEntries([...svg.querySelectorAll('polyline')].map((p) => [p.getAttribute('class'), p.points.numberOfItems])),
      bars: [...svg.querySelectorAll('rect.bar')].map((e) => { const b = e.getBBox(); return { i: e.dataset.i, value: e.dataset.value, y: b.y, height: b.height }; }),
    };
  }
  const cells = (sel) => [...document.querySelectorAll(`${sel} tr`)].slice(1).map((r) => [...r.cells].map((c) => c.textContent));
  return { charts, totals: cells('#totals'), steps: cells('#steps') };
}

// Every difference between what the page plots and the JSON document `c` (its "cascade").
function check(seen, c) {
  const bad = [];
  const steps = c.steps, n = steps.length, syms = Object.keys(steps[0].underlyings);
  let run = 0n;
  const cumBad = steps.map((s) => dec((run += wei(s.bad_debt))));
  const col = (key) => steps.map((s) => s[key]);
  // points: every series' data equal to the JSON's, all on one linear scale (from the chart's extremes)
  const lineChart = (id, series) => {
    const ch = seen.charts[id];
    if (!ch) { bad.push(`no chart ${id}`); return; }
    const all = [];
    for (const [cls, values] of Object.entries(series)) {
      const pts = ch.points[cls] ?? [];
      if (pts.length !== n || ch.lines[cls] !== n) bad.push(`${id} ${cls}: ${pts.length} points, ${ch.lines[cls]} on the line, for ${n} steps`);
      pts.forEach((p, i) => { if (p.i !== String(i) || p.value !== values[i]) bad.push(`${id} ${cls} point ${i}: ${p.value}, the JSON says ${values[i]}`); });
      all.push(...pts.map((p, i) => ({ ...p, v: Number(values[i]), cls })));
    }
    const lo = all.reduce((a, p) => (p.v < a.v ? p : a)), hi = all.reduce((a, p) => (p.v > a.v ? p : a));
    if (hi.v === lo.v) { all.forEach((p) => { if (Math.abs(p.y - lo.y) > 0.01) bad.push(`${id} ${p.cls} point ${p.i}: off the flat line`); }); return; }
    const k = (lo.y - hi.y) / (hi.v - lo.v);
    if (!(k > 0)) bad.push(`${id}: the scale runs the wrong way`);
    all.forEach((p) => { if (Math.abs(p.y - (hi.y + (hi.v - p.v) * k)) > 0.01) bad.push(`${id} ${p.cls} point ${p.i}: at ${p.y} for ${p.v}`); });
  };
  for (const s of syms) {
    lineChart(`price-${s}`, { price: steps.map((x) => x.underlyings[s].price), 'no-feedback': steps.map((x) => x.underlyings[s].price_no_feedback) });
  }
  lineChart('fund', { fund: col('fund'), 'bad-debt': cumBad, socialised: col('socialised_loss') });
  // bars: values equal, heights proportional to |value|, standing on (hanging from) the zero line
  const barChart = (id, values) => {
    const ch = seen.charts[id];
    if (!ch) { bad.push(`no chart ${id}`); return; }
    if (ch.bars.length !== n) bad.push(`${id}: ${ch.bars.length} bars for ${n} steps`);
    const v = values.map((x) => Math.abs(Number(x)));
    const top = Math.max(...v), k = top > 0 ? ch.bars[v.indexOf(top)].height / top : 0;
    ch.bars.forEach((b, i) => {
      if (b.i !== String(i) || b.value !== values[i]) bad.push(`${id} bar ${i}: ${b.value}, the JSON says ${values[i]}`);
      if (Math.abs(b.height - v[i] * k) > 0.01) bad.push(`${id} bar ${i}: height ${b.height} for ${values[i]}`);
      const base = Number(values[i]) >= 0 ? b.y + b.height : b.y;
      if (Math.abs(base - ch.zero) > 0.01) bad.push(`${id} bar ${i}: not on the zero line`);
    });
  };
  barChart('count', steps.map((s) => String(s.count)));
  barChart('notional', col('notional'));
  barChart('adl', col('adl_notional'));
  // tables
  const t = c.total;
  const totals = [['liquidations', String(t.liquidations)], ['steps run', String(t.steps_run)], ['notional liquidated', t.notional],
    ['bad debt', t.bad_debt], ['insurance fund used', t.fund_used], ['ADL notional', t.adl_notional], ['capital locked (IM at S0)', t.capital_locked],
    ...Object.entries(t.amplification).map(([s, a]) => [`amplification ${s}`, a ?? 'none']), ['capped', t.capped ? 'yes' : 'no']];
  if (JSON.stringify(seen.totals) !== JSON.stringify(totals)) bad.push(`the totals table differs from the JSON: ${JSON.stringify(seen.totals)}`);
  const rows = steps.map((s, i) => [String(s.step), String(s.count), s.notional, s.fund, s.bad_debt, cumBad[i], s.socialised_loss, s.adl_notional, s.dust,
    ...syms.flatMap((u) => [s.underlyings[u].price, s.underlyings[u].price_no_feedback])]);
  rows.forEach((r, i) => { if (JSON.stringify(seen.steps[i]) !== JSON.stringify(r)) bad.push(`steps table row ${i} differs from the JSON`); });
  if (seen.steps.length !== n) bad.push(`steps table: ${seen.steps.length} rows for ${n} steps`);
  return bad;
}

test('the cascade report renders offline in Chromium; every point, bar and table cell equals the JSON', async () => {
  mkdirSync(out, { recursive: true });
  const request = join(out, 'cascade-request.json'), html = join(out, 'cascade.html');
  writeFileSync(request, execFileSync('python3', [join(repo, 'tests/core/gen_cascade_requests.py'), '--report']));
  const doc = JSON.parse(execFileSync(native, ['cascade', request, '--compact', '--html', html]));
  const c = doc.cascade;
  const text = readFileSync(html, 'utf8');
  assert.ok(selfContained(text), 'the report is self-contained');
  assert.ok(c.steps.length >= 3 && c.total.bad_debt !== '0' && c.total.adl_notional !== '0' && Object.keys(c.steps[0].underlyings).length === 2,
    'a cascade of several steps over two underlyings, with bad debt and ADL');

  const { browser, page, problems } = await openReportPage();
  try {
    const load = async (file) => { await page.goto(pathToFileURL(file).href); return page.evaluate(read); };
    const seen = await load(html);
    assert.deepEqual(check(seen, c), []);
    assert.equal(Object.keys(seen.charts).length, 6);
    console.log(`cascade report: ${c.steps.length} steps, ${c.total.liquidations} liquidations; 6 charts (2 price paths x 2 series, ` +
      `3 bar charts of ${seen.charts.count.bars.length} bars, fund/bad debt/socialised loss), ${seen.totals.length} totals, ${seen.steps.length} step rows`);
    await page.screenshot({ path: join(out, 'cascade.png'), fullPage: true });

    // planted mistakes: the check must see each
    const s1 = c.steps[1];
    const wrong = text.replace(`<rect class='bar' data-i='1' data-value='${s1.notional}'`, `<rect class='bar' data-i='1' data-value='${s1.notional}1'`);
    assert.notEqual(wrong, text);
    writeFileSync(join(out, 'cascade-mutated-value.html'), wrong);
    const caught = check(await load(join(out, 'cascade-mutated-value.html')), c);
    assert.ok(caught.some((m) => m.startsWith('notional bar 1:')), `a wrong plotted value is caught: ${caught}`);
    const p = `<circle class='price' data-i='1' data-value='${s1.underlyings.BTC.price}' cx='`;
    const at = text.indexOf(p);
    const cy = text.slice(at).match(/cy='([0-9.]+)'/)[1];
    const moved = text.slice(0, at) + text.slice(at).replace(`cy='${cy}'`, `cy='${(Number(cy) + 1).toFixed(3)}'`);
    writeFileSync(join(out, 'cascade-mutated-point.html'), moved);
    const caught2 = check(await load(join(out, 'cascade-mutated-point.html')), c);
    assert.ok(caught2.some((m) => m.startsWith('price-BTC price point 1: at')), `a point drawn 1 px off is caught: ${caught2}`);
    const [f0, f1] = [c.steps[0].notional, c.steps[1].notional].map((f) => `<td>${f}</td>`);
    assert.notEqual(f0, f1);
    const cut = text.indexOf("<table id='steps'>"), tail = text.slice(cut);  // within the steps table
    const swapped = text.slice(0, cut) + tail.replace(f0, '\u0000').replace(f1, f0).replace('\u0000', f1);
    writeFileSync(join(out, 'cascade-mutated-table.html'), swapped);
    const caught3 = check(await load(join(out, 'cascade-mutated-table.html')), c);
    assert.ok(caught3.some((m) => m.startsWith('steps table row 0')) && caught3.some((m) => m.startsWith('steps table row 1')),
      `two swapped table cells are caught: ${caught3}`);
    console.log(`mutations caught: a wrong bar value (${caught.length} findings), a point 1 px off (${caught2.length}), two table cells swapped (${caught3.length})`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
