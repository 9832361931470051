/**
 * The standard `OTEL_*` variables the register entry relies on, checked up front so that a typo
 * gets one clear message naming the variable and its allowed values. The SDK then carries on
 * with its defaults for that setting: a bad value never stops the app or loses other telemetry.
 * https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
type Rule =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; values: readonly string[] }
  | { kind: 'positiveInteger' };

const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

const RULES: Readonly<Record<string, Rule>> = {
  OTEL_SDK_DISABLED: { kind: 'enum', values: ['true', 'false'] },
  OTEL_LOG_LEVEL: { kind: 'enum', values: ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] },
  OTEL_EXPORTER_OTLP_PROTOCOL: { kind: 'enum', values: PROTOCOLS },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: { kind: 'enum', values: PROTOCOLS },
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: { kind: 'enum', values: PROTOCOLS },
  OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: { kind: 'enum', values: PROTOCOLS },
  OTEL_TRACES_EXPORTER: { kind: 'list', values: ['otlp', 'console', 'zipkin', 'none'] },
  OTEL_METRICS_EXPORTER: { kind: 'list', values: ['otlp', 'console', 'prometheus', 'none'] },
  OTEL_LOGS_EXPORTER: { kind: 'list', values: ['otlp', 'console', 'none'] },
  OTEL_METRIC_EXPORT_INTERVAL: { kind: 'positiveInteger' },
  OTEL_METRIC_EXPORT_TIMEOUT: { kind: 'positiveInteger' },
  OTEL_EXPORTER_PROMETHEUS_PORT: { kind: 'positiveInteger' },
};

/** Returns one message per invalid variable (empty when all are valid or unset). */
export function invalidOtelEnv(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(RULES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = raw.trim().toLowerCase();
    let ok: boolean;
    let allowed: string;
    switch (rule.kind) {
      case 'enum':
        ok = rule.values.includes(value);
        allowed = `one of ${rule.values.join(', ')}`;
        break;
      case 'list':
        ok = value.split(',').every((v) => rule.values.includes(v.trim()));
        allowed = `a comma-separated list of ${rule.values.join(', ')}`;
        break;
      case 'positiveInteger':
        ok = /^\d+$/.test(value) && Number(value) > 0;
        allowed = 'a positive integer';
        break;
    }
    if (!ok) {
      problems.push(
        `${name} has the invalid value "${raw}"; allowed: ${allowed}. The OpenTelemetry SDK default is used instead.`,
      );
    }
  }
  return problems;
}

export function isSdkDisabled(env: NodeJS.ProcessEnv): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}
