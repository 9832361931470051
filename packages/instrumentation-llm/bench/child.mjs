/**
 * One measured configuration, in its own process (spawned by run.mjs with --expose-gc).
 *
 *   BENCH_SDK    = openai (default) | anthropic (see anthropic.mjs)
 *   BENCH_CONFIG = sdk | otel | tokenpath | tokenpath-plain | contrib | openllmetry | floor-ctx
 *                  | floor-observe | floor-span | floor (the floor-* configs: see floor.mjs); anthropic:
 *                  sdk | otel | otel-sdkoff | tokenpath | tokenpath-sdkoff | openllmetry | openinference
 *                  (peers.mjs). `tokenpath` is everything on (cost, usage records, attribution through
 *                  withAttribution with a metric key); `tokenpath-plain` the defaults.
 *   BENCH_OPENAI = 6 (test/.sdk/openai@6, the tests' copy) | 7 (repo root node_modules)
 *   BENCH_OPENAI_VARIANT = as-is (default) | unpretenured (openai 7 only: openai7-unpretenured.mjs)
 *   BENCH_FLOOR_EXTRA    = (floor configs) tokenpath-attribution | context | tokenpath-loaded | heap: see withFloorExtra
 *   BENCH_ANTHROPIC = 1 (repo root node_modules, default) | 0 (test/.sdk/@anthropic-ai/sdk@0)
 *   BENCH_PROBE     = born-old (openai; node --allow-natives-syntax): each non-stream call notes which of
 *                     its objects were born in the old generation (born-old.mjs; read with `bornOld`)
 *
 * The parent drives it over IPC: { cmd: 'warmup' | 'round' | 'heap' | 'alloc' | 'retained' | 'snapshot' |
 * 'composition' | 'bornOld' | 'verify' | 'exit', ... } ('snapshot' writes a heap snapshot to `file`, for reading in
 * DevTools; 'composition' answers what one holds, by type and name: heap-figures.mjs) and gets
 * back { id, ok, value } or { id, ok: false, error }. Nothing here touches the network:
 * the client gets an in-memory `fetch`.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { completionBytes, sseBytes, REQUEST, STREAM_CHUNKS } from './fixtures.mjs';
import { installFloor } from './floor.mjs';
import { unpretenureOpenAI7 } from './openai7-unpretenured.mjs';
import { registerOtelSdk } from './otel-sdk.mjs';
import { bornOldCounter, gcSummary, heapComposition, retainedBy, takeHeapSnapshot } from './heap-figures.mjs';
import { ANTHROPIC_CONFIGS, setupAnthropic } from './anthropic.mjs';
import { ANTHROPIC_PEERS } from './peers.mjs';
import { sdkDir } from '../../../test/support/sdk-versions.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const SDK = process.env.BENCH_SDK ?? 'openai';
const CONFIG = process.env.BENCH_CONFIG;
const OPENAI_MAJOR = process.env.BENCH_OPENAI;
const OPENAI_VARIANT = process.env.BENCH_OPENAI_VARIANT ?? 'as-is';
const FLOOR_LEVELS = { 'floor-ctx': 'ctx', 'floor-observe': 'observe', 'floor-span': 'span', floor: 'full' };
const CONFIGS =
  SDK === 'anthropic'
    ? ANTHROPIC_CONFIGS
    : ['sdk', 'otel', 'tokenpath', 'tokenpath-plain', 'contrib', 'openllmetry', ...Object.keys(FLOOR_LEVELS)];
const isFloor = SDK === 'openai' && CONFIG in FLOOR_LEVELS;
if (SDK !== 'openai' && SDK !== 'anthropic') throw new Error(`BENCH_SDK must be openai or anthropic, got ${SDK}`);
if (!CONFIGS.includes(CONFIG)) throw new Error(`BENCH_CONFIG must be one of ${CONFIGS.join(', ')} (${SDK}), got ${CONFIG}`);
if (SDK === 'openai' && OPENAI_MAJOR !== '6' && OPENAI_MAJOR !== '7') throw new Error(`BENCH_OPENAI must be 6 or 7, got ${OPENAI_MAJOR}`);
if (OPENAI_VARIANT !== 'as-is' && !(OPENAI_VARIANT === 'unpretenured' && SDK === 'openai' && OPENAI_MAJOR === '7')) {
  throw new Error(`BENCH_OPENAI_VARIANT must be as-is, or unpretenured with BENCH_OPENAI=7, got ${OPENAI_VARIANT}`);
}
const FLOOR_EXTRA = process.env.BENCH_FLOOR_EXTRA || undefined;
const FLOOR_EXTRAS = ['tokenpath-attribution', 'context', 'tokenpath-loaded', 'zod-loaded', 'heap'];
if (FLOOR_EXTRA !== undefined && !(isFloor && FLOOR_EXTRAS.includes(FLOOR_EXTRA))) {
  throw new Error(`BENCH_FLOOR_EXTRA must be one of ${FLOOR_EXTRAS.join(', ')}, with a floor config; got ${FLOOR_EXTRA} with ${CONFIG}`);
}
if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
const PROBE = process.env.BENCH_PROBE || undefined;
if (PROBE !== undefined && !(PROBE === 'born-old' && SDK === 'openai')) throw new Error(`BENCH_PROBE must be born-old (openai configs), got ${PROBE}`);
/** BENCH_PROBE=born-old: what each non-stream call made in the old generation. */
const bornOld = PROBE === 'born-old' ? bornOldCounter() : undefined;

