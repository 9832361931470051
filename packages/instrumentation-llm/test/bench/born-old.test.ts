/**
 * The bench's born-old probe (bench/heap-figures.mjs `bornOldCounter`, bench/born-old.mjs): which of a
 * call's objects V8 allocated in the old generation. Held to V8 itself: objects in a real process
 * with `--allow-natives-syntax`, and a real bench child making real calls through openai 7.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { bornOldCounter } from '../../bench/heap-figures.mjs';
// @ts-expect-error: a plain .mjs bench module, without types
import { bornOld, bornOldTable } from '../../bench/born-old.mjs';

const heapFigures = pathToFileURL(path.resolve(__dirname, '../../bench/heap-figures.mjs')).href;

describe('born-old probe', () => {
  it('counts an object that has reached the old generation, not one just made, and ignores what is not an object', () => {
    const script = `
      const { bornOldCounter } = await import(${JSON.stringify(heapFigures)});
      const counter = bornOldCounter();
      const survivor = { kept: true };
      gc(); gc();
      counter.call();
      counter.check('survivor', survivor);
      counter.check('fresh', { made: 'now' });
      counter.check('number', 42);
      counter.check('nothing', undefined);
      counter.call();
      const first = counter.take();
      const second = counter.take();
      console.log(JSON.stringify({ first, second }));
    `;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const { first, second } = JSON.parse(out);
    expect(first).toEqual({ calls: 2, old: { survivor: 1 } });
    expect(second).toEqual({ calls: 0, old: {} });
  });

  it('says how to run it where V8 natives are not allowed', () => {
    expect(() => bornOldCounter()).toThrow(/--allow-natives-syntax/);
  });

  it('sees openai 7 allocate its per-request closure old before the code is optimised, and the parsed completion young', async () => {
    const got = await bornOld({ openai: '7', configs: ['floor'], warmup: 300, n: 300 });
    const { warmup, after } = got.floor;
    expect(warmup.calls).toBe(300);
    expect(after.calls).toBe(300);
    // `promise.withResponse = async () => …`: V8's parser marks a closure assigned to a property for
    // the old generation, and the interpreter honours it (TurboFan, later, does not).
    expect(warmup.old['APIPromise.withResponse']).toBeGreaterThan(150);
    expect(warmup.old.completion ?? 0).toBeLessThan(5);
    const table = bornOldTable(got);
    const row = table.find((r: { name: string }) => r.name === 'APIPromise.withResponse');
    expect(row['floor warm-up']).toBeCloseTo((100 * warmup.old['APIPromise.withResponse']) / 300, 5);
  }, 60_000);

  it('lays out one row per object seen old, a column per config and window, in % of calls', () => {
    const table = bornOldTable({
      a: { warmup: { calls: 10, old: { span: 5 } }, after: { calls: 20, old: {} } },
      b: { warmup: { calls: 10, old: {} }, after: { calls: 20, old: { span: 20, context: 1 } } },
    });
    expect(table).toEqual([
      { name: 'context', 'a warm-up': 0, 'a after': 0, 'b warm-up': 0, 'b after': 5 },
      { name: 'span', 'a warm-up': 50, 'a after': 0, 'b warm-up': 0, 'b after': 100 },
    ]);
  });
});
