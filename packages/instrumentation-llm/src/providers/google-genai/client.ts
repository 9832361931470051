/**
 * What every @google/genai call shares: the backend (`gcp.vertex_ai` or `gcp.gemini`, from the
 * client's own `vertexai` setting, which decides the wire protocol), the endpoint (the per-request
 * `config.httpOptions.baseUrl`, else the client's base URL), the model id, and the error type.
 * Only host and port of the base URL are kept: the Gemini API also accepts its key as `?key=`.
 */
import {
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  type RequestFacts,
} from '@tokenpath/semconv';
import { endpointOf } from '../../core/endpoint';
import type { OperationStart } from '../../core/operation';
import type { SecretReader } from '../../core/redact';
import { objectOf, stringOf } from '../../core/read';

/** `this` of the patched `Models` methods: the SDK keeps its `ApiClient` on `apiClient`. */
export function googleStart(
  operation: string,
  self: any,
  params: unknown,
  request: RequestFacts,
  hasFinishReasons: boolean,
): OperationStart {
  const apiClient = self?.apiClient;
  const endpoint = endpointOf(stringOf(objectOf(configOf(params).httpOptions)?.baseUrl) ?? baseUrlOf(apiClient));
  return {
    operation,
    provider: providerOf(apiClient),
    serverAddress: endpoint.address,
    serverPort: endpoint.port,
    request,
    hasFinishReasons,
    secretHolder: apiClient,
    readSecrets: googleSecrets,
  };
}

/**
 * Where the SDK's `ApiClient` keeps its credentials: the Gemini API key (sent as `x-goog-api-key`),
 * and for Vertex AI the OAuth access token its GoogleAuth has already fetched (never fetched here).
 */
const googleSecrets: SecretReader = (apiClient) => {
  const options = apiClient.clientOptions;
  return [options?.apiKey, options?.auth?.apiKey, options?.auth?.googleAuth?.cachedCredential?.credentials?.access_token];
};

export function configOf(params: unknown): Record<string, any> {
  return objectOf(objectOf(params)?.config) ?? {};
}

function providerOf(apiClient: any): string {
  if (typeof apiClient?.isVertexAI !== 'function') return GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI;
  return apiClient.isVertexAI() === true ? GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI : GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI;
}

function baseUrlOf(apiClient: any): string | undefined {
  try {
    return stringOf(apiClient?.getBaseUrl?.());
  } catch {
    return undefined; // the SDK throws when no base URL is set
  }
}

/**
 * The model id as asked for: resource prefixes (`models/`, `publishers/google/models/`,
 * `projects/…/locations/…/publishers/google/models/`) are dropped, which also keeps project ids out
 * of the attribute; `tunedModels/…` and publisher shorthands (`meta/llama…`) stay as given.
 */
export function modelIdOf(model: unknown): string | undefined {
  const m = stringOf(model);
  if (m === undefined) return undefined;
  const at = m.lastIndexOf('models/');
  return at === 0 || (at > 0 && m[at - 1] === '/') ? stringOf(m.slice(at + 'models/'.length)) ?? m : m;
}

const RPC_STATUS = /"status"\s*:\s*"([A-Z][A-Z_]*)"|^got status: ([A-Z][A-Z_]*)\./;

/**
 * The SDK throws one `ApiError` class for every HTTP failure (and for an error event inside a
 * stream); its message carries Google's error envelope, whose RPC status (RESOURCE_EXHAUSTED,
 * INVALID_ARGUMENT, …) is the provider's own low-cardinality error code. Anything else: undefined.
 */
export function googleErrorType(error: unknown): string | undefined {
  if ((error as { name?: unknown } | null)?.name !== 'ApiError') return undefined;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== 'string') return undefined;
  const match = RPC_STATUS.exec(message);
  return match?.[1] ?? match?.[2];
}
