import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, diag, DiagLogLevel, propagation, type Attributes } from '@opentelemetry/api';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { withAttribution, type UsageRecord } from '@tokenpath/instrumentation-llm';
import { cumulativeReader, histogramPoints, tokenTotal } from './support/harness';
import { openaiClient, useTestbed } from './support/testbed';
import { callAttributes } from './support/behaviour';
import raw from '../src/core/pricing/genai-prices.json';

// Cost and attribution through the real SDKs over loopback HTTP to the stand-in. Expected amounts are computed here
// from the raw price table and the usage the stand-in served, never through tokenpath's pricing code. (The
// 100,000-tenant cardinality proof drives the operation core directly: test/core/attribution-cardinality.test.ts.)

const records: UsageRecord[] = [];
const bed = useTestbed(openaiClient, {
  config: {
    attributionMetricKeys: ['tenant.id'],
    attributionMetricValueLimit: 4,
    attributionBaggageKeys: ['app.feature'],
    onUsage: (r) => void records.push(r),
  },
});
const table = raw as any;
const rates = (provider: string, id: string) => table.providers[provider].models.find((m: any) => m.id === id).prices;
const TABLE = `@pydantic/genai-prices@${table.version}`;
const messages = [{ role: 'user', content: 'tell me about tokens please' }];

let warnings: string[] = [];
beforeAll(() =>
  diag.setLogger(
    { error: (...a: unknown[]) => warnings.push(a.join(' ')), warn: (...a: unknown[]) => warnings.push(a.join(' ')), info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  ),
);
afterAll(() => diag.disable());

// The harness' reader only reads histograms: each test reads the cost counter from a real reader of its own.
let reader = cumulativeReader();
beforeEach(() => {
  reader = cumulativeReader();
  bed.h.instrumentation.setMeterProvider(new MeterProvider({ readers: [reader] }));
  records.length = 0;
  warnings = [];
});

async function costPoints(): Promise<{ attributes: Attributes; value: number }[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === 'tokenpath.client.cost')
    .flatMap((m) => {
      expect(m.dataPointType).toBe(DataPointType.SUM);
      expect(m.descriptor.unit).toBe('{cost}');
      return m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number }));
    });
}

/** What an OpenAI chat call served by the stand-in costs, from the raw table: prompt_tokens includes the cached ones. */
function openaiCost(usage: any, model = 'gpt-4o-mini'): number {
  const r = rates('openai', model);
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return ((usage.prompt_tokens - cached) * r.input_mtok + cached * r.cache_read_mtok + usage.completion_tokens * r.output_mtok) / 1e6;
}

