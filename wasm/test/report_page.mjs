// What the HTML report tests (test_backtest_report.mjs, test_stress_book_report.mjs) share: a
// report opened offline in headless Chromium. Anything fetched is refused and recorded, as are page
// errors and console errors, in `problems` (a test asserts it stays empty). Close `browser` after.
import { chromium } from 'playwright-core';

export async function openReportPage() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.route((u) => !u.href.startsWith('file:'), (route) => { problems.push(`network: ${route.request().url()}`); route.abort(); });
  return { browser, page, problems };
}

/** True when a report's text loads nothing: no script, stylesheet link, src, href, @import or url(). */
export const selfContained = (html) => !/<script|<link|src=|href=|@import|url\(/.test(html);
