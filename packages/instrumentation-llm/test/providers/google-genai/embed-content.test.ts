import { describe, expect, it } from 'vitest';
import { expectFailedSpan, expectTokenTotals } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { geminiClient, vertexClient } from './support';

const bed = useTestbed(geminiClient);

describe('models.embedContent', () => {
  it('records the exact attribute set on the Gemini API, which reports no token usage (so none is recorded)', async () => {
    const r = await bed.client.models.embedContent({ model: 'gemini-embedding-001', contents: ['one two', 'three'], config: { outputDimensionality: 16 } });
    expect(r.embeddings).toHaveLength(2);
    expect(bed.standIn.requests.at(-1)!.path).toMatch(/^\/v1(beta)?\/models\/gemini-embedding-001:batchEmbedContents$/);
    const [span] = await bed.h.spans();
    expect(span.name).toBe('embeddings gemini-embedding-001');
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-embedding-001',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.embeddings.dimension.count': 16,
      'tokenpath.usage.source': 'none',
    });
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('records the summed per-embedding token counts of a Vertex predict call as input tokens', async () => {
    const vertex = vertexClient(bed.sdk, bed.standIn);
    const r = await vertex.models.embedContent({ model: 'text-embedding-005', contents: ['one two', 'three four five'] });
    expect(r.embeddings.map((e: any) => e.statistics.tokenCount)).toEqual([2, 3]);
    expect(bed.standIn.requests.at(-1)!.path).toMatch(/\/publishers\/google\/models\/text-embedding-005:predict$/);
    const [span] = await bed.h.spans();
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.request.model': 'text-embedding-005',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.embeddings.dimension.count': 8,
      'gen_ai.usage.input_tokens': 5,
      'tokenpath.usage.source': 'provider',
    });
    const tokens = await expectTokenTotals(bed.h, { input: 5 });
    expect(tokens.filter((p) => p.attributes['gen_ai.token.type'] === 'output')).toEqual([]);
  });

  it('records usageMetadata.promptTokenCount of a Vertex embedContent call (Gemini embedding models)', async () => {
    const vertex = vertexClient(bed.sdk, bed.standIn);
    await vertex.models.embedContent({ model: 'gemini-embedding-2', contents: 'one two three' });
    expect(bed.standIn.requests.at(-1)!.path).toMatch(/:embedContent$/);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(bed.standIn.served[0].usage!.promptTokenCount);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(3);
  });

  it('reports an HTTP error with the Google status and no finish reasons', async () => {
    await expect(bed.client.models.embedContent({ model: 'error-404', contents: 'x' })).rejects.toBeInstanceOf(bed.sdk.ApiError);
    await expectFailedSpan(bed.h, 'NOT_FOUND', undefined);
  });
});
