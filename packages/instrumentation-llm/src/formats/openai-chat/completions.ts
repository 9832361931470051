/**
 * The OpenAI format's legacy Completions call (`/v1/completions`): the response and chunk shapes are
 * the chat ones (id, model, choices[].finish_reason, usage) with `text` instead of `message`, so the
 * chat readers serve; only the request and its prompts differ.
 * https://platform.openai.com/docs/api-reference/completions
 */
import type { GenAiOperation } from '../../core/operation';
import { paramsOf } from './request';

/** `prompt` (a string or a batch of strings) → one user message per prompt; token-array prompts are not text. */
export function captureCompletionsInput(op: GenAiOperation, params: unknown): void {
  const prompt = paramsOf(params).prompt;
  const prompts = Array.isArray(prompt) ? prompt : [prompt];
  op.setContent(
    'inputMessages',
    prompts.filter((t) => typeof t === 'string').map((t) => ({ role: 'user', parts: [{ type: 'text', content: t }] })),
  );
}
