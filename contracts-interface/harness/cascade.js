// The cascade simulator's house mode (`margin cascade`, docs/cascade.md) against MarginAccounts on
// anvil, step for step, bit for bit (issue 28).
//
//   node harness/cascade.js MARGIN [--mutate] [--pushes N] [--path P,P,..] [--vol-up PCT] [--no-within] [--verbose]
//
// 1. A fresh house (pmrm2; buffer 0.1, reward 0.05, staleness 3,600 s, deviation 0.2 a push,
//    prices 0.5 %/s) on one underlying: options on two expiries and the perp. A book of 24
//    accounts, opened by signed trades (zero-sum): the maker (index 0, the other side of every
//    trade), 20 traders with varied leverage (long perps near IM, short puts on both expiries,
//    long calls bought on negative cash, hedged and short books) and three liquidators of
//    growing cash (the house's IM check on the liquidator refuses the smaller ones the larger
//    takes; late in the path none can take some accounts, which wait). A small insurance fund.
//    The market then falls 19 % in two pushes while no keeper runs: the cascade starts there
//    (S0), with some accounts already insolvent.
// 2. Every account read back (book(), requestOf) into a cascade/1 house-mode request: the book
//    in creation order (= book index), the liquidators in trial order, the house's limits, its
//    insurance fund, and the path of the pushes to come (spot, perp mark and forwards -8, -7,
//    -18, -6, -6, -5 % a push, every series' vol +10 % a push, 600 s apart: inside the
//    deviation, per-second and vol guards, far from any expiry; each path entry {market, vols}
//    carries the vols of the series the book holds, as the push does). `margin cascade` runs it
//    (and, to show the vols matter, the same request without them: it must not match).
// 3. On the chain the keeper does what docs/cascade.md says the simulator does: per push, every
//    account's full grid (fullGrid); the liquidatable ones once, in ascending index, each
//    evaluated again (fullGrid: no longer liquidatable, no transaction) and liquidated with the
//    grid's worst scenario by the first liquidator (in list order, never itself) whose eth_call
//    does not revert, then sent; after the path, rounds at the last market until none is
//    liquidatable or the step cap (9). The chain's own step log, from the events (Liquidated,
//    InsuranceUsed, LossSocialised), the account's cash around each transaction (payment) and
//    the views (insuranceFund, socialisedLoss, totalPositiveCash, lossMark).
// 4. The two logs compared field by field (steps, capped, the count; account, liquidator,
//    scenario, equity, maintenance, fraction, reward, payment, shortfall, insurance, socialised;
//    per step fund, socialised_loss, total_positive_cash, loss_mark); every liquidated account
//    liquidatable at the chain's own full grid just before; a liquidator's eth_call reverts only
//    with InsufficientMargin; the run must contain a partial (f < 1) and a full liquidation, a
//    draw on the insurance fund, a socialised loss and a shortfall after the first push.
// 5. Beside it, on its own node, a short run (two pushes) whose keeper calls liquidateWithin
//    (max_fraction 0.3, max_payment 0; the request's rule carries them): compared the same way;
//    it must clamp fractions and meet PriceLimit refusals (--no-within: skip it).
// --mutate: beside it, the same book on a house compiled with the fraction rounded FLOOR
//    (MarginAccounts._liquidate), over one push: the comparison must fail.
// Exit status 0 only if every check holds (and, with --mutate, the mutant is caught).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ethers } from 'ethers';
import { compile, compileInWorker, DEPLOY_RUNS, DEPLOYED } from './evm.js';
import { decimal, wad } from './portfolio.js';
import { Checks, House, errorOf, requestOf, W } from './house.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const MARGIN = argv[0];
if (!MARGIN || MARGIN.startsWith('--')) {
  console.error('usage: cascade.js MARGIN [--mutate] [--pushes N] [--verbose]');
  process.exit(2);
}
const VERBOSE = argv.includes('--verbose');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cascade-'));
const t0 = Date.now();

