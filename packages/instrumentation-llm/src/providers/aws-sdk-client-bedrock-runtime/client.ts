/**
 * What every Bedrock Runtime command shares: the provider (`aws.bedrock`, whatever the endpoint: a
 * VPC endpoint or a proxy still speaks Bedrock), the client's endpoint, the response headers, and
 * the AWS SDK's error names.
 *
 * The AWS SDK resolves region and endpoint asynchronously, so neither is readable when a call
 * starts. A middleware on the client's own stack (added once per client; other services' clients
 * are never touched) remembers the host and port of the request the SDK built, and the response
 * headers of each output (InvokeModel states some models' token counts only in headers). From the
 * second call of a client on, the endpoint is known when the span starts; the first call learns
 * it when its response arrives.
 */
import { GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK, type RequestFacts } from '@tokenpath/semconv';
import type { GenAiOperation, OperationStart } from '../../core/operation';
import { countOf, objectOf, stringOf } from '../../core/read';
import type { SecretReader } from '../../core/redact';
import { safely } from '../../core/safe';

interface ServerEndpoint {
  address: string;
  port: number | undefined;
}

const MIDDLEWARE_NAME = 'tokenpathBedrockRuntimeObserver';
/** `@smithy/types` SMITHY_CONTEXT_KEY: where a request's context keeps the selected auth scheme. */
const SMITHY_CONTEXT_KEY = '__smithy_context';
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };

const observedClients = new WeakSet<object>();
const endpoints = new WeakMap<object, ServerEndpoint>();
const responseHeaders = new WeakMap<object, Record<string, unknown>>();
/** Per client, the identity (credentials) the SDK resolved for its last request. */
const identities = new WeakMap<object, Record<string, unknown>>();
const NO_SECRETS: readonly unknown[] = [];

export function bedrockStart(operation: string, client: unknown, request: RequestFacts, hasFinishReasons = true): OperationStart {
  const c = objectOf(client);
  if (c) observeClient(c);
  const endpoint = c && endpoints.get(c);
  return {
    operation,
    provider: GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
    serverAddress: endpoint?.address,
    serverPort: endpoint?.port,
    request,
    hasFinishReasons,
    secretHolder: c,
    readSecrets: bedrockSecrets,
  };
}

/**
 * Where a Bedrock Runtime client keeps its credentials: the AWS SDK resolves them (possibly through
 * an async provider chain) for each request and keeps them nowhere readable, so the middleware below
 * remembers the identity the SDK itself had resolved for the last request (never resolving one):
 * secret access key, session token, access key id, or a Bedrock API key (bearer token).
 */
const bedrockSecrets: SecretReader = (client) => {
  const id = identities.get(client);
  return id ? [id.secretAccessKey, id.sessionToken, id.accessKeyId, id.token] : NO_SECRETS;
};

/** Sets the endpoint on an operation that started before the client's endpoint was known. */
export function learnServer(op: GenAiOperation, client: unknown): void {
  const c = objectOf(client);
  const endpoint = c && endpoints.get(c);
  if (endpoint) op.setServer(endpoint.address, endpoint.port);
}

/** The HTTP response headers an SDK output came with (lower-case names), if the middleware saw them. */
export function headersOf(output: unknown): Record<string, unknown> | undefined {
  const o = objectOf(output);
  return o && responseHeaders.get(o);
}

function observeClient(client: Record<string, any>): void {
  if (observedClients.has(client)) return;
  observedClients.add(client);
  const stack = client.middlewareStack;
  if (typeof stack?.add !== 'function') return;
  // `build` runs after the endpoint and the serializer and outside retries and deserialization:
  // it sees the final request, the response of the attempt that counted, and the parsed output.
  // The identity was resolved by the SDK's auth-scheme middleware (serialize step) for this request.
  const middleware = (next: (args: any) => Promise<any>, context: any) => async (args: any) => {
    safely('reading the Bedrock endpoint', () => rememberEndpoint(client, args?.request));
    const identity = objectOf(context?.[SMITHY_CONTEXT_KEY]?.selectedHttpAuthScheme?.identity);
    if (identity) identities.set(client, identity);
    const result = await next(args);
    safely('reading Bedrock response headers', () => rememberHeaders(result));
    return result;
  };
  stack.add(middleware, { step: 'build', name: MIDDLEWARE_NAME, override: true });
}

function rememberEndpoint(client: object, request: unknown): void {
  const r = objectOf(request);
  const address = stringOf(r?.hostname);
  if (!address) return;
  const port = countOf(r?.port) ?? DEFAULT_PORTS[String(r?.protocol)];
  endpoints.set(client, { address, port });
}

function rememberHeaders(result: unknown): void {
  const r = objectOf(result);
  const output = objectOf(r?.output);
  const headers = objectOf(objectOf(r?.response)?.headers);
  if (output && headers) responseHeaders.set(output, headers);
}

/** Callback-style calls (`send(command, cb)`) return nothing to observe: they are left alone. */
export function isCallbackCall(args: readonly unknown[]): boolean {
  return typeof args[1] === 'function' || typeof args[2] === 'function';
}

/**
 * `error.type`: the AWS SDK names every service error by its code (`ThrottlingException`), also the
 * ones it has no class for (a generic `BedrockRuntimeServiceException` named `InvalidSignatureException`),
 * and its aborts `AbortError`.
 */
export function awsErrorType(error: unknown): string | undefined {
  const name = (objectOf(error) as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' && name !== 'Error' ? name : undefined;
}
