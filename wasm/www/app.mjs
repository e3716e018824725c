// The margin preview page (wasm/www/README.md): the account, what-if moves, the
// engine's figures, its scenario grid and a trade preview, all computed here by
// the margin-engine package. Every figure shown is the engine's exact decimal
// string; JS numbers only size bars and colour cells.
let engine;
try {
  engine = await import('./engine/index.mjs');
} catch (e) {
  const banner = document.getElementById('load-error');
  banner.textContent = `The engine did not load: ${e.message}`;
  banner.hidden = false;
  throw e;
}
const { computeMargin, computeRisk, previewTrade, shippedDocument, syntheticHistory, computeMarginText, version } = engine;

// ---------------------------------------------------------------- decimals
// What-if moves are exact: decimals as bigint wei (10^-18), results truncated
// toward zero at 18 places.
const WAD = 10n ** 18n;
const DECIMAL = /^-?\d+(\.\d{1,18})?$/;

/** "12.5" -> 12500000000000000000n; null if not a plain decimal of at most 18 places. */
function toWei(s) {
  if (typeof s !== 'string' || !DECIMAL.test(s)) return null;
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt(int) * WAD + BigInt(frac.padEnd(18, '0'));
  return neg ? -v : v;
}

function fromWei(v) {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = (a % WAD).toString().padStart(18, '0').replace(/0+$/, '');
  return (neg && a !== 0n ? '-' : '') + (a / WAD).toString() + (frac ? '.' + frac : '');
}

/** s × num / den, truncated toward zero; s unchanged if it is not a decimal (the engine then reports it). */
function scale(s, num, den) {
  const w = toWei(s);
  return w === null ? s : fromWei((w * num) / den);
}

