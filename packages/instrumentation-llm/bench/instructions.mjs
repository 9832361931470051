/**
 * Instructions per call, counted by valgrind (cachegrind, no cache simulation), for configs of
 * child.mjs: the work a config does per call, apart from the machine's luck.
 *
 * Wall-clock time per call differs between two processes of the same config by more than the
 * targets (RESULTS.md, the A/A run), and this VM exposes no hardware counters to `perf`. An
 * instruction count does not depend on the machine's load, the memory layout or the CPU's caches, so
 * it tells "this code does more work" apart from "this process is slower" (the openai 7 question).
 * It counts every thread of the process (the GC's helpers and the compiler too), i.e. all the work.
 * That work still differs from one process to the next (what the JIT inlined, how many full GCs fell
 * in the window: up to 13% per call, RESULTS.md), so compare several children (`--reps`).
 *
 * Each child is warmed up as the pairs are (`--warmup` calls), collected, then makes `n` more calls
 * and is collected again; the count per call is the difference between a child of `n` calls and one of
 * `n0`, over `n − n0` (start-up, warm-up and the final collections cancel out). Under valgrind a child
 * of 20,000 warm-up calls runs for minutes; the counts do not depend on that, so `--jobs` children run
 * at once.
 *
 *   node bench/instructions.mjs --openai=7 [--configs=floor,tokenpath --kind=chat --warmup=20000 --n0=5000 --n=25000 --reps=1 --jobs=2]
 *        [--cache-sim]   (also simulate the caches: data misses per call; about twice as slow. The last level
 *                         is this machine's L3, 32 MB 16-way, unless --ll=<bytes>,<ways>,<line bytes>: the VM
 *                         reports its L3 to valgrind as 320 MB direct-mapped, which nothing would miss)
 *        [--by-code --top=40]   (callgrind instead: instructions per call by the code that ran them, JS
 *                                functions named from V8's perf map, and the largest differences from the first config)
 *
 * Needs valgrind on PATH (Debian's `valgrind`); says so and exits 2 when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchOptions, forkChild, median } from './children.mjs';

/**
 * The totals cachegrind writes in its output file, by event (`Ir` the instructions; with the cache
 * simulation also `D1mr`, `DLmw`, ...): its `events:` line names what its `summary:` line counts.
 */
export function countsIn(cachegrindOut) {
  const events = /^events:\s+(.+)$/m.exec(cachegrindOut)?.[1].trim().split(/\s+/);
  const summary = /^summary:\s+(.+)$/m.exec(cachegrindOut)?.[1].trim().split(/\s+/).map(Number);
  if (!events || !summary || events.length !== summary.length || summary.some((x) => !Number.isFinite(x))) {
    throw new Error('cachegrind output without matching events: and summary: lines');
  }
  return Object.fromEntries(events.map((e, i) => [e, summary[i]]));
}

/**
 * V8's perf map (`--perf-basic-prof`: one `start size name` line per piece of machine code it made
 * or embedded) as sorted ranges, the name without its tier mark (`JS:*f file:1:2` → `f file:1:2`),
 * so that one function counts as one row whether Sparkplug, Maglev or TurboFan compiled it.
 */
export function perfMapRanges(text) {
  const ranges = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!m) continue;
    const name = m[3].replace(/^JS:[^\w\s]?/, 'JS:').replace(/^(JS:)\s+/, '$1(anonymous) ');
    ranges.push({ start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16), name });
  }
  // Later entries first among equal starts: code made later at a reused address is the likelier owner.
  return ranges.map((r, i) => ({ ...r, i })).sort((a, b) => a.start - b.start || b.i - a.i);
}

function nameAt(ranges, address) {
  let lo = 0;
  let hi = ranges.length - 1;
  let found;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid].start <= address) (found = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  // Walk back over overlapping entries (code at a reused address) to one that holds the address.
  for (let i = found; i !== undefined && i >= 0 && i > found - 8; i--) if (address < ranges[i].end) return ranges[i].name;
  return undefined;
}

/**
 * Instructions by the code that ran them, from a callgrind file written with `--dump-instr=yes
 * --dump-line=no --compress-strings=no --compress-pos=no`: machine code V8 made or embedded is named
 * from its perf map (callgrind would give a JIT function an address, and an embedded builtin the name
 * of the nearest symbol before it); the rest (V8's and Node's C++, libc) by callgrind's own name. Only
 * self cost: the line after a `calls=` line is the callee's inclusive cost and is skipped.
 */
