// Compile the Solidity sources with the pinned solc and run them in an
// in-process EVM (@ethereumjs/evm), both pinned to the same hardfork.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import solc from 'solc';
import { createEVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createAddressFromString, hexToBytes, bytesToHex } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';

export const EVM_VERSION = 'osaka'; // solc's evmVersion and the EVM's hardfork (Osaka: CLZ, EIP-7939)
export const SOLC_VERSION = solc.version();
const here = path.dirname(fileURLToPath(import.meta.url));
export const CONTRACTS = path.join(here, '..', 'contracts');
/// The test-only contracts (harnesses, probes, the test token), apart from the production ones.
export const TEST_CONTRACTS = path.join(CONTRACTS, 'test');
const CACHE = path.join(here, '..', '..', 'build', 'solc-cache');

/// Optimizer runs of the deployable build (the engines, the libraries, MarginAccounts): fewer than the
/// test harnesses' so that every contract stays under EIP-170's 24,576 bytes.
export const DEPLOY_RUNS = 2000;
/// The clearing house's contracts, as deployed (house.js) and as portfolio.js checks the
/// engine: one compile at DEPLOY_RUNS, cached for both.
export const DEPLOYED = ['test/TestToken.sol:TestToken', 'MarginEngine.sol:MarginEngine', 'GridEngine.sol:GridEngine', 'MarkEngine.sol:MarkEngine', 'AccountBook.sol:AccountBook', 'Listings.sol:Listings', 'HouseGuards.sol:HouseGuards', 'Orders.sol:Orders', 'Timelock.sol:Timelock', 'MarginAccounts.sol:MarginAccounts'];

/// The source units solc compiles, named by their path under contracts/ ("MarginEngine.sol",
/// "test/TestToken.sol"): the production contracts, then contracts/test/'s. Sorted, as solc
/// numbers them (profile.js maps source ids back to files with this list).
export function sourceNames() {
  const sol = (dir, prefix) => fs.readdirSync(dir).filter((f) => f.endsWith('.sol')).map((f) => prefix + f);
  return [...sol(CONTRACTS, ''), ...sol(TEST_CONTRACTS, 'test/')].sort();
}

