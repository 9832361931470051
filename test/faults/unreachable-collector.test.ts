/**
 * An unreachable, silent or slow collector must not hold the app, nor fill its stderr, and an endpoint
 * that is down for a while must lose nothing already recorded.
 *
 * Every app here is test/faults/apps/calls-then-waits.cjs (two OpenAI calls to the stand-in, then alive
 * until SIGUSR2, then a normal end). What is timed is the app's end: from SIGUSR2 to the process being
 * gone, with the register entry, against the same app without it, measured in the same file. The bounds
 * are behaviour, not performance: the final flush may take the export timeout plus ½ s (at most 5 s,
 * `finalFlushTimeoutMs`), and MARGIN_MS is generous, for a shared CI machine.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { freePort as closedPort } from '../support/ports.js'; // a port nothing listens on: connections are refused
import {
  DURATION,
  REGISTER,
  appEnv,
  appResults,
  expectTokenMetrics,
  startApp,
  startStandIn,
  tokensOf,
  total,
  type Exit,
  type StandIn,
} from '../e2e/support.js';

const APP = 'test/faults/apps/calls-then-waits.cjs';
const MARGIN_MS = 3000;
/** OTEL_EXPORTER_OTLP_TIMEOUT for the tests that time the end: short, so that they are. */
const EXPORT_TIMEOUT_MS = 1000;
const FINAL_FLUSH_MS = EXPORT_TIMEOUT_MS + 500;

let standIn: StandIn;
let baselineEndMs: number;

beforeAll(async () => {
  standIn = await startStandIn();
  const { exit, ms } = await endApp(startApp([APP], env('http://127.0.0.1:9', 'faults-baseline', {})));
  expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null, stderr: '' });
  baselineEndMs = ms;
});
afterAll(async () => {
  await standIn?.close();
});

function env(endpoint: string, serviceName: string, vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return appEnv(endpoint, serviceName, {
    OPENAI_BASE_URL: `${standIn.url}/v1`,
    OPENAI_API_KEY: 'sk-faults-not-a-real-key',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...vars,
  });
}

