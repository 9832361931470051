import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/**
 * What the register entry sets on the NodeSDK beyond what it reads from `OTEL_*` itself.
 *
 * `OTEL_TRACES_EXPORTER=none` is a normal choice (metrics only, e.g. a Prometheus scrape), but the SDK
 * answers it with the warning "SDK will not be initialized" although metrics and the instrumentation
 * work. Passing no span processors is the same configuration (no tracer provider is registered, spans
 * are no-ops) without the misleading warning. Any other value is left to the SDK.
 */
export function sdkConfiguration(env: NodeJS.ProcessEnv): Partial<NodeSDKConfiguration> {
  const traces = new Set((env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase()));
  traces.delete('');
  if (traces.size === 1 && traces.has('none')) return { spanProcessors: [] };
  return {};
}
