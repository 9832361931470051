/**
 * `npm run bench`: per-call overhead and heap growth of @tokenpath/instrumentation-llm against the
 * uninstrumented SDK, the OpenTelemetry SDK alone, and @opentelemetry/instrumentation-openai.
 *
 * Every configuration runs in its own child process (bench/child.mjs, --expose-gc). The children
 * of one comparison stay alive together; each round is run as interleaved slices (a slice of every
 * config in turn, the order rotated each time), so drift and other load on a shared machine hit all
 * of them alike. Wall-clock and process CPU time are both recorded. If tokenpath misses the target
 * (or with --profile), otel, tokenpath and contrib are profiled with --cpu-prof (bench/profile.mjs).
 *
 *   node packages/instrumentation-llm/bench/run.mjs [--profile | --no-profile] [--floor | --ladder] [--quick] [--out=<name>]
 *
 * --floor adds the `floor` config (bench/floor.mjs: the same span and metrics, hand-written with
 * nothing else) to the openai 6 comparison: an estimate of what the OpenTelemetry SDK alone costs;
 * --ladder adds its four levels (floor-ctx, floor-observe, floor-span, floor), which split that
 * cost up. Results go to results/<--out name>.json/.md (default latest).
 *
 * Environment overrides: BENCH_ROUNDS, BENCH_CHAT_N, BENCH_CHAT_WARMUP, BENCH_STREAM_N,
 * BENCH_STREAM_WARMUP, BENCH_MEMORY_N.
 */
import { fork, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, diff, toMarkdown, CONTRIB_CODE } from './profile.mjs';
import { STREAM_CHUNKS } from './fixtures.mjs';
import { SDK_VERSIONS, installSdkVersion } from '../../../test/support/sdk-versions.mjs';

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
  stream: {
    warmup: int('BENCH_STREAM_WARMUP', quick ? 50 : 300),
    n: int('BENCH_STREAM_N', quick ? 100 : 400),
    slices: quick ? 2 : 10,
  },
  // Heap in steady state (after warm-up and all timed rounds): `windows` windows of `calls` calls.
  memory: { windows: quick ? 2 : 3, calls: int('BENCH_MEMORY_N', quick ? 2000 : 15000) },
  flatHeapKBPer1000Calls: 1,
  targetRatio: 0.5,
  spanProcessor:
    'BatchSpanProcessor (maxQueueSize 1,048,576, maxExportBatchSize 512, scheduledDelayMillis 1000) to a no-op exporter that counts spans; same for every config',
  metricReader: 'MetricReader subclass never exported during the run (collected once at the end to check counts)',
  contextManager: 'AsyncLocalStorageContextManager',
};
const CASE_LABEL = { chat: 'non-stream chat', stream: `stream (${STREAM_CHUNKS} chunks + usage)` };

// contrib supports openai <7: the bench uses the tests' copy of openai 6 (installed on first use).
await installSdkVersion('openai', SDK_VERSIONS.openai.find((v) => v.startsWith('6.')), { log: console.log });

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------
const live = new Set();
process.on('exit', () => {
  for (const c of live) c.kill();
});

