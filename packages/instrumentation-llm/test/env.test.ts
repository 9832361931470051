import { describe, expect, it } from 'vitest';
import { isSdkDisabled, sanitizeOtelEnv } from '../src/env';

describe('OTEL_* validation', () => {
  it('accepts the standard values and leaves them as they are', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_EXPORTER: 'otlp,console',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_LOG_LEVEL: 'DEBUG',
      OTEL_SDK_DISABLED: 'false',
    };
    const before = { ...env };
    expect(sanitizeOtelEnv(env)).toEqual([]);
    expect(env).toEqual(before);
  });

  it('names each bad variable with its allowed values, and removes what is invalid so the default applies', () => {
    const env: Record<string, string> = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml',
      OTEL_METRICS_EXPORTER: 'otlp,bogus',
      OTEL_TRACES_EXPORTER: 'bogus',
      OTEL_METRIC_EXPORT_INTERVAL: '-5',
    };
    expect(sanitizeOtelEnv(env)).toEqual([
      'OTEL_EXPORTER_OTLP_PROTOCOL has the invalid value "http/xml"; allowed: one of http/protobuf, http/json, grpc. The OpenTelemetry default is used instead.',
      'OTEL_TRACES_EXPORTER has the invalid value "bogus"; allowed: a comma-separated list of otlp, console, zipkin, none. The OpenTelemetry default is used instead.',
      'OTEL_METRICS_EXPORTER has the invalid value "otlp,bogus"; allowed: a comma-separated list of otlp, console, prometheus, none. Using "otlp".',
      'OTEL_METRIC_EXPORT_INTERVAL has the invalid value "-5"; allowed: a positive integer. The OpenTelemetry default is used instead.',
    ]);
    expect(env).toEqual({ OTEL_METRICS_EXPORTER: 'otlp' });
  });

  it('checks the metrics temporality preference Datadog asks to set', () => {
    const ok = { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta' };
    expect(sanitizeOtelEnv(ok)).toEqual([]);
    const env: Record<string, string> = { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'deltas' };
    expect(sanitizeOtelEnv(env)).toEqual([
      'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE has the invalid value "deltas"; allowed: one of cumulative, delta, lowmemory. The OpenTelemetry default is used instead.',
    ]);
    expect(env).toEqual({});
  });

  it('reads OTEL_SDK_DISABLED', () => {
    expect(isSdkDisabled({ OTEL_SDK_DISABLED: 'TRUE' })).toBe(true);
    expect(isSdkDisabled({})).toBe(false);
  });
});
