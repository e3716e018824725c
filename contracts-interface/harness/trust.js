// MarginAccounts' trust surface on anvil (issue 31, item 6), run by guards.js on its house:
//
// 1. Signed orders (Orders.sol): the EIP-712 domain separator equals ethers'; a trade with both
//    sides' signatures goes through; then every refusal: replayed nonce (NonceUsed), a nonce the
//    account cancelled, a fill beyond the order's size or on the wrong side or another
//    instrument (InvalidParameter("order")), a price beyond either side's limit (PriceLimit), an
//    expired order (OrderExpired), a signature of the wrong length, with v = 29, or the
//    high-s twin of a valid one (BadSignature), another key's signature and a tampered order
//    (WrongSigner), a caller other than the matcher (Unauthorized); an order filled for less
//    than its size cannot be filled again (immediate-or-cancel); nonces in any order (bitmap).
// 2. The timelock (Timelock.sol): a queued parameter change's id equals keccak256 of its
//    encoding and `margin param-hash` of the parameter document; too early (TooEarly), another
//    change (NotQueued), twice (AlreadyQueued), executed once (ChangeExecuted, then NotQueued),
//    cancelled (ChangeCancelled, then NotQueued), expired after the grace period
//    (ChangeExpired), non-admin queue/execute/cancel (Unauthorized), an unknown kind and a
//    non-canonical encoding (InvalidParameter); the step limits at their bounds (accepted) and one
//    wei beyond (StepLimit): mmFactor, reward, the scenarios' largest and smallest spot shocks.
// 3. Roles: revocation at once (the matcher can no longer trade), re-granting through the
//    timelock; the admin's two-step transfer (the proposed admin accepts; nobody else can; the
//    old admin loses the role); the constructor's delay bounds.
// 4. A deliberate mutation caught: Orders.sol compiled without the high-s check accepts the
//    high-s twin (the check of 1 then fails), on a house linked to it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { compile, DEPLOY_RUNS } from './evm.js';
import { link, W, E18, ORDER_TYPES } from './house.js';
import { structParams } from './portfolio.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(here, '..', '..');
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n; // secp256k1's order
const b32 = (s) => ethers.encodeBytes32String(s);

/// The high-s twin of a 65-byte signature r ‖ s ‖ v: (r, n - s, v ^ 1), as valid for ecrecover.
export function highS(sig) {
  const s = BigInt('0x' + sig.slice(66, 130));
  const v = parseInt(sig.slice(130, 132), 16);
  return sig.slice(0, 66) + (N - s).toString(16).padStart(64, '0') + (v === 27 ? '1c' : '1b');
}

