/**
 * `npm run bench`: per-call overhead and heap growth of @tokenpath/instrumentation-llm, everything
 * on (cost, a usage record per call, attribution through withAttribution with a metric key), against
 * the uninstrumented SDK, the OpenTelemetry SDK alone, @opentelemetry/instrumentation-openai,
 * OpenLLMetry's @traceloop/instrumentation-openai (a span per call, no metrics) and `floor` (the same
 * telemetry hand-written with nothing else, bench/floor.mjs); and
 * for @anthropic-ai/sdk (no contrib instrumentation exists) against the instrumentations that do
 * exist: the SDK's own tracing, on by default once a tracer provider is registered, and the
 * third-party ones in bench/peers.mjs (see ANTHROPIC below and bench/anthropic.mjs).
 *
 * Every configuration runs in its own child process (bench/child.mjs, --expose-gc). The children
 * of one comparison stay alive together; each round is run as interleaved slices (a slice of every
 * config in turn, the order rotated each time), so drift and other load on a shared machine hit all
 * of them alike. Wall-clock and process CPU time are both recorded. If tokenpath misses the target
 * (or with --profile), otel, tokenpath and contrib are profiled with --cpu-prof (bench/profile.mjs).
 *
 *   node packages/instrumentation-llm/bench/run.mjs [--profile | --no-profile] [--ladder] [--plain] [--quick] [--out=<name>]
 *
 * The openai targets (issue 10), all from one run: tokenpath's overhead over otel at most contrib's
 * (openai 6); tokenpath's own code, i.e. its overhead over `floor` in a process that has loaded
 * tokenpath's package (OWN_CODE_BASE), at most 5 µs per non-stream call and 0.5 µs per stream chunk;
 * on openai 7 no more overhead than on openai 6; the heap flat. The
 * first two are medians over fresh process pairs (bench/process-pairs.mjs: tokenpath/contrib,
 * floor/contrib, floor+tokenpath-loaded/tokenpath; BENCH_PAIRS, BENCH_STREAM_PAIRS, and for own code
 * BENCH_OWN_PAIRS, BENCH_OWN_STREAM_PAIRS), since one process's luck is
 * larger than the targets; the tables of one process per config stay beside them. Reported
 * beside them: tokenpath's overhead against OpenLLMetry's (the aim: at most a span-only
 * instrumentation's). --ladder adds the floor's lower levels (floor-ctx, floor-observe, floor-span)
 * to both majors, which split the floor's cost up (and show where openai 7 costs more); --plain adds `tokenpath-plain` (the defaults, no
 * attribution, no hook), which shows what everything-on adds. Results go to results/<--out
 * name>.json/.md (default latest).
 *
 * Environment overrides: BENCH_ROUNDS, BENCH_CHAT_N, BENCH_CHAT_WARMUP, BENCH_STREAM_N,
 * BENCH_STREAM_WARMUP, BENCH_MEMORY_N (openai); BENCH_ANTHROPIC_ROUNDS, BENCH_ANTHROPIC_CHAT_N,
 * BENCH_ANTHROPIC_STREAM_N (anthropic). --no-anthropic skips the Anthropic comparisons;
 * --anthropic-only runs only those; --anthropic-split adds `tokenpath-sdkoff` to them (tokenpath
 * with the SDK's own spans off, so without the trace-context headers tokenpath sends for it).
 * Profiles (--profile: openai 6 and 7; on a missed target: the major that missed it) are taken of
 * otel, tokenpath and floor (and contrib on 6). Each openai comparison ends with the bytes each
 * config allocates per non-stream call (BENCH_ALLOC_N calls), and bench/gc-retention.mjs adds what
 * a finished call leaves to young-generation GCs on openai 6 and 7 (--no-retention skips it).
 * For working on the hot path, bench/pair.mjs times (and --alloc / --profile diffs) a few configs.
 */
import { fork, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, diff, toMarkdown, CONTRIB_CODE } from './profile.mjs';
import { STREAM_CHUNKS, ANTHROPIC_STREAM_DELTAS, ANTHROPIC_STREAM_EVENTS } from './fixtures.mjs';
import { SDK_VERSIONS, installSdkVersion } from '../../../test/support/sdk-versions.mjs';
import { ANTHROPIC_PEERS, peersFor } from './peers.mjs';
import { ANTHROPIC_0X } from './anthropic.mjs';
import { atMost, measurePairs, pairVerdict, PAIR_DEFAULTS } from './process-pairs.mjs';
import { median } from './children.mjs';
import { compositionGrowth } from './heap-figures.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const resultsDir = path.join(here, 'results');
const childPath = path.join(here, 'child.mjs');
const args = new Set(process.argv.slice(2));
// --out=<name> writes results/<name>.json and .md (default: latest).
const outName = [...args].find((a) => a.startsWith('--out='))?.slice('--out='.length) || 'latest';
const quick = args.has('--quick');
const int = (name, dflt) => (process.env[name] ? Number.parseInt(process.env[name], 10) : dflt);

const SETTINGS = {
  rounds: int('BENCH_ROUNDS', quick ? 3 : 5),
  // A round of n calls per config is run as `slices` interleaved slices (config A, B, C, D, A, ...).
  // Warm-up: with 2,000 calls the first two 20,000-call rounds of every config (sdk included)
  // ran 30–60% slower than the last three (JIT tiers, heap sizing); 20,000 calls settle it.
  chat: {
    warmup: int('BENCH_CHAT_WARMUP', quick ? 500 : 20000),
    n: int('BENCH_CHAT_N', quick ? 2000 : 20000),
    slices: quick ? 2 : 10,
  },
  // Streams: the per-stream code (span start and end, metrics, the SDK's request) runs once per
  // stream, so 300 streams left it unoptimized (`--trace-opt`: tokenpath's operation, finish and
  // metric recording reach TurboFan between 300 and 4,000 streams, the SDK's SSE decoder and the
  // OpenTelemetry span between 2,000 and 4,000, in every config). 4,000 streams, ~20 s on openai 6.
  stream: {
    warmup: int('BENCH_STREAM_WARMUP', quick ? 50 : 4000),
    n: int('BENCH_STREAM_N', quick ? 100 : 400),
    slices: quick ? 2 : 10,
  },
  // Bytes allocated per non-stream call, over this many calls (the allocation sampler's own cost is not timed).
  alloc: { calls: int('BENCH_ALLOC_N', quick ? 1000 : 5000) },
  // Heap in steady state (after warm-up and all timed rounds): `windows` windows of `calls` calls.
  memory: { windows: quick ? 2 : 5, calls: int('BENCH_MEMORY_N', quick ? 2000 : 15000) },
  flatHeapKBPer1000Calls: 1,
  /** tokenpath's own code (its overhead over OWN_CODE_BASE): µs per non-stream call, µs per stream chunk. */
  ownChatUs: 5,
  ownChunkUs: 0.5,
  /**
   * The openai verdicts' process pairs (bench/process-pairs.mjs): one process's luck is larger than
   * the targets, so each figure is the median over this many fresh pairs of processes.
   */
  pairs: {
    chat: { ...PAIR_DEFAULTS.chat, pairs: int('BENCH_PAIRS', quick ? 2 : PAIR_DEFAULTS.chat.pairs), ...(quick ? { warmup: 2000, n: 2000, slices: 2 } : {}) },
    stream: { ...PAIR_DEFAULTS.stream, pairs: int('BENCH_STREAM_PAIRS', quick ? 2 : PAIR_DEFAULTS.stream.pairs), ...(quick ? { warmup: 50, n: 100, slices: 2 } : {}) },
  },
  /**
   * Pairs for tokenpath's own code per non-stream call, the target nearest its figure: 20 pairs gave
   * intervals about 10 µs wide around a 5 µs target; 40 gave 2 to 9 (92%: the 15th to the 26th pair).
   */
  ownChatPairs: int('BENCH_OWN_PAIRS', quick ? 2 : 2 * PAIR_DEFAULTS.chat.pairs),
  /**
   * Pairs for its own code per stream chunk: 8 pairs gave intervals about 2 µs wide around a 0.5 µs
   * target (openai 6: 0.08 [−1.07, 1.17]); 24 gave under 1 (−0.20 [−0.43, 0.44], 94%: the 7th to the
   * 18th pair). A stream pair takes 35 to 50 s.
   */
  ownStreamPairs: int('BENCH_OWN_STREAM_PAIRS', quick ? 2 : 3 * PAIR_DEFAULTS.stream.pairs),
  /** The Anthropic comparisons keep the earlier target: ≤ this × each other instrumentation's overhead. */
  targetRatio: 0.5,
  spanProcessor:
    'BatchSpanProcessor (maxQueueSize 1,048,576, maxExportBatchSize 512, scheduledDelayMillis 1000) to a no-op exporter that counts spans; same for every config',
  metricReader: 'MetricReader subclass never exported during the run (collected once at the end to check counts)',
  contextManager: 'AsyncLocalStorageContextManager',
};
const CASE_LABEL = { chat: 'non-stream chat', stream: `stream (${STREAM_CHUNKS} chunks + usage)` };
/** What the openai configs are, for the report. */
const OPENAI_CONFIGS_TEXT = [
  'openai configs:',
  '',
  '- `sdk`: no OpenTelemetry at all. `otel`: the OpenTelemetry SDK registered (tracer and meter providers, context manager), no instrumentation: every overhead below is over this.',
  "- `tokenpath`: everything on: the full default attribute set, cost (from the bundled price table: gpt-4o-mini is priced), a usage record per call to an `onUsage` hook (which adds the records up), " +
    "and every call made inside `withAttribution({ 'tenant.id', 'app.feature' })` (a new scope per call, 20 tenants rotated) with `tenant.id` allowlisted for metric points. Content capture off, as in every config.",
  ...(args.has('--plain') ? ['- `tokenpath-plain` (--plain): the defaults, nothing configured, no attribution.'] : []),
  '- `contrib`: @opentelemetry/instrumentation-openai (span, token-usage and duration histograms, log events to the no-op logger). openai 6 only (it supports <7).',
  "- `openllmetry`: @traceloop/instrumentation-openai 0.27 with content capture off (its default is on): one span per call with usage, no metrics. It resolves its own nested @opentelemetry/api; it is given the tracer provider directly and its spans are counted at the exporter. " +
    'It declares openai >=4 <7: on openai 7 it is applied with its `manuallyInstrument()`.',
  '- `floor`: bench/floor.mjs, the same telemetry as `tokenpath` hand-written with nothing else (no safety nets, no feature detection, no provider table, the price written in): its overhead is what the OpenTelemetry SDK and the observation itself cost; tokenpath over floor is tokenpath\'s own code and what having its package loaded costs; ' +
    'the own-code verdicts are tokenpath over `floor+tokenpath-loaded` (the floor in a process that has loaded tokenpath\'s package and never calls it), whose V8 heap behaves as tokenpath\'s does.',
  ...(args.has('--ladder')
    ? ['- `floor-ctx`, `floor-observe`, `floor-span` (--ladder): the floor\'s lower levels: a context around the call; + the result observed; + a span (no metrics).']
    : []),
].join('\n');