/** A ratio of two wei amounts as a percentage string with 2 places, truncated. */
function percent(numWei, denWei) {
  const bp = (numWei * 10000n) / denWei;
  const neg = bp < 0n, a = neg ? -bp : bp;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}%`;
}

// ---------------------------------------------------------------- DOM helpers
const $ = (sel, root = document) => root.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * An exact decimal, integer digits grouped: "-1,234.5678" (its textContent
 * without the commas is the engine's string). With `places`, the fraction shown
 * is cut to that many digits; the exact figure stays in the title.
 */
function amount(s, places) {
  if (typeof s !== 'string') return el('span', { class: 'amount empty', text: '—' });
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const shown = places === undefined ? frac : frac.slice(0, places).padEnd(places, '0');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return el('span', { class: 'amount' + (neg ? ' neg' : ''), 'data-exact': s, title: s },
    el('span', { class: 'int', text: (neg ? '-' : '') + grouped }),
    shown ? el('span', { class: 'frac', text: '.' + shown }) : null);
}

/** A short label for a heatmap cell ("-12.3k"); the exact figure is in its title. */
function short(s) {
  const x = Number(s), a = Math.abs(x);
  if (a >= 1e6) return (x / 1e6).toFixed(1) + 'M';
  if (a >= 1e3) return (x / 1e3).toFixed(1) + 'k';
  return x.toFixed(a >= 100 ? 0 : 1);
}

const date = (unix) => new Date(Number(unix) * 1000).toISOString().slice(0, 10);

function describe(p) {
  if (!p || typeof p !== 'object') return 'position';
  if (p.type === 'option') return `${p.underlying} ${p.strike} ${p.option_type === 'put' ? 'put' : 'call'} ${date(p.expiry)}`;
  if (p.type === 'future') return `${p.underlying} future ${date(p.expiry)}`;
  return `${p.underlying} ${p.type ?? 'position'}`;
}

// ---------------------------------------------------------------- state
const state = {
  base: null,        // the request as loaded and edited (before what-if)
  spot: 0, vol: 0,   // what-if moves in percent
  target: '*',       // the underlying the moves apply to ('*' = all)
  trade: null,       // the last previewed trade, re-run when the account changes
  error: null,       // the engine's error for the current request
};

function example(name) {
  const ex = shippedDocument('example');
  if (name === 'pmrm2' || name === 'span16') return { ...ex, params: name };
  if (name === 'empty') return { ...ex, account: { cash: '25000', positions: [] } };
  return ex;
}

/** The request with the what-if moves applied. */
function shocked(request, spotPct, volPct, target) {
  const r = structuredClone(request);
  const market = r.market && typeof r.market === 'object' ? r.market : {};
  const s = [BigInt(100 + spotPct), 100n];
  const v = [BigInt(100 + volPct) ** 2n, 10000n];  // total variance scales with the square
  const list = (a) => (Array.isArray(a) ? a : []);
  for (const [name, u] of Object.entries(market.underlyings ?? {})) {
    if ((target !== '*' && target !== name) || !u || typeof u !== 'object') continue;
    if (spotPct !== 0) {
      for (const k of ['spot', 'perp_mark']) if (k in u) u[k] = scale(u[k], ...s);
      for (const e of list(u.expiries)) if (e && 'forward' in e) e.forward = scale(e.forward, ...s);
      const c = market.collateral?.[name];
      if (c && 'price' in c) c.price = scale(c.price, ...s);
    }
    if (volPct !== 0) {
      for (const e of list(u.expiries)) if (e?.svi) for (const k of ['a', 'b']) if (k in e.svi) e.svi[k] = scale(e.svi[k], ...v);
      for (const p of list(r.account?.positions))
        if (p?.underlying === name && 'mark_vol' in p) p.mark_vol = scale(p.mark_vol, BigInt(100 + volPct), 100n);
    }
  }
  return r;
}

const current = () => shocked(state.base, state.spot, state.vol, state.target);
const positions = () => (Array.isArray(state.base?.account?.positions) ? state.base.account.positions : []);

// ---------------------------------------------------------------- errors
function show(box, err) {
  box.hidden = !err;
  box.replaceChildren();
  if (!err) return;
  box.append(el('code', { text: err.code }), ' ', err.detail ?? err.message,
    err.path ? el('span', { class: 'path', text: ` at ${err.path}` }) : null);
}

function fieldError(form, field, err) {
  const slot = form.querySelector(`[data-error-for="${field}"]`);
  const input = form.querySelector(`[name="${field}"]`);
  if (slot) { slot.textContent = err ? `${err.code}: ${err.detail}` : ''; slot.hidden = !err; }
  if (input) input.classList.toggle('invalid', !!err);
  return !!(slot || input);
}

function clearFieldErrors(form) {
  for (const s of form.querySelectorAll('[data-error-for]')) { s.textContent = ''; s.hidden = true; }
  for (const i of form.querySelectorAll('.invalid')) i.classList.remove('invalid');
}

/** Where an account request's error belongs: a position row, the what-if market, or the request itself. */
function placeError(err) {
  state.error = err;
  show($('#compute-error'), err && { ...err, detail: 'the request was refused (the message is next to the field)' });
  const pos = err?.path.match(/^\/account\/positions\/(\d+)/);
  show($('#positions-error'), pos ? err : null);
  show($('#whatif-error'), err?.path.startsWith('/market') ? err : null);
  const elsewhere = err && !pos && !err.path.startsWith('/market');
  show($('#json-error'), elsewhere ? err : null);
  if (elsewhere || err?.path.startsWith('/market')) $('#json-details').open = true;
}

// ---------------------------------------------------------------- order forms
// One form for "add a position" and "trade preview": the fields of a position.
function buildOrderForm(form, submitLabel, onSubmit) {
  const market = state.base?.market?.underlyings ?? {};
  const names = Object.keys(market);
  const field = (name, label, input) => el('label', { class: `field f-${name}` }, el('span', { text: label }), input,
    el('span', { class: 'field-error', 'data-error-for': name, hidden: true }));
  const select = (name, options) => el('select', { name }, options.map(([v, t]) => el('option', { value: v, text: t })));
  form.replaceChildren(
    field('type', 'Type', select('type', [['option', 'Option'], ['perp', 'Perpetual'], ['future', 'Future']])),
    field('underlying', 'Underlying', select('underlying', names.map((n) => [n, n]))),
    field('expiry', 'Expiry', select('expiry', [])),
    field('strike', 'Strike', el('input', { name: 'strike', inputmode: 'decimal', placeholder: 'e.g. 100000' })),
    field('option_type', 'Call/put', select('option_type', [['call', 'Call'], ['put', 'Put']])),
    field('size', 'Size (+ long, − short)', el('input', { name: 'size', inputmode: 'decimal', placeholder: 'e.g. -1.5' })),
    field('entry_price', 'Entry price', el('input', { name: 'entry_price', inputmode: 'decimal', placeholder: 'at the mark' })),
    el('button', { type: 'submit', text: submitLabel }));
  const sync = () => {
    const type = form.elements.type.value;
    const u = market[form.elements.underlying.value];
    const expiries = Array.isArray(u?.expiries) ? u.expiries : [];
    const keep = form.elements.expiry.value;
    form.elements.expiry.replaceChildren(...expiries.map((e) => el('option', { value: e.expiry, text: `${date(e.expiry)} (${e.expiry})` })));
    if (keep) form.elements.expiry.value = keep;
    form.querySelector('.f-expiry').hidden = type === 'perp';
    form.querySelector('.f-strike').hidden = form.querySelector('.f-option_type').hidden = type !== 'option';
    form.querySelector('.f-entry_price').hidden = type === 'option';
  };
  form.elements.type.addEventListener('change', sync);
  form.elements.underlying.addEventListener('change', sync);
  sync();
  form.onsubmit = (ev) => { ev.preventDefault(); clearFieldErrors(form); onSubmit(readOrder(form)); };
}

/** The position the form describes; optional fields left empty are omitted, required ones sent as typed. */
function readOrder(form) {
  const f = (n) => form.elements[n].value.trim();
  const p = { type: f('type'), underlying: f('underlying') };
  if (p.type !== 'perp') p.expiry = f('expiry');
  if (p.type === 'option') { p.strike = f('strike'); p.option_type = f('option_type'); }
  p.size = f('size');
  if (p.type !== 'option' && f('entry_price') !== '') p.entry_price = f('entry_price');
  return p;
}

// ---------------------------------------------------------------- rendering
function renderSummary(res) {
  for (const [id, key] of [['equity', 'equity'], ['im', 'initial_margin'], ['mm', 'maintenance_margin'], ['free', 'free_collateral']])
    $('#' + id).replaceChildren(amount(res?.[key]));
  $('#model').textContent = res ? res.model : '';
  const status = $('#status');
  status.className = 'tag ' + (!res ? 'bad' : res.liquidatable ? 'bad' : res.free_collateral.startsWith('-') ? 'warn' : 'good');
  status.textContent = !res ? 'error' : res.liquidatable ? 'liquidatable' : res.free_collateral.startsWith('-') ? 'below initial margin' : 'healthy';
  const eq = toWei(res?.equity ?? '');
  const fill = $('#gauge-fill'), mark = $('#gauge-im'), gauge = $('#gauge');
  if (!res || eq === null || eq <= 0n) {
    fill.style.width = res ? '100%' : '0';
    mark.hidden = true;
    $('#ratio').textContent = res ? '(equity ≤ 0)' : '';
    gauge.className = 'gauge ' + (res ? 'bad' : '');
    return;
  }
  const mm = toWei(res.maintenance_margin), im = toWei(res.initial_margin);
  const clamp = (w) => Math.max(0, Math.min(100, Number((w * 10000n) / eq) / 100));
  fill.style.width = clamp(mm) + '%';
  mark.hidden = false;
  mark.style.left = clamp(im) + '%';
  $('#ratio').textContent = `${percent(mm, eq)}; the tick is initial margin / equity, ${percent(im, eq)}`;
  gauge.setAttribute('aria-valuenow', String(clamp(mm)));
  gauge.className = 'gauge ' + status.className.replace('tag ', '');
}

function renderPositions(res) {
  const body = $('#positions tbody');
  body.replaceChildren();
  // the portfolio model margins the account as a whole, not position by position
  $('#positions').classList.toggle('portfolio', res?.model === 'portfolio');
  const errRow = state.error?.path.match(/^\/account\/positions\/(\d+)(?:\/([^/]+))?/);
  positions().forEach((p, i) => {
    const r = res?.positions?.[i];
    const bad = errRow && Number(errRow[1]) === i;
    const size = el('input', { class: 'size' + (bad && errRow[2] === 'size' ? ' invalid' : ''), name: 'size', value: p?.size ?? '',
      'aria-label': `size of ${describe(p)}`, inputmode: 'decimal' });
    size.addEventListener('change', () => { p.size = size.value.trim(); changed(); });
    body.append(el('tr', { class: bad ? 'has-error' : '', 'data-index': i },
      el('td', {}, el('div', { class: 'instrument', text: describe(p) }), p?.id ? el('div', { class: 'id', text: p.id }) : null),
      el('td', {}, size),
      el('td', { class: 'num' }, amount(r?.mark_price, 2)),
      el('td', { class: 'num' }, amount(r?.value, 2)),
      el('td', { class: 'num' }, amount(r?.greeks?.delta, 4)),
      el('td', { class: 'num per-position' }, amount(r?.initial_margin, 2)),
      el('td', { class: 'num per-position' }, amount(r?.maintenance_margin, 2)),
      el('td', {}, el('button', { class: 'remove', type: 'button', title: 'remove', 'aria-label': `remove ${describe(p)}`,
        text: '×', onclick: () => { positions().splice(i, 1); changed(); } }))));
    if (bad) body.append(el('tr', { class: 'error-row' }, el('td', { colspan: 8 },
      el('div', { class: 'error' }, el('code', { text: state.error.code }), ' ', state.error.detail,
        el('span', { class: 'path', text: ` at ${state.error.path}` })))));
  });
  if (positions().length === 0) body.append(el('tr', {}, el('td', { colspan: 8, class: 'hint', text: 'No positions.' })));
}

/** The scenario list the portfolio result's scenario_pnl indexes, or null (standard model). */
function scenarioList(request) {
  try {
    let p = request.params ?? 'standard';
    if (typeof p === 'string') p = p === 'standard' ? null : shippedDocument(p);
    if (p?.version !== 'portfolio/1') return null;
    const s = p.scenarios;
    return typeof s === 'string' ? shippedDocument('scenarios/' + s).scenarios : Array.isArray(s?.scenarios) ? s.scenarios : null;
  } catch { return null; }
}

function cellStyle(wei, maxAbs) {
  if (maxAbs === 0n || wei === null) return '';
  const t = Math.min(1, Number((wei < 0n ? -wei : wei) * 1000n / maxAbs) / 1000);
  return wei < 0n ? `background: rgba(200, 40, 40, ${0.1 + 0.75 * t})` : `background: rgba(30, 140, 90, ${0.08 + 0.5 * t})`;
}

/** A grid: rows × columns of {pnl, title, worst}; labels given. */
function grid(rowLabels, colLabels, cell) {
  let maxAbs = 0n;
  const cells = rowLabels.map((_, r) => colLabels.map((_, c) => {
    const x = cell(r, c);
    if (x?.pnl !== undefined) { const w = toWei(x.pnl); if (w !== null && (w < 0n ? -w : w) > maxAbs) maxAbs = w < 0n ? -w : w; }
    return x;
  }));
  return el('table', { class: 'heatmap' },
    el('thead', {}, el('tr', {}, el('th', { text: 'vol ╲ spot' }), colLabels.map((c) => el('th', { text: c })))),
    el('tbody', {}, rowLabels.map((rl, r) => el('tr', {}, el('th', { text: rl }), colLabels.map((_, c) => {
      const x = cells[r][c];
      if (!x) return el('td', { class: 'none' });
      if (x.error) return el('td', { class: 'none', title: x.error, text: 'err' });
      return el('td', { class: x.worst ? 'worst' : '', title: x.title, style: cellStyle(toWei(x.pnl), maxAbs),
        'data-pnl': x.pnl, 'data-scenario': x.id ?? '' }, short(x.pnl), x.worst ? el('span', { class: 'flag', text: 'worst' }) : null);
    })))));
}

const VOL_ROWS = [['up', 'vol up'], ['none', 'vol flat'], ['down', 'vol down'], ['linear_skew', 'skew (linear)'], ['abs_skew', 'skew (abs)']];

function renderHeatmaps(request, res) {
  const box = $('#heatmaps');
  box.replaceChildren();
  if (!res) { $('#heatmap-caption').textContent = ''; return; }
  const list = res.model === 'portfolio' ? scenarioList(request) : null;
  if (list) {
    $('#heatmap-caption').textContent = 'Each underlying\'s P&L in every scenario of the model (what sets the maintenance margin); the worst is marked. Hover a cell for the exact figure.';
    const spots = [...new Set(list.map((s) => s.spot_shock))].sort((a, b) => (toWei(a) < toWei(b) ? -1 : 1));
    const rows = VOL_ROWS.filter(([k]) => list.some((s) => s.vol === k));
    for (const u of res.underlyings ?? []) {
      if (u.underlying === null) continue;
      const worst = Number(u.worst_scenario);
      const table = grid(rows.map(([, t]) => t), spots.map((s) => `×${s}`), (r, c) => {
        const id = list.findIndex((s) => s.vol === rows[r][0] && s.spot_shock === spots[c]);
        if (id < 0) return null;
        return { id, pnl: u.scenario_pnl[id], worst: id === worst,
          title: `scenario ${id}: spot ×${list[id].spot_shock}, vol ${list[id].vol}, weight ${list[id].weight}\nP&L ${u.scenario_pnl[id]}` };
      });
      const worstText = worst >= list.length ? 'the basis contingency' : `scenario ${worst} (spot ×${list[worst].spot_shock}, vol ${list[worst].vol})`;
      box.append(el('div', { class: 'heatmap-box' },
        el('h3', { text: u.underlying }),
        el('p', { class: 'hint' }, 'Worst: ', worstText, ', loss ', amount(u.worst_loss), '; basis contingency ', amount(u.basis_contingency), '.'),
        el('div', { class: 'scroll' }, table)));
    }
    return;
  }
  // The standard model has no scenario grid: re-run the engine on moved markets.
  $('#heatmap-caption').textContent = 'Standard margin has no scenario grid: equity change when the engine re-runs with spot and vol moved from the current state (moves apply to the selected underlyings). The worst is marked.';
  const spotMoves = [-20, -10, -5, 0, 5, 10, 20], volMoves = [50, 25, 0, -25];
  const eq = toWei(res.equity);
  const now = current();
  let worst = null;
  const results = volMoves.map((v) => spotMoves.map((s) => {
    try {
      const r = computeMargin(shocked(now, s, v, state.target)).result;
      const d = toWei(r.equity) - eq;
      if (worst === null || d < worst.d) worst = { d, s, v };
      return { pnl: fromWei(d), title: `spot ${s}%, vol ${v}%\nequity change ${fromWei(d)}\nMM ${r.maintenance_margin}` };
    } catch (e) { return { error: `${e.code}: ${e.detail}` }; }
  }));
  const table = grid(volMoves.map((v) => `vol ${v > 0 ? '+' : ''}${v}%`), spotMoves.map((s) => `${s > 0 ? '+' : ''}${s}%`), (r, c) => {
    const x = results[r][c];
    return worst && volMoves[r] === worst.v && spotMoves[c] === worst.s ? { ...x, worst: true } : x;
  });
  box.append(el('div', { class: 'heatmap-box' }, el('div', { class: 'scroll' }, table)));
}

function renderTrade() {
  const form = $('#trade-form');
  const table = $('#trade-result');
  show($('#trade-error'), null);
  if (!state.trade) { table.hidden = true; return; }
  let out;
  try {
    out = previewTrade(current(), { positions: [state.trade] });
  } catch (e) {
    table.hidden = true;
    const field = e.path.match(/^\/trade\/positions\/0\/([^/]+)/);
    if (!(field && fieldError(form, field[1], e))) show($('#trade-error'), e);
    return;
  }
  const rows = [['Equity', 'equity'], ['Initial margin', 'initial_margin'], ['Maintenance margin', 'maintenance_margin'],
    ['Free collateral', 'free_collateral'], ['Health (equity − MM)', 'health']];
  $('#trade-result tbody').replaceChildren(...rows.map(([label, k]) => el('tr', { 'data-key': k },
    el('th', { text: label }), el('td', { class: 'num' }, amount(out.before[k])), el('td', { class: 'num' }, amount(out.after[k])),
    el('td', { class: 'num change' }, amount(out.change[k])))),
  el('tr', { 'data-key': 'liquidatable' }, el('th', { text: 'Liquidatable' }), el('td', { class: 'num', text: String(out.before.liquidatable) }),
    el('td', { class: 'num', text: String(out.after.liquidatable) }), el('td')));
  table.hidden = false;
}

// ---------------------------------------------------------------- risk (docs/risk.md)
// VaR and ES of the account shown (after what-if) by the engine's computeRisk, on the shipped
// SYNTHETIC history unless a CSV was loaded for a symbol. The histogram and the bars are sized
// with JS numbers; every figure written is the engine's exact string.
const SYNTHETIC = syntheticHistory();
const risk = { loaded: {} /* symbol -> {name, text}: CSV files loaded */, listKey: '', seq: 0, request: null, result: null, error: null };
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** The risk parameters from the form: every field sent as typed (the engine checks them). */
function riskParams() {
  const f = $('#risk-form').elements;
  const p = { method: f.method.value, confidence: f.confidence.value.trim(), horizon_days: f.horizon_days.value.trim(),
    lookback_days: f.lookback_days.value.trim() };
  if (p.method === 'monte_carlo') {
    Object.assign(p, { paths: f.paths.value.trim(), seed: f.seed.value.trim(), innovations: f.innovations.value });
    if (p.innovations === 'student_t') p.dof = f.dof.value.trim();
  }
  if (p.method !== 'parametric') p.include_pnl = true;
  return p;
}

/** The risk request: the account as shown, the form's parameters, loaded series over the synthetic ones. */
function riskRequest() {
  const r = current();
  r.risk = riskParams();
  r.history = { ...SYNTHETIC.history };
  for (const [sym, { text }] of Object.entries(risk.loaded)) r.history[sym] = text;
  return r;
}

function histogramChart(res) {
  const W = 640, H = 220, L = 8, R = 8, T = 22, B = 34;
  const varX = -Number(res.var), esX = -Number(res.es);  // losses are -P&L: the lines sit at -VaR and -ES
  let lo, hi, bars = [], curve = null;
  if (res.pnl) {
    const xs = res.pnl.map(Number);
    lo = Math.min(...xs, esX); hi = Math.max(...xs, 0);
    if (hi === lo) hi = lo + 1;
    const n = 48, w = (hi - lo) / n;
    const counts = new Array(n).fill(0);
    for (const x of xs) counts[Math.min(n - 1, Math.floor((x - lo) / w))]++;
    bars = counts.map((c, i) => ({ x0: lo + i * w, x1: lo + (i + 1) * w, c }));
  } else {  // parametric: the normal P&L density with the engine's sigma
    const s = Number(res.sigma) || 1;
    lo = Math.min(-4.2 * s, esX); hi = 4.2 * s;
    curve = Array.from({ length: 121 }, (_, i) => { const x = lo + (hi - lo) * i / 120; return [x, Math.exp(-0.5 * (x / s) ** 2)]; });
  }
  const maxC = bars.length ? Math.max(...bars.map((b) => b.c)) : 1;
  const sx = (x) => L + (x - lo) / (hi - lo) * (W - L - R);
  // bars: height by the square root of the count, so that the tail's few scenarios show
  const sy = (c) => H - B - (bars.length ? Math.sqrt(c / maxC) : c) * (H - T - B);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'histogram', role: 'img',
    'aria-label': `P&L distribution with VaR ${res.var} and ES ${res.es}` });
  for (const b of bars) {
    if (!b.c) continue;
    chart.append(svg('rect', { x: sx(b.x0) + 0.5, y: sy(b.c), width: Math.max(1, sx(b.x1) - sx(b.x0) - 1), height: H - B - sy(b.c),
      class: b.x1 <= varX ? 'bar tail' : 'bar', 'data-count': b.c }, svg('title', {}, `${b.c} scenarios, P&L ${b.x0.toFixed(0)} … ${b.x1.toFixed(0)}`)));
  }
  if (curve) chart.append(svg('polyline', { class: 'density', points: curve.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ') }));
  chart.append(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis' }));
  for (const [x, t] of [[lo, lo], [0, 0], [hi, hi]]) {
    chart.append(svg('text', { x: sx(x), y: H - B + 14, class: 'tick', 'text-anchor': x === lo ? 'start' : x === hi ? 'end' : 'middle' }, short(String(t))));
  }
  const line = (x, cls, label, exact, dy) => chart.append(svg('g', { class: `marker ${cls}`, 'data-value': exact },
    svg('line', { x1: sx(x), x2: sx(x), y1: T - 8, y2: H - B }),
    svg('text', { x: sx(x) + 4, y: T - 10 + dy, class: 'marker-label' }, `${label} ${short(exact)}`)));
  line(esX, 'es', 'ES', res.es, 0);
  line(varX, 'var', 'VaR', res.var, 12);
  chart.append(svg('text', { x: W / 2, y: H - 4, class: 'tick', 'text-anchor': 'middle' },
    res.pnl ? `scenario P&L over ${res.horizon_days} days (${res.pnl.length} scenarios, bar height ∝ √count); losses left of 0`
      : `normal P&L density, σ ${short(res.sigma)}`));
  return chart;
}

function componentChart(request, res) {
  const items = res.es_by_position.map((v, i) => ({ label: describe(request.account.positions[i]), v, kind: 'position', i }))
    .concat(Object.entries(res.es_by_collateral).map(([a, v]) => ({ label: `collateral ${a}`, v, kind: 'collateral', asset: a })));
  if (!items.length) return el('p', { class: 'hint', text: 'Nothing moves.' });
  const max = Math.max(...items.map((x) => Math.abs(Number(x.v))), 1e-18);
  const W = 640, row = 22, lw = 230, mid = lw + (W - lw) / 2, half = (W - lw) / 2 - 8;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${items.length * row + 6}`, class: 'components', role: 'img', 'aria-label': 'component ES' });
  items.forEach((x, k) => {
    const w = Math.abs(Number(x.v)) / max * half, y = k * row + 3, neg = x.v.startsWith('-');
    chart.append(svg('g', { class: 'component', 'data-kind': x.kind, 'data-index': x.i, 'data-asset': x.asset, 'data-es': x.v },
      svg('title', {}, `${x.label}: ES contribution ${x.v}`),
      svg('text', { x: 0, y: y + 14, class: 'clabel' }, x.label),
      svg('rect', { x: neg ? mid - w : mid, y: y + 2, width: Math.max(w, 0.5), height: row - 6, class: neg ? 'hedge' : 'risk' }),
      svg('text', { x: neg ? mid + 4 : mid - 4, y: y + 14, class: 'cvalue', 'text-anchor': neg ? 'start' : 'end' }, short(x.v))));
  });
  chart.append(svg('line', { x1: mid, x2: mid, y1: 0, y2: items.length * row + 6, class: 'axis' }));
  return chart;
}

