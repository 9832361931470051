/**
 * Helpers for the end-to-end tests that run example apps in child processes: spawning Node with
 * a clean environment, collecting output, waiting for a line, and summing metric points.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ReceivedPoint } from '../support/otlp-receiver.js';
// @ts-expect-error -- untyped .mjs module
import { startStandIn as start } from '../../examples/llm-stand-in/server.mjs';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const REGISTER = '@tokenpath/instrumentation-llm/register';

// ---- the OpenAI stand-in, typed --------------------------------------------------------------

export type Usage = Record<string, any>;
export interface StandIn {
  url: string;
  requests: { method: string; path: string; headers: Record<string, string>; body: any }[];
  served: { path: string; model: string | null; usage: Usage | null; status: number }[];
  close(): Promise<void>;
}
export const startStandIn: () => Promise<StandIn> = start;

/** Input and output tokens of a chat (prompt/completion), Responses (input/output) or embeddings usage. */
export function tokensOf(usage: Usage | null | undefined): { input?: number; output?: number } {
  return {
    input: usage?.prompt_tokens ?? usage?.input_tokens,
    output: usage?.completion_tokens ?? usage?.output_tokens,
  };
}

// ---- child processes -------------------------------------------------------------------------

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningApp {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `line` as a whole line; rejects if the app exits first or on timeout. */
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has exited and its output streams are drained. */
  exited: Promise<Exit>;
}

/**
 * The parent's environment without anything that would steer the child (OTEL_*, OPENAI_*,
 * NODE_OPTIONS), plus `vars`; an `undefined` value removes a variable.
 */
export function childEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OTEL_|OPENAI_)/.test(key) || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `node <nodeArgs>` (this test's Node binary) in the repository root. */
export function startApp(nodeArgs: string[], env: NodeJS.ProcessEnv): RunningApp {
  const child = spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    // 'close' (not 'exit'): the output streams are complete by then.
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const describe = () => `node ${nodeArgs.join(' ')}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

  function waitForLine(line: string, timeoutMs = 10_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const has = () => stdout.split('\n').some((l) => l.trim() === line);
      const done = (error?: Error) => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const onData = () => has() && done();
      const onExit = () => done(has() ? undefined : new Error(`app exited before printing '${line}'\n${describe()}`));
      const timer = setTimeout(() => done(new Error(`no '${line}' within ${timeoutMs} ms\n${describe()}`)), timeoutMs);
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
      onData();
    });
  }

  return { child, stdout: () => stdout, stderr: () => stderr, waitForLine, exited };
}

/** Runs the app to completion; kills it (and fails) if it is still running after `timeoutMs`. */
export async function runApp(nodeArgs: string[], env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<Exit> {
  const app = startApp(nodeArgs, env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    app.child.kill('SIGKILL');
  }, timeoutMs);
  const exit = await app.exited.finally(() => clearTimeout(timer));
  if (timedOut) {
    throw new Error(`node ${nodeArgs.join(' ')} did not exit within ${timeoutMs} ms\n${exit.stdout}\n${exit.stderr}`);
  }
  return exit;
}

/** The `results` array of the app's JSON line on stdout. */
export function appResults(stdout: string): unknown[] {
  const line = stdout.split('\n').find((l) => l.startsWith('{"results"'));
  if (!line) throw new Error(`no results line on stdout:\n${stdout}`);
  return (JSON.parse(line) as { results: unknown[] }).results;
}

// ---- metric points ---------------------------------------------------------------------------

/**
 * Sums a field (histogram `sum` or `count`) of points, grouped by the value of one attribute;
 * points without the attribute are grouped under ''.
 */
export function sumByAttribute(
  points: readonly ReceivedPoint[],
  attribute: string,
  field: 'sum' | 'count' = 'sum',
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const p of points) {
    const key = String(p.attributes[attribute] ?? '');
    totals[key] = (totals[key] ?? 0) + (p[field] ?? 0);
  }
  return totals;
}

/** Total of one field over all points. */
export function total(points: readonly ReceivedPoint[], field: 'sum' | 'count' = 'count'): number {
  return points.reduce((n, p) => n + (p[field] ?? 0), 0);
}
