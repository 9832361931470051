/**
 * `InvokeModelCommand` and `InvokeModelWithResponseStreamCommand`: the model's own request and
 * response format in `body` (bytes of JSON), read per model family (model-families.ts). A response
 * stream is a series of `chunk` events whose `bytes` are the family's stream events; Bedrock adds
 * `amazon-bedrock-invocationMetrics` to the last one. Usage comes from the body; when the body
 * states none, from the x-amzn-bedrock-*-token-count headers (InvokeModel) or the invocation
 * metrics (streams).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html
 */
import { GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS } from '@tokenpath/semconv';
import type { GenAiOperation } from '../../core/operation';
import { assignUsage } from '../../core/usage';
import { objectOf, stringOf } from '../../core/read';
import { bedrockStart, headersOf } from './client';
import { familyOf, type FamilyStreamState, type ModelFamily } from './model-families';
import { headerUsageOf, invocationMetricsUsageOf, statesUsage } from './usage';
import { noCounts } from '../../formats/anthropic-messages/usage';
import type { BedrockCommand, StreamReader } from './command';

const decoder = new TextDecoder();

/** A JSON body as the SDK takes and gives it: a string or bytes (Uint8Array, Buffer, Uint8ArrayBlobAdapter). */
export function jsonBody(body: unknown): Record<string, any> | undefined {
  let text: string;
  if (typeof body === 'string') text = body;
  else if (ArrayBuffer.isView(body)) text = decoder.decode(body);
  else if (body instanceof ArrayBuffer) text = decoder.decode(new Uint8Array(body));
  else return undefined;
  try {
    return objectOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The request body and its family, read once per call (start, then content capture and results). */
const requests = new WeakMap<object, { body: Record<string, any>; family: ModelFamily }>();

function readRequest(input: Record<string, any>): { body: Record<string, any>; family: ModelFamily } {
  const body = jsonBody(input.body) ?? {};
  const request = { body, family: familyOf(stringOf(input.modelId), body) };
  requests.set(input, request);
  return request;
}

const requestOf = (input: Record<string, any>) => requests.get(input) ?? readRequest(input);

function invokeStart(input: Record<string, any>, client: unknown, stream: boolean) {
  const { body, family } = readRequest(input);
  const operation = family.operation(body);
  return bedrockStart(operation, client, {
    ...family.request(body),
    model: stringOf(input.modelId),
    stream: stream || undefined,
    guardrailId: stringOf(input.guardrailIdentifier),
  }, operation !== GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS);
}

function captureInput(op: GenAiOperation, input: Record<string, any>): void {
  const { body, family } = requestOf(input);
  family.capture(op, body);
}

export const invokeModel: BedrockCommand = {
  start: (input, client) => invokeStart(input, client, false),

  onResult(op, output, input) {
    const { family } = requestOf(input);
    const body = jsonBody(output.body);
    if (body) family.result(op, body);
    if (!statesUsage(op.usage)) {
      const usage = headerUsageOf(headersOf(output));
      if (usage) assignUsage(op.usage, usage);
    }
    if (body && op.captureContent) op.setContent('outputMessages', family.output(body, op.response.finishReasons));
  },

  captureInput,
};

export const invokeModelWithResponseStream: BedrockCommand = {
  start: (input, client) => invokeStart(input, client, true),
  onResult() {},
  captureInput,
  streamReader: (op, input) => new InvokeStreamReader(requestOf(input).family, op.captureContent),
};

const METRICS = 'amazon-bedrock-invocationMetrics';

class InvokeStreamReader implements StreamReader {
  private readonly state: FamilyStreamState = { counts: noCounts() };
  private metrics: unknown;
  private text: string | undefined;

  constructor(
    private readonly family: ModelFamily,
    captureContent: boolean,
  ) {
    if (captureContent) this.text = '';
  }

  onEvent(op: GenAiOperation, event: Record<string, any>): void {
    const inner = jsonBody(event.chunk?.bytes);
    if (!inner) return;
    if (inner[METRICS] !== undefined) this.metrics = inner[METRICS];
    const text = this.family.event(op, inner, this.state);
    if (this.text !== undefined && text !== undefined) this.text += text;
  }

  onEnd(op: GenAiOperation): void {
    if (!statesUsage(op.usage)) {
      const usage = invocationMetricsUsageOf(this.metrics);
      if (usage) assignUsage(op.usage, usage);
    }
    if (this.text !== undefined) {
      const parts = this.text === '' ? [] : [{ type: 'text', content: this.text }];
      op.setContent('outputMessages', [{ role: 'assistant', parts, finish_reason: op.response.finishReasons?.[0] }]);
    }
  }
}
