// The page's DOM and formatting helpers: elements, SVG, exact amounts, short labels, error boxes.
export const $ = (sel, root = document) => root.querySelector(sel);

export function el(tag, attrs = {}, ...children) {
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
export function amount(s, places) {
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
export function short(s) {
  const x = Number(s), a = Math.abs(x);
  if (a >= 1e6) return (x / 1e6).toFixed(1) + 'M';
  if (a >= 1e3) return (x / 1e3).toFixed(1) + 'k';
  return x.toFixed(a >= 100 ? 0 : 1);
}

export const date = (unix) => new Date(Number(unix) * 1000).toISOString().slice(0, 10);

export function describe(p) {
  if (!p || typeof p !== 'object') return 'position';
  if (p.type === 'option') return `${p.underlying} ${p.strike} ${p.option_type === 'put' ? 'put' : 'call'} ${date(p.expiry)}`;
  if (p.type === 'future') return `${p.underlying} future ${date(p.expiry)}`;
  return `${p.underlying} ${p.type ?? 'position'}`;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

export function show(box, err) {
  box.hidden = !err;
  box.replaceChildren();
  if (!err) return;
  box.append(el('code', { text: err.code }), ' ', err.detail ?? err.message,
    err.path ? el('span', { class: 'path', text: ` at ${err.path}` }) : null);
}

export function fieldError(form, field, err) {
  const slot = form.querySelector(`[data-error-for="${field}"]`);
  const input = form.querySelector(`[name="${field}"]`);
  if (slot) { slot.textContent = err ? `${err.code}: ${err.detail}` : ''; slot.hidden = !err; }
  if (input) input.classList.toggle('invalid', !!err);
  return !!(slot || input);
}

export function clearFieldErrors(form) {
  for (const s of form.querySelectorAll('[data-error-for]')) { s.textContent = ''; s.hidden = true; }
  for (const i of form.querySelectorAll('.invalid')) i.classList.remove('invalid');
}


/** Tabs: each button[role=tab] of `nav` shows the panel its aria-controls names and hides the others; onShow(id) after. */
export function tabs(nav, onShow) {
  const buttons = [...nav.querySelectorAll('[role=tab]')];
  const select = (b) => {
    for (const x of buttons) {
      x.setAttribute('aria-selected', String(x === b));
      document.getElementById(x.getAttribute('aria-controls')).hidden = x !== b;
    }
    onShow(b.getAttribute('aria-controls'));
  };
  for (const b of buttons) b.addEventListener('click', () => select(b));
}
