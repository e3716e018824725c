// Exact decimals for the page's what-if moves: bigint wei (10^-18), results truncated toward
// zero at 18 places.
export const WAD = 10n ** 18n;
export const DECIMAL = /^-?\d+(\.\d{1,18})?$/;

/** "12.5" -> 12500000000000000000n; null if not a plain decimal of at most 18 places. */
export function toWei(s) {
  if (typeof s !== 'string' || !DECIMAL.test(s)) return null;
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt(int) * WAD + BigInt(frac.padEnd(18, '0'));
  return neg ? -v : v;
}

export function fromWei(v) {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = (a % WAD).toString().padStart(18, '0').replace(/0+$/, '');
  return (neg && a !== 0n ? '-' : '') + (a / WAD).toString() + (frac ? '.' + frac : '');
}

/** s × num / den, truncated toward zero; s unchanged if it is not a decimal (the engine then reports it). */
export function scale(s, num, den) {
  const w = toWei(s);
  return w === null ? s : fromWei((w * num) / den);
}

/** A ratio of two wei amounts as a percentage string with 2 places, truncated. */
export function percent(numWei, denWei) {
  const bp = (numWei * 10000n) / denWei;
  const neg = bp < 0n, a = neg ? -bp : bp;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}%`;
}

