/**
 * `ollama` (ollama-js): the `Ollama` class keeps `chat`, `generate`, `embed` and `embeddings` on its
 * prototype (the browser build's class, which the Node entry extends and whose instance is the
 * default export); the server is `this.config.host`. A stream is the SDK's `AbortableAsyncIterator`,
 * instrumented in place (its `abort()` and the client's `abort()` keep working); an abort shows as the
 * `AbortController` signal the iterator keeps. Errors: `ResponseError` (an HTTP status, reported as
 * `error.type`), a plain `Error` for an error line inside a stream.
 */
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_PROVIDER_NAME_VALUE_OLLAMA,
  type RequestFacts,
} from '@tokenpath/semconv';
import { endpointOf } from '../../core/endpoint';
import type { OperationStart } from '../../core/operation';
import type { SecretReader } from '../../core/redact';
import { countOf, objectOf, stringOf } from '../../core/read';
import type { CallAdapter } from '../../core/traced-call';
import { ollamaRequestFacts, paramsOf } from '../../formats/ollama/request';
import { chatReaders, generateReaders, readEmbedResult } from '../../formats/ollama/responses';
import type { ProviderPatcher } from '../provider';

/** Tested: 0.5.18, 0.6.4 (see README). Minor lines above 0.6 and 1.x stay unpatched until tested. */
export const OLLAMA_SUPPORTED_VERSIONS = ['>=0.5.0 <0.7'];

/**
 * Ollama itself takes no key, but a server behind a proxy does: the client's `headers` option
 * (a record or a `Headers`) carries it as `Authorization`, kept whole and without its scheme.
 */
const ollamaSecrets: SecretReader = (client) => {
  const headers = client.config?.headers;
  const auth = headers?.Authorization ?? headers?.authorization ?? (typeof headers?.get === 'function' ? headers.get('authorization') : undefined);
  return typeof auth === 'string' ? [auth, auth.replace(/^\S+\s+/, '')] : [];
};

function start(operation: string, self: any, request: RequestFacts, hasFinishReasons = true): OperationStart {
  const endpoint = endpointOf(self?.config?.host);
  return {
    operation,
    provider: GEN_AI_PROVIDER_NAME_VALUE_OLLAMA,
    serverAddress: endpoint.address,
    serverPort: endpoint.port,
    request,
    hasFinishReasons,
    secretHolder: self,
    readSecrets: ollamaSecrets,
  };
}

const isAborted = (stream: any): boolean => stream?.abortController?.signal?.aborted === true;

/** `ResponseError` carries the HTTP status; an aborted fetch is an `AbortError`. */
function errorType(error: unknown): string | undefined {
  const e = objectOf(error);
  if (e?.name === 'AbortError') return 'AbortError';
  const status = countOf(e?.status_code);
  return status !== undefined ? String(status) : undefined;
}

const chat: CallAdapter = {
  ...chatReaders,
  start: (params, self) => start(GEN_AI_OPERATION_NAME_VALUE_CHAT, self, ollamaRequestFacts(params)),
  isAborted,
  errorType,
};

const generate: CallAdapter = {
  ...generateReaders,
  start: (params, self) => start(GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION, self, ollamaRequestFacts(params)),
  isAborted,
  errorType,
};

const embed: CallAdapter = {
  start: (params, self) =>
    start(GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS, self, { model: stringOf(paramsOf(params).model) }, false),
  onResult: readEmbedResult,
  errorType,
};

const METHODS: readonly (readonly [method: string, adapter: CallAdapter])[] = [
  ['chat', chat],
  ['generate', generate],
  ['embed', embed],
  ['embeddings', embed],
];

/** The prototype that owns the methods (the browser class), so both entries share one patch. */
function ownerPrototype(fileExports: any): any {
  for (let proto = fileExports?.Ollama?.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, 'chat')) return proto;
  }
  return undefined;
}

function patch(patcher: ProviderPatcher, exports: any): any {
  const proto = ownerPrototype(exports);
  if (proto) for (const [method, adapter] of METHODS) if (typeof proto[method] === 'function') patcher.wrap(proto, method, adapter);
  return exports;
}

function unpatch(patcher: ProviderPatcher, exports: any): void {
  const proto = ownerPrototype(exports);
  if (proto) for (const [method] of METHODS) patcher.unwrap(proto, method);
}

export function ollamaModule(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition {
  // The Node entry (`ollama`) requires the browser build, whose class owns the methods; `ollama/browser`
  // loads it alone. Patching that file covers both, once.
  const files = ['dist/browser.cjs', 'dist/browser.mjs'].map(
    (file) =>
      new InstrumentationNodeModuleFile(
        `ollama/${file}`,
        OLLAMA_SUPPORTED_VERSIONS,
        (exports) => patch(patcher, exports),
        (exports) => unpatch(patcher, exports),
      ),
  );
  return new InstrumentationNodeModuleDefinition('ollama', OLLAMA_SUPPORTED_VERSIONS, (exports) => exports, undefined, files);
}
