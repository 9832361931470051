import { describe, expect, it } from 'vitest';
import { invalidOtelEnv, isSdkDisabled } from '../src/env';

describe('OTEL_* validation', () => {
  it('accepts the standard values', () => {
    expect(
      invalidOtelEnv({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_EXPORTER: 'otlp,console',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_LOG_LEVEL: 'DEBUG',
        OTEL_SDK_DISABLED: 'false',
      }),
    ).toEqual([]);
  });

  it('names each bad variable with its allowed values', () => {
    expect(
      invalidOtelEnv({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml',
        OTEL_METRICS_EXPORTER: 'otlp,bogus',
        OTEL_METRIC_EXPORT_INTERVAL: '-5',
      }),
    ).toEqual([
      'OTEL_EXPORTER_OTLP_PROTOCOL has the invalid value "http/xml"; allowed: one of http/protobuf, http/json, grpc. The OpenTelemetry SDK default is used instead.',
      'OTEL_METRICS_EXPORTER has the invalid value "otlp,bogus"; allowed: a comma-separated list of otlp, console, prometheus, none. The OpenTelemetry SDK default is used instead.',
      'OTEL_METRIC_EXPORT_INTERVAL has the invalid value "-5"; allowed: a positive integer. The OpenTelemetry SDK default is used instead.',
    ]);
  });

  it('reads OTEL_SDK_DISABLED', () => {
    expect(isSdkDisabled({ OTEL_SDK_DISABLED: 'TRUE' })).toBe(true);
    expect(isSdkDisabled({})).toBe(false);
  });
});
