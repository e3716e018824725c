// The packaged README's code blocks and links (wasm/test/run.sh, in the fresh project that
// installed the tarball):
//   node readme_blocks.mjs README.md OUTDIR
// writes every ```ts / ```js / ```cjs block verbatim to OUTDIR/block-N.{mts,mjs,cjs} and
// OUTDIR/tsconfig.json (tsc --strict over the ts and js blocks, with checkJs, plus ../usage.ts and
// ../usage-cjs.cts),
// prints the blocks' names; exits 1 if a relative link of the README names no file of the package.
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';

const [readme, outdir] = process.argv.slice(2);
const text = readFileSync(readme, 'utf8');
mkdirSync(outdir, { recursive: true });

const ext = { ts: 'mts', js: 'mjs', cjs: 'cjs' };
const blocks = [];
const fence = /^```([A-Za-z]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
for (const m of text.matchAll(fence)) {
  if (!(m[1] in ext)) continue;
  const name = `block-${blocks.length + 1}.${ext[m[1]]}`;
  writeFileSync(join(outdir, name), m[2]);
  blocks.push(name);
}
if (blocks.length === 0) throw new Error(`${readme}: no code blocks`);
writeFileSync(join(outdir, 'tsconfig.json'), JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, allowJs: true, checkJs: true,
                     types: [], lib: ['ES2022', 'DOM'], rootDir: '..', outDir: '../out' },
  files: ['../usage.ts', '../usage-cjs.cts', ...blocks.filter((b) => !b.endsWith('.cjs'))],
}, null, 2));

// Links: [text](target) outside code; a relative target must be a file inside the package.
const prose = text.replace(fence, '').replace(/`[^`\n]*`/g, '');
const broken = [];
let links = 0;
for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
  const target = m[1];
  links++;
  if (/^(https?:|mailto:)/.test(target) || target.startsWith('#')) continue;
  const file = resolve(dirname(readme), target.split('#')[0]);
  if (!file.startsWith(resolve(dirname(readme)) + '/') || !existsSync(file) || !statSync(file).isFile()) broken.push(target);
}
if (broken.length) {
  console.error(`${readme}: links that name no file of the package: ${broken.join(', ')}`);
  process.exit(1);
}
console.log(`${blocks.join(' ')} (${links} links resolve inside the package)`);
