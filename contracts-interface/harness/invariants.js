// The clearing house's invariant run (accounts.js, part 3): random sequences of deposits,
// withdrawals, signed trades, oracle pushes, liquidations and changes through the timelock
// (risk limits, the margin model's parameters, new series, insurance payouts) and insurance
// top-ups, on anvil, each step checked against the invariants and the native engine.
//
// Every sequence starts from the same chain state (evm_snapshot after accounts.js's
// differential) with its own seed. A timelocked change is queued, executed a day (the
// house's delay) later, and followed by the oracle's push: time crosses expiries (the
// first-listed ones at 7 and 30 days, and the listings' own, 1 to 40 days after they apply),
// settled by the push, and every account is settled after. After every step:
//   - token supply conserved across holders; the house's tokens cover the accounts' claims
//     (cash + perp P&L at the mark + insurance - socialised loss) to within rounding dust;
//     totalPositiveCash bounds the positive claims by rounding only;
//   - the stepping account's full grid equals the native engine's on its book() (after a
//     parameter change: every trader's, the engine given the new parameter document);
//   - a liquidation succeeds only on an account the engine calls liquidatable; a withdrawal
//     pays exactly what was asked and leaves equity >= IM;
//   - after an expiry, settle() succeeds for every account (nothing frozen).
// Parameter changes: 1 to 3 fields (the six step-limited factors, or other fields of the
// generated bounds table) moved within their step (max(0.25 |old|, 0.01), the table's
// `timelock` rows) and clamped to the table's bounds (IM factor >= MM factor kept); the queued
// id equals `margin param-hash` of the new document; a move one wei beyond a factor's step is
// refused StepLimit. The differential bites: after each change moving imFactor or mmFactor, the
// grids are compared with the engine on the old document as well, and must differ (a change
// applied to the contract and not to the engine is caught); --mutate-params skips the engine's
// update altogether, and the run must then fail.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { wad, rng, decimal, structParams } from './portfolio.js';
import { E18, W } from './house.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DAY = 86400;
/// The step-limited factors (Timelock.paramSteps) and other fields a change may move.
const KEY = ['imFactor', 'mmFactor', 'mmPerpPercent', 'imPerpPercent', 'mmOptionPercent', 'imOptionPercent'];
const OTHER = ['rangeUp', 'rangeDown', 'minVolUp', 'basisAdd', 'basisMult', 'confidenceMargin', 'longBaseDiscount', 'shortBaseDiscount',
  'shortRateAdd', 'longRateAdd', 'linearBaseCap', 'absBaseCap', 'pegFactor'];

