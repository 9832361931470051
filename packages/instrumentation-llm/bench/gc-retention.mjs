/**
 * Why a call through openai 7 costs an instrumentation more than through openai 6: how much of a
 * finished call survives young-generation GCs, per config, with openai 7 as published and with its
 * per-request closures created the way openai 6's are (not pretenured).
 *
 *   node packages/instrumentation-llm/bench/gc-retention.mjs [--configs=sdk,otel,floor-span,floor,tokenpath]
 *        [--openai=6,7] [--n=20000 --warmup=15000 --rounds=4 --slices=5]
 *        [--variants=as-is,unpretenured] [--tokenpath-dirs=/a/build,/b/build]
 *   BENCH_TOKENPATH_DIR: another build of the package for the `tokenpath` rows, as in child.mjs;
 *   --tokenpath-dirs: one `tokenpath` row per build folder (a copy of the package with its dist/).
 *
 * The mechanism: openai 7's `responsePromise()` assigns two arrow functions to
 * properties of every APIPromise (`promise.withResponse = async () => ...`,
 * `promise._thenUnwrap = (transform) => ...`). V8's parser pretenures a function literal that is
 * assigned to a property (so it could become a constant function property): the interpreter,
 * Sparkplug and Maglev allocate such closures in the old generation (optimized code not always,
 * but the steady state below still promotes MBs per scavenge). An old object pointing into the young generation is a root for
 * the scavenger until the next mark-compact, dead or not: the closures' context (the request
 * promise, the parse function, the APIPromise, and through them the response, the parsed body, the
 * promise chain with its async context, and whatever an instrumentation's observer on the
 * promise captures) survives every scavenge and is promoted, long after the call has finished.
 *
 * One child per row (openai × variant × config), the timed slices interleaved across them:
 *   retained KB/call  100 finished calls, then idle: what two minor GCs keep and a full GC frees;
 *   µs/call (wall, process CPU), scavenge µs/call, promoted KB per scavenge, mark-compacts.
 * `unpretenured` replaces openai 7's responsePromise by the same code with the two closures first
 * bound to local constants (a function literal that is not the right-hand side of a property
 * assignment is allocated young): the SDK's behaviour is unchanged, only where V8 allocates them.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchOptions, median } from './children.mjs';
import { unpretenureOpenAI7 } from './openai7-unpretenured.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const opt = benchOptions();

if (!process.send) await parent();
else await child();

async function parent() {
  const configs = (opt.configs ?? 'sdk,otel,floor-span,floor,tokenpath').split(',');
  const majors = (opt.openai ?? '6,7').split(',');
  const n = Number(opt.n ?? 20000);
  const warmup = Number(opt.warmup ?? 15000);
  const rounds = Number(opt.rounds ?? 4);
  const slices = Number(opt.slices ?? 5);
  const kids = [];
  for (const openai of majors) {
    const variants = (opt.variants ?? 'as-is,unpretenured').split(',');
    for (const variant of openai === '7' ? variants : ['as-is']) {
      for (const config of configs) {
        if (config !== 'tokenpath' || !opt['tokenpath-dirs']) kids.push(spawn({ openai, variant, config }));
        // A/B of tokenpath builds, interleaved like every row: one row per build folder.
        else for (const dir of opt['tokenpath-dirs'].split(',')) kids.push(spawn({ openai, variant, config: `tokenpath:${path.basename(dir)}`, dir }));
      }
    }
  }
  await Promise.all(kids.map((k) => k.ready));
  for (const k of kids) await k.send({ cmd: 'warmup', n: warmup });
  // Slices interleaved across the children (rotated each slice), so load from other processes
  // hits every row alike; per row the medians over slices.
  const sliceN = Math.round(n / (rounds * slices));
  let turn = 0;
  for (let r = 0; r < rounds; r++) {
    for (let s = 0; s < slices; s++, turn++) {
      for (let i = 0; i < kids.length; i++) {
        const k = kids[(i + turn) % kids.length];
        k.slices.push(await k.send({ cmd: 'slice', n: sliceN }));
      }
    }
  }
  for (const k of kids) k.retained = await k.send({ cmd: 'retained' });
  for (const k of kids) k.exit();
  const cols = ['openai', 'variant', 'config', 'retained KB/call', 'wall µs', 'cpu µs', 'scavenge µs/call', 'promoted KB/scavenge', 'scavenges', 'mark-compacts'];
  const rows = kids.map((k) => {
    const sum = (f) => k.slices.reduce((a, x) => a + f(x), 0);
    const scavenges = sum((x) => x.scavenges);
    return [
      k.openai,
      k.variant,
      k.config,
      k.retained.toFixed(2),
      median(k.slices.map((x) => x.wallUs / x.n)).toFixed(1),
      median(k.slices.map((x) => x.cpuUs / x.n)).toFixed(1),
      (sum((x) => x.scavengeUs) / sum((x) => x.n)).toFixed(2),
      scavenges ? (sum((x) => x.promoted) / scavenges / 1024).toFixed(0) : '-',
      scavenges,
      sum((x) => x.markCompacts),
    ];
  });
  console.log(
    `node ${process.version}; per row ${rounds * slices} slices of ${sliceN} sequential chat calls (${warmup} of warm-up), ` +
      `interleaved across rows; µs: median per slice; retained: what two minor GCs keep and a full GC frees, per call ` +
      `(median of 5 × 100 finished calls)`,
  );
  const width = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => String(r[i]).length)));
  console.log(cols.map((c, i) => c.padStart(width[i])).join('  '));
  for (const r of rows) console.log(r.map((v, i) => String(v).padStart(width[i])).join('  '));
}

function spawn(row) {
  const c = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--expose-gc'],
    env: {
      ...process.env,
      GC_OPENAI: row.openai,
      GC_CONFIG: row.dir ? 'tokenpath' : row.config,
      GC_VARIANT: row.variant,
      OTEL_LOG_LEVEL: 'error',
      ...(row.dir ? { BENCH_TOKENPATH_DIR: row.dir } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let id = 0;
  const pending = new Map();
  let ready;
  const kid = { ...row, slices: [], ready: new Promise((r) => (ready = r)) };
  c.on('message', (m) => {
    if (m.ready) return ready();
    const p = pending.get(m.id);
    pending.delete(m.id);
    m.ok ? p.resolve(m.value) : p.reject(new Error(`${row.openai} ${row.variant} ${row.config}: ${m.error}`));
  });
  kid.send = (msg) => new Promise((resolve, reject) => (pending.set(++id, { resolve, reject }), c.send({ ...msg, id })));
  kid.exit = () => c.send({ cmd: 'exit' });
  return kid;
}

async function child() {
  const OPENAI = process.env.GC_OPENAI;
  const CONFIG = process.env.GC_CONFIG;
  const VARIANT = process.env.GC_VARIANT;
  const requireHere = createRequire(import.meta.url);
  const { completionBytes, REQUEST } = await import('./fixtures.mjs');
  const { installFloor } = await import('./floor.mjs');

  let tracerProvider;
  let meterProvider;
  if (CONFIG !== 'sdk') {
    // As child.mjs sets it up: batch processor to a no-op exporter, a metric reader never collected.
    const { registerOtelSdk } = await import('./otel-sdk.mjs');
    ({ tracerProvider, meterProvider } = registerOtelSdk(requireHere));
  }
  const attributionOf = (i) => ({ 'tenant.id': `tenant-${i % 20}`, 'app.feature': 'bench' });
  let callIn = (fn) => fn();
  if (CONFIG === 'tokenpath') {
    // child.mjs's everything-on config; BENCH_TOKENPATH_DIR: another build of the package.
    const dir = process.env.BENCH_TOKENPATH_DIR;
    const tokenpath = dir ? createRequire(path.join(dir, 'package.json'))(dir) : requireHere('@tokenpath/instrumentation-llm');
    const instrumentation = new tokenpath.LlmInstrumentation({ onUsage() {}, attributionMetricKeys: ['tenant.id'] });
    instrumentation.setTracerProvider(tracerProvider);
    instrumentation.setMeterProvider(meterProvider);
    let i = 0;
    callIn = (fn) => tokenpath.withAttribution(attributionOf(i++), fn);
  }

  const sdkRoot = OPENAI === '6' ? path.join(repoRoot, 'test', '.sdk', 'openai@6') : repoRoot;
  const requireSdk = createRequire(path.join(sdkRoot, 'package.json'));
  const { OpenAI } = requireSdk('openai');
  if (CONFIG === 'floor-span' || CONFIG === 'floor') {
    const ledger = { records: 0, inputTokens: 0, outputTokens: 0, cost: 0, attributed: 0 };
    callIn = installFloor(requireHere, OpenAI, CONFIG === 'floor' ? 'full' : 'span', { ledger, metricKey: 'tenant.id', attributionOf }).callIn;
  }

  const JSON_BYTES = completionBytes();
  const HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_bench' };
  const makeClient = () =>
    new OpenAI({
      apiKey: 'sk-bench-not-a-real-key',
      maxRetries: 0,
      fetch: async () => new Response(JSON_BYTES, { status: 200, headers: HEADERS }),
    });
  if (VARIANT === 'unpretenured' && OPENAI !== '7') throw new Error('unpretenured applies to openai 7 only');
  const client = VARIANT === 'unpretenured' ? unpretenureOpenAI7(OpenAI, requireSdk, makeClient) : makeClient();

  let sink = 0;
  const chat = async () => {
    const completion = await client.chat.completions.create({ ...REQUEST });
    sink += completion.usage.total_tokens;
  };
  const loop = async (n) => {
    for (let i = 0; i < n; i++) await callIn(chat);
  };
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      gc();
    }
  };
  const oldUsed = () => {
    let used = 0;
    for (const s of v8.getHeapSpaceStatistics()) if (s.space_name === 'old_space' || s.space_name === 'large_object_space') used += s.space_used_size;
    return used;
  };

  // Retention: K finished calls, the event loop turned; two minor GCs promote whatever the
  // scavenger still finds reachable; a full GC then frees what only dead old objects held.
  async function retainedKBPerCall() {
    // Few enough calls that the young generation holds them all at its smallest (no scavenge between).
    const K = 100;
    const kb = [];
    for (let r = 0; r < 5; r++) {
      if (tracerProvider) await tracerProvider.forceFlush();
      await settle();
      const before = oldUsed();
      await loop(K);
      if (tracerProvider) await tracerProvider.forceFlush();
      await new Promise((resolve) => setImmediate(resolve));
      gc({ type: 'minor' });
      gc({ type: 'minor' });
      const promoted = oldUsed() - before;
      gc();
      kb.push((promoted - (oldUsed() - before)) / K / 1024);
    }
    return kb.sort((a, b) => a - b)[2];
  }

  async function slice(n) {
    const profiler = new v8.GCProfiler();
    profiler.start();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await loop(n);
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    const { statistics } = profiler.stop();
    const oldOf = (h) =>
      h.heapSpaceStatistics.filter((s) => s.spaceName === 'old_space' || s.spaceName === 'large_object_space').reduce((a, s) => a + s.spaceUsedSize, 0);
    const out = { n, wallUs, cpuUs: cpu.user + cpu.system, scavenges: 0, scavengeUs: 0, promoted: 0, markCompacts: 0 };
    for (const s of statistics) {
      if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkSweep') {
        out.scavenges++;
        out.scavengeUs += s.cost;
        out.promoted += oldOf(s.afterGC) - oldOf(s.beforeGC);
      } else if (s.gcType === 'MarkSweepCompact') out.markCompacts++;
    }
    return out;
  }

  const handlers = {
    warmup: async ({ n }) => {
      await loop(n);
      if (sink === 0) throw new Error('no usage read');
      return null;
    },
    slice: ({ n }) => slice(n),
    retained: () => retainedKBPerCall(),
  };
  process.on('message', async (msg) => {
    if (msg.cmd === 'exit') return process.disconnect();
    try {
      process.send({ id: msg.id, ok: true, value: await handlers[msg.cmd](msg) });
    } catch (error) {
      process.send({ id: msg.id, ok: false, error: String(error?.stack ?? error) });
    }
  });
  process.send({ ready: true });
}