/// Compile the .sol files under contracts/ and contracts/test/ (sourceNames()); `mutate(name,
/// text)` may alter a source first.
/// `runs`: optimizer runs (default 1,000,000: the gas-table build of the libraries).
/// `only`: the contracts to generate code for, as 'File.sol:Name' (default: all). solc
/// generates code only for those (e.g. 5 s for FixedPointHarness against 47 s for all ten),
/// and a contract's bytecode does not depend on what else is selected.
/// `sourceMaps`: also the deployed code's source map (profile.js).
/// Results are cached in build/solc-cache/ under the SHA-256 of the compiler version and
/// the whole standard-JSON input, sources included: a changed source is a new key.
export function compile(mutate = (_name, text) => text, runs = 1000000, only = null, sourceMaps = false) {
  const sources = {};
  for (const f of sourceNames())
    sources[f] = { content: mutate(f, fs.readFileSync(path.join(CONTRACTS, f), 'utf8')) };
  const wanted = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers'];
  if (sourceMaps) wanted.push('evm.deployedBytecode.sourceMap');
  const outputSelection = {};
  for (const id of only ?? ['*:*']) {
    const [file, name] = id.split(':');
    if (!name) throw new Error(`compile: "${id}" is not File.sol:Name`);
    if (file !== '*' && !sources[file]) throw new Error(`compile: no source ${file}`);
    (outputSelection[file] ??= {})[name] = wanted;
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs }, viaIR: true, outputSelection },
  };
  const text = JSON.stringify(input);
  const key = crypto.createHash('sha256').update(SOLC_VERSION + '\n' + text).digest('hex');
  const cached = path.join(CACHE, key + '.json');
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8'));
  const out = JSON.parse(solc.compile(text));
  const errors = (out.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  for (const id of only ?? []) {
    const [file, name] = id.split(':');
    if (!out.contracts?.[file]?.[name]) throw new Error(`compile: no contract ${id}`);
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`; // rename: a concurrent reader never sees half a file
  fs.writeFileSync(tmp, JSON.stringify(out.contracts));
  fs.renameSync(tmp, cached);
  return out.contracts;
}

/// compile() in a worker thread: resolves to the same contracts. `edits`: [[file, from, to], ...],
/// each a String.replace on that source (a mutant). Lets a test build its mutants while it
/// compares the unmutated contracts (portfolio.js: 7 mutants, ~25 s of solc each).
export function compileInWorker(edits = [], runs = undefined, only = null) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./compile-worker.js', import.meta.url), { workerData: { edits, runs, only } });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`compile worker exited with ${code}`)));
  });
}

const selector = (signature) => bytesToHex(keccak_256(new TextEncoder().encode(signature)).slice(0, 4));

/// Custom error selector -> the C++ error name (fixedpoint/SPEC.md §2).
export const ERRORS = {
  [selector('FixedPointOverflow()')]: 'FP_OVERFLOW',
  [selector('FixedPointDivByZero()')]: 'FP_DIV_BY_ZERO',
  [selector('FixedPointDomain()')]: 'FP_DOMAIN',
};

const word = (v) => BigInt.asUintN(256, BigInt(v)).toString(16).padStart(64, '0');

/// A deployed contract whose functions are called with int256/uint8 arguments.
export class Deployed {
  static async create(contract) {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Osaka });
    const evm = await createEVM({ common });
    const caller = createAddressFromString('0x' + '11'.repeat(20));
    const res = await evm.runCall({ caller, data: hexToBytes('0x' + contract.evm.bytecode.object), gasLimit: 30_000_000n, skipBalance: true });
    if (res.execResult.exceptionError) throw new Error('deployment failed: ' + res.execResult.exceptionError.error);
    return new Deployed(evm, caller, res.createdAddress, contract.evm.methodIdentifiers);
  }
  constructor(evm, caller, address, methods) {
    Object.assign(this, { evm, caller, address, methods });
  }
  /// Call `name` with integer args: {value: bigint} | {error: 'FP_*'} | {panic: string}, plus gas used.
  async call(name, signature, args) {
    const sel = this.methods[signature];
    if (!sel) throw new Error('no function ' + signature);
    const data = hexToBytes('0x' + sel + args.map(word).join(''));
    const r = await this.evm.runCall({ caller: this.caller, to: this.address, data, gasLimit: 10_000_000n, skipBalance: true });
    const ex = r.execResult;
    const ret = bytesToHex(ex.returnValue);
    if (ex.exceptionError) {
      const name4 = ret.slice(0, 10);
      return ERRORS[name4] ? { error: ERRORS[name4] } : { panic: `${ex.exceptionError.error} ${ret}` };
    }
    return { value: BigInt.asIntN(256, BigInt(ret.slice(0, 66))), gas: ex.executionGasUsed }; // the first word
  }
}

/// Operation name in the corpus -> (harness signature, how args are encoded).
export const OPS = {
  add: 'add(int256,int256)', sub: 'sub(int256,int256)', neg: 'neg(int256)', abs: 'abs(int256)',
  min: 'min(int256,int256)', max: 'max(int256,int256)', cmp: 'cmp(int256,int256)',
  mul: 'mul(int256,int256,uint8)', div: 'div(int256,int256,uint8)', mul_div: 'mul_div(int256,int256,int256,uint8)',
  exp: 'exp(int256)', ln: 'ln(int256)', sqrt: 'sqrt(int256)', pow: 'pow(int256,int256)',
  normal_pdf: 'normal_pdf(int256)', normal_cdf: 'normal_cdf(int256)',
  black76_call: 'black76_call(int256,int256,int256)', black76_put: 'black76_put(int256,int256,int256)',
  black76_n_d1: 'black76_n_d1(int256,int256,int256)', black76_pdf_d1: 'black76_pdf_d1(int256,int256,int256)',
  black76_sqrt_w: 'black76_sqrt_w(int256,int256,int256)', total_variance_ext: 'total_variance_ext(int256,int256)',
  sqrt_year_fraction: 'sqrt_year_fraction(int256)',
  black76_prices: 'black76_prices(int256,int256,int256)', // gas probe only (gas.js): both prices, no Greeks
};
export const ROUNDING = { toward_zero: 0, floor: 1, ceil: 2 };

/// Arguments of one corpus vector as integers (the rounding appended when present).
export function vectorArgs(v) {
  const args = v.args.map((a) => BigInt(a));
  if (v.rounding !== undefined) args.push(BigInt(ROUNDING[v.rounding]));
  return args;
}
