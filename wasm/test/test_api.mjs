// The npm package under Node: byte parity with the native CLI on the API
// corpus, the single-scenario and trade-preview functions against the CLI's,
// typed errors, and bigint / JS-number inputs.
// Environment: MARGIN_PACKAGE (the package folder), MARGIN_NATIVE (the native
// `margin`), MARGIN_CORPUS (a folder with requests.jsonl and the native
// expected.jsonl, from tests/core/api_parity.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = await import(pathToFileURL(join(process.env.MARGIN_PACKAGE, 'index.mjs')).href);
const native = process.env.MARGIN_NATIVE;
const corpus = process.env.MARGIN_CORPUS;
const tmp = mkdtempSync(join(tmpdir(), 'margin-npm-'));

// Runs the native CLI; returns stdout whatever the exit status (1 = an error document).
function cli(...args) {
  try {
    return execFileSync(native, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    if (e.status === 1) return e.stdout;
    throw e;
  }
}
function file(name, value) {
  const p = join(tmp, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}
const example = () => pkg.shippedDocument('example');
const portfolio = () => ({ ...example(), params: 'pmrm2' });

test('the API corpus: every response byte-identical to the native CLI', () => {
  // one request per line (an empty line is a request too); the files end with a newline
  const lines = (f) => readFileSync(join(corpus, f), 'utf8').replace(/\n$/, '').split('\n');
  const requests = lines('requests.jsonl'), expected = lines('expected.jsonl');
  assert.equal(requests.length, expected.length);
  assert.ok(requests.length >= 2600, `corpus of ${requests.length} requests`);
  let mismatches = 0, results = 0;
  requests.forEach((r, i) => {
    const got = pkg.computeMarginText(r);
    if (got !== expected[i]) mismatches++;
    if (got.startsWith('{"api_version"')) results++;
  });
  console.log(`node parity: ${requests.length} requests, ${results} results, ${mismatches} mismatches`);
  assert.equal(mismatches, 0);
  assert.ok(results >= 1900);
});

test('version() is the native `margin --version`', () => {
  assert.equal(pkg.version(), cli('--version').trim());
  assert.match(pkg.version(), /^margin \S+ build [0-9a-f]{12} \(json api v1/);
});

test('computeSpan equals the native `margin span`; a bad risk array is a MarginError with its path', () => {
  const future = ['0', '0', '-5', '-5', '5', '5', '-10', '-10', '10', '10', '-15', '-15', '15', '15', '-30', '30'];
  const call = ['-1', '1', '-4', '-2', '2', '4', '-7', '-5', '4', '5', '-10', '-8', '5', '6', '-25', '6'];
  const req = { api_version: '1', span: {
    contracts: [{ commodity: 'BTC', month: '202612', risk_array: future, delta: '1' },
      { commodity: 'BTC', month: '202612', risk_array: call, delta: '0.5', option: true, option_value: '6' }],
    positions: [{ contract: '0', quantity: '1' }, { contract: 1n, quantity: '-1' }],
    params: { commodities: [{ name: 'BTC', intra_spread_charge: '2.5', spot_charge: '1', short_option_minimum: '1' }] } } };
  const got = pkg.computeSpan(req);
  const asText = JSON.parse(JSON.stringify(req, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  assert.deepEqual(got, JSON.parse(cli('span', file('span.json', asText))));
  assert.equal(got.span.requirement, '16');  // the covered write of docs/span.md
  assert.equal(pkg.computeSpanText(asText), pkg.computeMarginText(asText));  // compute answers it too
  const bad = structuredClone(asText);
  bad.span.contracts[0].risk_array = future.slice(1);
  assert.throws(() => pkg.computeSpan(bad), (e) => e instanceof pkg.MarginError && e.code === 'OUT_OF_RANGE' && e.path === '/span/contracts/0/risk_array');
});

test('evaluateScenario and previewTrade equal the native CLI', () => {
  const req = portfolio();
  const reqFile = file('portfolio.json', req);
  for (const id of [0, 7, 22, 31]) {  // the CLI's response, and the id echoed
    const { api_version, ...rest } = JSON.parse(cli('scenario', String(id), reqFile));
    assert.deepEqual(pkg.evaluateScenario(req, id), { api_version, scenario: id, ...rest });
  }
  const trade = { positions: [
    { type: 'option', underlying: 'BTC', expiry: '1767945600', strike: '95000', option_type: 'put', size: '2' },
    { type: 'perp', underlying: 'BTC', size: '0.5', entry_price: '100100' }] };
  const tradeFile = file('trade.json', trade);
  for (const [r, f] of [[req, reqFile], [example(), file('example.json', example())]]) {
    const got = pkg.previewTrade(r, trade);
    assert.deepEqual(got, JSON.parse(cli('preview', tradeFile, f)));
    assert.notEqual(got.change.initial_margin, '0');
  }
  // at its worst scenario, the single-scenario margins are the full evaluation's
  const full = pkg.computeMargin(req).result;
  const worst = full.underlyings.find((u) => u.underlying === 'BTC').worst_scenario;
  assert.equal(pkg.evaluateScenario(req, worst).result.underlyings[0].worst_loss, full.underlyings[0].worst_loss);
});

test('shipped documents are the repository\'s files; a scenario set indexes scenario_pnl', () => {
  const repo = (f) => JSON.parse(readFileSync(new URL(`../../core/api/${f}`, import.meta.url), 'utf8'));
  assert.deepEqual(pkg.shippedDocument('example'), repo('examples/default.json'));
  assert.deepEqual(pkg.shippedDocument('standard'), repo('params/standard-v1.json'));
  for (const name of ['pmrm2', 'span16']) {
    assert.deepEqual(pkg.shippedDocument(name), repo(`params/portfolio-${name}.json`));
    const set = pkg.shippedDocument(`scenarios/${name}`);
    assert.deepEqual(set, repo(`params/${name}.json`));
    const result = pkg.computeMargin({ ...example(), params: name }).result;
    for (const u of result.underlyings.filter((u) => u.underlying !== null))
      assert.equal(u.scenario_pnl.length, set.scenarios.length, `${name} ${u.underlying}`);
  }
});

test('errors are MarginError with the engine code and path', () => {
  const cases = [
    [() => pkg.computeMargin('{'), 'JSON_SYNTAX', ''],
    [() => pkg.computeMargin({ ...example(), api_version: '2' }), 'UNSUPPORTED_VERSION', '/api_version'],
    [() => pkg.computeMargin({ ...example(), account: { cash: 1.5 } }), 'JSON_NUMBER', '/account/cash'],
    [() => pkg.computeMargin('{"api_version":"1","market":{},"account":{"cash":1}}'), null, null],
    [() => pkg.evaluateScenario(example(), 0), 'MODEL_NOT_SUPPORTED', '/params'],
    [() => pkg.evaluateScenario(portfolio(), 99), 'OUT_OF_RANGE', '/scenario'],
    [() => pkg.previewTrade(example(), { positions: [] }), 'OUT_OF_RANGE', '/trade/positions'],
    [() => pkg.previewTrade(example(), { positions: [{ type: 'perp', underlying: 'BTC', size: 2 }] }), 'JSON_NUMBER', '/trade/positions/0/size'],
    [() => pkg.shippedDocument('nope'), 'UNKNOWN_DOCUMENT', ''],
    [() => pkg.shippedDocument('scenarios/nope'), 'UNKNOWN_DOCUMENT', ''],
  ];
  for (const [f, code, path] of cases) {
    let err;
    try { f(); } catch (e) { err = e; }
    assert.ok(err instanceof pkg.MarginError, `expected a MarginError (${code})`);
    assert.ok(err instanceof Error);
    if (code === null) {  // whatever the engine reports, the wrapper passes it on unchanged
      const doc = JSON.parse(pkg.computeMarginText('{"api_version":"1","market":{},"account":{"cash":1}}'));
      assert.equal(err.code, doc.error.code);
      assert.equal(err.path, doc.error.path);
      continue;
    }
    assert.equal(err.code, code);
    assert.equal(err.path, path);
  }
});

test('bigint inputs are wei (timestamps: seconds); the same response as decimal strings', () => {
  const a = example(), b = example();
  b.account.cash = 20000n * 10n ** 18n + 1n;  // 20000.000000000000000001
  b.market.timestamp = 1767225600n;
  b.account.positions[0].size = -4n * 10n ** 18n;
  a.account.cash = '20000.000000000000000001';
  assert.equal(pkg.computeMarginText(b), pkg.computeMarginText(a));
  assert.equal(pkg.canonicalRequest(b), pkg.canonicalRequest(a));
  assert.equal(pkg.computeMarginText(a), cli('compute', '--compact', file('a.json', a)).trim());
});

// An on-chain liquidation exported by `margin replay --rpc URL --tx HASH --export`
// (contracts-interface/harness/keeper.js, on anvil): the event, the chain's witness and
// the inputs it read. The replay must match the chain on every field, as the native CLI.
const bundleText = readFileSync(new URL('./fixtures/liquidation-bundle.json', import.meta.url), 'utf8');

test('replayLiquidation: the exported bundle matches the chain on every field, as `margin replay`', () => {
  const report = pkg.replayLiquidation(bundleText);
  assert.equal(report.match, true);
  assert.ok(report.fields.length >= 8);
  assert.deepEqual(report, JSON.parse(cli('replay', file('bundle.json', bundleText))));
  assert.deepEqual(pkg.replayLiquidation(JSON.parse(bundleText)), report);
});

test('replayLiquidation: one input changed by 1 wei is a mismatch naming the fields; a bad bundle a MarginError', () => {
  const b = JSON.parse(bundleText);
  b.book.cash = (BigInt(b.book.cash) - 1n).toString();
  const report = pkg.replayLiquidation(b);
  assert.equal(report.match, false);
  const bad = report.fields.filter((f) => !f.match).map((f) => f.field);
  for (const f of ['input_hash', 'event.equity', 'witness.equity']) assert.ok(bad.includes(f), `${f} in ${bad}`);
  assert.deepEqual(report, JSON.parse(cli('replay', file('tampered.json', b))));
  const broken = JSON.parse(bundleText);
  broken.book.spot = 'lots';
  assert.throws(() => pkg.replayLiquidation(broken), (e) => e instanceof pkg.MarginError && e.code === 'BAD_BUNDLE' && e.path === '/book/spot');
});

test('text functions: a NUL byte inside a document is an error, not its end; over 16 MiB is JSON_TOO_LARGE; as the CLI', () => {
  const good = JSON.stringify(example());
  const withNul = good + '\u0000garbage';
  const npm = JSON.parse(pkg.computeMarginText(withNul));
  assert.equal(npm.error.code, 'JSON_SYNTAX');
  assert.equal(pkg.computeMarginText(withNul), cli('compute', '--compact', file('nul.json', withNul)).trim());
  assert.throws(() => pkg.replayLiquidation(bundleText + '\u0000'), (e) => e instanceof pkg.MarginError && e.code === 'BAD_BUNDLE');
  const huge = good + ' '.repeat(16 * 1024 * 1024);
  assert.equal(JSON.parse(pkg.computeMarginText(huge)).error.code, 'JSON_TOO_LARGE');
  assert.equal(pkg.computeMarginText(huge), cli('compute', '--compact', file('huge.json', huge)).trim());
});

test('replayLiquidation: a bundle nested past 16 levels is JSON_TOO_DEEP before it is parsed, as `margin replay`', () => {
  const deep = `{"version":"replay/1","book":${'['.repeat(100000)}${']'.repeat(100000)}}`;
  assert.throws(() => pkg.replayLiquidation(deep), (e) => e instanceof pkg.MarginError && e.code === 'JSON_TOO_DEEP');
  const out = JSON.parse(cli('replay', file('deep.json', deep)));
  assert.equal(out.error.code, 'JSON_TOO_DEEP');
});

// ---- risk measures (docs/risk.md): computeRisk / computeRiskText against `margin var`
const riskLines = (f) => readFileSync(join(corpus, f), 'utf8').replace(/\n$/, '').split('\n');

test('the risk corpus: every response byte-identical to `margin var --synthetic --compact`', () => {
  const requests = riskLines('risk-requests.jsonl'), expected = riskLines('risk-expected.jsonl');
  assert.equal(requests.length, expected.length);
  assert.ok(requests.length >= 60, `risk corpus of ${requests.length} requests`);
  let mismatches = 0, results = 0;
  const methods = new Set();
  requests.forEach((r, i) => {
    const got = pkg.computeRiskText(r, { synthetic: true });
    if (got !== expected[i]) mismatches++;
    if (got.startsWith('{"api_version"')) { results++; methods.add(JSON.parse(got).risk.method); }
  });
  console.log(`node risk parity: ${requests.length} requests, ${results} results, ${mismatches} mismatches`);
  assert.equal(mismatches, 0);
  assert.deepEqual([...methods].sort(), ['delta_gamma', 'filtered_historical', 'historical', 'monte_carlo', 'parametric']);
});

test('syntheticHistory() is the repository\'s file, labelled SYNTHETIC; a request without history needs it', () => {
  const doc = pkg.syntheticHistory();
  assert.deepEqual(doc, JSON.parse(readFileSync(new URL('../../core/api/examples/history-synthetic.json', import.meta.url), 'utf8')));
  assert.equal(doc.label, 'SYNTHETIC');
  assert.match(doc.description, /^SYNTHETIC/);
  assert.deepEqual(Object.keys(doc.history), ['BTC', 'ETH', 'USDC']);
  for (const csv of Object.values(doc.history)) assert.equal(csv.split('\n').length, 1 + 1600 + 1);  // header, rows, final newline
  assert.deepEqual(pkg.shippedDocument('history/synthetic'), doc);
  assert.throws(() => pkg.computeRisk(example()), (e) => e instanceof pkg.MarginError && e.code === 'MISSING_FIELD' && e.path === '/history');
  // the synthetic option is the same as passing the shipped series yourself
  const own = { ...example(), risk: { method: 'historical' }, history: doc.history };
  assert.equal(pkg.computeRiskText(own), pkg.computeRiskText({ ...example(), risk: { method: 'historical' } }, { synthetic: true }));
});

test('computeRisk equals the native `margin var` for each method, the flags and the request fields alike', () => {
  const reqFile = file('risk-example.json', example());
  for (const [risk, flags] of [
    [{ method: 'historical', include_pnl: true }, ['--method', 'historical', '--include-pnl']],
    [{ method: 'filtered_historical', vol_floor: '0.5' }, ['--method', 'filtered_historical', '--vol-floor', '0.5']],
    [{ method: 'parametric', confidence: '0.975', horizon_days: '5' }, ['--method', 'parametric', '--confidence', '0.975', '--horizon', '5']],
    [{ method: 'delta_gamma', confidence: '0.975' }, ['--method', 'delta_gamma', '--confidence', '0.975']],
    [{ method: 'monte_carlo', paths: 500n, seed: 42n, innovations: 'student_t', dof: 6n },
      ['--method', 'monte_carlo', '--paths', '500', '--seed', '42', '--innovations', 'student_t', '--dof', '6']],
  ]) {
    const got = pkg.computeRisk({ ...example(), risk }, { synthetic: true });
    assert.deepEqual(got, JSON.parse(cli('var', reqFile, '--synthetic', ...flags)), risk.method);
    const r = got.risk;
    // the component split sums exactly to ES
    const wei = (s) => { const [i, f = ''] = s.replace('-', '').split('.'); const v = BigInt(i) * 10n ** 18n + BigInt(f.padEnd(18, '0')); return s.startsWith('-') ? -v : v; };
    const sum = (xs) => xs.reduce((a, x) => a + wei(x), 0n);
    assert.equal(sum(r.es_by_position) + sum(Object.values(r.es_by_collateral)), wei(r.es), `${risk.method}: components`);
    assert.equal(sum(Object.values(r.es_by_underlying)), wei(r.es), `${risk.method}: by underlying`);
    if (risk.include_pnl) assert.equal(r.pnl.length, Number(r.scenarios));
  }
});

test('risk errors are MarginError with the engine code and path', () => {
  const doc = pkg.syntheticHistory();
  const rows = doc.history.BTC.split('\n');
  const gap = [...rows.slice(0, 600), ...rows.slice(605)].join('\n');
  const cases = [
    [{ ...doc.history, BTC: 'date,close\n2025-01-01,abc\n' }, {}, 'HISTORY_SYNTAX', '/history/BTC'],
    [{ ...doc.history, BTC: 'date,close\n2025-01-02,1\n2025-01-01,1\n' }, {}, 'HISTORY_ORDER', '/history/BTC/1'],
    [{ ...doc.history, BTC: gap }, {}, 'HISTORY_GAP', '/history/BTC/599'],
    [{ ...doc.history, BTC: rows.slice(0, 300).join('\n') + '\n' }, {}, 'HISTORY_TOO_SHORT', '/history/BTC'],
    [{ ETH: doc.history.ETH, USDC: doc.history.USDC }, {}, 'NO_HISTORY', '/account/positions/0/underlying'],
    [doc.history, { paths: '1.5' }, 'BAD_COUNT', '/risk/paths'],
    [doc.history, { confidence: '0.4' }, 'OUT_OF_RANGE', '/risk/confidence'],
    [doc.history, { method: 'var' }, 'BAD_ENUM', '/risk/method'],
  ];
  for (const [history, risk, code, path] of cases) {
    const req = { ...example(), risk, history };
    assert.throws(() => pkg.computeRisk(req), (e) => e instanceof pkg.MarginError && e.code === code && e.path === path, `${code} at ${path}`);
    assert.equal(pkg.computeRiskText(req), cli('var', '--compact', file('risk-bad.json', req)).trim(), code);
  }
  assert.throws(() => pkg.computeRisk({ ...example(), risk: { paths: 10 } }, { synthetic: true }),
    (e) => e instanceof pkg.MarginError && e.code === 'JSON_NUMBER' && e.path === '/risk/paths');
});

// ---- stress testing (docs/stress.md): stressTest / reverseStress against `margin stress`
test('stressTest and reverseStress equal the native `margin stress` (scenarios, the shorthand expansion, replays, reverse)', () => {
  const shock = { name: 'BTC -30%, ETH decouples', underlyings: { BTC: { spot: '-0.3', vol: { relative: '0.5' } } },
                  derived: { ETH: { lead: 'BTC', correlation: '0' } } };
  const doc = { version: 'stress/1', scenarios: [shock, { name: 'de-peg', replay: { from: '2023-03-10', to: '2023-03-13', stable: 'USDC', trough: 'USDC' } }] };
  for (const req of [{ ...example(), stress: doc }, { ...portfolio(), stress: 'deribit' }]) {
    const f = file('stress.json', req);
    assert.equal(pkg.stressTestText(req, { synthetic: true }), cli('stress', f, '--synthetic', '--compact').trim());
    assert.equal(pkg.stressTestText(req, { synthetic: true, print: true }), cli('stress', f, '--synthetic', '--compact', '--print-scenarios').trim());
  }
  const got = pkg.stressTest({ ...example(), stress: { version: 'stress/1', scenarios: [shock] } });
  assert.equal(got.stress.scenarios[0].applied.underlyings.ETH.spot, undefined, 'ETH decoupled: no spot move');
  const rev = { ...example(), reverse_stress: { directions: [{ move: 'spot_down', underlying: 'BTC' }, { move: 'vol_up', underlying: 'ETH' }] } };
  assert.equal(pkg.reverseStressText(rev), cli('stress', file('reverse.json', rev), '--reverse', '--compact').trim());
  assert.ok(pkg.reverseStress(rev).reverse_stress.directions[0].liquidation_price);
  assert.throws(() => pkg.stressTest({ ...example(), stress: 'nosuchset' }), (e) => e instanceof pkg.MarginError && e.code === 'UNKNOWN_PRESET' && e.path === '/stress');
});

// ---- book-level stress (docs/stress.md §Book-level stress): stressBook against `margin stress-book`
test('stressBook equals the native `margin stress-book` (the parity book: a shipped set, replays on the real history, errors)', () => {
  const repo = new URL('../..', import.meta.url).pathname;
  const lines = execFileSync('python3', [join(repo, 'tests/core/gen_stress_requests.py'), '--book'], { encoding: 'utf8' });
  const book = file('book.jsonl', lines);
  const native = (...args) => cli('stress-book', book, ...args, '--compact').trim();
  const deribit = native('--scenarios', 'deribit', '--insurance-fund', '25000', '--top', '5');
  assert.match(deribit, /^\{"api_version":"1","stress_book"/);
  assert.equal(pkg.stressBookText(lines, 'deribit', { insuranceFund: '25000', top: 5 }), deribit);
  const requests = lines.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(pkg.stressBookText(requests, 'deribit', { insuranceFund: 25000n * 10n ** 18n, top: '5' }), deribit, 'an array of requests, the fund in wei');
  const doc = { version: 'stress/1', scenarios: [
    { name: 'BTC -30%, ETH decouples', underlyings: { BTC: { spot: '-0.3', vol: { relative: '0.5' } } }, derived: { ETH: { lead: 'BTC', correlation: '0' } } },
    { name: 'FTX', replay: { from: '2022-11-08', to: '2022-11-10' } }, { name: 'worst 2-day BTC', replay: { worst: { lead: 'BTC', days: '2' } } }] };
  // the history `--prices DIR` reads: DIR/<symbol>-usd.csv of every symbol the book holds
  const prices = process.env.MARGIN_PRICES || join(repo, '..', 'shared/data/prices');
  if (existsSync(prices)) {
    const history = {};
    for (const r of requests)
      for (const sym of [...r.account.positions.map((p) => p.underlying), ...Object.keys(r.account.collateral ?? {})]) {
        const f = join(prices, `${sym.toLowerCase()}-usd.csv`);
        if (existsSync(f)) history[sym] = readFileSync(f, 'utf8');
      }
    const replays = native('--scenarios', file('replays.json', doc), '--prices', prices, '--top', '3');
    assert.match(replays, /"worst 2-day BTC"/);
    assert.equal(pkg.stressBookText(lines, JSON.stringify(doc), { history, top: 3 }), replays);
    assert.equal(pkg.stressBook(lines, doc, { history, top: 3 }).stress_book.scenarios.length, 3);
  }
  assert.equal(pkg.stressBookText('\n', 'textbook'), cli('stress-book', file('empty.jsonl', '\n'), '--scenarios', 'textbook', '--compact').trim());
  assert.throws(() => pkg.stressBook(lines, 'nosuchset'), (e) => e instanceof pkg.MarginError && e.code === 'UNKNOWN_PRESET' && e.path === '/scenarios');
  assert.throws(() => pkg.stressBook(lines, 'textbook', { top: 101 }), (e) => e.code === 'BAD_COUNT' && e.path === '/top');
  assert.throws(() => pkg.stressBook(lines, 'textbook', { insuranceFund: '-1' }), (e) => e.code === 'OUT_OF_RANGE' && e.path === '/insurance_fund');
  assert.throws(() => pkg.stressBook(lines, 'textbook', { insuranceFund: 1 }), (e) => e.code === 'JSON_NUMBER');
  assert.throws(() => pkg.stressBook(`${lines.trim()}\n{}`, 'textbook'), (e) => e.code === 'MISSING_FIELD' && e.path === '/book/40/api_version');
  const pretty = [requests[0], JSON.stringify(requests[1], null, 2)];  // a multi-line text element is refused at its index
  assert.throws(() => pkg.stressBook(pretty, 'textbook'), (e) => e.code === 'WRONG_TYPE' && e.path === '/book/1');
});

// ---- the liquidation cascade (docs/cascade.md): cascade against `margin cascade` (tests/apps/cascade_cases.py's books)
test('cascade equals the native `margin cascade --compact` (market and house books, an error)', () => {
  const repo = new URL('../..', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmp, 'cascade-'));
  execFileSync('python3', [join(repo, 'tests/apps/cascade_cases.py'), 'write', dir]);
  for (const name of ['market_none', 'market_ranked', 'house', 'err_steps0', 'err_expiry']) {
    const f = join(dir, `${name}.json`);
    const want = cli('cascade', f, '--compact', '--threads', '2').trim();
    const request = JSON.parse(readFileSync(f, 'utf8'));
    assert.equal(pkg.cascadeText(request), want, name);
    assert.equal(pkg.cascadeText(readFileSync(f, 'utf8')), want, `${name} as text`);
  }
  const doc = pkg.cascade(JSON.parse(readFileSync(join(dir, 'market_none.json'), 'utf8')), { bigint: true });
  assert.equal(doc.cascade.steps[0].underlyings.BTC.price, 7785n * 10n ** 16n);
  assert.equal(doc.cascade.steps[0].loss_mark.scale.length > 0, true);
  assert.throws(() => pkg.cascade(JSON.parse(readFileSync(join(dir, 'err_steps0.json'), 'utf8'))),
    (e) => e instanceof pkg.MarginError && e.code === 'BAD_COUNT' && e.path === '/cascade/steps');
  assert.match(pkg.cascadeText({ api_version: '1', cascade: { steps: 1 } }), /"code":"JSON_NUMBER","path":"\/cascade\/steps"/);
});

test('cascadeBook equals the native `margin cascade-book --compact` (market, house, JSON lines, errors)', () => {
  const cases = [
    [{ accounts: 2000, seed: 28 }, ['--accounts', '2000', '--seed', '28']],
    [{ accounts: '300', seed: 18446744073709551615n, mode: 'house' }, ['--accounts', '300', '--seed', '18446744073709551615', '--mode', 'house']],
    [{ accounts: 20, seed: 3, underlyings: ['ETH'], params: 'pmrm2', jsonl: true }, ['--accounts', '20', '--seed', '3', '--underlyings', 'ETH', '--params', 'pmrm2', '--jsonl']],
    [{ accounts: 10, seed: 1, underlyings: ['BTC', 'DOGE'] }, ['--accounts', '10', '--seed', '1', '--underlyings', 'BTC,DOGE']],
  ];
  for (const [options, args] of cases) {
    const want = cli('cascade-book', ...args, '--compact').trim();
    assert.equal(pkg.cascadeBookText(options), want, args.join(' '));
  }
  const request = pkg.cascadeBook({ accounts: 50, seed: 9 });
  assert.equal(request.cascade.accounts.length, 50);
  assert.equal(pkg.cascade(request).cascade.accounts, 50);
  assert.throws(() => pkg.cascadeBook({ accounts: 0, seed: 1 }), (e) => e instanceof pkg.MarginError && e.code === 'BAD_COUNT' && e.path === '/accounts');
  assert.match(pkg.cascadeBookText({ accounts: 5, seed: 1, frob: 'x' }), /"code":"UNKNOWN_FIELD","path":"\/frob"/);
});
