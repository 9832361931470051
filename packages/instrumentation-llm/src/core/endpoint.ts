/**
 * Where a client sends its calls: `server.address`, `server.port` and the `gen_ai.provider.name`
 * its host implies, from one table. Parsed once per base URL, never per call.
 */
import * as V from '@tokenpath/semconv';

export interface Endpoint {
  readonly address: string | undefined;
  readonly port: number | undefined;
  /** The provider the host implies, or undefined for a host not in the table. */
  readonly provider: string | undefined;
}

/** Host-name suffix (or pattern) → provider. The first match wins. */
const HOST_PROVIDERS: readonly (readonly [host: string | RegExp, provider: string])[] = [
  ['api.openai.com', V.GEN_AI_PROVIDER_NAME_VALUE_OPENAI],
  ['.openai.azure.com', V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['.cognitiveservices.azure.com', V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['.services.ai.azure.com', V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI],
  ['.models.ai.azure.com', V.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE],
  ['api.anthropic.com', V.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC],
  ['generativelanguage.googleapis.com', V.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI],
  ['aiplatform.googleapis.com', V.GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI],
  [/^bedrock-runtime(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/, V.GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK],
  ['api.groq.com', V.GEN_AI_PROVIDER_NAME_VALUE_GROQ],
  ['api.deepseek.com', V.GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK],
  ['api.x.ai', V.GEN_AI_PROVIDER_NAME_VALUE_X_AI],
  ['api.mistral.ai', V.GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI],
  ['api.perplexity.ai', V.GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY],
  ['api.cohere.ai', V.GEN_AI_PROVIDER_NAME_VALUE_COHERE],
  ['api.cohere.com', V.GEN_AI_PROVIDER_NAME_VALUE_COHERE],
  ['api.moonshot.ai', V.GEN_AI_PROVIDER_NAME_VALUE_MOONSHOT_AI],
  ['api.moonshot.cn', V.GEN_AI_PROVIDER_NAME_VALUE_MOONSHOT_AI],
  ['api.together.xyz', V.GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI],
  ['api.together.ai', V.GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI],
  ['api.fireworks.ai', V.GEN_AI_PROVIDER_NAME_VALUE_FIREWORKS_AI],
  ['openrouter.ai', V.GEN_AI_PROVIDER_NAME_VALUE_OPENROUTER],
  ['api.cerebras.ai', V.GEN_AI_PROVIDER_NAME_VALUE_CEREBRAS],
  ['ml.cloud.ibm.com', V.GEN_AI_PROVIDER_NAME_VALUE_IBM_WATSONX_AI],
];

/** Self-hosted servers are told apart by their well-known default port on a local host. */
const LOCAL_PORT_PROVIDERS: ReadonlyMap<number, string> = new Map([
  [11434, V.GEN_AI_PROVIDER_NAME_VALUE_OLLAMA],
  [8000, V.GEN_AI_PROVIDER_NAME_VALUE_VLLM],
]);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };
const UNKNOWN: Endpoint = { address: undefined, port: undefined, provider: undefined };
const MAX_CACHED = 64;
const cache = new Map<string, Endpoint>();

export function endpointOf(baseURL: unknown): Endpoint {
  if (typeof baseURL !== 'string') return UNKNOWN;
  let endpoint = cache.get(baseURL);
  if (endpoint === undefined) {
    endpoint = parseEndpoint(baseURL);
    // Base URLs are per client, so a handful at most; the bound only guards odd apps.
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(baseURL, endpoint);
  }
  return endpoint;
}

function parseEndpoint(baseURL: string): Endpoint {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return UNKNOWN;
  }
  // Only host and port are kept: user info, path and query (which may carry a key) never are.
  const address = url.hostname;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  return { address, port, provider: providerOfHost(address, port) };
}

export function providerOfHost(host: string, port: number | undefined): string | undefined {
  const h = host.toLowerCase();
  for (const [pattern, provider] of HOST_PROVIDERS) {
    if (typeof pattern !== 'string') {
      if (pattern.test(h)) return provider;
    } else if (h === pattern || h.endsWith(pattern.startsWith('.') ? pattern : `.${pattern}`)) {
      return provider;
    }
  }
  if (LOCAL_HOSTS.has(h) && port !== undefined) return LOCAL_PORT_PROVIDERS.get(port);
  return undefined;
}
