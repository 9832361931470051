/**
 * The standard `OTEL_*` variables the register entry relies on, checked up front so that a typo
 * gets one clear message naming the variable and its allowed values. The invalid part is removed
 * before the SDK reads the variable, so the SDK's default really applies: the SDK itself would
 * drop an unknown exporter name without falling back, silently losing every metric or span.
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
  // Milliseconds an OTLP export may take, retries included; they also bound the final flush at exit.
  // Datadog asks for delta; a typo here silently means cumulative, so it is checked with the rest.
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: { kind: 'enum', values: ['cumulative', 'delta', 'lowmemory'] },
  OTEL_EXPORTER_OTLP_TIMEOUT: { kind: 'positiveInteger' },
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: { kind: 'positiveInteger' },
  OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: { kind: 'positiveInteger' },
  OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: { kind: 'positiveInteger' },
};

/**
 * Checks every known variable, removes what is invalid from `env` (the invalid entries of a list,
 * or the whole variable) and returns one message per invalid variable.
 */
export function sanitizeOtelEnv(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(RULES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = raw.trim().toLowerCase();
    let allowed: string;
    let kept: string | undefined;
    switch (rule.kind) {
      case 'enum':
        kept = rule.values.includes(value) ? raw : undefined;
        allowed = `one of ${rule.values.join(', ')}`;
        break;
      case 'list': {
        const entries = value.split(',').map((v) => v.trim());
        const valid = entries.filter((v) => rule.values.includes(v));
        kept = valid.length === entries.length ? raw : valid.length > 0 ? valid.join(',') : undefined;
        allowed = `a comma-separated list of ${rule.values.join(', ')}`;
        break;
      }
      case 'positiveInteger':
        kept = /^\d+$/.test(value) && Number(value) > 0 ? raw : undefined;
        allowed = 'a positive integer';
        break;
    }
    if (kept === raw) continue;
    if (kept === undefined) delete env[name];
    else env[name] = kept;
    problems.push(
      `${name} has the invalid value "${raw}"; allowed: ${allowed}. ` +
        (kept === undefined ? 'The OpenTelemetry default is used instead.' : `Using "${kept}".`),
    );
  }
  return problems;
}

export function isSdkDisabled(env: NodeJS.ProcessEnv): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}
