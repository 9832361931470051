import { describe, expect, it } from 'vitest';
import * as upstreamStable from '@opentelemetry/semantic-conventions';
import * as upstream from '@opentelemetry/semantic-conventions/incubating';
import * as ours from '../src/index';
import type { GenAiSemconvProfile } from '../src/index';

const strings = (o: object): Set<string> =>
  new Set(Object.values(o).filter((v): v is string => typeof v === 'string'));
const upstreamValues = strings({ ...upstream, ...upstreamStable });
const ourValues = strings(ours);

/** Every name a profile writes: span attributes, metric names and metric attributes. */
function namesOf(p: GenAiSemconvProfile): string[] {
  const m = p.metrics;
  const families = (m.families ?? []).flatMap((f) => [
    f.duration.name,
    ...(f.timeToFirstChunk ? [f.timeToFirstChunk.name] : []),
    ...Object.values(f.usageCounters?.counters ?? {}).map((c) => c!.name),
    ...(f.usageCounters ? [f.usageCounters.modality, f.usageCounters.modalityUnknown] : []),
    ...Object.values(f.tokenHistograms ?? {}).map((h) => h!.name),
    ...f.operations,
  ]);
  return [
    p.operationName, p.providerName, p.serverAddress, p.serverPort, p.errorType, p.requestModel, p.responseModel,
    p.timeToFirstChunk, ...Object.values(p.content),
    ...p.request.map(([, k]) => k), ...p.response.map(([, k]) => k), ...p.usage.map(([, k]) => k),
    m.operationDuration.name, m.timeToFirstChunk.name,
    ...(m.tokenUsage ? [m.tokenUsage.name, m.tokenType!, m.tokenTypeInput!, m.tokenTypeOutput!] : []),
    ...families,
  ];
}

// The newest GenAI names (semantic-conventions-genai main, Aug–Oct 2026). `@opentelemetry/semantic-conventions`
// 1.45 froze its GenAI content at core v1.41, so none of these has an upstream constant yet; each cites its source
// file in its JSDoc. Once upstream publishes one under the same constant name, drift.test.ts compares it by name.
const NEWER_THAN_1_45 = {
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS: 'gen_ai.usage.cache_write.input_tokens',
  ATTR_GEN_AI_TOKEN_MODALITY: 'gen_ai.token.modality',
  GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN: 'unknown',
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS: 'gen_ai.client.inference.usage.input_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS: 'gen_ai.client.inference.usage.output_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.client.inference.usage.cache_read.input_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS: 'gen_ai.client.inference.usage.cache_write.input_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.client.inference.usage.reasoning.output_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS: 'gen_ai.client.inference.operation.input_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS: 'gen_ai.client.inference.operation.output_tokens',
  METRIC_GEN_AI_CLIENT_INFERENCE_DURATION: 'gen_ai.client.inference.duration',
  METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK: 'gen_ai.client.inference.time_to_first_chunk',
  METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION: 'gen_ai.client.embeddings.duration',
  METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS: 'gen_ai.client.embeddings.operation.input_tokens',
} as const;

describe('the newest GenAI names', () => {
  it('are exported with the values of the GenAI repository', () => {
    const exported = Object.fromEntries(Object.keys(NEWER_THAN_1_45).map((k) => [k, (ours as Record<string, unknown>)[k]]));
    expect(exported).toEqual(NEWER_THAN_1_45);
  });

  it.each(Object.entries(NEWER_THAN_1_45).filter(([, v]) => v.includes('.')))(
    '%s is not yet a name of semantic-conventions 1.45 (so it cites its source instead)',
    (_, value) => {
      expect(upstreamValues.has(value)).toBe(false);
    },
  );

  it('names each token counter after the span attribute of the same count', () => {
    const latest = ours.PROFILE_GEN_AI_LATEST;
    const counters = latest.metrics.families![0].usageCounters!.counters;
    const pairs = latest.usage.map(([fact, attribute]) => [counters[fact]!.name, attribute.replace('gen_ai.', 'gen_ai.client.inference.')]);
    for (const [counter, expected] of pairs) expect(counter).toBe(expected);
    expect(pairs).toHaveLength(5);
  });
});

describe.each([ours.PROFILE_INCUBATING_1_45, ours.PROFILE_GEN_AI_LATEST])('the $id profile', (profile) => {
  it('uses only names from this package', () => {
    expect(namesOf(profile).filter((n) => !ourValues.has(n))).toEqual([]);
  });
});

describe('the profiles against each other', () => {
  it('differ on spans only in the name of cache writes', () => {
    const a = ours.PROFILE_INCUBATING_1_45;
    const b = ours.PROFILE_GEN_AI_LATEST;
    expect(b.request).toEqual(a.request);
    expect(b.response).toEqual(a.response);
    const differing = b.usage.filter(([f, k]) => !a.usage.some(([g, l]) => f === g && k === l));
    expect(differing).toEqual([['cacheCreationInputTokens', 'gen_ai.usage.cache_write.input_tokens']]);
  });

  it('are written together by the dup selection, each name once', () => {
    const dup = ours.selectProfiles('duplicate');
    expect(dup.metrics).toEqual([ours.PROFILE_INCUBATING_1_45, ours.PROFILE_GEN_AI_LATEST]);
    const keys = dup.span.usage.map(([, k]) => k);
    expect(keys).toEqual([...new Set(keys)]);
    expect(keys).toContain('gen_ai.usage.cache_creation.input_tokens');
    expect(keys).toContain('gen_ai.usage.cache_write.input_tokens');
  });
});
