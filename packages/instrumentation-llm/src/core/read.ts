/**
 * Defensive readers for provider payloads: a malformed response must never throw, and a missing
 * count stays unknown (undefined), never 0.
 */

export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A token count: a finite, non-negative integer. */
export function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function objectOf(value: unknown): Record<string, any> | undefined {
  return value !== null && typeof value === 'object' ? (value as Record<string, any>) : undefined;
}

/** `stop` may be a string or a list; the attribute is always a list of strings. */
export function stringListOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}
