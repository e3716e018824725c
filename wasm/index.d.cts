// Declarations of the CommonJS entry (index.cjs): require('margin-engine') gives { load }.
/** Resolves to the ES module's exports: the functions and types of index.d.ts. */
export function load(): Promise<typeof import('./index.js', { with: { 'resolution-mode': 'import' } })>;
