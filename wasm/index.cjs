// margin-engine under CommonJS (wasm/README.md, "CommonJS"). The package is an ES module
// with top-level await (the .wasm is compiled while it is imported), which require()
// cannot load synchronously; load() imports it and resolves to the same module object.
'use strict';

let loading;

/** Resolves to the ES module's exports (computeMargin, ...); imported once, then shared. */
exports.load = function load() {
  if (!loading) loading = import('./index.mjs');
  return loading;
};
