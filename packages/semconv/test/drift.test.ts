import { describe, expect, it } from 'vitest';
import * as upstreamStable from '@opentelemetry/semantic-conventions';
import * as upstream from '@opentelemetry/semantic-conventions/incubating';
import * as ours from '../src/index';

// Every constant of ours that upstream also defines must carry upstream's value. Ours may hold more
// (names newer than the frozen 1.45 incubating set, units, buckets), never a different value.
const upstreamAll: Record<string, unknown> = { ...upstream, ...upstreamStable };
const shared = Object.entries(ours).filter(([name, value]) => typeof value === 'string' && name in upstreamAll);

describe('drift against @opentelemetry/semantic-conventions', () => {
  it('shares most names with upstream', () => {
    expect(shared.length).toBeGreaterThan(50);
  });

  it.each(shared)('%s equals upstream', (name, value) => {
    expect(value).toBe(upstreamAll[name]);
  });

  it('names every metric and token type upstream names', () => {
    expect(ours.METRIC_GEN_AI_CLIENT_TOKEN_USAGE).toBe(upstream.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(ours.METRIC_GEN_AI_CLIENT_OPERATION_DURATION).toBe(upstream.METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
  });
});
