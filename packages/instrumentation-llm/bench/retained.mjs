/**
 * What one finished non-stream call's APIPromise keeps alive (child.mjs `retained`), config against
 * config: on openai 7 the promise is reachable from two old-generation closures until the next full
 * GC, so everything it reaches survives every young collection until then (RESULTS.md, "What openai 7
 * keeps").
 *
 *   node bench/retained.mjs --openai=7 [--configs=floor,tokenpath --warmup=2000]
 */
import { benchOptions, differenceByKey, forkChild } from './children.mjs';

const opt = benchOptions();
const openai = opt.openai ?? '7';
const configs = (opt.configs ?? 'floor,tokenpath').split(',');
const warmup = Number(opt.warmup ?? 2000);

const got = {};
for (const config of configs) {
  const child = forkChild(config, { openai });
  try {
    await child.isReady;
    await child.send({ cmd: 'warmup', kind: 'chat', n: warmup });
    got[config] = await child.send({ cmd: 'retained' });
  } finally {
    await child.exit().catch(() => child.kill());
  }
}
const total = (rows) => rows.reduce((t, r) => ({ count: t.count + r.count, bytes: t.bytes + r.bytes }), { count: 0, bytes: 0 });
for (const c of configs) {
  const t = total(got[c]);
  console.log(`${c}, openai ${openai}: one call's APIPromise keeps ${t.count} objects, ${t.bytes} bytes`);
}
const [base, ...others] = configs;
for (const c of others) {
  const field = (config, name) => new Map(got[config].map((r) => [r.what, r[name]]));
  const bytes = new Map(differenceByKey(field(base, 'bytes'), field(c, 'bytes')));
  const counts = new Map(differenceByKey(field(base, 'count'), field(c, 'count')));
  const rows = [...new Set([...bytes.keys(), ...counts.keys()])]
    .map((what) => ({ what, count: counts.get(what) ?? 0, bytes: bytes.get(what) ?? 0 }))
    .sort((x, y) => y.bytes - x.bytes);
  console.log(`\n${c} against ${base}, what the promise keeps, by object (count, bytes):`);
  for (const r of rows) console.log(`${String(r.count).padStart(5)} ${String(r.bytes).padStart(8)}  ${r.what}`);
}
