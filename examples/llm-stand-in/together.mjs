// Together AI provider of the stand-in: `POST /together/v1/chat/completions` (streaming included), `/completions`
// and `/embeddings`. Together's real paths are OpenAI's (`/v1/…`), so the stand-in answers them under a `/together`
// prefix: `new Together({ baseURL: standIn.url + '/together/v1' })`. The OpenAI chat format as Together frames it
// (https://docs.together.ai/reference/chat-completions-1, and the recordings in the shared wire corpus): hex ids,
// `prompt: []`, finish reason `eos` for a natural stop, `seed` per choice; stream chunks repeat the text in `text` and
// carry `token_id`, `usage: null` until the finish chunk, which states the usage unasked; embeddings state no usage.

import { openaiCompatibleHost } from './openai-compatible.mjs';

const FINISH = { stop: 'eos', length: 'length', tool_calls: 'tool_calls' };

export const together = openaiCompatibleHost({
  name: 'together',
  prefix: '/together/v1',
  id: (ids) => `a1${ids('').slice('standin'.length).padStart(14, '0')}`,
  finishReason: (f) => FINISH[f],
  usage: (t) => ({ prompt_tokens: t.input, completion_tokens: t.output, total_tokens: t.input + t.output }),
  completion: (ctx, json) => ({
    ...json,
    prompt: [],
    choices: json.choices.map((c) => ({ ...c, seed: 4242, message: c.message && { tool_calls: [], ...c.message } })),
  }),
  chunk(base, { final, usage }) {
    const choices = base.choices.map((c) => ({
      ...c,
      text: c.text ?? c.delta?.content ?? '',
      seed: final ? 4242 : null,
      ...(c.delta ? { delta: { token_id: 1000, role: 'assistant', ...c.delta } } : {}),
    }));
    return { ...base, choices, usage: final ? usage : null };
  },
  streamUsage: true,
  embeddingUsage: null,
});
