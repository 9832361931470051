/**
 * Reads V8 .cpuprofile files (from `--cpu-prof`) and says what an instrumentation's code costs per
 * call, counting only the samples taken during the measured round:
 *
 * - self time by source line (dist → src through the source maps);
 * - time under each of its functions, split by the function it calls. Calls into the wrapped SDK
 *   method itself (`create`, and the stream's `iterator` generator) are the uninstrumented work and
 *   are listed apart, not counted as instrumentation cost;
 * - a function-by-function self-time diff against a baseline profile (the `otel` config), which
 *   also shows costs caused outside the instrumentation's frames (GC, promise jobs, SDK work).
 *
 *   node bench/profile.mjs <profile> <calls> [<baseline profile> <calls>]   (whole profile, no window)
 */
import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
export const TOKENPATH_CODE = /\/packages\/(instrumentation-llm|semconv)\/dist\//;
export const CONTRIB_CODE = /\/@opentelemetry\/instrumentation-openai\/dist\//;
const OPENAI_SDK = /\/node_modules\/openai\//;
/** The wrapped SDK work itself: the original `create` and the SDK stream's generator. */
const PASS_THROUGH = new Set(['create', 'iterator']);

const sourceMaps = new Map();
function sourceMapOf(file) {
  if (!sourceMaps.has(file)) {
    let map;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    sourceMaps.set(file, map);
  }
  return sourceMaps.get(file);
}
const fileLines = new Map();
function indentOf(file, line0) {
  if (!fileLines.has(file)) {
    try {
      fileLines.set(file, fs.readFileSync(file, 'utf8').split('\n'));
    } catch {
      fileLines.set(file, []);
    }
  }
  const text = fileLines.get(file)[line0] ?? '';
  return text.length - text.trimStart().length;
}

/** `file:line` (1-based) of a generated position, mapped to the TypeScript source when a map exists. */
export function sourceLocation(url, line0, column0) {
  if (!url) return '(native)';
  if (!url.startsWith('file://')) return `${url}:${line0 + 1}`;
  const file = fileURLToPath(url);
  const map = TOKENPATH_CODE.test(url) ? sourceMapOf(file) : undefined;
  if (map) {
    const entry = map.findEntry(line0, column0 ?? indentOf(file, line0));
    if (entry && entry.originalSource) {
      const src = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : path.resolve(path.dirname(file), entry.originalSource);
      return `${path.relative(repoRoot, src)}:${entry.originalLine + 1}`;
    }
  }
  return `${path.relative(repoRoot, file)}:${line0 + 1}`;
}

/**
 * Loads a profile; `window` = { startUs, endUs } (or a list of them) keeps only the samples taken
 * inside it.
 */
function load(file, ours, window) {
  const windows = window === undefined ? undefined : Array.isArray(window) ? window : [window];
  const inside = (t) => windows.some((w) => t >= w.startUs && t <= w.endUs);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const c of node.children ?? []) byId.get(c).parent = node;
  // Every sample weighs the nominal interval (the median gap), not its own gap: on a loaded machine
  // the sampler thread is sometimes descheduled for milliseconds, and that gap would otherwise be
  // charged to whichever frame happens to be on top when it wakes up.
  const deltas = [...profile.timeDeltas].sort((a, b) => a - b);
  const interval = deltas[deltas.length >> 1] ?? 0;
  const samples = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (windows && !inside(t)) continue;
    samples.push({ node: byId.get(profile.samples[i]), dt: interval });
  }
  for (const node of profile.nodes) {
    const cf = node.callFrame;
    node.self = 0;
    node.ours = ours.test(cf.url);
    node.passThrough = OPENAI_SDK.test(cf.url) && PASS_THROUGH.has(cf.functionName);
  }
  for (const s of samples) s.node.self += s.dt;
  const sampledUs = samples.reduce((a, s) => a + s.dt, 0);
  return { profile, samples, sampledUs, interval };
}

function label(node) {
  const cf = node.callFrame;
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  return `${name} (${sourceLocation(cf.url, cf.lineNumber, cf.columnNumber)})`;
}

const round = (x) => Math.round(x * 1000) / 1000;
function top(map, n, calls) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, us]) => ({ what, usPerCall: round(us / calls) }));
}