const requireHere = createRequire(import.meta.url);

/** The attribution key tokenpath's everything-on configs allowlist for metric points (the floor's too). */
const ATTRIBUTION_METRIC_KEY = 'tenant.id';
/** Tenants rotated over the calls: well within the default budget of 100 values per key. */
const TENANTS = Array.from({ length: 20 }, (_, i) => `tenant-${i}`);
const attributionOf = (i) => ({ [ATTRIBUTION_METRIC_KEY]: TENANTS[i % TENANTS.length], 'app.feature': 'bench' });

/** What BENCH_FLOOR_EXTRA keeps alive for the process's life. */
const held = [];

/**
 * The floor with one thing added (BENCH_FLOOR_EXTRA), to time what tokenpath's presence costs apart
 * from the work its code does per call (RESULTS.md, "What is left on openai 7"); `callIn` is the floor's:
 *   tokenpath-attribution  every call also inside tokenpath's `withAttribution` (a second scope);
 *   context                every call also inside a second scope made with the API's `setValue`;
 *   tokenpath-loaded       `context`, with tokenpath's package loaded and never called;
 *   zod-loaded             `context`, with a package unrelated to telemetry loaded and never called (zod: about
 *                          as much heap and code as tokenpath's own load), the control for `tokenpath-loaded`;
 *   heap                   `context`, with about 14 MB of objects held (tokenpath's package adds 1.5 MB).
 */
function withFloorExtra(extra, callIn) {
  let i = 0;
  if (extra === 'tokenpath-attribution') {
    const { withAttribution } = requireHere('@tokenpath/instrumentation-llm');
    return (fn) => withAttribution(attributionOf(i++), () => callIn(fn));
  }
  if (extra === 'tokenpath-loaded') held.push(requireHere('@tokenpath/instrumentation-llm'));
  if (extra === 'zod-loaded') held.push(requireHere('zod'));
  if (extra === 'heap') held.push(Array.from({ length: 60000 }, (_, n) => ({ n, name: `model-${n}`, rates: { input: n * 1e-6, output: n * 2e-6, tiers: [n, n + 1] } })));
  const { context, createContextKey } = requireHere('@opentelemetry/api');
  const key = createContextKey('bench floor extra scope');
  return (fn) => context.with(context.active().setValue(key, { ...attributionOf(i++) }), () => callIn(fn));
}

