// MarginAccounts on a local anvil node, for the harnesses that drive it
// (accounts.js: security, differential, invariants; keeper.js: the keeper end to end):
// deployment, roles and parameters, listed series, the oracle's state and pushes,
// funding, random trades, and the contract's book() as a JSON request for the engine.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { compile, DEPLOY_RUNS, DEPLOYED } from './evm.js';
import { Anvil } from './anvil.js';
import { wad, decimal, nativeBatch, structParams } from './portfolio.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(here, '..', '..');
export const E18 = 10n ** 18n;
export const W = (x) => wad(String(x));
export const ROLE = { admin: ethers.encodeBytes32String('admin'), oracle: ethers.encodeBytes32String('oracle'), matcher: ethers.encodeBytes32String('matcher') };
export const TENORS = [7 * 86400, 30 * 86400, 90 * 86400, 180 * 86400];
export const STRIKES = [80000, 90000, 95000, 100000, 105000, 110000, 120000].map(W);
/// anvil's dev accounts: this mnemonic's keys at m/44'/60'/0'/0/i (the accounts sign orders locally).
export const MNEMONIC = 'test test test test test test test test test test test junk';
/// The house's EIP-712 order type (Orders.sol).
export const ORDER_TYPES = { Order: [{ name: 'account', type: 'address' }, { name: 'instrument', type: 'uint256' }, { name: 'size', type: 'int256' },
  { name: 'limitPrice', type: 'int256' }, { name: 'deadline', type: 'uint64' }, { name: 'nonce', type: 'uint256' }] };
/// A deadline far ahead (year ~36,800): orders that do not test expiry.
export const FAR = 2n ** 40n;
/// The timelock's delay of the harnesses' houses (seconds).
export const DELAY = 86400n;

/// Pass/fail counting for the harnesses: expect(ok, what) prints what failed.
export class Checks {
  passed = 0;
  failed = 0;
  expect(ok, what) {
    if (ok) this.passed++;
    else {
      this.failed++;
      console.log('FAIL: ' + what);
    }
  }
}

/// The custom error a promise (an eth_call or a sent transaction) rejected with, decoded by
/// `iface` ({name, args}), or null when it succeeded.
export async function errorOf(iface, promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    const data = e.data || e.info?.error?.data || e.error?.data;
    try {
      return iface.parseError(data);
    } catch {
      return { name: 'revert ' + (data || e.shortMessage || e.message), args: [] };
    }
  }
}

/// Bytecode with each linked library's placeholder (__$ + 34 hex digits of keccak256 of
/// "File.sol:Name" + $__) replaced by its address; `links`: {"File.sol:Name": address}.
export function link(code, links) {
  for (const [id, addr] of Object.entries(links)) {
    const ph = '__$' + ethers.keccak256(ethers.toUtf8Bytes(id)).slice(2, 36) + '$__';
    code = code.split(ph).join(addr.slice(2).toLowerCase());
  }
  if (code.includes('__$')) throw new Error('unlinked library in bytecode');
  return code;
}