/**
 * What the instrumentation's own code costs, per call.
 * `calls` = calls made in the window (or in the whole profile when there is no window).
 */
export function analyze(file, calls, { ours = TOKENPATH_CODE, window, n = 15 } = {}) {
  const { samples, sampledUs } = load(file, ours, window);
  const selfByLine = new Map();
  const byFunction = new Map(); // innermost instrumentation function → callee → µs
  const passThrough = new Map();
  let instrumentationUs = 0;

  for (const { node: leaf, dt } of samples) {
    let node = leaf;
    let child;
    let through = false;
    while (node && !node.ours) {
      if (node.passThrough) through = true;
      child = node;
      node = node.parent;
    }
    if (!node) continue;
    const fn = label(node);
    if (through) {
      // The SDK's own work, reached through the wrapper: not instrumentation cost.
      passThrough.set(fn, (passThrough.get(fn) ?? 0) + dt);
      continue;
    }
    instrumentationUs += dt;
    const callee = child ? label(child) : '(self)';
    let m = byFunction.get(fn);
    if (!m) byFunction.set(fn, (m = new Map()));
    m.set(callee, (m.get(callee) ?? 0) + dt);
    if (!child) {
      // Self time: which line, from positionTicks when V8 recorded them.
      const ticks = leaf.positionTicks ?? [];
      const tickSum = ticks.reduce((a, tk) => a + tk.ticks, 0);
      const cf = leaf.callFrame;
      const fnName = cf.functionName || '(anonymous)';
      if (tickSum === 0) {
        const where = `${sourceLocation(cf.url, cf.lineNumber, cf.columnNumber)}  [${fnName}]`;
        selfByLine.set(where, (selfByLine.get(where) ?? 0) + dt);
      } else {
        for (const tk of ticks) {
          const where = `${sourceLocation(cf.url, tk.line - 1)}  [${fnName}]`;
          selfByLine.set(where, (selfByLine.get(where) ?? 0) + (dt * tk.ticks) / tickSum);
        }
      }
    }
  }

  const functions = [...byFunction.entries()]
    .map(([fn, m]) => ({ fn, us: [...m.values()].reduce((a, b) => a + b, 0), m }))
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map(({ fn, us, m }) => ({ function: fn, usPerCall: round(us / calls), callees: top(m, 6, calls) }));

  // OTel SDK/API work called directly by the instrumentation, grouped by SDK function.
  const otelCallees = new Map();
  let selfUs = 0;
  for (const m of byFunction.values()) {
    for (const [callee, us] of m) {
      if (callee === '(self)') selfUs += us;
      else otelCallees.set(callee, (otelCallees.get(callee) ?? 0) + us);
    }
  }

  return {
    file: path.relative(repoRoot, file),
    calls,
    samples: samples.length,
    window: window
      ? { ms: round([].concat(window).reduce((a, w) => a + (w.endUs - w.startUs), 0) / 1000), windows: [].concat(window).length }
      : undefined,
    sampledUsPerCall: round(sampledUs / calls),
    instrumentationUsPerCall: round(instrumentationUs / calls),
    instrumentationSelfUsPerCall: round(selfUs / calls),
    passThroughUsPerCall: round([...passThrough.values()].reduce((a, b) => a + b, 0) / calls),
    hotLines: top(selfByLine, n, calls),
    functions,
    calleesOutsideOurCode: top(otelCallees, n, calls),
  };
}

/** Where a frame's code comes from: a package, node's internals, the GC, or V8 itself. */
export function packageOf(node) {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(V8 builtins / native)';
  if (TOKENPATH_CODE.test(url)) return '@tokenpath (our code)';
  if (url.startsWith('node:')) return 'node internals (undici, webstreams, async context, ...)';
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url.slice(url.lastIndexOf('/node_modules/')));
  if (m) return m[1];
  return path.relative(repoRoot, fileURLToPath(url));
}

/**
 * Self time per call, `file` minus `baseline` (each in its own windows): by package, then by
 * function (biggest gains first).
 */
