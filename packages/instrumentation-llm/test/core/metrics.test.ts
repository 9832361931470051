import { afterAll, describe, expect, it } from 'vitest';
import { selectProfiles } from '@tokenpath/semconv';
import { GenAiOperation, type OperationSettings } from '../../src/core/operation';
import { createHarness } from '../support/harness';
import { operationSettings } from '../support/operation';

// Operations built directly on the harness' real SDK providers, under the dup selection (both profiles at once).
const h = createHarness();
afterAll(() => h.shutdown());

const settings = (): OperationSettings => operationSettings(h, selectProfiles('duplicate'));

describe('recording under two profiles at once', () => {
  it('records a metric both profiles name only once per call (an operation neither profile meters on its own)', async () => {
    await h.reset();
    const op = new GenAiOperation(settings(), { operation: 'rerank', provider: 'cohere', request: { model: 'r' } });
    op.usage.inputTokens = 4;
    op.end();
    expect((await h.points('gen_ai.client.operation.duration')).map((p) => p.count)).toEqual([1]);
    expect((await h.points('gen_ai.client.token.usage')).map((p) => p.sum)).toEqual([4]);
  });

  it('records embeddings once under each profile name: operation.duration (1.45) and embeddings.duration (newest)', async () => {
    await h.reset();
    const op = new GenAiOperation(settings(), { operation: 'embeddings', provider: 'openai', request: { model: 'e' } });
    op.usage.inputTokens = 3;
    op.end();
    expect((await h.points('gen_ai.client.operation.duration')).map((p) => p.count)).toEqual([1]);
    expect((await h.points('gen_ai.client.embeddings.duration')).map((p) => p.count)).toEqual([1]);
    expect((await h.points('gen_ai.client.embeddings.operation.input_tokens')).map((p) => p.sum)).toEqual([3]);
    expect((await h.points('gen_ai.client.token.usage')).map((p) => p.sum)).toEqual([3]);
  });
});