/** Waits for the app's results line (whatever its content) and returns it. */
async function results(app: ReturnType<typeof startApp>): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const line = app.stdout().split('\n').find((l) => l.startsWith('{"results"'));
    if (line) return line;
    if (app.child.exitCode !== null || Date.now() > deadline) throw new Error(`no results line\n${app.stdout()}\n${app.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends SIGUSR2 (the app stops its own work) and times the end of the process. */
async function endApp(app: ReturnType<typeof startApp>): Promise<{ exit: Exit; ms: number }> {
  await results(app);
  const start = performance.now();
  app.child.kill('SIGUSR2');
  const exit = await app.exited;
  return { exit, ms: performance.now() - start };
}

function tokenpathLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('tokenpath:')).sort();
}

const line = (signal: string, cause: string) =>
  `tokenpath: exporting ${signal} failed: ${cause} (exports are retried; reported once per signal and cause)`;

/** The calls' tokens, from what the stand-in served. */
function servedTokens() {
  return standIn.served.map((s) => tokensOf(s.usage));
}

describe('an unreachable collector does not hold the app', () => {
  let hanging: { server: Server; sockets: Set<Socket>; url: string } | undefined;
  afterEach(async () => {
    if (hanging) {
      for (const socket of hanging.sockets) socket.destroy();
      hanging.server.close();
      hanging = undefined;
    }
  });

  it('ends within the export timeout when nothing listens on the endpoint, saying so once per signal', async () => {
    const port = await closedPort();
    const app = startApp(['--require', REGISTER, APP], env(`http://127.0.0.1:${port}`, 'faults-refused', {
      OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS),
    }));
    const { exit, ms } = await endApp(app);

    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(ms, exit.stderr).toBeLessThan(baselineEndMs + FINAL_FLUSH_MS + MARGIN_MS);
    const cause = `connect ECONNREFUSED 127.0.0.1:${port}`;
    expect(tokenpathLines(exit.stderr)).toEqual([line('metrics', cause), line('spans', cause)]);
    // Nothing else: no JSON stack trace, no stack frame, no line per retry.
    expect(exit.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('ends within the export timeout when the endpoint accepts connections and never answers', async () => {
    hanging = await startHangingServer();
    const app = startApp(['--require', REGISTER, APP], env(hanging.url, 'faults-hanging', {
      OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS),
    }));
    const { exit, ms } = await endApp(app);

    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(ms, exit.stderr).toBeLessThan(baselineEndMs + FINAL_FLUSH_MS + MARGIN_MS);
    const cause = 'no response within the export timeout (OTEL_EXPORTER_OTLP_TIMEOUT)';
    expect(tokenpathLines(exit.stderr)).toEqual([line('metrics', cause), line('spans', cause)]);
    expect(exit.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it.each([
    {
      what: 'nothing listens on the gRPC endpoint',
      vars: async () => ({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }),
      // grpc-js's own status: refused, or (on a slow machine) the deadline passed while it kept trying.
      spans: /^(14 UNAVAILABLE: No connection established\. Last error: Error: connect ECONNREFUSED 127\.0\.0\.1:\d+\.|4 DEADLINE_EXCEEDED: )/,
      metrics: /^(14 UNAVAILABLE: No connection established\. Last error: Error: connect ECONNREFUSED 127\.0\.0\.1:\d+\.|4 DEADLINE_EXCEEDED: )/,
    },
    {
      what: 'the endpoint is not an OTLP receiver (HTTP 404)',
      vars: async () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: standIn.url }),
      spans: /^HTTP 404 Not Found$/,
      metrics: /^HTTP Not Found$/,
    },
  ])('says once per signal why exports fail when $what, and ends in time', async ({ vars, spans, metrics }) => {
    const app = startApp(['--require', REGISTER, APP], env('http://127.0.0.1:9', 'faults-cause', {
      OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS),
      ...(await vars()),
    }));
    const { exit, ms } = await endApp(app);

    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(ms, exit.stderr).toBeLessThan(baselineEndMs + FINAL_FLUSH_MS + MARGIN_MS);
    // One line per signal and cause (a cause may change while the exporter retries), nothing else.
    const lines = tokenpathLines(exit.stderr);
    const suffix = ' (exports are retried; reported once per signal and cause)';
    expect(new Set(lines).size).toBe(lines.length);
    expect(exit.stderr.split('\n').filter(Boolean)).toHaveLength(lines.length);
    const causes = { metrics: [] as string[], spans: [] as string[] };
    for (const l of lines) {
      const m = /^tokenpath: exporting (metrics|spans) failed: (.*)$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(l.endsWith(suffix), l).toBe(true);
      causes[m![1] as 'metrics' | 'spans'].push(m![2]!.slice(0, -suffix.length));
    }
    expect(causes.metrics.length).toBeGreaterThan(0);
    expect(causes.spans.length).toBeGreaterThan(0);
    for (const c of causes.metrics) expect(c).toMatch(metrics);
    for (const c of causes.spans) expect(c).toMatch(spans);
  });

  it('on SIGTERM, with the default timeouts, flushes for at most 5 s and then ends by the signal', async () => {
    const port = await closedPort();
    const app = startApp(['--require', REGISTER, APP], env(`http://127.0.0.1:${port}`, 'faults-sigterm', {}));
    await results(app);
    const start = performance.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    const ms = performance.now() - start;

    expect(exit, exit.stderr).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(ms, exit.stderr).toBeLessThan(baselineEndMs + 5000 + MARGIN_MS);
    expect(tokenpathLines(exit.stderr)).toEqual(['tokenpath: telemetry not flushed within 5000 ms of SIGTERM']);
    expect(exit.stderr).not.toMatch(/"stack"|\n\s+at /);
  });

  it('delivers everything to a slow endpoint, and ends once it has answered', async () => {
    const receiver = await startOtlpReceiver({ delayMs: 300 });
    try {
      const app = startApp(['--require', REGISTER, APP], env(receiver.url, 'faults-slow', {
        OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS),
      }));
      const { exit, ms } = await endApp(app);

      expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null, stderr: '' });
      expect(ms).toBeLessThan(baselineEndMs + FINAL_FLUSH_MS + MARGIN_MS);
      await receiver.waitFor(() => receiver.spans.length >= 2 && total(receiver.latestPoints(DURATION)) >= 2);
      expect(receiver.spans.map((s) => s.name).sort()).toEqual(['chat gpt-4.1-nano', 'chat gpt-4o-mini']);
      expectTokenMetrics(receiver, servedTokens().slice(-2));
    } finally {
      await receiver.close();
    }
  });

  it('with the default timeouts, ends within the final-flush cap with one line, in the README example', async () => {
    const port = await closedPort();
    const vars = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined };
    const args = ['examples/with-provider.mjs', '--require', REGISTER, 'examples/apps/openai-chat.cjs'];
    // Timed from the app's results line (its calls are done, it has nothing left to do) to its end.
    const timed = async (nodeArgs: string[]) => {
      const app = startApp(nodeArgs, appEnv(`http://127.0.0.1:${port}`, 'faults-readme', vars));
      await results(app);
      const start = performance.now();
      const exit = await app.exited;
      return { exit, ms: performance.now() - start };
    };
    const without = await timed(args.filter((a) => a !== '--require' && a !== REGISTER));
    const withTokenpath = await timed(args);

    expect(withTokenpath.exit, withTokenpath.exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(appResults(withTokenpath.exit.stdout)).toEqual(appResults(without.exit.stdout));
    expect(withTokenpath.ms).toBeLessThan(without.ms + 5000 + MARGIN_MS);
    expect(tokenpathLines(withTokenpath.exit.stderr)).toEqual([
      'tokenpath: telemetry not flushed within 5000 ms of exit, the exporters are still waiting for their endpoint; the process exits without it',
    ]);
    expect(withTokenpath.exit.stderr).not.toMatch(/"stack"|\n\s+at /);
  });
});