/// The mutant: the fraction rounded FLOOR instead of CEIL (MarginAccounts._liquidate).
const MUTANT = ['MarginAccounts.sol', 'FixedPoint.div(FixedPoint.sub(target, w.equity), per, CEIL)', 'FixedPoint.div(FixedPoint.sub(target, w.equity), per, FLOOR)'];
// its compile (solc, ~30 s when not cached) overlaps the proof run
const mutantBuild = argv.includes('--mutate') ? compileInWorker([MUTANT], DEPLOY_RUNS, ['MarginAccounts.sol:MarginAccounts']) : null;

// ---------------------------------------------------------------- the book

const PERP = ethers.MaxUint256;
const TENORS = [7 * 86400, 30 * 86400];
const STRIKES = [85000, 90000, 95000, 100000, 105000].map(W);
/// Seconds between pushes: the per-second guard (0.5 %/s) admits the push's whole move; the
/// keeper's rounds take a few blocks of a second each in between.
const GAP = 600;
/// The fall before the cascade (no keeper: S0), and the path's pushes, in per cent a push.
const DRIFT = [-10n, -10n];
const PATH = opt('--path', '-8,-7,-18,-6,-6,-5').split(',').map(BigInt);
/// The second, short run: the keeper calls liquidateWithin with these limits (the request's
/// rule.max_fraction / max_payment) over two pushes and two rounds: fractions clamped, and payments above the
/// limit refused (PriceLimit) for every liquidator, so those accounts wait.
const WITHIN = { pushes: 2, steps: 4, maxFraction: W('0.3'), maxPayment: 0n };
/// Each push of the path raises every series' vol by this many per cent (relative; the vol
/// guard admits min(volCap, volRate x 600 s) = 100 % a push): the push carries them and the
/// request's path entry too ({market, vols}).
const VOL_UP = BigInt(opt('--vol-up', '10'));

/// floor(a / b) for BigInt (b > 0).
const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/// The traders' books: [instrument kind, size (BTC), extra cash above IM per BTC]. Kinds: 'perp'
/// (long), '-perp' (short), 'put e k' / 'call e k' bought (+size) or sold (-size), expiry index e,
/// strike k. Each trader deposits `seed` first; a trade refused for IM deposits what it lacks
/// plus `extra` x |size| and is entered again.
const TRADERS = [
  // long perps near IM: after the 19 % fall some are insolvent, the others below MM or close
  { legs: [['perp', 2]], extra: 0 },
  { legs: [['perp', 1.5]], extra: 1000 },
  { legs: [['perp', 3]], extra: 5000 },
  { legs: [['perp', 1]], extra: 9000 },
  { legs: [['perp', 2.5]], extra: 13000 },
  { legs: [['perp', 1]], extra: 18000 },
  // short puts on both expiries
  { legs: [['put 1 95000', -6]], extra: 0 },
  { legs: [['put 1 90000', -8]], extra: 6000 },
  { legs: [['put 0 95000', -5]], extra: 12000 },
  { legs: [['put 0 100000', -4]], extra: 18000 },
  { legs: [['put 1 100000', -3], ['put 0 90000', -3]], extra: 10000 },
  { legs: [['put 1 85000', -10]], extra: 15000 },
  // long calls bought with borrowed cash
  { legs: [['call 1 85000', 3]], extra: 0 },
  { legs: [['call 0 90000', 2]], extra: 2000 },
  // mixed: long perp and short puts; short calls and a long perp
  { legs: [['perp', 1], ['put 0 95000', -2]], extra: 1000 },
  { legs: [['perp', 1.5], ['call 1 105000', -2]], extra: 4000 },
  { legs: [['perp', 2], ['put 1 90000', 2]], extra: 0 },
  // the fall's winners: long puts, short perps, short calls
  { legs: [['put 1 95000', 4]], extra: 20000 },
  { legs: [['-perp', 2]], extra: 20000 },
  { legs: [['call 0 100000', -3]], extra: 15000 },
];
/// Liquidators' cash, in trial order, growing: the house's IM check on the liquidator refuses
/// the first the larger takes, then the second; late in the path none can take some accounts
/// (they wait: records without a liquidator) and the rounds after the path run to the step cap.
const LIQUIDATORS = [W('150000'), W('300000'), W('800000')];
/// The step cap: the six pushes and three rounds at the last market.
const STEPS = 9;
const INSURANCE = W('3000');

// ---------------------------------------------------------------- one proof