// ---------------------------------------------------------------------------------------------
// 1. The OpenTelemetry SDK (every config but `sdk`).
// ---------------------------------------------------------------------------------------------
const exported = { spans: 0, batches: 0, last: undefined, byName: {} };
let tracerProvider;
let meterProvider;
let metricReader;
if (CONFIG !== 'sdk') {
  let api;
  // A no-op exporter that only counts.
  ({ api, tracerProvider, meterProvider, metricReader } = registerOtelSdk(requireHere, (spans) => {
    exported.spans += spans.length;
    exported.batches++;
    exported.last = spans[spans.length - 1];
    // Anthropic: which spans (tokenpath's, or the SDK's own `anthropic.messages.create`).
    if (SDK === 'anthropic') for (const s of spans) exported.byName[s.name] = (exported.byName[s.name] ?? 0) + 1;
  }));
  if (SDK === 'anthropic') {
    // What NodeSDK registers by default (tracecontext, baggage). The Anthropic SDK injects its
    // call's trace context into every request with it, as it would in an app.
    const { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } = requireHere('@opentelemetry/core');
    api.propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The instrumentation, constructed before the SDK is required so that its hook patches it.
// ---------------------------------------------------------------------------------------------
let instrumentation;
/**
 * How each call is made: `(fn) => fn()`, or for tokenpath's everything-on configs inside
 * `withAttribution` with a tenant of the rotation (a new scope per call, as an app that attributes
 * each request does), and for the floor inside its own equivalent (floor.mjs).
 */
let callIn = (fn) => fn();
/** tokenpath's onUsage hook adds every record up here; verify() reports it. */
const ledger = { records: 0, inputTokens: 0, outputTokens: 0, cost: 0, attributed: 0, currency: undefined };
const EVERYTHING_ON = CONFIG === 'tokenpath' || CONFIG === 'tokenpath-sdkoff';
/** openai streams made without stream_options, tokenpath (and the floor) asking for the usage. */
const ASKS_FOR_USAGE = SDK === 'openai' && (CONFIG === 'tokenpath' || CONFIG === 'floor');
if (CONFIG === 'tokenpath' || CONFIG === 'tokenpath-plain' || (SDK === 'anthropic' && CONFIG === 'tokenpath-sdkoff')) {
  // BENCH_TOKENPATH_DIR: another build of the package (a copy of its folder with dist/), to time a
  // change against the build before it in one run (its dependencies resolve from its own location).
  const dir = process.env.BENCH_TOKENPATH_DIR;
  const tokenpath = dir ? createRequire(path.join(dir, 'package.json'))(dir) : requireHere('@tokenpath/instrumentation-llm');
  if (EVERYTHING_ON) {
    // Everything on: the full default attribute set, cost (on by default from the bundled table),
    // a usage record per call to a hook, attribution on spans and, for the allowlisted key, on
    // metric points (within its budget). Content capture stays off, as in every config.
    instrumentation = new tokenpath.LlmInstrumentation({
      onUsage(record) {
        ledger.records++;
        ledger.inputTokens += record.tokens.input ?? 0;
        ledger.outputTokens += record.tokens.output ?? 0;
        if (record.cost) {
          ledger.cost += record.cost.amount;
          ledger.currency = record.cost.currency;
        }
        if (record.attribution?.[ATTRIBUTION_METRIC_KEY]) ledger.attributed++;
      },
      attributionMetricKeys: [ATTRIBUTION_METRIC_KEY],
    });
    const { withAttribution } = tokenpath;
    let i = 0;
    callIn = (fn) => withAttribution(attributionOf(i++), fn);
  } else {
    // tokenpath-plain (--plain): the defaults, nothing configured, calls made without attribution.
    instrumentation = new tokenpath.LlmInstrumentation();
  }
} else if (CONFIG === 'contrib' && SDK === 'openai') {
  const { OpenAIInstrumentation } = requireHere('@opentelemetry/instrumentation-openai');
  instrumentation = new OpenAIInstrumentation();
} else if (CONFIG === 'openllmetry' && SDK === 'openai') {
  // OpenLLMetry (Traceloop) for openai: spans only, no metrics. Its content capture (on by default)
  // off, as tokenpath's is. It resolves its own nested @opentelemetry/api (1.9): the tracer
  // provider is given to it directly, and verify() checks that its spans reached the exporter.
  const { OpenAIInstrumentation } = requireHere('@traceloop/instrumentation-openai');
  instrumentation = new OpenAIInstrumentation({ traceContent: false });
} else if (SDK === 'anthropic' && CONFIG in ANTHROPIC_PEERS) {
  // Installed by run.mjs (installSdkVersion) into its own folder, with its own dependencies.
  const peer = ANTHROPIC_PEERS[CONFIG];
  const requirePeer = createRequire(path.join(sdkDir(peer.package, peer.version), 'package.json'));
  instrumentation = peer.create(requirePeer(peer.package));
}
if (instrumentation) {
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
}

// ---------------------------------------------------------------------------------------------
// 3. The SDK under test, loaded through Node's require from its own folder.
// ---------------------------------------------------------------------------------------------
let sink = 0;
const calls = { chat: 0, stream: 0 };

function setupOpenAI() {
  const sdkRoot = OPENAI_MAJOR === '6' ? path.join(repoRoot, 'test', '.sdk', 'openai@6') : repoRoot;
  const requireSdk = createRequire(path.join(sdkRoot, 'package.json'));
  const openaiPath = requireSdk.resolve('openai');
  const { OpenAI } = requireSdk('openai');
  const openaiVersion = requireSdk('openai/version').VERSION;
  if (!openaiVersion.startsWith(`${OPENAI_MAJOR}.`)) {
    throw new Error(`expected openai ${OPENAI_MAJOR}.x from ${sdkRoot}, loaded ${openaiVersion} (${openaiPath})`);
  }
  if (isFloor) callIn = installFloor(requireHere, OpenAI, FLOOR_LEVELS[CONFIG], { ledger, metricKey: ATTRIBUTION_METRIC_KEY, attributionOf }).callIn;
  if (FLOOR_EXTRA !== undefined) callIn = withFloorExtra(FLOOR_EXTRA, callIn);
  const { isWrapped } = requireHere('@opentelemetry/instrumentation');
  // OpenLLMetry declares openai >=4 <7: on 7 its own hook leaves the SDK alone, so it is applied
  // with its manuallyInstrument() (outside its declared range; verify() checks its spans).
  let forced = false;
  if (CONFIG === 'openllmetry' && !isWrapped(OpenAI.Chat.Completions.prototype.create)) {
    instrumentation.manuallyInstrument(OpenAI);
    forced = true;
  }
  const patched = isWrapped(OpenAI.Chat.Completions.prototype.create);
  if (isFloor && !patched) throw new Error(`${CONFIG}: create is not wrapped`);
  if (instrumentation && !patched) {
    throw new Error(`${CONFIG}: OpenAI.Chat.Completions.prototype.create is NOT wrapped (openai ${openaiVersion}); nothing would be measured`);
  }
  if (!instrumentation && !isFloor && patched) {
    throw new Error(`${CONFIG}: OpenAI.Chat.Completions.prototype.create is wrapped but no instrumentation should be active`);
  }

  const JSON_HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_bench' };
  const SSE_HEADERS = { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' };
  const JSON_BYTES = completionBytes();
  const SSE_BYTES = sseBytes();

  // A new Response per call; the bodies are built once as bytes.
  const jsonResponse = async () => new Response(JSON_BYTES, { status: 200, headers: JSON_HEADERS });
  const jsonFetch = bornOld ? bornOldFetch(jsonResponse) : jsonResponse;
  const sseFetch = async () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(SSE_BYTES);
          controller.close();
        },
      }),
      { status: 200, headers: SSE_HEADERS },
    );

  const clientOptions = { apiKey: 'sk-bench-not-a-real-key', maxRetries: 0 };
  const makeClients = () => [new OpenAI({ ...clientOptions, fetch: jsonFetch }), new OpenAI({ ...clientOptions, fetch: sseFetch })];
  const [jsonClient, sseClient] = OPENAI_VARIANT === 'unpretenured' ? unpretenureOpenAI7(OpenAI, requireSdk, makeClients) : makeClients();

  async function chatOnce() {
    const completion = await jsonClient.chat.completions.create({ ...REQUEST });
    sink += completion.usage.total_tokens;
  }

  /** chatOnce, noting which of the call's objects the SDK hands back were born old (bornOldFetch notes the rest). */
  async function chatNotingBornOld() {
    const promise = jsonClient.chat.completions.create({ ...REQUEST });
    bornOld.call();
    bornOld.check('APIPromise', promise);
    for (const own of ['withResponse', '_thenUnwrap', 'parseResponse']) if (Object.hasOwn(promise, own)) bornOld.check(`APIPromise.${own}`, promise[own]);
    const completion = await promise;
    // Read after the await: a young GC in between (about one call in a thousand) would show a promoted object as born old.
    bornOld.check('completion', completion);
    bornOld.check('completion.choices', completion.choices);
    bornOld.check('completion.choices[0].message', completion.choices[0]?.message);
    bornOld.check('completion.usage', completion.usage);
    sink += completion.usage.total_tokens;
  }

  // Every config's stream carries the usage chunk. The others ask for it themselves (contrib records
  // stream usage only when it is sent); tokenpath everything on (and its floor) is called as an app
  // that did not ask: tokenpath asks for it, and hands the caller the stream it asked for (the usage
  // chunk withheld, the other chunks without their `usage` key). The in-memory server sends the
  // same bytes either way.
  const streamParams = ASKS_FOR_USAGE
    ? { ...REQUEST, stream: true }
    : { ...REQUEST, stream: true, stream_options: { include_usage: true } };
  const streamChunksSeen = ASKS_FOR_USAGE ? STREAM_CHUNKS : STREAM_CHUNKS + 1;

  async function streamOnce() {
    const stream = await sseClient.chat.completions.create({ ...streamParams });
    let n = 0;
    for await (const chunk of stream) {
      n++;
      if (chunk.usage) sink += chunk.usage.total_tokens;
    }
    sink += n;
  }

  async function sanity() {
    // One of each, checked outside any timing: the fake server answers what the SDK expects.
    const completion = await jsonClient.chat.completions.create({ ...REQUEST });
    if (completion.usage?.prompt_tokens !== 24 || completion.choices?.[0]?.finish_reason !== 'stop') {
      throw new Error('unexpected completion from the in-memory fetch');
    }
    const stream = await sseClient.chat.completions.create({ ...streamParams });
    let chunks = 0;
    let usage;
    let usageKeys = 0;
    for await (const chunk of stream) {
      chunks++;
      if (chunk.usage) usage = chunk.usage;
      if ('usage' in chunk) usageKeys++;
    }
    // Asked by tokenpath: the caller sees the stream without the option (no usage chunk, no usage key).
    const expected = ASKS_FOR_USAGE ? usage === undefined && usageKeys === 0 : usage?.completion_tokens === STREAM_CHUNKS;
    if (chunks !== streamChunksSeen || !expected) {
      throw new Error(`unexpected stream: ${chunks} chunks, usage ${JSON.stringify(usage)}, ${usageKeys} chunks with a usage key`);
    }
    calls.chat++;
    calls.stream++;
  }

  /** One non-stream call, made as `chat` makes it, whose APIPromise the caller then keeps (retained.mjs). */
  async function chatKeepingPromise() {
    let promise;
    await callIn(() => (promise = jsonClient.chat.completions.create({ ...REQUEST })));
    sink += (await promise).usage.total_tokens;
    return promise;
  }

  return {
    cases: { chat: bornOld ? chatNotingBornOld : chatOnce, stream: streamOnce },
    chatKeepingPromise,
    sanity,
    info: { sdk: 'openai', openai: openaiVersion, openaiPath: path.relative(repoRoot, openaiPath), patched, forced },
  };
}

