/**
 * The heap figures the bench children report (bench/heap-figures.mjs), held to V8's own records in
 * this process: a real GCProfiler over real collections, and a real heap snapshot.
 */
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { compositionGrowth, gcSummary, heapComposition, retainedBy, takeHeapSnapshot } from '../../bench/heap-figures.mjs';

class HeapFiguresHolder {
  constructor(readonly held: unknown) {}
}
class HeapFiguresOnlyHere {
  constructor(readonly n: number) {}
}
class HeapFiguresShared {}
class HeapFiguresGrown {
  constructor(readonly n: number) {}
}

const alsoHeldByTheModule = new HeapFiguresShared();

/** Three objects only the holder reaches, and one it shares. Made out of line, so no temporary of the test holds them. */
function heldGraph(shared: HeapFiguresShared): object {
  return { a: new HeapFiguresOnlyHere(1), b: new HeapFiguresOnlyHere(2), c: new HeapFiguresOnlyHere(3), shared };
}

describe('bench heap figures', () => {
  it('counts the young collections of a round and the bytes it allocated', () => {
    const profiler = new v8.GCProfiler();
    profiler.start();
    const usedBefore = v8.getHeapStatistics().used_heap_size;
    let keep: number[][] = [];
    // About 40 MB in short-lived arrays of 8 KB: more than any young generation holds, so V8 must collect.
    for (let i = 0; i < 5000; i++) {
      keep.push(new Array(1000).fill(i));
      if (keep.length > 10) keep = [];
    }
    const usedAfter = v8.getHeapStatistics().used_heap_size;
    const figures = gcSummary(profiler.stop().statistics, usedBefore, usedAfter);
    expect(figures.scavenges).toBeGreaterThan(0);
    // Each array is at least 8,000 bytes of elements; the figure counts what was allocated, not what survived.
    expect(figures.allocatedBytes).toBeGreaterThan(5000 * 8000);
    expect(figures.allocatedBytes).toBeLessThan(5000 * 8000 * 4);
    expect(figures.gcPauseUs).toBeGreaterThan(0);
    // Only the last few arrays are alive at any collection: far less survives than was allocated.
    expect(figures.survivedBytes + figures.promotedBytes).toBeLessThan(figures.allocatedBytes / 4);
  });

  it('finds what one object keeps alive, and leaves out what is also reachable elsewhere', async () => {
    const holder = new HeapFiguresHolder(heldGraph(alsoHeldByTheModule));
    const rows: { what: string; count: number; bytes: number }[] = retainedBy(await takeHeapSnapshot(), 'HeapFiguresHolder', 'held');
    const row = (what: string) => rows.find((r) => r.what === what);
    expect(row('object HeapFiguresOnlyHere')?.count).toBe(3);
    expect(row('object HeapFiguresOnlyHere')!.bytes).toBeGreaterThan(0);
    // The held object itself is counted; the shared one is not: the module holds it too.
    expect(row('object Object')?.count).toBe(1);
    expect(row('object HeapFiguresShared')).toBeUndefined();
    expect(holder.held).toBeDefined();
  }, 60_000);

  it('tells the values a program keeps from V8\'s own records, between two real snapshots', async () => {
    const before = heapComposition(await takeHeapSnapshot());
    const kept = Array.from({ length: 500 }, (_, i) => new HeapFiguresGrown(i));
    const after = heapComposition(await takeHeapSnapshot());
    const grown = compositionGrowth(before, after, 50);
    const row = grown.top.find((r: { what: string }) => r.what === 'object HeapFiguresGrown');
    expect(row?.count).toBe(500);
    expect(row!.bytes).toBeGreaterThanOrEqual(500 * 16);
    // The 500 objects and their array are the program's; the snapshot counts V8's records apart.
    expect(grown.values.count).toBeGreaterThanOrEqual(501);
    expect(grown.values.bytes).toBeGreaterThanOrEqual(row!.bytes);
    const types = new Set(after.map((r: { type: string }) => r.type));
    expect(types).toContain('code');
    expect(types).toContain('object shape');
    expect(kept).toHaveLength(500);
  }, 60_000);

  it('puts maps, code and V8\'s internals on V8\'s side, and counts what went away as negative growth', () => {
    const before = [
      { type: 'object', name: 'Kept', count: 10, bytes: 160 },
      { type: 'object', name: 'Gone', count: 4, bytes: 64 },
      { type: 'hidden', name: 'system / WeakArrayList', count: 2, bytes: 100 },
      { type: 'code', name: '', count: 50, bytes: 5000 },
    ];
    const after = [
      { type: 'object', name: 'Kept', count: 12, bytes: 192 },
      { type: 'hidden', name: 'system / WeakArrayList', count: 2, bytes: 900 },
      { type: 'object shape', name: 'system / Map', count: 3, bytes: 240 },
      { type: 'code', name: '', count: 40, bytes: 4000 },
      { type: 'string', name: '', count: 1, bytes: 24 },
    ];
    expect(compositionGrowth(before, after, 3)).toEqual({
      values: { count: 2 - 4 + 1, bytes: 32 - 64 + 24 },
      v8Own: { count: 3 - 10, bytes: 800 + 240 - 1000 },
      top: [
        { what: 'hidden system / WeakArrayList', count: 0, bytes: 800 },
        { what: 'object shape system / Map', count: 3, bytes: 240 },
        { what: 'object Kept', count: 2, bytes: 32 },
      ],
    });
  });

  it('says so when the snapshot holds no such object', async () => {
    expect(() => retainedBy({ snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], edge_fields: ['type', 'name_or_index', 'to_node'], node_types: [['object']], edge_types: [['property', 'weak']] } }, nodes: [0, 0, 1, 8, 0], edges: [], strings: ['Other'] }, 'HeapFiguresHolder', 'held')).toThrow(/no HeapFiguresHolder/);
  });
});
