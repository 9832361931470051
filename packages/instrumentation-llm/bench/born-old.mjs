/**
 * Which of the objects one non-stream call makes are born in the old generation, config against
 * config (child.mjs with BENCH_PROBE=born-old): the active context and the span as the SDK's fetch sees
 * them, the request the fetch gets, the APIPromise and its own closures, the parsed completion. What
 * is born old survives every young GC until the next full GC and keeps what it points to alive with
 * it; V8 decides it per allocation site, per process (RESULTS.md, "Born old").
 *
 *   node bench/born-old.mjs --openai=7 [--configs=floor,floor+tokenpath-loaded,tokenpath --warmup=20000 --n=20000]
 *        [--variant=unpretenured]   (openai 7 only: both children with openai7-unpretenured.mjs)
 *
 * Prints, per object, the share of calls (%) whose object was born old: in the warm-up and after it.
 */
import { benchOptions, forkChild } from './children.mjs';

/** Per config, { warmup, after }: each { calls, old: { name: calls with it born old } }. */
export async function bornOld({ openai, configs, warmup = 20000, n = 20000, variant }) {
  const got = {};
  for (const config of configs) {
    const child = forkChild(config, { openai, execArgv: ['--allow-natives-syntax'], env: { BENCH_PROBE: 'born-old', ...(variant ? { BENCH_OPENAI_VARIANT: variant } : {}) } });
    try {
      await child.isReady;
      await child.send({ cmd: 'bornOld' });
      await child.send({ cmd: 'warmup', kind: 'chat', n: warmup });
      const during = await child.send({ cmd: 'bornOld' });
      await child.send({ cmd: 'warmup', kind: 'chat', n });
      got[config] = { warmup: during, after: await child.send({ cmd: 'bornOld' }) };
    } finally {
      await child.exit().catch(() => child.kill());
    }
  }
  return got;
}

/** The share of calls (%) with each object born old, a row per object seen old anywhere, a column per config and window. */
export function bornOldTable(got) {
  const configs = Object.keys(got);
  const names = [...new Set(configs.flatMap((c) => [...Object.keys(got[c].warmup.old), ...Object.keys(got[c].after.old)]))].sort();
  const pct = (w, name) => (w.calls === 0 ? 0 : (100 * (w.old[name] ?? 0)) / w.calls);
  return names.map((name) => ({
    name,
    ...Object.fromEntries(configs.flatMap((c) => [[`${c} warm-up`, pct(got[c].warmup, name)], [`${c} after`, pct(got[c].after, name)]])),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opt = benchOptions();
  const openai = opt.openai ?? '7';
  const configs = (opt.configs ?? 'floor,floor+tokenpath-loaded,tokenpath').split(',');
  const warmup = Number(opt.warmup ?? 20000);
  const n = Number(opt.n ?? 20000);
  const got = await bornOld({ openai, configs, warmup, n, variant: opt.variant });
  console.log(`openai ${openai}${opt.variant ? ` (${opt.variant})` : ''}: % of non-stream calls whose object was born old, in the ${warmup}-call warm-up / the ${n} calls after it`);
  const rows = bornOldTable(got);
  const width = Math.max(...rows.map((r) => r.name.length), 6);
  console.log(`${'object'.padEnd(width)}  ${configs.map((c) => c.padStart(26)).join('')}`);
  for (const r of rows) {
    const cells = configs.map((c) => `${r[`${c} warm-up`].toFixed(1)} / ${r[`${c} after`].toFixed(1)}`.padStart(26));
    console.log(`${r.name.padEnd(width)}  ${cells.join('')}`);
  }
}
