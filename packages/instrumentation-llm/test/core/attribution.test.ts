import { beforeEach, describe, expect, it } from 'vitest';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { withAttribution } from '@tokenpath/instrumentation-llm';
import { Attribution, attributionFrom } from '../../src/core/attribution';
import { useContextAndWarnings } from '../support/context-and-warnings';

// The context manager an SDK registers (NodeSDK registers this one): attribution rides on it.
const warnings = useContextAndWarnings();
beforeEach(() => {
  warnings.length = 0;
});

const everything = new Attribution({ metricKeys: ['tenant.id'] });
const valuesNow = () => everything.of(context.active())?.values;

describe('withAttribution', () => {
  it('attributes everything fn does, across awaits and timers, and returns what fn returns', async () => {
    const seen = await withAttribution({ 'tenant.id': 'acme', 'app.feature': 'search' }, async () => {
      const before = valuesNow();
      await new Promise((resolve) => setTimeout(resolve, 1));
      const afterTimer = valuesNow();
      await Promise.resolve();
      return [before, afterTimer, valuesNow()];
    });
    const expected = { 'tenant.id': 'acme', 'app.feature': 'search' };
    expect(seen).toEqual([expected, expected, expected]);
    expect(valuesNow()).toBeUndefined();
  });

  it('nests: inner values win, outer ones stay, and the outer scope is unchanged afterwards', async () => {
    await withAttribution({ 'tenant.id': 'acme', 'app.feature': 'search' }, async () => {
      const inner = await withAttribution({ 'app.feature': 'summarize', 'user.tier': 3 }, async () => valuesNow());
      expect(inner).toEqual({ 'tenant.id': 'acme', 'app.feature': 'summarize', 'user.tier': '3' });
      expect(valuesNow()).toEqual({ 'tenant.id': 'acme', 'app.feature': 'search' });
    });
  });

  it('keeps concurrent scopes apart', async () => {
    const tenants = await Promise.all(
      ['a', 'b', 'c'].map((t) =>
        withAttribution({ 'tenant.id': t }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 3 - t.charCodeAt(0) + 97));
          return valuesNow()?.['tenant.id'];
        }),
      ),
    );
    expect(tenants).toEqual(['a', 'b', 'c']);
  });

  it('leaves out values that are not strings, numbers or booleans, and never throws for bad input', () => {
    const values = withAttribution({ ok: 'yes', flag: true, obj: {} as any, none: null as any, '': 'empty key' }, valuesNow);
    expect(values).toEqual({ ok: 'yes', flag: 'true' });
    expect(withAttribution(null as any, () => 42)).toBe(42);
  });

  it('lets what fn throws through unchanged', () => {
    const error = new RangeError('mine');
    expect(() => withAttribution({ a: 'b' }, () => { throw error; })).toThrow(error);
  });
});

describe('Attribution', () => {
  it('brings in only the allowlisted baggage keys, and withAttribution wins over baggage', () => {
    const attribution = new Attribution({ baggageKeys: ['tenant.id', 'region'] });
    const baggage = propagation.createBaggage({ 'tenant.id': { value: 'from-baggage' }, region: { value: 'eu' }, secret: { value: 'no' } });
    const parent = propagation.setBaggage(ROOT_CONTEXT, baggage);
    expect(attribution.of(parent)?.values).toEqual({ 'tenant.id': 'from-baggage', region: 'eu' });
    context.with(parent, () =>
      withAttribution({ 'tenant.id': 'explicit' }, () => {
        expect(attribution.of(context.active())?.values).toEqual({ 'tenant.id': 'explicit', region: 'eu' });
      }),
    );
  });

  it('reads baggage as the W3C propagator extracts it from an incoming request', () => {
    const parent = new W3CBaggagePropagator().extract(ROOT_CONTEXT, { baggage: 'tenant.id=acme,other=x' }, {
      get: (carrier: Record<string, string>, key: string) => carrier[key],
      keys: (carrier: Record<string, string>) => Object.keys(carrier),
    });
    expect(new Attribution({ baggageKeys: ['tenant.id'], metricKeys: ['tenant.id'] }).of(parent)).toEqual({
      values: { 'tenant.id': 'acme' },
      metricAttributes: { 'tenant.id': 'acme' },
    });
  });

  it('puts only the keys allowlisted for metrics on metric points', () => {
    const attribution = new Attribution({ metricKeys: ['app.feature'] });
    const call = withAttribution({ 'tenant.id': 'acme', 'app.feature': 'search' }, () => attribution.of(context.active()));
    expect(call).toEqual({ values: { 'tenant.id': 'acme', 'app.feature': 'search' }, metricAttributes: { 'app.feature': 'search' } });
    expect(new Attribution({}).of(ROOT_CONTEXT)).toBeUndefined();
  });

  it('folds values past the budget (which counts _OTHER) into _OTHER on metrics, says so once per key, and keeps the real value for spans', () => {
    const attribution = new Attribution({ metricKeys: ['tenant.id', 'app.feature'], metricValueLimit: 3 });
    const metric = (tenant: string, feature = 'f') =>
      withAttribution({ 'tenant.id': tenant, 'app.feature': feature }, () => attribution.of(context.active())!);
    expect(['t1', 't2', 't3', 't4', 't1', 't2', 't5'].map((t) => metric(t).metricAttributes!['tenant.id'])).toEqual([
      't1', 't2', '_OTHER', '_OTHER', 't1', 't2', '_OTHER',
    ]);
    expect(metric('t9').values['tenant.id']).toBe('t9');
    expect(metric('t1', 'g').metricAttributes).toEqual({ 'tenant.id': 't1', 'app.feature': 'g' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"tenant.id" reached its budget of 3 distinct values');
    expect(warnings[0]).toContain('OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT');
  });
});

describe('attribution settings', () => {
  it('come from the options, else from the environment', () => {
    const env = {
      OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_BAGGAGE_KEYS: ' tenant.id , ,region',
      OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_KEYS: 'tenant.id',
      OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT: '2',
    };
    const problems: string[] = [];
    const fromEnv = attributionFrom({}, env, (m) => problems.push(m));
    const parent = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ region: { value: 'eu' }, 'tenant.id': { value: 'a' } }));
    expect(fromEnv.of(parent)).toEqual({ values: { 'tenant.id': 'a', region: 'eu' }, metricAttributes: { 'tenant.id': 'a' } });
    const fromOptions = attributionFrom({ baggageKeys: ['region'], metricKeys: [] }, env, (m) => problems.push(m));
    expect(fromOptions.of(parent)).toEqual({ values: { region: 'eu' }, metricAttributes: undefined });
    expect(problems).toEqual([]);
  });

  it('report a malformed limit once, naming the variable and what is allowed, and use the default', () => {
    const problems: string[] = [];
    attributionFrom({}, { OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT: 'lots' }, (m) => problems.push(m));
    attributionFrom({ metricValueLimit: 0 }, {}, (m) => problems.push(m));
    expect(problems).toEqual([
      'OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT has the invalid value "lots"; allowed: an integer >= 1. Using 100.',
      'the attributionMetricValueLimit option is 0; allowed: an integer >= 1. Using 100.',
    ]);
  });
});
