// The deterministic "model" behind every provider of the stand-in: which text it answers, how many tokens that is,
// and the ids it hands out. Providers only translate these facts into their own wire format, so an instrumentation
// test can assert the same numbers whichever SDK it drives. Change a rule here and every provider changes with it.
//
// Rules (tests assert these exact numbers):
//   * words       = whitespace-separated words; 1 word = 1 token, in and out.
//   * input       = words over all text parts of the request, at least 1 (a request is never free). Text parts are
//                   strings, `{ text }` objects, `{ content }` (recursively) and OpenAI `function_call_output` items;
//                   images, audio and tool-call arguments are not text. Token arrays (legacy prompts, embeddings)
//                   count their length. Each provider maps its request shape to text parts (`textParts` already
//                   reads OpenAI messages, Responses input, Anthropic content blocks and Bedrock Converse content;
//                   Gemini `contents[].parts` must be mapped to `{ role, content: parts }` first).
//   * reply text  = "This is a reply from the tokenpath stand-in about <first 3 words of the last user message>"
//                   ("your message" when there are none); a structured-output request answers JSON instead
//                   ({"answer":"stand-in"}, or a value filling the given object schema with "stand-in" / 0 / false /
//                   [] / the first enum value). Cut to the max-output-token limit in words (truncated -> the
//                   provider's "length" finish reason / incomplete status).
//   * output      = words of the reply text (a tool call: words of its arguments, TOOL_ARGUMENTS = 1 word)
//                   + REASONING_TOKENS (2) when the model is a reasoning model (name starts with `o` or `gpt-5`).
//                   Reasoning tokens are part of the output count; cached tokens are part of the input count.
//   * cached      = floor(input / 2) when the request asks for prompt caching (OpenAI: prompt_cache_key).
//   * tool call   = when the last user message mentions "weather" (or a tool is forced), the first function tool is
//                   called with TOOL_ARGUMENTS ({"location":"Paris"}).
//   * model       = the response reports a dated snapshot: request model + DATE_SUFFIX ('-2024-07-18'), unless it
//                   already ends in a date (OpenAI embeddings echo the model as sent).
//   * ids         = `<prefix>standin<6-digit counter>`, one counter per server instance, in request order.
//   * embeddings  = a deterministic unit vector per input (FNV-1a seed, float32 little-endian), DEFAULT_DIMENSIONS (8)
//                   unless the request asks for another size; input tokens as above.

export const DATE_SUFFIX = '-2024-07-18';
export const REASONING_TOKENS = 2;
export const DEFAULT_DIMENSIONS = 8;
export const TOOL_ARGUMENTS = '{"location":"Paris"}';
export const JSON_ANSWER = '{"answer":"stand-in"}';

export const words = (text) => String(text ?? '').split(/\s+/).filter(Boolean);
export const sum = (list, fn) => list.reduce((n, x) => n + fn(x), 0);
export const posInt = (value, fallback) => (Number.isInteger(value) && value > 0 ? value : fallback);

/** Text parts of chat messages, Responses input items or prompts. Images, audio, tool-call arguments are not text. */
export function textParts(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textParts);
  if (value && typeof value === 'object') {
    if (typeof value.text === 'string') return [value.text];
    if (value.type === 'function_call_output') return textParts(value.output);
    if (value.content != null) return textParts(value.content);
  }
  return [];
}

/** Input tokens = whitespace-separated words over all text parts, at least 1 (a request is never free). */
export const countInputTokens = (parts) => Math.max(1, sum(parts, (t) => words(t).length));

/** Text of the last user message; a bare string (Responses `input`, legacy `prompt`) is the user message. */
export function lastUserText(items) {
  if (typeof items === 'string') return items;
  if (!Array.isArray(items)) return '';
  const user = items.findLast((item) => item && item.role === 'user');
  return user ? textParts(user.content).join(' ') : '';
}

/** Whether the user text asks for the (first) tool to be called. */
export const asksForTool = (userText) => /\bweather\b/i.test(userText);

/** Providers answer with a dated snapshot name (gpt-4o-mini -> gpt-4o-mini-2024-07-18). */
export const responseModel = (model) => (/-\d{4}-\d{2}-\d{2}$/.test(model) ? model : model + DATE_SUFFIX);
export const isReasoningModel = (model) => /^(o|gpt-5)/.test(model);

/** A value satisfying simple JSON schemas: every required (or, without `required`, every) property is filled. */
export function sampleForSchema(schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 6) return 'stand-in';
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object') {
    const props = schema.properties ?? {};
    const keys = Array.isArray(schema.required) ? schema.required : Object.keys(props);
    return Object.fromEntries(keys.map((key) => [key, sampleForSchema(props[key], depth + 1)]));
  }
  if (type === 'array') return [];
  if (type === 'number' || type === 'integer') return 0;
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  return 'stand-in';
}

/** The JSON answer of a structured-output request; `format` = { schema } (schema null for plain JSON mode). */
export function jsonText(format) {
  const schema = format.schema;
  if (schema?.type !== 'object' || !schema.properties) return JSON_ANSWER;
  return JSON.stringify(sampleForSchema(schema));
}

/**
 * The generated text of one choice, cut to `limit` words (= tokens) when a max-token limit is set.
 * `format`: null for text, { schema } for a structured-output request. Returns { words, text, truncated }.
 */
export function planText(userText, limit, format) {
  const topic = words(userText).slice(0, 3).join(' ') || 'your message';
  const full = words(format ? jsonText(format) : `This is a reply from the tokenpath stand-in about ${topic}`);
  const truncated = Number.isInteger(limit) && limit >= 0 && full.length > limit;
  const used = truncated ? full.slice(0, limit) : full;
  return { words: used, text: used.join(' '), truncated };
}

/**
 * Token counts as providers report them: reasoning tokens are part of the output, cached part of the input.
 * `request` = { model, cache }: the request model and whether it asks for prompt caching.
 * `reasoning: false` for wire formats with nowhere to report reasoning tokens (they are then not counted at all).
 */
export function tokenCounts(request, input, visibleOutput, { reasoning = true } = {}) {
  const reasoningTokens = reasoning && isReasoningModel(request.model) ? REASONING_TOKENS : 0;
  const cached = request.cache ? Math.floor(input / 2) : 0;
  return { input, output: visibleOutput + reasoningTokens, cached, reasoning: reasoningTokens };
}

/** Counter-based ids: deterministic per server instance and request order, unique across prefixes. */
export function idFactory() {
  let n = 0;
  return (prefix) => `${prefix}standin${String(++n).padStart(6, '0')}`;
}

/** Unix seconds, as `created` fields carry them. */
export const now = () => Math.floor(Date.now() / 1000);

// ---- embeddings --------------------------------------------------------------------------------------------------

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A deterministic unit vector as little-endian float32 bytes, so float and base64 forms decode identically. */
export function embeddingBytes(input, dims) {
  const seed = fnv1a(typeof input === 'string' ? input : JSON.stringify(input)) / 0xffffffff;
  const raw = Array.from({ length: dims }, (_, k) => Math.sin((seed + 1) * (k + 1) * 12.9898));
  const norm = Math.hypot(...raw) || 1;
  const buf = Buffer.alloc(dims * 4);
  raw.forEach((x, k) => buf.writeFloatLE(x / norm, k * 4));
  return buf;
}

/** The same vector as numbers (each value as float32 rounds it). */
export const embeddingFloats = (buf) => Array.from({ length: buf.length / 4 }, (_, k) => buf.readFloatLE(k * 4));