// The account's edits recompute the risk once they pause (a slider drag is many edits; the
// option book's historical ES costs some 300 ms in WebAssembly); the risk form's at once.
let riskTimer = null;
function scheduleRisk() {
  if (riskTimer === null) riskTimer = setTimeout(renderRisk, 150);
}

function renderRisk() {
  if (riskTimer !== null) { clearTimeout(riskTimer); riskTimer = null; }
  const request = riskRequest();
  const text = JSON.stringify(request);
  risk.request = text;
  clearFieldErrors($('#risk-form'));
  let res = null;
  try {
    res = computeRisk(text).risk;
    risk.error = null;
  } catch (e) {
    risk.error = { code: e.code, path: e.path, message: e.detail };
    const field = e.path?.match(/^\/risk\/([^/]+)$/);
    if (!(field && fieldError($('#risk-form'), field[1], e))) show($('#risk-error'), e);
  }
  if (!risk.error) show($('#risk-error'), null);
  risk.result = res;
  const method = request.risk.method;
  $('#risk-form').dataset.method = method;
  $('#risk-form').querySelector('.t').hidden = method !== 'monte_carlo' || request.risk.innovations !== 'student_t';
  for (const m of $('#risk-form').querySelectorAll('.mc')) if (!m.classList.contains('t')) m.hidden = method !== 'monte_carlo';
  $('#risk-method-tag').textContent = method.replace('_', ' ');
  const conf = request.risk.confidence, h = request.risk.horizon_days;
  $('#var-label').textContent = `VaR ${conf}, ${h} days`;
  $('#es-label').textContent = `Expected shortfall ${conf}, ${h} days`;
  $('#risk-var').replaceChildren(amount(res?.var));
  $('#risk-es').replaceChildren(amount(res?.es));
  const loaded = Object.keys(risk.loaded);
  $('#history-tag').hidden = ['BTC', 'ETH', 'USDC'].every((s) => loaded.includes(s));
  if (!res) {
    for (const id of ['#risk-histogram', '#risk-components', '#risk-worst tbody']) $(id).replaceChildren();
    $('#risk-caption').textContent = $('#risk-hash').textContent = '';
  } else {
    $('#risk-caption').textContent = `Window ${res.window.first} … ${res.window.last}; ` + (res.scenarios
      ? `${res.scenarios} scenarios, the tail is the ${res.tail_count} worst.` : `σ of the ${h}-day P&L ${res.sigma}.`);
    $('#risk-histogram').replaceChildren(histogramChart(res));
    $('#risk-components').replaceChildren(componentChart(request, res));
    $('#risk-worst-label').textContent = method === 'monte_carlo' ? 'Path' : 'Date';
    $('#risk-worst').hidden = $('#risk-worst-title').hidden = !res.worst;
    $('#risk-worst tbody').replaceChildren(...(res.worst ?? []).slice(0, 5).map((w) => el('tr', { 'data-scenario': w.scenario },
      el('td', { text: w.scenario }), el('td', { text: w.date ?? w.path }), el('td', { class: 'num' }, amount(w.pnl, 2)))));
    $('#risk-hash').textContent = res.pnl_hash ? `pnl_hash ${res.pnl_hash}` : 'parametric: no scenario vector';
  }
  renderHistoryList();
  risk.seq++;
}

