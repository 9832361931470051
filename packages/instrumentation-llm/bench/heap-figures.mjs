/**
 * Figures the bench children read off V8's heap: what a round's collections did (from
 * `v8.GCProfiler`), and what one object keeps alive (from a heap snapshot). Plain functions of
 * V8's own records, so that a test can hold them to real ones (test/bench/heap-figures.test.ts).
 */

/**
 * The young and full collections of a round, their pauses (µs), what the round allocated, and what
 * its young collections kept young or promoted.
 */
const isYoung = (g) => g.gcType === 'Scavenge' || g.gcType === 'MinorMarkSweep';
const youngUsed = (at) => at.heapSpaceStatistics.find((s) => s.spaceName === 'new_space')?.spaceUsedSize ?? 0;

/**
 * `statistics`: a `GCProfiler`'s over the round; `usedBefore`, `usedAfter`: V8's used heap at its start and end.
 */
export function gcSummary(statistics, usedBefore, usedAfter) {
  let scavenges = 0;
  let fullGcs = 0;
  let gcPauseUs = 0;
  // What the round allocated on V8's heap: its growth plus what its collections freed (exact, where
  // the sampling heap profiler of `allocations` is statistical).
  let allocatedBytes = usedAfter - usedBefore;
  let survivedBytes = 0;
  let promotedBytes = 0;
  for (const g of statistics) {
    if (isYoung(g)) scavenges++;
    else if (g.gcType === 'MarkSweepCompact') fullGcs++;
    gcPauseUs += g.cost;
    allocatedBytes += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
    if (isYoung(g)) {
      // What the young collection kept: copied within the young generation, or promoted to the old.
      const { afterGC: after, beforeGC: before } = g;
      survivedBytes += youngUsed(after);
      promotedBytes += after.heapStatistics.usedHeapSize - youngUsed(after) - (before.heapStatistics.usedHeapSize - youngUsed(before));
    }
  }
  return { scavenges, fullGcs, gcPauseUs, allocatedBytes, survivedBytes, promotedBytes };
}

/** A heap snapshot of this process, parsed (V8 collects garbage first). */
export async function takeHeapSnapshot() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  const chunks = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (m) => chunks.push(m.params.chunk));
  try {
    await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.disconnect();
  }
  return JSON.parse(chunks.join(''));
}

/**
 * The objects reachable from the `edge` property of the (first) object of class `holder` and from
 * nowhere else (weak edges not followed), by node type and name: count and bytes, largest first.
 */
export function retainedBy(snapshot, holder, edge) {
  const { ef, et, N, typeAt, nameAt, sizeAt, countAt, nodeTypes, nodeCount } = snapshotLayout(snapshot);
  const { nodes, edges, strings } = snapshot;
  const E = ef.length;
  const [eTypeAt, eNameAt, eToAt] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const edgeTypes = et[eTypeAt];
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) firstEdge[i + 1] = firstEdge[i] + nodes[i * N + countAt] * E;
  const edgeName = (e) => {
    const t = edgeTypes[edges[e + eTypeAt]];
    return t === 'element' || t === 'hidden' ? null : strings[edges[e + eNameAt]];
  };
  let holderIndex = -1;
  for (let i = 0; i < nodeCount && holderIndex < 0; i++) {
    if (strings[nodes[i * N + nameAt]] === holder && nodeTypes[nodes[i * N + typeAt]] === 'object') holderIndex = i;
  }
  if (holderIndex < 0) throw new Error(`retained: no ${holder} in the snapshot`);
  let target;
  for (let e = firstEdge[holderIndex]; e < firstEdge[holderIndex + 1]; e += E) if (edgeName(e) === edge) target = edges[e + eToAt] / N;
  if (target === undefined) throw new Error(`retained: ${holder} has no ${edge}`);
  const walk = (start, seen, stop) => {
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop();
      for (let e = firstEdge[i]; e < firstEdge[i + 1]; e += E) {
        if (edgeTypes[edges[e + eTypeAt]] === 'weak') continue;
        const j = edges[e + eToAt] / N;
        if (seen[j] || stop[j]) continue;
        seen[j] = 1;
        stack.push(j);
      }
    }
  };
  const elsewhere = new Uint8Array(nodeCount);
  const stopAtHolder = new Uint8Array(nodeCount);
  stopAtHolder[holderIndex] = 1;
  walk(0, elsewhere, stopAtHolder);
  const only = new Uint8Array(nodeCount);
  walk(target, only, elsewhere);
  const rows = new Map();
  for (let i = 0; i < nodeCount; i++) {
    if (!only[i]) continue;
    const key = `${nodeTypes[nodes[i * N + typeAt]]} ${strings[nodes[i * N + nameAt]].slice(0, 60)}`;
    const row = rows.get(key) ?? { what: key, count: 0, bytes: 0 };
    row.count++;
    row.bytes += nodes[i * N + sizeAt];
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Where a snapshot's flat node array keeps each field (V8 names its fields in the snapshot's meta). */
function snapshotLayout(snapshot) {
  const { node_fields: nf, edge_fields: ef, node_types: nt, edge_types: et } = snapshot.snapshot.meta;
  const N = nf.length;
  const [typeAt, nameAt, sizeAt, countAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  return { ef, et, N, typeAt, nameAt, sizeAt, countAt, nodeTypes: nt[typeAt], nodeCount: snapshot.nodes.length / N };
}

/**
 * Node types that are V8's own records, not values the program made: maps (hidden classes) and
 * descriptor arrays ('object shape'), machine code, and 'hidden' internals such as feedback vectors,
 * the dependent-code lists that tie optimised code to the maps it assumed, and scripts.
 */
const V8_OWN = new Set(['hidden', 'object shape', 'code']);
/** Strings are counted by type only: their contents would make a row each. */
const STRINGS = new Set(['string', 'concatenated string', 'sliced string']);
/** A composition row's identity: its node type and name. */
const rowKey = (type, name) => `${type}\0${name}`;

/**
 * What a heap snapshot holds, by node type and name (objects by constructor, closures by function
 * name, strings and code by type only): rows of `{ type, name, count, bytes }`. Small enough to send
 * over IPC, so that two can be compared (`compositionGrowth`).
 */
export function heapComposition(snapshot) {
  const { N, typeAt, nameAt, sizeAt, nodeTypes, nodeCount } = snapshotLayout(snapshot);
  const { nodes, strings } = snapshot;
  const rows = new Map();
  for (let i = 0; i < nodeCount; i++) {
    const type = nodeTypes[nodes[i * N + typeAt]];
    const name = STRINGS.has(type) || type === 'code' ? '' : strings[nodes[i * N + nameAt]].slice(0, 80);
    const key = rowKey(type, name);
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = { type, name, count: 0, bytes: 0 }));
    row.count++;
    row.bytes += nodes[i * N + sizeAt];
  }
  return [...rows.values()];
}