/// Open the book, run the simulator and the chain, compare. Returns {checks, figures}.
async function prove(contracts, pushes, label, within = null) {
  const checks = new Checks();
  const expect = (ok, what) => checks.expect(ok, what);
  const h = await House.deploy({ traders: TRADERS.length + LIQUIDATORS.length, contracts });
  const { house, maker, stranger, iface } = h;
  await h.configure({ tenors: TENORS, strikes: STRIKES });
  const seriesId = (e, k, call) => BigInt(h.SERIES.findIndex((s) => s.expiry === h.EXPIRIES[e] && s.strike === W(k) && s.call === call));
  // the book, in creation order (the order of first deposits) = book index
  const traders = h.traders.slice(0, TRADERS.length);
  const liqs = h.traders.slice(TRADERS.length);
  const book = [maker, ...traders, ...liqs];
  const LIQ = liqs.map((_, k) => 1 + TRADERS.length + k);
  for (const s of [...book, stranger]) await h.fund(s, W('1000000000'));
  await h.send(house.connect(maker).deposit(W('500000000')));
  for (const t of traders) await h.send(house.connect(t).deposit(W('1000')));
  for (let k = 0; k < liqs.length; k++) await h.send(house.connect(liqs[k]).deposit(LIQUIDATORS[k]));
  await h.send(house.connect(stranger).fundInsurance(INSURANCE));

  // trades against the maker, each side's IM checked by the house
  let trades = 0;
  for (let i = 0; i < TRADERS.length; i++) {
    const t = traders[i], spec = TRADERS[i];
    for (const [kind, size] of spec.legs) {
      const sz = W(String(Math.abs(size)));
      let id, price, buys;
      if (kind === 'perp' || kind === '-perp') {
        [id, price, buys] = [PERP, h.state.perpMark, kind === 'perp'];
      } else {
        const [type, e, k] = kind.split(' ');
        id = seriesId(Number(e), Number(k), type === 'call');
        price = h.optionPrice(h.SERIES[Number(id)]);
        buys = size > 0;
      }
      const [buyer, seller] = buys ? [t, maker] : [maker, t];
      for (let attempt = 0; ; attempt++) {
        const why = await errorOf(iface, h.trade(buyer, seller, id, sz, price).then((tx) => h.mined(tx)));
        if (!why) break;
        if (why.name !== 'InsufficientMargin' || why.args[0] !== t.address || attempt > 3) throw new Error(`trade of trader ${i} (${kind}): ${why.name}`);
        // what IM lacks, and the trader's cushion above it
        const lack = why.args[2] - why.args[1];
        await h.send(house.connect(t).deposit(lack + (W(String(spec.extra)) * sz) / W('1') + W('1')));
      }
      trades++;
    }
  }
  // the fall before the cascade: no keeper
  const fall = (pct) => {
    const { state } = h;
    state.spot = (state.spot * (100n + pct)) / 100n;
    state.perpMark = (state.perpMark * (100n + pct)) / 100n;
    state.fwd = state.fwd.map((f) => (f * (100n + pct)) / 100n);
  };
  for (const d of DRIFT) {
    fall(d);
    await h.advance(GAP);
    await h.send(h.push());
  }

  // ------------------------------------------------------------ the request
  const market0 = await house.market();
  const ts0 = Number(market0.timestamp);
  const marketJson = (snap) => {
    const [m, byExpiry] = snap;
    const ts = m.timestamp;
    const live = h.EXPIRIES.filter((e) => e > ts);
    return { timestamp: String(ts), stable_price: decimal(m.stablePrice), underlyings: { BTC: { spot: decimal(m.spot), spot_confidence: decimal(m.spotConfidence),
      perp_mark: decimal(m.perpMark), perp_confidence: decimal(m.perpConfidence), expiries: byExpiry.map((x, j) => ({ expiry: String(live[j]),
        forward: decimal(x.forward), forward_confidence: decimal(x.forwardConfidence), rate: decimal(x.rate), discount_factor: decimal(x.discount) })) } } };
  };
  const start = marketJson(h.snapshot(ts0));
  const books = [];
  for (const s of book) books.push(await h.bookOf(s.address));
  const reqs = books.map((b) => requestOf(b));
  // every account's own market (its expiries) is S0's
  let marketsAgree = true;
  for (const r of reqs) {
    const own = r.market.underlyings.BTC, s0 = start.underlyings.BTC;
    const same = r.market.timestamp === start.timestamp && r.market.stable_price === start.stable_price &&
      ['spot', 'spot_confidence', 'perp_mark', 'perp_confidence'].every((k) => own[k] === s0[k]) &&
      own.expiries.every((e) => JSON.stringify(e) === JSON.stringify(s0.expiries.find((x) => x.expiry === e.expiry)));
    if (!same) marketsAgree = false;
  }
  expect(marketsAgree, 'every account\'s book() market equals the request\'s S0 market');
  const snaps = [];
  for (let k = 0; k < pushes; k++) {
    fall(PATH[k]);
    h.state.vols = h.state.vols.map((v) => (v * (100n + VOL_UP)) / 100n);
    snaps.push(h.snapshot(ts0 + GAP * (k + 1)));
  }
  // a push's vols in the request: the live series' (the chain's `vols` follows them) that the book holds
  const held = new Set(reqs.flatMap((r) => r.account.positions.filter((p) => p.type === 'option').map((p) => `${p.expiry}:${p.strike}:${p.option_type}`)));
  const pathEntry = (snap) => {
    const ts = snap[0].timestamp;
    const live = h.SERIES.filter((s) => s.expiry > ts);
    const vols = live.map((s, i) => ({ expiry: String(s.expiry), strike: decimal(s.strike), option_type: s.call ? 'call' : 'put', mark_vol: decimal(snap[2][i]) }))
      .filter((v) => held.has(`${v.expiry}:${v.strike}:${v.option_type}`));
    return { market: marketJson(snap), vols };
  };
  const limits = await house.limits();
  const request = { api_version: '1', cascade: { mode: 'house', market: start, params: 'pmrm2',
    accounts: reqs.map((r) => ({ account: r.account })), liquidators: LIQ.map(String),
    rule: { buffer: decimal(limits.buffer), reward: decimal(limits.reward),
      ...(within && { max_fraction: decimal(within.maxFraction), max_payment: decimal(within.maxPayment) }) }, insurance_fund: decimal(await house.insuranceFund()),
    shock: { path: snaps.map(pathEntry) }, steps: String(within?.steps ?? STEPS) } };
  const reqFile = path.join(tmp, `${label}.json`);
  fs.writeFileSync(reqFile, JSON.stringify(request, null, 1) + '\n');
  if (VERBOSE) console.log(`  request: ${reqFile}`);
  const tSim = Date.now();
  const simulate = (file) => JSON.parse(execFileSync(MARGIN, ['cascade', file, '--compact'], { encoding: 'utf8', maxBuffer: 1 << 26 })).cascade;
  const sim = simulate(reqFile);
  const simMs = Date.now() - tSim;
  // the same request without the pushes' vols (the positions keep their own): must not match when they move
  const flat = structuredClone(request);
  flat.cascade.shock.path = flat.cascade.shock.path.map((e) => e.market);
  fs.writeFileSync(path.join(tmp, `${label}-novols.json`), JSON.stringify(flat));
  const simFlat = simulate(path.join(tmp, `${label}-novols.json`));

  // ------------------------------------------------------------ the chain's keeper
  const addrs = book.map((s) => s.address);
  const ev = (rc, name) => rc.logs.filter((l) => l.address.toLowerCase() === h.houseAddr.toLowerCase()).map((l) => { try { return iface.parseLog(l); } catch { return null; } })
    .filter((e) => e && e.name === name);
  const views = async () => {
    const mark = await house.lossMark();
    return { fund: await house.insuranceFund(), socialised_loss: await house.socialisedLoss(), total_positive_cash: await house.totalPositiveCash(),
      loss_mark: { epoch: Number(mark >> 128n), scale: mark & ((1n << 128n) - 1n) } };
  };
  const initial = await views();
  let tpc0 = 0n;
  for (const b of books) if (b.cash > 0n) tpc0 += b.cash;
  expect(tpc0 === initial.total_positive_cash, `the book holds every claim: the sum of its positive cash ${tpc0} = totalPositiveCash ${initial.total_positive_cash}`);
  const chain = [];
  let proven = 0, capped = false;
  const refused = {}; // the liquidators' eth_calls that reverted, by error
  const tChain = Date.now();
  for (let step = 0; step < Number(request.cascade.steps); step++) {
    if (step < pushes) {
      const snap = snaps[step];
      await h.provider.send('evm_setNextBlockTimestamp', ['0x' + snap[0].timestamp.toString(16)]);
      await h.provider.send('evm_mine', []);
      await h.send(house.connect(h.oracle).pushMarket(...snap));
    }
    const grids = await Promise.all(addrs.map((a) => house.fullGrid(a)));
    const cand = grids.map((g, i) => (g.liquidatable ? i : -1)).filter((i) => i >= 0);
    if (cand.length === 0 && step > 0 && step >= pushes) break;
    const rec = { step, liquidations: [] };
    const perpMark = (await house.market()).perpMark;
    for (const i of cand) {
      const g = await house.fullGrid(addrs[i]); // the witness at the moment of the call
      if (!g.liquidatable) continue; // no transaction: only accounts liquidatable at the chain's own full grid are taken
      const lr = { account: i, liquidator: null, scenario: Number(g.worst), equity: g.equity, maintenance: g.maintenance };
      for (const j of LIQ) {
        if (j === i) continue;
        const by = house.connect(book[j]);
        const call = (how, ...extra) => (within ? how.liquidateWithin(addrs[i], g.worst, within.maxFraction, within.maxPayment, ...extra)
          : how.liquidate(addrs[i], g.worst, ...extra));
        const why = await errorOf(iface, call({ liquidate: by.liquidate.staticCall, liquidateWithin: by.liquidateWithin.staticCall }));
        if (why) {
          refused[why.name] = (refused[why.name] ?? 0) + 1;
          continue;
        }
        const before = await house.accountOf(addrs[i]);
        const settled = before.cash + (before.perpSize === 0n ? 0n : floorDiv(before.perpSize * (perpMark - before.perpEntry), W('1')));
        // (the gas given: the eth_call above was the estimate)
        const rc = await h.send(call(by, { gasLimit: 30_000_000n }));
        const [l] = ev(rc, 'Liquidated');
        const after = await house.accountOf(addrs[i]);
        const insurance = ev(rc, 'InsuranceUsed').reduce((s, e) => s + e.args.amount, 0n);
        const socialised = ev(rc, 'LossSocialised').reduce((s, e) => s + e.args.amount, 0n);
        // the cash the payment reached: after the shortfall's cover it is 0 and the payment left -shortfall
        const reached = l.args.shortfall > 0n ? -l.args.shortfall : after.cash;
        expect(l.args.shortfall === 0n || after.cash === 0n, `a closed-out account's cash is 0 after the cover (${i})`);
        expect(l.args.account === addrs[i] && l.args.liquidator === addrs[j] && l.args.scenarioId === g.worst && l.args.equity === g.equity && l.args.maintenance === g.maintenance,
          `Liquidated(${i}) carries the full grid's witness (scenario ${g.worst}, equity, MM)`);
        if (g.liquidatable && l.args.equity < l.args.maintenance) proven++;
        Object.assign(lr, { liquidator: j, fraction: l.args.fraction, reward: l.args.reward, payment: reached - settled, shortfall: l.args.shortfall, insurance, socialised });
        break;
      }
      rec.liquidations.push(lr);
    }
    Object.assign(rec, await views());
    chain.push(rec);
    if (VERBOSE) console.log(`  step ${step}: ${cand.length} liquidatable, ${rec.liquidations.filter((x) => x.liquidator !== null).length} liquidated`);
    if (cand.length === 0 && step + 1 >= pushes) break;
    capped = step + 1 === Number(request.cascade.steps); // the cap stops it with an account liquidatable or the path not done
  }
  const chainMs = Date.now() - tChain;
  expect(Object.keys(refused).every((n) => n === 'InsufficientMargin' || (within && n === 'PriceLimit')),
    `a liquidator's eth_call reverts only for its own IM afterwards${within ? ' or the price limit' : ''} (${JSON.stringify(refused)})`);

  // ------------------------------------------------------------ the comparison
  /// The simulator's log `sim` against the chain's: the differences and the values compared.
  const compare = (sim) => {
    const diffs = [];
    let amounts = 0;
    const same = (where, a, b) => {
      amounts++;
      const x = a === null || a === undefined ? 'null' : String(a), y = b === null || b === undefined ? 'null' : String(b);
      if (x !== y) diffs.push(`${where}: simulator ${x}, chain ${y}`);
    };
    const asWad = (s) => (s === null ? null : wad(s));
    same('steps', sim.steps.length, chain.length);
    same('capped', sim.total.capped, capped);
    same('liquidations', sim.total.liquidations, chain.reduce((n, r) => n + r.liquidations.filter((x) => x.liquidator !== null).length, 0));
    for (let s = 0; s < Math.min(sim.steps.length, chain.length); s++) {
      const a = sim.steps[s], b = chain[s];
      same(`step ${s} liquidation records`, a.liquidations.length, b.liquidations.length);
      for (let k = 0; k < Math.min(a.liquidations.length, b.liquidations.length); k++) {
        const x = a.liquidations[k], y = b.liquidations[k];
        const at = `step ${s} record ${k} (account ${y.account})`;
        for (const f of ['account', 'liquidator', 'scenario']) same(`${at} ${f}`, x[f], y[f]);
        for (const f of ['equity', 'maintenance']) same(`${at} ${f}`, asWad(x[f]), y[f]);
        if (y.liquidator !== null) for (const f of ['fraction', 'reward', 'payment', 'shortfall', 'insurance', 'socialised']) same(`${at} ${f}`, asWad(x[f]), y[f]);
      }
      for (const f of ['fund', 'socialised_loss', 'total_positive_cash']) same(`step ${s} ${f}`, asWad(a[f]), b[f]);
      same(`step ${s} loss_mark`, `${a.loss_mark.epoch}:${a.loss_mark.scale}`, `${b.loss_mark.epoch}:${b.loss_mark.scale}`);
    }
    return { diffs, amounts };
  };
  const { diffs, amounts } = compare(sim);
  const flatDiffs = compare(simFlat).diffs;

  const taken = chain.flatMap((r) => r.liquidations.filter((x) => x.liquidator !== null));
  const figures = { steps: chain.length, records: chain.reduce((n, r) => n + r.liquidations.length, 0), liquidations: taken.length, amounts, diffs: diffs.length,
    partial: taken.filter((x) => x.fraction < W('1')).length, full: taken.filter((x) => x.fraction === W('1')).length,
    insurance: taken.filter((x) => x.insurance > 0n).length, socialised: taken.filter((x) => x.socialised > 0n).length,
    byFallback: taken.filter((x) => x.liquidator !== LIQ[0]).length, waiting: chain.reduce((n, r) => n + r.liquidations.filter((x) => x.liquidator === null).length, 0),
    clamped: within ? taken.filter((x) => x.fraction === within.maxFraction).length : 0,
    proven, refused: refused.InsufficientMargin ?? 0, priceLimit: refused.PriceLimit ?? 0, capped, flatDiffs: flatDiffs.length,
    lateShortfalls: chain.slice(1).reduce((n, r) => n + r.liquidations.filter((x) => x.shortfall > 0n).length, 0), trades, accounts: book.length, simMs, chainMs, final: chain.length ? chain[chain.length - 1] : initial };
  h.node.stop();
  return { checks, figures, diffs };
}

