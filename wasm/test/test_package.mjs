// The installed package, as a user's project sees it (wasm/test/run.sh copies this file into the
// fresh project that installed the packed tarball): bad inputs give error documents with codes of
// the generated union, { bigint: true } and toWei/fromWei against an independent conversion, the
// scenario echo, and the CommonJS entry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// Resolved in the fresh project run.sh makes, whose package.json declares the package (npm install
// of the tarball wrote it), by name through the package's exports, as a user's project resolves it.
const NAME = 'margin-engine';
const pkg = await import(NAME);
const require = createRequire(import.meta.url);
const example = () => pkg.shippedDocument('example');
const withAccount = (patch) => { const r = example(); Object.assign(r.account, patch); return r; };
// The union as the installed declarations spell it.
const union = new Set([...readFileSync(join(process.cwd(), 'node_modules', NAME, 'error-codes.d.ts'), 'utf8')
  .matchAll(/^ {2}\| '([A-Z0-9_]+)'/gm)].map((m) => m[1]));

test('the generated union holds every engine code and the wrapper\'s', () => {
  assert.ok(union.size >= 75, `${union.size} codes`);
  for (const c of ['JSON_NUMBER', 'WRONG_TYPE', 'STREAM_UNAVAILABLE', 'OUT_OF_MEMORY', 'UNKNOWN_DOCUMENT']) assert.ok(union.has(c), c);
});

test('computeMarginText returns an error document for every bad input, never throws', () => {
  const circular = example(); circular.account.self = circular.account;
  const nested = example(); nested.market.underlyings.BTC.spot = Infinity;
  const size = example(); size.account.positions[0].size = 1.5;
  const cases = [
    [42, 'JSON_NUMBER', ''], [NaN, 'JSON_NUMBER', ''], [-0, 'JSON_NUMBER', ''], [null, 'WRONG_TYPE', ''], [undefined, 'WRONG_TYPE', ''],
    [10n, 'WRONG_TYPE', ''], [true, 'WRONG_TYPE', ''], [[], 'WRONG_TYPE', ''], [[example()], 'WRONG_TYPE', ''],
    [() => 1, 'WRONG_TYPE', ''], [Symbol('x'), 'WRONG_TYPE', ''],
    [withAccount({ cash: 100 }), 'JSON_NUMBER', '/account/cash'], [withAccount({ cash: NaN }), 'JSON_NUMBER', '/account/cash'],
    [nested, 'JSON_NUMBER', '/market/underlyings/BTC/spot'], [size, 'JSON_NUMBER', '/account/positions/0/size'],
    [withAccount({ cash: null }), 'WRONG_TYPE', '/account/cash'], [withAccount({ cash: () => 1 }), 'WRONG_TYPE', '/account/cash'],
    [circular, 'WRONG_TYPE', '/account/self'], [{}, 'MISSING_FIELD', '/api_version'],
    ['', 'JSON_SYNTAX', ''], ['42', 'JSON_NUMBER', ''], ['null', 'WRONG_TYPE', ''], ['[]', 'WRONG_TYPE', ''], ['{"api_version":"1",', 'JSON_SYNTAX', ''],
  ];
  for (const [input, code, path] of cases) {
    const label = typeof input === 'symbol' ? 'a symbol' : typeof input === 'bigint' ? `${input}n` : String(input).slice(0, 40);
    let text;
    assert.doesNotThrow(() => { text = pkg.computeMarginText(input); }, label);
    const doc = JSON.parse(text);
    assert.ok(doc.error, `${label}: ${text}`);
    assert.ok(union.has(doc.error.code), `${label}: ${doc.error.code} is in the union`);
    assert.deepEqual([doc.error.code, doc.error.path], [code, path], `${label}: ${text}`);
    assert.equal(typeof doc.error.message, 'string');
    // computeMargin throws the same as a MarginError
    assert.throws(() => pkg.computeMargin(input), (e) => e instanceof pkg.MarginError && e.code === code && e.path === path, label);
  }
  // undefined members are left out, as JSON.stringify does
  const noCash = example(); delete noCash.account.cash;
  assert.ok(pkg.computeMarginText(withAccount({ cash: undefined })) === pkg.computeMarginText(noCash), 'cash: undefined is no cash');
});

test('every *Text function returns error documents for bad inputs, never throws', () => {
  const fns = { computeSpanText: (x) => pkg.computeSpanText(x), computeRiskText: (x) => pkg.computeRiskText(x, { synthetic: true }),
                stressTestText: (x) => pkg.stressTestText(x), reverseStressText: (x) => pkg.reverseStressText(x),
                stressBookText: (x) => pkg.stressBookText(x, 'deribit'), replayText: (x) => pkg.replayText(x) };
  for (const [name, fn] of Object.entries(fns))
    for (const input of [42, NaN, null, undefined, 10n, [{}], () => 1]) {
      let text;
      assert.doesNotThrow(() => { text = fn(input); }, `${name}(${typeof input})`);
      const { error } = JSON.parse(text);
      assert.ok(error && union.has(error.code), `${name}(${typeof input}): ${text}`);
    }
});

