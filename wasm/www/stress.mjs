// The preview page's stress tab (docs/stress.md): sliders build one stress/1 scenario for the
// account as shown (after what-if) and the package's stressTest margins the account again under
// it. The document is shown as sent, with the `margin stress --shock` line it equals, so that the
// CLI replays what the page computed. Every figure written is the engine's exact string; JS
// numbers only hold slider positions and size the bars.
import { signedBars } from './bars.mjs';
import { WAD, fromWei } from './decimals.mjs';
import { $, amount, describe, el, show } from './dom.mjs';

let ctx;  // { stressTest, current: () => the request shown, visible: () => the tab is shown }
const st = { seq: 0, request: null, document: null, shocks: [], result: null, error: null };

/** A slider position in hundredths -> its exact decimal: -30 -> "-0.3", 5 -> "0.05". */
export const hundredths = (n) => fromWei((BigInt(n) * WAD) / 100n);
const signed = (n) => `${n > 0 ? '+' : ''}${n}%`;

function controls() {
  const f = $('#stress-form').elements;
  return { lead: f.lead.value, scope: f.scope.value, spot: Number(f.spot.value), vol: Number(f.vol.value),
    rho: Number(f.rho.value), funding: Number(f.funding.value), days: f.days.value.trim() };
}

/**
 * The scenario the sliders describe over the market's underlyings `names`: the lead's spot moves
 * by the slider, every other underlying by ρ × the lead's move (the language's correlation rule,
 * vol ratio 1); the vol (relative) and funding shifts go to the lead or to every underlying.
 * Also the `--shock` specs that expand to the same scenario (its name is them, as the CLI names it).
 */
export function scenario(c, names) {
  const others = names.filter((n) => n !== c.lead);
  const common = {}, spec = [];
  if (c.vol !== 0) { common.vol = { relative: hundredths(c.vol) }; spec.push(`vol=${signed(c.vol)}`); }
  if (c.funding !== 0) {
    common.funding = { rate: hundredths(c.funding), days: c.days };
    spec.push(`funding=${signed(c.funding)}`, `funding_days=${c.days}`);
  }
  const s = { name: '', underlyings: { [c.lead]: { spot: hundredths(c.spot), ...structuredClone(common) } } };
  const shocks = [[`${c.lead}:spot=${signed(c.spot)}`, ...spec].join(',')];
  for (const n of others) {
    const moved = c.scope === 'all' && spec.length > 0;
    if (moved) s.underlyings[n] = structuredClone(common);
    (s.derived ??= {})[n] = { lead: c.lead, correlation: hundredths(c.rho) };
    shocks.push([`${n}:follow=${c.lead}`, `rho=${hundredths(c.rho)}`, ...(moved ? spec : [])].join(','));
  }
  s.name = shocks.join(' ');
  return { document: { version: 'stress/1', scenarios: [s] }, shocks };
}

// Slider moves and account edits recompute once they pause (a drag is many input events).
let timer = null;
export function scheduleStress() {
  if (timer === null && ctx.visible()) timer = setTimeout(renderStress, 120);
}