// ---------------------------------------------------------------- main

const base = compile(undefined, DEPLOY_RUNS, DEPLOYED);
const pushes = Number(opt('--pushes', String(PATH.length)));
if (!(pushes >= 1 && pushes <= PATH.length)) {
  console.error(`--pushes: 1 .. ${PATH.length}`);
  process.exit(2);
}
// the mutant's run (its own node) overlaps the proof's once its compile is done
const mutantRun = mutantBuild?.then((c) => prove({ ...base, 'MarginAccounts.sol': c['MarginAccounts.sol'] }, 1, 'mutant'));
// the short liquidateWithin run, beside the proof on its own node
const withinRun = argv.includes('--no-within') ? null : prove(base, WITHIN.pushes, 'within', WITHIN);
const { checks, figures: f, diffs } = await prove(base, pushes, 'house');
for (const d of diffs.slice(0, 12)) console.log('  DIFF ' + d);
if (diffs.length > 12) console.log(`  ... and ${diffs.length - 12} more`);
checks.expect(diffs.length === 0, `the simulator's step log equals the chain's: ${f.steps} steps, ${f.records} liquidation records, ${f.amounts} values compared, ${diffs.length} differences`);
checks.expect(f.proven === f.liquidations, `every liquidated account was liquidatable at the chain's own full grid and its witness (${f.proven} of ${f.liquidations})`);
checks.expect(f.partial > 0 && f.full > 0 && f.insurance > 0 && f.socialised > 0,
  `the run exercised a partial liquidation (${f.partial}), a full one (${f.full}), the insurance fund (${f.insurance}) and a socialised loss (${f.socialised})`);