function spawnChild(config, openai, extraExecArgv = []) {
  const child = fork(childPath, [], {
    execPath: process.execPath,
    execArgv: ['--expose-gc', ...extraExecArgv],
    env: { ...process.env, BENCH_CONFIG: config, BENCH_OPENAI: openai, OTEL_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
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
    else p.reject(new Error(`[${config}/openai${openai}] ${m.error}`));
  });
  child.on('exit', (code, signal) => {
    live.delete(child);
    const error = new Error(`[${config}/openai${openai}] child exited (code ${code}, signal ${signal})`);
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r2 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : Math.round(x * 100) / 100);
const r3 = (x) => (x === undefined || x === null || Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);

// ---------------------------------------------------------------------------------------------
// One comparison: the given configs against one `openai` major.
// ---------------------------------------------------------------------------------------------
async function compare(openai, configs) {
  const t0 = Date.now();
  const children = [];
  for (const config of configs) {
    const c = spawnChild(config, openai);
    c.info = await c.ready;
    children.push(c);
  }
  const out = { openai: children[0].info.openai, configs, children: {}, cases: {}, heap: {}, verification: {} };
  for (const c of children) out.children[c.config] = c.info;

  let prevCalls = Object.fromEntries(configs.map((k) => [k, { chat: 0, stream: 0 }]));
  let prevSpans = Object.fromEntries(configs.map((k) => [k, 0]));

  for (const kind of ['chat', 'stream']) {
    const { warmup, n, slices } = SETTINGS[kind];
    const wall = Object.fromEntries(configs.map((k) => [k, []]));
    const cpu = Object.fromEntries(configs.map((k) => [k, []]));
    for (const c of children) await c.send({ cmd: 'warmup', kind, n: warmup });
    const heap = {};
    if (kind === 'chat') for (const c of children) heap[c.config] = { afterWarmup: await c.send({ cmd: 'heap' }) };
    const sliceN = Math.ceil(n / slices);
    for (let r = 0; r < SETTINGS.rounds; r++) {
      const acc = Object.fromEntries(configs.map((k) => [k, { n: 0, wallUs: 0, cpuUs: 0 }]));
      for (let sl = 0; sl < slices; sl++) {
        const shift = r * slices + sl;
        const order = children.map((_, i) => children[(i + shift) % children.length]);
        for (const c of order) {
          const t = await c.send({ cmd: 'round', kind, n: Math.min(sliceN, n - sl * sliceN) });
          acc[c.config].n += t.n;
          acc[c.config].wallUs += t.wallUs;
          acc[c.config].cpuUs += t.cpuUs;
        }
      }
      for (const k of configs) {
        wall[k].push(acc[k].wallUs / acc[k].n);
        cpu[k].push(acc[k].cpuUs / acc[k].n);
      }
      if (kind === 'chat' && r === 0) for (const c of children) heap[c.config].after1stRound = await c.send({ cmd: 'heap' });
    }
    if (kind === 'chat') {
      const { windows, calls: m } = SETTINGS.memory;
      for (const c of children) {
        const h = heap[c.config];
        h.steady = [await c.send({ cmd: 'heap' })];
        for (let w = 0; w < windows; w++) {
          await c.send({ cmd: 'warmup', kind, n: m });
          h.steady.push(await c.send({ cmd: 'heap' }));
        }
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
      const instrumented = c.config === 'tokenpath' || c.config === 'contrib' || c.config === 'floor' || c.config === 'floor-span';
      const problems = [];
      // Cumulative: every call so far (sanity calls of both kinds, warm-ups, rounds) made one span.
      const totalCalls = v.calls.chat + v.calls.stream;
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
      if (instrumented) {
        if (!v.lastSpan?.ended) problems.push('last exported span not ended');
        if (attrs['gen_ai.usage.input_tokens'] !== 24 || attrs['gen_ai.usage.output_tokens'] !== expectOut) {
          problems.push(`last span usage ${attrs['gen_ai.usage.input_tokens']}/${attrs['gen_ai.usage.output_tokens']}, expected 24/${expectOut}`);
        }
        const total = totalCalls;
        const usage = v.metrics['gen_ai.client.token.usage'];
        const duration = v.metrics['gen_ai.client.operation.duration'];
        if (c.config !== 'floor-span' && usage?.count !== 2 * total) problems.push(`token.usage count ${usage?.count}, expected ${2 * total}`);
        if (c.config !== 'floor-span' && duration?.count !== total) problems.push(`operation.duration count ${duration?.count}, expected ${total}`);
      }
      verification[c.config] = {
        calls,
        spansExported: spans,
        totalCalls,
        totalSpansExported: v.spansExported,
        lastSpan: v.lastSpan ? { name: v.lastSpan.name, ended: v.lastSpan.ended, attributes: attrs } : undefined,
        metrics: v.metrics,
        ok: problems.length === 0,
        problems,
      };
    }
    out.verification[kind] = verification;

    const stats = (rounds) => {
      const med = Object.fromEntries(configs.map((k) => [k, median(rounds[k])]));
      const over = (k) => med[k] - med.otel;
      // Paired estimate: per-round difference to otel (rounds are interleaved), then the median.
      const paired = (k) => median(rounds[k].map((v, i) => v - rounds.otel[i]));
      const o = {
        rounds: Object.fromEntries(configs.map((k) => [k, rounds[k].map(r3)])),
        medianUs: Object.fromEntries(configs.map((k) => [k, r3(med[k])])),
        spreadPct: Object.fromEntries(
          configs.map((k) => [k, r2(((Math.max(...rounds[k]) - Math.min(...rounds[k])) / med[k]) * 100)]),
        ),
        ratioToSdk: Object.fromEntries(configs.filter((k) => k !== 'sdk').map((k) => [k, r3(med[k] / med.sdk)])),
        overheadUs: {},
        pairedOverheadUs: {},
      };
      for (const k of ['tokenpath', 'contrib', 'floor-ctx', 'floor-observe', 'floor-span', 'floor']) {
        if (!configs.includes(k)) continue;
        o.overheadUs[k] = r3(over(k));
        o.pairedOverheadUs[k] = r3(paired(k));
      }
      if (configs.includes('contrib')) {
        const ratio = over('tokenpath') / over('contrib');
        o.ratio = over('contrib') > 0 ? r3(ratio) : null;
        // A negative overhead means the noise is larger than the effect: no verdict then.
        o.pass = over('contrib') > 0 && over('tokenpath') >= 0 ? ratio <= SETTINGS.targetRatio : null;
      }
      return o;
    };
    const caseOut = {
      label: CASE_LABEL[kind],
      callsPerRound: n,
      slicesPerRound: slices,
      warmup,
      target: `tokenpath overhead ≤ ${SETTINGS.targetRatio} × contrib overhead`,
      ...stats(wall),
      cpu: stats(cpu),
    };
    out.cases[kind] = caseOut;
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
  const configs = ['otel', 'tokenpath', 'contrib', ...(args.has('--floor') || args.has('--ladder') ? ['floor'] : [])];
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
  // A shorter warm-up than the timed runs: the profile only needs the code optimised.
  for (const c of children) await c.send({ cmd: 'warmup', kind, n: Math.min(warmup, kind === 'chat' ? 4000 : 150) });
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
  const contrib = {
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
    markdown: [tokenpath, contrib, ...extra].map(toMarkdown).join('\n'),
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
const verdict = (pass) => (pass === null ? 'INCONCLUSIVE (overhead within noise)' : pass ? 'PASS' : 'FAIL');
const fmt = (x, d = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

function timingTable(cmp, pick) {
  const hasContrib = cmp.configs.includes('contrib');
  const header = ['case', ...cmp.configs.map((k) => `${k} µs`), 'tokenpath over otel µs'];
  if (hasContrib) header.push('contrib over otel µs', 'tokenpath/contrib overhead');
  const floors = ['floor-ctx', 'floor-observe', 'floor-span', 'floor'].filter((k) => cmp.configs.includes(k));
  for (const k of floors) header.push(`${k} over otel µs`);
  header.push(...cmp.configs.filter((k) => k !== 'sdk').map((k) => `${k}/sdk`));
  const rows = [];
  for (const kind of ['chat', 'stream']) {
    const c = pick(cmp.cases[kind]);
    const row = [CASE_LABEL[kind], ...cmp.configs.map((k) => fmt(c.medianUs[k])), fmt(c.overheadUs.tokenpath)];
    if (hasContrib) row.push(fmt(c.overheadUs.contrib), fmt(c.ratio, 2));
    for (const k of floors) row.push(fmt(c.overheadUs[k]));
    row.push(...cmp.configs.filter((k) => k !== 'sdk').map((k) => fmt(c.ratioToSdk[k], 3)));
    rows.push(row);
  }
  return mdTable(header, rows);
}

function noiseLine(cmp, pick) {
  return (
    'Round-to-round spread (max−min)/median: ' +
    ['chat', 'stream']
      .map((kind) => `${kind} ` + cmp.configs.map((k) => `${k} ${fmt(pick(cmp.cases[kind]).spreadPct[k])}%`).join(', '))
      .join('; ') +
    '. Paired overhead (median of per-round differences to otel): ' +
    ['chat', 'stream']
      .map(
        (kind) =>
          `${kind} ` +
          Object.entries(pick(cmp.cases[kind]).pairedOverheadUs)
            .map(([k, v]) => `${k} ${fmt(v)} µs`)
            .join(', '),
      )
      .join('; ') +
    '.'
  );
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
  if (hasContrib) {
    for (const kind of ['chat', 'stream']) {
      const c = cmp.cases[kind];
      lines.push(
        `- ${c.label}: ${c.target}: **${verdict(c.pass)}** (wall-clock ratio ${fmt(c.ratio, 2)}; CPU-time ratio ${fmt(c.cpu.ratio, 2)}: ${verdict(c.cpu.pass)})`,
      );
    }
  }
  const tp = cmp.heap.tokenpath;
  const w = tp.windowCalls.toLocaleString('en');
  const nw = s.memory.windows;
  lines.push(
    `- heap flat (tokenpath; flat = growth < ${s.flatHeapKBPer1000Calls} KB per 1,000 non-stream calls, i.e. < ${s.flatHeapKBPer1000Calls} byte/call, ` +
      `median of ${nw} steady-state windows of ${w} calls): **${tp.flat ? 'PASS' : 'FAIL'}** ` +
      `(${fmt(tp.medianWindowGrowthKB)} KB per ${w} calls = ${fmt(tp.medianWindowKBPer1000, 3)} KB/1,000; ` +
      `windows ${tp.windowGrowthKB.map((x) => fmt(x)).join(' / ')} KB; all ${(nw * tp.windowCalls).toLocaleString('en')} calls ${fmt(tp.totalKBPer1000, 3)} KB/1,000)`,
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
      ['config', 'heap after warm-up MB', `after warm-up → +${s.chat.n.toLocaleString('en')} calls KB`, 'KB/1,000', 'steady start MB', `steady windows of ${w} calls KB`, 'median KB/1,000', `all ${(nw * tp.windowCalls).toLocaleString('en')} KB/1,000`, 'flat'],
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
          h.flat ? 'yes' : 'NO',
        ];
      }),
    ),
    '',
  );
  const bad = [];
  for (const kind of ['chat', 'stream']) {
    for (const [k, v] of Object.entries(cmp.verification[kind])) if (!v.ok) bad.push(`${kind}/${k}: ${v.problems.join('; ')}`);
  }
  const spanCounts = ['chat', 'stream']
    .map(
      (kind) =>
        `after ${kind}: ` +
        cmp.configs
          .filter((k) => k !== 'sdk')
          .map((k) => `${k} ${cmp.verification[kind][k].totalSpansExported}/${cmp.verification[kind][k].totalCalls}`)
          .join(', '),
    )
    .join('; ');
  lines.push(
    bad.length === 0
      ? `Verification OK. Spans exported / calls made: ${spanCounts}. The last exported span carries the expected usage (24 in, 5 or ${STREAM_CHUNKS} out) and the token-usage / duration histogram counts equal 2× / 1× the calls.`
      : `Verification FAILED: ${bad.join(' | ')}`,
    '',
  );
  lines.push(
    `Patched: ${cmp.configs.map((k) => `${k} ${cmp.children[k].patched ? 'yes' : 'no'}`).join(', ')} ` +
      `(openai ${cmp.openai} from \`${cmp.children[cmp.configs[0]].openaiPath}\`). This comparison took ${cmp.seconds} s.`,
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
  };
  console.log(
    `tokenpath bench: node ${meta.node}, ${meta.cores} cores (${meta.cpu}), load ${meta.loadAverageAtStart.join(' ')}; ` +
      `${SETTINGS.rounds} rounds of ${SETTINGS.chat.n} non-stream calls / ${SETTINGS.stream.n} streams per config, in interleaved slices`,
  );
  const extraConfigs = args.has('--ladder')
    ? ['floor-ctx', 'floor-observe', 'floor-span', 'floor']
    : args.has('--floor')
      ? ['floor']
      : [];
  console.log(`openai 6.49.0: ${['sdk', 'otel', 'tokenpath', 'contrib', ...extraConfigs].join(', ')} ...`);
  const v6 = await compare('6', ['sdk', 'otel', 'tokenpath', 'contrib', ...extraConfigs]);
  console.log(`  done in ${v6.seconds} s`);
  console.log('openai 7 (repo root): sdk, otel, tokenpath ...');
  const v7 = await compare('7', ['sdk', 'otel', 'tokenpath']);
  console.log(`  done in ${v7.seconds} s`);

  const failing = ['chat', 'stream'].filter((k) => v6.cases[k].pass !== true);
  const profiles = [];
  const wantProfile = args.has('--profile') || (failing.length > 0 && !args.has('--no-profile'));
  if (wantProfile) {
    const kinds = args.has('--profile') ? ['chat', 'stream'] : failing;
    for (const kind of kinds) {
      console.log(`profiling ${kind} (otel, tokenpath, contrib; openai 6, --cpu-prof) ...`);
      profiles.push(await profileCase(kind, '6'));
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
      `Overhead = median(config) − median(otel).`,
    '',
    comparisonMarkdown(v6),
    comparisonMarkdown(v7),
    ...(profiles.length
      ? [
          `## Profiles (${args.has('--profile') ? '--profile' : 'tokenpath missed the target'}; openai 6, --cpu-prof --cpu-prof-interval=50, children interleaved as above)`,
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
    verdicts: {
      chat: verdict(v6.cases.chat.pass),
      stream: verdict(v6.cases.stream.pass),
      heapFlat: v6.heap.tokenpath.flat && v7.heap.tokenpath.flat ? 'PASS' : 'FAIL',
    },
    profiles: profiles.map(({ markdown, ...p }) => p),
  };
  fs.writeFileSync(path.join(resultsDir, `${outName}.json`), JSON.stringify(json, null, 2) + '\n');
  fs.writeFileSync(path.join(resultsDir, `${outName}.md`), md + '\n');
  console.log('\n' + md);
  console.log(`results: ${path.relative(process.cwd(), path.join(resultsDir, `${outName}.json`))} and ${outName}.md`);

  const verifiedOk = [v6, v7].every((cmp) =>
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
