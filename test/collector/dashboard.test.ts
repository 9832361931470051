/**
 * The Grafana dashboard (examples/collector/grafana-dashboard.json) against the real pipeline: the dashboard's
 * traffic app (examples/collector/dashboard-traffic.cjs: two waves of OpenAI calls, each with a failed `error-429`
 * call) under the register entry → OTLP → the real collector with otel-collector.yaml → its Prometheus exporter →
 * a real Prometheus. Every panel's PromQL, taken from the JSON with Grafana's variables replaced by concrete values,
 * returns data (a non-empty vector with a finite, positive value) from Prometheus's HTTP API.
 *
 * Needs the collector binary and Prometheus, like collector.test.ts (which see); without them it fails and says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTER, REPO_ROOT, appResults, childEnv, runApp } from '../e2e/support.js';
import { poll, usePipeline } from './support.js';

const DASHBOARD = join(REPO_ROOT, 'examples/collector/grafana-dashboard.json');
const TRAFFIC_APP = 'examples/collector/dashboard-traffic.cjs';
const SERVICE = 'dashboard-e2e';

interface Target { refId: string; expr: string; datasource?: { type: string; uid: string } }
interface Panel { id: number; type: string; title: string; datasource?: { type: string; uid: string }; targets?: Target[]; panels?: Panel[] }

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid: string } }[] };
};

/** Every panel with queries, rows' nested panels included. */
const queryPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [...(p.targets?.length ? [p] : []), ...queryPanels(p.panels ?? [])]);

/**
 * Grafana's variables as Grafana would interpolate them for this run: $__rate_interval and $__interval for a 1 s
 * scrape interval (at least 4 scrapes; 1m here), $__range for a dashboard range that covers the traffic, $job (a
 * multi-value query variable, `=~` in every query) for this test's service.
 */
const VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  job: SERVICE,
};
function interpolate(expr: string): string {
  const out = expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
    const value = VARIABLES[name];
    if (value === undefined) throw new Error(`dashboard query uses an unknown variable ${whole}: ${expr}`);
    return value;
  });
  expect(out).not.toMatch(/\$/);
  return out;
}

describe('Grafana dashboard JSON', () => {
  it('imports into Grafana 10/11: schema, Prometheus datasource variable ${DS_PROMETHEUS}, unique panel ids, the panels the issue asks for', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const ds = dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const all = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...all(p.panels ?? [])]);
    const ids = all(dashboard.panels).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of queryPanels(dashboard.panels)) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      for (const t of panel.targets!) expect(t.datasource, `${panel.title} ${t.refId}`).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    }
    const exprs = queryPanels(dashboard.panels).flatMap((p) => p.targets!.map((t) => t.expr)).join('\n');
    // The collector path's names (the Prometheus exporter adds `_seconds`; `{token}` has no suffix).
    expect(exprs).toMatch(/rate\(gen_ai_client_token_usage_sum/);
    expect(exprs).toMatch(/increase\(gen_ai_client_token_usage_sum/);
    expect(exprs).toMatch(/sum by \(gen_ai_request_model, gen_ai_operation_name\) \(rate\(gen_ai_client_operation_duration_seconds_count/);
    expect(exprs).toMatch(/histogram_quantile\(0\.5, .*gen_ai_client_operation_duration_seconds_bucket/);
    expect(exprs).toMatch(/histogram_quantile\(0\.95, .*gen_ai_client_operation_duration_seconds_bucket/);
    expect(exprs).toMatch(/histogram_quantile\(0\.5, .*gen_ai_client_operation_time_to_first_chunk_seconds_bucket/);
    expect(exprs).toMatch(/histogram_quantile\(0\.95, .*gen_ai_client_operation_time_to_first_chunk_seconds_bucket/);
    expect(exprs).toMatch(/sum by \(error_type[^)]*\)/);
  });
});

describe('every dashboard query returns data from the real collector → Prometheus pipeline', () => {
  const pipeline = usePipeline('tokenpath-dashboard-');

  it('each panel query (variables substituted) returns a non-empty result with a finite positive value', async () => {
    const p = pipeline.prometheus;
    // Metrics every 500 ms and a pause between the waves: Prometheus (1 s scrapes) sees every series before the
    // second wave grows it, so rates and quantiles of rates are positive, not 0 / NaN. That needs Prometheus to be
    // scraping the collector already (it finds a new target only after a few seconds).
    await poll(
      async () => ((await p.targets()).some((t) => t.health === 'up') ? true : undefined),
      20_000,
      () => 'Prometheus does not scrape the collector',
    );
    const exit = await runApp(['--require', REGISTER, TRAFFIC_APP], childEnv({
      OPENAI_BASE_URL: `${pipeline.standIn.url}/v1`,
      OPENAI_API_KEY: 'sk-e2e-not-a-real-key',
      OTEL_EXPORTER_OTLP_ENDPOINT: pipeline.collector.otlpHttp,
      OTEL_SERVICE_NAME: SERVICE,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      OTEL_LOGS_EXPORTER: 'none',
      WAVE_PAUSE_MS: '3500',
    }), 30_000);
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout).toMatch(/^wave 2 done$/m);
    expect(exit.stdout.match(/^failed call: 429$/gm)).toHaveLength(2);
    expect(exit.stdout.split('\n').filter((l) => l.startsWith('{"results"'))).toHaveLength(2);
    expect(appResults(exit.stdout)).toHaveLength(4);
    expect(pipeline.standIn.served.filter((s) => s.status === 429)).toHaveLength(2);

    const queries = queryPanels(dashboard.panels).flatMap((panel) =>
      panel.targets!.map((t) => ({ name: `${panel.title} [${t.refId}]`, promql: interpolate(t.expr) })),
    );
    expect(queries.length).toBeGreaterThanOrEqual(10);
    const answers: Record<string, { metric: Record<string, string>; value: number }[]> = {};
    let last = '';
    for (const { name, promql } of queries) {
      answers[name] = await poll(
        async () => {
          const result = await p.query(promql);
          last = JSON.stringify(result);
          return result.some((r) => Number.isFinite(r.value) && r.value > 0) ? result : undefined;
        },
        30_000,
        () => `panel "${name}" has no data: ${promql}\nlast answer: ${last}\n--- collector ---\n${pipeline.collector.output().slice(-2000)}`,
      );
    }

    // What the panels show, in a few exact spots: the errors panel has the failed call's model and an error type;
    // the time-to-first-chunk panel has the streamed model; the token panels have both token types.
    const errors = Object.entries(answers).find(([name]) => name.startsWith('Errors'))![1];
    expect(errors.map((r) => r.metric.gen_ai_request_model)).toEqual(['error-429']);
    expect(errors[0]!.metric.error_type).toBeTruthy();
    const ttfc = Object.entries(answers).filter(([name]) => name.startsWith('Time to first chunk'));
    for (const [, result] of ttfc) expect(result.filter((r) => Number.isFinite(r.value)).map((r) => r.metric.gen_ai_request_model)).toContain('gpt-4.1-nano');
    const totals = Object.entries(answers).find(([name]) => name.startsWith('Total tokens'))![1];
    expect(totals.map((r) => r.metric.gen_ai_token_type).sort()).toEqual(['input', 'output']);
  }, 90_000);
});
