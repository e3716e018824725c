// margin-engine: the deterministic margin engine as WebAssembly, for Node >= 20
// and browsers (wasm/README.md). The same C++ core and JSON API v1 as the
// native `margin` CLI: the same request gives the same response bytes.
import createMarginEngine from './margin_engine.mjs';

const wasmUrl = new URL('./margin_engine.wasm', import.meta.url);
const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;
// Browsers fetch the .wasm next to this module; Node reads it from disk.
const engine = await createMarginEngine(isNode ? { wasmBinary: await (await import('node:fs/promises')).readFile(wasmUrl) } : {});

/** An error document from the engine, or an input the wrapper refused. */
export class MarginError extends Error {
  constructor(code, path, message) {
    super(path ? `${code} at ${path}: ${message}` : `${code}: ${message}`);
    this.name = 'MarginError';
    this.code = code;
    this.path = path;
    this.detail = message;
  }
}

const WAD = 10n ** 18n;
// Fields whose integers are counts (seconds, days, paths, a seed), not wei.
const INTEGER_FIELDS = new Set(['timestamp', 'expiry', 'horizon_days', 'lookback_days', 'paths', 'seed', 'dof', 'contract', 'month', 'days', 'term_floor_days']);  // contract, month: SPAN requests; days: stress

function weiToDecimal(v) {
  if (typeof v !== 'bigint') throw new MarginError('WRONG_TYPE', '', `fromWei takes a bigint, got ${typeof v}`);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = (a % WAD).toString().padStart(18, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + (a / WAD).toString() + (frac ? '.' + frac : '');
}

// The engine's decimal grammar (docs/api.md): -?[0-9]+(.[0-9]{1,18})?
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]{1,18}))?$/;

/** An exact decimal string as wei (value x 10^18), a bigint: toWei("1.5") === 1500000000000000000n.
 *  Exact or refused: more than 18 fractional digits is DECIMAL_PRECISION, anything outside the
 *  engine's decimal grammar BAD_DECIMAL (MarginError); nothing is rounded. */
export function toWei(decimal) {
  if (typeof decimal !== 'string') throw new MarginError('WRONG_TYPE', '', `toWei takes a decimal string, got ${typeof decimal}`);
  const m = DECIMAL.exec(decimal);
  if (!m) {
    if (/^-?[0-9]+\.[0-9]{19,}$/.test(decimal)) throw new MarginError('DECIMAL_PRECISION', '', `more than 18 fractional digits: ${decimal}`);
    throw new MarginError('BAD_DECIMAL', '', `not a decimal string: ${JSON.stringify(decimal)}`);
  }
  const v = BigInt(m[2]) * WAD + BigInt((m[3] ?? '').padEnd(18, '0'));
  return m[1] ? -v : v;
}

/** Wei (a bigint) as the engine's decimal string: fromWei(1500000000000000000n) === "1.5", exact
 *  (no trailing zeros, no exponent); fromWei(toWei(s)) === s for every decimal the engine writes. */
export function fromWei(wei) {
  return weiToDecimal(wei);
}

// Response fields that hold strings which are not amounts: ids, symbols, enumerations, Unix times,
// and (risk results) counts and indices: { bigint: true } leaves them as they are.
const NOT_WEI = new Set(['id', 'type', 'underlying', 'underlyings', 'model', 'margin_mode', 'asset', 'expiry', 'option_type',
                         'worst_scenario', 'scenario', 'path', 'horizon_days', 'scenarios', 'tail_count', 'scale']);

// { bigint: true }: every decimal string of a response as bigint wei (ratios, Greeks and vols too, x 10^18).
function toBigints(value, key) {
  if (typeof value === 'string') return NOT_WEI.has(key) || !DECIMAL.test(value) ? value : toWei(value);
  if (Array.isArray(value)) return value.map((v) => toBigints(v, key));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = toBigints(v, k);
    return out;
  }
  return value;
}

function finish(doc, options) {
  return options && options.bigint ? toBigints(doc, '') : doc;
}

