/**
 * Helpers for the end-to-end tests that run example apps in child processes: spawning Node with
 * a clean environment, collecting output, waiting for a line, a fresh stand-in and OTLP receiver per
 * test, the apps' uninstrumented baseline, and exact checks of the exported spans and metric points.
 */
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedPoint, type ReceivedSpan } from '../support/otlp-receiver.js';
// @ts-expect-error -- untyped .mjs module
import { startStandIn as start } from '../../examples/llm-stand-in/server.mjs';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const REGISTER = '@tokenpath/instrumentation-llm/register';
export const TOKEN_USAGE = 'gen_ai.client.token.usage';
export const DURATION = 'gen_ai.client.operation.duration';
export const SPAN_KIND_CLIENT = 3;

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

/**
 * The environment of an app: `vars` (the SDK's own settings; `undefined` removes one) on top of the
 * standard OTLP settings for `receiverUrl` and `serviceName`. OTEL_METRIC_EXPORT_INTERVAL is 60 s, so
 * metrics arrive only through the flush at exit (or on a signal); logs are not exported.
 */
export function appEnv(receiverUrl: string, serviceName: string, vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return childEnv({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_METRIC_EXPORT_INTERVAL: '60000',
    OTEL_SERVICE_NAME: serviceName,
    OTEL_LOGS_EXPORTER: 'none',
    ...vars,
  });
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

/** The app exited normally, and neither tokenpath nor import-in-the-middle complained on stderr. */
export function expectCleanRun(exit: Exit): void {
  expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
  expect(exit.stderr).not.toMatch(/tokenpath:/);
  expect(exit.stderr).not.toMatch(/import-in-the-middle/);
}

/**
 * As `expectCleanRun`, for an app that calls models the price table does not know (the stand-in's fictional
 * names): tokenpath says so exactly once per model (src/core/cost.ts), and writes nothing else.
 */
export function expectCleanRunWithUnpriced(exit: Exit, unpriced: readonly { provider: string; model: string }[]): void {
  let stderr = exit.stderr;
  for (const { provider, model } of unpriced) {
    const lines = stderr.split('\n').filter((l) => l.includes(`no price for model "${model}" of provider "${provider}"`));
    expect(lines, exit.stderr).toHaveLength(1);
    stderr = stderr.replace(`${lines[0]}\n`, '');
  }
  expectCleanRun({ ...exit, stderr });
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

// ---- per-test stand-in and receiver, and the apps' baseline -----------------------------------

export interface Scenario {
  receiver: OtlpReceiver;
  standIn: StandIn;
}

/** A fresh OTLP receiver and stand-in for every test of the file (so the assertions can be exact). */
export function useScenario(): Scenario {
  const scenario = {} as Scenario;
  beforeEach(async () => {
    scenario.receiver = await startOtlpReceiver();
    scenario.standIn = await startStandIn();
  });
  afterEach(async () => {
    await Promise.all([scenario.receiver.close(), scenario.standIn.close()]);
  });
  return scenario;
}

/**
 * Before the file's tests, runs each app once WITHOUT the register entry, against a stand-in and receiver of
 * its own: it must exit normally and export nothing, and `check` states what else must hold of its results.
 * Returns the apps' stdout results by app (filled by the time the tests run).
 */
export function useBaseline(
  apps: readonly string[],
  env: (standIn: StandIn, receiverUrl: string) => NodeJS.ProcessEnv,
  check: (results: unknown[], standIn: StandIn) => void,
): Record<string, unknown[]> {
  const baseline: Record<string, unknown[]> = {};
  beforeAll(async () => {
    for (const app of apps) {
      const [ownReceiver, ownStandIn] = await Promise.all([startOtlpReceiver(), startStandIn()]);
      try {
        const exit = await runApp([app], env(ownStandIn, ownReceiver.url));
        expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
        baseline[app] = appResults(exit.stdout);
        check(baseline[app], ownStandIn);
        expect(ownReceiver.requests).toHaveLength(0);
      } finally {
        await Promise.all([ownReceiver.close(), ownStandIn.close()]);
      }
    }
  });
  return baseline;
}

// ---- exported telemetry --------------------------------------------------------------------------

/** Waits until `spans` spans and `durations` duration points have arrived (the app has already exited). */
export async function telemetryArrived(receiver: OtlpReceiver, spans: number, durations = spans): Promise<void> {
  await receiver.waitFor(() => receiver.spans.length >= spans && total(receiver.latestPoints(DURATION)) >= durations);
}

/** The tokens of one call, as the conventions count them (undefined: the call has no such count). */
export interface CallTokens {
  input?: number;
  output?: number;
}

/**
 * Token metrics: the histogram sums per token type are the calls' totals, with `pointsPerType` points of each
 * type (by default, one per call that has that count); one duration point per call.
 */
export function expectTokenMetrics(
  receiver: OtlpReceiver,
  calls: readonly CallTokens[],
  pointsPerType?: { input: number; output: number },
): void {
  const sum = (key: 'input' | 'output') => calls.reduce((n, c) => n + (c[key] ?? 0), 0);
  const count = (key: 'input' | 'output') => calls.filter((c) => c[key] !== undefined).length;
  const tokenPoints = receiver.latestPoints(TOKEN_USAGE);
  expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'sum')).toEqual({ input: sum('input'), output: sum('output') });
  expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'count')).toEqual(pointsPerType ?? { input: count('input'), output: count('output') });
  expect(total(receiver.latestPoints(DURATION), 'count')).toBe(calls.length);
}