export function instructionsByCode(callgrindOut, ranges) {
  const byName = new Map();
  let fn = '???';
  let skipNext = false;
  for (const line of callgrindOut.split('\n')) {
    if (line.startsWith('0x')) {
      if (skipNext) {
        skipNext = false;
        continue;
      }
      const space = line.indexOf(' ');
      const address = parseInt(line.slice(2, space), 16);
      const ir = Number(line.slice(space + 1));
      const name = nameAt(ranges, address) ?? fn;
      byName.set(name, (byName.get(name) ?? 0) + ir);
    } else if (line.startsWith('fn=')) {
      fn = line.slice(3).replace(/'\d+$/, '');
    } else if (line.startsWith('calls=')) {
      skipNext = true;
    }
  }
  return byName;
}

/** The part of the process a piece of code belongs to: a package's JS, Node's, V8's builtins, its GC, its compilers, the rest. */
export function partOf(name) {
  if (name.startsWith('JS:')) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(name);
    if (pkg) return `JS ${pkg[1]}`;
    if (name.includes('packages/instrumentation-llm/')) return 'JS @tokenpath/instrumentation-llm';
    if (name.includes('packages/semconv/')) return 'JS @tokenpath/semconv';
    if (/ node:/.test(name)) return 'JS node';
    return 'JS other';
  }
  if (name.startsWith('Builtin:') || name.startsWith('Builtins_')) return 'V8 builtins';
  if (name.startsWith('BytecodeHandler:')) return 'V8 interpreter';
  if (/Mark|Scaveng|Sweep|Evacuat|Compact|Worklist|RememberedSet|Visitor|BodyDescriptor|Heap::|GCTracer|Ephemeron/.test(name)) return 'V8 GC';
  if (/compiler::|maglev::|Parser|AstValue|Bytecode|Compiler|Scanner|Deserializer/.test(name)) return 'V8 compilers';
  return 'C++ (V8, Node, libc)';
}

/** The simulated last-level cache (valgrind's `--LL`): this machine's L3, 32 MB, 16 ways, 64-byte lines. */
const LAST_LEVEL = '33554432,16,64';

/** What a row reports: instructions, and with the cache simulation the data misses of the first level and of the last. */
const REPORTED = { instructions: ['Ir'], 'D1 misses': ['D1mr', 'D1mw'], 'LL data misses': ['DLmr', 'DLmw'] };
const reported = (counts) =>
  Object.fromEntries(
    Object.entries(REPORTED)
      .filter(([, events]) => events.every((e) => e in counts))
      .map(([name, events]) => [name, events.reduce((sum, e) => sum + counts[e], 0)]),
  );

/** `[(config, n, rep)]` in an order that keeps each config's two sizes close in time. */
function jobsOf(configs, sizes, reps) {
  const jobs = [];
  for (let rep = 0; rep < reps; rep++) for (const config of configs) for (const n of sizes) jobs.push({ config, n, rep });
  return jobs;
}

async function countOne({ config, n, rep }, { openai, kind, warmup, cacheSim, lastLevel, byCode, dir, log }) {
  const out = path.join(dir, `${config.replace(/[^\w.+-]/g, '_')}.${n}.${rep}.cg`);
  // --smc-check=all-non-file: V8 writes and rewrites machine code in memory that valgrind must not
  // keep stale translations of.
  const tool = byCode
    ? ['--tool=callgrind', '--dump-instr=yes', '--dump-line=no', '--compress-strings=no', '--compress-pos=no', `--callgrind-out-file=${out}`]
    : ['--tool=cachegrind', `--cache-sim=${cacheSim ? 'yes' : 'no'}`, ...(cacheSim ? [`--LL=${lastLevel}`] : []), `--cachegrind-out-file=${out}`];
  const launcher = ['valgrind', '-q', ...tool, '--smc-check=all-non-file'];
  // --perf-basic-prof also turns V8's log on: it goes to the scratch folder, not the working directory.
  const v8Log = ['--no-logfile-per-isolate', `--logfile=${out}.v8.log`];
  const child = forkChild(config, { openai, launcher, execArgv: byCode ? ['--perf-basic-prof', ...v8Log] : [] });
  // V8 writes the perf map to /tmp whatever the folder; it is removed however the child ends.
  const perfMap = `/tmp/perf-${child.pid}.map`;
  let byName;
  try {
    await child.isReady;
    await child.send({ cmd: 'warmup', kind, n: warmup });
    await child.send({ cmd: 'heap' });
    if (n > 0) await child.send({ cmd: 'round', kind, n });
    await child.send({ cmd: 'heap' });
    await child.exit();
    if (byCode) byName = instructionsByCode(readFileSync(out, 'utf8'), perfMapRanges(readFileSync(perfMap, 'utf8')));
  } finally {
    if (child.isRunning()) child.kill();
    if (byCode) rmSync(perfMap, { force: true });
  }
  if (byCode) {
    rmSync(out, { force: true });
    log(`${config}, openai ${openai} ${kind}, ${n} calls after the warm-up (rep ${rep + 1}): ${byName.size} pieces of code counted`);
    return Object.fromEntries(byName);
  }
  const counts = reported(countsIn(readFileSync(out, 'utf8')));
  log(`${config}, openai ${openai} ${kind}, ${n} calls after the warm-up (rep ${rep + 1}): ${JSON.stringify(counts)}`);
  return counts;
}

