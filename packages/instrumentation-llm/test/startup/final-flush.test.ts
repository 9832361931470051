import { describe, expect, it } from 'vitest';
import { sanitizeOtelEnv } from '../../src/env';
import { FINAL_FLUSH_CAP_MS, finalFlushTimeoutMs } from '../../src/startup/shutdown';

describe('the final flush at exit', () => {
  it('waits the OTLP export timeout and half a second, at most 5 s', () => {
    expect(FINAL_FLUSH_CAP_MS).toBe(5000);
    expect(finalFlushTimeoutMs({})).toBe(5000); // the exporters' default is 10 s
    expect(finalFlushTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: '1000' })).toBe(1500);
    expect(finalFlushTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: '60000' })).toBe(5000);
  });

  it("takes the longest signal's timeout: its own variable, else the general one, else the default", () => {
    expect(finalFlushTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: '500', OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '2000' })).toBe(2500);
    expect(finalFlushTimeoutMs({ OTEL_EXPORTER_OTLP_TIMEOUT: '2000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '100' })).toBe(2500);
    expect(
      finalFlushTimeoutMs({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '100', OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '100', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '100' }),
    ).toBe(600);
    expect(finalFlushTimeoutMs({ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '100' })).toBe(5000); // metrics and logs keep 10 s
  });

  it('an invalid timeout is reported and removed, so the default applies', () => {
    const env: Record<string, string> = { OTEL_EXPORTER_OTLP_TIMEOUT: '10s' };
    expect(sanitizeOtelEnv(env)).toEqual([
      'OTEL_EXPORTER_OTLP_TIMEOUT has the invalid value "10s"; allowed: a positive integer. The OpenTelemetry default is used instead.',
    ]);
    expect(finalFlushTimeoutMs(env)).toBe(5000);
  });
});
