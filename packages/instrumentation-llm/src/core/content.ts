/**
 * Opt-in content capture: one policy, one place.
 *
 * Content goes on spans as JSON strings in the conventions' message shape (OTel JS span
 * attributes cannot hold structured values yet, which the conventions allow, OTEP 4485).
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-spans.md
 */
import { redactCredentials } from './redact';

export interface MessagePart {
  type: string;
  content?: unknown;
  [key: string]: unknown;
}
export interface ChatMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
  finish_reason?: string;
}

const TRUNCATION_MARK = '…[truncated]';

/**
 * A message's content as parts: a plain string is one text part; a list of the provider's blocks
 * becomes one part per block that `partOf` maps (undefined drops the block).
 */
export function contentPartsOf(content: unknown, partOf: (block: unknown) => MessagePart | undefined): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const block of content) {
    const part = partOf(block);
    if (part) parts.push(part);
  }
  return parts;
}

/**
 * Shortens text parts (then drops the oldest entries) until the JSON fits `max`; always valid JSON.
 * Credentials are scrubbed (`secrets`: the client's own, see redact.ts).
 */
export function boundedJson(value: readonly unknown[], max: number, secrets?: RegExp): string {
  let json = redactCredentials(JSON.stringify(value), secrets);
  if (json.length <= max) return json;
  // Shortened from the scrubbed JSON, so that a cut can never leave the head of a credential behind.
  let items = JSON.parse(json) as unknown[];
  for (let limit = Math.floor(max / 2); limit >= 16; limit = Math.floor(limit / 2)) {
    items = items.map((item) => shortenStrings(item, limit));
    json = redactCredentials(JSON.stringify(items), secrets);
    if (json.length <= max) return json;
  }
  while (items.length > 1) {
    items = items.slice(1);
    json = redactCredentials(JSON.stringify(items), secrets);
    if (json.length <= max) return json;
  }
  return '[]';
}

function shortenStrings(value: unknown, limit: number): unknown {
  if (typeof value === 'string') {
    return value.length > limit ? value.slice(0, limit) + TRUNCATION_MARK : value;
  }
  if (Array.isArray(value)) return value.map((v) => shortenStrings(v, limit));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shortenStrings(v, limit);
    return out;
  }
  return value;
}

/** Reads the opt-in switch: `true`/`false`, and the Python util-genai spellings for compatibility. */
export function parseCaptureContentEnv(raw: string | undefined, warn: (msg: string) => void): boolean {
  if (raw === undefined || raw.trim() === '') return false;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === 'span_only' || v === 'span_and_event') return true;
  if (v === 'false' || v === 'no_content' || v === 'event_only') return false;
  warn(
    `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT has the invalid value "${raw}"; ` +
      'allowed values are true, false (also SPAN_ONLY, NO_CONTENT). Content capture stays off.',
  );
  return false;
}
