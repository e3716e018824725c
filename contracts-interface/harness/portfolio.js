// Differential test of the portfolio model on the EVM: generated accounts (options across
// expiries, perps, futures, collateral) evaluated by the native engine (`margin batch`, in
// full and at each scenario) and by PortfolioMargin.sol (PortfolioHarness: grid and witness),
// compared integer for integer: every scenario's P&L, the basis contingency, the worst
// scenario, equity, contingencies, IM, MM and the liquidatable verdict, and the witness (its MM
// if it were the worst, and its verdict) at 8 scenarios per account: the worst, the basis and 6
// rotating ids, so every id is checked on many accounts (every id on the mutation runs' accounts). Then MarginEngine and GridEngine, on
// calldata from solc's own encoder: their witness and grid byte-identical to the harness's, and
// malformed calldata rejected (engineCheck).
//
//   node harness/portfolio.js MARGIN [--accounts N] [--seed S] [--out DIR] [--mutate]
//
// MARGIN is the native CLI (build/native/bin/margin). Cash is set from a first native pass
// so that equity - MM lands on chosen values (-1 wei, 0, +1 wei, and spread either side):
// the verdict is tested at its edge. --mutate then recompiles with each deliberate change in
// MUTATIONS and requires each to be caught. Exit status 0 only with 0 mismatches (and every
// mutation caught).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bytesToHex } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { compile, compileInWorker, ERRORS, DEPLOY_RUNS, DEPLOYED, CONTRACTS } from './evm.js';
import { Anvil } from './anvil.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(here, '..', '..');
const E18 = 10n ** 18n;
/// The contract these checks deploy (solc generates code for it alone).
const HARNESS = ['test/PortfolioHarness.sol:PortfolioHarness'];


// ---------------------------------------------------------------- decimals

/// Exact decimal string -> raw WAD integer (throws on more than 18 places).
export function wad(text) {
  const m = /^(-?)(\d+)(?:\.(\d{1,18}))?$/.exec(String(text));
  if (!m) throw new Error('not a decimal: ' + text);
  const v = BigInt(m[2]) * E18 + BigInt((m[3] || '').padEnd(18, '0') || '0');
  return m[1] ? -v : v;
}

