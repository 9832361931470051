/**
 * A bench child (child.mjs) under one config, driven over IPC: `send({ cmd, ... })` resolves with
 * what the child answers. Shared by pair.mjs and process-pairs.mjs (run.mjs keeps its own, which also
 * tracks every child for the report and kills them on exit).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * `config`: a child.mjs config; `name#2` is a second child of the same config (to see the spread
 * between processes), `tokenpath@<dir>` the `tokenpath` config with another build of the package
 * (a copy of its folder with dist/), `floor+<extra>` a floor config with BENCH_FLOOR_EXTRA (child.mjs).
 * Extra child flags come from `execArgv` and BENCH_EXEC_ARGV (space-separated). `launcher`
 * (`[command, ...args]`) runs node under another program, e.g. valgrind (instructions.mjs).
 */
export function forkChild(config, { openai, execArgv = [], env = {}, launcher = undefined }) {
  const [spec, extra] = config.replace(/#.*$/, '').split('+');
  const [name, dir] = spec.split('@');
  const nodeArgs = ['--expose-gc', ...execArgv, ...(process.env.BENCH_EXEC_ARGV ?? '').split(' ').filter(Boolean)];
  const c = fork(path.join(here, 'child.mjs'), [], {
    ...(launcher ? { execPath: launcher[0], execArgv: [...launcher.slice(1), process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
    env: { ...process.env, ...env, BENCH_SDK: 'openai', BENCH_OPENAI: openai, BENCH_CONFIG: name, ...(dir ? { BENCH_TOKENPATH_DIR: dir } : {}), ...(extra ? { BENCH_FLOOR_EXTRA: extra } : {}), OTEL_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let id = 0;
  const pending = new Map();
  let ready;
  let failed;
  const isReady = new Promise((resolve, reject) => ((ready = resolve), (failed = reject)));
  c.on('exit', (code) => {
    const error = new Error(`${config}: the bench child exited (${code})`);
    failed(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  c.on('message', (m) => {
    if (m.ready) return ready(m.info);
    const p = pending.get(m.id);
    pending.delete(m.id);
    m.ok ? p.resolve(m.value) : p.reject(new Error(`${config}: ${m.error}`));
  });
  return {
    config,
    pid: c.pid,
    isReady,
    send: (msg) => new Promise((resolve, reject) => (pending.set(++id, { resolve, reject }), c.send({ ...msg, id }))),
    exit: () => new Promise((r) => (c.exitCode !== null ? r() : (c.on('exit', r), c.send({ cmd: 'exit' })))),
    kill: () => c.kill(),
    isRunning: () => c.exitCode === null && c.signalCode === null,
  };
}

/** The median; every bench script takes its figures this way. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A bench script's `--name=value` arguments (a bare `--name` is 'true'); every bench script reads them this way. */
export function benchOptions(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'];
    }),
  );
}

/** `other` minus `base`, key by key over both (a missing key counts 0), largest first; zero differences left out. */
export function differenceByKey(base, other) {
  const rows = [...new Set([...base.keys(), ...other.keys()])].map((k) => [k, (other.get(k) ?? 0) - (base.get(k) ?? 0)]);
  return rows.filter(([, d]) => d !== 0).sort((x, y) => y[1] - x[1]);
}
