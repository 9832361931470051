/**
 * OTEL_SEMCONV_STABILITY_OPT_IN through the zero-code entry: the OpenAI app under `--require register`, its metrics
 * over the real OTLP/protobuf exporter into this test's receiver. Under gen_ai_latest_experimental the token counters
 * arrive as monotonic sums (cumulative by default, delta when the exporter is asked for delta, as Datadog advises),
 * and their totals equal what the stand-in served.
 */
import { describe, expect, it } from 'vitest';
import { BUCKETS_GEN_AI_CLIENT_DURATION, BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE } from '@tokenpath/semconv';
import type { ReceivedMetric } from '../support/otlp-receiver.js';
import { REGISTER, appEnv, expectCleanRun, runApp, telemetryArrived, tokensOf, useScenario } from './support.js';

const scenario = useScenario();
const APP = 'examples/apps/openai-chat.cjs'; // chat, stream with usage, embeddings, Responses

/** Each metric of tokenpath's scope as the receiver decoded it from the last export that has it. */
function lastOfEach(): Map<string, ReceivedMetric> {
  const out = new Map<string, ReceivedMetric>();
  for (const m of scenario.receiver.metrics) if (m.scope.name === '@tokenpath/instrumentation-llm' && m.name.startsWith('gen_ai.')) out.set(m.name, m);
  return out;
}

async function runWith(vars: Record<string, string>): Promise<Map<string, ReceivedMetric>> {
  const env = appEnv(scenario.receiver.url, 'semconv-opt-in', {
    OPENAI_BASE_URL: `${scenario.standIn.url}/v1`,
    OPENAI_API_KEY: 'stand-in',
    ...vars,
  });
  expectCleanRun(await runApp(['--require', REGISTER, APP], env));
  await telemetryArrived(scenario.receiver, 4, 0);
  await scenario.receiver.waitFor(() => lastOfEach().has('gen_ai.client.inference.duration') || lastOfEach().has('gen_ai.client.operation.duration'));
  return lastOfEach();
}

/** Inference (chat) and embeddings token totals the stand-in served. */
function served() {
  const totals = { chatInput: 0, chatOutput: 0, embeddingsInput: 0 };
  for (const s of scenario.standIn.served) {
    const t = tokensOf(s.usage);
    if (s.path.includes('embeddings')) totals.embeddingsInput += t.input ?? 0;
    else {
      totals.chatInput += t.input ?? 0;
      totals.chatOutput += t.output ?? 0;
    }
  }
  return totals;
}

const sumOf = (m: ReceivedMetric | undefined, field: 'value' | 'sum') => (m?.points ?? []).reduce((n, p) => n + (p[field] ?? 0), 0);

describe('OTEL_SEMCONV_STABILITY_OPT_IN under the register entry', () => {
  it('gen_ai_latest_experimental: counters as cumulative monotonic sums and histograms with the advised buckets, totals as served', async () => {
    const metrics = await runWith({ OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' });
    const shape = Object.fromEntries(
      [...metrics].map(([name, m]) => [
        name,
        { kind: m.kind, unit: m.unit, isMonotonic: m.isMonotonic, temporality: m.temporality, bounds: m.points[0]?.explicitBounds },
      ]),
    );
    const counter = { kind: 'sum', unit: '{token}', isMonotonic: true, temporality: 2, bounds: undefined };
    const tokens = { kind: 'histogram', unit: '{token}', isMonotonic: undefined, temporality: 2, bounds: [...BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE] };
    const seconds = { kind: 'histogram', unit: 's', isMonotonic: undefined, temporality: 2, bounds: [...BUCKETS_GEN_AI_CLIENT_DURATION] };
    expect(shape).toEqual({
      'gen_ai.client.inference.usage.input_tokens': counter,
      'gen_ai.client.inference.usage.output_tokens': counter,
      'gen_ai.client.inference.usage.cache_read.input_tokens': counter,
      'gen_ai.client.inference.usage.cache_write.input_tokens': counter,
      'gen_ai.client.inference.usage.reasoning.output_tokens': counter,
      'gen_ai.client.inference.operation.input_tokens': tokens,
      'gen_ai.client.inference.operation.output_tokens': tokens,
      'gen_ai.client.inference.duration': seconds,
      'gen_ai.client.inference.time_to_first_chunk': seconds,
      'gen_ai.client.embeddings.duration': seconds,
      'gen_ai.client.embeddings.operation.input_tokens': tokens,
    });
    const wire = served();
    expect(wire.chatInput).toBeGreaterThan(0);
    expect({
      chatInput: sumOf(metrics.get('gen_ai.client.inference.usage.input_tokens'), 'value'),
      chatOutput: sumOf(metrics.get('gen_ai.client.inference.usage.output_tokens'), 'value'),
      embeddingsInput: sumOf(metrics.get('gen_ai.client.embeddings.operation.input_tokens'), 'sum'),
    }).toEqual(wire);
    for (const p of metrics.get('gen_ai.client.inference.usage.input_tokens')!.points) {
      expect(p.attributes['gen_ai.token.modality']).toBe('unknown');
    }
  });

  it('gen_ai_latest_experimental with delta temporality: the counters arrive as delta monotonic sums', async () => {
    const metrics = await runWith({
      OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
    const input = metrics.get('gen_ai.client.inference.usage.input_tokens')!;
    expect({ kind: input.kind, isMonotonic: input.isMonotonic, temporality: input.temporality }).toEqual({ kind: 'sum', isMonotonic: true, temporality: 1 });
    expect(sumOf(input, 'value')).toBe(served().chatInput);
  });

  it('unset: only the 1.45 names', async () => {
    const metrics = await runWith({});
    expect([...metrics.keys()].sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.token.usage',
    ]);
  });
});
