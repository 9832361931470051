/**
 * `ConverseCommand` and `ConverseStreamCommand`: Bedrock's model-independent chat API. The output
 * keeps the finish reason in `stopReason` and usage in `usage`; a stream keeps them in its
 * `messageStop` and `metadata` events. Neither states a response id, nor a response model, except
 * the model a prompt router chose (`trace.promptRouter.invokedModelId`).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */
import { GEN_AI_OPERATION_NAME_VALUE_CHAT, GEN_AI_OUTPUT_TYPE_VALUE_JSON, type RequestFacts } from '@tokenpath/semconv';
import type { GenAiOperation } from '../../core/operation';
import { assignUsage } from '../../core/usage';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';
import { bedrockStart } from './client';
import { converseUsageOf } from './usage';
import { inputMessages, outputMessages, StreamedBlocks, systemInstructions, toolDefinitions } from './messages';
import type { BedrockCommand, StreamReader } from './command';

/** `inferenceConfig` (and Anthropic's `top_k` among the additional fields), structured output, the guardrail applied. */
function converseRequest(input: Record<string, any>, stream: boolean): RequestFacts {
  const config = objectOf(input.inferenceConfig) ?? {};
  return {
    model: stringOf(input.modelId),
    maxTokens: countOf(config.maxTokens),
    temperature: numberOf(config.temperature),
    topP: numberOf(config.topP),
    topK: countOf(objectOf(input.additionalModelRequestFields)?.top_k),
    stopSequences: stringListOf(config.stopSequences),
    stream: stream || undefined,
    outputType: objectOf(objectOf(input.outputConfig)?.textFormat)?.type === 'json_schema' ? GEN_AI_OUTPUT_TYPE_VALUE_JSON : undefined,
    guardrailId: stringOf(objectOf(input.guardrailConfig)?.guardrailIdentifier),
  };
}

/** A prompt router (its ARN as the model id) names the model it invoked. */
function readTrace(op: GenAiOperation, trace: unknown): void {
  const invoked = stringOf(objectOf(objectOf(trace)?.promptRouter)?.invokedModelId);
  if (invoked) op.response.model = invoked;
}

function captureInput(op: GenAiOperation, input: Record<string, any>): void {
  op.setContent('systemInstructions', systemInstructions(input.system));
  op.setContent('inputMessages', inputMessages(input.messages));
  op.setContent('toolDefinitions', toolDefinitions(input.toolConfig));
}

export const converse: BedrockCommand = {
  start: (input, client) => bedrockStart(GEN_AI_OPERATION_NAME_VALUE_CHAT, client, converseRequest(input, false)),

  onResult(op, output) {
    readTrace(op, output.trace);
    const reason = stringOf(output.stopReason);
    if (reason) op.response.finishReasons = [reason];
    const usage = converseUsageOf(output.usage);
    if (usage) assignUsage(op.usage, usage);
    if (op.captureContent) op.setContent('outputMessages', outputMessages(objectOf(output.output)?.message, reason));
  },

  captureInput,
};

export const converseStream: BedrockCommand = {
  start: (input, client) => bedrockStart(GEN_AI_OPERATION_NAME_VALUE_CHAT, client, converseRequest(input, true)),
  onResult() {},
  captureInput,
  streamReader: (op) => new ConverseStreamReader(op.captureContent),
};

class ConverseStreamReader implements StreamReader {
  private readonly blocks: StreamedBlocks | undefined;

  constructor(captureContent: boolean) {
    this.blocks = captureContent ? new StreamedBlocks() : undefined;
  }

  onEvent(op: GenAiOperation, event: Record<string, any>): void {
    if (event.messageStop) {
      const reason = stringOf(event.messageStop.stopReason);
      if (reason) op.response.finishReasons = [reason];
    } else if (event.metadata) {
      readTrace(op, event.metadata.trace);
      const usage = converseUsageOf(event.metadata.usage);
      if (usage) assignUsage(op.usage, usage);
    } else if (this.blocks) {
      const index = countOf(event.contentBlockStart?.contentBlockIndex ?? event.contentBlockDelta?.contentBlockIndex) ?? 0;
      if (event.contentBlockStart) this.blocks.start(index, event.contentBlockStart.start);
      if (event.contentBlockDelta) this.blocks.delta(index, event.contentBlockDelta.delta);
    }
  }

  onEnd(op: GenAiOperation): void {
    if (this.blocks) op.setContent('outputMessages', this.blocks.message(op.response.finishReasons?.[0]));
  }
}