// An independent decimal -> wei conversion: digits shifted by the fraction's length.
function wei(s) {
  const frac = s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
  return BigInt(s.replace('.', '')) * 10n ** BigInt(18 - frac);
}
// The fields the README says stay as they are (ids, symbols, enumerations, Unix times, counts, indices).
const NOT_WEI = new Set(['id', 'type', 'underlying', 'underlyings', 'model', 'margin_mode', 'asset', 'expiry', 'option_type',
                         'worst_scenario', 'scenario', 'path', 'horizon_days', 'scenarios', 'tail_count']);
function compare(str, big, key, where) {
  if (typeof str === 'string' && !NOT_WEI.has(key) && /^-?[0-9]+(\.[0-9]+)?$/.test(str)) {
    assert.equal(typeof big, 'bigint', where);
    assert.equal(big, wei(str), where);
    assert.equal(pkg.fromWei(big), str, `${where}: fromWei gives the engine's text back`);
  } else if (Array.isArray(str)) str.forEach((v, i) => compare(v, big[i], key, `${where}/${i}`));
  else if (str !== null && typeof str === 'object') {
    assert.deepEqual(Object.keys(big), Object.keys(str), where);
    for (const k of Object.keys(str)) compare(str[k], big[k], k, `${where}/${k}`);
  } else assert.equal(big, str, where);
}

test('{ bigint: true } is toWei of every decimal; fromWei gives the engine\'s text back', () => {
  let n = 0;
  for (const params of ['standard', 'pmrm2', 'span16']) {
    const req = { ...example(), params };
    compare(pkg.computeMargin(req), pkg.computeMargin(req, { bigint: true }), '', params);
    const trade = { positions: [{ type: 'perp', underlying: 'BTC', size: '0.5' }] };
    compare(pkg.previewTrade(req, trade), pkg.previewTrade(req, trade, { bigint: true }), '', `${params} preview`);
    n++;
  }
  const history = pkg.syntheticHistory().history;
  const es = { ...example(), params: 'es', history };
  compare(pkg.computeMargin(es), pkg.computeMargin(es, { bigint: true }), '', 'es');
  const risk = { ...example(), risk: { method: 'monte_carlo', paths: '500' } };
  compare(pkg.computeRisk(risk, { synthetic: true }), pkg.computeRisk(risk, { synthetic: true, bigint: true }), '', 'risk');
  assert.equal(pkg.computeRisk(risk, { synthetic: true, bigint: true }).risk.scenarios, '500', 'counts stay strings');
  const big = pkg.computeMargin({ ...example(), params: 'pmrm2' }, { bigint: true }).result;
  assert.equal(typeof big.initial_margin, 'bigint');
  assert.equal(typeof big.positions[0].expiry, 'undefined');
  assert.equal(typeof big.underlyings[0].expiries[0].expiry, 'string', 'Unix times stay strings');
  assert.equal(n, 3);
});

test('toWei and fromWei: exact, refused as the engine refuses', () => {
  for (const [s, w] of [['1.5', 1500000000000000000n], ['-0.000000000000000001', -1n], ['0', 0n], ['123456789.123456789123456789', 123456789123456789123456789n]]) {
    assert.equal(pkg.toWei(s), w, s);
    assert.equal(pkg.fromWei(w), s, s);
  }
  // 2,000 pseudo-random values: toWei(fromWei(v)) = v and fromWei agrees with an independent rendering
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 2000; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    const v = (x >> BigInt(i % 60)) * (i % 2 ? -1n : 1n);
    const a = v < 0n ? -v : v;
    const frac = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
    const expect = `${v < 0n ? '-' : ''}${a / 10n ** 18n}${frac ? '.' + frac : ''}`;
    assert.equal(pkg.fromWei(v), expect);
    assert.equal(pkg.toWei(expect), v);
  }
  // the engine's own decision on each text (as account cash) is toWei's
  for (const s of ['1', '-2.5', '0.000000000000000001', '1.0000000000000000001', '1e6', ' 1', '', '+1', '1.', '.5', '1,5', '0x10', '١']) {
    const doc = JSON.parse(pkg.computeMarginText(withAccount({ cash: s })));
    let code = null;
    try { pkg.toWei(s); } catch (e) { assert.ok(e instanceof pkg.MarginError); code = e.code; }
    assert.equal(code, doc.error ? doc.error.code : null, JSON.stringify(s));
  }
  assert.throws(() => pkg.fromWei('1'), (e) => e instanceof pkg.MarginError && e.code === 'WRONG_TYPE');
});

test('evaluateScenario echoes the scenario id', () => {
  const req = { ...example(), params: 'pmrm2' };
  for (const id of [0, 22, 30n, '7']) {
    const r = pkg.evaluateScenario(req, id);
    assert.equal(r.scenario, Number(id));
    assert.deepEqual(Object.keys(r), ['api_version', 'scenario', 'result']);
  }
});

test('CommonJS: require gives load(), which resolves to the ES module', async () => {
  const cjs = require(NAME);
  assert.deepEqual(Object.keys(cjs), ['load']);
  const mod = await cjs.load();
  assert.equal(mod, await cjs.load());
  assert.equal(mod.computeMarginText, pkg.computeMarginText);
  assert.equal(mod.version(), pkg.version());
});
