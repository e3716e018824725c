// `margin backtest`'s HTML report in headless Chromium (docs/backtest.md §Tests): the native
// CLI writes the report of a short slice of the real history, Chromium renders it offline
// (anything fetched is refused and fails the test), the charts, the exception dots and the
// summary table are checked against the JSON of the same run, and a screenshot is saved.
// Environment: MARGIN_NATIVE (the native `margin`), MARGIN_OUT (where the screenshot goes),
// MARGIN_PRICES (default ../shared/data/prices next to the repository), CHROMIUM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openReportPage, selfContained } from './report_page.mjs';

const native = process.env.MARGIN_NATIVE;
const out = process.env.MARGIN_OUT;
const prices = process.env.MARGIN_PRICES || resolve(new URL('../../..', import.meta.url).pathname, 'shared/data/prices');

test('the backtest report renders offline in Chromium, every exception marked', { skip: !existsSync(prices) && 'no price history' }, async () => {
  mkdirSync(out, { recursive: true });
  const html = join(out, 'backtest.html'), json = join(out, 'backtest.json');
  execFileSync(native, ['backtest', '--prices', prices, '--from', '2022-07-01', '--to', '2022-12-31',
    '--portfolios', 'long_btc,short_strangle', '--models', 'standard,pmrm2,es_hs', '--html', html, '--json', json]);
  const doc = JSON.parse(readFileSync(json, 'utf8')).backtest;
  const text = readFileSync(html, 'utf8');
  assert.ok(selfContained(text), 'the report is self-contained');

  const { browser, page, problems } = await openReportPage();
  try {
    await page.goto(pathToFileURL(html).href);
    const seen = await page.evaluate(() => ({
      charts: document.querySelectorAll('svg.chart').length,
      histograms: document.querySelectorAll('svg.histogram').length,
      dots: document.querySelectorAll('circle.exception').length,
      rows: document.querySelectorAll('#summary tr').length - 1,
      width: document.querySelector('svg.chart')?.getBoundingClientRect().width ?? 0,
    }));
    const expectedDots = doc.results.reduce((n, r) => n + Number(r.exceptions_overlapping), 0);
    console.log(`backtest report: ${seen.charts} charts, ${seen.histograms} P&L histograms, ${seen.dots} exception dots, ${seen.rows} rows`);
    assert.equal(seen.charts, 2);
    assert.equal(seen.histograms, 2);
    assert.equal(seen.rows, doc.results.length);
    assert.equal(seen.dots, expectedDots);
    assert.ok(expectedDots > 0, 'the slice has exceptions to mark');
    assert.ok(seen.width > 1000);
    await page.screenshot({ path: join(out, 'backtest.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
