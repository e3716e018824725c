// `margin stress-book --html` in headless Chromium (docs/stress.md §Book-level stress): the native
// CLI writes the report of the parity corpus's 40-account book under the deribit set, Chromium
// renders it offline (anything fetched is refused and fails the test), and every plotted mark is
// checked against the JSON of the same run: one bar per scenario in each chart, its name and
// label, its value (the JSON's exact string) and its rendered height (proportional to the value,
// from the zero line), the insurance-fund line, the tables. A screenshot is saved. Three planted
// mistakes (one bar's value, one bar's height, two labels swapped) must be caught by the same check.
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

// What the page shows: per chart its bars (rendered boxes), labels and lines; the tables' cells.
function read() {
  const box = (e) => { const b = e.getBBox(); return { y: b.y, height: b.height }; };
  const charts = {};
  for (const svg of document.querySelectorAll('svg.chart')) {
    const zero = [...svg.querySelectorAll('line')].find((l) => l.getAttribute('stroke') === '#444');
    charts[svg.id] = {
      zero: zero ? Number(zero.getAttribute('y1')) : NaN,
      bars: [...svg.querySelectorAll('rect.bar')].map((e) => ({ i: e.dataset.i, name: e.dataset.name, value: e.dataset.value, ...box(e) })),
      overlays: [...svg.querySelectorAll('rect.overlay')].map((e) => ({ i: e.dataset.i, value: e.dataset.value, ...box(e) })),
      labels: [...svg.querySelectorAll('text.label')].map((e) => e.textContent),
      fund: [...svg.querySelectorAll('line.fund')].map((e) => ({ value: e.dataset.value, y: Number(e.getAttribute('y1')) })),
    };
  }
  const cells = (sel) => [...document.querySelectorAll(`${sel} tr`)].slice(1).map((r) => [...r.cells].map((c) => c.textContent));
  return { charts, scenarios: cells('#scenarios'), worst: cells('table.top-worst'), summary: cells('#summary') };
}

// Every difference between what the page plots and the JSON document `b` (its "stress_book").
function check(seen, b) {
  const bad = [];
  const n = b.scenarios.length;
  const label = (name) => (name.length <= 22 ? name : `${name.slice(0, 21)}\u2026`);
  const marks = (chart, rows, field, what) => {
    if (rows.length !== n) bad.push(`${chart}: ${rows.length} ${what} for ${n} scenarios`);
    // pixels per unit from the largest mark; every mark's rendered height within 0.01 px of value x scale
    // (all values 0: every mark must be flat, and no scale is taken from them)
    const v = rows.map((r) => Math.abs(Number(r.value)));
    const top = Math.max(...v);
    if (!(top > 0)) {
      rows.forEach((r, i) => { if (!(Math.abs(r.height) <= 0.01)) bad.push(`${chart} ${what} ${i}: height ${r.height} for 0`); });
      return null;
    }
    const k = rows[v.indexOf(top)].height / top;
    rows.forEach((r, i) => {
      const s = b.scenarios[i];
      if (r.i !== String(i) || r.value !== s[field]) bad.push(`${chart} ${what} ${i}: ${r.value}, the JSON says ${s[field]}`);
      if (Math.abs(r.height - Math.abs(Number(s[field])) * k) > 0.01) bad.push(`${chart} ${what} ${i}: height ${r.height} for ${s[field]}`);
      const base = Number(s[field]) >= 0 ? r.y + r.height : r.y;  // bars stand on (or hang from) the zero line
      if (Math.abs(base - seen.charts[chart].zero) > 0.01) bad.push(`${chart} ${what} ${i}: not on the zero line`);
    });
    return k;
  };
  for (const [chart, field] of [['liquidatable', 'liquidatable'], ['shortfall', 'shortfall'], ['pnl', 'pnl']]) {
    const c = seen.charts[chart];
    if (!c) { bad.push(`no chart ${chart}`); continue; }
    const k = marks(chart, c.bars, field, 'bar');
    c.bars.forEach((r, i) => { if (r.name !== b.scenarios[i]?.name) bad.push(`${chart} bar ${i}: named ${r.name}`); });
    c.labels.forEach((t, i) => { if (t !== label(b.scenarios[i]?.name ?? '')) bad.push(`${chart} label ${i}: ${t}`); });
    if (c.labels.length !== n) bad.push(`${chart}: ${c.labels.length} labels`);
    if (chart === 'liquidatable') marks(chart, c.overlays, 'newly_liquidatable', 'newly liquidatable');
    if (chart === 'shortfall') {
      const f = c.fund[0];
      if (c.fund.length !== 1 || f.value !== b.insurance_fund) bad.push(`fund line: ${JSON.stringify(c.fund)}`);
      else if (k === null) bad.push('shortfall: every scenario 0, the fund line cannot be placed');
      else if (Math.abs(c.zero - f.y - Number(b.insurance_fund) * k) > 0.01) bad.push(`fund line at ${f.y}`);
    }
  }
  const rows = b.scenarios.map((s, i) => [String(i), s.name, s.liquidatable, s.newly_liquidatable, s.pnl, s.shortfall, s.uncovered, s.covered ? 'yes' : 'no']);
  if (JSON.stringify(seen.scenarios) !== JSON.stringify(rows)) bad.push('the scenario table differs from the JSON');
  const worst = b.scenarios[Number(b.worst.index)].top.map((t) => [t.line, t.shortfall, t.equity, t.pnl]);
  if (JSON.stringify(seen.worst) !== JSON.stringify(worst)) bad.push('the worst scenario\'s top contributors differ from the JSON');
  const uncovered = b.scenarios.filter((s) => !s.covered).length;
  if (!seen.summary.some(([k, v]) => k.includes('does not cover') && v === `${uncovered} of ${n}`)) bad.push('the summary\'s uncovered count');
  return bad;
}

