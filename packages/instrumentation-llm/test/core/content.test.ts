import { describe, expect, it } from 'vitest';
import { boundedJson, parseCaptureContentEnv } from '../../src/core/content';
import { redactCredentials } from '../../src/core/redact';

describe('boundedJson', () => {
  it('keeps small values as they are', () => {
    const v = [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }];
    expect(boundedJson(v, 1000)).toBe(JSON.stringify(v));
  });

  it('shortens long text parts and keeps valid JSON under the bound', () => {
    const v = [{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(10_000) }] }];
    const out = boundedJson(v, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(JSON.parse(out)[0].parts[0].content).toMatch(/^x+…\[truncated\]$/);
  });

  it('drops the oldest messages when shortening is not enough', () => {
    const v = Array.from({ length: 100 }, (_, i) => ({ role: 'user', parts: [{ type: 'text', content: `m${i}` }] }));
    const parsed = JSON.parse(boundedJson(v, 300));
    expect(parsed.length).toBeLessThan(100);
    expect(parsed.at(-1).parts[0].content).toBe('m99');
  });
});

describe('redactCredentials', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-abc123def456', 'Incorrect API key provided: REDACTED'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: REDACTED'],
    ['https://generativelanguage.googleapis.com/v1/models?key=AIzaSyAbCdEf123&alt=sse', 'https://generativelanguage.googleapis.com/v1/models?key=REDACTED&alt=sse'],
    ['AKIAIOSFODNN7EXAMPLE was used', 'REDACTED was used'],
    ['nothing secret here', 'nothing secret here'],
  ])('redacts %s', (input, output) => {
    expect(redactCredentials(input)).toBe(output);
  });
});

describe('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', () => {
  it('is off when unset and follows true/false', () => {
    const warn = (m: string) => {
      throw new Error(m);
    };
    expect(parseCaptureContentEnv(undefined, warn)).toBe(false);
    expect(parseCaptureContentEnv('TRUE', warn)).toBe(true);
    expect(parseCaptureContentEnv('false', warn)).toBe(false);
    expect(parseCaptureContentEnv('SPAN_ONLY', warn)).toBe(true);
  });

  it('names the variable and the allowed values for a bad value, and stays off', () => {
    const messages: string[] = [];
    expect(parseCaptureContentEnv('yes', (m) => messages.push(m))).toBe(false);
    expect(messages).toEqual([expect.stringMatching(/OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT.*"yes".*true, false/)]);
  });
});
