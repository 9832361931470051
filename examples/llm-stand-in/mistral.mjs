// Mistral AI provider of the stand-in: `POST /mistral/v1/chat/completions` (streaming included), `/fim/completions`
// and `/embeddings`. Mistral's real paths are `/v1/…` like OpenAI's, so the stand-in answers them under a `/mistral`
// prefix: `new Mistral({ apiKey: 'x', serverURL: standIn.url + '/mistral' })`. The OpenAI chat format as Mistral
// frames it (https://docs.mistral.ai/api/, and the recordings in the shared wire corpus): 32-hex ids, no
// system_fingerprint, `tool_calls: null` on text answers; a stream states its usage on the finish chunk, unasked,
// then `[DONE]`; embeddings carry an id and usage.

import { openaiCompatibleHost } from './openai-compatible.mjs';

const hexId = (ids) => ids('').slice('standin'.length).padStart(32, '0');

export const mistral = openaiCompatibleHost({
  name: 'mistral',
  prefix: '/mistral/v1',
  id: hexId,
  finishReason: (f) => f,
  usage: (t) => ({ prompt_tokens: t.input, total_tokens: t.input + t.output, completion_tokens: t.output }),
  completion: (ctx, json) => ({
    ...json,
    choices: json.choices.map((c) => ({ ...c, message: c.message && { tool_calls: null, ...c.message } })),
  }),
  chunk(base, { final, usage }) {
    return final ? { ...base, usage } : base;
  },
  streamUsage: true,
  embeddingUsage: (u) => ({ ...u, completion_tokens: 0 }),
  embedding: (ctx, json) => ({ id: hexId(ctx.ids), ...json }),
  fim: true,
});
