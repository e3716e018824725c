// `margin cascade --compare --html` in headless Chromium (docs/cascade-books.md "Models compared"): the
// native CLI generates a 200-account book (`margin cascade-book`), compares it under
// standard-isolated, standard, pmrm2 and span16 and writes the report; Chromium renders it offline
// (anything fetched is refused and fails the test). Checked: every table cell equals the JSON's
// text; every bar's value is the JSON's and its rendered height is proportional to it; each JSON
// row equals a separate `margin cascade` run under that model (tests/apps/cascade_compare_check.py:
// the request's params replaced, the isolated book built in Python from per-position IMs, outside
// the compare code path). A screenshot is saved. Two planted mistakes (a cell's figure, a bar's
// height) must be caught by the same check.
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
const MODELS = ['standard-isolated', 'standard', 'pmrm2', 'span16'];
const FIGURES = ['accounts', 'liquidations', 'bad_debt', 'capital_locked', 'notional', 'fund_used', 'adl_notional', 'steps_run', 'capped'];
const PLOTS = ['liquidations', 'bad_debt', 'capital_locked', 'notional'];

// What the page shows: the table's rows (data-model, cells by data-key) and each chart's bars.
function read() {
  const rows = [...document.querySelectorAll('#compare tr[data-model]')].map((r) => ({
    model: r.dataset.model,
    cells: Object.fromEntries([...r.cells].map((c) => [c.dataset.key, c.textContent])),
  }));
  const charts = {};
  for (const svg of document.querySelectorAll('svg.chart'))
    charts[svg.id] = [...svg.querySelectorAll('rect.bar')].map((e) => {
      const b = e.getBBox();
      return { model: e.dataset.model, value: e.dataset.value, height: b.height };
    });
  return { rows, charts };
}

// Every difference between the page and the JSON rows.
function check(seen, rows) {
  const bad = [];
  const text = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (seen.rows.length !== rows.length) bad.push(`${seen.rows.length} table rows for ${rows.length} models`);
  rows.forEach((r, i) => {
    const s = seen.rows[i];
    if (!s || s.model !== r.model || s.cells.model !== r.model) { bad.push(`row ${i}: model ${s?.model}`); return; }
    for (const k of FIGURES) if (s.cells[k] !== text(r[k])) bad.push(`row ${i} ${k}: ${s.cells[k]}, the JSON says ${text(r[k])}`);
    for (const [sym, v] of Object.entries(r.amplification))
      if (s.cells[`amplification/${sym}`] !== text(v)) bad.push(`row ${i} amplification ${sym}: ${s.cells[`amplification/${sym}`]}`);
  });
  for (const key of PLOTS) {
    const bars = seen.charts[`chart-${key}`];
    if (!bars || bars.length !== rows.length) { bad.push(`chart ${key}: ${bars?.length} bars`); continue; }
    const v = rows.map((r) => Number(r[key]));
    const top = Math.max(...v);
    const k = top > 0 ? bars[v.indexOf(top)].height / top : 0;
    bars.forEach((b, i) => {
      if (b.model !== rows[i].model || b.value !== text(rows[i][key])) bad.push(`chart ${key} bar ${i}: ${b.model} ${b.value}`);
      if (Math.abs(b.height - v[i] * k) > 0.01) bad.push(`chart ${key} bar ${i}: height ${b.height} for ${rows[i][key]}`);
    });
  }
  return bad;
}

test('the cascade compare report renders offline in Chromium; the table and bars equal the JSON, each row a separate run', async () => {
  mkdirSync(out, { recursive: true });
  const request = join(out, 'cascade-compare-book.json'), html = join(out, 'cascade-compare.html'), json = join(out, 'cascade-compare.json');
  writeFileSync(request, execFileSync(native, ['cascade-book', '--accounts', '200', '--seed', '28', '--compact']));
  const text0 = execFileSync(native, ['cascade', request, '--compare', MODELS.join(','), '--html', html]);
  writeFileSync(json, text0);
  const rows = JSON.parse(text0).cascade_compare;
  assert.deepEqual(rows.map((r) => r.model), MODELS);
  // each row = a separate `margin cascade` run (throws on a mismatch)
  const separate = execFileSync('python3', [join(repo, 'tests/apps/cascade_compare_check.py'), request, json, native]).toString();
  console.log(separate.trim());
  const page0 = readFileSync(html, 'utf8');
  assert.ok(selfContained(page0), 'the report is self-contained');

  const { browser, page, problems } = await openReportPage();
  try {
    const load = async (file) => { await page.goto(pathToFileURL(file).href); return page.evaluate(read); };
    const seen = await load(html);
    assert.deepEqual(check(seen, rows), []);
    console.log(`cascade compare report: ${seen.rows.length} models x ${FIGURES.length} figures, ${Object.keys(seen.charts).length} charts`);
    await page.screenshot({ path: join(out, 'cascade-compare.png'), fullPage: true });

    // planted mistakes: a table figure and a bar's height
    const r = rows[2];
    const wrong = page0.replace(`data-key='bad_debt'>${r.bad_debt}<`, `data-key='bad_debt'>${r.bad_debt}1<`);
    assert.notEqual(wrong, page0);
    writeFileSync(join(out, 'cascade-compare-mutated-cell.html'), wrong);
    const caught = check(await load(join(out, 'cascade-compare-mutated-cell.html')), rows);
    assert.ok(caught.some((m) => m.startsWith('row 2 bad_debt')), `a wrong table figure is caught: ${caught}`);
    const h = page0.match(new RegExp(`data-model='pmrm2' data-value='${r.capital_locked}'[^>]*height='([0-9.]+)'`))[1];
    const tall = page0.replace(`height='${h}'`, `height='${(Number(h) * 1.02).toFixed(3)}'`);
    writeFileSync(join(out, 'cascade-compare-mutated-height.html'), tall);
    const caught2 = check(await load(join(out, 'cascade-compare-mutated-height.html')), rows);
    assert.ok(caught2.some((m) => m.includes('height')), `a bar 2% too tall is caught: ${caught2}`);
    console.log(`mutations caught: a table figure (${caught.length} findings), a bar 2% too tall (${caught2.length})`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
