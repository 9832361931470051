/**
 * dd-trace (Datadog's tracer) in the same process. Its OpenTelemetry bridge
 * (`new tracer.TracerProvider().register()`, `DD_METRICS_OTEL_ENABLED=true`) registers the
 * providers tokenpath then reports to, and its own openai, anthropic, google-genai and aws-sdk
 * plugins instrument the same SDK calls as tokenpath.
 *
 * Both are kept when both are on (tokenpath never turns another instrumentation off): each call
 * then has tokenpath's span and, as its child, the plugin's (`openai.request`, ...), which carries
 * its own `gen_ai.usage.*` tags, and with `DD_LLMOBS_ENABLED` its own LLM Observability event.
 * tokenpath's token metrics count the call once either way. The user chooses one: tokenpath alone
 * with `DD_TRACE_DISABLED_PLUGINS=openai,anthropic,google-genai` (and
 * `DD_TRACE_AWS_SDK_BEDROCKRUNTIME_ENABLED=false`, which keeps dd-trace's other AWS spans), or
 * dd-trace alone by not loading tokenpath.
 */
import { apiRegistry, type ApiRegistry } from './api-copies';

/** dd-trace's plugins that instrument an SDK tokenpath meters, by dd-trace plugin id. */
const LLM_PLUGINS = ['openai', 'anthropic', 'google-genai', 'aws-sdk'] as const;

/** dd-trace's tracer once `init()` ran (dd-trace keeps it on `global._ddtrace`), else undefined. */
export function ddTraceTracer(): any {
  const tracer = (globalThis as any)._ddtrace;
  return tracer && typeof tracer === 'object' && tracer._initialized === true ? tracer : undefined;
}

const isFalse = (value: string | undefined): boolean => /^(false|0)$/i.test(value?.trim() ?? '');

/**
 * dd-trace's LLM plugins that are on, as dd-trace decides it: `plugins: false` in `init()`,
 * `DD_TRACE_DISABLED_PLUGINS`, `DD_TRACE_<PLUGIN>_ENABLED=false`, `tracer.use(id, false)`; for
 * aws-sdk, its Bedrock Runtime service (`DD_TRACE_AWS_SDK_BEDROCKRUNTIME_ENABLED=false`).
 */
export function ddTraceLlmPlugins(tracer: any, env: NodeJS.ProcessEnv = process.env): string[] {
  let manager: any;
  try {
    manager = tracer?._pluginManager;
    if (manager?._tracerConfig?.plugins === false) return [];
  } catch {
    manager = undefined;
  }
  const disabled = new Set((env.DD_TRACE_DISABLED_PLUGINS ?? '').split(',').map((id) => id.trim()));
  return LLM_PLUGINS.filter((id) => {
    if (disabled.has(id) || isFalse(env[`DD_TRACE_${id.toUpperCase().replace(/-/g, '_')}_ENABLED`])) return false;
    if (id === 'aws-sdk' && isFalse(env.DD_TRACE_AWS_SDK_BEDROCKRUNTIME_ENABLED)) return false;
    try {
      if (manager?._configsByName?.[id]?.enabled === false) return false;
    } catch {
      // dd-trace's internals changed: its environment alone decides
    }
    return true;
  });
}

type Finding = { key: string; message: string };

const REGISTER_BRIDGE = "`new tracer.TracerProvider().register()` after `require(\"dd-trace\").init()`";

/** What is missing from dd-trace's OpenTelemetry bridge, seen from the providers it registered. */
function bridgeFinding(registry: ApiRegistry | undefined): Finding | undefined {
  if (registry?.trace === undefined && registry?.metrics === undefined) {
    return {
      key: 'dd-trace-no-bridge',
      message:
        'tokenpath: dd-trace runs but registered no OpenTelemetry providers, so tokenpath starts its own OpenTelemetry ' +
        "SDK (exporting where the OTEL_* variables say) and its spans do not join dd-trace's traces. To report through " +
        `dd-trace, register dd-trace's bridge before tokenpath starts: ${REGISTER_BRIDGE}, and ` +
        'DD_METRICS_OTEL_ENABLED=true for the token metrics.',
    };
  }
  if (registry?.trace === undefined) {
    return {
      key: 'dd-trace-no-tracer',
      message:
        "tokenpath: dd-trace's OpenTelemetry bridge has a meter provider but no tracer provider: tokenpath's spans are " +
        `not recorded. Register it before tokenpath starts: ${REGISTER_BRIDGE}.`,
    };
  }
  if (registry?.metrics === undefined) {
    return {
      key: 'dd-trace-no-metrics',
      message:
        "tokenpath: dd-trace's OpenTelemetry bridge has a tracer provider but no meter provider: tokenpath's token and " +
        'duration metrics are not recorded. Set DD_METRICS_OTEL_ENABLED=true.',
    };
  }
  return undefined;
}

/**
 * The start-up findings about dd-trace, one message each (none when dd-trace does not run).
 * `bridge`: also check its OpenTelemetry bridge (the register entry, which starts its own SDK when
 * no providers are registered; a programmatic setup registers its providers after this runs).
 */
export function ddTraceFindings(env: NodeJS.ProcessEnv, options: { bridge: boolean }): Finding[] {
  const tracer = ddTraceTracer();
  if (!tracer) return [];
  const findings: Finding[] = [];
  const bridge = options.bridge ? bridgeFinding(apiRegistry()) : undefined;
  if (bridge) findings.push(bridge);
  const plugins = ddTraceLlmPlugins(tracer, env);
  if (plugins.length > 0) {
    findings.push({
      key: 'dd-trace-llm-plugins',
      message:
        `tokenpath: dd-trace's ${plugins.join(', ')} plugin${plugins.length > 1 ? 's' : ''} also instrument${plugins.length > 1 ? '' : 's'} ` +
        'the LLM calls tokenpath meters: each call gets a second span with its own ' +
        'gen_ai.usage.* tags, so a sum over spans counts its tokens twice (tokenpath\'s token metrics count them once). ' +
        'To keep only tokenpath: DD_TRACE_DISABLED_PLUGINS=openai,anthropic,google-genai and ' +
        "DD_TRACE_AWS_SDK_BEDROCKRUNTIME_ENABLED=false; to keep only dd-trace's, do not load tokenpath.",
    });
  }
  return findings;
}
