import { afterAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT } from '@tokenpath/semconv';
import { GenAiOperation } from '../../src/core/operation';
import { MAX_LISTED, endOpenOperations, openCount } from '../../src/core/open-operations';
import { createHarness } from '../support/harness';
import { operationSettings } from '../support/operation';

// Operations are built directly on real SDK providers (the harness'); the list is the process's own.
const h = createHarness();
afterAll(() => h.shutdown());

const start = (model: string) => ({ operation: 'chat', provider: 'openai', request: { model } });

describe('open operations', () => {
  it('lists an operation from its start until it ends, however it ends', async () => {
    await h.reset();
    const before = openCount();
    const ended = new GenAiOperation(operationSettings(h), start('a'));
    const failed = new GenAiOperation(operationSettings(h), start('b'));
    expect(openCount()).toBe(before + 2);
    ended.end();
    failed.fail(new Error('boom'));
    expect(openCount()).toBe(before);
    expect(endOpenOperations()).toBe(before);
  });

  it('the final flush ends each call still open as unfinished, once, with no usage stated', async () => {
    await h.reset();
    endOpenOperations();
    const settings = operationSettings(h);
    const done = new GenAiOperation(settings, start('done'));
    const streaming = new GenAiOperation(settings, { ...start('streaming'), request: { model: 'streaming', choiceCount: 1 } });
    streaming.chunk();
    new GenAiOperation(settings, start('never-read'));
    done.usage.outputTokens = 3;
    done.end();

    expect(endOpenOperations()).toBe(2);
    expect(endOpenOperations()).toBe(0);
    streaming.end(); // too late: ended once, as unfinished

    const spans = await h.spans();
    const byModel = Object.fromEntries(spans.map((s) => [s.attributes['gen_ai.request.model'], s]));
    expect(Object.keys(byModel).sort()).toEqual(['done', 'never-read', 'streaming']);
    expect(byModel.done!.attributes['error.type']).toBeUndefined();
    for (const model of ['streaming', 'never-read']) {
      const span = byModel[model]!;
      expect(span.attributes['error.type']).toBe(TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT);
      expect(span.attributes['tokenpath.usage.source']).toBe('none');
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the process ended before the call finished' });
    }
    // Inference had started on the stream: its expected finish reason is reported as `error`.
    expect(byModel.streaming!.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    const durations = await h.points('gen_ai.client.operation.duration');
    const unfinished = durations.filter((p) => p.attributes['error.type'] === TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT);
    expect(unfinished.reduce((n, p) => n + p.count, 0)).toBe(2);
  });

  it(`keeps at most ${MAX_LISTED}: an operation the app abandons is let go, never kept for good`, async () => {
    await h.reset();
    endOpenOperations();
    const settings = operationSettings(h);
    const abandoned = new GenAiOperation(settings, start('abandoned'));
    const newer = Array.from({ length: MAX_LISTED }, (_, i) => new GenAiOperation(settings, start(`newer-${i % 4}`)));
    expect(openCount()).toBe(MAX_LISTED);
    expect(abandoned.listed).toBe(false);
    expect(newer.every((op) => op.listed)).toBe(true);

    expect(endOpenOperations()).toBe(MAX_LISTED);
    expect(openCount()).toBe(0);
    const spans = await h.spans();
    expect(spans).toHaveLength(MAX_LISTED);
    expect(spans.some((s) => s.attributes['gen_ai.request.model'] === 'abandoned')).toBe(false);
    // The abandoned one still ends normally if the app comes back to it.
    abandoned.end();
    expect(await h.spans()).toHaveLength(MAX_LISTED + 1);
  });
});
