// CommonJS consumers: require('margin-engine') is typed as { load }, load() as the ES module.
import engine = require('margin-engine');
engine.load().then((m) => {
  const equity: string = m.computeMargin(m.shippedDocument('example')).result.equity;
  // @ts-expect-error the CommonJS entry exports only load()
  engine.computeMargin;
  console.log(equity);
});
