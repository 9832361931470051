/**
 * One config's cost over another's, measured over many fresh process pairs: the verdicts on
 * tokenpath's own code (tokenpath over `floor`, floor.mjs) and against contrib.
 *
 * One process of a config differs from another process of the same config by up to ~30 µs per call
 * on a small VM (JIT and heap-sizing decisions, memory layout), more than the targets, and it stays
 * so however long the process runs (the same holds for two copies of the SDK in one process). So a
 * verdict is not taken from one process per config: each of `pairs` pairs (a child of each config,
 * started afresh, warmed up, then timed in interleaved slices) gives the median of its per-slice
 * differences, and the figure is the median over the pairs, with their quartiles to show how far
 * one pair's luck goes.
 *
 *   node bench/process-pairs.mjs --openai=6 --kind=chat [--base=floor --config=tokenpath --pairs=12 --warmup=20000 --n=20000]
 *        [--variant=unpretenured]   (openai 7 only: both children with openai7-unpretenured.mjs)
 *        [--save=<file>]   (the pairs as JSON, to pool with a run's: pool-pairs.mjs)
 *   a config `floor+<extra>` is the floor with one thing added (BENCH_FLOOR_EXTRA, child.mjs), e.g. --config=floor+context
 */
import { writeFileSync } from 'node:fs';
import { benchOptions, forkChild, median } from './children.mjs';

export const PAIR_DEFAULTS = {
  // 20 pairs: the median's 96% interval (medianInterval) runs from the 6th to the 15th pair.
  chat: { pairs: 20, warmup: 20000, n: 20000, slices: 10 },
  // 4,000 streams: until then the per-stream code is still tiering up (run.mjs, SETTINGS.stream).
  // 8 pairs (a stream pair takes about 50 s): the interval runs from the 2nd to the 7th pair (93%).
  stream: { pairs: 8, warmup: 4000, n: 400, slices: 8 },
};

/**
 * An interval for the median of the distribution the pairs are drawn from (what their figures centre
 * on), holding it with at least `confidence` (0.9) whatever that distribution is: the k-th lowest and
 * k-th highest pair, k the largest for
 * which fewer than k of n pairs fall below the median with probability ≤ (1 − confidence) / 2 (the
 * sign test's order statistics; binomial n, ½). No resampling, so a report reads the same each time.
 * With 8 pairs it is the 2nd lowest to the 2nd highest (93%), with 12 the 3rd (96%), with 16 the 5th (92%).
 */
export function medianInterval(xs, confidence = 0.9) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const tail = (k) => {
    // P(X ≤ k - 1), X ~ Binomial(n, 1/2)
    let sum = 0;
    let c = 1;
    for (let i = 0; i < k; i++) {
      sum += c;
      c = (c * (n - i)) / (i + 1);
    }
    return sum / 2 ** n;
  };
  let k = 0;
  while (k + 1 <= n / 2 && tail(k + 1) <= (1 - confidence) / 2) k++;
  if (k === 0) return { lo: -Infinity, hi: Infinity, coverage: 1 };
  return { lo: s[k - 1], hi: s[n - k], coverage: 1 - 2 * tail(k) };
}

/**
 * A verdict on "at most `limit`" that the pairs' noise cannot flip: true when the whole interval of
 * the median is at or under the limit, false when it is all above, null (not shown either way) when
 * it straddles the limit.
 */
export function atMost(stats, limit) {
  if (stats.ciHiUs <= limit) return true;
  if (stats.ciLoUs > limit) return false;
  return null;
}

/** How a verdict of `atMost` reads: null, the interval straddling the limit, is neither pass nor fail. */
export const pairVerdict = (pass) => (pass === null ? 'NOT SHOWN (the interval straddles the target)' : pass ? 'PASS' : 'FAIL');

/** What each slice reports (child.mjs `timed`), taken per call, per pair as `config` minus `base`. */
const PER_CALL = ['wallUs', 'cpuUs', 'systemUs', 'minorFaults', 'scavenges', 'fullGcs', 'gcPauseUs', 'allocatedBytes', 'survivedBytes', 'promotedBytes'];

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
};

/**
 * `config` over `base`, in µs per call (`perCall` 1), or per chunk (`perCall` the chunks of a
 * stream), wall-clock and CPU time: the median over pairs, the quartiles, the range, and each pair's
 * figure with the two processes' own medians. The same for the kernel's share of the CPU time, page
 * faults and GC pauses (where a difference in time that instructions do not account for could come
 * from), and each process's own GC rates and young-generation size (`perPair[].gc`).
 */