const under =
  SDK === 'anthropic'
    ? setupAnthropic({ requireHere, repoRoot, config: CONFIG, instrumentation, calls, addSink: (x) => (sink += x) })
    : setupOpenAI();
const CASES = under.cases;

async function loop(kind, n) {
  const fn = CASES[kind];
  for (let i = 0; i < n; i++) await callIn(fn);
  calls[kind] += n;
}

/** Wall-clock and process CPU time (all threads: main, GC helpers, compiler) of n sequential calls, in µs. */
async function timed(kind, n) {
  const gcs = new v8.GCProfiler();
  gcs.start();
  const usedBefore = v8.getHeapStatistics().used_heap_size;
  const cpu0 = process.cpuUsage();
  const ru0 = process.resourceUsage();
  // hrtime is the clock of --cpu-prof timestamps: profile.mjs keeps only the samples in between.
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const t0 = performance.now();
  await loop(kind, n);
  const wallUs = (performance.now() - t0) * 1000;
  const endUs = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage(cpu0);
  const ru = process.resourceUsage();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  const gc = gcSummary(gcs.stop().statistics, usedBefore, usedAfter);
  // V8 sizes the young generation per process from what survives, so two processes of one config
  // can collect at different rates for the same calls.
  const newSpaceBytes = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  return {
    n,
    wallUs,
    cpuUs: cpu.user + cpu.system,
    // The kernel's share (page faults, madvise, mmap) and what causes it: work a count of user-space instructions cannot see.
    systemUs: cpu.system,
    minorFaults: ru.minorPageFault - ru0.minorPageFault,
    ...gc,
    newSpaceBytes,
    startUs,
    endUs,
  };
}

