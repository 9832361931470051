/**
 * What every Messages call shares: the client's endpoint (`this._client.baseURL` of the resource)
 * and the provider it speaks to. The same `Messages` class serves `Anthropic`, `AnthropicBedrock`
 * (`@anthropic-ai/bedrock-sdk`) and `AnthropicVertex` (`@anthropic-ai/vertex-sdk`), so the
 * provider is the client's, not the class's: the name the client declares for its own spans
 * (`_genAIProviderName`, SDK 0.13x and 1.x), else its class, else the host. A plain `Anthropic`
 * client on another host (an Anthropic-compatible endpoint) is named by the host table.
 */
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  type RequestFacts,
} from '@tokenpath/semconv';
import { endpointOf, type Endpoint } from '../../core/endpoint';
import type { OperationStart } from '../../core/operation';
import type { SecretReader } from '../../core/redact';
import { stringOf } from '../../core/read';

/** Client classes of the platform packages, for versions that do not declare a provider name. */
const PLATFORM_CLASSES: readonly (readonly [prefix: string, provider: string])[] = [
  ['AnthropicBedrock', GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK],
  ['AnthropicVertex', GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI],
];

export function anthropicStart(self: any, request: RequestFacts, spanUsage: boolean): OperationStart {
  const client = self?._client;
  const endpoint = endpointOf(client?.baseURL);
  return {
    operation: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    provider: providerOf(client, endpoint),
    serverAddress: endpoint.address,
    serverPort: endpoint.port,
    request,
    spanUsage,
    secretHolder: client,
    readSecrets: anthropicSecrets,
  };
}

/**
 * Where an Anthropic client keeps its credentials: `apiKey` and `authToken` (also the token its
 * credential cache last fetched), `AnthropicBedrock`'s AWS keys and Bedrock API key, and
 * `AnthropicVertex`'s `accessToken` or the token its GoogleAuth has already fetched. Credentials the
 * SDK resolves per request and does not keep (the AWS provider chain, a custom `authClient`) are
 * not read: their key-shaped forms (`ASIA…`, `ya29.…`, `Bearer …`) are still scrubbed.
 */
const anthropicSecrets: SecretReader = (c) => [
  c.apiKey,
  c.authToken,
  c._authState?.tokenCache?.cached?.token,
  c.awsSecretKey,
  c.awsAccessKey,
  c.awsSessionToken,
  c.accessToken,
  c._auth?.cachedCredential?.credentials?.access_token,
];

/** Per client, its provider and the base URL it was read for: read once, not on every call. */
const providers = new WeakMap<object, { readonly baseURL: unknown; readonly provider: string }>();

function providerOf(client: any, endpoint: Endpoint): string {
  if (client === null || typeof client !== 'object') return endpoint.provider ?? GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC;
  const known = providers.get(client);
  if (known !== undefined && known.baseURL === client.baseURL) return known.provider;
  const provider = readProvider(client, endpoint);
  providers.set(client, { baseURL: client.baseURL, provider });
  return provider;
}

function readProvider(client: any, endpoint: Endpoint): string {
  const declared = stringOf(client._genAIProviderName);
  if (declared !== undefined && declared !== GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC) return declared;
  for (let proto = Object.getPrototypeOf(client); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = proto.constructor?.name;
    const platform = typeof name === 'string' ? PLATFORM_CLASSES.find(([prefix]) => name.startsWith(prefix)) : undefined;
    if (platform) return platform[1];
  }
  return endpoint.provider ?? GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC;
}