export class House {
  /// A fresh anvil with `traders` funded dev accounts after the six named roles
  /// (admin, oracle, matcher, maker, liquidator, stranger), the contracts deployed.
  static async deploy({ traders, anvilArgs = [], contracts = compile(undefined, DEPLOY_RUNS, DEPLOYED), delay = DELAY }) {
    const h = new House();
    h.contracts = contracts;
    h.node = await Anvil.start(['--accounts', String(traders + 6), '--balance', '1000000', ...anvilArgs]);
    process.on('exit', () => h.node.stop());
    h.provider = new ethers.JsonRpcProvider(h.node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 10 });
    h.provider.pollingInterval = 10; // anvil mines at once: no need for ethers' 4 s receipt polling
    h.signers = await Promise.all(h.node.accounts.map((a) => h.provider.getSigner(a)));
    [h.admin, h.oracle, h.matcher, h.maker, h.liquidator, h.stranger] = h.signers;
    h.traders = h.signers.slice(6, 6 + traders);
    h.token = await h.deployContract('test/TestToken.sol', 'TestToken');
    h.engine = await h.deployContract('MarginEngine.sol', 'MarginEngine');
    h.gridEngine = await h.deployContract('GridEngine.sol', 'GridEngine');
    h.marker = await h.deployContract('MarkEngine.sol', 'MarkEngine');
    // the external libraries MarginAccounts links (run by DELEGATECALL): its listed series'
    // lifecycle, its parameter bounds and oracle guards, its orders' signatures and nonces, its
    // accounts' books and margin checks, and its timelock (which links HouseGuards)
    h.settlement = await h.deployContract('Listings.sol', 'Listings');
    h.guards = await h.deployContract('HouseGuards.sol', 'HouseGuards');
    h.orders = await h.deployContract('Orders.sol', 'Orders');
    h.accountBook = await h.deployContract('AccountBook.sol', 'AccountBook');
    h.links = { 'Listings.sol:Listings': await h.settlement.getAddress(), 'HouseGuards.sol:HouseGuards': await h.guards.getAddress(),
      'Orders.sol:Orders': await h.orders.getAddress(), 'AccountBook.sol:AccountBook': await h.accountBook.getAddress() };
    h.timelock = await h.deployContract('Timelock.sol', 'Timelock');
    h.links['Timelock.sol:Timelock'] = await h.timelock.getAddress();
    h.delay = delay;
    h.house = await h.deployContract('MarginAccounts.sol', 'MarginAccounts', await h.houseArgs(h.admin.address, h.oracle.address, h.matcher.address, delay));
    h.iface = h.house.interface;
    h.houseAddr = await h.house.getAddress();
    h.sizes = Object.fromEntries(['MarginEngine', 'GridEngine', 'MarkEngine', 'Listings', 'HouseGuards', 'Orders', 'AccountBook', 'Timelock', 'MarginAccounts'].map((n) => [n, contracts[n + '.sol'][n].evm.deployedBytecode.object.length / 2]));
    // the dev accounts' keys, to sign orders (EIP-712, Orders.sol) without a round trip to the node
    const root = ethers.HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0");
    h.keys = new Map();
    for (let i = 0; i < h.node.accounts.length; i++) {
      const w = root.deriveChild(i);
      if (w.address.toLowerCase() !== h.node.accounts[i].toLowerCase()) throw new Error('dev account ' + i + ' is not the mnemonic\'s');
      h.keys.set(w.address.toLowerCase(), w.signingKey);
    }
    h.domain = { name: 'MarginAccounts', version: '1', chainId: Number((await h.provider.getNetwork()).chainId), verifyingContract: h.houseAddr };
    h.nonces = new Map();
    const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'core/api/params/pmrm2.json'), 'utf8'));
    h.params = structParams(doc);
    h.NSCEN = h.params.scenarios.length;
    h.limits = { buffer: W('0.1'), reward: W('0.05'), maxStaleness: 3600n, maxDeviation: W('0.2') };
    // the oracle guards (per second, and per-push caps): prices 0.5%/s (capped by maxDeviation),
    // vols 1%/s relative up to x2 a push, rates 0.0001/s up to 0.05, confidences 0.05%/s of the
    // price up to 5%, discount factors within 1% of exp(-rate x tau)
    h.oracleLimits = { priceRate: W('0.005'), volRate: W('0.01'), volCap: W('1'), rateRate: W('0.0001'), rateCap: W('0.05'),
      confRate: W('0.0005'), confCap: W('0.05'), dfTolerance: W('0.01') };
    return h;
  }

  /// MarginAccounts' constructor arguments on this node's token and engines (MarginEngine,
  /// GridEngine, MarkEngine): the roles' first holders and the timelock's delay.
  async houseArgs(admin, oracle, matcher, delay) {
    return [await this.token.getAddress(), await this.engine.getAddress(), await this.gridEngine.getAddress(), await this.marker.getAddress(), admin, oracle, matcher, delay];
  }

  async deployContract(file, name, args = [], from = this.admin) {
    const c = this.contracts[file][name];
    const f = new ethers.ContractFactory(c.abi, '0x' + link(c.evm.bytecode.object, this.links || {}), from);
    const d = await f.deploy(...args);
    await d.waitForDeployment();
    return d;
  }

  /// The custom error a call reverted with ("Name"), or null if it succeeded.
  async reverts(promise) {
    try {
      const tx = await promise;
      if (tx && tx.hash) await this.mined(tx);
      return null;
    } catch (e) {
      const data = e.data || e.info?.error?.data || e.error?.data;
      if (typeof data === 'string' && data.length >= 10) {
        try {
          return this.iface.parseError(data).name;
        } catch {
          return 'revert ' + data.slice(0, 10);
        }
      }
      return 'revert ' + (e.shortMessage || e.message);
    }
  }
  /// The receipt of a sent transaction (polled by Anvil.receipt: ethers' wait() can stall on anvil).
  async mined(tx) {
    const rc = await this.node.receipt(tx.hash);
    if (rc.status !== '0x1') throw new Error('transaction reverted: ' + tx.hash);
    return { ...rc, gasUsed: BigInt(rc.gasUsed) };
  }
  async send(promise) {
    return this.mined(await promise);
  }
  async blockTime() {
    return (await this.provider.getBlock('latest')).timestamp;
  }
  /// A block `seconds` after the latest (explicit: a node restarted from a dumped state keeps
  /// no clock offset).
  async advance(seconds) {
    await this.provider.send('evm_setNextBlockTimestamp', ['0x' + ((await this.blockTime()) + seconds).toString(16)]);
    await this.provider.send('evm_mine', []);
  }

  /// A signed order of `who` (a signer or an address): {order, sig}. `size` > 0 buys, < 0 sells;
  /// `over` overrides fields (deadline, nonce, ...) of the order; `key` signs instead of the
  /// account's own key. The nonce by default: the account's next in this harness (from 0).
  order(who, instrument, size, limitPrice, over = {}, key = undefined) {
    const account = typeof who === 'string' ? who : who.address;
    const a = account.toLowerCase();
    let nonce = over.nonce;
    if (nonce === undefined) {
      nonce = this.nonces.get(a) ?? 0n;
      this.nonces.set(a, nonce + 1n);
    }
    const order = { account, instrument: BigInt(instrument), size: BigInt(size), limitPrice: BigInt(limitPrice), deadline: FAR, ...over, nonce };
    const signer = key ?? this.keys.get(a);
    if (!signer) throw new Error('no key for ' + account);
    const sig = signer.sign(ethers.TypedDataEncoder.hash(this.domain, ORDER_TYPES, order)).serialized;
    return { order, sig };
  }
  /// The matcher's trade of `buyer` buying `size` of `instrument` from `seller` at `price`,
  /// each side by its signed order for exactly that (limit: the price); `over` patches the
  /// call's arguments ({buy, sell} order fields, or {buySig, sellSig}). Returns the call's
  /// promise; `from` submits instead of the matcher.
  trade(buyer, seller, instrument, size, price, over = {}, from = this.matcher) {
    const b = this.order(buyer, instrument, size, price, over.buy);
    const s = this.order(seller, instrument, -BigInt(size), price, over.sell);
    return this.house.connect(from).trade(b.order, over.buySig ?? b.sig, s.order, over.sellSig ?? s.sig, size, price);
  }
  /// The ABI encoding of setParams', setLimits', setOracleLimits' or setRole's arguments: the
  /// data queue() takes, whose keccak256 is the change's id.
  changeData(fn, args) {
    return '0x' + this.iface.encodeFunctionData(fn, args).slice(10);
  }
  /// Queue a change (kind of `fn`: setParams "params", setLimits "limits", setOracleLimits
  /// "oracleLimits", setRole "role", listSeries "series", withdrawInsurance "insurance"); the call's promise.
  queue(fn, args, from = this.admin) {
    const kind = { setParams: 'params', setLimits: 'limits', setOracleLimits: 'oracleLimits', setRole: 'role', listSeries: 'series', withdrawInsurance: 'insurance' }[fn];
    return this.house.connect(from).queue(ethers.encodeBytes32String(kind), this.changeData(fn, args));
  }
  /// Queue, wait out the delay, execute: the execution's receipt.
  async timelocked(fn, args) {
    await this.send(this.queue(fn, args));
    await this.advance(Number(this.delay));
    return this.send(this.house.connect(this.admin)[fn](...args));
  }

  /// Roles, parameters and limits, the series grid (by default 4 expiries x 7 strikes x
  /// call/put) and the first oracle push.
  async configure({ tenors = TENORS, strikes = STRIKES } = {}) {
    const { house, admin } = this;
    // roles: the constructor's; the first parameters and limits apply at once (no queue)
    await this.send(house.connect(admin).setParams(this.params));
    await this.send(house.connect(admin).setLimits(this.limits));
    await this.send(house.connect(admin).setOracleLimits(this.oracleLimits));
    const t0 = await this.blockTime();
    this.TENORS = tenors;
    this.EXPIRIES = tenors.map((s) => BigInt(t0 + s));
    this.SERIES = [];
    for (const e of this.EXPIRIES) for (const k of strikes) for (const call of [true, false]) this.SERIES.push({ expiry: e, strike: k, call });
    for (const s of this.SERIES) await this.send(house.connect(admin).listSeries(s.expiry, s.strike, s.call));
    // The oracle's state (JS side), pushed as a whole.
    this.state = { spot: W('100000'), perpMark: W('100020'), fwd: tenors.map((s, j) => W(100000 + 60 * (j + 1))), vols: this.SERIES.map((s) => {
      const m = Number(s.strike) / 1e23; // moneyness
      return W((0.5 + 0.4 * (m - 1) * (m - 1) + (s.call ? 0 : 0.02)).toFixed(6));
    }) };
    await this.send(this.push());
  }

  /// The oracle's snapshot stamped `ts`: the expiries and series after `ts` only (those at or
  /// before it are settled by the push and no longer priced).
  snapshot(ts, over = {}) {
    const { state } = this;
    const m = { timestamp: BigInt(ts), spot: state.spot, spotConfidence: W('20'), perpMark: state.perpMark, perpConfidence: W('10'), stablePrice: E18, ...over.market };
    const live = (e) => e > BigInt(ts);
    const byExpiry = this.EXPIRIES.map((e, j) => [e, j]).filter(([e]) => live(e))
      .map(([, j]) => ({ forward: state.fwd[j], forwardConfidence: 0n, rate: W('0.05'), discount: W((1 - 0.05 * this.TENORS[j] / 31536000).toFixed(9)) }));
    const vols = state.vols.filter((_, i) => live(this.SERIES[i].expiry));
    return [m, over.byExpiry || byExpiry, over.vols || vols];
  }
  async push(over) {
    const ts = await this.blockTime();
    return this.house.connect(this.oracle).pushMarket(...this.snapshot(ts, over));
  }
  /// Spot, perp mark and forwards times num/den (and vols times volNum/volDen), a minute later.
  async move(num, den, volNum = 1n, volDen = 1n) {
    const { state } = this;
    state.spot = (state.spot * num) / den;
    state.perpMark = (state.perpMark * num) / den;
    state.fwd = state.fwd.map((f) => (f * num) / den);
    state.vols = state.vols.map((v) => (v * volNum) / volDen);
    await this.advance(60);
    return this.send(this.push());
  }

  async fund(s, amount) {
    await this.send(this.token.connect(s).mint(s.address, amount));
    await this.send(this.token.connect(s).approve(this.houseAddr, ethers.MaxUint256));
  }

  optionPrice(s) {
    const intrinsic = s.call ? this.state.spot - s.strike : s.strike - this.state.spot;
    return (intrinsic > 0n ? intrinsic : 0n) + W('1500');
  }
  /// A random trade of trader `t` against the maker (`r`: portfolio.js rng); its revert name or null.
  async randomTrade(r, t) {
    // traders lean short downside (sold puts, long perps): what a crash hurts
    const perp = r.chance(0.2);
    let id = perp ? ethers.MaxUint256 : BigInt(r.int(0, this.SERIES.length - 1));
    if (!perp) {
      // a series past its expiry (the chain's clock) is not traded: the same draw picks a live one
      const now = BigInt(await this.blockTime());
      const live = this.SERIES.map((s, i) => BigInt(i)).filter((i) => this.SERIES[Number(i)].expiry > now);
      if (this.SERIES[Number(id)].expiry <= now) id = live[Number(id) % live.length];
      // the maker at the house's legs cap (MAX_LEGS) trades a live series it holds
      this.maxLegs ??= await this.house.MAX_LEGS().catch(() => 1n << 64n);
      const held = (await this.house.accountOf(this.maker.address)).held.filter((i) => live.includes(i));
      if (BigInt(held.length) >= this.maxLegs && !held.includes(id)) id = held[Number(id) % held.length];
    }
    const size = r.wad(0.1, 4, 2);
    const price = perp ? this.state.perpMark : this.optionPrice(this.SERIES[Number(id)]);
    const short = perp ? r.chance(0.2) : r.chance(this.SERIES[Number(id)].call ? 0.4 : 0.75);
    const [buyer, seller] = short ? [this.maker, t] : [t, this.maker];
    return this.reverts(this.trade(buyer, seller, id, size, price));
  }

  /// book(account) as plain values, with the market's timestamp; as of `blockTag` (a block
  /// number, or 'latest').
  async bookOf(addr, blockTag = 'latest') {
    const b = await this.house.book(addr, { blockTag });
    const m = await this.house.market({ blockTag });
    const pick = (x, keys) => Object.fromEntries(keys.map((k) => [k, x[k]]));
    return {
      ...pick(b, ['cash', 'spot', 'spotConfidence', 'stablePrice', 'perpPosition', 'perpPrice', 'perpEntry', 'perpConfidence']),
      expiries: [...b.expiries].map((e) => ({
        ...pick(e, ['secondsToExpiry', 'forward', 'forwardConfidence', 'rate', 'discount']),
        legs: [...e.legs].map((l) => pick(l, ['strike', 'vol', 'amount', 'call'])),
      })),
      marketTimestamp: m.timestamp,
    };
  }
  /// Native results for addresses ({result} per address; at one scenario if given), and their
  /// books as of `blockTag`. The engine's model: `paramsDoc` (the scenario/1 document the house
  /// was last set to, once a harness changes the parameters), else "pmrm2"; `doc` overrides it.
  async native(margin, dir, addrs, scenario, blockTag = 'latest', doc = this.paramsDoc) {
    const books = await Promise.all(addrs.map((a) => this.bookOf(a, blockTag)));
    return { books, res: nativeBatch(margin, books.map((b) => requestOf(b, doc)), dir, scenario) };
  }
}