/**
 * The SDK's fetch, noting which of the call's objects that exist by then were born old: the context
 * the call runs in (and the API's per-context closure and map), its span's parts, the request.
 */
function bornOldFetch(respond) {
  const { context, trace } = requireHere('@opentelemetry/api');
  return async (url, init) => {
    const active = context.active();
    bornOld.check('context', active);
    bornOld.check('context.getValue', Object.hasOwn(active, 'getValue') ? active.getValue : undefined);
    bornOld.check('context map', active._currentContext);
    const span = trace.getSpan(active);
    if (span) {
      bornOld.check('span', span);
      for (const part of ['attributes', 'links', 'events', 'status', '_spanContext']) bornOld.check(`span.${part}`, span[part]);
    }
    bornOld.check('fetch init', init);
    bornOld.check('fetch init.headers', init?.headers);
    bornOld.check('fetch init.signal', init?.signal);
    return respond(url, init);
  };
}

/**
 * What one finished call's APIPromise keeps alive, by kind of object: on openai 7 two closures the
 * client assigns to each promise are allocated in the old generation, so until the next full GC every
 * young collection keeps (and copies, then promotes) whatever the promise reaches. Read from a heap
 * snapshot taken while the promise is held (retained.mjs prints the comparison).
 */
async function retainedByPromise(chatKeepingPromise) {
  if (!chatKeepingPromise) throw new Error('retained: openai configs only');
  const probe = new RetainedProbe(await chatKeepingPromise());
  const rows = retainedBy(await takeHeapSnapshot(), 'RetainedProbe', 'promise');
  probe.promise = undefined;
  return rows;
}