describe('an endpoint that is down for a while', () => {
  it('loses nothing already recorded: retries deliver every span once, and the metrics count every token once', async () => {
    const port = await closedPort();
    const app = startApp(['--require', REGISTER, APP], env(`http://127.0.0.1:${port}`, 'faults-down-then-up', {
      // The exporters say when they schedule a retry: the proof that an export met the closed port.
      OTEL_LOG_LEVEL: 'verbose',
    }));
    let receiver: OtlpReceiver | undefined;
    try {
      await results(app);
      await waitFor(() => /Scheduling export retry in \d+ms/.test(app.stderr()), () => app.stderr());
      receiver = await startOtlpReceiver({ port });
      const r = receiver;
      // The spans arrive through the exporter's retries, while the app still runs.
      await r.waitFor(() => r.spans.length >= 2);
      expect(app.child.exitCode).toBeNull();

      const { exit } = await endApp(app);
      expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      expect(tokenpathLines(exit.stderr)).toEqual([]);
      await r.waitFor(() => total(r.latestPoints(DURATION)) >= 2);
      const calls = servedTokens().slice(-2);
      expect(appResults(exit.stdout)).toEqual(standIn.served.slice(-2).map((s) => s.usage));
      // Exactly once: no span twice, and the cumulative points carry each call's tokens once.
      const spans = [...r.spans].sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
      expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4.1-nano']);
      expect(spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']])).toEqual(
        calls.map((c) => [c.input, c.output]),
      );
      expectTokenMetrics(r, calls);
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
      await receiver?.close();
    }
  });
});

/** A TCP server that accepts every connection and never answers (a collector that hangs). */
async function startHangingServer(): Promise<{ server: Server; sockets: Set<Socket>; url: string }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, sockets, url: `http://127.0.0.1:${port}` };
}

async function waitFor(condition: () => boolean, describe: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms\n${describe()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
