// temp profiler: node _prof.mjs DIR [dumpLineKey]
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import solc from 'solc';
import { createEVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createAddressFromString, hexToBytes } from '@ethereumjs/util';
const C = process.argv[2]; const dump = process.argv[3];
const sources = {};
for (const f of fs.readdirSync(C).filter((f) => f.endsWith('.sol')).sort()) sources[f] = { content: fs.readFileSync(path.join(C, f), 'utf8') };
const input = { language: 'Solidity', sources, settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 1000000 }, viaIR: true,
  outputSelection: { 'FixedPointHarness.sol': { FixedPointHarness: ['evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.sourceMap', 'evm.methodIdentifiers'] }, '*': { '': ['ast'] } } } };
const text = JSON.stringify(input);
const cache = '/tmp/_prof_' + crypto.createHash('sha256').update(text).digest('hex').slice(0, 16) + '.json';
let out;
if (fs.existsSync(cache)) out = JSON.parse(fs.readFileSync(cache)); else { out = JSON.parse(solc.compile(text)); fs.writeFileSync(cache, JSON.stringify(out)); }
if ((out.errors || []).some((e) => e.severity === 'error')) { console.log(out.errors.map((e) => e.formattedMessage).join('\n')); process.exit(1); }
const idToFile = {}; for (const [f, s] of Object.entries(out.sources)) idToFile[s.id] = f;
const c = out.contracts['FixedPointHarness.sol'].FixedPointHarness;
const entries = []; let prev = [0, 0, -1, '-'];
for (const e of c.evm.deployedBytecode.sourceMap.split(';')) { const p = e.split(':'); const cur = [...prev]; for (let i = 0; i < 4; i++) if (p[i] !== undefined && p[i] !== '') cur[i] = i < 3 ? Number(p[i]) : p[i]; entries.push(cur); prev = cur; }
const code = Buffer.from(c.evm.deployedBytecode.object, 'hex'); const pcToIdx = {};
for (let pc = 0, i = 0; pc < code.length; i++) { pcToIdx[pc] = i; const op = code[pc]; pc += (op >= 0x60 && op <= 0x7f) ? op - 0x5e : 1; }
const lineOf = {}; for (const f of Object.keys(sources)) { const t = sources[f].content; const starts = [0]; for (let i = 0; i < t.length; i++) if (t[i] === '\n') starts.push(i + 1); lineOf[f] = (off) => { let lo = 0, hi = starts.length - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= off) lo = mid; else hi = mid - 1; } return lo + 1; }; }
const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
const evm = await createEVM({ common });
const caller = createAddressFromString('0x' + '11'.repeat(20));
const dep = await evm.runCall({ caller, data: hexToBytes('0x' + c.evm.bytecode.object), gasLimit: 30_000_000n });
const to = dep.createdAddress;
const word = (v) => BigInt.asUintN(256, BigInt(v)).toString(16).padStart(64, '0');
const byLine = {}; let total = 0; let on = false; const dumped = [];
evm.events.on('step', (s, next) => {
  if (s.opcode.name === 'GAS') on = !on;
  if (on && s.depth === 0) { const e = entries[pcToIdx[s.pc]]; const f = idToFile[e[2]] ?? '?'; const key = f === '?' ? '?' : `${f}:${lineOf[f](e[0])}`; byLine[key] = (byLine[key] ?? 0) + Number(s.opcode.fee); total += Number(s.opcode.fee);
    if (dump && key === dump && dumped.length < 300) dumped.push(`${s.pc} ${s.opcode.name}`); }
  next?.();
});
let seed = 12345n;
const rand = () => Number((seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n) >> 11n) / 2 ** 53;
const wad = (lo, hi) => BigInt(Math.round((lo + rand() * (hi - lo)) * 1e6)) * 10n ** 12n + BigInt(Math.floor(rand() * 1e12));
const sel = c.evm.methodIdentifiers['gas_black76_call(int256,int256,int256)'];
const g = []; const results = [];
const selc = c.evm.methodIdentifiers['black76_call(int256,int256,int256)'];
for (let i = 0; i < 40; i++) {
  const f = wad(1e3, 1e5), k = (f * wad(0.7, 1.4)) / 10n ** 18n, vol = wad(0.2, 1.5);
  const secs = BigInt(Math.round(86400 + rand() * (31536000 - 86400)));
  const w = (vol * vol * secs * 2n ** 56n) / (31536000n * 10n ** 18n);
  const r = await evm.runCall({ caller, to, data: hexToBytes('0x' + sel + [f, k, w].map(word).join('')), gasLimit: 10_000_000n });
  g.push(Number(BigInt('0x' + Buffer.from(r.execResult.returnValue).toString('hex'))));
  on = false;
  const r2 = await evm.runCall({ caller, to, data: hexToBytes('0x' + selc + [f, k, w].map(word).join('')), gasLimit: 10_000_000n });
  results.push(Buffer.from(r2.execResult.returnValue).toString('hex'));
  on = false;
}
g.sort((a, b) => a - b);
console.log('black76 gas median', g[20], 'min', g[0], 'max', g[39], 'static-fee total over 40', total, 'results hash', crypto.createHash('sha256').update(results.join()).digest('hex').slice(0, 16));
const rows = Object.entries(byLine).sort((a, b) => b[1] - a[1]);
for (const [k2, v] of rows.slice(0, 30)) { const [file, ln] = k2.split(':'); const t = file !== '?' ? sources[file].content.split('\n')[Number(ln) - 1].trim().slice(0, 90) : ''; console.log(String(Math.round(v / 40)).padStart(6), k2.padEnd(28), t); }
if (dump) console.log(dumped.join('\n'));