/// The run. `ctx`: { h (a configured House), MARGIN, tmp, checks, traders, all (addresses),
/// seed, sequences, steps, mutateParams, verbose }. Returns the counters (summed over sequences).
export async function invariantRun(ctx) {
  const { h, MARGIN, tmp, checks, traders, all, sequences, steps, mutateParams, verbose } = ctx;
  const { house, token, admin, stranger, maker, liquidator, signers, houseAddr, NSCEN } = h;
  const expect = (ok, what) => checks.expect(ok, what);
  const reverts = (p) => h.reverts(p);
  const send = (p) => h.send(p);
  const native = (addrs, doc) => h.native(MARGIN, tmp, addrs, undefined, 'latest', doc === undefined ? h.paramsDoc : doc);
  const table = JSON.parse(execFileSync('python3', [path.join(ROOT, 'core/tools/gen_bounds.py'), '--json'], { encoding: 'utf8' }));
  const bound = Object.fromEntries(table.rows.filter((x) => x.table === 'params').map((x) => [x.field, x]));
  const tl = Object.fromEntries(table.timelock.map((x) => [x.field, BigInt(x.value)]));
  const c = { sequences: 0, steps: 0, deposits: 0, wOk: 0, wRefused: 0, haircuts: 0, tradesOk: 0, tradesRefused: 0, pushes: 0, liqOk: 0, liqRefused: 0,
    limits: 0, params: 0, fieldsMoved: 0, stepRefused: 0, shadowCaught: 0, shadowChecked: 0, listings: 0, newExpiries: 0, funded: 0, recovered: 0n,
    insuranceOut: 0, insurancePaid: 0n, expiriesCrossed: 0, settles: 0, positionsSettled: 0, listedSettled: 0, listedHeld: 0, listedTrades: 0, farRefused: 0, gridsSame: 0, gridsChecked: 0 };

  const holders = [...signers.map((s) => s.address), houseAddr];
  async function checkInvariants(step) {
    // one state (no transaction in between): the reads are sent together
    const [balances, accounts, [supplied, held, market, tpc, fund, loss]] = await Promise.all([
      Promise.all(holders.map((a) => token.balanceOf(a))),
      Promise.all(signers.map((s) => house.accountOf(s.address))),
      Promise.all([token.totalSupply(), token.balanceOf(houseAddr), house.market(), house.totalPositiveCash(), house.insuranceFund(), house.socialisedLoss()]),
    ]);
    const supply = balances.reduce((x, y) => x + y, 0n);
    expect(supply === supplied, `step ${step}: token supply conserved across holders`);
    let claims36 = 0n; // 36 decimals: cash + perp P&L at the mark, exact
    const mark = market.perpMark;
    let positive = 0n;
    for (const a of accounts) {
      claims36 += a.cash * E18 + a.perpSize * (mark - a.perpEntry);
      if (a.cash > 0n) positive += a.cash;
    }
    // the loss scale's bookkeeping: totalPositiveCash bounds the positive claims from above, by
    // the scale's floors only (at most a wei per claim per loss)
    expect(tpc >= positive && tpc - positive < 10n ** 6n, `step ${step}: totalPositiveCash ${tpc} >= the positive claims ${positive}, by rounding only`);
    claims36 += (fund - loss) * E18;
    const gap = held * E18 - claims36; // rounding dust: >= 0, tiny
    expect(gap >= 0n && gap < 10n ** 24n, `step ${step}: the contract's tokens cover the claims (gap ${gap} in 1e-36)`);
  }

  /// Mismatches between the contract's full grid and the engine's (on `doc`) for `addrs`.
  async function differential(addrs, doc, step, report) {
    const [nat, grids] = await Promise.all([native(addrs, doc), Promise.all(addrs.map((a) => house.fullGrid(a)))]);
    let bad = 0;
    for (let i = 0; i < addrs.length; i++) {
      const res = nat.res[i].result;
      const g = grids[i];
      const same = res && g.equity === wad(res.equity) && g.initial === wad(res.initial_margin) && g.maintenance === wad(res.maintenance_margin) &&
        g.liquidatable === res.liquidatable;
      if (!same) {
        bad++;
        if (report) expect(false, `step ${step}: ${addrs[i]}'s full grid on chain equals the native engine's (EVM ${g.equity} ${g.initial} ${g.maintenance}; native ${res ? `${res.equity} ${res.initial_margin} ${res.maintenance_margin}` : JSON.stringify(nat.res[i])})`);
      }
    }
    return bad;
  }

  /// The oracle's push: each expiry's discount factor from its time left at the push (the
  /// house's guard: within dfTolerance of exp(-rate x tau); house.js prices it from the tenor
  /// at listing, which drifts out of tolerance after a couple of months of a long run).
  async function push() {
    const ts = await h.blockTime();
    h.TENORS = h.EXPIRIES.map((e) => Math.max(1, Number(e) - ts));
    return send(h.push());
  }

  /// The oracle's push after a timelocked change (a day later): the expiries it reaches settle;
  /// then every account settles (nothing frozen).
  async function pushAndSettle(step) {
    const before = await house.expiryCount();
    await push();
    c.pushes++;
    const crossed = before - (await house.expiryCount());
    if (crossed > 0n) {
      c.expiriesCrossed += Number(crossed);
      for (const s of [maker, liquidator, ...traders]) {
        const rc = await house.connect(stranger).settle(s.address).then((tx) => h.mined(tx)).catch((e) => e);
        expect(!(rc instanceof Error), `step ${step}: after an expiry, settle(${s.address.slice(0, 8)}) ${rc instanceof Error ? rc.message : 'ok'}`);
        c.settles++;
        if (!(rc instanceof Error)) {
          for (const l of rc.logs) {
            let e = null;
            try { e = h.iface.parseLog(l); } catch {}
            if (e?.name === 'OptionSettled') {
              c.positionsSettled++;
              if (e.args.seriesId >= BigInt(firstListed)) c.listedSettled++;
            }
          }
        }
      }
    }
  }

  // ------------------------------------------------------------ timelocked changes

  async function changeLimits(step) {
    // the reward moved within its step
    const L = await house.limits();
    const next = { buffer: L.buffer, reward: L.reward === W('0.05') ? W('0.055') : W('0.05'), maxStaleness: L.maxStaleness, maxDeviation: L.maxDeviation };
    await send(h.queue('setLimits', [next]));
    await h.advance(Number(h.delay));
    await send(house.connect(admin).setLimits(next));
    expect((await house.limits()).reward === next.reward, `step ${step}: the queued limits change applied after the delay`);
    c.limits++;
  }

  /// A new value of `field` from `old`: within the step (|d| <= max(STEP |old|, FLOOR)) and the
  /// table's bounds.
  function moved(r, field, old) {
    const b = bound[field];
    const allowed = (old < 0n ? -old : old) * tl.step / E18 > tl.stepFloor ? (old < 0n ? -old : old) * tl.step / E18 : tl.stepFloor;
    let v = old + (allowed * BigInt(r.int(-1000, 1000))) / 1000n;
    if (v < BigInt(b.lo)) v = BigInt(b.lo);
    if (v > BigInt(b.hi)) v = BigInt(b.hi);
    return v;
  }

  async function changeParams(r, step) {
    // the document the house runs (the engine's too, unless --mutate-params)
    const oldDoc = h.houseDoc ?? JSON.parse(fs.readFileSync(path.join(ROOT, 'core/api/params/pmrm2.json'), 'utf8'));
    const old = structParams(oldDoc);
    const doc = structuredClone(oldDoc);
    const fields = new Set();
    for (let k = r.int(1, 3); k > 0; k--) fields.add(r.chance(0.7) ? r.pick(KEY) : r.pick(OTHER));
    const p = { ...old };
    for (const f of fields) p[f] = moved(r, f, old[f]);
    // IM factor >= MM factor (HouseGuards.checkParams): the moved one gives way
    if (p.imFactor < p.mmFactor) {
      if (fields.has('mmFactor')) p.mmFactor = p.imFactor;
      else p.imFactor = p.mmFactor;
    }
    for (const f of fields) doc[bound[f].group][bound[f].key] = decimal(p[f]);
    const q = structParams(doc);
    expect(ethers.keccak256(h.changeData('setParams', [q])) === ethers.keccak256(h.changeData('setParams', [p])), `step ${step}: the new document encodes the new parameters`);
    // one wei beyond a factor's step: refused when queued
    if (r.chance(0.5)) {
      const f = r.pick(KEY);
      const o = old[f], a = (o < 0n ? -o : o) * tl.step / E18;
      const over = { ...p, [f]: o + (a > tl.stepFloor ? a : tl.stepFloor) + 1n };
      if (over.imFactor >= over.mmFactor && over[f] <= BigInt(bound[f].hi)) {
        const why = await reverts(h.queue('setParams', [over]));
        expect(why === 'StepLimit', `step ${step}: ${f} one wei beyond its step (${o} -> ${over[f]}) refused: ${why}`);
        c.stepRefused++;
      }
    }
    const rq = await send(h.queue('setParams', [p]));
    const queued = rq.logs.map((l) => { try { return h.iface.parseLog(l); } catch { return null; } }).find((e) => e?.name === 'ChangeQueued');
    const file = path.join(tmp, 'params.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const hash = JSON.parse(execFileSync(MARGIN, ['param-hash', file], { encoding: 'utf8' })).param_hash;
    expect(queued && queued.args.id === hash, `step ${step}: the queued id = margin param-hash of the new document (${hash.slice(0, 10)})`);
    await h.advance(Number(h.delay));
    await send(house.connect(admin).setParams(p));
    expect(ethers.keccak256(h.changeData('setParams', [(await house.params()).toArray(true)])) === hash, `step ${step}: the house applies the queued parameters`);
    h.houseDoc = doc;
    if (!mutateParams) h.paramsDoc = doc;
    c.params++;
    c.fieldsMoved += fields.size;
    // after the change, every trader: the engine equals the contract; on the old document it
    // must not when a loss factor moved (the differential would catch a change the engine missed)
    const bad = await differential(all, undefined, step, true);
    c.gridsChecked += all.length;
    c.gridsSame += all.length - bad;
    if (p.imFactor !== old.imFactor || p.mmFactor !== old.mmFactor) {
      const shadow = await differential(all, oldDoc, step, false);
      c.shadowChecked++;
      if (shadow > 0) c.shadowCaught++;
      expect(shadow > 0, `step ${step}: the engine on the old parameters differs from the contract on the new (${shadow} of ${all.length} accounts)`);
    }
    if (verbose) console.log(`  step ${step}: params ${[...fields].map((f) => `${f} ${decimal(old[f])} -> ${decimal(p[f])}`).join(', ')}`);
  }

  async function listSeries(r, step) {
    const { state } = h;
    const now = await h.blockTime();
    const earliest = BigInt(now + Number(h.delay) + 3600);
    const ahead = h.EXPIRIES.filter((e) => e > earliest);
    // a new expiry 1 to 40 days after the listing applies, or a strike added to a listed one
    // (mostly within 6 days: the run's timelocked steps, a day each, cross them; the sequence's
    // end crosses the rest)
    const expiry = ahead.length && r.chance(0.3) ? r.pick(ahead) : BigInt(now + Number(h.delay) + r.int(1, r.chance(0.7) ? 6 : 40) * DAY + r.int(0, DAY - 1));
    const strike = ((state.spot * BigInt(r.pick([90, 95, 100, 105, 110]))) / 100n / W('1000')) * W('1000');
    const call = r.chance(0.5);
    await send(h.queue('listSeries', [expiry, strike, call]));
    // the bound: an expiry more than three years ahead is queued (the timelock checks only that
    // it is after the delay) and refused when executed
    const far = r.chance(0.5) ? BigInt(now + Number(h.delay) + 3 * 365 * DAY + DAY) : null;
    if (far) await send(h.queue('listSeries', [far, strike, call]));
    await h.advance(Number(h.delay));
    if (far) {
      const why = await reverts(house.connect(admin).listSeries(far, strike, call));
      expect(why === 'InvalidParameter', `step ${step}: a queued listing more than three years ahead refused at execution: ${why}`);
      c.farRefused++;
    }
    const rc = await send(house.connect(admin).listSeries(expiry, strike, call));
    const ev = rc.logs.map((l) => { try { return h.iface.parseLog(l); } catch { return null; } }).find((e) => e?.name === 'SeriesListed');
    expect(ev && ev.args.seriesId === BigInt(h.SERIES.length) && (await house.seriesCount()) === BigInt(h.SERIES.length + 1),
      `step ${step}: the queued listing applied as series ${h.SERIES.length}`);
    h.SERIES.push({ expiry, strike, call });
    state.vols.push(W(String(0.5 + r.int(0, 20) / 100)));
    if (!h.EXPIRIES.includes(expiry)) {
      // kept ascending, with its tenor (for the discount factor) and first forward
      let at = h.EXPIRIES.findIndex((e) => e > expiry);
      if (at < 0) at = h.EXPIRIES.length;
      h.EXPIRIES.splice(at, 0, expiry);
      h.TENORS.splice(at, 0, Number(expiry) - now);
      state.fwd.splice(at, 0, state.spot + W('60'));
      c.newExpiries++;
    }
    c.listings++;
    if (verbose) console.log(`  step ${step}: listed ${call ? 'call' : 'put'} ${decimal(strike)} expiring ${expiry} (in ${((Number(expiry) - now) / DAY).toFixed(1)} days)`);
  }

  async function insurance(r, step) {
    const fund = await house.insuranceFund(), loss = await house.socialisedLoss();
    if (fund - loss > 0n && r.chance(0.5)) {
      // a payout of part of the surplus through the timelock; one wei beyond the surplus refused
      const surplus = fund - loss;
      const why = await reverts(house.connect(admin).withdrawInsurance.staticCall(stranger.address, surplus + 1n));
      expect(why === 'InvalidParameter', `step ${step}: a payout beyond the insurance surplus refused: ${why}`);
      const amount = (surplus * BigInt(r.int(1, 60))) / 100n || 1n;
      await send(h.queue('withdrawInsurance', [stranger.address, amount]));
      await h.advance(Number(h.delay));
      const wallet = await token.balanceOf(stranger.address);
      await send(house.connect(admin).withdrawInsurance(stranger.address, amount));
      expect((await token.balanceOf(stranger.address)) - wallet === amount && (await house.insuranceFund()) === fund - amount,
        `step ${step}: withdrawInsurance paid ${amount} out of the fund`);
      c.insuranceOut++;
      c.insurancePaid += amount;
      return true; // a day passed: the oracle pushes
    }
    // a top-up: it pays the outstanding socialised loss down first, the rest joins the fund
    const amount = W(String(r.int(1, 40) * 50));
    await send(house.connect(stranger).fundInsurance(amount));
    const paid = loss < amount ? loss : amount;
    expect((await house.socialisedLoss()) === loss - paid && (await house.insuranceFund()) === fund + amount - paid,
      `step ${step}: fundInsurance(${amount}) retired ${paid} of the socialised loss ${loss}, the rest joined the fund`);
    c.funded++;
    c.recovered += paid;
    return false;
  }

  // ------------------------------------------------------------ the sequences

  const saved = () => structuredClone({ state: h.state, SERIES: h.SERIES, EXPIRIES: h.EXPIRIES, TENORS: h.TENORS, paramsDoc: h.paramsDoc, houseDoc: h.houseDoc });
  const start = saved();
  const firstListed = h.SERIES.length; // series listed by the run: ids from here
  const t0 = Date.now();
  let snap = await h.provider.send('evm_snapshot', []);
  await checkInvariants('start');
  for (let sq = 0; sq < sequences; sq++) {
    if (sq > 0) {
      await h.provider.send('evm_revert', [snap]);
      snap = await h.provider.send('evm_snapshot', []);
      Object.assign(h, structuredClone(start));
    }
    const r = rng(BigInt(ctx.seed) * 1000n + BigInt(sq));
    const tag = sequences > 1 ? `seq ${sq} ` : '';
    for (let step = 0; step < steps; step++) {
      const label = tag + step;
      const stepStart = Date.now();
      const t = r.pick(traders);
      const u = r();
      let kind;
      if (u < 0.18) {
        kind = 'deposit';
        await send(house.connect(t).deposit(W(String(r.int(1, 20) * 1000))));
        c.deposits++;
      } else if (u < 0.38) {
        kind = 'withdraw';
        const a = await house.accountOf(t.address);
        const amount = a.cash > 0n ? (a.cash * BigInt(r.int(1, 100))) / 100n : W('1');
        const asked = amount > 0n ? amount : 1n;
        const wallet = await token.balanceOf(t.address);
        const scaled = ((await house.lossMark()) & ((1n << 128n) - 1n)) < 10n ** 36n;
        const why = await reverts(house.connect(t).withdraw(asked));
        if (why === null) {
          c.wOk++;
          const paid = (await token.balanceOf(t.address)) - wallet;
          if (scaled) c.haircuts++;
          // losses are charged to the claims of their moment (the loss scale), never at withdrawal:
          // a withdrawal pays exactly what was asked, at most the claim accountOf reports
          expect(paid === asked, `step ${label}: withdrawal paid ${paid} of ${asked}`);
          const g = await house.fullGrid(t.address);
          expect(g.equity >= g.initial, `step ${label}: equity ${g.equity} >= IM ${g.initial} after a withdrawal`);
        } else if (why === 'InsufficientMargin' || why === 'InsufficientCash') c.wRefused++;
        else expect(false, `step ${label}: withdraw reverted with ${why}`);
      } else if (u < 0.6) {
        kind = 'trade';
        // a third of them (once the run has listed some) in a series the run listed
        const now = BigInt(await h.blockTime());
        const listed = h.SERIES.map((x, i) => [x, i]).filter(([x, i]) => i >= firstListed && x.expiry > now).map(([, i]) => i);
        let why;
        if (listed.length && r.chance(0.35)) {
          kind = 'trade-listed';
          const id = r.pick(listed);
          const [buyer, seller] = r.chance(0.6) ? [maker, t] : [t, maker];
          why = await reverts(h.trade(buyer, seller, BigInt(id), r.wad(0.1, 2, 2), h.optionPrice(h.SERIES[id])));
          if (why === null) c.listedTrades++;
        } else why = await h.randomTrade(r, t);
        if (why === null) c.tradesOk++;
        else if (why === 'InsufficientMargin') c.tradesRefused++;
        else expect(false, `step ${label}: trade reverted with ${why}`);
      } else if (u < 0.72) {
        kind = 'push';
        const { state } = h;
        const f = BigInt(r.int(93, 104)); // a downward drift: new liquidations appear
        state.spot = (state.spot * f) / 100n;
        state.perpMark = (state.perpMark * f) / 100n;
        state.fwd = state.fwd.map((x) => (x * f) / 100n);
        state.vols = state.vols.map((v) => (v * BigInt(r.int(92, 110))) / 100n);
        await h.advance(60);
        await push();
        c.pushes++;
      } else if (u < 0.86) {
        // a change through the timelock, executed a day later, then the oracle's push
        const v = r();
        let pushed = true;
        if (v < 0.2) { kind = 'limits'; await changeLimits(label); }
        else if (v < 0.5) { kind = 'params'; await changeParams(r, label); }
        else if (v < 0.8) { kind = 'listing'; await listSeries(r, label); }
        else { kind = 'insurance'; pushed = await insurance(r, label); }
        if (pushed) await pushAndSettle(label);
      } else {
        kind = 'liquidate';
        // mostly an account the engine marks liquidatable (if any), with its worst scenario or
        // another; else a random one
        const nat = await native(all);
        const bad = all.filter((_, k) => nat.res[k].result.liquidatable);
        const k = bad.length && r.chance(0.7) ? all.indexOf(r.pick(bad)) : r.int(0, all.length - 1);
        const res = nat.res[k].result;
        const id = r.chance(0.5) && res.underlyings.length ? BigInt(res.underlyings[0].worst_scenario) : BigInt(r.int(0, NSCEN));
        const why = await reverts(house.connect(liquidator).liquidate(all[k], id));
        if (why === null) {
          c.liqOk++;
          expect(res.liquidatable, `step ${label}: a liquidation succeeded only on an account the engine calls liquidatable`);
        } else if (why === 'AccountHealthy') c.liqRefused++;
        else expect(false, `step ${label}: liquidate reverted with ${why}`);
      }
      await checkInvariants(label);
      // the engine's margin equals the contract's: the stepping trader's full grid against the
      // native engine on its book() (as a JSON request, under the house's current parameters)
      const bad = await differential([t.address], undefined, label, true);
      c.gridsChecked++;
      c.gridsSame += 1 - bad;
      c.steps++;
      if (verbose) console.log(`  step ${label}: ${kind} ${Date.now() - stepStart} ms`);
    }
    // the end of the sequence: the clock past every expiry it listed (one push, after a silence:
    // they all settle at its spot), every account settled, the invariants and every trader's
    // grid against the engine
    for (const s of [maker, ...traders]) c.listedHeld += (await house.accountOf(s.address)).held.filter((id) => id >= BigInt(firstListed)).length;
    const last = h.SERIES.slice(firstListed).reduce((m, x) => (x.expiry > m ? x.expiry : m), 0n);
    const now = BigInt(await h.blockTime());
    if (last >= now) {
      await h.advance(Number(last - now) + 60);
      await pushAndSettle(tag + 'end');
      await checkInvariants(tag + 'end');
      const bad = await differential(all, undefined, tag + 'end', true);
      c.gridsChecked += all.length;
      c.gridsSame += all.length - bad;
      const n = Number(await house.liveCount());
      const ids = await Promise.all(Array.from({ length: n }, (_, i) => house.live(i)));
      const left = ids.filter((id) => id >= BigInt(firstListed)).length;
      expect(left === 0, `${tag}end: every series the sequence listed has expired and been delisted (${left} left)`);
    }
    c.sequences++;
  }
  c.seconds = ((Date.now() - t0) / 1000).toFixed(1);
  return c;
}

/// The run's summary line.
export function summary(c) {
  return `invariant run: ${c.sequences} sequence(s), ${c.steps} steps: ${c.deposits} deposits, ${c.wOk} withdrawals (${c.wRefused} refused; ${c.haircuts} of claims scaled by a socialised loss, each paid exactly), ` +
    `${c.tradesOk} signed trades (${c.listedTrades} in series the run listed; ${c.tradesRefused} refused below IM), ${c.pushes} oracle updates, ${c.liqOk} liquidations (${c.liqRefused} refused as healthy); ` +
    `through the timelock: ${c.limits} limits changes, ${c.params} parameter changes (${c.fieldsMoved} fields moved; ${c.stepRefused} one wei beyond a step refused; ` +
    `the engine on the old parameters caught ${c.shadowCaught} of ${c.shadowChecked} loss-factor changes), ${c.listings} listings (${c.newExpiries} new expiries; ${c.farRefused} beyond three years refused), ` +
    `${c.insuranceOut} insurance payouts (${decimal(c.insurancePaid)}); ${c.funded} insurance top-ups (${decimal(c.recovered)} of socialised loss retired); ` +
    `${c.expiriesCrossed} expiries crossed and settled (${c.settles} account settlements, ${c.positionsSettled} positions paid out, ${c.listedSettled} of them in listed series; ` +
    `${c.listedHeld} positions in listed series open at the sequence's end, when the clock passes their expiries); the engine's grid equal to the contract's in ${c.gridsSame} of ${c.gridsChecked} comparisons`;
}
