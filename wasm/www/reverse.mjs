// "How far from liquidation" on the stress tab: for every underlying the account holds, the
// smallest spot move down and up (its liquidation prices) and vol move up that make the account
// as shown liquidatable — reverse stress (docs/stress.md), by the package's reverseStress. One
// direction per call and one call per task, so that the page stays responsive; recomputed when
// the account changes, not when the stress sliders move. Every figure is the engine's string.
import { fromWei, toWei } from './decimals.mjs';
import { $, amount, el, show } from './dom.mjs';

let ctx;  // { reverseStress, current: () => the request shown, visible: () => the tab is shown }

/** The page's search (docs/stress.md §Reverse stress): a 0.1% grid; the scan step and range by move. */
export const SEARCH = {
  spot_down: { grid: '0.001', scan: '0.01' },           // to -99%, the engine's range
  spot_up: { grid: '0.001', scan: '0.02', max: '3' },   // to +300%
  vol_up: { grid: '0.001', scan: '0.05', max: '5' },    // to vols × 6
};
const rv = { key: null, run: 0, directions: [], requests: [], results: [], error: null, running: false, seq: 0 };

/** Spot down and up of every underlying a position holds (in position order), vol up of those with options. */
function directions(request) {
  const held = [], options = new Set();
  for (const p of Array.isArray(request.account?.positions) ? request.account.positions : []) {
    if (typeof p?.underlying !== 'string') continue;
    if (!held.includes(p.underlying)) held.push(p.underlying);
    if (p?.type === 'option') options.add(p.underlying);
  }
  return held.flatMap((underlying) => ['spot_down', 'spot_up', ...(options.has(underlying) ? ['vol_up'] : [])]
    .map((move) => ({ move, underlying })));
}

const percent = (d) => fromWei(toWei(d) * 100n) + '%';  // exact: "0.147" -> "14.7%"

/** A direction's cell: the distance (and for a spot move the liquidation price under it), or why there is none. */
function cell(d, r) {
  const attrs = { class: 'num distance', 'data-direction': `${d.move}:${d.underlying}`, 'data-found': r && String(r.found),
    'data-distance': r?.distance, title: r && `${r.evaluations} evaluations` };
  const sign = d.move === 'spot_down' ? '−' : '+';
  if (!r) return el('td', { ...attrs, class: 'num pending', text: rv.running ? '…' : '—' });
  if (!r.found) return el('td', { ...attrs, class: 'num distance none', text: `not within ${sign}${percent(r.max)}` });
  // a bar: the distance as a share of the range searched (drawing only), red within 10%, amber within 25%
  const t = Number(r.distance), reach = el('div', { class: 'reach ' + (t < 0.1 ? 'near' : t < 0.25 ? 'mid' : 'far') });
  reach.style.width = `${Math.max(2, Math.min(100, (t / Number(r.max)) * 100))}%`;
  return el('td', { ...attrs, class: 'num distance' + (r.already_liquidatable ? ' bad' : '') },
    r.already_liquidatable ? 'already liquidatable' : `${sign}${percent(r.distance)}`,
    r.liquidation_price ? el('div', { class: 'price' }, '→ ', amount(r.liquidation_price)) : null, reach);
}

function renderTable(request) {
  const held = [...new Set(rv.directions.map((d) => d.underlying))];
  const col = (u, move) => {
    const i = rv.directions.findIndex((d) => d.underlying === u && d.move === move);
    return i < 0 ? el('td', { class: 'num hint', text: 'no options' }) : cell(rv.directions[i], rv.results[i]);
  };
  $('#reverse-table tbody').replaceChildren(...held.map((u) => el('tr', { 'data-underlying': u },
    el('th', { text: u }), el('td', { class: 'num' }, amount(request.market?.underlyings?.[u]?.spot)),
    col(u, 'spot_down'), col(u, 'spot_up'), col(u, 'vol_up'))));
  if (!held.length) $('#reverse-table tbody').append(el('tr', {}, el('td', { colspan: 5, class: 'hint', text: 'No positions.' })));
  const done = rv.results.filter(Boolean).length, status = $('#reverse-status');
  status.className = 'tag ' + (rv.error ? 'bad' : rv.running ? 'warn' : '');
  status.textContent = rv.error ? 'error' : rv.running ? `searching ${done}/${rv.directions.length}` : '';
  show($('#reverse-error'), rv.error && { code: rv.error.code, path: rv.error.path, detail: rv.error.message });
}

let timer = null;
export function scheduleReverse() {
  if (timer === null && ctx.visible()) timer = setTimeout(runReverse, 150);
}

/** Searches every direction again if the account shown changed since the last search. */
export function runReverse() {
  if (timer !== null) { clearTimeout(timer); timer = null; }
  const request = ctx.current(), key = JSON.stringify(request);
  if (key === rv.key) return;
  const run = ++rv.run;
  Object.assign(rv, { key, directions: directions(request), error: null, running: true });
  rv.requests = rv.directions.map((d) => JSON.stringify({ ...request, reverse_stress: { ...SEARCH[d.move], directions: [d] } }));
  rv.results = rv.directions.map(() => null);
  renderTable(request);
  const step = (i) => {
    if (run !== rv.run) return;  // the account changed: a newer search took over
    if (i === rv.directions.length || rv.error) {
      rv.running = false;
      rv.seq++;
      renderTable(request);
      return;
    }
    try {
      rv.results[i] = ctx.reverseStress(rv.requests[i]).reverse_stress.directions[0];
    } catch (e) {
      const d = rv.directions[i];
      rv.error = { code: e.code, path: e.path, message: `${e.detail} (${d.move} ${d.underlying})` };
    }
    renderTable(request);
    setTimeout(() => step(i + 1), 0);
  };
  setTimeout(() => step(0), 0);
}

export function wireReverse(context) {
  ctx = context;
  const cmd = (m) => `margin stress account.json --reverse --direction ${m}:SYM ${Object.entries(SEARCH[m]).map(([k, v]) => `--${k} ${v}`).join(' ')}`;
  $('#reverse-cli').textContent = Object.keys(SEARCH).map(cmd).join('\n');
}

/** For tests: the directions searched, their requests and answers, and whether a search is running or pending. */
export const reverseSnapshot = () => ({ directions: rv.directions, requests: rv.requests, results: rv.results, error: rv.error,
  seq: rv.seq, running: rv.running || timer !== null });
