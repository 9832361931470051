/**
 * End-to-end through real backends: example apps under `node --require @tokenpath/instrumentation-llm/register`
 * call the LLM stand-in with the real `openai` and `@anthropic-ai/sdk` SDKs → OTLP (HTTP for OpenAI, gRPC for
 * Anthropic) → the real collector (`otelcol-tokenpath`, built from builder-config.yaml by build-collector.sh)
 * running the repository's otel-collector.yaml → its Prometheus exporter → a real Prometheus server scraping it
 * every second → PromQL over the HTTP API returns exactly the token totals the stand-in put on the wire, per model
 * and token type. Spans reach the collector's file exporter with their GenAI attributes.
 *
 * Names in Prometheus (the collector's translation, with unit suffixes):
 *   gen_ai_client_token_usage_{bucket,sum,count}                  ({token}: no unit suffix)
 *   gen_ai_client_operation_duration_seconds_{bucket,sum,count}
 *   gen_ai_client_operation_time_to_first_chunk_seconds_{bucket,sum,count}
 * labels gen_ai_token_type, gen_ai_request_model, gen_ai_response_model, gen_ai_operation_name,
 * gen_ai_provider_name, server_address, server_port (error_type on failures); job = service.name,
 * instance = service.instance.id (Prometheus scrapes with honor_labels: true).
 *
 * Needs the collector binary (`bash test/collector/build-collector.sh`) and Prometheus
 * (`bash test/collector/install-prometheus.sh`); without them the tests fail and say so.
 */
import { describe, expect, it } from 'vitest';
import { REGISTER, appResults, childEnv, runApp, tokensOf } from '../e2e/support.js';
import {
  COLLECTOR_CONFIG,
  DATADOG_OVERLAY,
  byLabels,
  poll,
  usePipeline,
  readSpans,
  validate,
  type FileSpan,
} from './support.js';

const OPENAI_APP = 'examples/apps/openai-chat.cjs';
const ANTHROPIC_APP = 'examples/apps/anthropic-chat.cjs';
const OPENAI_SERVICE = 'collector-e2e-openai';
const ANTHROPIC_SERVICE = 'collector-e2e-anthropic';
const SPAN_KIND_CLIENT = 3;

const TOKENS = 'gen_ai_client_token_usage';
const DURATION = 'gen_ai_client_operation_duration_seconds';
const TTFC = 'gen_ai_client_operation_time_to_first_chunk_seconds';

describe('otelcol validate', () => {
  it('otel-collector.yaml is valid with its defaults', () => {
    const r = validate([COLLECTOR_CONFIG]);
    expect(r.status, r.output).toBe(0);
  });

  it('otel-collector.yaml is valid with every non-Datadog exporter selected', () => {
    const r = validate([COLLECTOR_CONFIG], {
      TOKENPATH_METRICS_EXPORTERS: '[prometheus, otlp_http, file, debug]',
      TOKENPATH_TRACES_EXPORTERS: '[otlp_http, file, debug]',
      TOKENPATH_LOGS_EXPORTERS: '[otlp_http, debug]',
      TOKENPATH_OTLP_HTTP_FORWARD_ENDPOINT: 'https://otlp.example.com',
    });
    expect(r.status, r.output).toBe(0);
  });

  it('selecting datadog without the Datadog overlay fails loudly', () => {
    const r = validate([COLLECTOR_CONFIG], { TOKENPATH_TRACES_EXPORTERS: '[datadog]' });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/datadog/);
  });

  it('the Datadog overlay needs a binary with the datadog exporter (not in otelcol-tokenpath: see builder-config.yaml)', () => {
    // otelcol-tokenpath has no datadog exporter (the Go module proxy here does not serve its dependencies), so the
    // overlay is refused by name; a contrib distribution validates it (DD_API_KEY set, exporters selected).
    const r = validate([COLLECTOR_CONFIG, DATADOG_OVERLAY], {
      DD_API_KEY: 'dummy-key-for-validation',
      TOKENPATH_TRACES_EXPORTERS: '[datadog]',
      TOKENPATH_METRICS_EXPORTERS: '[prometheus, datadog]',
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/unknown type: "datadog"/);
  });
});

