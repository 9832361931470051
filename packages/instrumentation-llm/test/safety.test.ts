import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWrapped } from '@opentelemetry/instrumentation';
import { DiagLogLevel, SpanStatusCode, diag } from '@opentelemetry/api';
import { SimpleSpanProcessor, TracerProvider, InMemorySpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { openaiClient, useTestbed } from './support/testbed';

const bed = useTestbed(openaiClient);
const diagErrors: string[] = [];

beforeAll(() => {
  diag.setLogger(
    { error: (m: string) => diagErrors.push(m), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.ERROR,
  );
});
beforeEach(() => {
  diagErrors.length = 0;
});

describe('the host app is never broken', () => {
  it('passes a malformed provider response through unchanged and still ends the span', async () => {
    const body = { id: 42, object: 'chat.completion', model: ['x'], choices: 'not-a-list', usage: { prompt_tokens: '12', completion_tokens: -1 } };
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body } });
    const result = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(JSON.parse(JSON.stringify(result))).toEqual(body);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.response.id']).toBeUndefined();
    expect(span.ended).toBe(true);
  });

  it('ends the span with the SDK\'s own error when the SDK cannot parse the body', async () => {
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": "cut short' } });
    const error = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    const [span] = await bed.h.spans();
    expect(span.ended).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('SyntaxError');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it('passes malformed stream chunks through unchanged', async () => {
    const events = ['{"id":"c1","choices":[{"index":"zero","delta":null,"finish_reason":7}],"usage":"lots"}', '[DONE]'];
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'text/event-stream' }, stream_format: 'sse', sse_events: events } });
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks).toEqual([JSON.parse(events[0])]);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.id']).toBe('c1');
  });

  it('proceeds uninstrumented and reports through diag when the telemetry pipeline throws', async () => {
    const throwing: SpanProcessor = {
      onStart() {
        throw new Error('broken span processor');
      },
      onEnd() {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const broken = new TracerProvider({ spanProcessors: [throwing, new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });
    bed.h.instrumentation.setTracerProvider(broken);
    try {
      const r = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still works' }] });
      expect(r.choices[0].message.content).toContain('stand-in');
      expect(diagErrors.some((m) => m.includes('tokenpath'))).toBe(true);
    } finally {
      bed.h.instrumentation.setTracerProvider(bed.h.tracerProvider);
    }
  });

  it('leaves an untested future major unpatched', async () => {
    // A package named openai at 8.0.0 (a fixture of ours, not the SDK): the range's upper bound must keep it unpatched.
    const dir = mkdtempSync(join(tmpdir(), 'tokenpath-openai8-'));
    const pkg = join(dir, 'node_modules', 'openai');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'openai', version: '8.0.0', main: 'index.js' }));
    writeFileSync(
      join(pkg, 'index.js'),
      'class Completions { create() { return 1; } }\nclass Chat {}\nChat.Completions = Completions;\nclass OpenAI {}\nOpenAI.Chat = Chat;\nmodule.exports = { OpenAI };\n',
    );
    try {
      const future = createRequire(join(dir, 'index.js'))('openai');
      expect(isWrapped(future.OpenAI.Chat.Completions.prototype.create)).toBe(false);
      const current = bed.sdk;
      expect(isWrapped(current.OpenAI.Chat.Completions.prototype.create)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
