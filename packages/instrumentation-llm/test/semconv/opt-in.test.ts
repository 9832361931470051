import { describe, expect, it } from 'vitest';
import { PROFILE_GEN_AI_LATEST, PROFILE_INCUBATING_1_45 } from '@tokenpath/semconv';
import { semconvFromEnv } from '../../src/core/semconv-opt-in';

const ids = (value: string | undefined) => {
  const s = semconvFromEnv(value);
  return { span: s.span.id, metrics: s.metrics.map((p) => p.id) };
};
const DEFAULT = { span: PROFILE_INCUBATING_1_45.id, metrics: [PROFILE_INCUBATING_1_45.id] };
const LATEST = { span: PROFILE_GEN_AI_LATEST.id, metrics: [PROFILE_GEN_AI_LATEST.id] };
const DUP = {
  span: `${PROFILE_INCUBATING_1_45.id}+${PROFILE_GEN_AI_LATEST.id}`,
  metrics: [PROFILE_INCUBATING_1_45.id, PROFILE_GEN_AI_LATEST.id],
};

describe('OTEL_SEMCONV_STABILITY_OPT_IN', () => {
  it.each([
    [undefined, DEFAULT],
    ['', DEFAULT],
    ['http,database/dup', DEFAULT],
    ['gen_ai_latest', DEFAULT],
    ['gen_ai_latest_experimental', LATEST],
    [' http , GEN_AI_LATEST_EXPERIMENTAL ', LATEST],
    ['gen_ai_latest_experimental/dup', DUP],
    ['gen_ai_latest_experimental,gen_ai_latest_experimental/dup', DUP],
  ])('selects the GenAI names for %j as a comma-separated list, like OpenTelemetry does for http', (value, expected) => {
    expect(ids(value)).toEqual(expected);
  });
});