export async function measurePairs({ openai, kind, base, config, perCall = 1, pairs, warmup, n, slices, env = {}, log = () => {} }) {
  const d = PAIR_DEFAULTS[kind];
  pairs ??= d.pairs;
  warmup ??= d.warmup;
  n ??= d.n;
  slices ??= d.slices;
  const sliceN = Math.max(1, Math.round(n / slices));
  const perPair = [];
  for (let p = 0; p < pairs; p++) {
    // Which of the two starts (and runs) first alternates, so that neither always has the fresher machine.
    const order = p % 2 === 0 ? [base, config] : [config, base];
    const kids = order.map((c) => forkChild(c, { openai, env }));
    try {
      await Promise.all(kids.map((k) => k.isReady));
      // One after the other: with both warming up at once on 2 cores, 40 openai 6 pairs gave tokenpath
      // over floor 8.84 µs [4.09, 15.13] where 20 pairs warmed up in turn gave 4.49 [0.20, 7.61]; until
      // that is shown to be chance, the warm-up stays as every earlier run had it.
      for (const k of kids) await k.send({ cmd: 'warmup', kind, n: warmup });
      const newSpace = {};
      const per = Object.fromEntries(PER_CALL.map((m) => [m, { [base]: [], [config]: [] }]));
      for (let s = 0; s < slices; s++) {
        for (const k of s % 2 === 0 ? kids : [...kids].reverse()) {
          const v = await k.send({ cmd: 'round', kind, n: sliceN });
          for (const m of PER_CALL) per[m][k.config].push(v[m] / v.n / perCall);
          newSpace[k.config] = v.newSpaceBytes;
        }
      }
      const paired = (m) => median(per[m][config].map((x, i) => x - per[m][base][i]));
      const pair = { baseUs: median(per.wallUs[base]), configUs: median(per.wallUs[config]) };
      for (const m of PER_CALL) pair[m] = paired(m);
      // Each process's own GC figures (per 1,000 calls), to tell a process's luck from its config.
      pair.gc = Object.fromEntries(
        [base, config].map((c) => [
          c,
          {
            scavenges: median(per.scavenges[c]) * 1000,
            fullGcs: median(per.fullGcs[c]) * 1000,
            pauseUs: median(per.gcPauseUs[c]),
            allocatedBytes: median(per.allocatedBytes[c]),
            survivedBytes: median(per.survivedBytes[c]),
            promotedBytes: median(per.promotedBytes[c]),
            newSpaceMb: newSpace[c] / 2 ** 20,
          },
        ]),
      );
      perPair.push(pair);
      log(
        `${config} over ${base}, openai ${openai} ${kind}, pair ${p + 1}/${pairs}: ${pair.wallUs.toFixed(2)} µs ` +
          `(CPU ${pair.cpuUs.toFixed(2)}, system ${pair.systemUs.toFixed(2)}, page faults ${pair.minorFaults.toFixed(3)}, ` +
          `allocated ${pair.allocatedBytes.toFixed(0)} B; ` +
          `${base} ${pair.baseUs.toFixed(1)}, ${config} ${pair.configUs.toFixed(1)}; GC per 1,000 calls ` +
          [base, config]
            .map((c) => {
              const g = pair.gc[c];
              return (
                `${c} ${g.scavenges.toFixed(1)} young, ${g.fullGcs.toFixed(2)} full, ${g.pauseUs.toFixed(2)} µs/call paused, ` +
                `young gen ${g.newSpaceMb.toFixed(0)} MB, per call ${g.allocatedBytes.toFixed(0)} B allocated, ` +
                `${g.survivedBytes.toFixed(0)} B kept young, ${g.promotedBytes.toFixed(0)} B promoted`
              );
            })
            .join('; ') +
          ')',
      );
    } finally {
      await Promise.all(kids.map((k) => k.exit().catch(() => k.kill())));
    }
  }
  return { base, config, pairs, warmup, callsPerPair: sliceN * slices, slices, ...pairFigures(perPair), perPair };
}

/** One figure over pairs: the median, its interval, the quartiles and the range. */
function figureOf(perPair, m) {
  const xs = perPair.map((x) => x[m]);
  const ci = medianInterval(xs);
  return {
    medianUs: median(xs),
    ciLoUs: ci.lo,
    ciHiUs: ci.hi,
    ciCoverage: ci.coverage,
    q1Us: quantile(xs, 0.25),
    q3Us: quantile(xs, 0.75),
    minUs: Math.min(...xs),
    maxUs: Math.max(...xs),
  };
}

/** The figures a pairs measurement reports, from its pairs (those of one run, or pooled: pool-pairs.mjs). */
export function pairFigures(perPair) {
  return {
    wall: figureOf(perPair, 'wallUs'),
    cpu: figureOf(perPair, 'cpuUs'),
    system: figureOf(perPair, 'systemUs'),
    minorFaults: figureOf(perPair, 'minorFaults'),
    gcPause: figureOf(perPair, 'gcPauseUs'),
    allocated: figureOf(perPair, 'allocatedBytes'),
  };
}

/** Prints a pairs measurement's figures, one line each. */
export function printFigures(r, log = console.log) {
  const f = (x) => x.toFixed(2);
  // The figures keep the time figures' field names (medianUs, ...) whatever their unit.
  const units = { wall: 'µs', cpu: 'µs', system: 'µs', minorFaults: 'page faults', gcPause: 'µs', allocated: 'bytes' };
  for (const [m, unit] of Object.entries(units)) {
    const s = r[m];
    log(
      `${m}: median ${f(s.medianUs)} ${unit} (${Math.round(s.ciCoverage * 100)}% interval ${f(s.ciLoUs)} to ${f(s.ciHiUs)}), ` +
        `quartiles ${f(s.q1Us)}–${f(s.q3Us)}, range ${f(s.minUs)}–${f(s.maxUs)} (${r.perPair.length} pairs)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opt = benchOptions();
  const kind = opt.kind ?? 'chat';
  const openai = opt.openai ?? '6';
  const r = await measurePairs({
    openai,
    kind,
    base: opt.base ?? 'floor',
    config: opt.config ?? 'tokenpath',
    perCall: kind === 'chat' ? 1 : Number(opt.chunks ?? 201),
    pairs: opt.pairs && Number(opt.pairs),
    warmup: opt.warmup && Number(opt.warmup),
    n: opt.n && Number(opt.n),
    env: opt.variant ? { BENCH_OPENAI_VARIANT: opt.variant } : {},
    log: console.log,
  });
  printFigures(r);
  // --save=<file>: the pairs, to pool with a run's or with other saved ones (pool-pairs.mjs).
  if (opt.save) writeFileSync(opt.save, JSON.stringify({ openai, kind, ...r }, null, 1));
}
