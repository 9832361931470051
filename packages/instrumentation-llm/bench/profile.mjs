/**
 * Reads V8 .cpuprofile files (from `--cpu-prof`) and says what our code costs per call:
 * self time by source line (dist → src through the source maps), time under each of our functions
 * split by what it calls, and a function-by-function diff against a baseline profile (which shows
 * costs our code causes outside its own frames: GC, extra promise jobs, SDK work).
 *
 *   node bench/profile.mjs <tokenpath.cpuprofile> <calls> [<otel.cpuprofile> <calls>]
 */
import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const OURS = /\/packages\/(instrumentation-llm|semconv)\/dist\//;

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

/** `file:line` (1-based) of a generated position, mapped to the TypeScript source when ours. */
export function sourceLocation(url, line0, column0) {
  if (!url) return '(native)';
  if (!url.startsWith('file://')) return `${url}:${line0 + 1}`;
  const file = fileURLToPath(url);
  const map = OURS.test(url) ? sourceMapOf(file) : undefined;
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

function load(file, ours = OURS) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const c of node.children ?? []) byId.get(c).parent = node;
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  for (const node of profile.nodes) {
    const cf = node.callFrame;
    node.self = self.get(node.id) ?? 0;
    node.ours = ours.test(cf.url);
    node.key = `${cf.functionName || '(anonymous)'} ${cf.url}:${cf.lineNumber}:${cf.columnNumber}`;
  }
  return { profile, byId, totalUs: profile.endTime - profile.startTime };
}

function label(node) {
  const cf = node.callFrame;
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  return `${name} (${sourceLocation(cf.url, cf.lineNumber, cf.columnNumber)})`;
}

function top(map, n, calls) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, us]) => ({ what, usPerCall: round(us / calls) }));
}
const round = (x) => Math.round(x * 1000) / 1000;

/** What our code costs, per call. `calls` = calls made in the profiled process. */
export function analyze(file, calls, n = 15, ours = OURS) {
  const { profile, byId } = load(file, ours);
  const selfByLine = new Map(); // our source line → µs (self)
  const selfByFunction = new Map(); // our function → µs (self)
  const underOurs = new Map(); // our innermost function → callee outside our code → µs
  let outermostTotal = 0; // time with at least one of our frames on the stack

  for (const node of profile.nodes) {
    if (!node.ours || node.self === 0) continue;
    const fn = label(node);
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + node.self);
    const ticks = node.positionTicks ?? [];
    const tickSum = ticks.reduce((s, t) => s + t.ticks, 0);
    if (tickSum === 0) {
      const where = sourceLocation(node.callFrame.url, node.callFrame.lineNumber, node.callFrame.columnNumber);
      selfByLine.set(where, (selfByLine.get(where) ?? 0) + node.self);
    }
    for (const t of ticks) {
      const where = `${sourceLocation(node.callFrame.url, t.line - 1)}  [in ${node.callFrame.functionName || '(anonymous)'}]`;
      selfByLine.set(where, (selfByLine.get(where) ?? 0) + (node.self * t.ticks) / tickSum);
    }
  }

  for (const [i, id] of profile.samples.entries()) {
    const dt = profile.timeDeltas[i] ?? 0;
    let node = byId.get(id);
    let child;
    // The innermost of our frames, and what it was calling.
    while (node && !node.ours) {
      child = node;
      node = node.parent;
    }
    if (!node) continue;
    outermostTotal += dt;
    const fn = label(node);
    const callee = child ? label(child) : '(self)';
    let m = underOurs.get(fn);
    if (!m) underOurs.set(fn, (m = new Map()));
    m.set(callee, (m.get(callee) ?? 0) + dt);
  }

  const inclusive = [...underOurs.entries()]
    .map(([fn, m]) => ({ fn, us: [...m.values()].reduce((a, b) => a + b, 0), m }))
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map(({ fn, us, m }) => ({ function: fn, usPerCall: round(us / calls), callees: top(m, 6, calls) }));

  return {
    file: path.relative(repoRoot, file),
    calls,
    profiledMs: round((profile.endTime - profile.startTime) / 1000),
    usPerCallUnderOurFrames: round(outermostTotal / calls),
    hotLines: top(selfByLine, n, calls),
    selfByFunction: top(selfByFunction, n, calls),
    innermostOursByCallee: inclusive,
  };
}

/** Self time per function, per call: `file` minus `baseline`; the biggest gains first. */
export function diff(file, calls, baselineFile, baselineCalls, n = 25) {
  const perFunction = (f, c) => {
    const { profile } = load(f);
    const m = new Map();
    for (const node of profile.nodes) {
      if (node.self === 0) continue;
      const k = label(node);
      m.set(k, (m.get(k) ?? 0) + node.self / c);
    }
    return m;
  };
  const a = perFunction(file, calls);
  const b = perFunction(baselineFile, baselineCalls);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [];
  for (const k of keys) rows.push({ what: k, usPerCall: round((a.get(k) ?? 0) - (b.get(k) ?? 0)) });
  rows.sort((x, y) => y.usPerCall - x.usPerCall);
  const totalA = [...a.values()].reduce((s, v) => s + v, 0);
  const totalB = [...b.values()].reduce((s, v) => s + v, 0);
  return { sampledUsPerCall: round(totalA), baselineSampledUsPerCall: round(totalB), grew: rows.slice(0, n) };
}

export function toMarkdown(report) {
  const lines = [];
  const { analysis, vsBaseline, label: title } = report;
  lines.push(`### ${title}`, '');
  lines.push(
    `Profile \`${analysis.file}\`: ${analysis.calls} calls, ${analysis.profiledMs} ms sampled. ` +
      `Time with one of our frames on the stack: **${analysis.usPerCallUnderOurFrames} µs/call**.`,
    '',
  );
  lines.push('Self time in our code by source line (µs/call):', '', '| µs/call | where |', '|---:|---|');
  for (const r of analysis.hotLines) lines.push(`| ${r.usPerCall} | \`${r.what}\` |`);
  lines.push('', 'Time under our innermost frame, by what it calls (µs/call):', '');
  for (const r of analysis.innermostOursByCallee) {
    lines.push(`- **${r.usPerCall}** \`${r.function}\``);
    for (const c of r.callees) lines.push(`  - ${c.usPerCall} → \`${c.what}\``);
  }
  if (vsBaseline) {
    lines.push(
      '',
      `Self time per function, this profile minus the \`otel\` baseline (sampled total ${vsBaseline.sampledUsPerCall} vs ${vsBaseline.baselineSampledUsPerCall} µs/call):`,
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
  const ours = process.env.PROFILE_OURS ? new RegExp(process.env.PROFILE_OURS) : OURS;
  const report = { label: path.basename(file), analysis: analyze(path.resolve(file), Number(calls), 15, ours) };
  if (baseFile) report.vsBaseline = diff(path.resolve(file), Number(calls), path.resolve(baseFile), Number(baseCalls));
  console.log(toMarkdown(report));
}