class RetainedProbe {
  constructor(promise) {
    this.promise = promise;
  }
}

/**
 * Bytes allocated per call, by allocating function (V8's sampling heap profiler with the objects
 * that minor and major GCs collected kept in the sample, so it counts every allocation, not only
 * what survives). Unlike time, allocation does not depend on the machine's load: it says what a
 * config adds to the young generation's work on any machine.
 */
async function allocations(kind, n, survivors = false, samplingInterval = 256) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval,
    includeObjectsCollectedByMajorGC: true,
    // `survivors`: only what outlived a young-generation GC (kept young, or promoted, and what the
    // next full GC collects), after a last young GC that takes what died since the one before.
    includeObjectsCollectedByMinorGC: !survivors,
  });
  await loop(kind, n);
  if (survivors) global.gc({ type: 'minor' });
  const { profile } = await session.post('HeapProfiler.stopSampling');
  await session.post('HeapProfiler.disable');
  session.disconnect();
  const byFunction = new Map();
  let total = 0;
  const walk = (node) => {
    const f = node.callFrame;
    const self = node.selfSize;
    if (self > 0) {
      const where = f.url ? `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/.*?\/(node_modules|packages|test)\//, '$1/')}:${f.lineNumber + 1}` : f.functionName || '(native)';
      byFunction.set(where, (byFunction.get(where) ?? 0) + self);
      total += self;
    }
    for (const c of node.children) walk(c);
  };
  walk(profile.head);
  const rows = [...byFunction].sort((a, b) => b[1] - a[1]).map(([what, bytes]) => ({ what, bytesPerCall: Math.round(bytes / n) }));
  return { n, bytesPerCall: Math.round(total / n), rows };
}

/**
 * heapUsed once spans are flushed out of the batch queue and garbage is collected until the heap
 * stops shrinking (undici bodies and streams are released through FinalizationRegistry callbacks,
 * which run in a later task, so one gc() is not enough).
 */