test('the stress-book report renders offline in Chromium; every bar, label and line equals the JSON', async () => {
  mkdirSync(out, { recursive: true });
  const book = join(out, 'stress-book.jsonl'), html = join(out, 'stress-book.html');
  writeFileSync(book, execFileSync('python3', [join(repo, 'tests/core/gen_stress_requests.py'), '--book']));
  const doc = JSON.parse(execFileSync(native, ['stress-book', book, '--scenarios', 'deribit', '--insurance-fund', '500000', '--top', '5', '--html', html]));
  const b = doc.stress_book;
  const text = readFileSync(html, 'utf8');
  assert.ok(selfContained(text), 'the report is self-contained');
  assert.ok(b.scenarios.some((s) => s.covered && s.shortfall !== '0') && b.scenarios.some((s) => !s.covered), 'the fund covers some shortfalls, not all');

  const { browser, page, problems } = await openReportPage();
  try {
    const load = async (file) => { await page.goto(pathToFileURL(file).href); return page.evaluate(read); };

    const seen = await load(html);
    assert.deepEqual(check(seen, b), []);
    assert.equal(Object.keys(seen.charts).length, 3);
    console.log(`stress-book report: ${b.scenarios.length} scenarios x 3 charts (${seen.charts.shortfall.bars.length} shortfall bars, ` +
      `${b.scenarios.filter((s) => !s.covered).length} over the fund line), ${seen.scenarios.length} table rows, ${seen.worst.length} top contributors`);
    await page.screenshot({ path: join(out, 'stress-book.png'), fullPage: true });

    // planted mistakes: the check must see each
    const i = Number(b.worst.index) - 1, s = b.scenarios[i];
    const wrong = text.replace(`data-value='${s.shortfall}'`, `data-value='${s.shortfall}1'`);
    assert.notEqual(wrong, text);
    writeFileSync(join(out, 'stress-book-mutated-value.html'), wrong);
    const caught = check(await load(join(out, 'stress-book-mutated-value.html')), b);
    assert.ok(caught.some((m) => m.startsWith(`shortfall bar ${i}:`)), `a wrong plotted value is caught: ${caught}`);
    const h = text.match(new RegExp(`data-value='${s.shortfall}'[^>]*height='([0-9.]+)'`))[1];
    const tall = text.replace(`data-value='${s.shortfall}'`, '\u0000').replace(`height='${h}'`, `height='${(Number(h) * 1.02).toFixed(3)}'`).replace('\u0000', `data-value='${s.shortfall}'`);
    writeFileSync(join(out, 'stress-book-mutated-height.html'), tall);
    const caught3 = check(await load(join(out, 'stress-book-mutated-height.html')), b);
    assert.ok(caught3.some((m) => m.startsWith(`shortfall bar ${i}: height`)), `a bar drawn 2% too tall is caught: ${caught3}`);
    const [l0, l1] = [b.scenarios[0].name, b.scenarios[1].name].map((nm) => `>${nm.length <= 22 ? nm : `${nm.slice(0, 21)}\u2026`}</text>`);
    const swapped = text.replace(l0, '\u0000').replace(l1, l0).replace('\u0000', l1);
    writeFileSync(join(out, 'stress-book-mutated-labels.html'), swapped);
    const caught2 = check(await load(join(out, 'stress-book-mutated-labels.html')), b);
    assert.ok(caught2.some((m) => m.includes('label 0')) && caught2.some((m) => m.includes('label 1')), `swapped labels are caught: ${caught2}`);
    console.log(`mutations caught: a wrong shortfall value (${caught.length} findings), a bar 2% too tall (${caught3.length}), two labels swapped (${caught2.length} findings)`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
