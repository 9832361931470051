/**
 * examples/collector/run.sh, the script users start the collector pipeline with, in its `--check` mode: it builds (or
 * finds cached) the collector, starts it with otel-collector.yaml and a Prometheus server on 127.0.0.1 (free ports
 * here), sends the OpenAI example app's traffic through examples/with-provider.mjs (the local stand-in: no
 * OPENAI_API_KEY), prints Prometheus's answer to one PromQL query as JSON, and stops everything.
 *
 * Needs the collector binary and Prometheus, like collector.test.ts; without them it fails and says so.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tokensOf } from '../e2e/support.js';
import { collectorBinary, collectorEnv, freePort, prometheusMissing } from './support.js';

describe('examples/collector/run.sh --check', () => {
  it('starts collector + Prometheus, sends the OpenAI app through them, gets the token totals by PromQL, stops everything', async () => {
    const binary = collectorBinary(); // fails here, with the command to run, when the collector is not built
    const missing = prometheusMissing();
    if (missing) throw new Error(missing);
    const [prom, grpc, http, exporter, health, telemetry] = await Promise.all(Array.from({ length: 6 }, freePort));
    const env = collectorEnv({
      TOKENPATH_OTELCOL: binary,
      PROMETHEUS_PORT: String(prom),
      OTLP_GRPC_PORT: String(grpc),
      OTLP_HTTP_PORT: String(http),
      COLLECTOR_PROMETHEUS_PORT: String(exporter),
      HEALTH_PORT: String(health),
      COLLECTOR_TELEMETRY_PORT: String(telemetry),
      SCRAPE_INTERVAL: '1s',
      CHECK_TIMEOUT: '40',
      NODE: process.execPath,
    });
    for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'NODE_OPTIONS']) delete env[key];

    const child = spawn('bash', ['examples/collector/run.sh', '--check'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    clearTimeout(timer);
    const tail = `--- stderr ---\n${stderr.slice(-4000)}`;
    expect(code, tail).toBe(0);
    expect(stderr).toMatch(/with-provider: OpenAI -> stand-in http:\/\/127\.0\.0\.1:\d+/);

    // The app's own results (its stdout goes to run.sh's stderr) are what Prometheus totals, per model and token type.
    const resultsLine = stderr.split('\n').find((l) => l.startsWith('{"results"'));
    expect(resultsLine, tail).toBeDefined();
    const usages = (JSON.parse(resultsLine!) as { results: Record<string, any>[] }).results;
    const models = ['gpt-4o-mini', 'gpt-4.1-nano', 'text-embedding-3-small', 'gpt-4o']; // examples/apps/openai-calls.cjs
    const expected: Record<string, number> = {};
    usages.forEach((usage, i) => {
      const { input, output } = tokensOf(usage);
      if (input !== undefined) expected[`${models[i]}/input`] = input;
      if (output !== undefined) expected[`${models[i]}/output`] = output;
    });
    const answer = JSON.parse(stdout) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(answer.status).toBe('success');
    const got = Object.fromEntries(answer.data.result.map((r) => [`${r.metric.gen_ai_request_model}/${r.metric.gen_ai_token_type}`, Number(r.value[1])]));
    expect(got).toEqual(expected);

    // Everything it started is gone: its ports are free again.
    for (const port of [prom, http, exporter, health]) {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    }
  }, 120_000);
});
