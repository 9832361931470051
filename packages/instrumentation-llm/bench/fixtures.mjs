/** The fixed request and the in-memory server's answers (built once per process, as bytes). */

export const STREAM_CHUNKS = 200;
const MODEL = 'gpt-4o-mini';
const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
const CREATED = 1_760_000_000;

/** A typical small chat request; every call sends a fresh shallow copy. */
export const REQUEST = Object.freeze({
  model: MODEL,
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'Count from one to two hundred, one word per number.' },
  ],
  temperature: 0.2,
  max_tokens: 512,
});

const encoder = new TextEncoder();

export function completionBytes() {
  return encoder.encode(
    JSON.stringify({
      id: 'chatcmpl-bench0000000000000000000001',
      object: 'chat.completion',
      created: CREATED,
      model: RESPONSE_MODEL,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'one two three four five', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 24,
        completion_tokens: 5,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_bench0001',
    }),
  );
}

/** 200 `chat.completion.chunk` events (role, 198 words, finish), a usage chunk, then [DONE]. */
export function sseBytes() {
  const base = {
    id: 'chatcmpl-bench0000000000000000000002',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: RESPONSE_MODEL,
    service_tier: 'default',
    system_fingerprint: 'fp_bench0001',
  };
  const events = [];
  for (let i = 0; i < STREAM_CHUNKS; i++) {
    let delta;
    let finish = null;
    if (i === 0) delta = { role: 'assistant', content: '', refusal: null };
    else if (i === STREAM_CHUNKS - 1) {
      delta = {};
      finish = 'stop';
    } else delta = { content: ` w${i}` };
    events.push({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
  }
  events.push({
    ...base,
    choices: [],
    usage: {
      prompt_tokens: 24,
      completion_tokens: STREAM_CHUNKS,
      total_tokens: 24 + STREAM_CHUNKS,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  });
  const text = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  return encoder.encode(text);
}