describe('app → OTLP → collector (otel-collector.yaml) → Prometheus exporter → Prometheus', () => {
  const pipeline = usePipeline('tokenpath-collector-');

  it('PromQL returns exactly the served token totals per model and token type; spans reach the file exporter', async () => {
    const c = pipeline.collector;
    const p = pipeline.prometheus;
    const otel = { OTEL_METRIC_EXPORT_INTERVAL: '60000', OTEL_LOGS_EXPORTER: 'none' };

    // OpenAI over OTLP/HTTP (protobuf), Anthropic over OTLP/gRPC: both receivers of the config are exercised.
    const openai = await runApp(['--require', REGISTER, OPENAI_APP], childEnv({
      OPENAI_BASE_URL: `${pipeline.standIn.url}/v1`,
      OPENAI_API_KEY: 'sk-e2e-not-a-real-key',
      OTEL_EXPORTER_OTLP_ENDPOINT: c.otlpHttp,
      OTEL_SERVICE_NAME: OPENAI_SERVICE,
      ...otel,
    }), 20_000);
    expect(openai, openai.stderr).toMatchObject({ code: 0, signal: null });
    const openaiServed = pipeline.standIn.served.length;

    const anthropic = await runApp(['--require', REGISTER, ANTHROPIC_APP], childEnv({
      ANTHROPIC_BASE_URL: pipeline.standIn.url,
      ANTHROPIC_API_KEY: 'sk-ant-e2e-not-a-real-key',
      ANTHROPIC_AUTH_TOKEN: undefined,
      ANTHROPIC_VERTEX_BASE_URL: `${pipeline.standIn.url}/v1`,
      CLOUD_ML_REGION: 'us-east5',
      ANTHROPIC_VERTEX_PROJECT_ID: 'stand-in-project',
      ANTHROPIC_OPEN_TELEMETRY: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: c.otlpGrpc,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_SERVICE_NAME: ANTHROPIC_SERVICE,
      ...otel,
    }), 20_000);
    expect(anthropic, anthropic.stderr).toMatchObject({ code: 0, signal: null });
    expect(appResults(openai.stdout)).toHaveLength(4);
    expect(appResults(anthropic.stdout)).toHaveLength(5);

    // What the stand-in put on the wire, per request model: OpenAI from the request body; Anthropic from the served
    // request body, or the served response model for Vertex (which puts the model in the path), input counting cache reads and writes (the conventions').
    expect(pipeline.standIn.served.every((s) => s.status === 200)).toBe(true);
    const calls: { service: string; model: string; input?: number; output?: number }[] = [];
    pipeline.standIn.served.forEach((s, i) => {
      if (i < openaiServed) {
        calls.push({ service: OPENAI_SERVICE, model: pipeline.standIn.requests[i]!.body.model, ...tokensOf(s.usage) });
      } else if (s.usage) {
        const u = s.usage;
        const input = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
        // The served model is the response model (`<requested>-2024-07-18`); the Vertex request has no body model.
        const model: string = pipeline.standIn.requests[i]!.body?.model ?? s.model!.replace(/-2024-07-18$/, '');
        calls.push({ service: ANTHROPIC_SERVICE, model, input, output: u.output_tokens });
      }
    });
    expect(calls).toHaveLength(8); // 4 OpenAI calls, 4 Anthropic inference calls (count_tokens is not inference)
    expect(new Set(calls.map((c) => c.model)).size).toBe(8);

    const expectedSums: Record<string, number> = {};
    const expectedCounts: Record<string, number> = {};
    for (const call of calls) {
      for (const type of ['input', 'output'] as const) {
        if (call[type] === undefined) continue;
        expectedSums[`${call.model}/${type}`] = call[type]!;
        expectedCounts[`${call.model}/${type}`] = 1;
      }
    }

    // Poll Prometheus until its scrapes of the collector hold every series, then compare exactly.
    const sumQuery = `sum by (gen_ai_request_model, gen_ai_token_type) (${TOKENS}_sum{job=~"${OPENAI_SERVICE}|${ANTHROPIC_SERVICE}"})`;
    const sums = await poll(
      async () => {
        const result = byLabels(await p.query(sumQuery), 'gen_ai_request_model', 'gen_ai_token_type');
        return Object.keys(result).length >= Object.keys(expectedSums).length ? result : undefined;
      },
      30_000,
      () => `Prometheus did not get all token series\n--- collector ---\n${c.output().slice(-3000)}`,
    );
    expect(sums).toEqual(expectedSums);

    const counts = byLabels(
      await p.query(`sum by (gen_ai_request_model, gen_ai_token_type) (${TOKENS}_count)`),
      'gen_ai_request_model',
      'gen_ai_token_type',
    );
    expect(counts).toEqual(expectedCounts);

    // Totals per token type and per service (the job label carries service.name).
    const byType = byLabels(await p.query(`sum by (gen_ai_token_type) (${TOKENS}_sum)`), 'gen_ai_token_type');
    const totalOf = (type: 'input' | 'output') => calls.reduce((n, c) => n + (c[type] ?? 0), 0);
    expect(byType).toEqual({ input: totalOf('input'), output: totalOf('output') });
    const byJob = byLabels(await p.query(`sum by (job) (${TOKENS}_sum)`), 'job');
    const totalOfService = (service: string) =>
      calls.filter((c) => c.service === service).reduce((n, c) => n + (c.input ?? 0) + (c.output ?? 0), 0);
    expect(byJob).toEqual({ [OPENAI_SERVICE]: totalOfService(OPENAI_SERVICE), [ANTHROPIC_SERVICE]: totalOfService(ANTHROPIC_SERVICE) });

    // One duration point per call; the histogram's buckets are there for histogram_quantile; streams have TTFC.
    const durations = byLabels(await p.query(`sum by (gen_ai_request_model) (${DURATION}_count)`), 'gen_ai_request_model');
    expect(durations).toEqual(Object.fromEntries(calls.map((c) => [c.model, 1])));
    const p95 = await p.query(`histogram_quantile(0.95, sum by (le) (${DURATION}_bucket))`);
    expect(p95).toHaveLength(1);
    expect(p95[0]!.value).toBeGreaterThan(0);
    const ttfc = byLabels(await p.query(`sum by (gen_ai_request_model) (${TTFC}_count)`), 'gen_ai_request_model');
    expect(ttfc).toMatchObject({ 'gpt-4.1-nano': 1 }); // the OpenAI stream (Anthropic streams are also counted)

    // Spans: the file exporter wrote one CLIENT span with usage per inference call, with the GenAI attributes.
    const spans = await poll(
      async () => {
        const all = readSpans(c.spansFile).filter((s) => s.attributes['gen_ai.usage.input_tokens'] !== undefined);
        return all.length >= calls.length ? all : undefined;
      },
      15_000,
      () => `spans did not reach the file exporter: ${JSON.stringify(readSpans(c.spansFile).map((s) => s.name))}`,
    );
    expect(spans).toHaveLength(calls.length);
    for (const call of calls) {
      const span = spans.find((s: FileSpan) => s.attributes['gen_ai.request.model'] === call.model);
      expect(span, `span of ${call.model}`).toBeDefined();
      expect(span!.kind).toBe(SPAN_KIND_CLIENT);
      expect(span!.resource['service.name']).toBe(call.service);
      expect(span!.attributes['gen_ai.usage.input_tokens']).toBe(call.input);
      expect(span!.attributes['gen_ai.usage.output_tokens']).toBe(call.output);
      expect(span!.attributes['gen_ai.operation.name']).toBeTypeOf('string');
      expect(span!.attributes['gen_ai.provider.name']).toBe(
        call.service === OPENAI_SERVICE ? 'openai' : call.model === 'claude-vertex-5-5' ? 'gcp.vertex_ai' : 'anthropic',
      );
      expect(span!.attributes['server.address']).toBe('127.0.0.1');
    }
  }, 60_000);
});