/** Chunks a bench stream yields (the usage chunk included): the per-chunk figures divide by this. */
const STREAM_YIELDED = STREAM_CHUNKS + 1;
/** openai configs that make one span per call; of those, the ones that record the GenAI metrics; and the everything-on ones. */
const SPAN_CONFIGS = new Set(['tokenpath', 'tokenpath-plain', 'contrib', 'openllmetry', 'floor-span', 'floor']);
const METRIC_CONFIGS = new Set(['tokenpath', 'tokenpath-plain', 'contrib', 'floor']);
const EVERYTHING_CONFIGS = new Set(['tokenpath', 'floor']);
/** Overheads over otel are computed for these (when present). */
const MEASURED = ['tokenpath', 'tokenpath-plain', 'contrib', 'openllmetry', 'floor-ctx', 'floor-observe', 'floor-span', 'floor'];
/** Tenants the child rotates (child.mjs TENANTS) and the key allowlisted for metrics. */
const BENCH_TENANTS = 20;
const BENCH_METRIC_KEY = 'tenant.id';

/**
 * @anthropic-ai/sdk, two comparisons: 1.x (repo root) and 0.x (the tests' copy), since OpenLLMetry's
 * instrumentation supports only 0.x. Fewer and shorter rounds than openai, to keep `npm run bench`
 * within a few minutes on 2 cores. Configs (bench/anthropic.mjs): sdk, otel (the SDK's own spans on,
 * its default), otel-sdkoff (the SDK's spans off: the bare OTel SDK, as `otel` is for openai),
 * tokenpath, the peers that support the major (bench/peers.mjs), and on 0.x floor-span (a span per
 * call and nothing else, floor.mjs). The references the target is checked against: the SDK's own
 * tracing (otel) and each peer, all as overhead over otel-sdkoff.
 */
const ANTHROPIC = {
  rounds: int('BENCH_ANTHROPIC_ROUNDS', quick ? 3 : 5),
  // Warm-up: with 6,000 calls the configs' medians still moved by 10-20 µs between runs (tiering
  // still under way); 10,000 settles them.
  chat: { warmup: quick ? 500 : 10000, n: int('BENCH_ANTHROPIC_CHAT_N', quick ? 2000 : 8000), slices: quick ? 2 : 8 },
  // A stream costs well under 1 ms with this SDK (openai 6: ~3 ms): more of them.
  stream: { warmup: quick ? 50 : 200, n: int('BENCH_ANTHROPIC_STREAM_N', quick ? 100 : 300), slices: quick ? 2 : 8 },
  // Informational only: after so few calls V8 still flushes bytecode now and then (MB drops), so
  // the windows are no verdict (the openai comparisons give the heap verdict).
  memory: { windows: quick ? 2 : 3, calls: quick ? 2000 : 5000 },
  configsFor: (major) => [
    'sdk',
    'otel',
    'otel-sdkoff',
    'tokenpath',
    ...(args.has('--anthropic-split') ? ['tokenpath-sdkoff'] : []),
    ...peersFor(major),
    ...(major === '0' ? ['floor-span'] : []),
  ],
};
/** The majors compared: 1.x from the repo root, 0.x from the tests' copy. */
const ANTHROPIC_MAJORS = ['1', '0'];
const ANTHROPIC_CASE_LABEL = {
  chat: 'non-stream messages.create',
  stream: `stream (${ANTHROPIC_STREAM_DELTAS} deltas, ${ANTHROPIC_STREAM_EVENTS} events)`,
};
const SDK_SPAN_NAME = 'anthropic.messages.create';
/** What tokenpath's Anthropic overhead is checked against: the SDK's own tracing (`otel`), then each peer. */
const anthropicReferences = (configs) => configs.filter((k) => k === 'otel' || k in ANTHROPIC_PEERS);
const REFERENCE_LABEL = { otel: "the SDK's own tracing", openllmetry: 'OpenLLMetry', openinference: 'OpenInference' };

// contrib supports openai <7: the bench uses the tests' copy of openai 6; OpenLLMetry supports
// @anthropic-ai/sdk 0.x only: the tests' copy of 0.x. Those and the peers are installed on first use.
await installSdkVersion('openai', SDK_VERSIONS.openai.find((v) => v.startsWith('6.')), { log: console.log });
await installSdkVersion('@anthropic-ai/sdk', ANTHROPIC_0X, { log: console.log });
for (const peer of Object.values(ANTHROPIC_PEERS)) await installSdkVersion(peer.package, peer.version, { log: console.log });

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------
const live = new Set();
process.on('exit', () => {
  for (const c of live) c.kill();
});

/** `target`: an openai major ('6', '7'), or 'anthropic@<major>' (@anthropic-ai/sdk 1.x or 0.x, see ANTHROPIC_MAJORS). */
function spawnChild(config, target, extraExecArgv = []) {
  const openai = target;
  const anthropicMajor = target.startsWith('anthropic@') ? target.slice('anthropic@'.length) : undefined;
  const sdkEnv = anthropicMajor ? { BENCH_SDK: 'anthropic', BENCH_ANTHROPIC: anthropicMajor } : { BENCH_SDK: 'openai', BENCH_OPENAI: openai };
  const child = fork(childPath, [], {
    execPath: process.execPath,
    execArgv: ['--expose-gc', ...extraExecArgv],
    env: { ...process.env, ...sdkEnv, BENCH_CONFIG: config, OTEL_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const label = anthropicMajor ? `[${config}/${target}]` : `[${config}/openai${openai}]`;
  live.add(child);
  let nextId = 0;
  const pending = new Map();
  let onReady;
  let onFail;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.on('message', (m) => {
    if (m.ready) return onReady(m.info);
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`${label} ${m.error}`));
  });
  child.on('exit', (code, signal) => {
    live.delete(child);
    const error = new Error(`${label} child exited (code ${code}, signal ${signal})`);
    onFail(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  return {
    config,
    openai,
    ready,
    send(msg) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        child.send({ ...msg, id });
      });
    },
    async exit() {
      child.send({ cmd: 'exit' });
      return exited;
    },
  };
}

const r2 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : Math.round(x * 100) / 100);
const r3 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);

/**
 * What everything on must show (tokenpath, and the floor that emits the same): one usage record
 * per call, each priced; the calls made in the timed loops attributed (all but the two sanity
 * calls); the cost counter's total equal to the records' total; the tenant key on the token-usage
 * points (one series per tenant, all 20) and on the last span, with its cost.
 */
function everythingOnProblems(v, kind, total) {
  const problems = [];
  const l = v.ledger;
  const attrs = v.lastSpan?.attributes ?? {};
  const cost = v.metrics['tokenpath.client.cost'];
  const usage = v.metrics['gen_ai.client.token.usage'];
  if (l.records !== total) problems.push(`${l.records} usage records for ${total} calls`);
  if (l.attributed !== total - 2) problems.push(`${l.attributed} attributed records, expected ${total - 2}`);
  if (!(l.cost > 0) || l.currency !== 'USD') problems.push(`records' cost ${l.cost} ${l.currency}`);
  if (!cost || Math.abs(cost.sum - l.cost) > 1e-9 * Math.max(1, l.cost)) problems.push(`cost counter total ${cost?.sum}, records' total ${l.cost}`);
  if (!usage?.keys.includes(BENCH_METRIC_KEY) || usage.tenants !== BENCH_TENANTS) {
    problems.push(`token.usage points: keys ${usage?.keys}, ${usage?.tenants} tenants (expected ${BENCH_TENANTS})`);
  }
  if (typeof attrs[BENCH_METRIC_KEY] !== 'string' || attrs['app.feature'] !== 'bench') problems.push('last span without its attribution');
  if (!(attrs['gen_ai.usage.cost.amount'] > 0)) problems.push(`last span cost ${attrs['gen_ai.usage.cost.amount']}`);
  return problems;
}

/**
 * Anthropic: the spans and metrics each config must have produced so far (cumulative: the sanity
 * calls, warm-ups, rounds and heap windows), and whose trace context the SDK sent.
 *   otel         one SDK span `anthropic.messages.create` per call, with usage; no GenAI metrics;
 *   otel-sdkoff  no span;
 *   tokenpath    one tokenpath span per call, with usage, and no SDK span; the token-usage /
 *                duration histograms count 2× / 1× the calls; the SDK sent tokenpath's span
 *                context with the request;
 *   a peer, floor-span  one span per call with the usage (in the peer's own attribute names), no
 *                SDK span;
 *   sdk          nothing registered: nothing to check but that the SDK sent no trace context.
 */
