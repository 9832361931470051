/**
 * What every bench script shares (bench/children.mjs): how it reads its arguments, and how it lines
 * two configs' figures up key by key.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { benchOptions, differenceByKey } from '../../bench/children.mjs';

describe('bench options and differences', () => {
  it('reads --name=value, and a bare --name as true', () => {
    expect(benchOptions(['--openai=7', '--by-code', '--configs=floor,tokenpath'])).toEqual({ openai: '7', 'by-code': 'true', configs: 'floor,tokenpath' });
    expect(benchOptions([])).toEqual({});
  });

  it('subtracts key by key over both maps, drops equal keys, largest difference first', () => {
    const base = new Map([['a', 5], ['b', 2], ['same', 1]]);
    const other = new Map([['a', 3], ['c', 4], ['same', 1]]);
    expect(differenceByKey(base, other)).toEqual([['c', 4], ['a', -2], ['b', -2]]);
  });
});
