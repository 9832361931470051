/**
 * Pooling pairs (bench/pool-pairs.mjs) finds the same two configs' pairs in a run's results and in
 * saved measurements, takes the figure over all of them, and refuses pairs measured differently.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { poolPairs } from '../../bench/pool-pairs.mjs';
// @ts-expect-error: a plain .mjs bench module, without types
import { medianInterval } from '../../bench/process-pairs.mjs';

const which = { openai: '6', kind: 'chat', base: 'floor+tokenpath-loaded', config: 'tokenpath' };
const settings = { warmup: 20000, callsPerPair: 20000, slices: 10 };

/** Pairs whose wall-clock figures are `walls` (the other figures follow from them). */
function pairs(walls: number[]) {
  return walls.map((w) => ({
    wallUs: w,
    cpuUs: w / 2,
    systemUs: 0,
    minorFaults: 0,
    gcPauseUs: 1,
    allocatedBytes: -100,
  }));
}

/** A run's results: the own-code pairs under openai6.ownCode, another measurement beside them. */
function run(walls: number[]) {
  return {
    meta: { commit: 'abc' },
    openai6: {
      pairsVsContrib: { chat: { base: 'contrib', config: 'tokenpath', ...settings, perPair: pairs([100, 100]) } },
      ownCode: {
        chat: { base: which.base, config: which.config, ...settings, perPair: pairs(walls) },
        stream: { base: which.base, config: which.config, warmup: 4000, callsPerPair: 400, slices: 8, perPair: pairs([9]) },
      },
    },
  };
}

/** A measurement as `process-pairs.mjs --save` writes it. */
function saved(walls: number[], overrides: Record<string, unknown> = {}) {
  return { openai: '6', kind: 'chat', base: which.base, config: which.config, ...settings, perPair: pairs(walls), ...overrides };
}

describe('poolPairs', () => {
  it("takes the run's own-code pairs and the saved ones, and gives the figures over all of them", () => {
    const runWalls = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const more = [-3, -2, -1, 0, 13, 14, 15, 16];
    const r = poolPairs(
      [
        { name: 'latest.json', data: run(runWalls) },
        { name: 'more.json', data: saved(more) },
      ],
      which,
    );
    const all = [...runWalls, ...more];
    expect(r.pairs).toBe(20);
    expect(r.wall.medianUs).toBe(6.5);
    const ci = medianInterval(all);
    expect([r.wall.ciLoUs, r.wall.ciHiUs]).toEqual([ci.lo, ci.hi]);
    expect(r.cpu.medianUs).toBe(3.25);
    expect(r.from).toEqual([
      { name: 'latest.json', pairs: 12, wallUs: 6.5 },
      { name: 'more.json', pairs: 8, wallUs: 6.5 },
    ]);
    expect(r.warmup).toBe(20000);
  });

  it('finds the stream pairs, not the chat ones, when asked for streams', () => {
    const r = poolPairs([{ name: 'latest.json', data: run([1, 2]) }], { ...which, kind: 'stream' });
    expect(r.pairs).toBe(1);
    expect(r.wall.medianUs).toBe(9);
  });

  it('refuses pairs measured with other settings, naming the source and the setting', () => {
    expect(() =>
      poolPairs(
        [
          { name: 'latest.json', data: run([1, 2, 3]) },
          { name: 'short.json', data: saved([1, 2], { warmup: 2000 }) },
        ],
        which,
      ),
    ).toThrow('short.json: warmup 2000, where latest.json has 20000');
  });

  it('refuses a source without the measurement, naming it', () => {
    expect(() => poolPairs([{ name: 'seven.json', data: saved([1], { openai: '7' }) }], which)).toThrow(
      'seven.json: no tokenpath over floor+tokenpath-loaded pairs for openai 6 chat',
    );
    expect(() => poolPairs([], which)).toThrow('no measurements to pool');
  });
});