function renderHistoryList() {
  const held = new Set([...Object.keys(state.base?.market?.underlyings ?? {}), ...Object.keys(state.base?.account?.collateral ?? {}),
    ...Object.keys(SYNTHETIC.history)]);
  // rebuilt only when it changes: a click on its × may arrive just after a blur re-rendered the panel
  const key = JSON.stringify([...held].sort().map((s) => [s, risk.loaded[s]?.name ?? null]));
  if (key === risk.listKey) return;
  risk.listKey = key;
  const sel = $('#history-symbol'), keep = sel.value;
  sel.replaceChildren(...[...held].sort().map((s) => el('option', { value: s, text: s })));
  if (keep && held.has(keep)) sel.value = keep;
  $('#history-list').replaceChildren(...[...held].sort().map((s) => risk.loaded[s]
    ? el('span', { class: 'series loaded', 'data-symbol': s }, `${s}: ${risk.loaded[s].name} `,
      el('button', { class: 'remove', type: 'button', title: `back to the synthetic ${s}`, text: '×',
        onclick: () => { delete risk.loaded[s]; renderRisk(); } }))
    : el('span', { class: 'series' + (SYNTHETIC.history[s] ? ' synthetic' : ' none'), 'data-symbol': s,
      text: `${s}: ${SYNTHETIC.history[s] ? 'synthetic' : 'none'}` })));
}

