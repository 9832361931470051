import { afterAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { GenAiOperation } from '../../src/core/operation';
import { createHarness } from '../support/harness';
import { operationSettings } from '../support/operation';

// Operations are built directly on real SDK providers (the harness'), without any SDK client.
const h = createHarness();
afterAll(() => h.shutdown());

const start = { operation: 'chat', provider: 'openai', request: { model: 'm', choiceCount: 2 } };

describe('GenAiOperation', () => {
  it('ends exactly once, whatever is called after', async () => {
    await h.reset();
    const op = new GenAiOperation(operationSettings(h), start);
    op.usage.inputTokens = 5;
    op.end();
    op.end();
    op.fail(new Error('late'));
    const spans = await h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    const duration = await h.points('gen_ai.client.operation.duration');
    expect(duration.reduce((n, p) => n + p.count, 0)).toBe(1);
    expect((await h.points('gen_ai.client.token.usage')).map((p) => p.sum)).toEqual([5]);
  });

  it('reports error for every expected finish reason that never came after inference started', async () => {
    await h.reset();
    const op = new GenAiOperation(operationSettings(h), start);
    op.chunk();
    op.response.finishReasons = [];
    op.response.finishReasons[1] = 'stop';
    op.fail(new TypeError('terminated'));
    const [span] = await h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error', 'stop']);
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'terminated' });
  });

  it('names a DOMException by its name, as fetch rejects aborted requests with one', async () => {
    await h.reset();
    new GenAiOperation(operationSettings(h), start).fail(new DOMException('This operation was aborted', 'AbortError'));
    const [span] = await h.spans();
    expect(span.attributes['error.type']).toBe('AbortError');
  });

  it('leaves finish reasons unset when inference never started', async () => {
    await h.reset();
    new GenAiOperation(operationSettings(h), start).fail({ code: 'ECONNREFUSED' });
    const [span] = await h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(span.attributes['error.type']).toBe('ECONNREFUSED');
  });

  it('keeps usage off the span but in the metrics when another span of the call carries it (spanUsage: false)', async () => {
    await h.reset();
    const op = new GenAiOperation(operationSettings(h), { ...start, spanUsage: false });
    op.usage.inputTokens = 5;
    op.usage.outputTokens = 7;
    op.response.finishReasons = ['stop'];
    op.end();
    const [span] = await h.spans();
    expect(Object.keys(span.attributes).filter((k) => k.startsWith('gen_ai.usage.'))).toEqual([]);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect((await h.points('gen_ai.client.token.usage')).map((p) => p.sum).sort()).toEqual([5, 7]);
  });
});
