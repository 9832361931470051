/**
 * Cost and attribution configured only by environment variables, under the register entry, exported over OTLP:
 * an app with four tenants (a feature name from W3C baggage) and one model priced by a user price file.
 * Expected amounts come from the raw price table and what the SDK handed the app, never from tokenpath's code.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTER, SPAN_KIND_CLIENT, appEnv, appResults, expectCleanRun, runApp, telemetryArrived, useScenario } from './support.js';
import raw from '../../packages/instrumentation-llm/src/core/pricing/genai-prices.json';

const APP = 'test/e2e/cost-attribution/app.cjs';
const scenario = useScenario();

interface Call {
  model: string;
  tenant: string;
  usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } };
}

describe('cost and attribution from OTEL_INSTRUMENTATION_GENAI_* variables, exported over OTLP', () => {
  it('prices each call, attributes it to its tenant and feature, and keeps tenants on metrics within the budget', async () => {
    const { receiver, standIn } = scenario;
    const dir = mkdtempSync(join(tmpdir(), 'tokenpath-e2e-prices-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ models: [{ model: 'my-own-model', provider: 'openai', currency: 'EUR', input_mtok: 0.5, output_mtok: 1.5 }] }));
    const env = appEnv(receiver.url, 'cost-attribution', {
      STAND_IN_URL: standIn.url,
      OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_BAGGAGE_KEYS: 'app.feature',
      OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_KEYS: 'tenant.id',
      OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT: '3',
      OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE: prices,
    });
    const exit = await runApp(['--require', REGISTER, APP], env, 20_000);
    // The tenant budget is spent by design here: that notice is the one line tokenpath may write.
    const budgetLine = exit.stderr.split('\n').find((l) => l.includes('"tenant.id" reached its budget of 3 distinct values'));
    expect(budgetLine, exit.stderr).toBeDefined();
    expectCleanRun({ ...exit, stderr: exit.stderr.replace(`${budgetLine}\n`, '') });
    const calls = appResults(exit.stdout) as Call[];
    expect(calls).toHaveLength(5);

    await telemetryArrived(receiver, 5);
    await receiver.waitFor(() => receiver.latestPoints('tokenpath.client.cost').length > 0);

    // Spans: every call's real tenant, the baggage feature on the calls made in its context, and the cost.
    const spans = receiver.spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
    const table = (raw as any).providers.openai.models.find((m: any) => m.id === 'gpt-4o-mini').prices;
    const costOf = (c: Call) => {
      const cached = c.usage.prompt_tokens_details?.cached_tokens ?? 0;
      return c.model === 'my-own-model'
        ? (c.usage.prompt_tokens * 0.5 + c.usage.completion_tokens * 1.5) / 1e6
        : ((c.usage.prompt_tokens - cached) * table.input_mtok + cached * table.cache_read_mtok + c.usage.completion_tokens * table.output_mtok) / 1e6;
    };
    const byTenantAndModel = (a: { tenant: string; model: string }) => `${a.tenant} ${a.model}`;
    const expected = calls.map((c) => ({
      key: byTenantAndModel(c),
      feature: c.model === 'my-own-model' ? undefined : 'search',
      currency: c.model === 'my-own-model' ? 'EUR' : 'USD',
      table: c.model === 'my-own-model' ? 'user' : `@pydantic/genai-prices@${(raw as any).version}`,
    }));
    const seen = spans.map((s) => ({
      key: byTenantAndModel({ tenant: String(s.attributes['tenant.id']), model: String(s.attributes['gen_ai.request.model']) }),
      feature: s.attributes['app.feature'],
      currency: s.attributes['gen_ai.usage.cost.currency'],
      table: s.attributes['tokenpath.cost.price_table'],
    }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(seen.sort(byKey)).toEqual(expected.sort(byKey));
    for (const c of calls) {
      const span = spans.find((s) => byTenantAndModel({ tenant: String(s.attributes['tenant.id']), model: String(s.attributes['gen_ai.request.model']) }) === byTenantAndModel(c))!;
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(costOf(c), 15);
    }

    // The cost counter: a monotonic sum in {cost}, per currency; tenants within the budget (_OTHER included).
    const costMetric = receiver.metrics.filter((m) => m.name === 'tokenpath.client.cost').at(-1)!;
    expect([costMetric.kind, costMetric.isMonotonic, costMetric.unit]).toEqual(['sum', true, '{cost}']);
    const points = receiver.latestPoints('tokenpath.client.cost');
    const total = (currency: string) => points.filter((p) => p.attributes['gen_ai.usage.cost.currency'] === currency).reduce((s, p) => s + p.value!, 0);
    expect(total('USD')).toBeCloseTo(calls.filter((c) => c.model === 'gpt-4o-mini').reduce((s, c) => s + costOf(c), 0), 15);
    expect(total('EUR')).toBeCloseTo(costOf(calls[4]), 15);
    const tenants = new Set(points.map((p) => p.attributes['tenant.id']));
    expect(tenants.size).toBe(3);
    expect(tenants.has('_OTHER')).toBe(true);
    expect(points.every((p) => !('app.feature' in p.attributes))).toBe(true);
  });
});