function wireRisk() {
  const form = $('#risk-form');
  form.addEventListener('change', renderRisk);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); renderRisk(); });
  $('#history-file').addEventListener('change', async (ev) => {
    const f = ev.target.files[0];
    if (!f) return;
    risk.loaded[$('#history-symbol').value] = { name: f.name, text: await f.text() };
    ev.target.value = '';
    renderRisk();
  });
}

// ---------------------------------------------------------------- flow
/** Recomputes everything from the state. */
function refresh() {
  const request = current();
  $('#current-request').textContent = JSON.stringify(request, null, 2);
  let res = null;
  try {
    res = computeMargin(request).result;
    placeError(null);
  } catch (e) {
    placeError(e);
  }
  window.marginPreview.result = res;
  renderSummary(res);
  renderPositions(res);
  renderHeatmaps(request, res);
  renderTrade();
  scheduleRisk();
}

/** After an edit of the account: the JSON view follows. */
function changed() {
  $('#json').value = JSON.stringify(state.base, null, 2);
  refresh();
}

function load(request, exampleName) {
  state.base = request;
  $('#example').value = exampleName;
  state.spot = state.vol = 0;
  $('#spot').value = $('#vol').value = '0';
  $('#spot-out').textContent = $('#vol-out').textContent = '0%';
  const names = Object.keys(request?.market?.underlyings ?? {});
  state.target = '*';
  $('#whatif-underlying').replaceChildren(el('option', { value: '*', text: 'all underlyings' }), ...names.map((n) => el('option', { value: n, text: n })));
  buildOrderForm($('#add-form'), 'Add position', (p) => {
    if (!Array.isArray(state.base.account?.positions)) (state.base.account ??= {}).positions = [];
    state.base.account.positions.push(p);
    changed();
  });
  buildOrderForm($('#trade-form'), 'Preview trade', (p) => { state.trade = p; renderTrade(); });
  state.trade = null;
  show($('#json-error'), null);
  changed();
}

