/**
 * The bench's process-pair verdicts (bench/process-pairs.mjs) say PASS or FAIL only when the median's
 * interval lies wholly on one side of the target. These tests hold the interval to what it claims:
 * the right order statistics, and at least its stated coverage on skewed and heavy-tailed draws.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { atMost, medianInterval, pairVerdict } from '../../bench/process-pairs.mjs';

/** A small seeded generator (mulberry32), so that the coverage check draws the same numbers every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('medianInterval', () => {
  it.each([
    [8, 2, 0.9296875],
    [12, 3, 0.96142578125],
    [16, 5, 0.923187255859375],
  ])('with %i pairs it runs from the %i-th lowest to the as many-th highest pair', (n, k, coverage) => {
    // Shuffled, so that the order statistics are found by value, not by position.
    const xs = Array.from({ length: n }, (_, i) => ((i * 7) % n) * 10);
    const ci = medianInterval(xs);
    expect(ci.lo).toBe((k - 1) * 10);
    expect(ci.hi).toBe((n - k) * 10);
    expect(ci.coverage).toBeCloseTo(coverage, 12);
  });

  it('is unbounded when there are too few pairs to bound the median at 90%', () => {
    expect(medianInterval([1, 2, 3, 4])).toEqual({ lo: -Infinity, hi: Infinity, coverage: 1 });
  });

  it.each([
    ['exponential (skewed)', (u: number) => -Math.log(1 - u), Math.LN2],
    ['Cauchy (heavy tails)', (u: number) => Math.tan(Math.PI * (u - 0.5)), 0],
  ])('covers the true median of %s draws at least as often as it states', (_name, draw, trueMedian) => {
    const random = seeded(20261203);
    for (const n of [8, 12, 16]) {
      const trials = 4000;
      let covered = 0;
      let stated = 0;
      for (let t = 0; t < trials; t++) {
        const ci = medianInterval(Array.from({ length: n }, () => draw(random())));
        stated = ci.coverage;
        if (ci.lo <= trueMedian && trueMedian <= ci.hi) covered++;
      }
      // Three standard errors of a proportion near 0.93 over 4,000 trials: about 0.012.
      expect(covered / trials).toBeGreaterThan(stated - 0.012);
    }
  });
});

describe('atMost', () => {
  const stats = (ciLoUs: number, ciHiUs: number) => ({ ciLoUs, ciHiUs });
  it('passes only when the whole interval is at or under the limit', () => {
    expect(atMost(stats(-2, 5), 5)).toBe(true);
  });
  it('fails only when the whole interval is above the limit', () => {
    expect(atMost(stats(5.01, 20), 5)).toBe(false);
  });
  it('gives no verdict when the interval straddles the limit', () => {
    expect(atMost(stats(4.38, 19.83), 5)).toBeNull();
    expect(atMost(stats(-Infinity, Infinity), 0)).toBeNull();
  });
  it('reads as PASS, FAIL or NOT SHOWN, the same in every report', () => {
    expect(pairVerdict(atMost(stats(-2, 5), 5))).toBe('PASS');
    expect(pairVerdict(atMost(stats(5.01, 20), 5))).toBe('FAIL');
    expect(pairVerdict(atMost(stats(4.38, 19.83), 5))).toBe('NOT SHOWN (the interval straddles the target)');
  });
});
