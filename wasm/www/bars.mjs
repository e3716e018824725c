// Signed horizontal bars about zero, one row per item (component ES, P&L by position). Bar
// lengths are JS numbers, for drawing only; each row carries the engine's exact string.
import { el, short, svg } from './dom.mjs';

/**
 * items: [{label, v (an exact decimal string), title, attrs (the row's <g> attributes)}].
 * opts: {label (the chart's aria-label), cls (the <svg> class), neg, pos (a bar's class by sign)}.
 */
export function signedBars(items, { label, cls, neg, pos }) {
  if (!items.length) return el('p', { class: 'hint', text: 'Nothing moves.' });
  const max = Math.max(...items.map((x) => Math.abs(Number(x.v))), 1e-18);
  const W = 640, row = 22, lw = 230, mid = lw + (W - lw) / 2, half = (W - lw) / 2 - 8;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${items.length * row + 6}`, class: cls, role: 'img', 'aria-label': label });
  items.forEach((x, k) => {
    const w = Math.abs(Number(x.v)) / max * half, y = k * row + 3, negative = x.v.startsWith('-');
    chart.append(svg('g', x.attrs, svg('title', {}, x.title),
      svg('text', { x: 0, y: y + 14, class: 'clabel' }, x.label),
      svg('rect', { x: negative ? mid - w : mid, y: y + 2, width: Math.max(w, 0.5), height: row - 6, class: negative ? neg : pos }),
      svg('text', { x: negative ? mid + 4 : mid - 4, y: y + 14, class: 'cvalue', 'text-anchor': negative ? 'start' : 'end' }, short(x.v))));
  });
  chart.append(svg('line', { x1: mid, x2: mid, y1: 0, y2: items.length * row + 6, class: 'axis' }));
  return chart;
}