if (VOL_UP !== 0n)
  checks.expect(f.flatDiffs > 0, `the pushes' vols matter: without them the simulator's log differs from the chain's (${f.flatDiffs} differences)`);
checks.expect(pushes < 2 || f.lateShortfalls > 0, `a shortfall after the first push (${f.lateShortfalls})`);
console.log(`  ${f.accounts} accounts (${f.trades} trades), ${f.steps} steps: ${f.liquidations} liquidations (${f.partial} partial, ${f.full} full; ${f.byFallback} by a ` +
  `liquidator after the first; ${f.refused} eth_calls refused for the liquidator's IM; ${f.waiting} records with none), ${f.insurance} drawing on the insurance fund, ` +
  `${f.socialised} socialised; ${f.capped ? 'stopped by the step cap' : 'none liquidatable at the end'}; ` +
  `${f.amounts} values compared (${f.flatDiffs} differences without the pushes' vols; ${f.lateShortfalls} shortfalls after the first push); fund ${decimal(f.final.fund)}, socialisedLoss ${decimal(f.final.socialised_loss)}, lossMark ${f.final.loss_mark.epoch}:${f.final.loss_mark.scale}; ` +
  `margin cascade ${f.simMs} ms, the chain's keeper ${(f.chainMs / 1000).toFixed(1)} s`);