function verifyAnthropic(c, v, kind, calls, spans, totalCalls) {
  const problems = [];
  const { config, info } = c;
  const byName = v.spansByName ?? {};
  const sdkSpans = byName[SDK_SPAN_NAME] ?? 0;
  const attrs = v.lastSpan?.attributes ?? {};
  const expectOut = kind === 'chat' ? 5 : ANTHROPIC_STREAM_DELTAS;
  const usage = v.metrics['gen_ai.client.token.usage'];
  const duration = v.metrics['gen_ai.client.operation.duration'];
  const checkLastSpan = () => {
    if (!v.lastSpan?.ended) problems.push('last exported span not ended');
    if (attrs['gen_ai.usage.input_tokens'] !== 24 || attrs['gen_ai.usage.output_tokens'] !== expectOut) {
      problems.push(`last span usage ${attrs['gen_ai.usage.input_tokens']}/${attrs['gen_ai.usage.output_tokens']}, expected 24/${expectOut}`);
    }
  };
  const p = info.propagation ?? {};
  if (config === 'sdk' || config === 'otel-sdkoff') {
    if (config === 'otel-sdkoff' && v.spansExported !== 0) problems.push(`${v.spansExported} spans exported, expected none`);
    if (p.chatTraceparent || p.streamTraceparent) problems.push(`the SDK sent a trace context (${p.chatTraceparent} / ${p.streamTraceparent})`);
  } else if (config === 'otel') {
    if (v.spansExported !== totalCalls || sdkSpans !== totalCalls) {
      problems.push(`${sdkSpans} SDK spans (${v.spansExported} in all) for ${totalCalls} calls so far (expected ${totalCalls})`);
    }
    if (v.lastSpan?.name !== SDK_SPAN_NAME) problems.push(`last span is ${v.lastSpan?.name}, expected ${SDK_SPAN_NAME}`);
    checkLastSpan();
    if (usage || duration) problems.push('GenAI metrics recorded without an instrumentation');
    if (!p.streamSentLastSpan) problems.push(`the SDK did not send its own span's context (sent ${p.streamTraceparent})`);
  } else if (config === 'tokenpath' || config === 'tokenpath-sdkoff') {
    if (!info.patched) problems.push('Messages.prototype.create not patched');
    if (v.spansExported !== totalCalls) problems.push(`${v.spansExported} spans exported for ${totalCalls} calls so far (expected ${totalCalls})`);
    if (sdkSpans !== 0) problems.push(`${sdkSpans} SDK spans exported: not folded into tokenpath's`);
    if (v.lastSpan?.name === SDK_SPAN_NAME) problems.push('last span is the SDK\'s');
    checkLastSpan();
    if (attrs['gen_ai.provider.name'] !== 'anthropic') problems.push(`gen_ai.provider.name ${attrs['gen_ai.provider.name']}`);
    if (usage?.count !== 2 * totalCalls) problems.push(`token.usage count ${usage?.count}, expected ${2 * totalCalls}`);
    if (duration?.count !== totalCalls) problems.push(`operation.duration count ${duration?.count}, expected ${totalCalls}`);
    if (config === 'tokenpath' && !p.streamSentLastSpan) {
      problems.push(`the SDK did not send tokenpath's span context (sent ${p.streamTraceparent}, span ${p.lastSpanId})`);
    }
    if (config === 'tokenpath-sdkoff' && (p.chatTraceparent || p.streamTraceparent)) problems.push('the SDK sent a trace context with its spans off');
  } else if (config in ANTHROPIC_PEERS || config === 'floor-span') {
    if (!info.patched) problems.push('Messages.prototype.create not patched');
    if (v.spansExported !== totalCalls) problems.push(`${v.spansExported} spans exported for ${totalCalls} calls so far (expected ${totalCalls})`);
    if (sdkSpans !== 0) problems.push(`${sdkSpans} SDK spans exported with the SDK's spans off`);
    if (!v.lastSpan?.ended) problems.push('last exported span not ended');
    const [input, output] = config === 'floor-span' ? [attrs['gen_ai.usage.input_tokens'], attrs['gen_ai.usage.output_tokens']] : ANTHROPIC_PEERS[config].usage(attrs);
    if (input !== 24 || output !== expectOut) problems.push(`last span usage ${input}/${output}, expected 24/${expectOut}`);
  }
  return {
    calls,
    spansExported: spans,
    totalCalls,
    totalSpansExported: v.spansExported,
    spansByName: byName,
    lastSpan: v.lastSpan ? { name: v.lastSpan.name, ended: v.lastSpan.ended, attributes: attrs } : undefined,
    metrics: v.metrics,
    ok: problems.length === 0,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// One comparison: the given configs against one `openai` major, or against 'anthropic'.
// ---------------------------------------------------------------------------------------------
async function compare(target, configs) {
  const anthropic = target.startsWith('anthropic@');
  const S = anthropic ? ANTHROPIC : SETTINGS;
  const t0 = Date.now();
  const children = [];
  for (const config of configs) {
    const c = spawnChild(config, target);
    c.info = await c.ready;
    children.push(c);
  }
  const out = anthropic
    ? { sdk: 'anthropic', version: children[0].info.version, configs, children: {}, cases: {}, heap: {}, verification: {} }
    : { openai: children[0].info.openai, configs, children: {}, cases: {}, heap: {}, alloc: {}, verification: {} };
  for (const c of children) out.children[c.config] = c.info;

  let prevCalls = Object.fromEntries(configs.map((k) => [k, { chat: 0, stream: 0 }]));
  let prevSpans = Object.fromEntries(configs.map((k) => [k, 0]));

  for (const kind of ['chat', 'stream']) {
    const { warmup, n, slices } = S[kind];
    const wall = Object.fromEntries(configs.map((k) => [k, []]));
    const cpu = Object.fromEntries(configs.map((k) => [k, []]));
    // Per slice (rounds × slices values per config, aligned: slice i of every config ran back to back).
    const sliceWall = Object.fromEntries(configs.map((k) => [k, []]));
    const sliceCpu = Object.fromEntries(configs.map((k) => [k, []]));
    for (const c of children) await c.send({ cmd: 'warmup', kind, n: warmup });
    const heap = {};
    if (kind === 'chat') for (const c of children) heap[c.config] = { afterWarmup: await c.send({ cmd: 'heap' }) };
    const sliceN = Math.ceil(n / slices);
    for (let r = 0; r < S.rounds; r++) {
      const acc = Object.fromEntries(configs.map((k) => [k, { n: 0, wallUs: 0, cpuUs: 0 }]));
      for (let sl = 0; sl < slices; sl++) {
        const shift = r * slices + sl;
        const order = children.map((_, i) => children[(i + shift) % children.length]);
        for (const c of order) {
          const t = await c.send({ cmd: 'round', kind, n: Math.min(sliceN, n - sl * sliceN) });
          acc[c.config].n += t.n;
          acc[c.config].wallUs += t.wallUs;
          acc[c.config].cpuUs += t.cpuUs;
          sliceWall[c.config].push(t.wallUs / t.n);
          sliceCpu[c.config].push(t.cpuUs / t.n);
        }
      }
      for (const k of configs) {
        wall[k].push(acc[k].wallUs / acc[k].n);
        cpu[k].push(acc[k].cpuUs / acc[k].n);
      }
      if (kind === 'chat' && r === 0) for (const c of children) heap[c.config].after1stRound = await c.send({ cmd: 'heap' });
    }
    if (kind === 'chat') {
      const { windows, calls: m } = S.memory;
      for (const c of children) {
        const h = heap[c.config];
        // What the heap holds by type and name, before the windows and after them: says whether what
        // they grew by is the program's values or V8's own records (maps, code, dependent-code lists).
        h.compositionBefore = await c.send({ cmd: 'composition' });
        h.steady = [await c.send({ cmd: 'heap' })];
        for (let w = 0; w < windows; w++) {
          await c.send({ cmd: 'warmup', kind, n: m });
          h.steady.push(await c.send({ cmd: 'heap' }));
        }
        h.compositionAfter = await c.send({ cmd: 'composition' });
      }
      for (const k of configs) {
        const h = heap[k];
        const kb = (a, b) => (b.heapUsed - a.heapUsed) / 1024;
        const literal = kb(h.afterWarmup, h.after1stRound);
        const perWindow = h.steady.slice(1).map((x, i) => kb(h.steady[i], x));
        const total = kb(h.steady[0], h.steady[h.steady.length - 1]);
        const medianWindow = median(perWindow);
        out.heap[k] = {
          afterWarmupMB: r2(h.afterWarmup.heapUsed / 1048576),
          // As the brief words it: the heap after the warm-up vs after the first timed round.
          afterWarmupGrowthKB: r2(literal),
          afterWarmupGrowthKBPer1000: r3(literal / (n / 1000)),
          // After warm-up + all rounds: growth in each window of m calls; the verdict uses the median.
          steadyStartMB: r2(h.steady[0].heapUsed / 1048576),
          windowCalls: m,
          windowGrowthKB: perWindow.map(r2),
          medianWindowGrowthKB: r2(medianWindow),
          medianWindowKBPer1000: r3(medianWindow / (m / 1000)),
          totalGrowthKB: r2(total),
          totalKBPer1000: r3(total / ((windows * m) / 1000)),
          // Of each steady window's growth, how much is JIT code (V8 code spaces).
          windowCodeGrowthKB: h.steady.slice(1).map((x, i) => r2((x.code - h.steady[i].code) / 1024)),
          // Over all the windows, from heap snapshots: the program's values against V8's own records.
          grewBy: compositionGrowth(h.compositionBefore, h.compositionAfter),
          readings: {
            afterWarmup: h.afterWarmup.heapUsed,
            after1stRound: h.after1stRound.heapUsed,
            steady: h.steady.map((x) => x.heapUsed),
          },
        };
        out.heap[k].flat = out.heap[k].medianWindowKBPer1000 < SETTINGS.flatHeapKBPer1000Calls;
      }
    }
    // Spans really created, ended and exported; metrics really recorded.
    const verification = {};
    for (const c of children) {
      const v = await c.send({ cmd: 'verify' });
      const calls = v.calls[kind] - prevCalls[c.config][kind];
      const spans = v.spansExported - prevSpans[c.config];
      prevCalls[c.config] = v.calls;
      prevSpans[c.config] = v.spansExported;
      const totalCalls = v.calls.chat + v.calls.stream;
      if (anthropic) {
        verification[c.config] = verifyAnthropic(c, v, kind, calls, spans, totalCalls);
        continue;
      }
      const instrumented = SPAN_CONFIGS.has(c.config);
      const withMetrics = METRIC_CONFIGS.has(c.config);
      const problems = [];
      // Cumulative: every call so far (sanity calls of both kinds, warm-ups, rounds) made one span.
      if (c.config !== 'sdk') {
        const expected = instrumented ? totalCalls : 0;
        if (v.spansExported !== expected) {
          problems.push(`${v.spansExported} spans exported for ${totalCalls} calls so far (expected ${expected})`);
        }
      }
      if ((c.config === 'floor-ctx' || c.config === 'floor-observe') && v.spansExported !== 0) {
        problems.push(`${v.spansExported} spans exported, expected none`);
      }
      const attrs = v.lastSpan?.attributes ?? {};
      const expectOut = kind === 'chat' ? 5 : STREAM_CHUNKS;
      // OpenLLMetry reads no usage from a stream (it ignores chunk.usage; only its opt-in tiktoken
      // estimate fills it): its stream spans carry none, which is its behaviour, not a bench fault.
      const noStreamUsage = c.config === 'openllmetry' && kind === 'stream';
      if (instrumented) {
        if (!v.lastSpan?.ended) problems.push('last exported span not ended');
        if (noStreamUsage) {
          if (attrs['gen_ai.usage.input_tokens'] !== undefined && attrs['gen_ai.usage.input_tokens'] !== 24) problems.push(`last span input ${attrs['gen_ai.usage.input_tokens']}`);
        } else if (attrs['gen_ai.usage.input_tokens'] !== 24 || attrs['gen_ai.usage.output_tokens'] !== expectOut) {
          problems.push(`last span usage ${attrs['gen_ai.usage.input_tokens']}/${attrs['gen_ai.usage.output_tokens']}, expected 24/${expectOut}`);
        }
        const total = totalCalls;
        const usage = v.metrics['gen_ai.client.token.usage'];
        const duration = v.metrics['gen_ai.client.operation.duration'];
        if (withMetrics && usage?.count !== 2 * total) problems.push(`token.usage count ${usage?.count}, expected ${2 * total}`);
        if (withMetrics && duration?.count !== total) problems.push(`operation.duration count ${duration?.count}, expected ${total}`);
        if (EVERYTHING_CONFIGS.has(c.config)) problems.push(...everythingOnProblems(v, kind, total));
      }
      verification[c.config] = {
        calls,
        spansExported: spans,
        totalCalls,
        totalSpansExported: v.spansExported,
        lastSpan: v.lastSpan ? { name: v.lastSpan.name, ended: v.lastSpan.ended, attributes: attrs } : undefined,
        metrics: v.metrics,
        ledger: v.ledger,
        ok: problems.length === 0,
        problems,
      };
    }
    out.verification[kind] = verification;

    /**
     * Overheads are paired per slice: slice i of every config ran back to back, so the difference
     * within a slice cancels drift and most bursts of other load; the median over all rounds ×
     * slices of those differences is the estimate the tables and verdicts use. The difference of
     * the configs' round medians is kept as a second estimate (`roundMedian*`).
     */
    const stats = (rounds, slicesOf) => {
      const med = Object.fromEntries(configs.map((k) => [k, median(rounds[k])]));
      const paired = (k, base) => median(slicesOf[k].map((v, i) => v - slicesOf[base][i]));
      const o = {
        rounds: Object.fromEntries(configs.map((k) => [k, rounds[k].map(r3)])),
        medianUs: Object.fromEntries(configs.map((k) => [k, r3(med[k])])),
        spreadPct: Object.fromEntries(
          configs.map((k) => [k, r2(((Math.max(...rounds[k]) - Math.min(...rounds[k])) / med[k]) * 100)]),
        ),
        ratioToSdk: Object.fromEntries(configs.filter((k) => k !== 'sdk').map((k) => [k, r3(med[k] / med.sdk)])),
        slices: slicesOf[configs[0]].length,
        overheadUs: {},
        roundMedianOverheadUs: {},
      };
      for (const k of MEASURED) {
        if (!configs.includes(k) || !configs.includes('otel')) continue;
        o.overheadUs[k] = r3(paired(k, 'otel'));
        o.roundMedianOverheadUs[k] = r3(med[k] - med.otel);
      }
      if (configs.includes('floor') && configs.includes('tokenpath')) {
        // tokenpath's own code: what it costs above the hand-written floor emitting the same telemetry.
        o.ownUs = r3(paired('tokenpath', 'floor'));
        o.roundMedianOwnUs = r3(med.tokenpath - med.floor);
        const limit = kind === 'chat' ? SETTINGS.ownChatUs : SETTINGS.ownChunkUs * STREAM_YIELDED;
        // One process per config: informational; the verdict is pairVerdicts' (many process pairs).
        o.own = { limitUs: r3(limit), ...(kind === 'stream' ? { perChunkUs: r3(o.ownUs / STREAM_YIELDED) } : {}) };
      }
      if (configs.includes('openllmetry') && configs.includes('tokenpath')) {
        const tp = o.overheadUs.tokenpath;
        const ref = o.overheadUs.openllmetry;
        // Reached when tokenpath costs no more than OpenLLMetry, even where its own figure came out under
        // 0 (one process's luck larger than its cost): the ratio is then shown but means nothing.
        o.vsOpenllmetry = { ratio: ref > 0 ? r3(tp / ref) : null, pass: ref > 0 ? tp <= ref : null };
      }
      // A negative overhead means the noise is larger than the effect: no verdict then.
      const target = (tp, ref) => ({ ratio: ref > 0 ? r3(tp / ref) : null, pass: ref > 0 && tp >= 0 ? tp / ref <= SETTINGS.targetRatio : null });
      if (anthropic) {
        // Over the bare OTel SDK (otel-sdkoff): what each instrumentation costs. `otel` is the
        // SDK's own tracing; the references are it and the peers.
        const measured = configs.filter((k) => k !== 'sdk' && k !== 'otel-sdkoff');
        o.overBareUs = Object.fromEntries(measured.map((k) => [k, r3(paired(k, 'otel-sdkoff'))]));
        o.roundMedianOverBareUs = Object.fromEntries(measured.map((k) => [k, r3(med[k] - med['otel-sdkoff'])]));
        o.targets = {};
        for (const ref of anthropicReferences(configs)) {
          o.targets[ref] = {
            ...target(o.overBareUs.tokenpath, o.overBareUs[ref]),
            roundMedianRatio: target(o.roundMedianOverBareUs.tokenpath, o.roundMedianOverBareUs[ref]).ratio,
          };
        }
      }
      if (configs.includes('contrib')) {
        // One process per config: the ratio is informational; the verdict is pairVerdicts' (tokenpath over contrib ≤ 0).
        const ratio = (tp, ref) => (ref > 0 ? r3(tp / ref) : null);
        o.ratio = ratio(o.overheadUs.tokenpath, o.overheadUs.contrib);
        o.roundMedianRatio = ratio(o.roundMedianOverheadUs.tokenpath, o.roundMedianOverheadUs.contrib);
      }
      return o;
    };
    const caseOut = {
      label: (anthropic ? ANTHROPIC_CASE_LABEL : CASE_LABEL)[kind],
      callsPerRound: n,
      slicesPerRound: slices,
      warmup,
      target: anthropic
        ? `tokenpath overhead ≤ ${SETTINGS.targetRatio} × the overhead of each instrumentation that exists for this SDK, all over otel-sdkoff`
        : 'tokenpath overhead ≤ contrib overhead',
      ...stats(wall, sliceWall),
      cpu: stats(cpu, sliceCpu),
    };
    out.cases[kind] = caseOut;
  }
  // Bytes allocated per non-stream call (sampling heap profiler, collected objects included): what
  // each config gives the young-generation GC to do, the same on a loaded machine as on a quiet one.
  // Last, once everything is timed: the sampler is not running during any timed round.
  if (!anthropic) {
    for (const c of children) {
      const a = await c.send({ cmd: 'alloc', kind: 'chat', n: S.alloc.calls });
      out.alloc[c.config] = { bytesPerCall: a.bytesPerCall, top: a.rows.slice(0, 8) };
    }
  }
  await Promise.all(children.map((c) => c.exit()));
  out.seconds = r2((Date.now() - t0) / 1000);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Profiles (--cpu-prof) when tokenpath misses the target, or with --profile.
// ---------------------------------------------------------------------------------------------
async function profileCase(kind, openai) {
  const dir = path.join(resultsDir, outName === 'latest' ? 'profiles' : `profiles-${outName}`);
  fs.mkdirSync(dir, { recursive: true });
  const { warmup, slices } = SETTINGS[kind];
  // Fewer calls than a timed round: 8,000 calls / 250 streams give ~5,000–10,000 samples per profile.
  const n = Math.min(SETTINGS[kind].n, kind === 'chat' ? 8000 : 250);
  const configs = ['otel', 'tokenpath', ...(openai === '6' ? ['contrib'] : []), 'floor'];
  // All profiled children live together and run interleaved slices, like the timed rounds, so
  // that their profiles see the same machine load.
  const children = [];
  for (const config of configs) {
    const name = `${config}-openai${openai}-${kind}.cpuprofile`;
    const file = path.join(dir, name);
    fs.rmSync(file, { force: true });
    const c = spawnChild(config, openai, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, '--cpu-prof-interval=50']);
    c.info = await c.ready;
    c.file = file;
    c.windows = [];
    c.calls = 0;
    c.wallUs = 0;
    children.push(c);
  }
  // A shorter warm-up than the timed runs: the profile only needs the code optimised (by 2,000
  // streams tokenpath's per-stream functions are; 150 left them to the lower tiers).
  for (const c of children) await c.send({ cmd: 'warmup', kind, n: Math.min(warmup, kind === 'chat' ? 4000 : 2000) });
  const sliceN = Math.ceil(n / slices);
  for (let sl = 0; sl < slices; sl++) {
    for (let i = 0; i < children.length; i++) {
      const c = children[(i + sl) % children.length];
      const t = await c.send({ cmd: 'round', kind, n: sliceN });
      c.windows.push({ startUs: t.startUs, endUs: t.endUs });
      c.calls += t.n;
      c.wallUs += t.wallUs;
    }
  }
  await Promise.all(children.map((c) => c.exit()));
  const files = {};
  for (const c of children) {
    // Only the samples of the measured slices count (not start-up, module loading or warm-up).
    files[c.config] = { file: c.file, calls: c.calls, window: c.windows, usPerCallWhileProfiled: r3(c.wallUs / c.calls) };
  }
  const f = files;
  const tokenpath = {
    label: `tokenpath, ${CASE_LABEL[kind]}, openai ${openai}`,
    analysis: analyze(f.tokenpath.file, f.tokenpath.calls, { window: f.tokenpath.window }),
    vsBaseline: diff(f.tokenpath.file, f.tokenpath.calls, f.tokenpath.window, f.otel.file, f.otel.calls, f.otel.window),
  };
  const contrib = f.contrib && {
    label: `contrib (for comparison), ${CASE_LABEL[kind]}, openai ${openai}`,
    analysis: analyze(f.contrib.file, f.contrib.calls, { ours: CONTRIB_CODE, window: f.contrib.window, n: 10 }),
    vsBaseline: diff(f.contrib.file, f.contrib.calls, f.contrib.window, f.otel.file, f.otel.calls, f.otel.window, 12),
  };
  const extra = [];
  if (f.floor) {
    extra.push({
      label: `floor (bench/floor.mjs, for comparison), ${CASE_LABEL[kind]}, openai ${openai}`,
      analysis: analyze(f.floor.file, f.floor.calls, { ours: /\/bench\/floor\.mjs/, window: f.floor.window, n: 8 }),
      vsBaseline: diff(f.floor.file, f.floor.calls, f.floor.window, f.otel.file, f.otel.calls, f.otel.window, 12),
    });
  }
  return {
    kind,
    openai,
    files: Object.fromEntries(
      Object.entries(files).map(([k, v]) => [k, { ...v, window: undefined, file: path.relative(repoRoot, v.file) }]),
    ),
    tokenpath,
    contrib,
    extra,
    markdown: [tokenpath, contrib, ...extra].filter(Boolean).map(toMarkdown).join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------
function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`);
}
function mdTable(header, rows) {
  const all = pad([header, header.map(() => '---'), ...rows]);
  all[1] = all[1].replace(/ /g, '-').replace(/^\|-/, '| ').replace(/-\|$/, ' |');
  return all.join('\n');
}
const verdict = (pass, undecided = 'INCONCLUSIVE (overhead within noise)') => (pass === null ? undecided : pass ? 'PASS' : 'FAIL');
const fmt = (x, d = 1) => (x === null || x === undefined ? 'n/a' : x === Infinity ? '∞' : x === -Infinity ? '−∞' : x.toFixed(d));

function timingTable(cmp, pick) {
  const measured = MEASURED.filter((k) => cmp.configs.includes(k));
  const has = (k) => cmp.configs.includes(k);
  const header = ['case', ...cmp.configs.map((k) => `${k} µs`), ...measured.map((k) => `${k} over otel µs`)];
  if (has('contrib')) header.push('tokenpath/contrib overhead');
  if (has('openllmetry')) header.push('tokenpath/openllmetry overhead');
  if (has('floor')) header.push('tokenpath over floor µs');
  const rows = [];
  for (const kind of ['chat', 'stream']) {
    const c = pick(cmp.cases[kind]);
    const row = [CASE_LABEL[kind], ...cmp.configs.map((k) => fmt(c.medianUs[k])), ...measured.map((k) => fmt(c.overheadUs[k]))];
    if (has('contrib')) row.push(fmt(c.ratio, 2));
    if (has('openllmetry')) row.push(fmt(c.vsOpenllmetry?.ratio, 2));
    if (has('floor')) row.push(fmt(c.ownUs) + (kind === 'stream' ? ` (${fmt(c.own.perChunkUs, 2)}/chunk)` : ''));
    rows.push(row);
  }
  return mdTable(header, rows);
}

/** Round-to-round spread of every config, then the second estimate of the overheads `second(case)` states, per case. */
function noiseLine(cmp, pick, secondLabel = 'Overhead from the round medians instead (median(config) − median(otel))', second = openaiRoundMedian) {
  return (
    'Round-to-round spread (max−min)/median: ' +
    ['chat', 'stream']
      .map((kind) => `${kind} ` + cmp.configs.map((k) => `${k} ${fmt(pick(cmp.cases[kind]).spreadPct[k])}%`).join(', '))
      .join('; ') +
    `. ${secondLabel}: ` +
    ['chat', 'stream'].map((kind) => `${kind} ${second(pick(cmp.cases[kind]))}`).join('; ') +
    '.'
  );
}

function openaiRoundMedian(c) {
  return (
    Object.entries(c.roundMedianOverheadUs)
      .map(([k, v]) => `${k} ${fmt(v)} µs`)
      .join(', ') +
    (c.roundMedianRatio !== undefined ? ` (tokenpath/contrib ${fmt(c.roundMedianRatio, 2)})` : '') +
    (c.roundMedianOwnUs !== undefined ? `, tokenpath over floor ${fmt(c.roundMedianOwnUs)} µs` : '')
  );
}

/**
 * The heap verdict line, the heap explanation and the heap table of one comparison, with settings
 * `s`; `informational`: the windows are too early for a verdict (Anthropic's short run).
 */
function heapLines(cmp, s, informational = false) {
  const lines = [];
  const tp = cmp.heap.tokenpath;
  const w = tp.windowCalls.toLocaleString('en');
  const nw = s.memory.windows;
  if (informational) {
    lines.push(
      `- heap (tokenpath): informational, no verdict: median of ${nw} windows of ${w} calls ${fmt(tp.medianWindowKBPer1000, 3)} KB/1,000 ` +
        `(windows ${tp.windowGrowthKB.map((x) => fmt(x)).join(' / ')} KB). This short run starts its windows after ${(s.chat.warmup + s.rounds * s.chat.n).toLocaleString('en')} calls, ` +
        `when V8 still flushes unused bytecode (drops of MBs in any config); the heap verdicts are the openai ones.`,
      '',
    );
  } else {
    lines.push(
      `- heap flat (tokenpath; flat = growth < ${s.flatHeapKBPer1000Calls} KB per 1,000 non-stream calls, i.e. < ${s.flatHeapKBPer1000Calls} byte/call, ` +
        `median of ${nw} steady-state windows of ${w} calls): **${tp.flat ? 'PASS' : 'FAIL'}** ` +
        `(${fmt(tp.medianWindowGrowthKB)} KB per ${w} calls = ${fmt(tp.medianWindowKBPer1000, 3)} KB/1,000; ` +
        `windows ${tp.windowGrowthKB.map((x) => fmt(x)).join(' / ')} KB; all ${(nw * tp.windowCalls).toLocaleString('en')} calls ${fmt(tp.totalKBPer1000, 3)} KB/1,000)`,
      '',
    );
  }
  lines.push(
    `What tokenpath's heap grew by over those ${(nw * tp.windowCalls).toLocaleString('en')} calls, from a heap snapshot before the windows and one after them: ` +
      `${grewByText(tp.grewBy)}. V8's own records are maps, machine code, feedback and the lists that tie optimised code to the maps it assumed; ` +
      'they grow and shrink as the JIT recompiles, in every config. Values the program made and kept are what a leak would add. ' +
      '(A snapshot counts each object\'s own size; the sum need not match heapUsed, which also counts what V8 has not reclaimed.)',
    '',
  );
  lines.push(
    `Heap (heapUsed after forceFlush and gc() until stable), non-stream chat. "After warm-up" compares the heap after the ${s.chat.warmup.toLocaleString('en')}-call warm-up with the heap after the first ${s.chat.n.toLocaleString('en')} timed calls, as first specified: ` +
      `it is dominated by one-time growth (JIT code, feedback vectors, SDK caches) that the uninstrumented \`sdk\` shows too. ` +
      `"Steady" windows start after all ${(s.chat.warmup + s.rounds * s.chat.n).toLocaleString('en')} timed calls; the verdict uses their median ` +
      `(V8 occasionally flushes MBs of unused bytecode, a one-off drop that the median ignores).`,
    '',
  );
  lines.push(
    mdTable(
      ['config', 'heap after warm-up MB', `after warm-up → +${s.chat.n.toLocaleString('en')} calls KB`, 'KB/1,000', 'steady start MB', `steady windows of ${w} calls KB`, 'median KB/1,000', `all ${(nw * tp.windowCalls).toLocaleString('en')} KB/1,000`, 'of all: values / V8\'s own KB', 'flat'],
      cmp.configs.map((k) => {
        const h = cmp.heap[k];
        return [
          k,
          fmt(h.afterWarmupMB, 2),
          fmt(h.afterWarmupGrowthKB),
          fmt(h.afterWarmupGrowthKBPer1000, 3),
          fmt(h.steadyStartMB, 2),
          h.windowGrowthKB.map((x) => fmt(x)).join(' / '),
          fmt(h.medianWindowKBPer1000, 3),
          fmt(h.totalKBPer1000, 3),
          `${fmt(h.grewBy.values.bytes / 1024)} / ${fmt(h.grewBy.v8Own.bytes / 1024)}`,
          informational ? 'n/a' : h.flat ? 'yes' : 'NO',
        ];
      }),
    ),
    '',
  );
  return lines;
}

/** A composition growth (heap-figures.mjs `compositionGrowth`) in words: both sides, then the rows that grew most. */
function grewByText({ values, v8Own, top }) {
  const plus = (x) => (x >= 0 ? '+' : '');
  const kb = (bytes) => `${plus(bytes)}${fmt(bytes / 1024)} KB`;
  const most = top.map((r) => `${r.what} ${kb(r.bytes)} (${plus(r.count)}${r.count})`).join(', ');
  return (
    `the program's values (objects, closures, arrays, strings) ${kb(values.bytes)} (${plus(values.count)}${values.count} of them), ` +
    `V8's own records ${kb(v8Own.bytes)}${most ? `; grew most: ${most}` : ''}`
  );
}

/** Bytes allocated per non-stream call by each config, and over `otel` (no verdict: it explains the GC cost). */
function allocLines(cmp, s) {
  if (!cmp.alloc || !cmp.alloc.otel) return [];
  const base = cmp.alloc.otel.bytesPerCall;
  return [
    `Bytes allocated per non-stream call (V8's sampling heap profiler over ${s.alloc.calls.toLocaleString('en')} calls after the heap windows, objects the GCs collected included; ` +
      'no verdict: what each config gives the young-generation GC to scavenge, independent of the machine\'s load):',
    '',
    mdTable(
      ['config', 'bytes per call', 'over otel', 'top allocating functions (bytes per call)'],
      cmp.configs.map((k) => {
        const a = cmp.alloc[k];
        const top = a.top.slice(0, 3).map((r) => `${r.what.split(' ')[0]} ${r.bytesPerCall}`).join(', ');
        return [k, a.bytesPerCall.toLocaleString('en'), k === 'otel' ? '' : (a.bytesPerCall - base).toLocaleString('en'), top];
      }),
    ),
    '',
  ];
}

/** Every failed verification of a comparison, as `kind/config: problems`. */
function verificationProblems(cmp) {
  const bad = [];
  for (const kind of ['chat', 'stream']) {
    for (const [k, v] of Object.entries(cmp.verification[kind])) if (!v.ok) bad.push(`${kind}/${k}: ${v.problems.join('; ')}`);
  }
  return bad;
}

/** Spans exported / calls made per config after each case; `more(verification)` adds to each. */
function spanCountsLine(cmp, more) {
  return ['chat', 'stream']
    .map(
      (kind) =>
        `after ${kind}: ` +
        cmp.configs
          .filter((k) => k !== 'sdk')
          .map((k) => {
            const v = cmp.verification[kind][k];
            return `${k} ${v.totalSpansExported}/${v.totalCalls}${more(v)}`;
          })
          .join(', '),
    )
    .join('; ');
}

function comparisonMarkdown(cmp) {
  const lines = [];
  const hasContrib = cmp.configs.includes('contrib');
  const s = SETTINGS;
  lines.push(`## openai ${cmp.openai}`, '');
  lines.push(`Wall-clock µs per call, median of ${s.rounds} rounds:`, '');
  lines.push(timingTable(cmp, (c) => c), '', noiseLine(cmp, (c) => c), '');
  lines.push(`Process CPU µs per call (user+system, all threads; less sensitive to other load on the machine), median of ${s.rounds} rounds:`, '');
  lines.push(timingTable(cmp, (c) => c.cpu), '', noiseLine(cmp, (c) => c.cpu), '');
  for (const kind of ['chat', 'stream']) {
    const c = cmp.cases[kind];
    const pairs = (r) =>
      `median over ${r.pairs} fresh ${r.base}/${r.config} process pairs ${fmt(r.wall.medianUs, 2)} ${r.unit}, ` +
      `${Math.round(r.wall.ciCoverage * 100)}% interval of the median ${fmt(r.wall.ciLoUs, 2)} to ${fmt(r.wall.ciHiUs, 2)}, quartiles ${fmt(r.wall.q1Us, 2)} to ${fmt(r.wall.q3Us, 2)}, ` +
      `pairs from ${fmt(r.wall.minUs, 2)} to ${fmt(r.wall.maxUs, 2)}; CPU time ${fmt(r.cpu.medianUs, 2)} ${r.unit} (interval ${fmt(r.cpu.ciLoUs, 2)} to ${fmt(r.cpu.ciHiUs, 2)})`;
    const vs = cmp.pairsVsContrib?.[kind];
    if (hasContrib && vs) {
      const floorVs = cmp.floorVsContrib[kind];
      lines.push(
        `- ${c.label}: ${c.target}: **${pairVerdict(vs.pass)}** (tokenpath over contrib: ${pairs(vs)}: ${pairVerdict(vs.cpuPass)}. ` +
          `The floor over contrib, what the target asks of any implementation: ${pairs(floorVs)}` +
          `${floorVs.unreachable ? ': **above 0 over its whole interval, so no implementation of this telemetry meets the target**' : ''}. ` +
          `The one process per config above: wall-clock ${fmt(c.overheadUs.tokenpath)} vs ${fmt(c.overheadUs.contrib)} µs over otel, ratio ${fmt(c.ratio, 2)})`,
      );
    }
    const own = cmp.ownCode?.[kind];
    if (own) {
      const what = kind === 'chat' ? `≤ ${s.ownChatUs} µs per call` : `≤ ${s.ownChunkUs} µs per chunk`;
      lines.push(
        `- ${c.label}: tokenpath's own code (its overhead over ${own.base}) ${what}: **${pairVerdict(own.pass)}** (${pairs(own)}: ${pairVerdict(own.cpuPass)}. ` +
          `The one process per config above, tokenpath over the bare floor: ${fmt(c.ownUs)} µs${kind === 'stream' ? ` = ${fmt(c.own.perChunkUs, 2)} µs/chunk` : ''})`,
      );
      const loaded = cmp.loadedOverFloor?.[kind];
      if (loaded) {
        lines.push(
          `  - what having tokenpath's package loaded (never called) costs the floor: ${pairs(loaded)}; ` +
            `promoted per call (the median process): the floor's ${Math.round(promotedBy(loaded, loaded.base))} B, with the package loaded ${Math.round(promotedBy(loaded, loaded.config))} B`,
        );
      }
    }
    if (c.vsOpenllmetry) {
      lines.push(
        `- ${c.label}: aim, the whole meter for no more than a span-only instrumentation: tokenpath ${fmt(c.overheadUs.tokenpath)} µs vs OpenLLMetry ${fmt(c.overheadUs.openllmetry)} µs over otel, ` +
          `ratio **${fmt(c.vsOpenllmetry.ratio, 2)}** (CPU time ${fmt(c.cpu.vsOpenllmetry.ratio, 2)})` +
          (c.vsOpenllmetry.pass === null ? ': no verdict (OpenLLMetry\'s overhead came out at or under 0)' : c.vsOpenllmetry.pass ? ': reached' : ': not reached') +
          (c.vsOpenllmetry.pass && c.overheadUs.tokenpath < 0 ? ' (tokenpath\'s own figure is under 0: one process\'s luck is larger than its cost)' : ''),
      );
    }
  }
  if (cmp.sevenVsSix) {
    for (const kind of ['chat', 'stream']) {
      const t = cmp.sevenVsSix[kind];
      lines.push(
        `- ${CASE_LABEL[kind]}: tokenpath's overhead on openai 7 no more than on openai 6: **${verdict(t.pass)}** ` +
          `(${fmt(t.sevenUs)} vs ${fmt(t.sixUs)} µs over otel; the floor: ${fmt(t.floorSevenUs)} vs ${fmt(t.floorSixUs)} µs; tokenpath's own code over ${OWN_CODE_BASE}, the pairs' medians: ${fmt(t.ownSevenUs)} vs ${fmt(t.ownSixUs)} µs)`,
      );
    }
  }
  lines.push('');
  lines.push(...heapLines(cmp, s));
  lines.push(...allocLines(cmp, s));
  const bad = verificationProblems(cmp);
  const spanCounts = spanCountsLine(cmp, () => '');
  lines.push(
    bad.length === 0
      ? `Verification OK. Spans exported / calls made: ${spanCounts}. The last exported span of every config that makes spans carries the expected usage (24 in, 5 or ${STREAM_CHUNKS} out), ` +
          `except OpenLLMetry's stream spans, which carry none (it does not read the usage chunk; only its opt-in tiktoken estimate would fill it); ` +
          `the token-usage / duration histogram counts equal 2× / 1× the calls (tokenpath, contrib, floor); everything on (tokenpath, floor): ` +
          `one usage record per call, all priced (USD), the cost counter's total equal to the records', the ${BENCH_TENANTS} tenants as series on the token-usage points and the attribution on the last span.`
      : `Verification FAILED: ${bad.join(' | ')}`,
    '',
  );
  lines.push(
    `Patched: ${cmp.configs.map((k) => `${k} ${cmp.children[k].patched ? (cmp.children[k].forced ? 'yes (manuallyInstrument: outside its declared range >=4 <7)' : 'yes') : 'no'}`).join(', ')} ` +
      `(openai ${cmp.openai} from \`${cmp.children[cmp.configs[0]].openaiPath}\`). This comparison took ${cmp.seconds} s.`,
    '',
  );
  return lines.join('\n');
}

/** Anthropic: one timing table (wall-clock or CPU, through `pick`): medians, overheads over otel-sdkoff, tokenpath's ratio to each reference. */
function anthropicTimingTable(cmp, pick) {
  const measured = cmp.configs.filter((k) => k !== 'sdk' && k !== 'otel-sdkoff');
  const refs = anthropicReferences(cmp.configs);
  const header = [
    'case',
    ...cmp.configs.map((k) => `${k} µs`),
    ...measured.map((k) => (k === 'otel' ? "SDK's own tracing (otel) over otel-sdkoff µs" : `${k} over otel-sdkoff µs`)),
    ...refs.map((k) => `tokenpath / ${k === 'otel' ? 'SDK tracing' : k}`),
    'tokenpath over otel µs',
  ];
  const rows = [];
  for (const kind of ['chat', 'stream']) {
    const c = pick(cmp.cases[kind]);
    rows.push([
      ANTHROPIC_CASE_LABEL[kind],
      ...cmp.configs.map((k) => fmt(c.medianUs[k])),
      ...measured.map((k) => fmt(c.overBareUs[k])),
      ...refs.map((k) => fmt(c.targets[k].ratio, 2)),
      fmt(c.overheadUs.tokenpath),
    ]);
  }
  return mdTable(header, rows);
}

function anthropicNoiseLine(cmp, pick) {
  return noiseLine(cmp, pick, 'Over otel-sdkoff from the round medians instead', (c) =>
    Object.entries(c.roundMedianOverBareUs)
      .map(([k, v]) => `${k} ${fmt(v)} µs`)
      .join(', ') +
    ' (tokenpath / ' +
    Object.entries(c.targets)
      .map(([k, t]) => `${k} ${fmt(t.roundMedianRatio, 2)}`)
      .join(', ') +
    ')',
  );
}

function anthropicMarkdown(cmp) {
  const lines = [];
  const s = { ...SETTINGS, ...ANTHROPIC };
  const refs = anthropicReferences(cmp.configs);
  const peers = cmp.configs.filter((k) => k in ANTHROPIC_PEERS);
  lines.push(`## @anthropic-ai/sdk ${cmp.version}`, '');
  lines.push(
    `Warm-up ${s.chat.warmup.toLocaleString('en')} calls / ${s.stream.warmup} streams, then ${s.rounds} rounds of ${s.chat.n.toLocaleString('en')} non-stream calls / ${s.stream.n} streams ` +
      `in ${s.chat.slices} interleaved slices (fewer than for openai, to keep the run short: expect more noise). Same OTel setup as above, ` +
      `plus the W3C trace-context and baggage propagators (NodeSDK's default), with which the SDK sends its call's trace context in every request. ` +
      `The SDK traces itself: with a tracer provider registered it makes a CLIENT span \`${SDK_SPAN_NAME}\` with usage per call, on by default.`,
    '',
    `- \`sdk\`: no provider registered: the SDK's tracer is the API's no-op one and its span neither records nor propagates (the SDK's tracing code still runs).`,
    `- \`otel\`: provider registered, the SDK's own tracing **on, its default**: one SDK span per call, and its trace context sent with the request.`,
    `- \`otel-sdkoff\`: the same, with the SDK's spans off (client option \`openTelemetry: false\`): the bare OTel SDK, as \`otel\` is for openai. Every overhead below is over this.`,
    `- \`tokenpath\`: provider registered, tokenpath's instrumentation, nothing configured on the client: tokenpath's span and metrics per call, the SDK's own span not started, tokenpath's trace context sent as the request's headers.`,
    ...(cmp.configs.includes('tokenpath-sdkoff')
      ? [`- \`tokenpath-sdkoff\` (--anthropic-split): tokenpath with the SDK's spans off (\`openTelemetry: false\`), which also sends no trace-context headers.`]
      : []),
    ...peers.map(
      (k) =>
        `- \`${k}\`: ${ANTHROPIC_PEERS[k].package} ${ANTHROPIC_PEERS[k].version} with content capture off (its default is on; tokenpath's is off) and the SDK's spans off, so that its span is the only one. It records no metrics and sends no trace headers.`,
    ),
    ...(cmp.configs.includes('floor-span')
      ? [`- \`floor-span\`: a hand-written wrapper making one span per call with the usage and nothing else (bench/floor.mjs), the SDK's spans off: the least any instrumentation that makes a span through the OTel SDK pays.`]
      : []),
    '',
    `There is no contrib instrumentation for Anthropic. The target, as for openai: tokenpath's overhead at most ${SETTINGS.targetRatio} × the overhead of ` +
      `the instrumentations that exist for this SDK, each measured over otel-sdkoff in the same run: ${refs.map((k) => REFERENCE_LABEL[k]).join(', ')}. ` +
      `tokenpath records the token-usage and duration histograms on top of its span; none of them records metrics. ` +
      `"tokenpath over otel" is what adding tokenpath costs a user whose SDK already traces itself.`,
    '',
    `Wall-clock µs per call, median of ${s.rounds} rounds:`,
    '',
  );
  lines.push(anthropicTimingTable(cmp, (c) => c), '', anthropicNoiseLine(cmp, (c) => c), '');
  lines.push(`Process CPU µs per call (user+system, all threads), median of ${s.rounds} rounds:`, '');
  lines.push(anthropicTimingTable(cmp, (c) => c.cpu), '', anthropicNoiseLine(cmp, (c) => c.cpu), '');
  for (const kind of ['chat', 'stream']) {
    const c = cmp.cases[kind];
    for (const ref of refs) {
      const w = c.targets[ref];
      const cpu = c.cpu.targets[ref];
      lines.push(
        `- ${c.label}: tokenpath overhead ≤ ${SETTINGS.targetRatio} × ${REFERENCE_LABEL[ref]}'s (${ref}), both over otel-sdkoff: ` +
          `**${verdict(w.pass)}** (wall-clock ratio ${fmt(w.ratio, 2)}; CPU-time ratio ${fmt(cpu.ratio, 2)}: ${verdict(cpu.pass)})`,
      );
    }
    if (cmp.configs.includes('floor-span')) {
      for (const peer of peers) {
        const floor = c.overBareUs['floor-span'];
        const theirs = c.overBareUs[peer];
        lines.push(
          `- ${c.label}: floor-span (a span per call, nothing else) costs ${fmt(floor)} µs over otel-sdkoff = ${fmt(theirs > 0 ? floor / theirs : null, 2)} × ${peer}'s ${fmt(theirs)} µs` +
            (theirs > 0 && floor > SETTINGS.targetRatio * theirs ? `: above ${SETTINGS.targetRatio} × ${peer}'s, so no instrumentation that makes a span meets the target against it` : ''),
        );
      }
    }
  }
  lines.push('');
  lines.push(...heapLines(cmp, s, true));
  const bad = verificationProblems(cmp);
  const spanCounts = spanCountsLine(cmp, (v) => ` (${v.spansByName[SDK_SPAN_NAME] ?? 0} SDK spans)`);
  const tp = cmp.children.tokenpath.propagation ?? {};
  lines.push(
    bad.length === 0
      ? `Verification OK. Spans exported / calls made: ${spanCounts}. The last exported span of every config that makes spans ` +
          `carries the expected usage (24 in, 5 or ${ANTHROPIC_STREAM_DELTAS} out; the peers in their own attribute names); tokenpath's token-usage / duration histogram counts equal 2× / 1× the calls; ` +
          `the sanity stream request carried the last span's context (otel: the SDK's span; tokenpath: tokenpath's span, traceparent ${tp.streamTraceparent}); sdk and otel-sdkoff sent none.`
      : `Verification FAILED: ${bad.join(' | ')}`,
    '',
  );
  lines.push(
    `Patched: ${cmp.configs.map((k) => `${k} ${cmp.children[k].patched ? 'yes' : 'no'}`).join(', ')}; ` +
      `SDK's own tracer: ${cmp.configs.map((k) => `${k} ${cmp.children[k].sdkTracing}`).join(', ')} ` +
      `(@anthropic-ai/sdk ${cmp.version} from \`${cmp.children[cmp.configs[0]].sdkPath}\`). This comparison took ${cmp.seconds} s.`,
    '',
  );
  return lines.join('\n');
}

function gitCommit() {
  try {
    const git = (...a) => execFileSync('git', a, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    // The build measured is the working tree: say so when the sources differ from HEAD.
    const dirty = git('status', '--porcelain', '--', 'packages/instrumentation-llm/src', 'packages/semconv/src');
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
/**
 * The base of the own-code verdicts: the floor in a process that has loaded tokenpath's package and
 * never calls it. Loading a package of that size (tokenpath's, or zod: RESULTS.md, "Born old")
 * changes how V8 treats every call's objects in a process this small: the floor's processes alone
 * promote about 1.5 KB per call on openai 7, with the package loaded 2.2 KB, as tokenpath's
 * do. So tokenpath over the bare floor is its own code plus what merely having a package loaded
 * costs; over this base it is its own code. What the loading costs is reported beside it.
 */
const OWN_CODE_BASE = 'floor+tokenpath-loaded';

/** Bytes per call one config's processes promoted in young GCs, the median over a pairs measurement's processes. */
const promotedBy = (pairs, config) => median(pairs.perPair.map((p) => p.gc[config].promotedBytes));

/**
 * The openai verdicts from fresh process pairs (bench/process-pairs.mjs), per non-stream call and
 * per stream chunk: tokenpath's own code (tokenpath over OWN_CODE_BASE) and, where contrib exists (openai
 * 6), tokenpath over contrib (the target: at most 0) and floor over contrib (what the target asks
 * of any implementation: the floor emits the same telemetry with nothing else).
 */
async function pairVerdicts(openai, withContrib) {
  const measure = async (base, config, kind, pairs = SETTINGS.pairs[kind].pairs) => {
    const perCall = kind === 'chat' ? 1 : STREAM_YIELDED;
    console.log(`${config} over ${base}, openai ${openai} ${kind}: ${pairs} process pairs ...`);
    const r = await measurePairs({ openai, kind, base, config, perCall, ...SETTINGS.pairs[kind], pairs });
    const round = (x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v !== null && typeof v === 'object' ? round(v) : r3(v)]));
    const stats = Object.fromEntries(['wall', 'cpu', 'system', 'minorFaults', 'gcPause', 'allocated'].map((m) => [m, round(r[m])]));
    return { ...r, ...stats, perPair: r.perPair.map(round), unit: kind === 'chat' ? 'µs' : 'µs/chunk' };
  };
  const out = { ownCode: {}, ...(withContrib ? { pairsVsContrib: {}, floorVsContrib: {} } : {}) };
  for (const kind of ['chat', 'stream']) {
    const limit = kind === 'chat' ? SETTINGS.ownChatUs : SETTINGS.ownChunkUs;
    const own = await measure(OWN_CODE_BASE, 'tokenpath', kind, kind === 'chat' ? SETTINGS.ownChatPairs : SETTINGS.ownStreamPairs);
    // A verdict only where the median's whole interval is on one side of the target (process-pairs.mjs).
    out.ownCode[kind] = { ...own, base: OWN_CODE_BASE, limitUs: limit, pass: atMost(own.wall, limit), cpuPass: atMost(own.cpu, limit) };
    if (kind === 'chat') {
      // No verdict, a diagnosis: what having tokenpath's package loaded costs the floor per call.
      out.loadedOverFloor = { [kind]: await measure('floor', OWN_CODE_BASE, kind) };
    }
    if (!withContrib) continue;
    const vs = await measure('contrib', 'tokenpath', kind);
    out.pairsVsContrib[kind] = { ...vs, pass: atMost(vs.wall, 0), cpuPass: atMost(vs.cpu, 0) };
    const floorVs = await measure('contrib', 'floor', kind);
    out.floorVsContrib[kind] = { ...floorVs, unreachable: atMost(floorVs.wall, 0) === false };
  }
  return out;
}

async function main() {
  const started = Date.now();
  const meta = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.availableParallelism(),
    loadAverageAtStart: os.loadavg().map(r2),
    settings: SETTINGS,
    anthropicSettings: ANTHROPIC,
  };
  console.log(
    `tokenpath bench: node ${meta.node}, ${meta.cores} cores (${meta.cpu}), load ${meta.loadAverageAtStart.join(' ')}; ` +
      `${SETTINGS.rounds} rounds of ${SETTINGS.chat.n} non-stream calls / ${SETTINGS.stream.n} streams per config, in interleaved slices`,
  );
  const plain = args.has('--plain') ? ['tokenpath-plain'] : [];
  const ladder = args.has('--ladder') ? ['floor-ctx', 'floor-observe', 'floor-span'] : [];
  const openaiToo = !args.has('--anthropic-only');
  let v6;
  let v7;
  if (openaiToo) {
    const configs6 = ['sdk', 'otel', 'tokenpath', ...plain, 'contrib', 'openllmetry', ...ladder, 'floor'];
    console.log(`openai 6 (test/.sdk): ${configs6.join(', ')} ...`);
    v6 = await compare('6', configs6);
    console.log(`  done in ${v6.seconds} s`);
    Object.assign(v6, await pairVerdicts('6', true));
    const configs7 = ['sdk', 'otel', 'tokenpath', ...plain, 'openllmetry', ...ladder, 'floor'];
    console.log(`openai 7 (repo root): ${configs7.join(', ')} ...`);
    v7 = await compare('7', configs7);
    console.log(`  done in ${v7.seconds} s`);
    Object.assign(v7, await pairVerdicts('7', false));
    // openai 7 against 6: tokenpath's overhead over otel on each (two comparisons, each paired in itself).
    v7.sevenVsSix = Object.fromEntries(
      ['chat', 'stream'].map((kind) => {
        const six = v6.cases[kind];
        const seven = v7.cases[kind];
        const t = {
          sixUs: six.overheadUs.tokenpath,
          sevenUs: seven.overheadUs.tokenpath,
          floorSixUs: six.overheadUs.floor,
          floorSevenUs: seven.overheadUs.floor,
          ownSixUs: v6.ownCode[kind].wall.medianUs * (kind === 'chat' ? 1 : STREAM_YIELDED),
          ownSevenUs: v7.ownCode[kind].wall.medianUs * (kind === 'chat' ? 1 : STREAM_YIELDED),
        };
        return [kind, { ...t, pass: t.sevenUs <= t.sixUs }];
      }),
    );
  }
  // Why openai 7 costs more: how much of a finished call survives young-generation GCs, openai 6
  // and 7, with openai 7 as published and with its per-request closures made unpretenured.
  let retention;
  if (openaiToo && !args.has('--no-retention')) {
    console.log('gc-retention (openai 6 and 7: sdk, otel, floor, tokenpath) ...');
    const r = spawnSync(process.execPath, [path.join(here, 'gc-retention.mjs'), '--configs=sdk,otel,floor,tokenpath', `--rounds=${quick ? 2 : 4}`], {
      encoding: 'utf8',
      env: { ...process.env, OTEL_LOG_LEVEL: 'error' },
    });
    retention = r.status === 0 ? r.stdout.trim() : `gc-retention failed (exit ${r.status}): ${r.stderr.trim().slice(-500)}`;
  }
  const anthropic = [];
  if (!args.has('--no-anthropic') || !openaiToo) {
    for (const major of ANTHROPIC_MAJORS) {
      const configs = ANTHROPIC.configsFor(major);
      console.log(`@anthropic-ai/sdk ${major}.x: ${configs.join(', ')} ...`);
      const cmp = await compare(`anthropic@${major}`, configs);
      anthropic.push(cmp);
      console.log(`  done in ${cmp.seconds} s`);
    }
  }

  // An openai target not shown met (failed, or within the pairs' noise): profile the case and major.
  const missed = (cmp, kind) => (cmp.pairsVsContrib !== undefined && cmp.pairsVsContrib[kind].pass !== true) || (cmp.ownCode !== undefined && cmp.ownCode[kind].pass !== true);
  const failing = openaiToo
    ? [
        ...['chat', 'stream'].filter((k) => missed(v6, k)).map((kind) => ({ kind, openai: '6' })),
        ...['chat', 'stream'].filter((k) => missed(v7, k) || v7.sevenVsSix[k].pass === false).map((kind) => ({ kind, openai: '7' })),
      ]
    : [];
  const profiles = [];
  const wantProfile = openaiToo && (args.has('--profile') || (failing.length > 0 && !args.has('--no-profile')));
  if (wantProfile) {
    const todo = args.has('--profile') ? ['6', '7'].flatMap((openai) => ['chat', 'stream'].map((kind) => ({ kind, openai }))) : failing;
    for (const { kind, openai } of todo) {
      console.log(`profiling ${kind} (otel, tokenpath, floor${openai === '6' ? ', contrib' : ''}; openai ${openai}, --cpu-prof) ...`);
      profiles.push(await profileCase(kind, openai));
    }
  }
  meta.loadAverageAtEnd = os.loadavg().map(r2);
  meta.totalSeconds = r2((Date.now() - started) / 1000);

  const md = [
    `# tokenpath overhead benchmark`,
    '',
    `${meta.date}, commit ${meta.commit}, node ${meta.node}, ${meta.cores} cores (${meta.cpu}), load ${meta.loadAverageAtStart.join(' ')} → ${meta.loadAverageAtEnd.join(' ')}, total ${meta.totalSeconds} s.`,
    '',
    `Each config in its own process (--expose-gc), in-memory \`fetch\` (new Response per call), ` +
      `warm-up ${SETTINGS.chat.warmup} calls / ${SETTINGS.stream.warmup} streams, then ${SETTINGS.rounds} rounds of ` +
      `${SETTINGS.chat.n} sequential non-stream calls / ${SETTINGS.stream.n} sequential streams (each iterated fully) per config; ` +
      `each round runs in ${SETTINGS.chat.slices} slices interleaved across the configs (A B C D, B C D A, ...), so load from other processes hits all alike. ` +
      `otel = ${SETTINGS.spanProcessor}; ${SETTINGS.metricReader}; ${SETTINGS.contextManager}; no LoggerProvider ` +
      `(contrib's log events go to the API's no-op logger). Streams send stream_options.include_usage in every config. ` +
      `Overhead = the median, over all rounds × slices, of the per-slice difference between the config and otel (each slice of every config runs right after the same slice of the others, so the pair shares the machine's state); the µs columns per config are medians of the round means. ` +
      `The difference of those round medians is given as a second estimate under each table.`,
    '',
    ...(openaiToo ? [OPENAI_CONFIGS_TEXT, '', comparisonMarkdown(v6), comparisonMarkdown(v7)] : []),
    ...(retention
      ? [
          '## Why openai 7 costs more (bench/gc-retention.mjs)',
          '',
          "openai 7's `responsePromise` assigns two arrow functions to properties of every APIPromise; V8 allocates a function literal assigned to a property " +
            'in the old generation, which keeps the call (and whatever an instrumentation\'s observer on the promise reaches) alive through young-generation GCs ' +
            'until the next full GC. `unpretenured`: the same code with the two closures bound to local constants first (the SDK behaves the same).',
          '',
          '```',
          retention,
          '```',
          '',
        ]
      : []),
    ...anthropic.map(anthropicMarkdown),
    ...(profiles.length
      ? [
          `## Profiles (${args.has('--profile') ? '--profile' : 'tokenpath missed a target'}; --cpu-prof --cpu-prof-interval=50, children interleaved as above)`,
          '',
          ...profiles.map((p) => p.markdown),
        ]
      : []),
  ].join('\n');

  fs.mkdirSync(resultsDir, { recursive: true });
  const json = {
    meta,
    openai6: v6,
    openai7: v7,
    anthropic,
    verdicts: {
      ...(openaiToo
        ? {
            vsContrib: { chat: pairVerdict(v6.pairsVsContrib.chat.pass), stream: pairVerdict(v6.pairsVsContrib.stream.pass) },
            ownCode: Object.fromEntries(
              ['6', '7'].map((m) => [`openai${m}`, Object.fromEntries(['chat', 'stream'].map((k) => [k, pairVerdict((m === '6' ? v6 : v7).ownCode[k].pass)]))]),
            ),
            sevenVsSix: Object.fromEntries(['chat', 'stream'].map((k) => [k, verdict(v7.sevenVsSix[k].pass)])),
            heapFlat: v6.heap.tokenpath.flat && v7.heap.tokenpath.flat ? 'PASS' : 'FAIL',
            vsOpenllmetry: Object.fromEntries(
              ['6', '7'].map((m) => [`openai${m}`, Object.fromEntries(['chat', 'stream'].map((k) => [k, (m === '6' ? v6 : v7).cases[k].vsOpenllmetry?.ratio ?? null]))]),
            ),
          }
        : {}),
      ...(anthropic.length
        ? {
            anthropic: Object.fromEntries(
              anthropic.map((cmp) => [
                cmp.version,
                {
                  target: cmp.cases.chat.target,
                  ...Object.fromEntries(
                    ['chat', 'stream'].map((kind) => [
                      kind,
                      Object.fromEntries(Object.entries(cmp.cases[kind].targets).map(([ref, t]) => [ref, verdict(t.pass)])),
                    ]),
                  ),
                  heap: `informational (median ${cmp.heap.tokenpath.medianWindowKBPer1000} KB/1,000 calls), no verdict`,
                },
              ]),
            ),
          }
        : {}),
    },
    profiles: profiles.map(({ markdown, ...p }) => p),
  };
  fs.writeFileSync(path.join(resultsDir, `${outName}.json`), JSON.stringify(json, null, 2) + '\n');
  fs.writeFileSync(path.join(resultsDir, `${outName}.md`), md + '\n');
  console.log('\n' + md);
  console.log(`results: ${path.relative(process.cwd(), path.join(resultsDir, `${outName}.json`))} and ${outName}.md`);

  const verifiedOk = [v6, v7, ...anthropic].filter(Boolean).every((cmp) =>
    ['chat', 'stream'].every((kind) => Object.values(cmp.verification[kind]).every((v) => v.ok)),
  );
  if (!verifiedOk) {
    console.error('VERIFICATION FAILED: see above');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
  for (const c of live) c.kill();
});
