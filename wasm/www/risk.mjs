// The preview page's risk panel (docs/risk.md): VaR and ES of the account shown (after
// what-if) by the engine's computeRisk, on the package's SYNTHETIC history unless a CSV was
// loaded for a symbol. The histogram and the bars are sized with JS numbers; every figure
// written is the engine's exact string.
import { signedBars } from './bars.mjs';
import { $, amount, clearFieldErrors, describe, el, fieldError, short, show, svg } from './dom.mjs';

let ctx;        // { computeRisk, current: () => request shown, base: () => request before what-if }
let SYNTHETIC;  // the package's synthetic history, {history: {symbol: csv}}
const risk = { loaded: {} /* symbol -> {name, text}: CSV files loaded */, listKey: '', seq: 0, request: null, result: null, error: null };
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
  const r = ctx.current();
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
  return signedBars(items.map((x) => ({ label: x.label, v: x.v, title: `${x.label}: ES contribution ${x.v}`,
    attrs: { class: 'component', 'data-kind': x.kind, 'data-index': x.i, 'data-asset': x.asset, 'data-es': x.v } })),
  { label: 'component ES', cls: 'components', neg: 'hedge', pos: 'risk' });
}

// The account's edits recompute the risk once they pause (a slider drag is many edits; the
// option book's historical ES costs some 300 ms in WebAssembly); the risk form's at once.
let riskTimer = null;
export function scheduleRisk() {
  if (riskTimer === null) riskTimer = setTimeout(renderRisk, 150);
}

export function renderRisk() {
  if (riskTimer !== null) { clearTimeout(riskTimer); riskTimer = null; }
  const request = riskRequest();
  const text = JSON.stringify(request);
  risk.request = text;
  clearFieldErrors($('#risk-form'));
  let res = null;
  try {
    res = ctx.computeRisk(text).risk;
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
  const held = new Set([...Object.keys(ctx.base()?.market?.underlyings ?? {}), ...Object.keys(ctx.base()?.account?.collateral ?? {}),
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

export function wireRisk(context) {
  ctx = context;
  SYNTHETIC = context.syntheticHistory();
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

/** For tests: the last risk request and answer, and whether a recomputation is pending. */
export const riskSnapshot = () => ({ request: risk.request, result: risk.result, error: risk.error, seq: risk.seq, pending: riskTimer !== null });
