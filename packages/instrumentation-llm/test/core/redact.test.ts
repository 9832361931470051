import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, redactCredentials, secretPattern } from '../../src/core/redact';

describe('key-shaped strings', () => {
  it.each([
    ['token ya29.a0AfH6SMBx-example_token expired', 'token REDACTED expired'],
    ['entra eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ rejected', 'entra REDACTED rejected'],
    ['{"url":"https://x/v1?key=abc123&alt=sse"}', '{"url":"https://x/v1?key=REDACTED&alt=sse"}'],
    ['{"url":"https://x/v1?key=abc123"}', '{"url":"https://x/v1?key=REDACTED"}'],
  ])('redacts %s', (input, output) => {
    expect(redactCredentials(input)).toBe(output);
  });
});

describe("a client's own secrets", () => {
  const holder = (values: unknown[]) => ({ values });
  const read = (h: { values: unknown[] }) => h.values;

  it('replaces every occurrence, also URL-encoded and JSON-escaped, the longest first', () => {
    const key = 'a1b2c3d4/e5f6+g7h8"i9';
    const pattern = secretPattern(holder([key, key.slice(0, 9)]), read)!;
    const text = `raw ${key} url ${encodeURIComponent(key)} json ${JSON.stringify(key)} head ${key.slice(0, 9)}`;
    expect(redactCredentials(text, pattern)).toBe('raw REDACTED url REDACTED json "REDACTED" head REDACTED');
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters and non-strings`, () => {
    expect(secretPattern(holder(['test', '', 'EMPTY', null, undefined, 42, { key: 'x' }]), read)).toBeUndefined();
    expect(redactCredentials('a test of EMPTY', secretPattern(holder(['test', 'EMPTY']), read))).toBe('a test of EMPTY');
  });

  it('follows a key that changes on the same client, and reuses the pattern while it does not', () => {
    const h = holder(['first-secret-value']);
    const first = secretPattern(h, read);
    expect(secretPattern(h, (x) => [...x.values])).toBe(first);
    h.values = ['second-secret-value'];
    expect(redactCredentials('first-secret-value second-secret-value', secretPattern(h, read))).toBe('first-secret-value REDACTED');
  });

  it('reads nothing from a holder that is not an object', () => {
    expect(secretPattern(undefined, read as any)).toBeUndefined();
    expect(secretPattern('sk-string' as any, read as any)).toBeUndefined();
  });
});