function wire() {
  $('#example').addEventListener('change', (ev) => load(example(ev.target.value), ev.target.value));
  $('#json-apply').addEventListener('click', () => {
    const text = $('#json').value;
    let request;
    try {
      request = JSON.parse(text);
    } catch {
      // the engine's own error for the text: the same code and message as the CLI
      const doc = JSON.parse(computeMarginText(text));
      show($('#json-error'), { code: doc.error.code, detail: doc.error.message, path: doc.error.path });
      return;
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      show($('#json-error'), { code: 'WRONG_TYPE', detail: 'a request is a JSON object', path: '' });
      return;
    }
    load(request, 'custom');
  });
  const slider = (id, key) => $('#' + id).addEventListener('input', (ev) => {
    state[key] = Number(ev.target.value);
    $(`#${id}-out`).textContent = `${state[key] > 0 ? '+' : ''}${state[key]}%`;
    refresh();
  });
  slider('spot', 'spot');
  slider('vol', 'vol');
  $('#whatif-underlying').addEventListener('change', (ev) => { state.target = ev.target.value; refresh(); });
  $('#whatif-reset').addEventListener('click', () => {
    state.spot = state.vol = 0;
    $('#spot').value = $('#vol').value = '0';
    $('#spot-out').textContent = $('#vol-out').textContent = '0%';
    refresh();
  });
}

// For tests and the curious: the engine, and the exact request behind what is shown.
window.marginPreview = { engine, currentRequest: () => JSON.stringify(current()), result: null, ready: false,
  risk: () => ({ request: risk.request, result: risk.result, error: risk.error, seq: risk.seq, pending: riskTimer !== null }) };
$('#version').textContent = version();
wire();
wireRisk();
load(example('pmrm2'), 'pmrm2');
window.marginPreview.ready = true;
