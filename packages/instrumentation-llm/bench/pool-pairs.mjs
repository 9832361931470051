/**
 * One pairs figure over the pairs of several measurements of the same code: a run's
 * (results/latest.json) and pairs taken after it (`process-pairs.mjs --save`). Each pair is a fresh
 * process of each config measured alike, so pairs of the same two configs, taken with the same
 * warm-up, calls and slices on the same machine, are draws from one distribution; more of them
 * narrow the median's interval (about as one over the square root of their number), which is what a
 * target that sits near the measured value needs.
 *
 *   node bench/pool-pairs.mjs --openai=6 --kind=chat [--base=floor+tokenpath-loaded --config=tokenpath] [--limit=5] <file>...
 *
 * Only pool measurements of one commit's hot path: the figure is that code's, nothing else's.
 */
import { readFileSync } from 'node:fs';
import { benchOptions } from './children.mjs';
import { atMost, pairFigures, pairVerdict, printFigures } from './process-pairs.mjs';

/** What must be the same for two measurements' pairs to be pooled. */
const SETTINGS = ['warmup', 'callsPerPair', 'slices'];

/**
 * The pairs measurement of `base` and `config` in one source: a run's results (its `openai<major>`
 * sections hold one measurement per kind each) or one saved measurement.
 */
export function measurementIn(data, { openai, kind, base, config }) {
  const matches = (m) => m && m.base === base && m.config === config && Array.isArray(m.perPair);
  if (data.perPair !== undefined) {
    return matches(data) && String(data.openai) === String(openai) && data.kind === kind ? data : undefined;
  }
  const sections = data[`openai${openai}`];
  if (sections === undefined) return undefined;
  return Object.values(sections)
    .map((section) => section?.[kind])
    .find(matches);
}

/**
 * The pooled figures over `sources` ({ name, data }), with each source's own count and median; a
 * source without the measurement, or measured with other settings, is an error that names it.
 */
export function poolPairs(sources, which) {
  const perPair = [];
  const from = [];
  let first;
  for (const { name, data } of sources) {
    const m = measurementIn(data, which);
    if (m === undefined) {
      throw new Error(`${name}: no ${which.config} over ${which.base} pairs for openai ${which.openai} ${which.kind}`);
    }
    first ??= { name, m };
    for (const key of SETTINGS) {
      if (m[key] !== first.m[key]) {
        throw new Error(`${name}: ${key} ${m[key]}, where ${first.name} has ${first.m[key]}; only pairs measured alike can be pooled`);
      }
    }
    perPair.push(...m.perPair);
    from.push({ name, pairs: m.perPair.length, wallUs: pairFigures(m.perPair).wall.medianUs });
  }
  if (first === undefined) throw new Error('no measurements to pool');
  const settings = Object.fromEntries(SETTINGS.map((key) => [key, first.m[key]]));
  return { ...which, ...settings, pairs: perPair.length, ...pairFigures(perPair), perPair, from };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const opt = benchOptions(argv.filter((a) => a.startsWith('--')));
  const files = argv.filter((a) => !a.startsWith('--'));
  const which = {
    openai: opt.openai ?? '6',
    kind: opt.kind ?? 'chat',
    base: opt.base ?? 'floor+tokenpath-loaded',
    config: opt.config ?? 'tokenpath',
  };
  const r = poolPairs(
    files.map((name) => ({ name, data: JSON.parse(readFileSync(name, 'utf8')) })),
    which,
  );
  for (const s of r.from) console.log(`${s.name}: ${s.pairs} pairs, median ${s.wallUs.toFixed(2)}`);
  console.log(`${which.config} over ${which.base}, openai ${which.openai} ${which.kind}, pooled:`);
  printFigures(r);
  if (opt.limit !== undefined) {
    const limit = Number(opt.limit);
    console.log(`at most ${limit}: wall-clock ${pairVerdict(atMost(r.wall, limit))}, CPU time ${pairVerdict(atMost(r.cpu, limit))}`);
  }
}
