/**
 * Usage on every chat stream: a streamed Chat Completion states its usage only when the request sets
 * `stream_options.include_usage`, in an extra last chunk whose `choices` is empty, and then every
 * other chunk carries `usage: null` (without the option the key is absent; see the shared wire
 * corpus, openai-chat-stream/*usage*). When the caller set no `stream_options` and the host is one
 * the policy asks (core/stream-usage-policy.ts), a copy of the params asks for it, and the chunks
 * are put back as the caller would have received them: the usage-only chunk is withheld and the
 * others handed on without their `usage` key, after the format has read them. A host that rejects the
 * option (400/422) gets the request again without it, inside the same call (core/request-retry.ts),
 * and is not asked again. The caller's params object is never touched.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
import { endpointOf, type Endpoint } from '../../core/endpoint';
import { canRetryRequests, withRequestRetry, type RequestRetry } from '../../core/request-retry';
import type { GenAiOperation } from '../../core/operation';
import type { StreamUsagePolicy } from '../../core/stream-usage-policy';
import type { CallAdapter } from '../../core/traced-call';
import { WITHHELD } from '../../core/stream';
import { instrumentationDiag } from '../../core/safe';

const INCLUDE_USAGE = Object.freeze({ include_usage: true });
/** What a host that does not know the option says when it refuses it. */
const NAMES_THE_OPTION = /stream_options|include_usage/;

export const askStreamUsage: Required<Pick<CallAdapter, 'invoke'>> = {
  invoke(op, original, self, args) {
    const policy = op?.settings.streamUsage;
    const asking = policy !== undefined && askingArgs(policy, self, args);
    if (!asking) return original.apply(self, args);
    op!.reshapeChunk = asCallerAsked;
    return withRequestRetry(new OptionRetry(op!, policy!, asking.endpoint, args[0]), () => original.apply(self, asking.args));
  },
};

/** The second try of a call whose host refused the option: the caller's own params, chunks as they come. */
class OptionRetry implements RequestRetry {
  constructor(
    private readonly op: GenAiOperation,
    private readonly policy: StreamUsagePolicy,
    private readonly endpoint: Endpoint,
    readonly body: unknown,
  ) {}

  shouldRetry(error: unknown): boolean {
    return rejectsOption(error, this.policy.isKnown(this.endpoint));
  }

  onRetry(): void {
    this.op.reshapeChunk = undefined;
  }

  onRetried(succeeded: boolean): void {
    if (!succeeded) return;
    this.policy.rejected(this.endpoint);
    instrumentationDiag.info(`tokenpath: ${this.endpoint.address} rejects stream_options; its streams are no longer asked for usage`);
  }
}

/** The call's arguments asking for usage, or undefined when this call is not to be asked. */
function askingArgs(policy: StreamUsagePolicy, self: any, args: any[]): { args: any[]; endpoint: Endpoint } | undefined {
  try {
    const params = args[0];
    if (params === null || typeof params !== 'object' || params.stream !== true || params.stream_options !== undefined) {
      return undefined;
    }
    const client = self?._client;
    const endpoint = endpointOf(client?.baseURL);
    // Never asked without the way back: a host that refuses the option must get the call as made.
    if (!policy.asks(endpoint) || !canRetryRequests(client)) return undefined;
    const copy = args.slice();
    copy[0] = { ...params, stream_options: INCLUDE_USAGE };
    return { args: copy, endpoint };
  } catch (error) {
    instrumentationDiag.error('tokenpath: asking a stream for its usage failed; the call goes as made', error);
    return undefined;
  }
}

/** A 400/422 that says the option was refused; from a host the table does not vouch for, any 400/422. */
function rejectsOption(error: any, knownHost: boolean): boolean {
  const status = error?.status;
  if (status !== 400 && status !== 422) return false;
  if (!knownHost) return true;
  return NAMES_THE_OPTION.test(String(error?.message)) || NAMES_THE_OPTION.test(safeJson(error?.error));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/**
 * The chunk as it would have come without the option: the usage-only chunk withheld, the others
 * without their `usage` key. A copy without the key, not `delete`: deleting a property of a parsed
 * chunk costs several times more and leaves the caller an object slow to read.
 */
function asCallerAsked(chunk: unknown): unknown {
  const c = chunk as Record<string, any>;
  if (c === null || typeof c !== 'object' || !('usage' in c)) return chunk;
  const choices = c.choices;
  if (c.usage !== null && Array.isArray(choices) && choices.length === 0) return WITHHELD;
  const copy: Record<string, unknown> = {};
  for (const key in c) {
    if (key === 'usage') continue;
    // A parsed `__proto__` key is an own property; assigning it would set the copy's prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: c[key], enumerable: true, writable: true, configurable: true });
    else copy[key] = c[key];
  }
  return copy;
}
