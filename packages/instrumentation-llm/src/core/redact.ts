/**
 * Credentials must never leave the process in telemetry, even inside an error message a provider
 * wrote (a 401 body may quote the key) or a URL (the Gemini API takes `?key=`).
 *
 * Two layers, applied wherever a string goes to telemetry (span status messages, captured content):
 * - the secrets the client was actually configured with, whatever their shape (an Azure key is 32
 *   hex characters, an AWS session token is opaque base64): each provider adapter names where its
 *   client keeps them (a `SecretReader`), and they are replaced verbatim;
 * - key-shaped strings (below), for credentials tokenpath was not told about (a key pasted into a
 *   prompt, another client's key in a message).
 *
 * Nothing of this runs for a call that succeeds without content capture: the reader is called only
 * when a string is about to be scrubbed.
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{6,}/g, // OpenAI / Anthropic style secret keys (sk-..., sk-ant-..., sk-proj-...)
  /\b(gsk|xai|AIza)[A-Za-z0-9_-]{10,}/g, // Groq, xAI, Google API keys
  /\bya29\.[A-Za-z0-9._~+/=-]{8,}/g, // Google OAuth access tokens (Vertex AI)
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, // JWTs (Microsoft Entra tokens for Azure OpenAI, OIDC)
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(AKIA|ASIA)[A-Z0-9]{12,}/g, // AWS access key ids
  // A query value ends where a JSON string does too (captured content is scrubbed as JSON).
  /([?&](?:key|api[-_]?key|access_token|token|sig|signature)=)[^&#\s"\\]+/gi,
];

const REDACTED = 'REDACTED';

/**
 * Configured values shorter than this are not scrubbed verbatim: a client made with `apiKey: 'test'`
 * or `'EMPTY'` (a local server that checks no key) would otherwise have every "test" in its error
 * messages and prompts replaced, and no real provider issues keys that short (the shortest real
 * shapes: AWS access key ids and Azure keys, 20 and 32 characters). Such values still meet the
 * key-shaped patterns above.
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * Where a provider's client keeps its credentials: returns the values it holds now (anything that is
 * not a string is ignored). Must only read properties, never resolve a credential (no calls into
 * credential providers, no awaiting); called only when a string is about to be scrubbed.
 */
export type SecretReader = (holder: any) => readonly unknown[];

/** A client's secrets as last read, and the pattern that replaces them (compiled once per change). */
interface CompiledSecrets {
  readonly values: readonly unknown[];
  readonly pattern: RegExp | undefined;
}

const compiled = new WeakMap<object, CompiledSecrets>();

/**
 * The pattern matching every secret `holder` is configured with now, or undefined when it holds
 * none worth scrubbing. Cached per holder: a key that rotates (an `apiKey` function, refreshed AWS
 * credentials) is compiled anew, an unchanged one is not.
 */
export function secretPattern(holder: object | undefined, read: SecretReader | undefined): RegExp | undefined {
  if (typeof holder !== 'object' || holder === null || read === undefined) return undefined;
  const values = read(holder);
  const known = compiled.get(holder);
  if (known !== undefined && sameValues(known.values, values)) return known.pattern;
  const pattern = compile(values);
  compiled.set(holder, { values, pattern });
  return pattern;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One alternation of every secret, longest first (so a secret containing another is replaced
 * whole), also in the spellings it takes inside a URL query and inside a JSON string.
 */
function compile(values: readonly unknown[]): RegExp | undefined {
  const spellings = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    spellings.add(value);
    spellings.add(encodeURIComponent(value));
    spellings.add(JSON.stringify(value).slice(1, -1));
  }
  if (spellings.size === 0) return undefined;
  const alternatives = [...spellings].sort((x, y) => y.length - x.length).map(escapeRegExp);
  return new RegExp(alternatives.join('|'), 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` without the given secrets (see `secretPattern`) and without key-shaped strings. */
export function redactCredentials(text: string, secrets?: RegExp): string {
  let out = secrets === undefined ? text : text.replace(secrets, REDACTED);
  for (const pattern of CREDENTIAL_PATTERNS) {
    out = out.replace(pattern, (match, g1: string) =>
      match.startsWith('?') || match.startsWith('&') ? `${g1}${REDACTED}` : REDACTED,
    );
  }
  return out;
}