/// The shipped "pmrm2" model (a portfolio/1 document) with its scenario/1 document replaced by `doc`.
let portfolioPmrm2 = null;
export function portfolioOf(doc) {
  portfolioPmrm2 ??= JSON.parse(fs.readFileSync(path.join(ROOT, 'core/api/params/portfolio-pmrm2.json'), 'utf8'));
  return { ...portfolioPmrm2, scenarios: doc };
}

/// A book (House.bookOf) as a JSON v1 request under pmrm2, or under pmrm2 with the scenario/1
/// parameter document `doc` (portfolioOf).
export function requestOf(b, doc = undefined) {
  const ts = b.marketTimestamp;
  const positions = [];
  const expiries = [];
  for (const e of b.expiries) {
    const expiry = String(ts + e.secondsToExpiry);
    expiries.push({ expiry, forward: decimal(e.forward), forward_confidence: decimal(e.forwardConfidence), rate: decimal(e.rate), discount_factor: decimal(e.discount) });
    for (const l of e.legs)
      positions.push({ type: 'option', underlying: 'BTC', expiry, strike: decimal(l.strike), option_type: l.call ? 'call' : 'put', size: decimal(l.amount), mark_vol: decimal(l.vol) });
  }
  if (b.perpPosition !== 0n) positions.push({ type: 'perp', underlying: 'BTC', size: decimal(b.perpPosition), entry_price: decimal(b.perpEntry) });
  return {
    api_version: '1', params: doc ? portfolioOf(doc) : 'pmrm2',
    market: { timestamp: String(ts), stable_price: decimal(b.stablePrice), underlyings: { BTC: { spot: decimal(b.spot), spot_confidence: decimal(b.spotConfidence),
      perp_mark: decimal(b.perpPrice), perp_confidence: decimal(b.perpConfidence), expiries } } },
    account: { margin_mode: 'cross', cash: decimal(b.cash), positions },
  };
}
