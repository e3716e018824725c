// Figures for wasm/README.md: .wasm size (raw, gzip), module instantiation
// time, and microseconds per computeMargin for 10- and 50-option accounts in
// Node (WASM) against the native CLI on the same requests (`margin batch`).
//
//   node wasm/bench/bench.mjs build/wasm/npm build/native/bin/margin
import { readFileSync, writeFileSync, mkdtempSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const [pkgDir, native] = process.argv.slice(2).map((p) => resolve(p));
const wasmBytes = readFileSync(join(pkgDir, 'margin_engine.wasm'));
const t0 = performance.now();
const pkg = await import(pathToFileURL(join(pkgDir, 'index.mjs')).href);
const instantiateMs = performance.now() - t0;

// An account of n options over the example's two BTC expiries and one ETH expiry, both models.
function account(n, params) {
  const req = pkg.shippedDocument('example');
  req.params = params;
  const expiries = [['BTC', '1767945600', 100000], ['BTC', '1774598400', 100000], ['ETH', '1769760000', 3500]];
  req.account.positions = [];
  for (let i = 0; i < n; i++) {
    const [u, expiry, spot] = expiries[i % 3];
    const strike = Math.round(spot * (0.8 + 0.02 * Math.floor(i / 3)));
    req.account.positions.push({ type: 'option', underlying: u, expiry, strike: String(strike), option_type: i % 2 ? 'call' : 'put', size: i % 4 ? '-1' : '2' });
  }
  return JSON.stringify(req);
}

const tmp = mkdtempSync(join(tmpdir(), 'margin-bench-'));
const rows = [];
for (const params of ['standard', 'pmrm2']) {
  for (const n of [10, 50]) {
    const req = account(n, params);
    const reps = n === 10 ? 400 : 100;
    pkg.computeMarginText(req);  // warm
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const s = performance.now();
      for (let i = 0; i < reps; i++) pkg.computeMarginText(req);
      best = Math.min(best, ((performance.now() - s) * 1000) / reps);
    }
    // native: one process answers `reps` copies; minus the cost of an empty batch
    const file = join(tmp, `in-${params}-${n}.jsonl`);
    writeFileSync(file, (req + '\n').repeat(reps));
    const one = join(tmp, 'one.jsonl');
    writeFileSync(one, req + '\n');
    const time = (f) => { const s = performance.now(); execFileSync(native, ['batch', f, join(tmp, 'out.jsonl')]); return performance.now() - s; };
    let nat = Infinity;
    for (let r = 0; r < 5; r++) nat = Math.min(nat, ((time(file) - time(one)) * 1000) / (reps - 1));
    rows.push({ params, n, wasm_us: best, native_us: nat });
  }
}
console.log(`wasm: ${wasmBytes.length} bytes raw, ${gzipSync(wasmBytes, { level: 9 }).length} gzip -9; margin_engine.mjs ${statSync(join(pkgDir, 'margin_engine.mjs')).size} bytes`);
console.log(`import (fetch + compile + instantiate): ${instantiateMs.toFixed(1)} ms`);
console.log('| account | native µs | WASM (Node) µs | WASM ÷ native |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.n} options, ${r.params} | ${r.native_us.toFixed(0)} | ${r.wasm_us.toFixed(0)} | ${(r.wasm_us / r.native_us).toFixed(2)}× |`);
