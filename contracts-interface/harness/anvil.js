// A local anvil node for tests (npm @foundry-rs/anvil-linux-amd64: the binary package
// itself; the @foundry-rs/anvil wrapper leaves its other platforms out of the lockfile, which
// npm ci refuses): started on 127.0.0.1 at a free
// port, hardfork pinned to the compiler's evmVersion, stopped by its PID. A small JSON-RPC
// client: single and batched calls, deployment from an unlocked dev account.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVM_VERSION } from './evm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ANVIL = path.join(here, '..', 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');

/// A free TCP port on 127.0.0.1.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class RpcError extends Error {
  constructor(method, error) {
    super(`${method}: ${error.message}`);
    this.code = error.code;
    this.data = typeof error.data === 'string' ? error.data : error.data?.data; // revert data, when any
  }
}

/// Nodes still running when this process exits, however it exits (an uncaught error in a
/// harness included): each is stopped by its PID then, so no anvil outlives its test.
const running = new Set();
process.on('exit', () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGTERM');
});

export class Anvil {
  /// Start anvil. `extra`: more command-line flags (e.g. '--disable-code-size-limit');
  /// `port`: a given port (a restart at the same URL), else a free one.
  static async start(extra = [], port = undefined) {
    port ??= await freePort();
    const args = ['--host', '127.0.0.1', '--port', String(port), '--silent', '--hardfork', EVM_VERSION, ...extra];
    const child = spawn(ANVIL, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const node = new Anvil(`http://127.0.0.1:${port}`, child);
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${stderr}`);
      try {
        await node.rpc('eth_chainId', []);
        node.accounts = await node.rpc('eth_accounts', []);
        return node;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    node.stop();
    throw new Error('anvil did not answer within 10 s: ' + stderr);
  }
  constructor(url, child) {
    this.url = url;
    this.child = child;
    this.pid = child.pid;
    this.id = 0;
  }
  stop() {
    if (this.child.exitCode === null) process.kill(this.pid, 'SIGTERM');
  }
  /// Resolves once the process has exited (after stop()).
  exited() {
    return this.child.exitCode !== null ? Promise.resolve() : new Promise((r) => this.child.once('exit', r));
  }
  async post(body) {
    const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.json();
  }
  async rpc(method, params) {
    const r = await this.post({ jsonrpc: '2.0', id: ++this.id, method, params });
    if (r.error) throw new RpcError(method, r.error);
    return r.result;
  }
  /// Many calls in one request: [{result} | {error: RpcError}] in order.
  async batch(calls) {
    const body = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: ++this.id, method, params }));
    const out = await this.post(body);
    const byId = new Map(out.map((r) => [r.id, r]));
    return body.map((b) => {
      const r = byId.get(b.id);
      return r.error ? { error: new RpcError(b.method, r.error) } : { result: r.result };
    });
  }
  /// Send a transaction from a dev account and wait for its receipt.
  async send(tx) {
    return this.receipt(await this.rpc('eth_sendTransaction', [{ from: this.accounts[0], ...tx }]));
  }
  /// A transaction's receipt, polled until it is mined (at most ~10 s).
  async receipt(hash) {
    for (let i = 0; i < 2000; i++) {
      const rc = await this.rpc('eth_getTransactionReceipt', [hash]);
      if (rc) return rc;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('no receipt for ' + hash);
  }
  /// Deploy creation bytecode (hex, no 0x); the contract's address.
  async deploy(bytecode, from) {
    const receipt = await this.send({ data: '0x' + bytecode, gas: '0x' + (60_000_000).toString(16), ...(from ? { from } : {}) });
    if (receipt.status !== '0x1') throw new Error('deployment reverted');
    return receipt.contractAddress;
  }
}