const label = (request, pointer) => {
  const pos = pointer.match(/^\/account\/positions\/(\d+)$/);
  if (pos) return describe(request.account.positions[Number(pos[1])]);
  return pointer.replace(/^\/account\/collateral\//, 'collateral ');
};

const MARGINS = [['Equity', 'equity'], ['Margin balance', 'margin_balance'], ['Initial margin', 'initial_margin'], ['Maintenance margin', 'maintenance_margin'],
  ['Free collateral', 'free_collateral'], ['Health (margin balance − MM)', 'health']];

function renderResult(request, res) {
  const s = res?.scenarios[0];
  const status = $('#stress-status');
  status.className = 'tag ' + (!s ? 'bad' : s.liquidatable ? 'bad' : s.free_collateral.startsWith('-') ? 'warn' : 'good');
  status.textContent = !s ? 'error' : s.liquidatable ? 'liquidatable' : s.free_collateral.startsWith('-') ? 'below initial margin' : 'healthy';
  $('#stress-margins tbody').replaceChildren(...(s ? [...MARGINS.map(([text, k]) => el('tr', { 'data-key': k },
    el('th', { text }), el('td', { class: 'num' }, amount(res.before[k])), el('td', { class: 'num' }, amount(s[k])))),
  el('tr', { 'data-key': 'liquidatable' }, el('th', { text: 'Liquidatable' }),
    el('td', { class: 'num', text: String(res.before.liquidatable) }), el('td', { class: 'num', text: String(s.liquidatable) }))] : []));
  const rows = s?.pnl_by_contributor ?? [];
  $('#stress-pnl tbody').replaceChildren(...rows.map((r) => el('tr', { 'data-pointer': r.pointer },
    el('td', { text: label(request, r.pointer) }),
    el('td', { class: 'num' }, amount(r.underlying_price, 2)),
    el('td', { class: 'num' }, amount(r.vol, 4)),
    el('td', { class: 'num' }, amount(r.value, 2)),
    el('td', { class: 'num pnl' }, amount(r.pnl)))));
  $('#stress-pnl tfoot').replaceChildren(el('tr', {}, el('th', { colspan: 4, text: 'Total P&L' }),
    el('td', { class: 'num pnl', id: 'stress-total' }, amount(s?.pnl))));
  $('#stress-bars').replaceChildren(s ? signedBars(rows.map((r) => ({ label: label(request, r.pointer), v: r.pnl,
    title: `${label(request, r.pointer)}: P&L ${r.pnl}`, attrs: { class: 'contributor', 'data-pointer': r.pointer, 'data-pnl': r.pnl } })),
  { label: 'P&L by position', cls: 'components', neg: 'risk', pos: 'hedge' }) : '');
}

export function renderStress() {
  if (timer !== null) { clearTimeout(timer); timer = null; }
  const c = controls();
  for (const [k, text] of [['spot', signed(c.spot)], ['vol', signed(c.vol)], ['rho', hundredths(c.rho)], ['funding', `${signed(c.funding)}/y`]])
    $(`#stress-${k}-out`).textContent = text;
  const request = ctx.current();
  const { document, shocks } = scenario(c, Object.keys(request.market?.underlyings ?? {}));
  request.stress = document;
  Object.assign(st, { request: JSON.stringify(request), document, shocks });
  $('#stress-doc').textContent = JSON.stringify(document, null, 2);
  $('#stress-cli').textContent = `margin stress account.json ${shocks.map((x) => `--shock '${x}'`).join(' ')}`;
  let res = null;
  try {
    res = ctx.stressTest(st.request).stress;
    st.error = null;
  } catch (e) {
    st.error = { code: e.code, path: e.path, message: e.detail };
  }
  show($('#stress-error'), st.error && { code: st.error.code, path: st.error.path, detail: st.error.message });
  $('#stress-days').classList.toggle('invalid', !!st.error?.path?.includes('/funding'));
  st.result = res;
  renderResult(request, res);
  st.seq++;
}

function reset() {
  const f = $('#stress-form').elements;
  for (const [k, v] of [['spot', 0], ['vol', 0], ['rho', 100], ['funding', 0]]) f[k].value = String(v);
  f.days.value = '30';
  renderStress();
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.dataset.copied = 'yes';
  } catch {
    button.dataset.copied = 'no';  // no clipboard (permissions): the text is on the page to select
  }
}

/** The lead's choices follow the market; keeps the lead if it is still listed. */
export function loadStress(request) {
  const names = Object.keys(request?.market?.underlyings ?? {});
  const sel = $('#stress-lead'), keep = sel.value;
  sel.replaceChildren(...names.map((n) => el('option', { value: n, text: n })));
  if (names.includes(keep)) sel.value = keep;
}

export function wireStress(context) {
  ctx = context;
  const form = $('#stress-form');
  form.addEventListener('input', scheduleStress);
  form.addEventListener('change', scheduleStress);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); renderStress(); });
  $('#stress-reset').addEventListener('click', reset);
  $('#stress-copy-doc').addEventListener('click', (ev) => copy($('#stress-doc').textContent, ev.target));
  $('#stress-copy-request').addEventListener('click', (ev) => copy(JSON.stringify(JSON.parse(st.request), null, 2), ev.target));
}

/** For tests: the last stress request, its scenario document and shock specs, the answer, and whether a recomputation is pending. */
export const stressSnapshot = () => ({ request: st.request, document: st.document, shocks: st.shocks, result: st.result,
  error: st.error, seq: st.seq, pending: timer !== null });
