/**
 * `cohere-ai` (Fern-generated): the v2 client. `CohereClientV2` binds the methods of its `V2Client`
 * when it is built; since 7.21 those public methods wrap inner `__chat`, `__chatStream` and
 * `__embed`, looked up on every call and resolving to `{ data, rawResponse }`. The inner ones are
 * patched, so a client built before the instrumentation was enabled is metered too, and the SDK's
 * own `HttpResponsePromise` (`withRawResponse()`) stays untouched. A stream is the SDK's `Stream`
 * (instrumented in place; aborted when its `controller` is). The v1 client is not patched.
 * (7.13–7.20 have a v2 client without the inner methods, and no longer load from a fresh install:
 * they require `@aws-crypto/sha256-js` without declaring it; they are left unpatched.)
 */
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_PROVIDER_NAME_VALUE_COHERE,
  type RequestFacts,
} from '@tokenpath/semconv';
import { endpointOf } from '../../core/endpoint';
import type { OperationStart } from '../../core/operation';
import type { SecretReader } from '../../core/redact';
import { objectOf, stringOf } from '../../core/read';
import { isStainlessStreamAborted } from '../../core/stream';
import type { CallAdapter } from '../../core/traced-call';
import { chatReaders, chatRequestFacts, paramsOf, readEmbedResult } from '../../formats/cohere-v2/chat';
import type { ProviderPatcher } from '../provider';

/** Tested: 7.21.0, 8.1.0 (see README). Majors above 8 stay unpatched until tested. */
export const COHERE_SUPPORTED_VERSIONS = ['>=7.21.0 <9'];

/** The SDK's default server when the client names none (`CohereEnvironment.Production`). */
const DEFAULT_BASE_URL = 'https://api.cohere.com';

/** Where the client keeps its key: `token` (a supplier function is not called, only a value is read). */
const cohereSecrets: SecretReader = (options) => [options.token, options.apiKey];

function start(operation: string, self: any, request: RequestFacts, hasFinishReasons = true): OperationStart {
  // `baseUrl` / `environment` may also be suppliers (functions); only a plain URL is read.
  const options = objectOf(self?._options);
  const endpoint = endpointOf(stringOf(options?.baseUrl) ?? stringOf(options?.environment) ?? DEFAULT_BASE_URL);
  return {
    operation,
    provider: GEN_AI_PROVIDER_NAME_VALUE_COHERE,
    serverAddress: endpoint.address,
    serverPort: endpoint.port,
    request,
    hasFinishReasons,
    secretHolder: options,
    readSecrets: cohereSecrets,
  };
}

/** The inner methods resolve to `{ data, rawResponse }`. */
const dataOf = (result: unknown): unknown => objectOf(result)?.data;

const chat: CallAdapter = {
  start: (params, self) => start(GEN_AI_OPERATION_NAME_VALUE_CHAT, self, chatRequestFacts(params, false)),
  onResult: (op, result, params) => chatReaders.onResult(op, dataOf(result), params),
  captureInput: chatReaders.captureInput,
};

const chatStream: CallAdapter = {
  ...chatReaders,
  start: (params, self) => start(GEN_AI_OPERATION_NAME_VALUE_CHAT, self, chatRequestFacts(params, true)),
  streamOf: dataOf,
  isAborted: isStainlessStreamAborted,
};

const embed: CallAdapter = {
  start: (params, self) => start(GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS, self, { model: stringOf(paramsOf(params).model) }, false),
  onResult: (op, result) => readEmbedResult(op, dataOf(result)),
};

const METHODS: readonly (readonly [method: string, adapter: CallAdapter])[] = [
  ['__chat', chat],
  ['__chatStream', chatStream],
  ['__embed', embed],
];

const prototypeOf = (fileExports: any): any => fileExports?.V2Client?.prototype;

export function cohereModule(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition {
  const file = new InstrumentationNodeModuleFile(
    'cohere-ai/api/resources/v2/client/Client.js',
    COHERE_SUPPORTED_VERSIONS,
    (exports) => {
      const proto = prototypeOf(exports);
      if (proto) for (const [method, adapter] of METHODS) if (typeof proto[method] === 'function') patcher.wrap(proto, method, adapter);
      return exports;
    },
    (exports) => {
      const proto = prototypeOf(exports);
      if (proto) for (const [method] of METHODS) patcher.unwrap(proto, method);
    },
  );
  return new InstrumentationNodeModuleDefinition('cohere-ai', COHERE_SUPPORTED_VERSIONS, (exports) => exports, undefined, [file]);
}
