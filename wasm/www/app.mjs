// The margin preview page (wasm/www/README.md): the account, what-if moves, the
// engine's figures, its scenario grid and a trade preview, all computed here by
// the margin-engine package. Every figure shown is the engine's exact decimal
// string; JS numbers only size bars and colour cells.
import { fromWei, percent, scale, toWei } from './decimals.mjs';
import { $, amount, clearFieldErrors, date, describe, el, fieldError, short, show, tabs } from './dom.mjs';
import { reverseSnapshot, runReverse, scheduleReverse, wireReverse } from './reverse.mjs';
import { riskSnapshot, scheduleRisk, wireRisk } from './risk.mjs';
import { loadStress, renderStress, scheduleStress, stressSnapshot, wireStress } from './stress.mjs';

let engine;
try {
  engine = await import('./engine/index.mjs');
} catch (e) {
  const banner = document.getElementById('load-error');
  banner.textContent = `The engine did not load: ${e.message}`;
  banner.hidden = false;
  throw e;
}
const { computeMargin, computeRisk, previewTrade, reverseStress, shippedDocument, stressTest, syntheticHistory, computeMarginText, version } = engine;

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
  for (const [id, key] of [['equity', 'equity'], ['balance', 'margin_balance'], ['im', 'initial_margin'], ['mm', 'maintenance_margin'], ['free', 'free_collateral']])
    $('#' + id).replaceChildren(amount(res?.[key]));
  $('#model').textContent = res ? res.model : '';
  const status = $('#status');
  status.className = 'tag ' + (!res ? 'bad' : res.liquidatable ? 'bad' : res.free_collateral.startsWith('-') ? 'warn' : 'good');
  status.textContent = !res ? 'error' : res.liquidatable ? 'liquidatable' : res.free_collateral.startsWith('-') ? 'below initial margin' : 'healthy';
  // The gauge measures MM against the margin balance, the number health and liquidatable use
  // (docs/api.md, "Equity"; under the scenario and es models it equals equity).
  const eq = toWei(res?.margin_balance ?? '');
  const fill = $('#gauge-fill'), mark = $('#gauge-im'), gauge = $('#gauge');
  if (!res || eq === null || eq <= 0n) {
    fill.style.width = res ? '100%' : '0';
    mark.hidden = true;
    $('#ratio').textContent = res ? '(margin balance ≤ 0)' : '';
    gauge.className = 'gauge ' + (res ? 'bad' : '');
    return;
  }
  const mm = toWei(res.maintenance_margin), im = toWei(res.initial_margin);
  const clamp = (w) => Math.max(0, Math.min(100, Number((w * 10000n) / eq) / 100));
  fill.style.width = clamp(mm) + '%';
  mark.hidden = false;
  mark.style.left = clamp(im) + '%';
  $('#ratio').textContent = `${percent(mm, eq)}; the tick is initial margin / margin balance, ${percent(im, eq)}`;
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
  const rows = [['Equity', 'equity'], ['Margin balance', 'margin_balance'], ['Initial margin', 'initial_margin'], ['Maintenance margin', 'maintenance_margin'],
    ['Free collateral', 'free_collateral'], ['Health (margin balance − MM)', 'health']];
  $('#trade-result tbody').replaceChildren(...rows.map(([label, k]) => el('tr', { 'data-key': k },
    el('th', { text: label }), el('td', { class: 'num' }, amount(out.before[k])), el('td', { class: 'num' }, amount(out.after[k])),
    el('td', { class: 'num change' }, amount(out.change[k])))),
  el('tr', { 'data-key': 'liquidatable' }, el('th', { text: 'Liquidatable' }), el('td', { class: 'num', text: String(out.before.liquidatable) }),
    el('td', { class: 'num', text: String(out.after.liquidatable) }), el('td')));
  table.hidden = false;
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
  scheduleStress();
  scheduleReverse();
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
  loadStress(request);
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
  risk: riskSnapshot, stress: stressSnapshot, reverse: reverseSnapshot };
$('#version').textContent = version();
wire();
wireRisk({ computeRisk, syntheticHistory, current, base: () => state.base });
const stressShown = () => !$('#stress-panel').hidden;
wireStress({ stressTest, current, visible: stressShown });
wireReverse({ reverseStress, current, visible: stressShown });
tabs($('#tabs'), (id) => { if (id === 'stress-panel') { renderStress(); runReverse(); } });
load(example('pmrm2'), 'pmrm2');
window.marginPreview.ready = true;