/// Raw WAD integer -> canonical decimal string.
export function decimal(v) {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = (a % E18).toString().padStart(18, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + (a / E18).toString() + (frac ? '.' + frac : '');
}

// ---------------------------------------------------------------- parameters

const VOL = { none: 0, up: 1, down: 2, linear_skew: 3, abs_skew: 4 };

/// PortfolioMargin.Params's fields after `scenarios`, in declaration order (PortfolioHarness.decodeParams reads them so).
const PARAM_FIELDS = ['rangeUp', 'rangeDown', 'shortTermPower', 'longTermPower', 'minVolUp', 'dteFloorSeconds',
  'linearBaseCap', 'linearCBase', 'absBaseCap', 'absCBase', 'minKStar', 'widthScale', 'volParamStatic', 'volParamScale',
  'imFactor', 'mmFactor', 'longRateMult', 'longRateAdd', 'shortRateMult', 'shortRateAdd', 'longBaseDiscount', 'shortBaseDiscount',
  'basisUp', 'basisDown', 'basisAdd', 'basisMult',
  'pegThreshold', 'pegFactor', 'confidenceThreshold', 'confidenceMargin', 'mmPerpPercent', 'imPerpPercent', 'mmOptionPercent', 'imOptionPercent'];

/// A scenario/1 document -> PortfolioMargin.Params (raw WAD integers; dteFloorSeconds in seconds).
export function structParams(doc) {
  const v = doc.vol_shock, k = doc.skew_shock, l = doc.loss, b = doc.basis, c = doc.contingency;
  const values = [v.range_up, v.range_down, v.short_term_power, v.long_term_power, v.min_vol_up, null,
    k.linear_base_cap, k.linear_c_base, k.abs_base_cap, k.abs_c_base, k.min_k_star, k.width_scale, k.vol_param_static, k.vol_param_scale,
    l.im_factor, l.mm_factor, l.long_rate_mult, l.long_rate_add, l.short_rate_mult, l.short_rate_add, l.long_base_discount, l.short_base_discount,
    b.spot_up, b.spot_down, b.add_factor, b.mult_factor,
    c.peg_loss_threshold, c.peg_loss_factor, c.confidence_threshold, c.confidence_margin, c.mm_perp_percent, c.im_perp_percent,
    c.mm_option_percent, c.im_option_percent];
  const p = { scenarios: doc.scenarios.map((s) => ({ spotShock: wad(s.spot_shock), vol: VOL[s.vol], weight: wad(s.weight) })) };
  PARAM_FIELDS.forEach((f, i) => (p[f] = values[i] === null ? BigInt(v.dte_floor_seconds) : wad(values[i])));
  return p;
}

/// The same as PortfolioHarness.decodeParams's flat array.
export function flatParams(doc) {
  const p = structParams(doc);
  const a = [BigInt(p.scenarios.length)];
  for (const s of p.scenarios) a.push(s.spotShock, BigInt(s.vol), s.weight);
  for (const f of PARAM_FIELDS) a.push(p[f]);
  return a;
}

// ---------------------------------------------------------------- accounts

/// A deterministic generator (64-bit LCG, top 53 bits).
export function rng(seed) {
  let s = BigInt(seed) & (2n ** 64n - 1n);
  const next = () => Number((s = (s * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n) >> 11n) / 2 ** 53;
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  next.chance = (p) => next() < p;
  /// A WAD in [lo, hi) with `places` decimals.
  next.wad = (lo, hi, places = 6) => {
    const q = 10n ** BigInt(places);
    const v = BigInt(Math.round((lo + next() * (hi - lo)) * Number(q)));
    return (v * E18) / q;
  };
  return next;
}

const T0 = 1767225600;
const DAY = 86400;
const TENORS = [3600, 12 * 3600, DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 30 * DAY + 1, 45 * DAY, 90 * DAY, 180 * DAY, 365 * DAY, 730 * DAY];
const SPOTS = [100000, 3500, 150, 0.85];
const mulw = (a, b) => (a * b) / E18; // positive operands only: input generation, not the model

/// One account on one underlying ("BTC") with its market, as a JSON v1 request (pmrm2) and
/// as the flat book of PortfolioHarness.decodeBook. `cash` is filled in later.
export function generateAccount(r, collateralRules) {
  const spot = mulw(wad(String(r.pick(SPOTS))), r.wad(0.8, 1.2, 8));
  const conf = (price) => (r.chance(0.85) ? 0n : r.chance(0.5) ? mulw(price, r.wad(0, 0.02, 8)) : mulw(price, r.wad(0.4, 0.7, 8)));
  const spotConf = conf(spot);
  const perpMark = mulw(spot, r.wad(0.998, 1.002, 8));
  const perpConf = conf(perpMark);
  const stable = r.chance(0.85) ? E18 : r.wad(0.96, 1.01, 6);
  const tenors = [...TENORS].sort(() => r() - 0.5).slice(0, r.int(1, 4)).sort((a, b) => a - b);
  const expiries = tenors.map((secs) => {
    const forward = mulw(spot, r.wad(0.99, 1.03, 8));
    return { secs, forward, conf: conf(forward), rate: r.wad(0, 0.12, 6), df: r.wad(0.9, 1, 9), futures: 0n, futuresEntry: 0n, legs: [] };
  });
  const positions = [];
  // options: strikes around the forward, some strikes shared by calls and puts
  const nLegs = r.int(1, 12);
  for (let i = 0; i < nLegs; i++) {
    const e = r.pick(expiries);
    // a call and a put may share a strike (the naked-short netting); one series is held once
    const other = e.legs.length && r.chance(0.3) ? r.pick(e.legs) : undefined;
    const strike = other ? other.strike : mulw(e.forward, r.wad(0.6, 1.6, 3)) || 1n;
    const call = other ? !other.call : r.chance(0.5);
    if (e.legs.some((l) => l.strike === strike && l.call === call)) continue;
    const leg = { strike, vol: r.wad(0.05, 2, 4), amount: (r.chance(0.5) ? -1n : 1n) * r.wad(0.01, 40, 3), call };
    e.legs.push(leg);
    positions.push({ type: 'option', underlying: 'BTC', expiry: String(T0 + e.secs), strike: decimal(leg.strike),
      option_type: leg.call ? 'call' : 'put', size: decimal(leg.amount), mark_vol: decimal(leg.vol) });
  }
  let perp = 0n, perpEntry = 0n;
  if (r.chance(0.5)) {
    perp = (r.chance(0.5) ? -1n : 1n) * r.wad(0.01, 30, 3);
    perpEntry = mulw(perpMark, r.wad(0.9, 1.1, 6));
    positions.push({ type: 'perp', underlying: 'BTC', size: decimal(perp), entry_price: decimal(perpEntry) });
  }
  for (const e of expiries)
    if (r.chance(0.2)) {
      e.futures = (r.chance(0.5) ? -1n : 1n) * r.wad(0.01, 20, 3);
      e.futuresEntry = mulw(e.forward, r.wad(0.9, 1.1, 6));
      positions.push({ type: 'future', underlying: 'BTC', expiry: String(T0 + e.secs), size: decimal(e.futures), entry_price: decimal(e.futuresEntry) });
    }
  const collateral = {}, collateralPrices = {}, flatCollateral = [];
  if (r.chance(0.35)) {
    const amount = r.wad(0.001, 5, 6);
    collateral.BTC = decimal(amount);
    collateralPrices.BTC = { price: decimal(spot), confidence: decimal(spotConf) };
    flatCollateral.push([amount, spot, spotConf, ...collateralRules.BTC]);
  }
  if (r.chance(0.3)) {
    const amount = r.wad(1, 50000, 2), price = r.wad(0.995, 1.001, 6), c = r.chance(0.8) ? 0n : r.wad(0, 0.001, 6);
    collateral.USDC = decimal(amount);
    collateralPrices.USDC = { price: decimal(price), confidence: decimal(c) };
    flatCollateral.push([amount, price, c, ...collateralRules.USDC]);
  }
  const held = expiries.filter((e) => e.legs.length || e.futures !== 0n);
  const request = {
    api_version: '1',
    params: 'pmrm2',
    market: {
      timestamp: String(T0),
      stable_price: decimal(stable),
      underlyings: {
        BTC: {
          spot: decimal(spot), spot_confidence: decimal(spotConf), perp_mark: decimal(perpMark), perp_confidence: decimal(perpConf),
          expiries: expiries.map((e) => ({ expiry: String(T0 + e.secs), forward: decimal(e.forward), forward_confidence: decimal(e.conf),
            rate: decimal(e.rate), discount_factor: decimal(e.df) })),
        },
      },
      collateral: collateralPrices,
    },
    account: { margin_mode: 'cross', cash: '0', collateral, positions },
  };
  const book = (cash) => {
    const a = [cash, spot, spotConf, stable, perp, perpMark, perpEntry, perpConf, BigInt(held.length)];
    for (const e of held) {
      a.push(BigInt(e.secs), e.forward, e.conf, e.rate, e.df, e.futures, e.futuresEntry, BigInt(e.legs.length));
      for (const l of e.legs) a.push(l.strike, l.vol, l.amount, l.call ? 1n : 0n);
    }
    a.push(BigInt(flatCollateral.length));
    for (const c of flatCollateral) a.push(...c);
    return a;
  };
  return { request, book };
}

// ---------------------------------------------------------------- EVM

const word = (v) => BigInt.asUintN(256, BigInt(v)).toString(16).padStart(64, '0');
const selectorOf = (sig) => bytesToHex(keccak_256(new TextEncoder().encode(sig)).slice(0, 4)).slice(2);

/// ABI encoding of (int256[]..., uint256...) arguments: arrays as dynamic, numbers as words.
export function encodeArgs(args) {
  let head = '', tail = '';
  const headSize = 32 * args.length;
  for (const a of args) {
    if (Array.isArray(a)) {
      head += word(headSize + tail.length / 2);
      tail += word(a.length) + a.map(word).join('');
    } else head += word(a);
  }
  return head + tail;
}

/// Return data (hex) as signed 256-bit words.
const words = (hex) => {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  const w = [];
  for (let i = 0; i < h.length; i += 64) w.push(BigInt.asIntN(256, BigInt('0x' + h.slice(i, i + 64))));
  return w;
};
/// A revert's custom error by name (FixedPoint's as the C++ codes), else its selector.
const revertName = (e) => (e.data ? ERRORS[e.data.slice(0, 10)] || e.data.slice(0, 10) : e.message);

export const decodeWitness = (w) => ({ pnl: w[0], equity: w[1], maintenance: w[2], liquidatable: w[3] !== 0n });
export function decodeGrid(all) {
  const w = all.slice(1); // the tuple starts after its offset word
  const at = Number(w[0]) / 32;
  const n = Number(w[at]);
  return {
    pnl: w.slice(at + 1, at + 1 + n), basis: w[1], worst: w[2], worstLoss: w[3], equity: w[4], markToMarket: w[5],
    mmContingency: w[6], imContingency: w[7], initial: w[8], maintenance: w[9], liquidatable: w[10] !== 0n,
  };
}

/// PortfolioHarness deployed on a local anvil node; calls go as batched eth_call.
export class Harness {
  static async create(contracts = compile(undefined, undefined, HARNESS)) {
    const contract = contracts['test/PortfolioHarness.sol'].PortfolioHarness;
    // The harness (library + decoder) is a test contract above EIP-170's 24,576 bytes.
    const node = await Anvil.start(['--disable-code-size-limit', '--gas-limit', '1000000000']);
    try {
      const address = await node.deploy(contract.evm.bytecode.object);
      const h = new Harness();
      Object.assign(h, { node, address });
      return h;
    } catch (e) {
      node.stop();
      throw e;
    }
  }
  stop() {
    this.node.stop();
  }
  /// Calls [signature, args] in batches: each {words} or {error} (the revert's name).
  async calls(list, size = 100) {
    const out = [];
    for (let i = 0; i < list.length; i += size) {
      const chunk = list.slice(i, i + size).map(([sig, args]) => [
        'eth_call', [{ to: this.address, data: '0x' + selectorOf(sig) + encodeArgs(args), gas: '0x3b9aca00' }, 'latest']]);
      for (const r of await this.node.batch(chunk)) out.push(r.error ? { error: revertName(r.error) } : { words: words(r.result) });
    }
    return out;
  }
}

/// MarginEngine and GridEngine (deployed beside the harness) on calldata from solc's own encoder
/// (PortfolioHarness.engineCall): its results must be the harness's, byte for byte, for the
/// witness of every account (scenario i mod n+1) and the grid of the first `grids`; and
/// malformed calldata must revert with empty data, as solc's decoder does. Returns
/// {compared, mismatches, malformed, rejected, report}.
async function engineCheck(h, engine, gridEngine, params, nScen, books, grids) {
  const out = { compared: 0, mismatches: 0, malformed: 0, rejected: 0, report: [] };
  const bytesOf = (w) => {
    const n = Number(w[1]);
    return '0x' + w.slice(2).map((x) => BigInt.asUintN(256, x).toString(16).padStart(64, '0')).join('').slice(0, 2 * n);
  };
  // Half the calls pass the legs' marks and half leave them to the engine; the harness's
  // witness takes marks and its grid does not, so each path is held to the other.
  const jobs = books.map((b, i) => ({ i, id: BigInt(i % (nScen + 1)), grid: false, marked: i % 2 === 0, b }));
  for (let i = 0; i < Math.min(grids, books.length); i++) jobs.push({ i, id: 0n, grid: true, marked: i % 2 === 1, b: books[i] });
  const datas = await h.calls(jobs.map((j) => ['engineCall(int256[],int256[],uint256,bool,bool)', [params, j.b, j.id, j.grid ? 1n : 0n, j.marked ? 1n : 0n]]));
  const expected = await h.calls(jobs.map((j) => j.grid ? ['grid(int256[],int256[])', [params, j.b]] : ['witness(int256[],int256[],uint256)', [params, j.b, j.id]]));
  const call = async (list) => {
    const res = [];
    for (let k = 0; k < list.length; k += 100)
      res.push(...await h.node.batch(list.slice(k, k + 100).map(({ to, data }) => ['eth_call', [{ to, data, gas: '0x3b9aca00' }, 'latest']])));
    return res;
  };
  const calldata = datas.map((d) => bytesOf(d.words));
  const got = await call(calldata.map((data, k) => ({ to: jobs[k].grid ? gridEngine : engine, data })));
  jobs.forEach((j, k) => {
    out.compared++;
    const want = expected[k].words ? expected[k].words.join() : 'error ' + expected[k].error;
    const have = got[k].error ? 'error ' + revertName(got[k].error) : words(got[k].result).join();
    if (want !== have) {
      out.mismatches++;
      if (out.report.length < 10) out.report.push(`account ${j.i} MarginEngine.${j.grid ? 'grid' : 'witness ' + j.id}: ${have.slice(0, 120)} against the harness's ${want.slice(0, 120)}`);
    }
  });
  // Malformed calldata, from the first witness call whose first expiry has legs: the word at
  // byte `at` (after the selector) replaced, or the calldata cut short.
  const layout = (hex) => {
    const at = (i) => BigInt('0x' + hex.slice(2 * i, 2 * i + 64));
    const book = Number(at(0)), prm = Number(at(32));
    const expiries = book + Number(at(book + 256));
    if (at(expiries) === 0n) return null;
    const firstExpiry = expiries + 32 + Number(at(expiries + 32));
    const legs = firstExpiry + Number(at(firstExpiry + 224));
    if (at(legs) === 0n) return null;
    const marks = Number(at(96));
    return { at, book, prm, expiries, legs, scenarios: prm + Number(at(prm)), collaterals: book + Number(at(book + 288)), firstMarks: marks + 32 + Number(at(marks + 32)) };
  };
  const k0 = jobs.findIndex((j, k) => !j.grid && j.marked && expected[k].words && layout(calldata[k].slice(10)));
  const base = calldata[k0].slice(10);
  const put = (at, v) => calldata[k0].slice(0, 10) + base.slice(0, 2 * at) + BigInt.asUintN(256, v).toString(16).padStart(64, '0') + base.slice(2 * at + 64);
  const { at: wordAt, book, expiries, legs, scenarios, collaterals, firstMarks } = layout(base);
  const bad = [
    ['calldata one word short', '0x' + calldata[k0].slice(2, calldata[k0].length - 64)],
    ['the book offset past the end', put(0, BigInt(base.length / 2))],
    ['the params offset 2^64', put(32, 1n << 64n)],
    ['the params offset one word before the end', put(32, BigInt(base.length / 2 - 32))],
    ['the expiries offset past the end', put(book + 256, BigInt(base.length / 2))],
    ['an expiry count of 2^32', put(expiries, 1n << 32n)],
    ['a leg count past the end', put(legs, wordAt(legs) + 1000n)],
    ['a leg whose call flag is 2', put(legs + 32 + 96, 2n)],
    ['a scenario whose vol move is 256', put(scenarios + 32 + 32, 256n)],
    ['a collateral count of 2^32', put(collaterals, 1n << 32n)],
    ['the marks offset past the end', put(96, BigInt(base.length / 2))],
    ['an expiry\'s mark count past the end', put(firstMarks, wordAt(firstMarks) + 1000n)],
  ];
  const res = await call(bad.map(([, data]) => ({ to: engine, data })));
  bad.forEach(([what], k) => {
    out.malformed++;
    const e = res[k].error;
    if (e && (e.data === undefined || e.data === '0x')) out.rejected++;
    else out.report.push(`malformed calldata (${what}): ${e ? 'reverted with ' + e.data : 'accepted'}, not an empty revert`);
  });
  return out;
}

// ---------------------------------------------------------------- native

/// `margin batch` over requests (optionally at one scenario): parsed responses.
/// `flag` '--input-hash' instead: each request's input hash at that scenario.
export function nativeBatch(margin, requests, dir, scenario, flag = '--scenario') {
  const inFile = path.join(dir, 'requests.jsonl'), outFile = path.join(dir, 'responses.jsonl');
  fs.writeFileSync(inFile, requests.map((q) => JSON.stringify(q)).join('\n') + '\n');
  execFileSync(margin, ['batch', inFile, outFile, ...(scenario === undefined ? [] : [flag, String(scenario)])]);
  return fs.readFileSync(outFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

// ---------------------------------------------------------------- main

/// The portfolio model's sources: the assembly (witness, grid) and the pricing of scenario rows.
const MODEL_FILES = ['PortfolioMargin.sol', 'ScenarioPricing.sol'];
/// Deliberate changes to the model (MODEL_FILES) that the comparison must catch (--mutate).
const MUTATIONS = [
  ['the requirement rounds toward -inf', 'FixedPoint.add(FixedPoint.mul(risk, factor, CEIL), contingency)', 'FixedPoint.add(FixedPoint.mul(risk, factor, FLOOR), contingency)'],
  ['skew gains are kept', 'if (skew && ePnl > 0) ePnl = -ePnl;', ''],
  ['naked shorts counted as longs (legs sorted by strike)', 'let short := sub(0, net)', 'let short := net'],
  ['naked shorts counted as longs (legs in any order)', 'let owed := sub(0, net)', 'let owed := net'],
  ['the ln K memo taken for any strike', 'if (memoStrike != leg.strike) {', 'if (memoStrike == 0) {'],
  ['the verdict at equity == MM', 'w.liquidatable = FixedPoint.sub(w.equity, w.maintenance) < 0;', 'w.liquidatable = FixedPoint.sub(w.equity, w.maintenance) <= 0;'],
  ['one leg-cache entry for every vol move', 'uint8 slot = move < ABS_SKEW ? move : ABS_SKEW;', 'uint8 slot = 0;'],
];

/// Each mutant of MUTATIONS compiled in a worker thread, `parallel` at a time: promises in
/// MUTATIONS' order. A site must occur in exactly one of the model's files.
function compileMutants(parallel = 2) {
  const edits = MUTATIONS.map(([, from, to]) => {
    const sites = MODEL_FILES.filter((f) => fs.readFileSync(path.join(CONTRACTS, f), 'utf8').includes(from));
    if (sites.length !== 1) throw new Error(`mutation site found in ${sites.length} files: ${from}`);
    return [[sites[0], from, to]];
  });
  const out = [];
  const lanes = Array.from({ length: parallel }, () => Promise.resolve());
  edits.forEach((e, k) => {
    const lane = k % parallel;
    lanes[lane] = lanes[lane].then(() => compileInWorker(e, undefined, HARNESS));
    out.push(lanes[lane]);
  });
  return out;
}

/// Compare the EVM (a deployed Harness) with the native responses: grid and every witness.
// The witness ids checked for account i: every id when `every` (the mutation runs), else the
// account's worst scenario, the basis contingency and 6 ids rotating with i, so that over the
// book every id is checked on many accounts (the full grid is compared for every account).
function witnessIds(i, nScen, worst, every) {
  if (every) return Array.from({ length: nScen + 1 }, (_, id) => id);
  const ids = new Set([worst, nScen]);
  for (let k = 0; k < 6; k++) ids.add((i * 5 + k * 11) % (nScen + 1));
  return [...ids].sort((a, b) => a - b);
}

async function compare(h, params, nScen, books, full, perScenario, every = false) {
  let mismatches = 0, compared = 0, liquidatable = 0, witnessCalls = 0;
  const report = [];
  const check = (i, what, evm, native) => {
    compared++;
    if (evm !== native) {
      mismatches++;
      if (report.length < 20) report.push(`account ${i} ${what}: EVM ${evm} native ${native}`);
    }
  };
  const grids = await h.calls(books.map((b) => ['grid(int256[],int256[])', [params, b]]));
  const ids = books.map((_, i) => {
    const btc = full[i].result?.underlyings.find((u) => u.underlying === 'BTC');
    return witnessIds(i, nScen, btc ? Number(btc.worst_scenario) : 0, every);
  });
  const witnessList = [], at = [];
  for (let i = 0; i < books.length; i++) {
    at.push(witnessList.length);
    for (const id of ids[i]) witnessList.push(['witness(int256[],int256[],uint256)', [params, books[i], BigInt(id)]]);
  }
  const witnesses = await h.calls(witnessList);
  for (let i = 0; i < books.length; i++) {
    const res = full[i].result;
    if (!res) throw new Error(`account ${i}: ${JSON.stringify(full[i])}`);
    const books_ = res.underlyings;
    const btc = books_.find((u) => u.underlying === 'BTC');
    if (grids[i].error) {
      check(i, 'grid', grids[i].error, 'a result');
      continue;
    }
    const g = decodeGrid(grids[i].words);
    const sum = (f) => books_.reduce((s, u) => s + wad(u[f]), 0n);
    check(i, 'equity', g.equity, wad(res.equity));
    check(i, 'maintenance_margin', g.maintenance, wad(res.maintenance_margin));
    check(i, 'initial_margin', g.initial, wad(res.initial_margin));
    check(i, 'liquidatable', g.liquidatable, res.liquidatable);
    check(i, 'mm_contingency', g.mmContingency, sum('mm_contingency'));
    check(i, 'im_contingency', g.imContingency, sum('im_contingency'));
    check(i, 'mark_to_market', g.markToMarket, sum('mark_to_market'));
    check(i, 'worst_scenario', g.worst, BigInt(btc.worst_scenario));
    check(i, 'worst_loss', g.worstLoss, wad(btc.worst_loss));
    check(i, 'basis_contingency', g.basis, wad(btc.basis_contingency));
    check(i, 'scenario count', g.pnl.length, btc.scenario_pnl.length);
    g.pnl.forEach((v, k) => check(i, `scenario_pnl[${k}]`, v, wad(btc.scenario_pnl[k])));
    if (res.liquidatable) liquidatable++;
    // The witness at the account's ids (witnessIds): its P&L, its MM if it were the worst, the verdict.
    for (const [k, id] of ids[i].entries()) {
      const one = perScenario[id][i].result;
      const raw = witnesses[at[i] + k];
      witnessCalls++;
      if (raw.error) {
        check(i, `witness ${id}`, raw.error, 'a result');
        continue;
      }
      const w = decodeWitness(raw.words);
      const ob = one.underlyings.find((u) => u.underlying === 'BTC');
      check(i, `witness ${id} pnl`, w.pnl, wad(ob.worst_loss));
      check(i, `witness ${id} equity`, w.equity, wad(one.equity));
      check(i, `witness ${id} maintenance`, w.maintenance, wad(one.maintenance_margin));
      check(i, `witness ${id} liquidatable`, w.liquidatable, one.liquidatable);
      // soundness: no scenario claims more than the true MM
      if (w.maintenance > g.maintenance) check(i, `witness ${id} above MM`, w.maintenance, g.maintenance);
      // the worst scenario's witness decides as the full evaluation does
      if (BigInt(id) === g.worst) check(i, 'worst witness verdict', w.liquidatable, res.liquidatable);
    }
  }
  return { mismatches, compared, liquidatable, witnessCalls, report };
}

async function main() {
  const argv = process.argv.slice(2);
  const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
  const margin = argv[0];
  if (!margin || margin.startsWith('--')) {
    console.error('usage: portfolio.js MARGIN [--accounts N] [--seed S] [--out DIR]');
    process.exit(2);
  }
  const count = Number(opt('--accounts', '1000'));
  const seed = opt('--seed', '20261121');
  const dir = opt('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'portfolio-diff-')));
  fs.mkdirSync(dir, { recursive: true });

  // --mutate: the mutants compile in worker threads (two at a time) while the comparison runs.
  const mutants = argv.includes('--mutate') ? compileMutants() : [];
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'core/api/params/pmrm2.json'), 'utf8'));
  const preset = JSON.parse(fs.readFileSync(path.join(ROOT, 'core/api/params/portfolio-pmrm2.json'), 'utf8'));
  const rules = Object.fromEntries(Object.entries(preset.collateral).map(([k, c]) => [k, [wad(c.im_haircut), wad(c.mm_haircut), c.risk_cancelling ? 1n : 0n]]));
  const params = flatParams(doc);
  const nScen = doc.scenarios.length;

  // Accounts, then cash placing equity - MM where the verdict is decided.
  const r = rng(seed);
  const accounts = Array.from({ length: count }, () => generateAccount(r, rules));
  const first = nativeBatch(margin, accounts.map((a) => a.request), dir);
  const requests = [], books = [];
  first.forEach((res, i) => {
    if (!res.result) throw new Error(`account ${i}: the engine refused the generated request: ${JSON.stringify(res)}`);
    const slack = wad(res.result.maintenance_margin) - wad(res.result.equity);
    const mm = wad(res.result.maintenance_margin);
    const u = r();
    const delta = u < 0.06 ? -1n : u < 0.12 ? 0n : u < 0.18 ? 1n : u < 0.5 ? -((mm * BigInt(Math.floor(r() * 300))) / 1000n) - 1n
      : (mm * BigInt(Math.floor(r() * 2000))) / 1000n + 2n;
    const cash = slack + delta;
    const q = structuredClone(accounts[i].request);
    q.account.cash = decimal(cash);
    requests.push(q);
    books.push(accounts[i].book(cash));
  });
  const full = nativeBatch(margin, requests, dir);
  const perScenario = [];
  for (let id = 0; id <= nScen; id++) perScenario.push(nativeBatch(margin, requests, dir, id));

  const h = await Harness.create();
  const r1 = await compare(h, params, nScen, books, full, perScenario);
  // The input hash MarginAccounts emits, computed by the engine from the request (C++ Book
  // mapping, ABI encoder, keccak256) against the contract's keccak256(abi.encode(...)).
  const hashIds = books.map((_, i) => BigInt(i % (nScen + 1)));
  const evmHashes = await h.calls(books.map((b, i) => ['inputHash(int256[],int256[],uint256)', [params, b, hashIds[i]]]));
  let hashMismatches = 0;
  const nativeHashes = [];
  for (let id = 0; id <= nScen; id++) {
    const at = requests.map((_, i) => i).filter((i) => hashIds[i] === BigInt(id));
    nativeBatch(margin, at.map((i) => requests[i]), dir, id, '--input-hash').forEach((out, k) => (nativeHashes[at[k]] = out));
  }
  requests.forEach((q, i) => {
    const out = nativeHashes[i];
    const evm = evmHashes[i].words ? '0x' + BigInt.asUintN(256, evmHashes[i].words[0]).toString(16).padStart(64, '0') : evmHashes[i].error;
    if (out.input_hash !== evm) {
      hashMismatches++;
      if (r1.report.length < 20) r1.report.push(`account ${i} input hash: EVM ${evm} native ${out.input_hash || JSON.stringify(out)}`);
    }
  });
  r1.mismatches += hashMismatches;
  r1.compared += requests.length;
  // MarginEngine's decoder: the same results as the harness from solc's encoding.
  const built = compile(undefined, DEPLOY_RUNS, DEPLOYED);
  const engine = await h.node.deploy(built['MarginEngine.sol'].MarginEngine.evm.bytecode.object);
  const gridEngine = await h.node.deploy(built['GridEngine.sol'].GridEngine.evm.bytecode.object);
  const ec = await engineCheck(h, engine, gridEngine, params, nScen, books, 200);
  r1.mismatches += ec.mismatches + (ec.malformed - ec.rejected);
  r1.compared += ec.compared;
  r1.report.push(...ec.report);
  const gasSample = await h.calls(books.slice(0, 50).flatMap((b) => [['gas_grid(int256[],int256[])', [params, b]], ['gas_witness(int256[],int256[],uint256)', [params, b, 0n]]]));
  h.stop();
  const gridGas = gasSample.filter((_, k) => k % 2 === 0).map((r) => Number(r.words[0]));
  const witnessGas = gasSample.filter((_, k) => k % 2 === 1).map((r) => Number(r.words[0]));
  const med = (a) => (a.sort((x, y) => x - y), a[Math.floor(a.length / 2)]);
  const { mismatches, compared, liquidatable, witnessCalls, report } = r1;
  console.log(`portfolio differential: ${count} accounts (${liquidatable} liquidatable), ${nScen} scenarios + basis; ` +
    `${compared} values compared, ${witnessCalls} witness calls; ${mismatches} mismatches`);
  console.log(`  input hash keccak256(abi.encode(book, params, id)): \`margin input-hash\` vs the EVM on ${requests.length} accounts: ${hashMismatches} mismatches`);
  console.log(`  the engines' calldata decoder: ${ec.compared} calls (MarginEngine.witness and GridEngine.grid) equal to the harness's: ${ec.mismatches} mismatches; ` +
    `malformed calldata: ${ec.rejected} of ${ec.malformed} reverted with empty data`);
  console.log(`  gas of the library call (first 50 accounts): grid median ${med(gridGas)}, witness (scenario 0) median ${med(witnessGas)}`);
  for (const line of report) console.log('  ' + line);
  if (!argv.includes('--mutate')) process.exit(mismatches === 0 ? 0 : 1);
  // The comparison bites: each deliberate change to the model, on the first 60 accounts (each
  // caught there by 16 mismatches or more; 100 accounts took ~30 s more of the test command).
  let caught = 0;
  const few = Math.min(60, count);
  for (const [k, [what]] of MUTATIONS.entries()) {
    const hm = await Harness.create(await mutants[k]);
    const r = await compare(hm, params, nScen, books.slice(0, few), full, perScenario, true);
    hm.stop();
    console.log(`  mutation "${what}": ${r.mismatches} mismatches over ${few} accounts ${r.mismatches > 0 ? '(caught)' : '(NOT CAUGHT)'}`);
    if (r.mismatches > 0) caught++;
  }
  console.log(`portfolio differential self-check: ${caught} of ${MUTATIONS.length} deliberate changes caught`);
  process.exit(mismatches === 0 && caught === MUTATIONS.length ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
