/**
 * The Datadog examples, run the way users run them: `examples/datadog/<path>/run.sh --check` starts Datadog's APM
 * test agent in the Agent's (or the intake's) place on free loopback ports, runs examples/apps/two-providers.cjs
 * under the register entry with the example's app.env against the local LLM stand-in, prints what the test agent
 * received as JSON, and stops it. What is asserted comes from that JSON and from the app's own results line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../collector/support.js';
import { REPO_ROOT, SPAN_KIND_CLIENT, appResults, sumByAttribute } from '../e2e/support.js';
import { ddTestAgentBinary, ddTestAgentMissing, flattenMetrics, flattenSpans, type OtlpJson } from '../support/dd-test-agent.js';

const missing = ddTestAgentMissing();
if (missing) console.warn(`skipping the Datadog example checks: ${missing}`);

/** The variables an app.env sets, as bash sees them after `set -a; . app.env` with `vars` in the environment. */
function sourced(file: string, vars: Record<string, string>): Record<string, string> {
  const r = spawnSync('bash', ['-c', `set -a; . "${file}"; set +a; env -0`], { env: { PATH: process.env.PATH, ...vars }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

interface CheckRun {
  readBack: { traces: unknown[][]; otlpTraces: OtlpJson[]; otlpMetrics: OtlpJson[]; requests: { method: string; url: string; headers: Record<string, string> }[] };
  results: { model: string; usage: Record<string, any> }[];
  stdout: string;
  stderr: string;
  ports: number[];
}

/** Runs `run.sh --check` of one example with free ports; `extra` is added to its environment. */
async function runCheck(example: string, extra: Record<string, string> = {}): Promise<CheckRun> {
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OTEL_|OPENAI_|ANTHROPIC_|DD_)/.test(key) || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  Object.assign(env, {
    TOKENPATH_DDAPM_TEST_AGENT: ddTestAgentBinary(),
    TRACE_PORT: String(ports[0]),
    OTLP_HTTP_PORT: String(ports[1]),
    OTLP_GRPC_PORT: String(ports[2]),
    CHECK_TIMEOUT: '20',
    NODE: process.execPath,
    ...extra,
  });
  const child = spawn('bash', [`examples/datadog/${example}/run.sh`, '--check'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  expect(code, `--- stderr ---\n${stderr.slice(-4000)}`).toBe(0);
  return { readBack: JSON.parse(stdout), results: appResults(stderr) as CheckRun['results'], stdout, stderr, ports };
}

/** The conventions' input and output tokens of a call's usage (Anthropic's input excludes its cache tokens). */
const tokensOf = (u: Record<string, any>): { input: number; output: number } =>
  'prompt_tokens' in u
    ? { input: u.prompt_tokens, output: u.completion_tokens }
    : { input: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens, output: u.output_tokens };

/** One CLIENT span per call of the app, named after its model, with its tokens and the service name of app.env. */
function expectCallSpans(run: CheckRun, serviceName: string): void {
  const spans = run.readBack.otlpTraces.flatMap(flattenSpans).sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
  expect(
    spans.map((s) => ({
      name: s.name,
      kind: s.kind,
      service: s.resource['service.name'],
      input: s.attributes['gen_ai.usage.input_tokens'],
      output: s.attributes['gen_ai.usage.output_tokens'],
    })),
  ).toEqual(run.results.map((r) => ({ name: `chat ${r.model}`, kind: SPAN_KIND_CLIENT, service: serviceName, ...tokensOf(r.usage) })));
}

/** After run.sh: nothing listens on the ports it was given. */
async function expectPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) await expect(fetch(`http://127.0.0.1:${port}/info`)).rejects.toThrow();
}

describe.skipIf(missing !== undefined)('examples/datadog', () => {
  it('agent-otlp: app.env points at the receiver datadog.yaml turns on, with delta temporality', () => {
    const app = sourced(join(REPO_ROOT, 'examples/datadog/agent-otlp/app.env'), {});
    const agent = parseYaml(readFileSync(join(REPO_ROOT, 'examples/datadog/agent-otlp/datadog.yaml'), 'utf8'));
    expect(new URL(app.OTEL_EXPORTER_OTLP_ENDPOINT).host).toBe(agent.otlp_config.receiver.protocols.http.endpoint);
    expect(app.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(app.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE).toBe('delta');
    expect(agent.otlp_config.receiver.protocols.grpc.endpoint).toBe('localhost:4317');
    expect([agent.otlp_config.traces.enabled, agent.otlp_config.metrics.enabled]).toEqual([true, true]);
  });

  it('agent-otlp/run.sh --check: the test agent decodes every call as a span and the token totals as delta histograms', async () => {
    const run = await runCheck('agent-otlp');
    const service = sourced(join(REPO_ROOT, 'examples/datadog/agent-otlp/app.env'), {}).OTEL_SERVICE_NAME;
    expectCallSpans(run, service);

    const all = run.readBack.otlpMetrics.flatMap(flattenMetrics);
    expect(new Set(all.map((m) => m.temporality))).toEqual(new Set([1])); // DELTA, from app.env
    const metrics = all.filter((m) => m.name.startsWith('gen_ai.'));
    expect(metrics.map((m) => [m.name, m.temporality]).sort()).toEqual([
      ['gen_ai.client.operation.duration', 1],
      ['gen_ai.client.operation.time_to_first_chunk', 1],
      ['gen_ai.client.token.usage', 1],
    ]);
    const tokenPoints = metrics.find((m) => m.name === 'gen_ai.client.token.usage')!.points;
    const expected: Record<string, number> = {};
    for (const r of run.results) {
      const { input, output } = tokensOf(r.usage);
      Object.assign(expected, { [`${r.model}/input`]: input, [`${r.model}/output`]: output });
    }
    const byModelAndType = Object.fromEntries(
      tokenPoints.map((p) => [`${p.attributes['gen_ai.request.model']}/${p.attributes['gen_ai.token.type']}`, p.sum]),
    );
    expect(byModelAndType).toEqual(expected);
    expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'count')).toEqual({ input: 4, output: 4 });
    expect(run.readBack.requests.map((r) => new URL(r.url).pathname).sort()).toEqual(['/v1/metrics', '/v1/traces']);
    await expectPortsFree(run.ports);
  }, 90_000);

  it('llmobs-direct: app.env sends traces to otlp.<DD_SITE>/v1/traces with the headers Datadog documents', () => {
    const app = sourced(join(REPO_ROOT, 'examples/datadog/llmobs-direct/app.env'), { DD_API_KEY: 'k123', DD_SITE: 'datadoghq.eu' });
    expect(app.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBe('https://otlp.datadoghq.eu/v1/traces');
    expect(app.OTEL_EXPORTER_OTLP_TRACES_HEADERS).toBe('dd-api-key=k123,dd-otlp-source=llmobs');
    expect(app.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL).toBe('http/protobuf');
    expect(sourced(join(REPO_ROOT, 'examples/datadog/llmobs-direct/app.env'), { DD_API_KEY: 'k' }).OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBe(
      'https://otlp.datadoghq.com/v1/traces',
    );
  });

  it('llmobs-direct/run.sh --check: one protobuf trace export with dd-api-key and dd-otlp-source=llmobs, never your own key', async () => {
    const ownKey = 'dd-own-key-that-must-not-leave-this-test';
    const run = await runCheck('llmobs-direct', { DD_API_KEY: ownKey });
    const service = sourced(join(REPO_ROOT, 'examples/datadog/llmobs-direct/app.env'), { DD_API_KEY: 'k' }).OTEL_SERVICE_NAME;
    expectCallSpans(run, service);
    expect(
      run.readBack.requests.map((r) => ({
        method: r.method,
        path: new URL(r.url).pathname,
        contentType: r.headers['Content-Type'],
        apiKey: r.headers['dd-api-key'],
        source: r.headers['dd-otlp-source'],
      })),
    ).toEqual([
      { method: 'POST', path: '/v1/traces', contentType: 'application/x-protobuf', apiKey: 'llmobs-direct-check-placeholder', source: 'llmobs' },
    ]);
    expect(run.readBack.otlpMetrics).toEqual([]);
    // The key goes in a header only: never into the spans, and --check never sends the caller's key anywhere.
    expect(JSON.stringify(run.readBack.otlpTraces)).not.toContain('llmobs-direct-check-placeholder');
    expect(run.stdout + run.stderr).not.toContain(ownKey);
    await expectPortsFree(run.ports);
  }, 90_000);
});
