/**
 * `@mistralai/mistralai` (Speakeasy-generated, its own SDK): `Mistral` builds its resources lazily
 * (`chat`, `embeddings`, `fim`), from classes that keep `complete` / `stream` / `create` (and chat's
 * `parse` / `parseStream`, which call the request function directly) on their prototypes. Those
 * classes are patched in the files that define them: `sdk/*.js` (1.x, CommonJS) and `esm/sdk/*.js`
 * (2.x, ES modules only). The server is the client's `_baseURL`. A stream is the SDK's `EventStream`
 * (a `ReadableStream`), instrumented in place for every way of reading it (`for await`, `getReader()`,
 * `pipeTo()`, `pipeThrough()`, `tee()`, `cancel()`: core/stream.ts hands it to core/web-stream.ts); an aborted request fails
 * with an `AbortError`. The SDK's errors keep their class names (`SDKError`, `HTTPValidationError`,
 * `ConnectionError`, …) as `error.type`.
 */
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  type RequestFacts,
} from '@tokenpath/semconv';
import { endpointOf } from '../../core/endpoint';
import type { OperationStart } from '../../core/operation';
import type { SecretReader } from '../../core/redact';
import { objectOf, stringOf } from '../../core/read';
import type { CallAdapter } from '../../core/traced-call';
import { chatReaders, chatRequestFacts, paramsOf, readEmbeddingsResult } from '../../formats/mistral-chat/chat-completions';
import type { ProviderPatcher } from '../provider';

/** Tested: 1.15.1 (CommonJS, in process) and 2.7.0 (ES modules, end to end); see README. Majors above 2 stay unpatched. */
export const MISTRAL_SUPPORTED_VERSIONS = ['>=1.0.0 <3'];

/** Where the client keeps its key: `apiKey` in its options (a key function is not called). */
const mistralSecrets: SecretReader = (options) => [options.apiKey];

function start(operation: string, self: any, request: RequestFacts, hasFinishReasons = true): OperationStart {
  const endpoint = endpointOf(self?._baseURL?.href);
  return {
    operation,
    provider: GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
    serverAddress: endpoint.address,
    serverPort: endpoint.port,
    request,
    hasFinishReasons,
    secretHolder: objectOf(self?._options),
    readSecrets: mistralSecrets,
  };
}

function errorType(error: unknown): string | undefined {
  return objectOf(error)?.name === 'AbortError' ? 'AbortError' : undefined;
}

const complete = (operation: string): CallAdapter => ({
  start: (params, self) => start(operation, self, chatRequestFacts(params, false)),
  onResult: chatReaders.onResult,
  captureInput: chatReaders.captureInput,
  errorType,
});

const stream = (operation: string): CallAdapter => ({
  ...chatReaders,
  start: (params, self) => start(operation, self, chatRequestFacts(params, true)),
  errorType,
});

const embeddings: CallAdapter = {
  start: (params, self) => start(GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS, self, { model: stringOf(paramsOf(params).model) }, false),
  onResult: readEmbeddingsResult,
  errorType,
};

const chatComplete = complete(GEN_AI_OPERATION_NAME_VALUE_CHAT);
const chatStream = stream(GEN_AI_OPERATION_NAME_VALUE_CHAT);

/** Per file (without `.js`): the exported class and its methods with their adapters. */
const TARGETS: readonly { file: string; cls: string; methods: readonly (readonly [string, CallAdapter])[] }[] = [
  {
    file: 'sdk/chat',
    cls: 'Chat',
    methods: [['complete', chatComplete], ['parse', chatComplete], ['stream', chatStream], ['parseStream', chatStream]],
  },
  { file: 'sdk/embeddings', cls: 'Embeddings', methods: [['create', embeddings]] },
  {
    file: 'sdk/fim',
    cls: 'Fim',
    methods: [['complete', complete(GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION)], ['stream', stream(GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION)]],
  },
];

export function mistralModule(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition {
  const files = TARGETS.flatMap(({ file, cls, methods }) =>
    [`@mistralai/mistralai/${file}.js`, `@mistralai/mistralai/esm/${file}.js`].map(
      (name) =>
        new InstrumentationNodeModuleFile(
          name,
          MISTRAL_SUPPORTED_VERSIONS,
          (exports) => {
            const proto = exports?.[cls]?.prototype;
            if (proto) for (const [method, adapter] of methods) if (typeof proto[method] === 'function') patcher.wrap(proto, method, adapter);
            return exports;
          },
          (exports) => {
            const proto = exports?.[cls]?.prototype;
            if (proto) for (const [method] of methods) patcher.unwrap(proto, method);
          },
        ),
    ),
  );
  return new InstrumentationNodeModuleDefinition('@mistralai/mistralai', MISTRAL_SUPPORTED_VERSIONS, (exports) => exports, undefined, files);
}
