/**
 * The heap figures the bench children report (bench/heap-figures.mjs), held to V8's own records in
 * this process: a real GCProfiler over real collections, and a real heap snapshot.
 */
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { gcSummary, retainedBy, takeHeapSnapshot } from '../../bench/heap-figures.mjs';

class HeapFiguresHolder {
  constructor(readonly held: unknown) {}
}
class HeapFiguresOnlyHere {
  constructor(readonly n: number) {}
}
class HeapFiguresShared {}

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

  it('says so when the snapshot holds no such object', async () => {
    expect(() => retainedBy({ snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], edge_fields: ['type', 'name_or_index', 'to_node'], node_types: [['object']], edge_types: [['property', 'weak']] } }, nodes: [0, 0, 1, 8, 0], edges: [], strings: ['Other'] }, 'HeapFiguresHolder', 'held')).toThrow(/no HeapFiguresHolder/);
  });
});