function pointer(path, key) {
  return path + '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

// Copies a request object for JSON: bigint -> decimal string (wei, or the integer
// itself for timestamps); JS numbers are refused, never converted silently.
// Members whose value is undefined are left out, as JSON.stringify does; functions and symbols,
// which JSON cannot hold, are WRONG_TYPE, and so is an object that contains itself.
function normalize(value, path, key, seen = new Set()) {
  if (typeof value === 'bigint') return INTEGER_FIELDS.has(key) ? value.toString() : weiToDecimal(value);
  if (typeof value === 'number')
    throw new MarginError('JSON_NUMBER', path, `numbers are decimal strings (or bigint wei), got the JS number ${value}`);
  if (typeof value === 'function' || typeof value === 'symbol')
    throw new MarginError('WRONG_TYPE', path, `JSON holds no ${typeof value}`);
  if (value !== null && typeof value === 'object') {
    if (seen.has(value)) throw new MarginError('WRONG_TYPE', path, 'an object that contains itself');
    seen.add(value);
    let out;
    if (Array.isArray(value)) out = Array.from(value, (v, i) => (v === undefined ? null : normalize(v, pointer(path, i), key, seen)));
    else {
      out = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalize(v, pointer(path, k), k, seen);
    }
    seen.delete(value);
    return out;
  }
  return value;
}

function text(input, root) {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') throw new MarginError('JSON_NUMBER', root, `expected an object or a JSON string, got ${describe(input)}`);
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new MarginError('WRONG_TYPE', root, `expected an object or a JSON string, got ${describe(input)}`);
  return JSON.stringify(normalize(input, root, ''));
}

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return `the JS number ${v}`;
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  return typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`;
}

// The error document of an input the wrapper refuses before the engine: the engine's layout,
// {"error":{"code","path","message"}}, so the *Text functions return, never throw, on bad input.
function errorDocument(e) {
  if (!(e instanceof MarginError)) throw e;
  return JSON.stringify({ error: { code: e.code, path: e.path, message: e.detail } });
}

function textOrError(make) {
  try {
    return make();
  } catch (e) {
    return errorDocument(e);
  }
}

// The engine's cap on a document (core/include/core/limits.hpp: 16 MiB). A longer text is
// copied cut to just past the cap, so the engine answers JSON_TOO_LARGE as the CLI does (it
// reads at most cap + 1 bytes), without the whole text in the wasm heap.
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

// Calls an exported C function; each string argument goes as a pointer and its byte length
// (a NUL byte inside is the engine's to report, not the end of the text). Returns its string result.
function call(fn, ...args) {
  const ptrs = [];
  try {
    const values = [];
    for (const a of args) {
      if (typeof a !== 'string') {
        values.push(a);
        continue;
      }
      const n = Math.min(engine.lengthBytesUTF8(a), MAX_DOCUMENT_BYTES + 4) + 1;
      const p = engine._malloc(n);
      if (!p) throw new MarginError('OUT_OF_MEMORY', '', 'the engine could not allocate the input');
      ptrs.push(p);
      values.push(p, engine.stringToUTF8(a, p, n));  // bytes written, cut at a character boundary
    }
    const out = fn(...values);
    if (!out) throw new MarginError('OUT_OF_MEMORY', '', 'the engine could not allocate the response');
    const s = engine.UTF8ToString(out);
    engine._margin_free(out);
    return s;
  } finally {
    for (const p of ptrs) engine._free(p);
  }
}

function parsed(response) {
  const doc = JSON.parse(response);
  if (doc.error) throw new MarginError(doc.error.code, doc.error.path, doc.error.message);
  return doc;
}

/** The exact response bytes (compact JSON, as `margin batch`), error documents included: never
 *  throws on a bad input (a JS number, null, an array, NaN, a bigint, undefined, ...) but returns
 *  its error document, {"error":{"code","path","message"}}. */
export function computeMarginText(request) {
  return textOrError(() => call(engine._margin_compute, text(request, '')));
}

/** Equity, IM, MM and the rest for a request; throws MarginError on an error document.
 *  options.bigint: every decimal string of the result as bigint wei. */
export function computeMargin(request, options = {}) {
  return finish(parsed(call(engine._margin_compute, text(request, ''))), options);
}

/** The SPAN risk-array requirement (docs/span.md) of {api_version: "1", span: {contracts, positions, params}},
 *  as the exact response bytes of `margin span --compact`, error documents included. */
export function computeSpanText(request) {
  return textOrError(() => call(engine._margin_span, text(request, '')));
}

/** The SPAN risk-array requirement per combined commodity and in total; throws MarginError on an error document. */
export function computeSpan(request) {
  return parsed(computeSpanText(request));
}

/** The account at one scenario (portfolio model), as if it were the worst: `margin scenario`'s
 *  response with the scenario's index echoed as `scenario` (a number). options.bigint as computeMargin. */
export function evaluateScenario(request, scenarioId, options = {}) {
  const id = typeof scenarioId === 'bigint' ? Number(scenarioId) : typeof scenarioId === 'string' && /^[0-9]+$/.test(scenarioId) ? Number(scenarioId) : scenarioId;
  if (!Number.isSafeInteger(id) || id < 0 || id > 1e6) throw new MarginError('OUT_OF_RANGE', '/scenario', `no scenario ${String(scenarioId)}`);
  const { api_version, ...rest } = parsed(call(engine._margin_scenario, text(request, ''), id));
  return finish({ api_version, scenario: id, ...rest }, options);
}

/** Margin before and after a trade ({positions: [...]}). options.bigint as computeMargin. */
export function previewTrade(request, trade, options = {}) {
  return finish(parsed(call(engine._margin_preview, text(request, ''), text(trade, '/trade'))), options);
}

/** VaR and ES of a risk request (docs/risk.md: a margin request with "risk" and "history"), as the
 *  exact response bytes of `margin var --compact`, error documents included. `options.synthetic`:
 *  the series the request's "history" lacks come from the shipped SYNTHETIC history first, as
 *  `margin var --synthetic`. */
export function computeRiskText(request, options = {}) {
  return textOrError(() => call(engine._margin_risk, text(request, ''), options.synthetic ? 1 : 0));
}

/** VaR, ES, component ES and the worst scenarios of a risk request; throws MarginError on an error document.
 *  options.bigint: every amount as bigint wei (counts and indices stay strings). */
export function computeRisk(request, options = {}) {
  return finish(parsed(call(engine._margin_risk, text(request, ''), options.synthetic ? 1 : 0)), options);
}

/** The account under stress scenarios (docs/stress.md): the request's "stress" is a stress/1 document or
 *  a shipped set's name ("deribit", "textbook", "replays"); replays read its "history" (options.synthetic:
 *  the series it lacks from the shipped SYNTHETIC history). Compact JSON text, as `margin stress --compact`. */
export function stressTestText(request, options = {}) {
  return textOrError(() => call(engine._margin_stress, text(request, ''), options.print ? 1 : 0, options.synthetic ? 1 : 0));
}

/** P&L total and per contributor, equity, IM, MM and liquidatable per scenario; throws MarginError on an error
 *  document. options.print: the scenarios as applied (a stress/1 document) instead. */
export function stressTest(request, options = {}) {
  return parsed(call(engine._margin_stress, text(request, ''), options.print ? 1 : 0, options.synthetic ? 1 : 0));
}

/** Reverse stress (docs/stress.md): the request's "reverse_stress" ({} = the liquidation prices of every
 *  underlying held); compact JSON text, as `margin stress --reverse --compact`. */
export function reverseStressText(request) {
  return textOrError(() => call(engine._margin_stress, text(request, ''), 2, 0));
}

/** The smallest move along each direction that makes the account liquidatable; throws MarginError on an error document. */
export function reverseStress(request) {
  return parsed(call(engine._margin_stress, text(request, ''), 2, 0));
}

/** Book-level stress (docs/stress.md §Book-level stress): `book` is JSON lines (one margin request per line)
 *  or an array of requests; `scenarios` a stress/1 document (object or JSON text) or a shipped set's name
 *  ("deribit", "textbook", "replays"). options: insuranceFund (decimal string or bigint wei, default "0"),
 *  top (contributors per scenario, 0 .. 100, default 10), history (as a request's, for replays), synthetic
 *  (the series history lacks from the shipped SYNTHETIC history). Compact JSON text: the bytes of
 *  `margin stress-book --compact`, error documents included. */
export function stressBookText(book, scenarios, options = {}) {
  return textOrError(() => stressBookCall(book, scenarios, options));
}

function stressBookCall(book, scenarios, options) {
  const line = (r, i) => {  // an element is one line of the book: a request's text may not span lines
    const t = text(r, `/book/${i}`);
    if (/[\r\n]/.test(t)) throw new MarginError('WRONG_TYPE', `/book/${i}`, 'a request given as text is one line of JSON');
    return t;
  };
  const lines = Array.isArray(book) ? book.map(line).join('\n') : book;
  if (typeof lines !== 'string') throw new MarginError('WRONG_TYPE', '/book', 'expected JSON lines or an array of requests');
  const top = options.top;
  if (top !== undefined && !(typeof top === 'string' || typeof top === 'bigint' || Number.isSafeInteger(top)))
    throw new MarginError('WRONG_TYPE', '/top', 'top is a whole number');
  const set = typeof scenarios === 'string' && !scenarios.trimStart().startsWith('{') ? JSON.stringify(scenarios) : text(scenarios, '/scenarios');
  const rest = normalize({
    ...(options.insuranceFund !== undefined && { insurance_fund: options.insuranceFund }),
    ...(top !== undefined && { top: String(top) }),
    ...(options.history !== undefined && { history: options.history }),
  }, '', '');
  const tail = JSON.stringify(rest).slice(1);  // the options' members after "scenarios"
  return call(engine._margin_stress_book, lines, `{"scenarios":${set}${tail === '}' ? '' : ','}${tail}`, options.synthetic ? 1 : 0);
}

/** Per scenario of a book: accounts liquidatable and newly liquidatable, the book's P&L, the shortfall
 *  (negative equity) against the insurance fund, the top contributors; throws MarginError on an error document. */
export function stressBook(book, scenarios, options = {}) {
  return parsed(stressBookCall(book, scenarios, options));
}

/** The liquidation cascade of a cascade/1 request (docs/cascade.md §Request): {api_version: "1", cascade:
 *  {mode, market, params, accounts, rule, shock, steps, ...}}. The exact bytes of `margin cascade --compact`,
 *  error documents included (never throws on a bad input). */
export function cascadeText(request) {
  return textOrError(() => call(engine._margin_cascade, text(request, '')));
}

/** The cascade's step log, totals and log_hash (with "monte_carlo": the cascade_monte_carlo document, docs/cascade-monte-carlo.md); throws MarginError on an error document.
 *  options.bigint: every amount as bigint wei (indices and counts are numbers; loss_mark.scale stays a string). */
export function cascade(request, options = {}) {
  return finish(parsed(call(engine._margin_cascade, text(request, ''))), options);
}

/** A generated book (docs/cascade-books.md): options {accounts, seed (number, string or bigint),
 *  underlyings?: ["BTC", "ETH"], mode?: "market" | "house", params?: preset name, market?: object, jsonl?: boolean}.
 *  The exact bytes of `margin cascade-book --compact` (a cascade/1 request; with jsonl, stress-book JSON lines),
 *  error documents included (never throws on a bad input). */
export function cascadeBookText(options = {}) {
  return textOrError(() => call(engine._margin_cascade_book, cascadeBookOptions(options)));
}

function cascadeBookOptions(options) {
  const whole = (v, p) => {
    if (typeof v === 'bigint' || Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string') return v;
    throw new MarginError('WRONG_TYPE', p, `${p.slice(1)} is a whole number`);
  };
  const o = {...options};  // other keys pass through: the engine names an unknown one (UNKNOWN_FIELD)
  if (o.accounts !== undefined) o.accounts = whole(o.accounts, '/accounts');
  if (o.seed !== undefined) o.seed = whole(o.seed, '/seed');
  return JSON.stringify(o);
}

/** The generated book's cascade/1 request, parsed (pass it to `cascade`); throws MarginError on an error document. */
export function cascadeBook(options = {}) {
  if (options.jsonl) throw new MarginError('WRONG_TYPE', '/jsonl', 'cascadeBook returns the request; use cascadeBookText for JSON lines');
  return parsed(call(engine._margin_cascade_book, cascadeBookOptions(options)));
}

/** The shipped SYNTHETIC price history: {label: "SYNTHETIC", description, generator, seed, first, last,
 *  history: {BTC, ETH, USDC: "date,close\n..." CSV text}}. Invented data, not market closes. */
export function syntheticHistory() {
  return shippedDocument('history/synthetic');
}

/** The request's canonical encoding (defaults explicit, keys sorted). */
export function canonicalRequest(request) {
  const s = call(engine._margin_canonical, text(request, ''));
  if (s.startsWith('{"error"')) parsed(s);
  return s;
}

/** A shipped document: "example", "standard", "pmrm2", "span16", "scenarios/pmrm2", "scenarios/span16"
 *  or "history/synthetic". */
export function shippedDocument(name) {
  const s = call(engine._margin_document, String(name));
  if (!s) throw new MarginError('UNKNOWN_DOCUMENT', '', `no shipped document "${name}"`);
  return JSON.parse(s);
}

/** The replay report of an on-chain liquidation (a "replay/1" bundle, object or JSON text), compact
 *  JSON text as `margin replay` prints it (error documents included). */
export function replayText(bundle) {
  return textOrError(() => call(engine._margin_replay, bundleText(bundle)));
}

// A bundle's integers are the chain's raw values as strings: the object goes as JSON.stringify writes it.
function bundleText(bundle) {
  if (typeof bundle === 'string') return bundle;
  if (bundle === null || typeof bundle !== 'object' || Array.isArray(bundle))
    throw new MarginError('WRONG_TYPE', '', `expected a replay bundle (an object or its JSON text), got ${describe(bundle)}`);
  return JSON.stringify(bundle);
}

/** The replay report, parsed: `match` is true when every field equals the chain's;
 *  throws MarginError for a bundle that cannot be replayed. */
export function replayLiquidation(bundle) {
  return parsed(call(engine._margin_replay, bundleText(bundle)));
}

/** Engine version and build id, as `margin --version`. */
export function version() {
  return call(engine._margin_version);
}
