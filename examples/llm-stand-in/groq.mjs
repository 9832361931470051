// Groq provider of the stand-in: `POST /openai/v1/chat/completions` (streaming included) and `/openai/v1/embeddings`,
// the paths groq-sdk calls on its base URL (point it at the stand-in's root: `new Groq({ baseURL: standIn.url })`).
// The OpenAI chat format as Groq frames it (https://console.groq.com/docs/api-reference, and the recordings in the
// shared wire corpus): ids `chatcmpl-…`, `system_fingerprint`, `x_groq: {id}` with the request id; `usage` carries
// timing fields (queue_time, prompt_time, completion_time, total_time) next to the token counts; a stream states its
// usage in `x_groq.usage` of the finish chunk (always), and also as top-level `usage` on that chunk when
// stream_options.include_usage asks for it; no usage-only chunk.

import { openaiCompatibleHost } from './openai-compatible.mjs';

const FINGERPRINT = 'fp_standin0groq';
const xGroqId = (requestId) => `req_${requestId.slice(4)}`;

const usage = (t) => ({
  queue_time: 0.01, prompt_tokens: t.input, prompt_time: 0.001, completion_tokens: t.output, completion_time: 0.02,
  total_tokens: t.input + t.output, total_time: 0.021,
});

export const groq = openaiCompatibleHost({
  name: 'groq',
  prefix: '/openai/v1',
  id: (ids) => ids('chatcmpl-'),
  finishReason: (f) => f,
  usage,
  completion: (ctx, json) => ({ ...json, system_fingerprint: FINGERPRINT, x_groq: { id: xGroqId(ctx.requestId) }, service_tier: 'on_demand' }),
  chunk(base, { first, final, usage: u, includeUsage, requestId }) {
    const chunk = { ...base, system_fingerprint: FINGERPRINT };
    if (final) {
      chunk.x_groq = { id: xGroqId(requestId), usage: u };
      if (includeUsage) chunk.usage = u;
    } else if (first) {
      chunk.x_groq = { id: xGroqId(requestId) };
    }
    return chunk;
  },
  streamUsage: true,
  embeddingUsage: (u) => u,
});