describe('cost', () => {
  it('prices an OpenAI call from the table, cached input at its own rate, on the span, the cost counter and the usage record', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, prompt_cache_key: 'k' });
    const usage = bed.standIn.served[0].usage!;
    expect(usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    const expected = openaiCost(usage);

    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(expected, 15);
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'local',
      'tokenpath.cost.price_table': TABLE,
    });
    const [point, ...more] = await costPoints();
    expect(more).toEqual([]);
    expect(point.value).toBeCloseTo(expected, 15);
    // The token metrics' low-cardinality attributes, plus the currency and where the amount comes from.
    expect(point.attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'openai', 'gpt-4o-mini'),
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'local',
    });
    expect(records).toHaveLength(1);
    expect(records[0].cost!.currency).toBe('USD');
    expect(records[0].cost!.amount).toBeCloseTo(expected, 15);
  });

  it('prices an Anthropic call that writes and then reads the cache without counting a cached token twice', async () => {
    const sdk = bed.h.load('@anthropic-ai/sdk');
    const client = new sdk.Anthropic({ apiKey: 'sk-ant-test-secret-key', baseURL: bed.standIn.url, maxRetries: 0 });
    const system = [{ type: 'text', text: 'you answer questions about tokens '.repeat(20), cache_control: { type: 'ephemeral' } }];
    for (let i = 0; i < 2; i++) await client.messages.create({ model: 'claude-opus-4-7', max_tokens: 50, system, messages });

    const r = rates('anthropic', 'claude-opus-4-7');
    // Anthropic's input_tokens leave out cache reads and writes: each priced once, at its own rate.
    const expected = bed.standIn.served.map(
      ({ usage: u }: any) =>
        (u.input_tokens * r.input_mtok +
          u.cache_creation_input_tokens * r.cache_write_mtok +
          u.cache_read_input_tokens * r.cache_read_mtok +
          u.output_tokens * r.output_mtok) /
        1e6,
    );
    const [written, read] = bed.standIn.served.map((s: any) => s.usage);
    expect([written.cache_creation_input_tokens > 0, read.cache_read_input_tokens > 0]).toEqual([true, true]);
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['gen_ai.usage.cost.amount'])).toEqual([
      expect.closeTo(expected[0], 15),
      expect.closeTo(expected[1], 15),
    ]);
    const points = await costPoints();
    expect(points.reduce((s, p) => s + p.value, 0)).toBeCloseTo(expected[0] + expected[1], 15);
  });

  it('gives a model without a price no cost (never 0) and one diagnostic message', async () => {
    for (let i = 0; i < 3; i++) await bed.client.chat.completions.create({ model: 'my-own-model', messages });
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(3);
    for (const span of spans) expect(Object.keys(span.attributes).filter((k) => k.includes('cost'))).toEqual([]);
    expect(await costPoints()).toEqual([]);
    expect(records.map((r) => r.cost)).toEqual([undefined, undefined, undefined]);
    expect(warnings.filter((w) => w.includes('no price for model'))).toEqual([
      expect.stringContaining('no price for model "my-own-model-2024-07-18" of provider "openai"'),
    ]);
  });

  it('prices with the modelPrices option first, then the file OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenpath-prices-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ models: [{ model: 'my-own-model', input_mtok: 1, output_mtok: 2, currency: 'EUR' }, { model: 'bad' }] }));
    const previous = bed.h.instrumentation.getConfig();
    process.env.OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE = file;
    try {
      bed.h.instrumentation.setConfig({ ...previous, modelPrices: [{ model: 'gpt-4o-mini*', input_mtok: 10, output_mtok: 20 }] });
      await bed.client.chat.completions.create({ model: 'my-own-model', messages });
      await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE;
      bed.h.instrumentation.setConfig(previous);
    }
    const [own, mini] = bed.standIn.served.map((s: any) => s.usage);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.attributes['gen_ai.usage.cost.amount'], s.attributes['gen_ai.usage.cost.currency'], s.attributes['tokenpath.cost.price_table']])).toEqual([
      [expect.closeTo((own.prompt_tokens * 1 + own.completion_tokens * 2) / 1e6, 15), 'EUR', 'user'],
      [expect.closeTo((mini.prompt_tokens * 10 + mini.completion_tokens * 20) / 1e6, 15), 'USD', 'user'],
    ]);
    const byCurrency = Object.fromEntries((await costPoints()).map((p) => [p.attributes['gen_ai.usage.cost.currency'], p.value]));
    expect(Object.keys(byCurrency).sort()).toEqual(['EUR', 'USD']);
    // The file's invalid entry was left out with one message naming the variable; its valid one still applied.
    expect(warnings).toEqual([expect.stringMatching(/OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE \(.*prices\.json\): 1 of 2 model prices are invalid/)]);
  });
});

describe('attribution', () => {
  it('attributes calls to tenants through the real SDK: spans keep every tenant, metric points the budget, totals what the stand-in served', async () => {
    const tenants = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
    const searching = propagation.setBaggage(context.active(), propagation.createBaggage({ 'app.feature': { value: 'search' } }));
    await context.with(searching, () =>
      Promise.all(
        tenants.map((t) =>
          withAttribution({ 'tenant.id': t }, async () => {
            // Two awaits inside the scope: the attribution follows the call wherever it resumes.
            await new Promise((resolve) => setTimeout(resolve, 1));
            const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
            for await (const _ of stream);
          }),
        ),
      ),
    );

    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['tenant.id']).sort()).toEqual([...tenants].sort());
    expect(spans.every((s) => s.attributes['app.feature'] === 'search')).toBe(true);

    const tokens = await histogramPoints(reader, 'gen_ai.client.token.usage');
    const onMetrics = new Set(tokens.map((p) => p.attributes['tenant.id']));
    expect(onMetrics.size).toBe(4);
    expect(onMetrics.has('_OTHER')).toBe(true);
    expect(tokens.every((p) => !('app.feature' in p.attributes))).toBe(true);
    const served = bed.standIn.served.map((s: any) => s.usage);
    expect(tokenTotal(tokens, 'input')).toBe(served.reduce((n: number, u: any) => n + u.prompt_tokens, 0));
    expect(tokenTotal(tokens, 'output')).toBe(served.reduce((n: number, u: any) => n + u.completion_tokens, 0));
    const cost = await costPoints();
    expect(new Set(cost.map((p) => p.attributes['tenant.id']))).toEqual(onMetrics);
    expect(cost.reduce((s, p) => s + p.value, 0)).toBeCloseTo(served.reduce((s: number, u: any) => s + openaiCost(u), 0), 15);

    // The usage records keep the real tenant: billing needs it even where metrics fold it.
    expect(records.map((r) => r.attribution!['tenant.id']).sort()).toEqual([...tenants].sort());
    expect(records.every((r) => r.attribution!['app.feature'] === 'search')).toBe(true);
    expect(warnings.filter((w) => w.includes('reached its budget'))).toHaveLength(1);
  });
});