/** Per config and counted thing: the median over reps of (count after `n` calls − count after `n0`) / (n − n0), and each rep's figure. */
export async function countInstructions({ openai, kind = 'chat', configs, warmup = 20000, n0 = 5000, n = 25000, reps = 1, jobs = 2, cacheSim = false, lastLevel = LAST_LEVEL, byCode = false, log = () => {} }) {
  if (!(n > n0)) throw new Error(`--n (${n}) must be larger than --n0 (${n0})`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenpath-instructions-'));
  try {
    const queue = jobsOf(configs, [n0, n], reps);
    const counts = new Map();
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        counts.set(`${job.config} ${job.n} ${job.rep}`, await countOne(job, { openai, kind, warmup, cacheSim, lastLevel, byCode, dir, log }));
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    const perCall = {};
    for (const config of configs) {
      perCall[config] = {};
      // Every counted thing of any of the config's children: a function may run in one child and not another.
      const counted = new Set();
      for (let rep = 0; rep < reps; rep++) for (const size of [n0, n]) for (const what of Object.keys(counts.get(`${config} ${size} ${rep}`))) counted.add(what);
      for (const what of counted) {
        const figures = Array.from({ length: reps }, (_, rep) => ((counts.get(`${config} ${n} ${rep}`)[what] ?? 0) - (counts.get(`${config} ${n0} ${rep}`)[what] ?? 0)) / (n - n0));
        perCall[config][what] = { median: median(figures), reps: figures };
      }
    }
    return { openai, kind, warmup, n0, n, reps, perCall };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opt = benchOptions();
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    console.error('instructions.mjs needs valgrind on PATH (apt-get install valgrind); nothing was counted.');
    process.exit(2);
  }
  const num = (x, d) => (x === undefined ? d : Number(x));
  const configs = (opt.configs ?? 'floor,tokenpath').split(',');
  const r = await countInstructions({
    openai: opt.openai ?? '7',
    kind: opt.kind ?? 'chat',
    configs,
    warmup: num(opt.warmup, 20000),
    n0: num(opt.n0, 5000),
    n: num(opt.n, 25000),
    reps: num(opt.reps, 1),
    jobs: num(opt.jobs, 2),
    cacheSim: 'cache-sim' in opt,
    lastLevel: opt.ll ?? LAST_LEVEL,
    byCode: 'by-code' in opt,
    log: console.log,
  });
  const f = (x) => Math.round(x).toLocaleString('en');
  if ('by-code' in opt) {
    // Each config's instructions per call by the code that ran them, and the code that differs most from the first config.
    const [base, ...others] = configs;
    const total = (c) => Object.values(r.perCall[c]).reduce((sum, x) => sum + x.median, 0);
    for (const c of configs) console.log(`${c}, openai ${r.openai} ${r.kind}: ${f(total(c))} instructions per call`);
    for (const c of others) {
      const parts = new Map();
      for (const [config, sign] of [[c, 1], [base, -1]]) {
        for (const [name, x] of Object.entries(r.perCall[config])) parts.set(partOf(name), (parts.get(partOf(name)) ?? 0) + sign * x.median);
      }
      console.log(`\n${c} over ${base}, by part of the process:`);
      for (const [part, d] of [...parts].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))) console.log(`${f(d).padStart(9)}  ${part}`);
      const names = new Set([...Object.keys(r.perCall[base]), ...Object.keys(r.perCall[c])]);
      const rows = [...names].map((name) => [name, (r.perCall[c][name]?.median ?? 0) - (r.perCall[base][name]?.median ?? 0)]);
      rows.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
      console.log(`\n${c} over ${base}: ${f(total(c) - total(base))} instructions per call; by code (${Number(opt.top ?? 40)} largest differences):`);
      for (const [name, d] of rows.slice(0, Number(opt.top ?? 40))) console.log(`${f(d).padStart(9)}  ${name.slice(0, 160)}`);
    }
    process.exit(0);
  }
  for (const config of configs) {
    for (const [what, { median: m, reps }] of Object.entries(r.perCall[config])) {
      const over = config === configs[0] ? '' : `, ${f(m - r.perCall[configs[0]][what].median)} over ${configs[0]}`;
      console.log(`${config}, openai ${r.openai} ${r.kind}: ${f(m)} ${what} per call${over} (reps: ${reps.map(f).join(', ')})`);
    }
  }
}
