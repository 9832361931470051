import { describe, expect, it } from 'vitest';
import { trace, type Attributes } from '@opentelemetry/api';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { PROFILE_INCUBATING_1_45 } from '@tokenpath/semconv';
import { withAttribution } from '@tokenpath/instrumentation-llm';
import { GenAiOperation, type OperationSettings } from '../../src/core/operation';
import { createInstruments } from '../../src/core/metrics';
import { CostModel } from '../../src/core/cost';
import { Attribution } from '../../src/core/attribution';
import { cumulativeReader } from '../support/harness';
import { useContextAndWarnings } from '../support/context-and-warnings';
import raw from '../../src/core/pricing/genai-prices.json';

// The cardinality proof drives the operation core directly with a real MeterProvider and a real
// metric reader: 100,000 real HTTP calls through an SDK and the stand-in would take minutes. The
// same wiring through the real openai SDK and the stand-in is proven on a smaller scale in
// test/cost-attribution.test.ts.

const CALLS = 100_000;
const BUDGET = 100;
const warnings = useContextAndWarnings();

interface Point {
  attributes: Attributes;
  value: number;
  count: number;
}

async function collect(reader: ReturnType<typeof cumulativeReader>): Promise<Map<string, Point[]>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const byName = new Map<string, Point[]>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const points = byName.get(metric.descriptor.name) ?? [];
      for (const p of metric.dataPoints as any[]) {
        const histogram = metric.dataPointType === DataPointType.HISTOGRAM;
        points.push({ attributes: p.attributes, value: histogram ? p.value.sum : p.value, count: histogram ? p.value.count : 1 });
      }
      byName.set(metric.descriptor.name, points);
    }
  }
  return byName;
}

const tenants = (points: Point[]) => new Set(points.map((p) => p.attributes['tenant.id']));
const total = (points: Point[], filter: (p: Point) => boolean = () => true) => points.filter(filter).reduce((s, p) => s + p.value, 0);

/** Operations recorded by a real MeterProvider and reader, with `attribution` (and `cost`, if given). */
function meteredOperations(attribution: Attribution, cost?: CostModel) {
  const reader = cumulativeReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const settings: OperationSettings = {
    profile: PROFILE_INCUBATING_1_45,
    tracer: trace.getTracer('no spans needed'),
    instruments: createInstruments(meterProvider.getMeter('test'), PROFILE_INCUBATING_1_45),
    captureContent: false,
    maxContentLength: 0,
    cost,
    attribution,
  };
  return { reader, meterProvider, settings };
}

describe('attribution on metrics', () => {
  it('keeps 100,000 distinct tenant ids within the budget of series, and every total whole', async () => {
    const { reader, meterProvider, settings } = meteredOperations(new Attribution({ metricKeys: ['tenant.id'], metricValueLimit: BUDGET }), new CostModel());
    const start = { operation: 'chat', provider: 'openai', request: { model: 'gpt-4o-mini' } };
    let input = 0;
    let output = 0;
    for (let i = 0; i < CALLS; i++) {
      withAttribution({ 'tenant.id': `tenant-${i}`, 'app.feature': 'search' }, () => {
        const op = new GenAiOperation(settings, start);
        op.response.model = 'gpt-4o-mini-2024-07-18';
        op.usage.inputTokens = 100 + (i % 50);
        op.usage.outputTokens = 10 + (i % 7);
        input += op.usage.inputTokens;
        output += op.usage.outputTokens;
        op.end();
      });
    }

    const metrics = await collect(reader);
    const tokens = metrics.get('gen_ai.client.token.usage')!;
    const cost = metrics.get('tokenpath.client.cost')!;
    const duration = metrics.get('gen_ai.client.operation.duration')!;
    // 99 tenants as they are, then _OTHER: the budget counts the overflow value, as the SDK's limit does.
    for (const points of [tokens, cost, duration]) {
      expect(tenants(points).size).toBe(BUDGET);
      expect(tenants(points).has('_OTHER')).toBe(true);
      // The key not allowlisted for metrics never reaches a point.
      expect(points.every((p) => !('app.feature' in p.attributes))).toBe(true);
    }
    expect(tokens).toHaveLength(2 * BUDGET);
    expect(cost).toHaveLength(BUDGET);
    expect(duration).toHaveLength(BUDGET);

    // Totals over all series are what the calls used.
    expect(total(tokens, (p) => p.attributes['gen_ai.token.type'] === 'input')).toBe(input);
    expect(total(tokens, (p) => p.attributes['gen_ai.token.type'] === 'output')).toBe(output);
    expect(duration.reduce((n, p) => n + p.count, 0)).toBe(CALLS);
    const prices = (raw as any).providers.openai.models.find((m: any) => m.id === 'gpt-4o-mini').prices;
    expect(total(cost)).toBeCloseTo((input * prices.input_mtok + output * prices.output_mtok) / 1e6, 9);
    expect(cost.every((p) => p.attributes['gen_ai.usage.cost.currency'] === 'USD')).toBe(true);

    expect(warnings.filter((w) => w.includes('reached its budget'))).toHaveLength(1);
    await meterProvider.shutdown();
  });

  it("never lets an allowlisted key replace one of the conventions' attributes on a metric point", async () => {
    const { reader, meterProvider, settings } = meteredOperations(
      new Attribution({ metricKeys: ['tenant.id', 'gen_ai.request.model', 'gen_ai.provider.name'] }),
    );
    const start = { operation: 'chat', provider: 'openai', request: { model: 'gpt-4o-mini' } };
    for (const tenant of ['acme', 'globex', 'acme']) {
      withAttribution({ 'tenant.id': tenant, 'gen_ai.request.model': 'spoofed', 'gen_ai.provider.name': 'spoofed' }, () => {
        const op = new GenAiOperation(settings, start);
        op.usage.inputTokens = 10;
        op.end();
      });
    }
    const duration = (await collect(reader)).get('gen_ai.client.operation.duration')!;
    expect(duration.map((p) => [p.attributes['tenant.id'], p.attributes['gen_ai.request.model'], p.attributes['gen_ai.provider.name'], p.count]).sort()).toEqual([
      ['acme', 'gpt-4o-mini', 'openai', 2],
      ['globex', 'gpt-4o-mini', 'openai', 1],
    ]);
    await meterProvider.shutdown();
  });
});
