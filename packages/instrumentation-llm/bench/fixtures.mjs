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

// ---------------------------------------------------------------------------------------------
// Anthropic Messages API (`@anthropic-ai/sdk`): the same conversation, as the Messages API has it.
// ---------------------------------------------------------------------------------------------

/** content_block_delta events in the Anthropic stream. */
export const ANTHROPIC_STREAM_DELTAS = 200;
// Not in the SDK's DEPRECATED_MODELS: a deprecated model makes the SDK console.warn on every call.
const ANTHROPIC_MODEL = 'claude-sonnet-4-6';
const ANTHROPIC_RESPONSE_MODEL = 'claude-sonnet-4-6';

/** The same small request as REQUEST, with `system` apart as the Messages API has it. */
export const ANTHROPIC_REQUEST = Object.freeze({
  model: ANTHROPIC_MODEL,
  system: 'You are a terse assistant.',
  messages: [{ role: 'user', content: 'Count from one to two hundred, one word per number.' }],
  temperature: 0.2,
  max_tokens: 512,
});

/** Usage as the API sends it: no cache hits, so gen_ai.usage.input_tokens = 24 under the conventions' sum. */
const anthropicUsage = (output) => ({
  input_tokens: 24,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  output_tokens: output,
  service_tier: 'standard',
});

export function anthropicMessageBytes() {
  return encoder.encode(
    JSON.stringify({
      id: 'msg_bench00000000000000000001',
      type: 'message',
      role: 'assistant',
      model: ANTHROPIC_RESPONSE_MODEL,
      content: [{ type: 'text', text: 'one two three four five' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: anthropicUsage(5),
    }),
  );
}

/**
 * message_start (usage with the input count and a placeholder output count), content_block_start,
 * 200 content_block_delta (text_delta), content_block_stop, message_delta (stop reason and the
 * final usage, restating the input and cache counts as the API now does), message_stop.
 */
export function anthropicSseBytes() {
  const events = [
    {
      type: 'message_start',
      message: {
        id: 'msg_bench00000000000000000002',
        type: 'message',
        role: 'assistant',
        model: ANTHROPIC_RESPONSE_MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(1),
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  ];
  for (let i = 1; i <= ANTHROPIC_STREAM_DELTAS; i++) {
    events.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ` w${i}` } });
  }
  events.push({ type: 'content_block_stop', index: 0 });
  const { service_tier: _, cache_creation: __, ...finalUsage } = anthropicUsage(ANTHROPIC_STREAM_DELTAS);
  events.push({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: finalUsage });
  events.push({ type: 'message_stop' });
  return encoder.encode(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
}

/** Events the Anthropic stream yields: message_start, content_block_start, the deltas, content_block_stop, message_delta, message_stop. */
export const ANTHROPIC_STREAM_EVENTS = ANTHROPIC_STREAM_DELTAS + 5;
