/**
 * A quiet first five minutes: configurations a new user reaches for first print nothing on the app's
 * stderr while they work. A Prometheus scrape (the SDK used to log "Accessing resource attributes before
 * async attributes settled" twice per scrape, forever) and metrics without traces (the SDK used to warn
 * "SDK will not be initialized" although metrics work).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REGISTER,
  appEnv,
  appResults,
  childEnv,
  expectTokenMetrics,
  runApp,
  startApp,
  startStandIn,
  tokensOf,
  type RunningApp,
  type StandIn,
} from '../e2e/support.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/ports.js';

const SCRAPES = 20;

describe('OTEL_METRICS_EXPORTER=prometheus', () => {
  let standIn: StandIn;
  let app: RunningApp;
  let port: number;

  beforeAll(async () => {
    standIn = await startStandIn();
    port = await freePort();
    app = startApp(['--require', REGISTER, 'examples/collector/prometheus-app.cjs'], childEnv({
      OPENAI_BASE_URL: `${standIn.url}/v1`,
      OPENAI_API_KEY: 'sk-quiet-not-a-real-key',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_SERVICE_NAME: 'quiet-prometheus',
    }));
    await app.waitForLine('ready', 20_000);
  });
  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    await standIn?.close();
  });

  it(`serves the exact token totals on each of ${SCRAPES} scrapes and leaves stderr empty`, async () => {
    const expected = { input: 0, output: 0 };
    for (const served of standIn.served) {
      const tokens = tokensOf(served.usage);
      expected.input += tokens.input ?? 0;
      expected.output += tokens.output ?? 0;
    }
    expect(expected.input).toBeGreaterThan(0);

    for (let i = 0; i < SCRAPES; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(tokenSums(await response.text())).toEqual(expected);
    }
    // The target_info resource is complete (host.id is the attribute the host detector reads asynchronously).
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(body).toMatch(/^target_info\{.*host_id="[^"]+".*\} 1$/m);
    expect(app.stderr()).toBe('');
  });
});

describe('OTEL_TRACES_EXPORTER=none', () => {
  it('exports the metrics over OTLP and says nothing on stderr', async () => {
    const [standIn, receiver] = await Promise.all([startStandIn(), startOtlpReceiver()]);
    try {
      const exit = await runApp(['--require', REGISTER, 'examples/apps/openai-chat.cjs'], appEnv(receiver.url, 'quiet-no-traces', {
        OPENAI_BASE_URL: `${standIn.url}/v1`,
        OPENAI_API_KEY: 'sk-quiet-not-a-real-key',
        OTEL_TRACES_EXPORTER: 'none',
      }), 20_000);
      expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
      expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));
      await receiver.waitFor(() => receiver.latestPoints('gen_ai.client.operation.duration').length > 0);
      expectTokenMetrics(receiver, standIn.served.map((s) => tokensOf(s.usage)));
      expect(receiver.spans).toEqual([]);
      expect(receiver.requests.map((r) => r.path)).not.toContain('/v1/traces');
    } finally {
      await Promise.all([standIn.close(), receiver.close()]);
    }
  });
});

/** Input and output token totals from a Prometheus exposition (`gen_ai_client_token_usage_sum` series). */
function tokenSums(exposition: string): { input: number; output: number } {
  const sums = { input: 0, output: 0 };
  for (const line of exposition.split('\n')) {
    const m = /^gen_ai_client_token_usage_sum\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const type = /gen_ai_token_type="(input|output)"/.exec(m[1]!)?.[1] as 'input' | 'output' | undefined;
    if (type) sums[type] += Number(m[2]);
  }
  return sums;
}
