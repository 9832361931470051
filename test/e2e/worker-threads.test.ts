/**
 * LLM calls in the app's own worker threads, under the register entry: an app (CJS and ESM, with CJS
 * and ESM workers) makes one call on its main thread and three in each of two workers (one worker
 * ends by itself, the other is terminated by the app), all against the stand-in, with the real OTLP
 * exporters delivering to a receiver. Workers inherit the register entry through `execArgv`.
 */
import { describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import {
  REGISTER,
  SPAN_KIND_CLIENT,
  TOKEN_USAGE,
  appEnv,
  expectCleanRun,
  expectTokenMetrics,
  runApp,
  telemetryArrived,
  tokensOf,
  useScenario,
  type Usage,
} from './support.js';

const DIR = 'test/e2e/worker-threads';
const SERVICE_NAME = 'worker-threads-app';
const LLM_SPAN = 'chat gpt-4o-mini';

const scenario = useScenario();

const env = (): NodeJS.ProcessEnv =>
  appEnv(scenario.receiver.url, SERVICE_NAME, { OPENAI_BASE_URL: `${scenario.standIn.url}/v1`, OPENAI_API_KEY: 'sk-e2e-not-a-real-key' });

interface AppOutput {
  /** Usages per thread: [main], [worker that ends], [worker that is terminated]. */
  results: Usage[][];
  /** tokenpath's worker handshakes, as the app's main thread saw them. */
  handshakes: number;
}

function outputOf(stdout: string): AppOutput {
  const line = stdout.split('\n').find((l) => l.startsWith('{"results"'));
  if (!line) throw new Error(`no results line on stdout:\n${stdout}`);
  return JSON.parse(line) as AppOutput;
}

const byId = (spans: readonly ReceivedSpan[]) => new Map(spans.map((s) => [s.spanId, s]));

describe.each([
  ['a CommonJS app with CommonJS workers', '--require', 'app.cjs', 'worker.cjs'],
  ['an ESM app with ESM workers', '--import', 'app.mjs', 'worker.mjs'],
  ['a CommonJS app with ESM workers', '--require', 'app.cjs', 'worker.mjs'],
])('%s', (_, flag, app, worker) => {
  it('meters every thread once, with exact token totals, and sends each worker span under its parent', async () => {
    const baseline = await runApp([`${DIR}/${app}`, worker], env(), 20_000);
    expect(baseline, baseline.stderr).toMatchObject({ code: 0, signal: null });
    expect(outputOf(baseline.stdout).handshakes).toBe(0);
    scenario.standIn.served.length = 0;

    const exit = await runApp([flag, REGISTER, `${DIR}/${app}`, worker], env(), 20_000);
    expectCleanRun(exit);
    const { results, handshakes } = outputOf(exit.stdout);
    // The app's answers are the same with tokenpath; one handshake per app worker (none from Node's hooks threads).
    expect(results).toEqual(outputOf(baseline.stdout).results);
    expect(results.map((thread) => thread.length)).toEqual([1, 2, 2]);
    expect(handshakes).toBe(2);

    const calls = results.flat().map(tokensOf);
    const pair = (c: { input?: number; output?: number }) => [c.input, c.output];
    // What the app got is what the stand-in put on the wire, call for call.
    expect(calls.map(pair).sort()).toEqual(scenario.standIn.served.map((s) => pair(tokensOf(s.usage))).sort());
    const { receiver } = scenario;
    await telemetryArrived(receiver, 8, calls.length);
    // Exact totals over main + workers, one series set under one resource and tokenpath's scope.
    expectTokenMetrics(receiver, calls);
    const tokenMetrics = receiver.metrics.filter((m) => m.name === TOKEN_USAGE);
    expect(new Set(tokenMetrics.map((m) => JSON.stringify([m.resource['service.instance.id'], m.scope.name])))).toEqual(
      new Set([JSON.stringify([tokenMetrics[0].resource['service.instance.id'], '@tokenpath/instrumentation-llm'])]),
    );

    // Spans: the main thread's call, the app's dispatch span, a job span per worker and its two calls.
    const spans = receiver.spans;
    expect(spans.map((s) => s.name).sort()).toEqual([LLM_SPAN, LLM_SPAN, LLM_SPAN, LLM_SPAN, LLM_SPAN, 'dispatch', 'job', 'job']);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    const resources = new Set(spans.map((s) => JSON.stringify(s.resource)));
    expect(resources.size).toBe(1);
    expect(spans[0].resource).toMatchObject({ 'service.name': SERVICE_NAME });

    const ids = byId(spans);
    const dispatch = spans.find((s) => s.name === 'dispatch')!;
    expect(dispatch.parentSpanId).toBe('');
    const jobs = spans.filter((s) => s.name === 'job');
    for (const job of jobs) expect(job).toMatchObject({ traceId: dispatch.traceId, parentSpanId: dispatch.spanId });
    const llmSpans = spans.filter((s) => s.name === LLM_SPAN);
    const inWorkers = llmSpans.filter((s) => ids.get(s.parentSpanId)?.name === 'job');
    expect(inWorkers).toHaveLength(4);
    for (const job of jobs) expect(inWorkers.filter((s) => s.parentSpanId === job.spanId)).toHaveLength(2);
    for (const span of inWorkers) {
      expect(span.traceId).toBe(dispatch.traceId);
      expect(span.kind).toBe(SPAN_KIND_CLIENT);
    }
    const onMain = llmSpans.filter((s) => s.parentSpanId === '');
    expect(onMain).toHaveLength(1);
    // Every call's span carries that call's own usage.
    expect(llmSpans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']]).sort()).toEqual(
      calls.map(pair).sort(),
    );
  });
});

describe('a worker given the register entry while the main thread runs without it', () => {
  it('runs unchanged and says once that its calls cannot be exported', async () => {
    const exit = await runApp([`${DIR}/lone-worker.cjs`], env(), 20_000);
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    const usages = outputOf(exit.stdout).results[0];
    expect(usages.map(tokensOf)).toEqual(scenario.standIn.served.map((s) => tokensOf(s.usage)));
    expect(exit.stderr).toBe(
      'tokenpath: this worker thread cannot reach the main thread; its LLM calls are not exported ' +
        '(start the main thread with the register entry too)\n',
    );
    expect(scenario.receiver.requests).toHaveLength(0);
  });
});
