/**
 * Prometheus directly, no collector: the app runs with OTEL_METRICS_EXPORTER=prometheus (the register entry serves
 * /metrics on OTEL_EXPORTER_PROMETHEUS_HOST:OTEL_EXPORTER_PROMETHEUS_PORT), a real Prometheus server (Debian's
 * `prometheus`, started here on 127.0.0.1) scrapes it every second, and PromQL over the HTTP API returns exactly
 * the token totals the stand-in served, and one duration point per call.
 *
 * Names in Prometheus (the Node.js SDK's Prometheus exporter: `.` → `_`, no unit suffix):
 *   gen_ai_client_token_usage_{bucket,sum,count}
 *   gen_ai_client_operation_duration_{bucket,sum,count}
 *   gen_ai_client_operation_time_to_first_chunk_{bucket,sum,count}
 * labels gen_ai_token_type, gen_ai_request_model, gen_ai_response_model, gen_ai_operation_name,
 * gen_ai_provider_name, server_address, server_port (error_type on failures), otel_scope_name,
 * otel_scope_version; resource attributes are on target_info (service_name, service_instance_id, ...).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTER, appResults, childEnv, startApp, startStandIn, tokensOf, type RunningApp, type StandIn } from '../e2e/support.js';
import { byLabels, freePort, poll, prometheusMissing, startPrometheus, tempDir, type Prometheus } from './support.js';

const APP = 'examples/collector/prometheus-app.cjs';
const SERVICE = 'prometheus-direct-app';
const TOKENS = 'gen_ai_client_token_usage';
const DURATION = 'gen_ai_client_operation_duration';
const TTFC = 'gen_ai_client_operation_time_to_first_chunk';

describe('app with OTEL_METRICS_EXPORTER=prometheus, scraped by a real Prometheus', () => {
  let tmp: ReturnType<typeof tempDir>;
  let standIn: StandIn;
  let app: RunningApp | undefined;
  let prometheus: Prometheus | undefined;
  let metricsPort: number;

  beforeAll(async () => {
    const missing = prometheusMissing();
    if (missing) throw new Error(missing);
    tmp = tempDir('tokenpath-prometheus-');
    standIn = await startStandIn();
    metricsPort = await freePort();
    app = startApp(['--require', REGISTER, APP], childEnv({
      OPENAI_BASE_URL: `${standIn.url}/v1`,
      OPENAI_API_KEY: 'sk-e2e-not-a-real-key',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_SERVICE_NAME: SERVICE,
    }));
    await app.waitForLine('ready', 20_000);
    prometheus = await startPrometheus(tmp.dir, [`127.0.0.1:${metricsPort}`]);
  });
  afterAll(async () => {
    await prometheus?.stop();
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    await standIn?.close();
    tmp?.remove();
  });

  it('token counters and duration histograms by PromQL, under their translated names', async () => {
    const p = prometheus!;
    const results = appResults(app!.stdout());
    expect(results).toEqual(standIn.served.map((s) => s.usage));
    const calls = standIn.requests.map((r, i) => ({ model: r.body.model as string, ...tokensOf(standIn.served[i]!.usage) }));
    expect(calls).toHaveLength(4);

    const expectedSums: Record<string, number> = {};
    for (const call of calls) {
      for (const type of ['input', 'output'] as const) if (call[type] !== undefined) expectedSums[`${call.model}/${type}`] = call[type]!;
    }

    const sums = await poll(
      async () => {
        const result = byLabels(
          await p.query(`sum by (gen_ai_request_model, gen_ai_token_type) (${TOKENS}_sum)`),
          'gen_ai_request_model',
          'gen_ai_token_type',
        );
        return Object.keys(result).length >= Object.keys(expectedSums).length ? result : undefined;
      },
      30_000,
      () => `Prometheus did not scrape the app's token series\n--- app stderr ---\n${app!.stderr()}`,
    );
    expect(sums).toEqual(expectedSums);

    // The scrape target is healthy and is the app's own endpoint.
    expect(await p.targets()).toEqual([
      { scrapeUrl: `http://127.0.0.1:${metricsPort}/metrics`, health: 'up', lastError: '' },
    ]);

    // Counts: one input and one output point per call that reported them (embeddings: input only).
    const counts = byLabels(await p.query(`sum by (gen_ai_token_type) (${TOKENS}_count)`), 'gen_ai_token_type');
    expect(counts).toEqual({
      input: calls.filter((c) => c.input !== undefined).length,
      output: calls.filter((c) => c.output !== undefined).length,
    });

    // Duration histograms: one point per call, by model and operation; buckets usable by histogram_quantile.
    const durations = byLabels(
      await p.query(`sum by (gen_ai_request_model, gen_ai_operation_name) (${DURATION}_count)`),
      'gen_ai_request_model',
      'gen_ai_operation_name',
    );
    expect(durations).toEqual({
      'gpt-4o-mini/chat': 1,
      'gpt-4.1-nano/chat': 1,
      'text-embedding-3-small/embeddings': 1,
      'gpt-4o/chat': 1,
    });
    const p50 = await p.query(`histogram_quantile(0.5, sum by (le) (${DURATION}_bucket))`);
    expect(p50).toHaveLength(1);
    expect(p50[0]!.value).toBeGreaterThan(0);
    const ttfc = byLabels(await p.query(`sum by (gen_ai_request_model) (${TTFC}_count)`), 'gen_ai_request_model');
    expect(ttfc).toEqual({ 'gpt-4.1-nano': 1 });

    // Resource attributes are on target_info.
    const info = await p.query(`target_info{service_name="${SERVICE}"}`);
    expect(info).toHaveLength(1);
  }, 60_000);
});
