// Benchmark (not a test): how fast margin-keeper scans a clearing house of N accounts.
//
//   node harness/keeper-bench.js KEEPER --accounts N [--seed S]
//
// N accounts on anvil (impersonated addresses, zero gas price), each with a deposit and
// one option trade against another (half long, half short, 56 listed series over 4
// expiries), then two keeper rounds in --dry-run (no sends): the round event's figures,
// state reads (book() of every account over batched eth_call) and evaluation apart.
import { spawnSync } from 'node:child_process';
import { ethers } from 'ethers';
import { rng } from './portfolio.js';
import { House, W } from './house.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const KEEPER = argv[0];
const N = Number(opt('--accounts', '1000'));
if (!KEEPER || KEEPER.startsWith('--') || !(N >= 2)) {
  console.error('usage: keeper-bench.js KEEPER --accounts N [--seed S]');
  process.exit(2);
}
const r = rng(opt('--seed', '5'));
const t0 = Date.now();
const h = await House.deploy({ traders: 0, anvilArgs: ['--auto-impersonate', '--block-base-fee-per-gas', '0', '--gas-limit', '100000000000'] });
await h.configure();
const { house, token, houseAddr } = h;
// accounts with keys (they sign their orders), from fixed private keys keccak256(i)
const keys = Array.from({ length: N }, (_, i) => new ethers.SigningKey(ethers.keccak256(ethers.toBeHex(i + 1, 32))));
const accounts = keys.map((k) => ethers.computeAddress(k.publicKey));
accounts.forEach((a, i) => h.keys.set(a.toLowerCase(), keys[i]));
// explicit nonces: a JSON-RPC batch is not ordered per sender
const tx = (from, nonce, to, data, gas = 3_000_000) => ['eth_sendTransaction', [{ from, nonce: '0x' + nonce.toString(16), to, data, gas: '0x' + gas.toString(16), gasPrice: '0x0' }]];
// In JSON-RPC batches of 400, mined as one block each (automine off: thousands of
// one-transaction blocks would hold the node's memory), until the pool is empty.
async function sendAll(list) {
  await h.node.rpc('evm_setAutomine', [false]);
  for (let i = 0; i < list.length; i += 400) {
    const out = await h.node.batch(list.slice(i, i + 400));
    const bad = out.find((o) => o.error);
    if (bad) throw bad.error;
    await h.node.rpc('evm_mine', []);
  }
  for (;;) {
    const st = await h.node.rpc('txpool_status', []);
    if (Number(st.pending) === 0 && Number(st.queued) === 0) break;
    await h.node.rpc('evm_mine', []);
  }
  await h.node.rpc('evm_setAutomine', [true]);
}
const tokenAddr = await token.getAddress();
const ti = token.interface, hi = house.interface;
await sendAll(accounts.map((a) => tx(a, 0, tokenAddr, ti.encodeFunctionData('mint', [a, W('1000000')]))));
await sendAll(accounts.map((a) => tx(a, 1, tokenAddr, ti.encodeFunctionData('approve', [houseAddr, ethers.MaxUint256]))));
await sendAll(accounts.map((a) => tx(a, 2, houseAddr, hi.encodeFunctionData('deposit', [W(String(r.int(20, 60) * 1000))]))));
const trades = [];
let nonce = Number(await h.provider.send('eth_getTransactionCount', [h.matcher.address, 'latest']));
for (let i = 0; i + 1 < N; i += 2) {
  const id = BigInt(r.int(0, h.SERIES.length - 1));
  const size = r.wad(0.1, 2, 2), price = h.optionPrice(h.SERIES[Number(id)]);
  const b = h.order(accounts[i], id, size, price), sl = h.order(accounts[i + 1], id, -size, price);
  trades.push(tx(h.matcher.address, nonce++, houseAddr, hi.encodeFunctionData('trade', [b.order, b.sig, sl.order, sl.sig, size, price]), 200_000_000));
}
await sendAll(trades);
const setup = (Date.now() - t0) / 1000;

const rounds = [];
for (let k = 0; k < 2; k++) {
  const run = spawnSync(KEEPER, ['--rpc', h.node.url, '--contract', houseAddr, '--dry-run', '--once', '--timeout-ms', '120000'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const round = run.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'round');
  if (!round) throw new Error('no round: ' + run.stdout.slice(0, 400) + run.stderr);
  rounds.push(round);
}
h.node.stop();
const best = rounds.reduce((a, b) => (b.accounts_per_s_with_reads > a.accounts_per_s_with_reads ? b : a));
console.log(`keeper scan: ${best.accounts} accounts (${trades.length} option trades; setup ${setup.toFixed(0)} s), ${best.contracts_priced} contracts priced once per round`);
console.log(`  state reads (book() x ${best.accounts}, batched eth_call): ${best.read_ms.toFixed(0)} ms; evaluation: ${best.eval_ms.toFixed(0)} ms`);
console.log(`  accounts/s: ${best.accounts_per_s_eval.toFixed(0)} (evaluation only), ${best.accounts_per_s_with_reads.toFixed(0)} (with state reads)`);
console.log(`  rounds: ${rounds.map((x) => `${x.accounts_per_s_eval.toFixed(0)}/${x.accounts_per_s_with_reads.toFixed(0)}`).join(', ')}`);