async function settledHeap() {
  if (tracerProvider) await tracerProvider.forceFlush();
  const readings = [];
  let best = Infinity;
  for (let i = 0; i < 12; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    global.gc();
    const used = process.memoryUsage().heapUsed;
    readings.push(used);
    if (i >= 3 && Math.abs(used - readings[i - 1]) < 256 && Math.abs(used - readings[i - 2]) < 256) break;
    best = Math.min(best, used);
  }
  // Per V8 space, so that JIT code (code spaces) can be told apart from objects.
  const spaces = {};
  for (const sp of v8.getHeapSpaceStatistics()) spaces[sp.space_name] = sp.space_used_size;
  const code = (spaces.code_space ?? 0) + (spaces.code_large_object_space ?? 0);
  const heapUsed = readings[readings.length - 1];
  return { heapUsed, withoutCode: heapUsed - code, code, spaces, readings };
}

function spanSummary(span) {
  if (!span) return undefined;
  return {
    name: span.name,
    ended: span.ended,
    kind: span.kind,
    status: span.status?.code,
    attributes: span.attributes,
  };
}

async function verify() {
  if (tracerProvider) await tracerProvider.forceFlush();
  const metrics = {};
  if (metricReader) {
    const { resourceMetrics, errors } = await metricReader.collect();
    if (errors.length > 0) throw new Error(`metric collection failed: ${errors.join(', ')}`);
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        let count = 0;
        let points = 0;
        let sum = 0;
        const keys = new Set();
        const tenants = new Set();
        for (const p of metric.dataPoints) {
          points++;
          // Histograms: count and sum of the recorded values; counters: the value is the sum.
          if (typeof p.value === 'number') sum += p.value;
          else {
            count += p.value?.count ?? 0;
            sum += p.value?.sum ?? 0;
          }
          for (const k of Object.keys(p.attributes)) keys.add(k);
          if (p.attributes[ATTRIBUTION_METRIC_KEY] !== undefined) tenants.add(p.attributes[ATTRIBUTION_METRIC_KEY]);
        }
        metrics[metric.descriptor.name] = { scope: scope.scope.name, count, points, sum, keys: [...keys].sort(), tenants: tenants.size };
      }
    }
  }
  return {
    calls: { ...calls },
    spansExported: exported.spans,
    spansByName: SDK === 'anthropic' ? { ...exported.byName } : undefined,
    exportBatches: exported.batches,
    lastSpan: spanSummary(exported.last),
    metrics,
    ledger: { ...ledger },
  };
}

const handlers = {
  async warmup({ kind, n }) {
    await loop(kind, n);
    return null;
  },
  round: ({ kind, n }) => timed(kind, n),
  heap: () => settledHeap(),
  retained: () => retainedByPromise(under.chatKeepingPromise),
  snapshot: ({ file }) => v8.writeHeapSnapshot(file),
  composition: async () => heapComposition(await takeHeapSnapshot()),
  alloc: ({ kind, n, survivors }) => allocations(kind, n, survivors),
  verify: () => verify(),
  bornOld: () => {
    if (!bornOld) throw new Error('bornOld: start the child with BENCH_PROBE=born-old');
    return bornOld.take();
  },
};

process.on('message', async (msg) => {
  if (msg.cmd === 'exit') {
    // --cpu-prof writes its profile on a normal exit.
    process.disconnect();
    return;
  }
  try {
    const value = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, value });
  } catch (error) {
    process.send({ id: msg.id, ok: false, error: String(error?.stack ?? error) });
  }
});

const sanityResult = await under.sanity();
// Anthropic: the trace context the SDK sent with the sanity stream call, against the span it made
// (the last exported one: a stream's span ends when the stream has been read to its end).
let propagation;
if (SDK === 'anthropic') {
  if (tracerProvider) await tracerProvider.forceFlush();
  const parentId = (tp) => (typeof tp === 'string' ? tp.split('-')[2] : null);
  const last = exported.last;
  propagation = {
    chatTraceparent: sanityResult.chat,
    streamTraceparent: sanityResult.stream,
    lastSpanName: last?.name ?? null,
    lastSpanId: last?.spanContext().spanId ?? null,
    streamSentLastSpan: last ? parentId(sanityResult.stream) === last.spanContext().spanId : false,
  };
}
process.send({
  ready: true,
  info: {
    config: CONFIG,
    node: process.version,
    ...under.info,
    instrumentation: instrumentation
      ? `${instrumentation.instrumentationName}@${instrumentation.instrumentationVersion}`
      : isFloor
        ? `bench/floor.mjs (${FLOOR_LEVELS[CONFIG]})`
        : null,
    propagation,
    sink: sink > 0,
  },
});
