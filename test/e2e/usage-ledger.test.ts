/**
 * examples/usage-ledger/: an app whose every LLM call is both metered over OTLP and written to a JSONL ledger by
 * tokenpath's onUsage hook. The example's own run.mjs reconciles the two (under each semconv selection); here the
 * ledger is also checked against what this test's OTLP receiver decodes and what the stand-in put on the wire.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPAN_KIND_CLIENT, TOKEN_USAGE, appEnv, childEnv, expectCleanRun, runApp, telemetryArrived, tokensOf, useScenario } from './support.js';
// @ts-expect-error -- untyped .mjs module
import { ledgerTotals, metricTotals, parseLedger, reconcile } from '../../examples/usage-ledger/reconcile.mjs';

const scenario = useScenario();

function tempLedger(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tokenpath-ledger-test-'));
  return { file: join(dir, 'usage-ledger.jsonl'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('examples/usage-ledger', () => {
  it.each([
    [undefined, 'default names'],
    ['gen_ai_latest_experimental', 'latest names'],
    ['gen_ai_latest_experimental/dup', 'default and latest names'],
  ])('run.mjs reconciles its ledger with the metrics it exported (OTEL_SEMCONV_STABILITY_OPT_IN=%s)', async (optIn, names) => {
    const ledger = tempLedger();
    try {
      const exit = await runApp(['examples/usage-ledger/run.mjs', '--ledger', ledger.file], childEnv({ OTEL_SEMCONV_STABILITY_OPT_IN: optIn }), 30_000);
      expectCleanRun(exit);
      expect(exit.stdout).toContain(`reconciled: 5 calls, ledger totals equal the exported metrics (${names})`);
      expect(parseLedger(readFileSync(ledger.file, 'utf8'))).toHaveLength(5);
    } finally {
      ledger.cleanup();
    }
  });

  it('writes one ledger line per call whose tokens equal the exported metrics and the wire, with the span ids', async () => {
    const ledger = tempLedger();
    try {
      const env = appEnv(scenario.receiver.url, 'usage-ledger', {
        OPENAI_BASE_URL: `${scenario.standIn.url}/v1`,
        OPENAI_API_KEY: 'stand-in',
        USAGE_LEDGER_FILE: ledger.file,
      });
      const exit = await runApp(['--import', './examples/usage-ledger/otel.mjs', 'examples/usage-ledger/app.mjs'], env, 20_000);
      expectCleanRun(exit);
      expect(exit.stdout).toContain('{"calls":5}');
      await telemetryArrived(scenario.receiver, 5);
      const records = parseLedger(readFileSync(ledger.file, 'utf8'));

      // the wire: what the stand-in served, per model (the aborted stream and the refused call served no usage)
      const wire: Record<string, { input: number; output: number }> = {};
      for (const s of scenario.standIn.served) {
        const t = tokensOf(s.usage);
        if (t.input === undefined) continue;
        // the stand-in answers with a dated snapshot of the requested model (llm-stand-in/model.mjs, DATE_SUFFIX)
        wire[s.model!.replace(/-2024-07-18$/, '')] = { input: t.input, output: t.output ?? 0 };
      }
      // the exported metrics, as this test's receiver decodes them
      const metrics: Record<string, { input: number; output: number }> = {};
      for (const p of scenario.receiver.latestPoints(TOKEN_USAGE)) {
        const m = (metrics[String(p.attributes['gen_ai.request.model'])] ??= { input: 0, output: 0 });
        m[p.attributes['gen_ai.token.type'] as 'input' | 'output'] += p.sum ?? 0;
      }
      const fromLedger = Object.fromEntries(
        Object.entries(ledgerTotals(records) as Record<string, { input: number; output: number; calls: number }>)
          .filter(([, t]) => t.input + t.output > 0)
          .map(([model, t]) => [model, { input: t.input, output: t.output }]),
      );
      expect(Object.keys(wire).sort()).toEqual(['gpt-4o-mini', 'o4-mini', 'text-embedding-3-small']);
      expect(fromLedger).toEqual(wire);
      expect(metrics).toEqual(wire);

      // every line names its span; the calls without usage say so
      const spans = scenario.receiver.spans.filter((s) => s.kind === SPAN_KIND_CLIENT);
      expect(records.map((r: any) => [r.requestModel, r.usageSource, r.errorType])).toEqual([
        ['o4-mini', 'provider', undefined],
        ['gpt-4o-mini', 'provider', undefined],
        ['stream-hang', 'none', 'AbortError'],
        ['text-embedding-3-small', 'provider', undefined],
        ['error-429', 'none', 'RateLimitError'],
      ]);
      for (const r of records) {
        const span = spans.find((s) => s.spanId === r.spanId);
        expect(span?.traceId).toBe(r.traceId);
        expect(span?.attributes['gen_ai.request.model']).toBe(r.requestModel);
        expect(span?.attributes['tokenpath.usage.source']).toBe(r.usageSource);
      }
    } finally {
      ledger.cleanup();
    }
  });

  it('reconcile.mjs names every count on which the ledger and the metrics differ', () => {
    const point = (model: string, type: string, sum: number) => ({
      attributes: [
        { key: 'gen_ai.request.model', value: { stringValue: model } },
        { key: 'gen_ai.token.type', value: { stringValue: type } },
      ],
      count: '1',
      sum,
    });
    const body = {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: TOKEN_USAGE, histogram: { dataPoints: [point('m', 'input', 5), point('m', 'output', 7)] } }] }] }],
    };
    const ledger = ledgerTotals([{ requestModel: 'm', tokens: { input: 5, output: 6 } }]);
    expect(reconcile(ledger, metricTotals([body]))).toEqual(['m output: ledger 6, metrics (default names) 7']);
    expect(reconcile(ledgerTotals([{ requestModel: 'm', tokens: { input: 5, output: 7 } }]), metricTotals([body]))).toEqual([]);
    expect(reconcile(ledger, metricTotals([]))).toEqual(['no token metrics were exported']);
  });
});