/**
 * What grew from one composition to a later one: the program's values (objects, closures, arrays,
 * strings, numbers, Node's native objects) apart from V8's own records (`V8_OWN`), each as
 * `{ count, bytes }`, and the `top` rows that grew most in bytes.
 */
export function compositionGrowth(before, after, top = 5) {
  const key = (r) => rowKey(r.type, r.name);
  const was = new Map(before.map((r) => [key(r), r]));
  const rows = [];
  const values = { count: 0, bytes: 0 };
  const v8Own = { count: 0, bytes: 0 };
  const grew = (r, count, bytes) => {
    if (count === 0 && bytes === 0) return;
    const side = V8_OWN.has(r.type) ? v8Own : values;
    side.count += count;
    side.bytes += bytes;
    rows.push({ what: r.name ? `${r.type} ${r.name}` : r.type, count, bytes });
  };
  for (const r of after) {
    const b = was.get(key(r));
    was.delete(key(r));
    grew(r, r.count - (b?.count ?? 0), r.bytes - (b?.bytes ?? 0));
  }
  for (const r of was.values()) grew(r, -r.count, -r.bytes);
  const most = rows.filter((r) => r.bytes > 0).sort((x, y) => y.bytes - x.bytes);
  return { values, v8Own, top: most.slice(0, top) };
}

/**
 * Counts, per named object, how often the object a call made was allocated in the old generation
 * (V8's `%InYoungGeneration`, read right after the object is made, before any collection can have
 * moved it). An object born old lives until the next full GC, and every young object it points to is
 * kept, copied and promoted by every young GC until then: V8 allocates old what its allocation-site
 * pretenuring decided to tenure, and closures its parser marked for the old generation unless TurboFan
 * made them. Needs `--allow-natives-syntax` in the process.
 */
export function bornOldCounter() {
  let isYoung;
  try {
    isYoung = new Function('o', 'return %InYoungGeneration(o)');
  } catch (error) {
    throw new Error(`born-old: run node with --allow-natives-syntax (${error.message})`);
  }
  let calls = 0;
  let old = new Map();
  return {
    /** One more call looked at. */
    call() {
      calls++;
    },
    /** Counts `value` (an object or function; anything else is ignored) under `name` if it is in the old generation. */
    check(name, value) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
      if (!isYoung(value)) old.set(name, (old.get(name) ?? 0) + 1);
    },
    /** The calls looked at and, by name, how many had their object born old; then starts again. */
    take() {
      const taken = { calls, old: Object.fromEntries(old) };
      calls = 0;
      old = new Map();
      return taken;
    },
  };
}