/**
 * Exactly one CLIENT span per call, in call order: the spans are named `names`, come from `serviceName`, carry
 * `attributes` and exactly the call's input and output tokens. Returns them in that order.
 */
export function expectCallSpans(
  receiver: OtlpReceiver,
  names: readonly string[],
  calls: readonly CallTokens[],
  serviceName: string,
  attributes: Record<string, unknown>,
): ReceivedSpan[] {
  const spans = [...receiver.spans].sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
  expect(spans.map((s) => s.name)).toEqual(names);
  spans.forEach((span, i) => {
    expect(span.kind).toBe(SPAN_KIND_CLIENT);
    expect(span.resource).toMatchObject({ 'service.name': serviceName });
    expect(span.attributes).toMatchObject(attributes);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(calls[i].input);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(calls[i].output);
  });
  return spans;
}

/** What one app run is expected to have exported (see `expectExportedCalls`). */
export interface ExportedCalls {
  /** The span names, in call order. */
  names: readonly string[];
  /** The tokens of each call, in call order. */
  calls: readonly CallTokens[];
  serviceName: string;
  /** Attributes every span carries. */
  attributes: Record<string, unknown>;
  /** A credential the app used, which must be in no exported span or metric. */
  secret: string;
  /** Token points of each type, when not one per call that has that count (see `expectTokenMetrics`). */
  pointsPerType?: { input: number; output: number };
}

/**
 * What an app's run exported, checked whole once it has arrived: one call per span name, no receiver errors, one
 * CLIENT span per call (`expectCallSpans`), the calls' token and duration metrics (`expectTokenMetrics`), and the
 * secret in none of it. Returns the spans in call order.
 */
export async function expectExportedCalls(receiver: OtlpReceiver, expected: ExportedCalls): Promise<ReceivedSpan[]> {
  expect(expected.calls).toHaveLength(expected.names.length);
  await telemetryArrived(receiver, expected.names.length);
  expect(receiver.errors).toEqual([]);
  const spans = expectCallSpans(receiver, expected.names, expected.calls, expected.serviceName, expected.attributes);
  expectTokenMetrics(receiver, expected.calls, expected.pointsPerType);
  expectNotExported(receiver, expected.secret);
  return spans;
}

/** A secret (an API key, an access key id) is in no exported span or metric. */
export function expectNotExported(receiver: OtlpReceiver, secret: string): void {
  expect(JSON.stringify(receiver.spans)).not.toContain(secret);
  expect(JSON.stringify(receiver.metrics)).not.toContain(secret);
}
