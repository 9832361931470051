/**
 * Credentials must never leave the process in telemetry, even inside an error message a provider
 * wrote (OpenAI's 401 body quotes part of the key) or a URL (the Gemini API takes `?key=`).
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{6,}/g, // OpenAI / Anthropic style secret keys (sk-..., sk-ant-..., sk-proj-...)
  /\b(gsk|xai|AIza)[A-Za-z0-9_-]{10,}/g, // Groq, xAI, Google API keys
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(AKIA|ASIA)[A-Z0-9]{12,}/g, // AWS access key ids
  /([?&](?:key|api[-_]?key|access_token|token|sig|signature)=)[^&#\s]+/gi,
];

export function redactCredentials(text: string): string {
  let out = text;
  for (const pattern of CREDENTIAL_PATTERNS) {
    out = out.replace(pattern, (match, g1: string) =>
      match.startsWith('?') || match.startsWith('&') ? `${g1}REDACTED` : 'REDACTED',
    );
  }
  return out;
}