export function diff(file, calls, window, baselineFile, baselineCalls, baselineWindow, n = 25) {
  const perFunction = (f, c, w) => {
    const { samples, sampledUs } = load(f, TOKENPATH_CODE, w);
    const byFn = new Map();
    const byPkg = new Map();
    for (const { node, dt } of samples) {
      const k = label(node);
      byFn.set(k, (byFn.get(k) ?? 0) + dt / c);
      const p = packageOf(node);
      byPkg.set(p, (byPkg.get(p) ?? 0) + dt / c);
    }
    return { byFn, byPkg, total: sampledUs / c };
  };
  const minus = (x, y) => {
    const rows = [];
    for (const k of new Set([...x.keys(), ...y.keys()])) {
      rows.push({ what: k, usPerCall: round((x.get(k) ?? 0) - (y.get(k) ?? 0)) });
    }
    return rows.sort((r1, r2) => r2.usPerCall - r1.usPerCall);
  };
  const a = perFunction(file, calls, window);
  const b = perFunction(baselineFile, baselineCalls, baselineWindow);
  const fns = minus(a.byFn, b.byFn);
  return {
    sampledUsPerCall: round(a.total),
    baselineSampledUsPerCall: round(b.total),
    byPackage: minus(a.byPkg, b.byPkg).filter((r) => Math.abs(r.usPerCall) >= 0.05),
    grew: fns.slice(0, n),
    shrank: fns.slice(-5).reverse(),
  };
}

export function toMarkdown(report) {
  const lines = [];
  const { analysis: a, vsBaseline, label: title } = report;
  lines.push(`### ${title}`, '');
  lines.push(
    `\`${a.file}\`: ${a.calls} calls${a.window ? ` in ${a.window.windows} measured slices (${a.window.ms} ms)` : ''}, ${a.samples} samples, ${a.sampledUsPerCall} µs/call sampled (profiler on; each sample weighs the median sampling interval). ` +
      `Instrumentation cost under its own frames: **${a.instrumentationUsPerCall} µs/call** ` +
      `(${a.instrumentationSelfUsPerCall} in its own code, the rest in what it calls); ` +
      `the wrapped SDK work reached through it (\`create\`, the stream generator) is excluded: ${a.passThroughUsPerCall} µs/call.`,
    '',
  );
  lines.push('What it calls outside its own code (µs/call):', '', '| µs/call | callee |', '|---:|---|');
  for (const r of a.calleesOutsideOurCode) lines.push(`| ${r.usPerCall} | \`${r.what}\` |`);
  lines.push('', 'By function (innermost instrumentation frame), split by callee (µs/call):', '');
  for (const r of a.functions) {
    lines.push(`- **${r.usPerCall}** \`${r.function}\``);
    for (const c of r.callees) lines.push(`  - ${c.usPerCall} → \`${c.what}\``);
  }
  lines.push('', 'Self time in its own code by source line (µs/call):', '', '| µs/call | line |', '|---:|---|');
  for (const r of a.hotLines) lines.push(`| ${r.usPerCall} | \`${r.what}\` |`);
  if (vsBaseline) {
    lines.push(
      '',
      `Whole process, this profile minus the \`otel\` profile (sampled ${vsBaseline.sampledUsPerCall} vs ${vsBaseline.baselineSampledUsPerCall} µs/call, ` +
        `difference ${round(vsBaseline.sampledUsPerCall - vsBaseline.baselineSampledUsPerCall)}): self time by package, which includes what the instrumentation ` +
        'causes outside its own frames (GC, promise jobs, extra SDK work):',
      '',
      '| +µs/call | package |',
      '|---:|---|',
    );
    for (const r of vsBaseline.byPackage) lines.push(`| ${r.usPerCall} | ${r.what} |`);
    lines.push(
      '',
      'By function (cross-process: a few tenths of a µs of noise per row, JIT inlining differs):',
      '',
      '| +µs/call | function |',
      '|---:|---|',
    );
    for (const r of vsBaseline.grew) lines.push(`| ${r.usPerCall} | \`${r.what}\` |`);
  }
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, calls, baseFile, baseCalls] = process.argv.slice(2);
  const ours = process.env.PROFILE_OURS ? new RegExp(process.env.PROFILE_OURS) : TOKENPATH_CODE;
  const report = { label: path.basename(file), analysis: analyze(path.resolve(file), Number(calls), { ours }) };
  if (baseFile) {
    report.vsBaseline = diff(path.resolve(file), Number(calls), undefined, path.resolve(baseFile), Number(baseCalls), undefined);
  }
  console.log(toMarkdown(report));
}
