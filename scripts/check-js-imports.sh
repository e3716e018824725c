#!/usr/bin/env bash
# Every bare import is declared: each `import ... from 'x'`, `import 'x'`,
# `export ... from 'x'`, `import('x')` and `require('x')` with a bare specifier
# in the tracked JavaScript of contracts-interface/harness/ and wasm/ (index,
# bench/, test/, www/) must name a package listed in the dependencies,
# devDependencies, peerDependencies or optionalDependencies of the package.json
# that governs the file (the nearest one above it: contracts-interface/,
# wasm/test/ or wasm/), or that package itself. Node's builtins (`fs`,
# `node:fs`, ...), relative and absolute paths and URLs are exempt. A package
# that is only present transitively in node_modules would pass `npm ci` today
# and break when a dependency drops it.
# Exit 1 listing each undeclared import (file:line, package, package.json).
set -euo pipefail
cd "$(dirname "$0")/.."

git ls-files -z -- 'contracts-interface/harness/*.js' 'contracts-interface/harness/*.mjs' \
  'contracts-interface/harness/*.cjs' 'wasm/*.js' 'wasm/*.mjs' 'wasm/*.cjs' |
  node --input-type=module -e '
import fs from "node:fs";
import path from "node:path";
import { builtinModules } from "node:module";

const files = fs.readFileSync(0, "utf8").split("\0").filter(Boolean);
const builtins = new Set(builtinModules);
const kinds = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];
const manifests = new Map();  // directory -> {file, name, declared} or null

function governing(file) {  // the nearest package.json at or above the file, inside the repository
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (!manifests.has(dir)) {
      const p = path.join(dir, "package.json");
      if (fs.existsSync(p)) {
        const json = JSON.parse(fs.readFileSync(p, "utf8"));
        const declared = new Set(kinds.flatMap((k) => Object.keys(json[k] ?? {})));
        manifests.set(dir, { file: p, name: json.name, declared });
      } else manifests.set(dir, null);
    }
    if (manifests.get(dir)) return manifests.get(dir);
    if (dir === "." || dir === path.dirname(dir)) return null;
  }
}

const patterns = [
  /\b(?:import|export)\s+(?:type\s+)?[\w$*{},\s]*?\bfrom\s*(["\x27])([^"\x27\n]+)\1/g,  // import x from "p", export {x} from "p"
  /\bimport\s*(["\x27])([^"\x27\n]+)\1/g,                                         // import "p"
  /\b(?:import|require)\s*\(\s*(["\x27])([^"\x27\n]+)\1\s*\)/g,                  // import("p"), require("p")
];
const packageOf = (s) => s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0];
const exempt = (s) => /^(\.|\/|#|[a-z][a-z0-9+.-]*:)/i.test(s) || builtins.has(s) || builtins.has(s.split("/")[0]);

let bad = 0, bare = 0;
for (const file of files) {
  const manifest = governing(file);
  // Drop comments (keeping line breaks, so line numbers hold): block comments, and
  // line comments that start a line or follow code after whitespace.
  const text = fs.readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/(^|\s)\/\/.*$/gm, "$1");
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const spec = m[2];
      if (exempt(spec)) continue;
      bare++;
      const pkg = packageOf(spec);
      const line = text.slice(0, m.index).split("\n").length;
      if (!manifest) {
        console.log(`${file}:${line}: "${spec}" has no package.json above it`); bad++;
      } else if (!manifest.declared.has(pkg) && pkg !== manifest.name) {
        console.log(`${file}:${line}: "${spec}" needs "${pkg}" declared in ${manifest.file}`); bad++;
      }
    }
  }
}
if (bad) { console.log(`check-js-imports: ${bad} undeclared import(s)`); process.exit(1); }
console.log(`check-js-imports: ${files.length} files, ${bare} bare imports, each declared in its package.json`);
'
