/**
 * What every OpenAI resource call shares: the client's endpoint (from `this._client.baseURL` of
 * the resource instance) and the provider its host implies. Unknown hosts are reported as
 * `openai`, the API flavour the SDK speaks.
 */
import { GEN_AI_PROVIDER_NAME_VALUE_OPENAI, type RequestFacts } from '@tokenpath/semconv';
import { endpointOf } from '../../core/endpoint';
import type { OperationStart } from '../../core/operation';
import type { SecretReader } from '../../core/redact';

export function openaiStart(operation: string, self: any, request: RequestFacts, hasFinishReasons = true): OperationStart {
  const endpoint = endpointOf(self?._client?.baseURL);
  return {
    operation,
    provider: endpoint.provider ?? GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
    serverAddress: endpoint.address,
    serverPort: endpoint.port,
    request,
    hasFinishReasons,
    secretHolder: self?._client,
    readSecrets: openaiSecrets,
  };
}

/**
 * Where an `OpenAI` (or `AzureOpenAI`) client keeps its credentials: `apiKey` is the key in use, also
 * the token an `apiKey` function or Azure's `azureADTokenProvider` last returned.
 */
const openaiSecrets: SecretReader = (client) => [client.apiKey, client.adminAPIKey, client.webhookSecret];

export { isStainlessStreamAborted as isStreamAborted } from '../../core/stream';
