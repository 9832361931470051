/**
 * Which endpoints tokenpath asks for the usage of a stream the caller did not ask it for.
 *
 * OpenAI-style chat streams carry usage only when the request sets `stream_options.include_usage`
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options). The
 * built-in table names the providers whose hosts accept the option and send no usage without it;
 * hosts that state a stream's usage unasked (Groq, Together AI, Mistral, Perplexity, …) or that
 * may reject the option are left alone. Config adds hosts (`host` or `host:port`, or `*` for every
 * host); a host that turns out to reject the option is remembered (bounded) and not asked again.
 * Decided once per endpoint (the endpoint objects are cached per base URL), never per call.
 */
import * as V from '@tokenpath/semconv';
import type { Endpoint } from './endpoint';

export const STREAM_USAGE_ENV = 'OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE';
export const STREAM_USAGE_HOSTS_ENV = 'OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS';

/**
 * Providers (as `core/endpoint.ts` names them from the host) whose OpenAI-style chat endpoint
 * accepts `stream_options.include_usage` and omits usage without it. Azure OpenAI rejects it on
 * api-versions before 2024-09-01-preview; the retry-without covers those.
 */
export const STREAM_USAGE_PROVIDERS: ReadonlySet<string> = new Set([
  V.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  V.GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  V.GEN_AI_PROVIDER_NAME_VALUE_X_AI,
  V.GEN_AI_PROVIDER_NAME_VALUE_VLLM,
]);

/** Hosts remembered as rejecting the option; oldest forgotten first beyond this. */
const MAX_REJECTING_HOSTS = 256;
const EVERY_HOST = '*';

export interface StreamUsageOptions {
  /** Off switch (default on). */
  enabled?: boolean;
  /** Hosts asked besides the table: `host`, `host:port`, or `*`. */
  hosts?: readonly string[];
}

export class StreamUsagePolicy {
  private readonly extraHosts: ReadonlySet<string>;
  private readonly everyHost: boolean;
  /** Decision per endpoint object: one WeakMap lookup per call. */
  private decisions = new WeakMap<Endpoint, boolean>();
  private readonly rejecting = new Map<string, true>();

  constructor(readonly enabled: boolean, hosts: readonly string[]) {
    const normalised = hosts.map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
    this.everyHost = normalised.includes(EVERY_HOST);
    this.extraHosts = new Set(normalised);
  }

  /** Whether a stream to `endpoint` whose caller set no `stream_options` is asked for its usage. */
  asks(endpoint: Endpoint): boolean {
    if (!this.enabled) return false;
    let decision = this.decisions.get(endpoint);
    if (decision === undefined) {
      decision = this.decide(endpoint);
      this.decisions.set(endpoint, decision);
    }
    return decision;
  }

  /**
   * Whether the table vouches for the host: a rejection from such a host is only believed when the
   * error names the option (so an ordinary 400 is not sent twice); any 400/422 from another host is.
   */
  isKnown(endpoint: Endpoint): boolean {
    return endpoint.provider !== undefined && STREAM_USAGE_PROVIDERS.has(endpoint.provider);
  }

  /** The host rejected the option (a retry without it succeeded): never ask it again. */
  rejected(endpoint: Endpoint): void {
    const key = hostKey(endpoint);
    if (key === undefined) return;
    if (this.rejecting.size >= MAX_REJECTING_HOSTS) this.rejecting.delete(this.rejecting.keys().next().value!);
    this.rejecting.set(key, true);
    this.decisions = new WeakMap();
  }

  private decide(endpoint: Endpoint): boolean {
    const key = hostKey(endpoint);
    if (key === undefined || this.rejecting.has(key)) return false;
    if (this.isKnown(endpoint) || this.everyHost) return true;
    return this.extraHosts.has(key) || this.extraHosts.has(endpoint.address!.toLowerCase());
  }
}

function hostKey(endpoint: Endpoint): string | undefined {
  if (endpoint.address === undefined) return undefined;
  const host = endpoint.address.toLowerCase();
  return endpoint.port === undefined ? host : `${host}:${endpoint.port}`;
}

/**
 * The policy from the options, else `OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE` (`false` turns it off)
 * and `OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS` (comma-separated). Options win over env.
 */
export function streamUsagePolicyFrom(
  options: StreamUsageOptions,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): StreamUsagePolicy {
  let enabled = options.enabled;
  if (enabled === undefined) {
    const raw = env[STREAM_USAGE_ENV]?.trim().toLowerCase();
    if (raw === undefined || raw === '' || raw === 'true') enabled = true;
    else if (raw === 'false') enabled = false;
    else {
      warn(`${STREAM_USAGE_ENV} has the invalid value "${env[STREAM_USAGE_ENV]}"; allowed: true, false. Stream usage stays on.`);
      enabled = true;
    }
  }
  const hosts = options.hosts ?? (env[STREAM_USAGE_HOSTS_ENV] ?? '').split(',');
  return new StreamUsagePolicy(enabled, hosts);
}
