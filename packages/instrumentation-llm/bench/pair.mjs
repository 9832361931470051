/**
 * A quick A/B of a few configs on one case, for working on the hot path (the full comparison is
 * run.mjs): each config in its own child (child.mjs), rounds of interleaved slices, and the median
 * of the per-slice differences of each config against the first one.
 *
 *   node bench/pair.mjs --openai=6 --kind=chat --configs=floor,tokenpath [--rounds=5 --n=20000 --slices=10]
 *
 * Configs as children.mjs takes them: `tokenpath@<dir>` another build, `name#2` a second process;
 * extra child flags (e.g. --cpu-prof) in BENCH_EXEC_ARGV, space-separated. --profile: every child under --cpu-prof (in /tmp/pair-profiles),
 * and each config's self time by function against the first config's, over the timed slices only.
 * --alloc: bytes allocated per call (per stream) by each config, and by function against the first;
 * with --survivors, only the bytes that outlived a young-generation GC (what the young GCs copy).
 */
import path from 'node:path';
import { diff } from './profile.mjs';
import { benchOptions, differenceByKey, forkChild, median } from './children.mjs';
import { PAIR_DEFAULTS } from './process-pairs.mjs';

const opt = benchOptions();
const openai = opt.openai ?? '6';
const kind = opt.kind ?? 'chat';
const configs = (opt.configs ?? 'floor,tokenpath').split(',');
const rounds = Number(opt.rounds ?? 5);
const n = Number(opt.n ?? (kind === 'chat' ? 20000 : 400));
const slices = Number(opt.slices ?? 10);
const warmup = Number(opt.warmup ?? PAIR_DEFAULTS[kind].warmup);
const perCall = kind === 'chat' ? 1 : Number(opt.chunks ?? 201);

const profileDir = '/tmp/pair-profiles';
const profileFile = (config) => path.join(profileDir, `${config.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
function profileArgs(config) {
  if (!opt.profile) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${path.basename(profileFile(config))}`, '--cpu-prof-interval=50'];
}

const child = (config) => forkChild(config, { openai, execArgv: profileArgs(config) });

const kids = configs.map(child);
await Promise.all(kids.map((k) => k.isReady));
for (const k of kids) await k.send({ cmd: 'warmup', kind, n: warmup });
if (opt.alloc) {
  const allocN = Number(opt.alloc === 'true' ? (kind === 'chat' ? 5000 : 100) : opt.alloc);
  const got = {};
  for (const k of kids) got[k.config] = await k.send({ cmd: 'alloc', kind, n: allocN, survivors: Boolean(opt.survivors) });
  const base = configs[0];
  const what = opt.survivors ? 'that outlived a young-generation GC' : 'allocated';
  console.log(`bytes ${what} per ${kind === 'chat' ? 'call' : 'stream'} (sampling heap profiler, ${allocN} calls):`);
  for (const c of configs) console.log(`${c.padEnd(16)} ${String(got[c].bytesPerCall).padStart(9)}${c === base ? '' : `  (+${got[c].bytesPerCall - got[base].bytesPerCall})`}`);
  for (const c of configs.slice(1)) {
    const bytesByFunction = (config) => new Map(got[config].rows.map((r) => [r.what, r.bytesPerCall]));
    const rows = differenceByKey(bytesByFunction(base), bytesByFunction(c));
    console.log(`\n${c} against ${base}, bytes per call by allocating function:`);
    for (const [w, d] of [...rows.slice(0, 30), ...rows.slice(-6)]) console.log(`${String(d).padStart(8)}  ${w}`);
  }
  for (const k of kids) await k.exit();
  process.exit(0);
}
const per = Object.fromEntries(configs.map((c) => [c, { wall: [], cpu: [], windows: [], calls: 0 }]));
const sliceN = Math.max(1, Math.round(n / slices));
for (let r = 0; r < rounds; r++) {
  for (let s = 0; s < slices; s++) {
    const order = kids.map((_, i) => kids[(i + s + r) % kids.length]);
    for (const k of order) {
      const v = await k.send({ cmd: 'round', kind, n: sliceN });
      per[k.config].wall.push(v.wallUs / v.n / perCall);
      per[k.config].cpu.push(v.cpuUs / v.n / perCall);
      per[k.config].windows.push({ startUs: v.startUs, endUs: v.endUs });
      per[k.config].calls += v.n;
    }
  }
}
const unit = kind === 'chat' ? 'µs/call' : 'µs/chunk';
const base = configs[0];
console.log(`openai ${openai} ${kind}, ${rounds}×${slices} slices of ${sliceN}; ${unit}, medians; diff = median of per-slice differences against ${base}`);
for (const c of configs) {
  const w = per[c].wall;
  const diffs = (m) => per[c][m].map((x, i) => x - per[base][m][i]);
  console.log(
    `${c.padEnd(16)} wall ${median(w).toFixed(2).padStart(8)}  cpu ${median(per[c].cpu).toFixed(2).padStart(8)}` +
      (c === base ? '' : `   diff wall ${median(diffs('wall')).toFixed(2).padStart(7)}  cpu ${median(diffs('cpu')).toFixed(2).padStart(7)}`),
  );
}
for (const k of kids) await k.exit();
if (opt.profile) {
  for (const c of configs.slice(1)) {
    const a = per[c];
    const b = per[base];
    console.log(`\n## ${c} against ${base} (per ${kind === 'chat' ? 'call' : 'stream'})\n`);
    const d = diff(profileFile(c), a.calls, a.windows, profileFile(base), b.calls, b.windows, 30);
    console.log(`sampled ${d.sampledUsPerCall} vs ${d.baselineSampledUsPerCall} µs (profiler on)`);
    for (const r of d.byPackage) console.log(`${String(r.usPerCall).padStart(9)}  ${r.what}`);
    console.log('');
    for (const r of [...d.grew, ...d.shrank]) console.log(`${String(r.usPerCall).padStart(9)}  ${r.what}`);
  }
}
