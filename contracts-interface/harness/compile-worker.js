// A worker thread running evm.js's compile() (see compileInWorker there): solc-js is
// synchronous, so compiles overlap the caller's work and each other only in threads.
import { parentPort, workerData } from 'node:worker_threads';
import { compile } from './evm.js';

const { edits, runs, only } = workerData;
const mutate = (name, text) => edits.reduce((t, [file, from, to]) => (file === name ? t.replace(from, to) : t), text);
parentPort.postMessage(compile(mutate, runs, only));