/// Section 1. `h`: a configured House with a fresh market (its last trader is used); `why(promise)`: the custom error {name, args} or
/// null; `margin`: the CLI (param-hash), or undefined to skip that comparison.
export async function signedOrders(h, expect, why) {
  const { house, matcher, maker, stranger } = h;
  const t0 = Date.now();
  const T = h.traders[h.traders.length - 1];
  await h.fund(T, W('1000000'));
  await h.send(house.connect(T).deposit(W('200000')));
  const named = (r, name, field) => r && r.name === name && (field === undefined || r.args[0] === b32(field));
  const id = BigInt(h.SERIES.findIndex((x) => x.strike === W('105000') && x.call && x.expiry === h.EXPIRIES[h.EXPIRIES.length - 1]));
  const price = (await house.quotes(id)).mark;
  const size = W('0.1');
  const tradeCall = (b, bs, s, ss, sz = size, px = price, from = matcher) => house.connect(from).trade.staticCall(b, bs, s, ss, sz, px);

  // ------------------------------------------------------------ 1. signed orders
  expect((await house.domainSeparator()) === ethers.TypedDataEncoder.hashDomain(h.domain), 'EIP-712 domain separator equals ethers\' (name, version, chainId, house)');
  const nb = h.nonces.get(T.address.toLowerCase()) ?? 0n;
  const b = h.order(T, id, size, price);
  const s = h.order(maker, id, -size, price);
  const rc = await h.send(house.connect(matcher).trade(b.order, b.sig, s.order, s.sig, size, price));
  expect(rc.status === '0x1' && (await house.nonceUsed(T.address, nb)), 'a trade with both signed orders goes through; the buyer\'s nonce is used');
  expect(named(await why(tradeCall(b.order, b.sig, s.order, s.sig)), 'NonceUsed'), 'the same orders again: NonceUsed (replay)');
  {
    const b2 = h.order(T, id, size, price);
    const s2 = h.order(maker, id, -size, price);
    expect((await why(tradeCall(b2.order, b2.sig, s2.order, s2.sig))) === null, 'fresh nonces: accepted (eth_call)');
    expect(named(await why(tradeCall(b2.order, b2.sig, s2.order, s2.sig, size, price, stranger)), 'Unauthorized'), 'valid orders from a caller other than the matcher: Unauthorized');
    expect(named(await why(tradeCall(b2.order, b2.sig, s2.order, s2.sig, size, price + 1n)), 'PriceLimit'), 'price one wei above the buyer\'s limit: PriceLimit');
    expect(named(await why(tradeCall(b2.order, b2.sig, s2.order, s2.sig, size, price - 1n)), 'PriceLimit'), 'price one wei below the seller\'s limit: PriceLimit');
    expect(named(await why(tradeCall(b2.order, b2.sig, s2.order, s2.sig, size + 1n)), 'InvalidParameter', 'order'), 'a fill one wei beyond the orders\' size: InvalidParameter("order")');
    expect(named(await why(tradeCall(s2.order, s2.sig, b2.order, b2.sig)), 'InvalidParameter', 'order'), 'a sell order used as the buy (and the buy as the sell): InvalidParameter("order")');
    const other = h.order(maker, id + 1n, -size, price);
    expect(named(await why(tradeCall(b2.order, b2.sig, other.order, other.sig)), 'InvalidParameter', 'order'), 'orders on two instruments: InvalidParameter("order")');
    // signatures
    expect(named(await why(tradeCall(b2.order, b2.sig.slice(0, 130), s2.order, s2.sig)), 'BadSignature'), 'a 64-byte signature: BadSignature');
    expect(named(await why(tradeCall(b2.order, b2.sig.slice(0, 130) + '1d', s2.order, s2.sig)), 'BadSignature'), 'v = 29: BadSignature');
    const twin = highS(b2.sig);
    // the ecrecover precompile (address 1) takes the twin: hash, v, r, s
    const digest = ethers.TypedDataEncoder.hash(h.domain, ORDER_TYPES, b2.order);
    const rec = await h.provider.call({ to: '0x0000000000000000000000000000000000000001',
      data: digest + '00'.repeat(31) + twin.slice(130, 132) + twin.slice(2, 130) });
    expect(ethers.getAddress('0x' + rec.slice(26)) === T.address, 'the high-s twin recovers the same signer by the ecrecover precompile');
    expect(named(await why(tradeCall(b2.order, twin, s2.order, s2.sig)), 'BadSignature'), 'the high-s twin of a valid signature (malleable): BadSignature');
    h.highS = { order: b2.order, twin, sell: s2 };
    const forged = h.order(T, id, size, price, {}, h.keys.get(stranger.address.toLowerCase()));
    const wr = await why(tradeCall(forged.order, forged.sig, s2.order, s2.sig));
    expect(named(wr, 'WrongSigner') && wr.args[1] === stranger.address, 'the buyer\'s order signed by another key: WrongSigner(account, that key)');
    expect(named(await why(tradeCall({ ...b2.order, limitPrice: b2.order.limitPrice + 1n }, b2.sig, s2.order, s2.sig)), 'WrongSigner'), 'a signed order tampered with (limit raised): WrongSigner');
    const now = BigInt(await h.blockTime());
    const late = h.order(T, id, size, price, { deadline: now - 1n });
    expect(named(await why(tradeCall(late.order, late.sig, s2.order, s2.sig)), 'OrderExpired'), 'an order past its deadline: OrderExpired');
    // the account voids a nonce
    await h.send(house.connect(T).cancelNonce(b2.order.nonce));
    expect(named(await why(tradeCall(b2.order, b2.sig, s2.order, s2.sig)), 'NonceUsed'), 'a nonce the account cancelled: NonceUsed');
  }
  {
    // immediate-or-cancel: an order of 2 x size filled for size cannot fill its rest
    const big = h.order(T, id, 2n * size, price);
    const s3 = h.order(maker, id, -size, price);
    await h.send(house.connect(matcher).trade(big.order, big.sig, s3.order, s3.sig, size, price));
    const s4 = h.order(maker, id, -size, price);
    expect(named(await why(tradeCall(big.order, big.sig, s4.order, s4.sig)), 'NonceUsed'), 'an order filled in part cannot be filled again (immediate-or-cancel)');
    // nonces in any order (bitmap)
    const hiN = h.order(T, id, size, price, { nonce: 1000n });
    const loN = h.order(T, id, size, price, { nonce: 500n });
    const m1 = h.order(maker, id, -size, price);
    const m2 = h.order(maker, id, -size, price);
    await h.send(house.connect(matcher).trade(hiN.order, hiN.sig, m1.order, m1.sig, size, price));
    await h.send(house.connect(matcher).trade(loN.order, loN.sig, m2.order, m2.sig, size, price));
    expect((await house.nonceUsed(T.address, 1000n)) && (await house.nonceUsed(T.address, 500n)) && !(await house.nonceUsed(T.address, 501n)),
      'nonces used out of order (1000, then 500): both filled, 501 still free');
  }
  console.log(`  trust: signed orders ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/// The events of `name` in a receipt's logs (the house's, by address).
function events(h, rc, name) {
  return rc.logs.filter((l) => l.address.toLowerCase() === h.houseAddr.toLowerCase()).map((l) => { try { return h.iface.parseLog(l); } catch { return null; } })
    .filter((e) => e && e.name === name);
}

/// Sections 2 to 4 (the house's market may be stale: no trade needed, but the clock moves on by
/// weeks). `margin`: the CLI, for param-hash (skipped if undefined).
export async function governance(h, expect, why, margin) {
  const { house, admin, matcher, maker, stranger, liquidator } = h;
  const t0 = Date.now();
  const named = (r, name, field) => r && r.name === name && (field === undefined || r.args[0] === b32(field));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-'));
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'core/api/params/pmrm2.json'), 'utf8'));

  // ------------------------------------------------------------ 2. the timelock
  // a parameter change written as a document: mmFactor 0.8 -> 0.88 (within its step)
  doc.loss.mm_factor = '0.88';
  const file = path.join(tmp, 'params.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const p = structParams(doc);
  const data = h.changeData('setParams', [p]);
  expect(named(await why(house.connect(stranger).queue.staticCall(b32('params'), data)), 'Unauthorized'), 'a non-admin queue: Unauthorized');
  const rq = await h.send(h.queue('setParams', [p]));
  const [q] = events(h, rq, 'ChangeQueued');
  const id = q?.args.id;
  expect(q && id === ethers.keccak256(data) && q.args.data === data && q.args.kind === b32('params'), 'ChangeQueued: id = keccak256(abi.encode(params)), with the data and the kind');
  if (margin) {
    const cli = JSON.parse(execFileSync(margin, ['param-hash', file], { encoding: 'utf8' })).param_hash;
    expect(cli === id, `margin param-hash of the parameter document = the queued change's id (${cli})`);
    const first = JSON.parse(execFileSync(margin, ['param-hash', path.join(ROOT, 'core/api/params/pmrm2.json')], { encoding: 'utf8' })).param_hash;
    expect(first === ethers.keccak256(h.changeData('setParams', [h.params])), `margin param-hash of pmrm2.json = keccak256 of the house's first parameters' encoding (${first.slice(0, 10)})`);
  }
  expect(q && q.args.eta === BigInt(await h.blockTime()) + h.delay, 'eta = queue time + delay');
  expect(named(await why(house.connect(admin).queue.staticCall(b32('params'), data)), 'AlreadyQueued'), 'the same change queued twice: AlreadyQueued');
  expect(named(await why(house.connect(admin).setParams.staticCall(p)), 'TooEarly'), 'executed before its eta: TooEarly');
  expect(named(await why(house.connect(stranger).setParams.staticCall(p)), 'Unauthorized'), 'executed by a non-admin: Unauthorized');
  const other = structParams({ ...doc, loss: { ...doc.loss, mm_factor: '0.87' } });
  expect(named(await why(house.connect(admin).setParams.staticCall(other)), 'NotQueued'), 'other parameters than those queued: NotQueued');
  expect(named(await why(house.connect(admin).queue.staticCall(b32('fees'), data)), 'InvalidParameter', 'kind'), 'an unknown kind: InvalidParameter("kind")');
  expect(named(await why(house.connect(admin).queue.staticCall(b32('params'), data + '00'.repeat(32))), 'InvalidParameter', 'data'), 'a non-canonical encoding (a trailing word): InvalidParameter("data")');
  // step limits: the generated table's values (core/tools/gen_bounds.py --json, "timelock"); every
  // step-limited field moved up and down by its allowed step max(STEP x |old|, STEP_FLOOR) (the
  // tails by TAIL_STEP) accepted, one wei beyond refused with StepLimit(field) (eth_call of queue:
  // the same checks as the execution)
  const TL = Object.fromEntries(JSON.parse(execFileSync('python3', [path.join(ROOT, 'core/tools/gen_bounds.py'), '--json'], { encoding: 'utf8' }))
    .timelock.map((r) => [r.field, BigInt(r.value)]));
  const allowed = (old) => {
    const a = ((old < 0n ? -old : old) * TL.step) / E18; // floor, as Timelock.step
    return a > TL.stepFloor ? a : TL.stepFloor;
  };
  const pm = (over) => ({ ...h.params, ...over });
  const stepQ = (fn, args) => why(house.connect(admin).queue.staticCall(b32({ setParams: 'params', setLimits: 'limits' }[fn]), h.changeData(fn, args)));
  // the cross-field rule imFactor >= mmFactor holds at every point tested: imFactor's way down
  // takes mmFactor down by its own whole step first, mmFactor's way up takes imFactor along
  const partner = {
    imFactor: (v, d) => (d < 0n ? { mmFactor: h.params.mmFactor - allowed(h.params.mmFactor) } : {}),
    mmFactor: (v, d) => (d > 0n && v > h.params.imFactor ? { imFactor: v } : {}),
  };
  let stepCases = 0, belowZero = 0;
  const stepBoth = async (fn, field, make, old, bound) => {
    for (const d of [1n, -1n]) {
      const at = old + d * bound;
      if (at < 0n) { // the step reaches below the table's lower bound (0): the bound refuses first
        belowZero++;
        continue;
      }
      const ok = await stepQ(fn, [make(field, at, d)]);
      const beyond = await stepQ(fn, [make(field, at + d, d)]);
      stepCases++;
      expect(ok === null && named(beyond, 'StepLimit', field),
        `${field} ${old} ${d > 0n ? '+' : '-'} ${bound} accepted (${ok?.name ?? 'ok'}), one wei beyond: StepLimit (${beyond?.name} ${beyond?.args?.[0] ? ethers.decodeBytes32String(beyond.args[0]) : ''})`);
    }
  };
  for (const f of ['imFactor', 'mmFactor', 'mmPerpPercent', 'imPerpPercent', 'mmOptionPercent', 'imOptionPercent'])
    await stepBoth('setParams', f, (k, v, d) => pm({ ...(partner[k]?.(v, d) ?? {}), [k]: v }), h.params[f], allowed(h.params[f]));
  const L = h.limits;
  for (const f of ['buffer', 'reward', 'maxDeviation']) await stepBoth('setLimits', f, (k, v) => ({ ...L, [k]: v }), L[f], allowed(L[f]));
  // the tails: the smallest and the largest spot shock, each moved outward and inward by TAIL_STEP
  const shocks = h.params.scenarios.map((x) => x.spotShock);
  const lo = shocks.indexOf(shocks.reduce((a, b) => (b < a ? b : a)));
  const hi = shocks.indexOf(shocks.reduce((a, b) => (b > a ? b : a)));
  for (const [name, i] of [['minSpotShock', lo], ['maxSpotShock', hi]]) {
    const others = shocks.filter((_, k) => k !== i);
    // inward only while the moved shock stays the extreme one (else the step is measured on another scenario)
    const room = name === 'minSpotShock' ? others.reduce((a, b) => (b < a ? b : a)) - shocks[i] : shocks[i] - others.reduce((a, b) => (b > a ? b : a));
    const make = (_k, v) => pm({ scenarios: h.params.scenarios.map((x, k) => (k === i ? { ...x, spotShock: v } : x)) });
    if (room > TL.tailStep + 1n) await stepBoth('setParams', name, make, shocks[i], TL.tailStep);
    else {
      const d = name === 'minSpotShock' ? -1n : 1n; // outward
      const ok = await stepQ('setParams', [make(name, shocks[i] + d * TL.tailStep)]);
      const beyond = await stepQ('setParams', [make(name, shocks[i] + d * (TL.tailStep + 1n))]);
      stepCases++;
      expect(ok === null && named(beyond, 'StepLimit', name), `${name} moved outward by TAIL_STEP accepted, one wei beyond: StepLimit (${beyond?.name})`);
    }
  }
  console.log(`  step limits from the table (step ${TL.step}, floor ${TL.stepFloor}, tail ${TL.tailStep}, grace ${TL.grace} s): ${stepCases} moves at the bound and one wei beyond (${belowZero} downward steps below 0 left to the bounds table)`);
  // listings (once the oracle has pushed) and insurance payouts go through the timelock too
  {
    const now = BigInt(await h.blockTime());
    const t = now + 30n * 86400n, k = W('101000');
    expect(named(await why(house.connect(admin).listSeries.staticCall(t, k, true)), 'NotQueued'), 'listSeries after the first push, not queued: NotQueued');
    const sq = (args) => why(house.connect(admin).queue.staticCall(b32('series'), h.changeData('listSeries', args)));
    expect(named(await sq([t, 0n, true]), 'InvalidParameter', 'strike'), 'a listing queued with strike 0: InvalidParameter("strike")');
    expect(named(await sq([now + h.delay, k, true]), 'InvalidParameter', 'expiry') && (await sq([now + h.delay + 2n, k, true])) === null,
      'a listing whose expiry is not after now + delay refused (InvalidParameter("expiry")), 2 s later accepted');
    const iq = (args) => why(house.connect(admin).queue.staticCall(b32('insurance'), h.changeData('withdrawInsurance', args)));
    expect(named(await iq([ethers.ZeroAddress, 1n]), 'InvalidParameter', 'amount') && named(await iq([admin.address, 0n]), 'InvalidParameter', 'amount') &&
      (await iq([admin.address, 1n])) === null, 'an insurance payout queued to address 0 or of 0 refused, of 1 wei accepted');
    await h.send(h.token.connect(admin).mint(admin.address, W('10')));
    await h.send(h.token.connect(admin).approve(h.houseAddr, ethers.MaxUint256));
    await h.send(house.connect(admin).fundInsurance(W('10')));
    expect(named(await why(house.connect(admin).withdrawInsurance.staticCall(admin.address, W('1'))), 'NotQueued'), 'withdrawInsurance within the surplus, not queued: NotQueued');
    expect(named(await why(house.connect(admin).withdrawInsurance.staticCall(admin.address, (await house.insuranceFund()) + 1n)), 'InvalidParameter', 'amount'),
      'withdrawInsurance beyond the surplus: InvalidParameter("amount") before the queue is looked at');
    const r1 = await h.send(h.queue('listSeries', [t, k, true]));
    const r2 = await h.send(h.queue('withdrawInsurance', [admin.address, W('1')]));
    const ids = [events(h, r1, 'ChangeQueued')[0]?.args, events(h, r2, 'ChangeQueued')[0]?.args];
    expect(ids[0]?.kind === b32('series') && ids[0]?.id === ethers.keccak256(h.changeData('listSeries', [t, k, true])) &&
      ids[1]?.kind === b32('insurance') && ids[1]?.id === ethers.keccak256(h.changeData('withdrawInsurance', [admin.address, W('1')])),
      'ChangeQueued for a listing and a payout: id = keccak256 of the arguments\' encoding');
    expect(named(await why(house.connect(admin).listSeries.staticCall(t, k, true)), 'TooEarly') &&
      named(await why(house.connect(admin).withdrawInsurance.staticCall(admin.address, W('1'))), 'TooEarly'), 'both before the delay: TooEarly');
    await h.advance(Number(h.delay));
    const n = await house.seriesCount();
    const fund = await house.insuranceFund();
    const e1 = await h.send(house.connect(admin).listSeries(t, k, true));
    const e2 = await h.send(house.connect(admin).withdrawInsurance(admin.address, W('1')));
    expect(events(h, e1, 'ChangeExecuted')[0]?.args.id === ids[0]?.id && events(h, e1, 'SeriesListed')[0]?.args.seriesId === n &&
      events(h, e2, 'ChangeExecuted')[0]?.args.id === ids[1]?.id && (await house.insuranceFund()) === fund - W('1'),
      'after the delay: the series listed and the payout made (ChangeExecuted each)');
    h.SERIES.push({ expiry: t, strike: k, call: true }); // priced from the next push
    h.state.vols.push(W('0.5'));
  }
  // a limits change queued then cancelled
  const L2 = { ...L, maxStaleness: L.maxStaleness + 60n };
  const rl = await h.send(h.queue('setLimits', [L2]));
  const lid = events(h, rl, 'ChangeQueued')[0]?.args.id;
  expect(named(await why(house.connect(stranger).cancel.staticCall(lid)), 'Unauthorized'), 'a non-admin cancel: Unauthorized');
  const rcx = await h.send(house.connect(admin).cancel(lid));
  expect(events(h, rcx, 'ChangeCancelled')[0]?.args.id === lid && (await house.queued(lid)) === 0n, 'cancel: ChangeCancelled, no longer queued');
  expect(named(await why(house.connect(admin).cancel.staticCall(lid)), 'NotQueued'), 'cancelling it again: NotQueued');
  // a role change queued with them
  await h.send(h.queue('setRole', [b32('admin'), stranger.address]));
  // the delay passes
  await h.advance(Number(h.delay));
  expect(named(await why(house.connect(admin).setLimits.staticCall(L2)), 'NotQueued'), 'the cancelled change after its eta: NotQueued');
  const rx = await h.send(house.connect(admin).setParams(p));
  const set = events(h, rx, 'ParamsSet')[0];
  expect(events(h, rx, 'ChangeExecuted')[0]?.args.id === id && set?.args.paramsHash === id, 'executed from its eta: ChangeExecuted(id), ParamsSet carries the same hash');
  expect((await house.params()).mmFactor === W('0.88'), 'the new parameters apply (params().mmFactor = 0.88)');
  expect(named(await why(house.connect(admin).setParams.staticCall(p)), 'NotQueued'), 'executed twice: NotQueued');

  // ------------------------------------------------------------ 3. roles
  // the admin's two-step transfer (queued above)
  const ra = await h.send(house.connect(admin).setRole(b32('admin'), stranger.address));
  expect(events(h, ra, 'AdminProposed')[0]?.args.who === stranger.address && (await house.roles(b32('admin'))) === admin.address,
    'setRole(admin) after the delay: AdminProposed; the admin is unchanged until accepted');
  expect(named(await why(house.connect(liquidator).acceptAdmin.staticCall()), 'Unauthorized'), 'acceptAdmin by another than the proposed admin: Unauthorized');
  expect(named(await why(house.connect(stranger).revokeRole.staticCall(b32('matcher'))), 'Unauthorized'), 'the proposed admin before accepting: Unauthorized');
  await h.send(house.connect(stranger).acceptAdmin());
  expect((await house.roles(b32('admin'))) === stranger.address && (await house.pendingAdmin()) === ethers.ZeroAddress, 'the proposed admin accepts: admin');
  expect(named(await why(house.connect(admin).revokeRole.staticCall(b32('matcher'))), 'Unauthorized'), 'the old admin: Unauthorized');
  const boss = stranger;
  // revocation, at once; re-granting through the timelock
  expect(named(await why(house.connect(boss).revokeRole.staticCall(b32('admin'))), 'InvalidParameter', 'role'), 'revoking the admin role: InvalidParameter("role")');
  await h.send(house.connect(boss).revokeRole(b32('matcher')));
  const o1 = h.order(h.traders[0], 0n, W('0.1'), W('1')), o2 = h.order(maker, 0n, -W('0.1'), W('1'));
  expect(named(await why(house.connect(matcher).trade.staticCall(o1.order, o1.sig, o2.order, o2.sig, W('0.1'), W('1'))), 'Unauthorized'), 'the revoked matcher cannot trade: Unauthorized');
  await h.send(h.queue('setRole', [b32('matcher'), matcher.address], boss));
  expect(named(await why(house.connect(boss).setRole.staticCall(b32('matcher'), matcher.address)), 'TooEarly'), 're-granting the matcher before the delay: TooEarly');
  // a change that waits past its grace period
  const rg = await h.send(h.queue('setLimits', [L2], boss));
  const gid = events(h, rg, 'ChangeQueued')[0]?.args.id;
  // (eth_call at the next block's time: advance to one second before the last instant, then the block is mined at it)
  await h.advance(Number(h.delay + TL.grace));
  expect((await why(house.connect(boss).setLimits.staticCall(L2))) === null, `executed at eta + GRACE (the table's ${TL.grace} s): accepted`);
  await h.advance(1);
  expect(named(await why(house.connect(boss).setLimits.staticCall(L2)), 'ChangeExpired'), `executed one second after eta + GRACE: ChangeExpired (${gid?.slice(0, 10)})`);
  // the constructor's delay bounds
  const args = (d) => h.houseArgs(admin.address, admin.address, admin.address, d);
  const f = h.contracts['MarginAccounts.sol'].MarginAccounts;
  const factory = new ethers.ContractFactory(f.abi, '0x' + link(f.evm.bytecode.object, h.links), admin);
  const ctor = async (d) => why(admin.estimateGas(await factory.getDeployTransaction(...(await args(d)))));
  expect(named(await ctor(3599n), 'InvalidParameter', 'delay') && named(await ctor(30n * 86400n + 1n), 'InvalidParameter', 'delay') && (await ctor(3600n)) === null,
    'the constructor\'s delay: 1 hour accepted, 1 s less or more than 30 days refused: InvalidParameter("delay")');
  console.log(`  trust: timelock and roles ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // ------------------------------------------------------------ 4. a mutation caught
  const t1 = Date.now();
  const mutated = compile((name, text) => (name === 'Orders.sol' ? text.replace('|| uint256(s) > HALF_N ', '') : text), DEPLOY_RUNS, ['Orders.sol:Orders']);
  const mo = mutated['Orders.sol'].Orders;
  if (mo.evm.deployedBytecode.object === h.contracts['Orders.sol'].Orders.evm.deployedBytecode.object) throw new Error('the mutation did not apply');
  const lib = await new ethers.ContractFactory(mo.abi, '0x' + mo.evm.bytecode.object, admin).deploy();
  await lib.waitForDeployment();
  const links = { ...h.links, 'Orders.sol:Orders': await lib.getAddress() };
  const mh = await new ethers.ContractFactory(f.abi, '0x' + link(f.evm.bytecode.object, links), admin)
    .deploy(...(await h.houseArgs(admin.address, admin.address, matcher.address, 3600n)));
  await mh.waitForDeployment();
  // the high-s twin of a valid order, on the mutant (same chain, its own domain)
  const dom = { ...h.domain, verifyingContract: await mh.getAddress() };
  const T = h.traders[0];
  const ob = { account: T.address, instrument: 0n, size: W('0.1'), limitPrice: W('1'), deadline: 2n ** 40n, nonce: 1n };
  const os_ = { account: maker.address, instrument: 0n, size: -W('0.1'), limitPrice: W('1'), deadline: 2n ** 40n, nonce: 1n };
  const sign = (who, o) => h.keys.get(who.address.toLowerCase()).sign(ethers.TypedDataEncoder.hash(dom, ORDER_TYPES, o)).serialized;
  const twin = highS(sign(T, ob));
  const onMutant = await why(mh.connect(matcher).trade.staticCall(ob, twin, os_, sign(maker, os_), W('0.1'), W('1')));
  expect(onMutant?.name === 'UnknownInstrument', // past the signature: the mutant house lists nothing
    `mutation caught: Orders without the high-s check accepts the twin (${onMutant?.name ?? 'accepted'}), which the check of section 1 refuses`);
  console.log(`  trust: mutation ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  fs.rmSync(tmp, { recursive: true, force: true });
}
