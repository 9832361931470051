/**
 * `responses.create`: what `responses.parse()` and `responses.stream()` end in.
 * Streams carry id, model and usage in the terminal event (`response.completed`,
 * `response.incomplete`, `response.failed`). The API has no finish reason, so none is reported.
 * https://platform.openai.com/docs/api-reference/responses
 */
import { GEN_AI_OPERATION_NAME_VALUE_CHAT, OPENAI_API_TYPE_VALUE_RESPONSES } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import type { GenAiOperation } from '../../core/operation';
import { assignUsage } from '../../core/usage';
import { countOf, numberOf, objectOf, stringOf } from '../../core/read';
import { isStreamAborted, openaiStart } from './client';
import { responsesUsageOf } from './responses-usage';
import { outputTypeOf, paramsOf } from '../../formats/openai-chat/request';
import { toolDefinitions } from '../../formats/openai-chat/messages';
import { responsesInputMessages, responsesOutputMessages } from './responses-messages';

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const START_EVENTS = new Set(['response.created', 'response.in_progress']);

export const responsesCreate: CallAdapter = {
  start(params, self) {
    const p = paramsOf(params);
    const tier = stringOf(p.service_tier);
    const conversation = p.conversation;
    return openaiStart(GEN_AI_OPERATION_NAME_VALUE_CHAT, self, {
      model: stringOf(p.model),
      temperature: numberOf(p.temperature),
      topP: numberOf(p.top_p),
      maxTokens: countOf(p.max_output_tokens),
      outputType: outputTypeOf(objectOf(p.text)?.format?.type),
      stream: p.stream === true ? true : undefined,
      conversationId: typeof conversation === 'string' ? conversation : stringOf(objectOf(conversation)?.id),
      serviceTier: tier !== 'auto' ? tier : undefined,
      apiType: OPENAI_API_TYPE_VALUE_RESPONSES,
    }, false);
  },

  onResult(op, result) {
    readResponse(op, objectOf(result));
  },

  captureInput(op, params) {
    const p = paramsOf(params);
    if (typeof p.instructions === 'string') {
      op.setContent('systemInstructions', [{ type: 'text', content: p.instructions }]);
    }
    op.setContent('inputMessages', responsesInputMessages(p.input));
    op.setContent('toolDefinitions', toolDefinitions(p.tools));
  },

  onChunk(op, event) {
    const type = event?.type;
    if (TERMINAL_EVENTS.has(type)) {
      readResponse(op, objectOf(event.response));
    } else if (START_EVENTS.has(type)) {
      const r = objectOf(event.response);
      if (op.response.id === undefined) op.response.id = stringOf(r?.id);
      if (op.response.model === undefined) op.response.model = stringOf(r?.model);
    } else if (type === 'error') {
      op.errorType = stringOf(event.code) ?? stringOf(event.error?.code) ?? 'error';
    }
  },

  isAborted: isStreamAborted,
};

function readResponse(op: GenAiOperation, r: Record<string, any> | undefined): void {
  if (!r) return;
  op.response.id = stringOf(r.id);
  op.response.model = stringOf(r.model);
  op.response.serviceTier = stringOf(r.service_tier);
  const usage = responsesUsageOf(r.usage);
  if (usage) assignUsage(op.usage, usage);
  // A failed response arrives as a successful HTTP response (or stream event); its code is the error.
  if (r.status === 'failed') op.errorType = stringOf(r.error?.code) ?? 'failed';
  if (op.captureContent) op.setContent('outputMessages', responsesOutputMessages(r.output));
}