if (withinRun) {
  const w = await withinRun;
  for (const d of w.diffs.slice(0, 12)) console.log('  DIFF (liquidateWithin) ' + d);
  const wf = w.figures;
  checks.expect(w.checks.failed === 0 && w.diffs.length === 0,
    `liquidateWithin (max_fraction ${decimal(WITHIN.maxFraction)}, max_payment ${decimal(WITHIN.maxPayment)}), ${wf.steps} steps: the simulator's log equals the chain's ` +
    `(${wf.amounts} values, ${w.diffs.length} differences; its own checks ${w.checks.passed} passed, ${w.checks.failed} failed)`);
  console.log(`  liquidateWithin (max_fraction ${decimal(WITHIN.maxFraction)}, max_payment ${decimal(WITHIN.maxPayment)}): ${wf.steps} steps, ${wf.liquidations} liquidations ` +
    `(${wf.clamped} at max_fraction, ${wf.full} full), ${wf.priceLimit} eth_calls refused for the price limit and ${wf.refused} for IM, ${wf.waiting} records with none; ` +
    `${wf.amounts} values compared, ${w.diffs.length} differences`);
  checks.expect(wf.clamped > 0 && wf.priceLimit > 0,
    `liquidateWithin: ${wf.liquidations} liquidations, ${wf.clamped} at max_fraction; ${wf.priceLimit} eth_calls refused for the price limit, ${wf.waiting} records with no liquidator`);
}
if (mutantRun) {
  const m = await mutantRun;
  const caught = m.diffs.length > 0;
  console.log(`  mutant (the fraction rounded FLOOR, MarginAccounts._liquidate): ${m.diffs.length} differences over ${m.figures.steps} steps, ` +
    `the first: ${m.diffs[0] ?? 'none'}`);
  checks.expect(caught, 'the mutant is caught');
}
console.log(`cascade house mode = MarginAccounts on anvil: ${checks.passed} passed, ${checks.failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(checks.failed === 0 ? 0 : 1);
